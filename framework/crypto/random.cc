#include "parley/crypto/random.h"

#include <openssl/rand.h>

#include <cstdlib>

namespace parley::crypto {

Status RandomBytes(std::span<uint8_t> out) {
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    return Status::Internal("the secure random generator failed");
  }
  return Status::Ok();
}

Hash32 RandomHash32() {
  Hash32 out;
  if (!RandomBytes(out).ok()) std::abort();
  return out;
}

}  // namespace parley::crypto
