#include "parley/settlement/statechain/coin_channel_hook.h"

#include <spdlog/spdlog.h>

#include <string>
#include <utility>

#include "coin_channel_data.h"
#include "field_codec.h"
#include "parley/crypto/ecies.h"
#include "parley/crypto/multi_party_schnorr.h"
#include "parley/crypto/two_party_schnorr.h"
#include "parley/settlement/forwarding_adjudicator.h"
#include "parley/util/codec.h"

namespace parley::settlement::statechain {

namespace mp = crypto::multi_party;

namespace {

constexpr size_t kMaxScriptSize = 10'000;  // the sim ledger's limit

// The initial state of a channel on a coin of `amount`: one asset, the
// whole amount to participant 0.
Status CheckInitial(const channel::State& initial, int64_t amount) {
  const auto& assets = initial.allocation.assets;
  if (assets.size() != 1 || assets[0].balances.size() != kChannelParticipants ||
      assets[0].balances[0] != channel::Amount(static_cast<uint64_t>(amount)) ||
      assets[0].balances[1] != channel::Amount(0)) {
    return Status::InvalidArgument("the initial state of a channel on a coin gives the coin's " +
                                   std::to_string(amount) +
                                   " sats to its owner and nothing to the peer");
  }
  return Status::Ok();
}

// The opening's nonces are for version 1, the first whose split is signed.
Status CheckFirstNonce(uint64_t version) {
  if (version != 1) {
    return Status::InvalidArgument("the opening's split nonce is for version " +
                                   std::to_string(version) + ", not 1");
  }
  return Status::Ok();
}

// A channel's id in the log, as the node writes it.
std::string ShortId(const channel::ChannelId& id) { return ToHex(id).substr(0, 12); }

// A backup left out: the update goes on without it (the next one asks again).
void LogNoBackup(const channel::ChannelId& id, uint64_t version, const Status& why) {
  spdlog::warn("channel {}: no backup of version {} this time: {}", ShortId(id), version,
               why.ToString());
}

// What every extra of this node's carries about its backups: its current
// backup nonce and its latest backup's lock time.
Result<BackupExtra> OwnBackupPart(CoinChannelData& data, const crypto::PrivateKey& share) {
  BackupExtra part;
  PARLEY_ASSIGN_OR_RETURN(part.nonce, data.backups.Nonce(share));
  if (const auto& latest = data.backups.latest()) part.latest_lock_time = latest->lock_time;
  return part;
}

// Records what the peer's extra says of its backups.
// A refusal changes nothing.
Status RecordPeerBackups(CoinChannelData& data, const BackupExtra& backup) {
  if (backup.nonce) PARLEY_RETURN_IF_ERROR(data.backups.SetPeerNonce(*backup.nonce));
  data.backups.SetPeerLockTime(backup.latest_lock_time);
  return Status::Ok();
}

// Alice's channel before Bob's ChannelAccept: his payout script comes with it.
bool AwaitsAccept(const CoinChannelData& data) {
  return data.opening.coin.payout_scripts[1].empty();
}

// The ChannelProposal's extra, from Alice's data: the first time and again.
OpenProposalExtra ProposalExtra(const CoinChannelData& data, const mp::PublicNonce& first_nonce,
                                const BackupExtra& backups) {
  return {.coin_id = data.coin_id,
          .opening = data.opening,
          .sealed_share = data.sealed_share,
          .nonce_version = 1,
          .nonce = first_nonce,
          .backup = backups};
}

// The ChannelAccept's extra, from Bob's data: the first time and again.
OpenAcceptExtra AcceptExtra(const CoinChannelData& data, const mp::PublicNonce& first_nonce,
                            const BackupExtra& backups) {
  return {.payout_script = data.opening.coin.payout_scripts[1],
          .share_proof = data.opening.share_proofs[1],
          .nonce_version = 1,
          .nonce = first_nonce,
          .backup = backups};
}

// The adjudicator of one settlement: Withdraw first has the operator
// complete the concluded state's split with `signatures`, so that
// Adjudicator::ConcludeAndWithdraw's register, conclude and withdraw pay
// through it.
class SplitSettlement final : public ForwardingAdjudicator<> {
 public:
  SplitSettlement(ChannelAdjudicator& inner, const channel::ChannelId& id, const ChannelCoin& coin,
                  const SplitSignatures& sigs)
      : ForwardingAdjudicator(inner), inner_(inner), id_(id), coin_(coin), sigs_(sigs) {}

