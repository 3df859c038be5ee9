// The settlement conformance suite: registering a state and refuting it
// with a higher version. It runs on every backend.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "conformance/settlement_conformance.h"

namespace parley::settlement::conformance {
namespace {

using apps::PaymentApp;
using channel::ParticipantIndex;
using channel::SignedState;
using channel::State;

class SettlementDisputeTest : public SettlementConformanceTest {};

// ---------------------------------------------------------------------------
// Registering.

TEST_P(SettlementDisputeTest, RegisterStartsADisputeWithTheChallengeTimeout) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 60, 40));
  EventLog log(watcher(), ch.id);
  EventLog log2(adj(bob_), ch.id);  // every subscriber hears it
  Tick t0 = Now();
  SignedState v3 = SignAll(ch, PaymentState(ch, 3, 70, 30));
  ASSERT_OK(adj(alice_).Register(ch.params, v3));

  auto d = DisputeOf(ch);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->state.state, v3.state);
  EXPECT_EQ(d->timeout, t0 + kDuration);
  EXPECT_FALSE(d->progressing);
  EXPECT_FALSE(d->concluded);
  EXPECT_EQ(Now(), t0);  // registering does not move the clock

  for (EventLog* l : {&log, &log2}) {
    std::vector<Event> events = l->WaitFor(1);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, EventKind::kRegistered);
    EXPECT_EQ(events[0].channel, ch.id);
    EXPECT_EQ(events[0].version, 3u);
    EXPECT_EQ(events[0].timeout, t0 + kDuration);
  }
}

TEST_P(SettlementDisputeTest, EventsOfOtherChannelsAreNotDelivered) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  TestChannel other = MakeChannel(PaymentApp::kId);
  EventLog log(watcher(), other.id);
  EventLog mine(watcher(), ch.id);
  ASSERT_NO_FATAL_FAILURE(RegisterPayment(ch));
  mine.WaitFor(features().deposits ? 3 : 1);  // any deposits and the registration
  EXPECT_EQ(log.size(), 0u);
}

TEST_P(SettlementDisputeTest, RegisterWithAMissingSignatureIsDeniedAndChangesNothing) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 60, 40));
  EventLog log(watcher(), ch.id);
  State s = PaymentState(ch, 1, 100, 0);
  View before = Look(ch);
  for (const auto& signers : std::vector<std::vector<ParticipantIndex>>{{0}, {1}, {}}) {
    EXPECT_CODE(adj(alice_).Register(ch.params, SignBy(ch, s, signers)),
                StatusCode::kPermissionDenied)
        << "signed by " << signers.size() << " participant(s)";
    ExpectSameView(before, Look(ch));
  }
  EXPECT_EQ(before.dispute_code, StatusCode::kNotFound);
  EXPECT_EQ(log.size(), 0u);
}

TEST_P(SettlementDisputeTest, RegisterWithWrongSignaturesIsDeniedAndChangesNothing) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 60, 40));
  EventLog log(watcher(), ch.id);
  State s = PaymentState(ch, 1, 100, 0);
  Hash32 hash = scheme().StateHash(s);
  View before = Look(ch);

  // A corrupted signature.
  SignedState flipped = SignAll(ch, s);
  ASSERT_FALSE(flipped.sigs[1]->empty());
  (*flipped.sigs[1])[flipped.sigs[1]->size() / 2] ^= 0x01;
  EXPECT_CODE(adj(alice_).Register(ch.params, flipped), StatusCode::kPermissionDenied);
  ExpectSameView(before, Look(ch));

  // A valid signature by someone else (carol) in bob's slot.
  SignedState forged = SignBy(ch, s, {0});
  forged.sigs[1] = scheme().Sign(carol_, hash);
  EXPECT_CODE(adj(carol_).Register(ch.params, forged), StatusCode::kPermissionDenied);
  ExpectSameView(before, Look(ch));

  // Alice signs for both.
  SignedState self_signed = SignBy(ch, s, {0});
  self_signed.sigs[1] = scheme().Sign(alice_, hash);
  EXPECT_CODE(adj(alice_).Register(ch.params, self_signed), StatusCode::kPermissionDenied);
  ExpectSameView(before, Look(ch));

  // The right signatures in the wrong slots.
  SignedState swapped = SignAll(ch, s);
  std::swap(swapped.sigs[0], swapped.sigs[1]);
  EXPECT_CODE(adj(alice_).Register(ch.params, swapped), StatusCode::kPermissionDenied);
  ExpectSameView(before, Look(ch));

  // Signatures of another state: bob signed a different allocation.
  SignedState other = SignAll(ch, PaymentState(ch, 1, 0, 100));
  SignedState mixed = SignBy(ch, s, {0});
  mixed.sigs[1] = other.sigs[1];
  EXPECT_CODE(adj(alice_).Register(ch.params, mixed), StatusCode::kPermissionDenied);
  ExpectSameView(before, Look(ch));

  // A signed state whose content was changed afterwards.
  SignedState tampered = SignAll(ch, s);
  tampered.state.allocation.assets[0].balances = {90, 10};
  EXPECT_CODE(adj(alice_).Register(ch.params, tampered), StatusCode::kPermissionDenied);
  ExpectSameView(before, Look(ch));
  tampered = SignAll(ch, s);
  tampered.state.version = 2;
  EXPECT_CODE(adj(alice_).Register(ch.params, tampered), StatusCode::kPermissionDenied);
  ExpectSameView(before, Look(ch));

  EXPECT_EQ(log.size(), 0u);
}

