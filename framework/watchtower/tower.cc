#include "parley/watchtower/tower.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "challenge_book.h"
#include "tower_record.h"

namespace parley::watchtower {

using channel::ChannelId;

namespace {

std::string Short(const ChannelId& id) { return ToHex(id).substr(0, 8); }

bool Contains(const std::vector<crypto::PublicKey>& keys, const crypto::PublicKey& key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

}  // namespace

struct Tower::Held {
  TowerRecord record;
  std::optional<uint64_t> subscription;
};

Tower::Tower(store::Store& store, settlement::Adjudicator& adjudicator,
             const channel::SignatureScheme& scheme, TowerOptions options)
    : store_(store),
      adjudicator_(adjudicator),
      scheme_(scheme),
      options_(std::move(options)),
      challenges_(std::make_unique<ChallengeBook>(options_.challenge_ttl, options_.max_challenges,
                                                  options_.now)) {}

Tower::~Tower() {
  std::vector<uint64_t> subscriptions;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, held] : held_) {
      if (held->subscription) subscriptions.push_back(*held->subscription);
    }
  }
  for (uint64_t s : subscriptions) adjudicator_.Unsubscribe(s);
}

Status Tower::Start() {
  std::vector<std::pair<std::string, Bytes>> stored;
  PARLEY_RETURN_IF_ERROR(store_.Scan(kRecordPrefix, [&](std::string_view key, ByteView value) {
    stored.emplace_back(std::string(key), Bytes(value.begin(), value.end()));
  }));
  std::vector<ChannelId> ids;
  {
    std::lock_guard lock(mutex_);
    for (auto& [key, value] : stored) {
      auto record = DecodeRecord(value);
      if (!record.ok()) return record.status().WithContext(key);
      ChannelId id = scheme_.ComputeChannelId(record->params);
      if (RecordKey(id) != key || record->latest.state.channel_id != id) {
        return Status::Corruption(key + " holds channel " + ToHex(id) +
                                  "'s params and a state of " +
                                  ToHex(record->latest.state.channel_id));
      }
      for (const auto& client : record->clients) ++used_[client];
      held_[id] = std::make_unique<Held>(Held{std::move(*record), std::nullopt});
      ids.push_back(id);
    }
  }
  // Subscribe first, then read the ledger: nothing registered in between is
  // missed, and whatever was registered while the tower was down is caught.
  for (const auto& id : ids) Watch(id);
  for (const auto& id : ids) Check(id);
  spdlog::info("watching {} channel(s)", ids.size());
  return Status::Ok();
}

Hash32 Tower::NewChallenge() { return challenges_->Issue(); }

Status Tower::Authenticate(const Auth& auth, std::string_view call, ByteView content) {
  return challenges_->Redeem(auth, call, content);
}

Status Tower::CheckRequest(const crypto::PublicKey& client, const channel::Params& params,
                           const channel::SignedState& state) const {
  if (!options_.allowed_clients.empty() && !Contains(options_.allowed_clients, client)) {
    return Status::PermissionDenied("client " + client.ToHex() +
                                    " is not one of this tower's clients; its operator lists "
                                    "them with --allow-client");
  }
  PARLEY_RETURN_IF_ERROR(channel::ValidateParams(params).WithContext("params"));
  if (params.backend != scheme_.name()) {
    return Status::InvalidArgument("the channel settles on '" + params.backend +
                                   "'; this tower watches '" + std::string(scheme_.name()) +
                                   "' channels");
  }
  ChannelId id = scheme_.ComputeChannelId(params);
  if (!Contains(params.participants, client)) {
    return Status::PermissionDenied("client " + client.ToHex() +
                                    " is not a participant of channel " + ToHex(id) +
                                    "; a tower keeps states for participants only");
  }
  if (state.state.channel_id != id) {
    return Status::InvalidArgument("the state is of channel " + ToHex(state.state.channel_id) +
                                   ", the params of channel " + ToHex(id));
  }
  PARLEY_RETURN_IF_ERROR(channel::ValidateState(state.state, params.participants.size()));
  return channel::VerifySignatures(scheme_, params, state, /*require_all=*/true)
      .WithContext("version " + std::to_string(state.state.version) +
                   " must be signed by every participant");
}

