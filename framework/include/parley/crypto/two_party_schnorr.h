// Two-party Schnorr signatures over an ADDITIVE key P = O + S, as a
// statechain coin's key is split between its owner (O = o*G) and the
// operator (S = s*G). The result is an ordinary BIP340 signature under the
// BIP341 taproot output key x(Q) of P (key path only, no scripts).
//
// Unlike MuSig2 (musig2.h) the shares carry no key-aggregation coefficients,
// so the shares can be re-split (o2 = o1 - d, s2 = s1 + d) without changing
// P: that is how a statecoin changes hands. The price is the rogue-key
// attack (a party announcing O = X - S would own P alone), which the share
// proofs below defeat: a party accepts the other's share only with a valid
// ProveShare proof.
//
// Nonces follow MuSig2, which keeps concurrent sessions safe: each party
// sends two nonce points (R1, R2); with b = hash(R1 sum, R2 sum, x(Q), msg)
// the session nonce is R = R1 sum + b * R2 sum. A session:
//   1. each party NonceGen; exchange the PublicNonces (either order);
//   2. each party Sign with its SecretNonce (consumed) and its share;
//   3. PartialSigVerify the other's partial signature, then Aggregate.
//
// Errors. Nonces and partial signatures come from a peer: a bad one is
// InvalidArgument naming the party ("invalid owner nonce: ..."), and a
// partial signature that does not verify is PermissionDenied.
#pragma once

#include <array>
#include <cstdint>

#include "parley/crypto/keys.h"
#include "parley/crypto/schnorr.h"
#include "parley/crypto/single_use_secret.h"
#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::crypto::two_party {

// Two compressed points R1 || R2.
using PublicNonce = std::array<uint8_t, 66>;
// s_i, a scalar below n (big-endian).
using PartialSignature = Hash32;

enum class Party { kOwner, kOperator };

// P = O + S and its taproot output key Q = P' + t*G, where P' is P or -P,
// whichever has even y, and t = hash_TapTweak(x(P)).
class CoinKey {
 public:
  // InvalidArgument if O + S is the point at infinity.
  static Result<CoinKey> Create(const PublicKey& owner_share, const PublicKey& operator_share);
  // From P itself.
  static Result<CoinKey> FromInternalKey(const PublicKey& internal_key);

  const PublicKey& internal_key() const { return internal_key_; }  // P
  const Hash32& output_key() const { return output_key_; }         // x(Q)
  // OP_1 <x(Q)>: the scriptPubKey of the coin's output.
  std::array<uint8_t, 34> ScriptPubKey() const;

  // The signs BIP340 requires: each share enters the signature multiplied by
  // g = g_P * g_Q, where g_P = -1 if P has odd y and g_Q = -1 if Q has odd y;
  // the tweak enters multiplied by g_Q.
  bool internal_odd_y() const { return internal_odd_y_; }
  bool output_odd_y() const { return output_odd_y_; }
  const Hash32& tweak() const { return tweak_; }

 private:
  explicit CoinKey(const PublicKey& internal_key) : internal_key_(internal_key) {}

  PublicKey internal_key_;
  Hash32 output_key_{};
  Hash32 tweak_{};
  bool internal_odd_y_ = false;
  bool output_odd_y_ = false;
};

// A proof that the holder of `share` knows its secret: a BIP340 signature by
// the share over a tagged hash of the share and `context` (something unique
// to the setup, e.g. the coin id), so a proof for one setup does not pass
// for another.
Signature ProveShare(const PrivateKey& share, ByteView context);
// OK if `proof` is valid; PermissionDenied if it is not.
Status VerifyShareProof(const PublicKey& share, ByteView context, const Signature& proof);

// A secret nonce (k1, k2) and the share it was made for. It signs exactly
// once: Sign consumes it, and a second Sign returns FailedPrecondition
// (signing two messages with one nonce reveals the share). It cannot be
// copied; moving it leaves the source used.
class SecretNonce : public SingleUseSecret<97> {  // k1 || k2 || compressed share
 public:
  // A nonce from SecretBytes, for a signer that keeps it in storage between
  // rounds. Restoring the same bytes twice defeats the single-use rule: the
  // caller must delete the stored copy when it signs. Returns
  // InvalidArgument for a wrong length or values out of range.
  static Result<SecretNonce> FromBytes(ByteView bytes);

 private:
  friend struct NonceAccess;
  SecretNonce() = default;
};

struct GeneratedNonce {
  SecretNonce secret;
  PublicNonce public_nonce{};
};

// A fresh nonce for `share`: hashes of 32 bytes from the secure random
// generator, the share and `extra_input` (anything unique to the session,
// e.g. the coin id and the request id), so a weak generator alone does not
// expose the nonce. Returns Internal only if a derived value is zero.
Result<GeneratedNonce> NonceGen(const PrivateKey& share, ByteView extra_input);

// What both parties of one signing session agree on.
struct Session {
  PublicKey owner_share;     // O
  PublicKey operator_share;  // S
  PublicNonce owner_nonce{};
  PublicNonce operator_nonce{};
  Hash32 message{};  // what the BIP340 signature signs (e.g. a BIP341 sighash)
};

// `party`'s partial signature, consuming `secret_nonce` first whatever the
// outcome (after an error, start a new session with a new nonce). Returns
// FailedPrecondition if the nonce was used already; InvalidArgument if
// `share` is not `party`'s share in the session, the nonce was made for
// another share or is not `party`'s nonce in the session, or the other
// party's nonce is invalid.
Result<PartialSignature> Sign(SecretNonce& secret_nonce, const PrivateKey& share,
                              const Session& session, Party party);

// OK if `partial_signature` is `party`'s valid partial signature in
// `session`; PermissionDenied if it does not verify; InvalidArgument for an
// invalid nonce.
Status PartialSigVerify(const PartialSignature& partial_signature, const Session& session,
                        Party party);

// The BIP340 signature (x(R), s_owner + s_operator + e*g_Q*t). It verifies
// under CoinKey::Create(owner_share, operator_share)->output_key() when both
// partial signatures are valid; the caller should check with SchnorrVerify
// or PartialSigVerify. InvalidArgument for a partial signature not below n.
Result<Signature> Aggregate(const PartialSignature& owner_partial,
                            const PartialSignature& operator_partial, const Session& session);

}  // namespace parley::crypto::two_party
