// Node: the update protocol of an open channel (DESIGN.md §2) — queued
// actions proposed as signed states (pipelined up to max_updates_in_flight),
// the peer's proposals and answers, offers, and resync after a reconnection.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <string_view>

#include "node_entry.h"
#include "parley/client/node.h"

namespace parley::client {

using channel::Channel;
using channel::ChannelId;
using channel::ParticipantIndex;
using channel::Phase;

namespace {

// Puts the backend hook's `data` into `next`. A failure is only logged, and
// the message received or sent goes on without it. Returns whether the data
// was put in.
bool UseHookData(Channel& next, Result<Bytes> data, std::string_view what) {
  if (!data.ok()) {
    spdlog::warn("channel {}: the backend's data {}: {}", ShortId(next.id()), what,
                 data.status().ToString());
    return false;
  }
  next.SetBackendData(std::move(data).value());
  return true;
}

}  // namespace

void Node::ResendPending(Entry& entry) {
  const Channel& c = entry.channel;
  const channel::State* base = &c.latest().state;
  for (const channel::SignedState& proposal : c.pending()) {
    Bytes extra;
    if (settlement::StateHook* hook = entry.Hook()) {  // the same state gives the same extra
      auto step =
          Sendable(hook->SignExtra(c.params(), c.backend_data(), proposal.state, c.latest()));
      if (!step.ok()) {
        spdlog::warn("channel {}: cannot send version {} again: {}", ShortId(c.id()),
                     proposal.state.version, step.status().ToString());
        return;
      }
      extra = std::move(step->extra);
    }
    Queue(entry.Peer(), wire::UpdateProposal{c.id(), proposal.state, *proposal.sigs[c.self()],
                                             c.BaseHash(*base), std::move(extra)});
    base = &proposal.state;
  }
}

void Node::QueueSync(Entry& entry) {
  Bytes extra;
  if (settlement::StateHook* hook = entry.Hook()) {  // its next nonce is stored before it leaves
    const Channel& c = entry.channel;
    auto step = Sendable(
        hook->SyncExtra(c.params(), c.backend_data(), c.latest().state, c.current_version()));
    Status made = step.status();
    if (made.ok() && step->data != c.backend_data()) {
      Channel next = c;
      next.SetBackendData(std::move(step->data));
      made = Commit(entry, std::move(next));
    }
    if (made.ok()) {
      extra = std::move(step->extra);
    } else {  // the peer learns the state, and adopts it once it comes with the backend's data
      spdlog::warn("channel {}: the backend's data for the peer: {}", ShortId(c.id()),
                   made.ToString());
    }
  }
  const Channel& c = entry.channel;
  Queue(entry.Peer(), wire::SyncState{c.id(), c.latest(), std::move(extra)});
}

void Node::OfferLatest(Entry& entry) {
  const Channel& c = entry.channel;
  // With a hook, the pending proposal goes first: the SyncState carries this
  // node's nonce for the version after it, which replaces at the peer the
  // nonce the proposal signs with. (The peer holds the proposal's base: it
  // has signed it, or proposed it, which HandleProposal accepts as a base.)
  if (entry.Hook() != nullptr) ResendPending(entry);
  if (c.latest().FullySigned()) {
    QueueSync(entry);
  } else if (c.phase() == Phase::kProposing && c.latest().sigs[c.self()]) {
    // A channel this node proposed that the peer has not signed yet: the
    // proposal may have been lost.
    auto extra = OpeningExtraAgain(entry);
    if (extra.ok()) {
      Queue(entry.Peer(), wire::ChannelProposal{c.params(), c.latest().state,
                                                *c.latest().sigs[c.self()], std::move(*extra)});
    }
  }
  if (entry.Hook() == nullptr) ResendPending(entry);
  if (c.offer() && c.offer()->sigs[c.self()]) {  // this node's latest offer may have been lost
    Queue(entry.Peer(), wire::StateOffer{c.id(), c.offer()->state, *c.offer()->sigs[c.self()]});
  }
}

Status Node::Update(const ChannelId& id, Bytes action) {
  return OnChannel(id, [&](Entry& entry) -> Status {
    if (entry.channel.phase() == Phase::kFunding) {
      // The deposits may be in without this node having seen them yet (an
      // EVM chain is polled), while the peer already sees the channel open.
      Status funding = OpenIfFunded(entry);
      if (!funding.ok()) {
        spdlog::warn("channel {}: funding: {}", ShortId(id), funding.ToString());
      }
    }
    if (entry.channel.phase() != Phase::kOpen) {
      return Status::FailedPrecondition("channel " + ShortId(id) + " is " +
                                        channel::PhaseName(entry.channel.phase()) +
                                        "; updates need an open channel");
    }
    if (entry.close_requested || entry.closing_in_flight) {
      return Status::FailedPrecondition("channel " + ShortId(id) + " is closing");
    }
    if (entry.queued.size() >= options_.max_queued_actions) {
      return Status::FailedPrecondition("channel " + ShortId(id) + " already has " +
                                        std::to_string(entry.queued.size()) +
                                        " actions waiting; retry when they are done");
    }
    entry.queued.push_back(std::move(action));
    entry.yielding = false;  // a crossing lost earlier waits no longer than the next call
    return ProposeQueued(entry);
  });
}

Status Node::ProposeQueued(Entry& entry) {
  return CommitAndPropose(entry, entry.channel, /*draft_changed=*/false, [] {});
}

Status Node::CommitAndPropose(Entry& entry, Channel draft, bool draft_changed,
                              const std::function<void()>& committed) {
  size_t window =
      std::clamp<size_t>(options_.max_updates_in_flight, 1, channel::kMaxPendingProposals);
  if (settlement::StateHook* hook = entry.Hook()) {
    window = std::clamp<size_t>(hook->MaxInFlight(), 1, window);
  }
  Status first_failure;
  std::vector<wire::UpdateProposal> proposals;
  while (draft.pending().size() < window && !entry.closing_in_flight && !entry.yielding &&
         draft.phase() == Phase::kOpen && (!entry.queued.empty() || entry.close_requested)) {
    auto proposal = DraftProposal(entry, draft, first_failure);
    if (!proposal) break;  // nothing went out
    proposals.push_back(std::move(*proposal));
  }
  if (!draft_changed && proposals.empty()) return first_failure;

  Status durable = Commit(entry, std::move(draft));  // before anything is sent
  if (!durable.ok()) {  // the drafted actions are dropped, and a close is no longer under way
    for (auto p = proposals.rbegin(); p != proposals.rend(); ++p) {  // newest first
      Emit({NodeEvent::Kind::kUpdateFailed, p->channel, p->state.version,
            std::to_string(entry.in_flight.back().size()) +
                " action(s) dropped: " + durable.message()});
      entry.in_flight.pop_back();
    }
    if (!proposals.empty()) entry.closing_in_flight = false;
    entry.close_requested = false;
    return durable;
  }
  committed();
  for (wire::UpdateProposal& p : proposals) Queue(entry.Peer(), std::move(p));
  return first_failure;
}

std::optional<wire::UpdateProposal> Node::DraftProposal(Entry& entry, Channel& draft,
                                                        Status& first_failure) {
  auto app = apps_.Find(draft.params().app);
  if (!app.ok()) {
    if (first_failure.ok()) first_failure = app.status();
    return std::nullopt;
  }
  const channel::State& base = draft.ProposalBase();
  Hash32 base_hash = draft.BaseHash(base);
  channel::State next = base;
  std::vector<Bytes> applied;
  const size_t batch = std::clamp<size_t>(options_.max_actions_per_update, 1, kMaxActionsPerUpdate);
  while (!entry.queued.empty() && applied.size() < batch) {
    Bytes action = entry.TakeQueued();
    auto after = (*app)->ApplyAction(draft.params(), next, draft.self(), action);
    if (!after.ok()) {
      Emit({NodeEvent::Kind::kUpdateFailed, draft.id(), 0, after.status().message()});
      if (first_failure.ok()) first_failure = after.status();
      continue;
    }
    next = std::move(after).value();
    applied.push_back(std::move(action));
  }
  bool closing = entry.close_requested && entry.queued.empty();
  if (applied.empty() && !closing) return std::nullopt;
  next.version = draft.NextVersion();
  next.is_final = next.is_final || closing;

  settlement::StateHook* hook = entry.Hook();
  std::optional<Channel> before;
  if (hook != nullptr) before = draft;
  auto signed_state = draft.ProposeUpdate(next, key_, channel::kMaxPendingProposals);
  Bytes extra;
  if (signed_state.ok() && hook != nullptr) {  // its data goes in the write of the proposal
    auto step =
        Sendable(hook->SignExtra(draft.params(), draft.backend_data(), next, draft.latest()));
    if (step.ok()) {
      draft.SetBackendData(std::move(step->data));
      extra = std::move(step->extra);
    } else {
      draft = std::move(*before);
      signed_state = step.status();
    }
  }
  if (!signed_state.ok()) {  // the actions are dropped, and a close is no longer under way
    entry.close_requested = false;
    Emit({NodeEvent::Kind::kUpdateFailed, draft.id(), next.version,
          std::to_string(applied.size()) +
              " action(s) dropped: " + signed_state.status().message()});
    if (first_failure.ok()) first_failure = signed_state.status();
    return std::nullopt;
  }
  entry.in_flight.push_back(std::move(applied));
  entry.closing_in_flight = closing;
  entry.close_requested = false;
  return wire::UpdateProposal{draft.id(), next, *signed_state->sigs[draft.self()], base_hash,
                              std::move(extra)};
}

Status Node::Offer(const ChannelId& id, Bytes action) {
  return OnChannel(id, [&](Entry& entry) -> Status {
    const Channel& c = entry.channel;
    if (c.phase() != Phase::kOpen) {
      return Status::FailedPrecondition("channel " + ShortId(id) + " is " +
                                        channel::PhaseName(c.phase()) +
                                        "; offers need an open channel");
    }
    PARLEY_ASSIGN_OR_RETURN(const channel::App* app, apps_.Find(c.params().app));
    const channel::State& from = c.offer() ? c.offer()->state : c.latest().state;
    PARLEY_ASSIGN_OR_RETURN(channel::State next,
                            app->ApplyAction(c.params(), from, c.self(), action));
    next.version = c.NextVersion();
    Channel after = c;
    PARLEY_ASSIGN_OR_RETURN(channel::SignedState offer, after.MakeOffer(next, key_));
    PARLEY_RETURN_IF_ERROR(Commit(entry, std::move(after)));  // durable before it is sent
    Queue(entry.Peer(), wire::StateOffer{id, offer.state, *offer.sigs[entry.channel.self()]});
    return Status::Ok();
  });
}

Status Node::AcceptOffer(const ChannelId& id) {
  return OnChannel(id, [&](Entry& entry) -> Status {
    Channel next = entry.channel;
    PARLEY_RETURN_IF_ERROR(next.AcceptOffer(key_).status());
    PARLEY_RETURN_IF_ERROR(Commit(entry, std::move(next)));
    const Channel& c = entry.channel;
    QueueSync(entry);
    Emit({NodeEvent::Kind::kUpdated, id, c.latest().state.version, "accepted the peer's offer"});
    return Status::Ok();
  });
}

Status Node::Close(const ChannelId& id) {
  return OnChannel(id, [&](Entry& entry) -> Status {
    if (entry.channel.phase() != Phase::kOpen) {
      return Status::FailedPrecondition("only an open channel can be closed cooperatively; " +
                                        ShortId(id) + " is " +
                                        channel::PhaseName(entry.channel.phase()));
    }
    entry.close_requested = true;
    entry.yielding = false;
    return ProposeQueued(entry);
  });
}

Status Node::OnUpdateProposal(Entry& entry, const wire::PeerId& from,
                              const wire::UpdateProposal& m) {
  auto reject = [&](const Status& s, Bytes extra = {}) {
    Queue(from,
          wire::UpdateReject{m.channel, m.state.version, s.code(), Reason(s), std::move(extra)});
    return s;
  };
  auto index = IndexOf(entry.channel.params(), from);
  if (!index.ok()) return reject(index.status());
  if (entry.channel.phase() == Phase::kFunding) {
    // The peer saw the deposits before this node did (each learns of them
    // from the ledger on its own, e.g. polling an EVM chain's logs): look at
    // the ledger now instead of refusing the update.
    Status funding = OpenIfFunded(entry);
    if (!funding.ok()) {
      spdlog::warn("channel {}: funding: {}", ShortId(m.channel), funding.ToString());
    }
  }

  Channel next = entry.channel;
  size_t pending_before = next.pending().size();
  // With a hook: the peer's extra is checked with the proposal, and this
  // node's extra made, before this node signs (a refusal uses up the
  // version, as the app's does). The same proposal again (the answer was
  // lost) gets the same extra again.
  settlement::StateHook* hook = entry.Hook();
  std::optional<settlement::HookStep> step;  // made by the check, which only new proposals get
  std::function<Status()> check_extra;
  if (hook != nullptr) {
    check_extra = [&]() -> Status {
      const Channel& c = entry.channel;
      PARLEY_ASSIGN_OR_RETURN(Bytes checked,
                              hook->CheckExtra(c.params(), c.backend_data(), m.state, m.extra));
      PARLEY_ASSIGN_OR_RETURN(step,
                              Sendable(hook->SignExtra(c.params(), checked, m.state, c.latest())));
      return Status::Ok();
    };
  }
  auto sig = next.HandleProposal(m.state, m.base, *index, m.sig, key_, check_extra);
  Bytes extra;
  if (sig.ok() && hook != nullptr && !step) {  // answered without the check: sent again
    auto same =
        Sendable(hook->SignExtra(next.params(), next.backend_data(), m.state, next.latest()));
    if (!same.ok()) return reject(same.status());
    extra = std::move(same->extra);
  }
  if (!sig.ok()) {
    Bytes refusal;
    if (hook != nullptr) {  // its nonce for the next version, stored before the refusal leaves
      auto made = Sendable(
          hook->RejectExtra(next.params(), next.backend_data(), next.current_version(), m.extra));
      Result<Bytes> data = made.ok() ? Result<Bytes>(std::move(made->data)) : made.status();
      if (UseHookData(next, std::move(data), "for a refusal")) refusal = std::move(made->extra);
    }
    if (!(next.record() == entry.channel.record())) {
      PARLEY_RETURN_IF_ERROR(Commit(entry, std::move(next)));
    }
    size_t lost = pending_before - entry.channel.pending().size();
    if (lost > 0) {  // lost the tie-break: retry after the peer
      entry.Requeue(lost);
      entry.yielding = true;
    }
    return reject(sig.status(), std::move(refusal));
  }
  entry.yielding = false;
  if (step) {
    next.SetBackendData(std::move(step->data));
    extra = std::move(step->extra);
  }
  // Built on this node's pending proposals (their answer was lost): the
  // countersigned state includes their actions.
  const size_t settled = pending_before - next.pending().size();
  // One synced write holds the countersigned state and this node's own next
  // proposals; the answer goes out before them, as they build on it.
  return CommitAndPropose(entry, std::move(next), /*draft_changed=*/true, [&] {
    entry.Settle(settled);
    Queue(from, wire::UpdateAccept{m.channel, m.state.version, *sig, std::move(extra)});
    Emit({NodeEvent::Kind::kUpdated, m.channel, m.state.version, ""});
  });
}

Status Node::OnUpdateAccept(Entry& entry, const wire::PeerId& from, const wire::UpdateAccept& m) {
  PARLEY_ASSIGN_OR_RETURN(ParticipantIndex signer, IndexOf(entry.channel.params(), from));
  Channel next = entry.channel;
  PARLEY_RETURN_IF_ERROR(next.HandleAccept(m.version, signer, m.sig));
  if (settlement::StateHook* hook = entry.Hook()) {  // before the state counts as fully signed
    auto data = hook->CheckExtra(next.params(), next.backend_data(), next.latest().state, m.extra);
    if (!data.ok()) {  // the proposal stays pending; latest() is the state before
      Emit({NodeEvent::Kind::kUpdateFailed, m.channel, m.version,
            "the peer's answer to version " + std::to_string(m.version) +
                " is refused: " + data.status().message()});
      return data.status();
    }
    next.SetBackendData(std::move(data).value());
  }
  // The completed state and the next proposals share one synced write.
  return CommitAndPropose(entry, std::move(next), /*draft_changed=*/true, [&] {
    entry.Settle(1);
    Emit({NodeEvent::Kind::kUpdated, m.channel, m.version, ""});
  });
}

Status Node::OnUpdateReject(Entry& entry, const wire::PeerId& from, const wire::UpdateReject& m) {
  PARLEY_RETURN_IF_ERROR(IndexOf(entry.channel.params(), from).status());
  Channel next = entry.channel;
  size_t pending_before = next.pending().size();
  PARLEY_RETURN_IF_ERROR(next.HandleReject(m.version));
  if (settlement::StateHook* hook = entry.Hook()) {  // the refuser's nonce for its next version
    UseHookData(next, hook->CheckRejectExtra(next.params(), next.backend_data(), m.extra),
                "of the peer's refusal");
  }
  size_t dropped = pending_before - next.pending().size();
  PARLEY_RETURN_IF_ERROR(Commit(entry, std::move(next)));
  if (m.code == StatusCode::kAborted) {
    entry.Requeue(dropped);  // proposals crossed; ours go again at the next versions
  } else {
    // The refused proposal's actions fail; those built on it go again.
    entry.Requeue(dropped - 1);
    if (!entry.in_flight.empty()) entry.in_flight.pop_back();
    entry.closing_in_flight = false;
    Emit({NodeEvent::Kind::kUpdateFailed, m.channel, m.version,
          "the peer refused version " + std::to_string(m.version) + ": " + m.reason});
  }
  Status proposed = ProposeQueued(entry);
  // The peer lost the crossing and waits for this node's retry. A proposal
  // restored after a restart has no actions to retry: say where this node
  // stands instead, which ends the wait.
  if (m.code == StatusCode::kAborted && entry.channel.pending().empty()) QueueSync(entry);
  return proposed;
}

Status Node::OnStateOffer(Entry& entry, const wire::PeerId& from, const wire::StateOffer& m) {
  PARLEY_ASSIGN_OR_RETURN(ParticipantIndex maker, IndexOf(entry.channel.params(), from));
  Channel next = entry.channel;
  PARLEY_RETURN_IF_ERROR(next.HandleOffer(m.state, maker, m.sig));
  PARLEY_RETURN_IF_ERROR(Commit(entry, std::move(next)));  // the best offer is money: keep it
  Emit({NodeEvent::Kind::kOffered, m.channel, m.state.version, ""});
  return Status::Ok();
}

Status Node::OnSyncState(Entry& entry, const wire::PeerId& from, const wire::SyncState& m) {
  PARLEY_RETURN_IF_ERROR(IndexOf(entry.channel.params(), from).status());
  Channel next = entry.channel;
  PARLEY_ASSIGN_OR_RETURN(auto outcome, next.AdoptSigned(m.state));
  switch (outcome) {
    case Channel::SyncOutcome::kKnown:
      if (settlement::StateHook* hook = entry.Hook(); hook != nullptr && !m.extra.empty()) {
        // The peer's next nonce, say after a refusal whose answer was lost.
        auto data =
            hook->CheckSyncExtra(next.params(), next.backend_data(), m.state.state, m.extra);
        if (UseHookData(next, std::move(data), "of the peer's state") &&
            next.backend_data() != entry.channel.backend_data()) {
          PARLEY_RETURN_IF_ERROR(Commit(entry, std::move(next)));
        }
      }
      ResendPending(entry);  // the peer may have (re)started and missed it
      // The peer sent whatever retry it owed before this (a peer's messages
      // arrive in order), and a restarted peer owes none: stop waiting.
      entry.yielding = false;
      return ProposeQueued(entry);
    case Channel::SyncOutcome::kConflict: {
      // Someone signed two states of one version: keep both, and say so.
      const channel::SignedState& ours = entry.channel.latest();
      PARLEY_RETURN_IF_ERROR(channels_store_.PutEvidence(ours, m.state));
      Emit({NodeEvent::Kind::kEquivocation, m.channel, ours.state.version,
            "the peer holds a different fully signed state of version " +
                std::to_string(ours.state.version) + "; both are kept as evidence"});
      return Status::Ok();
    }
    case Channel::SyncOutcome::kAdopted:
      entry.yielding = false;
      return AdoptNewer(entry, std::move(next), "synced from the peer", &m.extra);
  }
  return Status::Ok();
}

Status Node::AdoptState(const ChannelId& id, const channel::SignedState& state) {
  return OnChannel(id, [&](Entry& entry) -> Status {
    Channel next = entry.channel;
    PARLEY_ASSIGN_OR_RETURN(auto outcome, next.AdoptSigned(state));
    if (outcome != Channel::SyncOutcome::kAdopted) {
      return Status::FailedPrecondition("version " + std::to_string(state.state.version) +
                                        " is not newer than the latest, version " +
                                        std::to_string(entry.channel.latest().state.version));
    }
    return AdoptNewer(entry, std::move(next), "adopted", nullptr);
  });
}

Status Node::AdoptNewer(Entry& entry, Channel next, const std::string& how, const Bytes* extra) {
  if (settlement::StateHook* hook = entry.Hook()) {  // only with what settles the state
    if (extra == nullptr) {
      return Status::FailedPrecondition(
          "channel " + ShortId(next.id()) + " settles on backend '" + next.params().backend +
          "', whose states need the backend's data, which only the peer's SyncState carries; "
          "reconnect to the peer to sync the channel");
    }
    PARLEY_ASSIGN_OR_RETURN(Bytes data, hook->CheckSyncExtra(next.params(), next.backend_data(),
                                                             next.latest().state, *extra));
    next.SetBackendData(std::move(data));
  }
  uint64_t adopted = next.latest().state.version;
  const auto& before = entry.channel.pending();
  size_t settled = std::count_if(before.begin(), before.end(), [&](const channel::SignedState& p) {
    return p.state.version <= adopted;
  });
  size_t moot = before.size() - settled - next.pending().size();
  PARLEY_RETURN_IF_ERROR(Commit(entry, std::move(next)));
  const Channel& c = entry.channel;
  entry.Requeue(moot);    // built on a state the adopted one replaced
  entry.Settle(settled);  // their actions are in a state both have signed
  Emit({NodeEvent::Kind::kUpdated, c.id(), c.latest().state.version, how});
  ResendPending(entry);                 // if one is still above the adopted state
  if (c.phase() == Phase::kDisputed) {  // refute with it while we can
    Status refuted = entry.backend.adjudicator.Register(c.params(), c.latest());
    if (!refuted.ok()) {
      spdlog::warn("channel {}: registering the adopted state: {}", ShortId(c.id()),
                   refuted.ToString());
    }
  }
  PARLEY_RETURN_IF_ERROR(AdvanceFunding(entry));  // an initial state completed by sync
  return ProposeQueued(entry);
}

}  // namespace parley::client
