#include "key_path_spend.h"

#include <algorithm>
#include <optional>
#include <string>

#include "parley/crypto/schnorr.h"
#include "parley/crypto/taproot_sighash.h"

namespace parley::settlement {

using crypto::kSighashDefault;

bool IsPayToTaproot(ByteView script_pubkey) {
  return script_pubkey.size() == 34 && script_pubkey[0] == 0x51 && script_pubkey[1] == 0x20;
}

Status VerifyKeyPathSpend(const crypto::Transaction& tx, std::span<const crypto::TxOut> spent,
                          size_t index) {
  const crypto::TxIn& input = tx.inputs[index];
  const ByteView script = spent[index].script_pubkey;
  const std::string where =
      "input " + std::to_string(index) + " (spending " + crypto::ToString(input.prevout) + ")";
  if (!IsPayToTaproot(script)) {
    return Status::InvalidArgument(where + ": its scriptPubKey " + ToHex(script) +
                                   " is not a taproot (P2TR) output, and the sim ledger "
                                   "validates taproot key-path spends only");
  }
  if (!input.script_sig.empty()) {
    return Status::InvalidArgument(where +
                                   ": the scriptSig is not empty; a taproot spend carries its "
                                   "signature in the witness");
  }
  // BIP341: with two or more witness items, a last one starting with 0x50
  // is the annex, which the signature commits to.
  std::span<const Bytes> stack = input.witness;
  std::optional<Bytes> annex;
  if (stack.size() >= 2 && !stack.back().empty() && stack.back()[0] == 0x50) {
    annex = stack.back();
    stack = stack.first(stack.size() - 1);
  }
  if (stack.empty()) {
    return Status::InvalidArgument(
        where + ": the witness is empty; a taproot key-path spend needs its signature there");
  }
  if (stack.size() > 1) {
    return Status::InvalidArgument(where + ": the witness has " + std::to_string(stack.size()) +
                                   " items: script-path spends are not supported, only key-path "
                                   "spends (one signature, and optionally an annex)");
  }
  const Bytes& item = stack[0];
  uint8_t hash_type = kSighashDefault;
  if (item.size() == 65) {
    hash_type = item[64];
    // SIGHASH_DEFAULT is only ever implied, so each signature has one form.
    if (hash_type == kSighashDefault) {
      return Status::InvalidArgument(where +
                                     ": a 65-byte signature ends in its sighash type, which must "
                                     "not be 0x00 (SIGHASH_DEFAULT): drop that byte");
    }
  } else if (item.size() != 64) {
    return Status::InvalidArgument(where + ": the key-path signature has " +
                                   std::to_string(item.size()) +
                                   " bytes; it must have 64 (SIGHASH_DEFAULT) or 65 (a sighash "
                                   "type byte after the 64)");
  }
  auto sighash = crypto::TaprootKeyPathSighash(
      tx, spent, {.input_index = index, .hash_type = hash_type, .annex = annex});
  if (!sighash.ok()) return sighash.status().WithContext(where);
  crypto::Signature signature;
  std::copy(item.begin(), item.begin() + 64, signature.begin());
  Hash32 output_key;
  std::copy(script.begin() + 2, script.end(), output_key.begin());
  if (!crypto::SchnorrVerify(output_key, *sighash, signature)) {
    return Status::PermissionDenied(
        where + ": the signature does not verify under the output key " + ToHex(output_key) +
        " for the BIP341 key-path sighash (type " + std::to_string(hash_type) +
        "): was the transaction changed after signing, or signed "
        "without TweakPrivateKey?");
  }
  return Status::Ok();
}

}  // namespace parley::settlement
