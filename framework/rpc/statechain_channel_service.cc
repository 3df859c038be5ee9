#include "parley/rpc/statechain_channel_service.h"

#include "parley/settlement/remote_events.h"
#include "parley/settlement/statechain/channel_proto_codec.h"
#include "parley/settlement/statechain/proto_codec.h"
#include "parley/wire/grpc_common.h"

namespace parley::rpc {

namespace sc = settlement::statechain;
namespace mp = crypto::multi_party;

namespace {

// Runs `call` and maps its Status.
template <typename Call>
grpc::Status Serve(Call&& call) {
  return wire::ToGrpc(call());
}

Result<channel::Params> Params(const std::string& bytes) {
  return wire::FromBytes<channel::Params>(bytes, "params");
}

}  // namespace

grpc::Status StatechainChannelService::OpenChannel(grpc::ServerContext*,
                                                   const v1::CoinChannelOpenRequest* r,
                                                   v1::CoinChannelReply*) {
  return Serve([&]() -> Status {
    PARLEY_ASSIGN_OR_RETURN(sc::OpenChannelRequest request, sc::FromProto(*r));
    return channels_.OpenChannel(request);
  });
}

grpc::Status StatechainChannelService::SplitNonces(grpc::ServerContext*,
                                                   const v1::CoinChannelSplitNoncesRequest* r,
                                                   v1::CoinChannelNoncesReply* reply) {
  return Serve([&]() -> Status {
    PARLEY_ASSIGN_OR_RETURN(sc::SplitNoncesRequest request, sc::FromProto(*r));
    PARLEY_ASSIGN_OR_RETURN(std::vector<mp::PublicNonce> nonces, channels_.SplitNonces(request));
    *reply = sc::ToProto(nonces);
    return Status::Ok();
  });
}

grpc::Status StatechainChannelService::CoSignSplit(grpc::ServerContext*,
                                                   const v1::CoinChannelCoSignSplitRequest* r,
                                                   v1::CoinChannelTransactionReply* reply) {
  return Serve([&]() -> Status {
    PARLEY_ASSIGN_OR_RETURN(sc::CoSignSplitRequest request, sc::FromProto(*r));
    PARLEY_ASSIGN_OR_RETURN(
        crypto::Transaction tx,
        channels_.adjudicator().CoSignSplit(request.params, request.split, request.signatures));
    const Bytes bytes = crypto::Serialize(tx);
    reply->set_transaction(std::string(bytes.begin(), bytes.end()));
    return Status::Ok();
  });
}

grpc::Status StatechainChannelService::BackupNonce(grpc::ServerContext*,
                                                   const v1::CoinChannelBackupNonceRequest* r,
                                                   v1::CoinChannelNoncesReply* reply) {
  return Serve([&]() -> Status {
    PARLEY_ASSIGN_OR_RETURN(sc::BackupNonceRequest request, sc::FromProto(*r));
    PARLEY_ASSIGN_OR_RETURN(mp::PublicNonce nonce, channels_.BackupNonce(request));
    *reply = sc::ToProto(std::span<const mp::PublicNonce>(&nonce, 1));
    return Status::Ok();
  });
}

grpc::Status StatechainChannelService::SignBackup(grpc::ServerContext*,
                                                  const v1::CoinChannelSignBackupRequest* r,
                                                  v1::CoinChannelPartialReply* reply) {
  return Serve([&]() -> Status {
    PARLEY_ASSIGN_OR_RETURN(sc::SignBackupRequest request, sc::FromProto(*r));
    PARLEY_ASSIGN_OR_RETURN(mp::PartialSignature partial, channels_.SignBackup(request));
    reply->set_partial_signature(std::string(partial.begin(), partial.end()));
    return Status::Ok();
  });
}

grpc::Status StatechainChannelService::Register(grpc::ServerContext*, const v1::RegisterRequest* r,
                                                v1::LedgerReply*) {
  return Serve([&]() -> Status {
    PARLEY_ASSIGN_OR_RETURN(channel::Params params, Params(r->params()));
    PARLEY_ASSIGN_OR_RETURN(channel::SignedState state, wire::FromBytes<channel::SignedState>(
                                                            r->signed_state(), "signed_state"));
    return channels_.adjudicator().Register(params, state);
  });
}

grpc::Status StatechainChannelService::Conclude(grpc::ServerContext*, const v1::ConcludeRequest* r,
                                                v1::LedgerReply*) {
  return Serve([&]() -> Status {
    PARLEY_ASSIGN_OR_RETURN(channel::Params params, Params(r->params()));
    return channels_.adjudicator().Conclude(params);
  });
}

grpc::Status StatechainChannelService::Withdraw(grpc::ServerContext*, const v1::WithdrawRequest* r,
                                                v1::LedgerReply*) {
  return Serve([&]() -> Status {
    PARLEY_ASSIGN_OR_RETURN(channel::Params params, Params(r->params()));
    return channels_.adjudicator().Withdraw(params, r->participant());
  });
}

grpc::Status StatechainChannelService::GetDispute(grpc::ServerContext*,
                                                  const v1::GetDisputeRequest* r,
                                                  v1::GetDisputeReply* reply) {
  return Serve([&]() -> Status {
    PARLEY_ASSIGN_OR_RETURN(Hash32 id, sc::Hash32FromProto(r->channel_id(), "channel_id"));
    PARLEY_ASSIGN_OR_RETURN(settlement::Dispute dispute, channels_.adjudicator().GetDispute(id));
    *reply = settlement::DisputeToProto(dispute);
    return Status::Ok();
  });
}

grpc::Status StatechainChannelService::Subscribe(grpc::ServerContext* context,
                                                 const v1::SubscribeRequest* r,
                                                 grpc::ServerWriter<v1::LedgerEvent>* writer) {
  Result<Hash32> id = sc::Hash32FromProto(r->channel_id(), "channel_id");
  if (!id.ok()) return wire::ToGrpc(id.status());
  return settlement::ServeEvents(channels_.adjudicator(), *id, context, writer);
}

grpc::Status StatechainChannelService::Now(grpc::ServerContext*, const v1::NowRequest*,
                                           v1::NowReply* reply) {
  reply->set_tick(channels_.adjudicator().Now());
  return grpc::Status::OK;
}

}  // namespace parley::rpc
