// CoinChannelHook: the StateHook of payment channels on a statecoin
// (docs/statechain.md, "In the node"). Alice's node splits her owner share
// with Bob when it proposes the channel; from version 1 on, every state
// carries both participants' partial signatures on its split transaction,
// made with nonces each participant committed to in its previous message
// and the operator's nonce for the version (ChannelAdjudicator::SplitNonces);
// settling completes the concluded state's split at the operator
// (CoSignSplit). What a channel needs is in its data; the hook itself only
// caches the operator's split nonces, which never change.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>

#include "parley/crypto/keys.h"
#include "parley/settlement/state_hook.h"
#include "parley/settlement/statechain/channel_adjudicator.h"
#include "parley/settlement/statechain/channel_requests.h"
#include "parley/settlement/statechain/checkpoint_signer.h"
#include "parley/settlement/statechain/operator_api.h"
#include "parley/settlement/statechain/wallet.h"

namespace parley::settlement::statechain {

// What the coin's owner hands its node to open a channel on the coin
// (the open request's backend arguments): the coin as its wallet holds it,
// and how the channel's splits pay the owner.
struct CoinForChannel {
  OwnerHandOver owner;   // its auth key signs the OpenChannelRequest
  Bytes payout_script;   // where splits pay the owner
  int64_t fee_sats = 0;  // what every split leaves to the miners
};
Bytes Encode(const CoinForChannel& hand_over);
// InvalidArgument naming what does not decode.
Result<CoinForChannel> DecodeCoinForChannel(ByteView bytes);

struct CoinChannelData;  // coin_channel_data.h, private

// When a channel's backups are made (docs/statechain.md, "Backups in the
// node"): with the proposal of a new version, a backup of its base once the
// base is `every_versions` past the last backup (the first, of version 0,
// with the first update), each `lock_step` blocks below the one before (the
// first below the coin's own backup). None is made once its lock time
// would leave less than the challenge duration and one step before it.
struct BackupPolicy {
  uint64_t every_versions = 100;  // 0: no backups
  uint32_t lock_step = 10;
};

class CoinChannelHook final : public StateHook {
 public:
  // Sends the coin owner's request to the operator: OperatorAdjudicator::
  // OpenChannel(Operator&, request) in process, RemoteOperatorAdjudicator::
  // OpenChannel over gRPC.
  using OpenChannelFn = std::function<Status(const OpenChannelRequest&)>;

  // `node_key` opens the share sealed to this node (participant 1);
  // `adjudicator` hands out the operator's nonces and completes splits;
  // `coins` answers NewChallenge and GetCoinInfo; `open_channel` moves a
  // coin into a channel; splits pay this node, when it accepts a channel,
  // to `payout_script`. The references outlive the hook.
  CoinChannelHook(crypto::PrivateKey node_key, ChannelAdjudicator& adjudicator, OperatorApi& coins,
                  OpenChannelFn open_channel, Bytes payout_script, BackupPolicy backups = {});

  // One proposal at a time: the peer's nonce for the next version comes
  // with its answer.
  size_t MaxInFlight() const override { return 1; }

