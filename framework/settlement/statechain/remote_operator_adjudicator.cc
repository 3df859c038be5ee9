#include "parley/settlement/statechain/remote_operator_adjudicator.h"

#include <grpcpp/grpcpp.h>

#include <atomic>

#include "parley/settlement/remote_events.h"
#include "parley/settlement/statechain/channel_proto_codec.h"
#include "parley/settlement/statechain/proto_codec.h"
#include "parley/v1/statechain.grpc.pb.h"
#include "parley/v1/statechain_channel.grpc.pb.h"
#include "parley/wire/grpc_common.h"

namespace parley::settlement::statechain {

namespace mp = crypto::multi_party;

class RemoteOperatorAdjudicator::Impl {
 public:
  Impl(const std::string& address, crypto::PrivateKey key, std::chrono::milliseconds timeout)
      : address_(address), key_(std::move(key)), timeout_(timeout) {
    auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
    coins_ = v1::Statechain::NewStub(channel);
    stub_ = v1::StatechainChannel::NewStub(channel);
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
    return DisputeFromProto(reply);
  }

  Tick Now() const {
    v1::NowReply reply;
    if (Call(&v1::StatechainChannel::Stub::Now, v1::NowRequest(), &reply, "now").ok()) {
      last_height_ = reply.tick();
    }
    return last_height_;
  }

  uint64_t Subscribe(const channel::ChannelId& channel, Handler handler) {
    return subscriptions_.Subscribe(channel, std::move(handler));
  }
  void Unsubscribe(uint64_t id) { subscriptions_.Unsubscribe(id); }

 private:
  const std::string address_;
  const crypto::PrivateKey key_;
  const std::chrono::milliseconds timeout_;
  std::unique_ptr<v1::Statechain::Stub> coins_;
  std::unique_ptr<v1::StatechainChannel::Stub> stub_;
  mutable std::atomic<Tick> last_height_{0};
  RemoteSubscriptions subscriptions_{
      {.service = "statechain operator at " + address_,
       .timeout = timeout_,
       .first_retry = std::chrono::milliseconds(50)},
      [this](grpc::ClientContext* context, const v1::SubscribeRequest& request) {
        return stub_->Subscribe(context, request);
      },
      [this](const channel::ChannelId& channel) { return GetDispute(channel); }};
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
