// The embedded ledger (DESIGN.md §3, backend `sim`): a deterministic
// settlement layer in the same process, persisted in a Store. Accounts are
// secp256k1 keys holding named assets; time is a tick counter that tests
// advance by hand and a daemon on a timer. Force-moves are judged by the C++
// apps themselves. After every operation the ledger checks that the assets in
// accounts and channels add up to what was minted, and refuses (changing
// nothing) if they do not.
//
// Whatever an operation accepts, the ledger can store and load again: asset
// names, the number of assets per channel and a state's app data stay within
// the limits of parley/channel/types.h, which the loader enforces.
//
// It also keeps a Bitcoin UTXO set (BitcoinLedger, docs/statechain.md) whose
// block height is the tick. It is stored in the same store, under "utxo/";
// satoshis are not assets, and the conservation check does not cover them.
//
// Thread-safe. Each operation is atomic: it is applied to a copy of the
// ledger (a UTXO operation is validated against the set instead), checked,
// written in one batch and only then made visible.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "parley/channel/app.h"
#include "parley/channel/scheme.h"
#include "parley/crypto/keys.h"
#include "parley/settlement/adjudicator.h"
#include "parley/settlement/bitcoin_ledger.h"
#include "parley/store/store.h"

namespace parley::settlement {

struct LedgerState;  // sim/ledger_state.h
class UtxoSet;       // sim/utxo_set.h
struct UtxoChange;   // sim/utxo_set.h

class SimLedger : public BitcoinLedger {
 public:
  // Opens the ledger kept in `store` (a new, empty one on first use).
  // Corruption if stored bytes do not decode, or describe a ledger these
  // operations could not have produced: a tick past channel::kMaxTick, a
  // supply that is not conserved, or a channel record stored under another
  // key than its params' id (lower-case hex), of another backend, whose
  // disputed state is of another channel or has an invalid allocation, whose
  // assets held differ from those deposited, whose outcome pays an asset not
  // held, or whose holdings differ from the deposits (before Conclude) or the
  // shares not yet withdrawn (after); or UTXO records that do not decode
  // under their keys, or that the UTXO set's operations could not have made
  // (sim/utxo_set.h: UtxoSet::Restore, with blocks up to the tick + 1).
  // `store` and `apps` must outlive the ledger. `backend_name` is the
  // Params::backend of the channels it settles (its scheme's name); a node
  // that settles on two ledgers at once tells them apart by it.
  static Result<std::unique_ptr<SimLedger>> Open(store::Store& store,
                                                 const channel::AppRegistry& apps,
                                                 std::string backend_name = "sim");
  ~SimLedger() override;

  // The faucet: creates `amount` of `asset` in `account`. InvalidArgument,
  // changing nothing, for an amount of 0 or an asset name that is empty or
  // longer than channel::kMaxNameLength bytes.
  Status Mint(const crypto::PublicKey& account, const std::string& asset,
              const channel::Amount& amount);
  channel::Amount Balance(const crypto::PublicKey& account, const std::string& asset) const;

  Tick Now() const;
  // Also mines `ticks` blocks of the UTXO set: the first holds every
  // transaction accepted since the last Advance.
  Status Advance(Tick ticks);

  // BitcoinLedger. Height() is Now(); Fund and BroadcastTransaction put
  // their transaction in block Now() + 1, so a transaction with nLockTime L
  // (a height) is accepted once Now() >= L, as Bitcoin Core's mempool accepts
  // it once the chain's tip is at L.
  Result<crypto::OutPoint> Fund(ByteView script_pubkey, int64_t sats) override;
  Result<Hash32> BroadcastTransaction(const crypto::Transaction& tx) override;
  Result<Utxo> GetUtxo(const crypto::OutPoint& outpoint) const override;
  uint64_t Height() const override { return Now(); }

