// A node with several settlement backends: each channel is signed, funded,
// watched and settled through the backend its params name, and the node
// restores the channels of every backend on restart.
#include <gtest/gtest.h>

#include "client/node_fixture.h"

namespace parley::client {
namespace {

using channel::Phase;
using testing::Peer;

// Alice and Bob settle on two sim ledgers at once: the fixture's ("sim") and
// a second one named "sim2".
class TwoBackendTest : public testing::TwoNodeTest {
 protected:
  TwoBackendTest() {
    ledger2_ = settlement::SimLedger::Open(*ledger2_store_, apps_, "sim2").value();
    alice_chain2_ = std::make_unique<settlement::SimClient>(*ledger2_, alice_->key.public_key());
    bob_chain2_ = std::make_unique<settlement::SimClient>(*ledger2_, bob_->key.public_key());
    EXPECT_TRUE(ledger2_->Mint(alice_->key.public_key(), "native", 1000).ok());
    EXPECT_TRUE(ledger2_->Mint(bob_->key.public_key(), "native", 1000).ok());
    EXPECT_TRUE(Restart(*alice_, *alice_chain2_).ok());
    EXPECT_TRUE(Restart(*bob_, *bob_chain2_).ok());
  }

  ~TwoBackendTest() override {
    // The nodes go before the second ledger's clients they use.
    alice_->node.reset();
    bob_->node.reset();
  }

  // Replaces the peer's node by one on both ledgers, over the same store.
  Status Restart(Peer& peer, settlement::SimClient& chain2) {
    peer.node.reset();
    peer.node = std::make_unique<Node>(
        peer.key, *peer.store, network_.Join(peer.key.public_key()),
        std::vector<SettlementBackend>{{peer.chain, peer.chain, ledger_->scheme()},
                                       {chain2, chain2, ledger2_->scheme()}},
        apps_, testing::TestOptions());
    return peer.node->Start();
  }

  channel::ChannelId OpenOn(const std::string& backend) {
    auto id = alice_->node->OpenChannel({.peer = bob_->key.public_key(),
                                         .backend = backend,
                                         .app = apps::PaymentApp::kId,
                                         .my_deposit = 100,
                                         .peer_deposit = 100,
                                         .challenge_duration = kChallenge});
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    Settle();
    return *id;
  }

  void CloseAndSettle(const channel::ChannelId& id) {
    ASSERT_TRUE(alice_->node->Close(id).ok());
    Settle();
    ASSERT_TRUE(alice_->node->Settle(id).ok());
    ASSERT_TRUE(bob_->node->Settle(id).ok());
    Settle();
    EXPECT_EQ(Info(*alice_, id).phase, Phase::kWithdrawn);
    EXPECT_EQ(Info(*bob_, id).phase, Phase::kWithdrawn);
  }

