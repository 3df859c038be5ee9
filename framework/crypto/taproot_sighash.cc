#include "parley/crypto/taproot_sighash.h"

#include <string>

#include "parley/crypto/hash.h"

namespace parley::crypto {
namespace {

bool IsDefinedHashType(uint8_t hash_type) {
  const uint8_t base = hash_type & ~kSighashAnyoneCanPay;
  return hash_type == kSighashDefault || (base >= kSighashAll && base <= kSighashSingle);
}

void AppendHash(Bytes* out, const Hash32& hash) {
  out->insert(out->end(), hash.begin(), hash.end());
}

}  // namespace

Result<TaprootTxHashes> ComputeTaprootTxHashes(const Transaction& tx,
                                               std::span<const TxOut> spent_outputs) {
  if (spent_outputs.size() != tx.inputs.size()) {
    return Status::InvalidArgument(
        "the sighash needs one spent output per input: " + std::to_string(tx.inputs.size()) +
        " inputs, " + std::to_string(spent_outputs.size()) + " spent outputs");
  }
  Bytes prevouts, amounts, script_pubkeys, sequences, outputs;
  for (const TxIn& input : tx.inputs) {
    AppendOutPoint(&prevouts, input.prevout);
    AppendLe32(&sequences, input.sequence);
  }
  for (const TxOut& spent : spent_outputs) {
    AppendLe64(&amounts, static_cast<uint64_t>(spent.amount_sats));
    AppendWithLength(&script_pubkeys, spent.script_pubkey);
  }
  for (const TxOut& output : tx.outputs) AppendTxOut(&outputs, output);
  return TaprootTxHashes{.prevouts = Sha256(prevouts),
                         .amounts = Sha256(amounts),
                         .script_pubkeys = Sha256(script_pubkeys),
                         .sequences = Sha256(sequences),
                         .outputs = Sha256(outputs)};
}

Result<Bytes> TaprootKeyPathSigMsg(const Transaction& tx, std::span<const TxOut> spent_outputs,
                                   const KeyPathSpend& spend) {
  const uint8_t hash_type = spend.hash_type;
  if (!IsDefinedHashType(hash_type)) {
    return Status::InvalidArgument("undefined taproot sighash type " + std::to_string(hash_type));
  }
  if (spend.input_index >= tx.inputs.size()) {
    return Status::InvalidArgument("input index " + std::to_string(spend.input_index) +
                                   " is out of range for a transaction with " +
                                   std::to_string(tx.inputs.size()) + " inputs");
  }
  if (spend.annex && (spend.annex->empty() || spend.annex->front() != 0x50)) {
    return Status::InvalidArgument("a taproot annex starts with the byte 0x50");
  }
  const uint8_t output_type = hash_type & 0x03;
  const bool anyone_can_pay = (hash_type & kSighashAnyoneCanPay) != 0;
  if (output_type == kSighashSingle && spend.input_index >= tx.outputs.size()) {
    return Status::InvalidArgument("SIGHASH_SINGLE for input " + std::to_string(spend.input_index) +
                                   " has no output of the same index");
  }
  PARLEY_ASSIGN_OR_RETURN(TaprootTxHashes hashes, ComputeTaprootTxHashes(tx, spent_outputs));

  Bytes msg{0x00 /* epoch */, hash_type};
  AppendLe32(&msg, static_cast<uint32_t>(tx.version));
  AppendLe32(&msg, tx.lock_time);
  if (!anyone_can_pay) {
    AppendHash(&msg, hashes.prevouts);
    AppendHash(&msg, hashes.amounts);
    AppendHash(&msg, hashes.script_pubkeys);
    AppendHash(&msg, hashes.sequences);
  }
  if (output_type != kSighashNone && output_type != kSighashSingle) {
    AppendHash(&msg, hashes.outputs);
  }
  msg.push_back(spend.annex ? 0x01 : 0x00);  // spend_type = ext_flag * 2 + annex_present
  if (anyone_can_pay) {
    const TxIn& input = tx.inputs[spend.input_index];
    const TxOut& spent = spent_outputs[spend.input_index];
    AppendOutPoint(&msg, input.prevout);
    AppendLe64(&msg, static_cast<uint64_t>(spent.amount_sats));
    AppendWithLength(&msg, spent.script_pubkey);
    AppendLe32(&msg, input.sequence);
  } else {
    AppendLe32(&msg, static_cast<uint32_t>(spend.input_index));
  }
  if (spend.annex) {
    Bytes annex;
    AppendWithLength(&annex, *spend.annex);
    AppendHash(&msg, Sha256(annex));
  }
  if (output_type == kSighashSingle) {
    Bytes output;
    AppendTxOut(&output, tx.outputs[spend.input_index]);
    AppendHash(&msg, Sha256(output));
  }
  return msg;
}

Result<Hash32> TaprootKeyPathSighash(const Transaction& tx, std::span<const TxOut> spent_outputs,
                                     const KeyPathSpend& spend) {
  PARLEY_ASSIGN_OR_RETURN(Bytes msg, TaprootKeyPathSigMsg(tx, spent_outputs, spend));
  return TaggedHash("TapSighash", msg);
}

}  // namespace parley::crypto
