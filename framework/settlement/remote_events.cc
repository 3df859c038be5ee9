#include "parley/settlement/remote_events.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <thread>

#include "parley/wire/grpc_common.h"

namespace parley::settlement {

v1::LedgerEvent EventToProto(const Event& event) {
  v1::LedgerEvent out;
  out.set_kind(static_cast<uint32_t>(event.kind));
  out.set_channel_id(std::string(event.channel.begin(), event.channel.end()));
  out.set_version(event.version);
  out.set_timeout(event.timeout);
  out.set_participant(event.participant);
  out.set_asset(event.asset);
  out.set_amount(wire::AmountToBytes(event.amount));
  return out;
}

Result<Event> EventFromProto(const v1::LedgerEvent& event) {
  if (event.kind() > static_cast<uint32_t>(EventKind::kWithdrawn)) {
    return Status::InvalidArgument("unknown event kind " + std::to_string(event.kind()));
  }
  Event out{.kind = static_cast<EventKind>(event.kind()),
            .version = event.version(),
            .timeout = event.timeout(),
            .participant = event.participant(),
            .asset = event.asset()};
  PARLEY_ASSIGN_OR_RETURN(out.channel, wire::Hash32FromBytes(event.channel_id(), "channel_id"));
  PARLEY_ASSIGN_OR_RETURN(out.amount, wire::AmountFromBytes(event.amount()));
  return out;
}

v1::GetDisputeReply DisputeToProto(const Dispute& dispute) {
  v1::GetDisputeReply out;
  out.set_signed_state(wire::ToBytes(dispute.state));
  out.set_timeout(dispute.timeout);
  out.set_progressing(dispute.progressing);
  out.set_concluded(dispute.concluded);
  return out;
}

Result<Dispute> DisputeFromProto(const v1::GetDisputeReply& reply) {
  Dispute out{.timeout = reply.timeout(),
              .progressing = reply.progressing(),
              .concluded = reply.concluded()};
  PARLEY_ASSIGN_OR_RETURN(
      out.state, wire::FromBytes<channel::SignedState>(reply.signed_state(), "signed_state"));
  return out;
}

struct RemoteSubscriptions::Subscription {
  std::mutex mutex;  // guards context against Stop
  std::condition_variable wake;
  std::atomic<bool> stopping{false};
  std::unique_ptr<grpc::ClientContext> context;
  std::unique_ptr<Reader> reader;
  std::thread thread;
};

RemoteSubscriptions::RemoteSubscriptions(Options options, OpenStream open, ReadDispute read_dispute)
    : options_(std::move(options)),
      open_(std::move(open)),
      read_dispute_(std::move(read_dispute)) {}

RemoteSubscriptions::~RemoteSubscriptions() {
  std::map<uint64_t, std::unique_ptr<Subscription>> subscriptions;
  {
    std::lock_guard lock(mutex_);
    subscriptions.swap(subscriptions_);
  }
  for (auto& [id, s] : subscriptions) Stop(*s);
}

uint64_t RemoteSubscriptions::Subscribe(const channel::ChannelId& channel,
                                        Adjudicator::Handler handler) {
  auto s = std::make_unique<Subscription>();
  Subscription* raw = s.get();
  const bool open = Open(*raw, channel);
  if (!open) spdlog::warn("{}: cannot subscribe yet; retrying", options_.service);
  raw->thread = std::thread([this, raw, channel, open, handler = std::move(handler)] {
    Read(*raw, channel, open, handler);
  });
  std::lock_guard lock(mutex_);
  const uint64_t id = next_subscription_++;
  subscriptions_[id] = std::move(s);
  return id;
}

void RemoteSubscriptions::Unsubscribe(uint64_t subscription) {
  std::unique_ptr<Subscription> s;
  {
    std::lock_guard lock(mutex_);
    auto it = subscriptions_.find(subscription);
    if (it == subscriptions_.end()) return;
    s = std::move(it->second);
    subscriptions_.erase(it);
  }
  Stop(*s);
}

bool RemoteSubscriptions::Open(Subscription& s, const channel::ChannelId& channel) {
  {
    std::lock_guard lock(s.mutex);
    if (s.stopping) return false;
    s.context = std::make_unique<grpc::ClientContext>();
  }
  v1::SubscribeRequest request;
  request.set_channel_id(std::string(channel.begin(), channel.end()));
  s.reader = open_(s.context.get(), request);
  // Waiting for the metadata is bounded by cancelling a stream that is late.
  std::mutex m;
  std::condition_variable cv;
  bool answered = false;
  std::thread cancel_late([&] {
    std::unique_lock lock(m);
    if (!cv.wait_for(lock, options_.timeout, [&] { return answered; })) s.context->TryCancel();
  });
  s.reader->WaitForInitialMetadata();
  {
    std::lock_guard lock(m);
    answered = true;
  }
  cv.notify_all();
  cancel_late.join();
  const auto& metadata = s.context->GetServerInitialMetadata();
  if (metadata.find("parley-subscribed") == metadata.end()) {  // refused, down or too slow
    s.reader->Finish();
    s.reader.reset();
    return false;
  }
  return true;
}

void RemoteSubscriptions::Read(Subscription& s, const channel::ChannelId& channel, bool open,
                               const Adjudicator::Handler& handler) {
  auto backoff = options_.first_retry;
  while (!s.stopping) {
    if (!open) {
      {
        std::unique_lock lock(s.mutex);
        s.wake.wait_for(lock, backoff, [&] { return s.stopping.load(); });
      }
      if (s.stopping) break;
      backoff = std::min(backoff * 2, options_.max_retry);
      open = Open(s, channel);
      if (!open) continue;
      spdlog::info("{}: subscribed again", options_.service);
      CatchUp(channel, handler);
    }
    backoff = options_.first_retry;
    v1::LedgerEvent e;
    while (s.reader->Read(&e)) {
      Result<Event> event = EventFromProto(e);
      if (event.ok()) {
        handler(*event);
      } else {
        spdlog::warn("{}: dropped an event: {}", options_.service, event.status().message());
      }
    }
    s.reader->Finish();
    s.reader.reset();
    open = false;
    if (!s.stopping) spdlog::warn("{}: lost a subscription", options_.service);
  }
}

void RemoteSubscriptions::CatchUp(const channel::ChannelId& channel,
                                  const Adjudicator::Handler& handler) const {
  Result<Dispute> dispute = read_dispute_(channel);
  if (!dispute.ok()) return;
  handler(Event{.kind = EventKind::kRegistered,
                .channel = channel,
                .version = dispute->state.state.version,
                .timeout = dispute->timeout});
  if (dispute->concluded) {
    handler(Event{.kind = EventKind::kConcluded,
                  .channel = channel,
                  .version = dispute->state.state.version});
  }
}

void RemoteSubscriptions::Stop(Subscription& s) {
  {
    std::lock_guard lock(s.mutex);
    s.stopping = true;
    if (s.context) s.context->TryCancel();
  }
  s.wake.notify_all();
  if (s.thread.joinable()) s.thread.join();
}

}  // namespace parley::settlement
