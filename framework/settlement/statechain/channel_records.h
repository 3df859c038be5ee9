// How the operator keeps the channels opened on its coins in the store
// (OperatorAdjudicator). Per channel:
//   statechain/channel/<id>                    ChannelRecord (public state)
//   statechain/channel-share/<id>              the operator's share of the coin (secret)
//   statechain/channel-nonce/<id>/<version>    the split nonce of a version (secret)
//   statechain/channel-backup-nonce/<id>       the nonce of the next backup (secret)
// Secrets live in records of their own so that erasing one is a Delete. A
// nonce's record is written before its public part leaves the operator, and
// deleted in the same batch that records what it signed, before the
// signature is used; so after a restart a nonce is either the same nonce
// again or gone, never a second signature.
#pragma once

#include <array>
#include <optional>
#include <string>

#include "parley/channel/types.h"
#include "parley/crypto/bitcoin_tx.h"
#include "parley/crypto/keys.h"
#include "parley/crypto/multi_party_schnorr.h"
#include "parley/settlement/adjudicator.h"
#include "parley/settlement/statechain/channel_split.h"
#include "parley/store/store.h"
#include "parley/util/codec.h"

namespace parley::settlement::statechain {

struct ChannelRecord {
  channel::Params params;
  ChannelCoin coin;
  // The last backup's lock time (the coin's until the first backup) and the
  // version it settles.
  uint32_t backup_lock_time = 0;
  std::optional<uint64_t> checkpoint_version;
  std::optional<Dispute> dispute;
  // The concluded state's split with the complete signature, kept from the
  // moment the operator's nonce signed it until it is broadcast.
  std::optional<crypto::Transaction> signed_split;
  bool paid = false;  // the split is broadcast
  // Which participants have claimed their output of the split (Withdraw).
  std::array<bool, kChannelParticipants> withdrawn{};
  // The Operator's coin the channel was opened on, if it was (in the same
  // store): the coin becomes withdrawn when the split is broadcast.
  std::optional<Hash32> coin_id;
};

// A nonce the operator made: the public part it hands out and
// SecretNonce::SecretBytes.
struct StoredNonce {
  crypto::multi_party::PublicNonce public_nonce{};
  std::array<uint8_t, crypto::multi_party::SecretNonce::kSize> secret{};
};

std::string ChannelKey(const channel::ChannelId& id);
std::string ChannelShareKey(const channel::ChannelId& id);
std::string SplitNoncePrefix(const channel::ChannelId& id);
std::string SplitNonceKey(const channel::ChannelId& id, uint64_t version);
std::string BackupNonceKey(const channel::ChannelId& id);

// The canonical encoding of a channel's coin (in its record, and in the
// AuthPayload of an OpenChannelRequest).
void WriteCoin(Writer& w, const ChannelCoin& coin);
// Corruption for bytes WriteCoin could not have made.
Result<ChannelCoin> ReadCoin(Reader& r);

Bytes Encode(const ChannelRecord& record);
Bytes Encode(const StoredNonce& nonce);
Bytes EncodeSecret(const crypto::PrivateKey& share);

// Each load is NotFound when the record is absent and Corruption when its
// bytes do not decode.
Result<ChannelRecord> LoadChannel(const store::Store& store, const channel::ChannelId& id);
Result<crypto::PrivateKey> LoadChannelShare(const store::Store& store,
                                            const channel::ChannelId& id);
Result<StoredNonce> LoadSplitNonce(const store::Store& store, const channel::ChannelId& id,
                                   uint64_t version);
Result<StoredNonce> LoadBackupNonce(const store::Store& store, const channel::ChannelId& id);

// Deletes, in `batch`, every split nonce of the channel but `keep`'s.
Status DeleteSplitNonces(const store::Store& store, const channel::ChannelId& id,
                         std::optional<uint64_t> keep, store::WriteBatch* batch);

}  // namespace parley::settlement::statechain
