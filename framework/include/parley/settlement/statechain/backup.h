// The transactions that spend a statecoin by its key path: backups (to an
// owner's key, with a lock time) and the cooperative withdrawal (anywhere,
// no lock time), and the receiver's checks of a backup chain.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "parley/crypto/bitcoin_tx.h"
#include "parley/crypto/keys.h"
#include "parley/crypto/schnorr.h"
#include "parley/util/bytes.h"
#include "parley/util/codec.h"
#include "parley/util/status.h"

namespace parley::settlement::statechain {

// The coin's UTXO: what every backup and the withdrawal spend.
struct CoinOutput {
  crypto::OutPoint outpoint;
  int64_t amount_sats = 0;
  Hash32 output_key{};  // x(Q) of P = O + S

  crypto::TxOut AsTxOut() const;
};

// P2TR of `backup_key` (BIP341 tweak, key path only): where a backup pays.
std::array<uint8_t, 34> BackupScriptPubKey(const crypto::PublicKey& backup_key);

// A backup: one input spending the coin with sequence kBackupSequence, one
// output of amount - fee to BackupScriptPubKey(backup_key), nLockTime
// `lock_time`, no witness yet. InvalidArgument for a fee that is negative or
// leaves nothing, or a lock time that is not a block height.
Result<crypto::Transaction> BuildBackup(const CoinOutput& coin, const crypto::PublicKey& backup_key,
                                        int64_t fee_sats, uint32_t lock_time);
// The cooperative withdrawal: amount - fee to `script_pubkey`, lock time 0,
// final sequence. InvalidArgument for a bad fee or an empty script.
Result<crypto::Transaction> BuildWithdrawal(const CoinOutput& coin, ByteView script_pubkey,
                                            int64_t fee_sats);

// The BIP341 key-path sighash (SIGHASH_DEFAULT) of `tx`'s one input.
Result<Hash32> SpendSighash(const crypto::Transaction& tx, const CoinOutput& coin);
// A transaction inside a stored record: its serialization with a u32
// length, at most `max_bytes` when read.
void WriteTx(Writer& w, const crypto::Transaction& tx);
Result<crypto::Transaction> ReadTx(Reader& r, size_t max_bytes);

// FailedPrecondition while `backup`'s lock time is above the chain's
// `height`: `what` (say, "the latest backup of coin ...") becomes valid at
// that height, so many blocks from now, and the user runs `retry` again then.
Status CheckBackupMatured(const crypto::Transaction& backup, uint64_t height,
                          const std::string& what, const std::string& retry);

// Puts the key-path signature into `tx`'s witness.
void AttachSignature(crypto::Transaction* tx, const crypto::Signature& signature);

// A receiver's checks of every backup, oldest first: each spends exactly
// the coin's outpoint with sequence kBackupSequence, has one output paying
// a positive amount with a fee of at most `max_fee_sats`, a block-height lock
// time exactly `interval` below the one before, and a valid key-path
// signature under the coin's output key. PermissionDenied naming the backup
// and the rule it breaks; InvalidArgument for an empty chain.
Status VerifyBackupChain(std::span<const crypto::Transaction> backups, const CoinOutput& coin,
                         uint32_t interval, int64_t max_fee_sats);

}  // namespace parley::settlement::statechain
