#include "parley/crypto/ecies.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <memory>

#include "key_scalar.h"
#include "parley/crypto/hash.h"
#include "parley/crypto/random.h"

namespace parley::crypto {
namespace {

constexpr size_t kKeySize = PublicKey::kSize;
constexpr size_t kNonceSize = 12;
constexpr size_t kTagSize = 16;

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

// The AES key: the ECDH secret bound to both public keys.
Hash32 SealingKey(const Hash32& ecdh_secret, const PublicKey& ephemeral,
                  const PublicKey& recipient) {
  Bytes data(ecdh_secret.begin(), ecdh_secret.end());
  data.insert(data.end(), ephemeral.bytes().begin(), ephemeral.bytes().end());
  data.insert(data.end(), recipient.bytes().begin(), recipient.bytes().end());
  Hash32 key = TaggedHash("Parley/ECIES/key", data);
  OPENSSL_cleanse(data.data(), data.size());
  return key;
}

// AES-256-GCM in either direction; `tag` is written when encrypting, checked
// when decrypting. False if OpenSSL fails or the tag does not match.
bool Gcm(bool encrypt, const Hash32& key, ByteView nonce, ByteView in, ByteView associated_data,
         uint8_t* out, uint8_t* tag) {
  CipherContext ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!ctx) return false;
  int len = 0;
  const auto init = encrypt ? EVP_EncryptInit_ex : EVP_DecryptInit_ex;
  const auto update = encrypt ? EVP_EncryptUpdate : EVP_DecryptUpdate;
  if (init(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()),
                          nullptr) != 1 ||
      init(ctx.get(), nullptr, nullptr, key.data(), nonce.data()) != 1) {
    return false;
  }
  if (!associated_data.empty() && update(ctx.get(), nullptr, &len, associated_data.data(),
                                         static_cast<int>(associated_data.size())) != 1) {
    return false;
  }
  if (!in.empty() && update(ctx.get(), out, &len, in.data(), static_cast<int>(in.size())) != 1) {
    return false;
  }
  if (encrypt) {
    return EVP_EncryptFinal_ex(ctx.get(), out + in.size(), &len) == 1 &&
           EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, tag) == 1;
  }
  return EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag) == 1 &&
         EVP_DecryptFinal_ex(ctx.get(), out + in.size(), &len) == 1;
}

}  // namespace

Hash32 EcdhSecret(const PrivateKey& mine, const PublicKey& theirs) {
  const Point shared = PointOf(theirs) * ScalarOf(mine);
  // A valid key times a non-zero scalar is never infinity (the order is prime).
  Point::Compressed encoded = shared.Serialize();
  Hash32 secret = TaggedHash("Parley/ECDH", encoded);
  OPENSSL_cleanse(encoded.data(), encoded.size());
  return secret;
}

Result<Bytes> SealToPublicKey(const PublicKey& recipient, ByteView plaintext,
                              ByteView associated_data) {
  const PrivateKey ephemeral = PrivateKey::Generate();
  Hash32 secret = EcdhSecret(ephemeral, recipient);
  Hash32 key = SealingKey(secret, ephemeral.public_key(), recipient);
  OPENSSL_cleanse(secret.data(), secret.size());

  Bytes sealed(kSealOverhead + plaintext.size());
  std::copy(ephemeral.public_key().bytes().begin(), ephemeral.public_key().bytes().end(),
            sealed.begin());
  uint8_t* nonce = sealed.data() + kKeySize;
  PARLEY_RETURN_IF_ERROR(RandomBytes({nonce, kNonceSize}));
  uint8_t* ciphertext = nonce + kNonceSize;
  const bool ok = Gcm(true, key, {nonce, kNonceSize}, plaintext, associated_data, ciphertext,
                      ciphertext + plaintext.size());
  OPENSSL_cleanse(key.data(), key.size());
  if (!ok) return Status::Internal("AES-256-GCM encryption failed in OpenSSL");
  return sealed;
}

Result<Bytes> OpenSealed(const PrivateKey& recipient, ByteView sealed, ByteView associated_data) {
  if (sealed.size() < kSealOverhead) {
    return Status::InvalidArgument("a sealed message is at least " + std::to_string(kSealOverhead) +
                                   " bytes, got " + std::to_string(sealed.size()));
  }
  Result<PublicKey> ephemeral = PublicKey::FromBytes(sealed.first(kKeySize));
  if (!ephemeral.ok()) {
    return Status::InvalidArgument("the sealed message's ephemeral key is invalid: " +
                                   ephemeral.status().message());
  }
  Hash32 secret = EcdhSecret(recipient, *ephemeral);
  Hash32 key = SealingKey(secret, *ephemeral, recipient.public_key());
  OPENSSL_cleanse(secret.data(), secret.size());

  const ByteView nonce = sealed.subspan(kKeySize, kNonceSize);
  const ByteView ciphertext = sealed.subspan(kKeySize + kNonceSize, sealed.size() - kSealOverhead);
  Bytes tag(sealed.end() - kTagSize, sealed.end());
  Bytes plaintext(ciphertext.size());
  const bool ok = Gcm(false, key, nonce, ciphertext, associated_data, plaintext.data(), tag.data());
  OPENSSL_cleanse(key.data(), key.size());
  if (!ok) {
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return Status::PermissionDenied(
        "the sealed message does not authenticate: it was sealed to another key or altered");
  }
  return plaintext;
}

}  // namespace parley::crypto
