// n-party Schnorr signing over an additive key (see multi_party_schnorr.h);
// two_party_sign.cc is its two-signer case.
#include <algorithm>
#include <string>

#include "key_scalar.h"
#include "parley/crypto/hash.h"
#include "parley/crypto/key_arithmetic.h"
#include "parley/crypto/multi_party_schnorr.h"
#include "two_party_internal.h"

namespace parley::crypto::multi_party {
namespace {

Scalar PlusOrMinusOne(bool negative) { return negative ? -Scalar::One() : Scalar::One(); }

void Append(Bytes* out, ByteView bytes) { out->insert(out->end(), bytes.begin(), bytes.end()); }

std::string SignerName(const Session& session, size_t signer) {
  return signer < session.names.size() ? session.names[signer] : "signer " + std::to_string(signer);
}

struct Values {
  std::vector<Point> r1;  // per signer
  std::vector<Point> r2;
  Scalar b;
  Point r = Point::Infinity();
  Scalar e;
  Scalar share_sign;  // g = g_P * g_Q
  Scalar tweak_term;  // g_Q * t
};

Result<Values> GetValues(const Session& session) {
  if (session.nonces.size() != session.shares.size()) {
    return Status::InvalidArgument("the session has " + std::to_string(session.shares.size()) +
                                   " shares but " + std::to_string(session.nonces.size()) +
                                   " nonces; it needs one nonce per signer");
  }
  PARLEY_ASSIGN_OR_RETURN(CoinKey key, KeyOf(session.shares));
  Values values;
  Point r1 = Point::Infinity();
  Point r2 = Point::Infinity();
  for (size_t i = 0; i < session.nonces.size(); ++i) {
    for (size_t half = 0; half < 2; ++half) {
      Result<Point> p = Point::FromCompressed(ByteView(session.nonces[i]).subspan(33 * half, 33));
      if (!p.ok()) {
        return Status::InvalidArgument("invalid nonce of " + SignerName(session, i) + ": " +
                                       p.status().message());
      }
      (half == 0 ? values.r1 : values.r2).push_back(*p);
      (half == 0 ? r1 : r2) = (half == 0 ? r1 : r2) + *p;
    }
  }
  Bytes data;
  Append(&data, r1.SerializeOrInfinity());
  Append(&data, r2.SerializeOrInfinity());
  Append(&data, key.output_key());
  Append(&data, session.message);
  values.b = Scalar::Reduce(TaggedHash("Parley/MultiPartySchnorr/noncecoef", data));
  values.r = r1 + r2 * values.b;
  // As in BIP327: G stands in for an infinite R (only if nonces cancel).
  if (values.r.is_infinity()) values.r = Point::Generator();

  Bytes challenge;
  Append(&challenge, values.r.X());
  Append(&challenge, key.output_key());
  Append(&challenge, session.message);
  values.e = Scalar::Reduce(TaggedHash("BIP0340/challenge", challenge));
  const Scalar g_q = PlusOrMinusOne(key.output_odd_y());
  values.share_sign = PlusOrMinusOne(key.internal_odd_y()) * g_q;
  values.tweak_term = g_q * Scalar::FromBytes(key.tweak()).value();  // CoinKey checked t < n
  return values;
}

Status CheckSigner(const Session& session, size_t signer) {
  if (signer >= session.shares.size() || signer >= session.nonces.size()) {
    return Status::InvalidArgument(SignerName(session, signer) + " is not in a session of " +
                                   std::to_string(session.shares.size()) + " signers");
  }
  return Status::Ok();
}

}  // namespace

Result<CoinKey> KeyOf(std::span<const PublicKey> shares) {
  if (shares.empty() || shares.size() > kMaxSigners) {
    return Status::InvalidArgument("a key needs 1 to " + std::to_string(kMaxSigners) +
                                   " shares, got " + std::to_string(shares.size()));
  }
  PublicKey sum = shares[0];
  for (size_t i = 1; i < shares.size(); ++i) {
    Result<PublicKey> next = AddPublicKeys(sum, shares[i]);
    if (!next.ok()) {
      return Status::InvalidArgument("the shares give no coin key: " + next.status().message());
    }
    sum = *next;
  }
  return CoinKey::FromInternalKey(sum);
}

Result<PartialSignature> Sign(SecretNonce& secret_nonce, const PrivateKey& share,
                              const Session& session, size_t signer) {
  PARLEY_ASSIGN_OR_RETURN(two_party::NonceAccess::Parts nonce,
                          two_party::NonceAccess::Take(secret_nonce));
  PARLEY_RETURN_IF_ERROR(CheckSigner(session, signer));
  if (!(share.public_key() == session.shares[signer])) {
    return Status::InvalidArgument("the share given is not " + SignerName(session, signer) +
                                   "'s share in the session");
  }
  if (nonce.share != share.public_key().bytes()) {
    return Status::InvalidArgument("the secret nonce was made for another share");
  }
  if (two_party::PublicNonceOf(nonce.k1, nonce.k2) != session.nonces[signer]) {
    return Status::InvalidArgument("the secret nonce is not " + SignerName(session, signer) +
                                   "'s public nonce in the session");
  }
  PARLEY_ASSIGN_OR_RETURN(Values values, GetValues(session));
  const Scalar nonce_sign = PlusOrMinusOne(!values.r.HasEvenY());
  const Scalar s = nonce_sign * (nonce.k1 + values.b * nonce.k2) +
                   values.e * values.share_sign * ScalarOf(share);
  const PartialSignature partial_signature = s.bytes();
  // A fault while signing could leak the share: check before it leaves.
  if (!PartialSigVerify(partial_signature, session, signer).ok()) {
    return Status::Internal(
        "multi-party Schnorr produced a partial signature that does not verify");
  }
  return partial_signature;
}

Status PartialSigVerify(const PartialSignature& partial_signature, const Session& session,
                        size_t signer) {
  PARLEY_RETURN_IF_ERROR(CheckSigner(session, signer));
  PARLEY_ASSIGN_OR_RETURN(Values values, GetValues(session));
  Result<Scalar> s = Scalar::FromBytes(partial_signature);
  if (!s.ok()) {
    return Status::PermissionDenied("the partial signature of " + SignerName(session, signer) +
                                    " is not below n");
  }
  const Point own_nonce = values.r1[signer] + values.r2[signer] * values.b;
  const Point effective = values.r.HasEvenY() ? own_nonce : -own_nonce;
  const Point share = PointOf(session.shares[signer]);
  if (!(Point::BaseMul(*s) == effective + share * (values.e * values.share_sign))) {
    return Status::PermissionDenied("the partial signature of " + SignerName(session, signer) +
                                    " does not verify");
  }
  return Status::Ok();
}

Result<Signature> Aggregate(std::span<const PartialSignature> partial_signatures,
                            const Session& session) {
  PARLEY_ASSIGN_OR_RETURN(Values values, GetValues(session));
  if (partial_signatures.size() != session.shares.size()) {
    return Status::InvalidArgument("got " + std::to_string(partial_signatures.size()) +
                                   " partial signatures for " +
                                   std::to_string(session.shares.size()) + " signers");
  }
  // The tweak's part of the key belongs to no signer: it is added here.
  Scalar s = values.e * values.tweak_term;
  for (size_t i = 0; i < partial_signatures.size(); ++i) {
    Result<Scalar> s_i = Scalar::FromBytes(partial_signatures[i]);
    if (!s_i.ok()) {
      return Status::InvalidArgument("the partial signature of " + SignerName(session, i) +
                                     " is not below n");
    }
    s = s + *s_i;
  }
  Signature signature;
  const Hash32 r_x = values.r.X();
  std::copy(r_x.begin(), r_x.end(), signature.begin());
  std::copy(s.bytes().begin(), s.bytes().end(), signature.begin() + 32);
  return signature;
}

Result<SplitShares> SplitShare(const PrivateKey& owner_share) {
  PrivateKey kept = PrivateKey::Generate();
  Result<PrivateKey> given = SubtractPrivateKeys(owner_share, kept);
  if (!given.ok()) return Status::Internal("splitting the share gave a zero part; split again");
  return SplitShares{.kept = std::move(kept), .given = std::move(*given)};
}

Status VerifySplit(const PublicKey& owner, const PublicKey& kept, const PublicKey& given) {
  Result<PublicKey> sum = AddPublicKeys(kept, given);
  if (!sum.ok() || !(*sum == owner)) {
    return Status::PermissionDenied("the split shares " + kept.ToHex() + " and " + given.ToHex() +
                                    " do not add up to the owner's share " + owner.ToHex() +
                                    "; the coin key would change");
  }
  return Status::Ok();
}

}  // namespace parley::crypto::multi_party
