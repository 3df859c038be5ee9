// The statechain backends of the settlement conformance suite. Funding a
// channel opens it on a fresh coin of the channel's total: the coin's owner
// share is split between the two participants, and the operator hands out
// its split nonces for the first versions, as at a real opening. A
// participant's payouts go to P2TR of its channel key, so Balance is what
// the fake ledger holds there.
//
// "Statechain" talks to the OperatorAdjudicator in process, on coins it
// does not hold. "RemoteStatechain" runs the operator's gRPC services on
// loopback: each coin is deposited at the Operator, the owner opens the
// channel on it (the coin goes into the "in channel" status), and every
// participant reaches the operator through its own RemoteOperatorAdjudicator.
#include "conformance/statechain_backend.h"

#include <grpcpp/grpcpp.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "parley/channel/scheme.h"
#include "parley/crypto/multi_party_schnorr.h"
#include "parley/rpc/statechain_channel_service.h"
#include "parley/rpc/statechain_service.h"
#include "parley/settlement/forwarding_adjudicator.h"
#include "parley/settlement/statechain/channel_split.h"
#include "parley/settlement/statechain/operator.h"
#include "parley/settlement/statechain/operator_adjudicator.h"
#include "parley/settlement/statechain/operator_channels.h"
#include "parley/settlement/statechain/remote_operator.h"
#include "parley/settlement/statechain/remote_operator_adjudicator.h"
#include "parley/store/store.h"
#include "statechain/coin_channel.h"
#include "statechain/fake_ledger.h"

namespace parley::settlement::conformance {
namespace {

namespace mp = crypto::multi_party;
using channel::Amount;
using statechain::ChannelAdjudicator;
using statechain::OperatorAdjudicator;
using statechain::testing::CoinChannel;
using statechain::testing::OperatorCoin;

// Versions whose operator nonces the participants collect at opening: more
// than any test signs.
constexpr size_t kPrecommittedVersions = 32;
// The coin's statechain lock time, far beyond every dispute of the suite.
constexpr uint64_t kCoinLockDistance = 100'000;

class StatechainBackend;

// A participant's side of a channel on a coin, as the suite sees it: every
// call goes to the operator, but Withdraw of a participant first has the
// operator co-sign the concluded state's split with both participants'
// partial signatures, as a participant holding them would.
class ParticipantAdjudicator : public ForwardingAdjudicator<> {
 public:
  ParticipantAdjudicator(StatechainBackend& backend, ChannelAdjudicator& op)
      : ForwardingAdjudicator(op), backend_(backend), operator_(op) {}

  Status Withdraw(const channel::Params& params, channel::ParticipantIndex participant) override;

 private:
  StatechainBackend& backend_;
  ChannelAdjudicator& operator_;
};

class StatechainBackend : public SettlementBackend {
 public:
  std::string BackendName() const override { return "statechain"; }
  const channel::SignatureScheme& Scheme() const override { return scheme_; }
  std::vector<std::string> Assets() const override { return {"sats"}; }
  Adjudicator& AdjudicatorFor(const crypto::PrivateKey& key) override {
    auto& participant = participants_[key.public_key()];
    if (!participant)
      participant = std::make_unique<ParticipantAdjudicator>(*this, OperatorFor(key));
    return *participant;
  }
  Status FundChannel(const channel::Params& params, const std::vector<crypto::PrivateKey>& keys,
                     const std::vector<Amount>& amounts) override;
  Amount Balance(const crypto::PublicKey& account, const std::string& asset) const override {
    if (asset != Assets()[0]) return 0;
    const auto script = statechain::BackupScriptPubKey(account);
    return Amount(static_cast<uint64_t>(ledger_.SatsPaidTo(script)));
  }
  Status AdvanceTicks(Tick ticks) override {
    ledger_.Advance(ticks);
    return Status::Ok();
  }

  // Has the operator co-sign and broadcast the split of the channel's
  // concluded state, unless there is none or it is paid already.
  Status PayConcludedSplit(const channel::Params& params);

