#include "parley/rpc/statechain_service.h"

#include "parley/settlement/statechain/proto_codec.h"
#include "parley/wire/grpc_common.h"

namespace parley::rpc {

namespace sc = settlement::statechain;

namespace {

// Parses `request`, calls `call` with it and writes its answer to `reply`;
// the first failure becomes the gRPC status.
template <typename Request, typename Reply, typename Call>
grpc::Status Serve(const Request& request, Reply* reply, Call&& call) {
  auto parsed = sc::FromProto(request);
  if (!parsed.ok()) return wire::ToGrpc(parsed.status());
  auto answer = call(*parsed);
  if (!answer.ok()) return wire::ToGrpc(answer.status());
  *reply = sc::ToProto(*answer);
  return grpc::Status::OK;
}

}  // namespace

grpc::Status StatechainService::NewChallenge(grpc::ServerContext*, const v1::NewChallengeRequest*,
                                             v1::NewChallengeReply* reply) {
  Result<Hash32> challenge = op_.NewChallenge();
  if (!challenge.ok()) return wire::ToGrpc(challenge.status());
  reply->set_challenge(std::string(challenge->begin(), challenge->end()));
  return grpc::Status::OK;
}

grpc::Status StatechainService::DepositInit(grpc::ServerContext*, const v1::DepositInitRequest* r,
                                            v1::DepositInitReply* reply) {
  return Serve(*r, reply, [&](const sc::DepositRequest& q) { return op_.DepositInit(q); });
}

grpc::Status StatechainService::NonceCommit(grpc::ServerContext*, const v1::NonceCommitRequest* r,
                                            v1::NonceCommitReply* reply) {
  return Serve(*r, reply, [&](const sc::NonceRequest& q) { return op_.NonceCommit(q); });
}

grpc::Status StatechainService::PartialSign(grpc::ServerContext*, const v1::PartialSignRequest* r,
                                            v1::PartialSignReply* reply) {
  return Serve(*r, reply, [&](const sc::SignRequest& q) { return op_.PartialSign(q); });
}

grpc::Status StatechainService::TransferSenderInit(grpc::ServerContext*,
                                                   const v1::TransferSenderInitRequest* r,
                                                   v1::TransferSenderInitReply* reply) {
  return Serve(*r, reply,
               [&](const sc::TransferInitRequest& q) { return op_.TransferSenderInit(q); });
}

grpc::Status StatechainService::TransferReceiverFinalize(
    grpc::ServerContext*, const v1::TransferReceiverFinalizeRequest* r,
    v1::TransferReceiverFinalizeReply* reply) {
  return Serve(*r, reply, [&](const sc::TransferFinalizeRequest& q) {
    return op_.TransferReceiverFinalize(q);
  });
}

grpc::Status StatechainService::Withdraw(grpc::ServerContext*,
                                         const v1::StatecoinWithdrawRequest* r,
                                         v1::StatecoinWithdrawReply*) {
  Result<sc::WithdrawRequest> request = sc::FromProto(*r);
  if (!request.ok()) return wire::ToGrpc(request.status());
  return wire::ToGrpc(op_.Withdraw(*request));
}

grpc::Status StatechainService::GetCoinInfo(grpc::ServerContext*, const v1::GetCoinInfoRequest* r,
                                            v1::CoinInfoReply* reply) {
  Result<sc::CoinId> coin_id = sc::Hash32FromProto(r->coin_id(), "coin_id");
  if (!coin_id.ok()) return wire::ToGrpc(coin_id.status());
  Result<sc::CoinInfo> info = op_.GetCoinInfo(*coin_id);
  if (!info.ok()) return wire::ToGrpc(info.status());
  *reply = sc::ToProto(*info);
  return grpc::Status::OK;
}

grpc::Status StatechainService::SignatureCount(grpc::ServerContext*,
                                               const v1::SignatureCountRequest* r,
                                               v1::SignatureCountReply* reply) {
  Result<sc::CoinId> coin_id = sc::Hash32FromProto(r->coin_id(), "coin_id");
  if (!coin_id.ok()) return wire::ToGrpc(coin_id.status());
  Result<uint64_t> count = op_.SignatureCount(*coin_id);
  if (!count.ok()) return wire::ToGrpc(count.status());
  reply->set_count(*count);
  return grpc::Status::OK;
}

grpc::Status StatechainService::GetOperatorInfo(grpc::ServerContext*,
                                                const v1::GetOperatorInfoRequest*,
                                                v1::OperatorInfoReply* reply) {
  reply->set_initlock(op_.protocol().initlock);
  reply->set_interval(op_.protocol().interval);
  return grpc::Status::OK;
}

}  // namespace parley::rpc
