// Sums and differences of secp256k1 keys, for protocols that split one key
// into additive shares (the statechain's P = O + S and its share updates).
//
// A result that would be zero (a private key) or the point at infinity (a
// public key) is not a key: those return InvalidArgument. For random shares
// this happens with negligible probability; for shares from a peer it means
// the peer chose them to cancel out.
#pragma once

#include "parley/crypto/keys.h"
#include "parley/util/status.h"

namespace parley::crypto {

// a + b mod n.
Result<PrivateKey> AddPrivateKeys(const PrivateKey& a, const PrivateKey& b);
// a - b mod n.
Result<PrivateKey> SubtractPrivateKeys(const PrivateKey& a, const PrivateKey& b);

// A + B.
Result<PublicKey> AddPublicKeys(const PublicKey& a, const PublicKey& b);
// A - B.
Result<PublicKey> SubtractPublicKeys(const PublicKey& a, const PublicKey& b);

}  // namespace parley::crypto
