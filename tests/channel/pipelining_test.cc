// Pipelining: several proposals of one node in flight at once, each built on
// the one before it; refusals, crossings, resyncs and restores with a window.
#include <gtest/gtest.h>

#include "channel/channel_fixture.h"
#include "parley/channel/channel.h"

namespace parley::channel {
namespace {

class PipeliningTest : public testing::TwoPartyChannelTest {
 protected:
  void SetUp() override { OpenBoth(); }

  // Alice proposes a payment of `amount` on top of her last proposal.
  SignedState AliceProposes(Amount amount, size_t window) {
    const State& base = alice_->ProposalBase();
    bases_.push_back(alice_->BaseHash(base));
    State next = Pay(base, 0, amount);
    next.version = alice_->NextVersion();
    auto proposal = alice_->ProposeUpdate(next, alice_key_, window);
    EXPECT_TRUE(proposal.ok()) << proposal.status().ToString();
    return proposal.ok() ? *proposal : SignedState{};
  }

  // Bob answers Alice's proposal number `i` (in the order she made them).
  Result<Signature> BobAnswers(const SignedState& proposal, size_t i) {
    return bob_->HandleProposal(proposal.state, bases_[i], 0, *proposal.sigs[0], bob_key_);
  }

  SignedState BothSign(const State& state) {
    return {state, {SignAs(alice_key_, state), SignAs(bob_key_, state)}};
  }

