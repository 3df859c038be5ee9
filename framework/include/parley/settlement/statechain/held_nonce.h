// A participant's own nonce for one signing session of a channel on a coin
// (split_signer.h, checkpoint_signer.h): the public part it hands out and,
// until its one signature, the secret part in stored form. A nonce that
// signed twice would give its share away, so Take erases the secret before
// the signature is made, whatever becomes of it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "parley/crypto/multi_party_schnorr.h"
#include "parley/crypto/two_party_schnorr.h"
#include "parley/util/codec.h"
#include "parley/util/status.h"

namespace parley::settlement::statechain {

struct HeldNonce {
  crypto::multi_party::PublicNonce public_nonce{};
  // SecretNonce::SecretBytes; absent once the nonce has signed.
  std::optional<std::array<uint8_t, crypto::multi_party::SecretNonce::kSize>> secret;

  static HeldNonce Of(const crypto::two_party::GeneratedNonce& nonce);
  bool usable() const { return secret.has_value(); }
  // The secret nonce for its one signature; erased here first, whatever
  // comes of it. FailedPrecondition `used` once it is gone; InvalidArgument
  // (and gone all the same) for bytes that are no secret nonce, which Of and
  // ReadSecret never leave.
  Result<crypto::multi_party::SecretNonce> Take(const std::string& used);
};

// The secret part as a record stores it: a flag, then the bytes. Read
// refuses bytes that are no secret nonce, and then leaves `nonce` without
// a secret.
void WriteSecret(Writer& w, const HeldNonce& nonce);
Status ReadSecret(Reader& r, HeldNonce* nonce);

}  // namespace parley::settlement::statechain
