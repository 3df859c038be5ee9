// DeliveryLanes: hands received messages to a fixed set of threads, each
// message to the lane its channel id picks. One channel's messages are
// handled in order, one burst at a time; different lanes' messages are
// handled concurrently, so their synced store writes can share a disk flush.
// A lane hands over everything queued on it as one burst (up to a limit),
// which a node makes durable with one synced write. Handing over never
// blocks: a full lane refuses the message and calls the stream back once it
// has room, so that no gRPC thread waits on a slow node. Private to
// framework/wire.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "parley/wire/transport.h"

namespace parley::wire {

class DeliveryLanes {
 public:
  using Handler = std::function<void(std::vector<Transport::Incoming> burst)>;
  enum class Pushed {
    kQueued,
    kFull,     // not queued: the lane is full; push it again once `on_room` runs
    kStopped,  // not queued: the lanes have stopped
  };

  // `capacity` messages (at least 1) may wait in each lane; a burst holds
  // at most `max_burst`.
  DeliveryLanes(size_t lanes, size_t capacity, size_t max_burst, Handler handler);
  ~DeliveryLanes();
  DeliveryLanes(const DeliveryLanes&) = delete;
  DeliveryLanes& operator=(const DeliveryLanes&) = delete;

  // Queues `message` on the lane of `channel`, without waiting. On kFull,
  // `on_room` runs once, on that lane's thread or Stop's, when the lane has
  // room again or the lanes stop.
  Pushed Push(const Hash32& channel, const PeerId& from, Bytes message,
              const std::function<void()>& on_room);
  // Drops what is queued, calls every waiting `on_room`, waits for the
  // messages being handled, and ends the threads. No handler runs after it
  // returns.
  void Stop();

 private:
  struct Lane {
    std::mutex mutex;
    std::condition_variable changed;  // a message arrived, or stopping
    std::deque<Transport::Incoming> queue;
    std::vector<std::function<void()>> waiting_for_room;
    bool stopping = false;
    std::thread thread;
  };
  void Run(Lane& lane);

  const size_t capacity_;
  const size_t max_burst_;
  const Handler handler_;
  std::vector<std::unique_ptr<Lane>> lanes_;
};

}  // namespace parley::wire
