// Operator: the statechain server's logic (no transport). It co-owns every
// coin's key with the coin's current owner and persists, per coin, its key
// share, the owner's auth key, its signature count, the current lock time,
// the pending transfer and the nonces it issued.
//
// Thread-safe: calls are serialized, so a check and the write it guards are
// atomic (one nonce can never sign twice, even for concurrent requests).
// Multi-record changes go through one store WriteBatch.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>

#include "parley/settlement/statechain/ledger.h"
#include "parley/settlement/statechain/operator_api.h"
#include "parley/store/store.h"

namespace parley::settlement::statechain {

class ChallengeBook;

struct OperatorOptions {
  ProtocolOptions protocol;
  // How long a challenge stays usable after NewChallenge.
  std::chrono::seconds challenge_lifetime{60};
  // Challenges outstanding at once; NewChallenge refuses more until some
  // expire or are spent (a guard against floods).
  size_t max_outstanding_challenges = 100'000;
  // The clock challenges expire by; the steady clock when empty.
  std::function<std::chrono::steady_clock::time_point()> now;
};

class Operator final : public OperatorApi {
 public:
  // `store` and `ledger` must outlive the operator.
  Operator(store::Store& store, const CoinLedger& ledger, OperatorOptions options = {});
  ~Operator() override;

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
  // The lock-time rules of every coin.
  const ProtocolOptions& protocol() const { return options_.protocol; }

 private:
  std::chrono::steady_clock::time_point Now() const;
  // Spends `auth`'s challenge if it is live and the signature is `key`'s
  // over it and `payload`; PermissionDenied otherwise (the challenge stays).
  Status Authenticate(const crypto::PublicKey& key, const Auth& auth, ByteView payload);

  store::Store& store_;
  const CoinLedger& ledger_;
  OperatorOptions options_;
  std::mutex mu_;
  std::unique_ptr<ChallengeBook> challenges_;  // guarded by mu_
};

}  // namespace parley::settlement::statechain
