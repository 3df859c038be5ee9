// Integers modulo the secp256k1 group order n, for MuSig2's arithmetic.
//
// libsecp256k1 0.2.0 exposes scalar arithmetic only as secret-key tweaks,
// which refuse zero operands and zero results. Scalar wraps them so that zero
// is an ordinary value (it occurs in BIP327's vectors and, with negligible
// probability, in real sessions). Values may be secret: the destructor wipes
// them, and operations are constant-time except for branches on zero.
#pragma once

#include <array>
#include <cstdint>

#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::crypto {

class Scalar {
 public:
  Scalar() = default;  // zero
  Scalar(const Scalar&) = default;
  Scalar& operator=(const Scalar&) = default;
  ~Scalar();

  static Scalar One();
  // Returns InvalidArgument unless `bytes` (big-endian) is below n.
  static Result<Scalar> FromBytes(const Hash32& bytes);
  // `bytes` reduced modulo n, as BIP327 reduces hash outputs.
  static Scalar Reduce(const Hash32& bytes);

  const Hash32& bytes() const { return bytes_; }
  bool IsZero() const;

  Scalar operator+(const Scalar& other) const;
  Scalar operator*(const Scalar& other) const;
  Scalar operator-() const;

 private:
  explicit Scalar(const Hash32& bytes) : bytes_(bytes) {}
  Hash32 bytes_{};  // big-endian, always below n
};

}  // namespace parley::crypto
