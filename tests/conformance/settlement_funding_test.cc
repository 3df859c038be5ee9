// The settlement conformance suite: funding by deposits, refunds of an
// underfunded channel, and payouts in several assets. It runs on the
// backends with deposits (Features::deposits).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "conformance/settlement_conformance.h"

namespace parley::settlement::conformance {
namespace {

using apps::PaymentApp;
using channel::Amount;
using channel::ParticipantIndex;
using channel::State;
using testing::HasSubstr;

class SettlementFundingTest : public LedgerConformanceTest {};

// ---------------------------------------------------------------------------
// Funding.

TEST_P(SettlementFundingTest, DepositsOfAnUnseenChannelAreZero) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  EXPECT_EQ(DepositsOf(ch, asset()), (std::vector<Amount>{0, 0}));
  EXPECT_EQ(DisputeOf(ch).status().code(), StatusCode::kNotFound);
}

TEST_P(SettlementFundingTest, DepositMovesFundsFromTheCallersAccount) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  EventLog log(watcher(), ch.id);
  ASSERT_OK(ledger().Mint(alice_.public_key(), asset(), 100));
  ASSERT_OK(ledger().Mint(bob_.public_key(), asset(), 80));

  ASSERT_OK(funder(alice_).Deposit(ch.params, 0, asset(), 30));
  EXPECT_EQ(Bal(alice_), 70);
  EXPECT_EQ(Bal(bob_), 80);
  EXPECT_EQ(DepositsOf(ch, asset()), (std::vector<Amount>{30, 0}));

  ASSERT_OK(funder(bob_).Deposit(ch.params, 1, asset(), 20));
  ASSERT_OK(funder(alice_).Deposit(ch.params, 0, asset(), 5));
  EXPECT_EQ(Bal(alice_), 65);
  EXPECT_EQ(Bal(bob_), 60);
  EXPECT_EQ(DepositsOf(ch, asset()), (std::vector<Amount>{35, 20}));
  // Another asset's deposits are separate.
  EXPECT_EQ(DepositsOf(ch, second_asset()), (std::vector<Amount>{0, 0}));

  std::vector<Event> events = OfKind(log.WaitFor(3), EventKind::kDeposited);
  ASSERT_EQ(events.size(), 3u);
  const ParticipantIndex who[] = {0, 1, 0};
  const Amount how_much[] = {30, 20, 5};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(events[i].channel, ch.id);
    EXPECT_EQ(events[i].participant, who[i]) << "event " << i;
    EXPECT_EQ(events[i].asset, asset()) << "event " << i;
    EXPECT_EQ(events[i].amount, how_much[i]) << "event " << i;
  }
}

TEST_P(SettlementFundingTest, AnyoneMayFundAParticipant) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_OK(ledger().Mint(carol_.public_key(), asset(), 50));
  ASSERT_OK(funder(carol_).Deposit(ch.params, 1, asset(), 45));
  EXPECT_EQ(Bal(carol_), 5);
  EXPECT_EQ(Bal(bob_), 0);
  EXPECT_EQ(DepositsOf(ch, asset()), (std::vector<Amount>{0, 45}));
}

TEST_P(SettlementFundingTest, DepositBeyondTheBalanceFailsAndChangesNothing) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_OK(ledger().Mint(alice_.public_key(), asset(), 50));
  {
    EventLog log(watcher(), ch.id);
    View before = Look(ch);
    EXPECT_CODE(funder(alice_).Deposit(ch.params, 0, asset(), 51), StatusCode::kFailedPrecondition);
    ExpectSameView(before, Look(ch));
    // An account with nothing of the asset.
    EXPECT_CODE(funder(bob_).Deposit(ch.params, 1, asset(), 1), StatusCode::kFailedPrecondition);
    ExpectSameView(before, Look(ch));
    EXPECT_EQ(log.size(), 0u);
  }
  ASSERT_OK(funder(alice_).Deposit(ch.params, 0, asset(), 30));
  View before = Look(ch);
  EXPECT_CODE(funder(alice_).Deposit(ch.params, 0, asset(), 21), StatusCode::kFailedPrecondition);
  ExpectSameView(before, Look(ch));
  EXPECT_EQ(Bal(alice_), 20);
  EXPECT_EQ(DepositsOf(ch, asset()), (std::vector<Amount>{30, 0}));
  // Exactly the balance is fine.
  EXPECT_OK(funder(alice_).Deposit(ch.params, 0, asset(), 20));
  EXPECT_EQ(Bal(alice_), 0);
  EXPECT_EQ(DepositsOf(ch, asset()), (std::vector<Amount>{50, 0}));
}

