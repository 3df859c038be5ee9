// What opening a channel on a statecoin hands the operator, and the
// channel requests the operator authenticates (docs/statechain.md,
// "Channels over gRPC").
//
// OpenChannelRequest is signed by the coin's current owner; the
// participants' requests (SplitNonces, BackupNonce, SignBackup) by either
// of the channel's participants with its state-signing key. Each Auth is over a
// fresh single-use challenge from Operator::NewChallenge and the request's
// AuthPayload, which starts with the request's kind and covers every field
// (requests.h): a signature authorizes one request, once.
#pragma once

#include <array>
#include <cstdint>

#include "parley/channel/types.h"
#include "parley/crypto/keys.h"
#include "parley/crypto/multi_party_schnorr.h"
#include "parley/crypto/schnorr.h"
#include "parley/settlement/statechain/channel_split.h"
#include "parley/settlement/statechain/requests.h"
#include "parley/settlement/statechain/types.h"

namespace parley::settlement::statechain {

// What opening a channel on a coin hands the operator.
struct ChannelOpening {
  ChannelCoin coin;
  crypto::PublicKey owner_share;  // O, which A + B must equal
  // Alice's and Bob's proofs of possession of A and B over the channel id
  // (two_party::ProveShare).
  std::array<crypto::Signature, kChannelParticipants> share_proofs{};
  // The coin's current statechain backup lock time: the channel's backups
  // must become valid before it.
  uint32_t coin_lock_time = 0;
};

// Opening the channel of `params` on the operator's coin `coin_id`.
struct OpenChannelRequest {
  CoinId coin_id{};
  channel::Params params;
  ChannelOpening opening;
  Auth auth;  // by the coin's current owner
};

// The operator's split nonces of versions first_version .. + count - 1.
struct SplitNoncesRequest {
  channel::ChannelId channel{};
  uint64_t first_version = 0;
  uint32_t count = 0;
  Auth auth;  // by a participant
};

// A fresh operator nonce for the channel's next backup.
struct BackupNonceRequest {
  channel::ChannelId channel{};
  Auth auth;  // by a participant
};

// The operator's partial signature on the backup split of `checkpoint`.
struct SignBackupRequest {
  channel::Params params;
  channel::SignedState checkpoint;
  uint32_t lock_time = 0;
  std::array<crypto::multi_party::PublicNonce, kChannelParticipants> nonces{};
  Auth auth;  // by a participant
};

Bytes AuthPayload(const OpenChannelRequest& request);
Bytes AuthPayload(const SplitNoncesRequest& request);
Bytes AuthPayload(const BackupNonceRequest& request);
Bytes AuthPayload(const SignBackupRequest& request);

}  // namespace parley::settlement::statechain
