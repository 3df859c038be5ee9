#include "tower_feed.h"

#include <spdlog/spdlog.h>

namespace parley::daemon {

namespace {
std::string Short(const channel::ChannelId& id) { return ToHex(id).substr(0, 8); }
}  // namespace

TowerFeed::TowerFeed(client::Node& node, watchtower::TowerClient& tower)
    : node_(node), tower_(tower) {}

TowerFeed::~TowerFeed() { Stop(); }

void TowerFeed::OnEvent(const client::NodeEvent& event) {
  if (event.kind != client::NodeEvent::Kind::kUpdated) return;
  {
    std::lock_guard lock(mutex_);
    queued_.insert(event.channel);
  }
  wake_.notify_one();
}

void TowerFeed::Start() {
  std::vector<client::ChannelInfo> channels = node_.ListChannels();
  {
    std::lock_guard lock(mutex_);
    for (const auto& c : channels) queued_.insert(c.id);
  }
  thread_ = std::thread([this] { Run(); });
}

void TowerFeed::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void TowerFeed::Run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    auto due = [&] { return !retry_.empty() && Clock::now() >= retry_at_; };
    if (retry_.empty()) {
      wake_.wait(lock, [&] { return stopping_ || !queued_.empty(); });
    } else {
      wake_.wait_until(lock, retry_at_, [&] { return stopping_ || !queued_.empty() || due(); });
    }
    if (stopping_) return;
    std::set<channel::ChannelId> batch;
    batch.swap(queued_);
    if (due()) {
      batch.insert(retry_.begin(), retry_.end());
      retry_.clear();
    }
    lock.unlock();
    std::set<channel::ChannelId> unreachable;
    for (const auto& id : batch) {
      Status s = HandOver(id);
      if (s.code() == StatusCode::kIoError) {
        unreachable.insert(id);
      } else if (!s.ok()) {
        spdlog::warn("watchtower: channel {}: {}; it is sent again at its next update", Short(id),
                     s.ToString());
      }
    }
    lock.lock();
    if (unreachable.empty()) {
      if (retry_.empty()) backoff_ = kMinBackoff;
      continue;
    }
    spdlog::warn("watchtower unreachable for {} channel(s); retrying in {} ms", unreachable.size(),
                 backoff_.count());
    retry_.merge(unreachable);
    retry_at_ = Clock::now() + backoff_;
    backoff_ = std::min(backoff_ * 2, kMaxBackoff);
  }
}

Status TowerFeed::HandOver(const channel::ChannelId& id) {
  PARLEY_ASSIGN_OR_RETURN(client::ChannelInfo info, node_.GetChannel(id));
  using channel::Phase;
  // Only a channel that could see a stale state registered needs the tower:
  // one funded, past its initial state, and not concluded.
  if (info.phase != Phase::kOpen && info.phase != Phase::kFinal && info.phase != Phase::kDisputed) {
    return Status::Ok();
  }
  PARLEY_ASSIGN_OR_RETURN(channel::SignedState latest, node_.LatestSignedState(id));
  const uint64_t version = latest.state.version;
  auto sent = sent_.find(id);
  if (version == 0 || !latest.FullySigned() || (sent != sent_.end() && sent->second >= version)) {
    return Status::Ok();
  }
  PARLEY_ASSIGN_OR_RETURN(watchtower::WatchedChannel held, tower_.StoreState(info.params, latest));
  sent_[id] = held.version;
  spdlog::debug("watchtower: channel {} holds version {}", Short(id), held.version);
  return Status::Ok();
}

}  // namespace parley::daemon
