// StateHook: what a settlement backend adds to the update protocol
// (docs/statechain.md, "In the node"), such as a statecoin channel's
// partial signatures on each state's split transaction: data a state needs,
// besides the participants' state signatures, before it counts as fully
// signed.
//
// The node keeps the hook's per-channel `data` as an opaque blob in the
// channel's record: it stores the data a step returns in the same write as
// the state the step goes with, and only then sends the step's `extra`
// bytes, in the message that carries its own signature. A hook keeps no
// channel state of its own (it may cache answers of its backend that never
// change), so a refused step changes nothing: the node keeps the data it
// had. Channels of a backend without a hook run as before.
//
// Errors: a peer's bytes that do not decode are InvalidArgument; a peer's
// signature that does not verify is PermissionDenied; a step out of order
// (a nonce missing or used) is FailedPrecondition. The node answers a peer
// with the reason and leaves the channel as it was.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "parley/channel/types.h"
#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::settlement {

// A transaction the channel's data holds that settles a checkpoint without
// the adjudicator (a statecoin channel's backup), valid from block
// `lock_time` on.
struct HookBackup {
  uint64_t version = 0;  // the checkpoint's
  uint32_t lock_time = 0;
  Bytes raw_tx;
  std::string txid;  // as explorers print it
};

// What a hook step returns: the channel's data from now on, and the bytes
// for the peer.
struct HookStep {
  Bytes data;
  Bytes extra;
};

class StateHook {
 public:
  virtual ~StateHook() = default;

  // The most proposals of one channel that may await the peer at once.
  virtual size_t MaxInFlight() const = 0;

  // Opening, by the proposer (participant 0): the data of the new channel
  // and the ChannelProposal's extra. `open_args` are the backend's
  // arguments (OpenRequest::backend_args), e.g. the coin.
  virtual Result<HookStep> ProposeChannel(const channel::Params& params,
                                          const channel::State& initial, ByteView open_args) = 0;
  // Opening, by participant `self`, from the ChannelProposal's extra: the
  // data and the ChannelAccept's extra.
  virtual Result<HookStep> AcceptChannel(const channel::Params& params,
                                         channel::ParticipantIndex self,
                                         const channel::State& initial, ByteView extra) = 0;

  // The extra of this node's ChannelProposal (the proposer, until the
  // peer's ChannelAccept) or ChannelAccept (the acceptor, until it signs a
  // later state), to send the same message again after a reconnection: the
  // first may have been lost. FailedPrecondition past the opening.
  virtual Result<Bytes> OpeningExtraAgain(const channel::Params& params, ByteView data) = 0;

  // This node is about to sign `state` (a proposal, or an accept after
  // CheckExtra of the proposal's extra): the data and the extra to send
  // with the signature. `latest` is this node's latest fully signed state
  // (the base of a proposal), which a backend may checkpoint. The same
  // state again gives the same extra.
  virtual Result<HookStep> SignExtra(const channel::Params& params, ByteView data,
                                     const channel::State& state,
                                     const channel::SignedState& latest) = 0;
  // The peer's extra with its signature on `state`: of a ChannelAccept (the
  // initial state), an UpdateProposal (before this node countersigns), or
  // an UpdateAccept (before the state counts as fully signed). Returns the
  // data.
  virtual Result<Bytes> CheckExtra(const channel::Params& params, ByteView data,
                                   const channel::State& state, ByteView extra) = 0;

  // This node refuses the peer's UpdateProposal, whose extra is
  // `refused_extra`; `current` is this node's current version after the
  // refusal. Returns the data and the UpdateReject's extra: this node's
  // nonce for version current + 1. If the refused proposal's extra carries
  // the peer's nonce for current + 1 (its proposal used up `current`), that
  // nonce is recorded too: the peer's next proposal signs with it. Never
  // fails on the peer's bytes, which may be anything.
  virtual Result<HookStep> RejectExtra(const channel::Params& params, ByteView data,
                                       uint64_t current, ByteView refused_extra) = 0;
  // The peer's extra with its UpdateReject: records the peer's nonce for
  // its next version. Returns the data.
  virtual Result<Bytes> CheckRejectExtra(const channel::Params& params, ByteView data,
                                         ByteView extra) = 0;

  // Before a SyncState of `latest` (this node's latest fully signed state)
  // leaves; `current` is this node's current version. Returns the data and
  // the SyncState's extra: what settles `latest` (a coin channel's split
  // signatures) and this node's nonce for version current + 1.
  virtual Result<HookStep> SyncExtra(const channel::Params& params, ByteView data,
                                     const channel::State& latest, uint64_t current) = 0;
  // The peer's extra with its SyncState of `theirs`: records the peer's
  // next nonce and, when `theirs` is newer than the state the data settles,
  // checks and keeps what settles it (a state the node adopts only then).
  // Returns the data.
  virtual Result<Bytes> CheckSyncExtra(const channel::Params& params, ByteView data,
                                       const channel::State& theirs, ByteView extra) = 0;

  // Funding, in place of the backend's Funder (which never sees the data):
  // Fund does this participant's part once the initial state is fully
  // signed (again after a restart: a part already done is Ok); Funded says
  // whether the channel is funded, i.e. may open.
  virtual Status Fund(const channel::Params& params, const channel::ChannelId& id, ByteView data,
                      channel::ParticipantIndex self) = 0;
  virtual Result<bool> Funded(const channel::ChannelId& id, ByteView data) = 0;

  // Pays participant `self` its share of the channel whose latest fully
  // signed state is `latest` (as Adjudicator::ConcludeAndWithdraw, which
  // the node calls for backends without a hook).
  virtual Status ConcludeAndWithdraw(const channel::Params& params, ByteView data,
                                     const channel::SignedState& latest,
                                     channel::ParticipantIndex self) = 0;

  // The latest backup `data` holds; nullopt before the first.
  virtual Result<std::optional<HookBackup>> LatestBackupTx(ByteView data) const = 0;
};

}  // namespace parley::settlement
