// BIP327 GetSessionValues and the session's KeyAgg coefficients.
#include <algorithm>

#include "musig2_internal.h"
#include "parley/crypto/hash.h"

namespace parley::crypto::musig2 {

Result<SessionValues> GetSessionValues(const SessionContext& session) {
  PARLEY_ASSIGN_OR_RETURN(KeyAggContext context,
                          KeyAggContext::Create(session.public_keys, session.tweaks));
  SessionValues values{.key = Unpack(context)};
  const Hash32 q_x = context.XOnlyKey();

  Bytes coefficient_input(session.aggregate_nonce.begin(), session.aggregate_nonce.end());
  coefficient_input.insert(coefficient_input.end(), q_x.begin(), q_x.end());
  coefficient_input.insert(coefficient_input.end(), session.message.begin(), session.message.end());
  values.b = Scalar::Reduce(TaggedHash("MuSig/noncecoef", coefficient_input));

  const ByteView aggregate_nonce(session.aggregate_nonce);
  Result<Point> r1 = Point::FromCompressedOrInfinity(aggregate_nonce.first(33));
  if (!r1.ok()) return InvalidContribution(std::nullopt, "aggnonce", r1.status());
  Result<Point> r2 = Point::FromCompressedOrInfinity(aggregate_nonce.last(33));
  if (!r2.ok()) return InvalidContribution(std::nullopt, "aggnonce", r2.status());
  const Point r = *r1 + *r2 * values.b;
  // Infinity can only come from a malicious aggregator; G keeps the session
  // going, and the cheat is then caught by PartialSigVerify, not by a crash.
  values.r = r.is_infinity() ? Point::Generator() : r;

  const Hash32 r_x = values.r.X();
  Bytes challenge_input(r_x.begin(), r_x.end());
  challenge_input.insert(challenge_input.end(), q_x.begin(), q_x.end());
  challenge_input.insert(challenge_input.end(), session.message.begin(), session.message.end());
  values.e = Scalar::Reduce(TaggedHash("BIP0340/challenge", challenge_input));
  return values;
}

Result<Scalar> SessionKeyAggCoefficient(const SessionContext& session, const PlainPublicKey& key) {
  const std::vector<PlainPublicKey>& keys = session.public_keys;
  if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
    return Status::InvalidArgument("the signer's pubkey must be included in the list of pubkeys");
  }
  return KeyAggCoefficient(HashKeys(keys), SecondKey(keys), key);
}

}  // namespace parley::crypto::musig2
