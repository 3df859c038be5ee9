#include "parley/settlement/evm/evm_client.h"

#include "contract_abi.h"
#include "log_poller.h"
#include "parley/settlement/evm/abi.h"

namespace parley::settlement::evm {

using abi::Type;
using abi::Value;
using channel::Amount;
using channel::ParticipantIndex;

namespace {

Result<Bytes> Encode(const std::string& signature, const std::vector<Value>& args) {
  auto call = abi::EncodeCall(signature, args);
  if (!call.ok()) return Status::Internal("encoding " + signature + ": " + call.status().message());
  return call;
}

// Params the contract can take: well formed, and of this backend.
Status CheckParams(const channel::Params& params) {
  PARLEY_RETURN_IF_ERROR(channel::ValidateParams(params));
  return CheckExpressible(params);
}

Status CheckAssetName(const std::string& asset) {
  if (asset.size() > channel::kMaxNameLength) {
    return Status::InvalidArgument("the asset name '" + asset.substr(0, 16) + "...' has " +
                                   std::to_string(asset.size()) +
                                   " bytes; the limit (channel::kMaxNameLength) is " +
                                   std::to_string(channel::kMaxNameLength));
  }
  return AssetAddress(asset).status();
}

}  // namespace

class EvmClient::Impl {
 public:
  Impl(const EthClient& chain, const crypto::EthAddress& adjudicator, crypto::PrivateKey key,
       uint64_t chain_id, const EvmClientOptions& options)
      : chain_(chain),
        adjudicator_(adjudicator),
        scheme_(chain_id, adjudicator),
        sender_(chain, std::move(key), chain_id, options.tx),
        poller_(chain, adjudicator, options.tx.confirmations, options.poll_interval,
                options.event_cursor) {}

  Status Deposit(const channel::Params& params, ParticipantIndex participant,
                 const std::string& asset, const Amount& amount) {
    PARLEY_RETURN_IF_ERROR(CheckParams(params));
    PARLEY_RETURN_IF_ERROR(CheckAssetName(asset));
    PARLEY_ASSIGN_OR_RETURN(crypto::EthAddress token, AssetAddress(asset));
    if (amount == 0) return Status::InvalidArgument("a deposit of 0 " + asset + " moves nothing");
    bool ether = asset == kEtherAsset;
    if (!ether) {
      PARLEY_ASSIGN_OR_RETURN(Amount balance, TokenBalance(token, sender_.address()));
      if (balance < amount) {
        return Status::FailedPrecondition("account " + crypto::AddressToHex(sender_.address()) +
                                          " holds " + channel::ToString(balance) + " " + asset +
                                          ", not the " + channel::ToString(amount) + " to deposit");
      }
      PARLEY_ASSIGN_OR_RETURN(Bytes approve, Encode(contract::kApprove, {adjudicator_, amount}));
      PARLEY_RETURN_IF_ERROR(sender_.Send(token, approve).status());
    }
    PARLEY_ASSIGN_OR_RETURN(
        Bytes call, Encode(contract::Deposit(), {ParamsValue(params), participant, token, amount}));
    return sender_.Send(adjudicator_, call, ether ? amount : Amount(0)).status();
  }

  Result<std::vector<Amount>> Deposits(const channel::Params& params,
                                       const std::string& asset) const {
    PARLEY_RETURN_IF_ERROR(CheckParams(params));
    PARLEY_RETURN_IF_ERROR(CheckAssetName(asset));
    PARLEY_ASSIGN_OR_RETURN(crypto::EthAddress token, AssetAddress(asset));
    PARLEY_ASSIGN_OR_RETURN(Bytes call, Encode(contract::Deposits(), {ParamsValue(params), token}));
    PARLEY_ASSIGN_OR_RETURN(Bytes reply, sender_.Call(adjudicator_, call));
    PARLEY_ASSIGN_OR_RETURN(auto values, abi::Decode({Type::Array(Type::Uint(256))}, reply));
    std::vector<Amount> out;
    for (const Value& v : std::get<Value::List>(values[0].data)) {
      out.push_back(std::get<Amount>(v.data));
    }
    return out;
  }

