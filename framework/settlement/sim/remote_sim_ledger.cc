#include "parley/settlement/remote_sim_ledger.h"

#include <grpcpp/grpcpp.h>

#include <atomic>

#include "parley/crypto/schnorr.h"
#include "parley/settlement/remote_events.h"
#include "parley/settlement/sim_ledger.h"
#include "parley/v1/ledger.grpc.pb.h"
#include "parley/wire/grpc_common.h"

namespace parley::settlement {

using channel::Amount;
using wire::AmountFromBytes;
using wire::AmountToBytes;
using wire::ToBytes;

namespace {

std::string KeyBytes(const crypto::PublicKey& key) {
  return {key.bytes().begin(), key.bytes().end()};
}
std::string IdBytes(const channel::ChannelId& id) { return {id.begin(), id.end()}; }

}  // namespace

class RemoteSimLedger::Impl {
 public:
  Impl(const std::string& address, crypto::PrivateKey account,
       std::chrono::milliseconds call_timeout)
      : address_(address),
        account_(std::move(account)),
        timeout_(call_timeout),
        stub_(
            v1::Ledger::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()))),
        subscriptions_(
            {.service = "devchain at " + address, .timeout = call_timeout, .max_retry = kMaxRetry},
            [this](grpc::ClientContext* context, const v1::SubscribeRequest& request) {
              return stub_->Subscribe(context, request);
            },
            [this](const channel::ChannelId& channel) { return GetDispute(channel); }) {}

  // Calls `method` with a deadline and turns the outcome into a Status.
  template <typename Request, typename Reply, typename Method>
  Status Call(Method method, const Request& request, Reply* reply, const char* what) const {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + timeout_);
    return wire::FromGrpc((stub_.get()->*method)(&context, request, reply),
                          std::string(what) + " on the devchain at " + address_);
  }

  Status Deposit(const channel::Params& params, channel::ParticipantIndex participant,
                 const std::string& asset, const Amount& amount) {
    // The request names a total, and a total already reached is a harmless
    // replay to the devchain; a deposit of nothing is refused here, as the
    // local ledger refuses it.
    if (amount == 0) return Status::InvalidArgument("a deposit of 0 " + asset + " moves nothing");
    PARLEY_ASSIGN_OR_RETURN(auto deposits, Deposits(params, asset));
    if (participant >= deposits.size()) {
      return Status::InvalidArgument("the channel has no participant " +
                                     std::to_string(participant));
    }
    PARLEY_ASSIGN_OR_RETURN(Amount total, channel::CheckedAdd(deposits[participant], amount));
    channel::Bip340Scheme scheme;
    Hash32 digest = DepositDigest(scheme.ComputeChannelId(params), participant, asset, total);
    crypto::Signature sig = crypto::SchnorrSign(account_, digest);
    v1::DepositRequest request;
    request.set_params(ToBytes(params));
    request.set_participant(participant);
    request.set_asset(asset);
    request.set_total(AmountToBytes(total));
    request.set_account(KeyBytes(account_.public_key()));
    request.set_signature(std::string(sig.begin(), sig.end()));
    v1::LedgerReply reply;
    return Call(&v1::Ledger::Stub::Deposit, request, &reply, "deposit");
  }

  Result<std::vector<Amount>> Deposits(const channel::Params& params,
                                       const std::string& asset) const {
    v1::GetDepositsRequest request;
    request.set_params(ToBytes(params));
    request.set_asset(asset);
    v1::GetDepositsReply reply;
    PARLEY_RETURN_IF_ERROR(Call(&v1::Ledger::Stub::GetDeposits, request, &reply, "deposits"));
    std::vector<Amount> out;
    for (const auto& bytes : reply.amounts()) {
      PARLEY_ASSIGN_OR_RETURN(Amount a, AmountFromBytes(bytes));
      out.push_back(a);
    }
    return out;
  }

  Result<Dispute> GetDispute(const channel::ChannelId& channel) const {
    v1::GetDisputeRequest request;
    request.set_channel_id(IdBytes(channel));
    v1::GetDisputeReply reply;
    PARLEY_RETURN_IF_ERROR(Call(&v1::Ledger::Stub::GetDispute, request, &reply, "dispute"));
    return DisputeFromProto(reply);
  }

  uint64_t Subscribe(const channel::ChannelId& channel, Handler handler) {
    return subscriptions_.Subscribe(channel, std::move(handler));
  }
  void Unsubscribe(uint64_t id) { subscriptions_.Unsubscribe(id); }

  Tick Now() const {
    v1::NowReply reply;
    if (Call(&v1::Ledger::Stub::Now, v1::NowRequest(), &reply, "now").ok()) {
      last_tick_ = reply.tick();
    }
    return last_tick_;
  }

 private:
  // How long a lost devchain is left between two attempts to subscribe.
  static constexpr std::chrono::milliseconds kMaxRetry{5000};

  const std::string address_;
  const crypto::PrivateKey account_;
  const std::chrono::milliseconds timeout_;
  std::unique_ptr<v1::Ledger::Stub> stub_;
  mutable std::atomic<Tick> last_tick_{0};
  RemoteSubscriptions subscriptions_;  // after stub_, which it uses
};

RemoteSimLedger::RemoteSimLedger(const std::string& address, crypto::PrivateKey account,
                                 std::chrono::milliseconds call_timeout)
    : impl_(std::make_unique<Impl>(address, std::move(account), call_timeout)) {}
RemoteSimLedger::~RemoteSimLedger() = default;

