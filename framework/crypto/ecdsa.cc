#include "parley/crypto/ecdsa.h"

#include <openssl/crypto.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_recovery.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

#include "context.h"
#include "parley/crypto/hash.h"

namespace parley::crypto {
namespace {

constexpr uint8_t kFirstV = 27;  // v of recovery id 0
constexpr size_t kAddressHexDigits = 2 * std::tuple_size_v<EthAddress>;

// For libsecp256k1 calls that cannot fail on keys already validated: a
// failure is a bug, not bad input.
void Must(int secp256k1_result) {
  if (secp256k1_result != 1) std::abort();
}

}  // namespace

EthAddress EthereumAddress(const PublicKey& key) {
  const secp256k1_context* ctx = Secp256k1Context();
  secp256k1_pubkey point;
  Must(secp256k1_ec_pubkey_parse(ctx, &point, key.bytes().data(), key.bytes().size()));
  std::array<uint8_t, 65> uncompressed;  // 0x04 || x || y
  size_t len = uncompressed.size();
  Must(secp256k1_ec_pubkey_serialize(ctx, uncompressed.data(), &len, &point,
                                     SECP256K1_EC_UNCOMPRESSED));
  Hash32 hash = Keccak256(ByteView(uncompressed).subspan(1));
  EthAddress address;
  std::copy(hash.end() - address.size(), hash.end(), address.begin());
  return address;
}

std::string AddressToHex(const EthAddress& address) { return "0x" + ToHex(address); }

Result<EthAddress> AddressFromHex(std::string_view hex) {
  if (!hex.starts_with("0x") || hex.size() != 2 + kAddressHexDigits) {
    return Status::InvalidArgument("an Ethereum address is \"0x\" and 40 hex digits, got \"" +
                                   std::string(hex) + "\"");
  }
  auto address = FixedFromHex<std::tuple_size_v<EthAddress>>(hex);
  if (!address.ok()) {
    return address.status().WithContext("Ethereum address \"" + std::string(hex) + "\"");
  }
  return address;
}

RecoverableSignature EcdsaSign(const PrivateKey& key, const Hash32& digest) {
  const secp256k1_context* ctx = Secp256k1Context();
  secp256k1_keypair keypair;
  std::memcpy(&keypair, key.keypair_.data(), sizeof keypair);
  std::array<uint8_t, PrivateKey::kSize> secret;
  Must(secp256k1_keypair_sec(ctx, secret.data(), &keypair));
  OPENSSL_cleanse(&keypair, sizeof keypair);

  // A null nonce function selects RFC 6979; libsecp256k1 yields a low s.
  secp256k1_ecdsa_recoverable_signature signature;
  int signed_ok = secp256k1_ecdsa_sign_recoverable(ctx, &signature, digest.data(), secret.data(),
                                                   nullptr, nullptr);
  OPENSSL_cleanse(secret.data(), secret.size());
  Must(signed_ok);

  RecoverableSignature out;
  int recovery_id = 0;
  Must(secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, out.data(), &recovery_id,
                                                               &signature));
  out[64] = static_cast<uint8_t>(kFirstV + recovery_id);
  return out;
}

Result<PublicKey> EcdsaRecover(const Hash32& digest, ByteView signature) {
  if (signature.size() != std::tuple_size_v<RecoverableSignature>) {
    return Status::InvalidArgument("an ECDSA signature is 65 bytes (r, s, v), got " +
                                   std::to_string(signature.size()));
  }
  const uint8_t v = signature[64];
  if (v != kFirstV && v != kFirstV + 1) {
    return Status::InvalidArgument("ECDSA signature has v = " + std::to_string(v) +
                                   "; expected 27 or 28");
  }
  const secp256k1_context* ctx = Secp256k1Context();
  secp256k1_ecdsa_recoverable_signature recoverable;
  if (secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &recoverable, signature.data(),
                                                          v - kFirstV) != 1) {
    return Status::InvalidArgument("ECDSA signature has r or s not below the curve order");
  }
  secp256k1_ecdsa_signature plain;
  Must(secp256k1_ecdsa_recoverable_signature_convert(ctx, &plain, &recoverable));
  if (secp256k1_ecdsa_signature_normalize(ctx, nullptr, &plain) == 1) {
    return Status::InvalidArgument(
        "ECDSA signature has s in the upper half of the curve order (malleable); use low s");
  }
  secp256k1_pubkey point;
  if (secp256k1_ecdsa_recover(ctx, &point, &recoverable, digest.data()) != 1) {
    return Status::InvalidArgument("ECDSA signature recovers no public key");
  }
  PublicKey::Encoded encoded;
  size_t len = encoded.size();
  Must(secp256k1_ec_pubkey_serialize(ctx, encoded.data(), &len, &point, SECP256K1_EC_COMPRESSED));
  return PublicKey::FromBytes(encoded);
}

}  // namespace parley::crypto
