// Peer messages of the update protocol (DESIGN.md §2) and their encoding:
// one tag byte, then the fields in the canonical encoding (util/codec.h).
// Decoding never trusts the bytes: any malformed message is a Status.
#pragma once

#include <string>
#include <variant>

#include "parley/channel/types.h"

namespace parley::wire {

// Room for the largest state plus params and signatures.
inline constexpr size_t kMaxMessageSize = 256 * 1024;
static_assert(kMaxMessageSize > channel::kMaxStateSize + 4096);
inline constexpr size_t kMaxReasonLength = 512;

// A participant proposes a channel: the params and the initial state, signed.
struct ChannelProposal {
  channel::Params params;
  channel::State initial;
  channel::Signature sig;
};
struct ChannelAccept {
  channel::ChannelId channel{};
  channel::Signature sig;
};
struct ChannelReject {
  channel::ChannelId channel{};
  std::string reason;
};
// `base` is the hash of the state the proposal builds on: the responder
// countersigns only a proposal built on its own latest state.
struct UpdateProposal {
  channel::ChannelId channel{};
  channel::State state;
  channel::Signature sig;
  Hash32 base{};
};
struct UpdateAccept {
  channel::ChannelId channel{};
  uint64_t version = 0;
  channel::Signature sig;
};
// `code` is the StatusCode of the refusal: kAborted means the proposals
// crossed and the proposer should retry.
struct UpdateReject {
  channel::ChannelId channel{};
  uint64_t version = 0;
  StatusCode code = StatusCode::kInvalidArgument;
  std::string reason;
};

// After a (re)connection: the sender's latest fully signed state of a channel
// the two share. The higher version wins; two different fully signed states
// of one version are evidence of equivocation.
struct SyncState {
  channel::ChannelId channel{};
  channel::SignedState state;
};

// A one-way update (streaming vouchers): a state only its maker signed, at a
// version above the current one, which the peer keeps and may countersign
// later (Channel::HandleOffer). Not answered.
struct StateOffer {
  channel::ChannelId channel{};
  channel::State state;
  channel::Signature sig;
};

using Message = std::variant<ChannelProposal, ChannelAccept, ChannelReject, UpdateProposal,
                             UpdateAccept, UpdateReject, SyncState, StateOffer>;

// The channel a message is about (for a proposal, the id its initial state
// names).
const channel::ChannelId& ChannelOf(const Message& message);

Bytes EncodeMessage(const Message& message);
// InvalidArgument for an unknown tag, a truncated or oversized message, or a
// field that does not decode.
Result<Message> DecodeMessage(ByteView bytes);

}  // namespace parley::wire
