#include "delivery_lanes.h"

#include <algorithm>
#include <cstring>

namespace parley::wire {

DeliveryLanes::DeliveryLanes(size_t lanes, size_t capacity, size_t max_burst, Handler handler)
    : capacity_(capacity),
      max_burst_(std::max<size_t>(max_burst, 1)),
      handler_(std::move(handler)) {
  for (size_t i = 0; i < lanes; ++i) lanes_.push_back(std::make_unique<Lane>());
  for (auto& lane : lanes_) lane->thread = std::thread([this, &lane = *lane] { Run(lane); });
}

DeliveryLanes::~DeliveryLanes() { Stop(); }

bool DeliveryLanes::Push(const Hash32& channel, const PeerId& from, Bytes message) {
  uint64_t pick;  // channel ids are hashes: their first bytes spread evenly
  std::memcpy(&pick, channel.data(), sizeof pick);
  Lane& lane = *lanes_[pick % lanes_.size()];
  std::unique_lock lock(lane.mutex);
  lane.changed.wait(lock, [&] { return lane.stopping || lane.queue.size() < capacity_; });
  if (lane.stopping) return false;
  lane.queue.push_back({from, std::move(message)});
  lane.changed.notify_all();
  return true;
}

void DeliveryLanes::Stop() {
  for (auto& lane : lanes_) {
    std::lock_guard lock(lane->mutex);
    lane->stopping = true;
    lane->queue.clear();
    lane->changed.notify_all();
  }
  for (auto& lane : lanes_) {
    if (lane->thread.joinable()) lane->thread.join();
  }
}

void DeliveryLanes::Run(Lane& lane) {
  for (;;) {
    std::unique_lock lock(lane.mutex);
    lane.changed.wait(lock, [&] { return lane.stopping || !lane.queue.empty(); });
    if (lane.stopping) return;
    std::vector<Transport::Incoming> burst;
    while (!lane.queue.empty() && burst.size() < max_burst_) {
      burst.push_back(std::move(lane.queue.front()));
      lane.queue.pop_front();
    }
    lane.changed.notify_all();  // room for a blocked Push
    lock.unlock();
    handler_(std::move(burst));
  }
}

}  // namespace parley::wire
