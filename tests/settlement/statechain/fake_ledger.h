// An in-memory CoinLedger for the statechain tests: a UTXO set that checks
// taproot key-path signatures and nLockTime the way Bitcoin does, with a
// height the test advances by hand.
#pragma once

#include <map>
#include <utility>

#include "parley/crypto/bitcoin_tx.h"
#include "parley/settlement/statechain/ledger.h"

namespace parley::settlement::statechain::testing {

class FakeLedger : public CoinLedger {
 public:
  explicit FakeLedger(uint64_t height = 1000) : height_(height) {}

  Result<crypto::TxOut> UnspentOutput(const crypto::OutPoint& outpoint) const override;
  uint64_t Height() const override { return height_; }
  Status Broadcast(const crypto::Transaction& tx) override;

  // A funding transaction from outside the statechain (an ordinary wallet):
  // its outputs become unspent, its inputs are not checked.
  void Mint(const crypto::Transaction& tx);
  void Advance(uint64_t blocks) { height_ += blocks; }
  // The sats of every unspent output paying `script_pubkey`.
  int64_t SatsPaidTo(ByteView script_pubkey) const;

 private:
  using Key = std::pair<Hash32, uint32_t>;
  static Key KeyOf(const crypto::OutPoint& o) { return {o.txid, o.index}; }

  uint64_t height_;
  std::map<Key, crypto::TxOut> utxos_;
};

}  // namespace parley::settlement::statechain::testing
