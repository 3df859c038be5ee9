// RemoteOperator: a statechain operator in another process, reached over
// gRPC (service parley.v1.Statechain, proto/parley/v1/statechain.proto), as
// the OperatorApi a Wallet drives.
//
// Every call waits at most `call_timeout`; an unreachable operator is
// IoError naming its address. The operator's refusals keep their kind and
// message; a malformed answer is InvalidArgument naming the field.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "parley/settlement/statechain/operator_api.h"

namespace parley::settlement::statechain {

class RemoteOperator final : public OperatorApi {
 public:
  // `address` is HOST:PORT. Connects lazily: construction never fails.
  explicit RemoteOperator(const std::string& address,
                          std::chrono::milliseconds call_timeout = std::chrono::seconds(10));
  ~RemoteOperator() override;

  Result<Hash32> NewChallenge() override;
  Result<DepositResponse> DepositInit(const DepositRequest& request) override;
  Result<NonceResponse> NonceCommit(const NonceRequest& request) override;
  Result<crypto::two_party::PartialSignature> PartialSign(const SignRequest& request) override;
  Result<TransferInitResponse> TransferSenderInit(const TransferInitRequest& request) override;
  Result<TransferFinalizeResponse> TransferReceiverFinalize(
      const TransferFinalizeRequest& request) override;
  Status Withdraw(const WithdrawRequest& request) override;
  Result<CoinInfo> GetCoinInfo(const CoinId& coin_id) override;

  // How many partial signatures the operator has made for the coin.
  Result<uint64_t> SignatureCount(const CoinId& coin_id);
  // The operator's initlock and interval. InvalidArgument naming the field
  // for an interval of 0 or an initlock not above the interval.
  Result<ProtocolOptions> GetOperatorInfo();

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::settlement::statechain
