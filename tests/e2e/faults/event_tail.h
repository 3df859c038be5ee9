// Follows one daemon's event stream (SubscribeEvents) on a thread of its own
// and counts each kind of event, until the daemon or the object goes away.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "e2e/daemon_harness.h"

namespace parley::e2e::faults {

class EventTail {
 public:
  explicit EventTail(Daemon& daemon) {
    auto stream = daemon.api().SubscribeEvents(&context_, v1::SubscribeEventsRequest());
    // The server sends its initial metadata once it has subscribed, so no
    // event after this constructor is missed.
    stream->WaitForInitialMetadata();
    thread_ = std::thread([this, stream = std::move(stream)] {
      v1::Event event;
      while (stream->Read(&event)) {
        std::lock_guard lock(mutex_);
        ++counts_[event.kind()];
        if (event.kind() != "updated") {
          messages_ +=
              event.kind() + " v" + std::to_string(event.version()) + ": " + event.message() + "\n";
        }
      }
    });
  }
  ~EventTail() {
    context_.TryCancel();
    thread_.join();
  }
  EventTail(const EventTail&) = delete;
  EventTail& operator=(const EventTail&) = delete;

  int Count(const std::string& kind) const {
    std::lock_guard lock(mutex_);
    auto it = counts_.find(kind);
    return it == counts_.end() ? 0 : it->second;
  }
  // Every event but "updated": its kind, version and message, a line each.
  std::string Unusual() const {
    std::lock_guard lock(mutex_);
    return messages_;
  }

 private:
  grpc::ClientContext context_;
  mutable std::mutex mutex_;
  std::map<std::string, int> counts_;
  std::string messages_;
  std::thread thread_;
};

}  // namespace parley::e2e::faults
