// SplitSigner: one participant's side of the split signatures of a payment
// channel on a statecoin, version by version (docs/statechain.md, "In the
// node"). It holds this participant's nonce for the next version (secret
// and public), the peer's public nonce for its next version, the session of
// the version being signed, and the latest version whose split both
// participants have signed (SplitSignatures, which the operator completes
// with CoSignSplit).
//
// A value with a canonical encoding: the node stores Encode() in the
// channel's record together with the state each step goes with, and sends
// nothing a step returned before that write. A secret nonce therefore never
// signs two messages that leave the node: Sign erases it from the value,
// and a crash before the write loses only a signature that never left.
//
// Signer order in every session: participant 0, participant 1, operator
// (channel_split.h). Errors: FailedPrecondition for a step out of order (a
// nonce missing or used); InvalidArgument for a malformed peer nonce or a
// state without a split; PermissionDenied for a partial signature that does
// not verify. A failed step leaves the value as it was, except that Sign
// consumes the nonce it was given whatever the outcome (as mp::Sign does).
#pragma once

#include <optional>

#include "parley/channel/types.h"
#include "parley/crypto/keys.h"
#include "parley/crypto/multi_party_schnorr.h"
#include "parley/settlement/statechain/channel_split.h"
#include "parley/settlement/statechain/held_nonce.h"
#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::settlement::statechain {

class SplitSigner {
 public:
  explicit SplitSigner(channel::ParticipantIndex self) : self_(self) {}

  // This participant's public nonce for `version`: the one it holds for that
  // version, or a fresh one (NonceGen with `share`) replacing one for a
  // lower version, whose secret is wiped unused. FailedPrecondition for a
  // version below the one held, or one whose nonce is used already.
  Result<crypto::multi_party::PublicNonce> NonceFor(const crypto::PrivateKey& share,
                                                    uint64_t version);

  // Records the peer's public nonce for `version`. One for a lower version
  // than the one held is ignored. InvalidArgument if it is not two valid
  // points, or differs from the one held for the same version. A message
  // carrying a partial signature and the sender's next nonce: CheckPeer
  // first (the nonce it needs is the one this replaces).
  Status SetPeerNonce(uint64_t version, const crypto::multi_party::PublicNonce& nonce);

  // This participant's partial signature on the settlement split of
  // `state` (BuildSplit with lock time 0), with its own nonce and the
  // peer's for state.version and the operator's `operator_nonce`. The same
  // state again gets the same partial signature (a message sent again).
  // FailedPrecondition without both nonces for the version, or when the
  // version is signed for another state already.
  Result<crypto::multi_party::PartialSignature> Sign(
      const ChannelCoin& coin, const crypto::PrivateKey& share, const channel::State& state,
      const crypto::multi_party::PublicNonce& operator_nonce);

  // Checks the peer's partial signature on the split of `state` with the
  // nonces of state.version. When this participant has signed it too, the
  // version is complete and becomes latest(); otherwise it waits for Sign.
  // FailedPrecondition without both nonces for the version, or when the
  // version is signed for another state.
  Status CheckPeer(const ChannelCoin& coin, const channel::State& state,
                   const crypto::multi_party::PartialSignature& partial,
                   const crypto::multi_party::PublicNonce& operator_nonce);

  // Adopts `signatures`, both participants' signatures on the split of
  // `state` (a state learned by a resync), if its version is above latest()'s;
  // both partial signatures must verify. Ok and no change for a version not
  // above latest()'s.
  Status Adopt(const ChannelCoin& coin, const channel::State& state,
               const SplitSignatures& signatures,
               const crypto::multi_party::PublicNonce& operator_nonce);

  // Whether the peer's partial signature on `version`'s split is in: this
  // participant is answering a proposal of it (or answered it already).
  bool PeerSigned(uint64_t version) const;

  // The highest version whose split both participants have signed.
  const std::optional<SplitSignatures>& latest() const { return latest_; }
  channel::ParticipantIndex self() const { return self_; }

  Bytes Encode() const;
  // Corruption naming the field for bytes Encode could not have made.
  static Result<SplitSigner> Decode(ByteView bytes);

 private:
  struct OwnNonce {
    uint64_t version = 0;
    HeldNonce nonce;
  };
  struct PeerNonce {
    uint64_t version = 0;
    crypto::multi_party::PublicNonce public_nonce{};
  };
  // The version being signed: its sighash, both nonces, and the partial
  // signatures made or checked so far.
  struct Pending {
    uint64_t version = 0;
    Hash32 sighash{};
    std::array<crypto::multi_party::PublicNonce, kChannelParticipants> nonces{};
    std::array<std::optional<crypto::multi_party::PartialSignature>, kChannelParticipants> partials;
  };

  struct Session {
    Pending pending;
    crypto::multi_party::Session session;
  };
  // The session of the split of `state` with both participants' nonces for
  // its version (the pending one's, or the nonces held now) and the
  // operator's.
  Result<Session> SessionFor(const ChannelCoin& coin, const channel::State& state,
                             const crypto::multi_party::PublicNonce& operator_nonce) const;
  // Makes `pending` latest() once both partial signatures are in.
  void CompleteIfSigned(Pending pending);

  channel::ParticipantIndex self_;
  std::optional<OwnNonce> own_;
  // The nonce held for `version`, or null.
  OwnNonce* OwnFor(uint64_t version);
  const OwnNonce* OwnFor(uint64_t version) const;
  std::optional<PeerNonce> peer_;
  std::optional<Pending> pending_;
  std::optional<SplitSignatures> latest_;
  Hash32 latest_sighash_{};  // what latest() signs
};

}  // namespace parley::settlement::statechain
