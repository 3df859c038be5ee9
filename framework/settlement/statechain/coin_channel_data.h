// What CoinChannelHook keeps per channel (the node's opaque blob) and the
// extra bytes the participants send each other, with their canonical
// encodings (docs/statechain.md, "In the node"). Private to
// parley_statechain_channel.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "parley/channel/types.h"
#include "parley/crypto/multi_party_schnorr.h"
#include "parley/crypto/schnorr.h"
#include "parley/settlement/statechain/channel_requests.h"
#include "parley/settlement/statechain/checkpoint_signer.h"
#include "parley/settlement/statechain/split_signer.h"
#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::settlement::statechain {

// A participant's data of a channel on a coin.
struct CoinChannelData {
  channel::ParticipantIndex self = 0;
  CoinId coin_id{};
  // The coin, O, the share proofs and the coin's lock time; participant 1's
  // payout script and proof are empty until its ChannelAccept.
  ChannelOpening opening;
  std::array<uint8_t, 32> share{};                  // a or b (secret)
  std::optional<std::array<uint8_t, 32>> auth_key;  // the coin's owner only (secret)
  SplitSigner signer{0};
  // `b` sealed to the peer: the proposer keeps it until the peer's
  // ChannelAccept, to send the same ChannelProposal again if it was lost.
  // (A trailing field: data written before it decodes with none.)
  Bytes sealed_share;
  // The backups of checkpoints (a trailing field: older data has none).
  CheckpointSigner backups{0};
};
Bytes Encode(const CoinChannelData& data);
// Corruption for bytes Encode could not have made.
Result<CoinChannelData> DecodeCoinChannelData(ByteView bytes);

// What every extra ends with (a trailing part: a peer's extra without it
// carries none of it): the sender's current backup nonce and, in an
// update's proposal or accept, a backup's request or answer (in a resync,
// the sender's latest backup's signature).
struct BackupExtra {
  std::optional<crypto::multi_party::PublicNonce> nonce;
  uint32_t latest_lock_time = 0;  // of the sender's latest backup; 0: none
  std::optional<BackupRequest> request;
  std::optional<BackupAnswer> answer;
};

// The ChannelProposal's extra: the coin and Alice's share of it, `b` sealed
// to Bob, and Alice's nonce for the first signed split.
struct OpenProposalExtra {
  CoinId coin_id{};
  ChannelOpening opening;
  Bytes sealed_share;
  uint64_t nonce_version = 0;
  crypto::multi_party::PublicNonce nonce{};
  BackupExtra backup;
};
// The ChannelAccept's extra: Bob's payout script, his share proof and his
// nonce for the first signed split.
struct OpenAcceptExtra {
  Bytes payout_script;
  crypto::Signature share_proof{};
  uint64_t nonce_version = 0;
  crypto::multi_party::PublicNonce nonce{};
  BackupExtra backup;
};
// An update's extra: the sender's partial signature on the state's split
// and its nonce for the next version.
struct UpdateExtra {
  crypto::multi_party::PartialSignature partial{};
  uint64_t nonce_version = 0;
  crypto::multi_party::PublicNonce nonce{};
  BackupExtra backup;
};

// An UpdateReject's extra: the refuser's nonce for its next version.
struct NonceExtra {
  uint64_t nonce_version = 0;
  crypto::multi_party::PublicNonce nonce{};
  BackupExtra backup;
};
// A SyncState's extra: the split signatures of the sender's latest state
// (none before the first payment) and its nonce for its next version.
struct SyncExtra {
  std::optional<SplitSignatures> latest;
  uint64_t nonce_version = 0;
  crypto::multi_party::PublicNonce nonce{};
  BackupExtra backup;
};

Bytes Encode(const OpenProposalExtra& extra);
Bytes Encode(const OpenAcceptExtra& extra);
Bytes Encode(const UpdateExtra& extra);
Bytes Encode(const NonceExtra& extra);
Bytes Encode(const SyncExtra& extra);
// InvalidArgument naming what does not decode (a peer's bytes).
Result<OpenProposalExtra> DecodeOpenProposalExtra(ByteView bytes);
Result<OpenAcceptExtra> DecodeOpenAcceptExtra(ByteView bytes);
Result<UpdateExtra> DecodeUpdateExtra(ByteView bytes);
Result<NonceExtra> DecodeNonceExtra(ByteView bytes);
Result<SyncExtra> DecodeSyncExtra(ByteView bytes);

}  // namespace parley::settlement::statechain
