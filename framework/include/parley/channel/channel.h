// Channel: the per-channel state machine of DESIGN.md §2. Pure: no I/O, no
// clock, no threads. A Channel is a value; the node copies it, applies a step,
// persists the resulting record and only then sends what the step produced,
// so a step that fails, or a crash before the write, leaves the old channel.
//
// Every step either succeeds or returns a Status and leaves the channel as it
// was, with one documented exception (HandleProposal).
//
// Versions. A channel's current version is the highest version any
// participant is known to have signed. A proposal must be for current+1. A
// node never signs two different states at one version (the guard
// `last_signed_version` and its hash are part of the persisted record), so a
// proposal that is rejected, or that
// crosses the peer's proposal for the same version, uses that version up:
// both sides move on to the next. Of two crossing proposals, the lower
// participant index wins: it retries first, and the other waits for it.
// While its own proposals await an answer, a node signs no proposal of the
// peer's unless it builds on the newest of them, so its latest state can only
// move forward.
//
// Pipelining. A node may have several proposals in flight, each built on the
// one before it (the first on latest()); the peer answers them in order. Each
// proposal names the state it builds on (its hash), and the peer countersigns
// only a proposal that builds on its own latest state: once it refuses one,
// it refuses those built on it too.
//
// This version runs the update protocol between two participants; Params and
// the ledger accept up to kMaxParticipants.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "parley/channel/app.h"
#include "parley/channel/scheme.h"
#include "parley/channel/types.h"
#include "parley/crypto/keys.h"

namespace parley::channel {

// The most proposals of one node a record holds at once.
inline constexpr size_t kMaxPendingProposals = 64;
// The most bytes of backend data a channel record holds.
inline constexpr size_t kMaxBackendDataSize = 64 * 1024;

enum class Phase : uint8_t {
  kProposing = 0,  // the initial state is being signed
  kFunding = 1,    // the initial state is fully signed; deposits are under way
  kOpen = 2,       // funded; off-chain updates
  kFinal = 3,      // a final state is fully signed; conclude on the ledger at once
  kDisputed = 4,   // a state was registered on the ledger; no more off-chain updates
  kConcluded = 5,  // the ledger fixed the outcome
  kWithdrawn = 6,  // this participant took its share out
};
const char* PhaseName(Phase phase);

// Everything a node keeps about one channel; the store persists it whole.
struct ChannelRecord {
  Params params;
  ParticipantIndex self = 0;
  Phase phase = Phase::kProposing;
  // The highest fully signed state; in kProposing, the initial state as far
  // as it is signed.
  SignedState latest;
  // This node's own update proposals, signed by it, awaiting the peer: in
  // version order, each built on the one before it, the first on latest.
  std::vector<SignedState> pending;
  // The guard: the highest version this node has signed, and the hash of the
  // state it signed there (all zero if it signed that version by a route that
  // kept no hash). Only that same state may be signed at that version again.
  std::optional<uint64_t> last_signed_version;
  Hash32 last_signed_hash{};
  // The highest version any participant is known to have signed.
  uint64_t current_version = 0;
  // An offer (DESIGN.md: one-way updates such as streaming vouchers): a
  // state only its maker signed, which the other side may countersign at any
  // time. This node's latest offer, or the best one the peer made.
  std::optional<SignedState> offer;
  // The settlement backend's own data for this channel (its StateHook's,
  // e.g. a statecoin channel's key share and nonces), opaque here; empty
  // for a backend without a hook. At most kMaxBackendDataSize bytes.
  Bytes backend_data;

  bool operator==(const ChannelRecord&) const = default;
};

void Write(Writer& w, const ChannelRecord& record);
Status Read(Reader& r, ChannelRecord* record);

class Channel {
 public:
  // Proposer: checks `params` and `initial` (version 0, not final, the id of
  // `params`, accepted by the app) and signs the initial state.
  static Result<Channel> Propose(const Params& params, const State& initial, ParticipantIndex self,
                                 const crypto::PrivateKey& key, const SignatureScheme& scheme,
                                 const App& app);
  // Responder: the same checks on a received proposal, plus the signature of
  // participant `proposer`. Nothing is signed yet: see SignInitial.
  static Result<Channel> FromProposal(const Params& params, const State& initial,
                                      ParticipantIndex proposer, const Signature& proposer_sig,
                                      ParticipantIndex self, const SignatureScheme& scheme,
                                      const App& app);
  // A channel from its persisted record. Corruption if the record does not
  // fit the scheme or app.
  static Result<Channel> Restore(ChannelRecord record, const SignatureScheme& scheme,
                                 const App& app);

