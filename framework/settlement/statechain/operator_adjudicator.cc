// OperatorAdjudicator: nonces, backups and subscriptions. Opening is in
// operator_adjudicator_open.cc, the dispute rules in
// operator_adjudicator_dispute.cc.
#include "parley/settlement/statechain/operator_adjudicator.h"

#include <limits>
#include <string>

#include "channel_records.h"
#include "parley/crypto/secure_erase.h"
#include "parley/crypto/two_party_schnorr.h"

namespace parley::settlement::statechain {

namespace mp = crypto::multi_party;

namespace {

// A fresh nonce of `share`, as stored.
Result<StoredNonce> NewNonce(const crypto::PrivateKey& share, const Bytes& extra) {
  PARLEY_ASSIGN_OR_RETURN(auto nonce, crypto::two_party::NonceGen(share, extra));
  return StoredNonce{.public_nonce = nonce.public_nonce, .secret = nonce.secret.SecretBytes()};
}

// The channel id, then a label and a number: what makes a nonce's extra
// input unique.
Bytes NonceContext(const channel::ChannelId& channel, std::string_view label, uint64_t number) {
  Bytes extra(channel.begin(), channel.end());
  extra.insert(extra.end(), label.begin(), label.end());
  for (int shift = 56; shift >= 0; shift -= 8)
    extra.push_back(static_cast<uint8_t>(number >> shift));
  return extra;
}

}  // namespace

OperatorAdjudicator::OperatorAdjudicator(store::Store& store, CoinLedger& ledger,
                                         const channel::SignatureScheme& scheme)
    : store_(store), ledger_(ledger), scheme_(scheme) {}

OperatorAdjudicator::~OperatorAdjudicator() = default;

Result<ChannelRecord> OperatorAdjudicator::Find(const channel::Params& params) const {
  PARLEY_ASSIGN_OR_RETURN(ChannelRecord record,
                          LoadChannel(store_, scheme_.ComputeChannelId(params)));
  if (!(record.params == params)) {
    return Status::InvalidArgument("the params differ from those the channel was opened with");
  }
  return record;
}

Status OperatorAdjudicator::Save(const ChannelRecord& record, store::WriteBatch batch) {
  batch.Put(ChannelKey(scheme_.ComputeChannelId(record.params)), Encode(record));
  return store_.Write(batch);
}

Result<std::vector<mp::PublicNonce>> OperatorAdjudicator::SplitNonces(
    const channel::ChannelId& channel, uint64_t first_version, size_t count) {
  if (count == 0 || count > kMaxNonceBatch) {
    return Status::InvalidArgument("ask for 1 to " + std::to_string(kMaxNonceBatch) +
                                   " nonces at once, not " + std::to_string(count));
  }
  if (first_version > std::numeric_limits<uint64_t>::max() - (count - 1)) {
    return Status::InvalidArgument(std::to_string(count) + " versions from " +
                                   std::to_string(first_version) + " run past 2^64 - 1");
  }
  std::lock_guard lock(mu_);
  PARLEY_ASSIGN_OR_RETURN(ChannelRecord record, LoadChannel(store_, channel));
  if (record.dispute && record.dispute->concluded) {
    return Status::FailedPrecondition("the channel is concluded; no more split nonces");
  }
  std::optional<crypto::PrivateKey> share;
  store::WriteBatch batch;
  std::vector<mp::PublicNonce> nonces;
  for (uint64_t v = first_version; nonces.size() < count; ++v) {
    Result<StoredNonce> stored = LoadSplitNonce(store_, channel, v);
    if (stored.status().code() == StatusCode::kNotFound) {
      if (!share) {
        PARLEY_ASSIGN_OR_RETURN(share, LoadChannelShare(store_, channel));
      }
      stored = NewNonce(*share, NonceContext(channel, "split", v));
      if (stored.ok()) batch.Put(SplitNonceKey(channel, v), Encode(*stored));
    }
    if (!stored.ok()) return stored.status();
    crypto::SecureErase(stored->secret);
    nonces.push_back(stored->public_nonce);
  }
  // Every new nonce is durable before its public part leaves.
  if (!batch.empty()) PARLEY_RETURN_IF_ERROR(store_.Write(batch));
  return nonces;
}

Result<mp::PublicNonce> OperatorAdjudicator::BackupNonce(const channel::ChannelId& channel) {
  std::lock_guard lock(mu_);
  PARLEY_ASSIGN_OR_RETURN(ChannelRecord record, LoadChannel(store_, channel));
  if (record.dispute) {
    return Status::FailedPrecondition("the channel is in dispute: no more checkpoints");
  }
  PARLEY_ASSIGN_OR_RETURN(crypto::PrivateKey share, LoadChannelShare(store_, channel));
  PARLEY_ASSIGN_OR_RETURN(
      StoredNonce nonce,
      NewNonce(share, NonceContext(channel, "backup", record.checkpoint_version.value_or(0))));
  const Status stored = store_.Put(BackupNonceKey(channel), Encode(nonce));
  crypto::SecureErase(nonce.secret);
  PARLEY_RETURN_IF_ERROR(stored);
  return nonce.public_nonce;
}

Result<mp::PartialSignature> OperatorAdjudicator::SignBackup(
    const channel::Params& params, const channel::SignedState& checkpoint, uint32_t lock_time,
    const std::array<mp::PublicNonce, kChannelParticipants>& nonces) {
  std::lock_guard lock(mu_);
  PARLEY_ASSIGN_OR_RETURN(ChannelRecord record, Find(params));
  const channel::ChannelId id = scheme_.ComputeChannelId(params);
  if (record.dispute) {
    return Status::FailedPrecondition("the channel is in dispute: no more checkpoints");
  }
  Result<StoredNonce> nonce = LoadBackupNonce(store_, id);
  if (nonce.status().code() == StatusCode::kNotFound) {
    return Status::FailedPrecondition(nonce.status().message());
  }
  if (!nonce.ok()) return nonce.status();
  if (checkpoint.state.channel_id != id) {
    return Status::InvalidArgument("the checkpoint is a state of another channel");
  }
  PARLEY_RETURN_IF_ERROR(channel::VerifySignatures(scheme_, params, checkpoint, true));
  if (record.checkpoint_version && checkpoint.state.version < *record.checkpoint_version) {
    return Status::FailedPrecondition(
        "checkpoint version " + std::to_string(checkpoint.state.version) + " is below version " +
        std::to_string(*record.checkpoint_version) + " of the last backup");
  }
  if (lock_time >= record.backup_lock_time || lock_time <= ledger_.Height()) {
    return Status::FailedPrecondition(
        "a backup's lock time must be below " + std::to_string(record.backup_lock_time) +
        " (the last backup's) and above the height " + std::to_string(ledger_.Height()) + "; got " +
        std::to_string(lock_time));
  }
  PARLEY_ASSIGN_OR_RETURN(crypto::Transaction tx,
                          BuildSplit(record.coin, checkpoint.state, lock_time));
  const std::array<mp::PublicNonce, 3> all = {nonces[0], nonces[1], nonce->public_nonce};
  PARLEY_ASSIGN_OR_RETURN(mp::Session session, SplitSession(record.coin, tx, all));
  PARLEY_ASSIGN_OR_RETURN(crypto::PrivateKey share, LoadChannelShare(store_, id));
  Result<mp::SecretNonce> secret = mp::SecretNonce::FromBytes(nonce->secret);
  crypto::SecureErase(nonce->secret);
  if (!secret.ok()) return secret.status();
  Result<mp::PartialSignature> partial = mp::Sign(*secret, share, session, kOperatorSigner);
  // The nonce is consumed whatever the outcome, and its erasure is durable
  // before the signature leaves.
  store::WriteBatch batch;
  batch.Delete(BackupNonceKey(id));
  if (partial.ok()) {
    record.backup_lock_time = lock_time;
    record.checkpoint_version = checkpoint.state.version;
    PARLEY_RETURN_IF_ERROR(Save(record, std::move(batch)));
  } else {
    PARLEY_RETURN_IF_ERROR(store_.Write(batch));
  }
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

void OperatorAdjudicator::Emit(const std::vector<Event>& events) {
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
