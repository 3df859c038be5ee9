#include "point.h"

#include <algorithm>
#include <cassert>
#include <cstdlib>

#include "context.h"

namespace parley::crypto {
namespace {

void Must(int secp256k1_result) {
  if (secp256k1_result != 1) std::abort();
}

}  // namespace

Point Point::Generator() { return BaseMul(Scalar::One()); }

Point Point::BaseMul(const Scalar& s) {
  if (s.IsZero()) return Infinity();
  secp256k1_pubkey p;
  Must(secp256k1_ec_pubkey_create(Secp256k1Context(), &p, s.bytes().data()));
  return Point(p);
}

Result<Point> Point::FromCompressed(ByteView bytes) {
  // ec_pubkey_parse also takes 65-byte uncompressed keys, which BIP327 does
  // not; the length and prefix checks keep to its encoding.
  if (bytes.size() != 33 || (bytes[0] != 0x02 && bytes[0] != 0x03)) {
    return Status::InvalidArgument("not a compressed point (33 bytes starting 02 or 03)");
  }
  secp256k1_pubkey p;
  if (secp256k1_ec_pubkey_parse(Secp256k1Context(), &p, bytes.data(), bytes.size()) != 1) {
    return Status::InvalidArgument("x coordinate is not on the curve or not below p");
  }
  return Point(p);
}

Result<Point> Point::FromCompressedOrInfinity(ByteView bytes) {
  if (bytes.size() == 33 &&
      std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; })) {
    return Infinity();
  }
  return FromCompressed(bytes);
}

Point::Compressed Point::Serialize() const {
  assert(!infinity_);
  Compressed out;
  size_t len = out.size();
  Must(secp256k1_ec_pubkey_serialize(Secp256k1Context(), out.data(), &len, &point_,
                                     SECP256K1_EC_COMPRESSED));
  return out;
}

Point::Compressed Point::SerializeOrInfinity() const {
  return infinity_ ? Compressed{} : Serialize();
}

bool Point::HasEvenY() const { return Serialize()[0] == 0x02; }

Hash32 Point::X() const {
  Compressed c = Serialize();
  Hash32 x;
  std::copy(c.begin() + 1, c.end(), x.begin());
  return x;
}

Point Point::operator+(const Point& other) const {
  if (infinity_) return other;
  if (other.infinity_) return *this;
  const std::array<const secp256k1_pubkey*, 2> terms = {&point_, &other.point_};
  secp256k1_pubkey sum;
  // Fails only when the sum is infinity, i.e. other = -this.
  if (secp256k1_ec_pubkey_combine(Secp256k1Context(), &sum, terms.data(), terms.size()) != 1) {
    return Infinity();
  }
  return Point(sum);
}

Point Point::operator*(const Scalar& s) const {
  if (infinity_ || s.IsZero()) return Infinity();
  secp256k1_pubkey product = point_;
  Must(secp256k1_ec_pubkey_tweak_mul(Secp256k1Context(), &product, s.bytes().data()));
  return Point(product);
}

Point Point::operator-() const {
  if (infinity_) return *this;
  secp256k1_pubkey negated = point_;
  Must(secp256k1_ec_pubkey_negate(Secp256k1Context(), &negated));
  return Point(negated);
}

bool Point::operator==(const Point& other) const {
  if (infinity_ || other.infinity_) return infinity_ == other.infinity_;
  return secp256k1_ec_pubkey_cmp(Secp256k1Context(), &point_, &other.point_) == 0;
}

}  // namespace parley::crypto
