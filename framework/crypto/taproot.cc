#include "parley/crypto/taproot.h"

#include <openssl/crypto.h>
#include <secp256k1_extrakeys.h>

#include <algorithm>

#include "context.h"
#include "parley/crypto/bitcoin_tx.h"
#include "parley/crypto/hash.h"

namespace parley::crypto {

Hash32 TapLeafHash(uint8_t leaf_version, ByteView script) {
  Bytes data{leaf_version};
  AppendWithLength(&data, script);
  return TaggedHash("TapLeaf", data);
}

Hash32 TapBranchHash(const Hash32& a, const Hash32& b) {
  const auto& [first, second] = std::minmax(a, b);
  Bytes data(first.begin(), first.end());
  data.insert(data.end(), second.begin(), second.end());
  return TaggedHash("TapBranch", data);
}

Hash32 TapTweakHash(const Hash32& internal_key, const std::optional<Hash32>& merkle_root) {
  Bytes data(internal_key.begin(), internal_key.end());
  if (merkle_root) data.insert(data.end(), merkle_root->begin(), merkle_root->end());
  return TaggedHash("TapTweak", data);
}

Result<TaprootOutputKey> TweakPublicKey(const Hash32& internal_key,
                                        const std::optional<Hash32>& merkle_root) {
  const secp256k1_context* ctx = Secp256k1Context();
  secp256k1_xonly_pubkey internal;
  if (secp256k1_xonly_pubkey_parse(ctx, &internal, internal_key.data()) != 1) {
    return Status::InvalidArgument("taproot internal key " + ToHex(internal_key) +
                                   " is not the x coordinate of a secp256k1 point");
  }
  const Hash32 tweak = TapTweakHash(internal_key, merkle_root);
  secp256k1_pubkey output;
  if (secp256k1_xonly_pubkey_tweak_add(ctx, &output, &internal, tweak.data()) != 1) {
    return Status::InvalidArgument("the taproot tweak of " + ToHex(internal_key) +
                                   " is out of range or gives the point at infinity");
  }
  secp256k1_xonly_pubkey output_xonly;
  int parity = 0;
  TaprootOutputKey key;
  if (secp256k1_xonly_pubkey_from_pubkey(ctx, &output_xonly, &parity, &output) != 1 ||
      secp256k1_xonly_pubkey_serialize(ctx, key.x_only.data(), &output_xonly) != 1) {
    return Status::Internal("libsecp256k1 failed to serialize a tweaked key");
  }
  key.odd_y = parity == 1;
  return key;
}

Result<PrivateKey> TweakPrivateKey(const PrivateKey& internal_key,
                                   const std::optional<Hash32>& merkle_root) {
  const secp256k1_context* ctx = Secp256k1Context();
  const Hash32 tweak = TapTweakHash(internal_key.public_key().XOnly(), merkle_root);
  std::array<uint8_t, PrivateKey::kSize> secret = internal_key.SecretBytes();
  secp256k1_keypair keypair;
  // keypair_xonly_tweak_add negates the secret first when P has odd y.
  bool ok = secp256k1_keypair_create(ctx, &keypair, secret.data()) == 1 &&
            secp256k1_keypair_xonly_tweak_add(ctx, &keypair, tweak.data()) == 1 &&
            secp256k1_keypair_sec(ctx, secret.data(), &keypair) == 1;
  OPENSSL_cleanse(&keypair, sizeof keypair);
  if (!ok) {
    OPENSSL_cleanse(secret.data(), secret.size());
    return Status::InvalidArgument("the taproot tweak is out of range or gives a zero key");
  }
  Result<PrivateKey> tweaked = PrivateKey::FromBytes(secret);
  OPENSSL_cleanse(secret.data(), secret.size());
  return tweaked;
}

std::array<uint8_t, 34> TaprootScriptPubKey(const Hash32& output_key) {
  std::array<uint8_t, 34> script{0x51, 0x20};  // OP_1, push 32 bytes
  std::copy(output_key.begin(), output_key.end(), script.begin() + 2);
  return script;
}

Bytes KeyPathWitnessSignature(const Signature& signature, uint8_t hash_type) {
  Bytes out(signature.begin(), signature.end());
  if (hash_type != 0) out.push_back(hash_type);
  return out;
}

}  // namespace parley::crypto