  // The operations behind Funder and Adjudicator; `caller` pays deposits.
  // Deposit: InvalidArgument, changing nothing, for an asset name Mint
  // refuses, an amount of 0, or an asset that would give the channel more
  // than channel::kMaxAssets assets. Register and Progress: InvalidArgument
  // for a state whose app data exceeds channel::kMaxAppDataSize.
  // Conclude: the allocation if the channel holds its totals, with any
  // excess returned pro rata to the deposits (the remainder to participant
  // 0), or else every deposit back. An excess with nothing deposited to share
  // it by is refused with Internal (the loader refuses such a record first).
  Status Deposit(const crypto::PublicKey& caller, const channel::Params& params,
                 channel::ParticipantIndex participant, const std::string& asset,
                 const channel::Amount& amount);
  Result<std::vector<channel::Amount>> Deposits(const channel::Params& params,
                                                const std::string& asset) const;
  Status Register(const channel::Params& params, const channel::SignedState& state);
  Status Progress(const channel::Params& params, const channel::SignedState& to,
                  channel::ParticipantIndex actor);
  Status Conclude(const channel::Params& params);
  Status Withdraw(const channel::Params& params, channel::ParticipantIndex participant);
  Result<Dispute> GetDispute(const channel::ChannelId& channel) const;
  uint64_t Subscribe(const channel::ChannelId& channel, Adjudicator::Handler handler);
  // Once it returns, no call of the handler is under way or will start (but
  // the one that called it, if a handler unsubscribes itself).
  void Unsubscribe(uint64_t subscription);

  const channel::SignatureScheme& scheme() const { return scheme_; }

 private:
  SimLedger(store::Store& store, const channel::AppRegistry& apps, std::string backend_name);

  // Validates a UTXO change for the next block with `check`, writes it,
  // then commits it to the set.
  Result<UtxoChange> ApplyUtxo(
      const std::function<Result<UtxoChange>(const UtxoSet&, uint64_t block_height)>& check);

  // Runs `change` on a copy of the state; commits it if it returns OK and
  // conservation holds, then delivers the events it produced.
  Status Apply(const std::function<Status(LedgerState&, std::vector<Event>&)>& change);
  Result<const channel::App*> FindApp(const channel::Params& params) const;
  Status CheckChannel(const channel::Params& params) const;

  store::Store& store_;
  const channel::AppRegistry& apps_;
  channel::Bip340Scheme scheme_;

  mutable std::mutex mutex_;
  std::unique_ptr<LedgerState> state_;
  std::unique_ptr<UtxoSet> utxos_;
  std::map<uint64_t, std::pair<channel::ChannelId, Adjudicator::Handler>> handlers_;
  std::map<uint64_t, int> in_flight_;  // handler calls under way, per subscription
  std::condition_variable delivered_;
  uint64_t next_subscription_ = 1;
};

// What an account signs to have a devchain bring its deposit for
// `participant` in `asset` up to `total` (proto/parley/v1/ledger.proto):
// TaggedHash("Parley/Deposit", channel id || participant || asset || total).
Hash32 DepositDigest(const channel::ChannelId& channel, channel::ParticipantIndex participant,
                     const std::string& asset, const channel::Amount& total);

// A participant's view of the ledger: Funder and Adjudicator acting as
// account `account`, which pays for its deposits.
class SimClient : public Funder, public Adjudicator {
 public:
  SimClient(SimLedger& ledger, crypto::PublicKey account)
      : ledger_(ledger), account_(std::move(account)) {}

  Status Deposit(const channel::Params& params, channel::ParticipantIndex participant,
                 const std::string& asset, const channel::Amount& amount) override {
    return ledger_.Deposit(account_, params, participant, asset, amount);
  }
  Result<std::vector<channel::Amount>> Deposits(const channel::Params& params,
                                                const std::string& asset) const override {
    return ledger_.Deposits(params, asset);
  }
  Status Register(const channel::Params& params, const channel::SignedState& state) override {
    return ledger_.Register(params, state);
  }
  Status Progress(const channel::Params& params, const channel::SignedState& to,
                  channel::ParticipantIndex actor) override {
    return ledger_.Progress(params, to, actor);
  }
  Status Conclude(const channel::Params& params) override { return ledger_.Conclude(params); }
  Status Withdraw(const channel::Params& params, channel::ParticipantIndex participant) override {
    return ledger_.Withdraw(params, participant);
  }
  Result<Dispute> GetDispute(const channel::ChannelId& channel) const override {
    return ledger_.GetDispute(channel);
  }
  uint64_t Subscribe(const channel::ChannelId& channel, Handler handler) override {
    return ledger_.Subscribe(channel, std::move(handler));
  }
  void Unsubscribe(uint64_t subscription) override { ledger_.Unsubscribe(subscription); }
  Tick Now() const override { return ledger_.Now(); }

 private:
  SimLedger& ledger_;
  crypto::PublicKey account_;
};

}  // namespace parley::settlement
