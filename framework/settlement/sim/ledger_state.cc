#include "ledger_state.h"

#include "parley/channel/encoding.h"
#include "parley/channel/scheme.h"

namespace parley::settlement {

using channel::Amount;

namespace {

constexpr std::string_view kTickKey = "ledger/tick";
constexpr std::string_view kSupplyPrefix = "ledger/supply/";
constexpr std::string_view kAccountPrefix = "ledger/account/";
constexpr std::string_view kChannelPrefix = "ledger/channel/";

void WriteAmounts(Writer& w, const AmountsByAsset& amounts) {
  w.U32(static_cast<uint32_t>(amounts.size()));
  for (const auto& [asset, values] : amounts) {
    w.String(asset);
    w.U32(static_cast<uint32_t>(values.size()));
    for (const Amount& v : values) channel::WriteAmount(w, v);
  }
}

Status ReadAmounts(Reader& r, AmountsByAsset* amounts) {
  uint32_t assets;
  PARLEY_RETURN_IF_ERROR(r.Count(channel::kMaxAssets, &assets));
  for (uint32_t i = 0; i < assets; ++i) {
    std::string asset;
    uint32_t n;
    PARLEY_RETURN_IF_ERROR(r.String(channel::kMaxNameLength, &asset));
    PARLEY_RETURN_IF_ERROR(r.Count(channel::kMaxParticipants, &n));
    std::vector<Amount> values(n);
    for (Amount& v : values) PARLEY_RETURN_IF_ERROR(channel::ReadAmount(r, &v));
    (*amounts)[asset] = std::move(values);
  }
  return Status::Ok();
}

Bytes EncodeChannel(const LedgerChannel& c) {
  Writer w;
  channel::Write(w, c.params);
  WriteAmounts(w, c.deposits);
  w.U32(static_cast<uint32_t>(c.holdings.size()));
  for (const auto& [asset, amount] : c.holdings) {
    w.String(asset);
    channel::WriteAmount(w, amount);
  }
  w.Bool(c.dispute.has_value());
  if (c.dispute) {
    channel::Write(w, c.dispute->state);
    w.U64(c.dispute->timeout);
    w.Bool(c.dispute->progressing);
    w.Bool(c.dispute->concluded);
  }
  w.Bool(c.outcome.has_value());
  if (c.outcome) WriteAmounts(w, *c.outcome);
  w.U32(static_cast<uint32_t>(c.withdrawn.size()));
  for (bool b : c.withdrawn) w.Bool(b);
  return w.Take();
}

template <typename Map>
bool SameAssets(const Map& a, const AmountsByAsset& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [asset, unused] : a) {
    if (!b.contains(asset)) return false;
  }
  return true;
}

// What the ledger's operations rely on, for a record read from `key`: the
// ledger could have written it, so no later operation can index past a list,
// throw or divide by zero. InvalidArgument naming the first rule broken.
Status CheckChannelRecord(std::string_view key, const LedgerChannel& c,
                          const channel::SignatureScheme& scheme) {
  PARLEY_RETURN_IF_ERROR(channel::ValidateParams(c.params));
  if (c.params.backend != scheme.name()) {
    return Status::InvalidArgument("the channel settles on '" + c.params.backend + "', not on '" +
                                   std::string(scheme.name()) + "'");
  }
  const channel::ChannelId id = scheme.ComputeChannelId(c.params);
  if (key != std::string(kChannelPrefix) + ToHex(id)) {
    return Status::InvalidArgument("the record's params have the id " + ToHex(id) +
                                   ", so it belongs at " + std::string(kChannelPrefix) + ToHex(id));
  }
  // Lists sized by the participants have one entry each.
  size_t n = c.params.participants.size();
  auto per_participant = [n](const AmountsByAsset& amounts) {
    for (const auto& [asset, values] : amounts) {
      if (values.size() != n) return false;
    }
    return true;
  };
  if (!per_participant(c.deposits) || (c.outcome && !per_participant(*c.outcome)) ||
      c.withdrawn.size() != (c.outcome ? n : 0) ||
      (c.dispute && c.dispute->state.sigs.size() != n)) {
    return Status::InvalidArgument("a list does not have one entry per participant");
  }
  // Every deposit goes to the holdings, and nothing else does.
  if (!SameAssets(c.holdings, c.deposits)) {
    return Status::InvalidArgument("the assets held are not the assets deposited");
  }
  if (c.dispute) {
    const channel::State& state = c.dispute->state.state;
    if (state.channel_id != id) {
      return Status::InvalidArgument("the disputed state is of channel " + ToHex(state.channel_id));
    }
    Status valid = channel::ValidateAllocation(state.allocation, n);
    if (!valid.ok()) return valid.WithContext("the disputed state's allocation");
    // A timeout is a tick plus a challenge duration.
    if (c.dispute->timeout > channel::kMaxTick + channel::kMaxChallengeDuration) {
      return Status::InvalidArgument("the dispute times out at tick " +
                                     std::to_string(c.dispute->timeout) +
                                     ", beyond any the ledger sets");
    }
  }
  // Conclude sets the outcome and marks the dispute concluded together.
  if (c.outcome.has_value() != (c.dispute && c.dispute->concluded)) {
    return Status::InvalidArgument(c.outcome ? "an outcome without a concluded dispute"
                                             : "a concluded dispute without an outcome");
  }
  // The channel holds what was deposited until it concludes, and then the
  // outcome's shares not yet withdrawn.
  if (c.outcome) {
    for (const auto& [asset, unused] : *c.outcome) {
      if (!c.holdings.contains(asset)) {
        return Status::InvalidArgument("the outcome pays '" + asset + "', which is not held");
      }
    }
  }
  for (const auto& [asset, held] : c.holdings) {
    const std::vector<Amount>* shares = nullptr;
    if (!c.outcome) {
      shares = &c.deposits.at(asset);  // same assets, checked above
    } else if (auto it = c.outcome->find(asset); it != c.outcome->end()) {
      shares = &it->second;
    }
    Amount expected = 0;
    for (size_t i = 0; shares != nullptr && i < n; ++i) {
      if (c.outcome && c.withdrawn[i]) continue;
      auto sum = channel::CheckedAdd(expected, (*shares)[i]);
      if (!sum.ok()) return sum.status().WithContext("the shares of '" + asset + "'");
      expected = *sum;
    }
    if (held != expected) {
      return Status::InvalidArgument(
          "the channel holds " + channel::ToString(held) + " " + asset + ", but " +
          channel::ToString(expected) +
          (c.outcome ? " are still to be withdrawn" : " were deposited"));
    }
  }
  return Status::Ok();
}

Result<LedgerChannel> DecodeChannel(ByteView bytes) {
  Reader r(bytes, "ledger channel");
  LedgerChannel c;
  PARLEY_RETURN_IF_ERROR(channel::Read(r, &c.params));
  PARLEY_RETURN_IF_ERROR(ReadAmounts(r, &c.deposits));
  uint32_t holdings;
  PARLEY_RETURN_IF_ERROR(r.Count(channel::kMaxAssets, &holdings));
  for (uint32_t i = 0; i < holdings; ++i) {
    std::string asset;
    PARLEY_RETURN_IF_ERROR(r.String(channel::kMaxNameLength, &asset));
    PARLEY_RETURN_IF_ERROR(channel::ReadAmount(r, &c.holdings[asset]));
  }
  bool has_dispute;
  PARLEY_RETURN_IF_ERROR(r.Bool(&has_dispute));
  if (has_dispute) {
    Dispute d;
    PARLEY_RETURN_IF_ERROR(channel::Read(r, &d.state));
    PARLEY_RETURN_IF_ERROR(r.U64(&d.timeout));
    PARLEY_RETURN_IF_ERROR(r.Bool(&d.progressing));
    PARLEY_RETURN_IF_ERROR(r.Bool(&d.concluded));
    c.dispute = std::move(d);
  }
  bool has_outcome;
  PARLEY_RETURN_IF_ERROR(r.Bool(&has_outcome));
  if (has_outcome) {
    AmountsByAsset outcome;
    PARLEY_RETURN_IF_ERROR(ReadAmounts(r, &outcome));
    c.outcome = std::move(outcome);
  }
  uint32_t n;
  PARLEY_RETURN_IF_ERROR(r.Count(channel::kMaxParticipants, &n));
  c.withdrawn.assign(n, false);
  for (size_t i = 0; i < n; ++i) {
    bool b;
    PARLEY_RETURN_IF_ERROR(r.Bool(&b));
    c.withdrawn[i] = b;
  }
  PARLEY_RETURN_IF_ERROR(r.Finish());
  return c;
}

Bytes EncodeAmount(const Amount& amount) {
  Writer w;
  channel::WriteAmount(w, amount);
  return w.Take();
}

Result<Amount> DecodeAmount(ByteView bytes) {
  Reader r(bytes, "ledger amount");
  Amount amount;
  PARLEY_RETURN_IF_ERROR(channel::ReadAmount(r, &amount));
  PARLEY_RETURN_IF_ERROR(r.Finish());
  return amount;
}

// Adds a put for every entry of `after` that differs from `before`, and a
// delete for every key of `before` missing from `after`.
template <typename Map, typename KeyFn, typename EncodeFn>
void DiffMap(const Map& before, const Map& after, KeyFn key, EncodeFn encode,
             store::WriteBatch& batch) {
  for (const auto& [k, v] : after) {
    auto it = before.find(k);
    if (it == before.end() || !(it->second == v)) batch.Put(key(k), encode(v));
  }
  for (const auto& [k, v] : before) {
    if (!after.contains(k)) batch.Delete(key(k));
  }
}

}  // namespace

