// BIP340 Schnorr signatures over secp256k1.
#pragma once

#include <array>

#include "parley/crypto/keys.h"
#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::crypto {

using Signature = std::array<uint8_t, 64>;

// Signs `message` (any length; Parley signs 32-byte tagged hashes) with
// auxiliary randomness `aux_rand`, as BIP340 specifies. The result verifies
// under key.public_key().XOnly(). Returns Internal only if libsecp256k1 fails.
Result<Signature> SchnorrSign(const PrivateKey& key, ByteView message, const Hash32& aux_rand);

// Signs with fresh auxiliary randomness.
Signature SchnorrSign(const PrivateKey& key, const Hash32& message);

// True if `signature` is valid for `message` under the x-only key `xonly_key`.
// A key that is not on the curve gives false.
bool SchnorrVerify(const Hash32& xonly_key, ByteView message, const Signature& signature);
// The same, with a key already parsed (faster).
bool SchnorrVerify(const PublicKey& key, ByteView message, const Signature& signature);

}  // namespace parley::crypto
