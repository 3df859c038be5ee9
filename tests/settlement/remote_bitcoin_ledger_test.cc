// The devchain's UTXO set over gRPC: RemoteSimLedger as a BitcoinLedger
// against a LedgerService, with the ledger's Status codes carried across.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "parley/channel/app.h"
#include "parley/rpc/ledger_service.h"
#include "parley/settlement/remote_sim_ledger.h"
#include "parley/settlement/sim_ledger.h"
#include "parley/store/store.h"
#include "parley/v1/ledger.grpc.pb.h"
#include "settlement/taproot_wallet.h"
#include "testing/status_matchers.h"

namespace parley::settlement {
namespace {

using crypto::OutPoint;
using crypto::Transaction;
using testing::HasSubstr;

class RemoteBitcoinLedgerTest : public testing::Test {
 protected:
  void SetUp() override {
    ledger_ = SimLedger::Open(*store_, apps_).value();
    ASSERT_NO_FATAL_FAILURE(Serve(/*allow_dev_calls=*/true));
  }
  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  }

  void Serve(bool allow_dev_calls) {
    if (server_) server_->Shutdown();
    server_.reset();
    service_ = std::make_unique<rpc::LedgerService>(*ledger_, allow_dev_calls);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(port, 0);
    remote_ = std::make_unique<RemoteSimLedger>("127.0.0.1:" + std::to_string(port),
                                                crypto::PrivateKey::Generate());
    stub_ = v1::Ledger::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                                    grpc::InsecureChannelCredentials()));
  }

  // Alice pays `sats` of her `coin` of `held` sats to Bob.
  Transaction PayBob(const OutPoint& coin, int64_t held, int64_t sats, uint32_t lock_time = 0) {
    Transaction tx = Unsigned({coin}, {bob_.Pay(sats)}, lock_time, 0xfffffffe);
    alice_.Sign(&tx, std::vector{alice_.Pay(held)}, 0);
    return tx;
  }

  channel::AppRegistry apps_;
  std::unique_ptr<store::Store> store_ = store::NewMemoryStore();
  std::unique_ptr<SimLedger> ledger_;
  std::unique_ptr<rpc::LedgerService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<RemoteSimLedger> remote_;
  std::unique_ptr<v1::Ledger::Stub> stub_;
  TaprootWallet alice_;
  TaprootWallet bob_;
};

TEST_F(RemoteBitcoinLedgerTest, FundSpendAndLookUpOverGrpc) {
  BitcoinLedger& chain = *remote_;
  auto coin = chain.FundTaproot(alice_.OutputKey(), 10'000);
  ASSERT_TRUE(coin.ok()) << coin.status().ToString();
  EXPECT_EQ(chain.GetUtxo(*coin).value(), ledger_->GetUtxo(*coin).value());
  EXPECT_EQ(chain.GetUtxo(*coin)->output, alice_.Pay(10'000));

  Transaction tx = PayBob(*coin, 10'000, 9'000, /*lock_time=*/2);
  auto early = chain.BroadcastTransaction(tx);
  EXPECT_CODE(early.status(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(early.status().message(), HasSubstr("block 3 or later"));
  ASSERT_OK(remote_->Advance(2));
  EXPECT_EQ(chain.Height(), 2u);

  auto txid = chain.BroadcastTransaction(tx);
  ASSERT_TRUE(txid.ok()) << txid.status().ToString();
  EXPECT_EQ(*txid, crypto::Txid(tx));
  auto paid = chain.GetUtxo({*txid, 0});
  ASSERT_TRUE(paid.ok()) << paid.status().ToString();
  EXPECT_EQ(paid->output, bob_.Pay(9'000));
  EXPECT_EQ(paid->height, 3u);
  auto spent = chain.GetUtxo(*coin);
  EXPECT_CODE(spent.status(), StatusCode::kNotFound);
  EXPECT_THAT(spent.status().message(), HasSubstr("is spent"));
  EXPECT_CODE(chain.BroadcastTransaction(tx).status(), StatusCode::kAlreadyExists);
}

TEST_F(RemoteBitcoinLedgerTest, RefusalsKeepTheirCodes) {
  OutPoint coin = remote_->FundTaproot(alice_.OutputKey(), 10'000).value();
  Transaction tampered = PayBob(coin, 10'000, 9'000);
  tampered.outputs[0].amount_sats = 9'001;
  EXPECT_CODE(remote_->BroadcastTransaction(tampered).status(), StatusCode::kPermissionDenied);
  Transaction unknown = PayBob({.txid = {1}, .index = 0}, 10'000, 9'000);
  EXPECT_CODE(remote_->BroadcastTransaction(unknown).status(), StatusCode::kNotFound);
  EXPECT_CODE(remote_->Fund(alice_.Script(), -5).status(), StatusCode::kInvalidArgument);
  EXPECT_OK(ledger_->GetUtxo(coin).status());
}

TEST_F(RemoteBitcoinLedgerTest, FundIsADevelopmentCall) {
  ASSERT_NO_FATAL_FAILURE(Serve(/*allow_dev_calls=*/false));
  auto coin = remote_->FundTaproot(alice_.OutputKey(), 10'000);
  EXPECT_CODE(coin.status(), StatusCode::kPermissionDenied);
  EXPECT_THAT(coin.status().message(), HasSubstr("--devchain-dev-calls"));
  // Broadcasting and looking up are open to everyone.
  OutPoint local = ledger_->FundTaproot(alice_.OutputKey(), 10'000).value();
  EXPECT_OK(remote_->GetUtxo(local).status());
  EXPECT_OK(remote_->BroadcastTransaction(PayBob(local, 10'000, 10'000)).status());
}

TEST_F(RemoteBitcoinLedgerTest, MalformedRequestsAreInvalidArguments) {
  grpc::ClientContext broadcast_context;
  v1::BroadcastTransactionRequest broadcast;
  broadcast.set_transaction(std::string("\x02\x00\x00", 3));
  v1::BroadcastTransactionReply broadcast_reply;
  grpc::Status s = stub_->BroadcastTransaction(&broadcast_context, broadcast, &broadcast_reply);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("truncated"));

  grpc::ClientContext utxo_context;
  v1::GetUtxoRequest utxo;
  utxo.mutable_outpoint()->set_txid("short");
  v1::GetUtxoReply utxo_reply;
  s = stub_->GetUtxo(&utxo_context, utxo, &utxo_reply);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace parley::settlement
