#include "parley/settlement/statechain/held_nonce.h"

#include "parley/crypto/secure_erase.h"

namespace parley::settlement::statechain {

namespace mp = crypto::multi_party;

HeldNonce HeldNonce::Of(const crypto::two_party::GeneratedNonce& nonce) {
  return {.public_nonce = nonce.public_nonce, .secret = nonce.secret.SecretBytes()};
}

Result<mp::SecretNonce> HeldNonce::Take(const std::string& used) {
  if (!secret) return Status::FailedPrecondition(used);
  Result<mp::SecretNonce> restored = mp::SecretNonce::FromBytes(*secret);
  crypto::SecureErase(*secret);
  secret.reset();
  return restored;
}

void WriteSecret(Writer& w, const HeldNonce& nonce) {
  w.Bool(nonce.secret.has_value());
  if (nonce.secret) w.Fixed(*nonce.secret);
}

Status ReadSecret(Reader& r, HeldNonce* nonce) {
  nonce->secret.reset();
  bool present = false;
  PARLEY_RETURN_IF_ERROR(r.Bool(&present));
  if (!present) return Status::Ok();
  std::array<uint8_t, mp::SecretNonce::kSize> secret{};
  PARLEY_RETURN_IF_ERROR(r.Fixed(&secret));
  Status valid = mp::SecretNonce::FromBytes(secret).status();
  if (valid.ok()) nonce->secret = secret;
  crypto::SecureErase(secret);
  return valid;
}

}  // namespace parley::settlement::statechain
