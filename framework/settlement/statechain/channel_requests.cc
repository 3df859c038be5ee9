#include "parley/settlement/statechain/channel_requests.h"

#include <string_view>

#include "channel_records.h"
#include "parley/channel/encoding.h"
#include "parley/util/codec.h"

namespace parley::settlement::statechain {
namespace {

Writer Begin(std::string_view kind) {
  Writer w;
  w.String(kind);
  return w;
}

}  // namespace

Bytes AuthPayload(const OpenChannelRequest& request) {
  Writer w = Begin("open-channel");
  w.Fixed(request.coin_id);
  channel::Write(w, request.params);
  WriteCoin(w, request.opening.coin);
  w.Fixed(request.opening.owner_share.bytes());
  for (const crypto::Signature& proof : request.opening.share_proofs) w.Fixed(proof);
  w.U32(request.opening.coin_lock_time);
  return w.Take();
}

Bytes AuthPayload(const SplitNoncesRequest& request) {
  Writer w = Begin("channel-split-nonces");
  w.Fixed(request.channel);
  w.U64(request.first_version);
  w.U32(request.count);
  return w.Take();
}

Bytes AuthPayload(const BackupNonceRequest& request) {
  Writer w = Begin("channel-backup-nonce");
  w.Fixed(request.channel);
  return w.Take();
}

Bytes AuthPayload(const SignBackupRequest& request) {
  Writer w = Begin("channel-sign-backup");
  channel::Write(w, request.params);
  channel::Write(w, request.checkpoint);
  w.U32(request.lock_time);
  for (const crypto::multi_party::PublicNonce& nonce : request.nonces) w.Fixed(nonce);
  return w.Take();
}

}  // namespace parley::settlement::statechain
