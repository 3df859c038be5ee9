// A crash at one exact point of the update protocol, in process: two
// proposals cross, and the winner of the tie-break dies before it proposes
// again. The loser waits for the winner's next proposal, which died with the
// winner's queue; once the winner is back, the loser must not wait forever.
// (The randomized kill test found both cases; here they are deterministic.)
#include <gtest/gtest.h>

#include "client/node_fixture.h"

namespace parley::client {
namespace {

class FaultCrossingRestartTest : public testing::TwoNodeTest {
 protected:
  // Alice's process dies and starts again on the same store: what she had
  // queued in memory is gone, what she persisted is not.
  void RestartAlice() {
    std::unique_ptr<store::Store> store = std::move(alice_->store);
    crypto::PrivateKey key = alice_->key;
    alice_.reset();
    alice_ = MakePeer(key, std::move(store));
  }
};

TEST_F(FaultCrossingRestartTest, TheLoserOfACrossingProposesAgainWhenTheWinnerComesBack) {
  channel::ChannelId id = OpenPayment();  // 100 each
  ASSERT_TRUE(Pay(*alice_, id, 5).ok());
  ASSERT_TRUE(Pay(*bob_, id, 7).ok());
  ASSERT_EQ(network_.Queued(), 2u);  // both proposals of version 1
  network_.Deliver(2);               // they cross: Alice (index 0) retries first, Bob waits for her
  RestartAlice();                    // before her refusal of Bob's proposal reaches her
  Settle();
  // Reconnected, as the transport reports it when a peer comes back.
  bob_->node->OnPeerConnected(alice_->key.public_key());
  alice_->node->OnPeerConnected(bob_->key.public_key());
  Settle();
  EXPECT_EQ(Info(*bob_, id).queued_actions, 0u) << "Bob's payment still waits for Alice";
  EXPECT_EQ(Balances(*bob_, id), (std::vector<channel::Amount>{107, 93}));
  EXPECT_EQ(Balances(*alice_, id), (std::vector<channel::Amount>{107, 93}));
}

// The winner restarts with its proposal on disk but its action gone: sent
// again, it crosses the loser's, and the winner has nothing to retry.
TEST_F(FaultCrossingRestartTest, ARestoredProposalCrossesALiveOne) {
  channel::ChannelId id = OpenPayment();
  ASSERT_TRUE(Pay(*alice_, id, 5).ok());
  ASSERT_TRUE(Pay(*bob_, id, 7).ok());
  RestartAlice();  // her proposal of version 1 is on disk, its action no longer in memory
  bob_->node->OnPeerConnected(alice_->key.public_key());
  alice_->node->OnPeerConnected(bob_->key.public_key());
  Settle();
  EXPECT_EQ(Info(*bob_, id).queued_actions, 0u) << "Bob's payment still waits for Alice";
  EXPECT_EQ(Balances(*bob_, id), (std::vector<channel::Amount>{107, 93}));
  EXPECT_EQ(Balances(*alice_, id), (std::vector<channel::Amount>{107, 93}));
}

}  // namespace
}  // namespace parley::client
