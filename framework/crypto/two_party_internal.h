// Pieces of the two-party Schnorr protocol shared by its source files.
#pragma once

#include "musig2_internal.h"
#include "parley/crypto/two_party_schnorr.h"
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

// R1 || R2 for a nonce (k1, k2): the same encoding as MuSig2's.
using musig2::PublicNonceOf;

}  // namespace parley::crypto::two_party