StoreOutcome Tower::StoreState(const crypto::PublicKey& client, const channel::Params& params,
                               const channel::SignedState& state) {
  Status checked = CheckRequest(client, params, state);
  if (!checked.ok()) return {.status = checked};
  const ChannelId id = state.state.channel_id;
  bool created = false;
  bool check = false;
  StoreOutcome outcome;
  {
    std::lock_guard lock(mutex_);
    outcome = Put(client, params, state, created);
    check = outcome.status.ok() && (created || disputed_.contains(id));
  }
  if (created) Watch(id);
  // A new channel may already be in dispute, and a newer state may refute a
  // dispute the tower could not answer before.
  if (check) Check(id);
  return outcome;
}

StoreOutcome Tower::Put(const crypto::PublicKey& client, const channel::Params& params,
                        const channel::SignedState& state, bool& created) {
  const ChannelId id = state.state.channel_id;
  const uint64_t version = state.state.version;
  auto it = held_.find(id);
  const bool known = it != held_.end();
  const bool is_client = known && Contains(it->second->record.clients, client);
  auto used = used_.find(client);
  size_t used_now = used == used_.end() ? 0 : used->second;
  bool newer = !known;
  if (known) {
    const channel::SignedState& held = it->second->record.latest;
    if (version < held.state.version) {
      return {.status = Status::FailedPrecondition(
                  "the tower holds version " + std::to_string(held.state.version) + " of channel " +
                  ToHex(id) + "; version " + std::to_string(version) +
                  " is older and was ignored")};
    }
    if (version == held.state.version && state.state != held.state) {
      return {.status = Status::FailedPrecondition("the tower holds a different state of version " +
                                                   std::to_string(version) + " of channel " +
                                                   ToHex(id) + ", signed by every participant")};
    }
    newer = version > held.state.version;
  }
  if (!is_client) {
    if (used_now >= options_.quota_per_client) {
      return {.status = Status::FailedPrecondition(
                  "client " + client.ToHex() + " has " + std::to_string(used_now) +
                  " channel(s) watched, its quota; more are accepted once some conclude"),
              .over_quota = true};
    }
    if (!known && held_.size() >= options_.max_channels) {
      return {
          .status = Status::FailedPrecondition("the tower watches its maximum of " +
                                               std::to_string(options_.max_channels) + " channels"),
          .over_quota = true};
    }
  }
  TowerRecord next = known ? it->second->record : TowerRecord{.params = params, .latest = state};
  if (newer) next.latest = state;
  if (!is_client) next.clients.push_back(client);
  if (newer || !is_client) {
    Status s = Persist(id, next);
    if (!s.ok()) return {.status = s};
  }
  if (!known) it = held_.emplace(id, std::make_unique<Held>()).first;
  it->second->record = std::move(next);
  if (!is_client) used_now = ++used_[client];
  created = !known;
  return {.channel = {.id = id,
                      .version = it->second->record.latest.state.version,
                      .refuted_version = it->second->record.refuted_version},
          .channels_used = used_now};
}

std::vector<WatchedChannel> Tower::ListWatched(const crypto::PublicKey& client) const {
  std::lock_guard lock(mutex_);
  std::vector<WatchedChannel> out;
  for (const auto& [id, held] : held_) {
    if (!Contains(held->record.clients, client)) continue;
    out.push_back({.id = id,
                   .version = held->record.latest.state.version,
                   .refuted_version = held->record.refuted_version});
  }
  return out;
}

void Tower::Watch(const ChannelId& id) {
  uint64_t subscription = adjudicator_.Subscribe(id, [this](const settlement::Event& event) {
    std::lock_guard lock(events_mutex_);
    events_.push_back(event);
  });
  {
    std::lock_guard lock(mutex_);
    auto it = held_.find(id);
    if (it != held_.end() && !it->second->subscription) {
      it->second->subscription = subscription;
      return;
    }
  }
  adjudicator_.Unsubscribe(subscription);  // forgotten meanwhile
}

