// The process's one libsecp256k1 context: created and randomized on first use,
// read-only afterwards, so it is safe to share between threads.
#pragma once

#include <secp256k1.h>

namespace parley::crypto {

const secp256k1_context* Secp256k1Context();

}  // namespace parley::crypto
