// Two nodes as two daemons would run them: peers over the gRPC transport,
// each settling on a devchain (a sim ledger behind a gRPC server) through its
// own connection. Everything crosses real streams and threads on loopback.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <thread>

#include "client/node_fixture.h"
#include "parley/rpc/ledger_service.h"
#include "parley/settlement/remote_sim_ledger.h"
#include "parley/wire/grpc_transport.h"
#include "testing/loopback_server.h"

namespace parley::client {
namespace {

using namespace std::chrono_literals;
using channel::Amount;

class NodeOverGrpcTest : public ::testing::Test {
 protected:
  struct Side {
    crypto::PrivateKey key = crypto::PrivateKey::Generate();
    std::unique_ptr<store::Store> store = store::NewMemoryStore();
    std::unique_ptr<wire::GrpcTransport> transport;
    std::unique_ptr<settlement::RemoteSimLedger> chain;
    std::unique_ptr<Node> node;
  };

  void SetUp() override {
    ASSERT_TRUE(apps_.Register(std::make_shared<apps::PaymentApp>()).ok());
    ledger_ = settlement::SimLedger::Open(*ledger_store_, apps_).value();
    devchain_service_ = std::make_unique<rpc::LedgerService>(*ledger_);
    int port = 0;
    devchain_ = testing_support::ServeOnLoopback(devchain_service_.get(), &port);
    ASSERT_NE(port, 0);
    for (Side* side : {&alice_, &bob_}) {
      side->transport = wire::GrpcTransport::Start(side->key).value();
      side->chain = std::make_unique<settlement::RemoteSimLedger>(
          "127.0.0.1:" + std::to_string(port), side->key);
      side->node =
          std::make_unique<Node>(side->key, *side->store, *side->transport, *side->chain,
                                 *side->chain, ledger_->scheme(), apps_, testing::TestOptions());
      ASSERT_TRUE(side->node->Start().ok());
      ASSERT_TRUE(ledger_->Mint(side->key.public_key(), "native", 1000).ok());
    }
    alice_.transport->Connect(bob_.key.public_key(),
                              "127.0.0.1:" + std::to_string(bob_.transport->port()));
    ASSERT_TRUE(alice_.transport->WaitConnected(bob_.key.public_key(), 5s));
  }

  void TearDown() override {
    for (Side* side : {&alice_, &bob_}) side->transport->Stop();  // no more calls into nodes
    for (Side* side : {&alice_, &bob_}) side->node.reset();
    devchain_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  }

  // Polls until `done` holds, letting both nodes act on ledger events.
  bool Eventually(const std::function<bool()>& done) {
    for (int i = 0; i < 500; ++i) {
      alice_.node->ProcessLedgerEvents();
      bob_.node->ProcessLedgerEvents();
      if (done()) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  ChannelInfo Info(Side& side, const channel::ChannelId& id) {
    return side.node->GetChannel(id).value();
  }

  channel::AppRegistry apps_;
  std::unique_ptr<store::Store> ledger_store_ = store::NewMemoryStore();
  std::unique_ptr<settlement::SimLedger> ledger_;
  std::unique_ptr<rpc::LedgerService> devchain_service_;
  std::unique_ptr<grpc::Server> devchain_;
  Side alice_, bob_;
};

TEST_F(NodeOverGrpcTest, OpenPayBothWaysCloseAndSettle) {
  auto id = alice_.node->OpenChannel({.peer = bob_.key.public_key(),
                                      .app = apps::PaymentApp::kId,
                                      .my_deposit = 300,
                                      .peer_deposit = 200});
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(Eventually([&] {
    return Info(alice_, *id).phase == channel::Phase::kOpen &&
           Info(bob_, *id).phase == channel::Phase::kOpen;
  }));
  Amount alice_balance = 300;
  for (int i = 0; i < 100; ++i) {
    bool alice_pays = i % 4 != 3;
    Node& payer = alice_pays ? *alice_.node : *bob_.node;
    ASSERT_TRUE(payer.Update(*id, apps::PaymentApp::PayAction(2, alice_pays ? 1 : 0)).ok());
    alice_balance = alice_pays ? alice_balance - 2 : alice_balance + 2;
    uint64_t version = static_cast<uint64_t>(i) + 1;
    ASSERT_TRUE(Eventually([&] {
      return Info(alice_, *id).latest.version >= version &&
             Info(bob_, *id).latest.version >= version;
    })) << "payment "
        << i;
  }
  EXPECT_EQ(Info(alice_, *id).latest, Info(bob_, *id).latest);
  EXPECT_EQ(Info(alice_, *id).latest.allocation.assets[0].balances,
            (std::vector<Amount>{alice_balance, 500 - alice_balance}));

  ASSERT_TRUE(alice_.node->Close(*id).ok());
  ASSERT_TRUE(Eventually([&] {
    return Info(alice_, *id).phase == channel::Phase::kFinal &&
           Info(bob_, *id).phase == channel::Phase::kFinal;
  }));
  ASSERT_TRUE(alice_.node->Settle(*id).ok());
  ASSERT_TRUE(bob_.node->Settle(*id).ok());
  EXPECT_EQ(ledger_->Balance(alice_.key.public_key(), "native"), 700 + alice_balance);
  EXPECT_EQ(ledger_->Balance(bob_.key.public_key(), "native"), 800 + 500 - alice_balance);
}

}  // namespace
}  // namespace parley::client
