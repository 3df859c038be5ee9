// BIP341 taproot outputs: committing a script tree into a key, and spending
// by the key path.
//
// An output key Q = P + t*G, where P is the internal key (x-only, even y) and
// t = hash_TapTweak(x(P) || merkle_root), or hash_TapTweak(x(P)) for an
// output with no scripts. The output's scriptPubKey is OP_1 <x(Q)>.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "parley/crypto/keys.h"
#include "parley/crypto/schnorr.h"
#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::crypto {

// hash_TapLeaf(leaf_version || CompactSize(len(script)) || script).
Hash32 TapLeafHash(uint8_t leaf_version, ByteView script);

// hash_TapBranch of the two children, the smaller one first, so a branch does
// not depend on the order its children are given in.
Hash32 TapBranchHash(const Hash32& a, const Hash32& b);

// The tweak t; `merkle_root` is absent for a key-path-only output.
Hash32 TapTweakHash(const Hash32& internal_key, const std::optional<Hash32>& merkle_root);

struct TaprootOutputKey {
  Hash32 x_only{};     // x(Q): what the scriptPubKey holds
  bool odd_y = false;  // the parity bit a script-path control block carries
};

// Q from the x-only internal key. Returns InvalidArgument if `internal_key`
// is not the x coordinate of a point, or (with negligible probability for a
// hash) if t is not below the curve order or Q is the point at infinity.
Result<TaprootOutputKey> TweakPublicKey(const Hash32& internal_key,
                                        const std::optional<Hash32>& merkle_root);

// The secret key of Q: d' = d + t, where d is negated first if P = d*G has
// odd y. Signing with it spends the output by the key path.
Result<PrivateKey> TweakPrivateKey(const PrivateKey& internal_key,
                                   const std::optional<Hash32>& merkle_root);

// OP_1 OP_PUSHBYTES_32 <x(Q)>: the segwit v1 output script.
std::array<uint8_t, 34> TaprootScriptPubKey(const Hash32& output_key);

// The key-path witness element: the 64-byte BIP340 signature, then the
// sighash type byte unless it is SIGHASH_DEFAULT (0), which is implied.
Bytes KeyPathWitnessSignature(const Signature& signature, uint8_t hash_type);

}  // namespace parley::crypto
