// Encryption to a secp256k1 public key (ECIES): the sender makes an
// ephemeral key e, both sides derive a 256-bit key from the ECDH point
// e*R = r*E, and AES-256-GCM encrypts and authenticates.
//
// Sealed layout: ephemeral public key E (33) || GCM nonce (12) ||
// ciphertext || GCM tag (16). The key derivation binds E and the
// recipient's key R, and the tag covers `associated_data` too.
#pragma once

#include "parley/crypto/keys.h"
#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::crypto {

constexpr size_t kSealOverhead = 33 + 12 + 16;

// hash_Parley/ECDH(x-and-parity of mine*theirs): a secret both holders of
// the two keys can compute and nobody else can.
Hash32 EcdhSecret(const PrivateKey& mine, const PublicKey& theirs);

// Returns Internal only if OpenSSL fails.
Result<Bytes> SealToPublicKey(const PublicKey& recipient, ByteView plaintext,
                              ByteView associated_data);

// Returns InvalidArgument if `sealed` is shorter than kSealOverhead or its
// ephemeral key is not a point, and PermissionDenied if it does not
// authenticate: it was sealed to another key, with other associated data, or
// altered on the way.
Result<Bytes> OpenSealed(const PrivateKey& recipient, ByteView sealed, ByteView associated_data);

}  // namespace parley::crypto
