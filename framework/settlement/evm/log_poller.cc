#include "log_poller.h"

#include <spdlog/spdlog.h>

#include "contract_abi.h"
#include "parley/crypto/hash.h"
#include "parley/util/codec.h"

namespace parley::settlement::evm {

namespace {

using abi::Type;
using abi::Value;

constexpr size_t kReorgMemory = 128;  // scanned blocks remembered

Hash32 Topic(const std::string& signature) { return crypto::Keccak256(AsBytes(signature)); }

const channel::Amount& UintOf(const Value& v) { return std::get<channel::Amount>(v.data); }

// Deposited and Withdrawn share their data: (participant, asset, amount).
Result<std::optional<Event>> TransferEvent(EventKind kind, const channel::ChannelId& channel,
                                           const Log& log) {
  PARLEY_ASSIGN_OR_RETURN(
      auto values, abi::Decode({Type::Uint(256), Type::Address(), Type::Uint(256)}, log.data));
  if (UintOf(values[0]) >= channel::kMaxParticipants) {
    return Status::InvalidArgument("the event names participant " + UintOf(values[0]).str());
  }
  return std::optional(
      Event{.kind = kind,
            .channel = channel,
            .participant = static_cast<channel::ParticipantIndex>(UintOf(values[0])),
            .asset = AssetName(std::get<crypto::EthAddress>(values[1].data)),
            .amount = UintOf(values[2])});
}

}  // namespace

Hash32 RegisteredTopic() {
  static const Hash32 topic = Topic(contract::RegisteredEvent());
  return topic;
}

Hash32 ProgressedTopic() {
  static const Hash32 topic = Topic(contract::ProgressedEvent());
  return topic;
}

Result<channel::SignedState> DisputedStateOf(const Log& log) {
  std::vector<Type> types = {Type::Uint(64), Type::Uint(64), StateType(), SignaturesType()};
  if (!log.topics.empty() && log.topics[0] == ProgressedTopic()) {
    types.insert(types.begin() + 2, Type::Uint(256));  // the actor
  }
  PARLEY_ASSIGN_OR_RETURN(auto values, abi::Decode(types, log.data));
  channel::SignedState out;
  PARLEY_ASSIGN_OR_RETURN(out.state, StateFromValue(values[types.size() - 2]));
  PARLEY_ASSIGN_OR_RETURN(auto sigs, SignaturesFromValue(values.back()));
  for (auto& sig : sigs) {
    out.sigs.push_back(sig.empty() ? std::nullopt : std::optional(std::move(sig)));
  }
  return out;
}

Result<std::optional<Event>> DecodeEvent(const Log& log) {
  static const Hash32 deposited = Topic(contract::DepositedEvent());
  static const Hash32 withdrawn = Topic(contract::WithdrawnEvent());
  static const Hash32 concluded = Topic(contract::ConcludedEvent());
  if (log.topics.size() != 2) return std::optional<Event>();
  const Hash32& kind = log.topics[0];
  const channel::ChannelId& channel = log.topics[1];
  if (kind == deposited) return TransferEvent(EventKind::kDeposited, channel, log);
  if (kind == withdrawn) return TransferEvent(EventKind::kWithdrawn, channel, log);
  if (kind == concluded) {
    PARLEY_ASSIGN_OR_RETURN(auto values, abi::Decode({Type::Uint(64)}, log.data));
    return std::optional(Event{.kind = EventKind::kConcluded,
                               .channel = channel,
                               .version = static_cast<uint64_t>(UintOf(values[0]))});
  }
  bool progressed = kind == ProgressedTopic();
  if (!progressed && kind != RegisteredTopic()) return std::optional<Event>();
  std::vector<Type> head = {Type::Uint(64), Type::Uint(64)};
  if (progressed) head.push_back(Type::Uint(256));
  PARLEY_ASSIGN_OR_RETURN(auto values, abi::Decode(head, log.data));
  Event e{.kind = progressed ? EventKind::kProgressed : EventKind::kRegistered,
          .channel = channel,
          .version = static_cast<uint64_t>(UintOf(values[0])),
          .timeout = static_cast<Tick>(UintOf(values[1]))};
  if (progressed) {
    if (UintOf(values[2]) >= channel::kMaxParticipants) {
      return Status::InvalidArgument("the event names participant " + UintOf(values[2]).str());
    }
    e.participant = static_cast<channel::ParticipantIndex>(UintOf(values[2]));
  }
  return std::optional(e);
}

LogPoller::LogPoller(const EthClient& chain, const crypto::EthAddress& contract,
                     uint64_t confirmations, std::chrono::milliseconds interval,
                     store::Store* cursor_store)
    : chain_(chain),
      contract_(contract),
      confirmations_(std::max<uint64_t>(confirmations, 1)),
      interval_(interval),
      cursor_store_(cursor_store),
      cursor_key_("evm/cursor/" + crypto::AddressToHex(contract)) {
  if (cursor_store_ == nullptr) return;
  auto stored = cursor_store_->Get(cursor_key_);
  if (!stored.ok()) return;  // a first start
  Reader r(*stored, "evm event cursor");
  uint64_t block = 0;
  if (r.U64(&block).ok() && r.Finish().ok()) {
    resume_from_ = block + 1;
  } else {
    spdlog::warn("evm: the stored event cursor does not decode; starting from the next block");
  }
}

LogPoller::~LogPoller() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

uint64_t LogPoller::Subscribe(const channel::ChannelId& channel, Adjudicator::Handler handler) {
  // Events from the block after the newest one now: an operation that returns
  // after this call lands in a later block.
  auto head = chain_.BlockNumber();
  if (!head.ok())
    spdlog::warn("evm: subscribing without the chain's height: {}", head.status().ToString());
  std::lock_guard lock(mutex_);
  uint64_t from = head.ok() ? *head + 1 : 0;
  if (resume_from_) from = std::min(from, *resume_from_);
  if (subscriptions_.empty() && scanned_.empty()) next_block_ = from;
  uint64_t id = next_subscription_++;
  subscriptions_[id] = {channel, from, std::move(handler)};
  if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
  return id;
}

void LogPoller::Unsubscribe(uint64_t subscription) {
  {
    std::lock_guard lock(mutex_);
    subscriptions_.erase(subscription);
  }
  if (std::this_thread::get_id() == thread_.get_id()) return;  // from within a handler
  std::lock_guard wait_for_delivery(delivering_);
}

void LogPoller::Run() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    lock.unlock();
    Status s = PollOnce();
    if (!s.ok()) spdlog::warn("evm: reading the adjudicator's events: {}", s.ToString());
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stop_; });
  }
}

