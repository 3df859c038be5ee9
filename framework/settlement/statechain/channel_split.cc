#include "parley/settlement/statechain/channel_split.h"

#include <string>

#include "parley/settlement/statechain/types.h"

namespace parley::settlement::statechain {
namespace {

// The balances as satoshis, checked against the coin.
Result<std::array<int64_t, kChannelParticipants>> Balances(const ChannelCoin& coin,
                                                           const channel::State& state) {
  const channel::Allocation& allocation = state.allocation;
  if (allocation.assets.size() != 1 || !allocation.assets[0].locked.empty() ||
      allocation.assets[0].balances.size() != kChannelParticipants) {
    return Status::InvalidArgument(
        "a channel on a statecoin holds one asset, the coin's satoshis, with one balance per "
        "participant and nothing locked");
  }
  std::array<int64_t, kChannelParticipants> sats{};
  channel::Amount total = 0;
  for (size_t i = 0; i < kChannelParticipants; ++i) {
    const channel::Amount& balance = allocation.assets[0].balances[i];
    if (balance > channel::Amount(crypto::kMaxMoney)) {
      return Status::InvalidArgument("balance " + channel::ToString(balance) +
                                     " is more satoshis than exist");
    }
    sats[i] = static_cast<int64_t>(balance);
    total += balance;
  }
  if (total != channel::Amount(coin.coin.amount_sats)) {
    return Status::InvalidArgument("the balances add up to " + channel::ToString(total) +
                                   " sats but the coin holds " +
                                   std::to_string(coin.coin.amount_sats));
  }
  return sats;
}

}  // namespace

Result<crypto::Transaction> BuildSplit(const ChannelCoin& coin, const channel::State& state,
                                       uint32_t lock_time) {
  PARLEY_ASSIGN_OR_RETURN(auto sats, Balances(coin, state));
  if (coin.fee_sats < 0 || coin.fee_sats >= coin.coin.amount_sats) {
    return Status::InvalidArgument("a split fee of " + std::to_string(coin.fee_sats) +
                                   " sats must be at least 0 and below the coin's " +
                                   std::to_string(coin.coin.amount_sats));
  }
  if (lock_time >= kLockTimeThreshold) {
    return Status::InvalidArgument("lock time " + std::to_string(lock_time) +
                                   " is not a block height");
  }
  std::array<int64_t, kChannelParticipants> fee = {coin.fee_sats - coin.fee_sats / 2,
                                                   coin.fee_sats / 2};
  for (size_t i = 0; i < kChannelParticipants; ++i) {
    const int64_t shortfall = fee[i] - sats[i];
    if (shortfall > 0) {
      fee[i] -= shortfall;
      fee[1 - i] += shortfall;
    }
  }
  crypto::Transaction tx;
  tx.inputs.push_back({.prevout = coin.coin.outpoint,
                       .sequence = lock_time == 0 ? crypto::kSequenceFinal : kBackupSequence});
  for (size_t i = 0; i < kChannelParticipants; ++i) {
    const int64_t amount = sats[i] - fee[i];
    if (amount > 0) {
      tx.outputs.push_back({.amount_sats = amount, .script_pubkey = coin.payout_scripts[i]});
    }
  }
  tx.lock_time = lock_time;
  return tx;
}

Result<channel::ParticipantIndex> ReadChannelParticipant(Reader& r) {
  uint8_t self = 0;
  PARLEY_RETURN_IF_ERROR(r.U8(&self));
  if (self >= kChannelParticipants) return Status::InvalidArgument("participant out of range");
  return self;
}

Status CheckPublicNonce(const crypto::multi_party::PublicNonce& nonce, const std::string& whose) {
  for (size_t half = 0; half < 2; ++half) {
    auto point = crypto::PublicKey::FromBytes(ByteView(nonce).subspan(33 * half, 33));
    if (!point.ok()) return Status::InvalidArgument(whose + " is not two valid points");
  }
  return Status::Ok();
}

Result<crypto::multi_party::Session> SplitSession(
    const ChannelCoin& coin, const crypto::Transaction& tx,
    const std::array<crypto::multi_party::PublicNonce, 3>& nonces) {
  PARLEY_ASSIGN_OR_RETURN(Hash32 sighash, SpendSighash(tx, coin.coin));
  return crypto::multi_party::Session{.shares = {coin.shares.begin(), coin.shares.end()},
                                      .nonces = {nonces.begin(), nonces.end()},
                                      .message = sighash};
}

}  // namespace parley::settlement::statechain
