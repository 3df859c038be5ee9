// An adjudicator's disputes and events over gRPC, as every remote backend
// carries them: parley.v1.LedgerEvent and GetDisputeReply (ledger.proto),
// streamed per channel by a Subscribe call that sends the initial metadata
// "parley-subscribed" once it holds the subscription. The devchain
// (Ledger) and the statechain operator (StatechainChannel) both serve them.
//   - the conversions, both ways;
//   - RemoteSubscriptions, the client's Adjudicator::Subscribe: each stream
//     is read on a thread of its own and, when it breaks, opened again with
//     back-off, after which the dispute the service holds is reported as the
//     events that made it, so that nothing registered in between goes unseen;
//   - ServeEvents, the service's side of one stream.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "parley/settlement/adjudicator.h"
#include "parley/v1/ledger.grpc.pb.h"

namespace parley::settlement {

v1::LedgerEvent EventToProto(const Event& event);
// InvalidArgument for an unknown kind or a malformed field.
Result<Event> EventFromProto(const v1::LedgerEvent& event);
v1::GetDisputeReply DisputeToProto(const Dispute& dispute);
Result<Dispute> DisputeFromProto(const v1::GetDisputeReply& reply);

class RemoteSubscriptions {
 public:
  using Reader = grpc::ClientReader<v1::LedgerEvent>;
  // Starts the service's Subscribe call on `context`.
  using OpenStream =
      std::function<std::unique_ptr<Reader>(grpc::ClientContext*, const v1::SubscribeRequest&)>;
  using ReadDispute = std::function<Result<Dispute>(const channel::ChannelId&)>;
  struct Options {
    std::string service;                // names the far end in logs: "devchain at HOST:PORT"
    std::chrono::milliseconds timeout;  // for the service to confirm a subscription
    std::chrono::milliseconds first_retry{100};
    std::chrono::milliseconds max_retry{2000};
  };

  RemoteSubscriptions(Options options, OpenStream open, ReadDispute read_dispute);
  // Stops every subscription still open.
  ~RemoteSubscriptions();
  RemoteSubscriptions(const RemoteSubscriptions&) = delete;
  RemoteSubscriptions& operator=(const RemoteSubscriptions&) = delete;

  // The stream is opened before this returns, so no event after it is
  // missed (if the service cannot be reached, it is retried meanwhile).
  uint64_t Subscribe(const channel::ChannelId& channel, Adjudicator::Handler handler);
  void Unsubscribe(uint64_t subscription);

 private:
  struct Subscription;
  bool Open(Subscription& s, const channel::ChannelId& channel);
  void Read(Subscription& s, const channel::ChannelId& channel, bool open,
            const Adjudicator::Handler& handler);
  void CatchUp(const channel::ChannelId& channel, const Adjudicator::Handler& handler) const;
  static void Stop(Subscription& s);

  const Options options_;
  const OpenStream open_;
  const ReadDispute read_dispute_;
  std::mutex mutex_;
  std::map<uint64_t, std::unique_ptr<Subscription>> subscriptions_;
  uint64_t next_subscription_ = 1;
};

// Serves one Subscribe call: subscribes to `channel` at `source` (anything
// with Adjudicator's Subscribe and Unsubscribe), says so in the initial
// metadata, and writes its events until the client cancels or goes away.
template <typename Source>
grpc::Status ServeEvents(Source& source, const channel::ChannelId& channel,
                         grpc::ServerContext* context,
                         grpc::ServerWriter<v1::LedgerEvent>* writer) {
  std::mutex mutex;
  std::condition_variable arrived;
  std::deque<Event> events;
  const uint64_t subscription = source.Subscribe(channel, [&](const Event& e) {
    std::lock_guard lock(mutex);
    events.push_back(e);
    arrived.notify_one();
  });
  // Tells the client it is subscribed: no later event is missed.
  context->AddInitialMetadata("parley-subscribed", "1");
  writer->SendInitialMetadata();
  while (!context->IsCancelled()) {
    std::unique_lock lock(mutex);
    if (!arrived.wait_for(lock, std::chrono::milliseconds(100), [&] { return !events.empty(); })) {
      continue;
    }
    const Event e = std::move(events.front());
    events.pop_front();
    lock.unlock();
    if (!writer->Write(EventToProto(e))) break;
  }
  source.Unsubscribe(subscription);
  return grpc::Status::OK;
}

}  // namespace parley::settlement
