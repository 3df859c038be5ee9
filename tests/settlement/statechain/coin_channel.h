// A payment channel on a fresh statecoin, for the OperatorAdjudicator
// tests: the coin funded on a FakeLedger, Alice's owner share split with
// Bob, payouts to P2TR of each participant's channel key, and what the
// participants sign (states, and their shares of a split).
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "parley/channel/scheme.h"
#include "parley/channel/types.h"
#include "parley/crypto/keys.h"
#include "parley/crypto/multi_party_schnorr.h"
#include "parley/settlement/statechain/channel_split.h"
#include "parley/settlement/statechain/coin_channel_hook.h"
#include "parley/settlement/statechain/operator_adjudicator.h"
#include "parley/settlement/statechain/operator_api.h"
#include "statechain/fake_ledger.h"

namespace parley::settlement::statechain::testing {

// The coin under a channel.
struct CoinOptions {
  int64_t fee_sats = 0;         // what every split leaves to the miners
  uint32_t coin_lock_time = 0;  // the coin's statechain backup lock time
  bool fund = true;             // mint the funding now (else the test mints `funding` later)
};

struct CoinChannel {
  // The channel of `params`, whose participants sign with `keys`, opened on
  // a coin of `sats` minted on `ledger`.
  static Result<CoinChannel> Create(
      FakeLedger& ledger, const channel::SignatureScheme& scheme, const channel::Params& params,
      const std::array<crypto::PrivateKey, kChannelParticipants>& keys, int64_t sats,
      const CoinOptions& options);
  // The same on a coin of key O + S whose owner share o is `owner`, where
  // the operator's share S is `operator_share` (a coin of an Operator).
  static Result<CoinChannel> OnCoin(
      FakeLedger& ledger, const channel::SignatureScheme& scheme, const channel::Params& params,
      const std::array<crypto::PrivateKey, kChannelParticipants>& keys,
      const crypto::PrivateKey& owner, const crypto::PublicKey& operator_share, int64_t sats,
      const CoinOptions& options);
  // The same for a payment channel between two fresh keys.
  static Result<CoinChannel> Create(FakeLedger& ledger, const channel::SignatureScheme& scheme,
                                    uint64_t challenge_duration, int64_t sats,
                                    const CoinOptions& options);

  // A payment state: Alice holds `alice` sats, Bob the rest.
  channel::State Payment(uint64_t version, int64_t alice, bool is_final = false) const;
  // `state` signed by both participants.
  channel::SignedState SignBoth(const channel::State& state) const;
  // Alice's and Bob's nonces and partial signatures on the split of `state`
  // (BuildSplit with `lock_time`), with the operator's nonce.
  Result<SplitSignatures> SignSplit(const channel::State& state,
                                    const crypto::multi_party::PublicNonce& operator_nonce,
                                    uint32_t lock_time = 0) const;

  const channel::SignatureScheme* scheme = nullptr;
  channel::Params params;
  channel::ChannelId id{};
  std::array<crypto::PrivateKey, kChannelParticipants> keys;    // state signing keys
  std::array<crypto::PrivateKey, kChannelParticipants> shares;  // a and b, o = a + b
  std::optional<crypto::PrivateKey> operator_share;             // when the test made it
  ChannelOpening opening;
  crypto::Transaction funding;
};

// A coin deposited at an operator by a fresh owner (not funded yet:
// CoinChannel::OnCoin funds it).
struct OperatorCoin {
  CoinId coin_id{};
  crypto::PrivateKey auth_key;
  crypto::PrivateKey owner_share;  // o
  crypto::PublicKey operator_share;
  uint32_t lock_time = 0;  // the owner's backup's

  static Result<OperatorCoin> Deposit(OperatorApi& op);
  // The owner's request to open `ch` on this coin, signed over a fresh
  // challenge of `op`.
  Result<OpenChannelRequest> OpenRequest(OperatorApi& op, const CoinChannel& ch) const;
  // Mints the coin's output of `sats` on `ledger`, and returns what the owner
  // hands a node to open a channel on it, paying the owner to `payout_script`.
  CoinForChannel FundOn(FakeLedger& ledger, int64_t sats, Bytes payout_script) const;
};

}  // namespace parley::settlement::statechain::testing
