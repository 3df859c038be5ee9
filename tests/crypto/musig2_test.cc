// MuSig2 sessions end to end with fresh keys and nonces, and the rule that a
// secret nonce signs once.
#include "parley/crypto/musig2.h"

#include <gtest/gtest.h>

#include <vector>

#include "parley/crypto/hash.h"
#include "parley/crypto/schnorr.h"
#include "parley/crypto/taproot.h"

namespace parley::crypto::musig2 {
namespace {

constexpr size_t kSigners = 3;

// Three signers, each with a nonce, agreeing on one session.
class Musig2SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (size_t i = 0; i < kSigners; ++i) {
      keys_.push_back(PrivateKey::Generate());
      public_keys_.push_back(keys_.back().public_key().bytes());
    }
    public_keys_ = KeySort(public_keys_);
    message_ = Bytes{'p', 'a', 'r', 'l', 'e', 'y'};
  }

  // KeyAgg with a BIP341 taproot tweak (key path only), as a statecoin's
  // output key is made.
  std::vector<Tweak> TaprootTweaks() {
    const Hash32 internal_key = KeyAggContext::Create(public_keys_)->XOnlyKey();
    return {{.value = TapTweakHash(internal_key, std::nullopt), .is_xonly = true}};
  }

  // NonceGen for every signer, with every optional input given.
  void MakeNonces(const std::vector<Tweak>& tweaks) {
    const Hash32 aggregate_key = KeyAggContext::Create(public_keys_, tweaks)->XOnlyKey();
    for (size_t i = 0; i < kSigners; ++i) {
      NonceGenOptions options{.secret_key = &keys_[i],
                              .aggregate_key = aggregate_key,
                              .message = message_,
                              .extra_input = Bytes{static_cast<uint8_t>(i)}};
      Result<GeneratedNonce> nonce = NonceGen(keys_[i].public_key().bytes(), options);
      ASSERT_TRUE(nonce.ok()) << nonce.status().ToString();
      public_nonces_.push_back(nonce->public_nonce);
      secret_nonces_.push_back(std::move(nonce->secret));
    }
  }

  // The public nonces in the order of public_keys_.
  std::vector<PublicNonce> NoncesInKeyOrder() const {
    std::vector<PublicNonce> out;
    for (const PlainPublicKey& key : public_keys_) out.push_back(public_nonces_[SignerOf(key)]);
    return out;
  }

  size_t SignerOf(const PlainPublicKey& key) const {
    for (size_t i = 0; i < kSigners; ++i) {
      if (keys_[i].public_key().bytes() == key) return i;
    }
    ADD_FAILURE() << "unknown key";
    return 0;
  }

  std::vector<PrivateKey> keys_;
  std::vector<PlainPublicKey> public_keys_;
  Bytes message_;
  std::vector<PublicNonce> public_nonces_;
  std::vector<SecretNonce> secret_nonces_;
};

TEST_F(Musig2SessionTest, TaprootTweakedSessionGivesAValidBip340Signature) {
  const std::vector<Tweak> tweaks = TaprootTweaks();
  MakeNonces(tweaks);
  const std::vector<PublicNonce> nonces = NoncesInKeyOrder();
  Result<AggregateNonce> aggregate_nonce = NonceAgg(nonces);
  ASSERT_TRUE(aggregate_nonce.ok());
  const SessionContext session{.aggregate_nonce = *aggregate_nonce,
                               .public_keys = public_keys_,
                               .tweaks = tweaks,
                               .message = message_};

  std::vector<PartialSignature> partial_signatures;
  for (size_t position = 0; position < kSigners; ++position) {
    const size_t signer = SignerOf(public_keys_[position]);
    Result<PartialSignature> partial_signature =
        Sign(secret_nonces_[signer], keys_[signer], session);
    ASSERT_TRUE(partial_signature.ok()) << partial_signature.status().ToString();
    EXPECT_TRUE(secret_nonces_[signer].used());
    Status verified =
        PartialSigVerify(*partial_signature, nonces, public_keys_, tweaks, message_, position);
    EXPECT_TRUE(verified.ok()) << verified.ToString();
    partial_signatures.push_back(*partial_signature);
  }
  Result<Signature> signature = PartialSigAgg(partial_signatures, session);
  ASSERT_TRUE(signature.ok()) << signature.status().ToString();

  // The aggregate key with the taproot tweak is the BIP341 output key of the
  // untweaked aggregate, and the signature spends it by the key path.
  const Hash32 internal_key = KeyAggContext::Create(public_keys_)->XOnlyKey();
  Result<TaprootOutputKey> output_key = TweakPublicKey(internal_key, std::nullopt);
  ASSERT_TRUE(output_key.ok());
  EXPECT_EQ(KeyAggContext::Create(public_keys_, tweaks)->XOnlyKey(), output_key->x_only);
  EXPECT_TRUE(SchnorrVerify(output_key->x_only, message_, *signature));
  EXPECT_FALSE(SchnorrVerify(internal_key, message_, *signature));
}