  // `open_args`: Encode(CoinForChannel). InvalidArgument unless the initial
  // state gives the coin's whole amount to participant 0, or if O + S is
  // not the coin's key.
  Result<HookStep> ProposeChannel(const channel::Params& params, const channel::State& initial,
                                  ByteView open_args) override;
  // PermissionDenied if the sealed share is not this node's, does not
  // complete O (VerifySplit), or a proof fails; FailedPrecondition unless
  // the operator reports the coin active with the share S; InvalidArgument
  // unless the initial state gives participant 1 nothing.
  Result<HookStep> AcceptChannel(const channel::Params& params, channel::ParticipantIndex self,
                                 const channel::State& initial, ByteView extra) override;
  // Alice's OpenProposalExtra (the sealed share is in her data until Bob's
  // accept), Bob's OpenAcceptExtra (until his nonce for version 1 signs).
  Result<Bytes> OpeningExtraAgain(const channel::Params& params, ByteView data) override;
  // A proposal may start a backup of `latest` (BackupPolicy); an accept
  // completes the one its proposal asked for. A backup that cannot be made
  // is left out, and the update goes on.
  Result<HookStep> SignExtra(const channel::Params& params, ByteView data,
                             const channel::State& state,
                             const channel::SignedState& latest) override;
  Result<Bytes> CheckExtra(const channel::Params& params, ByteView data,
                           const channel::State& state, ByteView extra) override;
  // The refuser's extra (NonceExtra): its nonce for current + 1, which
  // replaces (and wipes) an unused one for `current`.
  Result<HookStep> RejectExtra(const channel::Params& params, ByteView data, uint64_t current,
                               ByteView refused_extra) override;
  Result<Bytes> CheckRejectExtra(const channel::Params& params, ByteView data,
                                 ByteView extra) override;
  // SyncExtra: the split signatures of the latest version signed (none
  // before the first payment) and the next nonce. CheckSyncExtra:
  // FailedPrecondition for a newer state without its split signatures,
  // PermissionDenied if they do not verify.
  Result<HookStep> SyncExtra(const channel::Params& params, ByteView data,
                             const channel::State& latest, uint64_t current) override;
  Result<Bytes> CheckSyncExtra(const channel::Params& params, ByteView data,
                               const channel::State& theirs, ByteView extra) override;
  // The coin's owner (participant 0) moves the coin into the channel:
  // OpenRequest over a fresh challenge, sent with `open_channel`; Ok at once
  // if the coin is in the channel already, and for participant 1.
  Status Fund(const channel::Params& params, const channel::ChannelId& id, ByteView data,
              channel::ParticipantIndex self) override;
  // True once the operator reports the coin in this channel.
  Result<bool> Funded(const channel::ChannelId& id, ByteView data) override;
  // Registers `latest` if nothing is registered, concludes once allowed,
  // then has the operator complete the concluded state's split and claims
  // this participant's output. FailedPrecondition if the concluded version
  // is not the one whose split signatures the data holds.
  Status ConcludeAndWithdraw(const channel::Params& params, ByteView data,
                             const channel::SignedState& latest,
                             channel::ParticipantIndex self) override;

  // The latest backup a channel's data holds (none before the first), to
  // broadcast once its lock time is reached if the operator vanishes.
  static Result<std::optional<ChannelBackup>> LatestBackup(ByteView data);
  // The same, serialized, for the node.
  Result<std::optional<HookBackup>> LatestBackupTx(ByteView data) const override;

  // The coin owner's request to move the coin into the channel, signed over
  // the operator's `challenge`. FailedPrecondition for a participant other
  // than the owner, or before the peer's ChannelAccept.
  static Result<OpenChannelRequest> OpenRequest(const channel::Params& params, ByteView data,
                                                const Hash32& challenge);

 private:
  const crypto::PrivateKey node_key_;
  ChannelAdjudicator& adjudicator_;
  OperatorApi& coins_;
  const OpenChannelFn open_channel_;
  const Bytes payout_script_;
  const BackupPolicy backup_policy_;
  // Each channel's operator split nonce last asked for, with its version,
  // until the channel settles.
  // Each node needs a version's nonce twice (its SignExtra and its
  // CheckExtra), and the operator keeps it unchanged: one request does.
  std::mutex operator_nonces_mutex_;
  std::map<channel::ChannelId, std::pair<uint64_t, crypto::multi_party::PublicNonce>>
      operator_nonces_;

  // The operator's nonce for the split of `version`.
  Result<crypto::multi_party::PublicNonce> OperatorNonce(const channel::ChannelId& id,
                                                         uint64_t version);

  // The proposer's side: a backup of `latest` if one is due.
  std::optional<BackupRequest> RequestBackup(const channel::Params& params, CoinChannelData& data,
                                             const crypto::PrivateKey& share,
                                             const channel::State& state,
                                             const channel::SignedState& latest);
  // The acceptor's side: the backup its proposal asked for.
  std::optional<BackupAnswer> AnswerBackup(const channel::Params& params, CoinChannelData& data,
                                           const crypto::PrivateKey& share,
                                           const channel::State& state,
                                           const channel::SignedState& latest);
};

}  // namespace parley::settlement::statechain
