// How a watchtower client proves who it is (proto/parley/v1/watchtower.proto):
// for each authenticated call it takes a fresh challenge from the tower and
// signs, with its node key, the call's name, the challenge, its key and the
// request's content. A signature therefore authorizes one request, once.
#pragma once

#include <string_view>

#include "parley/channel/types.h"
#include "parley/crypto/keys.h"
#include "parley/crypto/schnorr.h"
#include "parley/util/bytes.h"

namespace parley::watchtower {

// The names of the authenticated calls, as signed.
inline constexpr std::string_view kStoreStateCall = "StoreState";
inline constexpr std::string_view kListWatchedCall = "ListWatched";

// What a client sends to prove it holds `client`'s key.
struct Auth {
  crypto::PublicKey client;
  Hash32 challenge{};
  crypto::Signature signature{};
};

// TaggedHash("Parley/Watchtower/Request/v1",
//            var(call) || challenge || client (33 bytes) || content).
Hash32 RequestDigest(std::string_view call, const Hash32& challenge,
                     const crypto::PublicKey& client, ByteView content);

// The content a StoreState request signs: var(params) || var(signed_state),
// both in their canonical encoding.
Bytes StoreStateContent(const channel::Params& params, const channel::SignedState& state);

// The Auth for one call, signed with `key` over `challenge` and `content`.
Auth SignRequest(const crypto::PrivateKey& key, std::string_view call, const Hash32& challenge,
                 ByteView content);

}  // namespace parley::watchtower