 protected:
  // The operator as participant `key` reaches it.
  virtual ChannelAdjudicator& OperatorFor(const crypto::PrivateKey& key) = 0;
  // A fresh coin of `sats` with the channel of `params` open on it.
  virtual Result<CoinChannel> OpenOnCoin(
      const channel::Params& params,
      const std::array<crypto::PrivateKey, statechain::kChannelParticipants>& keys,
      int64_t sats) = 0;

  channel::Bip340Scheme scheme_{"statechain"};
  statechain::testing::FakeLedger ledger_;
  std::unique_ptr<store::Store> store_ = store::NewMemoryStore();

 private:
  // What the participants of one channel hold.
  struct OpenedChannel {
    CoinChannel channel;
    ChannelAdjudicator* op = nullptr;              // participant 0's way to the operator
    std::vector<mp::PublicNonce> operator_nonces;  // by version
    bool paid = false;
  };

  std::map<crypto::PublicKey, std::unique_ptr<ParticipantAdjudicator>> participants_;
  std::map<channel::ChannelId, OpenedChannel> channels_;
};

Status ParticipantAdjudicator::Withdraw(const channel::Params& params,
                                        channel::ParticipantIndex participant) {
  if (participant < statechain::kChannelParticipants) {
    PARLEY_RETURN_IF_ERROR(backend_.PayConcludedSplit(params));
  }
  return operator_.Withdraw(params, participant);
}

Status StatechainBackend::FundChannel(const channel::Params& params,
                                      const std::vector<crypto::PrivateKey>& keys,
                                      const std::vector<Amount>& amounts) {
  if (keys.size() != statechain::kChannelParticipants || amounts.size() != keys.size()) {
    return Status::InvalidArgument("a channel on a coin has two participants");
  }
  const Amount total = amounts[0] + amounts[1];
  if (total == 0 || total > Amount(crypto::kMaxMoney)) {
    return Status::InvalidArgument("a coin holds 1 to 21e14 sats");
  }
  PARLEY_ASSIGN_OR_RETURN(CoinChannel ch,
                          OpenOnCoin(params, {keys[0], keys[1]}, static_cast<int64_t>(total)));
  ChannelAdjudicator& op = OperatorFor(keys[0]);
  PARLEY_ASSIGN_OR_RETURN(std::vector<mp::PublicNonce> nonces,
                          op.SplitNonces(ch.id, 0, kPrecommittedVersions));
  channels_.insert_or_assign(
      ch.id,
      OpenedChannel{.channel = std::move(ch), .op = &op, .operator_nonces = std::move(nonces)});
  return Status::Ok();
}

Status StatechainBackend::PayConcludedSplit(const channel::Params& params) {
  const channel::ChannelId id = scheme_.ComputeChannelId(params);
  auto it = channels_.find(id);
  if (it == channels_.end() || it->second.paid) return Status::Ok();
  OpenedChannel& opened = it->second;
  Result<Dispute> dispute = opened.op->GetDispute(id);
  if (!dispute.ok() || !dispute->concluded) {
    return Status::Ok();  // nothing to co-sign: the operator's Withdraw says why
  }
  const channel::State& state = dispute->state.state;
  if (state.version >= opened.operator_nonces.size()) {
    return Status::OutOfRange("no operator nonce was collected for version " +
                              std::to_string(state.version));
  }
  PARLEY_ASSIGN_OR_RETURN(crypto::Transaction split,
                          statechain::BuildSplit(opened.channel.opening.coin, state, 0));
  PARLEY_ASSIGN_OR_RETURN(statechain::SplitSignatures signatures,
                          opened.channel.SignSplit(state, opened.operator_nonces[state.version]));
  PARLEY_RETURN_IF_ERROR(opened.op->CoSignSplit(params, split, signatures).status());
  opened.paid = true;
  return Status::Ok();
}

// The OperatorAdjudicator in process, on coins it does not hold.
class LocalStatechainBackend : public StatechainBackend {
 public:
  LocalStatechainBackend() : operator_(*store_, ledger_, scheme_) {}

