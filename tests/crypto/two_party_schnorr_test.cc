// Two-party Schnorr over an additive key: signatures verify as BIP340 under
// the taproot output key for both parities, partial signatures are checked,
// nonces sign once, and a share update keeps the key while retiring the old
// shares.
#include "parley/crypto/two_party_schnorr.h"

#include <gtest/gtest.h>

#include <set>
#include <utility>

#include "parley/crypto/key_arithmetic.h"
#include "parley/crypto/random.h"
#include "parley/crypto/taproot.h"

namespace parley::crypto::two_party {
namespace {

struct Partials {
  Session session;
  PartialSignature owner;
  PartialSignature op;
};

// Both parties' nonces and partial signatures for `message`.
Partials SignBoth(const PrivateKey& o, const PrivateKey& s, const Hash32& message) {
  GeneratedNonce owner_nonce = NonceGen(o, AsBytes("owner")).value();
  GeneratedNonce operator_nonce = NonceGen(s, AsBytes("operator")).value();
  Session session{.owner_share = o.public_key(),
                  .operator_share = s.public_key(),
                  .owner_nonce = owner_nonce.public_nonce,
                  .operator_nonce = operator_nonce.public_nonce,
                  .message = message};
  PartialSignature owner = Sign(owner_nonce.secret, o, session, Party::kOwner).value();
  PartialSignature op = Sign(operator_nonce.secret, s, session, Party::kOperator).value();
  return {std::move(session), owner, op};
}

Signature SignTogether(const PrivateKey& o, const PrivateKey& s, const Hash32& message) {
  Partials p = SignBoth(o, s, message);
  return Aggregate(p.owner, p.op, p.session).value();
}

TEST(TwoPartySchnorrTest, SignaturesVerifyUnderTheOutputKeyForEveryParity) {
  std::set<std::pair<bool, bool>> parities_seen;
  for (int i = 0; i < 200 && parities_seen.size() < 4; ++i) {
    const PrivateKey o = PrivateKey::Generate();
    const PrivateKey s = PrivateKey::Generate();
    const CoinKey key = CoinKey::Create(o.public_key(), s.public_key()).value();
    parities_seen.insert({key.internal_odd_y(), key.output_odd_y()});
    const Hash32 message = RandomHash32();
    const Signature signature = SignTogether(o, s, message);
    ASSERT_TRUE(SchnorrVerify(key.output_key(), message, signature)) << "iteration " << i;
    // The same key as single-key taproot over the summed secret.
    const PrivateKey sum = AddPrivateKeys(o, s).value();
    EXPECT_EQ(key.output_key(), TweakPrivateKey(sum, std::nullopt)->public_key().XOnly());
    EXPECT_EQ(key.output_key(), TweakPublicKey(sum.public_key().XOnly(), std::nullopt)->x_only);
  }
  EXPECT_EQ(parities_seen.size(), 4u) << "not every (P, Q) parity combination was exercised";
}

TEST(TwoPartySchnorrTest, PartialSignaturesVerify) {
  const PrivateKey o = PrivateKey::Generate();
  const PrivateKey s = PrivateKey::Generate();
  Partials p = SignBoth(o, s, RandomHash32());
  EXPECT_TRUE(PartialSigVerify(p.owner, p.session, Party::kOwner).ok());
  EXPECT_TRUE(PartialSigVerify(p.op, p.session, Party::kOperator).ok());
  // A partial signature checked as the other party's does not verify.
  EXPECT_EQ(PartialSigVerify(p.owner, p.session, Party::kOperator).code(),
            StatusCode::kPermissionDenied);
}

TEST(TwoPartySchnorrTest, TamperedPartialSignatureIsDetected) {
  const PrivateKey o = PrivateKey::Generate();
  const PrivateKey s = PrivateKey::Generate();
  const CoinKey key = CoinKey::Create(o.public_key(), s.public_key()).value();
  Partials p = SignBoth(o, s, RandomHash32());
  PartialSignature tampered = p.op;
  tampered[31] ^= 0x01;
  const Status status = PartialSigVerify(tampered, p.session, Party::kOperator);
  EXPECT_EQ(status.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(status.message().find("operator"), std::string::npos) << status.message();
  const Signature signature = Aggregate(p.owner, tampered, p.session).value();
  EXPECT_FALSE(SchnorrVerify(key.output_key(), p.session.message, signature));

  // A valid partial signature for another message does not pass either.
  Session other = p.session;
  other.message[0] ^= 0x01;
  EXPECT_EQ(PartialSigVerify(p.op, other, Party::kOperator).code(), StatusCode::kPermissionDenied);
  // Nor does one not below n.
  PartialSignature too_big;
  too_big.fill(0xff);
  EXPECT_EQ(PartialSigVerify(too_big, p.session, Party::kOwner).code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(Aggregate(too_big, p.op, p.session).status().code(), StatusCode::kInvalidArgument);
}

TEST(TwoPartySchnorrTest, NonceSignsOnlyOnce) {
  const PrivateKey o = PrivateKey::Generate();
  const PrivateKey s = PrivateKey::Generate();
  GeneratedNonce owner_nonce = NonceGen(o, {}).value();
  GeneratedNonce operator_nonce = NonceGen(s, {}).value();
  Session session{.owner_share = o.public_key(),
                  .operator_share = s.public_key(),
                  .owner_nonce = owner_nonce.public_nonce,
                  .operator_nonce = operator_nonce.public_nonce,
                  .message = RandomHash32()};
  const auto stored = operator_nonce.secret.SecretBytes();
  ASSERT_TRUE(Sign(operator_nonce.secret, s, session, Party::kOperator).ok());
  EXPECT_TRUE(operator_nonce.secret.used());
  // A second message with the same nonce would reveal s: refused.
  session.message[0] ^= 0x01;
  Result<PartialSignature> again = Sign(operator_nonce.secret, s, session, Party::kOperator);
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  // The used nonce's bytes are zero and cannot be restored.
  EXPECT_EQ(SecretNonce::FromBytes(operator_nonce.secret.SecretBytes()).status().code(),
            StatusCode::kInvalidArgument);
  // Restoring saved bytes works once per copy (the caller must delete them).
  EXPECT_TRUE(SecretNonce::FromBytes(stored).ok());

  // Moving a nonce leaves the source used.
  SecretNonce moved = std::move(owner_nonce.secret);
  EXPECT_TRUE(owner_nonce.secret.used());  // NOLINT(bugprone-use-after-move): that is the point
  EXPECT_FALSE(moved.used());
}

TEST(TwoPartySchnorrTest, SignRefusesMismatchedInputsAndSpendsTheNonce) {
  const PrivateKey o = PrivateKey::Generate();
  const PrivateKey s = PrivateKey::Generate();
  GeneratedNonce owner_nonce = NonceGen(o, {}).value();
  GeneratedNonce operator_nonce = NonceGen(s, {}).value();
  const Session session{.owner_share = o.public_key(),
                        .operator_share = s.public_key(),
                        .owner_nonce = owner_nonce.public_nonce,
                        .operator_nonce = operator_nonce.public_nonce,
                        .message = RandomHash32()};
  // The owner's nonce and share, but claiming to be the operator.
  EXPECT_EQ(Sign(owner_nonce.secret, o, session, Party::kOperator).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(owner_nonce.secret.used());
  // The operator's share with a nonce made for the owner's share.
  GeneratedNonce fresh = NonceGen(o, {}).value();
  EXPECT_EQ(Sign(fresh.secret, s, session, Party::kOperator).status().code(),
            StatusCode::kInvalidArgument);

  Session bad_nonce = session;
  bad_nonce.owner_nonce[0] = 0x05;
  const Status status = PartialSigVerify(PartialSignature{}, bad_nonce, Party::kOperator);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("invalid nonce of the owner"), std::string::npos)
      << status.message();
}

TEST(TwoPartySchnorrTest, ShareUpdateKeepsTheKeyAndRetiresOldShares) {
  const PrivateKey o1 = PrivateKey::Generate();
  const PrivateKey s1 = PrivateKey::Generate();
  const CoinKey key = CoinKey::Create(o1.public_key(), s1.public_key()).value();

  // The statechain transfer: t1 = o1 + x1, t2 = t1 - o2, s2 = s1 + t2 - x1.
  const PrivateKey x1 = PrivateKey::Generate();
  const PrivateKey o2 = PrivateKey::Generate();
  const PrivateKey t1 = AddPrivateKeys(o1, x1).value();
  const PrivateKey t2 = SubtractPrivateKeys(t1, o2).value();
  const PrivateKey s2 = SubtractPrivateKeys(AddPrivateKeys(s1, t2).value(), x1).value();

  EXPECT_EQ(AddPublicKeys(o2.public_key(), s2.public_key())->bytes(), key.internal_key().bytes());
  const Hash32 message = RandomHash32();
  EXPECT_TRUE(SchnorrVerify(key.output_key(), message, SignTogether(o2, s2, message)));
  // The new operator share with the old owner share, or the other way round,
  // no longer makes the coin's key or a signature under it.
  EXPECT_FALSE(SchnorrVerify(key.output_key(), message, SignTogether(o1, s2, message)));
  EXPECT_FALSE(SchnorrVerify(key.output_key(), message, SignTogether(o2, s1, message)));
  EXPECT_NE(CoinKey::Create(o1.public_key(), s2.public_key())->output_key(), key.output_key());
}

TEST(TwoPartySchnorrTest, ShareProofs) {
  const PrivateKey share = PrivateKey::Generate();
  const Signature proof = ProveShare(share, AsBytes("coin 1"));
  EXPECT_TRUE(VerifyShareProof(share.public_key(), AsBytes("coin 1"), proof).ok());
  EXPECT_EQ(VerifyShareProof(share.public_key(), AsBytes("coin 2"), proof).code(),
            StatusCode::kPermissionDenied);
  // A rogue share X - S has no proof its sender could make.
  const PrivateKey other = PrivateKey::Generate();
  const PublicKey rogue = SubtractPublicKeys(other.public_key(), share.public_key()).value();
  EXPECT_EQ(VerifyShareProof(rogue, AsBytes("coin 1"), ProveShare(other, AsBytes("coin 1"))).code(),
            StatusCode::kPermissionDenied);
}

TEST(KeyArithmeticTest, SumsAndDifferences) {
  const PrivateKey a = PrivateKey::Generate();
  const PrivateKey b = PrivateKey::Generate();
  EXPECT_EQ(AddPrivateKeys(a, b)->public_key(),
            AddPublicKeys(a.public_key(), b.public_key()).value());
  EXPECT_EQ(SubtractPrivateKeys(a, b)->public_key(),
            SubtractPublicKeys(a.public_key(), b.public_key()).value());
  EXPECT_EQ(SubtractPrivateKeys(a, a).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SubtractPublicKeys(a.public_key(), a.public_key()).status().code(),
            StatusCode::kInvalidArgument);
  const PublicKey minus_a =
      SubtractPublicKeys(b.public_key(), AddPublicKeys(a.public_key(), b.public_key()).value())
          .value();
  EXPECT_EQ(CoinKey::Create(a.public_key(), minus_a).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace parley::crypto::two_party
