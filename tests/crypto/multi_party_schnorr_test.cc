// n-party Schnorr over an additive key: three-party signatures verify as
// BIP340 under the taproot output key for every parity, partial signatures
// are checked, nonces sign once, and a split share keeps the key.
#include "parley/crypto/multi_party_schnorr.h"

#include <gtest/gtest.h>

#include <set>
#include <utility>
#include <vector>

#include "parley/crypto/key_arithmetic.h"
#include "parley/crypto/random.h"
#include "parley/crypto/taproot.h"

namespace parley::crypto::multi_party {
namespace {

struct Signed {
  Session session;
  std::vector<PartialSignature> partials;
};

// Every signer's nonce and partial signature for `message`.
Signed SignAll(const std::vector<PrivateKey>& keys, const Hash32& message) {
  Signed run;
  std::vector<two_party::GeneratedNonce> nonces;
  for (const PrivateKey& key : keys) {
    nonces.push_back(two_party::NonceGen(key, AsBytes("session")).value());
    run.session.shares.push_back(key.public_key());
    run.session.nonces.push_back(nonces.back().public_nonce);
  }
  run.session.message = message;
  for (size_t i = 0; i < keys.size(); ++i) {
    run.partials.push_back(Sign(nonces[i].secret, keys[i], run.session, i).value());
  }
  return run;
}

std::vector<PrivateKey> ThreeKeys() {
  return {PrivateKey::Generate(), PrivateKey::Generate(), PrivateKey::Generate()};
}

TEST(MultiPartySchnorrTest, ThreePartySignaturesVerifyForEveryParity) {
  std::set<std::pair<bool, bool>> parities_seen;
  for (int i = 0; i < 200 && parities_seen.size() < 4; ++i) {
    const std::vector<PrivateKey> keys = ThreeKeys();
    const Signed run = SignAll(keys, RandomHash32());
    const CoinKey key = KeyOf(run.session.shares).value();
    parities_seen.insert({key.internal_odd_y(), key.output_odd_y()});
    const Signature signature = Aggregate(run.partials, run.session).value();
    ASSERT_TRUE(SchnorrVerify(key.output_key(), run.session.message, signature)) << i;
    const PrivateKey sum =
        AddPrivateKeys(AddPrivateKeys(keys[0], keys[1]).value(), keys[2]).value();
    EXPECT_EQ(key.output_key(), TweakPrivateKey(sum, std::nullopt)->public_key().XOnly());
  }
  EXPECT_EQ(parities_seen.size(), 4u) << "not every (P, Q) parity combination was exercised";
}

TEST(MultiPartySchnorrTest, TwoSignersGiveTheTwoPartyKey) {
  const PrivateKey o = PrivateKey::Generate();
  const PrivateKey s = PrivateKey::Generate();
  const std::vector<PublicKey> shares = {o.public_key(), s.public_key()};
  EXPECT_EQ(KeyOf(shares)->output_key(),
            CoinKey::Create(o.public_key(), s.public_key())->output_key());
  const Signed run = SignAll({o, s}, RandomHash32());
  EXPECT_TRUE(SchnorrVerify(KeyOf(shares)->output_key(), run.session.message,
                            Aggregate(run.partials, run.session).value()));
}

TEST(MultiPartySchnorrTest, TamperedPartialSignaturesAreDenied) {
  Signed run = SignAll(ThreeKeys(), RandomHash32());
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(PartialSigVerify(run.partials[i], run.session, i).ok());
    // Another signer's partial signature is not this signer's.
    EXPECT_EQ(PartialSigVerify(run.partials[(i + 1) % 3], run.session, i).code(),
              StatusCode::kPermissionDenied);
    PartialSignature bad = run.partials[i];
    bad[31] ^= 1;
    EXPECT_EQ(PartialSigVerify(bad, run.session, i).code(), StatusCode::kPermissionDenied);
  }
  Session other = run.session;
  other.message[0] ^= 1;
  EXPECT_EQ(PartialSigVerify(run.partials[0], other, 0).code(), StatusCode::kPermissionDenied);
  // An aggregate with one tampered part does not verify.
  run.partials[2][0] ^= 0x40;
  Result<Signature> signature = Aggregate(run.partials, run.session);
  ASSERT_TRUE(signature.ok());
  EXPECT_FALSE(
      SchnorrVerify(KeyOf(run.session.shares)->output_key(), run.session.message, *signature));
}

TEST(MultiPartySchnorrTest, MalformedSessionsAreInvalid) {
  Signed run = SignAll(ThreeKeys(), RandomHash32());
  EXPECT_EQ(PartialSigVerify(run.partials[0], run.session, 3).code(), StatusCode::kInvalidArgument);
  Session missing = run.session;
  missing.nonces.pop_back();
  EXPECT_EQ(PartialSigVerify(run.partials[0], missing, 0).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Aggregate(std::span(run.partials).first(2), run.session).status().code(),
            StatusCode::kInvalidArgument);
  Session broken = run.session;
  broken.nonces[1][0] = 0x05;
  const Status status = PartialSigVerify(run.partials[0], broken, 0);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("signer 1"), std::string::npos) << status.message();
  EXPECT_EQ(KeyOf(std::vector<PublicKey>{}).status().code(), StatusCode::kInvalidArgument);
}