  Status Register(const channel::Params& params, const channel::SignedState& signed_state) {
    PARLEY_RETURN_IF_ERROR(CheckParams(params));
    PARLEY_ASSIGN_OR_RETURN(Value state, StateValue(signed_state.state));
    std::vector<channel::Signature> sigs;
    for (size_t i = 0; i < signed_state.sigs.size(); ++i) {
      if (!signed_state.sigs[i]) {
        return Status::PermissionDenied("the signature of participant " + std::to_string(i) +
                                        " is missing");
      }
      sigs.push_back(*signed_state.sigs[i]);
    }
    PARLEY_ASSIGN_OR_RETURN(Bytes call, Encode(contract::Register(), {ParamsValue(params), state,
                                                                      SignaturesValue(sigs)}));
    return sender_.Send(adjudicator_, call).status();
  }

  Status Progress(const channel::Params& params, const channel::SignedState& to,
                  ParticipantIndex actor) {
    PARLEY_RETURN_IF_ERROR(CheckParams(params));
    if (actor >= params.participants.size()) {
      return Status::PermissionDenied("participant " + std::to_string(actor) + " does not exist");
    }
    if (to.sigs.size() != params.participants.size() || !to.sigs[actor]) {
      return Status::PermissionDenied("the mover's signature on version " +
                                      std::to_string(to.state.version) + " is missing");
    }
    PARLEY_ASSIGN_OR_RETURN(Value to_value, StateValue(to.state));
    // The contract checks `from` against the registered state; with nothing
    // registered it says so, whatever `from` is.
    auto registered = GetDispute(scheme_.ComputeChannelId(params));
    if (!registered.ok() && registered.status().code() != StatusCode::kNotFound) {
      return registered.status();
    }
    Value from_value = to_value;
    if (registered.ok()) {
      PARLEY_ASSIGN_OR_RETURN(from_value, StateValue(registered->state.state));
    }
    PARLEY_ASSIGN_OR_RETURN(
        Bytes call, Encode(contract::Progress(), {ParamsValue(params), from_value, to_value, actor,
                                                  Bytes(*to.sigs[actor])}));
    return sender_.Send(adjudicator_, call).status();
  }

  Status Conclude(const channel::Params& params) {
    PARLEY_RETURN_IF_ERROR(CheckParams(params));
    channel::ChannelId id = scheme_.ComputeChannelId(params);
    auto registered = GetDispute(id);
    if (registered.status().code() == StatusCode::kNotFound) {
      return Status::FailedPrecondition("nothing is registered for channel " + ToHex(id) +
                                        "; register a state first");
    }
    PARLEY_RETURN_IF_ERROR(registered.status());
    PARLEY_ASSIGN_OR_RETURN(Value state, StateValue(registered->state.state));
    PARLEY_ASSIGN_OR_RETURN(Bytes call, Encode(contract::Conclude(), {ParamsValue(params), state}));
    return sender_.Send(adjudicator_, call).status();
  }

  Status Withdraw(const channel::Params& params, ParticipantIndex participant) {
    PARLEY_RETURN_IF_ERROR(CheckParams(params));
    PARLEY_ASSIGN_OR_RETURN(Bytes call,
                            Encode(contract::Withdraw(), {ParamsValue(params), participant}));
    return sender_.Send(adjudicator_, call).status();
  }

  Result<Dispute> GetDispute(const channel::ChannelId& channel) const {
    PARLEY_ASSIGN_OR_RETURN(Bytes call,
                            Encode(contract::kDispute, {Bytes(channel.begin(), channel.end())}));
    PARLEY_ASSIGN_OR_RETURN(Bytes reply, sender_.Call(adjudicator_, call));
    PARLEY_ASSIGN_OR_RETURN(auto values, abi::Decode({contract::DisputeType()}, reply));
    const auto& fields = std::get<Value::List>(values[0].data);
    const Bytes& state_hash = std::get<Bytes>(fields[0].data);
    if (std::all_of(state_hash.begin(), state_hash.end(), [](uint8_t b) { return b == 0; })) {
      return Status::NotFound("no dispute for channel " + ToHex(channel));
    }
    Dispute d;
    PARLEY_ASSIGN_OR_RETURN(d.state, RegisteredState(channel, state_hash));
    d.timeout = static_cast<Tick>(std::get<Amount>(fields[2].data));
    d.progressing = std::get<bool>(fields[3].data);
    d.concluded = std::get<bool>(fields[4].data);
    return d;
  }

  Tick Now() const {
    auto block = chain_.GetBlock(BlockTag::Latest());
    return block.ok() ? block->timestamp : 0;
  }

