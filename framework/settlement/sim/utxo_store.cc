#include "utxo_store.h"

#include <string>

#include "parley/util/codec.h"

namespace parley::settlement {

using crypto::OutPoint;

namespace {

constexpr std::string_view kCoinPrefix = "utxo/coin/";
constexpr std::string_view kTxPrefix = "utxo/tx/";
constexpr std::string_view kFaucetKey = "utxo/faucet";

std::string IndexHex(uint32_t index) {
  const uint8_t bytes[4] = {static_cast<uint8_t>(index >> 24), static_cast<uint8_t>(index >> 16),
                            static_cast<uint8_t>(index >> 8), static_cast<uint8_t>(index)};
  return ToHex(bytes);
}

Bytes EncodeCoin(const Utxo& utxo) {
  Writer w;
  w.U64(utxo.height);
  w.U64(static_cast<uint64_t>(utxo.output.amount_sats));
  w.Var(utxo.output.script_pubkey);
  return w.Take();
}

Result<Utxo> DecodeCoin(ByteView bytes) {
  Reader r(bytes, "stored output");
  Utxo utxo;
  uint64_t sats = 0;
  PARLEY_RETURN_IF_ERROR(r.U64(&utxo.height));
  PARLEY_RETURN_IF_ERROR(r.U64(&sats));
  utxo.output.amount_sats = static_cast<int64_t>(sats);  // Restore checks the range
  PARLEY_RETURN_IF_ERROR(r.Var(kMaxScriptSize, &utxo.output.script_pubkey));
  PARLEY_RETURN_IF_ERROR(r.Finish());
  return utxo;
}

Bytes EncodeRecord(const TxRecord& record) {
  Writer w;
  w.U64(record.height);
  w.U32(record.output_count);
  return w.Take();
}

Result<TxRecord> DecodeRecord(ByteView bytes) {
  Reader r(bytes, "stored transaction record");
  TxRecord record;
  PARLEY_RETURN_IF_ERROR(r.U64(&record.height));
  PARLEY_RETURN_IF_ERROR(r.U32(&record.output_count));
  PARLEY_RETURN_IF_ERROR(r.Finish());
  return record;
}

// The outpoint a coin key names, if it is the canonical key of one.
Result<OutPoint> ParseCoinKey(std::string_view key) {
  std::string_view rest = key.substr(kCoinPrefix.size());
  auto txid = FixedFromHex<32>(rest.substr(0, 64));
  auto index = FixedFromHex<4>(rest.size() > 65 ? rest.substr(65) : std::string_view());
  if (!txid.ok() || !index.ok()) return Status::InvalidArgument("not a key of an output");
  OutPoint outpoint{.txid = *txid,
                    .index = uint32_t{(*index)[0]} << 24 | uint32_t{(*index)[1]} << 16 |
                             uint32_t{(*index)[2]} << 8 | (*index)[3]};
  if (UtxoCoinKey(outpoint) != key) return Status::InvalidArgument("not a canonical output key");
  return outpoint;
}

Result<Hash32> ParseTxKey(std::string_view key) {
  auto txid = FixedFromHex<32>(key.substr(kTxPrefix.size()));
  if (!txid.ok() || UtxoTxKey(*txid) != key) {
    return Status::InvalidArgument("not a canonical transaction key");
  }
  return *txid;
}

}  // namespace

std::string UtxoCoinKey(const OutPoint& outpoint) {
  return std::string(kCoinPrefix) + ToHex(outpoint.txid) + "/" + IndexHex(outpoint.index);
}

std::string UtxoTxKey(const Hash32& txid) { return std::string(kTxPrefix) + ToHex(txid); }

store::WriteBatch UtxoBatch(const UtxoChange& change) {
  store::WriteBatch batch;
  for (const OutPoint& outpoint : change.spent) batch.Delete(UtxoCoinKey(outpoint));
  for (const auto& [outpoint, utxo] : change.created) {
    batch.Put(UtxoCoinKey(outpoint), EncodeCoin(utxo));
  }
  batch.Put(UtxoTxKey(change.txid), EncodeRecord(change.record));
  if (change.faucet_count) {
    Writer w;
    w.U64(*change.faucet_count);
    batch.Put(std::string(kFaucetKey), w.Take());
  }
  return batch;
}

Result<UtxoSet> LoadUtxoSet(const store::Store& store, uint64_t max_height) {
  std::map<OutPoint, Utxo> coins;
  std::map<Hash32, TxRecord> txs;
  uint64_t faucet_count = 0;
  Status error;
  auto keep_first = [&](const Status& s, std::string_view key) {
    if (error.ok() && !s.ok()) error = s.WithContext(std::string(key));
  };
  PARLEY_RETURN_IF_ERROR(store.Scan(kCoinPrefix, [&](std::string_view key, ByteView value) {
    auto outpoint = ParseCoinKey(key);
    auto utxo = DecodeCoin(value);
    keep_first(!outpoint.ok() ? outpoint.status() : utxo.status(), key);
    if (outpoint.ok() && utxo.ok()) coins[*outpoint] = std::move(utxo).value();
  }));
  PARLEY_RETURN_IF_ERROR(store.Scan(kTxPrefix, [&](std::string_view key, ByteView value) {
    auto txid = ParseTxKey(key);
    auto record = DecodeRecord(value);
    keep_first(!txid.ok() ? txid.status() : record.status(), key);
    if (txid.ok() && record.ok()) txs[*txid] = *record;
  }));
  auto faucet = store.Get(kFaucetKey);
  if (faucet.ok()) {
    Reader r(*faucet, "faucet count");
    Status decoded = r.U64(&faucet_count);
    keep_first(decoded.ok() ? r.Finish() : decoded, kFaucetKey);
  } else if (faucet.status().code() != StatusCode::kNotFound) {
    return faucet.status();
  }
  if (error.ok()) {
    auto set = UtxoSet::Restore(std::move(coins), std::move(txs), faucet_count, max_height);
    if (set.ok()) return set;
    error = set.status();
  }
  return Status::Corruption("the stored UTXO set does not load: " + error.message());
}

}  // namespace parley::settlement
