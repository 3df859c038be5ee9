// The node's side of settlement: funding, the dispute watcher, force-close
// and settling.
#include <spdlog/spdlog.h>

#include <vector>

#include "node_entry.h"
#include "parley/client/node.h"

namespace parley::client {

using channel::Channel;
using channel::ChannelId;
using channel::Phase;

namespace {

// Whether every participant's deposit covers its balance.
bool AllDeposited(const std::vector<channel::Amount>& deposits,
                  const std::vector<channel::Amount>& balances) {
  for (size_t i = 0; i < deposits.size(); ++i) {
    if (deposits[i] < balances[i]) return false;
  }
  return true;
}

}  // namespace

Status Node::AdvanceFunding(Entry& entry) {
  const Channel& c = entry.channel;
  if (c.phase() != Phase::kFunding) return Status::Ok();
  if (settlement::StateHook* hook = entry.Hook()) {  // funds in place of the Funder
    PARLEY_RETURN_IF_ERROR(hook->Fund(c.params(), c.id(), c.backend_data(), c.self()));
    return OpenIfFunded(entry);
  }
  bool funded = true;          // by the deposits read here
  bool deposited_now = false;  // then what was read is out of date
  for (const auto& asset : c.latest().state.allocation.assets) {
    PARLEY_ASSIGN_OR_RETURN(auto deposits, entry.backend.funder.Deposits(c.params(), asset.asset));
    funded = funded && AllDeposited(deposits, asset.balances);
    const channel::Amount& mine = asset.balances[c.self()];
    const channel::Amount sent = std::max(deposits[c.self()], entry.deposits_sent[asset.asset]);
    if (sent < mine) {
      Status deposited =
          entry.backend.funder.Deposit(c.params(), c.self(), asset.asset, mine - sent);
      // An I/O error (no receipt in time) may still be mined: not again.
      if (deposited.ok() || deposited.code() == StatusCode::kIoError) {
        entry.deposits_sent[asset.asset] = mine;
      }
      PARLEY_RETURN_IF_ERROR(deposited);
      deposited_now = true;
    }
  }
  if (deposited_now) return OpenIfFunded(entry);
  return funded ? MarkOpen(entry) : Status::Ok();
}

Status Node::OpenIfFunded(Entry& entry) {
  const Channel& c = entry.channel;
  if (c.phase() != Phase::kFunding) return Status::Ok();
  if (settlement::StateHook* hook = entry.Hook()) {  // the hook says
    PARLEY_ASSIGN_OR_RETURN(bool funded, hook->Funded(c.id(), c.backend_data()));
    if (!funded) return Status::Ok();
  } else {
    for (const auto& asset : c.latest().state.allocation.assets) {
      PARLEY_ASSIGN_OR_RETURN(auto deposits,
                              entry.backend.funder.Deposits(c.params(), asset.asset));
      if (!AllDeposited(deposits, asset.balances)) return Status::Ok();  // one is still to come
    }
  }
  return MarkOpen(entry);
}

Status Node::MarkOpen(Entry& entry) {
  Channel next = entry.channel;
  PARLEY_RETURN_IF_ERROR(next.MarkFunded());
  PARLEY_RETURN_IF_ERROR(Commit(entry, std::move(next)));
  Emit({NodeEvent::Kind::kChannelOpen, entry.channel.id(), 0, ""});
  return ProposeQueued(entry);
}

void Node::OnLedgerEvent(const settlement::Event& event) {
  auto found = Find(event.channel);
  if (!found.ok()) return;
  std::lock_guard lock((*found)->mutex);
  HandleLedgerEvent(**found, event);
}

void Node::HandleLedgerEvent(Entry& entry, const settlement::Event& event) {
  const Channel& c = entry.channel;
  auto advance = [&](Status (Channel::*step)(), NodeEvent::Kind kind, uint64_t version) {
    Channel next = c;
    if (!(next.*step)().ok()) return;  // already there
    Status s = Commit(entry, std::move(next));
    if (!s.ok()) {
      spdlog::error("channel {}: cannot persist ledger event: {}", ShortId(event.channel),
                    s.ToString());
      return;
    }
    Emit({kind, event.channel, version, ""});
  };

  switch (event.kind) {
    case settlement::EventKind::kDeposited: {
      Status s = AdvanceFunding(entry);
      if (!s.ok()) spdlog::warn("channel {}: funding: {}", ShortId(event.channel), s.ToString());
      return;
    }
    case settlement::EventKind::kRegistered: {
      const channel::SignedState& latest = c.latest();
      // The watcher: a registered state older than ours is refuted at once.
      auto on_ledger = entry.backend.adjudicator.GetDispute(event.channel);
      bool stale = on_ledger.ok() && !on_ledger->concluded && !on_ledger->progressing &&
                   on_ledger->state.state.version < latest.state.version;
      if (c.phase() != Phase::kProposing && latest.FullySigned() && stale) {
        Status s = entry.backend.adjudicator.Register(c.params(), latest);
        if (s.ok()) {
          Emit({NodeEvent::Kind::kRefuted, event.channel, latest.state.version,
                "registered version " + std::to_string(on_ledger->state.state.version) +
                    " was stale"});
        } else {
          spdlog::error("channel {}: refuting version {} failed: {}", ShortId(event.channel),
                        event.version, s.ToString());
        }
      }
      if (c.phase() != Phase::kDisputed) {
        size_t dropped = entry.InFlightActions() + entry.queued.size();
        entry.in_flight.clear();
        entry.queued.clear();
        if (dropped > 0) {
          Emit({NodeEvent::Kind::kUpdateFailed, event.channel, event.version,
                std::to_string(dropped) + " action(s) dropped: the channel is in dispute"});
        }
        advance(&Channel::MarkDisputed, NodeEvent::Kind::kDisputed, event.version);
      }
      return;
    }
    case settlement::EventKind::kProgressed:
      Emit({NodeEvent::Kind::kDisputed, event.channel, event.version, "force-move"});
      return;
    case settlement::EventKind::kConcluded:
      advance(&Channel::MarkConcluded, NodeEvent::Kind::kConcluded, event.version);
      return;
    case settlement::EventKind::kWithdrawn:
      if (event.participant == c.self()) {
        advance(&Channel::MarkWithdrawn, NodeEvent::Kind::kWithdrawn, c.latest().state.version);
      }
      return;
  }
}

void Node::CatchUpWithLedger(Entry& entry) {
  const Channel& c = entry.channel;
  if (c.phase() == Phase::kProposing || c.phase() == Phase::kWithdrawn) return;
  auto dispute = entry.backend.adjudicator.GetDispute(c.id());
  if (!dispute.ok()) return;  // nothing registered
  ChannelId id = c.id();
  uint64_t version = dispute->state.state.version;
  HandleLedgerEvent(entry, {.kind = settlement::EventKind::kRegistered,
                            .channel = id,
                            .version = version,
                            .timeout = dispute->timeout});
  if (dispute->concluded) {
    HandleLedgerEvent(
        entry, {.kind = settlement::EventKind::kConcluded, .channel = id, .version = version});
  }
}

Status Node::ForceClose(const ChannelId& id) {
  return OnChannel(id, [&](Entry& entry) -> Status {
    const Channel& c = entry.channel;
    if (c.phase() != Phase::kOpen && c.phase() != Phase::kFinal && c.phase() != Phase::kFunding) {
      return Status::FailedPrecondition("channel " + ShortId(id) + " is " +
                                        channel::PhaseName(c.phase()) + "; nothing to force-close");
    }
    // The watcher marks it disputed.
    return entry.backend.adjudicator.Register(c.params(), c.latest());
  });
}

Status Node::ForceMove(const ChannelId& id, Bytes action) {
  return OnChannel(id, [&](Entry& entry) -> Status {
    const Channel& c = entry.channel;
    if (c.phase() != Phase::kDisputed) {
      return Status::FailedPrecondition("channel " + ShortId(id) + " is " +
                                        channel::PhaseName(c.phase()) +
                                        "; force-moves answer a dispute (force-close first)");
    }
    PARLEY_ASSIGN_OR_RETURN(settlement::Dispute dispute, entry.backend.adjudicator.GetDispute(id));
    if (dispute.concluded) {
      return Status::FailedPrecondition("channel " + ShortId(id) + " is already concluded");
    }
    PARLEY_ASSIGN_OR_RETURN(const channel::App* app, apps_.Find(c.params().app));
    if (!app->SupportsForceMove()) {
      return Status::FailedPrecondition("app '" + app->id() +
                                        "' is not turn-based: no force-moves");
    }
    const channel::State& on_ledger = dispute.state.state;
    PARLEY_ASSIGN_OR_RETURN(channel::State next,
                            app->ApplyAction(c.params(), on_ledger, c.self(), action));
    Channel after = c;
    PARLEY_ASSIGN_OR_RETURN(channel::SignedState move, after.SignForceMove(on_ledger, next, key_));
    PARLEY_RETURN_IF_ERROR(Commit(entry, std::move(after)));  // the guard is durable first
    return entry.backend.adjudicator.Progress(entry.channel.params(), move, entry.channel.self());
  });
}

Status Node::Settle(const ChannelId& id) {
  return OnChannel(id, [&](Entry& entry) -> Status {
    const Channel& c = entry.channel;
    // Paid already: by an earlier call, or by the peer's settling when the
    // ledger pays every participant at once.
    if (c.phase() == Phase::kWithdrawn) return Status::Ok();
    if (c.phase() != Phase::kFinal && c.phase() != Phase::kDisputed &&
        c.phase() != Phase::kConcluded) {
      return Status::FailedPrecondition("channel " + ShortId(id) + " is " +
                                        channel::PhaseName(c.phase()) +
                                        "; close or force-close it first");
    }
    // The watcher records what the ledger did.
    if (settlement::StateHook* hook = entry.Hook()) {
      return hook->ConcludeAndWithdraw(c.params(), c.backend_data(), c.latest(), c.self());
    }
    return entry.backend.adjudicator.ConcludeAndWithdraw(c.params(), c.latest(), c.self());
  });
}

}  // namespace parley::client
