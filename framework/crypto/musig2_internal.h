// Pieces of BIP327 shared by the MuSig2 source files.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "parley/crypto/musig2.h"
#include "point.h"
#include "scalar.h"

namespace parley::crypto::musig2 {

// InvalidArgument "invalid <contrib> from signer <i>: <why>", or "... from
// the nonce aggregator: <why>" when `signer` is absent (see musig2.h).
Status InvalidContribution(std::optional<size_t> signer, std::string_view contrib,
                           const Status& why);

// KeyAgg's coefficients: hash_KeyAgg_list over all keys once, then per key.
Hash32 HashKeys(std::span<const PlainPublicKey> keys);
// The first key that differs from the first one, or 33 zero bytes.
PlainPublicKey SecondKey(std::span<const PlainPublicKey> keys);
// 1 for the second key (an optimisation that saves one multiplication),
// hash_KeyAgg_coefficient(L || key) mod n for any other.
Scalar KeyAggCoefficient(const Hash32& keys_hash, const PlainPublicKey& second_key,
                         const PlainPublicKey& key);

// A context's Q, gacc and tacc as group elements.
struct KeyAggValues {
  Point q;
  Scalar gacc;
  Scalar tacc;
};
KeyAggValues Unpack(const KeyAggContext& context);

// GetSessionValues: everything Sign, PartialSigVerify and PartialSigAgg
// derive from a session.
struct SessionValues {
  KeyAggValues key;
  Scalar b;                     // the nonce coefficient
  Point r = Point::Infinity();  // the final nonce R1 + b*R2, or G if that is infinity
  Scalar e;                     // the BIP340 challenge
};
Result<SessionValues> GetSessionValues(const SessionContext& session);

// The session's KeyAgg coefficient for `key`; InvalidArgument if the key is
// not one of the session's.
Result<Scalar> SessionKeyAggCoefficient(const SessionContext& session, const PlainPublicKey& key);

// `width` bytes of `v`, big-endian, as BIP327 encodes lengths.
inline void AppendBigEndian(Bytes* out, uint64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) out->push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// R1 || R2 for a nonce (k1, k2).
PublicNonce PublicNonceOf(const Scalar& k1, const Scalar& k2);

}  // namespace parley::crypto::musig2
