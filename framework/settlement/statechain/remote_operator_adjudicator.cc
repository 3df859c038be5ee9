#include "parley/settlement/statechain/remote_operator_adjudicator.h"

#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "parley/settlement/statechain/channel_proto_codec.h"
#include "parley/settlement/statechain/proto_codec.h"
#include "parley/v1/statechain.grpc.pb.h"
#include "parley/v1/statechain_channel.grpc.pb.h"
#include "parley/wire/grpc_common.h"

namespace parley::settlement::statechain {

namespace mp = crypto::multi_party;

namespace {

// One channel's event stream, read on its own thread until stopped, and
// opened again whenever it breaks.
struct Subscription {
  std::mutex mutex;  // guards context against Stop
  std::condition_variable wake;
  std::atomic<bool> stopping{false};
  std::unique_ptr<grpc::ClientContext> context;
  std::unique_ptr<grpc::ClientReader<v1::LedgerEvent>> reader;
  std::thread thread;
};

}  // namespace

class RemoteOperatorAdjudicator::Impl {
 public:
  Impl(const std::string& address, crypto::PrivateKey key, std::chrono::milliseconds timeout)
      : address_(address), key_(std::move(key)), timeout_(timeout) {
    auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
    coins_ = v1::Statechain::NewStub(channel);
    stub_ = v1::StatechainChannel::NewStub(channel);
  }

  ~Impl() {
    std::map<uint64_t, std::unique_ptr<Subscription>> subscriptions;
    {
      std::lock_guard lock(mutex_);
      subscriptions.swap(subscriptions_);
    }
    for (auto& [id, s] : subscriptions) Stop(*s);
  }

