// Hash functions: SHA-256, BIP340 tagged hashes and Keccak-256.
#pragma once

#include <string_view>

#include "parley/util/bytes.h"

namespace parley::crypto {

Hash32 Sha256(ByteView data);

// BIP340 tagged hash: SHA256(SHA256(tag) || SHA256(tag) || data). Distinct tags
// keep hashes of different kinds of message from ever colliding.
Hash32 TaggedHash(std::string_view tag, ByteView data);

// Keccak-256 as Ethereum uses it (the original padding, not FIPS SHA3-256).
Hash32 Keccak256(ByteView data);

}  // namespace parley::crypto
