#include "tower_service.h"

#include "parley/util/codec.h"
#include "parley/wire/grpc_common.h"

namespace parley::watchtower {

namespace {

std::string BytesString(ByteView bytes) { return {bytes.begin(), bytes.end()}; }

// The Auth of a request; InvalidArgument for fields of the wrong size.
Result<Auth> FromProto(const v1::TowerAuth& auth) {
  PARLEY_ASSIGN_OR_RETURN(auto client, crypto::PublicKey::FromBytes(AsBytes(auth.client_key())));
  PARLEY_ASSIGN_OR_RETURN(Hash32 challenge, wire::Hash32FromBytes(auth.challenge(), "a challenge"));
  if (auth.signature().size() != crypto::Signature().size()) {
    return Status::InvalidArgument("the request's signature must be 64 bytes (BIP340), not " +
                                   std::to_string(auth.signature().size()));
  }
  Auth out{.client = client, .challenge = challenge};
  std::copy(auth.signature().begin(), auth.signature().end(), out.signature.begin());
  return out;
}

// Authenticates `auth` for `call` over `content`: the client, or the gRPC
// status to answer with.
Result<crypto::PublicKey> Authenticate(Tower& tower, const v1::TowerAuth& proto,
                                       std::string_view call, ByteView content,
                                       grpc::Status* refusal) {
  auto auth = FromProto(proto);
  Status s = auth.ok() ? tower.Authenticate(*auth, call, content) : auth.status();
  if (!s.ok()) {
    *refusal = grpc::Status(grpc::StatusCode::UNAUTHENTICATED, s.message());
    return s;
  }
  return auth->client;
}

}  // namespace

grpc::Status TowerService::GetTowerInfo(grpc::ServerContext*, const v1::GetTowerInfoRequest*,
                                        v1::TowerInfo* reply) {
  reply->set_backend(backend_);
  reply->set_chain(chain_);
  reply->set_quota_per_client(static_cast<uint32_t>(tower_.quota_per_client()));
  reply->set_challenge_ttl_seconds(static_cast<uint32_t>(tower_.challenge_ttl().count()));
  return grpc::Status::OK;
}

grpc::Status TowerService::GetChallenge(grpc::ServerContext*, const v1::GetChallengeRequest*,
                                        v1::TowerChallenge* reply) {
  reply->set_challenge(BytesString(tower_.NewChallenge()));
  reply->set_expires_in_seconds(static_cast<uint32_t>(tower_.challenge_ttl().count()));
  return grpc::Status::OK;
}

grpc::Status TowerService::StoreState(grpc::ServerContext*, const v1::StoreStateRequest* r,
                                      v1::StoreStateReply* reply) {
  // The content signed is the bytes as sent; they decode strictly, so they
  // are the canonical encoding of what the tower stores.
  Writer content;
  content.Var(AsBytes(r->params()));
  content.Var(AsBytes(r->signed_state()));
  grpc::Status refusal;
  auto client = Authenticate(tower_, r->auth(), kStoreStateCall, content.bytes(), &refusal);
  if (!client.ok()) return refusal;
  auto params = wire::FromBytes<channel::Params>(r->params(), "params");
  if (!params.ok()) return wire::ToGrpc(params.status());
  auto state = wire::FromBytes<channel::SignedState>(r->signed_state(), "signed state");
  if (!state.ok()) return wire::ToGrpc(state.status());
  StoreOutcome outcome = tower_.StoreState(*client, *params, *state);
  if (outcome.over_quota) {
    return {grpc::StatusCode::RESOURCE_EXHAUSTED, outcome.status.message()};
  }
  if (!outcome.status.ok()) return wire::ToGrpc(outcome.status);
  reply->set_channel_id(BytesString(outcome.channel.id));
  reply->set_version(outcome.channel.version);
  reply->set_channels_used(static_cast<uint32_t>(outcome.channels_used));
  reply->set_quota(static_cast<uint32_t>(tower_.quota_per_client()));
  return grpc::Status::OK;
}

grpc::Status TowerService::ListWatched(grpc::ServerContext*, const v1::ListWatchedRequest* r,
                                       v1::ListWatchedReply* reply) {
  grpc::Status refusal;
  auto client = Authenticate(tower_, r->auth(), kListWatchedCall, {}, &refusal);
  if (!client.ok()) return refusal;
  for (const WatchedChannel& c : tower_.ListWatched(*client)) {
    v1::WatchedChannel* out = reply->add_channels();
    out->set_channel_id(BytesString(c.id));
    out->set_version(c.version);
    out->set_refuted_version(c.refuted_version);
  }
  reply->set_quota(static_cast<uint32_t>(tower_.quota_per_client()));
  return grpc::Status::OK;
}

}  // namespace parley::watchtower
