// BIP327 NonceGen and NonceAgg, and the single-use SecretNonce.
#include <openssl/crypto.h>

#include <string>

#include "musig2_internal.h"
#include "parley/crypto/hash.h"
#include "parley/crypto/random.h"

namespace parley::crypto::musig2 {
namespace {

// hash_MuSig/nonce(rand || len(pk) || pk || len(aggpk) || aggpk ||
// msg_prefixed || len(extra_in) || extra_in || i) mod n, for i = 0 and 1.
// `rand` may hold secret-key material, so the buffer is wiped.
Scalar NonceHash(const Hash32& rand, const PlainPublicKey& public_key,
                 const NonceGenOptions& options, uint8_t i) {
  Bytes data(rand.begin(), rand.end());
  data.push_back(static_cast<uint8_t>(public_key.size()));
  data.insert(data.end(), public_key.begin(), public_key.end());
  if (options.aggregate_key) {
    data.push_back(32);
    data.insert(data.end(), options.aggregate_key->begin(), options.aggregate_key->end());
  } else {
    data.push_back(0);
  }
  if (options.message) {
    data.push_back(1);
    AppendBigEndian(&data, options.message->size(), 8);
    data.insert(data.end(), options.message->begin(), options.message->end());
  } else {
    data.push_back(0);
  }
  const Bytes no_extra_input;
  const Bytes& extra_input = options.extra_input ? *options.extra_input : no_extra_input;
  AppendBigEndian(&data, extra_input.size(), 4);
  data.insert(data.end(), extra_input.begin(), extra_input.end());
  data.push_back(i);
  Hash32 hash = TaggedHash("MuSig/nonce", data);
  Scalar k = Scalar::Reduce(hash);
  OPENSSL_cleanse(data.data(), data.size());
  OPENSSL_cleanse(hash.data(), hash.size());
  return k;
}

}  // namespace

Result<SecretNonce> SecretNonce::FromBytes(ByteView bytes) {
  if (bytes.size() != kSize) {
    return Status::InvalidArgument("a secret nonce is " + std::to_string(kSize) + " bytes, got " +
                                   std::to_string(bytes.size()));
  }
  SecretNonce nonce;
  std::copy(bytes.begin(), bytes.end(), nonce.bytes_.begin());
  nonce.used_ = false;
  return nonce;
}

PublicNonce PublicNonceOf(const Scalar& k1, const Scalar& k2) {
  PublicNonce out;
  const Point::Compressed r1 = Point::BaseMul(k1).Serialize();
  const Point::Compressed r2 = Point::BaseMul(k2).Serialize();
  std::copy(r1.begin(), r1.end(), out.begin());
  std::copy(r2.begin(), r2.end(), out.begin() + 33);
  return out;
}

Result<GeneratedNonce> NonceGen(const PlainPublicKey& public_key, const NonceGenOptions& options) {
  Hash32 rand = RandomHash32();
  Result<GeneratedNonce> nonce = NonceGenWithRandomness(rand, public_key, options);
  OPENSSL_cleanse(rand.data(), rand.size());
  return nonce;
}

Result<GeneratedNonce> NonceGenWithRandomness(const Hash32& rand, const PlainPublicKey& public_key,
                                              const NonceGenOptions& options) {
  Hash32 seed = rand;
  if (options.secret_key != nullptr) {
    // Mixing the key in keeps the nonce secret even if `rand` is not.
    Hash32 aux = TaggedHash("MuSig/aux", rand);
    std::array<uint8_t, PrivateKey::kSize> secret = options.secret_key->SecretBytes();
    for (size_t i = 0; i < seed.size(); ++i) seed[i] = secret[i] ^ aux[i];
    OPENSSL_cleanse(secret.data(), secret.size());
    OPENSSL_cleanse(aux.data(), aux.size());
  }
  const Scalar k1 = NonceHash(seed, public_key, options, 0);
  const Scalar k2 = NonceHash(seed, public_key, options, 1);
  OPENSSL_cleanse(seed.data(), seed.size());
  if (k1.IsZero() || k2.IsZero()) return Status::Internal("NonceGen derived a zero nonce");

  Bytes serialized(k1.bytes().begin(), k1.bytes().end());
  serialized.insert(serialized.end(), k2.bytes().begin(), k2.bytes().end());
  serialized.insert(serialized.end(), public_key.begin(), public_key.end());
  Result<SecretNonce> secret = SecretNonce::FromBytes(serialized);
  OPENSSL_cleanse(serialized.data(), serialized.size());
  PARLEY_RETURN_IF_ERROR(secret.status());
  return GeneratedNonce{.secret = std::move(secret).value(), .public_nonce = PublicNonceOf(k1, k2)};
}

Result<AggregateNonce> NonceAgg(std::span<const PublicNonce> public_nonces) {
  if (public_nonces.empty()) return Status::InvalidArgument("NonceAgg needs at least one nonce");
  AggregateNonce out;
  for (size_t half = 0; half < 2; ++half) {
    Point sum = Point::Infinity();
    for (size_t i = 0; i < public_nonces.size(); ++i) {
      Result<Point> r = Point::FromCompressed(ByteView(public_nonces[i]).subspan(33 * half, 33));
      if (!r.ok()) return InvalidContribution(i, "pubnonce", r.status());
      sum = sum + *r;
    }
    const Point::Compressed encoded = sum.SerializeOrInfinity();
    std::copy(encoded.begin(), encoded.end(), out.begin() + 33 * half);
  }
  return out;
}

}  // namespace parley::crypto::musig2