  // Responder accepts the proposal: signs the initial state.
  Result<Signature> SignInitial(const crypto::PrivateKey& key);
  // A participant's signature on the initial state arrives.
  Status AddInitialSignature(ParticipantIndex from, const Signature& sig);
  // The ledger holds the initial allocation: kFunding -> kOpen.
  Status MarkFunded();

  // This node proposes `next`: it must be for NextVersion(), conserve funds
  // and be accepted by the app with this node as actor, from the state it
  // builds on (ProposalBase()). At most `max_in_flight` proposals await the
  // peer at once. Returns the state signed by this node and appends it to
  // pending().
  Result<SignedState> ProposeUpdate(const State& next, const crypto::PrivateKey& key,
                                    size_t max_in_flight = 1);
  // The state a new proposal builds on: the last pending one, or latest().
  const State& ProposalBase() const;
  // What a proposal carries to name the state it builds on.
  Hash32 BaseHash(const State& base) const { return scheme_->StateHash(base); }

  // A peer proposes `next`, built on the state whose hash is `base`, signed
  // by `from`. Returns this node's signature; `next` becomes latest(). The
  // same proposal again (the peer did not get the answer) gets the same
  // signature back. Rejections:
  //   - PermissionDenied for a bad signature or a non-participant,
  //     InvalidArgument for another channel: nothing changes.
  //   - Aborted if it crosses this node's pending proposal for the same
  //     version. If `from` has the lower index, that proposal and those
  //     built on it are dropped (they lost; the peer will reject them).
  //   - Aborted, too, while this node's own proposals await an answer, and
  //     for a version this node has seen used (at most current): the peer is
  //     out of step and retries, at its next version, once it has the answer
  //     or the state it lacks.
  //   - FailedPrecondition for a version above current+1, the wrong phase,
  //     or a base other than latest() (the peer built on a state this node
  //     refused or never saw); InvalidArgument for a broken state, changed
  //     totals or a transition the app refuses.
  //   - Built on this node's newest pending proposal instead of latest(),
  //     it is accepted: the peer holds that proposal as its latest (its
  //     answer was lost), and the signed state, which includes it, settles
  //     every pending proposal.
  // The exception to "unchanged on failure": once `from`'s signature
  // verifies, current_version() rises to next.version if it is higher, even
  // if the content is refused, because the peer has used that version (this
  // is how two sides that disagree on the current version meet again).
  // `also`, if given, is one more check of a new proposal, made with the
  // others (after the signature, before this node signs): a settlement
  // backend's (StateHook::CheckExtra); its refusal is a refusal like the
  // app's. Persist the record before answering.
  Result<Signature> HandleProposal(const State& next, const Hash32& base, ParticipantIndex from,
                                   const Signature& sig, const crypto::PrivateKey& key,
                                   const std::function<Status()>& also = nullptr);
  // The peer countersigned our oldest pending proposal, of `version`.
  Status HandleAccept(uint64_t version, ParticipantIndex from, const Signature& sig);
  // The peer refused our pending proposal for `version`: it is dropped, with
  // the proposals built on it.
  Status HandleReject(uint64_t version);

  // Force-move (DESIGN.md §3): during a dispute of a turn-based app, this
  // node moves on the ledger alone. `from` is the state the ledger holds;
  // `next` must be its version + 1, conserve funds and be a transition the
  // app accepts with this node as actor. Returns `next` signed by this node
  // only. The guard holds here too: a version this node has signed before is
  // signed again only for the same state (its own pending proposal, which it
  // may now play on the ledger, though the dispute dropped it as pending).
  // FailedPrecondition outside a dispute or for an app without force-moves.
  // Persist the record before using the result.
  Result<SignedState> SignForceMove(const State& from, const State& next,
                                    const crypto::PrivateKey& key);

