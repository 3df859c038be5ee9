// OperatorAdjudicator: opening, nonces, backups and subscriptions. The
// dispute rules are in operator_adjudicator_dispute.cc.
#include <string>

#include "operator_adjudicator_internal.h"

namespace parley::settlement::statechain {

namespace mp = crypto::multi_party;

OperatorAdjudicator::OperatorAdjudicator(CoinLedger& ledger, const channel::SignatureScheme& scheme)
    : ledger_(ledger), scheme_(scheme) {}

OperatorAdjudicator::~OperatorAdjudicator() = default;

Status OperatorAdjudicator::OpenChannel(const channel::Params& params,
                                        const ChannelOpening& opening,
                                        const crypto::PrivateKey& operator_share) {
  PARLEY_RETURN_IF_ERROR(channel::ValidateParams(params));
  if (params.participants.size() != kChannelParticipants || params.backend != scheme_.name()) {
    return Status::InvalidArgument("a channel on a statecoin has two participants and backend '" +
                                   std::string(scheme_.name()) + "'");
  }
  const ChannelCoin& coin = opening.coin;
  if (!(coin.shares[kOperatorSigner] == operator_share.public_key())) {
    return Status::InvalidArgument("the coin's third share is not this operator's share");
  }
  for (const Bytes& script : coin.payout_scripts) {
    if (script.empty()) return Status::InvalidArgument("a participant's payout script is empty");
  }
  PARLEY_RETURN_IF_ERROR(mp::VerifySplit(opening.owner_share, coin.shares[0], coin.shares[1]));
  const channel::ChannelId id = scheme_.ComputeChannelId(params);
  for (size_t i = 0; i < kChannelParticipants; ++i) {
    PARLEY_RETURN_IF_ERROR(
        crypto::two_party::VerifyShareProof(coin.shares[i], id, opening.share_proofs[i])
            .WithContext("participant " + std::to_string(i) + "'s share"));
  }
  PARLEY_ASSIGN_OR_RETURN(mp::CoinKey key, mp::KeyOf(coin.shares));
  if (key.output_key() != coin.coin.output_key) {
    return Status::PermissionDenied("A + B + S is not the coin's key " +
                                    ToHex(coin.coin.output_key));
  }
  std::lock_guard lock(mu_);
  if (records_.contains(id)) {
    return Status::AlreadyExists("channel " + ToHex(id) + " is already open on a coin");
  }
  records_.emplace(id,
                   std::unique_ptr<Record>(new Record{.params = params,
                                                      .coin = coin,
                                                      .operator_share = operator_share,
                                                      .backup_lock_time = opening.coin_lock_time}));
  return Status::Ok();
}

Result<OperatorAdjudicator::Record*> OperatorAdjudicator::Find(const channel::ChannelId& channel) {
  auto it = records_.find(channel);
  if (it == records_.end()) {
    return Status::NotFound("no channel " + ToHex(channel) + " is open on a coin of this operator");
  }
  return it->second.get();
}

Result<OperatorAdjudicator::Record*> OperatorAdjudicator::Find(const channel::Params& params) {
  PARLEY_ASSIGN_OR_RETURN(Record * record, Find(scheme_.ComputeChannelId(params)));
  if (!(record->params == params)) {
    return Status::InvalidArgument("the params differ from those the channel was opened with");
  }
  return record;
}

Result<std::vector<mp::PublicNonce>> OperatorAdjudicator::SplitNonces(
    const channel::ChannelId& channel, uint64_t first_version, size_t count) {
  if (count == 0 || count > kMaxNonceBatch) {
    return Status::InvalidArgument("ask for 1 to " + std::to_string(kMaxNonceBatch) +
                                   " nonces at once, not " + std::to_string(count));
  }
  std::lock_guard lock(mu_);
  PARLEY_ASSIGN_OR_RETURN(Record * record, Find(channel));
  if (record->dispute && record->dispute->concluded) {
    return Status::FailedPrecondition("the channel is concluded; no more split nonces");
  }
  std::vector<mp::PublicNonce> nonces;
  for (uint64_t v = first_version; v < first_version + count; ++v) {
    auto it = record->split_nonces.find(v);
    if (it == record->split_nonces.end()) {
      Bytes extra(channel.begin(), channel.end());
      for (int shift = 56; shift >= 0; shift -= 8)
        extra.push_back(static_cast<uint8_t>(v >> shift));
      PARLEY_ASSIGN_OR_RETURN(auto nonce,
                              crypto::two_party::NonceGen(record->operator_share, extra));
      it = record->split_nonces.emplace(v, std::move(nonce)).first;
    }
    nonces.push_back(it->second.public_nonce);
  }
  return nonces;
}

Result<mp::PublicNonce> OperatorAdjudicator::BackupNonce(const channel::ChannelId& channel) {
  std::lock_guard lock(mu_);
  PARLEY_ASSIGN_OR_RETURN(Record * record, Find(channel));
  PARLEY_ASSIGN_OR_RETURN(auto nonce,
                          crypto::two_party::NonceGen(record->operator_share, AsBytes("backup")));
  record->backup_nonce = std::move(nonce);
  return record->backup_nonce->public_nonce;
}

Result<mp::PartialSignature> OperatorAdjudicator::SignBackup(
    const channel::Params& params, const channel::SignedState& checkpoint, uint32_t lock_time,
    const std::array<mp::PublicNonce, kChannelParticipants>& nonces) {
  std::lock_guard lock(mu_);
  PARLEY_ASSIGN_OR_RETURN(Record * record, Find(params));
  if (record->dispute) {
    return Status::FailedPrecondition("the channel is in dispute: no more checkpoints");
  }
  if (!record->backup_nonce) {
    return Status::FailedPrecondition("ask for a BackupNonce before each backup");
  }
  if (checkpoint.state.channel_id != scheme_.ComputeChannelId(params)) {
    return Status::InvalidArgument("the checkpoint is a state of another channel");
  }
  PARLEY_RETURN_IF_ERROR(channel::VerifySignatures(scheme_, params, checkpoint, true));
  if (record->checkpoint_version && checkpoint.state.version < *record->checkpoint_version) {
    return Status::FailedPrecondition(
        "checkpoint version " + std::to_string(checkpoint.state.version) + " is below version " +
        std::to_string(*record->checkpoint_version) + " of the last backup");
  }
  if (lock_time >= record->backup_lock_time || lock_time <= ledger_.Height()) {
    return Status::FailedPrecondition(
        "a backup's lock time must be below " + std::to_string(record->backup_lock_time) +
        " (the last backup's) and above the height " + std::to_string(ledger_.Height()) + "; got " +
        std::to_string(lock_time));
  }
  PARLEY_ASSIGN_OR_RETURN(crypto::Transaction tx,
                          BuildSplit(record->coin, checkpoint.state, lock_time));
  const std::array<mp::PublicNonce, 3> all = {nonces[0], nonces[1],
                                              record->backup_nonce->public_nonce};
  PARLEY_ASSIGN_OR_RETURN(mp::Session session, SplitSession(record->coin, tx, all));
  Result<mp::PartialSignature> partial =
      mp::Sign(record->backup_nonce->secret, record->operator_share, session, kOperatorSigner);
  record->backup_nonce.reset();  // consumed whatever the outcome
  if (!partial.ok()) return partial.status();
  record->backup_lock_time = lock_time;
  record->checkpoint_version = checkpoint.state.version;
  return partial;
}

uint64_t OperatorAdjudicator::Subscribe(const channel::ChannelId& channel, Handler handler) {
  std::lock_guard lock(mu_);
  const uint64_t id = next_subscription_++;
  handlers_.emplace(id, std::make_pair(channel, std::move(handler)));
  return id;
}

void OperatorAdjudicator::Unsubscribe(uint64_t subscription) {
  std::lock_guard lock(mu_);
  handlers_.erase(subscription);
}

void OperatorAdjudicator::Emit(std::vector<Event> events) {
  std::vector<std::pair<channel::ChannelId, Handler>> handlers;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, entry] : handlers_) handlers.push_back(entry);
  }
  for (const Event& event : events) {
    for (const auto& [channel, handler] : handlers) {
      if (channel == event.channel) handler(event);
    }
  }
}

}  // namespace parley::settlement::statechain
