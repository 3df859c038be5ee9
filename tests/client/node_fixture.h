// Alice and Bob, each a Node with its own store, on one in-memory network
// and one sim ledger. Stores are in memory unless a directory is given.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "chess/chess_app.h"
#include "parley/client/node.h"
#include "parley/settlement/sim_ledger.h"
#include "parley/wire/memory_transport.h"
#include "payment/payment_app.h"
#include "tictactoe/tictactoe_app.h"

namespace parley::client::testing {

// Test nodes accept channels from each other with any deposit up to this.
inline NodeOptions TestOptions() { return {.max_deposit_on_proposal = 1'000'000'000}; }

struct Peer {
  Peer(const crypto::PrivateKey& k, settlement::SimLedger& ledger, wire::MemoryNetwork& network,
       std::unique_ptr<store::Store> s, const channel::AppRegistry& apps,
       NodeOptions options = TestOptions())
      : key(k),
        store(std::move(s)),
        chain(ledger, k.public_key()),
        node(std::make_unique<Node>(k, *store, network.Join(k.public_key()), chain, chain,
                                    ledger.scheme(), apps, std::move(options))) {}

  crypto::PrivateKey key;
  std::unique_ptr<store::Store> store;
  settlement::SimClient chain;
  std::unique_ptr<Node> node;
};

class TwoNodeTest : public ::testing::Test {
 protected:
  static constexpr uint64_t kChallenge = 10;

  TwoNodeTest() {
    EXPECT_TRUE(apps_.Register(std::make_shared<apps::PaymentApp>()).ok());
    EXPECT_TRUE(apps_.Register(std::make_shared<apps::TicTacToeApp>()).ok());
    EXPECT_TRUE(apps_.Register(std::make_shared<apps::ChessApp>()).ok());
    ledger_ = settlement::SimLedger::Open(*ledger_store_, apps_).value();
    alice_ = MakePeer(crypto::PrivateKey::Generate(), store::NewMemoryStore());
    bob_ = MakePeer(crypto::PrivateKey::Generate(), store::NewMemoryStore());
    EXPECT_TRUE(ledger_->Mint(alice_->key.public_key(), "native", 1000).ok());
    EXPECT_TRUE(ledger_->Mint(bob_->key.public_key(), "native", 1000).ok());
  }

  std::unique_ptr<Peer> MakePeer(const crypto::PrivateKey& key, std::unique_ptr<store::Store> s,
                                 NodeOptions options = TestOptions()) {
    auto peer = std::make_unique<Peer>(key, *ledger_, network_, std::move(s), apps_, options);
    EXPECT_TRUE(peer->node->Start().ok());
    return peer;
  }

  // Delivers every message and lets both nodes act on ledger events.
  void Settle() {
    do {
      network_.Deliver();
      alice_->node->ProcessLedgerEvents();
      bob_->node->ProcessLedgerEvents();
    } while (network_.Queued() > 0);
  }

  // Alice proposes a payment channel to Bob; nothing is delivered yet.
  Result<channel::ChannelId> ProposePayment(channel::Amount alice_deposit = 100,
                                            channel::Amount bob_deposit = 100) {
    return alice_->node->OpenChannel({.peer = bob_->key.public_key(),
                                      .app = apps::PaymentApp::kId,
                                      .my_deposit = alice_deposit,
                                      .peer_deposit = bob_deposit,
                                      .challenge_duration = kChallenge});
  }

  channel::ChannelId OpenPayment(channel::Amount alice_deposit = 100,
                                 channel::Amount bob_deposit = 100) {
    auto id = ProposePayment(alice_deposit, bob_deposit);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    Settle();
    return *id;
  }

  Status Pay(Peer& payer, const channel::ChannelId& id, channel::Amount amount) {
    ChannelInfo info = payer.node->GetChannel(id).value();
    return payer.node->Update(id, apps::PaymentApp::PayAction(amount, 1 - info.self));
  }

  ChannelInfo Info(Peer& peer, const channel::ChannelId& id) {
    return peer.node->GetChannel(id).value();
  }

  std::vector<channel::Amount> Balances(Peer& peer, const channel::ChannelId& id) {
    return Info(peer, id).latest.allocation.assets[0].balances;
  }

  channel::AppRegistry apps_;
  std::unique_ptr<store::Store> ledger_store_ = store::NewMemoryStore();
  std::unique_ptr<settlement::SimLedger> ledger_;
  wire::MemoryNetwork network_;
  std::unique_ptr<Peer> alice_;
  std::unique_ptr<Peer> bob_;
};

}  // namespace parley::client::testing
