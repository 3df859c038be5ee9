#include "parley/settlement/statechain/remote_operator.h"

#include <grpcpp/grpcpp.h>

#include <string>

#include "parley/settlement/statechain/proto_codec.h"
#include "parley/v1/statechain.grpc.pb.h"
#include "parley/wire/grpc_common.h"

namespace parley::settlement::statechain {

class RemoteOperator::Impl {
 public:
  Impl(const std::string& address, std::chrono::milliseconds call_timeout)
      : address_(address),
        timeout_(call_timeout),
        stub_(v1::Statechain::NewStub(
            grpc::CreateChannel(address, grpc::InsecureChannelCredentials()))) {}

  // Calls `method` with the deadline; the outcome as a Status.
  template <typename Request, typename Reply>
  Status Call(grpc::Status (v1::Statechain::Stub::*method)(grpc::ClientContext*, const Request&,
                                                           Reply*),
              const Request& request, Reply* reply, const char* what) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + timeout_);
    return wire::FromGrpc((stub_.get()->*method)(&context, request, reply),
                          std::string("statechain operator at ") + address_ + ": " + what);
  }

 private:
  const std::string address_;
  const std::chrono::milliseconds timeout_;
  std::unique_ptr<v1::Statechain::Stub> stub_;
};

RemoteOperator::RemoteOperator(const std::string& address, std::chrono::milliseconds call_timeout)
    : impl_(std::make_unique<Impl>(address, call_timeout)) {}

RemoteOperator::~RemoteOperator() = default;

Result<Hash32> RemoteOperator::NewChallenge() {
  v1::NewChallengeReply reply;
  PARLEY_RETURN_IF_ERROR(impl_->Call(&v1::Statechain::Stub::NewChallenge, v1::NewChallengeRequest(),
                                     &reply, "new challenge"));
  return Hash32FromProto(reply.challenge(), "challenge");
}

Result<DepositResponse> RemoteOperator::DepositInit(const DepositRequest& request) {
  v1::DepositInitReply reply;
  PARLEY_RETURN_IF_ERROR(
      impl_->Call(&v1::Statechain::Stub::DepositInit, ToProto(request), &reply, "deposit"));
  return FromProto(reply);
}

Result<NonceResponse> RemoteOperator::NonceCommit(const NonceRequest& request) {
  v1::NonceCommitReply reply;
  PARLEY_RETURN_IF_ERROR(
      impl_->Call(&v1::Statechain::Stub::NonceCommit, ToProto(request), &reply, "nonce commit"));
  return FromProto(reply);
}

Result<crypto::two_party::PartialSignature> RemoteOperator::PartialSign(
    const SignRequest& request) {
  v1::PartialSignReply reply;
  PARLEY_RETURN_IF_ERROR(
      impl_->Call(&v1::Statechain::Stub::PartialSign, ToProto(request), &reply, "partial sign"));
  return FromProto(reply);
}

Result<TransferInitResponse> RemoteOperator::TransferSenderInit(
    const TransferInitRequest& request) {
  v1::TransferSenderInitReply reply;
  PARLEY_RETURN_IF_ERROR(impl_->Call(&v1::Statechain::Stub::TransferSenderInit, ToProto(request),
                                     &reply, "transfer init"));
  return FromProto(reply);
}

Result<TransferFinalizeResponse> RemoteOperator::TransferReceiverFinalize(
    const TransferFinalizeRequest& request) {
  v1::TransferReceiverFinalizeReply reply;
  PARLEY_RETURN_IF_ERROR(impl_->Call(&v1::Statechain::Stub::TransferReceiverFinalize,
                                     ToProto(request), &reply, "transfer finalize"));
  return FromProto(reply);
}

Status RemoteOperator::Withdraw(const WithdrawRequest& request) {
  v1::StatecoinWithdrawReply reply;
  return impl_->Call(&v1::Statechain::Stub::Withdraw, ToProto(request), &reply, "withdraw");
}

Result<CoinInfo> RemoteOperator::GetCoinInfo(const CoinId& coin_id) {
  v1::GetCoinInfoRequest request;
  request.set_coin_id(std::string(coin_id.begin(), coin_id.end()));
  v1::CoinInfoReply reply;
  PARLEY_RETURN_IF_ERROR(
      impl_->Call(&v1::Statechain::Stub::GetCoinInfo, request, &reply, "coin info"));
  return FromProto(reply);
}

Result<uint64_t> RemoteOperator::SignatureCount(const CoinId& coin_id) {
  v1::SignatureCountRequest request;
  request.set_coin_id(std::string(coin_id.begin(), coin_id.end()));
  v1::SignatureCountReply reply;
  PARLEY_RETURN_IF_ERROR(
      impl_->Call(&v1::Statechain::Stub::SignatureCount, request, &reply, "signature count"));
  return reply.count();
}

Result<ProtocolOptions> RemoteOperator::GetOperatorInfo() {
  v1::OperatorInfoReply reply;
  PARLEY_RETURN_IF_ERROR(impl_->Call(&v1::Statechain::Stub::GetOperatorInfo,
                                     v1::GetOperatorInfoRequest(), &reply, "operator info"));
  if (reply.interval() == 0) {
    return Status::InvalidArgument("the operator's info has interval 0: it must be at least 1");
  }
  if (reply.initlock() <= reply.interval()) {
    return Status::InvalidArgument("the operator's info has initlock " +
                                   std::to_string(reply.initlock()) + ", not above its interval " +
                                   std::to_string(reply.interval()));
  }
  return ProtocolOptions{.initlock = reply.initlock(), .interval = reply.interval()};
}

}  // namespace parley::settlement::statechain