 protected:
  ChannelAdjudicator& OperatorFor(const crypto::PrivateKey&) override { return operator_; }
  Result<CoinChannel> OpenOnCoin(
      const channel::Params& params,
      const std::array<crypto::PrivateKey, statechain::kChannelParticipants>& keys,
      int64_t sats) override {
    PARLEY_ASSIGN_OR_RETURN(
        CoinChannel ch,
        CoinChannel::Create(
            ledger_, scheme_, params, keys, sats,
            {.coin_lock_time = static_cast<uint32_t>(ledger_.Height() + kCoinLockDistance)}));
    PARLEY_RETURN_IF_ERROR(operator_.OpenChannel(params, ch.opening, *ch.operator_share));
    return ch;
  }

 private:
  OperatorAdjudicator operator_;
};

// The operator's services on loopback, reached over gRPC.
class RemoteStatechainBackend : public StatechainBackend {
 public:
  RemoteStatechainBackend()
      : coins_(*store_, ledger_,
               {.protocol = {.initlock = static_cast<uint32_t>(kCoinLockDistance)}}),
        adjudicator_(*store_, ledger_, scheme_),
        channels_(coins_, adjudicator_),
        coin_service_(coins_),
        channel_service_(channels_) {}
  ~RemoteStatechainBackend() override {
    clients_.clear();  // their subscriptions end before the server
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  }

  Status Init() {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&coin_service_);
    builder.RegisterService(&channel_service_);
    server_ = builder.BuildAndStart();
    if (!server_ || port == 0) return Status::IoError("cannot start the statechain operator");
    address_ = "127.0.0.1:" + std::to_string(port);
    owner_client_ = std::make_unique<statechain::RemoteOperator>(address_);
    return Status::Ok();
  }

 protected:
  ChannelAdjudicator& OperatorFor(const crypto::PrivateKey& key) override {
    auto& client = clients_[key.public_key()];
    if (!client) {
      client = std::make_unique<statechain::RemoteOperatorAdjudicator>(address_, key);
    }
    return *client;
  }
  Result<CoinChannel> OpenOnCoin(
      const channel::Params& params,
      const std::array<crypto::PrivateKey, statechain::kChannelParticipants>& keys,
      int64_t sats) override {
    PARLEY_ASSIGN_OR_RETURN(OperatorCoin coin, OperatorCoin::Deposit(*owner_client_));
    PARLEY_ASSIGN_OR_RETURN(
        CoinChannel ch,
        CoinChannel::OnCoin(ledger_, scheme_, params, keys, coin.owner_share, coin.operator_share,
                            sats, {.coin_lock_time = coin.lock_time}));
    PARLEY_ASSIGN_OR_RETURN(statechain::OpenChannelRequest request,
                            coin.OpenRequest(*owner_client_, ch));
    auto& opener = static_cast<statechain::RemoteOperatorAdjudicator&>(OperatorFor(keys[0]));
    PARLEY_RETURN_IF_ERROR(opener.OpenChannel(request));
    return ch;
  }

 private:
  statechain::Operator coins_;
  OperatorAdjudicator adjudicator_;
  statechain::OperatorChannels channels_;
  rpc::StatechainService coin_service_;
  rpc::StatechainChannelService channel_service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  std::unique_ptr<statechain::RemoteOperator> owner_client_;
  std::map<crypto::PublicKey, std::unique_ptr<statechain::RemoteOperatorAdjudicator>> clients_;
};

}  // namespace

std::unique_ptr<SettlementBackend> MakeStatechain() {
  return std::make_unique<LocalStatechainBackend>();
}

std::unique_ptr<SettlementBackend> MakeRemoteStatechain() {
  auto backend = std::make_unique<RemoteStatechainBackend>();
  Status s = backend->Init();
  EXPECT_TRUE(s.ok()) << "remote statechain backend: " << s.ToString();
  if (!s.ok()) return nullptr;
  return backend;
}

}  // namespace parley::settlement::conformance
