// Streaming through the node: a channel of the streaming app opens like any
// other; vouchers flow outside the update protocol (apps/streaming); the
// payee adopts the latest, countersigned, with Node::AdoptState and settles
// with it on the ledger.
#include <gtest/gtest.h>

#include "client/node_fixture.h"
#include "streaming/voucher.h"
#include "testing/status_matchers.h"

namespace parley::client {
namespace {

using testing::TwoNodeTest;

class NodeStreamingTest : public TwoNodeTest {
 protected:
  NodeStreamingTest() {
    EXPECT_OK(apps_.Register(std::make_shared<apps::StreamingApp>()));
    id_ = alice_->node
              ->OpenChannel({.peer = bob_->key.public_key(),
                             .app = apps::StreamingApp::kId,
                             .my_deposit = 100,
                             .peer_deposit = 0,
                             .challenge_duration = kChallenge,
                             .initial_app_data = apps::StreamingApp::InitialData(
                                 {.payer = 0, .price_per_unit = 3, .max_lag_units = 1})})
              .value();
    Settle();
    EXPECT_EQ(Info(*bob_, id_).phase, channel::Phase::kOpen);
  }

  channel::ChannelId id_;
};

TEST_F(NodeStreamingTest, ThePayeeSettlesWithTheLatestVoucher) {
  auto base = bob_->node->LatestSignedState(id_);
  ASSERT_OK(base.status());
  auto payer = apps::StreamPayer::Create(base->state, alice_->key, ledger_->scheme()).value();
  auto payee =
      apps::StreamPayee::Create(Info(*bob_, id_).params, *base, 1, ledger_->scheme()).value();
  for (int i = 0; i < 7; ++i) ASSERT_OK(payee.Accept(payer.Pay(1).value()));

  auto settleable = payee.Settleable(bob_->key);
  ASSERT_OK(settleable.status());
  ASSERT_OK(bob_->node->AdoptState(id_, *settleable));
  EXPECT_EQ(Info(*bob_, id_).latest.version, 7u);
  // The same state again, or an older one, is no news.
  EXPECT_CODE(bob_->node->AdoptState(id_, *settleable), StatusCode::kFailedPrecondition);
  EXPECT_CODE(bob_->node->AdoptState(id_, *base), StatusCode::kFailedPrecondition);

  ASSERT_OK(bob_->node->ForceClose(id_));
  Settle();
  ASSERT_OK(ledger_->Advance(kChallenge));
  Settle();
  ASSERT_OK(bob_->node->Settle(id_));
  ASSERT_OK(alice_->node->Settle(id_));
  EXPECT_EQ(ledger_->Balance(bob_->key.public_key(), "native"), 1000 + 21);
  EXPECT_EQ(ledger_->Balance(alice_->key.public_key(), "native"), 1000 - 21);
}

TEST_F(NodeStreamingTest, AStateWithoutThisNodesSignatureIsNotAdopted) {
  auto base = bob_->node->LatestSignedState(id_).value();
  auto payer = apps::StreamPayer::Create(base.state, alice_->key, ledger_->scheme()).value();
  apps::Voucher v = payer.Pay(2).value();
  channel::SignedState half{
      apps::StreamingApp::StateForTotal(base.state, v.total, v.version).value(), {v.signature, {}}};
  Status s = bob_->node->AdoptState(id_, half);
  EXPECT_CODE(s, StatusCode::kPermissionDenied);
  EXPECT_EQ(Info(*bob_, id_).latest.version, 0u);
}

}  // namespace
}  // namespace parley::client
