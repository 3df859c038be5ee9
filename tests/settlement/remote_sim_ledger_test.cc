// The devchain's own rules, beyond the shared conformance suite: deposits are
// authorized by the paying account and cannot be replayed; an unreachable
// devchain is a clear IoError.
#include "parley/settlement/remote_sim_ledger.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "parley/channel/encoding.h"
#include "parley/crypto/random.h"
#include "parley/crypto/schnorr.h"
#include "parley/rpc/ledger_service.h"
#include "parley/settlement/sim_ledger.h"
#include "parley/wire/grpc_common.h"
#include "payment/payment_app.h"
#include "testing/loopback_server.h"
#include "testing/status_matchers.h"

namespace parley::settlement {
namespace {

class DevchainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(apps_.Register(std::make_shared<apps::PaymentApp>()));
    ledger_ = SimLedger::Open(*store_, apps_).value();
    service_ = std::make_unique<rpc::LedgerService>(*ledger_);
    int port = 0;
    server_ = testing_support::ServeOnLoopback(service_.get(), &port);
    ASSERT_NE(port, 0);
    address_ = "127.0.0.1:" + std::to_string(port);
    params_ = {.participants = {alice_.public_key(), bob_.public_key()},
               .nonce = crypto::RandomHash32(),
               .challenge_duration = 10,
               .app = apps::PaymentApp::kId,
               .backend = "sim"};
    ASSERT_OK(ledger_->Mint(alice_.public_key(), "native", 100));
  }
  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  }

  // A deposit request as a client would build it, signed by `signer`.
  v1::DepositRequest Request(const crypto::PrivateKey& signer, const channel::Amount& total) {
    v1::DepositRequest r;
    r.set_params(wire::ToBytes(params_));
    r.set_participant(0);
    r.set_asset("native");
    r.set_total(wire::AmountToBytes(total));
    r.set_account(
        std::string(alice_.public_key().bytes().begin(), alice_.public_key().bytes().end()));
    auto sig = crypto::SchnorrSign(
        signer, DepositDigest(ledger_->scheme().ComputeChannelId(params_), 0, "native", total));
    r.set_signature(std::string(sig.begin(), sig.end()));
    return r;
  }
  grpc::Status Send(const v1::DepositRequest& r) {
    auto stub =
        v1::Ledger::NewStub(grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    v1::LedgerReply reply;
    return stub->Deposit(&context, r, &reply);
  }

  channel::AppRegistry apps_;
  std::unique_ptr<store::Store> store_ = store::NewMemoryStore();
  std::unique_ptr<SimLedger> ledger_;
  std::unique_ptr<rpc::LedgerService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  crypto::PrivateKey alice_ = crypto::PrivateKey::Generate();
  crypto::PrivateKey bob_ = crypto::PrivateKey::Generate();
  channel::Params params_;
};

TEST_F(DevchainTest, ADepositMustBeSignedByThePayingAccount) {
  grpc::Status s = Send(Request(bob_, 40));  // Bob tries to spend Alice's funds
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(s.error_message().find("not signed by account"), std::string::npos);
  EXPECT_EQ(ledger_->Balance(alice_.public_key(), "native"), 100);
}

TEST_F(DevchainTest, AReplayedDepositChangesNothing) {
  v1::DepositRequest r = Request(alice_, 40);
  ASSERT_TRUE(Send(r).ok());
  ASSERT_TRUE(Send(r).ok());  // the same bytes again
  EXPECT_EQ(ledger_->Balance(alice_.public_key(), "native"), 60);
  EXPECT_EQ(ledger_->Deposits(params_, "native").value()[0], 40);
}

TEST_F(DevchainTest, TheRemoteFunderDepositsWhatItIsAskedTo) {
  RemoteSimLedger remote(address_, alice_);
  ASSERT_OK(remote.Deposit(params_, 0, "native", 30));
  ASSERT_OK(remote.Deposit(params_, 0, "native", 5));
  EXPECT_EQ(remote.Deposits(params_, "native").value()[0], 35);
  EXPECT_EQ(remote.Balance(alice_.public_key(), "native").value(), 65);
  EXPECT_CODE(remote.Deposit(params_, 0, "native", 1000), StatusCode::kFailedPrecondition);
}

TEST_F(DevchainTest, DevelopmentCallsAreRefusedUnlessAllowed) {
  RemoteSimLedger remote(address_, alice_);
  Status mint = remote.Mint(bob_.public_key(), "native", 1'000'000);
  EXPECT_EQ(mint.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(mint.message().find("--devchain-dev-calls"), std::string::npos);
  EXPECT_CODE(remote.Advance(100), StatusCode::kPermissionDenied);
  EXPECT_EQ(ledger_->Now(), 0u);
  EXPECT_EQ(ledger_->Balance(bob_.public_key(), "native"), 0);
}

// A subscriber keeps watching across a devchain restart, and hears of what
// was registered while it was away.
TEST_F(DevchainTest, ASubscriptionSurvivesADevchainRestart) {
  RemoteSimLedger remote(address_, alice_);
  channel::ChannelId id = ledger_->scheme().ComputeChannelId(params_);
  std::mutex mutex;
  std::condition_variable arrived;
  std::vector<Event> events;
  remote.Subscribe(id, [&](const Event& e) {
    std::lock_guard lock(mutex);
    events.push_back(e);
    arrived.notify_all();
  });
  // Streams still open are cancelled at the deadline.
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(100));
  server_.reset();
  channel::SignedState state{
      {.channel_id = id, .version = 3, .allocation = {{{.asset = "native", .balances = {0, 0}}}}},
      {}};
  Hash32 hash = ledger_->scheme().StateHash(state.state);
  state.sigs = {ledger_->scheme().Sign(alice_, hash), ledger_->scheme().Sign(bob_, hash)};
  ASSERT_OK(ledger_->Register(params_, state));  // while the subscriber is cut off
  grpc::ServerBuilder builder;
  builder.AddListeningPort(address_, grpc::InsecureServerCredentials());
  builder.RegisterService(service_.get());
  server_ = builder.BuildAndStart();
  ASSERT_NE(server_, nullptr);
  std::unique_lock lock(mutex);
  ASSERT_TRUE(arrived.wait_for(lock, std::chrono::seconds(15), [&] {
    return !events.empty() && events.back().kind == EventKind::kRegistered;
  }));
  EXPECT_EQ(events.back().version, 3u);
}

TEST_F(DevchainTest, AnUnreachableDevchainIsAnIoErrorNamingIt) {
  RemoteSimLedger nowhere("127.0.0.1:1", alice_, std::chrono::milliseconds(500));
  Status s = nowhere.Conclude(params_);
  EXPECT_EQ(s.code(), StatusCode::kIoError) << s.ToString();
  EXPECT_NE(s.message().find("127.0.0.1:1"), std::string::npos);
  EXPECT_EQ(nowhere.Now(), 0u);
}

}  // namespace
}  // namespace parley::settlement
