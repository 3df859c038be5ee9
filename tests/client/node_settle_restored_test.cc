// A proposal restored after a restart carries no queued actions: when a
// peer's proposal built on it settles it, the actions this node drafts in
// the same step must still be tracked, so a later refusal of their
// proposal retries or reports them.
#include <gtest/gtest.h>

#include "client/node_fixture.h"
#include "parley/client/node.h"

namespace parley::client {
namespace {

using channel::Amount;

class NodeSettleRestoredTest : public testing::TwoNodeTest {
 protected:
  void RestartAlice() {
    alice_->node.reset();  // let go of the endpoint before rejoining
    alice_ = MakePeer(alice_->key, std::move(alice_->store));
    alice_->node->SetObserver([this](const NodeEvent& e) {
      if (e.kind == NodeEvent::Kind::kUpdateFailed) ++alice_failed_;
    });
  }

  int alice_failed_ = 0;
};

// Alice pays 1; Bob countersigns, his answer is lost; Alice restarts (her
// proposal comes back from the store, without its action). Bob pays 10 on
// top of her proposal and queues 20; Alice queues 5. Bob's proposal settles
// Alice's restored one and she drafts her 5 at once; Bob's 20 crosses it and
// Alice wins, so Bob refuses hers as out of step (Aborted) and she retries.
// Every payment lands, or a failure is reported: none vanishes.
TEST_F(NodeSettleRestoredTest, APaymentDraftedWhileSettlingARestoredProposalIsNotLost) {
  auto id = OpenPayment();
  network_.Silence(alice_->key.public_key());
  ASSERT_TRUE(Pay(*alice_, id, 1).ok());
  Settle();  // Bob countersigns version 1; his answer is lost
  ASSERT_EQ(Info(*bob_, id).latest.version, 1u);
  network_.Unsilence(alice_->key.public_key());
  RestartAlice();
  ASSERT_TRUE(Info(*alice_, id).update_in_flight);  // version 1, restored

  ASSERT_TRUE(Pay(*bob_, id, 10).ok());   // version 2, on Alice's version 1
  ASSERT_TRUE(Pay(*bob_, id, 20).ok());   // queued behind it
  ASSERT_TRUE(Pay(*alice_, id, 5).ok());  // queued behind her restored proposal
  Settle();

  EXPECT_EQ(Info(*alice_, id).latest, Info(*bob_, id).latest);
  EXPECT_FALSE(Info(*alice_, id).update_in_flight);
  EXPECT_EQ(Info(*alice_, id).queued_actions + Info(*bob_, id).queued_actions, 0u);
  if (alice_failed_ == 0) {
    // 100 - 1 + 10 + 20 - 5: every payment landed once.
    EXPECT_EQ(Balances(*alice_, id), (std::vector<Amount>{124, 76}))
        << "Alice's payment of 5 vanished without a kUpdateFailed event";
  }
}

// The same with a close: Alice asks to close while her restored proposal
// awaits its answer; Bob's proposal settles it and she proposes the final
// state; a payment asked for after that is refused ('is closing'), as the
// final state is in flight.
TEST_F(NodeSettleRestoredTest, ACloseDraftedWhileSettlingARestoredProposalStaysClosing) {
  auto id = OpenPayment();
  network_.Silence(alice_->key.public_key());
  ASSERT_TRUE(Pay(*alice_, id, 1).ok());
  Settle();
  network_.Unsilence(alice_->key.public_key());
  RestartAlice();
  ASSERT_TRUE(Pay(*bob_, id, 10).ok());  // version 2, on Alice's version 1
  ASSERT_TRUE(alice_->node->Close(id).ok());
  // Bob's proposal reaches Alice before anything else of hers goes out.
  while (Info(*alice_, id).update_in_flight && Info(*alice_, id).latest.version < 2) {
    ASSERT_GT(network_.Deliver(1), 0u);
  }
  ASSERT_EQ(Info(*alice_, id).latest.version, 2u);
  ASSERT_TRUE(Info(*alice_, id).update_in_flight);  // the final state, version 3
  Status late = Pay(*alice_, id, 1);
  EXPECT_FALSE(late.ok()) << "a payment was queued behind Alice's final state";
  Settle();
  EXPECT_EQ(Info(*alice_, id).latest, Info(*bob_, id).latest);
  EXPECT_TRUE(Info(*alice_, id).latest.is_final);
  // Had it been taken, it must not hang in the queue of a final channel
  // without a word.
  if (late.ok()) {
    EXPECT_TRUE(Info(*alice_, id).queued_actions == 0u || alice_failed_ > 0)
        << Info(*alice_, id).queued_actions << " action(s) left queued, no kUpdateFailed";
  }
}

}  // namespace
}  // namespace parley::client
