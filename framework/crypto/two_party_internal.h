// Pieces of the two-party Schnorr protocol shared by its source files.
#pragma once

#include "parley/crypto/two_party_schnorr.h"
#include "point.h"
#include "scalar.h"

namespace parley::crypto::two_party {

// The private side of SecretNonce, for the source files that make and
// consume nonces.
struct NonceAccess {
  static SecretNonce Make(const Scalar& k1, const Scalar& k2, const PublicKey& share);
  // (k1, k2, share) of an unused nonce, after which the nonce is used.
  // FailedPrecondition if it was used already.
  struct Parts {
    Scalar k1;
    Scalar k2;
    PublicKey::Encoded share{};
  };
  static Result<Parts> Take(SecretNonce& nonce);
};

// R1 || R2 for a nonce (k1, k2).
PublicNonce PublicNonceOf(const Scalar& k1, const Scalar& k2);

// Everything Sign, PartialSigVerify and Aggregate derive from a session.
struct SessionValues {
  Point owner_r1 = Point::Infinity();
  Point owner_r2 = Point::Infinity();
  Point operator_r1 = Point::Infinity();
  Point operator_r2 = Point::Infinity();
  Scalar b;                     // the nonce coefficient
  Point r = Point::Infinity();  // R1 sum + b * R2 sum, or G if that is infinity
  Scalar e;                     // the BIP340 challenge
  Scalar share_sign;            // g = g_P * g_Q: +1 or -1
  Scalar tweak_term;            // g_Q * t
};
Result<SessionValues> GetSessionValues(const Session& session);

}  // namespace parley::crypto::two_party
