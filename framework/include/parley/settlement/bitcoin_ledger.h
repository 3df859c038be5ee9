// BitcoinLedger: a ledger that keeps a Bitcoin UTXO set, for the statechain
// backend (docs/statechain.md). The sim ledger (SimLedger) keeps one next to
// its accounts and channels; RemoteSimLedger reaches a devchain's over gRPC.
//
// Its block height is the sim ledger's tick: Height() is the last block
// mined, and every transaction accepted goes into the next one, Height() + 1,
// which Advance mines. Only taproot key-path spends are validated (BIP341
// sighash, BIP340 signature); nLockTime is checked against the height as
// Bitcoin Core does (crypto::CheckLockTime). Satoshis are a world of their
// own: they are not assets of the ledger's accounts.
#pragma once

#include <cstdint>

#include "parley/crypto/bitcoin_tx.h"
#include "parley/crypto/taproot.h"
#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::settlement {

// An unspent output and the height of the block that created it.
struct Utxo {
  crypto::TxOut output;
  uint64_t height = 0;

  bool operator==(const Utxo&) const = default;
};

// The longest scriptPubKey an output may have (Bitcoin's MAX_SCRIPT_SIZE;
// longer ones could never be spent).
inline constexpr size_t kMaxScriptSize = 10'000;

class BitcoinLedger {
 public:
  virtual ~BitcoinLedger() = default;

  // The faucet: a transaction of its own, with a coinbase-like input, pays
  // `sats` (1 to crypto::kMaxMoney) to `script_pubkey` (at most
  // kMaxScriptSize bytes) in the next block. Returns the new output.
  // InvalidArgument, changing nothing, for an amount or script out of range.
  virtual Result<crypto::OutPoint> Fund(ByteView script_pubkey, int64_t sats) = 0;
  // Fund to the taproot output key x(Q) (crypto::TweakPublicKey).
  Result<crypto::OutPoint> FundTaproot(const Hash32& output_key, int64_t sats) {
    return Fund(crypto::TaprootScriptPubKey(output_key), sats);
  }

  // Validates `tx` for the next block and applies it, or changes nothing.
  // Returns its txid. InvalidArgument for a transaction that can never be
  // valid here (no inputs or outputs, amounts out of range, an input spent
  // twice, outputs above the inputs, an input that is not a P2TR output, a
  // witness that is not one key-path signature, a Unix-time lock time);
  // AlreadyExists if it was applied before; NotFound for an input that never
  // existed; FailedPrecondition for one already spent or a lock time not yet
  // reached; PermissionDenied for a signature that does not verify.
  virtual Result<Hash32> BroadcastTransaction(const crypto::Transaction& tx) = 0;

  // The unspent output at `outpoint`; NotFound if it is spent or never was.
  virtual Result<Utxo> GetUtxo(const crypto::OutPoint& outpoint) const = 0;

  // The height of the last block mined.
  virtual uint64_t Height() const = 0;
};

}  // namespace parley::settlement
