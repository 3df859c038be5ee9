// A channel on a coin of parley-statechain's services, over gRPC on
// loopback: the operator (Operator, OperatorAdjudicator, OperatorChannels
// in a RocksDB store) behind its two gRPC services, and the participants'
// RemoteOperatorAdjudicators. A restart of the operator mid-dispute loses
// nothing; the calls that need a participant's authentication refuse
// anyone else; malformed requests are INVALID_ARGUMENT and change nothing.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "parley/crypto/random.h"
#include "parley/rpc/statechain_channel_service.h"
#include "parley/rpc/statechain_service.h"
#include "parley/settlement/statechain/operator.h"
#include "parley/settlement/statechain/operator_adjudicator.h"
#include "parley/settlement/statechain/operator_channels.h"
#include "parley/settlement/statechain/remote_operator.h"
#include "parley/settlement/statechain/remote_operator_adjudicator.h"
#include "parley/store/store.h"
#include "parley/v1/statechain_channel.grpc.pb.h"
#include "payment/payment_app.h"
#include "statechain/coin_channel.h"
#include "statechain/fake_ledger.h"
#include "testing/free_port.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace parley::settlement::statechain {
namespace {

namespace mp = crypto::multi_party;
using testing::CoinChannel;
using testing::OperatorCoin;

constexpr int64_t kCoin = 100'000;
constexpr uint64_t kDuration = 20;

// parley-statechain's pieces, as statechaind wires them.
struct OperatorProcess {
  OperatorProcess(const std::string& dir, testing::FakeLedger& ledger, int port)
      : store(store::OpenRocksDb(dir).value()),
        coins(*store, ledger),
        adjudicator(*store, ledger, scheme),
        channels(coins, adjudicator),
        coin_service(coins),
        channel_service(channels) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:" + std::to_string(port),
                             grpc::InsecureServerCredentials());
    builder.RegisterService(&coin_service);
    builder.RegisterService(&channel_service);
    server = builder.BuildAndStart();
  }
  ~OperatorProcess() {
    if (server) server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  }

  channel::Bip340Scheme scheme{"statechain"};
  std::unique_ptr<store::Store> store;
  Operator coins;
  OperatorAdjudicator adjudicator;
  OperatorChannels channels;
  rpc::StatechainService coin_service;
  rpc::StatechainChannelService channel_service;
  std::unique_ptr<grpc::Server> server;
};

// The events a subscription saw.
struct Events {
  std::mutex mutex;
  std::condition_variable arrived;
  std::vector<Event> seen;

  void Add(const Event& e) {
    std::lock_guard lock(mutex);
    seen.push_back(e);
    arrived.notify_all();
  }
  bool WaitFor(EventKind kind, uint64_t version) {
    std::unique_lock lock(mutex);
    return arrived.wait_for(lock, std::chrono::seconds(10), [&] {
      for (const Event& e : seen) {
        if (e.kind == kind && e.version == version) return true;
      }
      return false;
    });
  }
};

class RemoteChannelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Start();
    owner_ = std::make_unique<RemoteOperator>(address_);
    coin_.emplace(OperatorCoin::Deposit(*owner_).value());
    const channel::Params params{.participants = {keys_[0].public_key(), keys_[1].public_key()},
                                 .nonce = crypto::RandomHash32(),
                                 .challenge_duration = kDuration,
                                 .app = apps::PaymentApp::kId,
                                 .backend = "statechain"};
    ch_.emplace(CoinChannel::OnCoin(ledger_, scheme_, params, keys_, coin_->owner_share,
                                    coin_->operator_share, kCoin,
                                    {.coin_lock_time = coin_->lock_time})
                    .value());
    alice_ = std::make_unique<RemoteOperatorAdjudicator>(address_, keys_[0]);
    bob_ = std::make_unique<RemoteOperatorAdjudicator>(address_, keys_[1]);
  }
  void TearDown() override {
    alice_.reset();
    bob_.reset();
    process_.reset();
  }

  void Start() {
    process_ =
        std::make_unique<OperatorProcess>((dir_.path() / "operator").string(), ledger_, port_);
    ASSERT_NE(process_->server, nullptr);
  }

  Status Open() { return alice_->OpenChannel(coin_->OpenRequest(*owner_, *ch_).value()); }

  TempDir dir_{"parley-remote-channel-"};
  int port_ = testing_support::FreePort();
  std::string address_ = "127.0.0.1:" + std::to_string(port_);
  channel::Bip340Scheme scheme_{"statechain"};
  testing::FakeLedger ledger_;
  std::unique_ptr<OperatorProcess> process_;
  std::array<crypto::PrivateKey, kChannelParticipants> keys_ = {crypto::PrivateKey::Generate(),
                                                                crypto::PrivateKey::Generate()};
  std::unique_ptr<RemoteOperator> owner_;
  std::optional<OperatorCoin> coin_;
  std::optional<CoinChannel> ch_;
  std::unique_ptr<RemoteOperatorAdjudicator> alice_;
  std::unique_ptr<RemoteOperatorAdjudicator> bob_;
};

