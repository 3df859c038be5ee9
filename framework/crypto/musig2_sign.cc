// BIP327 Sign, PartialSigVerify, PartialSigAgg and DeterministicSign.
#include <openssl/crypto.h>

#include <algorithm>
#include <string>

#include "musig2_internal.h"
#include "parley/crypto/hash.h"

namespace parley::crypto::musig2 {
namespace {

// g of BIP327: -1 if the (tweaked) aggregate key has odd y, else 1.
Scalar KeyParity(const Point& q) { return q.HasEvenY() ? Scalar::One() : -Scalar::One(); }

// A secret value from 32 of a nonce's bytes, which must be in [1, n-1].
Result<Scalar> NonceValue(ByteView bytes, const char* which) {
  Hash32 value;
  std::copy(bytes.begin(), bytes.end(), value.begin());
  Result<Scalar> k = Scalar::FromBytes(value);
  OPENSSL_cleanse(value.data(), value.size());
  if (!k.ok() || k->IsZero()) {
    // A consumed nonce is all zeros, so this is the usual sign of reuse.
    return Status::InvalidArgument(std::string(which) +
                                   " secnonce value is out of range (a zero nonce may have been "
                                   "used already)");
  }
  return k;
}

Scalar SecretScalar(const PrivateKey& key) {
  std::array<uint8_t, PrivateKey::kSize> secret = key.SecretBytes();
  Scalar d = Scalar::FromBytes(secret).value();  // a PrivateKey is always below n
  OPENSSL_cleanse(secret.data(), secret.size());
  return d;
}

// Sign, once the nonce has been taken out of its SecretNonce.
Result<PartialSignature> SignWithNonce(ByteView nonce, const PrivateKey& secret_key,
                                       const SessionContext& session) {
  PARLEY_ASSIGN_OR_RETURN(SessionValues values, GetSessionValues(session));
  PARLEY_ASSIGN_OR_RETURN(Scalar k1_chosen, NonceValue(nonce.subspan(0, 32), "first"));
  PARLEY_ASSIGN_OR_RETURN(Scalar k2_chosen, NonceValue(nonce.subspan(32, 32), "second"));
  // The final nonce R must have even y (BIP340), so the k's follow its sign.
  const bool negate = !values.r.HasEvenY();
  const Scalar k1 = negate ? -k1_chosen : k1_chosen;
  const Scalar k2 = negate ? -k2_chosen : k2_chosen;

  const PlainPublicKey& public_key = secret_key.public_key().bytes();
  if (!std::equal(public_key.begin(), public_key.end(), nonce.begin() + 64)) {
    return Status::InvalidArgument(
        "the secret key does not match the public key the nonce was generated for");
  }
  PARLEY_ASSIGN_OR_RETURN(Scalar a, SessionKeyAggCoefficient(session, public_key));
  const Scalar d = KeyParity(values.key.q) * values.key.gacc * SecretScalar(secret_key);
  const Scalar s = k1 + values.b * k2 + values.e * a * d;

  PartialSignature partial_signature = s.bytes();
  // A fault while signing could leak the key through a wrong signature, so
  // check it before it leaves (as the BIP recommends).
  size_t own_index = static_cast<size_t>(
      std::find(session.public_keys.begin(), session.public_keys.end(), public_key) -
      session.public_keys.begin());
  if (!PartialSigVerify(partial_signature, PublicNonceOf(k1_chosen, k2_chosen), public_key, session,
                        own_index)
           .ok()) {
    return Status::Internal("MuSig2 produced a partial signature that does not verify");
  }
  return partial_signature;
}

// hash_MuSig/deterministic/nonce(sk' || aggothernonce || aggpk || len(msg) ||
// msg || i) mod n.
Scalar DeterministicNonce(const Hash32& seed, const AggregateNonce& aggregate_other_nonce,
                          const Hash32& aggregate_key, ByteView message, uint8_t i) {
  Bytes data(seed.begin(), seed.end());
  data.insert(data.end(), aggregate_other_nonce.begin(), aggregate_other_nonce.end());
  data.insert(data.end(), aggregate_key.begin(), aggregate_key.end());
  AppendBigEndian(&data, message.size(), 8);
  data.insert(data.end(), message.begin(), message.end());
  data.push_back(i);
  Hash32 hash = TaggedHash("MuSig/deterministic/nonce", data);
  Scalar k = Scalar::Reduce(hash);
  OPENSSL_cleanse(data.data(), data.size());
  OPENSSL_cleanse(hash.data(), hash.size());
  return k;
}

}  // namespace

Result<PartialSignature> Sign(SecretNonce& secret_nonce, const PrivateKey& secret_key,
                              const SessionContext& session) {
  if (secret_nonce.used()) {
    return Status::FailedPrecondition(
        "this secret nonce has already been used to sign; generate a new nonce and restart the "
        "session (signing twice with one nonce reveals the secret key)");
  }
  std::array<uint8_t, SecretNonce::kSize> nonce = secret_nonce.bytes_;
  secret_nonce.Wipe();
  Result<PartialSignature> partial_signature = SignWithNonce(nonce, secret_key, session);
  OPENSSL_cleanse(nonce.data(), nonce.size());
  return partial_signature;
}

Status PartialSigVerify(const PartialSignature& partial_signature, const PublicNonce& public_nonce,
                        const PlainPublicKey& public_key, const SessionContext& session,
                        size_t signer_index) {
  PARLEY_ASSIGN_OR_RETURN(SessionValues values, GetSessionValues(session));
  const std::string signer = "signer " + std::to_string(signer_index);
  Result<Scalar> s = Scalar::FromBytes(partial_signature);
  if (!s.ok()) {
    return Status::PermissionDenied("partial signature of " + signer + " is not below n");
  }
  Result<Point> r1 = Point::FromCompressed(ByteView(public_nonce).first(33));
  if (!r1.ok()) return InvalidContribution(signer_index, "pubnonce", r1.status());
  Result<Point> r2 = Point::FromCompressed(ByteView(public_nonce).last(33));
  if (!r2.ok()) return InvalidContribution(signer_index, "pubnonce", r2.status());
  Result<Point> p = Point::FromCompressed(public_key);
  if (!p.ok()) return InvalidContribution(signer_index, "pubkey", p.status());
  PARLEY_ASSIGN_OR_RETURN(Scalar a, SessionKeyAggCoefficient(session, public_key));

  const Point effective_nonce = *r1 + *r2 * values.b;
  const Point signer_nonce = values.r.HasEvenY() ? effective_nonce : -effective_nonce;
  const Scalar g = KeyParity(values.key.q) * values.key.gacc;
  if (!(Point::BaseMul(*s) == signer_nonce + *p * (values.e * a * g))) {
    return Status::PermissionDenied("partial signature of " + signer + " does not verify");
  }
  return Status::Ok();
}

Status PartialSigVerify(const PartialSignature& partial_signature,
                        std::span<const PublicNonce> public_nonces,
                        std::span<const PlainPublicKey> public_keys, std::span<const Tweak> tweaks,
                        ByteView message, size_t signer_index) {
  if (public_nonces.size() != public_keys.size()) {
    return Status::InvalidArgument("PartialSigVerify needs one public nonce per public key");
  }
  if (signer_index >= public_keys.size()) {
    return Status::InvalidArgument("signer index " + std::to_string(signer_index) +
                                   " is out of range for " + std::to_string(public_keys.size()) +
                                   " signers");
  }
  PARLEY_ASSIGN_OR_RETURN(AggregateNonce aggregate_nonce, NonceAgg(public_nonces));
  const SessionContext session{
      .aggregate_nonce = aggregate_nonce,
      .public_keys = {public_keys.begin(), public_keys.end()},
      .tweaks = {tweaks.begin(), tweaks.end()},
      .message = {message.begin(), message.end()},
  };
  return PartialSigVerify(partial_signature, public_nonces[signer_index], public_keys[signer_index],
                          session, signer_index);
}

Result<Signature> PartialSigAgg(std::span<const PartialSignature> partial_signatures,
                                const SessionContext& session) {
  PARLEY_ASSIGN_OR_RETURN(SessionValues values, GetSessionValues(session));
  Scalar s;
  for (size_t i = 0; i < partial_signatures.size(); ++i) {
    Result<Scalar> s_i = Scalar::FromBytes(partial_signatures[i]);
    if (!s_i.ok()) return InvalidContribution(i, "psig", s_i.status());
    s = s + *s_i;
  }
  // The tweaks' share of the signature, which no signer adds.
  s = s + values.e * KeyParity(values.key.q) * values.key.tacc;
  Signature signature;
  const Hash32 r_x = values.r.X();
  std::copy(r_x.begin(), r_x.end(), signature.begin());
  std::copy(s.bytes().begin(), s.bytes().end(), signature.begin() + 32);
  return signature;
}

Result<DeterministicSignature> DeterministicSign(const PrivateKey& secret_key,
                                                 const AggregateNonce& aggregate_other_nonce,
                                                 std::span<const PlainPublicKey> public_keys,
                                                 std::span<const Tweak> tweaks, ByteView message,
                                                 const std::optional<Hash32>& rand) {
  PARLEY_ASSIGN_OR_RETURN(KeyAggContext context, KeyAggContext::Create(public_keys, tweaks));
  const Hash32 aggregate_key = context.XOnlyKey();

  for (size_t half = 0; half < 2; ++half) {
    // NonceAgg would also reject it, but in the name of a signer.
    Result<Point> r = Point::FromCompressed(ByteView(aggregate_other_nonce).subspan(33 * half, 33));
    if (!r.ok()) return InvalidContribution(std::nullopt, "aggothernonce", r.status());
  }

  Hash32 seed = secret_key.SecretBytes();
  if (rand) {
    Hash32 aux = TaggedHash("MuSig/aux", *rand);
    for (size_t i = 0; i < seed.size(); ++i) seed[i] ^= aux[i];
    OPENSSL_cleanse(aux.data(), aux.size());
  }
  const Scalar k1 = DeterministicNonce(seed, aggregate_other_nonce, aggregate_key, message, 0);
  const Scalar k2 = DeterministicNonce(seed, aggregate_other_nonce, aggregate_key, message, 1);
  OPENSSL_cleanse(seed.data(), seed.size());
  if (k1.IsZero() || k2.IsZero()) return Status::Internal("DeterministicSign derived a zero nonce");

  DeterministicSignature out;
  out.public_nonce = PublicNonceOf(k1, k2);
  const std::array<PublicNonce, 2> nonces = {out.public_nonce, aggregate_other_nonce};
  PARLEY_ASSIGN_OR_RETURN(AggregateNonce aggregate_nonce, NonceAgg(nonces));

  Bytes nonce_bytes(k1.bytes().begin(), k1.bytes().end());
  nonce_bytes.insert(nonce_bytes.end(), k2.bytes().begin(), k2.bytes().end());
  const PlainPublicKey& public_key = secret_key.public_key().bytes();
  nonce_bytes.insert(nonce_bytes.end(), public_key.begin(), public_key.end());
  Result<SecretNonce> secret_nonce = SecretNonce::FromBytes(nonce_bytes);
  OPENSSL_cleanse(nonce_bytes.data(), nonce_bytes.size());
  PARLEY_RETURN_IF_ERROR(secret_nonce.status());

  const SessionContext session{
      .aggregate_nonce = aggregate_nonce,
      .public_keys = {public_keys.begin(), public_keys.end()},
      .tweaks = {tweaks.begin(), tweaks.end()},
      .message = {message.begin(), message.end()},
  };
  PARLEY_ASSIGN_OR_RETURN(out.partial_signature, Sign(*secret_nonce, secret_key, session));
  return out;
}

}  // namespace parley::crypto::musig2
