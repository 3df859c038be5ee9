// A peer's proposal built on this node's newest pending proposal (its answer
// was lost): what it may and may not make this node sign.
#include <gtest/gtest.h>

#include "channel/channel_fixture.h"
#include "parley/channel/channel.h"

namespace parley::channel {
namespace {

class ProposalOnPendingTest : public testing::TwoPartyChannelTest {
 protected:
  void SetUp() override { OpenBoth(); }

  // Alice proposes a payment of `amount` on top of her last proposal.
  SignedState AliceProposes(Amount amount, bool is_final = false, size_t window = 4) {
    State next = Pay(alice_->ProposalBase(), 0, amount);
    next.version = alice_->NextVersion();
    next.is_final = is_final;
    auto proposal = alice_->ProposeUpdate(next, alice_key_, window);
    EXPECT_TRUE(proposal.ok()) << proposal.status().ToString();
    return proposal.ok() ? *proposal : SignedState{};
  }

  // Bob's (forged or honest) proposal `next`, built on `base`, reaches Alice.
  Result<Signature> AliceHandles(const State& next, const State& base) {
    return alice_->HandleProposal(next, alice_->BaseHash(base), 1, SignAs(bob_key_, next),
                                  alice_key_);
  }

  // Alice's record, but for the current version a refused proposal uses up.
  void ExpectOnlyVersionUsedUp(const ChannelRecord& before, uint64_t version) {
    ChannelRecord expected = before;
    expected.current_version = std::max(before.current_version, version);
    EXPECT_EQ(alice_->record(), expected);
  }
};

// Nothing follows a final state: a proposal on Alice's pending close is
// refused, her close stays pending, and she signs nothing new.
TEST_F(ProposalOnPendingTest, AProposalOnAPendingCloseIsRefused) {
  SignedState close = AliceProposes(1, /*is_final=*/true);
  ChannelRecord before = alice_->record();
  State bobs = Pay(close.state, 1, 10);
  bobs.is_final = false;
  bobs.version = close.state.version + 1;
  auto answer = AliceHandles(bobs, close.state);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), StatusCode::kFailedPrecondition) << answer.status().ToString();
  ExpectOnlyVersionUsedUp(before, bobs.version);
  EXPECT_EQ(alice_->record().last_signed_version, before.last_signed_version);
  EXPECT_EQ(alice_->phase(), Phase::kOpen);
}

// The app judges the step from her pending proposal with Bob as actor: he
// may not lower her balance below what she proposed.
TEST_F(ProposalOnPendingTest, ATransitionTheAppRefusesFromThePendingStateChangesNothing) {
  SignedState mine = AliceProposes(5);
  ChannelRecord before = alice_->record();
  State bobs = mine.state;
  bobs.version = mine.state.version + 1;
  bobs.allocation.assets[0].balances = {90, 110};  // Bob takes 5 more of Alice's
  auto answer = AliceHandles(bobs, mine.state);
  ASSERT_FALSE(answer.ok());
  EXPECT_NE(answer.status().code(), StatusCode::kOk);
  ExpectOnlyVersionUsedUp(before, bobs.version);
  EXPECT_EQ(alice_->pending().size(), 1u);
  EXPECT_EQ(alice_->latest().state.version, 0u);
}

TEST_F(ProposalOnPendingTest, ChangedTotalsOnThePendingStateAreRefused) {
  SignedState mine = AliceProposes(5);
  ChannelRecord before = alice_->record();
  State bobs = mine.state;
  bobs.version = mine.state.version + 1;
  bobs.allocation.assets[0].balances = {195, 105};  // 100 out of nowhere
  auto answer = AliceHandles(bobs, mine.state);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), StatusCode::kInvalidArgument) << answer.status().ToString();
  ExpectOnlyVersionUsedUp(before, bobs.version);
}

// Built on the pending state but for its own version: that is a crossing,
// never a second signature at a version Alice signed.
TEST_F(ProposalOnPendingTest, TheVersionOfThePendingProposalIsNeverSignedAgain) {
  SignedState mine = AliceProposes(5);
  State bobs = Pay(mine.state, 1, 1);
  bobs.version = mine.state.version;  // the same version, other content
  ChannelRecord before = alice_->record();
  auto answer = AliceHandles(bobs, mine.state);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), StatusCode::kAborted) << answer.status().ToString();
  EXPECT_EQ(alice_->record(), before);  // Alice has the lower index: she keeps hers
  EXPECT_EQ(alice_->record().last_signed_hash, before.last_signed_hash);
}

