// Out-of-step refusals (Aborted: own proposals await an answer, a used-up
// version, a crossing) make the proposer retry at its next version. Between
// two honest nodes paying each other at once, the retries end, and every
// payment lands exactly once.
#include <gtest/gtest.h>

#include "client/node_fixture.h"
#include "parley/client/node.h"

namespace parley::client {
namespace {

using channel::Amount;

class NodeOutOfStepRetryTest : public testing::TwoNodeTest,
                               public ::testing::WithParamInterface<size_t> {
 protected:
  NodeOutOfStepRetryTest() {
    options_.max_updates_in_flight = GetParam();
    for (auto* peer : {&alice_, &bob_}) {
      (*peer)->node.reset();  // let go of the endpoint before rejoining
      *peer = MakePeer((*peer)->key, std::move((*peer)->store), options_);
    }
    for (auto* peer : {&alice_, &bob_}) {
      int* failed = peer == &alice_ ? &alice_failed_ : &bob_failed_;
      (*peer)->node->SetObserver([failed](const NodeEvent& e) {
        if (e.kind == NodeEvent::Kind::kUpdateFailed) ++*failed;
      });
    }
  }

  // Delivers until quiet; false if that takes more than `limit` messages.
  bool DeliverAtMost(size_t limit, bool bursts) {
    size_t delivered = 0;
    do {
      delivered += bursts ? network_.DeliverBursts() : network_.Deliver(1);
      alice_->node->ProcessLedgerEvents();
      bob_->node->ProcessLedgerEvents();
      if (delivered > limit) return false;
    } while (network_.Queued() > 0);
    return true;
  }

  NodeOptions options_ = testing::TestOptions();
  int alice_failed_ = 0;
  int bob_failed_ = 0;
};

TEST_P(NodeOutOfStepRetryTest, ConcurrentPaymentsBothWaysAllLandOnce) {
  auto id = OpenPayment(1000, 1000);
  Amount alice_paid = 0, bob_paid = 0;
  for (int round = 0; round < 30; ++round) {
    for (int i = 0; i <= round % 4; ++i) {
      ASSERT_TRUE(Pay(*alice_, id, 1).ok());
      alice_paid += 1;
    }
    for (int i = 0; i <= (round + 1) % 3; ++i) {
      ASSERT_TRUE(Pay(*bob_, id, 2).ok());
      bob_paid += 2;
    }
    ASSERT_TRUE(DeliverAtMost(500, /*bursts=*/round % 2 == 0))
        << "round " << round << ": the retries do not end";
  }
  EXPECT_EQ(alice_failed_ + bob_failed_, 0);
  EXPECT_EQ(Info(*alice_, id).latest, Info(*bob_, id).latest);
  EXPECT_FALSE(Info(*alice_, id).update_in_flight);
  EXPECT_FALSE(Info(*bob_, id).update_in_flight);
  EXPECT_EQ(Info(*alice_, id).queued_actions + Info(*bob_, id).queued_actions, 0u);
  EXPECT_EQ(Balances(*alice_, id),
            (std::vector<Amount>{1000 - alice_paid + bob_paid, 1000 + alice_paid - bob_paid}));
}

INSTANTIATE_TEST_SUITE_P(Windows, NodeOutOfStepRetryTest, ::testing::Values(1u, 3u, 8u));

}  // namespace
}  // namespace parley::client
