// CoinLedger: the Bitcoin ledger as the statechain protocol sees it. A
// receiver checks that the coin is unspent and holds what the sender says;
// the operator refuses transfers whose next lock time the chain has already
// reached; owners broadcast withdrawals and backups.
//
// The sim ledger's UTXO set (settlement/bitcoin_ledger.h) is the intended
// implementation; tests use an in-memory fake.
#pragma once

#include <cstdint>

#include "parley/crypto/bitcoin_tx.h"
#include "parley/util/status.h"

namespace parley::settlement::statechain {

class CoinLedger {
 public:
  virtual ~CoinLedger() = default;

  // The unspent output at `outpoint`; NotFound if it is spent or never was.
  virtual Result<crypto::TxOut> UnspentOutput(const crypto::OutPoint& outpoint) const = 0;
  // The height of the last block. A transaction with lock time L is valid
  // in the next block once L <= Height(), as in Bitcoin.
  virtual uint64_t Height() const = 0;
  // Validates `tx` and applies it, or changes nothing and says why.
  virtual Status Broadcast(const crypto::Transaction& tx) = 0;
};

}  // namespace parley::settlement::statechain