Bytes EncodeLedgerChannel(const LedgerChannel& c) { return EncodeChannel(c); }
Result<LedgerChannel> DecodeLedgerChannel(ByteView bytes) { return DecodeChannel(bytes); }

Status LedgerState::CheckConservation() const {
  std::map<std::string, Amount> held;
  for (const auto& [account, assets] : accounts) {
    for (const auto& [asset, amount] : assets) {
      PARLEY_ASSIGN_OR_RETURN(held[asset], channel::CheckedAdd(held[asset], amount));
    }
  }
  for (const auto& [id, c] : channels) {
    for (const auto& [asset, amount] : c.holdings) {
      PARLEY_ASSIGN_OR_RETURN(held[asset], channel::CheckedAdd(held[asset], amount));
    }
  }
  for (const auto& [asset, minted] : supply) {
    if (held[asset] != minted) {
      return Status::Internal("conservation of '" + asset +
                              "' violated: " + channel::ToString(held[asset]) + " held, " +
                              channel::ToString(minted) + " minted");
    }
    held.erase(asset);
  }
  for (const auto& [asset, amount] : held) {
    if (amount != 0) return Status::Internal("asset '" + asset + "' is held but was never minted");
  }
  return Status::Ok();
}

store::WriteBatch Diff(const LedgerState& before, const LedgerState& after) {
  store::WriteBatch batch;
  if (before.tick != after.tick) {
    Writer w;
    w.U64(after.tick);
    batch.Put(std::string(kTickKey), w.Take());
  }
  DiffMap(
      before.supply, after.supply,
      [](const std::string& asset) { return std::string(kSupplyPrefix) + asset; }, EncodeAmount,
      batch);
  for (const auto& [account, assets] : after.accounts) {
    static const std::map<std::string, Amount> kNone;
    auto it = before.accounts.find(account);
    DiffMap(
        it == before.accounts.end() ? kNone : it->second, assets,
        [&, &account = account](const std::string& asset) {
          return std::string(kAccountPrefix) + account + "/" + asset;
        },
        EncodeAmount, batch);
  }
  DiffMap(
      before.channels, after.channels,
      [](const channel::ChannelId& id) { return std::string(kChannelPrefix) + ToHex(id); },
      EncodeChannel, batch);
  return batch;
}