  Status Withdraw(const channel::Params& params, channel::ParticipantIndex participant) override {
    Status cosigned = CoSign(params);
    Status withdrawn = inner_.Withdraw(params, participant);
    return withdrawn.ok() || cosigned.ok() ? withdrawn : cosigned;
  }

 private:
  Status CoSign(const channel::Params& params) {
    PARLEY_ASSIGN_OR_RETURN(Dispute dispute, inner_.GetDispute(id_));
    const channel::State& concluded = dispute.state.state;
    if (concluded.version != sigs_.version) {
      return Status::FailedPrecondition(
          "the operator concluded version " + std::to_string(concluded.version) +
          ", and this node holds the split signatures of version " + std::to_string(sigs_.version) +
          " only: whoever registered it can complete its split");
    }
    PARLEY_ASSIGN_OR_RETURN(crypto::Transaction split, BuildSplit(coin_, concluded, 0));
    return inner_.CoSignSplit(params, split, sigs_).status();
  }
  ChannelAdjudicator& inner_;
  const channel::ChannelId id_;
  const ChannelCoin& coin_;
  const SplitSignatures& sigs_;
};

}  // namespace

Bytes Encode(const CoinForChannel& h) {
  Writer w;
  w.Fixed(h.owner.coin_id);
  WritePrivateKey(w, h.owner.owner_share);
  WritePrivateKey(w, h.owner.auth_key);
  WriteCoinOutput(w, h.owner.output);
  w.Fixed(h.owner.operator_share.bytes());
  w.U32(h.owner.lock_time);
  w.Var(h.payout_script);
  w.U64(static_cast<uint64_t>(h.fee_sats));
  return w.Take();
}

Result<CoinForChannel> DecodeCoinForChannel(ByteView bytes) {
  Reader r(bytes, "a coin handed over");
  auto decoded = [&]() -> Result<CoinForChannel> {
    CoinId coin_id{};
    PARLEY_RETURN_IF_ERROR(r.Fixed(&coin_id));
    PARLEY_ASSIGN_OR_RETURN(crypto::PrivateKey owner_share, ReadPrivateKey(r));
    PARLEY_ASSIGN_OR_RETURN(crypto::PrivateKey auth_key, ReadPrivateKey(r));
    CoinOutput coin;
    PARLEY_RETURN_IF_ERROR(ReadCoinOutput(r, &coin));
    PARLEY_RETURN_IF_ERROR(CheckCoinAmount(coin.amount_sats));
    PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey operator_share, ReadPublicKey(r));
    CoinForChannel h{.owner = {.coin_id = coin_id,
                               .owner_share = owner_share,
                               .auth_key = auth_key,
                               .output = coin,
                               .operator_share = operator_share}};
    PARLEY_RETURN_IF_ERROR(r.U32(&h.owner.lock_time));
    PARLEY_RETURN_IF_ERROR(r.Var(kMaxScriptSize, &h.payout_script));
    uint64_t fee = 0;
    PARLEY_RETURN_IF_ERROR(r.U64(&fee));
    if (fee >= static_cast<uint64_t>(coin.amount_sats)) {
      return Status::InvalidArgument("split fee " + std::to_string(fee));
    }
    h.fee_sats = static_cast<int64_t>(fee);
    PARLEY_RETURN_IF_ERROR(r.Finish());
    return h;
  }();
  if (!decoded.ok()) {
    return Status::InvalidArgument("the coin handed over does not decode: " +
                                   decoded.status().message());
  }
  return decoded;
}

