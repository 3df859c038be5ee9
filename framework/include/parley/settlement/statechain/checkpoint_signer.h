// CheckpointSigner: one participant's side of the backups of a payment
// channel on a statecoin (docs/statechain.md, "Backups in the node"). A
// backup is the split of a fully signed state (the checkpoint) with a lock
// time below every earlier backup's, signed by Alice, Bob and the operator:
// if the operator vanishes, it settles the checkpoint once its lock time is
// reached, before any earlier backup and before the coin's own.
//
// Two messages make one, riding on an update's proposal and its accept:
//   1. the requester (the proposer) takes the operator's backup nonce, signs
//      with its own backup nonce and the responder's, which came with the
//      responder's last message, and sends a BackupRequest;
//   2. the responder checks it, signs with its nonce, has the operator sign
//      (ChannelAdjudicator::SignBackup), aggregates, keeps the backup, and
//      answers with the signature, which the requester checks and keeps.
// Every message carries the sender's current backup nonce. A checkpoint
// that cannot be made (a nonce out of date, the operator unreachable) is
// skipped: the update goes on, and the next one tries again.
//
// A value with a canonical encoding, stored in the channel's data and
// written before anything a step returns leaves the node: a secret nonce is
// erased by the step that signs with it, so it never signs two messages
// that leave (as in SplitSigner).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>

#include "parley/channel/types.h"
#include "parley/crypto/bitcoin_tx.h"
#include "parley/crypto/keys.h"
#include "parley/crypto/multi_party_schnorr.h"
#include "parley/settlement/statechain/channel_split.h"
#include "parley/settlement/statechain/held_nonce.h"
#include "parley/util/bytes.h"
#include "parley/util/codec.h"
#include "parley/util/status.h"

namespace parley::settlement::statechain {

// A backup: the split of the checkpoint `version` at `lock_time`, signed.
struct ChannelBackup {
  uint64_t version = 0;
  uint32_t lock_time = 0;
  crypto::Transaction tx;
};

// What a proposal carries to start a backup of its base state `version`.
struct BackupRequest {
  uint64_t version = 0;
  uint32_t lock_time = 0;
  // Alice's, Bob's and the operator's nonces, in session order.
  std::array<crypto::multi_party::PublicNonce, 3> nonces{};
  crypto::multi_party::PartialSignature partial{};  // the requester's
};

// A request's canonical encoding, inside a message's extra.
void WriteBackupRequest(Writer& w, const BackupRequest& request);
Status ReadBackupRequest(Reader& r, BackupRequest* request);

// What the accept carries back: the backup's signature.
struct BackupAnswer {
  uint64_t version = 0;
  crypto::Signature signature{};
};

class CheckpointSigner {
 public:
  explicit CheckpointSigner(channel::ParticipantIndex self) : self_(self) {}

  // This participant's public backup nonce: the one held, or a fresh one
  // (NonceGen with `share`) once the last has signed.
  Result<crypto::multi_party::PublicNonce> Nonce(const crypto::PrivateKey& share);
  // Records the peer's current backup nonce. InvalidArgument if it is not
  // two valid points.
  Status SetPeerNonce(const crypto::multi_party::PublicNonce& nonce);
  bool HasPeerNonce() const { return peer_nonce_.has_value(); }
  // Records the lock time of the peer's latest backup, which every message
  // carries: the next backup goes below it too, should the peer hold one
  // this participant missed (its answer lost).
  void SetPeerLockTime(uint32_t lock_time);
  // The lock time the next backup goes below: the lowest of the coin's
  // (`coin_lock_time`), this participant's latest backup's and the peer's.
  uint32_t NextBelow(uint32_t coin_lock_time) const;

