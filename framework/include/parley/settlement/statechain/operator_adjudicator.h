// OperatorAdjudicator: the statechain operator as the adjudicator of the
// payment channels opened on its coins (docs/statechain.md,
// "Channels on a statecoin"). Every spend of such a coin needs the
// operator's partial signature, so the operator enforces the dispute rules
// of settlement::Adjudicator by what it agrees to co-sign:
//   - Register a fully signed state; a higher version refutes it during
//     challenge_duration blocks (the timeout is not extended).
//   - Conclude after the timeout, or at once for a final state (which is
//     also the cooperative close).
//   - CoSignSplit: afterwards the operator co-signs ONLY the settlement
//     split of the concluded state, with the nonce it pre-committed for that
//     version, completing Alice's and Bob's partial signatures; it
//     broadcasts the split, which pays both participants at once.
// Backups: SignBackup co-signs the split of a checkpoint with a lock time
// below every earlier one, so the latest checkpoint settles first if the
// operator vanishes.
//
// Time is the ledger's height. No deposits (the coin funds the channel) and
// no force-moves. The channels, disputes, nonces and the operator's shares
// live in a Store: an adjudicator opened on the same store after a restart
// carries on where the last one stopped, and a nonce it handed out signs at
// most once across restarts. Thread-safe; events are delivered after the
// lock is released.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "parley/channel/scheme.h"
#include "parley/settlement/adjudicator.h"
#include "parley/settlement/statechain/channel_adjudicator.h"
#include "parley/settlement/statechain/channel_requests.h"
#include "parley/settlement/statechain/channel_split.h"
#include "parley/settlement/statechain/ledger.h"
#include "parley/store/store.h"

namespace parley::settlement::statechain {

struct ChannelRecord;

class Operator;

class OperatorAdjudicator final : public ChannelAdjudicator {
 public:
  // The most nonces one SplitNonces call hands out.
  static constexpr size_t kMaxNonceBatch = 1024;

  // `store`, `ledger` and `scheme` must outlive the adjudicator.
  OperatorAdjudicator(store::Store& store, CoinLedger& ledger,
                      const channel::SignatureScheme& scheme);
  ~OperatorAdjudicator() override;

  // Opens `params` (two participants, this scheme) on a coin whose
  // operator share is `operator_share`. InvalidArgument for bad params or a
  // coin whose shares are not (A, B, operator_share) with empty payouts;
  // PermissionDenied if A + B is not O, a proof fails, or A + B + S is not
  // the coin's output key; AlreadyExists for a channel opened before.
  // For a coin held outside this process's Operator (tests): the share is
  // the caller's.
  Status OpenChannel(const channel::Params& params, const ChannelOpening& opening,
                     const crypto::PrivateKey& operator_share);
  // Opens request.params on `coins`' coin request.coin_id at the request of
  // the coin's owner (Operator::MoveIntoChannel): the coin goes into
  // CoinStatus::kInChannel and its operator share to this adjudicator, in
  // one write; `coins` must use this adjudicator's store. Besides the
  // refusals above and MoveIntoChannel's: PermissionDenied if the opening's
  // owner share is not the coin's (P - S); InvalidArgument if its lock time
  // is not the coin's, or its outpoint is not an unspent output of the
  // coin's key and amount. Nothing changes on a refusal. When the channel's
  // split is broadcast (CoSignSplit), the coin becomes withdrawn.
  Status OpenChannel(Operator& coins, const OpenChannelRequest& request);
  // The params the channel was opened with; NotFound for an unknown one.
  Result<channel::Params> ChannelParams(const channel::ChannelId& channel) const;

  // The operator's public nonces for the settlement splits of versions
  // first_version .. first_version + count - 1, made now or earlier (the
  // same version always gets the same nonce, also after a restart: each is
  // stored before it is handed out). InvalidArgument for a count of 0 or
  // above kMaxNonceBatch, or versions beyond 2^64 - 1; FailedPrecondition
  // once concluded.
  Result<std::vector<crypto::multi_party::PublicNonce>> SplitNonces(
      const channel::ChannelId& channel, uint64_t first_version, size_t count) override;

  // After conclusion: `split` must be the settlement split of the concluded
  // state and `signatures` Alice's and Bob's on it for that version. Signs
  // with the version's nonce, broadcasts and returns the complete split.
  // FailedPrecondition if not concluded or already paid; PermissionDenied
  // for any other transaction or version, or a partial signature that does
  // not verify; nothing changes then. The signed split is stored (and the
  // nonce erased) before it is broadcast: if the broadcast fails, asking
  // again broadcasts the same transaction, without signing anew.
  Result<crypto::Transaction> CoSignSplit(const channel::Params& params,
                                          const crypto::Transaction& split,
                                          const SplitSignatures& signatures) override;

  // A fresh operator nonce for the next backup (replacing an unused one).
  // FailedPrecondition once in dispute.
  Result<crypto::multi_party::PublicNonce> BackupNonce(const channel::ChannelId& channel) override;
  // The operator's partial signature on BuildSplit(checkpoint, lock_time),
  // with Alice's and Bob's `nonces` and the BackupNonce. PermissionDenied
  // unless the checkpoint is fully signed; FailedPrecondition once in
  // dispute, without a BackupNonce, for a version below the last
  // checkpoint's, or a lock time not below the last backup's (or the
  // coin's) or already reached.
  Result<crypto::multi_party::PartialSignature> SignBackup(
      const channel::Params& params, const channel::SignedState& checkpoint, uint32_t lock_time,
      const std::array<crypto::multi_party::PublicNonce, kChannelParticipants>& nonces) override;

  // Adjudicator. Register also refuses (FailedPrecondition) a dispute that
  // would end at or after the last backup's lock time, and a state whose
  // split cannot be built (InvalidArgument). Withdraw claims a
  // participant's output of the broadcast split: Ok once per participant,
  // FailedPrecondition before the split is broadcast and for a second claim.
  Status Register(const channel::Params& params, const channel::SignedState& state) override;
  Status Progress(const channel::Params& params, const channel::SignedState& to,
                  channel::ParticipantIndex actor) override;
  Status Conclude(const channel::Params& params) override;
  Status Withdraw(const channel::Params& params, channel::ParticipantIndex participant) override;
  Result<Dispute> GetDispute(const channel::ChannelId& channel) const override;
  uint64_t Subscribe(const channel::ChannelId& channel, Handler handler) override;
  void Unsubscribe(uint64_t subscription) override;
  Tick Now() const override { return ledger_.Height(); }

 private:
  // The record of the channel of `params`. InvalidArgument if the params
  // differ from those it was opened with. Call under mu_.
  Result<ChannelRecord> Find(const channel::Params& params) const;
  // Checks a channel opening with the operator's `share` and, unless the
  // channel exists, adds its records to `batch`. Call under mu_.
  Status AddChannel(const channel::Params& params, const ChannelOpening& opening,
                    const crypto::PrivateKey& share, std::optional<Hash32> coin_id,
                    store::WriteBatch* batch);
  Status Save(const ChannelRecord& record, store::WriteBatch batch = {});
  void Emit(const std::vector<Event>& events);

  store::Store& store_;
  CoinLedger& ledger_;
  const channel::SignatureScheme& scheme_;
  // Serializes every read-modify-write of the records, and the handlers.
  mutable std::mutex mu_;
  std::map<uint64_t, std::pair<channel::ChannelId, Handler>> handlers_;
  uint64_t next_subscription_ = 1;
};

}  // namespace parley::settlement::statechain