  std::vector<Hash32> bases_;  // what each of Alice's proposals builds on
};

TEST_F(PipeliningTest, ProposalsInFlightAreCountersignedInOrder) {
  std::vector<SignedState> proposals;
  for (Amount amount : {1, 2, 3}) proposals.push_back(AliceProposes(amount, 3));
  ASSERT_EQ(alice_->pending().size(), 3u);
  EXPECT_EQ(alice_->pending().back().state.version, 3u);

  for (size_t i = 0; i < proposals.size(); ++i) {
    auto answer = BobAnswers(proposals[i], i);
    ASSERT_TRUE(answer.ok()) << answer.status().ToString();
    ASSERT_TRUE(alice_->HandleAccept(proposals[i].state.version, 1, *answer).ok());
  }
  EXPECT_TRUE(alice_->pending().empty());
  EXPECT_EQ(alice_->latest(), bob_->latest());
  EXPECT_EQ(alice_->latest().state.version, 3u);
  EXPECT_EQ(alice_->latest().state.allocation.assets[0].balances, (std::vector<Amount>{94, 106}));
}

TEST_F(PipeliningTest, TheWindowBoundsTheProposalsInFlight) {
  AliceProposes(1, 2);
  AliceProposes(1, 2);
  ChannelRecord before = alice_->record();
  State third = Pay(alice_->ProposalBase(), 0, 1);
  third.version = alice_->NextVersion();
  auto refused = alice_->ProposeUpdate(third, alice_key_, 2);
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(alice_->record(), before);
}

TEST_F(PipeliningTest, AnAcceptOutOfOrderIsRefused) {
  SignedState first = AliceProposes(1, 2);
  SignedState second = AliceProposes(1, 2);
  ASSERT_TRUE(BobAnswers(first, 0).ok());
  auto answer = BobAnswers(second, 1);
  ASSERT_TRUE(answer.ok());
  ChannelRecord before = alice_->record();
  EXPECT_EQ(alice_->HandleAccept(2, 1, *answer).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(alice_->record(), before);
}

TEST_F(PipeliningTest, ARefusalDropsTheProposalsBuiltOnTheRefusedOne) {
  AliceProposes(1, 3);
  AliceProposes(1, 3);
  AliceProposes(1, 3);
  ASSERT_TRUE(alice_->HandleReject(2).ok());
  ASSERT_EQ(alice_->pending().size(), 1u);
  EXPECT_EQ(alice_->pending().front().state.version, 1u);
  EXPECT_EQ(alice_->NextVersion(), 4u);  // versions 2 and 3 are used up
}

TEST_F(PipeliningTest, TheResponderRefusesAProposalBuiltOnAStateItDoesNotHold) {
  AliceProposes(1, 2);  // Bob never countersigns this one
  SignedState second = AliceProposes(1, 2);
  ChannelRecord before = bob_->record();
  auto refused = BobAnswers(second, 1);
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("builds on a state other than"), std::string::npos)
      << refused.status().ToString();
  // Only the version is used up (see HandleProposal); nothing is signed.
  EXPECT_EQ(bob_->latest(), before.latest);
  EXPECT_EQ(bob_->record().last_signed_version, before.last_signed_version);
  EXPECT_EQ(bob_->current_version(), 2u);
}

// Bob countersigned Alice's proposals but his answers were lost (say, she
// restarted); his next proposal builds on her newest one.
TEST_F(PipeliningTest, AProposalBuiltOnTheNewestPendingOneSettlesThemAll) {
  std::vector<SignedState> proposals;
  for (Amount amount : {1, 2}) proposals.push_back(AliceProposes(amount, 2));
  for (size_t i = 0; i < proposals.size(); ++i) ASSERT_TRUE(BobAnswers(proposals[i], i).ok());
  State bobs = Pay(bob_->latest().state, 1, 10);
  bobs.version = bob_->NextVersion();
  auto bob_proposal = bob_->ProposeUpdate(bobs, bob_key_);
  ASSERT_TRUE(bob_proposal.ok());

  auto answer = alice_->HandleProposal(bobs, bob_->BaseHash(bob_->latest().state), 1,
                                       *bob_proposal->sigs[1], alice_key_);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_TRUE(alice_->pending().empty());
  EXPECT_TRUE(alice_->latest().FullySigned());
  EXPECT_EQ(alice_->latest().state, bobs);
  // Alice paid 1 and 2, Bob 10: all three are in the signed state.
  EXPECT_EQ(alice_->latest().state.allocation.assets[0].balances, (std::vector<Amount>{107, 93}));
  ASSERT_TRUE(bob_->HandleAccept(bobs.version, 0, *answer).ok());
  EXPECT_EQ(bob_->latest(), alice_->latest());
}

TEST_F(PipeliningTest, AProposalBuiltOnAnOlderPendingOneMustWait) {
  SignedState first = AliceProposes(1, 2);
  AliceProposes(2, 2);
  ASSERT_TRUE(BobAnswers(first, 0).ok());  // Bob has not seen her second one
  State bobs = Pay(bob_->latest().state, 1, 10);
  bobs.version = 4;  // above both of Alice's
  ChannelRecord before = alice_->record();
  auto refused = alice_->HandleProposal(bobs, bob_->BaseHash(bob_->latest().state), 1,
                                        SignAs(bob_key_, bobs), alice_key_);
  EXPECT_EQ(refused.status().code(), StatusCode::kAborted);  // Bob retries after her answer
  EXPECT_NE(refused.status().message().find("must wait"), std::string::npos)
      << refused.status().ToString();
  EXPECT_EQ(alice_->pending(), before.pending);
  EXPECT_EQ(alice_->latest(), before.latest);
}

TEST_F(PipeliningTest, ACrossingDropsTheLosersProposalAndThoseBuiltOnIt) {
  // Bob (index 1) has three proposals in flight; Alice's proposal for his
  // first version crosses it, and the lower index wins.
  std::vector<Hash32> bob_bases;
  for (Amount amount : {1, 2, 3}) {
    const State& base = bob_->ProposalBase();
    State next = Pay(base, 1, amount);
    next.version = bob_->NextVersion();
    ASSERT_TRUE(bob_->ProposeUpdate(next, bob_key_, 3).ok());
  }
  SignedState alices = AliceProposes(5, 1);
  auto at_bob = BobAnswers(alices, 0);
  EXPECT_EQ(at_bob.status().code(), StatusCode::kAborted);
  EXPECT_TRUE(bob_->pending().empty());
}

TEST_F(PipeliningTest, AdoptingTheProposersOwnStateKeepsTheProposalsBuiltOnIt) {
  std::vector<SignedState> proposals;
  for (Amount amount : {1, 2, 3}) proposals.push_back(AliceProposes(amount, 3));
  ASSERT_TRUE(BobAnswers(proposals[0], 0).ok());
  ASSERT_TRUE(BobAnswers(proposals[1], 1).ok());
  // Bob's answers are lost; his latest state arrives by resync instead.
  auto outcome = alice_->AdoptSigned(bob_->latest());
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(*outcome, Channel::SyncOutcome::kAdopted);
  ASSERT_EQ(alice_->pending().size(), 1u);
  EXPECT_EQ(alice_->pending().front().state, proposals[2].state);
  auto answer = BobAnswers(proposals[2], 2);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  ASSERT_TRUE(alice_->HandleAccept(3, 1, *answer).ok());
  EXPECT_EQ(alice_->latest(), bob_->latest());
}

TEST_F(PipeliningTest, AdoptingAnotherStateDropsEveryProposalBuiltOnTheReplacedOne) {
  AliceProposes(1, 2);
  AliceProposes(1, 2);
  State other = Pay(alice_->latest().state, 1, 7);  // a version 1 Alice never proposed
  other.version = 1;
  auto outcome = alice_->AdoptSigned(BothSign(other));
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(*outcome, Channel::SyncOutcome::kAdopted);
  EXPECT_TRUE(alice_->pending().empty());
  EXPECT_EQ(alice_->latest().state, other);
}

TEST_F(PipeliningTest, ARecordKeepsItsProposalsAndRefusesThemOutOfOrder) {
  AliceProposes(1, 2);
  AliceProposes(2, 2);
  auto restored = Channel::Restore(alice_->record(), scheme_, app_);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(restored->pending(), alice_->pending());

  ChannelRecord swapped = alice_->record();
  std::swap(swapped.pending[0], swapped.pending[1]);
  EXPECT_EQ(Channel::Restore(swapped, scheme_, app_).status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace parley::channel
