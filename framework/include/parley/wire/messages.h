// Peer messages of the update protocol (DESIGN.md §2) and their encoding:
// one tag byte, then the fields in the canonical encoding (util/codec.h).
// Decoding never trusts the bytes: any malformed message is a Status.
// ChannelProposal, ChannelAccept, UpdateProposal, UpdateAccept, UpdateReject
// and SyncState end with the backend's `extra` bytes (a u32 length, then at
// most kMaxExtraSize bytes).
#pragma once

#include <string>
#include <variant>

#include "parley/channel/types.h"

namespace parley::wire {

// Room for the largest state plus params and signatures.
inline constexpr size_t kMaxMessageSize = 256 * 1024;
inline constexpr size_t kMaxReasonLength = 512;
// The most bytes of a settlement backend's `extra` on a message (its
// StateHook's step result, e.g. a statecoin channel's partial signature and
// next nonce; docs/statechain.md, "In the node"). Empty for a backend
// without a hook.
inline constexpr size_t kMaxExtraSize = 4 * 1024;
static_assert(kMaxMessageSize > channel::kMaxStateSize + kMaxExtraSize + 4096);

// A participant proposes a channel: the params and the initial state, signed.
struct ChannelProposal {
  channel::Params params;
  channel::State initial;
  channel::Signature sig;
  Bytes extra;  // the backend's (kMaxExtraSize)
};
struct ChannelAccept {
  channel::ChannelId channel{};
  channel::Signature sig;
  Bytes extra;  // the backend's (kMaxExtraSize)
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
  Bytes extra;  // the backend's (kMaxExtraSize)
};
struct UpdateAccept {
  channel::ChannelId channel{};
  uint64_t version = 0;
  channel::Signature sig;
  Bytes extra;  // the backend's (kMaxExtraSize)
};
// `code` is the StatusCode of the refusal: kAborted means the proposals
// crossed and the proposer should retry.
struct UpdateReject {
  channel::ChannelId channel{};
  uint64_t version = 0;
  StatusCode code = StatusCode::kInvalidArgument;
  std::string reason;
  Bytes extra;  // the backend's (kMaxExtraSize)
};

// After a (re)connection: the sender's latest fully signed state of a channel
// the two share. The higher version wins; two different fully signed states
// of one version are evidence of equivocation.
struct SyncState {
  channel::ChannelId channel{};
  channel::SignedState state;
  Bytes extra;  // the backend's (kMaxExtraSize)
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