TEST_P(SettlementFundingTest, DepositForANonParticipantFailsAndChangesNothing) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_OK(ledger().Mint(alice_.public_key(), asset(), 50));
  View before = Look(ch);
  EXPECT_FAILS(funder(alice_).Deposit(ch.params, 2, asset(), 10));
  ExpectSameView(before, Look(ch));
}

TEST_P(SettlementFundingTest, DepositOnceInDisputeFails) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(RegisterPayment(ch));
  ASSERT_OK(ledger().Mint(alice_.public_key(), asset(), 10));
  View before = Look(ch);
  EXPECT_CODE(funder(alice_).Deposit(ch.params, 0, asset(), 10), StatusCode::kFailedPrecondition);
  ExpectSameView(before, Look(ch));
}

// Deposits are input like any other: an asset name no allocation could carry
// (empty, or longer than channel::kMaxNameLength) and a deposit of nothing are
// InvalidArgument, and change nothing.
TEST_P(SettlementFundingTest, DepositOfAnAssetNameBeyondTheLimitIsInvalidAndChangesNothing) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_OK(ledger().Mint(alice_.public_key(), asset(), 50));
  EventLog log(watcher(), ch.id);
  View before = Look(ch);
  const std::string too_long(channel::kMaxNameLength + 36, 'a');
  Status s = funder(alice_).Deposit(ch.params, 0, too_long, 10);
  EXPECT_CODE(s, StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr(std::to_string(channel::kMaxNameLength)));
  EXPECT_CODE(funder(alice_).Deposit(ch.params, 0, "", 10), StatusCode::kInvalidArgument);
  ExpectSameView(before, Look(ch));
  EXPECT_EQ(log.size(), 0u);
}

TEST_P(SettlementFundingTest, DepositOfZeroIsInvalidAndChangesNothing) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_OK(ledger().Mint(alice_.public_key(), asset(), 50));
  {
    EventLog log(watcher(), ch.id);
    View before = Look(ch);
    EXPECT_CODE(funder(alice_).Deposit(ch.params, 0, asset(), 0), StatusCode::kInvalidArgument);
    ExpectSameView(before, Look(ch));
    EXPECT_EQ(log.size(), 0u);
  }
  // Also once the channel holds something.
  ASSERT_OK(funder(alice_).Deposit(ch.params, 0, asset(), 20));
  View before = Look(ch);
  EXPECT_CODE(funder(alice_).Deposit(ch.params, 1, asset(), 0), StatusCode::kInvalidArgument);
  ExpectSameView(before, Look(ch));
  EXPECT_EQ(DepositsOf(ch, asset()), (std::vector<Amount>{20, 0}));
}

// ---------------------------------------------------------------------------
// Disputes and payouts that involve deposits.

// The timeout must not wrap around: with the longest challenge duration
// allowed the dispute phase still lasts, so the honest party can refute; a
// longer one is refused before any funds move.
TEST_P(SettlementFundingTest, AHugeChallengeDurationNeverEndsTheDisputeEarly) {
  TestChannel too_long = MakeChannel(PaymentApp::kId, channel::kMaxChallengeDuration + 1);
  ASSERT_OK(ledger().Mint(alice_.public_key(), asset(), 10));
  EXPECT_CODE(funder(alice_).Deposit(too_long.params, 0, asset(), 10),
              StatusCode::kInvalidArgument);
  EXPECT_EQ(Bal(alice_), 10);

  TestChannel ch = MakeChannel(PaymentApp::kId, channel::kMaxChallengeDuration);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 60, 40));
  ASSERT_OK(adj(alice_).Register(ch.params, SignAll(ch, PaymentState(ch, 1, 100, 0))));
  auto d = DisputeOf(ch);
  ASSERT_TRUE(d.ok());
  EXPECT_GT(d->timeout, Now());
  EXPECT_CODE(adj(alice_).Conclude(ch.params), StatusCode::kFailedPrecondition);
  EXPECT_OK(adj(bob_).Register(ch.params, SignAll(ch, PaymentState(ch, 2, 0, 100))));
}

