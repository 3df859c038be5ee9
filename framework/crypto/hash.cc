#include "parley/crypto/hash.h"

#include <cryptopp/keccak.h>
#include <openssl/evp.h>

#include <cstdlib>

namespace parley::crypto {
namespace {

// OpenSSL's one-shot digest; it fails only when OpenSSL itself is broken.
Hash32 Sha256Of(std::initializer_list<ByteView> parts) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1;
  for (ByteView part : parts) ok = ok && EVP_DigestUpdate(ctx, part.data(), part.size()) == 1;
  Hash32 out;
  ok = ok && EVP_DigestFinal_ex(ctx, out.data(), nullptr) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) std::abort();
  return out;
}

}  // namespace

Hash32 Sha256(ByteView data) { return Sha256Of({data}); }

Hash32 TaggedHash(std::string_view tag, ByteView data) {
  Hash32 tag_hash = Sha256(AsBytes(tag));
  return Sha256Of({tag_hash, tag_hash, data});
}

Hash32 Keccak256(ByteView data) {
  CryptoPP::Keccak_256 keccak;
  keccak.Update(data.data(), data.size());
  Hash32 out;
  keccak.Final(out.data());
  return out;
}

}  // namespace parley::crypto