CoinChannelHook::CoinChannelHook(crypto::PrivateKey node_key, ChannelAdjudicator& adjudicator,
                                 OperatorApi& coins, OpenChannelFn open_channel,
                                 Bytes payout_script, BackupPolicy backups)
    : node_key_(std::move(node_key)),
      adjudicator_(adjudicator),
      coins_(coins),
      open_channel_(std::move(open_channel)),
      payout_script_(std::move(payout_script)),
      backup_policy_(backups) {}

Result<HookStep> CoinChannelHook::ProposeChannel(const channel::Params& params,
                                                 const channel::State& initial,
                                                 ByteView open_args) {
  PARLEY_ASSIGN_OR_RETURN(CoinForChannel h, DecodeCoinForChannel(open_args));
  const OwnerHandOver& coin = h.owner;
  if (params.participants.size() != kChannelParticipants) {
    return Status::InvalidArgument("a channel on a coin has two participants");
  }
  PARLEY_RETURN_IF_ERROR(CheckInitial(initial, coin.output.amount_sats));
  const crypto::PublicKey owner = coin.owner_share.public_key();
  PARLEY_ASSIGN_OR_RETURN(mp::CoinKey key, mp::CoinKey::Create(owner, coin.operator_share));
  if (key.output_key() != coin.output.output_key) {
    return Status::InvalidArgument(
        "the coin's output key is not that of its owner's share plus "
        "the operator's: hand over the coin as the wallet holds it");
  }
  PARLEY_ASSIGN_OR_RETURN(mp::SplitShares split, mp::SplitShare(coin.owner_share));
  const channel::ChannelId& id = initial.channel_id;
  const auto given = split.given.SecretBytes();
  PARLEY_ASSIGN_OR_RETURN(Bytes sealed, crypto::SealToPublicKey(params.participants[1], given, id));
  CoinChannelData data{
      .self = 0,
      .coin_id = coin.coin_id,
      .opening = {.coin = {.coin = coin.output,
                           .shares = {split.kept.public_key(), split.given.public_key(),
                                      coin.operator_share},
                           .payout_scripts = {h.payout_script, {}},
                           .fee_sats = h.fee_sats},
                  .owner_share = owner,
                  .share_proofs = {crypto::two_party::ProveShare(split.kept, id), {}},
                  .coin_lock_time = coin.lock_time},
      .share = split.kept.SecretBytes(),
      .auth_key = coin.auth_key.SecretBytes(),
      .signer = SplitSigner(0),
      .sealed_share = std::move(sealed)};
  PARLEY_ASSIGN_OR_RETURN(mp::PublicNonce nonce, data.signer.NonceFor(split.kept, 1));
  PARLEY_ASSIGN_OR_RETURN(BackupExtra backups, OwnBackupPart(data, split.kept));
  return HookStep{.data = Encode(data), .extra = Encode(ProposalExtra(data, nonce, backups))};
}

