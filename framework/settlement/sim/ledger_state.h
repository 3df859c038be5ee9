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

#include "parley/settlement/adjudicator.h"
#include "parley/store/store.h"

namespace parley::settlement {

// Per asset, one amount per participant.
using AmountsByAsset = std::map<std::string, std::vector<channel::Amount>>;

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

// The batch that turns the stored `before` into `after` (changed keys only).
store::WriteBatch Diff(const LedgerState& before, const LedgerState& after);
Result<LedgerState> LoadLedgerState(const store::Store& store);

}  // namespace parley::settlement
