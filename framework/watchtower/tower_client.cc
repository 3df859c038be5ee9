#include "parley/watchtower/tower_client.h"

#include <grpcpp/grpcpp.h>

#include "parley/v1/watchtower.grpc.pb.h"
#include "parley/wire/grpc_common.h"

namespace parley::watchtower {

namespace {

std::string BytesString(ByteView bytes) { return {bytes.begin(), bytes.end()}; }

void ToProto(const Auth& auth, v1::TowerAuth* out) {
  out->set_client_key(BytesString(auth.client.bytes()));
  out->set_challenge(BytesString(auth.challenge));
  out->set_signature(BytesString(auth.signature));
}

Result<WatchedChannel> FromProto(const v1::WatchedChannel& c) {
  PARLEY_ASSIGN_OR_RETURN(auto id, wire::Hash32FromBytes(c.channel_id(), "a channel id"));
  return WatchedChannel{.id = id, .version = c.version(), .refuted_version = c.refuted_version()};
}

}  // namespace

class TowerClient::Impl {
 public:
  Impl(const std::string& address, crypto::PrivateKey key, std::chrono::milliseconds timeout)
      : address_(address),
        key_(std::move(key)),
        timeout_(timeout),
        stub_(v1::Watchtower::NewStub(
            grpc::CreateChannel(address, grpc::InsecureChannelCredentials()))) {}

  // Calls `method` with a deadline; the tower's quota refusal becomes
  // FailedPrecondition, since parley::StatusCode has no code of its own for it.
  template <typename Request, typename Reply, typename Method>
  Status Call(Method method, const Request& request, Reply* reply, const char* what) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + timeout_);
    grpc::Status s = (stub_.get()->*method)(&context, request, reply);
    if (s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
      return Status::FailedPrecondition("the watchtower's quota: " + s.error_message());
    }
    return wire::FromGrpc(s, std::string(what) + " at the watchtower " + address_);
  }

  Result<Hash32> Challenge() {
    v1::TowerChallenge reply;
    PARLEY_RETURN_IF_ERROR(
        Call(&v1::Watchtower::Stub::GetChallenge, v1::GetChallengeRequest(), &reply, "challenge"));
    return wire::Hash32FromBytes(reply.challenge(), "the tower's challenge");
  }

  Result<WatchedChannel> StoreState(const channel::Params& params,
                                    const channel::SignedState& state) {
    PARLEY_ASSIGN_OR_RETURN(Hash32 challenge, Challenge());
    v1::StoreStateRequest request;
    request.set_params(wire::ToBytes(params));
    request.set_signed_state(wire::ToBytes(state));
    ToProto(SignRequest(key_, kStoreStateCall, challenge, StoreStateContent(params, state)),
            request.mutable_auth());
    v1::StoreStateReply reply;
    PARLEY_RETURN_IF_ERROR(Call(&v1::Watchtower::Stub::StoreState, request, &reply, "store"));
    PARLEY_ASSIGN_OR_RETURN(auto id, wire::Hash32FromBytes(reply.channel_id(), "a channel id"));
    return WatchedChannel{.id = id, .version = reply.version()};
  }

  Result<std::vector<WatchedChannel>> ListWatched() {
    PARLEY_ASSIGN_OR_RETURN(Hash32 challenge, Challenge());
    v1::ListWatchedRequest request;
    ToProto(SignRequest(key_, kListWatchedCall, challenge, {}), request.mutable_auth());
    v1::ListWatchedReply reply;
    PARLEY_RETURN_IF_ERROR(Call(&v1::Watchtower::Stub::ListWatched, request, &reply, "list"));
    std::vector<WatchedChannel> out;
    for (const auto& c : reply.channels()) {
      PARLEY_ASSIGN_OR_RETURN(auto watched, FromProto(c));
      out.push_back(watched);
    }
    return out;
  }

 private:
  const std::string address_;
  const crypto::PrivateKey key_;
  const std::chrono::milliseconds timeout_;
  std::unique_ptr<v1::Watchtower::Stub> stub_;
};

TowerClient::TowerClient(const std::string& address, crypto::PrivateKey key,
                         std::chrono::milliseconds call_timeout)
    : impl_(std::make_unique<Impl>(address, std::move(key), call_timeout)) {}
TowerClient::~TowerClient() = default;

Result<WatchedChannel> TowerClient::StoreState(const channel::Params& params,
                                               const channel::SignedState& state) {
  return impl_->StoreState(params, state);
}

Result<std::vector<WatchedChannel>> TowerClient::ListWatched() { return impl_->ListWatched(); }

}  // namespace parley::watchtower