Result<LedgerState> LoadLedgerState(const store::Store& store,
                                    const channel::SignatureScheme& scheme) {
  LedgerState state;
  Status error;
  auto keep_first = [&](const Status& s) {
    if (error.ok() && !s.ok()) error = s;
  };
  auto tick = store.Get(kTickKey);
  if (tick.ok()) {
    Reader r(*tick, "ledger tick");
    keep_first(r.U64(&state.tick));
    keep_first(r.Finish());
    if (state.tick > channel::kMaxTick) {
      keep_first(Status::InvalidArgument("the tick " + std::to_string(state.tick) +
                                         " is beyond the last, " +
                                         std::to_string(channel::kMaxTick)));
    }
  } else if (tick.status().code() != StatusCode::kNotFound) {
    return tick.status();
  }
  PARLEY_RETURN_IF_ERROR(store.Scan(kSupplyPrefix, [&](std::string_view key, ByteView value) {
    auto amount = DecodeAmount(value);
    keep_first(amount.status());
    if (amount.ok()) state.supply[std::string(key.substr(kSupplyPrefix.size()))] = *amount;
  }));
  PARLEY_RETURN_IF_ERROR(store.Scan(kAccountPrefix, [&](std::string_view key, ByteView value) {
    std::string_view rest = key.substr(kAccountPrefix.size());
    size_t slash = rest.find('/');
    auto amount = DecodeAmount(value);
    keep_first(slash == std::string_view::npos ? Status::InvalidArgument("bad account key")
                                               : amount.status());
    if (amount.ok() && slash != std::string_view::npos) {
      state.accounts[std::string(rest.substr(0, slash))][std::string(rest.substr(slash + 1))] =
          *amount;
    }
  }));
  PARLEY_RETURN_IF_ERROR(store.Scan(kChannelPrefix, [&](std::string_view key, ByteView value) {
    auto id = FixedFromHex<32>(key.substr(kChannelPrefix.size()));
    auto c = DecodeChannel(value);
    Status valid = !id.ok()  ? id.status()
                   : !c.ok() ? c.status()
                             : CheckChannelRecord(key, *c, scheme);
    keep_first(valid.WithContext(std::string(key)));
    if (valid.ok()) state.channels[*id] = std::move(c).value();
  }));
  if (!error.ok()) return Status::Corruption("the stored ledger does not load: " + error.message());
  Status conserved = state.CheckConservation();
  if (!conserved.ok()) return Status::Corruption("the stored ledger " + conserved.message());
  return state;
}

}  // namespace parley::settlement
