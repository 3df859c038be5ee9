#include "parley/settlement/statechain/checkpoint_signer.h"

#include <algorithm>
#include <string>
#include <utility>

#include "parley/crypto/schnorr.h"
#include "parley/util/codec.h"

namespace parley::settlement::statechain {

namespace mp = crypto::multi_party;

namespace {

constexpr size_t kOperator = kOperatorSigner;
constexpr size_t kMaxTxSize = 4'096;  // a split: one input, two outputs

std::string CheckpointName(uint64_t version, uint32_t lock_time) {
  return "the backup of version " + std::to_string(version) + " at lock time " +
         std::to_string(lock_time);
}

// The key-path signature in a signed backup's witness.
crypto::Signature SignatureOf(const crypto::Transaction& tx) {
  crypto::Signature signature{};
  const Bytes& witness = tx.inputs.at(0).witness.at(0);
  std::copy(witness.begin(), witness.begin() + signature.size(), signature.begin());
  return signature;
}

}  // namespace

void WriteBackupRequest(Writer& w, const BackupRequest& request) {
  w.U64(request.version);
  w.U32(request.lock_time);
  for (const auto& nonce : request.nonces) w.Fixed(nonce);
  w.Fixed(request.partial);
}

Status ReadBackupRequest(Reader& r, BackupRequest* request) {
  PARLEY_RETURN_IF_ERROR(r.U64(&request->version));
  PARLEY_RETURN_IF_ERROR(r.U32(&request->lock_time));
  for (auto& nonce : request->nonces) PARLEY_RETURN_IF_ERROR(r.Fixed(&nonce));
  return r.Fixed(&request->partial);
}

Result<mp::PublicNonce> CheckpointSigner::Nonce(const crypto::PrivateKey& share) {
  if (own_) return own_->public_nonce;
  Writer extra;
  extra.String("channel backup");
  PARLEY_ASSIGN_OR_RETURN(crypto::two_party::GeneratedNonce nonce,
                          crypto::two_party::NonceGen(share, extra.bytes()));
  own_ = HeldNonce::Of(nonce);
  return nonce.public_nonce;
}

Status CheckpointSigner::SetPeerNonce(const mp::PublicNonce& nonce) {
  PARLEY_RETURN_IF_ERROR(CheckPublicNonce(nonce, "the peer's backup nonce"));
  peer_nonce_ = nonce;
  return Status::Ok();
}

void CheckpointSigner::SetPeerLockTime(uint32_t lock_time) {
  if (lock_time != 0 && (peer_lock_time_ == 0 || lock_time < peer_lock_time_)) {
    peer_lock_time_ = lock_time;
  }
}

uint32_t CheckpointSigner::NextBelow(uint32_t coin_lock_time) const {
  uint32_t below = coin_lock_time;
  if (latest_) below = std::min(below, latest_->lock_time);
  if (peer_lock_time_ != 0) below = std::min(below, peer_lock_time_);
  return below;
}

Result<CheckpointSigner::BackupSession> CheckpointSigner::SessionOf(
    const ChannelCoin& coin, const channel::State& checkpoint, uint32_t lock_time,
    const std::array<mp::PublicNonce, 3>& nonces) {
  PARLEY_ASSIGN_OR_RETURN(crypto::Transaction tx, BuildSplit(coin, checkpoint, lock_time));
  PARLEY_ASSIGN_OR_RETURN(mp::Session session, SplitSession(coin, tx, nonces));
  return BackupSession{.tx = std::move(tx), .session = std::move(session)};
}

Result<mp::PartialSignature> CheckpointSigner::SignOnce(const crypto::PrivateKey& share,
                                                        const mp::Session& session) {
  const std::string used = "this participant's backup nonce is used";
  if (!own_) return Status::FailedPrecondition(used);
  Result<mp::SecretNonce> secret = own_->Take(used);
  own_.reset();
  PARLEY_RETURN_IF_ERROR(secret.status());
  return mp::Sign(secret.value(), share, session, self_);
}

Result<BackupRequest> CheckpointSigner::Request(
    const ChannelCoin& coin, const crypto::PrivateKey& share, const channel::State& checkpoint,
    uint32_t lock_time, const mp::PublicNonce& operator_nonce, uint64_t for_version) {
  if (!own_ || !peer_nonce_) {
    return Status::FailedPrecondition("a backup needs both participants' backup nonces");
  }
  BackupRequest request{.version = checkpoint.version, .lock_time = lock_time};
  request.nonces[self_] = own_->public_nonce;
  request.nonces[1 - self_] = *peer_nonce_;
  request.nonces[kOperator] = operator_nonce;
  PARLEY_ASSIGN_OR_RETURN(BackupSession s, SessionOf(coin, checkpoint, lock_time, request.nonces));
  PARLEY_ASSIGN_OR_RETURN(request.partial, SignOnce(share, s.session));
  request_ = PendingRequest{.for_version = for_version, .request = request, .tx = std::move(s.tx)};
  return request;
}

std::optional<BackupRequest> CheckpointSigner::RequestFor(uint64_t for_version) const {
  if (!request_ || request_->for_version != for_version) return std::nullopt;
  return request_->request;
}

Status CheckpointSigner::Complete(const ChannelCoin& coin, uint64_t for_version,
                                  const BackupAnswer& answer) {
  if (!request_ || request_->for_version != for_version) {
    return Status::FailedPrecondition("no backup was asked for with version " +
                                      std::to_string(for_version));
  }
  PendingRequest pending = std::move(*request_);
  request_.reset();  // settled, whatever the answer
  const std::string name = CheckpointName(pending.request.version, pending.request.lock_time);
  if (answer.version != pending.request.version) {
    return Status::PermissionDenied("the peer answered for version " +
                                    std::to_string(answer.version) + ", not " + name);
  }
  PARLEY_ASSIGN_OR_RETURN(Hash32 sighash, SpendSighash(pending.tx, coin.coin));
  if (!crypto::SchnorrVerify(coin.coin.output_key, sighash, answer.signature)) {
    return Status::PermissionDenied("the peer's signature of " + name + " does not verify");
  }
  AttachSignature(&pending.tx, answer.signature);
  latest_ = ChannelBackup{.version = pending.request.version,
                          .lock_time = pending.request.lock_time,
                          .tx = std::move(pending.tx)};
  return Status::Ok();
}

Status CheckpointSigner::CompleteWith(const ChannelCoin& coin, const BackupAnswer& latest) {
  if (!request_ || request_->request.version != latest.version) return Status::Ok();
  return Complete(coin, request_->for_version, latest);
}

Result<BackupAnswer> CheckpointSigner::Respond(const ChannelCoin& coin,
                                               const crypto::PrivateKey& share,
                                               const channel::State& checkpoint,
                                               const BackupRequest& request, uint64_t for_version,
                                               const OperatorSignFn& operator_sign) {
  incoming_.reset();  // answered now, or not at all
  const std::string name = CheckpointName(request.version, request.lock_time);
  if (request.version != checkpoint.version) {
    return Status::FailedPrecondition("the peer asks for " + name + ", and this node's latest " +
                                      "signed state is version " +
                                      std::to_string(checkpoint.version));
  }
  if (latest_ && request.lock_time >= latest_->lock_time) {
    return Status::FailedPrecondition(name + " is not below the latest backup's lock time " +
                                      std::to_string(latest_->lock_time));
  }
  if (!own_ || request.nonces[self_] != own_->public_nonce) {
    return Status::FailedPrecondition(name + " uses a backup nonce of this node's that is not " +
                                      "its current one");
  }
  for (size_t i : {size_t{1} - self_, kOperator}) {
    PARLEY_RETURN_IF_ERROR(CheckPublicNonce(request.nonces[i], "a nonce of " + name));
  }
  PARLEY_ASSIGN_OR_RETURN(BackupSession s,
                          SessionOf(coin, checkpoint, request.lock_time, request.nonces));
  Status peer = mp::PartialSigVerify(request.partial, s.session, 1 - self_);
  if (!peer.ok()) {
    return Status::PermissionDenied("the peer's partial signature of " + name +
                                    " does not verify: " + peer.message());
  }
  std::array<mp::PartialSignature, 3> partials{};
  partials[1 - self_] = request.partial;
  PARLEY_ASSIGN_OR_RETURN(partials[self_], SignOnce(share, s.session));
  PARLEY_ASSIGN_OR_RETURN(partials[kOperator],
                          operator_sign({request.nonces[0], request.nonces[1]}));
  Status op = mp::PartialSigVerify(partials[kOperator], s.session, kOperator);
  if (!op.ok()) {
    return Status::PermissionDenied("the operator's partial signature of " + name +
                                    " does not verify: " + op.message());
  }
  PARLEY_ASSIGN_OR_RETURN(crypto::Signature signature, mp::Aggregate(partials, s.session));
  AttachSignature(&s.tx, signature);
  latest_ = ChannelBackup{
      .version = request.version, .lock_time = request.lock_time, .tx = std::move(s.tx)};
  answered_for_ = for_version;
  return BackupAnswer{.version = request.version, .signature = signature};
}

std::optional<BackupRequest> CheckpointSigner::ReceivedFor(uint64_t for_version) const {
  if (!incoming_ || incoming_->for_version != for_version) return std::nullopt;
  return incoming_->request;
}

std::optional<BackupAnswer> CheckpointSigner::AnswerFor(uint64_t for_version) const {
  if (answered_for_ != for_version) return std::nullopt;
  return LatestAnswer();
}

std::optional<BackupAnswer> CheckpointSigner::LatestAnswer() const {
  if (!latest_) return std::nullopt;
  return BackupAnswer{.version = latest_->version, .signature = SignatureOf(latest_->tx)};
}

Bytes CheckpointSigner::Encode() const {
  Writer w;
  w.U8(static_cast<uint8_t>(self_));
  w.Bool(own_.has_value());
  if (own_) {
    w.Fixed(own_->public_nonce);
    WriteSecret(w, *own_);
  } else {
    w.Bool(false);  // nor its secret
  }
  w.Bool(peer_nonce_.has_value());
  if (peer_nonce_) w.Fixed(*peer_nonce_);
  w.U32(peer_lock_time_);
  w.Bool(request_.has_value());
  if (request_) {
    w.U64(request_->for_version);
    WriteBackupRequest(w, request_->request);
    WriteTx(w, request_->tx);
  }
  w.Bool(incoming_.has_value());
  if (incoming_) {
    w.U64(incoming_->for_version);
    WriteBackupRequest(w, incoming_->request);
  }
  w.U64(answered_for_);
  w.Bool(latest_.has_value());
  if (latest_) {
    w.U64(latest_->version);
    w.U32(latest_->lock_time);
    WriteTx(w, latest_->tx);
  }
  return w.Take();
}

Result<CheckpointSigner> CheckpointSigner::Decode(ByteView bytes) {
  CheckpointSigner out(0);
  Reader r(bytes, "a checkpoint signer");
  Status decoded = [&]() -> Status {
    PARLEY_ASSIGN_OR_RETURN(out.self_, ReadChannelParticipant(r));
    bool present = false;
    PARLEY_RETURN_IF_ERROR(r.Bool(&present));
    HeldNonce& own = out.own_.emplace();
    if (present) PARLEY_RETURN_IF_ERROR(r.Fixed(&own.public_nonce));
    PARLEY_RETURN_IF_ERROR(ReadSecret(r, &own));
    if (own.usable() != present) {
      return Status::InvalidArgument("a backup nonce without its secret");
    }
    if (!present) out.own_.reset();
    PARLEY_RETURN_IF_ERROR(r.Bool(&present));
    if (present) PARLEY_RETURN_IF_ERROR(r.Fixed(&out.peer_nonce_.emplace()));
    PARLEY_RETURN_IF_ERROR(r.U32(&out.peer_lock_time_));
    PARLEY_RETURN_IF_ERROR(r.Bool(&present));
    if (present) {
      PendingRequest pending;
      PARLEY_RETURN_IF_ERROR(r.U64(&pending.for_version));
      PARLEY_RETURN_IF_ERROR(ReadBackupRequest(r, &pending.request));
      PARLEY_ASSIGN_OR_RETURN(pending.tx, ReadTx(r, kMaxTxSize));
      out.request_ = std::move(pending);
    }
    PARLEY_RETURN_IF_ERROR(r.Bool(&present));
    if (present) {
      PendingRequest incoming;
      PARLEY_RETURN_IF_ERROR(r.U64(&incoming.for_version));
      PARLEY_RETURN_IF_ERROR(ReadBackupRequest(r, &incoming.request));
      out.incoming_ = std::move(incoming);
    }
    PARLEY_RETURN_IF_ERROR(r.U64(&out.answered_for_));
    PARLEY_RETURN_IF_ERROR(r.Bool(&present));
    if (present) {
      ChannelBackup backup;
      PARLEY_RETURN_IF_ERROR(r.U64(&backup.version));
      PARLEY_RETURN_IF_ERROR(r.U32(&backup.lock_time));
      PARLEY_ASSIGN_OR_RETURN(backup.tx, ReadTx(r, kMaxTxSize));
      if (backup.tx.inputs.size() != 1 || backup.tx.inputs[0].witness.size() != 1 ||
          backup.tx.inputs[0].witness[0].size() != crypto::Signature{}.size()) {
        return Status::InvalidArgument("a backup without its key-path signature");
      }
      out.latest_ = std::move(backup);
    }
    return r.Finish();
  }();
  if (!decoded.ok()) return Status::Corruption("checkpoint signer: " + decoded.message());
  return out;
}

}  // namespace parley::settlement::statechain
