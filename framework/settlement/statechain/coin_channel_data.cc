#include "coin_channel_data.h"

#include <string>
#include <utility>

#include "channel_records.h"
#include "field_codec.h"
#include "parley/util/codec.h"
#include "split_signatures_codec.h"

namespace parley::settlement::statechain {
namespace {

// The first byte of each extra, so that one is never read as another.
enum class ExtraKind : uint8_t {
  kOpenProposal = 1,
  kOpenAccept = 2,
  kUpdate = 3,
  kNonce = 4,
  kSync = 5
};

// Bounds for decoding: a payout script (the sim ledger's limit), a sealed
// share, and a split signer's encoding.
constexpr size_t kMaxScriptSize = 10'000;
constexpr size_t kMaxSealedSize = 256;
constexpr size_t kMaxSignerSize = 4'096;
constexpr size_t kMaxBackupsSize = 8'192;

void WriteOpening(Writer& w, const ChannelOpening& opening) {
  WriteCoin(w, opening.coin);
  w.Fixed(opening.owner_share.bytes());
  for (const crypto::Signature& proof : opening.share_proofs) w.Fixed(proof);
  w.U32(opening.coin_lock_time);
}

Result<ChannelOpening> ReadOpening(Reader& r) {
  PARLEY_ASSIGN_OR_RETURN(ChannelCoin coin, ReadCoin(r));
  PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey owner_share, ReadPublicKey(r));
  ChannelOpening opening{.coin = std::move(coin), .owner_share = owner_share};
  for (crypto::Signature& proof : opening.share_proofs) PARLEY_RETURN_IF_ERROR(r.Fixed(&proof));
  PARLEY_RETURN_IF_ERROR(r.U32(&opening.coin_lock_time));
  return opening;
}

Status ReadKind(Reader& r, ExtraKind kind) {
  uint8_t got = 0;
  PARLEY_RETURN_IF_ERROR(r.U8(&got));
  if (got != static_cast<uint8_t>(kind)) {
    return Status::InvalidArgument("extra of kind " + std::to_string(got) + ", expected " +
                                   std::to_string(static_cast<uint8_t>(kind)));
  }
  return Status::Ok();
}

// A peer's bytes that do not decode: InvalidArgument naming them.
template <typename T>
Result<T> PeerBytes(const std::string& what, Result<T> decoded) {
  if (!decoded.ok()) {
    return Status::InvalidArgument(what + " does not decode: " + decoded.status().message());
  }
  return decoded;
}

void WriteBackupExtra(Writer& w, const BackupExtra& backup) {
  w.Bool(backup.nonce.has_value());
  if (backup.nonce) w.Fixed(*backup.nonce);
  w.U32(backup.latest_lock_time);
  w.Bool(backup.request.has_value());
  if (backup.request) WriteBackupRequest(w, *backup.request);
  w.Bool(backup.answer.has_value());
  if (backup.answer) {
    w.U64(backup.answer->version);
    w.Fixed(backup.answer->signature);
  }
}

// The trailing part, if the extra has one.
Status ReadBackupExtra(Reader& r, BackupExtra* backup) {
  if (r.remaining() == 0) return Status::Ok();
  bool present = false;
  PARLEY_RETURN_IF_ERROR(r.Bool(&present));
  if (present) PARLEY_RETURN_IF_ERROR(r.Fixed(&backup->nonce.emplace()));
  PARLEY_RETURN_IF_ERROR(r.U32(&backup->latest_lock_time));
  PARLEY_RETURN_IF_ERROR(r.Bool(&present));
  if (present) PARLEY_RETURN_IF_ERROR(ReadBackupRequest(r, &backup->request.emplace()));
  PARLEY_RETURN_IF_ERROR(r.Bool(&present));
  if (present) {
    BackupAnswer& answer = backup->answer.emplace();
    PARLEY_RETURN_IF_ERROR(r.U64(&answer.version));
    PARLEY_RETURN_IF_ERROR(r.Fixed(&answer.signature));
  }
  return Status::Ok();
}

}  // namespace

Bytes Encode(const CoinChannelData& data) {
  Writer w;
  w.U8(static_cast<uint8_t>(data.self));
  w.Fixed(data.coin_id);
  WriteOpening(w, data.opening);
  w.Fixed(data.share);
  w.Bool(data.auth_key.has_value());
  if (data.auth_key) w.Fixed(*data.auth_key);
  w.Var(data.signer.Encode());
  w.Var(data.sealed_share);
  w.Var(data.backups.Encode());
  return w.Take();
}