  Result<Amount> TokenBalance(const crypto::EthAddress& token,
                              const crypto::EthAddress& account) const {
    PARLEY_ASSIGN_OR_RETURN(Bytes call, Encode(contract::kBalanceOf, {account}));
    PARLEY_ASSIGN_OR_RETURN(Bytes reply, sender_.Call(token, call));
    PARLEY_ASSIGN_OR_RETURN(auto values, abi::Decode({Type::Uint(256)}, reply));
    return std::get<Amount>(values[0].data);
  }

  const EvmScheme& scheme() const { return scheme_; }
  const crypto::EthAddress& address() const { return sender_.address(); }
  LogPoller& poller() { return poller_; }

 private:
  // The registered state whose hash the contract holds, from the newest
  // Registered or Progressed event of the channel.
  Result<channel::SignedState> RegisteredState(const channel::ChannelId& channel,
                                               const Bytes& state_hash) const {
    PARLEY_ASSIGN_OR_RETURN(
        std::vector<Log> logs,
        chain_.GetLogs({.addresses = {adjudicator_},
                        .topics = {{RegisteredTopic(), ProgressedTopic()}, {channel}}}));
    for (auto log = logs.rbegin(); log != logs.rend(); ++log) {
      auto state = DisputedStateOf(*log);
      if (!state.ok()) continue;
      Hash32 hash = scheme_.StateHash(state->state);
      if (std::equal(hash.begin(), hash.end(), state_hash.begin(), state_hash.end())) return state;
    }
    return Status::Internal("the chain holds a dispute of channel " + ToHex(channel) +
                            " but no event carries its state");
  }

  const EthClient& chain_;
  crypto::EthAddress adjudicator_;
  EvmScheme scheme_;
  mutable TxSender sender_;
  LogPoller poller_;
};

Result<std::unique_ptr<EvmClient>> EvmClient::Create(const EthClient& chain,
                                                     const crypto::EthAddress& adjudicator,
                                                     crypto::PrivateKey key,
                                                     EvmClientOptions options) {
  PARLEY_ASSIGN_OR_RETURN(uint64_t chain_id, chain.ChainId());
  PARLEY_ASSIGN_OR_RETURN(nlohmann::json code,
                          chain.Rpc("eth_getCode", {crypto::AddressToHex(adjudicator), "latest"}));
  if (!code.is_string() || code.get<std::string>().size() <= 2) {
    return Status::FailedPrecondition("no contract at " + crypto::AddressToHex(adjudicator) +
                                      " on " + chain.endpoint() +
                                      ": deploy the contracts first (parley evm deploy)");
  }
  return std::unique_ptr<EvmClient>(
      new EvmClient(std::make_unique<Impl>(chain, adjudicator, std::move(key), chain_id, options)));
}

EvmClient::EvmClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EvmClient::~EvmClient() = default;

const EvmScheme& EvmClient::scheme() const { return impl_->scheme(); }
const crypto::EthAddress& EvmClient::address() const { return impl_->address(); }

Status EvmClient::Deposit(const channel::Params& params, ParticipantIndex participant,
                          const std::string& asset, const Amount& amount) {
  return impl_->Deposit(params, participant, asset, amount);
}
Result<std::vector<Amount>> EvmClient::Deposits(const channel::Params& params,
                                                const std::string& asset) const {
  return impl_->Deposits(params, asset);
}
Status EvmClient::Register(const channel::Params& params, const channel::SignedState& state) {
  return impl_->Register(params, state);
}
Status EvmClient::Progress(const channel::Params& params, const channel::SignedState& to,
                           ParticipantIndex actor) {
  return impl_->Progress(params, to, actor);
}
Status EvmClient::Conclude(const channel::Params& params) { return impl_->Conclude(params); }
Status EvmClient::Withdraw(const channel::Params& params, ParticipantIndex participant) {
  return impl_->Withdraw(params, participant);
}
Result<Dispute> EvmClient::GetDispute(const channel::ChannelId& channel) const {
  return impl_->GetDispute(channel);
}
uint64_t EvmClient::Subscribe(const channel::ChannelId& channel, Handler handler) {
  return impl_->poller().Subscribe(channel, std::move(handler));
}
void EvmClient::Unsubscribe(uint64_t subscription) { impl_->poller().Unsubscribe(subscription); }
Tick EvmClient::Now() const { return impl_->Now(); }

}  // namespace parley::settlement::evm
