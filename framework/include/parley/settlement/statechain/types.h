// The statechain protocol's shared vocabulary (docs/statechain.md).
//
// A statecoin is a Bitcoin UTXO paying to the taproot key of P = O + S,
// where the current owner holds o (O = o*G) and the operator holds s. Every
// owner holds a pre-signed backup transaction spending the coin to its own
// key, with a lock time `interval` blocks below the previous owner's.
#pragma once

#include <cstdint>
#include <optional>

#include "parley/crypto/keys.h"
#include "parley/util/bytes.h"

namespace parley::settlement::statechain {

// The operator's name for a coin: 32 random bytes.
using CoinId = Hash32;

struct ProtocolOptions {
  // Blocks from the deposit's height to the first backup's lock time.
  uint32_t initlock = 10'000;
  // How many blocks earlier each next owner's backup becomes valid.
  uint32_t interval = 100;
};

// Backups set this sequence on their input: below 0xffffffff, so that the
// lock time is enforced, and at 0xfffffffe, which opts out of BIP125 RBF
// and relative lock time.
inline constexpr uint32_t kBackupSequence = 0xfffffffe;
// nLockTime values from here on are Unix times, not block heights.
inline constexpr uint32_t kLockTimeThreshold = 500'000'000;

// What a wallet publishes so that coins can be sent to it.
struct Address {
  // Authenticates the owner to the operator; transfer messages are sealed to it.
  crypto::PublicKey auth_key;
  // The owner's backup transactions pay to the taproot key of this key.
  crypto::PublicKey backup_key;

  bool operator==(const Address&) const = default;
};

enum class CoinStatus : uint8_t {
  kActive = 1,
  kWithdrawn = 2,  // the operator's share is erased
  // A payment channel is open on the coin (docs/statechain.md, "Channels on
  // a statecoin"): the operator's share belongs to the channel's
  // adjudicator, which co-signs only the channel's splits and backups; the
  // coin's owner can no longer sign, transfer or withdraw it.
  kInChannel = 3,
};

// A transfer the current owner started and the receiver has not finished.
struct PendingTransfer {
  crypto::PublicKey receiver_auth_key;
  crypto::PublicKey x_point;  // X1 = x1*G, the operator's transfer secret
  uint32_t next_lock_time = 0;
};

// The operator's public view of a coin: what a receiver checks a transfer
// message against.
struct CoinInfo {
  CoinStatus status = CoinStatus::kActive;
  crypto::PublicKey coin_key;  // P
  // S; none once withdrawn or in a channel (the channel's coin names it).
  std::optional<crypto::PublicKey> operator_share;
  // Partial signatures the operator has made for this coin, ever.
  uint64_t signature_count = 0;
  // The current owner's backup lock time.
  uint32_t lock_time = 0;
  std::optional<PendingTransfer> pending_transfer;
  // The channel the coin is in (status kInChannel only).
  std::optional<Hash32> channel_id;
};

}  // namespace parley::settlement::statechain
