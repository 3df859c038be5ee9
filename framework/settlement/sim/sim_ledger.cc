#include "parley/settlement/sim_ledger.h"

#include "ledger_state.h"
#include "parley/crypto/hash.h"
#include "utxo_set.h"
#include "utxo_store.h"

namespace parley::settlement {

using channel::Amount;
using channel::ParticipantIndex;

namespace {

std::string TickText(Tick tick) { return std::to_string(tick); }

// The tick from which Conclude is allowed.
Tick ConcludableFrom(const Dispute& d, const channel::Params& params, bool force_move) {
  if (d.state.state.is_final) return 0;
  if (!force_move || d.progressing) return d.timeout;
  return d.timeout + params.challenge_duration;  // an unused progress window follows
}

// Mint and Deposit take only asset names a channel record can store, so
// that the ledger always loads again.
Status CheckAssetName(const std::string& asset) {
  if (asset.empty()) return Status::InvalidArgument("the asset name must not be empty");
  if (asset.size() > channel::kMaxNameLength) {
    return Status::InvalidArgument("the asset name '" + asset.substr(0, 16) + "...' has " +
                                   std::to_string(asset.size()) +
                                   " bytes; the limit (channel::kMaxNameLength) is " +
                                   std::to_string(channel::kMaxNameLength));
  }
  return Status::Ok();
}

// Register and Progress take only states a channel record can store.
Status CheckAppDataSize(const channel::State& state) {
  if (state.app_data.size() > channel::kMaxAppDataSize) {
    return Status::InvalidArgument("the state's app data has " +
                                   std::to_string(state.app_data.size()) +
                                   " bytes; the limit (channel::kMaxAppDataSize) is " +
                                   std::to_string(channel::kMaxAppDataSize));
  }
  return Status::Ok();
}

// Pays the allocation when the channel holds enough; otherwise returns every
// deposit. Any excess over the allocation is returned in proportion to the
// deposits (the remainder of the division to participant 0). An excess with
// no deposits to share it by cannot happen (the channel holds what was
// deposited, which the loader checks); should it, Conclude refuses with
// Internal rather than guess whose the excess is. Nothing here throws.
Result<AmountsByAsset> ComputeOutcome(const LedgerChannel& c, const channel::Allocation& alloc) {
  size_t n = c.params.participants.size();
  PARLEY_RETURN_IF_ERROR(channel::ValidateAllocation(alloc, n));
  bool funded = true;
  std::map<std::string, std::pair<const channel::AssetAllocation*, Amount>> allocated;
  for (const auto& asset : alloc.assets) {
    if (!asset.locked.empty()) {
      return Status::FailedPrecondition("asset '" + asset.asset +
                                        "' has locked amounts; settling sub-channels is not "
                                        "supported by this version");
    }
    auto held = c.holdings.find(asset.asset);
    PARLEY_ASSIGN_OR_RETURN(Amount total, channel::AssetTotal(asset));
    if ((held == c.holdings.end() ? Amount(0) : held->second) < total) funded = false;
    allocated[asset.asset] = {&asset, total};
  }
  AmountsByAsset outcome;
  if (!funded) {
    outcome = c.deposits;
    return outcome;
  }
  for (const auto& [asset, held] : c.holdings) {
    std::vector<Amount> pay(n, 0);
    Amount total = 0;
    if (auto a = allocated.find(asset); a != allocated.end()) {
      pay = a->second.first->balances;
      total = a->second.second;
    }
    PARLEY_ASSIGN_OR_RETURN(Amount excess, channel::CheckedSub(held, total));
    if (excess > 0) {
      // No entry means nothing of the asset was deposited.
      std::vector<Amount> deposits(n, 0);
      if (auto d = c.deposits.find(asset); d != c.deposits.end()) deposits = d->second;
      if (deposits.size() != n) {
        return Status::Internal("the deposits of '" + asset + "' do not match the participants");
      }
      Amount deposited = 0;
      for (const Amount& d : deposits) {
        PARLEY_ASSIGN_OR_RETURN(deposited, channel::CheckedAdd(deposited, d));
      }
      if (deposited == 0) {
        return Status::Internal("the channel holds " + channel::ToString(excess) + " " + asset +
                                " beyond its allocation and has no deposits of it to return "
                                "them to");
      }
      Amount handed_out = 0;
      for (size_t i = 0; i < n; ++i) {
        // deposits[i] <= deposited, so the share fits; the product needs 512 bits.
        using Wide = boost::multiprecision::uint512_t;
        Amount share = Amount(Wide(excess) * Wide(deposits[i]) / Wide(deposited));
        PARLEY_ASSIGN_OR_RETURN(pay[i], channel::CheckedAdd(pay[i], share));
        PARLEY_ASSIGN_OR_RETURN(handed_out, channel::CheckedAdd(handed_out, share));
      }
      PARLEY_ASSIGN_OR_RETURN(Amount remainder, channel::CheckedSub(excess, handed_out));
      PARLEY_ASSIGN_OR_RETURN(pay[0], channel::CheckedAdd(pay[0], remainder));
    }
    outcome[asset] = std::move(pay);
  }
  return outcome;
}

}  // namespace

SimLedger::SimLedger(store::Store& store, const channel::AppRegistry& apps,
                     std::string backend_name)
    : store_(store), apps_(apps), scheme_(std::move(backend_name)) {}

SimLedger::~SimLedger() = default;

Result<std::unique_ptr<SimLedger>> SimLedger::Open(store::Store& store,
                                                   const channel::AppRegistry& apps,
                                                   std::string backend_name) {
  std::unique_ptr<SimLedger> ledger(new SimLedger(store, apps, std::move(backend_name)));
  PARLEY_ASSIGN_OR_RETURN(LedgerState state, LoadLedgerState(store, ledger->scheme_));
  // Transactions go into the block after the tick, and no further.
  PARLEY_ASSIGN_OR_RETURN(UtxoSet utxos, LoadUtxoSet(store, state.tick + 1));
  ledger->state_ = std::make_unique<LedgerState>(std::move(state));
  ledger->utxos_ = std::make_unique<UtxoSet>(std::move(utxos));
  return ledger;
}

namespace {

// The subscription whose handler this thread is running, if any: a handler
// may unsubscribe itself without waiting for its own call to end.
thread_local uint64_t delivering_subscription = 0;

}  // namespace

Status SimLedger::Apply(const std::function<Status(LedgerState&, std::vector<Event>&)>& change) {
  std::vector<Event> events;
  std::vector<std::pair<uint64_t, Adjudicator::Handler>> to_call;
  std::vector<Event> to_deliver;
  {
    std::lock_guard lock(mutex_);
    LedgerState next = *state_;
    PARLEY_RETURN_IF_ERROR(change(next, events));
    PARLEY_RETURN_IF_ERROR(next.CheckConservation());
    PARLEY_RETURN_IF_ERROR(store_.Write(Diff(*state_, next)));
    *state_ = std::move(next);
    for (const Event& e : events) {
      for (const auto& [id, sub] : handlers_) {
        if (sub.first == e.channel) {
          to_call.emplace_back(id, sub.second);
          to_deliver.push_back(e);
          ++in_flight_[id];  // Unsubscribe waits for these
        }
      }
    }
  }
  for (size_t i = 0; i < to_call.size(); ++i) {
    delivering_subscription = to_call[i].first;
    to_call[i].second(to_deliver[i]);
    delivering_subscription = 0;
    std::lock_guard lock(mutex_);
    if (--in_flight_[to_call[i].first] == 0) in_flight_.erase(to_call[i].first);
    delivered_.notify_all();
  }
  return Status::Ok();
}

Result<const channel::App*> SimLedger::FindApp(const channel::Params& params) const {
  return apps_.Find(params.app);
}

Status SimLedger::CheckChannel(const channel::Params& params) const {
  PARLEY_RETURN_IF_ERROR(channel::ValidateParams(params));
  if (params.backend != scheme_.name()) {
    return Status::InvalidArgument("the channel settles on '" + params.backend +
                                   "', not on the sim ledger");
  }
  return FindApp(params).status();
}

Status SimLedger::Mint(const crypto::PublicKey& account, const std::string& asset,
                       const Amount& amount) {
  PARLEY_RETURN_IF_ERROR(CheckAssetName(asset));
  if (amount == 0) return Status::InvalidArgument("minting 0 " + asset + " creates nothing");
  return Apply([&](LedgerState& s, std::vector<Event>&) {
    PARLEY_ASSIGN_OR_RETURN(s.supply[asset], channel::CheckedAdd(s.supply[asset], amount));
    Amount& balance = s.accounts[account.ToHex()][asset];
    PARLEY_ASSIGN_OR_RETURN(balance, channel::CheckedAdd(balance, amount));
    return Status::Ok();
  });
}

Amount SimLedger::Balance(const crypto::PublicKey& account, const std::string& asset) const {
  std::lock_guard lock(mutex_);
  auto it = state_->accounts.find(account.ToHex());
  if (it == state_->accounts.end()) return 0;
  auto a = it->second.find(asset);
  return a == it->second.end() ? Amount(0) : a->second;
}

Tick SimLedger::Now() const {
  std::lock_guard lock(mutex_);
  return state_->tick;
}

Status SimLedger::Advance(Tick ticks) {
  return Apply([&](LedgerState& s, std::vector<Event>&) {
    if (ticks > channel::kMaxTick - s.tick) {
      return Status::OutOfRange("the ledger clock stops at tick " + TickText(channel::kMaxTick) +
                                "; it is tick " + TickText(s.tick));
    }
    s.tick += ticks;
    return Status::Ok();
  });
}

Status SimLedger::Deposit(const crypto::PublicKey& caller, const channel::Params& params,
                          ParticipantIndex participant, const std::string& asset,
                          const Amount& amount) {
  PARLEY_RETURN_IF_ERROR(CheckChannel(params));
  if (participant >= params.participants.size()) {
    return Status::InvalidArgument("the channel has no participant " + std::to_string(participant));
  }
  PARLEY_RETURN_IF_ERROR(CheckAssetName(asset));
  if (amount == 0) return Status::InvalidArgument("a deposit of 0 " + asset + " moves nothing");
  channel::ChannelId id = scheme_.ComputeChannelId(params);
  return Apply([&](LedgerState& s, std::vector<Event>& events) {
    LedgerChannel& c = s.channels[id];
    c.params = params;
    if (c.dispute) {
      return Status::FailedPrecondition("channel " + ToHex(id) +
                                        " is in dispute or concluded; deposits are closed");
    }
    if (!c.deposits.contains(asset) && c.deposits.size() >= channel::kMaxAssets) {
      return Status::InvalidArgument(
          "channel " + ToHex(id) + " already holds " + std::to_string(c.deposits.size()) +
          " assets, the limit (channel::kMaxAssets); '" + asset + "' would be one more");
    }
    Amount& balance = s.accounts[caller.ToHex()][asset];
    auto debited = channel::CheckedSub(balance, amount);
    if (!debited.ok()) {
      return Status::FailedPrecondition("account " + caller.ToHex() + " holds " +
                                        channel::ToString(balance) + " " + asset + ", not the " +
                                        channel::ToString(amount) + " to deposit");
    }
    balance = *debited;
    auto& deposits = c.deposits[asset];
    deposits.resize(params.participants.size(), 0);
    PARLEY_ASSIGN_OR_RETURN(deposits[participant],
                            channel::CheckedAdd(deposits[participant], amount));
    PARLEY_ASSIGN_OR_RETURN(c.holdings[asset], channel::CheckedAdd(c.holdings[asset], amount));
    events.push_back({.kind = EventKind::kDeposited,
                      .channel = id,
                      .participant = participant,
                      .asset = asset,
                      .amount = amount});
    return Status::Ok();
  });
}

Result<std::vector<Amount>> SimLedger::Deposits(const channel::Params& params,
                                                const std::string& asset) const {
  PARLEY_RETURN_IF_ERROR(CheckChannel(params));
  std::lock_guard lock(mutex_);
  std::vector<Amount> out(params.participants.size(), 0);
  auto c = state_->channels.find(scheme_.ComputeChannelId(params));
  if (c == state_->channels.end()) return out;
  auto d = c->second.deposits.find(asset);
  if (d != c->second.deposits.end()) out = d->second;
  return out;
}

Status SimLedger::Register(const channel::Params& params,
                           const channel::SignedState& signed_state) {
  PARLEY_RETURN_IF_ERROR(CheckChannel(params));
  channel::ChannelId id = scheme_.ComputeChannelId(params);
  const channel::State& state = signed_state.state;
  if (state.channel_id != id) {
    return Status::InvalidArgument("the state is for another channel than these params");
  }
  PARLEY_RETURN_IF_ERROR(channel::ValidateAllocation(state.allocation, params.participants.size()));
  PARLEY_RETURN_IF_ERROR(CheckAppDataSize(state));
  PARLEY_RETURN_IF_ERROR(channel::VerifySignatures(scheme_, params, signed_state, true));
  return Apply([&](LedgerState& s, std::vector<Event>& events) {
    LedgerChannel& c = s.channels[id];
    c.params = params;
    if (c.dispute) {
      const Dispute& d = *c.dispute;
      if (d.concluded) return Status::FailedPrecondition("the channel is already concluded");
      if (s.tick >= d.timeout || d.progressing) {
        return Status::FailedPrecondition("the dispute phase ended at tick " + TickText(d.timeout) +
                                          "; registration is closed");
      }
      if (state.version <= d.state.state.version) {
        return Status::FailedPrecondition("version " + std::to_string(state.version) +
                                          " is not above the registered version " +
                                          std::to_string(d.state.state.version));
      }
      c.dispute->state = signed_state;  // the timeout stays
    } else {
      c.dispute = Dispute{signed_state, s.tick + params.challenge_duration, false, false};
    }
    events.push_back({.kind = EventKind::kRegistered,
                      .channel = id,
                      .version = state.version,
                      .timeout = c.dispute->timeout});
    return Status::Ok();
  });
}

Status SimLedger::Progress(const channel::Params& params, const channel::SignedState& to,
                           ParticipantIndex actor) {
  PARLEY_RETURN_IF_ERROR(CheckChannel(params));
  PARLEY_ASSIGN_OR_RETURN(const channel::App* app, FindApp(params));
  if (!app->SupportsForceMove()) {
    return Status::FailedPrecondition("app '" + params.app + "' is not turn-based: no force-moves");
  }
  if (actor >= params.participants.size()) {
    return Status::PermissionDenied("participant " + std::to_string(actor) + " does not exist");
  }
  channel::ChannelId id = scheme_.ComputeChannelId(params);
  if (to.state.channel_id != id) {
    return Status::InvalidArgument("the state is for another channel than these params");
  }
  PARLEY_RETURN_IF_ERROR(CheckAppDataSize(to.state));
  if (to.sigs.size() != params.participants.size() || !to.sigs[actor] ||
      !scheme_.Verify(params.participants[actor], scheme_.StateHash(to.state), *to.sigs[actor])) {
    return Status::PermissionDenied("the mover's signature on version " +
                                    std::to_string(to.state.version) + " does not verify");
  }
  return Apply([&](LedgerState& s, std::vector<Event>& events) {
    auto it = s.channels.find(id);
    if (it == s.channels.end() || !it->second.dispute) {
      return Status::FailedPrecondition("register a state before making a force-move");
    }
    Dispute& d = *it->second.dispute;
    if (d.concluded) return Status::FailedPrecondition("the channel is already concluded");
    Tick window_end = ConcludableFrom(d, params, true);
    if (s.tick < d.timeout && !d.progressing) {
      return Status::FailedPrecondition("force-moves start after the dispute phase, at tick " +
                                        TickText(d.timeout));
    }
    if (s.tick >= window_end) {
      return Status::FailedPrecondition("the time to move ended at tick " + TickText(window_end));
    }
    const channel::State& from = d.state.state;
    if (to.state.version != from.version + 1) {
      return Status::FailedPrecondition("a force-move must be version " +
                                        std::to_string(from.version + 1));
    }
    PARLEY_RETURN_IF_ERROR(
        channel::ValidateAllocation(to.state.allocation, params.participants.size()));
    PARLEY_RETURN_IF_ERROR(channel::CheckConserved(from.allocation, to.state.allocation));
    Status valid = app->ValidTransition(params, from, to.state, actor);
    if (!valid.ok()) return valid.WithContext("app '" + params.app + "' refuses the move");
    channel::SignedState registered = to;
    for (size_t i = 0; i < registered.sigs.size(); ++i) {
      if (i != actor) registered.sigs[i].reset();
    }
    d.state = std::move(registered);
    d.progressing = true;
    d.timeout = s.tick + params.challenge_duration;
    events.push_back({.kind = EventKind::kProgressed,
                      .channel = id,
                      .version = to.state.version,
                      .timeout = d.timeout,
                      .participant = actor});
    return Status::Ok();
  });
}

Status SimLedger::Conclude(const channel::Params& params) {
  PARLEY_RETURN_IF_ERROR(CheckChannel(params));
  PARLEY_ASSIGN_OR_RETURN(const channel::App* app, FindApp(params));
  channel::ChannelId id = scheme_.ComputeChannelId(params);
  return Apply([&](LedgerState& s, std::vector<Event>& events) {
    auto it = s.channels.find(id);
    if (it == s.channels.end() || !it->second.dispute) {
      return Status::FailedPrecondition("nothing is registered for channel " + ToHex(id) +
                                        "; register a state first");
    }
    LedgerChannel& c = it->second;
    Dispute& d = *c.dispute;
    if (d.concluded) return Status::FailedPrecondition("the channel is already concluded");
    Tick from = ConcludableFrom(d, params, app->SupportsForceMove());
    if (s.tick < from) {
      return Status::FailedPrecondition("the channel can be concluded from tick " + TickText(from) +
                                        "; it is tick " + TickText(s.tick));
    }
    PARLEY_ASSIGN_OR_RETURN(c.outcome, ComputeOutcome(c, d.state.state.allocation));
    d.concluded = true;
    c.withdrawn.assign(params.participants.size(), false);
    events.push_back(
        {.kind = EventKind::kConcluded, .channel = id, .version = d.state.state.version});
    return Status::Ok();
  });
}

Status SimLedger::Withdraw(const channel::Params& params, ParticipantIndex participant) {
  PARLEY_RETURN_IF_ERROR(CheckChannel(params));
  if (participant >= params.participants.size()) {
    return Status::InvalidArgument("the channel has no participant " + std::to_string(participant));
  }
  channel::ChannelId id = scheme_.ComputeChannelId(params);
  return Apply([&](LedgerState& s, std::vector<Event>& events) {
    auto it = s.channels.find(id);
    if (it == s.channels.end() || !it->second.outcome) {
      return Status::FailedPrecondition("channel " + ToHex(id) + " is not concluded yet");
    }
    LedgerChannel& c = it->second;
    if (c.withdrawn[participant]) {
      return Status::FailedPrecondition("participant " + std::to_string(participant) +
                                        " has already withdrawn");
    }
    c.withdrawn[participant] = true;
    auto& account = s.accounts[params.participants[participant].ToHex()];
    for (const auto& [asset, amounts] : *c.outcome) {
      const Amount& pay = amounts[participant];
      PARLEY_ASSIGN_OR_RETURN(c.holdings[asset], channel::CheckedSub(c.holdings[asset], pay));
      PARLEY_ASSIGN_OR_RETURN(account[asset], channel::CheckedAdd(account[asset], pay));
      events.push_back({.kind = EventKind::kWithdrawn,
                        .channel = id,
                        .participant = participant,
                        .asset = asset,
                        .amount = pay});
    }
    return Status::Ok();
  });
}

Result<Dispute> SimLedger::GetDispute(const channel::ChannelId& channel) const {
  std::lock_guard lock(mutex_);
  auto it = state_->channels.find(channel);
  if (it == state_->channels.end() || !it->second.dispute) {
    return Status::NotFound("no dispute for channel " + ToHex(channel));
  }
  return *it->second.dispute;
}

uint64_t SimLedger::Subscribe(const channel::ChannelId& channel, Adjudicator::Handler handler) {
  std::lock_guard lock(mutex_);
  uint64_t id = next_subscription_++;
  handlers_[id] = {channel, std::move(handler)};
  return id;
}

void SimLedger::Unsubscribe(uint64_t subscription) {
  std::unique_lock lock(mutex_);
  handlers_.erase(subscription);
  // No call of this handler may run once this returns, except the one this
  // thread is in (a handler unsubscribing itself).
  int own = delivering_subscription == subscription ? 1 : 0;
  delivered_.wait(lock, [&] {
    auto it = in_flight_.find(subscription);
    return it == in_flight_.end() || it->second <= own;
  });
}

Hash32 DepositDigest(const channel::ChannelId& channel, channel::ParticipantIndex participant,
                     const std::string& asset, const channel::Amount& total) {
  Writer w;
  w.Fixed(channel);
  w.U32(participant);
  w.String(asset);
  channel::WriteAmount(w, total);
  return crypto::TaggedHash("Parley/Deposit", w.bytes());
}

}  // namespace parley::settlement