  // Calls `method` with the deadline; the outcome as a Status.
  template <typename Stub, typename Request, typename Reply>
  Status Call(Stub* stub,
              grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Reply*),
              const Request& request, Reply* reply, const char* what) const {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + timeout_);
    return wire::FromGrpc((stub->*method)(&context, request, reply),
                          std::string("statechain operator at ") + address_ + ": " + what);
  }
  template <typename Request, typename Reply>
  Status Call(grpc::Status (v1::StatechainChannel::Stub::*method)(grpc::ClientContext*,
                                                                  const Request&, Reply*),
              const Request& request, Reply* reply, const char* what) const {
    return Call(stub_.get(), method, request, reply, what);
  }

  Result<Hash32> NewChallenge() const {
    v1::NewChallengeReply reply;
    PARLEY_RETURN_IF_ERROR(Call(coins_.get(), &v1::Statechain::Stub::NewChallenge,
                                v1::NewChallengeRequest(), &reply, "new challenge"));
    return Hash32FromProto(reply.challenge(), "challenge");
  }

  // Signs `request` as this participant over a fresh challenge.
  template <typename Request>
  Status Authorize(Request* request) const {
    PARLEY_ASSIGN_OR_RETURN(Hash32 challenge, NewChallenge());
    request->auth = statechain::Authorize(key_, challenge, AuthPayload(*request));
    return Status::Ok();
  }

  Result<Dispute> GetDispute(const channel::ChannelId& channel) const {
    v1::GetDisputeRequest request;
    request.set_channel_id(std::string(channel.begin(), channel.end()));
    v1::GetDisputeReply reply;
    PARLEY_RETURN_IF_ERROR(
        Call(&v1::StatechainChannel::Stub::GetDispute, request, &reply, "dispute"));
    return FromProto(reply);
  }

  Tick Now() const {
    v1::NowReply reply;
    if (Call(&v1::StatechainChannel::Stub::Now, v1::NowRequest(), &reply, "now").ok()) {
      last_height_ = reply.tick();
    }
    return last_height_;
  }

  // The stream is opened here (so no event after this returns is missed);
  // a thread reads it and, when it breaks, subscribes again with back-off
  // and reports the dispute the operator then holds.
  uint64_t Subscribe(const channel::ChannelId& channel, Handler handler) {
    auto s = std::make_unique<Subscription>();
    Subscription* raw = s.get();
    const bool open = Open(*raw, channel);
    if (!open) spdlog::warn("statechain operator at {}: cannot subscribe yet; retrying", address_);
    raw->thread = std::thread([this, raw, channel, open, handler = std::move(handler)] {
      bool stream_open = open;
      auto backoff = std::chrono::milliseconds(50);
      while (!raw->stopping) {
        if (!stream_open) {
          {
            std::unique_lock lock(raw->mutex);
            raw->wake.wait_for(lock, backoff, [&] { return raw->stopping.load(); });
          }
          if (raw->stopping) break;
          backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
          stream_open = Open(*raw, channel);
          if (!stream_open) continue;
          CatchUp(channel, handler);
        }
        backoff = std::chrono::milliseconds(50);
        v1::LedgerEvent e;
        while (raw->reader->Read(&e)) {
          Result<Event> event = FromProto(e);
          if (event.ok()) {
            handler(*event);
          } else {
            spdlog::warn("dropped a channel event: {}", event.status().message());
          }
        }
        raw->reader->Finish();
        raw->reader.reset();
        stream_open = false;
      }
    });
    std::lock_guard lock(mutex_);
    const uint64_t id = next_subscription_++;
    subscriptions_[id] = std::move(s);
    return id;
  }

  void Unsubscribe(uint64_t id) {
    std::unique_ptr<Subscription> s;
    {
      std::lock_guard lock(mutex_);
      auto it = subscriptions_.find(id);
      if (it == subscriptions_.end()) return;
      s = std::move(it->second);
      subscriptions_.erase(it);
    }
    Stop(*s);
  }

 private:
  // Opens the event stream of `channel` on `s` with a fresh context; true
  // once the operator said it holds the subscription.
  bool Open(Subscription& s, const channel::ChannelId& channel) {
    {
      std::lock_guard lock(s.mutex);
      if (s.stopping) return false;
      s.context = std::make_unique<grpc::ClientContext>();
    }
    v1::SubscribeRequest request;
    request.set_channel_id(std::string(channel.begin(), channel.end()));
    s.reader = stub_->Subscribe(s.context.get(), request);
    // Waiting for the metadata is bounded by cancelling a stream that is late.
    std::mutex m;
    std::condition_variable cv;
    bool answered = false;
    std::thread cancel_late([&] {
      std::unique_lock lock(m);
      if (!cv.wait_for(lock, timeout_, [&] { return answered; })) s.context->TryCancel();
    });
    s.reader->WaitForInitialMetadata();
    {
      std::lock_guard lock(m);
      answered = true;
    }
    cv.notify_all();
    cancel_late.join();
    const auto& metadata = s.context->GetServerInitialMetadata();
    if (metadata.find("parley-subscribed") == metadata.end()) {
      s.reader->Finish();
      s.reader.reset();
      return false;
    }
    return true;
  }

  // Reports the dispute the operator holds, as the events that made it.
  void CatchUp(const channel::ChannelId& channel, const Handler& handler) const {
    Result<Dispute> dispute = GetDispute(channel);
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

  static void Stop(Subscription& s) {
    {
      std::lock_guard lock(s.mutex);
      s.stopping = true;
      if (s.context) s.context->TryCancel();
    }
    s.wake.notify_all();
    if (s.thread.joinable()) s.thread.join();
  }

  const std::string address_;
  const crypto::PrivateKey key_;
  const std::chrono::milliseconds timeout_;
  std::unique_ptr<v1::Statechain::Stub> coins_;
  std::unique_ptr<v1::StatechainChannel::Stub> stub_;
  mutable std::atomic<Tick> last_height_{0};
  std::mutex mutex_;
  std::map<uint64_t, std::unique_ptr<Subscription>> subscriptions_;
  uint64_t next_subscription_ = 1;
};

RemoteOperatorAdjudicator::RemoteOperatorAdjudicator(const std::string& address,
                                                     crypto::PrivateKey participant_key,
                                                     std::chrono::milliseconds call_timeout)
    : impl_(std::make_unique<Impl>(address, std::move(participant_key), call_timeout)) {}

RemoteOperatorAdjudicator::~RemoteOperatorAdjudicator() = default;

Result<Hash32> RemoteOperatorAdjudicator::NewChallenge() { return impl_->NewChallenge(); }

Status RemoteOperatorAdjudicator::OpenChannel(const OpenChannelRequest& request) {
  v1::CoinChannelReply reply;
  return impl_->Call(&v1::StatechainChannel::Stub::OpenChannel, ToProto(request), &reply,
                     "open channel");
}

Result<std::vector<mp::PublicNonce>> RemoteOperatorAdjudicator::SplitNonces(
    const channel::ChannelId& channel, uint64_t first_version, size_t count) {
  if (count > UINT32_MAX) return Status::InvalidArgument("too many nonces at once");
  SplitNoncesRequest request{
      .channel = channel, .first_version = first_version, .count = static_cast<uint32_t>(count)};
  PARLEY_RETURN_IF_ERROR(impl_->Authorize(&request));
  v1::CoinChannelNoncesReply reply;
  PARLEY_RETURN_IF_ERROR(impl_->Call(&v1::StatechainChannel::Stub::SplitNonces, ToProto(request),
                                     &reply, "split nonces"));
  PARLEY_ASSIGN_OR_RETURN(std::vector<mp::PublicNonce> nonces, FromProto(reply));
  if (nonces.size() != count) {
    return Status::InvalidArgument("the operator sent " + std::to_string(nonces.size()) +
                                   " split nonces for " + std::to_string(count) + " versions");
  }
  return nonces;
}

