// The BIP341 key-path sighash beyond what the official vectors cover: the
// annex (none of the vectors has one), what each hash type commits to, and
// the inputs it refuses. Built on the vectors' spending transaction.
#include "parley/crypto/taproot_sighash.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/json_vectors.h"
#include "parley/crypto/hash.h"

namespace parley::crypto {
namespace {

constexpr uint8_t kAllHashTypes[] = {0x00, 0x01, 0x02, 0x03, 0x81, 0x82, 0x83};

class TaprootSighashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Json vectors = ReadJsonVectors("bip341/wallet-test-vectors.json");
    ASSERT_TRUE(vectors.is_object());
    const Json& given = vectors["keyPathSpending"][0]["given"];
    Result<Transaction> tx = ParseTransactionHex(given["rawUnsignedTx"].get<std::string>());
    ASSERT_TRUE(tx.ok()) << tx.status().ToString();
    tx_ = *tx;
    for (const Json& utxo : given["utxosSpent"]) {
      spent_.push_back({.amount_sats = utxo["amountSats"].get<int64_t>(),
                        .script_pubkey = HexBytes(utxo["scriptPubKey"])});
    }
    ASSERT_EQ(tx_.inputs.size(), 9u);
    ASSERT_EQ(tx_.outputs.size(), 2u);
  }

  Hash32 Sighash(const Transaction& tx, const std::vector<TxOut>& spent, size_t index,
                 uint8_t hash_type) {
    Result<Hash32> sighash =
        TaprootKeyPathSighash(tx, spent, {.input_index = index, .hash_type = hash_type});
    EXPECT_TRUE(sighash.ok()) << sighash.status().ToString();
    return sighash.ok() ? *sighash : Hash32{};
  }

  Transaction tx_;
  std::vector<TxOut> spent_;
};

// BIP341: with an annex, spend_type is 1 and sha_annex =
// SHA256(CompactSize(len) || annex) follows the input's own data (and comes
// before sha_single_output); nothing else changes.
TEST_F(TaprootSighashTest, AnnexIsCommittedWhereBip341PutsIt) {
  const Bytes annex = {0x50, 0xaa, 0xbb, 0xcc};
  Bytes annex_with_length = {static_cast<uint8_t>(annex.size())};
  annex_with_length.insert(annex_with_length.end(), annex.begin(), annex.end());
  const Hash32 sha_annex = Sha256(annex_with_length);
  const size_t index = 1;

  for (uint8_t hash_type : kAllHashTypes) {
    SCOPED_TRACE("hash type " + std::to_string(hash_type));
    const bool anyone_can_pay = (hash_type & kSighashAnyoneCanPay) != 0;
    const uint8_t output_type = hash_type & 3;
    Result<Bytes> plain =
        TaprootKeyPathSigMsg(tx_, spent_, {.input_index = index, .hash_type = hash_type});
    Result<Bytes> annexed = TaprootKeyPathSigMsg(
        tx_, spent_, {.input_index = index, .hash_type = hash_type, .annex = annex});
    ASSERT_TRUE(plain.ok() && annexed.ok());

    const size_t spend_type_at =
        2 + 8 + (anyone_can_pay ? 0 : 4 * 32) +
        (output_type == kSighashNone || output_type == kSighashSingle ? 0 : 32);
    const size_t input_data =
        anyone_can_pay ? 36 + 8 + 1 + spent_[index].script_pubkey.size() + 4 : 4;
    ASSERT_LT(spend_type_at, plain->size());
    EXPECT_EQ((*plain)[spend_type_at], 0x00);

    Bytes expected(plain->begin(), plain->begin() + spend_type_at);
    expected.push_back(0x01);
    const auto after_input = plain->begin() + spend_type_at + 1 + input_data;
    expected.insert(expected.end(), plain->begin() + spend_type_at + 1, after_input);
    expected.insert(expected.end(), sha_annex.begin(), sha_annex.end());
    expected.insert(expected.end(), after_input, plain->end());
    EXPECT_EQ(ToHex(*annexed), ToHex(expected));
    EXPECT_EQ(plain->size() + 32, annexed->size());
  }
}

