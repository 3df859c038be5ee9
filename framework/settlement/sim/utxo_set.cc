#include "utxo_set.h"

#include <map>
#include <string>

#include "key_path_spend.h"

namespace parley::settlement {

using crypto::OutPoint;
using crypto::Transaction;
using crypto::TxOut;

namespace {

std::string Sats(int64_t sats) { return std::to_string(sats) + " sats"; }

constexpr char kMoneyRange[] = "amounts run from 0 to 21,000,000 BTC (2100000000000000 sats)";
static_assert(crypto::kMaxMoney == 2100000000000000);

// Bitcoin Core's CheckTransaction rules on outputs: each amount, and their
// sum, from 0 to kMaxMoney; and a script no longer than one can spend.
Status CheckOutputs(const Transaction& tx, int64_t* total) {
  *total = 0;
  for (size_t i = 0; i < tx.outputs.size(); ++i) {
    const TxOut& out = tx.outputs[i];
    const std::string where = "output " + std::to_string(i);
    if (out.amount_sats < 0 || out.amount_sats > crypto::kMaxMoney) {
      return Status::InvalidArgument(where + " pays " + Sats(out.amount_sats) + "; " + kMoneyRange);
    }
    // Both are at most kMaxMoney, so the sum fits in 64 bits.
    *total += out.amount_sats;
    if (*total > crypto::kMaxMoney) {
      return Status::InvalidArgument("the outputs pay more than 21,000,000 BTC in all");
    }
    if (out.script_pubkey.size() > kMaxScriptSize) {
      return Status::InvalidArgument(
          where + "'s scriptPubKey has " + std::to_string(out.script_pubkey.size()) +
          " bytes; the limit (Bitcoin's MAX_SCRIPT_SIZE) is " + std::to_string(kMaxScriptSize));
    }
  }
  return Status::Ok();
}

// The change that creates every output of `tx`, in the block `block_height`.
UtxoChange Creating(const Transaction& tx, uint64_t block_height) {
  UtxoChange change;
  change.txid = crypto::Txid(tx);
  change.record = {.height = block_height,
                   .output_count = static_cast<uint32_t>(tx.outputs.size())};
  for (size_t i = 0; i < tx.outputs.size(); ++i) {
    change.created.push_back({OutPoint{change.txid, static_cast<uint32_t>(i)},
                              Utxo{.output = tx.outputs[i], .height = block_height}});
  }
  return change;
}

}  // namespace

Transaction FaucetTransaction(uint64_t nonce, ByteView script_pubkey, int64_t sats) {
  Bytes script_sig{8};  // OP_PUSHBYTES_8
  crypto::AppendLe64(&script_sig, nonce);
  Transaction tx;
  tx.inputs.push_back({.prevout = {.txid = {}, .index = 0xffffffff}, .script_sig = script_sig});
  tx.outputs.push_back(
      {.amount_sats = sats, .script_pubkey = {script_pubkey.begin(), script_pubkey.end()}});
  return tx;
}

Status UtxoSet::CheckInputs(const Transaction& tx, std::vector<TxOut>* spent,
                            int64_t* total) const {
  *total = 0;
  for (size_t i = 0; i < tx.inputs.size(); ++i) {
    const OutPoint& prevout = tx.inputs[i].prevout;
    const std::string where = "input " + std::to_string(i) + " spends " + crypto::ToString(prevout);
    auto coin = coins_.find(prevout);
    if (coin == coins_.end()) {
      auto record = txs_.find(prevout.txid);
      if (record != txs_.end() && prevout.index < record->second.output_count) {
        return Status::FailedPrecondition(where + ", which is already spent (a double spend)");
      }
      return Status::NotFound(where + ", which does not exist");
    }
    spent->push_back(coin->second.output);
    // Every coin holds at most kMaxMoney, so the sum fits before this check.
    *total += coin->second.output.amount_sats;
    if (*total > crypto::kMaxMoney) {
      return Status::InvalidArgument("the inputs hold more than 21,000,000 BTC in all");
    }
  }
  return Status::Ok();
}

Result<UtxoChange> UtxoSet::Check(const Transaction& tx, uint64_t block_height) const {
  if (tx.inputs.empty()) return Status::InvalidArgument("the transaction has no inputs");
  if (tx.outputs.empty()) return Status::InvalidArgument("the transaction has no outputs");
  int64_t paid = 0;
  PARLEY_RETURN_IF_ERROR(CheckOutputs(tx, &paid));
  std::map<OutPoint, size_t> first_spender;
  for (size_t i = 0; i < tx.inputs.size(); ++i) {
    auto [it, inserted] = first_spender.emplace(tx.inputs[i].prevout, i);
    if (!inserted) {
      return Status::InvalidArgument(
          "inputs " + std::to_string(it->second) + " and " + std::to_string(i) + " both spend " +
          crypto::ToString(tx.inputs[i].prevout) + " (a double spend within the transaction)");
    }
  }
  UtxoChange change = Creating(tx, block_height);
  if (auto applied = txs_.find(change.txid); applied != txs_.end()) {
    return Status::AlreadyExists("transaction " + crypto::DisplayHex(change.txid) +
                                 " is already in block " + std::to_string(applied->second.height));
  }
  PARLEY_RETURN_IF_ERROR(crypto::CheckLockTime(tx, block_height));
  std::vector<TxOut> spent;
  int64_t held = 0;
  PARLEY_RETURN_IF_ERROR(CheckInputs(tx, &spent, &held));
  if (paid > held) {
    return Status::InvalidArgument("the outputs pay " + Sats(paid) + ", " + Sats(paid - held) +
                                   " more than the inputs hold (" + Sats(held) + ")");
  }
  // Signatures last: they cost the most to check.
  for (size_t i = 0; i < tx.inputs.size(); ++i) {
    PARLEY_RETURN_IF_ERROR(VerifyKeyPathSpend(tx, spent, i));
    change.spent.push_back(tx.inputs[i].prevout);
  }
  return change;
}

Result<UtxoChange> UtxoSet::CheckFund(ByteView script_pubkey, int64_t sats,
                                      uint64_t block_height) const {
  if (sats <= 0 || sats > crypto::kMaxMoney) {
    return Status::InvalidArgument("the faucet pays 1 to " + Sats(crypto::kMaxMoney) + ", not " +
                                   Sats(sats));
  }
  Transaction tx = FaucetTransaction(faucet_count_, script_pubkey, sats);
  int64_t paid = 0;
  PARLEY_RETURN_IF_ERROR(CheckOutputs(tx, &paid));
  UtxoChange change = Creating(tx, block_height);
  if (txs_.contains(change.txid)) {
    // Only a faucet count stored too low can repeat an earlier faucet txid.
    return Status::Internal("faucet transaction " + std::to_string(faucet_count_) +
                            " was made before: the stored faucet count is behind");
  }
  change.faucet_count = faucet_count_ + 1;
  return change;
}

void UtxoSet::Commit(const UtxoChange& change) {
  for (const OutPoint& outpoint : change.spent) coins_.erase(outpoint);
  for (const auto& [outpoint, utxo] : change.created) coins_[outpoint] = utxo;
  txs_[change.txid] = change.record;
  if (change.faucet_count) faucet_count_ = *change.faucet_count;
}

Result<Hash32> UtxoSet::Apply(const Transaction& tx, uint64_t block_height) {
  PARLEY_ASSIGN_OR_RETURN(UtxoChange change, Check(tx, block_height));
  Commit(change);
  return change.txid;
}

Result<OutPoint> UtxoSet::Fund(ByteView script_pubkey, int64_t sats, uint64_t block_height) {
  PARLEY_ASSIGN_OR_RETURN(UtxoChange change, CheckFund(script_pubkey, sats, block_height));
  Commit(change);
  return change.created.front().first;
}

Result<Utxo> UtxoSet::Get(const OutPoint& outpoint) const {
  if (auto coin = coins_.find(outpoint); coin != coins_.end()) return coin->second;
  auto record = txs_.find(outpoint.txid);
  if (record != txs_.end() && outpoint.index < record->second.output_count) {
    return Status::NotFound("output " + crypto::ToString(outpoint) + " is spent");
  }
  return Status::NotFound("output " + crypto::ToString(outpoint) + " does not exist");
}

Result<UtxoSet> UtxoSet::Restore(std::map<OutPoint, Utxo> coins, std::map<Hash32, TxRecord> txs,
                                 uint64_t faucet_count, uint64_t max_height) {
  for (const auto& [txid, record] : txs) {
    if (record.height > max_height || record.output_count == 0) {
      return Status::InvalidArgument("transaction " + crypto::DisplayHex(txid) +
                                     " is recorded in block " + std::to_string(record.height) +
                                     " with " + std::to_string(record.output_count) +
                                     " outputs; blocks go up to " + std::to_string(max_height) +
                                     " and every transaction has "
                                     "an output");
    }
  }
  for (const auto& [outpoint, utxo] : coins) {
    auto record = txs.find(outpoint.txid);
    const std::string where = "output " + crypto::ToString(outpoint);
    if (record == txs.end() || outpoint.index >= record->second.output_count ||
        record->second.height != utxo.height) {
      return Status::InvalidArgument(where +
                                     " is not an output of a recorded transaction in block " +
                                     std::to_string(utxo.height));
    }
    const TxOut& out = utxo.output;
    if (out.amount_sats < 0 || out.amount_sats > crypto::kMaxMoney ||
        out.script_pubkey.size() > kMaxScriptSize) {
      return Status::InvalidArgument(where + " holds " + Sats(out.amount_sats) + " and a " +
                                     std::to_string(out.script_pubkey.size()) + "-byte script; " +
                                     kMoneyRange + ", scripts up to " +
                                     std::to_string(kMaxScriptSize) + " bytes");
    }
  }
  UtxoSet set;
  set.coins_ = std::move(coins);
  set.txs_ = std::move(txs);
  set.faucet_count_ = faucet_count;
  return set;
}

}  // namespace parley::settlement
