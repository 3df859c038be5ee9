// Randomness from the operating system's secure generator (via OpenSSL).
#pragma once

#include <span>

#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::crypto {

// Fills `out` with secure random bytes. Returns Internal if the generator is
// not available (the process should not go on making keys then).
Status RandomBytes(std::span<uint8_t> out);

// 32 secure random bytes. Aborts if the generator fails: callers that make
// nonces cannot continue safely without one.
Hash32 RandomHash32();

}  // namespace parley::crypto
