// DeliveryLanes: hands received messages to a fixed set of threads, each
// message to the lane its channel id picks. One channel's messages are
// handled in order, one burst at a time; different lanes' messages are
// handled concurrently, so their synced store writes can share a disk flush.
// A lane hands over everything queued on it as one burst (up to a limit),
// which a node makes durable with one synced write. Private to
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

  // `capacity` messages may wait in each lane; a burst holds at most
  // `max_burst`.
  DeliveryLanes(size_t lanes, size_t capacity, size_t max_burst, Handler handler);
  ~DeliveryLanes();
  DeliveryLanes(const DeliveryLanes&) = delete;
  DeliveryLanes& operator=(const DeliveryLanes&) = delete;

  // Queues `message` on the lane of `channel`. Blocks while that lane is
  // full, which slows the stream that reads it; false once stopped.
  bool Push(const Hash32& channel, const PeerId& from, Bytes message);
  // Drops what is queued, waits for the messages being handled, and ends the
  // threads. No handler runs after it returns.
  void Stop();

 private:
  struct Lane {
    std::mutex mutex;
    std::condition_variable changed;  // a message arrived, one left, or stopping
    std::deque<Transport::Incoming> queue;
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
