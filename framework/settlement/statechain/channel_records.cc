#include "channel_records.h"

#include <cstdio>
#include <string_view>
#include <utility>
#include <vector>

#include "field_codec.h"
#include "parley/channel/encoding.h"
#include "parley/crypto/secure_erase.h"
#include "parley/util/codec.h"

namespace parley::settlement::statechain {
namespace {

// Bounds for decoding: a payout script (the sim ledger's limit) and a split
// transaction (one input, two outputs, one signature).
constexpr size_t kMaxScriptSize = 10'000;
constexpr size_t kMaxSplitSize = 2 * kMaxScriptSize + 1'000;

Status Corrupt(const std::string& key, const Status& why) {
  return Status::Corruption("statechain channel record " + key +
                            " does not decode: " + why.message());
}

Result<Bytes> Get(const store::Store& store, const std::string& key, const std::string& missing) {
  Result<Bytes> bytes = store.Get(key);
  if (bytes.status().code() == StatusCode::kNotFound) return Status::NotFound(missing);
  return bytes;
}

void WriteOptionalU64(Writer& w, const std::optional<uint64_t>& value) {
  w.Bool(value.has_value());
  if (value) w.U64(*value);
}

Status ReadOptionalU64(Reader& r, std::optional<uint64_t>* value) {
  bool present = false;
  PARLEY_RETURN_IF_ERROR(r.Bool(&present));
  if (!present) return Status::Ok();
  uint64_t v = 0;
  PARLEY_RETURN_IF_ERROR(r.U64(&v));
  *value = v;
  return Status::Ok();
}

void WriteDispute(Writer& w, const std::optional<Dispute>& dispute) {
  w.Bool(dispute.has_value());
  if (!dispute) return;
  channel::Write(w, dispute->state);
  w.U64(dispute->timeout);
  w.Bool(dispute->progressing);
  w.Bool(dispute->concluded);
}

Status ReadDispute(Reader& r, std::optional<Dispute>* dispute) {
  bool present = false;
  PARLEY_RETURN_IF_ERROR(r.Bool(&present));
  if (!present) return Status::Ok();
  Dispute d;
  PARLEY_RETURN_IF_ERROR(channel::Read(r, &d.state));
  PARLEY_RETURN_IF_ERROR(r.U64(&d.timeout));
  PARLEY_RETURN_IF_ERROR(r.Bool(&d.progressing));
  PARLEY_RETURN_IF_ERROR(r.Bool(&d.concluded));
  *dispute = std::move(d);
  return Status::Ok();
}

Result<ChannelRecord> DecodeChannel(ByteView bytes) {
  Reader r(bytes, "channel record");
  channel::Params params;
  PARLEY_RETURN_IF_ERROR(channel::Read(r, &params));
  PARLEY_ASSIGN_OR_RETURN(ChannelCoin coin, ReadCoin(r));
  ChannelRecord record{.params = std::move(params), .coin = std::move(coin)};
  PARLEY_RETURN_IF_ERROR(r.U32(&record.backup_lock_time));
  PARLEY_RETURN_IF_ERROR(ReadOptionalU64(r, &record.checkpoint_version));
  PARLEY_RETURN_IF_ERROR(ReadDispute(r, &record.dispute));
  bool has_split = false;
  PARLEY_RETURN_IF_ERROR(r.Bool(&has_split));
  if (has_split) {
    Bytes tx;
    PARLEY_RETURN_IF_ERROR(r.Var(kMaxSplitSize, &tx));
    PARLEY_ASSIGN_OR_RETURN(record.signed_split, crypto::ParseTransaction(tx));
  }
  PARLEY_RETURN_IF_ERROR(r.Bool(&record.paid));
  for (bool& withdrawn : record.withdrawn) PARLEY_RETURN_IF_ERROR(r.Bool(&withdrawn));
  if (r.remaining() > 0) {
    Hash32 coin_id{};
    PARLEY_RETURN_IF_ERROR(r.Fixed(&coin_id));
    record.coin_id = coin_id;
  }
  PARLEY_RETURN_IF_ERROR(r.Finish());
  return record;
}

Result<StoredNonce> DecodeNonce(ByteView bytes) {
  Reader r(bytes, "nonce record");
  StoredNonce nonce;
  PARLEY_RETURN_IF_ERROR(r.Fixed(&nonce.public_nonce));
  PARLEY_RETURN_IF_ERROR(r.Fixed(&nonce.secret));
  PARLEY_RETURN_IF_ERROR(r.Finish());
  return nonce;
}

Result<StoredNonce> LoadNonceAt(const store::Store& store, const std::string& key,
                                const std::string& missing) {
  PARLEY_ASSIGN_OR_RETURN(Bytes bytes, Get(store, key, missing));
  Result<StoredNonce> nonce = DecodeNonce(bytes);
  crypto::SecureErase(bytes);
  if (!nonce.ok()) return Corrupt(key, nonce.status());
  return nonce;
}

std::string VersionHex(uint64_t version) {
  char digits[17];
  std::snprintf(digits, sizeof digits, "%016llx", static_cast<unsigned long long>(version));
  return digits;
}

}  // namespace

void WriteCoin(Writer& w, const ChannelCoin& coin) {
  WriteCoinOutput(w, coin.coin);
  for (const crypto::PublicKey& share : coin.shares) w.Fixed(share.bytes());
  for (const Bytes& script : coin.payout_scripts) w.Var(script);
  w.U64(static_cast<uint64_t>(coin.fee_sats));
}

Result<ChannelCoin> ReadCoin(Reader& r) {
  CoinOutput output;
  PARLEY_RETURN_IF_ERROR(ReadCoinOutput(r, &output));
  PARLEY_RETURN_IF_ERROR(CheckCoinAmount(output.amount_sats));
  PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey a, ReadPublicKey(r));
  PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey b, ReadPublicKey(r));
  PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey s, ReadPublicKey(r));
  ChannelCoin coin{.coin = output, .shares = {a, b, s}};
  for (Bytes& script : coin.payout_scripts) {
    PARLEY_RETURN_IF_ERROR(r.Var(kMaxScriptSize, &script));
  }
  uint64_t fee = 0;
  PARLEY_RETURN_IF_ERROR(r.U64(&fee));
  if (fee >= static_cast<uint64_t>(output.amount_sats)) {
    return Status::Corruption("split fee " + std::to_string(fee) + " too high");
  }
  coin.fee_sats = static_cast<int64_t>(fee);
  return coin;
}

