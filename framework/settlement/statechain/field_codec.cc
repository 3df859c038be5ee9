#include "field_codec.h"

#include <string>

#include "parley/crypto/bitcoin_tx.h"
#include "parley/crypto/secure_erase.h"

namespace parley::settlement::statechain {

Result<crypto::PublicKey> ReadPublicKey(Reader& r) {
  crypto::PublicKey::Encoded bytes;
  PARLEY_RETURN_IF_ERROR(r.Fixed(&bytes));
  return crypto::PublicKey::FromBytes(bytes);
}

void WritePrivateKey(Writer& w, const crypto::PrivateKey& key) {
  std::array<uint8_t, crypto::PrivateKey::kSize> secret = key.SecretBytes();
  w.Fixed(secret);
  crypto::SecureErase(secret);
}

Result<crypto::PrivateKey> ReadPrivateKey(Reader& r) {
  std::array<uint8_t, crypto::PrivateKey::kSize> secret{};
  PARLEY_RETURN_IF_ERROR(r.Fixed(&secret));
  Result<crypto::PrivateKey> key = crypto::PrivateKey::FromBytes(secret);
  crypto::SecureErase(secret);
  return key;
}

void WriteCoinOutput(Writer& w, const CoinOutput& output) {
  w.Fixed(output.outpoint.txid);
  w.U32(output.outpoint.index);
  w.U64(static_cast<uint64_t>(output.amount_sats));
  w.Fixed(output.output_key);
}

Status ReadCoinOutput(Reader& r, CoinOutput* output) {
  PARLEY_RETURN_IF_ERROR(r.Fixed(&output->outpoint.txid));
  PARLEY_RETURN_IF_ERROR(r.U32(&output->outpoint.index));
  uint64_t amount = 0;
  PARLEY_RETURN_IF_ERROR(r.U64(&amount));
  output->amount_sats = static_cast<int64_t>(amount);
  return r.Fixed(&output->output_key);
}

Status CheckCoinAmount(int64_t amount_sats) {
  // As unsigned, so that an amount written above INT64_MAX is out of range too.
  const uint64_t amount = static_cast<uint64_t>(amount_sats);
  if (amount == 0 || amount > static_cast<uint64_t>(crypto::kMaxMoney)) {
    return Status::Corruption("coin amount " + std::to_string(amount) + " out of range");
  }
  return Status::Ok();
}

}  // namespace parley::settlement::statechain