Result<CoinChannelData> DecodeCoinChannelData(ByteView bytes) {
  Reader r(bytes, "a coin channel's data");
  auto decoded = [&]() -> Result<CoinChannelData> {
    PARLEY_ASSIGN_OR_RETURN(channel::ParticipantIndex self, ReadChannelParticipant(r));
    CoinId coin_id{};
    PARLEY_RETURN_IF_ERROR(r.Fixed(&coin_id));
    PARLEY_ASSIGN_OR_RETURN(ChannelOpening opening, ReadOpening(r));
    CoinChannelData data{.self = self, .coin_id = coin_id, .opening = std::move(opening)};
    PARLEY_RETURN_IF_ERROR(r.Fixed(&data.share));
    bool has_auth = false;
    PARLEY_RETURN_IF_ERROR(r.Bool(&has_auth));
    if (has_auth) {
      data.auth_key.emplace();
      PARLEY_RETURN_IF_ERROR(r.Fixed(&*data.auth_key));
    }
    Bytes signer;
    PARLEY_RETURN_IF_ERROR(r.Var(kMaxSignerSize, &signer));
    PARLEY_ASSIGN_OR_RETURN(data.signer, SplitSigner::Decode(signer));
    if (data.signer.self() != data.self) return Status::InvalidArgument("signer of another party");
    if (r.remaining() > 0) PARLEY_RETURN_IF_ERROR(r.Var(kMaxSealedSize, &data.sealed_share));
    if (r.remaining() > 0) {
      Bytes backups;
      PARLEY_RETURN_IF_ERROR(r.Var(kMaxBackupsSize, &backups));
      PARLEY_ASSIGN_OR_RETURN(data.backups, CheckpointSigner::Decode(backups));
      if (data.backups.self() != data.self)
        return Status::InvalidArgument("backups of another party");
    } else {
      data.backups = CheckpointSigner(data.self);
    }
    PARLEY_RETURN_IF_ERROR(r.Finish());
    return data;
  }();
  if (!decoded.ok()) return Status::Corruption("coin channel data: " + decoded.status().message());
  return decoded;
}

Bytes Encode(const OpenProposalExtra& extra) {
  Writer w;
  w.U8(static_cast<uint8_t>(ExtraKind::kOpenProposal));
  w.Fixed(extra.coin_id);
  WriteOpening(w, extra.opening);
  w.Var(extra.sealed_share);
  w.U64(extra.nonce_version);
  w.Fixed(extra.nonce);
  WriteBackupExtra(w, extra.backup);
  return w.Take();
}

Bytes Encode(const OpenAcceptExtra& extra) {
  Writer w;
  w.U8(static_cast<uint8_t>(ExtraKind::kOpenAccept));
  w.Var(extra.payout_script);
  w.Fixed(extra.share_proof);
  w.U64(extra.nonce_version);
  w.Fixed(extra.nonce);
  WriteBackupExtra(w, extra.backup);
  return w.Take();
}

Bytes Encode(const UpdateExtra& extra) {
  Writer w;
  w.U8(static_cast<uint8_t>(ExtraKind::kUpdate));
  w.Fixed(extra.partial);
  w.U64(extra.nonce_version);
  w.Fixed(extra.nonce);
  WriteBackupExtra(w, extra.backup);
  return w.Take();
}

Result<OpenProposalExtra> DecodeOpenProposalExtra(ByteView bytes) {
  Reader r(bytes, "a channel proposal's coin");
  return PeerBytes("the channel proposal's coin", [&]() -> Result<OpenProposalExtra> {
    PARLEY_RETURN_IF_ERROR(ReadKind(r, ExtraKind::kOpenProposal));
    CoinId coin_id{};
    PARLEY_RETURN_IF_ERROR(r.Fixed(&coin_id));
    PARLEY_ASSIGN_OR_RETURN(ChannelOpening opening, ReadOpening(r));
    OpenProposalExtra extra{.coin_id = coin_id, .opening = std::move(opening)};
    PARLEY_RETURN_IF_ERROR(r.Var(kMaxSealedSize, &extra.sealed_share));
    PARLEY_RETURN_IF_ERROR(r.U64(&extra.nonce_version));
    PARLEY_RETURN_IF_ERROR(r.Fixed(&extra.nonce));
    PARLEY_RETURN_IF_ERROR(ReadBackupExtra(r, &extra.backup));
    PARLEY_RETURN_IF_ERROR(r.Finish());
    return extra;
  }());
}