Result<HookStep> CoinChannelHook::AcceptChannel(const channel::Params& params,
                                                channel::ParticipantIndex self,
                                                const channel::State& initial, ByteView bytes) {
  if (self != 1 || params.participants.size() != kChannelParticipants) {
    return Status::InvalidArgument(
        "a channel on a coin is proposed by the coin's owner to one "
        "peer");
  }
  PARLEY_ASSIGN_OR_RETURN(OpenProposalExtra extra, DecodeOpenProposalExtra(bytes));
  PARLEY_RETURN_IF_ERROR(CheckFirstNonce(extra.nonce_version));
  const ChannelOpening& opening = extra.opening;
  const ChannelCoin& coin = opening.coin;
  PARLEY_RETURN_IF_ERROR(CheckInitial(initial, coin.coin.amount_sats));
  const channel::ChannelId& id = initial.channel_id;
  // b, sealed to this node, completes Alice's share to the owner's.
  auto opened = crypto::OpenSealed(node_key_, extra.sealed_share, id);
  if (!opened.ok()) {
    return Status::PermissionDenied("the share sealed to this node does not open: " +
                                    opened.status().message());
  }
  PARLEY_ASSIGN_OR_RETURN(crypto::PrivateKey share, crypto::PrivateKey::FromBytes(*opened));
  if (share.public_key() != coin.shares[1]) {
    return Status::PermissionDenied("the share sealed to this node is not the B of the opening");
  }
  PARLEY_RETURN_IF_ERROR(mp::VerifySplit(opening.owner_share, coin.shares[0], coin.shares[1]));
  PARLEY_RETURN_IF_ERROR(
      crypto::two_party::VerifyShareProof(coin.shares[0], id, opening.share_proofs[0]));
  PARLEY_ASSIGN_OR_RETURN(mp::CoinKey key,
                          mp::CoinKey::Create(opening.owner_share, coin.shares[2]));
  if (key.output_key() != coin.coin.output_key) {
    return Status::PermissionDenied("the coin's output key is not O + S of the opening");
  }
  PARLEY_ASSIGN_OR_RETURN(CoinInfo info, coins_.GetCoinInfo(extra.coin_id));
  if (info.status != CoinStatus::kActive || !info.operator_share ||
      *info.operator_share != coin.shares[2] || info.coin_key != key.internal_key() ||
      info.lock_time != opening.coin_lock_time) {
    return Status::FailedPrecondition(
        "the operator does not report coin " + ToHex(extra.coin_id) +
        " active with the opening's key, operator share and lock time");
  }
  CoinChannelData data{.self = 1,
                       .coin_id = extra.coin_id,
                       .opening = opening,
                       .share = share.SecretBytes(),
                       .signer = SplitSigner(1),
                       .backups = CheckpointSigner(1)};
  data.opening.coin.payout_scripts[1] = payout_script_;
  data.opening.share_proofs[1] = crypto::two_party::ProveShare(share, id);
  PARLEY_RETURN_IF_ERROR(data.signer.SetPeerNonce(extra.nonce_version, extra.nonce));
  PARLEY_RETURN_IF_ERROR(RecordPeerBackups(data, extra.backup));
  PARLEY_ASSIGN_OR_RETURN(mp::PublicNonce nonce, data.signer.NonceFor(share, 1));
  PARLEY_ASSIGN_OR_RETURN(BackupExtra backups, OwnBackupPart(data, share));
  return HookStep{.data = Encode(data), .extra = Encode(AcceptExtra(data, nonce, backups))};
}

Result<Bytes> CoinChannelHook::OpeningExtraAgain(const channel::Params& /*params*/,
                                                 ByteView bytes) {
  PARLEY_ASSIGN_OR_RETURN(CoinChannelData data, DecodeCoinChannelData(bytes));
  const bool awaiting_accept = data.self == 0 && AwaitsAccept(data);
  if (data.self == 0 && !awaiting_accept) {
    return Status::FailedPrecondition("the peer has accepted the channel already");
  }
  PARLEY_ASSIGN_OR_RETURN(crypto::PrivateKey share, crypto::PrivateKey::FromBytes(data.share));
  // The nonce made for version 1 is in the data until it signs: the same again.
  auto nonce = data.signer.NonceFor(share, 1);
  if (!nonce.ok()) {
    return Status::FailedPrecondition("the channel is past its opening: " +
                                      nonce.status().message());
  }
  // The backup nonce, unused until the first update, is the same again.
  PARLEY_ASSIGN_OR_RETURN(BackupExtra backups, OwnBackupPart(data, share));
  if (awaiting_accept) return Encode(ProposalExtra(data, *nonce, backups));
  return Encode(AcceptExtra(data, *nonce, backups));
}

// A cached nonce is right because the operator never gives a version of a
// channel another nonce: it stores each before handing it out, deletes them
// only when the channel concludes, and never opens a channel id twice.
Result<mp::PublicNonce> CoinChannelHook::OperatorNonce(const channel::ChannelId& id,
                                                       uint64_t version) {
  {
    std::lock_guard lock(operator_nonces_mutex_);
    if (auto it = operator_nonces_.find(id);
        it != operator_nonces_.end() && it->second.first == version) {
      return it->second.second;
    }
  }
  PARLEY_ASSIGN_OR_RETURN(auto nonces, adjudicator_.SplitNonces(id, version, 1));
  if (nonces.size() != 1) return Status::Internal("the operator sent no split nonce");
  std::lock_guard lock(operator_nonces_mutex_);
  operator_nonces_.insert_or_assign(id, std::pair(version, nonces[0]));
  return nonces[0];
}

