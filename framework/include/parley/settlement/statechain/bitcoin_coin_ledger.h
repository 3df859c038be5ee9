// BitcoinCoinLedger: a BitcoinLedger (the sim ledger's UTXO set, in process
// or a devchain's over gRPC) as the CoinLedger of the statechain protocol.
#pragma once

#include "parley/settlement/bitcoin_ledger.h"
#include "parley/settlement/statechain/ledger.h"

namespace parley::settlement::statechain {

class BitcoinCoinLedger final : public CoinLedger {
 public:
  // `ledger` must outlive this adapter.
  explicit BitcoinCoinLedger(BitcoinLedger& ledger) : ledger_(ledger) {}

  Result<crypto::TxOut> UnspentOutput(const crypto::OutPoint& outpoint) const override {
    PARLEY_ASSIGN_OR_RETURN(Utxo utxo, ledger_.GetUtxo(outpoint));
    return utxo.output;
  }
  uint64_t Height() const override { return ledger_.Height(); }
  Status Broadcast(const crypto::Transaction& tx) override {
    return ledger_.BroadcastTransaction(tx).status();
  }

 private:
  BitcoinLedger& ledger_;
};

}  // namespace parley::settlement::statechain