Result<crypto::Transaction> RemoteOperatorAdjudicator::CoSignSplit(
    const channel::Params& params, const crypto::Transaction& split,
    const SplitSignatures& signatures) {
  v1::CoinChannelTransactionReply reply;
  PARLEY_RETURN_IF_ERROR(impl_->Call(
      &v1::StatechainChannel::Stub::CoSignSplit,
      ToProto(CoSignSplitRequest{.params = params, .split = split, .signatures = signatures}),
      &reply, "co-sign split"));
  Result<crypto::Transaction> tx = crypto::ParseTransaction(AsBytes(reply.transaction()));
  if (!tx.ok()) return Status::InvalidArgument("transaction: " + tx.status().message());
  return tx;
}

Result<mp::PublicNonce> RemoteOperatorAdjudicator::BackupNonce(const channel::ChannelId& channel) {
  BackupNonceRequest request{.channel = channel};
  PARLEY_RETURN_IF_ERROR(impl_->Authorize(&request));
  v1::CoinChannelNoncesReply reply;
  PARLEY_RETURN_IF_ERROR(impl_->Call(&v1::StatechainChannel::Stub::BackupNonce, ToProto(request),
                                     &reply, "backup nonce"));
  PARLEY_ASSIGN_OR_RETURN(std::vector<mp::PublicNonce> nonces, FromProto(reply));
  if (nonces.size() != 1) {
    return Status::InvalidArgument("the operator sent " + std::to_string(nonces.size()) +
                                   " backup nonces, not 1");
  }
  return nonces[0];
}

Result<mp::PartialSignature> RemoteOperatorAdjudicator::SignBackup(
    const channel::Params& params, const channel::SignedState& checkpoint, uint32_t lock_time,
    const std::array<mp::PublicNonce, kChannelParticipants>& nonces) {
  SignBackupRequest request{
      .params = params, .checkpoint = checkpoint, .lock_time = lock_time, .nonces = nonces};
  PARLEY_RETURN_IF_ERROR(impl_->Authorize(&request));
  v1::CoinChannelPartialReply reply;
  PARLEY_RETURN_IF_ERROR(impl_->Call(&v1::StatechainChannel::Stub::SignBackup, ToProto(request),
                                     &reply, "sign backup"));
  return Hash32FromProto(reply.partial_signature(), "partial_signature");
}

Status RemoteOperatorAdjudicator::Register(const channel::Params& params,
                                           const channel::SignedState& state) {
  v1::RegisterRequest request;
  request.set_params(wire::ToBytes(params));
  request.set_signed_state(wire::ToBytes(state));
  v1::LedgerReply reply;
  return impl_->Call(&v1::StatechainChannel::Stub::Register, request, &reply, "register");
}

Status RemoteOperatorAdjudicator::Progress(const channel::Params&, const channel::SignedState&,
                                           channel::ParticipantIndex) {
  return Status::FailedPrecondition(
      "channels on a statecoin have no force-moves: their apps are not turn-based");
}

Status RemoteOperatorAdjudicator::Conclude(const channel::Params& params) {
  v1::ConcludeRequest request;
  request.set_params(wire::ToBytes(params));
  v1::LedgerReply reply;
  return impl_->Call(&v1::StatechainChannel::Stub::Conclude, request, &reply, "conclude");
}

Status RemoteOperatorAdjudicator::Withdraw(const channel::Params& params,
                                           channel::ParticipantIndex participant) {
  v1::WithdrawRequest request;
  request.set_params(wire::ToBytes(params));
  request.set_participant(participant);
  v1::LedgerReply reply;
  return impl_->Call(&v1::StatechainChannel::Stub::Withdraw, request, &reply, "withdraw");
}

Result<Dispute> RemoteOperatorAdjudicator::GetDispute(const channel::ChannelId& channel) const {
  return impl_->GetDispute(channel);
}

uint64_t RemoteOperatorAdjudicator::Subscribe(const channel::ChannelId& channel, Handler handler) {
  return impl_->Subscribe(channel, std::move(handler));
}

void RemoteOperatorAdjudicator::Unsubscribe(uint64_t subscription) {
  impl_->Unsubscribe(subscription);
}

Tick RemoteOperatorAdjudicator::Now() const { return impl_->Now(); }

}  // namespace parley::settlement::statechain
