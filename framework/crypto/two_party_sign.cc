// Two-party Schnorr signing: session values, partial signatures, their
// verification and aggregation (see two_party_schnorr.h for the scheme).
#include <openssl/crypto.h>

#include <algorithm>
#include <string>

#include "key_scalar.h"
#include "parley/crypto/hash.h"
#include "two_party_internal.h"

namespace parley::crypto::two_party {
namespace {

Scalar PlusOrMinusOne(bool negative) { return negative ? -Scalar::One() : Scalar::One(); }

const PublicKey& ShareOf(const Session& session, Party party) {
  return party == Party::kOwner ? session.owner_share : session.operator_share;
}

const PublicNonce& NonceOf(const Session& session, Party party) {
  return party == Party::kOwner ? session.owner_nonce : session.operator_nonce;
}

Result<Point> NonceHalf(const PublicNonce& nonce, size_t half, Party party) {
  Result<Point> r = Point::FromCompressed(ByteView(nonce).subspan(33 * half, 33));
  if (!r.ok()) {
    return Status::InvalidArgument(std::string("invalid ") + PartyName(party) +
                                   " nonce: " + r.status().message());
  }
  return r;
}

void Append(Bytes* out, ByteView bytes) { out->insert(out->end(), bytes.begin(), bytes.end()); }

// The party's effective nonce point R_i1 + b*R_i2, negated along with R.
Point EffectiveNonce(const SessionValues& values, Party party) {
  const Point nonce = party == Party::kOwner ? values.owner_r1 + values.owner_r2 * values.b
                                             : values.operator_r1 + values.operator_r2 * values.b;
  return values.r.HasEvenY() ? nonce : -nonce;
}

}  // namespace

Result<SessionValues> GetSessionValues(const Session& session) {
  PARLEY_ASSIGN_OR_RETURN(CoinKey key,
                          CoinKey::Create(session.owner_share, session.operator_share));
  SessionValues values;
  PARLEY_ASSIGN_OR_RETURN(values.owner_r1, NonceHalf(session.owner_nonce, 0, Party::kOwner));
  PARLEY_ASSIGN_OR_RETURN(values.owner_r2, NonceHalf(session.owner_nonce, 1, Party::kOwner));
  PARLEY_ASSIGN_OR_RETURN(values.operator_r1,
                          NonceHalf(session.operator_nonce, 0, Party::kOperator));
  PARLEY_ASSIGN_OR_RETURN(values.operator_r2,
                          NonceHalf(session.operator_nonce, 1, Party::kOperator));
  const Point r1 = values.owner_r1 + values.operator_r1;
  const Point r2 = values.owner_r2 + values.operator_r2;

  // b binds the nonces to each other, the key and the message, so a party
  // that sees the other's nonce first cannot steer R (MuSig2's argument).
  Bytes data;
  Append(&data, r1.SerializeOrInfinity());
  Append(&data, r2.SerializeOrInfinity());
  Append(&data, key.output_key());
  Append(&data, session.message);
  values.b = Scalar::Reduce(TaggedHash("Parley/TwoPartySchnorr/noncecoef", data));
  values.r = r1 + r2 * values.b;
  // Infinity has no encoding; as in BIP327, G stands in (it happens only if
  // the parties' nonces cancel, which an honest party's random nonce prevents).
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

Result<PartialSignature> Sign(SecretNonce& secret_nonce, const PrivateKey& share,
                              const Session& session, Party party) {
  PARLEY_ASSIGN_OR_RETURN(NonceAccess::Parts nonce, NonceAccess::Take(secret_nonce));
  const std::string who = PartyName(party);
  if (!(share.public_key() == ShareOf(session, party))) {
    return Status::InvalidArgument("the share given is not the " + who + "'s share in the session");
  }
  if (nonce.share != share.public_key().bytes()) {
    return Status::InvalidArgument("the secret nonce was made for another share");
  }
  if (PublicNonceOf(nonce.k1, nonce.k2) != NonceOf(session, party)) {
    return Status::InvalidArgument("the secret nonce is not the " + who +
                                   "'s public nonce in the session");
  }
  PARLEY_ASSIGN_OR_RETURN(SessionValues values, GetSessionValues(session));
  // BIP340 needs R with even y, so the nonces follow R's sign.
  const Scalar nonce_sign = PlusOrMinusOne(!values.r.HasEvenY());
  const Scalar s = nonce_sign * (nonce.k1 + values.b * nonce.k2) +
                   values.e * values.share_sign * ScalarOf(share);
  const PartialSignature partial_signature = s.bytes();
  // A fault while signing could leak the share through a wrong signature,
  // so check it before it leaves.
  if (!PartialSigVerify(partial_signature, session, party).ok()) {
    return Status::Internal("two-party Schnorr produced a partial signature that does not verify");
  }
  return partial_signature;
}

Status PartialSigVerify(const PartialSignature& partial_signature, const Session& session,
                        Party party) {
  PARLEY_ASSIGN_OR_RETURN(SessionValues values, GetSessionValues(session));
  const std::string who = PartyName(party);
  Result<Scalar> s = Scalar::FromBytes(partial_signature);
  if (!s.ok())
    return Status::PermissionDenied("the " + who + "'s partial signature is not below n");
  const Point share = PointOf(ShareOf(session, party));
  if (!(Point::BaseMul(*s) ==
        EffectiveNonce(values, party) + share * (values.e * values.share_sign))) {
    return Status::PermissionDenied("the " + who + "'s partial signature does not verify");
  }
  return Status::Ok();
}

Result<Signature> Aggregate(const PartialSignature& owner_partial,
                            const PartialSignature& operator_partial, const Session& session) {
  PARLEY_ASSIGN_OR_RETURN(SessionValues values, GetSessionValues(session));
  Result<Scalar> s_owner = Scalar::FromBytes(owner_partial);
  if (!s_owner.ok()) return Status::InvalidArgument("the owner's partial signature is not below n");
  Result<Scalar> s_operator = Scalar::FromBytes(operator_partial);
  if (!s_operator.ok()) {
    return Status::InvalidArgument("the operator's partial signature is not below n");
  }
  // The tweak's part of the key belongs to neither party: it is added here.
  const Scalar s = *s_owner + *s_operator + values.e * values.tweak_term;
  Signature signature;
  const Hash32 r_x = values.r.X();
  std::copy(r_x.begin(), r_x.end(), signature.begin());
  std::copy(s.bytes().begin(), s.bytes().end(), signature.begin() + 32);
  return signature;
}

}  // namespace parley::crypto::two_party
