#include "scalar.h"

#include <openssl/crypto.h>

#include <cstdlib>

#include "context.h"

namespace parley::crypto {
namespace {

constexpr Hash32 kOrder = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                           0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48,
                           0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};

// a - b over 256 bits; returns the final borrow (1 if a < b).
uint8_t Subtract(const Hash32& a, const Hash32& b, Hash32* out) {
  int borrow = 0;
  for (int i = 31; i >= 0; --i) {
    int diff = a[i] - b[i] - borrow;
    borrow = diff < 0 ? 1 : 0;
    (*out)[i] = static_cast<uint8_t>(diff + 256 * borrow);
  }
  return static_cast<uint8_t>(borrow);
}

// For libsecp256k1 calls whose inputs were checked: a failure is a bug.
void Must(int secp256k1_result) {
  if (secp256k1_result != 1) std::abort();
}

}  // namespace

Scalar::~Scalar() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

Scalar Scalar::One() {
  Hash32 one{};
  one[31] = 1;
  return Scalar(one);
}

Result<Scalar> Scalar::FromBytes(const Hash32& bytes) {
  Hash32 unused;
  if (Subtract(bytes, kOrder, &unused) == 0) {
    return Status::InvalidArgument("scalar is not below the curve order n");
  }
  return Scalar(bytes);
}

Scalar Scalar::Reduce(const Hash32& bytes) {
  // Any 256-bit value is below 2n, so at most one subtraction is needed; the
  // choice is made with a mask, not a branch, as hashes of secrets pass here.
  Hash32 reduced;
  const uint8_t below_n = Subtract(bytes, kOrder, &reduced);
  const uint8_t keep_mask = static_cast<uint8_t>(-below_n);
  Scalar out;
  for (size_t i = 0; i < 32; ++i) {
    out.bytes_[i] = static_cast<uint8_t>((bytes[i] & keep_mask) | (reduced[i] & ~keep_mask));
  }
  OPENSSL_cleanse(reduced.data(), reduced.size());
  return out;
}

bool Scalar::IsZero() const {
  uint8_t any = 0;
  for (uint8_t b : bytes_) any |= b;
  return any == 0;
}

Scalar Scalar::operator+(const Scalar& other) const {
  if (IsZero()) return other;
  Scalar sum = *this;
  // Fails only when the sum is zero (n divides it): other = -this.
  if (secp256k1_ec_seckey_tweak_add(Secp256k1Context(), sum.bytes_.data(), other.bytes_.data()) !=
      1) {
    return Scalar();
  }
  return sum;
}

Scalar Scalar::operator*(const Scalar& other) const {
  if (IsZero() || other.IsZero()) return Scalar();
  Scalar product = *this;
  // n is prime, so a product of non-zero scalars is non-zero.
  Must(secp256k1_ec_seckey_tweak_mul(Secp256k1Context(), product.bytes_.data(),
                                     other.bytes_.data()));
  return product;
}

Scalar Scalar::operator-() const {
  if (IsZero()) return Scalar();
  Scalar negated = *this;
  Must(secp256k1_ec_seckey_negate(Secp256k1Context(), negated.bytes_.data()));
  return negated;
}

}  // namespace parley::crypto