TEST_P(SettlementDisputeTest, BadSignaturesCannotRefuteARegisteredState) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(RegisterPayment(ch));
  EventLog log(watcher(), ch.id);
  View before = Look(ch);
  State v2 = PaymentState(ch, 2, 100, 0);
  EXPECT_CODE(adj(alice_).Register(ch.params, SignBy(ch, v2, {0})), StatusCode::kPermissionDenied);
  SignedState forged = SignBy(ch, v2, {0});
  forged.sigs[1] = scheme().Sign(carol_, scheme().StateHash(v2));
  EXPECT_CODE(adj(alice_).Register(ch.params, forged), StatusCode::kPermissionDenied);
  ExpectSameView(before, Look(ch));
  ASSERT_TRUE(before.dispute.has_value());
  EXPECT_EQ(before.dispute->state.state.version, 1u);
  EXPECT_EQ(log.size(), 0u);
}

TEST_P(SettlementDisputeTest, RegisterOfAStateForAnotherChannelIsRejected) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  TestChannel other = MakeChannel(PaymentApp::kId);  // same participants, another nonce
  ASSERT_NE(ch.id, other.id);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 60, 40));
  ASSERT_NO_FATAL_FAILURE(Fund(other, 60, 40));
  View before = Look(ch);
  View other_before = Look(other);
  SignedState for_other = SignAll(other, PaymentState(other, 1, 100, 0));
  EXPECT_FAILS(adj(alice_).Register(ch.params, for_other));
  ExpectSameView(before, Look(ch));
  ExpectSameView(other_before, Look(other));
  // With the right params it registers.
  EXPECT_OK(adj(alice_).Register(other.params, for_other));
}

TEST_P(SettlementDisputeTest, RegisterWithParamsOfAnotherBackendIsRejected) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ch.params.backend = backend_->BackendName() + "-elsewhere";
  ch.id = scheme().ComputeChannelId(ch.params);
  EXPECT_FAILS(adj(alice_).Register(ch.params, SignAll(ch, PaymentState(ch, 1, 0, 0))));
  EXPECT_EQ(DisputeOf(ch).status().code(), StatusCode::kNotFound);
}

TEST_P(SettlementDisputeTest, RegisterWithAnAllocationThatDoesNotFitIsRejected) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 60, 40));
  View before = Look(ch);
  State s = PaymentState(ch, 1, 50, 50);
  s.allocation.assets[0].balances.push_back(0);  // three balances, two participants
  EXPECT_FAILS(adj(alice_).Register(ch.params, SignAll(ch, s)));
  ExpectSameView(before, Look(ch));
  SignedState few = SignAll(ch, PaymentState(ch, 1, 50, 50));
  few.sigs.pop_back();  // one signature slot for two participants
  EXPECT_FAILS(adj(alice_).Register(ch.params, few));
  ExpectSameView(before, Look(ch));
}

// ---------------------------------------------------------------------------
// Refuting.