Result<HookStep> CoinChannelHook::SignExtra(const channel::Params& params, ByteView bytes,
                                            const channel::State& state,
                                            const channel::SignedState& latest) {
  PARLEY_ASSIGN_OR_RETURN(CoinChannelData data, DecodeCoinChannelData(bytes));
  if (state.version == 0) return HookStep{.data = Encode(data)};  // the initial split is unsigned
  PARLEY_ASSIGN_OR_RETURN(crypto::PrivateKey share, crypto::PrivateKey::FromBytes(data.share));
  PARLEY_ASSIGN_OR_RETURN(mp::PublicNonce op, OperatorNonce(state.channel_id, state.version));
  // An accept: the peer's partial signature on this version is in.
  const bool answering = data.signer.PeerSigned(state.version);
  PARLEY_ASSIGN_OR_RETURN(mp::PartialSignature partial,
                          data.signer.Sign(data.opening.coin, share, state, op));
  PARLEY_ASSIGN_OR_RETURN(mp::PublicNonce next, data.signer.NonceFor(share, state.version + 1));
  UpdateExtra extra{.partial = partial, .nonce_version = state.version + 1, .nonce = next};
  std::optional<BackupAnswer> answer;
  std::optional<BackupRequest> request;
  if (answering) {
    answer = AnswerBackup(params, data, share, state, latest);
  } else {
    request = RequestBackup(params, data, share, state, latest);
  }
  PARLEY_ASSIGN_OR_RETURN(extra.backup, OwnBackupPart(data, share));
  extra.backup.answer = std::move(answer);
  extra.backup.request = std::move(request);
  return HookStep{.data = Encode(data), .extra = Encode(extra)};
}

std::optional<BackupRequest> CoinChannelHook::RequestBackup(const channel::Params& params,
                                                            CoinChannelData& data,
                                                            const crypto::PrivateKey& share,
                                                            const channel::State& state,
                                                            const channel::SignedState& latest) {
  if (auto again = data.backups.RequestFor(state.version)) return again;  // sent again
  data.backups.DropRequest();  // one for an earlier proposal, overtaken
  const auto& last = data.backups.latest();
  const uint64_t every = backup_policy_.every_versions;
  if (every == 0 || !latest.FullySigned() || latest.state.version + 1 != state.version ||
      !data.backups.HasPeerNonce() || (last && latest.state.version < last->version + every)) {
    return std::nullopt;
  }
  const uint32_t above = data.backups.NextBelow(data.opening.coin_lock_time);
  const uint64_t room = adjudicator_.Now() + params.challenge_duration + backup_policy_.lock_step;
  if (above < backup_policy_.lock_step || above - backup_policy_.lock_step <= room) {
    spdlog::warn(
        "channel {}: no more backups: the next lock time would leave less than the "
        "challenge duration; close the channel before block {}",
        ShortId(state.channel_id), above);
    return std::nullopt;
  }
  const uint32_t lock_time = above - backup_policy_.lock_step;
  auto made = [&]() -> Result<BackupRequest> {
    PARLEY_ASSIGN_OR_RETURN(mp::PublicNonce op, adjudicator_.BackupNonce(state.channel_id));
    return data.backups.Request(data.opening.coin, share, latest.state, lock_time, op,
                                state.version);
  }();
  if (!made.ok()) {
    LogNoBackup(state.channel_id, latest.state.version, made.status());
    return std::nullopt;
  }
  return *made;
}

