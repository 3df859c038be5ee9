// Streaming through the node: a channel of the streaming app opens like any
// other. Vouchers travel as offers (Node::Offer): the payee keeps the best,
// refuses bad ones, accepts the latest to settle cooperatively. Vouchers made
// outside the node (apps/streaming) settle through Node::AdoptState.
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

TEST_F(NodeStreamingTest, VouchersTravelAsOffersAndThePayeeSettlesWithTheBest) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_OK(alice_->node->Offer(id_, apps::StreamingApp::PayAction(1)));
  }
  ASSERT_OK(alice_->node->Offer(id_, apps::StreamingApp::PayAction(2)));
  Settle();
  auto offer = Info(*bob_, id_).offer;
  ASSERT_TRUE(offer.has_value());
  EXPECT_EQ(offer->version, 6u);
  EXPECT_EQ(apps::StreamingApp::Decode(offer->app_data)->total_paid, 21);  // 7 units at 3
  EXPECT_EQ(Info(*bob_, id_).latest.version, 0u);  // nothing countersigned yet

  ASSERT_OK(bob_->node->AcceptOffer(id_));
  Settle();  // Alice learns the countersigned state
  EXPECT_EQ(Info(*alice_, id_).latest.version, 6u);
  EXPECT_FALSE(Info(*alice_, id_).offer.has_value());
  ASSERT_OK(bob_->node->Close(id_));
  Settle();
  ASSERT_OK(bob_->node->Settle(id_));
  ASSERT_OK(alice_->node->Settle(id_));
  EXPECT_EQ(ledger_->Balance(bob_->key.public_key(), "native"), 1000 + 21);
  EXPECT_EQ(ledger_->Balance(alice_->key.public_key(), "native"), 1000 - 21);
}

TEST_F(NodeStreamingTest, BadOffersAreRefusedAndChangeNothing) {
  ASSERT_OK(alice_->node->Offer(id_, apps::StreamingApp::PayAction(4)));
  Settle();
  ASSERT_EQ(Info(*bob_, id_).offer->version, 1u);
  auto base = bob_->node->LatestSignedState(id_).value().state;
  auto offer_of = [&](uint64_t total, uint64_t version, const crypto::PrivateKey& key) {
    channel::State state = apps::StreamingApp::StateForTotal(base, total, version).value();
    auto sig = ledger_->scheme().Sign(key, ledger_->scheme().StateHash(state));
    return wire::EncodeMessage(wire::StateOffer{id_, state, sig});
  };
  auto from_alice = alice_->key.public_key();
  // A forged signature, a lower total, a stale version.
  EXPECT_CODE(bob_->node->HandleMessage(from_alice, offer_of(30, 2, bob_->key)),
              StatusCode::kPermissionDenied);
  Status lower = bob_->node->HandleMessage(from_alice, offer_of(3, 2, alice_->key));
  EXPECT_CODE(lower, StatusCode::kInvalidArgument);
  EXPECT_NE(lower.message().find("the total paid cannot go down (from 12 to 3)"), std::string::npos)
      << lower.message();
  EXPECT_CODE(bob_->node->HandleMessage(from_alice, offer_of(30, 1, alice_->key)),
              StatusCode::kFailedPrecondition);
  // The payer cannot offer more than its balance pays for (88 left at 3 a unit).
  Status over = alice_->node->Offer(id_, apps::StreamingApp::PayAction(30));
  EXPECT_CODE(over, StatusCode::kFailedPrecondition);
  EXPECT_NE(over.message().find("pays for 29 more unit(s), not 30"), std::string::npos)
      << over.message();
  // The payee cannot make offers that pay itself.
  EXPECT_CODE(bob_->node->Offer(id_, apps::StreamingApp::PayAction(1)),
              StatusCode::kPermissionDenied);
  EXPECT_EQ(Info(*bob_, id_).latest.version, 0u);
  EXPECT_EQ(Info(*bob_, id_).offer->version, 1u);  // the best offer stands
}

TEST_F(NodeStreamingTest, ALostOfferIsSentAgainOnReconnection) {
  network_.Silence(bob_->key.public_key());
  ASSERT_OK(alice_->node->Offer(id_, apps::StreamingApp::PayAction(3)));
  Settle();
  EXPECT_FALSE(Info(*bob_, id_).offer.has_value());
  network_.Unsilence(bob_->key.public_key());
  alice_->node->OnPeerConnected(bob_->key.public_key());
  Settle();
  ASSERT_TRUE(Info(*bob_, id_).offer.has_value());
  EXPECT_EQ(apps::StreamingApp::Decode(Info(*bob_, id_).offer->app_data)->total_paid, 9);
}

}  // namespace
}  // namespace parley::client
