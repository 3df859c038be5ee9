// SingleUseSecret: secret bytes that move but never copy, are wiped when they
// move out or die, and count as used from then on. The secret nonces of
// MuSig2 (musig2.h) and of the statechain's Schnorr (two_party_schnorr.h) are
// each one, so a nonce signs at most once.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "parley/crypto/secure_erase.h"

namespace parley::crypto {

template <size_t N>
class SingleUseSecret {
 public:
  static constexpr size_t kSize = N;

  SingleUseSecret(SingleUseSecret&& other) noexcept : bytes_(other.bytes_), used_(other.used_) {
    other.Wipe();
  }
  SingleUseSecret& operator=(SingleUseSecret&& other) noexcept {
    if (this != &other) {
      bytes_ = other.bytes_;
      used_ = other.used_;
      other.Wipe();
    }
    return *this;
  }
  SingleUseSecret(const SingleUseSecret&) = delete;
  SingleUseSecret& operator=(const SingleUseSecret&) = delete;
  ~SingleUseSecret() { Wipe(); }

  bool used() const { return used_; }
  // The serialization (all zero once used). Handle with care.
  std::array<uint8_t, N> SecretBytes() const { return bytes_; }

 protected:
  SingleUseSecret() = default;
  // Erases the bytes; the secret is used from now on.
  void Wipe() {
    SecureErase(bytes_);
    used_ = true;
  }

  std::array<uint8_t, N> bytes_{};
  bool used_ = true;
};

}  // namespace parley::crypto
