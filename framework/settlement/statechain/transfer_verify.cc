// The receiver's verification of a transfer message (VerifyTransfer).
#include <algorithm>
#include <string>

#include "parley/crypto/key_arithmetic.h"
#include "parley/crypto/two_party_schnorr.h"
#include "parley/settlement/statechain/backup.h"
#include "parley/settlement/statechain/transfer_message.h"

namespace parley::settlement::statechain {
namespace {

Status CheckAddress(const TransferMessage& message, const Address& me) {
  if (!(message.receiver.auth_key == me.auth_key)) {
    return Status::PermissionDenied("the transfer message is addressed to auth key " +
                                    message.receiver.auth_key.ToHex() + ", not this wallet's " +
                                    me.auth_key.ToHex());
  }
  if (!(message.receiver.backup_key == me.backup_key)) {
    return Status::PermissionDenied("the transfer message names backup key " +
                                    message.receiver.backup_key.ToHex() + ", not this wallet's " +
                                    me.backup_key.ToHex());
  }
  return Status::Ok();
}

// The operator's view: who the transfer is for and whose shares make the key.
Status CheckAgainstOperator(const TransferMessage& message, const Address& me,
                            const CoinInfo& coin) {
  const std::string id = ToHex(message.coin_id);
  if (coin.status != CoinStatus::kActive || !coin.operator_share) {
    return Status::FailedPrecondition("the operator says coin " + id + " was withdrawn");
  }
  if (!coin.pending_transfer || !(coin.pending_transfer->receiver_auth_key == me.auth_key)) {
    return Status::FailedPrecondition(
        "the operator has no pending transfer of coin " + id +
        " to this wallet (the message is a replay, or the sender started a transfer to someone "
        "else)");
  }
  Result<crypto::PublicKey> key = crypto::AddPublicKeys(message.sender_share, *coin.operator_share);
  if (!key.ok() || !(*key == coin.coin_key)) {
    return Status::PermissionDenied(
        "the sender's share O1 plus the operator's share S1 is not the coin's key: the message's "
        "sender share is wrong");
  }
  Result<crypto::PublicKey> expected_t1 =
      crypto::AddPublicKeys(message.sender_share, coin.pending_transfer->x_point);
  if (!expected_t1.ok() || !(message.t1.public_key() == *expected_t1)) {
    return Status::PermissionDenied(
        "t1 does not match the sender's share and the operator's transfer secret (t1*G != O1 + "
        "X1): accepting it would leave a share that does not sign for the coin");
  }
  if (coin.signature_count != message.backups.size()) {
    return Status::FailedPrecondition(
        "the operator has made " + std::to_string(coin.signature_count) + " signatures for coin " +
        id + " but the message carries " + std::to_string(message.backups.size()) +
        " backups: an unaccounted signature could spend the coin; refuse it");
  }
  return Status::Ok();
}

Status CheckAgainstLedger(const TransferMessage& message, const crypto::two_party::CoinKey& key,
                          const std::optional<crypto::TxOut>& output) {
  const std::string outpoint =
      ToHex(message.outpoint.txid) + ":" + std::to_string(message.outpoint.index);
  if (!output) {
    return Status::FailedPrecondition("the ledger has no unspent output " + outpoint +
                                      ": the coin was spent or never funded");
  }
  const auto script = key.ScriptPubKey();
  if (!std::equal(script.begin(), script.end(), output->script_pubkey.begin(),
                  output->script_pubkey.end())) {
    return Status::PermissionDenied("the ledger's output " + outpoint +
                                    " does not pay to the coin's key");
  }
  if (output->amount_sats != message.amount_sats) {
    return Status::PermissionDenied("the message says the coin holds " +
                                    std::to_string(message.amount_sats) + " sats; the ledger's " +
                                    outpoint + " holds " + std::to_string(output->amount_sats));
  }
  return Status::Ok();
}

Status CheckLatestBackup(const crypto::Transaction& latest, const Address& me,
                         const PendingTransfer& pending, uint64_t height) {
  const auto script = BackupScriptPubKey(me.backup_key);
  const Bytes& paid_to = latest.outputs[0].script_pubkey;  // VerifyBackupChain checked one output
  if (!std::equal(script.begin(), script.end(), paid_to.begin(), paid_to.end())) {
    return Status::PermissionDenied("the latest backup does not pay to this wallet's backup key");
  }
  if (latest.lock_time != pending.next_lock_time) {
    return Status::PermissionDenied("the latest backup has lock time " +
                                    std::to_string(latest.lock_time) +
                                    " but the operator's next lock time for this transfer is " +
                                    std::to_string(pending.next_lock_time));
  }
  if (latest.lock_time <= height) {
    return Status::FailedPrecondition("the latest backup's lock time " +
                                      std::to_string(latest.lock_time) +
                                      " is not above the current height " + std::to_string(height) +
                                      ": the coin is too close to its backups' expiry");
  }
  return Status::Ok();
}

}  // namespace

Status VerifyTransfer(const TransferMessage& message, const Address& me,
                      const TransferEvidence& evidence, const ReceiverPolicy& policy) {
  PARLEY_RETURN_IF_ERROR(CheckAddress(message, me));
  if (message.backups.empty()) {
    return Status::PermissionDenied("the transfer message carries no backup transactions");
  }
  PARLEY_RETURN_IF_ERROR(CheckAgainstOperator(message, me, evidence.coin));
  PARLEY_ASSIGN_OR_RETURN(crypto::two_party::CoinKey key,
                          crypto::two_party::CoinKey::FromInternalKey(evidence.coin.coin_key));
  PARLEY_RETURN_IF_ERROR(CheckAgainstLedger(message, key, evidence.ledger_output));
  const CoinOutput coin{.outpoint = message.outpoint,
                        .amount_sats = message.amount_sats,
                        .output_key = key.output_key()};
  PARLEY_RETURN_IF_ERROR(VerifyBackupChain(message.backups, coin, policy.protocol.interval,
                                           policy.max_backup_fee_sats));
  return CheckLatestBackup(message.backups.back(), me, *evidence.coin.pending_transfer,
                           evidence.height);
}

}  // namespace parley::settlement::statechain
