#include "parley/crypto/secure_erase.h"

#include <openssl/crypto.h>

namespace parley::crypto {

void SecureErase(std::span<uint8_t> bytes) { OPENSSL_cleanse(bytes.data(), bytes.size()); }

}  // namespace parley::crypto
