// The operator's side of transfers and withdrawal.
#include <string>

#include "operator_internal.h"
#include "parley/crypto/key_arithmetic.h"
#include "parley/crypto/secure_erase.h"
#include "parley/settlement/statechain/operator.h"

namespace parley::settlement::statechain {

Result<TransferInitResponse> Operator::TransferSenderInit(const TransferInitRequest& request) {
  std::lock_guard lock(mu_);
  PARLEY_ASSIGN_OR_RETURN(CoinRecord coin, LoadActiveCoin(store_, request.coin_id));
  PARLEY_RETURN_IF_ERROR(Authenticate(coin.auth_key, request.auth, AuthPayload(request)));
  // The receiver's backup must become valid before the sender's, and later
  // than now: otherwise the sender's backup could be mined first, or at once.
  const uint64_t height = ledger_.Height();
  const uint32_t interval = options_.protocol.interval;
  if (coin.lock_time <= interval || coin.lock_time - interval <= height) {
    return Status::FailedPrecondition(
        "coin " + ToHex(request.coin_id) + " cannot be transferred: the next backup's lock time " +
        std::to_string(static_cast<int64_t>(coin.lock_time) - interval) +
        " would be at or below the current height " + std::to_string(height) +
        "; withdraw the coin instead");
  }
  const TransferRecord transfer{.x = crypto::PrivateKey::Generate(),
                                .receiver_auth_key = request.receiver_auth_key,
                                .next_lock_time = coin.lock_time - interval};
  // A pending transfer to someone else is replaced, and its x1 with it.
  PARLEY_RETURN_IF_ERROR(store_.Put(TransferKey(request.coin_id), Encode(transfer)));
  return TransferInitResponse{.x1 = transfer.x, .next_lock_time = transfer.next_lock_time};
}

Result<TransferFinalizeResponse> Operator::TransferReceiverFinalize(
    const TransferFinalizeRequest& request) {
  std::lock_guard lock(mu_);
  PARLEY_ASSIGN_OR_RETURN(CoinRecord coin, LoadActiveCoin(store_, request.coin_id));
  PARLEY_ASSIGN_OR_RETURN(TransferRecord transfer, LoadTransfer(store_, request.coin_id));
  PARLEY_RETURN_IF_ERROR(
      Authenticate(transfer.receiver_auth_key, request.auth, AuthPayload(request)));
  PARLEY_ASSIGN_OR_RETURN(crypto::PrivateKey old_share, LoadShare(store_, request.coin_id));

  // s2 = s1 + t2 - x1 = s1 + o1 - o2.
  PARLEY_ASSIGN_OR_RETURN(crypto::PrivateKey sum, crypto::AddPrivateKeys(old_share, request.t2));
  PARLEY_ASSIGN_OR_RETURN(crypto::PrivateKey new_share,
                          crypto::SubtractPrivateKeys(sum, transfer.x));
  Result<crypto::PublicKey> key =
      crypto::AddPublicKeys(new_share.public_key(), request.new_owner_share);
  if (!key.ok() || !(*key == coin.coin_key)) {
    return Status::InvalidArgument(
        "the updated operator share and the new owner share O2 do not add up to the coin key: t2 "
        "is not t1 - o2 for the t1 the sender was given (check the transfer message); nothing "
        "was changed");
  }

  CoinRecord updated = coin;
  updated.auth_key = transfer.receiver_auth_key;
  updated.lock_time = transfer.next_lock_time;
  Hash32 secret = new_share.SecretBytes();
  store::WriteBatch batch;
  // The Put replaces s1; x1 and the previous owner's nonces go with it.
  batch.Put(ShareKey(request.coin_id), Bytes(secret.begin(), secret.end()));
  crypto::SecureErase(secret);
  batch.Put(CoinRecordKey(request.coin_id), Encode(updated));
  batch.Delete(TransferKey(request.coin_id));
  PARLEY_RETURN_IF_ERROR(DeleteNonces(store_, request.coin_id, &batch));
  PARLEY_RETURN_IF_ERROR(store_.Write(batch));
  return TransferFinalizeResponse{.operator_share = new_share.public_key()};
}

Status Operator::Withdraw(const WithdrawRequest& request) {
  std::lock_guard lock(mu_);
  PARLEY_ASSIGN_OR_RETURN(CoinRecord coin, LoadActiveCoin(store_, request.coin_id));
  PARLEY_RETURN_IF_ERROR(Authenticate(coin.auth_key, request.auth, AuthPayload(request)));
  coin.status = CoinStatus::kWithdrawn;
  store::WriteBatch batch;
  batch.Put(CoinRecordKey(request.coin_id), Encode(coin));
  batch.Delete(ShareKey(request.coin_id));
  batch.Delete(TransferKey(request.coin_id));
  PARLEY_RETURN_IF_ERROR(DeleteNonces(store_, request.coin_id, &batch));
  return store_.Write(batch);
}

}  // namespace parley::settlement::statechain