  // Offers: one-way updates. The maker signs `next` alone; it must be for
  // NextVersion() and a transition the app accepts from latest() with this
  // node as actor (for streaming, the cumulative total so far). It becomes
  // offer(). FailedPrecondition while a proposal of this node awaits an
  // answer, or outside kOpen.
  Result<SignedState> MakeOffer(const State& next, const crypto::PrivateKey& key);
  // The peer's offer: its signature must verify; the version must be above
  // current_version() (offers may be skipped, each pays everything so far);
  // the app must accept it from latest(), and from the best offer so far,
  // with `from` as actor (so offers only improve: a voucher never lowers the
  // total). It becomes offer(), and the current version rises to it.
  // Refused offers change nothing.
  Status HandleOffer(const State& next, ParticipantIndex from, const Signature& sig);
  // Countersigns the peer's offer: it becomes latest(), fully signed.
  // FailedPrecondition if there is no offer from the peer, or while this
  // node's own proposals await their answer (accept it after).
  Result<Signature> AcceptOffer(const crypto::PrivateKey& key);

  // What AdoptSigned did with a peer's latest state.
  enum class SyncOutcome {
    kAdopted,   // it was newer: it is latest() now
    kKnown,     // it is latest(), or older
    kConflict,  // a different fully signed state of the same version: evidence
  };
  // Resync after a reconnection: `theirs` is the peer's latest fully signed
  // state. PermissionDenied unless every signature (this node's among them)
  // verifies; InvalidArgument for another channel or a broken state; nothing
  // changes then, nor for kKnown and kConflict. A newer state is adopted:
  // pending proposals at or below its version are dropped, as settled, and
  // so are those above it unless they build on it. A
  // channel still being proposed adopts its fully signed initial state and
  // moves to funding (the peer's accept was lost).
  Result<SyncOutcome> AdoptSigned(const SignedState& theirs);

  // Ledger events.
  Status MarkDisputed();
  Status MarkConcluded();
  Status MarkWithdrawn();

  const ChannelRecord& record() const { return record_; }
  const ChannelId& id() const { return id_; }
  const Params& params() const { return record_.params; }
  Phase phase() const { return record_.phase; }
  const SignedState& latest() const { return record_.latest; }
  const std::vector<SignedState>& pending() const { return record_.pending; }
  const std::optional<SignedState>& offer() const { return record_.offer; }
  const Bytes& backend_data() const { return record_.backend_data; }
  // The backend's data from now on (its hook's step result); persist the
  // record with the state the step goes with.
  void SetBackendData(Bytes data) { record_.backend_data = std::move(data); }
  uint64_t current_version() const { return record_.current_version; }
  uint64_t NextVersion() const { return record_.current_version + 1; }
  ParticipantIndex self() const { return record_.self; }

 private:
  Channel(ChannelRecord record, ChannelId id, const SignatureScheme* scheme, const App* app)
      : record_(std::move(record)), id_(id), scheme_(scheme), app_(app) {}

  static Status CheckInitial(const Params& params, const State& initial,
                             const SignatureScheme& scheme, const App& app);
  // Checks shared by our own and the peer's proposals: `next` follows
  // `base`. With `exact_version` the state must be NextVersion(); otherwise
  // any version above the current one.
  Status CheckTransition(const State& base, const State& next, ParticipantIndex actor,
                         bool exact_version = true) const;
  // Refuses while this node's own proposals await the peer; `what` names
  // the step refused.
  Status CheckNothingPending(const char* what) const;
  // After adopting the peer's `adopted` state: drops the pending proposals it
  // settles or makes moot.
  void DropPendingSettledBy(const State& adopted);
  Status CheckParticipant(ParticipantIndex index, const char* role) const;
  // `next` comes from participant `from`, not this node, is of this channel,
  // and `sig` is `from`'s on it; `what` ("proposal", "offer") names it.
  Status CheckSignedByPeer(const State& next, ParticipantIndex from, const Signature& sig,
                           const char* what) const;
  // Signs `state` unless the guard forbids it.
  Result<Signature> SignGuarded(const State& state, const crypto::PrivateKey& key);

  ChannelRecord record_;
  ChannelId id_;
  const SignatureScheme* scheme_;
  const App* app_;
};

}  // namespace parley::channel
