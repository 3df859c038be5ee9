// Two-party Schnorr nonces: generation and the single-use SecretNonce.
#include <openssl/crypto.h>

#include <algorithm>
#include <string>

#include "parley/crypto/hash.h"
#include "parley/crypto/random.h"
#include "two_party_internal.h"

namespace parley::crypto::two_party {
namespace {

// hash(rand || share secret || len(extra) || extra || i) mod n. The buffer
// holds secrets, so it is wiped.
Scalar NonceHash(const Hash32& rand, const PrivateKey& share, ByteView extra_input, uint8_t i) {
  Bytes data(rand.begin(), rand.end());
  std::array<uint8_t, PrivateKey::kSize> secret = share.SecretBytes();
  data.insert(data.end(), secret.begin(), secret.end());
  OPENSSL_cleanse(secret.data(), secret.size());
  const uint64_t length = extra_input.size();
  for (int shift = 56; shift >= 0; shift -= 8)
    data.push_back(static_cast<uint8_t>(length >> shift));
  data.insert(data.end(), extra_input.begin(), extra_input.end());
  data.push_back(i);
  Hash32 hash = TaggedHash("Parley/TwoPartySchnorr/nonce", data);
  Scalar k = Scalar::Reduce(hash);
  OPENSSL_cleanse(data.data(), data.size());
  OPENSSL_cleanse(hash.data(), hash.size());
  return k;
}

// A nonce value from 32 serialized bytes: it must be in [1, n-1].
Result<Scalar> NonceValue(ByteView bytes) {
  Hash32 value;
  std::copy(bytes.begin(), bytes.end(), value.begin());
  Result<Scalar> k = Scalar::FromBytes(value);
  OPENSSL_cleanse(value.data(), value.size());
  if (!k.ok() || k->IsZero()) {
    return Status::InvalidArgument("a secret nonce value is zero or not below n");
  }
  return k;
}

}  // namespace

Result<SecretNonce> SecretNonce::FromBytes(ByteView bytes) {
  if (bytes.size() != kSize) {
    return Status::InvalidArgument("a two-party secret nonce is " + std::to_string(kSize) +
                                   " bytes, got " + std::to_string(bytes.size()));
  }
  PARLEY_ASSIGN_OR_RETURN(Scalar k1, NonceValue(bytes.subspan(0, 32)));
  PARLEY_ASSIGN_OR_RETURN(Scalar k2, NonceValue(bytes.subspan(32, 32)));
  PARLEY_ASSIGN_OR_RETURN(PublicKey share, PublicKey::FromBytes(bytes.subspan(64)));
  return NonceAccess::Make(k1, k2, share);
}

SecretNonce NonceAccess::Make(const Scalar& k1, const Scalar& k2, const PublicKey& share) {
  SecretNonce nonce;
  std::copy(k1.bytes().begin(), k1.bytes().end(), nonce.bytes_.begin());
  std::copy(k2.bytes().begin(), k2.bytes().end(), nonce.bytes_.begin() + 32);
  std::copy(share.bytes().begin(), share.bytes().end(), nonce.bytes_.begin() + 64);
  nonce.used_ = false;
  return nonce;
}

Result<NonceAccess::Parts> NonceAccess::Take(SecretNonce& nonce) {
  if (nonce.used_) {
    return Status::FailedPrecondition(
        "this secret nonce has already signed; generate a new nonce and start a new session "
        "(signing twice with one nonce reveals the share)");
  }
  Parts parts;
  const ByteView bytes(nonce.bytes_);
  // FromBytes and Make only make nonces with values in range.
  parts.k1 = NonceValue(bytes.subspan(0, 32)).value();
  parts.k2 = NonceValue(bytes.subspan(32, 32)).value();
  std::copy(bytes.begin() + 64, bytes.end(), parts.share.begin());
  nonce.Wipe();
  return parts;
}

Result<GeneratedNonce> NonceGen(const PrivateKey& share, ByteView extra_input) {
  Hash32 rand = RandomHash32();
  const Scalar k1 = NonceHash(rand, share, extra_input, 0);
  const Scalar k2 = NonceHash(rand, share, extra_input, 1);
  OPENSSL_cleanse(rand.data(), rand.size());
  if (k1.IsZero() || k2.IsZero()) return Status::Internal("NonceGen derived a zero nonce");
  return GeneratedNonce{.secret = NonceAccess::Make(k1, k2, share.public_key()),
                        .public_nonce = PublicNonceOf(k1, k2)};
}

}  // namespace parley::crypto::two_party
