// The sim ledger's UTXO set in its store, next to the ledger's own records
// (ledger_state.h), under the prefix "utxo/":
//   utxo/coin/<txid hex>/<index, 8 hex digits>  height u64, sats u64, script (u32 length, bytes)
//   utxo/tx/<txid hex>                          height u64, output count u32
//   utxo/faucet                                 u64: faucet transactions made
// Txids in wire byte order, lower-case hex; integers big-endian (util/codec.h).
// A spent output's key is deleted; its transaction's record stays.
#pragma once

#include <cstdint>

#include "parley/store/store.h"
#include "utxo_set.h"

namespace parley::settlement {

// The writes that make the stored set what UtxoSet::Commit(change) makes it.
store::WriteBatch UtxoBatch(const UtxoChange& change);

// Loads the set; Corruption unless every entry decodes, under its canonical
// key, and UtxoSet::Restore accepts the records (heights up to `max_height`).
Result<UtxoSet> LoadUtxoSet(const store::Store& store, uint64_t max_height);

// Where a coin is stored (exposed for the tests that corrupt records).
std::string UtxoCoinKey(const crypto::OutPoint& outpoint);
std::string UtxoTxKey(const Hash32& txid);

}  // namespace parley::settlement
