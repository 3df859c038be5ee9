// A payment channel on a fresh statecoin, for the OperatorAdjudicator
// tests: the coin funded on a FakeLedger, Alice's owner share split with
// Bob, payouts to P2TR of each participant's channel key, and what the
// participants sign (states, and their shares of a split).
#pragma once

#include <array>
#include <cstdint>

#include "parley/channel/scheme.h"
#include "parley/channel/types.h"
#include "parley/crypto/keys.h"
#include "parley/crypto/multi_party_schnorr.h"
#include "parley/settlement/statechain/channel_split.h"
#include "parley/settlement/statechain/operator_adjudicator.h"
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
  crypto::PrivateKey operator_share;
  ChannelOpening opening;
  crypto::Transaction funding;
};

}  // namespace parley::settlement::statechain::testing
