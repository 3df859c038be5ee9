// An offer of the peer's is not accepted while this node's own proposal
// awaits its answer: the late answer would take latest() back below the
// offer (DESIGN.md: latest only moves forward; no signed state is lost).
#include <gtest/gtest.h>

#include "channel/channel_fixture.h"
#include "parley/channel/channel.h"

namespace parley::channel {
namespace {

class OfferWhilePendingTest : public testing::TwoPartyChannelTest {
 protected:
  void SetUp() override { OpenBoth(); }
};

TEST_F(OfferWhilePendingTest, AnOfferIsAcceptedOnlyOnceOurProposalsAreAnswered) {
  // Alice pays 5 (version 1); Bob countersigns it; his answer is late.
  State mine = Pay(alice_->latest().state, 0, 5);
  auto proposal = alice_->ProposeUpdate(mine, alice_key_);
  ASSERT_TRUE(proposal.ok()) << proposal.status().ToString();
  auto answer = bob_->HandleProposal(mine, LatestHash(*alice_), 0, *proposal->sigs[0], bob_key_);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  // Bob offers 10 on top of it (version 2); Alice accepts the offer.
  State offer = Pay(bob_->latest().state, 1, 10);
  offer.version = bob_->NextVersion();
  auto made = bob_->MakeOffer(offer, bob_key_);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  ASSERT_TRUE(alice_->HandleOffer(offer, 1, *made->sigs[1]).ok());

  // Accepting it now would let the late answer take latest() back (or a
  // refusal pay version 1's actions again on top of it): it must wait.
  ChannelRecord before = alice_->record();
  auto early = alice_->AcceptOffer(alice_key_);
  EXPECT_EQ(early.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(early.status().message().find("awaits the peer's answer"), std::string::npos)
      << early.status().ToString();
  EXPECT_EQ(alice_->record(), before);

  // Bob's answer to version 1 arrives; then the offer is accepted.
  ASSERT_TRUE(alice_->HandleAccept(1, 1, *answer).ok());
  auto accepted = alice_->AcceptOffer(alice_key_);
  ASSERT_TRUE(accepted.ok()) << accepted.status().ToString();
  EXPECT_EQ(alice_->latest().state, offer);
  EXPECT_TRUE(alice_->latest().FullySigned());
}

}  // namespace
}  // namespace parley::channel
