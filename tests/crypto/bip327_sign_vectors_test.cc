// Checks every case of the official BIP327 sign_verify, tweak, sig_agg and
// det_sign vectors (tests/vectors/bip327/, see tests/vectors/README.md).
#include <gtest/gtest.h>

#include <optional>

#include "crypto/bip327_vectors.h"
#include "parley/crypto/keys.h"
#include "parley/crypto/musig2.h"
#include "parley/crypto/schnorr.h"

namespace parley::crypto::musig2 {
namespace {

// A fresh SecretNonce from a vector's bytes, for one Sign.
SecretNonce NonceFrom(const Json& hex) {
  Result<SecretNonce> nonce = SecretNonce::FromBytes(HexBytes(hex));
  EXPECT_TRUE(nonce.ok()) << nonce.status().ToString();
  return std::move(nonce).value();
}

// Signs with the vector's secret nonce, and checks that the nonce is then
// spent: zeroed, and refused by a second Sign.
Result<PartialSignature> SignOnce(const Json& secnonce_hex, const PrivateKey& key,
                                  const SessionContext& session) {
  SecretNonce nonce = NonceFrom(secnonce_hex);
  Result<PartialSignature> partial_signature = Sign(nonce, key, session);
  EXPECT_TRUE(nonce.used());
  EXPECT_EQ(nonce.SecretBytes(), (std::array<uint8_t, SecretNonce::kSize>{}));
  EXPECT_EQ(Sign(nonce, key, session).status().code(), StatusCode::kFailedPrecondition);
  return partial_signature;
}

class Bip327SignVerifyVectorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    v_ = ReadJsonVectors("bip327/sign_verify_vectors.json");
    ASSERT_TRUE(v_.is_object());
    ASSERT_EQ(v_["valid_test_cases"].size(), 6u);
    ASSERT_EQ(v_["sign_error_test_cases"].size(), 6u);
    ASSERT_EQ(v_["verify_fail_test_cases"].size(), 3u);
    ASSERT_EQ(v_["verify_error_test_cases"].size(), 2u);
    Result<PrivateKey> key = PrivateKey::FromHex(v_["sk"].get<std::string>());
    ASSERT_TRUE(key.ok());
    key_ = *key;
    // The file's own premise: the key is pubkeys[0].
    ASSERT_EQ(ToHex(key_->public_key().bytes()), Lower(v_["pubkeys"][0].get<std::string>()));
  }

  SessionContext Session(const Json& c) {
    return {.aggregate_nonce = HexArray<66>(v_["aggnonces"].at(c["aggnonce_index"].get<size_t>())),
            .public_keys = PickHex<33>(v_["pubkeys"], c["key_indices"]),
            .message = HexBytes(v_["msgs"].at(c["msg_index"].get<size_t>()))};
  }

  Json v_;
  std::optional<PrivateKey> key_;
};

TEST_F(Bip327SignVerifyVectorsTest, TheFilesAggregateNoncesAreNonceAggs) {
  const std::vector<PublicNonce> first_three = PickHex<66>(v_["pnonces"], Json::array({0, 1, 2}));
  EXPECT_EQ(ToHex(NonceAgg(first_three).value()), Lower(v_["aggnonces"][0].get<std::string>()));
  // Both halves cancel: the aggregate is two encodings of infinity.
  const std::vector<PublicNonce> cancelling = PickHex<66>(v_["pnonces"], Json::array({0, 3}));
  EXPECT_EQ(ToHex(NonceAgg(cancelling).value()), Lower(v_["aggnonces"][1].get<std::string>()));
}

TEST_F(Bip327SignVerifyVectorsTest, ValidCasesSignAndVerify) {
  size_t checked = 0;
  for (const Json& c : v_["valid_test_cases"]) {
    SCOPED_TRACE(c.dump());
    const SessionContext session = Session(c);
    const std::vector<PublicNonce> nonces = PickHex<66>(v_["pnonces"], c["nonce_indices"]);
    EXPECT_EQ(NonceAgg(nonces).value(), session.aggregate_nonce);
    const PartialSignature expected = HexArray<32>(c["expected"]);

    Result<PartialSignature> partial_signature = SignOnce(v_["secnonces"][0], *key_, session);
    ASSERT_TRUE(partial_signature.ok()) << partial_signature.status().ToString();
    EXPECT_EQ(ToHex(*partial_signature), ToHex(expected));
    const size_t signer = c["signer_index"].get<size_t>();
    Status verified =
        PartialSigVerify(expected, nonces, session.public_keys, {}, session.message, signer);
    EXPECT_TRUE(verified.ok()) << verified.ToString();
    ++checked;
  }
  EXPECT_EQ(checked, 6u);
}

