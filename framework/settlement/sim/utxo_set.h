// The sim ledger's Bitcoin UTXO set (parley/settlement/bitcoin_ledger.h,
// docs/statechain.md): which outputs exist unspent, and the rules a
// transaction meets to spend them. Pure: no store, no clock, no lock; the
// SimLedger persists it (utxo_store.h) and guards it with its mutex.
//
// Every operation either applies whole or changes nothing: Check validates
// and returns the change, Commit applies it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "parley/crypto/bitcoin_tx.h"
#include "parley/settlement/bitcoin_ledger.h"
#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::settlement {

// A transaction the set has applied: the block it is in and how many outputs
// it made. It tells a spent output from one that never existed, and a
// transaction applied again from a new one.
struct TxRecord {
  uint64_t height = 0;
  uint32_t output_count = 0;

  bool operator==(const TxRecord&) const = default;
};

// What applying one transaction changes.
struct UtxoChange {
  Hash32 txid{};
  TxRecord record;
  std::vector<crypto::OutPoint> spent;
  std::vector<std::pair<crypto::OutPoint, Utxo>> created;
  // Set by the faucet: the number of faucet transactions made, this one included.
  std::optional<uint64_t> faucet_count;
};

// The faucet's transaction number `nonce`: a coinbase-like input (null
// prevout, a scriptSig pushing the 8-byte little-endian nonce) and one output.
// Distinct nonces give distinct txids.
crypto::Transaction FaucetTransaction(uint64_t nonce, ByteView script_pubkey, int64_t sats);

class UtxoSet {
 public:
  // Validates `tx` for the block at `block_height` (the Status codes of
  // BitcoinLedger::BroadcastTransaction) and returns what applying it
  // changes. Changes nothing.
  Result<UtxoChange> Check(const crypto::Transaction& tx, uint64_t block_height) const;
  // The faucet's next transaction, paying `sats` to `script_pubkey` in the
  // block at `block_height`. InvalidArgument for the amounts and scripts
  // BitcoinLedger::Fund refuses.
  Result<UtxoChange> CheckFund(ByteView script_pubkey, int64_t sats, uint64_t block_height) const;
  // Applies what Check or CheckFund returned for this set, with no other
  // change in between.
  void Commit(const UtxoChange& change);

  // Check or CheckFund, then Commit.
  Result<Hash32> Apply(const crypto::Transaction& tx, uint64_t block_height);
  Result<crypto::OutPoint> Fund(ByteView script_pubkey, int64_t sats, uint64_t block_height);

  // NotFound, saying whether it was spent or never existed.
  Result<Utxo> Get(const crypto::OutPoint& outpoint) const;

  const std::map<crypto::OutPoint, Utxo>& coins() const { return coins_; }
  const std::map<Hash32, TxRecord>& txs() const { return txs_; }
  uint64_t faucet_count() const { return faucet_count_; }

  // A set from stored records. InvalidArgument, naming the first rule broken,
  // unless the operations could have made it: every transaction in a block
  // up to `max_height` with at least one output; every coin of a recorded
  // transaction (same height, an index below its output count), with an
  // amount from 0 to crypto::kMaxMoney and a script of at most kMaxScriptSize.
  static Result<UtxoSet> Restore(std::map<crypto::OutPoint, Utxo> coins,
                                 std::map<Hash32, TxRecord> txs, uint64_t faucet_count,
                                 uint64_t max_height);

 private:
  // The spent outputs, in input order, and their total.
  Status CheckInputs(const crypto::Transaction& tx, std::vector<crypto::TxOut>* spent,
                     int64_t* total) const;

  std::map<crypto::OutPoint, Utxo> coins_;
  std::map<Hash32, TxRecord> txs_;
  uint64_t faucet_count_ = 0;
};

}  // namespace parley::settlement
