// Node::Entry: what the node keeps per channel besides the channel itself.
// Private to framework/client.
#pragma once

#include <algorithm>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "parley/client/node.h"

namespace parley::client {

// A reason a peer can decode: at most wire::kMaxReasonLength bytes.
inline std::string Reason(const Status& status) {
  return status.message().substr(0, wire::kMaxReasonLength);
}

// A hook step whose extra fits in a message; Internal (a bug of the hook)
// otherwise.
inline Result<settlement::HookStep> Sendable(Result<settlement::HookStep> step) {
  if (step.ok() && step->extra.size() > wire::kMaxExtraSize) {
    return Status::Internal("the backend's hook gave " + std::to_string(step->extra.size()) +
                            " bytes for a message, above the limit of " +
                            std::to_string(wire::kMaxExtraSize));
  }
  return step;
}

// The first 12 hex digits of a channel id, for messages and logs.
inline std::string ShortId(const channel::ChannelId& id) { return ToHex(id).substr(0, 12); }

struct Node::Entry {
  Entry(channel::Channel c, const SettlementBackend& b)
      : peer(c.params().participants[1 - c.self()]),
        backend(b),
        channel(std::move(c)),
        // A channel restored from the store keeps its proposals, while their
        // actions were in memory only: each still gets its (empty) place, so
        // that answers settle the right ones.
        in_flight(channel.pending().size()),
        closing_in_flight(!channel.pending().empty() && channel.pending().back().state.is_final) {}

  // Both fixed for the channel's life: readable without the lock.
  const wire::PeerId peer;
  const SettlementBackend& backend;  // the one its params name
  std::mutex mutex;                  // guards everything below
  channel::Channel channel;
  std::deque<Bytes> queued;  // actions not proposed yet
  // The actions inside each of channel.pending(), in the same order.
  std::deque<std::vector<Bytes>> in_flight;
  bool close_requested = false;
  bool closing_in_flight = false;  // the last of channel.pending() is the final state
  bool yielding = false;           // lost a tie-break: wait for the peer's next proposal
  // What this node has sent to the ledger as its deposit, per asset, whether
  // confirmed or not: a deposit whose receipt is late is not sent again.
  std::map<std::string, channel::Amount> deposits_sent;
  // A failed write restored the channel and the peer was offered a resync;
  // until a write succeeds, another failure offers none (no retry loop).
  bool resynced_after_failure = false;

  // While the entry is in a WriteGroup: whether its channel changed, and
  // what happened at the front of `queued` (an action taken, or so many
  // actions put back), so that a failed write can put it back as it was.
  struct QueueStep {
    std::optional<Bytes> taken;
    size_t requeued = 0;
  };
  struct GroupLog {
    bool changed = false;
    std::vector<QueueStep> queue_steps;
  };
  GroupLog* group_log = nullptr;

  const wire::PeerId& Peer() const { return peer; }
  // The backend's state hook (docs/statechain.md, "In the node"), or null.
  settlement::StateHook* Hook() const { return backend.hook; }
  // The oldest queued action, removed from the queue.
  Bytes TakeQueued() {
    Bytes action = std::move(queued.front());
    queued.pop_front();
    if (group_log) group_log->queue_steps.push_back({.taken = action});
    return action;
  }
  // Undoes `steps`, newest first.
  void UndoQueueSteps(std::vector<QueueStep>& steps) {
    for (auto step = steps.rbegin(); step != steps.rend(); ++step) {
      if (step->taken) {
        queued.push_front(std::move(*step->taken));
      } else {
        queued.erase(queued.begin(), queued.begin() + step->requeued);
      }
    }
    steps.clear();
  }
  size_t InFlightActions() const {
    size_t n = 0;
    for (const auto& actions : in_flight) n += actions.size();
    return n;
  }
  // The oldest `count` proposals are in a fully signed state now.
  void Settle(size_t count) {
    in_flight.erase(in_flight.begin(), in_flight.begin() + std::min(count, in_flight.size()));
    if (in_flight.empty()) closing_in_flight = false;
  }
  // Puts the actions of the newest `count` proposals back at the front of
  // the queue, in order: those proposals are gone.
  void Requeue(size_t count) {
    for (; count > 0 && !in_flight.empty(); --count) {
      queued.insert(queued.begin(), in_flight.back().begin(), in_flight.back().end());
      if (group_log) group_log->queue_steps.push_back({.requeued = in_flight.back().size()});
      in_flight.pop_back();
      close_requested = close_requested || closing_in_flight;
      closing_in_flight = false;  // the final state is always the newest
    }
  }
};

// Channels handled together from one burst of messages (Node::HandleMessages):
// each stays locked until the records that changed are written in one synced
// write, and what each produces (messages, events) waits here until then.
struct Node::WriteGroup {
  struct Member {
    Entry* entry;
    std::unique_lock<std::mutex> lock;
    // The entry as it was before the group, restored if the write fails.
    channel::Channel channel;
    std::deque<std::vector<Bytes>> in_flight;
    bool close_requested;
    bool closing_in_flight;
    bool yielding;
    Entry::GroupLog log;
    // What its handlers produced, and where their outcomes go.
    Outbox messages;
    std::vector<NodeEvent> events;
    std::vector<Status*> outcomes;
  };

  explicit WriteGroup(const Node& n) : node(n) {}
  Member* MemberOf(const Entry& entry) {
    for (Member& member : members) {
      if (member.entry == &entry) return &member;
    }
    return nullptr;
  }

  const Node& node;
  std::deque<Member> members;  // a deque: entries point at their member's log
  Member* current = nullptr;   // whose handler runs now
  // Channels of this burst restored after a failed write, and why: the rest
  // of the burst's messages for them are refused (the peer resends them).
  std::map<channel::ChannelId, Status> restored;
};

}  // namespace parley::client
