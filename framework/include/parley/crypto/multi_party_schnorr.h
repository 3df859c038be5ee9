// n-party Schnorr signatures over an ADDITIVE key P = X_1 + ... + X_n: the
// generalization of two_party_schnorr.h for a statecoin whose owner share is
// itself split, e.g. a payment channel on a coin (Alice, Bob and the
// operator: P = A + B + S). The result is an ordinary BIP340 signature under
// the BIP341 taproot output key x(Q) of P (key path only), exactly as in the
// two-party scheme, whose CoinKey, nonces (NonceGen, SecretNonce),
// PublicNonce, PartialSignature and share proofs are reused here.
//
// Nonces follow MuSig2: each signer sends (R_i1, R_i2); with
// b = hash(sum R_i1, sum R_i2, x(Q), msg) the session nonce is
// R = sum R_i1 + b * sum R_i2. The first round does not depend on the
// message, so a signer may hand out public nonces ahead of time (the
// operator does, per channel version) as long as each secret signs once.
//
// Splitting a share. The owner of share o (O = o*G) splits it into a + b
// (SplitShare): it keeps a and hands b to the other party, who proves it
// holds b (two_party::ProveShare). P and the operator's share stay as they
// were; anyone checks the split with VerifySplit(O, A, B). The splitter
// knew o, so it also knows b: the split does not take signing power from
// it; it adds a party whose partial signature the others can require.
//
// Errors as in the two-party scheme: a bad peer nonce is InvalidArgument
// naming the signer, a partial signature that does not verify is
// PermissionDenied.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "parley/crypto/keys.h"
#include "parley/crypto/schnorr.h"
#include "parley/crypto/two_party_schnorr.h"
#include "parley/util/status.h"

namespace parley::crypto::multi_party {

using two_party::CoinKey;
using two_party::PartialSignature;
using two_party::PublicNonce;
using two_party::SecretNonce;

// The most signers a session may have.
inline constexpr size_t kMaxSigners = 16;

// The coin key of the sum of `shares`. InvalidArgument for no shares, more
// than kMaxSigners, or a sum that is the point at infinity.
Result<CoinKey> KeyOf(std::span<const PublicKey> shares);

// What every signer of one session agrees on: shares[i] and nonces[i] are
// signer i's.
struct Session {
  std::vector<PublicKey> shares;
  std::vector<PublicNonce> nonces;
  Hash32 message{};
  // What error messages call each signer ("the owner"); "signer <i>" for
  // those not named.
  std::vector<std::string> names;
};

// Signer `signer`'s partial signature, consuming `secret_nonce` first
// whatever the outcome. FailedPrecondition if the nonce was used already;
// InvalidArgument for a signer index out of range, a share or nonce that is
// not the signer's in the session, a malformed session or another signer's
// invalid nonce.
Result<PartialSignature> Sign(SecretNonce& secret_nonce, const PrivateKey& share,
                              const Session& session, size_t signer);

// OK if `partial_signature` is signer `signer`'s valid partial signature;
// PermissionDenied if it does not verify; InvalidArgument for a malformed
// session or an invalid nonce.
Status PartialSigVerify(const PartialSignature& partial_signature, const Session& session,
                        size_t signer);

// The BIP340 signature (x(R), sum s_i + e*g_Q*t), one partial signature per
// signer in session order. It verifies under KeyOf(shares)->output_key()
// when every partial signature is valid. InvalidArgument for a count that
// differs from the signers' or a partial signature not below n.
Result<Signature> Aggregate(std::span<const PartialSignature> partial_signatures,
                            const Session& session);

// The owner's side of a split: a fresh random `kept` share and
// `given` = owner_share - kept, to hand to the other party over a private
// channel. Internal only if the difference is zero (negligible).
struct SplitShares {
  PrivateKey kept;
  PrivateKey given;
};
Result<SplitShares> SplitShare(const PrivateKey& owner_share);

// OK if kept + given = owner (so P is unchanged); PermissionDenied naming
// the mismatch otherwise.
Status VerifySplit(const PublicKey& owner, const PublicKey& kept, const PublicKey& given);

}  // namespace parley::crypto::multi_party
