#include "parley/settlement/statechain/backup.h"

#include <string>

#include "parley/crypto/taproot.h"
#include "parley/crypto/taproot_sighash.h"
#include "parley/settlement/statechain/types.h"

namespace parley::settlement::statechain {
namespace {

std::string OutPointString(const crypto::OutPoint& outpoint) {
  return ToHex(outpoint.txid) + ":" + std::to_string(outpoint.index);
}

Status CheckFee(const CoinOutput& coin, int64_t fee_sats) {
  if (fee_sats < 0 || fee_sats >= coin.amount_sats) {
    return Status::InvalidArgument("a fee of " + std::to_string(fee_sats) + " sats on a coin of " +
                                   std::to_string(coin.amount_sats) +
                                   " sats must be at least 0 and leave something to pay out");
  }
  return Status::Ok();
}

crypto::Transaction Spend(const CoinOutput& coin, ByteView script_pubkey, int64_t amount_sats,
                          uint32_t sequence, uint32_t lock_time) {
  crypto::Transaction tx;
  tx.inputs.push_back({.prevout = coin.outpoint, .sequence = sequence});
  tx.outputs.push_back(
      {.amount_sats = amount_sats, .script_pubkey = {script_pubkey.begin(), script_pubkey.end()}});
  tx.lock_time = lock_time;
  return tx;
}

// Every rule of one backup but its lock time's step.
Status CheckBackup(const crypto::Transaction& tx, const CoinOutput& coin, int64_t max_fee_sats) {
  if (tx.inputs.size() != 1 || tx.outputs.size() != 1) {
    return Status::PermissionDenied("has " + std::to_string(tx.inputs.size()) + " inputs and " +
                                    std::to_string(tx.outputs.size()) +
                                    " outputs; a backup has one of each");
  }
  const crypto::TxIn& input = tx.inputs[0];
  if (input.prevout.txid != coin.outpoint.txid || input.prevout.index != coin.outpoint.index) {
    return Status::PermissionDenied("spends " + OutPointString(input.prevout) +
                                    ", not the coin's outpoint " + OutPointString(coin.outpoint));
  }
  if (input.sequence != kBackupSequence) {
    return Status::PermissionDenied("has sequence " + std::to_string(input.sequence) +
                                    "; backups use 0xfffffffe so that their lock time holds");
  }
  const int64_t amount = tx.outputs[0].amount_sats;
  if (amount <= 0 || amount > coin.amount_sats || coin.amount_sats - amount > max_fee_sats) {
    return Status::PermissionDenied("pays " + std::to_string(amount) + " of the coin's " +
                                    std::to_string(coin.amount_sats) +
                                    " sats; it must pay a positive amount with a fee of at most " +
                                    std::to_string(max_fee_sats) + " sats");
  }
  if (tx.lock_time >= kLockTimeThreshold) {
    return Status::PermissionDenied("has lock time " + std::to_string(tx.lock_time) +
                                    ", which is a Unix time, not a block height");
  }
  if (!input.script_sig.empty() || input.witness.size() != 1 || input.witness[0].size() != 64) {
    return Status::PermissionDenied(
        "does not carry exactly one 64-byte key-path signature (SIGHASH_DEFAULT)");
  }
  PARLEY_ASSIGN_OR_RETURN(Hash32 sighash, SpendSighash(tx, coin));
  crypto::Signature signature;
  std::copy(input.witness[0].begin(), input.witness[0].end(), signature.begin());
  if (!crypto::SchnorrVerify(coin.output_key, sighash, signature)) {
    return Status::PermissionDenied("has a signature that does not verify under the coin's key " +
                                    ToHex(coin.output_key));
  }
  return Status::Ok();
}

}  // namespace

Status CheckBackupMatured(const crypto::Transaction& backup, uint64_t height,
                          const std::string& what, const std::string& retry) {
  if (backup.lock_time <= height) return Status::Ok();
  const std::string lock_time = std::to_string(backup.lock_time);
  return Status::FailedPrecondition(
      what + " has lock time " + lock_time + " and the chain is at height " +
      std::to_string(height) + ": it becomes valid at height " + lock_time + ", in " +
      std::to_string(backup.lock_time - height) + " blocks; run " + retry + " again then");
}

crypto::TxOut CoinOutput::AsTxOut() const {
  const auto script = crypto::TaprootScriptPubKey(output_key);
  return {.amount_sats = amount_sats, .script_pubkey = {script.begin(), script.end()}};
}

std::array<uint8_t, 34> BackupScriptPubKey(const crypto::PublicKey& backup_key) {
  // Any valid key's x coordinate is a valid internal key.
  return crypto::TaprootScriptPubKey(
      crypto::TweakPublicKey(backup_key.XOnly(), std::nullopt).value().x_only);
}

Result<crypto::Transaction> BuildBackup(const CoinOutput& coin, const crypto::PublicKey& backup_key,
                                        int64_t fee_sats, uint32_t lock_time) {
  PARLEY_RETURN_IF_ERROR(CheckFee(coin, fee_sats));
  if (lock_time >= kLockTimeThreshold) {
    return Status::InvalidArgument("lock time " + std::to_string(lock_time) +
                                   " is not a block height");
  }
  return Spend(coin, BackupScriptPubKey(backup_key), coin.amount_sats - fee_sats, kBackupSequence,
               lock_time);
}

Result<crypto::Transaction> BuildWithdrawal(const CoinOutput& coin, ByteView script_pubkey,
                                            int64_t fee_sats) {
  PARLEY_RETURN_IF_ERROR(CheckFee(coin, fee_sats));
  if (script_pubkey.empty()) {
    return Status::InvalidArgument("the withdrawal needs a scriptPubKey to pay to");
  }
  return Spend(coin, script_pubkey, coin.amount_sats - fee_sats, 0xffffffff, 0);
}

Result<Hash32> SpendSighash(const crypto::Transaction& tx, const CoinOutput& coin) {
  const crypto::TxOut spent = coin.AsTxOut();
  return crypto::TaprootKeyPathSighash(tx, {&spent, 1}, {.input_index = 0});
}

void WriteTx(Writer& w, const crypto::Transaction& tx) { w.Var(crypto::Serialize(tx)); }

Result<crypto::Transaction> ReadTx(Reader& r, size_t max_bytes) {
  Bytes bytes;
  PARLEY_RETURN_IF_ERROR(r.Var(max_bytes, &bytes));
  return crypto::ParseTransaction(bytes);
}

void AttachSignature(crypto::Transaction* tx, const crypto::Signature& signature) {
  tx->inputs[0].witness = {crypto::KeyPathWitnessSignature(signature, crypto::kSighashDefault)};
}

Status VerifyBackupChain(std::span<const crypto::Transaction> backups, const CoinOutput& coin,
                         uint32_t interval, int64_t max_fee_sats) {
  if (backups.empty()) return Status::InvalidArgument("the backup chain is empty");
  for (size_t i = 0; i < backups.size(); ++i) {
    const std::string which =
        "backup " + std::to_string(i + 1) + " of " + std::to_string(backups.size());
    PARLEY_RETURN_IF_ERROR(CheckBackup(backups[i], coin, max_fee_sats).WithContext(which));
    if (i > 0 && static_cast<int64_t>(backups[i].lock_time) !=
                     static_cast<int64_t>(backups[i - 1].lock_time) - interval) {
      return Status::PermissionDenied(
          which + ": has lock time " + std::to_string(backups[i].lock_time) + "; expected " +
          std::to_string(static_cast<int64_t>(backups[i - 1].lock_time) - interval) + ", exactly " +
          std::to_string(interval) + " blocks below the previous owner's");
    }
  }
  return Status::Ok();
}

}  // namespace parley::settlement::statechain