Status LogPoller::RewindPastReorg() {
  std::lock_guard lock(mutex_);
  while (!scanned_.empty()) {
    auto block = chain_.GetBlock(scanned_.back().first);
    if (!block.ok() && block.status().code() != StatusCode::kNotFound) return block.status();
    if (block.ok() && block->hash == scanned_.back().second) break;
    next_block_ = scanned_.back().first;  // scan it again, on the new branch
    scanned_.pop_back();
  }
  return Status::Ok();
}

Status LogPoller::PollOnce() {
  PARLEY_RETURN_IF_ERROR(RewindPastReorg());
  PARLEY_ASSIGN_OR_RETURN(uint64_t head, chain_.BlockNumber());
  if (head + 1 < confirmations_) return Status::Ok();
  uint64_t last = head + 1 - confirmations_;
  std::vector<Hash32> channels;
  uint64_t from;
  {
    std::lock_guard lock(mutex_);
    from = next_block_;
    for (const auto& [id, sub] : subscriptions_) channels.push_back(sub.channel);
  }
  if (last < from || channels.empty()) return Status::Ok();
  PARLEY_ASSIGN_OR_RETURN(std::vector<Log> logs, chain_.GetLogs({.addresses = {contract_},
                                                                 .topics = {{}, channels},
                                                                 .from_block = from,
                                                                 .to_block = last}));
  PARLEY_ASSIGN_OR_RETURN(Block last_block, chain_.GetBlock(last));

  std::lock_guard delivering(delivering_);
  for (const Log& log : logs) {
    auto event = DecodeEvent(log);
    if (!event.ok()) {
      spdlog::warn("evm: skipping a log that does not decode: {}", event.status().ToString());
      continue;
    }
    if (!*event) continue;
    std::vector<Adjudicator::Handler> handlers;
    {
      std::lock_guard lock(mutex_);
      for (const auto& [id, sub] : subscriptions_) {
        if (sub.channel == (*event)->channel && log.block_number >= sub.from_block) {
          handlers.push_back(sub.handler);
        }
      }
    }
    for (const auto& handler : handlers) handler(**event);
  }
  if (cursor_store_ != nullptr) {
    Writer w;
    w.U64(last);
    store::WriteBatch batch;
    batch.Put(cursor_key_, w.Take());
    PARLEY_RETURN_IF_ERROR(cursor_store_->Write(batch));
  }
  std::lock_guard lock(mutex_);
  next_block_ = last + 1;
  scanned_.emplace_back(last, last_block.hash);
  if (scanned_.size() > kReorgMemory) scanned_.pop_front();
  return Status::Ok();
}

}  // namespace parley::settlement::evm
