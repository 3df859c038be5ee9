// StatechainService: the statechain Operator served over gRPC (service
// parley.v1.Statechain). It only translates: a malformed field is
// INVALID_ARGUMENT naming it, and every other answer is the Operator's, its
// Status mapped to the gRPC code of the same kind (wire::ToGrpc).
#pragma once

#include "parley/settlement/statechain/operator.h"
#include "parley/v1/statechain.grpc.pb.h"

namespace parley::rpc {

class StatechainService final : public v1::Statechain::Service {
 public:
  // `op` must outlive the service.
  explicit StatechainService(settlement::statechain::Operator& op) : op_(op) {}

  grpc::Status NewChallenge(grpc::ServerContext*, const v1::NewChallengeRequest*,
                            v1::NewChallengeReply*) override;
  grpc::Status DepositInit(grpc::ServerContext*, const v1::DepositInitRequest*,
                           v1::DepositInitReply*) override;
  grpc::Status NonceCommit(grpc::ServerContext*, const v1::NonceCommitRequest*,
                           v1::NonceCommitReply*) override;
  grpc::Status PartialSign(grpc::ServerContext*, const v1::PartialSignRequest*,
                           v1::PartialSignReply*) override;
  grpc::Status TransferSenderInit(grpc::ServerContext*, const v1::TransferSenderInitRequest*,
                                  v1::TransferSenderInitReply*) override;
  grpc::Status TransferReceiverFinalize(grpc::ServerContext*,
                                        const v1::TransferReceiverFinalizeRequest*,
                                        v1::TransferReceiverFinalizeReply*) override;
  grpc::Status Withdraw(grpc::ServerContext*, const v1::StatecoinWithdrawRequest*,
                        v1::StatecoinWithdrawReply*) override;
  grpc::Status GetCoinInfo(grpc::ServerContext*, const v1::GetCoinInfoRequest*,
                           v1::CoinInfoReply*) override;
  grpc::Status SignatureCount(grpc::ServerContext*, const v1::SignatureCountRequest*,
                              v1::SignatureCountReply*) override;
  grpc::Status GetOperatorInfo(grpc::ServerContext*, const v1::GetOperatorInfoRequest*,
                               v1::OperatorInfoReply*) override;

 private:
  settlement::statechain::Operator& op_;
};

}  // namespace parley::rpc
