// Node: a burst of messages handled with one synced write (group commit).
// Each update proposal or answer of an open channel is handled as usual,
// but its channel stays locked and its new record, messages and events are
// held in a WriteGroup; when the burst ends (or a message that cannot join
// arrives) every record of the group goes to the disk in one write, and only
// then is anything sent. A write that fails puts every channel of the group
// back as it was before the burst.
#include <spdlog/spdlog.h>

#include "node_entry.h"
#include "parley/client/node.h"

namespace parley::client {

thread_local Node::WriteGroup* Node::active_group_ = nullptr;

Node::WriteGroup* Node::ActiveGroup() const {
  return active_group_ != nullptr && &active_group_->node == this ? active_group_ : nullptr;
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
  auto alone = [&] {
    CloseGroup(group);  // what the group produced goes out first
    outcome = Dispatch(from, message);
  };
  if (!std::holds_alternative<wire::UpdateProposal>(message) &&
      !std::holds_alternative<wire::UpdateAccept>(message)) {
    return alone();
  }
  auto found = Find(wire::ChannelOf(message));
  if (!found.ok()) return alone();
  Entry& entry = **found;
  if (entry.queue_steps == nullptr) {  // not in the group yet
    std::unique_lock lock(entry.mutex, std::defer_lock);
    // Blocking on a lock while holding others could deadlock: the group
    // closes first if the lock is taken.
    if (!lock.try_lock()) {
      CloseGroup(group);
      lock.lock();
    }
    if (entry.channel.phase() != channel::Phase::kOpen) {  // funding, disputed, ...
      lock.unlock();
      return alone();
    }
    group.members.push_back({.entry = &entry,
                             .lock = std::move(lock),
                             .channel = entry.channel,
                             .in_flight = entry.in_flight,
                             .close_requested = entry.close_requested,
                             .closing_in_flight = entry.closing_in_flight,
                             .yielding = entry.yielding,
                             .queue_steps = {}});
    entry.queue_steps = &group.members.back().queue_steps;
  }
  active_group_ = &group;
  if (const auto* proposal = std::get_if<wire::UpdateProposal>(&message)) {
    outcome = OnUpdateProposal(entry, from, *proposal);
  } else {
    outcome = OnUpdateAccept(entry, from, std::get<wire::UpdateAccept>(message));
  }
  active_group_ = nullptr;
  group.outcomes.push_back(&outcome);
}

void Node::CloseGroup(WriteGroup& group) {
  if (group.members.empty()) return;
  std::vector<channel::ChannelRecord> records;
  for (const auto& member : group.members) records.push_back(member.entry->channel.record());
  Status durable = channels_store_.PutAll(records);
  if (durable.ok()) {
    std::lock_guard lock(mutex_);
    for (auto& message : group.messages) outbox_.push_back(std::move(message));
    for (auto& event : group.events) emitted_.push_back(std::move(event));
  } else {
    spdlog::warn("{} channel(s) left as they were: {}", group.members.size(), durable.ToString());
    for (auto& member : group.members) {
      Entry& entry = *member.entry;
      entry.channel = std::move(member.channel);
      entry.in_flight = std::move(member.in_flight);
      entry.close_requested = member.close_requested;
      entry.closing_in_flight = member.closing_in_flight;
      entry.yielding = member.yielding;
      entry.UndoQueueSteps(member.queue_steps);
    }
    for (Status* outcome : group.outcomes) *outcome = durable;
  }
  for (auto& member : group.members) member.entry->queue_steps = nullptr;
  group.members.clear();  // unlocks
  group.messages.clear();
  group.events.clear();
  group.outcomes.clear();
}

}  // namespace parley::client
