// The BIP341 signature hash for taproot key-path spends (ext_flag 0).
//
// A key-path signature commits to the spending transaction and, unlike
// earlier sighashes, to every spent output's amount and scriptPubKey, so the
// signer needs them all (`spent_outputs`, one per input, in input order).
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "parley/crypto/bitcoin_tx.h"
#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::crypto {

// Sighash types. kSighashDefault signs like kSighashAll but leaves the type
// byte out of the witness. kSighashAnyoneCanPay is or-ed onto the other three.
constexpr uint8_t kSighashDefault = 0x00;
constexpr uint8_t kSighashAll = 0x01;
constexpr uint8_t kSighashNone = 0x02;
constexpr uint8_t kSighashSingle = 0x03;
constexpr uint8_t kSighashAnyoneCanPay = 0x80;

// The SHA256 hashes over all inputs or outputs that SigMsg includes unless
// the sighash type leaves them out (BIP341 "sha_*" fields).
struct TaprootTxHashes {
  Hash32 prevouts{};
  Hash32 amounts{};
  Hash32 script_pubkeys{};
  Hash32 sequences{};
  Hash32 outputs{};
};

// Returns InvalidArgument unless there is one spent output per input.
Result<TaprootTxHashes> ComputeTaprootTxHashes(const Transaction& tx,
                                               std::span<const TxOut> spent_outputs);

struct KeyPathSpend {
  size_t input_index = 0;
  uint8_t hash_type = kSighashDefault;
  // The witness annex (its first byte is 0x50), if the spend carries one.
  std::optional<Bytes> annex;
};

// The tagged hash's message: the epoch byte 0x00, then SigMsg(hash_type, 0).
// Returns InvalidArgument for an undefined hash type, an input index out of
// range, a spent output count that differs from the input count, an annex
// not starting with 0x50, or SIGHASH_SINGLE for an input with no output of
// the same index.
Result<Bytes> TaprootKeyPathSigMsg(const Transaction& tx, std::span<const TxOut> spent_outputs,
                                   const KeyPathSpend& spend);

// hash_TapSighash of the above: the message a key-path signature signs.
Result<Hash32> TaprootKeyPathSighash(const Transaction& tx, std::span<const TxOut> spent_outputs,
                                     const KeyPathSpend& spend);

}  // namespace parley::crypto