std::optional<BackupAnswer> CoinChannelHook::AnswerBackup(const channel::Params& params,
                                                          CoinChannelData& data,
                                                          const crypto::PrivateKey& share,
                                                          const channel::State& state,
                                                          const channel::SignedState& latest) {
  if (auto again = data.backups.AnswerFor(state.version)) return again;  // sent again
  std::optional<BackupRequest> request = data.backups.ReceivedFor(state.version);
  if (!request) return std::nullopt;
  auto operator_sign = [&](const std::array<mp::PublicNonce, kChannelParticipants>& nonces) {
    return adjudicator_.SignBackup(params, latest, request->lock_time, nonces);
  };
  auto answer = data.backups.Respond(data.opening.coin, share, latest.state, *request,
                                     state.version, operator_sign);
  if (!answer.ok()) {
    LogNoBackup(state.channel_id, request->version, answer.status());
    return std::nullopt;
  }
  return *answer;
}

Result<Bytes> CoinChannelHook::CheckExtra(const channel::Params& /*params*/, ByteView bytes,
                                          const channel::State& state, ByteView extra_bytes) {
  PARLEY_ASSIGN_OR_RETURN(CoinChannelData data, DecodeCoinChannelData(bytes));
  if (data.self == 0 && AwaitsAccept(data)) {
    // Bob's ChannelAccept: his payout script, his proof, his first nonce.
    PARLEY_ASSIGN_OR_RETURN(OpenAcceptExtra extra, DecodeOpenAcceptExtra(extra_bytes));
    PARLEY_RETURN_IF_ERROR(CheckFirstNonce(extra.nonce_version));
    if (extra.payout_script.empty()) {
      return Status::InvalidArgument("the peer's payout script is empty");
    }
    Status proof = crypto::two_party::VerifyShareProof(data.opening.coin.shares[1],
                                                       state.channel_id, extra.share_proof);
    if (!proof.ok()) return Status::PermissionDenied("the peer's share proof: " + proof.message());
    data.opening.coin.payout_scripts[1] = extra.payout_script;
    data.opening.share_proofs[1] = extra.share_proof;
    data.sealed_share.clear();  // the proposal is answered
    PARLEY_RETURN_IF_ERROR(data.signer.SetPeerNonce(extra.nonce_version, extra.nonce));
    PARLEY_RETURN_IF_ERROR(RecordPeerBackups(data, extra.backup));
    return Encode(data);
  }
  PARLEY_ASSIGN_OR_RETURN(UpdateExtra extra, DecodeUpdateExtra(extra_bytes));
  PARLEY_ASSIGN_OR_RETURN(mp::PublicNonce op, OperatorNonce(state.channel_id, state.version));
  PARLEY_RETURN_IF_ERROR(data.signer.CheckPeer(data.opening.coin, state, extra.partial, op));
  PARLEY_RETURN_IF_ERROR(data.signer.SetPeerNonce(extra.nonce_version, extra.nonce));
  PARLEY_RETURN_IF_ERROR(RecordPeerBackups(data, extra.backup));
  if (extra.backup.request) {  // a proposal asking for a backup: answered when signing
    data.backups.Receive(state.version, *extra.backup.request);
  } else if (data.backups.RequestFor(state.version)) {  // the accept of this node's request
    Status completed = extra.backup.answer ? data.backups.Complete(data.opening.coin, state.version,
                                                                   *extra.backup.answer)
                                           : Status::FailedPrecondition("the peer did not make it");
    if (!completed.ok()) {
      spdlog::warn("channel {}: no backup with version {}: {}", ShortId(state.channel_id),
                   state.version, completed.ToString());
      data.backups.DropRequest();
    }
  }
  return Encode(data);
}

