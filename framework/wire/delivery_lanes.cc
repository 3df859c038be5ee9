#include "delivery_lanes.h"

#include <algorithm>
#include <cstring>

namespace parley::wire {

DeliveryLanes::DeliveryLanes(size_t lanes, size_t capacity, size_t max_burst, Handler handler)
    : capacity_(std::max<size_t>(capacity, 1)),
      max_burst_(std::max<size_t>(max_burst, 1)),
      handler_(std::move(handler)) {
  for (size_t i = 0; i < lanes; ++i) lanes_.push_back(std::make_unique<Lane>());
  for (auto& lane : lanes_) lane->thread = std::thread([this, &lane = *lane] { Run(lane); });
}

DeliveryLanes::~DeliveryLanes() { Stop(); }

DeliveryLanes::Pushed DeliveryLanes::Push(const Hash32& channel, const PeerId& from, Bytes message,
                                          const std::function<void()>& on_room) {
  uint64_t pick;  // channel ids are hashes: their first bytes spread evenly
  std::memcpy(&pick, channel.data(), sizeof pick);
  Lane& lane = *lanes_[pick % lanes_.size()];
  std::lock_guard lock(lane.mutex);
  if (lane.stopping) return Pushed::kStopped;
  if (lane.queue.size() >= capacity_) {
    lane.waiting_for_room.push_back(on_room);
    return Pushed::kFull;
  }
  lane.queue.push_back({from, std::move(message)});
  lane.changed.notify_one();
  return Pushed::kQueued;
}

void DeliveryLanes::Stop() {
  for (auto& lane : lanes_) {
    std::vector<std::function<void()>> waiting;
    {
      std::lock_guard lock(lane->mutex);
      lane->stopping = true;
      lane->queue.clear();
      waiting.swap(lane->waiting_for_room);
      lane->changed.notify_all();
    }
    for (auto& on_room : waiting) on_room();
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
    std::vector<std::function<void()>> waiting;
    if (lane.queue.size() < capacity_) waiting.swap(lane.waiting_for_room);
    lock.unlock();
    for (auto& on_room : waiting) on_room();
    handler_(std::move(burst));
  }
}

}  // namespace parley::wire