Result<OpenAcceptExtra> DecodeOpenAcceptExtra(ByteView bytes) {
  Reader r(bytes, "a channel accept's coin data");
  return PeerBytes("the channel accept's coin data", [&]() -> Result<OpenAcceptExtra> {
    OpenAcceptExtra extra;
    PARLEY_RETURN_IF_ERROR(ReadKind(r, ExtraKind::kOpenAccept));
    PARLEY_RETURN_IF_ERROR(r.Var(kMaxScriptSize, &extra.payout_script));
    PARLEY_RETURN_IF_ERROR(r.Fixed(&extra.share_proof));
    PARLEY_RETURN_IF_ERROR(r.U64(&extra.nonce_version));
    PARLEY_RETURN_IF_ERROR(r.Fixed(&extra.nonce));
    PARLEY_RETURN_IF_ERROR(ReadBackupExtra(r, &extra.backup));
    PARLEY_RETURN_IF_ERROR(r.Finish());
    return extra;
  }());
}

Result<UpdateExtra> DecodeUpdateExtra(ByteView bytes) {
  Reader r(bytes, "an update's split signature");
  return PeerBytes("the update's split signature", [&]() -> Result<UpdateExtra> {
    UpdateExtra extra;
    PARLEY_RETURN_IF_ERROR(ReadKind(r, ExtraKind::kUpdate));
    PARLEY_RETURN_IF_ERROR(r.Fixed(&extra.partial));
    PARLEY_RETURN_IF_ERROR(r.U64(&extra.nonce_version));
    PARLEY_RETURN_IF_ERROR(r.Fixed(&extra.nonce));
    PARLEY_RETURN_IF_ERROR(ReadBackupExtra(r, &extra.backup));
    PARLEY_RETURN_IF_ERROR(r.Finish());
    return extra;
  }());
}

Bytes Encode(const NonceExtra& extra) {
  Writer w;
  w.U8(static_cast<uint8_t>(ExtraKind::kNonce));
  w.U64(extra.nonce_version);
  w.Fixed(extra.nonce);
  WriteBackupExtra(w, extra.backup);
  return w.Take();
}

Bytes Encode(const SyncExtra& extra) {
  Writer w;
  w.U8(static_cast<uint8_t>(ExtraKind::kSync));
  w.Bool(extra.latest.has_value());
  if (extra.latest) {
    w.U64(extra.latest->version);
    WriteNoncesAndPartials(w, *extra.latest);
  }
  w.U64(extra.nonce_version);
  w.Fixed(extra.nonce);
  WriteBackupExtra(w, extra.backup);
  return w.Take();
}

Result<NonceExtra> DecodeNonceExtra(ByteView bytes) {
  Reader r(bytes, "a refusal's split nonce");
  return PeerBytes("the refusal's split nonce", [&]() -> Result<NonceExtra> {
    NonceExtra extra;
    PARLEY_RETURN_IF_ERROR(ReadKind(r, ExtraKind::kNonce));
    PARLEY_RETURN_IF_ERROR(r.U64(&extra.nonce_version));
    PARLEY_RETURN_IF_ERROR(r.Fixed(&extra.nonce));
    PARLEY_RETURN_IF_ERROR(ReadBackupExtra(r, &extra.backup));
    PARLEY_RETURN_IF_ERROR(r.Finish());
    return extra;
  }());
}

Result<SyncExtra> DecodeSyncExtra(ByteView bytes) {
  Reader r(bytes, "a resync's split signatures");
  return PeerBytes("the resync's split signatures", [&]() -> Result<SyncExtra> {
    SyncExtra extra;
    PARLEY_RETURN_IF_ERROR(ReadKind(r, ExtraKind::kSync));
    bool present = false;
    PARLEY_RETURN_IF_ERROR(r.Bool(&present));
    if (present) {
      SplitSignatures latest;
      PARLEY_RETURN_IF_ERROR(r.U64(&latest.version));
      PARLEY_RETURN_IF_ERROR(ReadNoncesAndPartials(r, &latest));
      extra.latest = latest;
    }
    PARLEY_RETURN_IF_ERROR(r.U64(&extra.nonce_version));
    PARLEY_RETURN_IF_ERROR(r.Fixed(&extra.nonce));
    PARLEY_RETURN_IF_ERROR(ReadBackupExtra(r, &extra.backup));
    PARLEY_RETURN_IF_ERROR(r.Finish());
    return extra;
  }());
}

}  // namespace parley::settlement::statechain
