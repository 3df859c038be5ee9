#include "records.h"

#include <vector>

#include "field_codec.h"
#include "parley/crypto/secure_erase.h"
#include "parley/util/codec.h"

namespace parley::settlement::statechain {
namespace {

constexpr size_t kSecretNonceSize = crypto::two_party::SecretNonce::kSize;

std::string Hex(const Hash32& id) { return ToHex(id); }

Status Corrupt(const std::string& key, const Status& why) {
  return Status::Corruption("statechain record " + key + " does not decode: " + why.message());
}

Result<Bytes> Get(const store::Store& store, const std::string& key, const std::string& missing) {
  Result<Bytes> bytes = store.Get(key);
  if (bytes.status().code() == StatusCode::kNotFound) return Status::NotFound(missing);
  return bytes;
}

Result<CoinRecord> DecodeCoin(ByteView bytes) {
  Reader r(bytes, "coin record");
  uint8_t status = 0;
  PARLEY_RETURN_IF_ERROR(r.U8(&status));
  if (status != static_cast<uint8_t>(CoinStatus::kActive) &&
      status != static_cast<uint8_t>(CoinStatus::kWithdrawn) &&
      status != static_cast<uint8_t>(CoinStatus::kInChannel)) {
    return Status::Corruption("unknown coin status " + std::to_string(status));
  }
  PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey coin_key, ReadPublicKey(r));
  PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey auth_key, ReadPublicKey(r));
  CoinRecord record{
      .status = static_cast<CoinStatus>(status), .coin_key = coin_key, .auth_key = auth_key};
  PARLEY_RETURN_IF_ERROR(r.U64(&record.signature_count));
  PARLEY_RETURN_IF_ERROR(r.U32(&record.lock_time));
  // Only a coin in a channel has more: the channel's id.
  if (record.status == CoinStatus::kInChannel) {
    Hash32 channel_id{};
    PARLEY_RETURN_IF_ERROR(r.Fixed(&channel_id));
    record.channel_id = channel_id;
  }
  PARLEY_RETURN_IF_ERROR(r.Finish());
  return record;
}

Result<TransferRecord> DecodeTransfer(ByteView bytes) {
  Reader r(bytes, "transfer record");
  PARLEY_ASSIGN_OR_RETURN(crypto::PrivateKey x, ReadPrivateKey(r));
  PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey receiver, ReadPublicKey(r));
  TransferRecord record{.x = x, .receiver_auth_key = receiver};
  PARLEY_RETURN_IF_ERROR(r.U32(&record.next_lock_time));
  PARLEY_RETURN_IF_ERROR(r.Finish());
  return record;
}

Result<NonceRecord> DecodeNonce(ByteView bytes) {
  Reader r(bytes, "nonce record");
  PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey issued_to, ReadPublicKey(r));
  NonceRecord record{.issued_to = issued_to};
  PARLEY_RETURN_IF_ERROR(r.Fixed(&record.public_nonce));
  bool has_secret = false;
  PARLEY_RETURN_IF_ERROR(r.Bool(&has_secret));
  if (has_secret) {
    Bytes secret;
    PARLEY_RETURN_IF_ERROR(r.Raw(kSecretNonceSize, &secret));
    record.secret = std::move(secret);
  }
  PARLEY_RETURN_IF_ERROR(r.Finish());
  return record;
}

}  // namespace

std::string CoinRecordKey(const CoinId& coin_id) { return "statechain/coin/" + Hex(coin_id); }
std::string ShareKey(const CoinId& coin_id) { return "statechain/share/" + Hex(coin_id); }
std::string TransferKey(const CoinId& coin_id) { return "statechain/transfer/" + Hex(coin_id); }
std::string NoncePrefix(const CoinId& coin_id) { return "statechain/nonce/" + Hex(coin_id) + "/"; }
std::string NonceKey(const CoinId& coin_id, const Hash32& nonce_id) {
  return NoncePrefix(coin_id) + Hex(nonce_id);
}

Bytes Encode(const CoinRecord& record) {
  Writer w;
  w.U8(static_cast<uint8_t>(record.status));
  w.Fixed(record.coin_key.bytes());
  w.Fixed(record.auth_key.bytes());
  w.U64(record.signature_count);
  w.U32(record.lock_time);
  if (record.status == CoinStatus::kInChannel) w.Fixed(record.channel_id.value_or(Hash32{}));
  return w.Take();
}

Bytes Encode(const TransferRecord& record) {
  Writer w;
  WritePrivateKey(w, record.x);
  w.Fixed(record.receiver_auth_key.bytes());
  w.U32(record.next_lock_time);
  return w.Take();
}

Bytes Encode(const NonceRecord& record) {
  Writer w;
  w.Fixed(record.issued_to.bytes());
  w.Fixed(record.public_nonce);
  w.Bool(record.secret.has_value());
  if (record.secret) w.Raw(*record.secret);
  return w.Take();
}

Result<CoinRecord> LoadCoin(const store::Store& store, const CoinId& coin_id) {
  const std::string key = CoinRecordKey(coin_id);
  PARLEY_ASSIGN_OR_RETURN(
      Bytes bytes,
      Get(store, key, "the operator knows no coin " + Hex(coin_id) + ": check the coin id"));
  Result<CoinRecord> record = DecodeCoin(bytes);
  if (!record.ok()) return Corrupt(key, record.status());
  return record;
}

Result<crypto::PrivateKey> LoadShare(const store::Store& store, const CoinId& coin_id) {
  const std::string key = ShareKey(coin_id);
  PARLEY_ASSIGN_OR_RETURN(Bytes bytes, Get(store, key,
                                           "the operator holds no share of coin " + Hex(coin_id) +
                                               " (it was withdrawn)"));
  Result<crypto::PrivateKey> share = crypto::PrivateKey::FromBytes(bytes);
  crypto::SecureErase(bytes);
  if (!share.ok()) return Corrupt(key, share.status());
  return share;
}

Result<TransferRecord> LoadTransfer(const store::Store& store, const CoinId& coin_id) {
  const std::string key = TransferKey(coin_id);
  PARLEY_ASSIGN_OR_RETURN(
      Bytes bytes, Get(store, key,
                       "coin " + Hex(coin_id) +
                           " has no pending transfer (it was never started, was completed, or "
                           "the coin was withdrawn): the sender must start one"));
  Result<TransferRecord> record = DecodeTransfer(bytes);
  crypto::SecureErase(bytes);
  if (!record.ok()) return Corrupt(key, record.status());
  return record;
}

Result<NonceRecord> LoadNonce(const store::Store& store, const CoinId& coin_id,
                              const Hash32& nonce_id) {
  const std::string key = NonceKey(coin_id, nonce_id);
  PARLEY_ASSIGN_OR_RETURN(
      Bytes bytes, Get(store, key,
                       "the operator issued no nonce " + Hex(nonce_id) + " for coin " +
                           Hex(coin_id) + " (or it was dropped at a transfer): call NonceCommit"));
  Result<NonceRecord> record = DecodeNonce(bytes);
  crypto::SecureErase(bytes);
  if (!record.ok()) return Corrupt(key, record.status());
  return record;
}

Status DeleteNonces(const store::Store& store, const CoinId& coin_id, store::WriteBatch* batch) {
  std::vector<std::string> keys;
  PARLEY_RETURN_IF_ERROR(store.Scan(
      NoncePrefix(coin_id), [&](std::string_view key, ByteView) { keys.emplace_back(key); }));
  for (std::string& key : keys) batch->Delete(std::move(key));
  return Status::Ok();
}

}  // namespace parley::settlement::statechain
