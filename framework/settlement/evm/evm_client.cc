#include "parley/settlement/evm/evm_client.h"

#include <spdlog/spdlog.h>

#include "contract_abi.h"
#include "dispute_reader.h"
#include "log_poller.h"
#include "parley/settlement/evm/abi.h"
#include "parley/settlement/evm/deployment.h"

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

// Every participant's signature of `state`, in order; PermissionDenied
// naming the first that is missing.
Result<std::vector<channel::Signature>> AllSignatures(const channel::SignedState& state) {
  std::vector<channel::Signature> sigs;
  for (size_t i = 0; i < state.sigs.size(); ++i) {
    if (!state.sigs[i]) {
      return Status::PermissionDenied("the signature of participant " + std::to_string(i) +
                                      " is missing");
    }
    sigs.push_back(*state.sigs[i]);
  }
  return sigs;
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
       uint64_t chain_id, uint64_t deployment_block, const EvmClientOptions& options)
      : chain_(chain),
        adjudicator_(adjudicator),
        scheme_(chain_id, adjudicator),
        disputes_(chain, adjudicator, scheme_, deployment_block),
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
    return SendSigned(contract::Register(), params, signed_state);
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
    return ConcludeRegistered(contract::Conclude(), params);
  }

  // Concludes and pays everyone in one transaction (concludeFinal with
  // nothing registered, concludeAndWithdrawAll with a registered state), or
  // withdraws `self`'s share of a concluded channel; true once `self` is
  // paid. False if the channel did not conclude so: it cannot yet, or a
  // transfer to another participant fails.
  Result<bool> PayAtOnce(const channel::Params& params, const channel::SignedState& latest,
                         ParticipantIndex self) {
    PARLEY_RETURN_IF_ERROR(CheckParams(params));
    if (self >= params.participants.size()) {
      return Status::InvalidArgument("the channel has no participant " + std::to_string(self));
    }
    channel::ChannelId id = scheme_.ComputeChannelId(params);
    PARLEY_ASSIGN_OR_RETURN(DisputeSlot slot, disputes_.Slot(id));
    if (!slot.concluded) {
      Status paid = slot.registered()
                        ? ConcludeRegistered(contract::ConcludeAndWithdrawAll(), params)
                        : SendSigned(contract::ConcludeFinal(), params, latest);
      if (paid.ok()) return true;
      PARLEY_ASSIGN_OR_RETURN(slot, disputes_.Slot(id));  // the peer's may have come first
      if (!slot.concluded) return false;
    }
    if (!slot.paid(self)) PARLEY_RETURN_IF_ERROR(Withdraw(params, self));
    return true;
  }

  Status Withdraw(const channel::Params& params, ParticipantIndex participant) {
    PARLEY_RETURN_IF_ERROR(CheckParams(params));
    PARLEY_ASSIGN_OR_RETURN(Bytes call,
                            Encode(contract::Withdraw(), {ParamsValue(params), participant}));
    return sender_.Send(adjudicator_, call).status();
  }

  Result<Dispute> GetDispute(const channel::ChannelId& channel) const {
    return disputes_.Read(channel);
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
  // Calls `signature`(params, state, sigs) with a fully signed state.
  Status SendSigned(const std::string& signature, const channel::Params& params,
                    const channel::SignedState& signed_state) {
    PARLEY_RETURN_IF_ERROR(CheckParams(params));
    PARLEY_ASSIGN_OR_RETURN(Value state, StateValue(signed_state.state));
    PARLEY_ASSIGN_OR_RETURN(std::vector<channel::Signature> sigs, AllSignatures(signed_state));
    PARLEY_ASSIGN_OR_RETURN(Bytes call,
                            Encode(signature, {ParamsValue(params), state, SignaturesValue(sigs)}));
    return sender_.Send(adjudicator_, call).status();
  }

  // Calls `signature`(params, the registered state).
  Status ConcludeRegistered(const std::string& signature, const channel::Params& params) {
    PARLEY_RETURN_IF_ERROR(CheckParams(params));
    channel::ChannelId id = scheme_.ComputeChannelId(params);
    auto registered = GetDispute(id);
    if (registered.status().code() == StatusCode::kNotFound) {
      return Status::FailedPrecondition("nothing is registered for channel " + ToHex(id) +
                                        "; register a state first");
    }
    PARLEY_RETURN_IF_ERROR(registered.status());
    PARLEY_ASSIGN_OR_RETURN(Value state, StateValue(registered->state.state));
    PARLEY_ASSIGN_OR_RETURN(Bytes call, Encode(signature, {ParamsValue(params), state}));
    return sender_.Send(adjudicator_, call).status();
  }

  const EthClient& chain_;
  crypto::EthAddress adjudicator_;
  EvmScheme scheme_;
  DisputeReader disputes_;
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
  auto deployed = FindDeploymentBlock(chain, adjudicator);
  if (!deployed.ok()) {
    spdlog::warn(
        "evm: cannot find the block the adjudicator was deployed in ({}); disputes are looked "
        "up from the chain's first block until each one's start is known",
        deployed.status().ToString());
  }
  uint64_t deployment_block = deployed.ok() ? *deployed : 0;
  return std::unique_ptr<EvmClient>(new EvmClient(std::make_unique<Impl>(
      chain, adjudicator, std::move(key), chain_id, deployment_block, options)));
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
Status EvmClient::ConcludeAndWithdraw(const channel::Params& params,
                                      const channel::SignedState& latest, ParticipantIndex self) {
  PARLEY_ASSIGN_OR_RETURN(bool paid, impl_->PayAtOnce(params, latest, self));
  if (paid) return Status::Ok();
  // The calls one by one say why the channel cannot conclude, or pay `self`
  // alone.
  return Adjudicator::ConcludeAndWithdraw(params, latest, self);
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
