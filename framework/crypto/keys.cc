#include "parley/crypto/keys.h"

#include <openssl/crypto.h>
#include <secp256k1_extrakeys.h>

#include <cstdlib>
#include <cstring>

#include "context.h"
#include "parley/crypto/random.h"

namespace parley::crypto {
namespace {

static_assert(sizeof(secp256k1_xonly_pubkey) == 64);
static_assert(sizeof(secp256k1_keypair) == 96);

// For libsecp256k1 calls that cannot fail on keys already validated: a
// failure is a bug, not bad input.
void Must(int secp256k1_result) {
  if (secp256k1_result != 1) std::abort();
}

}  // namespace

Result<PublicKey> PublicKey::FromBytes(ByteView bytes) {
  if (bytes.size() != kSize) {
    return Status::InvalidArgument("a public key is 33 bytes (compressed), got " +
                                   std::to_string(bytes.size()));
  }
  const secp256k1_context* ctx = Secp256k1Context();
  secp256k1_pubkey point;
  if (secp256k1_ec_pubkey_parse(ctx, &point, bytes.data(), bytes.size()) != 1) {
    return Status::InvalidArgument("public key " + parley::ToHex(bytes) +
                                   " is not a secp256k1 point");
  }
  PublicKey key;
  std::copy(bytes.begin(), bytes.end(), key.encoded_.begin());
  secp256k1_xonly_pubkey xonly;
  Must(secp256k1_xonly_pubkey_from_pubkey(ctx, &xonly, nullptr, &point));
  std::memcpy(key.xonly_parsed_.data(), &xonly, sizeof xonly);
  return key;
}

Result<PublicKey> PublicKey::FromHex(std::string_view hex) {
  PARLEY_ASSIGN_OR_RETURN(Bytes bytes, parley::FromHex(hex));
  return FromBytes(bytes);
}

Hash32 PublicKey::XOnly() const {
  Hash32 out;
  std::copy(encoded_.begin() + 1, encoded_.end(), out.begin());
  return out;
}

PrivateKey PrivateKey::Generate() {
  for (;;) {  // a random 32 bytes is out of range with probability ~2^-128
    Hash32 secret = RandomHash32();
    auto key = FromBytes(secret);
    OPENSSL_cleanse(secret.data(), secret.size());
    if (key.ok()) return std::move(key).value();
  }
}

Result<PrivateKey> PrivateKey::FromBytes(ByteView bytes) {
  if (bytes.size() != kSize) {
    return Status::InvalidArgument("a private key is 32 bytes, got " +
                                   std::to_string(bytes.size()));
  }
  const secp256k1_context* ctx = Secp256k1Context();
  secp256k1_keypair keypair;
  if (secp256k1_keypair_create(ctx, &keypair, bytes.data()) != 1) {
    return Status::InvalidArgument("private key is zero or not below the curve order");
  }
  secp256k1_pubkey point;
  Must(secp256k1_keypair_pub(ctx, &point, &keypair));
  PublicKey::Encoded encoded;
  size_t len = encoded.size();
  Must(secp256k1_ec_pubkey_serialize(ctx, encoded.data(), &len, &point, SECP256K1_EC_COMPRESSED));

  PrivateKey key;
  std::memcpy(key.keypair_.data(), &keypair, sizeof keypair);
  OPENSSL_cleanse(&keypair, sizeof keypair);
  key.public_key_ = PublicKey::FromBytes(encoded).value();
  return key;
}

Result<PrivateKey> PrivateKey::FromHex(std::string_view hex) {
  PARLEY_ASSIGN_OR_RETURN(Bytes bytes, parley::FromHex(hex));
  auto key = FromBytes(bytes);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return key;
}

PrivateKey::~PrivateKey() { OPENSSL_cleanse(keypair_.data(), keypair_.size()); }

std::array<uint8_t, PrivateKey::kSize> PrivateKey::SecretBytes() const {
  secp256k1_keypair keypair;
  std::memcpy(&keypair, keypair_.data(), sizeof keypair);
  std::array<uint8_t, kSize> out;
  Must(secp256k1_keypair_sec(Secp256k1Context(), out.data(), &keypair));
  OPENSSL_cleanse(&keypair, sizeof keypair);
  return out;
}

}  // namespace parley::crypto
