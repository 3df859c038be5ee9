// The settlement conformance suite: concluding a dispute, and withdrawing
// the concluded state's allocation. It runs on every backend.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "conformance/settlement_conformance.h"

namespace parley::settlement::conformance {
namespace {

using apps::PaymentApp;
using testing::HasSubstr;

class SettlementConcludeTest : public SettlementConformanceTest {};

// ---------------------------------------------------------------------------
// Concluding.

TEST_P(SettlementConcludeTest, ConcludeBeforeTheTimeoutFailsAndNamesTheTick) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  Tick t0 = RegisterPayment(ch);
  EventLog log(watcher(), ch.id);
  const std::string timeout = std::to_string(t0 + kDuration);

  Status early = adj(alice_).Conclude(ch.params);
  EXPECT_EQ(early.code(), StatusCode::kFailedPrecondition) << early.ToString();
  EXPECT_THAT(early.message(), HasSubstr(timeout));
  ASSERT_OK(backend_->AdvanceTicks(kDuration - 1));
  View before = Look(ch);
  Status late = adj(alice_).Conclude(ch.params);
  EXPECT_EQ(late.code(), StatusCode::kFailedPrecondition) << late.ToString();
  EXPECT_THAT(late.message(), HasSubstr(timeout));
  ExpectSameView(before, Look(ch));
  EXPECT_CODE(adj(alice_).Withdraw(ch.params, 0), StatusCode::kFailedPrecondition);
  EXPECT_EQ(log.size(), 0u);

  ASSERT_OK(backend_->AdvanceTicks(1));
  ASSERT_OK(adj(bob_).Conclude(ch.params));
  auto d = DisputeOf(ch);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->concluded);
  EXPECT_EQ(d->state.state.version, 1u);
  std::vector<Event> events = log.WaitFor(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::kConcluded);
  EXPECT_EQ(events[0].channel, ch.id);
  EXPECT_EQ(events[0].version, 1u);
}

TEST_P(SettlementConcludeTest, AFinalStateConcludesAtOnce) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 60, 40));
  ASSERT_OK(adj(alice_).Register(ch.params, SignAll(ch, PaymentState(ch, 2, 10, 90, true))));
  ASSERT_OK(adj(alice_).Conclude(ch.params));
  auto d = DisputeOf(ch);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->concluded);
  WithdrawBothAndExpect(ch, 10, 90);
}

TEST_P(SettlementConcludeTest, AFinalStateThatRefutesConcludesAtOnce) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(RegisterPayment(ch));
  EXPECT_CODE(adj(alice_).Conclude(ch.params), StatusCode::kFailedPrecondition);
  ASSERT_OK(adj(bob_).Register(ch.params, SignAll(ch, PaymentState(ch, 2, 30, 70, true))));
  ASSERT_OK(adj(bob_).Conclude(ch.params));
  ASSERT_OK(adj(bob_).Withdraw(ch.params, 1));
  EXPECT_EQ(Bal(bob_), 70);
}

TEST_P(SettlementConcludeTest, ConcludeTwiceFails) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(RegisterPayment(ch));
  ASSERT_OK(backend_->AdvanceTicks(kDuration));
  ASSERT_OK(adj(alice_).Conclude(ch.params));
  EventLog log(watcher(), ch.id);
  View before = Look(ch);
  EXPECT_CODE(adj(alice_).Conclude(ch.params), StatusCode::kFailedPrecondition);
  EXPECT_CODE(adj(bob_).Conclude(ch.params), StatusCode::kFailedPrecondition);
  ExpectSameView(before, Look(ch));
  EXPECT_EQ(log.size(), 0u);
}

TEST_P(SettlementConcludeTest, ConcludeWithNothingRegisteredFails) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  EXPECT_CODE(adj(alice_).Conclude(ch.params), UnseenChannelCode());
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 60, 40));
  ASSERT_OK(backend_->AdvanceTicks(1000));
  View before = Look(ch);
  EXPECT_CODE(adj(alice_).Conclude(ch.params), StatusCode::kFailedPrecondition);
  ExpectSameView(before, Look(ch));
}

TEST_P(SettlementConcludeTest, RegisterAfterConcludeFails) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 60, 40));
  ASSERT_OK(adj(alice_).Register(ch.params, SignAll(ch, PaymentState(ch, 1, 60, 40, true))));
  ASSERT_OK(adj(alice_).Conclude(ch.params));
  View before = Look(ch);
  EXPECT_CODE(adj(bob_).Register(ch.params, SignAll(ch, PaymentState(ch, 9, 0, 100, true))),
              StatusCode::kFailedPrecondition);
  ExpectSameView(before, Look(ch));
}

// ---------------------------------------------------------------------------
// Withdrawing.

TEST_P(SettlementConcludeTest, WithdrawTwiceFailsAndChangesNothing) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 60, 40));
  ASSERT_OK(adj(alice_).Register(ch.params, SignAll(ch, PaymentState(ch, 1, 80, 20, true))));
  ASSERT_OK(adj(alice_).Conclude(ch.params));
  ASSERT_OK(adj(alice_).Withdraw(ch.params, 0));
  EXPECT_EQ(Bal(alice_), 80);
  EventLog log(watcher(), ch.id);
  View before = Look(ch);
  EXPECT_CODE(adj(alice_).Withdraw(ch.params, 0), StatusCode::kFailedPrecondition);
  EXPECT_CODE(adj(bob_).Withdraw(ch.params, 0), StatusCode::kFailedPrecondition);
  ExpectSameView(before, Look(ch));
  EXPECT_EQ(log.size(), 0u);
  // The other participant is not affected.
  ASSERT_OK(adj(bob_).Withdraw(ch.params, 1));
  EXPECT_EQ(Bal(bob_), 20);
  EXPECT_CODE(adj(bob_).Withdraw(ch.params, 1), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Bal(bob_), 20);
}

TEST_P(SettlementConcludeTest, WithdrawBeforeConcludeFails) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  EXPECT_CODE(adj(alice_).Withdraw(ch.params, 0), UnseenChannelCode());
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 60, 40));
  View funded = Look(ch);
  EXPECT_CODE(adj(alice_).Withdraw(ch.params, 0), StatusCode::kFailedPrecondition);
  ExpectSameView(funded, Look(ch));
  ASSERT_OK(adj(alice_).Register(ch.params, SignAll(ch, PaymentState(ch, 1, 100, 0))));
  ASSERT_OK(backend_->AdvanceTicks(kDuration));  // concludable, not concluded
  View registered = Look(ch);
  EXPECT_CODE(adj(alice_).Withdraw(ch.params, 0), StatusCode::kFailedPrecondition);
  EXPECT_CODE(adj(bob_).Withdraw(ch.params, 1), StatusCode::kFailedPrecondition);
  ExpectSameView(registered, Look(ch));
}

TEST_P(SettlementConcludeTest, WithdrawForANonParticipantFails) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 60, 40));
  ASSERT_OK(adj(alice_).Register(ch.params, SignAll(ch, PaymentState(ch, 1, 60, 40, true))));
  ASSERT_OK(adj(alice_).Conclude(ch.params));
  View before = Look(ch);
  EXPECT_FAILS(adj(carol_).Withdraw(ch.params, 2));
  ExpectSameView(before, Look(ch));
}

INSTANTIATE_TEST_SUITE_P(Backends, SettlementConcludeTest, testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace parley::settlement::conformance
