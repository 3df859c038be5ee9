// A two-party payment channel on a statecoin (docs/statechain.md,
// "Channels on a statecoin"): the coin's owner share o is split into Alice's
// a and Bob's b (o = a + b), so the coin's key is P = A + B + S and every
// spend needs all three partial signatures (crypto/multi_party_schnorr.h).
//
// Every channel state has one split transaction, deterministic from the
// state: it spends the coin to the participants' payout scripts per the
// state's allocation, minus a fee. With lock time 0 it settles a concluded
// dispute or a cooperative close; with a lock time and sequence
// kBackupSequence it is a backup that settles a checkpoint if the operator
// vanishes.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "parley/channel/types.h"
#include "parley/crypto/bitcoin_tx.h"
#include "parley/crypto/multi_party_schnorr.h"
#include "parley/settlement/statechain/backup.h"
#include "parley/util/codec.h"

namespace parley::settlement::statechain {

// Signers in session order: participant 0 (the coin's owner, Alice),
// participant 1 (Bob), then the operator.
inline constexpr size_t kChannelParticipants = 2;
inline constexpr size_t kOperatorSigner = 2;

struct ChannelCoin {
  CoinOutput coin;
  std::array<crypto::PublicKey, 3> shares;  // A, B, S
  // Where the split pays participant i.
  std::array<Bytes, kChannelParticipants> payout_scripts;
  // What every split leaves to the miners. Each participant pays half (the
  // odd sat falls to participant 0); a balance too small for its half pays
  // what it has and the other balance the rest.
  int64_t fee_sats = 0;
};

// The split of `state`. `lock_time` 0 gives the settlement split (final
// sequence); above 0, a backup (sequence kBackupSequence). One output per
// participant with something left after its fee, in participant order.
// InvalidArgument unless the allocation has exactly one asset, no locked
// amounts, one balance per participant, and balances summing to the coin's
// amount; and for a fee the coin cannot pay or a lock time that is not a
// block height.
Result<crypto::Transaction> BuildSplit(const ChannelCoin& coin, const channel::State& state,
                                       uint32_t lock_time);

// What each channel state carries besides its state signatures: Alice's and
// Bob's nonces and partial signatures on the state's settlement split, made
// with the operator's nonce for that version. With it, the operator alone
// completes the split once the state is concluded.
struct SplitSignatures {
  uint64_t version = 0;
  std::array<crypto::multi_party::PublicNonce, kChannelParticipants> nonces{};
  std::array<crypto::multi_party::PartialSignature, kChannelParticipants> partials{};
};

// A participant index of a channel on a coin, as its stored values begin:
// one byte below kChannelParticipants, else InvalidArgument.
Result<channel::ParticipantIndex> ReadChannelParticipant(Reader& r);

// OK if `nonce` is two compressed points, as NonceGen makes them;
// InvalidArgument saying `whose` it is otherwise (a peer's bytes).
Status CheckPublicNonce(const crypto::multi_party::PublicNonce& nonce, const std::string& whose);

// The three-party signing session of `tx` (a split of `coin`) with the
// signers' nonces in session order.
Result<crypto::multi_party::Session> SplitSession(
    const ChannelCoin& coin, const crypto::Transaction& tx,
    const std::array<crypto::multi_party::PublicNonce, 3>& nonces);

}  // namespace parley::settlement::statechain
