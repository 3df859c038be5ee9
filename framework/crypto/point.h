// Points of the secp256k1 group, including the point at infinity, for
// MuSig2's arithmetic.
//
// libsecp256k1's public-key type cannot hold infinity and its operations fail
// when a result would be infinity; BIP327 needs infinity as a value (an
// aggregate nonce may be it), so Point represents it explicitly.
#pragma once

#include <secp256k1.h>

#include <array>

#include "parley/util/bytes.h"
#include "parley/util/status.h"
#include "scalar.h"

namespace parley::crypto {

class Point {
 public:
  using Compressed = std::array<uint8_t, 33>;

  static Point Infinity() { return Point(); }
  static Point Generator();
  // s*G; infinity when s is zero.
  static Point BaseMul(const Scalar& s);

  // BIP327 cpoint: 02 or 03 then an x below p on the curve. Returns
  // InvalidArgument otherwise (also for 04-prefixed or infinity encodings).
  static Result<Point> FromCompressed(ByteView bytes);
  // BIP327 cpoint_ext: as above, but 33 zero bytes decode to infinity.
  static Result<Point> FromCompressedOrInfinity(ByteView bytes);

  bool is_infinity() const { return infinity_; }
  // Require !is_infinity().
  bool HasEvenY() const;
  Hash32 X() const;
  Compressed Serialize() const;
  // 33 zero bytes for infinity (BIP327 cbytes_ext).
  Compressed SerializeOrInfinity() const;

  Point operator+(const Point& other) const;
  Point operator*(const Scalar& s) const;
  Point operator-() const;
  bool operator==(const Point& other) const;

 private:
  Point() = default;
  explicit Point(const secp256k1_pubkey& p) : point_(p), infinity_(false) {}

  secp256k1_pubkey point_{};  // meaningful only when !infinity_
  bool infinity_ = true;
};

}  // namespace parley::crypto
