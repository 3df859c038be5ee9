// PaymentApp (apps/payment/payment_app.h): the initial-state check, the
// transition rule "only the actor's balances may go down, locked amounts stay,
// no app data", and the "pay" action, including every way a pay action can be
// refused. Every state the action layer builds must be accepted by the
// transition rule for the same actor and must conserve the totals.
#include "payment/payment_app.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "apps/app_test_params.h"
#include "parley/channel/types.h"
#include "parley/crypto/keys.h"
#include "parley/util/codec.h"
#include "testing/status_matchers.h"

namespace parley::apps {
namespace {

using channel::Allocation;
using channel::Amount;
using channel::AssetAllocation;
using channel::Locked;
using channel::Params;
using channel::ParticipantIndex;
using channel::State;

Amount Max() { return ~Amount(0); }

Params MakeParams(size_t participants = 2) {
  return testing::MakeParams(PaymentApp::kId, participants);
}

AssetAllocation Asset(std::string name, std::vector<Amount> balances,
                      std::vector<Locked> locked = {}) {
  AssetAllocation asset;
  asset.asset = std::move(name);
  asset.balances = std::move(balances);
  asset.locked = std::move(locked);
  return asset;
}

// A state of version `version` holding `assets`, with a recognisable channel id.
State MakeState(std::vector<AssetAllocation> assets, uint64_t version = 0) {
  State state;
  state.channel_id.fill(0x11);
  state.version = version;
  state.allocation.assets = std::move(assets);
  return state;
}

Locked Lock(uint8_t id_byte, Amount amount) {
  Locked locked;
  locked.id.fill(id_byte);
  locked.amount = amount;
  return locked;
}

// `from` with asset `asset`'s balances replaced and the version stepped.
State WithBalances(const State& from, std::vector<Amount> balances, size_t asset = 0) {
  State to = from;
  to.version = from.version + 1;
  to.allocation.assets[asset].balances = std::move(balances);
  return to;
}

class PaymentAppTest : public ::testing::Test {
 protected:
  PaymentApp app_;
  Params params_ = MakeParams();
  // Participant 0 holds 100, participant 1 holds 50, at version 7.
  State base_ = MakeState({Asset("native", {100, 50})}, 7);
};

// ---------------------------------------------------------------- identity

TEST_F(PaymentAppTest, IdAndForceMove) {
  EXPECT_EQ(app_.id(), "payment");
  EXPECT_EQ(app_.id(), std::string(PaymentApp::kId));
  const channel::App& as_app = app_;
  EXPECT_FALSE(as_app.SupportsForceMove());
}

// ---------------------------------------------------------------- ValidInit

TEST_F(PaymentAppTest, ValidInitAcceptsEmptyAppData) {
  State initial = MakeState({Asset("native", {10, 20})});
  Status s = app_.ValidInit(params_, initial);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_F(PaymentAppTest, ValidInitRejectsAppData) {
  for (const Bytes& data : {Bytes{0}, Bytes{1, 2, 3}, Bytes(64, 0xff)}) {
    State initial = MakeState({Asset("native", {10, 20})});
    initial.app_data = data;
    Status s = app_.ValidInit(params_, initial);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
    EXPECT_FALSE(s.message().empty());
  }
}

// ---------------------------------------------------------- ValidTransition

TEST_F(PaymentAppTest, ActorZeroMayPayParticipantOne) {
  State to = WithBalances(base_, {70, 80});
  Status s = app_.ValidTransition(params_, base_, to, 0);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_F(PaymentAppTest, ActorOneMayPayParticipantZero) {
  State to = WithBalances(base_, {130, 20});
  Status s = app_.ValidTransition(params_, base_, to, 1);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_F(PaymentAppTest, ActorMayEmptyItsOwnBalance) {
  Status s = app_.ValidTransition(params_, base_, WithBalances(base_, {0, 150}), 0);
  EXPECT_TRUE(s.ok()) << s.ToString();
  s = app_.ValidTransition(params_, base_, WithBalances(base_, {150, 0}), 1);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_F(PaymentAppTest, ActorZeroCannotLowerParticipantOnesBalance) {
  // Participant 1's balance goes from 50 to 30, proposed by participant 0.
  State to = WithBalances(base_, {120, 30});
  Status s = app_.ValidTransition(params_, base_, to, 0);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << s.ToString();
  EXPECT_NE(s.message().find("native"), std::string::npos) << s.message();
}

TEST_F(PaymentAppTest, ActorOneCannotLowerParticipantZerosBalance) {
  State to = WithBalances(base_, {70, 80});
  Status s = app_.ValidTransition(params_, base_, to, 1);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << s.ToString();
}

TEST_F(PaymentAppTest, TakingEverythingFromThePeerIsDenied) {
  Status s = app_.ValidTransition(params_, base_, WithBalances(base_, {150, 0}), 0);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << s.ToString();
  s = app_.ValidTransition(params_, base_, WithBalances(base_, {0, 150}), 1);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << s.ToString();
}

TEST_F(PaymentAppTest, ThreePartiesOnlyTheActorPays) {
  Params params = MakeParams(3);
  State from = MakeState({Asset("native", {10, 20, 30})}, 3);
  // Participant 1 pays 5 to participant 2.
  State pay = WithBalances(from, {10, 15, 35});
  Status s = app_.ValidTransition(params, from, pay, 1);
  EXPECT_TRUE(s.ok()) << s.ToString();
  // The same state proposed by 0 or 2 lowers someone else's balance.
  EXPECT_EQ(app_.ValidTransition(params, from, pay, 0).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(app_.ValidTransition(params, from, pay, 2).code(), StatusCode::kPermissionDenied);
  // Participant 1 moving 5 from participant 0 to participant 2 is denied.
  State theft = WithBalances(from, {5, 20, 35});
  EXPECT_EQ(app_.ValidTransition(params, from, theft, 1).code(), StatusCode::kPermissionDenied);
}

TEST_F(PaymentAppTest, LockedChangesAreRejected) {
  State from = MakeState({Asset("native", {100, 50}, {Lock(0xaa, 20)})}, 4);

  // Unchanged locked amounts: fine.
  State same = WithBalances(from, {90, 60});
  Status s = app_.ValidTransition(params_, from, same, 0);
  EXPECT_TRUE(s.ok()) << s.ToString();

  // Releasing the lock to the actor (totals conserved).
  State released = WithBalances(from, {120, 50});
  released.allocation.assets[0].locked.clear();
  EXPECT_EQ(app_.ValidTransition(params_, from, released, 0).code(), StatusCode::kInvalidArgument);

  // Shrinking the lock.
  State shrunk = WithBalances(from, {110, 50});
  shrunk.allocation.assets[0].locked[0].amount = 10;
  EXPECT_EQ(app_.ValidTransition(params_, from, shrunk, 0).code(), StatusCode::kInvalidArgument);

  // Re-keying the lock (same amount, other id).
  State rekeyed = WithBalances(from, {100, 50});
  rekeyed.allocation.assets[0].locked[0].id.fill(0xbb);
  EXPECT_EQ(app_.ValidTransition(params_, from, rekeyed, 0).code(), StatusCode::kInvalidArgument);

  // Adding a lock out of the actor's own balance.
  State added = WithBalances(from, {90, 50});
  added.allocation.assets[0].locked.push_back(Lock(0xcc, 10));
  EXPECT_EQ(app_.ValidTransition(params_, from, added, 0).code(), StatusCode::kInvalidArgument);
}

TEST_F(PaymentAppTest, AppDataInTargetIsRejected) {
  State to = WithBalances(base_, {70, 80});
  to.app_data = {0x01};
  Status s = app_.ValidTransition(params_, base_, to, 0);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
}

TEST_F(PaymentAppTest, MultiAssetTransitions) {
  State from = MakeState({Asset("native", {100, 50}), Asset("token", {7, 9})}, 2);

  // Participant 0 pays in the second asset only.
  State pay_token = WithBalances(from, {2, 14}, 1);
  Status s = app_.ValidTransition(params_, from, pay_token, 0);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(app_.ValidTransition(params_, from, pay_token, 1).code(),
            StatusCode::kPermissionDenied);

  // Participant 0 pays in both assets at once.
  State pay_both = WithBalances(pay_token, {60, 90}, 0);
  s = app_.ValidTransition(params_, from, pay_both, 0);
  EXPECT_TRUE(s.ok()) << s.ToString();

  // A swap: 0 pays native, but takes tokens from 1. The first asset alone
  // would be fine; the second makes it a theft.
  State swap = WithBalances(from, {90, 60}, 0);
  swap.allocation.assets[1].balances = {10, 6};
  s = app_.ValidTransition(params_, from, swap, 0);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << s.ToString();
  EXPECT_NE(s.message().find("token"), std::string::npos) << s.message();
  s = app_.ValidTransition(params_, from, swap, 1);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << s.ToString();
  EXPECT_NE(s.message().find("native"), std::string::npos) << s.message();

  // A lock change in the second asset only is still caught.
  State locked = WithBalances(from, {2, 9}, 1);
  locked.allocation.assets[1].locked.push_back(Lock(0x01, 5));
  EXPECT_EQ(app_.ValidTransition(params_, from, locked, 0).code(), StatusCode::kInvalidArgument);
}

// --------------------------------------------------------------- PayAction

TEST(PaymentActionTest, LayoutIsAssetAmountRecipient) {
  Bytes action = PaymentApp::PayAction(Amount(0x0102), 3, 5);
  ASSERT_EQ(action.size(), 4u + 32u + 4u);
  // asset, u32 big-endian
  EXPECT_EQ(Bytes(action.begin(), action.begin() + 4), (Bytes{0, 0, 0, 5}));
  // amount, 32 bytes big-endian
  Bytes amount(32, 0);
  amount[30] = 0x01;
  amount[31] = 0x02;
  EXPECT_EQ(Bytes(action.begin() + 4, action.begin() + 36), amount);
  // recipient, u32 big-endian
  EXPECT_EQ(Bytes(action.begin() + 36, action.end()), (Bytes{0, 0, 0, 3}));
  // The asset defaults to 0.
  Bytes defaulted = PaymentApp::PayAction(Amount(1), 1);
  EXPECT_EQ(Bytes(defaulted.begin(), defaulted.begin() + 4), (Bytes{0, 0, 0, 0}));
}

// -------------------------------------------------------------- ApplyAction

TEST_F(PaymentAppTest, PayBuildsTheNextVersion) {
  auto next = app_.ApplyAction(params_, base_, 0, PaymentApp::PayAction(30, 1));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->version, base_.version + 1);
  EXPECT_EQ(next->channel_id, base_.channel_id);
  EXPECT_EQ(next->is_final, base_.is_final);
  EXPECT_TRUE(next->app_data.empty());
  ASSERT_EQ(next->allocation.assets.size(), 1u);
  EXPECT_EQ(next->allocation.assets[0].asset, "native");
  EXPECT_EQ(next->allocation.assets[0].balances, (std::vector<Amount>{70, 80}));
  EXPECT_TRUE(next->allocation.assets[0].locked.empty());
}

TEST_F(PaymentAppTest, PayTheOtherWay) {
  auto next = app_.ApplyAction(params_, base_, 1, PaymentApp::PayAction(50, 0));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->version, 8u);
  EXPECT_EQ(next->allocation.assets[0].balances, (std::vector<Amount>{150, 0}));
}

TEST_F(PaymentAppTest, PayWholeBalance) {
  auto next = app_.ApplyAction(params_, base_, 0, PaymentApp::PayAction(100, 1));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->allocation.assets[0].balances, (std::vector<Amount>{0, 150}));
}

TEST_F(PaymentAppTest, PayInSecondAssetLeavesFirstAlone) {
  State from = MakeState({Asset("native", {100, 50}, {Lock(0x0c, 3)}), Asset("token", {7, 9})}, 0);
  auto next = app_.ApplyAction(params_, from, 1, PaymentApp::PayAction(4, 0, 1));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->version, 1u);
  EXPECT_EQ(next->allocation.assets[0], from.allocation.assets[0]);
  EXPECT_EQ(next->allocation.assets[1].asset, "token");
  EXPECT_EQ(next->allocation.assets[1].balances, (std::vector<Amount>{11, 5}));
  Status s = app_.ValidTransition(params_, from, *next, 1);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_F(PaymentAppTest, PayKeepsLockedAmounts) {
  State from = MakeState({Asset("native", {100, 50}, {Lock(0xaa, 20)})}, 1);
  auto next = app_.ApplyAction(params_, from, 0, PaymentApp::PayAction(1, 1));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->allocation.assets[0].locked, from.allocation.assets[0].locked);
  EXPECT_EQ(next->allocation.assets[0].balances, (std::vector<Amount>{99, 51}));
  Status s = app_.ValidTransition(params_, from, *next, 0);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_F(PaymentAppTest, PayLargeAmounts) {
  // Balances near the top of the 256-bit range, summing to exactly 2^256-1.
  Amount half = Max() >> 1;  // 2^255 - 1
  State from = MakeState({Asset("native", {half + 1, half})}, 0);
  auto next = app_.ApplyAction(params_, from, 0, PaymentApp::PayAction(half + 1, 1));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->allocation.assets[0].balances, (std::vector<Amount>{0, Max()}));
  Status conserved = channel::CheckConserved(from.allocation, next->allocation);
  EXPECT_TRUE(conserved.ok()) << conserved.ToString();
}

// Each refusal leaves the input untouched (it is taken by const reference,
// but also must not be half-applied to a copy that is then returned).
class PayRejectTest : public PaymentAppTest {
 protected:
  void ExpectRejected(const State& from, ParticipantIndex actor, const Bytes& action,
                      StatusCode code, const std::string& mention = "") {
    State before = from;
    auto next = app_.ApplyAction(params_, from, actor, action);
    ASSERT_FALSE(next.ok()) << "unexpectedly accepted";
    EXPECT_EQ(next.status().code(), code) << next.status().ToString();
    EXPECT_FALSE(next.status().message().empty());
    if (!mention.empty()) {
      EXPECT_NE(next.status().message().find(mention), std::string::npos)
          << next.status().message();
    }
    EXPECT_EQ(from, before);
  }
};

TEST_F(PayRejectTest, ZeroAmount) {
  ExpectRejected(base_, 0, PaymentApp::PayAction(0, 1), StatusCode::kInvalidArgument);
  ExpectRejected(base_, 1, PaymentApp::PayAction(0, 0), StatusCode::kInvalidArgument);
}

TEST_F(PayRejectTest, AmountAboveBalance) {
  ExpectRejected(base_, 0, PaymentApp::PayAction(101, 1), StatusCode::kFailedPrecondition,
                 "insufficient");
  ExpectRejected(base_, 1, PaymentApp::PayAction(51, 0), StatusCode::kFailedPrecondition,
                 "insufficient");
  ExpectRejected(base_, 0, PaymentApp::PayAction(Max(), 1), StatusCode::kFailedPrecondition,
                 "insufficient");
  // Participant 0 cannot spend participant 1's 50 either: 100 is its limit
  // even though the channel holds 150.
  ExpectRejected(base_, 0, PaymentApp::PayAction(150, 1), StatusCode::kFailedPrecondition,
                 "insufficient");
}

TEST_F(PayRejectTest, RecipientIsActor) {
  ExpectRejected(base_, 0, PaymentApp::PayAction(10, 0), StatusCode::kInvalidArgument);
  ExpectRejected(base_, 1, PaymentApp::PayAction(10, 1), StatusCode::kInvalidArgument);
}

TEST_F(PayRejectTest, RecipientOutOfRange) {
  ExpectRejected(base_, 0, PaymentApp::PayAction(10, 2), StatusCode::kInvalidArgument);
  ExpectRejected(base_, 0, PaymentApp::PayAction(10, 0xffffffffu), StatusCode::kInvalidArgument);
}

TEST_F(PayRejectTest, AssetOutOfRange) {
  ExpectRejected(base_, 0, PaymentApp::PayAction(10, 1, 1), StatusCode::kInvalidArgument);
  ExpectRejected(base_, 0, PaymentApp::PayAction(10, 1, 0xffffffffu), StatusCode::kInvalidArgument);
}

TEST_F(PayRejectTest, MalformedActionBytes) {
  Bytes good = PaymentApp::PayAction(10, 1);
  ASSERT_TRUE(app_.ApplyAction(params_, base_, 0, good).ok());

  Bytes truncated(good.begin(), good.end() - 1);
  ExpectRejected(base_, 0, truncated, StatusCode::kInvalidArgument);
  Bytes only_asset(good.begin(), good.begin() + 4);
  ExpectRejected(base_, 0, only_asset, StatusCode::kInvalidArgument);
  Bytes trailing = good;
  trailing.push_back(0);
  ExpectRejected(base_, 0, trailing, StatusCode::kInvalidArgument);
  ExpectRejected(base_, 0, Bytes{}, StatusCode::kInvalidArgument);
}

TEST_F(PayRejectTest, RecipientOverflow) {
  // The recipient already holds 2^256-1: one more unit does not fit.
  State from = MakeState({Asset("native", {10, Max()})}, 0);
  ExpectRejected(from, 0, PaymentApp::PayAction(1, 1), StatusCode::kOutOfRange);
  ExpectRejected(from, 0, PaymentApp::PayAction(10, 1), StatusCode::kOutOfRange);
}

// ------------------------------------------------------------ consistency

// Random payments in a three-party, two-asset channel. Every accepted action
// yields a state the transition rule accepts for the same actor (and denies
// for every other participant whose balance it lowers), with totals conserved;
// every refused action leaves the state where it was.
TEST_F(PaymentAppTest, ApplyActionAgreesWithValidTransition) {
  Params params = MakeParams(3);
  State state = MakeState(
      {Asset("native", {1000, 500, 250}, {Lock(0x33, 40)}), Asset("token", {3, 0, 12})}, 0);
  const State initial = state;
  std::mt19937 rng(20240611);
  int accepted = 0;
  int refused = 0;
  for (int i = 0; i < 2000; ++i) {
    ParticipantIndex actor = rng() % 3;
    ParticipantIndex to = rng() % 4;  // 3 is out of range
    uint32_t asset = rng() % 3;       // 2 is out of range
    Amount amount = rng() % 300;
    auto next = app_.ApplyAction(params, state, actor, PaymentApp::PayAction(amount, to, asset));
    if (!next.ok()) {
      ++refused;
      continue;
    }
    ++accepted;
    ASSERT_LT(asset, 2u);
    ASSERT_LT(to, 3u);
    ASSERT_NE(to, actor);
    ASSERT_GT(amount, 0);
    EXPECT_EQ(next->version, state.version + 1);
    Status valid = app_.ValidTransition(params, state, *next, actor);
    EXPECT_TRUE(valid.ok()) << valid.ToString();
    Status conserved = channel::CheckConserved(state.allocation, next->allocation);
    EXPECT_TRUE(conserved.ok()) << conserved.ToString();
    Status conserved_total = channel::CheckConserved(initial.allocation, next->allocation);
    EXPECT_TRUE(conserved_total.ok()) << conserved_total.ToString();
    // The payer's balance went down, so no other participant may propose it.
    for (ParticipantIndex other = 0; other < 3; ++other) {
      if (other == actor) continue;
      EXPECT_EQ(app_.ValidTransition(params, state, *next, other).code(),
                StatusCode::kPermissionDenied);
    }
    EXPECT_EQ(next->allocation.assets[asset].balances[actor],
              state.allocation.assets[asset].balances[actor] - amount);
    EXPECT_EQ(next->allocation.assets[asset].balances[to],
              state.allocation.assets[asset].balances[to] + amount);
    state = std::move(next).value();
  }
  // The walk exercised both branches.
  EXPECT_GT(accepted, 100);
  EXPECT_GT(refused, 100);
  EXPECT_EQ(state.version, static_cast<uint64_t>(accepted));
}

}  // namespace
}  // namespace parley::apps
