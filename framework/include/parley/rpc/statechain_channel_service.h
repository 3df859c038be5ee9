// StatechainChannelService: the operator's payment channels on statecoins
// served over gRPC (service parley.v1.StatechainChannel,
// proto/parley/v1/statechain_channel.proto). It only translates: a
// malformed field is INVALID_ARGUMENT naming it; the authenticated calls
// go through OperatorChannels (which says why each needs authentication),
// the others straight to the OperatorAdjudicator; every Status maps to the
// gRPC code of the same kind (wire::ToGrpc).
#pragma once

#include "parley/settlement/statechain/operator_channels.h"
#include "parley/v1/statechain_channel.grpc.pb.h"

namespace parley::rpc {

class StatechainChannelService final : public v1::StatechainChannel::Service {
 public:
  // `channels` must outlive the service.
  explicit StatechainChannelService(settlement::statechain::OperatorChannels& channels)
      : channels_(channels) {}

  grpc::Status OpenChannel(grpc::ServerContext*, const v1::CoinChannelOpenRequest*,
                           v1::CoinChannelReply*) override;
  grpc::Status SplitNonces(grpc::ServerContext*, const v1::CoinChannelSplitNoncesRequest*,
                           v1::CoinChannelNoncesReply*) override;
  grpc::Status CoSignSplit(grpc::ServerContext*, const v1::CoinChannelCoSignSplitRequest*,
                           v1::CoinChannelTransactionReply*) override;
  grpc::Status BackupNonce(grpc::ServerContext*, const v1::CoinChannelBackupNonceRequest*,
                           v1::CoinChannelNoncesReply*) override;
  grpc::Status SignBackup(grpc::ServerContext*, const v1::CoinChannelSignBackupRequest*,
                          v1::CoinChannelPartialReply*) override;
  grpc::Status Register(grpc::ServerContext*, const v1::RegisterRequest*,
                        v1::LedgerReply*) override;
  grpc::Status Conclude(grpc::ServerContext*, const v1::ConcludeRequest*,
                        v1::LedgerReply*) override;
  grpc::Status Withdraw(grpc::ServerContext*, const v1::WithdrawRequest*,
                        v1::LedgerReply*) override;
  grpc::Status GetDispute(grpc::ServerContext*, const v1::GetDisputeRequest*,
                          v1::GetDisputeReply*) override;
  // Streams the channel's events until the client cancels or the server
  // shuts down.
  grpc::Status Subscribe(grpc::ServerContext*, const v1::SubscribeRequest*,
                         grpc::ServerWriter<v1::LedgerEvent>*) override;
  grpc::Status Now(grpc::ServerContext*, const v1::NowRequest*, v1::NowReply*) override;

 private:
  settlement::statechain::OperatorChannels& channels_;
};

}  // namespace parley::rpc
