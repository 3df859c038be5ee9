// secp256k1 keys.
//
// A PublicKey is the 33-byte compressed encoding of a point; BIP340 uses its
// x coordinate alone (XOnly()). A PrivateKey is a scalar in [1, n-1]. Both
// are validated when made, so holding one means it is usable. The key objects
// cache libsecp256k1's parsed forms, which makes signing and verifying cheap.
#pragma once

#include <array>
#include <string>

#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::crypto {

class PublicKey {
 public:
  static constexpr size_t kSize = 33;
  using Encoded = std::array<uint8_t, kSize>;

  // Parses a compressed key. Returns InvalidArgument if it is not a point.
  static Result<PublicKey> FromBytes(ByteView bytes);
  static Result<PublicKey> FromHex(std::string_view hex);

  const Encoded& bytes() const { return encoded_; }
  // The 32-byte x coordinate, as BIP340 names keys.
  Hash32 XOnly() const;
  std::string ToHex() const { return parley::ToHex(encoded_); }

  bool operator==(const PublicKey& o) const { return encoded_ == o.encoded_; }
  auto operator<=>(const PublicKey& o) const { return encoded_ <=> o.encoded_; }

 private:
  friend class PrivateKey;
  friend bool SchnorrVerify(const PublicKey&, ByteView, const std::array<uint8_t, 64>&);
  PublicKey() = default;

  Encoded encoded_{};
  std::array<uint8_t, 64> xonly_parsed_{};  // secp256k1_xonly_pubkey
};

class PrivateKey {
 public:
  static constexpr size_t kSize = 32;

  // A fresh key from the secure random generator.
  static PrivateKey Generate();
  // Returns InvalidArgument unless `bytes` is 32 bytes holding a scalar in
  // [1, n-1].
  static Result<PrivateKey> FromBytes(ByteView bytes);
  static Result<PrivateKey> FromHex(std::string_view hex);

  PrivateKey(const PrivateKey&) = default;
  PrivateKey& operator=(const PrivateKey&) = default;
  ~PrivateKey();  // wipes the secret

  const PublicKey& public_key() const { return public_key_; }
  // The secret as 32 bytes. Handle with care: for key files only.
  std::array<uint8_t, kSize> SecretBytes() const;

 private:
  friend Result<std::array<uint8_t, 64>> SchnorrSign(const PrivateKey&, ByteView, const Hash32&);
  friend std::array<uint8_t, 65> EcdsaSign(const PrivateKey&, const Hash32&);
  PrivateKey() = default;

  std::array<uint8_t, 96> keypair_{};  // secp256k1_keypair
  PublicKey public_key_;
};

}  // namespace parley::crypto
