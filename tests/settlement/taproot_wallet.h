// Real taproot key-path spends for the UTXO set tests: a key that owns
// outputs, and a signer that fills in an input's witness with a BIP340
// signature over the BIP341 key-path sighash.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <span>
#include <vector>

#include "parley/crypto/bitcoin_tx.h"
#include "parley/crypto/keys.h"
#include "parley/crypto/schnorr.h"
#include "parley/crypto/taproot.h"
#include "parley/crypto/taproot_sighash.h"

namespace parley::settlement {

// An internal key and its key-path-only taproot output.
struct TaprootWallet {
  crypto::PrivateKey internal_key = crypto::PrivateKey::Generate();

  Hash32 OutputKey() const {
    return crypto::TweakPublicKey(internal_key.public_key().XOnly(), std::nullopt).value().x_only;
  }
  Bytes Script() const {
    auto script = crypto::TaprootScriptPubKey(OutputKey());
    return {script.begin(), script.end()};
  }
  crypto::TxOut Pay(int64_t sats) const { return {.amount_sats = sats, .script_pubkey = Script()}; }

  // Signs input `index` of `tx`, which spends `spent` (one per input), and
  // puts the signature (and `annex`, if any) in its witness.
  void Sign(crypto::Transaction* tx, std::span<const crypto::TxOut> spent, size_t index,
            uint8_t hash_type = crypto::kSighashDefault,
            const std::optional<Bytes>& annex = std::nullopt) const {
    auto sighash = crypto::TaprootKeyPathSighash(
        *tx, spent, {.input_index = index, .hash_type = hash_type, .annex = annex});
    ASSERT_TRUE(sighash.ok()) << sighash.status().ToString();
    crypto::PrivateKey output_key = crypto::TweakPrivateKey(internal_key, std::nullopt).value();
    tx->inputs[index].witness = {
        crypto::KeyPathWitnessSignature(crypto::SchnorrSign(output_key, *sighash), hash_type)};
    if (annex) tx->inputs[index].witness.push_back(*annex);
  }
};

// A version 2 transaction spending `inputs` (with nSequence `sequence`) to
// `outputs`, unsigned.
inline crypto::Transaction Unsigned(const std::vector<crypto::OutPoint>& inputs,
                                    std::vector<crypto::TxOut> outputs, uint32_t lock_time = 0,
                                    uint32_t sequence = crypto::kSequenceFinal) {
  crypto::Transaction tx;
  for (const crypto::OutPoint& prevout : inputs) {
    tx.inputs.push_back({.prevout = prevout, .sequence = sequence});
  }
  tx.outputs = std::move(outputs);
  tx.lock_time = lock_time;
  return tx;
}

}  // namespace parley::settlement
