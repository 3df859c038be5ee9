// ECDSA over secp256k1 as Ethereum uses it: recoverable signatures of a
// 32-byte digest, and the account address of a key.
#pragma once

#include <array>

#include "parley/crypto/keys.h"
#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::crypto {

// An Ethereum account address: the last 20 bytes of Keccak-256 of the key's
// 64-byte uncompressed point (without the 0x04 prefix).
using EthAddress = std::array<uint8_t, 20>;
EthAddress EthereumAddress(const PublicKey& key);
// "0x" and 40 lower-case hex digits.
std::string AddressToHex(const EthAddress& address);
// Accepts "0x" followed by 40 hex digits of either case (no checksum check);
// InvalidArgument otherwise.
Result<EthAddress> AddressFromHex(std::string_view hex);

// r (32) || s (32) || v (1), v = 27 + recovery id, s in the lower half of the
// curve order (libsecp256k1 signs so; verifiers refuse the high half).
using RecoverableSignature = std::array<uint8_t, 65>;

// Deterministic (RFC 6979) signature of `digest`.
RecoverableSignature EcdsaSign(const PrivateKey& key, const Hash32& digest);

// The key that signed `digest`. InvalidArgument for a signature that is not
// 65 bytes, has v outside {27, 28}, a high s, or recovers no key.
Result<PublicKey> EcdsaRecover(const Hash32& digest, ByteView signature);

}  // namespace parley::crypto
