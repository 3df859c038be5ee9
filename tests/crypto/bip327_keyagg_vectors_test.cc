// Checks every case of the official BIP327 key_sort and key_agg vectors
// (tests/vectors/bip327/, see tests/vectors/README.md).
#include <gtest/gtest.h>

#include "crypto/bip327_vectors.h"
#include "parley/crypto/musig2.h"

namespace parley::crypto::musig2 {
namespace {

TEST(Bip327KeySortVectorsTest, SortsLikeTheReference) {
  const Json v = ReadJsonVectors("bip327/key_sort_vectors.json");
  ASSERT_TRUE(v.is_object());
  std::vector<PlainPublicKey> keys, sorted;
  for (const Json& key : v["pubkeys"]) keys.push_back(HexArray<33>(key));
  for (const Json& key : v["sorted_pubkeys"]) sorted.push_back(HexArray<33>(key));
  ASSERT_EQ(keys.size(), 6u);
  ASSERT_EQ(sorted.size(), keys.size());
  ASSERT_NE(keys, sorted);
  EXPECT_EQ(KeySort(keys), sorted);
  EXPECT_EQ(KeySort(sorted), sorted);
}

class Bip327KeyAggVectorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    v_ = ReadJsonVectors("bip327/key_agg_vectors.json");
    ASSERT_TRUE(v_.is_object());
    ASSERT_EQ(v_["valid_test_cases"].size(), 4u);
    ASSERT_EQ(v_["error_test_cases"].size(), 5u);
  }
  Json v_;
};

TEST_F(Bip327KeyAggVectorsTest, ValidCasesGiveTheAggregateKey) {
  size_t checked = 0;
  for (const Json& c : v_["valid_test_cases"]) {
    SCOPED_TRACE(c.dump());
    const std::vector<PlainPublicKey> keys = PickHex<33>(v_["pubkeys"], c["key_indices"]);
    Result<KeyAggContext> context = KeyAggContext::Create(keys);
    ASSERT_TRUE(context.ok()) << context.status().ToString();
    EXPECT_EQ(ToHex(context->XOnlyKey()), Lower(c["expected"].get<std::string>()));
    // Untweaked: the accumulators are at their start values.
    EXPECT_FALSE(context->gacc_is_negative());
    EXPECT_EQ(context->tacc(), Hash32{});
    ++checked;
  }
  EXPECT_EQ(checked, v_["valid_test_cases"].size());
}

TEST_F(Bip327KeyAggVectorsTest, ErrorCasesNameTheCulprit) {
  size_t checked = 0;
  for (const Json& c : v_["error_test_cases"]) {
    SCOPED_TRACE(c["comment"].get<std::string>());
    const std::vector<PlainPublicKey> keys = PickHex<33>(v_["pubkeys"], c["key_indices"]);
    const std::vector<Tweak> tweaks = PickTweaks(v_["tweaks"], c["tweak_indices"], c["is_xonly"]);
    ExpectVectorError(KeyAggContext::Create(keys, tweaks).status(), c["error"]);
    ++checked;
  }
  EXPECT_EQ(checked, v_["error_test_cases"].size());
}

TEST(KeyAggTest, RejectsAnEmptyKeyList) {
  EXPECT_EQ(KeyAggContext::Create({}).status().code(), StatusCode::kInvalidArgument);
}

// A failed tweak leaves the context as it was.
TEST_F(Bip327KeyAggVectorsTest, FailedTweakChangesNothing) {
  const std::vector<PlainPublicKey> keys = PickHex<33>(v_["pubkeys"], Json::array({0, 1, 2}));
  Result<KeyAggContext> context = KeyAggContext::Create(keys);
  ASSERT_TRUE(context.ok());
  const PlainPublicKey before = context->PlainKey();
  Status status = context->ApplyTweak({.value = HexArray<32>(v_["tweaks"][0]), .is_xonly = true});
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(context->PlainKey(), before);
  EXPECT_EQ(context->tacc(), Hash32{});
}

}  // namespace
}  // namespace parley::crypto::musig2