// A stale version built on the pending state: used up, refused as out of step.
TEST_F(ProposalOnPendingTest, AStaleVersionOnThePendingStateIsRefused) {
  SignedState mine = AliceProposes(5);
  State bobs = Pay(mine.state, 1, 1);
  bobs.version = 0;
  ChannelRecord before = alice_->record();
  auto answer = AliceHandles(bobs, mine.state);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), StatusCode::kAborted) << answer.status().ToString();
  EXPECT_EQ(alice_->record(), before);
}

// With a version gap (a refused proposal of Bob's used versions up), the
// proposal on the pending state must still be current+1, and once signed
// it is latest, fully signed, with every pending proposal settled.
TEST_F(ProposalOnPendingTest, AVersionGapIsCheckedAndTheGuardMovesOnlyForward) {
  SignedState first = AliceProposes(1);
  SignedState second = AliceProposes(2);
  // Bob's proposal for version 5 on Alice's latest: must wait; 5 is used up.
  State early = Pay(alice_->latest().state, 1, 1);
  early.version = 5;
  ASSERT_EQ(AliceHandles(early, alice_->latest().state).status().code(), StatusCode::kAborted);
  ASSERT_EQ(alice_->current_version(), 5u);
  // Version 4 on her newest pending proposal: used up.
  State bobs = Pay(second.state, 1, 10);
  bobs.version = 4;
  EXPECT_EQ(AliceHandles(bobs, second.state).status().code(), StatusCode::kAborted);
  EXPECT_EQ(alice_->pending().size(), 2u);
  // Version 7: not the next one.
  bobs.version = 7;
  EXPECT_EQ(AliceHandles(bobs, second.state).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(alice_->pending().size(), 2u);
  // Version 8 (7 is used up now): signed, and both pending ones settled.
  bobs.version = 8;
  auto answer = AliceHandles(bobs, second.state);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_TRUE(alice_->pending().empty());
  EXPECT_TRUE(alice_->latest().FullySigned());
  EXPECT_EQ(alice_->latest().state, bobs);
  EXPECT_EQ(alice_->record().last_signed_version, std::optional<uint64_t>(8));
  EXPECT_EQ(alice_->latest().state.allocation.assets[0].balances, (std::vector<Amount>{107, 93}));
  // The same proposal again gets the same answer, nothing new signed.
  auto again = AliceHandles(bobs, second.state);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, *answer);
  // A late answer to a settled proposal changes nothing.
  ChannelRecord settled = alice_->record();
  EXPECT_FALSE(alice_->HandleAccept(first.state.version, 1, SignAs(bob_key_, first.state)).ok());
  EXPECT_EQ(alice_->record(), settled);
}

// A proposal on an older pending one (not the newest) is refused, whatever
// its version: Alice's newest proposal would otherwise be dropped unsigned
// while she has sent it, or her latest would fork from it.
TEST_F(ProposalOnPendingTest, AProposalOnAnOlderPendingOneSignsNothing) {
  SignedState first = AliceProposes(1);
  SignedState second = AliceProposes(2);
  ChannelRecord before = alice_->record();
  State bobs = Pay(first.state, 1, 10);
  bobs.version = second.state.version + 1;
  auto answer = AliceHandles(bobs, first.state);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), StatusCode::kAborted) << answer.status().ToString();
  ExpectOnlyVersionUsedUp(before, bobs.version);
}

// A final proposal of Bob's on Alice's pending one: signed, the channel is
// final, and her pending proposals are settled by it (the final state
// includes them).
TEST_F(ProposalOnPendingTest, AFinalProposalOnThePendingOneClosesWithItsPayment) {
  SignedState mine = AliceProposes(5);
  State bobs = Pay(mine.state, 1, 1);
  bobs.version = mine.state.version + 1;
  bobs.is_final = true;
  auto answer = AliceHandles(bobs, mine.state);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(alice_->phase(), Phase::kFinal);
  EXPECT_TRUE(alice_->pending().empty());
  EXPECT_EQ(alice_->latest().state.allocation.assets[0].balances, (std::vector<Amount>{96, 104}));
}

}  // namespace
}  // namespace parley::channel