std::string ChannelKey(const channel::ChannelId& id) { return "statechain/channel/" + ToHex(id); }
std::string ChannelShareKey(const channel::ChannelId& id) {
  return "statechain/channel-share/" + ToHex(id);
}
std::string SplitNoncePrefix(const channel::ChannelId& id) {
  return "statechain/channel-nonce/" + ToHex(id) + "/";
}
std::string SplitNonceKey(const channel::ChannelId& id, uint64_t version) {
  return SplitNoncePrefix(id) + VersionHex(version);
}
std::string BackupNonceKey(const channel::ChannelId& id) {
  return "statechain/channel-backup-nonce/" + ToHex(id);
}

Bytes Encode(const ChannelRecord& record) {
  Writer w;
  channel::Write(w, record.params);
  WriteCoin(w, record.coin);
  w.U32(record.backup_lock_time);
  WriteOptionalU64(w, record.checkpoint_version);
  WriteDispute(w, record.dispute);
  w.Bool(record.signed_split.has_value());
  if (record.signed_split) w.Var(crypto::Serialize(*record.signed_split));
  w.Bool(record.paid);
  for (bool withdrawn : record.withdrawn) w.Bool(withdrawn);
  // Last, and only when set, so that records written before it decode.
  if (record.coin_id) w.Fixed(*record.coin_id);
  return w.Take();
}

Bytes Encode(const StoredNonce& nonce) {
  Writer w;
  w.Fixed(nonce.public_nonce);
  w.Fixed(nonce.secret);
  return w.Take();
}

Bytes EncodeSecret(const crypto::PrivateKey& share) {
  Hash32 secret = share.SecretBytes();
  Bytes bytes(secret.begin(), secret.end());
  crypto::SecureErase(secret);
  return bytes;
}

Result<ChannelRecord> LoadChannel(const store::Store& store, const channel::ChannelId& id) {
  const std::string key = ChannelKey(id);
  PARLEY_ASSIGN_OR_RETURN(
      Bytes bytes,
      Get(store, key, "no channel " + ToHex(id) + " is open on a coin of this operator"));
  Result<ChannelRecord> record = DecodeChannel(bytes);
  if (!record.ok()) return Corrupt(key, record.status());
  return record;
}

Result<crypto::PrivateKey> LoadChannelShare(const store::Store& store,
                                            const channel::ChannelId& id) {
  const std::string key = ChannelShareKey(id);
  PARLEY_ASSIGN_OR_RETURN(Bytes bytes, Get(store, key,
                                           "the operator holds no share of channel " + ToHex(id) +
                                               "'s coin (its split is broadcast)"));
  Result<crypto::PrivateKey> share = crypto::PrivateKey::FromBytes(bytes);
  crypto::SecureErase(bytes);
  if (!share.ok()) return Corrupt(key, share.status());
  return share;
}

Result<StoredNonce> LoadSplitNonce(const store::Store& store, const channel::ChannelId& id,
                                   uint64_t version) {
  return LoadNonceAt(store, SplitNonceKey(id, version),
                     "the operator holds no split nonce for version " + std::to_string(version) +
                         " of channel " + ToHex(id));
}

Result<StoredNonce> LoadBackupNonce(const store::Store& store, const channel::ChannelId& id) {
  return LoadNonceAt(store, BackupNonceKey(id), "ask for a BackupNonce before each backup");
}

Status DeleteSplitNonces(const store::Store& store, const channel::ChannelId& id,
                         std::optional<uint64_t> keep, store::WriteBatch* batch) {
  const std::string kept = keep ? SplitNonceKey(id, *keep) : std::string();
  std::vector<std::string> keys;
  PARLEY_RETURN_IF_ERROR(store.Scan(SplitNoncePrefix(id), [&](std::string_view key, ByteView) {
    if (key != kept) keys.emplace_back(key);
  }));
  for (std::string& key : keys) batch->Delete(std::move(key));
  return Status::Ok();
}

}  // namespace parley::settlement::statechain
