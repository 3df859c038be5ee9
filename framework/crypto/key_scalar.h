// Keys as the group elements the private arithmetic (scalar.h, point.h)
// works on.
#pragma once

#include <openssl/crypto.h>

#include "parley/crypto/keys.h"
#include "point.h"
#include "scalar.h"

namespace parley::crypto {

// The secret of `key` as a scalar (wiped when the Scalar goes).
inline Scalar ScalarOf(const PrivateKey& key) {
  std::array<uint8_t, PrivateKey::kSize> secret = key.SecretBytes();
  Scalar s = Scalar::FromBytes(secret).value();  // a PrivateKey is always below n
  OPENSSL_cleanse(secret.data(), secret.size());
  return s;
}

inline Point PointOf(const PublicKey& key) {
  return Point::FromCompressed(key.bytes()).value();  // a PublicKey is always a point
}

}  // namespace parley::crypto
