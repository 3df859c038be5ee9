// Node: a burst of messages handled with one synced write (group commit).
// Each update proposal or answer of an open channel is handled as usual,
// but its channel stays locked and its new record, messages and events are
// held in a WriteGroup; when the burst ends (or a message that cannot join
// arrives) the records that changed go to the disk in one write, and only
// then is anything they produced sent. A write that fails puts the changed
// channels back as they were before the group and resynchronizes them with
// the peer.
#include <spdlog/spdlog.h>

#include "node_entry.h"
#include "parley/client/node.h"

namespace parley::client {
thread_local Node::WriteGroup* Node::active_group_ = nullptr;

Node::WriteGroup* Node::ActiveGroup() const {
  return active_group_ != nullptr && &active_group_->node == this ? active_group_ : nullptr;
}

Status Node::HandleMessage(const wire::PeerId& from, ByteView bytes) {
  std::vector<wire::Transport::Incoming> one;
  one.push_back({from, Bytes(bytes.begin(), bytes.end())});
  return HandleMessages(std::move(one))[0];
}

std::vector<Status> Node::HandleMessages(std::vector<wire::Transport::Incoming> messages) {
  std::vector<Status> outcomes(messages.size());
  Flush();  // act on what the ledger has reported so far
  WriteGroup group(*this);
  for (size_t i = 0; i < messages.size(); ++i) {
    auto message = wire::DecodeMessage(messages[i].message);
    if (!message.ok()) {
      outcomes[i] = message.status();
      continue;
    }
    HandleInGroup(group, messages[i].from, *message, outcomes[i]);
  }
  CloseGroup(group);
  Flush();
  return outcomes;
}

void Node::HandleInGroup(WriteGroup& group, const wire::PeerId& from, const wire::Message& message,
                         Status& outcome) {
  if (auto restored = group.restored.find(wire::ChannelOf(message));
      restored != group.restored.end()) {
    outcome = restored->second;  // handled against the restored state, it could mislead
    return;
  }
  auto alone = [&] {
    CloseGroup(group);
    Flush();  // what the group produced goes out before this message is handled
    outcome = Dispatch(from, message);
    Flush();
  };
  if (!std::holds_alternative<wire::UpdateProposal>(message) &&
      !std::holds_alternative<wire::UpdateAccept>(message)) {
    return alone();
  }
  auto found = Find(wire::ChannelOf(message));
  if (!found.ok()) return alone();
  Entry& entry = **found;
  WriteGroup::Member* member = group.MemberOf(entry);
  if (member == nullptr) {
    std::unique_lock lock(entry.mutex, std::defer_lock);
    // Waiting for a lock while holding others could deadlock, and would hold
    // back what the group produced: the group closes first.
    if (!lock.try_lock()) {
      CloseGroup(group);
      Flush();
      lock.lock();
    }
    if (entry.channel.phase() != channel::Phase::kOpen) {  // funding, disputed, ...
      lock.unlock();
      return alone();
    }
    member =
        &group.members.emplace_back(WriteGroup::Member{.entry = &entry,
                                                       .lock = std::move(lock),
                                                       .channel = entry.channel,
                                                       .in_flight = entry.in_flight,
                                                       .close_requested = entry.close_requested,
                                                       .closing_in_flight = entry.closing_in_flight,
                                                       .yielding = entry.yielding,
                                                       .log = {},
                                                       .messages = {},
                                                       .events = {},
                                                       .outcomes = {}});
    entry.group_log = &member->log;
  }
  // The handler stages into the member; the guard ends that however it returns.
  struct Active {
    WriteGroup& group;
    Active(WriteGroup& g, WriteGroup::Member& m) : group(g) {
      active_group_ = &group;
      group.current = &m;
    }
    ~Active() {
      group.current = nullptr;
      active_group_ = nullptr;
    }
  } active(group, *member);
  if (const auto* proposal = std::get_if<wire::UpdateProposal>(&message)) {
    outcome = OnUpdateProposal(entry, from, *proposal);
  } else {
    outcome = OnUpdateAccept(entry, from, std::get<wire::UpdateAccept>(message));
  }
  member->outcomes.push_back(&outcome);
}

void Node::CloseGroup(WriteGroup& group) {
  if (group.members.empty()) return;
  std::vector<channel::ChannelRecord> records;
  for (const auto& member : group.members) {
    if (member.log.changed) records.push_back(member.entry->channel.record());
  }
  Status durable = records.empty() ? Status::Ok() : channels_store_.PutAll(records);
  if (!durable.ok()) {
    spdlog::warn("{} channel(s) restored as they were: {}", records.size(), durable.ToString());
  }
  for (auto& member : group.members) {
    Entry& entry = *member.entry;
    entry.group_log = nullptr;
    if (durable.ok() || !member.log.changed) {  // what it produced may go out
      if (member.log.changed) entry.resynced_after_failure = false;
      std::lock_guard lock(mutex_);
      for (auto& message : member.messages) outbox_.push_back(std::move(message));
      for (auto& event : member.events) emitted_.push_back(std::move(event));
      continue;
    }
    entry.channel = std::move(member.channel);
    entry.in_flight = std::move(member.in_flight);
    entry.close_requested = member.close_requested;
    entry.closing_in_flight = member.closing_in_flight;
    entry.yielding = member.yielding;
    entry.UndoQueueSteps(member.log.queue_steps);
    for (Status* outcome : member.outcomes) *outcome = durable;
    group.restored.emplace(entry.channel.id(), durable);
    Emit({NodeEvent::Kind::kUpdateFailed, entry.channel.id(), entry.channel.latest().state.version,
          "the peer's messages were not kept: " + durable.message() +
              "; resynchronizing with the peer"});
    // The peer learns where this node stands and sends again what it had
    // sent; nothing new is signed. Once only, until a write succeeds.
    if (!entry.resynced_after_failure) {
      entry.resynced_after_failure = true;
      OfferLatest(entry);
    }
  }
  group.members.clear();  // unlocks
}

}  // namespace parley::client
