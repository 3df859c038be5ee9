#include "parley/channel/channel.h"

#include <algorithm>

#include "parley/channel/encoding.h"

namespace parley::channel {
namespace {

// A channel being proposed, with no signatures yet.
ChannelRecord NewRecord(const Params& params, const State& initial, ParticipantIndex self) {
  ChannelRecord record;
  record.params = params;
  record.self = self;
  record.latest = {initial, std::vector<std::optional<Signature>>(params.participants.size())};
  return record;
}

}  // namespace

const char* PhaseName(Phase phase) {
  switch (phase) {
    case Phase::kProposing:
      return "proposing";
    case Phase::kFunding:
      return "funding";
    case Phase::kOpen:
      return "open";
    case Phase::kFinal:
      return "final";
    case Phase::kDisputed:
      return "disputed";
    case Phase::kConcluded:
      return "concluded";
    case Phase::kWithdrawn:
      return "withdrawn";
  }
  return "unknown";
}

void Write(Writer& w, const ChannelRecord& record) {
  Write(w, record.params);
  w.U32(record.self);
  w.U8(static_cast<uint8_t>(record.phase));
  Write(w, record.latest);
  // A count where a presence flag used to be: records written before
  // pipelining (0 or 1 pending proposal) read the same.
  w.U8(static_cast<uint8_t>(record.pending.size()));
  for (const SignedState& proposal : record.pending) Write(w, proposal);
  w.Bool(record.last_signed_version.has_value());
  w.U64(record.last_signed_version.value_or(0));
  w.Fixed(record.last_signed_hash);
  w.U64(record.current_version);
  w.Bool(record.offer.has_value());
  if (record.offer) Write(w, *record.offer);
  // Last and only when there is some, so records written before backends
  // had data read the same, and each record has one encoding.
  if (!record.backend_data.empty()) w.Var(record.backend_data);
}

Status Read(Reader& r, ChannelRecord* record) {
  PARLEY_RETURN_IF_ERROR(Read(r, &record->params));
  PARLEY_RETURN_IF_ERROR(r.U32(&record->self));
  uint8_t phase;
  PARLEY_RETURN_IF_ERROR(r.U8(&phase));
  if (phase > static_cast<uint8_t>(Phase::kWithdrawn)) {
    return Status::InvalidArgument("unknown channel phase " + std::to_string(phase));
  }
  record->phase = static_cast<Phase>(phase);
  PARLEY_RETURN_IF_ERROR(Read(r, &record->latest));
  uint8_t pending_count;
  PARLEY_RETURN_IF_ERROR(r.U8(&pending_count));
  if (pending_count > kMaxPendingProposals) {
    return Status::InvalidArgument("a channel record holds at most " +
                                   std::to_string(kMaxPendingProposals) +
                                   " pending proposals, not " + std::to_string(pending_count));
  }
  record->pending.assign(pending_count, SignedState{});
  for (SignedState& proposal : record->pending) PARLEY_RETURN_IF_ERROR(Read(r, &proposal));
  bool has_signed;
  uint64_t last_signed;
  PARLEY_RETURN_IF_ERROR(r.Bool(&has_signed));
  PARLEY_RETURN_IF_ERROR(r.U64(&last_signed));
  if (!has_signed && last_signed != 0) {  // one record, one encoding
    return Status::InvalidArgument(
        "a channel record that has signed no version stores 0 as it, not " +
        std::to_string(last_signed));
  }
  record->last_signed_version = has_signed ? std::optional(last_signed) : std::nullopt;
  PARLEY_RETURN_IF_ERROR(r.Fixed(&record->last_signed_hash));
  PARLEY_RETURN_IF_ERROR(r.U64(&record->current_version));
  bool has_offer;
  PARLEY_RETURN_IF_ERROR(r.Bool(&has_offer));
  record->offer.reset();
  if (has_offer) {
    SignedState offer;
    PARLEY_RETURN_IF_ERROR(Read(r, &offer));
    record->offer = std::move(offer);
  }
  record->backend_data.clear();
  if (r.remaining() > 0) {
    PARLEY_RETURN_IF_ERROR(r.Var(kMaxBackendDataSize, &record->backend_data));
    if (record->backend_data.empty()) {  // one record, one encoding
      return Status::InvalidArgument(
          "a channel record without backend data stores nothing for it, not an empty field");
    }
  }
  return Status::Ok();
}

Status Channel::CheckInitial(const Params& params, const State& initial,
                             const SignatureScheme& scheme, const App& app) {
  PARLEY_RETURN_IF_ERROR(ValidateParams(params));
  if (params.participants.size() != 2) {
    return Status::InvalidArgument("this version runs channels of exactly 2 participants, got " +
                                   std::to_string(params.participants.size()));
  }
  if (params.backend != scheme.name()) {
    return Status::InvalidArgument("the channel is for backend '" + params.backend +
                                   "' but this node settles on '" + std::string(scheme.name()) +
                                   "'");
  }
  if (params.app != app.id()) {
    return Status::InvalidArgument("the channel names app '" + params.app + "', not '" + app.id() +
                                   "'");
  }
  if (initial.channel_id != scheme.ComputeChannelId(params)) {
    return Status::InvalidArgument("the initial state's channel id does not match the params");
  }
  if (initial.version != 0) {
    return Status::InvalidArgument("the initial state has version " +
                                   std::to_string(initial.version) + ", not 0");
  }
  if (initial.is_final) return Status::InvalidArgument("the initial state must not be final");
  PARLEY_RETURN_IF_ERROR(ValidateState(initial, params.participants.size()));
  Status app_ok = app.ValidInit(params, initial);
  if (!app_ok.ok()) return app_ok.WithContext("app '" + app.id() + "' refuses the initial state");
  return Status::Ok();
}

Result<Channel> Channel::Propose(const Params& params, const State& initial, ParticipantIndex self,
                                 const crypto::PrivateKey& key, const SignatureScheme& scheme,
                                 const App& app) {
  PARLEY_RETURN_IF_ERROR(CheckInitial(params, initial, scheme, app));
  if (self >= params.participants.size() || params.participants[self] != key.public_key()) {
    return Status::InvalidArgument("this node's key is not participant " + std::to_string(self));
  }
  Channel channel(NewRecord(params, initial, self), initial.channel_id, &scheme, &app);
  PARLEY_ASSIGN_OR_RETURN(Signature sig, channel.SignGuarded(initial, key));
  channel.record_.latest.sigs[self] = std::move(sig);
  return channel;
}

Result<Channel> Channel::FromProposal(const Params& params, const State& initial,
                                      ParticipantIndex proposer, const Signature& proposer_sig,
                                      ParticipantIndex self, const SignatureScheme& scheme,
                                      const App& app) {
  PARLEY_RETURN_IF_ERROR(CheckInitial(params, initial, scheme, app));
  Channel channel(NewRecord(params, initial, self), initial.channel_id, &scheme, &app);
  PARLEY_RETURN_IF_ERROR(channel.CheckParticipant(self, "this node"));
  PARLEY_RETURN_IF_ERROR(channel.CheckParticipant(proposer, "the proposer"));
  if (proposer == self) return Status::InvalidArgument("the proposer cannot be this node");
  if (!scheme.Verify(params.participants[proposer], scheme.StateHash(initial), proposer_sig)) {
    return Status::PermissionDenied(
        "the proposer's signature on the initial state does not verify");
  }
  channel.record_.latest.sigs[proposer] = proposer_sig;
  return channel;
}

Result<Channel> Channel::Restore(ChannelRecord record, const SignatureScheme& scheme,
                                 const App& app) {
  ChannelId id = scheme.ComputeChannelId(record.params);
  if (record.params.backend != scheme.name() || record.params.app != app.id() ||
      record.latest.state.channel_id != id || record.self >= record.params.participants.size() ||
      record.latest.sigs.size() != record.params.participants.size()) {
    return Status::Corruption("stored channel " + ToHex(record.latest.state.channel_id) +
                              " does not match its params, backend or app");
  }
  uint64_t below = record.latest.state.version;
  for (const SignedState& proposal : record.pending) {
    bool in_order = proposal.state.version > below;
    below = proposal.state.version;
    if (proposal.sigs.size() != record.params.participants.size() ||
        proposal.state.channel_id != id || !in_order) {
      return Status::Corruption("stored channel " + ToHex(id) +
                                " has pending proposals out of order or of another channel");
    }
  }
  return Channel(std::move(record), id, &scheme, &app);
}

Status Channel::CheckParticipant(ParticipantIndex index, const char* role) const {
  if (index >= record_.params.participants.size()) {
    return Status::PermissionDenied(std::string(role) + " (index " + std::to_string(index) +
                                    ") is not a participant of the channel");
  }
  return Status::Ok();
}

Result<Signature> Channel::SignGuarded(const State& state, const crypto::PrivateKey& key) {
  Hash32 hash = scheme_->StateHash(state);
  const auto& last = record_.last_signed_version;
  if (last && state.version <= *last &&
      !(state.version == *last && hash == record_.last_signed_hash)) {
    return Status::FailedPrecondition("this node already signed version " + std::to_string(*last) +
                                      " and never signs two different states at one version");
  }
  Signature sig = scheme_->Sign(key, hash);
  record_.last_signed_version = state.version;
  record_.last_signed_hash = hash;
  record_.current_version = std::max(record_.current_version, state.version);
  return sig;
}

Result<Signature> Channel::SignInitial(const crypto::PrivateKey& key) {
  if (record_.phase != Phase::kProposing) {
    return Status::FailedPrecondition("the channel is " + std::string(PhaseName(record_.phase)) +
                                      ", not being proposed");
  }
  if (record_.params.participants[record_.self] != key.public_key()) {
    return Status::InvalidArgument("this node's key is not participant " +
                                   std::to_string(record_.self));
  }
  Channel next = *this;
  PARLEY_ASSIGN_OR_RETURN(Signature sig, next.SignGuarded(record_.latest.state, key));
  next.record_.latest.sigs[record_.self] = sig;
  if (next.record_.latest.FullySigned()) next.record_.phase = Phase::kFunding;
  *this = std::move(next);
  return sig;
}

Status Channel::AddInitialSignature(ParticipantIndex from, const Signature& sig) {
  if (record_.phase != Phase::kProposing) {
    return Status::FailedPrecondition("the channel is " + std::string(PhaseName(record_.phase)) +
                                      ", not being proposed");
  }
  PARLEY_RETURN_IF_ERROR(CheckParticipant(from, "the signer"));
  if (!scheme_->Verify(record_.params.participants[from], scheme_->StateHash(latest().state),
                       sig)) {
    return Status::PermissionDenied("participant " + std::to_string(from) +
                                    "'s signature on the initial state does not verify");
  }
  record_.latest.sigs[from] = sig;
  if (record_.latest.FullySigned()) record_.phase = Phase::kFunding;
  return Status::Ok();
}

Status Channel::MarkFunded() {
  if (record_.phase != Phase::kFunding) {
    return Status::FailedPrecondition("only a channel in funding can become open; it is " +
                                      std::string(PhaseName(record_.phase)));
  }
  record_.phase = Phase::kOpen;
  return Status::Ok();
}

Status Channel::CheckTransition(const State& base, const State& next, ParticipantIndex actor,
                                bool exact_version) const {
  if (record_.phase != Phase::kOpen) {
    return Status::FailedPrecondition("the channel is " + std::string(PhaseName(record_.phase)) +
                                      "; updates need an open channel");
  }
  if (next.channel_id != id_) {
    return Status::InvalidArgument("the state is for channel " + ToHex(next.channel_id) + ", not " +
                                   ToHex(id_));
  }
  if (exact_version ? next.version != NextVersion() : next.version <= current_version()) {
    return Status::FailedPrecondition("version " + std::to_string(next.version) +
                                      " is not the next version " + std::to_string(NextVersion()) +
                                      " (current " + std::to_string(current_version()) + ")");
  }
  PARLEY_RETURN_IF_ERROR(ValidateState(next, record_.params.participants.size()));
  if (base.is_final) {
    return Status::FailedPrecondition("version " + std::to_string(base.version) +
                                      " is final: nothing follows it");
  }
  PARLEY_RETURN_IF_ERROR(CheckConserved(base.allocation, next.allocation));
  Status app_ok = app_->ValidTransition(record_.params, base, next, actor);
  if (!app_ok.ok()) {
    return app_ok.WithContext("app '" + app_->id() + "' refuses the transition to version " +
                              std::to_string(next.version));
  }
  return Status::Ok();
}

Status Channel::CheckNothingPending(const char* what) const {
  if (record_.pending.empty()) return Status::Ok();
  return Status::FailedPrecondition(std::string(what) + ": version " +
                                    std::to_string(record_.pending.front().state.version) +
                                    " of this node awaits the peer's answer first");
}

const State& Channel::ProposalBase() const {
  return record_.pending.empty() ? latest().state : record_.pending.back().state;
}

Result<SignedState> Channel::ProposeUpdate(const State& next, const crypto::PrivateKey& key,
                                           size_t max_in_flight) {
  size_t limit = std::min(std::max<size_t>(max_in_flight, 1), kMaxPendingProposals);
  if (record_.pending.size() >= limit) {
    return Status::FailedPrecondition(std::to_string(record_.pending.size()) +
                                      " proposal(s) of this node already await the peer's answer");
  }
  PARLEY_RETURN_IF_ERROR(CheckTransition(ProposalBase(), next, record_.self));
  Channel after = *this;
  PARLEY_ASSIGN_OR_RETURN(Signature sig, after.SignGuarded(next, key));
  SignedState proposal{next,
                       std::vector<std::optional<Signature>>(record_.params.participants.size())};
  proposal.sigs[record_.self] = std::move(sig);
  after.record_.pending.push_back(proposal);
  *this = std::move(after);
  return proposal;
}

Status Channel::CheckSignedByPeer(const State& next, ParticipantIndex from, const Signature& sig,
                                  const char* what) const {
  PARLEY_RETURN_IF_ERROR(CheckParticipant(from, "the sender"));
  if (from == record_.self) {
    return Status::InvalidArgument(std::string("a ") + what + " cannot come from this node");
  }
  if (next.channel_id != id_) {
    return Status::InvalidArgument("the state is for channel " + ToHex(next.channel_id) + ", not " +
                                   ToHex(id_));
  }
  if (!scheme_->Verify(record_.params.participants[from], scheme_->StateHash(next), sig)) {
    return Status::PermissionDenied(std::string("the signature on the ") + what + " of version " +
                                    std::to_string(next.version) + " does not verify");
  }
  return Status::Ok();
}

Result<Signature> Channel::HandleProposal(const State& next, const Hash32& base,
                                          ParticipantIndex from, const Signature& sig,
                                          const crypto::PrivateKey& key,
                                          const std::function<Status()>& also) {
  // Nothing that a forger sends changes anything: the signature comes first.
  PARLEY_RETURN_IF_ERROR(CheckSignedByPeer(next, from, sig, "proposal"));
  // A proposal this node already countersigned, sent again (the peer did not
  // get the answer): the same signature again, nothing new signed, and
  // `also` not called (Node::OnUpdateProposal relies on that to tell it apart).
  if (next == latest().state && latest().sigs[record_.self]) return *latest().sigs[record_.self];
  auto crossed =
      std::find_if(record_.pending.begin(), record_.pending.end(),
                   [&](const SignedState& p) { return p.state.version == next.version; });
  if (crossed != record_.pending.end()) {
    if (from < record_.self) {
      // Lost the tie-break: the peer rejects ours, and those built on it.
      record_.pending.erase(crossed, record_.pending.end());
      return Status::Aborted("proposals for version " + std::to_string(next.version) +
                             " crossed; the peer has the lower index and retries first");
    }
    return Status::Aborted("proposals for version " + std::to_string(next.version) +
                           " crossed; this node has the lower index and retries first");
  }
  // Built on this node's newest pending proposal: the peer holds that one as
  // its latest, so it countersigned it and the answer was lost (say, in a
  // restart). Signing this proposal settles every pending one, since its
  // base includes them all.
  const bool builds_on_pending =
      !record_.pending.empty() && base == scheme_->StateHash(record_.pending.back().state);
  const State& expected_base = builds_on_pending ? record_.pending.back().state : latest().state;
  // Two refusals are only out of step, and a retry later succeeds (Aborted):
  // this node's proposals await the peer's answer, which is on its way; or
  // the version is used up here (a proposal refused before), so the peer
  // retries at its next version.
  Status verdict = Status::Ok();
  if (!builds_on_pending && !record_.pending.empty()) {
    verdict = Status::Aborted(CheckNothingPending("the peer's proposal must wait").message());
  } else if (next.version <= current_version()) {
    verdict = Status::Aborted("version " + std::to_string(next.version) + " is used up (current " +
                              std::to_string(current_version()) + "); retry at a later version");
  }
  if (verdict.ok() && base != scheme_->StateHash(expected_base)) {
    verdict =
        Status::FailedPrecondition("the proposal of version " + std::to_string(next.version) +
                                   " builds on a state other than this node's latest, version " +
                                   std::to_string(latest().state.version));
  }
  if (verdict.ok()) verdict = CheckTransition(expected_base, next, from);
  if (verdict.ok() && also) verdict = also();
  // The peer has signed this version: whatever the verdict, it is used up.
  record_.current_version = std::max(record_.current_version, next.version);
  if (!verdict.ok()) return verdict;

  Channel after = *this;
  PARLEY_ASSIGN_OR_RETURN(Signature own, after.SignGuarded(next, key));
  SignedState signed_state{
      next, std::vector<std::optional<Signature>>(record_.params.participants.size())};
  signed_state.sigs[from] = sig;
  signed_state.sigs[record_.self] = own;
  after.record_.latest = std::move(signed_state);
  after.record_.pending.clear();  // empty unless builds_on_pending: then they are settled
  if (next.is_final) after.record_.phase = Phase::kFinal;
  *this = std::move(after);
  return own;
}

Status Channel::HandleAccept(uint64_t version, ParticipantIndex from, const Signature& sig) {
  if (record_.pending.empty() || record_.pending.front().state.version != version) {
    return Status::FailedPrecondition("no proposal of this node awaits an answer at version " +
                                      std::to_string(version));
  }
  PARLEY_RETURN_IF_ERROR(CheckParticipant(from, "the signer"));
  if (from == record_.self) return Status::InvalidArgument("an answer cannot come from this node");
  const State& state = record_.pending.front().state;
  if (!scheme_->Verify(record_.params.participants[from], scheme_->StateHash(state), sig)) {
    return Status::PermissionDenied("the peer's signature on version " + std::to_string(version) +
                                    " does not verify");
  }
  bool is_final = state.is_final;
  SignedState completed = std::move(record_.pending.front());
  record_.pending.erase(record_.pending.begin());
  completed.sigs[from] = sig;
  record_.latest = std::move(completed);
  if (is_final) record_.phase = Phase::kFinal;
  return Status::Ok();
}

Status Channel::HandleReject(uint64_t version) {
  auto refused = std::find_if(record_.pending.begin(), record_.pending.end(),
                              [&](const SignedState& p) { return p.state.version == version; });
  if (refused == record_.pending.end()) {
    return Status::FailedPrecondition("no proposal of this node awaits an answer at version " +
                                      std::to_string(version));
  }
  record_.pending.erase(refused, record_.pending.end());
  return Status::Ok();
}

Result<SignedState> Channel::SignForceMove(const State& from, const State& next,
                                           const crypto::PrivateKey& key) {
  if (record_.phase != Phase::kDisputed) {
    return Status::FailedPrecondition("force-moves answer a dispute; the channel is " +
                                      std::string(PhaseName(record_.phase)));
  }
  if (!app_->SupportsForceMove()) {
    return Status::FailedPrecondition("app '" + app_->id() + "' is not turn-based: no force-moves");
  }
  if (from.channel_id != id_ || next.channel_id != id_) {
    return Status::InvalidArgument("the states are not of channel " + ToHex(id_));
  }
  if (next.version != from.version + 1) {
    return Status::InvalidArgument("a force-move must be version " +
                                   std::to_string(from.version + 1) + ", not " +
                                   std::to_string(next.version));
  }
  PARLEY_RETURN_IF_ERROR(ValidateState(next, record_.params.participants.size()));
  PARLEY_RETURN_IF_ERROR(CheckConserved(from.allocation, next.allocation));
  PARLEY_RETURN_IF_ERROR(app_->ValidTransition(record_.params, from, next, record_.self)
                             .WithContext("app '" + app_->id() + "' refuses the move"));
  SignedState move{next, std::vector<std::optional<Signature>>(record_.params.participants.size())};
  Channel after = *this;
  PARLEY_ASSIGN_OR_RETURN(move.sigs[record_.self], after.SignGuarded(next, key));
  *this = std::move(after);
  return move;
}

Result<SignedState> Channel::MakeOffer(const State& next, const crypto::PrivateKey& key) {
  PARLEY_RETURN_IF_ERROR(CheckNothingPending("no offer now"));
  PARLEY_RETURN_IF_ERROR(CheckTransition(latest().state, next, record_.self));
  Channel after = *this;
  SignedState offer{next,
                    std::vector<std::optional<Signature>>(record_.params.participants.size())};
  PARLEY_ASSIGN_OR_RETURN(offer.sigs[record_.self], after.SignGuarded(next, key));
  after.record_.offer = offer;
  *this = std::move(after);
  return offer;
}

Status Channel::HandleOffer(const State& next, ParticipantIndex from, const Signature& sig) {
  PARLEY_RETURN_IF_ERROR(CheckSignedByPeer(next, from, sig, "offer"));
  PARLEY_RETURN_IF_ERROR(CheckTransition(latest().state, next, from, /*exact_version=*/false));
  if (record_.offer) {  // offers only improve: the app must accept the step from the best one
    PARLEY_RETURN_IF_ERROR(app_->ValidTransition(record_.params, record_.offer->state, next, from)
                               .WithContext("offer version " + std::to_string(next.version) +
                                            " is worse than " +
                                            std::to_string(record_.offer->state.version)));
  }
  SignedState offer{next,
                    std::vector<std::optional<Signature>>(record_.params.participants.size())};
  offer.sigs[from] = sig;
  record_.offer = std::move(offer);
  record_.current_version = next.version;
  return Status::Ok();
}

Result<Signature> Channel::AcceptOffer(const crypto::PrivateKey& key) {
  if (!record_.offer || record_.offer->sigs[record_.self]) {
    return Status::FailedPrecondition("the peer has made no offer to accept");
  }
  if (record_.phase != Phase::kOpen) {
    return Status::FailedPrecondition("the channel is " + std::string(PhaseName(record_.phase)) +
                                      "; offers are accepted while it is open");
  }
  // A late answer to a pending proposal would take latest() back below the
  // offer, and a refused one would pay its actions again on top of it.
  PARLEY_RETURN_IF_ERROR(CheckNothingPending("accept the offer later"));
  Channel after = *this;
  PARLEY_ASSIGN_OR_RETURN(Signature own, after.SignGuarded(record_.offer->state, key));
  after.record_.latest = *record_.offer;
  after.record_.latest.sigs[record_.self] = own;
  after.record_.offer.reset();
  if (after.record_.latest.state.is_final) after.record_.phase = Phase::kFinal;
  *this = std::move(after);
  return own;
}

Result<Channel::SyncOutcome> Channel::AdoptSigned(const SignedState& theirs) {
  if (theirs.state.channel_id != id_) {
    return Status::InvalidArgument("the state is for channel " + ToHex(theirs.state.channel_id) +
                                   ", not " + ToHex(id_));
  }
  PARLEY_RETURN_IF_ERROR(ValidateState(theirs.state, record_.params.participants.size()));
  PARLEY_RETURN_IF_ERROR(VerifySignatures(*scheme_, record_.params, theirs, true));
  const State& ours = latest().state;
  if (record_.phase == Phase::kProposing) {
    // The peer's signature on the initial state reached it, but its accept
    // never reached this node: the fully signed initial state completes it.
    if (theirs.state != ours) return SyncOutcome::kConflict;
    record_.latest = theirs;
    record_.phase = Phase::kFunding;
    return SyncOutcome::kAdopted;
  }
  if (theirs.state.version < ours.version) return SyncOutcome::kKnown;
  // After conclusion the ledger's outcome stands; a newer state changes nothing.
  if (record_.phase >= Phase::kConcluded) return SyncOutcome::kKnown;
  if (theirs.state.version == ours.version) {
    return theirs.state == ours ? SyncOutcome::kKnown : SyncOutcome::kConflict;
  }
  record_.latest = theirs;
  record_.current_version = std::max(record_.current_version, theirs.state.version);
  // This node's signature is on it, so it signed that version.
  if (theirs.state.version > record_.last_signed_version.value_or(0)) {
    record_.last_signed_version = theirs.state.version;
    record_.last_signed_hash = scheme_->StateHash(theirs.state);
  }
  DropPendingSettledBy(theirs.state);
  if (record_.offer && record_.offer->state.version <= theirs.state.version) {
    record_.offer.reset();  // settled: the state both signed pays at least as much
  }
  if (theirs.state.is_final && record_.phase == Phase::kOpen) record_.phase = Phase::kFinal;
  return SyncOutcome::kAdopted;
}

void Channel::DropPendingSettledBy(const State& adopted) {
  auto& pending = record_.pending;
  auto above = std::find_if(pending.begin(), pending.end(), [&](const SignedState& p) {
    return p.state.version > adopted.version;
  });
  // Those at or below its version are settled. Those above it still stand
  // only if they build on it: if it is this node's own proposal of its
  // version, which the peer countersigned.
  bool builds_on_it = above != pending.begin() && std::prev(above)->state == adopted;
  pending.erase(pending.begin(), builds_on_it ? above : pending.end());
}

Status Channel::MarkDisputed() {
  if (record_.phase == Phase::kProposing || record_.phase >= Phase::kConcluded) {
    return Status::FailedPrecondition("a " + std::string(PhaseName(record_.phase)) +
                                      " channel cannot be disputed");
  }
  record_.phase = Phase::kDisputed;
  record_.pending.clear();
  return Status::Ok();
}

Status Channel::MarkConcluded() {
  if (record_.phase == Phase::kProposing || record_.phase >= Phase::kConcluded) {
    return Status::FailedPrecondition("a " + std::string(PhaseName(record_.phase)) +
                                      " channel cannot be concluded");
  }
  record_.phase = Phase::kConcluded;
  record_.pending.clear();
  return Status::Ok();
}

Status Channel::MarkWithdrawn() {
  if (record_.phase != Phase::kConcluded) {
    return Status::FailedPrecondition("withdrawal needs a concluded channel; it is " +
                                      std::string(PhaseName(record_.phase)));
  }
  record_.phase = Phase::kWithdrawn;
  return Status::Ok();
}

}  // namespace parley::channel