  std::unique_ptr<store::Store> ledger2_store_ = store::NewMemoryStore();
  std::unique_ptr<settlement::SimLedger> ledger2_;
  std::unique_ptr<settlement::SimClient> alice_chain2_;
  std::unique_ptr<settlement::SimClient> bob_chain2_;
};

TEST_F(TwoBackendTest, ChannelsOnEachBackendSettleOnTheirOwnLedger) {
  auto on_sim = OpenOn("");  // the first backend
  auto on_sim2 = OpenOn("sim2");
  EXPECT_EQ(Info(*alice_, on_sim).params.backend, "sim");
  EXPECT_EQ(Info(*bob_, on_sim2).params.backend, "sim2");
  EXPECT_EQ(Info(*bob_, on_sim).phase, Phase::kOpen);
  EXPECT_EQ(Info(*alice_, on_sim2).phase, Phase::kOpen);
  // Each deposit went to its own ledger.
  EXPECT_EQ(ledger_->Balance(alice_->key.public_key(), "native"), 900);
  EXPECT_EQ(ledger2_->Balance(bob_->key.public_key(), "native"), 900);

  ASSERT_TRUE(Pay(*alice_, on_sim, 30).ok());
  ASSERT_TRUE(Pay(*bob_, on_sim2, 5).ok());
  ASSERT_TRUE(Pay(*bob_, on_sim2, 2).ok());
  Settle();
  EXPECT_EQ(Balances(*bob_, on_sim), (std::vector<channel::Amount>{70, 130}));
  EXPECT_EQ(Balances(*alice_, on_sim2), (std::vector<channel::Amount>{107, 93}));

  CloseAndSettle(on_sim);
  CloseAndSettle(on_sim2);
  EXPECT_EQ(ledger_->Balance(alice_->key.public_key(), "native"), 970);
  EXPECT_EQ(ledger_->Balance(bob_->key.public_key(), "native"), 1030);
  EXPECT_EQ(ledger2_->Balance(alice_->key.public_key(), "native"), 1007);
  EXPECT_EQ(ledger2_->Balance(bob_->key.public_key(), "native"), 993);
}

TEST_F(TwoBackendTest, TheWatcherOfEachBackendRefutesAStaleRegistration) {
  auto on_sim2 = OpenOn("sim2");
  auto stale = bob_->node->LatestSignedState(on_sim2).value();
  ASSERT_TRUE(Pay(*alice_, on_sim2, 40).ok());
  Settle();
  // Bob registers the state before the payment on the second ledger; Alice's
  // node answers there with the latest.
  ASSERT_TRUE(bob_chain2_->Register(Info(*bob_, on_sim2).params, stale).ok());
  Settle();
  EXPECT_EQ(ledger2_->GetDispute(on_sim2)->state.state.version, 1u);
  EXPECT_FALSE(ledger_->GetDispute(on_sim2).ok());
  ASSERT_TRUE(ledger2_->Advance(kChallenge).ok());
  Settle();
  ASSERT_TRUE(alice_->node->Settle(on_sim2).ok());
  ASSERT_TRUE(bob_->node->Settle(on_sim2).ok());
  Settle();
  EXPECT_EQ(ledger2_->Balance(alice_->key.public_key(), "native"), 960);
  EXPECT_EQ(ledger2_->Balance(bob_->key.public_key(), "native"), 1040);
}

TEST_F(TwoBackendTest, OpeningOnABackendTheNodeLacksIsRefused) {
  auto id = alice_->node->OpenChannel({.peer = bob_->key.public_key(),
                                       .backend = "evm",
                                       .app = apps::PaymentApp::kId,
                                       .my_deposit = 100});
  ASSERT_EQ(id.status().code(), StatusCode::kNotFound);
  EXPECT_NE(id.status().message().find("'evm'"), std::string::npos) << id.status().ToString();
  EXPECT_NE(id.status().message().find("'sim2'"), std::string::npos) << id.status().ToString();
  EXPECT_TRUE(alice_->node->ListChannels().empty());
  EXPECT_EQ(network_.Queued(), 0u);
}

// Backend arguments are for a backend's hook; one without a hook refuses them.
TEST_F(TwoBackendTest, BackendArgumentsForABackendWithoutAHookAreRefused) {
  auto id = alice_->node->OpenChannel({.peer = bob_->key.public_key(),
                                       .app = apps::PaymentApp::kId,
                                       .my_deposit = 100,
                                       .backend_args = {1, 2, 3}});
  ASSERT_EQ(id.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(id.status().message().find("takes no backend arguments"), std::string::npos)
      << id.status().ToString();
  EXPECT_TRUE(alice_->node->ListChannels().empty());
  EXPECT_EQ(network_.Queued(), 0u);
}

TEST_F(TwoBackendTest, APeersProposalOnABackendTheNodeLacksIsRejectedWithTheReason) {
  // Bob settles on "sim" only.
  bob_->node.reset();
  bob_->node = std::make_unique<Node>(
      bob_->key, *bob_->store, network_.Join(bob_->key.public_key()), bob_->chain, bob_->chain,
      ledger_->scheme(), apps_, testing::TestOptions());
  ASSERT_TRUE(bob_->node->Start().ok());
  std::vector<NodeEvent> events;
  alice_->node->SetObserver([&](const NodeEvent& e) { events.push_back(e); });

  auto id = alice_->node->OpenChannel({.peer = bob_->key.public_key(),
                                       .backend = "sim2",
                                       .app = apps::PaymentApp::kId,
                                       .my_deposit = 100});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  Settle();
  EXPECT_TRUE(bob_->node->ListChannels().empty());
  EXPECT_EQ(Info(*alice_, *id).phase, Phase::kProposing);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().kind, NodeEvent::Kind::kUpdateFailed);
  EXPECT_NE(events.back().message.find("backend 'sim2'"), std::string::npos)
      << events.back().message;
  EXPECT_EQ(ledger2_->Balance(alice_->key.public_key(), "native"), 1000);
}

TEST_F(TwoBackendTest, ARestartRestoresTheChannelsOfBothBackends) {
  auto on_sim = OpenOn("sim");
  auto on_sim2 = OpenOn("sim2");
  ASSERT_TRUE(Pay(*alice_, on_sim, 10).ok());
  ASSERT_TRUE(Pay(*alice_, on_sim2, 20).ok());
  Settle();

  ASSERT_TRUE(Restart(*alice_, *alice_chain2_).ok());
  ASSERT_TRUE(Restart(*bob_, *bob_chain2_).ok());
  Settle();
  EXPECT_EQ(alice_->node->ListChannels().size(), 2u);
  EXPECT_EQ(Info(*alice_, on_sim).params.backend, "sim");
  EXPECT_EQ(Info(*alice_, on_sim2).params.backend, "sim2");
  EXPECT_EQ(Balances(*bob_, on_sim), (std::vector<channel::Amount>{90, 110}));
  EXPECT_EQ(Balances(*bob_, on_sim2), (std::vector<channel::Amount>{80, 120}));

  // Both keep working, each on its own ledger; the watcher is back on both.
  ASSERT_TRUE(Pay(*bob_, on_sim2, 1).ok());
  Settle();
  CloseAndSettle(on_sim);
  ASSERT_TRUE(bob_->node->ForceClose(on_sim2).ok());
  Settle();
  EXPECT_EQ(Info(*alice_, on_sim2).phase, Phase::kDisputed);
  ASSERT_TRUE(ledger2_->Advance(kChallenge).ok());
  ASSERT_TRUE(alice_->node->Settle(on_sim2).ok());
  Settle();
  EXPECT_EQ(ledger_->Balance(alice_->key.public_key(), "native"), 990);
  EXPECT_EQ(ledger2_->Balance(alice_->key.public_key(), "native"), 981);
}

TEST_F(TwoBackendTest, StartRefusesAStoreWithChannelsOfABackendItLacks) {
  OpenOn("sim2");
  alice_->node.reset();
  alice_->node = std::make_unique<Node>(
      alice_->key, *alice_->store, network_.Join(alice_->key.public_key()), alice_->chain,
      alice_->chain, ledger_->scheme(), apps_, testing::TestOptions());
  Status started = alice_->node->Start();
  ASSERT_EQ(started.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(started.message().find("backend 'sim2'"), std::string::npos) << started.ToString();
}

TEST_F(TwoBackendTest, StartRefusesTwoBackendsOfOneName) {
  alice_->node.reset();
  alice_->node = std::make_unique<Node>(
      alice_->key, *alice_->store, network_.Join(alice_->key.public_key()),
      std::vector<SettlementBackend>{{alice_->chain, alice_->chain, ledger_->scheme()},
                                     {alice_->chain, alice_->chain, ledger_->scheme()}},
      apps_, testing::TestOptions());
  Status started = alice_->node->Start();
  ASSERT_EQ(started.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(started.message().find("'sim'"), std::string::npos) << started.ToString();
}

}  // namespace
}  // namespace parley::client