TEST_P(SettlementFundingTest, WithdrawPaysExactlyEachAllocationAndConservesFunds) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_OK(ledger().Mint(alice_.public_key(), asset(), 100));
  ASSERT_OK(ledger().Mint(bob_.public_key(), asset(), 70));
  ASSERT_OK(funder(alice_).Deposit(ch.params, 0, asset(), 60));
  ASSERT_OK(funder(bob_).Deposit(ch.params, 1, asset(), 40));
  const Amount minted = 170;
  EventLog log(watcher(), ch.id);
  ASSERT_OK(adj(alice_).Register(ch.params, SignAll(ch, PaymentState(ch, 3, 25, 75, true))));
  ASSERT_OK(adj(alice_).Conclude(ch.params));
  EXPECT_EQ(Bal(alice_) + Bal(bob_), minted - 100);

  // Anyone may withdraw for a participant; the money goes to the participant.
  ASSERT_OK(adj(carol_).Withdraw(ch.params, 0));
  EXPECT_EQ(Bal(alice_), 40 + 25);
  EXPECT_EQ(Bal(bob_), 30);
  EXPECT_EQ(Bal(carol_), 0);
  ASSERT_OK(adj(bob_).Withdraw(ch.params, 1));
  EXPECT_EQ(Bal(alice_), 65);
  EXPECT_EQ(Bal(bob_), 30 + 75);
  EXPECT_EQ(Bal(alice_) + Bal(bob_) + Bal(carol_), minted);

  std::vector<Event> events = log.WaitFor(4);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].kind, EventKind::kRegistered);
  EXPECT_EQ(events[1].kind, EventKind::kConcluded);
  EXPECT_EQ(events[1].version, 3u);
  std::vector<Event> withdrawn = OfKind(events, EventKind::kWithdrawn);
  ASSERT_EQ(withdrawn.size(), 2u);
  EXPECT_EQ(withdrawn[0].channel, ch.id);
  EXPECT_EQ(withdrawn[0].participant, 0u);
  EXPECT_EQ(withdrawn[0].asset, asset());
  EXPECT_EQ(withdrawn[0].amount, 25);
  EXPECT_EQ(withdrawn[1].participant, 1u);
  EXPECT_EQ(withdrawn[1].asset, asset());
  EXPECT_EQ(withdrawn[1].amount, 75);
}

TEST_P(SettlementFundingTest, AnUnderfundedChannelRefundsTheDeposits) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 30, 20));
  // The state allocates 100, the channel holds 50.
  ASSERT_OK(adj(alice_).Register(ch.params, SignAll(ch, PaymentState(ch, 1, 10, 90, true))));
  ASSERT_OK(adj(alice_).Conclude(ch.params));
  WithdrawBothAndExpect(ch, 30, 20);
}

TEST_P(SettlementFundingTest, AOneSidedFundingIsRefundedToItsDepositor) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 50, 0));
  ASSERT_OK(adj(bob_).Register(ch.params, SignAll(ch, PaymentState(ch, 1, 0, 100))));
  ASSERT_OK(backend_->AdvanceTicks(kDuration));
  ASSERT_OK(adj(bob_).Conclude(ch.params));
  EventLog log(watcher(), ch.id);
  ASSERT_OK(adj(bob_).Withdraw(ch.params, 1));
  ASSERT_OK(adj(bob_).Withdraw(ch.params, 0));
  EXPECT_EQ(Bal(alice_), 50);
  EXPECT_EQ(Bal(bob_), 0);
  std::vector<Event> withdrawn = OfKind(log.WaitFor(2), EventKind::kWithdrawn);
  Amount paid_to_bob = 0;
  for (const Event& e : withdrawn) {
    if (e.participant == 1) paid_to_bob += e.amount;
  }
  EXPECT_EQ(paid_to_bob, 0);
}

TEST_P(SettlementFundingTest, WithdrawPaysEveryAsset) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  const std::string gold = second_asset();
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 60, 40));
  ASSERT_OK(ledger().Mint(bob_.public_key(), gold, 9));
  ASSERT_OK(funder(bob_).Deposit(ch.params, 1, gold, 9));
  EXPECT_EQ(DepositsOf(ch, gold), (std::vector<Amount>{0, 9}));
  State s = PaymentState(ch, 4, 70, 30, true);
  s.allocation.assets.push_back({gold, {5, 4}, {}});
  ASSERT_OK(adj(alice_).Register(ch.params, SignAll(ch, s)));
  ASSERT_OK(adj(alice_).Conclude(ch.params));
  WithdrawBothAndExpect(ch, 70, 30);
  EXPECT_EQ(backend_->Balance(alice_.public_key(), gold), 5);
  EXPECT_EQ(backend_->Balance(bob_.public_key(), gold), 4);
}

// Holding none of an asset whose allocation totals 0 is fully funded: the
// allocation is paid, not the deposits refunded.
TEST_P(SettlementFundingTest, AZeroAllocationOfAnUndepositedAssetIsFunded) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 50, 50));
  State s = PaymentState(ch, 1, 100, 0, true);
  s.allocation.assets.push_back({second_asset(), {0, 0}, {}});
  ASSERT_OK(adj(alice_).Register(ch.params, SignAll(ch, s)));
  ASSERT_OK(adj(alice_).Conclude(ch.params));
  WithdrawBothAndExpect(ch, 100, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, SettlementFundingTest,
                         testing::ValuesIn(BackendsWith(&Features::deposits)), BackendName);

}  // namespace
}  // namespace parley::settlement::conformance
