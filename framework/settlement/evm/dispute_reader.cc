#include "dispute_reader.h"

#include <algorithm>

#include "contract_abi.h"
#include "log_poller.h"
#include "parley/crypto/hash.h"

namespace parley::settlement::evm {

using abi::Type;
using abi::Value;

namespace {

Hash32 ConcludedTopic() {
  static const Hash32 topic = crypto::Keccak256(AsBytes(contract::ConcludedEvent()));
  return topic;
}

// The signed state of a concludeFinal call's data: (Params, State, bytes[]).
Result<channel::SignedState> ConcludeFinalArguments(ByteView input) {
  static const auto selector = abi::Selector(contract::ConcludeFinal());
  if (input.size() < selector.size() ||
      !std::equal(selector.begin(), selector.end(), input.begin())) {
    return Status::InvalidArgument("the transaction is not a call of concludeFinal");
  }
  PARLEY_ASSIGN_OR_RETURN(auto values, abi::Decode({ParamsType(), StateType(), SignaturesType()},
                                                   input.subspan(selector.size())));
  channel::SignedState out;
  PARLEY_ASSIGN_OR_RETURN(out.state, StateFromValue(values[1]));
  PARLEY_ASSIGN_OR_RETURN(auto sigs, SignaturesFromValue(values[2]));
  for (auto& sig : sigs) out.sigs.push_back(std::move(sig));
  return out;
}

}  // namespace

DisputeReader::DisputeReader(const EthClient& chain, const crypto::EthAddress& adjudicator,
                             const EvmScheme& scheme, uint64_t deployment_block)
    : chain_(chain),
      adjudicator_(adjudicator),
      scheme_(scheme),
      deployment_block_(deployment_block) {}

uint64_t DisputeReader::ScanStart(const channel::ChannelId& channel) const {
  std::lock_guard lock(mutex_);
  auto found = dispute_start_.find(channel);
  return found != dispute_start_.end() ? found->second : deployment_block_;
}

Result<DisputeSlot> DisputeReader::Slot(const channel::ChannelId& channel) const {
  auto call = abi::EncodeCall(contract::kDispute, {Bytes(channel.begin(), channel.end())});
  if (!call.ok()) return Status::Internal("encoding dispute(bytes32): " + call.status().message());
  PARLEY_ASSIGN_OR_RETURN(Bytes reply, chain_.Call({.to = adjudicator_, .data = *call}));
  PARLEY_ASSIGN_OR_RETURN(auto values, abi::Decode({contract::DisputeType()}, reply));
  const auto& fields = std::get<Value::List>(values[0].data);
  DisputeSlot slot;
  const Bytes& hash = std::get<Bytes>(fields[0].data);
  std::copy(hash.begin(), hash.end(), slot.state_hash.begin());
  slot.version = static_cast<uint64_t>(std::get<channel::Amount>(fields[1].data));
  slot.timeout = static_cast<uint64_t>(std::get<channel::Amount>(fields[2].data));
  slot.progressing = std::get<bool>(fields[3].data);
  slot.concluded = std::get<bool>(fields[4].data);
  slot.withdrawn = static_cast<uint16_t>(std::get<channel::Amount>(fields[6].data));
  return slot;
}

Result<Dispute> DisputeReader::Read(const channel::ChannelId& channel) const {
  PARLEY_ASSIGN_OR_RETURN(DisputeSlot slot, Slot(channel));
  if (!slot.registered() && !slot.concluded) {
    return Status::NotFound("no dispute for channel " + ToHex(channel));
  }
  Dispute d{.timeout = static_cast<Tick>(slot.timeout),
            .progressing = slot.progressing,
            .concluded = slot.concluded};
  if (slot.registered()) {
    PARLEY_ASSIGN_OR_RETURN(d.state, RegisteredState(channel, slot.state_hash));
  } else {
    PARLEY_ASSIGN_OR_RETURN(d.state, ConcludedFinalState(channel));
  }
  return d;
}

Result<std::vector<Log>> DisputeReader::DisputeLogs(const channel::ChannelId& channel,
                                                    uint64_t from) const {
  return chain_.GetLogs({.addresses = {adjudicator_},
                         .topics = {{RegisteredTopic(), ProgressedTopic()}, {channel}},
                         .from_block = from});
}

Result<channel::SignedState> DisputeReader::RegisteredState(const channel::ChannelId& channel,
                                                            const Hash32& state_hash) const {
  const uint64_t start = ScanStart(channel);
  PARLEY_ASSIGN_OR_RETURN(std::vector<Log> logs, DisputeLogs(channel, start));
  auto carries_it = [&](const Log& log) {
    auto state = DisputedStateOf(log);
    return state.ok() && scheme_.StateHash(state->state) == state_hash;
  };
  auto newest = std::find_if(logs.rbegin(), logs.rend(), carries_it);
  if (newest == logs.rend() && start != deployment_block_) {
    // A reorganization moved the dispute's start to an earlier block.
    PARLEY_ASSIGN_OR_RETURN(logs, DisputeLogs(channel, deployment_block_));
    newest = std::find_if(logs.rbegin(), logs.rend(), carries_it);
  }
  if (newest == logs.rend()) {
    return Status::Internal("the chain holds a dispute of channel " + ToHex(channel) +
                            " but no event carries its state");
  }
  {
    // A channel has one dispute: its events all come at or after this one.
    std::lock_guard lock(mutex_);
    dispute_start_[channel] = logs.front().block_number;
  }
  return DisputedStateOf(*newest);
}

Result<channel::SignedState> DisputeReader::ConcludedFinalState(
    const channel::ChannelId& channel) const {
  PARLEY_ASSIGN_OR_RETURN(std::vector<Log> logs,
                          chain_.GetLogs({.addresses = {adjudicator_},
                                          .topics = {{ConcludedTopic()}, {channel}},
                                          .from_block = ScanStart(channel)}));
  if (logs.empty()) {
    return Status::Internal("channel " + ToHex(channel) +
                            " is concluded on chain but no Concluded event says so");
  }
  PARLEY_ASSIGN_OR_RETURN(Bytes input, chain_.GetTransactionInput(logs.back().tx_hash));
  auto state = ConcludeFinalArguments(input);
  if (!state.ok() || state->state.channel_id != channel) {
    // concludeFinal called by another contract: the outer call's data differs.
    return Status::Internal("channel " + ToHex(channel) + " was concluded by transaction 0x" +
                            ToHex(logs.back().tx_hash) +
                            ", whose data is not a concludeFinal call of it: " +
                            (state.ok() ? "another channel" : state.status().message()));
  }
  return state;
}

}  // namespace parley::settlement::evm