TEST_F(Bip327SignVerifyVectorsTest, SignErrorCases) {
  size_t checked = 0;
  for (const Json& c : v_["sign_error_test_cases"]) {
    SCOPED_TRACE(c["comment"].get<std::string>());
    const Json& secnonce = v_["secnonces"].at(c["secnonce_index"].get<size_t>());
    ExpectVectorError(SignOnce(secnonce, *key_, Session(c)).status(), c["error"]);
    ++checked;
  }
  EXPECT_EQ(checked, 6u);
}

TEST_F(Bip327SignVerifyVectorsTest, VerifyFailCasesDoNotVerify) {
  size_t checked = 0;
  for (const Json& c : v_["verify_fail_test_cases"]) {
    SCOPED_TRACE(c["comment"].get<std::string>());
    const size_t signer = c["signer_index"].get<size_t>();
    Status verified =
        PartialSigVerify(HexArray<32>(c["sig"]), PickHex<66>(v_["pnonces"], c["nonce_indices"]),
                         PickHex<33>(v_["pubkeys"], c["key_indices"]), {},
                         HexBytes(v_["msgs"].at(c["msg_index"].get<size_t>())), signer);
    EXPECT_EQ(verified.code(), StatusCode::kPermissionDenied) << verified.ToString();
    EXPECT_NE(verified.message().find("signer " + std::to_string(signer)), std::string::npos);
    ++checked;
  }
  EXPECT_EQ(checked, 3u);
}

TEST_F(Bip327SignVerifyVectorsTest, VerifyErrorCasesNameTheCulprit) {
  size_t checked = 0;
  for (const Json& c : v_["verify_error_test_cases"]) {
    SCOPED_TRACE(c["comment"].get<std::string>());
    Status verified = PartialSigVerify(
        HexArray<32>(c["sig"]), PickHex<66>(v_["pnonces"], c["nonce_indices"]),
        PickHex<33>(v_["pubkeys"], c["key_indices"]), {},
        HexBytes(v_["msgs"].at(c["msg_index"].get<size_t>())), c["signer_index"].get<size_t>());
    ExpectVectorError(verified, c["error"]);
    ++checked;
  }
  EXPECT_EQ(checked, 2u);
}

TEST(Bip327TweakVectorsTest, EveryCase) {
  const Json v = ReadJsonVectors("bip327/tweak_vectors.json");
  ASSERT_TRUE(v.is_object());
  ASSERT_EQ(v["valid_test_cases"].size(), 5u);
  ASSERT_EQ(v["error_test_cases"].size(), 1u);
  Result<PrivateKey> key = PrivateKey::FromHex(v["sk"].get<std::string>());
  ASSERT_TRUE(key.ok());
  ASSERT_EQ(ToHex(key->public_key().bytes()), Lower(v["pubkeys"][0].get<std::string>()));
  const AggregateNonce aggregate_nonce = HexArray<66>(v["aggnonce"]);
  const Bytes message = HexBytes(v["msg"]);
  EXPECT_EQ(NonceAgg(PickHex<66>(v["pnonces"], Json::array({0, 1, 2}))).value(), aggregate_nonce);

  size_t valid = 0;
  for (const Json& c : v["valid_test_cases"]) {
    SCOPED_TRACE(c["comment"].get<std::string>());
    const SessionContext session{
        .aggregate_nonce = aggregate_nonce,
        .public_keys = PickHex<33>(v["pubkeys"], c["key_indices"]),
        .tweaks = PickTweaks(v["tweaks"], c["tweak_indices"], c["is_xonly"]),
        .message = message};
    Result<PartialSignature> partial_signature = SignOnce(v["secnonce"], *key, session);
    ASSERT_TRUE(partial_signature.ok()) << partial_signature.status().ToString();
    EXPECT_EQ(ToHex(*partial_signature), Lower(c["expected"].get<std::string>()));
    Status verified = PartialSigVerify(
        *partial_signature, PickHex<66>(v["pnonces"], c["nonce_indices"]), session.public_keys,
        session.tweaks, message, c["signer_index"].get<size_t>());
    EXPECT_TRUE(verified.ok()) << verified.ToString();
    ++valid;
  }
  size_t errors = 0;
  for (const Json& c : v["error_test_cases"]) {
    SCOPED_TRACE(c["comment"].get<std::string>());
    const SessionContext session{
        .aggregate_nonce = aggregate_nonce,
        .public_keys = PickHex<33>(v["pubkeys"], c["key_indices"]),
        .tweaks = PickTweaks(v["tweaks"], c["tweak_indices"], c["is_xonly"]),
        .message = message};
    ExpectVectorError(SignOnce(v["secnonce"], *key, session).status(), c["error"]);
    ++errors;
  }
  EXPECT_EQ(valid, 5u);
  EXPECT_EQ(errors, 1u);
}

