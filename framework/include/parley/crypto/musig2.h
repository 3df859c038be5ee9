// BIP327 MuSig2: n-of-n Schnorr multi-signatures whose result is an ordinary
// BIP340 signature under one aggregate x-only key.
//
// A session, for each signer:
//   1. KeyAggContext::Create (and ApplyTweak) on the signers' keys;
//   2. NonceGen; send the PublicNonce to the others (or an aggregator);
//   3. NonceAgg on everyone's public nonces;
//   4. Sign with the SecretNonce, which consumes it; send the partial
//      signature;
//   5. PartialSigVerify on the others' partial signatures (optional, but it
//      names a cheater), then PartialSigAgg gives the BIP340 signature.
//
// Errors. Keys, nonces and partial signatures come from peers, so a bad one is
// a result, not a bug: the Status is InvalidArgument and its message names the
// culprit and the BIP's name for the contribution, as
//   "invalid <contrib> from signer <i>: <why>"       (i counts from 0), or
//   "invalid <contrib> from the nonce aggregator: <why>"
// with <contrib> one of pubkey, pubnonce, aggnonce, aggothernonce, psig.
// Other bad inputs give InvalidArgument with the BIP's own wording (e.g.
// "the tweak must be less than n").
#pragma once

#include <array>
#include <optional>
#include <span>
#include <vector>

#include "parley/crypto/keys.h"
#include "parley/crypto/schnorr.h"
#include "parley/crypto/single_use_secret.h"
#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::crypto::musig2 {

// A signer's compressed public key as received: validated when used, so that
// the error can name the signer who sent it.
using PlainPublicKey = PublicKey::Encoded;
// Two compressed points R1 || R2.
using PublicNonce = std::array<uint8_t, 66>;
// The sums of the signers' R1s and R2s; either half may be infinity, encoded
// as 33 zero bytes.
using AggregateNonce = std::array<uint8_t, 66>;
using PartialSignature = Hash32;

struct Tweak {
  Hash32 value{};
  // True for an x-only tweak (as BIP341 taproot tweaks are), false for a
  // plain one (as BIP32 derivation is).
  bool is_xonly = false;
};

// The keys in lexicographic order of their encodings. Signers who sort agree
// on the aggregate key whatever order they learned the keys in.
std::vector<PlainPublicKey> KeySort(std::vector<PlainPublicKey> keys);

// The aggregate key Q with the tweaks applied so far.
class KeyAggContext {
 public:
  // KeyAgg. Errors name the first signer whose key is invalid; an empty list
  // is InvalidArgument.
  static Result<KeyAggContext> Create(std::span<const PlainPublicKey> keys);
  // KeyAgg, then ApplyTweak for each tweak in order.
  static Result<KeyAggContext> Create(std::span<const PlainPublicKey> keys,
                                      std::span<const Tweak> tweaks);

  // Q' = g*Q + t*G, where g = -1 for an x-only tweak of a Q with odd y and 1
  // otherwise. Returns InvalidArgument, leaving the context unchanged, if the
  // tweak is not below n or Q' would be infinity.
  Status ApplyTweak(const Tweak& tweak);

  // x(Q): the BIP340 key the final signature verifies under.
  Hash32 XOnlyKey() const;
  // Q compressed (GetPlainPubkey): the key further plain tweaks build on.
  const PlainPublicKey& PlainKey() const { return aggregate_key_; }

  // BIP327's accumulators: gacc (the product of the g's, so +1 or -1) and
  // tacc (the tweaks, accumulated the same way).
  bool gacc_is_negative() const { return gacc_is_negative_; }
  const Hash32& tacc() const { return tacc_; }

 private:
  KeyAggContext() = default;

  PlainPublicKey aggregate_key_{};
  bool gacc_is_negative_ = false;
  Hash32 tacc_{};
};

struct SessionContext;

// A secret nonce (k1, k2) and the public key it was made for. It can sign
// exactly once: Sign consumes it (zeroes it and marks it used), and a second
// Sign returns FailedPrecondition. Signing twice with one nonce would reveal
// the secret key, which is why the type cannot be copied; moving it leaves
// the source used.
class SecretNonce : public SingleUseSecret<97> {  // k1 || k2 || plain public key
 public:
  // A nonce from its BIP327 serialization, for test vectors and for a nonce
  // kept in encrypted storage between rounds. Restoring the same bytes twice
  // defeats the single-use guarantee; the caller must delete them. Only the
  // length is checked here: Sign checks the values.
  static Result<SecretNonce> FromBytes(ByteView bytes);

