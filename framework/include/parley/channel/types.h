// The channel model of DESIGN.md §2: Params, Allocation, State, SignedState.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parley/channel/amount.h"
#include "parley/crypto/keys.h"
#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::channel {

using ParticipantIndex = uint32_t;
using ChannelId = Hash32;
using AppId = std::string;  // e.g. "payment", "tictactoe"
using Signature = Bytes;    // its format is the backend's (SignatureScheme)

// Limits on what a channel may hold. Decoding rejects anything beyond them,
// so a peer cannot make a node allocate without bound.
inline constexpr size_t kMaxParticipants = 16;
inline constexpr size_t kMaxAssets = 8;
inline constexpr size_t kMaxLocked = 64;
inline constexpr size_t kMaxNameLength = 64;          // app ids, asset and backend names
inline constexpr size_t kMaxAppDataSize = 64 * 1024;  // bytes of app_data
inline constexpr size_t kMaxSignatureSize = 65;
// Ledger time: a challenge lasts at most 2^32 ticks, and ledgers stop at 2^62,
// so no timeout computed from them can overflow.
inline constexpr uint64_t kMaxChallengeDuration = uint64_t{1} << 32;
inline constexpr uint64_t kMaxTick = uint64_t{1} << 62;
// The largest encoded State within the limits above (see encoding.h).
inline constexpr size_t kMaxStateSize =
    32 + 8 + 4 +
    kMaxAssets * (4 + kMaxNameLength + 4 + kMaxParticipants * 32 + 4 + kMaxLocked * 64) + 4 +
    kMaxAppDataSize + 1;

// Fixed when a channel is proposed; hashed into its ChannelId.
struct Params {
  std::vector<crypto::PublicKey> participants;  // 2..kMaxParticipants, distinct
  Hash32 nonce{};                               // random; makes the id unique
  uint64_t challenge_duration = 0;              // ledger ticks, 1..kMaxChallengeDuration
  AppId app;
  std::string backend;  // the SignatureScheme name, e.g. "sim"

  bool operator==(const Params&) const = default;
};

// Funds set aside from the balances, e.g. for a sub-channel or an HTLC.
struct Locked {
  Hash32 id{};
  Amount amount;
  bool operator==(const Locked&) const = default;
};

struct AssetAllocation {
  std::string asset;             // the backend's name of the asset, e.g. "native"
  std::vector<Amount> balances;  // one per participant
  std::vector<Locked> locked;
  bool operator==(const AssetAllocation&) const = default;
};

struct Allocation {
  std::vector<AssetAllocation> assets;
  bool operator==(const Allocation&) const = default;
};

struct State {
  ChannelId channel_id{};
  uint64_t version = 0;
  Allocation allocation;
  Bytes app_data;
  bool is_final = false;
  bool operator==(const State&) const = default;
};

// A state and one signature slot per participant (empty until signed).
struct SignedState {
  State state;
  std::vector<std::optional<Signature>> sigs;

  bool FullySigned() const;
  bool operator==(const SignedState&) const = default;
};

// InvalidArgument unless `params` is well formed: participant count in range
// and distinct, a challenge duration in 1..kMaxChallengeDuration, non-empty app and backend names
// within kMaxNameLength.
Status ValidateParams(const Params& params);

// InvalidArgument unless every asset has one balance per participant, asset
// names are distinct and non-empty, and no asset's total overflows.
Status ValidateAllocation(const Allocation& allocation, size_t participants);

// ValidateAllocation, and app_data within kMaxAppDataSize: a state that passes
// fits every decoder limit, so the peer can read what this node signs.
Status ValidateState(const State& state, size_t participants);

// Sum of balances and locked amounts of one asset; OutOfRange on overflow.
Result<Amount> AssetTotal(const AssetAllocation& asset);

// OK if `to` holds the same assets in the same order as `from`, each with the
// same total; InvalidArgument naming the first asset that differs otherwise.
Status CheckConserved(const Allocation& from, const Allocation& to);

}  // namespace parley::channel
