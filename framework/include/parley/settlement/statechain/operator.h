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
#include <span>

#include "parley/settlement/statechain/ledger.h"
#include "parley/settlement/statechain/operator_api.h"
#include "parley/store/store.h"

namespace parley::settlement::statechain {

class ChallengeBook;

// A coin's key material as the Operator hands it to a channel opened on the
// coin (Operator::MoveIntoChannel). It never leaves the operator's process.
struct CoinHandOver {
  crypto::PublicKey coin_key;  // P = O + S
  crypto::PrivateKey share;    // s
  uint32_t lock_time = 0;      // the owner's statechain backup's
};
// Checks that a channel can be opened on the coin and adds the channel's
// records (holding the share) to `batch`; or says why not and adds nothing.
using ChannelHandOver = std::function<Status(const CoinHandOver& coin, store::WriteBatch* batch)>;

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

  // Moves coin `coin_id` into CoinStatus::kInChannel for channel
  // `channel_id` at its current owner's request: `auth` must be the owner's
  // over a fresh challenge and `payload`, which names the coin and the
  // channel (AuthPayload(OpenChannelRequest), channel_requests.h).
  // `hand_over` gets the share and adds the channel's records to the batch
  // that also moves the share out of the coin's records and erases the
  // coin's pending transfer and unused nonces: the share is never in two
  // places, and a refusal changes nothing (but spends the challenge). Those
  // records must live in this operator's store. From then on every
  // coin-level request for the coin is FailedPrecondition.
  // FailedPrecondition for a coin that is withdrawn or already in a channel,
  // PermissionDenied for a bad auth, else `hand_over`'s refusal.
  Status MoveIntoChannel(const CoinId& coin_id, const Hash32& channel_id, const Auth& auth,
                         ByteView payload, const ChannelHandOver& hand_over);

  // Spends `auth`'s challenge if its signature over `payload` is by one of
  // `keys` (a channel's participants, OperatorChannels). PermissionDenied
  // otherwise, leaving the challenge live.
  Status AuthenticateAny(std::span<const crypto::PublicKey> keys, const Auth& auth,
                         ByteView payload);

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