Status RemoteSimLedger::Deposit(const channel::Params& params,
                                channel::ParticipantIndex participant, const std::string& asset,
                                const Amount& amount) {
  return impl_->Deposit(params, participant, asset, amount);
}

Result<std::vector<Amount>> RemoteSimLedger::Deposits(const channel::Params& params,
                                                      const std::string& asset) const {
  return impl_->Deposits(params, asset);
}

Status RemoteSimLedger::Register(const channel::Params& params, const channel::SignedState& state) {
  v1::RegisterRequest request;
  request.set_params(ToBytes(params));
  request.set_signed_state(ToBytes(state));
  v1::LedgerReply reply;
  return impl_->Call(&v1::Ledger::Stub::Register, request, &reply, "register");
}

Status RemoteSimLedger::Progress(const channel::Params& params, const channel::SignedState& to,
                                 channel::ParticipantIndex actor) {
  v1::ProgressRequest request;
  request.set_params(ToBytes(params));
  request.set_signed_state(ToBytes(to));
  request.set_actor(actor);
  v1::LedgerReply reply;
  return impl_->Call(&v1::Ledger::Stub::Progress, request, &reply, "progress");
}

Status RemoteSimLedger::Conclude(const channel::Params& params) {
  v1::ConcludeRequest request;
  request.set_params(ToBytes(params));
  v1::LedgerReply reply;
  return impl_->Call(&v1::Ledger::Stub::Conclude, request, &reply, "conclude");
}

Status RemoteSimLedger::Withdraw(const channel::Params& params,
                                 channel::ParticipantIndex participant) {
  v1::WithdrawRequest request;
  request.set_params(ToBytes(params));
  request.set_participant(participant);
  v1::LedgerReply reply;
  return impl_->Call(&v1::Ledger::Stub::Withdraw, request, &reply, "withdraw");
}

Result<Dispute> RemoteSimLedger::GetDispute(const channel::ChannelId& channel) const {
  return impl_->GetDispute(channel);
}

uint64_t RemoteSimLedger::Subscribe(const channel::ChannelId& channel, Handler handler) {
  return impl_->Subscribe(channel, std::move(handler));
}

void RemoteSimLedger::Unsubscribe(uint64_t subscription) { impl_->Unsubscribe(subscription); }

Tick RemoteSimLedger::Now() const { return impl_->Now(); }

Status RemoteSimLedger::Mint(const crypto::PublicKey& account, const std::string& asset,
                             const Amount& amount) {
  v1::MintRequest request;
  request.set_account(KeyBytes(account));
  request.set_asset(asset);
  request.set_amount(AmountToBytes(amount));
  v1::LedgerReply reply;
  return impl_->Call(&v1::Ledger::Stub::Mint, request, &reply, "mint");
}

Status RemoteSimLedger::Advance(Tick ticks) {
  v1::AdvanceRequest request;
  request.set_ticks(ticks);
  v1::LedgerReply reply;
  return impl_->Call(&v1::Ledger::Stub::Advance, request, &reply, "advance");
}

Result<Amount> RemoteSimLedger::Balance(const crypto::PublicKey& account,
                                        const std::string& asset) const {
  v1::GetBalanceRequest request;
  request.set_account(KeyBytes(account));
  request.set_asset(asset);
  v1::GetBalanceReply reply;
  PARLEY_RETURN_IF_ERROR(impl_->Call(&v1::Ledger::Stub::GetBalance, request, &reply, "balance"));
  return AmountFromBytes(reply.amount());
}

Result<crypto::OutPoint> RemoteSimLedger::Fund(ByteView script_pubkey, int64_t sats) {
  v1::FundRequest request;
  request.set_script_pubkey(std::string(script_pubkey.begin(), script_pubkey.end()));
  request.set_sats(sats);
  v1::FundReply reply;
  PARLEY_RETURN_IF_ERROR(impl_->Call(&v1::Ledger::Stub::Fund, request, &reply, "fund"));
  PARLEY_ASSIGN_OR_RETURN(Hash32 txid,
                          wire::Hash32FromBytes(reply.outpoint().txid(), "the funding txid"));
  return crypto::OutPoint{.txid = txid, .index = reply.outpoint().index()};
}

Result<Hash32> RemoteSimLedger::BroadcastTransaction(const crypto::Transaction& tx) {
  v1::BroadcastTransactionRequest request;
  Bytes encoded = crypto::Serialize(tx);
  request.set_transaction(std::string(encoded.begin(), encoded.end()));
  v1::BroadcastTransactionReply reply;
  PARLEY_RETURN_IF_ERROR(impl_->Call(&v1::Ledger::Stub::BroadcastTransaction, request, &reply,
                                     "broadcast transaction"));
  return wire::Hash32FromBytes(reply.txid(), "the broadcast txid");
}

Result<Utxo> RemoteSimLedger::GetUtxo(const crypto::OutPoint& outpoint) const {
  v1::GetUtxoRequest request;
  request.mutable_outpoint()->set_txid(IdBytes(outpoint.txid));
  request.mutable_outpoint()->set_index(outpoint.index);
  v1::GetUtxoReply reply;
  PARLEY_RETURN_IF_ERROR(impl_->Call(&v1::Ledger::Stub::GetUtxo, request, &reply, "get utxo"));
  return Utxo{.output = {.amount_sats = reply.sats(),
                         .script_pubkey =
                             Bytes(reply.script_pubkey().begin(), reply.script_pubkey().end())},
              .height = reply.height()};
}

}  // namespace parley::settlement