Result<HookStep> CoinChannelHook::RejectExtra(const channel::Params& /*params*/, ByteView bytes,
                                              uint64_t current, ByteView refused_extra) {
  PARLEY_ASSIGN_OR_RETURN(CoinChannelData data, DecodeCoinChannelData(bytes));
  PARLEY_ASSIGN_OR_RETURN(crypto::PrivateKey share, crypto::PrivateKey::FromBytes(data.share));
  // The refused proposal used up `current`: the nonce it carries is the one
  // the peer's next proposal signs with. Bytes that say otherwise are left.
  auto refused = DecodeUpdateExtra(refused_extra);
  if (refused.ok() && refused->nonce_version == current + 1) {
    // Each refuses a bad nonce without changing anything: nothing to undo.
    (void)data.signer.SetPeerNonce(refused->nonce_version, refused->nonce);
    (void)RecordPeerBackups(data, refused->backup);
  }
  PARLEY_ASSIGN_OR_RETURN(mp::PublicNonce next, data.signer.NonceFor(share, current + 1));
  NonceExtra extra{.nonce_version = current + 1, .nonce = next};
  PARLEY_ASSIGN_OR_RETURN(extra.backup, OwnBackupPart(data, share));
  return HookStep{.data = Encode(data), .extra = Encode(extra)};
}

Result<Bytes> CoinChannelHook::CheckRejectExtra(const channel::Params& /*params*/, ByteView bytes,
                                                ByteView extra_bytes) {
  PARLEY_ASSIGN_OR_RETURN(CoinChannelData data, DecodeCoinChannelData(bytes));
  PARLEY_ASSIGN_OR_RETURN(NonceExtra extra, DecodeNonceExtra(extra_bytes));
  PARLEY_RETURN_IF_ERROR(data.signer.SetPeerNonce(extra.nonce_version, extra.nonce));
  PARLEY_RETURN_IF_ERROR(RecordPeerBackups(data, extra.backup));
  data.backups.DropRequest();  // its proposal is refused
  return Encode(data);
}

Result<HookStep> CoinChannelHook::SyncExtra(const channel::Params& /*params*/, ByteView bytes,
                                            const channel::State& latest, uint64_t current) {
  PARLEY_ASSIGN_OR_RETURN(CoinChannelData data, DecodeCoinChannelData(bytes));
  PARLEY_ASSIGN_OR_RETURN(crypto::PrivateKey share, crypto::PrivateKey::FromBytes(data.share));
  statechain::SyncExtra extra;
  const auto& signed_split = data.signer.latest();
  if (signed_split && signed_split->version == latest.version) extra.latest = *signed_split;
  extra.nonce_version = current + 1;
  PARLEY_ASSIGN_OR_RETURN(extra.nonce, data.signer.NonceFor(share, current + 1));
  PARLEY_ASSIGN_OR_RETURN(extra.backup, OwnBackupPart(data, share));
  extra.backup.answer = data.backups.LatestAnswer();  // in case the peer missed it
  return HookStep{.data = Encode(data), .extra = Encode(extra)};
}

Result<Bytes> CoinChannelHook::CheckSyncExtra(const channel::Params& /*params*/, ByteView bytes,
                                              const channel::State& theirs, ByteView extra_bytes) {
  PARLEY_ASSIGN_OR_RETURN(CoinChannelData data, DecodeCoinChannelData(bytes));
  if (data.self == 0 && AwaitsAccept(data)) {
    return Status::FailedPrecondition(
        "the peer's ChannelAccept has not arrived: the channel opens with what it carries "
        "(the peer's payout script, share proof and nonce), which a SyncState does not");
  }
  PARLEY_ASSIGN_OR_RETURN(statechain::SyncExtra extra, DecodeSyncExtra(extra_bytes));
  const auto& held = data.signer.latest();
  const uint64_t settled = held ? held->version : 0;
  if (theirs.version > settled) {  // a state this node would adopt: only with its split
    if (!extra.latest || extra.latest->version != theirs.version) {
      return Status::FailedPrecondition("the peer's state of version " +
                                        std::to_string(theirs.version) +
                                        " comes without the split signatures that settle it");
    }
    PARLEY_ASSIGN_OR_RETURN(mp::PublicNonce op, OperatorNonce(theirs.channel_id, theirs.version));
    PARLEY_RETURN_IF_ERROR(data.signer.Adopt(data.opening.coin, theirs, *extra.latest, op));
  }
  PARLEY_RETURN_IF_ERROR(data.signer.SetPeerNonce(extra.nonce_version, extra.nonce));
  PARLEY_RETURN_IF_ERROR(RecordPeerBackups(data, extra.backup));
  if (extra.backup.answer) {  // the answer to this node's request, if that was lost
    Status completed = data.backups.CompleteWith(data.opening.coin, *extra.backup.answer);
    if (!completed.ok()) {
      spdlog::warn("channel {}: the peer's latest backup: {}", ShortId(theirs.channel_id),
                   completed.ToString());
    }
  }
  return Encode(data);
}

