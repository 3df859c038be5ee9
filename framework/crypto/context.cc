#include "context.h"

#include <cstdlib>

#include "parley/crypto/random.h"

namespace parley::crypto {

const secp256k1_context* Secp256k1Context() {
  static const secp256k1_context* const context = [] {
    secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    // Randomization blinds signing against side channels.
    Hash32 seed = RandomHash32();
    if (ctx == nullptr || secp256k1_context_randomize(ctx, seed.data()) != 1) std::abort();
    return ctx;
  }();
  return context;
}

}  // namespace parley::crypto