 private:
  friend Result<PartialSignature> Sign(SecretNonce&, const PrivateKey&, const SessionContext&);
  SecretNonce() = default;
};

struct NonceGenOptions {
  // Each optional input makes the nonce depend on more of the session, which
  // protects against a weak random generator; none is required.
  const PrivateKey* secret_key = nullptr;  // the signer's key, if at hand
  std::optional<Hash32> aggregate_key;     // x-only, from KeyAggContext::XOnlyKey
  std::optional<Bytes> message;            // the message to be signed
  std::optional<Bytes> extra_input;        // anything else unique to the session
};

struct GeneratedNonce {
  SecretNonce secret;
  PublicNonce public_nonce{};
};

// NonceGen with 32 fresh bytes from the secure random generator.
// `public_key` is the signer's own key. Returns Internal only if a derived
// nonce is zero (probability ~2^-256).
Result<GeneratedNonce> NonceGen(const PlainPublicKey& public_key,
                                const NonceGenOptions& options = {});
// NonceGen with the randomness given. `rand` must be uniformly random and
// never used again: this variant exists for the BIP's vectors.
Result<GeneratedNonce> NonceGenWithRandomness(const Hash32& rand, const PlainPublicKey& public_key,
                                              const NonceGenOptions& options);

// NonceAgg. Errors name the first signer whose nonce is invalid.
Result<AggregateNonce> NonceAgg(std::span<const PublicNonce> public_nonces);

// What every signer of one session must agree on.
struct SessionContext {
  AggregateNonce aggregate_nonce{};
  std::vector<PlainPublicKey> public_keys;  // in KeyAgg order
  std::vector<Tweak> tweaks;
  Bytes message;  // any length
};

// A partial signature with `secret_nonce`, which is consumed first, whatever
// the outcome: after an error, generate a new nonce and restart the session.
// Returns FailedPrecondition if the nonce was used already, InvalidArgument
// for a nonce made for another key, a key missing from the session, or an
// invalid contribution (named as above).
Result<PartialSignature> Sign(SecretNonce& secret_nonce, const PrivateKey& secret_key,
                              const SessionContext& session);

// Checks signer `signer_index`'s partial signature, given every signer's
// public nonce and key (same order). OK if it is valid; PermissionDenied if
// it is not (the signer cheated or the inputs disagree); InvalidArgument for
// an invalid contribution, mismatched list lengths or an index out of range.
Status PartialSigVerify(const PartialSignature& partial_signature,
                        std::span<const PublicNonce> public_nonces,
                        std::span<const PlainPublicKey> public_keys, std::span<const Tweak> tweaks,
                        ByteView message, size_t signer_index);
// The same with the session's aggregate nonce already known. An invalid
// `public_nonce` or `public_key` is reported as the signer's at index
// `signer_index` in the message.
Status PartialSigVerify(const PartialSignature& partial_signature, const PublicNonce& public_nonce,
                        const PlainPublicKey& public_key, const SessionContext& session,
                        size_t signer_index);

// The final BIP340 signature from every signer's partial signature. A partial
// signature not below n is an invalid psig of its signer. The result verifies
// under KeyAggContext::Create(public_keys, tweaks)->XOnlyKey() if every
// partial signature was valid.
Result<Signature> PartialSigAgg(std::span<const PartialSignature> partial_signatures,
                                const SessionContext& session);

struct DeterministicSignature {
  PublicNonce public_nonce{};
  PartialSignature partial_signature{};
};

// DeterministicSign: for a signer who signs last, after receiving the others'
// aggregated nonce, and so can derive its nonce from that, the message and
// its key without keeping state. `rand` (optional) adds randomness.
Result<DeterministicSignature> DeterministicSign(const PrivateKey& secret_key,
                                                 const AggregateNonce& aggregate_other_nonce,
                                                 std::span<const PlainPublicKey> public_keys,
                                                 std::span<const Tweak> tweaks, ByteView message,
                                                 const std::optional<Hash32>& rand);

}  // namespace parley::crypto::musig2
