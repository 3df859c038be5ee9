#include "parley/crypto/key_arithmetic.h"

#include "key_scalar.h"

namespace parley::crypto {
namespace {

Result<PrivateKey> KeyOf(const Scalar& s) {
  if (s.IsZero()) return Status::InvalidArgument("the shares cancel out: their sum is zero");
  return PrivateKey::FromBytes(s.bytes());
}

Result<PublicKey> KeyOf(const Point& p) {
  if (p.is_infinity()) {
    return Status::InvalidArgument(
        "the public shares cancel out: their sum is the point at infinity");
  }
  return PublicKey::FromBytes(p.Serialize());
}

}  // namespace

Result<PrivateKey> AddPrivateKeys(const PrivateKey& a, const PrivateKey& b) {
  return KeyOf(ScalarOf(a) + ScalarOf(b));
}

Result<PrivateKey> SubtractPrivateKeys(const PrivateKey& a, const PrivateKey& b) {
  return KeyOf(ScalarOf(a) + -ScalarOf(b));
}

Result<PublicKey> AddPublicKeys(const PublicKey& a, const PublicKey& b) {
  return KeyOf(PointOf(a) + PointOf(b));
}

Result<PublicKey> SubtractPublicKeys(const PublicKey& a, const PublicKey& b) {
  return KeyOf(PointOf(a) + -PointOf(b));
}

}  // namespace parley::crypto
