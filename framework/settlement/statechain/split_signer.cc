#include "parley/settlement/statechain/split_signer.h"

#include <string>
#include <utility>

#include "parley/settlement/statechain/backup.h"
#include "parley/util/codec.h"
#include "split_signatures_codec.h"

namespace parley::settlement::statechain {

namespace mp = crypto::multi_party;

namespace {

std::string VersionName(uint64_t version) { return "version " + std::to_string(version); }

std::string UsedMessage(uint64_t version) {
  return "this participant's split nonce for " + VersionName(version) + " is used already";
}

}  // namespace

SplitSigner::OwnNonce* SplitSigner::OwnFor(uint64_t version) {
  return own_ && own_->version == version ? &*own_ : nullptr;
}

const SplitSigner::OwnNonce* SplitSigner::OwnFor(uint64_t version) const {
  return own_ && own_->version == version ? &*own_ : nullptr;
}

Result<mp::PublicNonce> SplitSigner::NonceFor(const crypto::PrivateKey& share, uint64_t version) {
  if (const OwnNonce* own = OwnFor(version)) {
    if (!own->nonce.usable()) return Status::FailedPrecondition(UsedMessage(version));
    return own->nonce.public_nonce;
  }
  if (own_ && own_->version > version) {
    return Status::FailedPrecondition("this participant's split nonces are at " +
                                      VersionName(own_->version) + ", past " +
                                      VersionName(version));
  }
  Writer extra;
  extra.U64(version);
  PARLEY_ASSIGN_OR_RETURN(crypto::two_party::GeneratedNonce nonce,
                          crypto::two_party::NonceGen(share, extra.bytes()));
  own_ = OwnNonce{.version = version, .nonce = HeldNonce::Of(nonce)};
  return nonce.public_nonce;
}

Status SplitSigner::SetPeerNonce(uint64_t version, const mp::PublicNonce& nonce) {
  if (peer_ && version < peer_->version) return Status::Ok();  // an old message
  PARLEY_RETURN_IF_ERROR(
      CheckPublicNonce(nonce, "the peer's split nonce for " + VersionName(version)));
  if (peer_ && version == peer_->version && nonce != peer_->public_nonce) {
    return Status::InvalidArgument("the peer sent another split nonce for " + VersionName(version) +
                                   " than before");
  }
  peer_ = PeerNonce{.version = version, .public_nonce = nonce};
  return Status::Ok();
}

Result<SplitSigner::Session> SplitSigner::SessionFor(const ChannelCoin& coin,
                                                     const channel::State& state,
                                                     const mp::PublicNonce& operator_nonce) const {
  const uint64_t version = state.version;
  Pending pending{.version = version};
  if (pending_ && pending_->version == version) {
    pending = *pending_;
  } else {
    const OwnNonce* own = OwnFor(version);
    if (own == nullptr) {
      return Status::FailedPrecondition("this participant has no split nonce for " +
                                        VersionName(version));
    }
    if (!peer_ || peer_->version != version) {
      return Status::FailedPrecondition("the peer has sent no split nonce for " +
                                        VersionName(version));
    }
    pending.nonces[self_] = own->nonce.public_nonce;
    pending.nonces[1 - self_] = peer_->public_nonce;
  }
  PARLEY_ASSIGN_OR_RETURN(crypto::Transaction tx, BuildSplit(coin, state, 0));
  PARLEY_ASSIGN_OR_RETURN(
      mp::Session session,
      SplitSession(coin, tx, {pending.nonces[0], pending.nonces[1], operator_nonce}));
  if (pending_ && pending_->version == version && pending_->sighash != session.message) {
    return Status::FailedPrecondition("the split of " + VersionName(version) +
                                      " is being signed for another state");
  }
  pending.sighash = session.message;
  return Session{.pending = std::move(pending), .session = std::move(session)};
}

void SplitSigner::CompleteIfSigned(Pending pending) {
  if (!pending.partials[0] || !pending.partials[1]) {
    pending_ = std::move(pending);
    return;
  }
  if (!latest_ || pending.version > latest_->version) {
    latest_ = SplitSignatures{.version = pending.version,
                              .nonces = pending.nonces,
                              .partials = {*pending.partials[0], *pending.partials[1]}};
    latest_sighash_ = pending.sighash;
  }
  pending_.reset();
}

Result<mp::PartialSignature> SplitSigner::Sign(const ChannelCoin& coin,
                                               const crypto::PrivateKey& share,
                                               const channel::State& state,
                                               const mp::PublicNonce& operator_nonce) {
  if (latest_ && latest_->version >= state.version) {
    PARLEY_ASSIGN_OR_RETURN(crypto::Transaction tx, BuildSplit(coin, state, 0));
    PARLEY_ASSIGN_OR_RETURN(Hash32 sighash, SpendSighash(tx, coin.coin));
    if (latest_->version == state.version && sighash == latest_sighash_) {
      return latest_->partials[self_];  // the same state again
    }
    return Status::FailedPrecondition("the split of " + VersionName(latest_->version) +
                                      " is signed already");
  }
  PARLEY_ASSIGN_OR_RETURN(Session s, SessionFor(coin, state, operator_nonce));
  if (s.pending.partials[self_]) return *s.pending.partials[self_];  // the same state again
  OwnNonce* own = OwnFor(state.version);
  if (own == nullptr) return Status::FailedPrecondition(UsedMessage(state.version));
  PARLEY_ASSIGN_OR_RETURN(mp::SecretNonce secret, own->nonce.Take(UsedMessage(state.version)));
  PARLEY_ASSIGN_OR_RETURN(mp::PartialSignature partial, mp::Sign(secret, share, s.session, self_));
  s.pending.partials[self_] = partial;
  CompleteIfSigned(std::move(s.pending));
  return partial;
}

Status SplitSigner::CheckPeer(const ChannelCoin& coin, const channel::State& state,
                              const mp::PartialSignature& partial,
                              const mp::PublicNonce& operator_nonce) {
  const size_t peer = 1 - self_;
  if (latest_ && latest_->version == state.version && latest_->partials[peer] == partial) {
    return Status::Ok();  // the same answer again
  }
  PARLEY_ASSIGN_OR_RETURN(Session s, SessionFor(coin, state, operator_nonce));
  Status verified = mp::PartialSigVerify(partial, s.session, peer);
  if (!verified.ok()) {
    return Status::PermissionDenied("the peer's partial signature on the split of " +
                                    VersionName(state.version) +
                                    " does not verify: " + verified.message());
  }
  s.pending.partials[peer] = partial;
  CompleteIfSigned(std::move(s.pending));
  return Status::Ok();
}

Status SplitSigner::Adopt(const ChannelCoin& coin, const channel::State& state,
                          const SplitSignatures& signatures,
                          const mp::PublicNonce& operator_nonce) {
  if (signatures.version != state.version) {
    return Status::InvalidArgument("split signatures of " + VersionName(signatures.version) +
                                   " for a state of " + VersionName(state.version));
  }
  if (latest_ && signatures.version <= latest_->version) return Status::Ok();
  for (size_t i = 0; i < kChannelParticipants; ++i) {
    PARLEY_RETURN_IF_ERROR(CheckPublicNonce(signatures.nonces[i],
                                            "participant " + std::to_string(i) + "'s split nonce"));
  }
  PARLEY_ASSIGN_OR_RETURN(crypto::Transaction tx, BuildSplit(coin, state, 0));
  PARLEY_ASSIGN_OR_RETURN(
      mp::Session session,
      SplitSession(coin, tx, {signatures.nonces[0], signatures.nonces[1], operator_nonce}));
  for (size_t i = 0; i < kChannelParticipants; ++i) {
    Status verified = mp::PartialSigVerify(signatures.partials[i], session, i);
    if (!verified.ok()) {
      return Status::PermissionDenied(
          "participant " + std::to_string(i) + "'s partial signature on the split of " +
          VersionName(state.version) + " does not verify: " + verified.message());
    }
  }
  latest_ = signatures;
  latest_sighash_ = session.message;
  if (pending_ && pending_->version <= signatures.version) pending_.reset();
  return Status::Ok();
}

bool SplitSigner::PeerSigned(uint64_t version) const {
  if (latest_ && latest_->version == version) return true;
  return pending_ && pending_->version == version && pending_->partials[1 - self_].has_value();
}

Bytes SplitSigner::Encode() const {
  Writer w;
  w.U8(static_cast<uint8_t>(self_));
  w.Bool(own_.has_value());
  if (own_) {
    w.U64(own_->version);
    w.Fixed(own_->nonce.public_nonce);
    WriteSecret(w, own_->nonce);
  }
  w.Bool(peer_.has_value());
  if (peer_) {
    w.U64(peer_->version);
    w.Fixed(peer_->public_nonce);
  }
  w.Bool(pending_.has_value());
  if (pending_) {
    w.U64(pending_->version);
    w.Fixed(pending_->sighash);
    for (const auto& nonce : pending_->nonces) w.Fixed(nonce);
    for (const auto& partial : pending_->partials) {
      w.Bool(partial.has_value());
      if (partial) w.Fixed(*partial);
    }
  }
  w.Bool(latest_.has_value());
  if (latest_) {
    w.U64(latest_->version);
    w.Fixed(latest_sighash_);
    WriteNoncesAndPartials(w, *latest_);
  }
  return w.Take();
}

Result<SplitSigner> SplitSigner::Decode(ByteView bytes) {
  Status status = Status::Ok();
  SplitSigner out(0);
  Reader r(bytes, "a split signer");
  auto decode = [&]() -> Status {
    PARLEY_ASSIGN_OR_RETURN(out.self_, ReadChannelParticipant(r));
    bool present = false;
    PARLEY_RETURN_IF_ERROR(r.Bool(&present));
    if (present) {
      OwnNonce& own = out.own_.emplace();  // read in place: no copy of the secret
      PARLEY_RETURN_IF_ERROR(r.U64(&own.version));
      PARLEY_RETURN_IF_ERROR(r.Fixed(&own.nonce.public_nonce));
      PARLEY_RETURN_IF_ERROR(ReadSecret(r, &own.nonce));
    }
    PARLEY_RETURN_IF_ERROR(r.Bool(&present));
    if (present) {
      PeerNonce peer;
      PARLEY_RETURN_IF_ERROR(r.U64(&peer.version));
      PARLEY_RETURN_IF_ERROR(r.Fixed(&peer.public_nonce));
      out.peer_ = peer;
    }
    PARLEY_RETURN_IF_ERROR(r.Bool(&present));
    if (present) {
      Pending pending;
      PARLEY_RETURN_IF_ERROR(r.U64(&pending.version));
      PARLEY_RETURN_IF_ERROR(r.Fixed(&pending.sighash));
      for (auto& nonce : pending.nonces) PARLEY_RETURN_IF_ERROR(r.Fixed(&nonce));
      for (auto& partial : pending.partials) {
        bool has = false;
        PARLEY_RETURN_IF_ERROR(r.Bool(&has));
        if (has) {
          partial.emplace();
          PARLEY_RETURN_IF_ERROR(r.Fixed(&*partial));
        }
      }
      out.pending_ = pending;
    }
    PARLEY_RETURN_IF_ERROR(r.Bool(&present));
    if (present) {
      SplitSignatures latest;
      PARLEY_RETURN_IF_ERROR(r.U64(&latest.version));
      PARLEY_RETURN_IF_ERROR(r.Fixed(&out.latest_sighash_));
      PARLEY_RETURN_IF_ERROR(ReadNoncesAndPartials(r, &latest));
      out.latest_ = latest;
    }
    return r.Finish();
  };
  status = decode();
  if (!status.ok()) return Status::Corruption("split signer: " + status.message());
  return out;
}

}  // namespace parley::settlement::statechain
