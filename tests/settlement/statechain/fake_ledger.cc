#include "statechain/fake_ledger.h"

#include <algorithm>
#include <string>
#include <vector>

#include "parley/crypto/schnorr.h"
#include "parley/crypto/taproot_sighash.h"

namespace parley::settlement::statechain::testing {
namespace {

// x(Q) of an OP_1 <32 bytes> script.
bool TaprootKey(const crypto::TxOut& out, Hash32* key) {
  const Bytes& s = out.script_pubkey;
  if (s.size() != 34 || s[0] != 0x51 || s[1] != 0x20) return false;
  std::copy(s.begin() + 2, s.end(), key->begin());
  return true;
}

}  // namespace

Result<crypto::TxOut> FakeLedger::UnspentOutput(const crypto::OutPoint& outpoint) const {
  auto it = utxos_.find(KeyOf(outpoint));
  if (it == utxos_.end()) return Status::NotFound("no unspent output " + ToHex(outpoint.txid));
  return it->second;
}

Status FakeLedger::Broadcast(const crypto::Transaction& tx) {
  std::vector<crypto::TxOut> spent;
  int64_t in = 0;
  bool lock_time_enforced = false;
  for (const crypto::TxIn& input : tx.inputs) {
    PARLEY_ASSIGN_OR_RETURN(crypto::TxOut out, UnspentOutput(input.prevout));
    spent.push_back(out);
    in += out.amount_sats;
    lock_time_enforced |= input.sequence != 0xffffffff;
  }
  // Bitcoin's IsFinalTx for the next block, height_ + 1.
  if (lock_time_enforced && tx.lock_time != 0 && tx.lock_time > height_) {
    return Status::FailedPrecondition("lock time " + std::to_string(tx.lock_time) +
                                      " not reached at height " + std::to_string(height_));
  }
  int64_t out_total = 0;
  for (const crypto::TxOut& out : tx.outputs) out_total += out.amount_sats;
  if (tx.inputs.empty() || out_total > in) {
    return Status::InvalidArgument("outputs exceed inputs");
  }
  for (size_t i = 0; i < tx.inputs.size(); ++i) {
    Hash32 key;
    const std::vector<Bytes>& witness = tx.inputs[i].witness;
    if (!TaprootKey(spent[i], &key) || witness.size() != 1 || witness[0].size() != 64) {
      return Status::InvalidArgument("input " + std::to_string(i) + " is not a key-path spend");
    }
    PARLEY_ASSIGN_OR_RETURN(Hash32 sighash,
                            crypto::TaprootKeyPathSighash(tx, spent, {.input_index = i}));
    crypto::Signature signature;
    std::copy(witness[0].begin(), witness[0].end(), signature.begin());
    if (!crypto::SchnorrVerify(key, sighash, signature)) {
      return Status::PermissionDenied("input " + std::to_string(i) + ": bad signature");
    }
  }
  for (const crypto::TxIn& input : tx.inputs) utxos_.erase(KeyOf(input.prevout));
  Mint(tx);
  return Status::Ok();
}

int64_t FakeLedger::SatsPaidTo(ByteView script_pubkey) const {
  int64_t sats = 0;
  for (const auto& [key, out] : utxos_) {
    if (std::ranges::equal(out.script_pubkey, script_pubkey)) sats += out.amount_sats;
  }
  return sats;
}

void FakeLedger::Mint(const crypto::Transaction& tx) {
  const Hash32 txid = crypto::Txid(tx);
  for (uint32_t i = 0; i < tx.outputs.size(); ++i) utxos_[{txid, i}] = tx.outputs[i];
}

}  // namespace parley::settlement::statechain::testing