TEST_F(Musig2SessionTest, CheatingSignerIsNamed) {
  MakeNonces({});
  const std::vector<PublicNonce> nonces = NoncesInKeyOrder();
  const SessionContext session{.aggregate_nonce = NonceAgg(nonces).value(),
                               .public_keys = public_keys_,
                               .message = message_};
  const size_t signer = SignerOf(public_keys_[1]);
  Result<PartialSignature> partial_signature = Sign(secret_nonces_[signer], keys_[signer], session);
  ASSERT_TRUE(partial_signature.ok());
  PartialSignature tampered = *partial_signature;
  tampered[31] ^= 1;
  Status verified = PartialSigVerify(tampered, nonces, public_keys_, {}, message_, 1);
  EXPECT_EQ(verified.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(verified.message().find("signer 1"), std::string::npos) << verified.message();
  // Checked against the wrong signer's slot, a valid one fails too.
  EXPECT_EQ(PartialSigVerify(*partial_signature, nonces, public_keys_, {}, message_, 0).code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(PartialSigVerify(*partial_signature, nonces, public_keys_, {}, message_, 3).code(),
            StatusCode::kInvalidArgument);
}

TEST_F(Musig2SessionTest, SecretNonceSignsOnlyOnce) {
  MakeNonces({});
  const SessionContext session{.aggregate_nonce = NonceAgg(NoncesInKeyOrder()).value(),
                               .public_keys = public_keys_,
                               .message = message_};
  SecretNonce& nonce = secret_nonces_[0];
  EXPECT_FALSE(nonce.used());
  EXPECT_NE(nonce.SecretBytes(), (std::array<uint8_t, SecretNonce::kSize>{}));
  ASSERT_TRUE(Sign(nonce, keys_[0], session).ok());
  EXPECT_TRUE(nonce.used());
  EXPECT_EQ(nonce.SecretBytes(), (std::array<uint8_t, SecretNonce::kSize>{}));

  Result<PartialSignature> again = Sign(nonce, keys_[0], session);
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  // Not even for another message.
  SessionContext other = session;
  other.message.push_back('!');
  EXPECT_EQ(Sign(nonce, keys_[0], other).status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(Musig2SessionTest, MovingANonceSpendsTheSource) {
  MakeNonces({});
  const SessionContext session{.aggregate_nonce = NonceAgg(NoncesInKeyOrder()).value(),
                               .public_keys = public_keys_,
                               .message = message_};
  SecretNonce moved = std::move(secret_nonces_[0]);
  EXPECT_TRUE(secret_nonces_[0].used());  // NOLINT(bugprone-use-after-move): the point
  EXPECT_EQ(Sign(secret_nonces_[0], keys_[0], session).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_FALSE(moved.used());
  EXPECT_TRUE(Sign(moved, keys_[0], session).ok());
}

// A Sign that fails still consumes the nonce: the session must restart with a
// new one rather than retry with the old.
TEST_F(Musig2SessionTest, FailedSignStillConsumesTheNonce) {
  MakeNonces({});
  const SessionContext session{.aggregate_nonce = NonceAgg(NoncesInKeyOrder()).value(),
                               .public_keys = public_keys_,
                               .message = message_};
  // The nonce of signer 0 with the key of signer 1.
  Result<PartialSignature> wrong_key = Sign(secret_nonces_[0], keys_[1], session);
  EXPECT_EQ(wrong_key.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(secret_nonces_[0].used());
  EXPECT_EQ(Sign(secret_nonces_[0], keys_[0], session).status().code(),
            StatusCode::kFailedPrecondition);

  // A key outside the session.
  const PrivateKey outsider = PrivateKey::Generate();
  Result<GeneratedNonce> nonce = NonceGen(outsider.public_key().bytes());
  ASSERT_TRUE(nonce.ok());
  Result<PartialSignature> not_a_signer = Sign(nonce->secret, outsider, session);
  EXPECT_EQ(not_a_signer.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(nonce->secret.used());
}

TEST(SecretNonceTest, FromBytesChecksTheLength) {
  EXPECT_EQ(SecretNonce::FromBytes(Bytes(96)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SecretNonce::FromBytes(Bytes(98)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(SecretNonce::FromBytes(Bytes(97)).ok());
}

TEST(NonceGenTest, FreshNoncesDiffer) {
  const PrivateKey key = PrivateKey::Generate();
  Result<GeneratedNonce> a = NonceGen(key.public_key().bytes());
  Result<GeneratedNonce> b = NonceGen(key.public_key().bytes());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->public_nonce, b->public_nonce);
  EXPECT_NE(a->secret.SecretBytes(), b->secret.SecretBytes());
}

}  // namespace
}  // namespace parley::crypto::musig2
