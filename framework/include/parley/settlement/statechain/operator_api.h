// OperatorApi: the statechain operator as an owner's wallet calls it. The
// Operator class (operator.h) implements it in process; a gRPC client will
// implement it across processes.
//
// Every call either does all it says or changes nothing; a refusal's
// message says what to do (ask for a new challenge, start a new nonce, ...).
#pragma once

#include "parley/crypto/two_party_schnorr.h"
#include "parley/settlement/statechain/requests.h"
#include "parley/settlement/statechain/types.h"
#include "parley/util/status.h"

namespace parley::settlement::statechain {

class OperatorApi {
 public:
  virtual ~OperatorApi() = default;

  // A fresh random challenge for one authenticated request. It expires after
  // the operator's challenge lifetime and is spent by the first request that
  // signs it validly.
  virtual Result<Hash32> NewChallenge() = 0;

  // Creates a coin: the operator's share s1 and the first lock time. The
  // caller funds P = O1 + S1 only after its first backup is signed.
  virtual Result<DepositResponse> DepositInit(const DepositRequest& request) = 0;

  // Signing round 1: a fresh operator nonce, for the current owner only.
  virtual Result<NonceResponse> NonceCommit(const NonceRequest& request) = 0;
  // Signing round 2: the partial signature. Each nonce signs once: a second
  // request with a nonce that has signed is FailedPrecondition. Each
  // signature adds one to the coin's signature count.
  virtual Result<crypto::two_party::PartialSignature> PartialSign(const SignRequest& request) = 0;

  // Starts a transfer to `receiver_auth_key`, replacing any pending one.
  // FailedPrecondition once the next lock time would be at or below the
  // ledger's height.
  virtual Result<TransferInitResponse> TransferSenderInit(const TransferInitRequest& request) = 0;
  // Completes the pending transfer: s2 = s1 + t2 - x1 replaces s1, the
  // receiver becomes the owner, s1 and x1 are erased.
  virtual Result<TransferFinalizeResponse> TransferReceiverFinalize(
      const TransferFinalizeRequest& request) = 0;

  // Erases the coin's share (after the owner has its withdrawal signed).
  virtual Status Withdraw(const WithdrawRequest& request) = 0;

  // The coin's public state, including its signature count; NotFound for an
  // unknown coin. Needs no authentication.
  virtual Result<CoinInfo> GetCoinInfo(const CoinId& coin_id) = 0;
};

}  // namespace parley::settlement::statechain
