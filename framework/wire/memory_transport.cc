#include "parley/wire/memory_transport.h"

#include <optional>

namespace parley::wire {

class MemoryNetwork::Endpoint : public Transport {
 public:
  Endpoint(MemoryNetwork& network, PeerId self) : network_(network), self_(std::move(self)) {}

  Status Send(const PeerId& to, Bytes message) override {
    return network_.Enqueue(self_, to, std::move(message));
  }
  void SetBatchReceiver(BatchReceiver receiver) override {
    std::lock_guard lock(mutex_);
    receiver_ = std::move(receiver);
  }
  void Receive(std::vector<Incoming> burst) {
    BatchReceiver receiver;
    {
      std::lock_guard lock(mutex_);
      receiver = receiver_;
    }
    if (receiver) receiver(std::move(burst));
  }

 private:
  MemoryNetwork& network_;
  PeerId self_;
  std::mutex mutex_;
  BatchReceiver receiver_;
};

MemoryNetwork::MemoryNetwork() = default;
MemoryNetwork::~MemoryNetwork() = default;

Transport& MemoryNetwork::Join(const PeerId& self) {
  std::lock_guard lock(mutex_);
  auto& endpoint = endpoints_[self];
  if (!endpoint) endpoint = std::make_unique<Endpoint>(*this, self);
  return *endpoint;
}

Status MemoryNetwork::Enqueue(const PeerId& from, const PeerId& to, Bytes bytes) {
  std::lock_guard lock(mutex_);
  if (!endpoints_.contains(to))
    return Status::NotFound("no peer " + to.ToHex() + " on the network");
  if (!silenced_.contains(to)) queue_.push_back({from, to, std::move(bytes)});
  return Status::Ok();
}

size_t MemoryNetwork::Deliver(size_t max_messages) {
  size_t delivered = 0;
  while (delivered < max_messages) {
    std::optional<Envelope> envelope;
    Endpoint* endpoint;
    {
      std::lock_guard lock(mutex_);
      if (queue_.empty()) break;
      envelope = std::move(queue_.front());
      queue_.pop_front();
      if (silenced_.contains(envelope->to)) continue;
      endpoint = endpoints_.at(envelope->to).get();
    }
    std::vector<Transport::Incoming> one;
    one.push_back({envelope->from, std::move(envelope->bytes)});
    endpoint->Receive(std::move(one));
    ++delivered;
  }
  return delivered;
}

size_t MemoryNetwork::DeliverBursts() {
  std::map<Endpoint*, std::vector<Transport::Incoming>> bursts;
  size_t delivered = 0;
  {
    std::lock_guard lock(mutex_);
    for (Envelope& envelope : queue_) {
      if (silenced_.contains(envelope.to)) continue;
      bursts[endpoints_.at(envelope.to).get()].push_back(
          {envelope.from, std::move(envelope.bytes)});
      ++delivered;
    }
    queue_.clear();
  }
  for (auto& [endpoint, burst] : bursts) endpoint->Receive(std::move(burst));
  return delivered;
}

size_t MemoryNetwork::Queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void MemoryNetwork::Silence(const PeerId& peer) {
  std::lock_guard lock(mutex_);
  silenced_.insert(peer);
}

void MemoryNetwork::Unsilence(const PeerId& peer) {
  std::lock_guard lock(mutex_);
  silenced_.erase(peer);
}

}  // namespace parley::wire