TEST_F(RemoteChannelTest, ARestartMidDisputeStillConcludesAndPays) {
  ASSERT_OK(Open());
  Result<std::vector<mp::PublicNonce>> nonces = alice_->SplitNonces(ch_->id, 0, 8);
  ASSERT_OK(nonces.status());
  Events events;
  const uint64_t subscription = bob_->Subscribe(ch_->id, [&](const Event& e) { events.Add(e); });

  // Alice registers a stale state; the operator restarts mid-dispute.
  ASSERT_OK(alice_->Register(ch_->params, ch_->SignBoth(ch_->Payment(3, 90'000))));
  EXPECT_TRUE(events.WaitFor(EventKind::kRegistered, 3));
  process_.reset();
  EXPECT_CODE(alice_->GetDispute(ch_->id).status(), StatusCode::kIoError);
  Start();
  Result<CoinInfo> in_channel = owner_->GetCoinInfo(coin_->coin_id);
  ASSERT_OK(in_channel.status());
  EXPECT_EQ(in_channel->status, CoinStatus::kInChannel);
  EXPECT_EQ(in_channel->channel_id, ch_->id);

  // The dispute is still there: Bob refutes, the timeout stays, it pays.
  Result<Dispute> dispute = bob_->GetDispute(ch_->id);
  ASSERT_OK(dispute.status());
  EXPECT_EQ(dispute->state.state.version, 3u);
  const channel::State latest = ch_->Payment(5, 25'000);
  ASSERT_OK(bob_->Register(ch_->params, ch_->SignBoth(latest)));
  EXPECT_EQ(bob_->GetDispute(ch_->id)->timeout, dispute->timeout);
  EXPECT_CODE(bob_->Conclude(ch_->params), StatusCode::kFailedPrecondition);
  ledger_.Advance(kDuration);
  ASSERT_OK(bob_->Conclude(ch_->params));
  EXPECT_TRUE(events.WaitFor(EventKind::kConcluded, 5));

  const crypto::Transaction split = BuildSplit(ch_->opening.coin, latest, 0).value();
  Result<SplitSignatures> signatures = ch_->SignSplit(latest, (*nonces)[5]);
  ASSERT_OK(signatures.status());
  Result<crypto::Transaction> paid = bob_->CoSignSplit(ch_->params, split, *signatures);
  ASSERT_OK(paid.status());
  EXPECT_EQ(crypto::Txid(*paid), crypto::Txid(split));
  EXPECT_EQ(ledger_.SatsPaidTo(ch_->opening.coin.payout_scripts[0]), 25'000);
  EXPECT_EQ(ledger_.SatsPaidTo(ch_->opening.coin.payout_scripts[1]), kCoin - 25'000);
  EXPECT_TRUE(events.WaitFor(EventKind::kWithdrawn, 5));
  ASSERT_OK(alice_->Withdraw(ch_->params, 0));
  ASSERT_OK(bob_->Withdraw(ch_->params, 1));
  EXPECT_CODE(bob_->Withdraw(ch_->params, 1), StatusCode::kFailedPrecondition);
  bob_->Unsubscribe(subscription);

  // The coin stayed in the channel across the restart until the split paid.
  Result<CoinInfo> info = owner_->GetCoinInfo(coin_->coin_id);
  ASSERT_OK(info.status());
  EXPECT_EQ(info->status, CoinStatus::kWithdrawn);
}

TEST_F(RemoteChannelTest, TheOwnerOpensAndOnlyParticipantsGetNoncesAndBackups) {
  // Opening: only by the coin's owner, over a fresh challenge.
  OpenChannelRequest request = coin_->OpenRequest(*owner_, *ch_).value();
  OpenChannelRequest forged = request;
  forged.auth = Authorize(keys_[0], owner_->NewChallenge().value(), AuthPayload(forged));
  EXPECT_CODE(alice_->OpenChannel(forged), StatusCode::kPermissionDenied);
  EXPECT_EQ(owner_->GetCoinInfo(coin_->coin_id)->status, CoinStatus::kActive);
  ASSERT_OK(alice_->OpenChannel(request));
  EXPECT_CODE(alice_->OpenChannel(request), StatusCode::kFailedPrecondition);

  // The coin's owner can no longer have the operator sign for the coin.
  NonceRequest nonce{.coin_id = coin_->coin_id};
  nonce.auth = Authorize(coin_->auth_key, owner_->NewChallenge().value(), AuthPayload(nonce));
  EXPECT_CODE(owner_->NonceCommit(nonce).status(), StatusCode::kFailedPrecondition);
  Result<CoinInfo> info = owner_->GetCoinInfo(coin_->coin_id);
  ASSERT_OK(info.status());
  EXPECT_EQ(info->status, CoinStatus::kInChannel);

  // Nonces and backups: the participants only.
  RemoteOperatorAdjudicator stranger(address_, crypto::PrivateKey::Generate());
  EXPECT_CODE(stranger.SplitNonces(ch_->id, 0, 4).status(), StatusCode::kPermissionDenied);
  EXPECT_CODE(stranger.BackupNonce(ch_->id).status(), StatusCode::kPermissionDenied);
  const channel::SignedState checkpoint = ch_->SignBoth(ch_->Payment(1, 50'000));
  const std::array<mp::PublicNonce, kChannelParticipants> participant_nonces = {
      crypto::two_party::NonceGen(ch_->shares[0], {})->public_nonce,
      crypto::two_party::NonceGen(ch_->shares[1], {})->public_nonce};
  const uint32_t lock_time = coin_->lock_time - 1;
  EXPECT_CODE(stranger.SignBackup(ch_->params, checkpoint, lock_time, participant_nonces).status(),
              StatusCode::kPermissionDenied);
  EXPECT_CODE(alice_->SplitNonces(crypto::RandomHash32(), 0, 4).status(), StatusCode::kNotFound);

  ASSERT_OK(alice_->SplitNonces(ch_->id, 0, 4).status());
  ASSERT_OK(bob_->BackupNonce(ch_->id).status());
  EXPECT_OK(bob_->SignBackup(ch_->params, checkpoint, lock_time, participant_nonces).status());
  EXPECT_CODE(alice_->Progress(ch_->params, checkpoint, 0), StatusCode::kFailedPrecondition);
}

TEST_F(RemoteChannelTest, MalformedRequestsAreInvalidArgumentAndChangeNothing) {
  ASSERT_OK(Open());
  auto stub = v1::StatechainChannel::NewStub(
      grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  auto call = [&](auto method, const auto& request, auto* reply) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    return ((*stub).*method)(&context, request, reply).error_code();
  };
  v1::CoinChannelNoncesReply nonces;
  v1::CoinChannelSplitNoncesRequest short_id;
  short_id.set_channel_id("abc");
  short_id.set_count(1);
  EXPECT_EQ(call(&v1::StatechainChannel::Stub::SplitNonces, short_id, &nonces),
            grpc::INVALID_ARGUMENT);
  v1::CoinChannelOpenRequest no_opening;
  no_opening.set_coin_id(std::string(coin_->coin_id.begin(), coin_->coin_id.end()));
  v1::CoinChannelReply open_reply;
  EXPECT_EQ(call(&v1::StatechainChannel::Stub::OpenChannel, no_opening, &open_reply),
            grpc::INVALID_ARGUMENT);
  v1::CoinChannelCoSignSplitRequest garbage;
  garbage.set_params("not params");
  garbage.set_split("not a transaction");
  v1::CoinChannelTransactionReply tx_reply;
  EXPECT_EQ(call(&v1::StatechainChannel::Stub::CoSignSplit, garbage, &tx_reply),
            grpc::INVALID_ARGUMENT);
  v1::RegisterRequest bad_state;
  bad_state.set_signed_state("nothing");
  v1::LedgerReply ledger_reply;
  EXPECT_EQ(call(&v1::StatechainChannel::Stub::Register, bad_state, &ledger_reply),
            grpc::INVALID_ARGUMENT);
  // A refusal of the operator keeps its kind over the wire.
  EXPECT_CODE(alice_->Conclude(ch_->params), StatusCode::kFailedPrecondition);

  EXPECT_CODE(alice_->GetDispute(ch_->id).status(), StatusCode::kNotFound);
  EXPECT_OK(alice_->SplitNonces(ch_->id, 0, 1).status());
}

}  // namespace
}  // namespace parley::settlement::statechain
