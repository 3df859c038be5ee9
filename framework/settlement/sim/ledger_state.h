// The sim ledger's data and its encoding in the store:
//   ledger/tick                      u64
//   ledger/supply/<asset>            amount minted
//   ledger/account/<key hex>/<asset> amount
//   ledger/channel/<id hex>          LedgerChannel
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "parley/channel/scheme.h"
#include "parley/settlement/adjudicator.h"
#include "parley/store/store.h"

namespace parley::settlement {

// Per asset, one amount per participant.
using AmountsByAsset = std::map<std::string, std::vector<channel::Amount>>;

// LoadLedgerState refuses a record that breaks what the operations keep:
// `holdings` and `deposits` name the same assets; until Conclude the channel
// holds the sum of the deposits, after it the outcome's shares not yet
// withdrawn; `outcome` is set exactly when the dispute is concluded.
struct LedgerChannel {
  channel::Params params;
  AmountsByAsset deposits;
  std::map<std::string, channel::Amount> holdings;  // what the channel holds now
  std::optional<Dispute> dispute;
  std::optional<AmountsByAsset> outcome;  // set by Conclude
  std::vector<bool> withdrawn;            // per participant, after Conclude

  bool operator==(const LedgerChannel&) const = default;
};

struct LedgerState {
  Tick tick = 0;
  std::map<std::string, channel::Amount> supply;
  // account key hex -> asset -> amount
  std::map<std::string, std::map<std::string, channel::Amount>> accounts;
  std::map<channel::ChannelId, LedgerChannel> channels;

  // OK if, for every asset, accounts plus channel holdings equal the supply.
  Status CheckConservation() const;
};

// One channel's record, stored at ledger/channel/<id hex>. Decoding checks
// the encoding's limits only; LoadLedgerState checks the record's meaning.
Bytes EncodeLedgerChannel(const LedgerChannel& c);
Result<LedgerChannel> DecodeLedgerChannel(ByteView bytes);

// The batch that turns the stored `before` into `after` (changed keys only).
store::WriteBatch Diff(const LedgerState& before, const LedgerState& after);
// Loads the ledger, Corruption unless every stored entry decodes and means
// something the ledger could have written: a tick up to channel::kMaxTick,
// conserved supplies, and channel records that pass the checks of
// CheckChannelRecord (ledger_state.cc) under `scheme`, the sim ledger's.
Result<LedgerState> LoadLedgerState(const store::Store& store,
                                    const channel::SignatureScheme& scheme);

}  // namespace parley::settlement
