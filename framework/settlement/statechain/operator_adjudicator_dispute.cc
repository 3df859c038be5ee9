// OperatorAdjudicator: the dispute rules and the one co-signature they
// allow, the concluded state's split.
#include <string>

#include "channel_records.h"
#include "parley/crypto/secure_erase.h"
#include "parley/settlement/statechain/operator_adjudicator.h"
#include "records.h"

namespace parley::settlement::statechain {

namespace mp = crypto::multi_party;

namespace {

// In `batch`: the Operator's coin of a channel whose split is broadcast is
// withdrawn (its share, which the channel held, is erased with the
// channel's). The Operator changes no coin in a channel, so this write
// races with none of its own. A coin record that cannot be read is left
// as it is: the split is broadcast, and recording that matters more.
void ReleaseCoin(const store::Store& store, const CoinId& coin_id,
                 const channel::ChannelId& channel, store::WriteBatch* batch) {
  Result<CoinRecord> coin = LoadCoin(store, coin_id);
  if (!coin.ok() || coin->status != CoinStatus::kInChannel || coin->channel_id != channel) return;
  coin->status = CoinStatus::kWithdrawn;
  coin->channel_id.reset();
  batch->Put(CoinRecordKey(coin_id), Encode(*coin));
}

}  // namespace

Status OperatorAdjudicator::Register(const channel::Params& params,
                                     const channel::SignedState& state) {
  Event event{.kind = EventKind::kRegistered, .channel = state.state.channel_id};
  {
    std::lock_guard lock(mu_);
    PARLEY_ASSIGN_OR_RETURN(ChannelRecord record, Find(params));
    if (state.state.channel_id != scheme_.ComputeChannelId(params)) {
      return Status::InvalidArgument("the state is of another channel");
    }
    PARLEY_RETURN_IF_ERROR(channel::ValidateState(state.state, params.participants.size()));
    PARLEY_RETURN_IF_ERROR(channel::VerifySignatures(scheme_, params, state, true));
    // A state the operator could not pay out must not win a dispute.
    PARLEY_RETURN_IF_ERROR(BuildSplit(record.coin, state.state, 0).status());
    const Tick now = Now();
    if (record.dispute) {
      Dispute& dispute = *record.dispute;
      if (dispute.concluded) return Status::FailedPrecondition("the channel is concluded");
      if (now >= dispute.timeout) {
        return Status::FailedPrecondition("the dispute phase ended at block " +
                                          std::to_string(dispute.timeout) + "; conclude instead");
      }
      if (state.state.version <= dispute.state.state.version) {
        return Status::FailedPrecondition("version " + std::to_string(state.state.version) +
                                          " does not refute the registered version " +
                                          std::to_string(dispute.state.state.version) +
                                          "; only a higher version does");
      }
      dispute.state = state;  // the timeout stays
    } else {
      const Tick timeout = now + params.challenge_duration;
      if (timeout >= record.backup_lock_time) {
        return Status::FailedPrecondition(
            "a dispute now would end at block " + std::to_string(timeout) +
            ", when the backup of lock time " + std::to_string(record.backup_lock_time) +
            " is already valid; settle with the backup");
      }
      record.dispute = Dispute{.state = state, .timeout = timeout};
    }
    PARLEY_RETURN_IF_ERROR(Save(record));
    event.version = state.state.version;
    event.timeout = record.dispute->timeout;
  }
  Emit({event});
  return Status::Ok();
}

Status OperatorAdjudicator::Progress(const channel::Params&, const channel::SignedState&,
                                     channel::ParticipantIndex) {
  return Status::FailedPrecondition(
      "channels on a statecoin have no force-moves: their apps are not turn-based");
}

Status OperatorAdjudicator::Conclude(const channel::Params& params) {
  Event event{.kind = EventKind::kConcluded};
  {
    std::lock_guard lock(mu_);
    PARLEY_ASSIGN_OR_RETURN(ChannelRecord record, Find(params));
    if (!record.dispute) {
      return Status::FailedPrecondition("nothing is registered: register a state first");
    }
    Dispute& dispute = *record.dispute;
    if (dispute.concluded) return Status::FailedPrecondition("the channel is already concluded");
    if (!dispute.state.state.is_final && Now() < dispute.timeout) {
      return Status::FailedPrecondition("the dispute phase lasts until block " +
                                        std::to_string(dispute.timeout) + "; it is block " +
                                        std::to_string(Now()));
    }
    dispute.concluded = true;
    // Only the concluded version's nonce may ever sign now.
    const channel::ChannelId id = dispute.state.state.channel_id;
    const uint64_t version = dispute.state.state.version;
    store::WriteBatch batch;
    PARLEY_RETURN_IF_ERROR(DeleteSplitNonces(store_, id, version, &batch));
    batch.Delete(BackupNonceKey(id));
    PARLEY_RETURN_IF_ERROR(Save(record, std::move(batch)));
    event.channel = id;
    event.version = version;
    event.timeout = dispute.timeout;
  }
  Emit({event});
  return Status::Ok();
}

Result<crypto::Transaction> OperatorAdjudicator::CoSignSplit(const channel::Params& params,
                                                             const crypto::Transaction& split,
                                                             const SplitSignatures& signatures) {
  std::vector<Event> events;
  crypto::Transaction tx;
  {
    std::lock_guard lock(mu_);
    PARLEY_ASSIGN_OR_RETURN(ChannelRecord record, Find(params));
    if (!record.dispute || !record.dispute->concluded) {
      return Status::FailedPrecondition(
          "the operator co-signs a split only after the channel is concluded");
    }
    if (record.paid) return Status::FailedPrecondition("the split is already broadcast");
    const channel::State& state = record.dispute->state.state;
    PARLEY_ASSIGN_OR_RETURN(tx, BuildSplit(record.coin, state, 0));
    if (signatures.version != state.version ||
        crypto::SerializeWithoutWitness(split) != crypto::SerializeWithoutWitness(tx)) {
      return Status::PermissionDenied(
          "the operator co-signs only the split of the concluded state, version " +
          std::to_string(state.version) + " (txid " + crypto::DisplayHex(crypto::Txid(tx)) +
          "); this request is for version " + std::to_string(signatures.version) + ", txid " +
          crypto::DisplayHex(crypto::Txid(split)));
    }
    if (!record.signed_split) {
      Result<StoredNonce> nonce = LoadSplitNonce(store_, state.channel_id, state.version);
      if (nonce.status().code() == StatusCode::kNotFound) {
        return Status::FailedPrecondition("the operator committed no nonce for version " +
                                          std::to_string(state.version));
      }
      if (!nonce.ok()) return nonce.status();
      const std::array<mp::PublicNonce, 3> nonces = {signatures.nonces[0], signatures.nonces[1],
                                                     nonce->public_nonce};
      PARLEY_ASSIGN_OR_RETURN(mp::Session session, SplitSession(record.coin, tx, nonces));
      for (size_t i = 0; i < kChannelParticipants; ++i) {
        PARLEY_RETURN_IF_ERROR(mp::PartialSigVerify(signatures.partials[i], session, i)
                                   .WithContext("participant " + std::to_string(i)));
      }
      PARLEY_ASSIGN_OR_RETURN(crypto::PrivateKey share, LoadChannelShare(store_, state.channel_id));
      Result<mp::SecretNonce> secret = mp::SecretNonce::FromBytes(nonce->secret);
      crypto::SecureErase(nonce->secret);
      if (!secret.ok()) return secret.status();
      PARLEY_ASSIGN_OR_RETURN(mp::PartialSignature own,
                              mp::Sign(*secret, share, session, kOperatorSigner));
      const std::array<mp::PartialSignature, 3> partials = {signatures.partials[0],
                                                            signatures.partials[1], own};
      PARLEY_ASSIGN_OR_RETURN(crypto::Signature signature, mp::Aggregate(partials, session));
      AttachSignature(&tx, signature);
      // The nonce's erasure and the signed split are durable before the
      // signature leaves in the broadcast.
      record.signed_split = tx;
      store::WriteBatch batch;
      batch.Delete(SplitNonceKey(state.channel_id, state.version));
      PARLEY_RETURN_IF_ERROR(Save(record, std::move(batch)));
    }
    tx = *record.signed_split;
    PARLEY_RETURN_IF_ERROR(
        ledger_.Broadcast(tx).WithContext("broadcasting the split (ask again to retry)"));
    // The coin is spent: the operator's share has nothing left to sign.
    record.paid = true;
    store::WriteBatch batch;
    batch.Delete(ChannelShareKey(state.channel_id));
    if (record.coin_id) ReleaseCoin(store_, *record.coin_id, state.channel_id, &batch);
    PARLEY_RETURN_IF_ERROR(Save(record, std::move(batch)));
    for (size_t i = 0; i < kChannelParticipants; ++i) {
      events.push_back({.kind = EventKind::kWithdrawn,
                        .channel = state.channel_id,
                        .version = state.version,
                        .participant = static_cast<channel::ParticipantIndex>(i),
                        .asset = state.allocation.assets[0].asset,
                        .amount = state.allocation.assets[0].balances[i]});
    }
  }
  Emit(events);
  return tx;
}

Status OperatorAdjudicator::Withdraw(const channel::Params& params,
                                     channel::ParticipantIndex participant) {
  std::lock_guard lock(mu_);
  PARLEY_ASSIGN_OR_RETURN(ChannelRecord record, Find(params));
  if (participant >= kChannelParticipants) {
    return Status::InvalidArgument("participant " + std::to_string(participant) +
                                   " is not in the channel");
  }
  if (!record.paid) {
    return Status::FailedPrecondition(
        "the split of the concluded state pays both participants at once: conclude, then ask "
        "the operator to CoSignSplit with the state's split signatures");
  }
  if (record.withdrawn[participant]) {
    return Status::FailedPrecondition("participant " + std::to_string(participant) +
                                      "'s output of the split is already withdrawn");
  }
  record.withdrawn[participant] = true;
  return Save(record);
}

Result<Dispute> OperatorAdjudicator::GetDispute(const channel::ChannelId& channel) const {
  std::lock_guard lock(mu_);
  Result<ChannelRecord> record = LoadChannel(store_, channel);
  if (record.status().code() == StatusCode::kNotFound || (record.ok() && !record->dispute)) {
    return Status::NotFound("no dispute for channel " + ToHex(channel));
  }
  if (!record.ok()) return record.status();
  return *record->dispute;
}

}  // namespace parley::settlement::statechain
