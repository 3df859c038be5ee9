// SimLedger as a BitcoinLedger: its UTXO set, validated and stored apart
// from the ledger state (which the other operations copy), under the same
// mutex.
#include <string>

#include "ledger_state.h"
#include "parley/settlement/sim_ledger.h"
#include "utxo_set.h"
#include "utxo_store.h"

namespace parley::settlement {

Result<UtxoChange> SimLedger::ApplyUtxo(
    const std::function<Result<UtxoChange>(const UtxoSet&, uint64_t block_height)>& check) {
  std::lock_guard lock(mutex_);
  const uint64_t block = state_->tick + 1;
  auto change = check(*utxos_, block);
  if (!change.ok()) {
    return change.status().WithContext("for block " + std::to_string(block) +
                                       " (the ledger is at height " + std::to_string(state_->tick) +
                                       ")");
  }
  PARLEY_RETURN_IF_ERROR(store_.Write(UtxoBatch(*change)));
  utxos_->Commit(*change);
  return change;
}

Result<crypto::OutPoint> SimLedger::Fund(ByteView script_pubkey, int64_t sats) {
  PARLEY_ASSIGN_OR_RETURN(UtxoChange change, ApplyUtxo([&](const UtxoSet& utxos, uint64_t block) {
                            return utxos.CheckFund(script_pubkey, sats, block);
                          }));
  return change.created.front().first;
}

Result<Hash32> SimLedger::BroadcastTransaction(const crypto::Transaction& tx) {
  PARLEY_ASSIGN_OR_RETURN(UtxoChange change, ApplyUtxo([&](const UtxoSet& utxos, uint64_t block) {
                            return utxos.Check(tx, block);
                          }));
  return change.txid;
}

Result<Utxo> SimLedger::GetUtxo(const crypto::OutPoint& outpoint) const {
  std::lock_guard lock(mutex_);
  return utxos_->Get(outpoint);
}

}  // namespace parley::settlement