Status CoinChannelHook::Fund(const channel::Params& params, const channel::ChannelId& id,
                             ByteView bytes, channel::ParticipantIndex self) {
  if (self != 0) return Status::Ok();  // the coin is the owner's to move
  PARLEY_ASSIGN_OR_RETURN(bool funded, Funded(id, bytes));
  if (funded) return Status::Ok();
  PARLEY_ASSIGN_OR_RETURN(Hash32 challenge, coins_.NewChallenge());
  PARLEY_ASSIGN_OR_RETURN(OpenChannelRequest request, OpenRequest(params, bytes, challenge));
  return open_channel_(request);
}

Result<bool> CoinChannelHook::Funded(const channel::ChannelId& id, ByteView bytes) {
  PARLEY_ASSIGN_OR_RETURN(CoinChannelData data, DecodeCoinChannelData(bytes));
  PARLEY_ASSIGN_OR_RETURN(CoinInfo info, coins_.GetCoinInfo(data.coin_id));
  return info.status == CoinStatus::kInChannel && info.channel_id == id;
}

Status CoinChannelHook::ConcludeAndWithdraw(const channel::Params& params, ByteView bytes,
                                            const channel::SignedState& latest,
                                            channel::ParticipantIndex self) {
  PARLEY_ASSIGN_OR_RETURN(CoinChannelData data, DecodeCoinChannelData(bytes));
  if (!data.signer.latest()) {
    return Status::FailedPrecondition(
        "no split of this channel is signed by both participants "
        "yet: it settles from its first payment on");
  }
  SplitSettlement settlement(adjudicator_, latest.state.channel_id, data.opening.coin,
                             *data.signer.latest());
  Status settled = settlement.ConcludeAndWithdraw(params, latest, self);
  if (settled.ok()) {  // the channel signs no more splits
    std::lock_guard lock(operator_nonces_mutex_);
    operator_nonces_.erase(latest.state.channel_id);
  }
  return settled;
}

Result<std::optional<ChannelBackup>> CoinChannelHook::LatestBackup(ByteView bytes) {
  PARLEY_ASSIGN_OR_RETURN(CoinChannelData data, DecodeCoinChannelData(bytes));
  return data.backups.latest();
}

Result<std::optional<HookBackup>> CoinChannelHook::LatestBackupTx(ByteView data) const {
  PARLEY_ASSIGN_OR_RETURN(std::optional<ChannelBackup> backup, LatestBackup(data));
  std::optional<HookBackup> serialized;
  if (backup) {
    serialized = HookBackup{.version = backup->version,
                            .lock_time = backup->lock_time,
                            .raw_tx = crypto::Serialize(backup->tx),
                            .txid = crypto::DisplayHex(crypto::Txid(backup->tx))};
  }
  return serialized;
}

Result<OpenChannelRequest> CoinChannelHook::OpenRequest(const channel::Params& params,
                                                        ByteView bytes, const Hash32& challenge) {
  PARLEY_ASSIGN_OR_RETURN(CoinChannelData data, DecodeCoinChannelData(bytes));
  if (!data.auth_key) {
    return Status::FailedPrecondition("only the coin's owner moves it into the channel");
  }
  if (AwaitsAccept(data)) {
    return Status::FailedPrecondition("the peer has not accepted the channel yet");
  }
  PARLEY_ASSIGN_OR_RETURN(crypto::PrivateKey auth_key,
                          crypto::PrivateKey::FromBytes(*data.auth_key));
  OpenChannelRequest request{.coin_id = data.coin_id, .params = params, .opening = data.opening};
  request.auth = Authorize(auth_key, challenge, AuthPayload(request));
  return request;
}

}  // namespace parley::settlement::statechain