  // The requester's step, for the proposal of version `for_version`: a
  // backup of `checkpoint` (its base, fully signed) at `lock_time`, with the
  // operator's backup nonce. Signs with this participant's nonce (erased)
  // and the peer's. FailedPrecondition without both nonces.
  Result<BackupRequest> Request(const ChannelCoin& coin, const crypto::PrivateKey& share,
                                const channel::State& checkpoint, uint32_t lock_time,
                                const crypto::multi_party::PublicNonce& operator_nonce,
                                uint64_t for_version);
  // The request made for the proposal of `for_version`, to send it again.
  std::optional<BackupRequest> RequestFor(uint64_t for_version) const;
  // The requester's last step, with the responder's answer to the proposal
  // of `for_version`: PermissionDenied if the signature does not verify.
  // The request is settled whatever the outcome.
  Status Complete(const ChannelCoin& coin, uint64_t for_version, const BackupAnswer& answer);
  // The same with the peer's latest backup, as a resync carries it: Ok and
  // nothing done unless it is the one the pending request asked for.
  Status CompleteWith(const ChannelCoin& coin, const BackupAnswer& latest);
  // Forgets the request of a proposal that was refused or overtaken.
  void DropRequest() { request_.reset(); }

  // The responder keeps the request that came with the proposal of
  // `for_version` until it answers (Respond), in the same step.
  void Receive(uint64_t for_version, const BackupRequest& request) {
    incoming_ = PendingRequest{.for_version = for_version, .request = request, .tx = {}};
  }
  std::optional<BackupRequest> ReceivedFor(uint64_t for_version) const;

  // The responder's step, answering the proposal of `for_version`:
  // checks `request` against `checkpoint` (this participant's latest fully
  // signed state) and the peer's partial signature, signs with this
  // participant's nonce (erased), has `operator_sign` sign, aggregates and
  // keeps the backup. FailedPrecondition for a request on another
  // checkpoint, another nonce of this participant's, or a lock time not
  // below the latest backup's; PermissionDenied for a partial signature
  // that does not verify.
  using OperatorSignFn = std::function<Result<crypto::multi_party::PartialSignature>(
      const std::array<crypto::multi_party::PublicNonce, kChannelParticipants>& nonces)>;
  Result<BackupAnswer> Respond(const ChannelCoin& coin, const crypto::PrivateKey& share,
                               const channel::State& checkpoint, const BackupRequest& request,
                               uint64_t for_version, const OperatorSignFn& operator_sign);
  // The answer made for the proposal of `for_version`, to send it again.
  std::optional<BackupAnswer> AnswerFor(uint64_t for_version) const;
  // The latest backup's signature, for a resync.
  std::optional<BackupAnswer> LatestAnswer() const;

  channel::ParticipantIndex self() const { return self_; }
  // The latest backup this participant holds.
  const std::optional<ChannelBackup>& latest() const { return latest_; }

  Bytes Encode() const;
  // Corruption naming the field for bytes Encode could not have made.
  static Result<CheckpointSigner> Decode(ByteView bytes);

 private:
  struct PendingRequest {
    uint64_t for_version = 0;
    BackupRequest request;
    crypto::Transaction tx;  // the backup it asks for, unsigned
  };
  // The session of a backup of `checkpoint` at `lock_time` with `nonces`,
  // and the unsigned backup.
  struct BackupSession {
    crypto::Transaction tx;
    crypto::multi_party::Session session;
  };
  static Result<BackupSession> SessionOf(
      const ChannelCoin& coin, const channel::State& checkpoint, uint32_t lock_time,
      const std::array<crypto::multi_party::PublicNonce, 3>& nonces);
  // Signs `session` as this participant with its nonce, which is erased.
  Result<crypto::multi_party::PartialSignature> SignOnce(
      const crypto::PrivateKey& share, const crypto::multi_party::Session& session);

  channel::ParticipantIndex self_;
  // This participant's current nonce, usable while held; gone once it signs.
  std::optional<HeldNonce> own_;
  std::optional<crypto::multi_party::PublicNonce> peer_nonce_;
  uint32_t peer_lock_time_ = 0;  // none yet
  // The requester's, until the answer.
  std::optional<PendingRequest> request_;
  // The responder's: the request of the proposal it is answering (no tx),
  // and the proposal it last answered with a backup.
  std::optional<PendingRequest> incoming_;
  uint64_t answered_for_ = 0;
  std::optional<ChannelBackup> latest_;
};

}  // namespace parley::settlement::statechain