TEST_P(SettlementDisputeTest, AHigherVersionRefutesWithoutExtendingTheTimeout) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 60, 40));
  EventLog log(watcher(), ch.id);
  Tick t0 = Now();
  ASSERT_OK(adj(alice_).Register(ch.params, SignAll(ch, PaymentState(ch, 1, 90, 10))));
  ASSERT_OK(backend_->AdvanceTicks(kDuration - 1));  // the last tick of the dispute phase
  SignedState v4 = SignAll(ch, PaymentState(ch, 4, 40, 60));
  ASSERT_OK(adj(bob_).Register(ch.params, v4));

  auto d = DisputeOf(ch);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->state.state, v4.state);
  EXPECT_EQ(d->timeout, t0 + kDuration);
  EXPECT_FALSE(d->concluded);

  std::vector<Event> events = log.WaitFor(2);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].kind, EventKind::kRegistered);
  EXPECT_EQ(events[1].version, 4u);
  EXPECT_EQ(events[1].timeout, t0 + kDuration);

  // The refuted state is what the channel pays out.
  ASSERT_OK(backend_->AdvanceTicks(1));
  ASSERT_OK(adj(alice_).Conclude(ch.params));
  ASSERT_OK(adj(alice_).Withdraw(ch.params, 0));
  ASSERT_OK(adj(bob_).Withdraw(ch.params, 1));
  EXPECT_EQ(Bal(alice_), 40);
  EXPECT_EQ(Bal(bob_), 60);
}

TEST_P(SettlementDisputeTest, AnEqualOrLowerVersionCannotRefute) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(RegisterPayment(ch, 5));
  EventLog log(watcher(), ch.id);
  View before = Look(ch);
  EXPECT_CODE(adj(bob_).Register(ch.params, SignAll(ch, PaymentState(ch, 5, 0, 100))),
              StatusCode::kFailedPrecondition);
  EXPECT_CODE(adj(bob_).Register(ch.params, SignAll(ch, PaymentState(ch, 5, 50, 50))),
              StatusCode::kFailedPrecondition);
  EXPECT_CODE(adj(bob_).Register(ch.params, SignAll(ch, PaymentState(ch, 4, 0, 100))),
              StatusCode::kFailedPrecondition);
  EXPECT_CODE(adj(bob_).Register(ch.params, SignAll(ch, PaymentState(ch, 0, 0, 100))),
              StatusCode::kFailedPrecondition);
  ExpectSameView(before, Look(ch));
  EXPECT_EQ(log.size(), 0u);
}

TEST_P(SettlementDisputeTest, RegistrationAfterTheDisputePhaseIsRejected) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  Tick t0 = RegisterPayment(ch);
  ASSERT_OK(backend_->AdvanceTicks(kDuration));
  ASSERT_EQ(Now(), t0 + kDuration);
  EventLog log(watcher(), ch.id);
  View before = Look(ch);
  EXPECT_CODE(adj(bob_).Register(ch.params, SignAll(ch, PaymentState(ch, 2, 0, 100))),
              StatusCode::kFailedPrecondition);
  ASSERT_OK(backend_->AdvanceTicks(100));
  EXPECT_CODE(adj(bob_).Register(ch.params, SignAll(ch, PaymentState(ch, 3, 0, 100))),
              StatusCode::kFailedPrecondition);
  auto d = DisputeOf(ch);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(before.dispute == *d);
  EXPECT_EQ(d->state.state.version, 1u);
  EXPECT_EQ(log.size(), 0u);
}

// ---------------------------------------------------------------------------
// Non-turn-based apps have no force-moves.

TEST_P(SettlementDisputeTest, ProgressOnAPaymentChannelFails) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(RegisterPayment(ch));
  ASSERT_OK(backend_->AdvanceTicks(kDuration));
  auto paid =
      payment_.ApplyAction(ch.params, PaymentState(ch, 1, 50, 50), 0, PaymentApp::PayAction(10, 1));
  ASSERT_TRUE(paid.ok()) << paid.status().ToString();
  View before = Look(ch);
  EXPECT_CODE(adj(alice_).Progress(ch.params, SignBy(ch, *paid, {0}), 0),
              StatusCode::kFailedPrecondition);
  ExpectSameView(before, Look(ch));
}

INSTANTIATE_TEST_SUITE_P(Backends, SettlementDisputeTest, testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace parley::settlement::conformance