TEST_F(TaprootSighashTest, AnnexChangesTheSighash) {
  Result<Hash32> with_annex = TaprootKeyPathSighash(
      tx_, spent_, {.input_index = 0, .hash_type = kSighashDefault, .annex = Bytes{0x50}});
  Result<Hash32> other_annex = TaprootKeyPathSighash(
      tx_, spent_, {.input_index = 0, .hash_type = kSighashDefault, .annex = Bytes{0x50, 0x00}});
  ASSERT_TRUE(with_annex.ok() && other_annex.ok());
  EXPECT_NE(*with_annex, Sighash(tx_, spent_, 0, kSighashDefault));
  EXPECT_NE(*with_annex, *other_annex);
}

// What each type commits to: changing another input's amount matters unless
// ANYONECANPAY; changing an output matters unless NONE, or SINGLE and it is
// another input's output.
TEST_F(TaprootSighashTest, EachHashTypeCommitsToWhatItShould) {
  const size_t index = 1;
  for (uint8_t hash_type : kAllHashTypes) {
    SCOPED_TRACE("hash type " + std::to_string(hash_type));
    const bool anyone_can_pay = (hash_type & kSighashAnyoneCanPay) != 0;
    const uint8_t output_type = hash_type & 3;
    const Hash32 original = Sighash(tx_, spent_, index, hash_type);

    std::vector<TxOut> other_amount = spent_;
    other_amount[4].amount_sats += 1;
    EXPECT_EQ(Sighash(tx_, other_amount, index, hash_type) == original, anyone_can_pay);
    std::vector<TxOut> own_amount = spent_;
    own_amount[index].amount_sats += 1;
    EXPECT_NE(Sighash(tx_, own_amount, index, hash_type), original);

    Transaction other_output = tx_;
    other_output.outputs[0].amount_sats += 1;
    EXPECT_EQ(Sighash(other_output, spent_, index, hash_type) == original,
              output_type == kSighashNone || output_type == kSighashSingle);
    Transaction own_output = tx_;
    own_output.outputs[index].amount_sats += 1;
    EXPECT_EQ(Sighash(own_output, spent_, index, hash_type) == original,
              output_type == kSighashNone);

    Transaction other_lock_time = tx_;
    other_lock_time.lock_time += 1;
    EXPECT_NE(Sighash(other_lock_time, spent_, index, hash_type), original);
  }
}

TEST_F(TaprootSighashTest, RejectsUndefinedHashTypes) {
  for (int hash_type : {0x04, 0x7f, 0x80, 0x84, 0xc1, 0xff}) {
    Result<Hash32> sighash = TaprootKeyPathSighash(
        tx_, spent_, {.input_index = 0, .hash_type = static_cast<uint8_t>(hash_type)});
    ASSERT_FALSE(sighash.ok()) << hash_type;
    EXPECT_EQ(sighash.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(sighash.status().message().find("sighash type"), std::string::npos);
  }
}

TEST_F(TaprootSighashTest, RejectsInconsistentInputs) {
  Result<Hash32> past_end = TaprootKeyPathSighash(tx_, spent_, {.input_index = 9});
  EXPECT_EQ(past_end.status().code(), StatusCode::kInvalidArgument);

  std::vector<TxOut> missing_one(spent_.begin(), spent_.end() - 1);
  Result<Hash32> short_spent = TaprootKeyPathSighash(tx_, missing_one, {.input_index = 0});
  EXPECT_EQ(short_spent.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ComputeTaprootTxHashes(tx_, missing_one).status().code(), StatusCode::kInvalidArgument);

  // Two outputs, so inputs 2 and up have no output for SIGHASH_SINGLE.
  for (uint8_t single : {kSighashSingle, static_cast<uint8_t>(kSighashSingle | 0x80)}) {
    EXPECT_TRUE(TaprootKeyPathSighash(tx_, spent_, {.input_index = 1, .hash_type = single}).ok());
    Result<Hash32> no_output =
        TaprootKeyPathSighash(tx_, spent_, {.input_index = 2, .hash_type = single});
    EXPECT_EQ(no_output.status().code(), StatusCode::kInvalidArgument);
  }

  for (const Bytes& annex : {Bytes{}, Bytes{0x51, 0x00}}) {
    Result<Hash32> bad_annex =
        TaprootKeyPathSighash(tx_, spent_, {.input_index = 0, .annex = annex});
    EXPECT_EQ(bad_annex.status().code(), StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace parley::crypto
