// Checks every case of the official BIP327 nonce_gen and nonce_agg vectors
// (tests/vectors/bip327/, see tests/vectors/README.md).
#include <gtest/gtest.h>

#include <optional>

#include "crypto/bip327_vectors.h"
#include "parley/crypto/keys.h"
#include "parley/crypto/musig2.h"

namespace parley::crypto::musig2 {
namespace {

TEST(Bip327NonceGenVectorsTest, EveryCaseGivesTheExpectedNonces) {
  const Json v = ReadJsonVectors("bip327/nonce_gen_vectors.json");
  ASSERT_TRUE(v.is_object());
  ASSERT_EQ(v["test_cases"].size(), 4u);
  size_t checked = 0, with_key = 0, with_message = 0;
  for (const Json& c : v["test_cases"]) {
    SCOPED_TRACE("case " + std::to_string(checked));
    std::optional<PrivateKey> secret_key;
    if (!c["sk"].is_null()) {
      Result<PrivateKey> key = PrivateKey::FromHex(c["sk"].get<std::string>());
      ASSERT_TRUE(key.ok()) << key.status().ToString();
      secret_key = *key;
      ++with_key;
    }
    NonceGenOptions options;
    options.secret_key = secret_key ? &*secret_key : nullptr;
    if (!c["aggpk"].is_null()) options.aggregate_key = HexArray<32>(c["aggpk"]);
    if (!c["msg"].is_null()) {
      options.message = HexBytes(c["msg"]);
      ++with_message;
    }
    if (!c["extra_in"].is_null()) options.extra_input = HexBytes(c["extra_in"]);

    Result<GeneratedNonce> nonce =
        NonceGenWithRandomness(HexArray<32>(c["rand_"]), HexArray<33>(c["pk"]), options);
    ASSERT_TRUE(nonce.ok()) << nonce.status().ToString();
    EXPECT_FALSE(nonce->secret.used());
    EXPECT_EQ(ToHex(nonce->secret.SecretBytes()), Lower(c["expected_secnonce"].get<std::string>()));
    EXPECT_EQ(ToHex(nonce->public_nonce), Lower(c["expected_pubnonce"].get<std::string>()));
    ++checked;
  }
  EXPECT_EQ(checked, 4u);
  EXPECT_EQ(with_key, 3u);
  EXPECT_EQ(with_message, 3u);  // one of them the empty message, unlike no message
}

class Bip327NonceAggVectorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    v_ = ReadJsonVectors("bip327/nonce_agg_vectors.json");
    ASSERT_TRUE(v_.is_object());
    ASSERT_EQ(v_["valid_test_cases"].size(), 2u);
    ASSERT_EQ(v_["error_test_cases"].size(), 3u);
  }
  Json v_;
};

TEST_F(Bip327NonceAggVectorsTest, ValidCasesGiveTheAggregate) {
  size_t checked = 0;
  for (const Json& c : v_["valid_test_cases"]) {
    SCOPED_TRACE(c.dump());
    const std::vector<PublicNonce> nonces = PickHex<66>(v_["pnonces"], c["pnonce_indices"]);
    Result<AggregateNonce> aggregate = NonceAgg(nonces);
    ASSERT_TRUE(aggregate.ok()) << aggregate.status().ToString();
    EXPECT_EQ(ToHex(*aggregate), Lower(c["expected"].get<std::string>()));
    ++checked;
  }
  EXPECT_EQ(checked, 2u);
}

TEST_F(Bip327NonceAggVectorsTest, ErrorCasesNameTheSigner) {
  size_t checked = 0;
  for (const Json& c : v_["error_test_cases"]) {
    SCOPED_TRACE(c["comment"].get<std::string>());
    const std::vector<PublicNonce> nonces = PickHex<66>(v_["pnonces"], c["pnonce_indices"]);
    ExpectVectorError(NonceAgg(nonces).status(), c["error"]);
    ++checked;
  }
  EXPECT_EQ(checked, 3u);
}

}  // namespace
}  // namespace parley::crypto::musig2