TEST(Bip327SigAggVectorsTest, EveryCase) {
  const Json v = ReadJsonVectors("bip327/sig_agg_vectors.json");
  ASSERT_TRUE(v.is_object());
  ASSERT_EQ(v["valid_test_cases"].size(), 4u);
  ASSERT_EQ(v["error_test_cases"].size(), 1u);
  const Bytes message = HexBytes(v["msg"]);

  size_t valid = 0;
  for (const Json& c : v["valid_test_cases"]) {
    SCOPED_TRACE(c.dump());
    const SessionContext session{
        .aggregate_nonce = HexArray<66>(c["aggnonce"]),
        .public_keys = PickHex<33>(v["pubkeys"], c["key_indices"]),
        .tweaks = PickTweaks(v["tweaks"], c["tweak_indices"], c["is_xonly"]),
        .message = message};
    EXPECT_EQ(NonceAgg(PickHex<66>(v["pnonces"], c["nonce_indices"])).value(),
              session.aggregate_nonce);
    Result<Signature> signature =
        PartialSigAgg(PickHex<32>(v["psigs"], c["psig_indices"]), session);
    ASSERT_TRUE(signature.ok()) << signature.status().ToString();
    EXPECT_EQ(ToHex(*signature), Lower(c["expected"].get<std::string>()));
    const Hash32 aggregate_key =
        KeyAggContext::Create(session.public_keys, session.tweaks)->XOnlyKey();
    EXPECT_TRUE(SchnorrVerify(aggregate_key, message, *signature));
    ++valid;
  }
  size_t errors = 0;
  for (const Json& c : v["error_test_cases"]) {
    SCOPED_TRACE(c["comment"].get<std::string>());
    const SessionContext session{
        .aggregate_nonce = NonceAgg(PickHex<66>(v["pnonces"], c["nonce_indices"])).value(),
        .public_keys = PickHex<33>(v["pubkeys"], c["key_indices"]),
        .tweaks = PickTweaks(v["tweaks"], c["tweak_indices"], c["is_xonly"]),
        .message = message};
    ExpectVectorError(PartialSigAgg(PickHex<32>(v["psigs"], c["psig_indices"]), session).status(),
                      c["error"]);
    ++errors;
  }
  EXPECT_EQ(valid, 4u);
  EXPECT_EQ(errors, 1u);
}

TEST(Bip327DetSignVectorsTest, EveryCase) {
  const Json v = ReadJsonVectors("bip327/det_sign_vectors.json");
  ASSERT_TRUE(v.is_object());
  ASSERT_EQ(v["valid_test_cases"].size(), 4u);
  ASSERT_EQ(v["error_test_cases"].size(), 5u);
  Result<PrivateKey> key = PrivateKey::FromHex(v["sk"].get<std::string>());
  ASSERT_TRUE(key.ok());
  ASSERT_EQ(ToHex(key->public_key().bytes()), Lower(v["pubkeys"][0].get<std::string>()));

  auto sign = [&](const Json& c) {
    std::optional<Hash32> rand;
    if (!c["rand"].is_null()) rand = HexArray<32>(c["rand"]);
    return DeterministicSign(*key, HexArray<66>(c["aggothernonce"]),
                             PickHex<33>(v["pubkeys"], c["key_indices"]),
                             PickTweaks(nullptr, c["tweaks"], c["is_xonly"]),
                             HexBytes(v["msgs"].at(c["msg_index"].get<size_t>())), rand);
  };

  size_t valid = 0;
  for (const Json& c : v["valid_test_cases"]) {
    SCOPED_TRACE(c.dump());
    Result<DeterministicSignature> result = sign(c);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    ASSERT_EQ(c["expected"].size(), 2u);
    EXPECT_EQ(ToHex(result->public_nonce), Lower(c["expected"][0].get<std::string>()));
    EXPECT_EQ(ToHex(result->partial_signature), Lower(c["expected"][1].get<std::string>()));

    const std::array<PublicNonce, 2> nonces = {HexArray<66>(c["aggothernonce"]),
                                               result->public_nonce};
    const SessionContext session{.aggregate_nonce = NonceAgg(nonces).value(),
                                 .public_keys = PickHex<33>(v["pubkeys"], c["key_indices"]),
                                 .tweaks = PickTweaks(nullptr, c["tweaks"], c["is_xonly"]),
                                 .message = HexBytes(v["msgs"].at(c["msg_index"].get<size_t>()))};
    const size_t signer = c["signer_index"].get<size_t>();
    Status verified = PartialSigVerify(result->partial_signature, result->public_nonce,
                                       session.public_keys.at(signer), session, signer);
    EXPECT_TRUE(verified.ok()) << verified.ToString();
    ++valid;
  }
  size_t errors = 0;
  for (const Json& c : v["error_test_cases"]) {
    SCOPED_TRACE(c["comment"].get<std::string>());
    ExpectVectorError(sign(c).status(), c["error"]);
    ++errors;
  }
  EXPECT_EQ(valid, 4u);
  EXPECT_EQ(errors, 5u);
}

}  // namespace
}  // namespace parley::crypto::musig2
