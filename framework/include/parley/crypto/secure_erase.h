// Overwriting secrets in memory so that the compiler cannot drop the write
// (OPENSSL_cleanse), for code outside the crypto library, which may not
// include OpenSSL itself.
#pragma once

#include <cstdint>
#include <span>

namespace parley::crypto {

void SecureErase(std::span<uint8_t> bytes);

}  // namespace parley::crypto
