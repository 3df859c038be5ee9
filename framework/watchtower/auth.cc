#include "parley/watchtower/auth.h"

#include "parley/channel/encoding.h"
#include "parley/crypto/hash.h"
#include "parley/util/codec.h"

namespace parley::watchtower {

Hash32 RequestDigest(std::string_view call, const Hash32& challenge,
                     const crypto::PublicKey& client, ByteView content) {
  Writer w;
  w.String(call);
  w.Fixed(challenge);
  w.Fixed(client.bytes());
  w.Raw(content);
  return crypto::TaggedHash("Parley/Watchtower/Request/v1", w.bytes());
}

Bytes StoreStateContent(const channel::Params& params, const channel::SignedState& state) {
  Writer w;
  w.Var(channel::Encode(params));
  w.Var(channel::Encode(state));
  return w.Take();
}

Auth SignRequest(const crypto::PrivateKey& key, std::string_view call, const Hash32& challenge,
                 ByteView content) {
  Hash32 digest = RequestDigest(call, challenge, key.public_key(), content);
  return {.client = key.public_key(),
          .challenge = challenge,
          .signature = crypto::SchnorrSign(key, digest)};
}

}  // namespace parley::watchtower