void Tower::Check(const ChannelId& id) {
  TowerRecord record;
  {
    std::lock_guard lock(mutex_);
    auto it = held_.find(id);
    if (it == held_.end()) return;
    record = it->second->record;
  }
  auto retry_later = [&](const Status& s) {
    spdlog::warn("channel {}: {}; retrying", Short(id), s.ToString());
    std::lock_guard lock(mutex_);
    retry_.insert(id);
  };
  auto dispute = adjudicator_.GetDispute(id);
  if (!dispute.ok()) {
    if (dispute.status().code() != StatusCode::kNotFound) retry_later(dispute.status());
    return;
  }
  if (dispute->concluded) return Forget(id);
  {
    std::lock_guard lock(mutex_);
    disputed_.insert(id);
  }
  const uint64_t on_ledger = dispute->state.state.version;
  const uint64_t mine = record.latest.state.version;
  if (dispute->progressing || on_ledger >= mine) return;
  Status s = adjudicator_.Register(record.params, record.latest);
  if (s.ok()) {
    spdlog::info("channel {}: refuted the stale version {} with version {}", Short(id), on_ledger,
                 mine);
    NoteRefuted(id, on_ledger);
  } else if (s.code() == StatusCode::kIoError) {
    retry_later(s);
  } else {  // the dispute phase is over, or someone registered a newer state first
    spdlog::error("channel {}: cannot refute version {} with version {}: {}", Short(id), on_ledger,
                  mine, s.ToString());
  }
}

void Tower::NoteRefuted(const ChannelId& id, uint64_t version) {
  std::lock_guard lock(mutex_);
  auto it = held_.find(id);
  if (it == held_.end()) return;
  TowerRecord next = it->second->record;
  next.refuted_version = version;
  Status s = Persist(id, next);
  if (!s.ok()) {
    spdlog::error("channel {}: cannot record the refutation: {}", Short(id), s.ToString());
    return;
  }
  it->second->record = std::move(next);
}

void Tower::Forget(const ChannelId& id) {
  std::optional<uint64_t> subscription;
  {
    std::lock_guard lock(mutex_);
    auto it = held_.find(id);
    if (it == held_.end()) return;
    store::WriteBatch batch;
    batch.Delete(RecordKey(id));
    Status s = store_.Write(batch);
    if (!s.ok()) {
      spdlog::error("channel {}: cannot forget it: {}", Short(id), s.ToString());
      return;
    }
    for (const auto& client : it->second->record.clients) {
      if (--used_[client] == 0) used_.erase(client);
    }
    subscription = it->second->subscription;
    held_.erase(it);
    disputed_.erase(id);
    retry_.erase(id);
  }
  if (subscription) adjudicator_.Unsubscribe(*subscription);
  spdlog::info("channel {}: concluded on the ledger; no longer watched", Short(id));
}

Status Tower::Persist(const ChannelId& id, const TowerRecord& record) {
  return store_.Put(RecordKey(id), EncodeRecord(record));
}

void Tower::ProcessLedgerEvents() {
  std::deque<settlement::Event> events;
  {
    std::lock_guard lock(events_mutex_);
    events.swap(events_);
  }
  std::set<ChannelId> to_check;
  for (const auto& event : events) {
    if (event.kind == settlement::EventKind::kRegistered) to_check.insert(event.channel);
    if (event.kind == settlement::EventKind::kConcluded) Forget(event.channel);
  }
  {
    std::lock_guard lock(mutex_);
    auto now = options_.now();
    if (!retry_.empty() && now >= next_retry_) {
      to_check.insert(retry_.begin(), retry_.end());
      retry_.clear();
      next_retry_ = now + options_.retry_interval;
    }
  }
  for (const auto& id : to_check) Check(id);
}

}  // namespace parley::watchtower