TEST(MultiPartySchnorrTest, ANonceSignsOnce) {
  const std::vector<PrivateKey> keys = ThreeKeys();
  two_party::GeneratedNonce nonce = two_party::NonceGen(keys[0], AsBytes("x")).value();
  Session session;
  for (const PrivateKey& key : keys) session.shares.push_back(key.public_key());
  session.nonces = {nonce.public_nonce, two_party::NonceGen(keys[1], {})->public_nonce,
                    two_party::NonceGen(keys[2], {})->public_nonce};
  session.message = RandomHash32();
  ASSERT_TRUE(Sign(nonce.secret, keys[0], session, 0).ok());
  session.message[0] ^= 1;
  EXPECT_EQ(Sign(nonce.secret, keys[0], session, 0).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST(MultiPartySchnorrTest, SignRefusesAShareOrNonceNotTheSigners) {
  const std::vector<PrivateKey> keys = ThreeKeys();
  Signed run = SignAll(keys, RandomHash32());
  two_party::GeneratedNonce fresh = two_party::NonceGen(keys[0], {}).value();
  // The nonce is not signer 0's nonce in the session.
  EXPECT_EQ(Sign(fresh.secret, keys[0], run.session, 0).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(fresh.secret.used()) << "a refused Sign still consumes the nonce";
  two_party::GeneratedNonce other = two_party::NonceGen(keys[1], {}).value();
  run.session.nonces[0] = other.public_nonce;
  EXPECT_EQ(Sign(other.secret, keys[1], run.session, 0).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(MultiPartySchnorrTest, ASplitOwnerShareKeepsTheKeyAndSignsWithTheOperator) {
  const PrivateKey o = PrivateKey::Generate();
  const PrivateKey s = PrivateKey::Generate();
  const SplitShares split = SplitShare(o).value();
  ASSERT_TRUE(VerifySplit(o.public_key(), split.kept.public_key(), split.given.public_key()).ok());
  const std::vector<PublicKey> three = {split.kept.public_key(), split.given.public_key(),
                                        s.public_key()};
  const CoinKey before = CoinKey::Create(o.public_key(), s.public_key()).value();
  EXPECT_EQ(KeyOf(three)->output_key(), before.output_key());
  // Bob proves he holds his part; a proof for another context fails.
  const Signature proof = two_party::ProveShare(split.given, AsBytes("channel"));
  EXPECT_TRUE(
      two_party::VerifyShareProof(split.given.public_key(), AsBytes("channel"), proof).ok());
  EXPECT_FALSE(two_party::VerifyShareProof(split.given.public_key(), AsBytes("other"), proof).ok());
  const Signed run = SignAll({split.kept, split.given, s}, RandomHash32());
  EXPECT_TRUE(SchnorrVerify(before.output_key(), run.session.message,
                            Aggregate(run.partials, run.session).value()));
  // A share that does not complete the split is refused.
  EXPECT_EQ(VerifySplit(o.public_key(), split.kept.public_key(), s.public_key()).code(),
            StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace parley::crypto::multi_party
