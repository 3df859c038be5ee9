// Checks every case of the official BIP341 wallet test vectors
// (tests/vectors/bip341/wallet-test-vectors.json, see tests/vectors/README.md):
// output keys from script trees, and key-path spending of every input with
// all intermediary hashes. The vectors' bech32m addresses are not checked
// (Parley has no bech32m encoder).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "crypto/json_vectors.h"
#include "parley/crypto/bitcoin_tx.h"
#include "parley/crypto/keys.h"
#include "parley/crypto/schnorr.h"
#include "parley/crypto/taproot.h"
#include "parley/crypto/taproot_sighash.h"

namespace parley::crypto {
namespace {

constexpr char kVectorsFile[] = "bip341/wallet-test-vectors.json";
// The file as copied: 7 scriptPubKey cases and one spending transaction whose
// 7 key-path inputs are given (its other 2 inputs are not taproot).
constexpr size_t kScriptPubKeyCases = 7;
constexpr size_t kKeyPathInputs = 7;

std::optional<Hash32> OptionalHash(const Json& value) {
  if (value.is_null()) return std::nullopt;
  return HexArray<32>(value);
}

// The merkle root of a vector's script tree: a leaf object or a list of two
// subtrees. Records each leaf's hash under its id.
Hash32 TreeHash(const Json& node, std::map<int, Hash32>* leaf_hashes) {
  if (node.is_object()) {
    Hash32 leaf = TapLeafHash(node["leafVersion"].get<uint8_t>(), HexBytes(node["script"]));
    (*leaf_hashes)[node["id"].get<int>()] = leaf;
    return leaf;
  }
  EXPECT_TRUE(node.is_array() && node.size() == 2) << node.dump();
  return TapBranchHash(TreeHash(node[0], leaf_hashes), TreeHash(node[1], leaf_hashes));
}

// The leaf version of each leaf, by id.
void LeafVersions(const Json& node, std::map<int, uint8_t>* versions) {
  if (node.is_object()) {
    (*versions)[node["id"].get<int>()] = node["leafVersion"].get<uint8_t>();
    return;
  }
  for (const Json& child : node) LeafVersions(child, versions);
}

std::vector<TxOut> SpentOutputs(const Json& utxos) {
  std::vector<TxOut> out;
  for (const Json& utxo : utxos) {
    out.push_back({.amount_sats = utxo["amountSats"].get<int64_t>(),
                   .script_pubkey = HexBytes(utxo["scriptPubKey"])});
  }
  return out;
}

class Bip341VectorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    vectors_ = ReadJsonVectors(kVectorsFile);
    ASSERT_TRUE(vectors_.is_object()) << "cannot read " << kVectorsFile;
    ASSERT_EQ(vectors_["version"], 1);
    ASSERT_EQ(vectors_["scriptPubKey"].size(), kScriptPubKeyCases);
    ASSERT_EQ(vectors_["keyPathSpending"].size(), 1u);
    spending_ = vectors_["keyPathSpending"][0];
    ASSERT_EQ(spending_["inputSpending"].size(), kKeyPathInputs);
    Result<Transaction> tx =
        ParseTransactionHex(spending_["given"]["rawUnsignedTx"].get<std::string>());
    ASSERT_TRUE(tx.ok()) << tx.status().ToString();
    tx_ = *tx;
    spent_ = SpentOutputs(spending_["given"]["utxosSpent"]);
    ASSERT_EQ(spent_.size(), tx_.inputs.size());
  }

  Json vectors_;
  Json spending_;
  Transaction tx_;
  std::vector<TxOut> spent_;
};

TEST_F(Bip341VectorsTest, ScriptTreesGiveOutputKeys) {
  size_t checked = 0, with_tree = 0, leaves = 0, control_blocks = 0;
  for (const Json& v : vectors_["scriptPubKey"]) {
    SCOPED_TRACE("scriptPubKey case " + std::to_string(checked));
    const Hash32 internal_key = HexArray<32>(v["given"]["internalPubkey"]);
    const Json& tree = v["given"]["scriptTree"];
    const Json& intermediary = v["intermediary"];

    std::optional<Hash32> merkle_root;
    std::map<int, Hash32> leaf_hashes;
    if (!tree.is_null()) {
      merkle_root = TreeHash(tree, &leaf_hashes);
      ++with_tree;
      const Json& expected_leaves = intermediary["leafHashes"];
      ASSERT_EQ(expected_leaves.size(), leaf_hashes.size());
      for (const auto& [id, hash] : leaf_hashes) {
        EXPECT_EQ(ToHex(hash), expected_leaves[id].get<std::string>()) << "leaf " << id;
        ++leaves;
      }
    }
    EXPECT_EQ(merkle_root, OptionalHash(intermediary["merkleRoot"]));
    EXPECT_EQ(ToHex(TapTweakHash(internal_key, merkle_root)), intermediary["tweak"]);

    Result<TaprootOutputKey> output_key = TweakPublicKey(internal_key, merkle_root);
    ASSERT_TRUE(output_key.ok()) << output_key.status().ToString();
    EXPECT_EQ(ToHex(output_key->x_only), intermediary["tweakedPubkey"]);
    EXPECT_EQ(ToHex(TaprootScriptPubKey(output_key->x_only)), v["expected"]["scriptPubKey"]);

    // A control block is (leaf version | parity of Q) || internal key ||
    // merkle path; walking the path from the leaf must reach the root.
    if (!tree.is_null()) {
      std::map<int, uint8_t> versions;
      LeafVersions(tree, &versions);
      const Json& blocks = v["expected"]["scriptPathControlBlocks"];
      ASSERT_EQ(blocks.size(), leaf_hashes.size());
      for (const auto& [id, leaf] : leaf_hashes) {
        Bytes block = HexBytes(blocks[id]);
        ASSERT_GE(block.size(), 33u);
        ASSERT_EQ((block.size() - 33) % 32, 0u);
        EXPECT_EQ(block[0], versions[id] | (output_key->odd_y ? 1 : 0)) << "leaf " << id;
        EXPECT_TRUE(std::equal(internal_key.begin(), internal_key.end(), block.begin() + 1));
        Hash32 node = leaf;
        for (size_t at = 33; at < block.size(); at += 32) {
          Hash32 sibling;
          std::copy(block.begin() + at, block.begin() + at + 32, sibling.begin());
          node = TapBranchHash(node, sibling);
        }
        EXPECT_EQ(node, *merkle_root) << "leaf " << id;
        ++control_blocks;
      }
    }
    ++checked;
  }
  EXPECT_EQ(checked, kScriptPubKeyCases);
  EXPECT_EQ(with_tree, 6u);
  EXPECT_EQ(leaves, 12u);
  EXPECT_EQ(control_blocks, 12u);
}

TEST_F(Bip341VectorsTest, UnsignedTransactionRoundTrips) {
  EXPECT_EQ(ToHex(SerializeWithoutWitness(tx_)), spending_["given"]["rawUnsignedTx"]);
  EXPECT_EQ(tx_.inputs.size(), 9u);
  EXPECT_EQ(tx_.outputs.size(), 2u);
  EXPECT_FALSE(tx_.HasWitness());
}

TEST_F(Bip341VectorsTest, TransactionHashesMatch) {
  Result<TaprootTxHashes> hashes = ComputeTaprootTxHashes(tx_, spent_);
  ASSERT_TRUE(hashes.ok()) << hashes.status().ToString();
  const Json& expected = spending_["intermediary"];
  EXPECT_EQ(ToHex(hashes->prevouts), expected["hashPrevouts"]);
  EXPECT_EQ(ToHex(hashes->amounts), expected["hashAmounts"]);
  EXPECT_EQ(ToHex(hashes->script_pubkeys), expected["hashScriptPubkeys"]);
  EXPECT_EQ(ToHex(hashes->sequences), expected["hashSequences"]);
  EXPECT_EQ(ToHex(hashes->outputs), expected["hashOutputs"]);
}

TEST_F(Bip341VectorsTest, KeyPathSpendsReproduceEveryIntermediaryAndWitness) {
  const TaprootTxHashes hashes = ComputeTaprootTxHashes(tx_, spent_).value();
  const std::map<std::string, Hash32> named_hashes = {{"hashPrevouts", hashes.prevouts},
                                                      {"hashAmounts", hashes.amounts},
                                                      {"hashScriptPubkeys", hashes.script_pubkeys},
                                                      {"hashSequences", hashes.sequences},
                                                      {"hashOutputs", hashes.outputs}};
  std::set<int> hash_types;
  size_t checked = 0;
  for (const Json& v : spending_["inputSpending"]) {
    const Json& given = v["given"];
    const Json& intermediary = v["intermediary"];
    const size_t index = given["txinIndex"].get<size_t>();
    const uint8_t hash_type = given["hashType"].get<uint8_t>();
    SCOPED_TRACE("input " + std::to_string(index) + " hash type " + std::to_string(hash_type));
    hash_types.insert(hash_type);

    Result<PrivateKey> internal = PrivateKey::FromHex(given["internalPrivkey"].get<std::string>());
    ASSERT_TRUE(internal.ok()) << internal.status().ToString();
    const Hash32 internal_key = internal->public_key().XOnly();
    EXPECT_EQ(ToHex(internal_key), intermediary["internalPubkey"]);
    const std::optional<Hash32> merkle_root = OptionalHash(given["merkleRoot"]);
    EXPECT_EQ(ToHex(TapTweakHash(internal_key, merkle_root)), intermediary["tweak"]);

    Result<PrivateKey> tweaked = TweakPrivateKey(*internal, merkle_root);
    ASSERT_TRUE(tweaked.ok()) << tweaked.status().ToString();
    EXPECT_EQ(ToHex(tweaked->SecretBytes()), intermediary["tweakedPrivkey"]);
    // The tweaked secret key belongs to the output key the spent output pays.
    Result<TaprootOutputKey> output_key = TweakPublicKey(internal_key, merkle_root);
    ASSERT_TRUE(output_key.ok());
    EXPECT_EQ(tweaked->public_key().XOnly(), output_key->x_only);
    EXPECT_EQ(ToHex(TaprootScriptPubKey(output_key->x_only)), ToHex(spent_[index].script_pubkey));

    const KeyPathSpend spend{.input_index = index, .hash_type = hash_type};
    Result<Bytes> sig_msg = TaprootKeyPathSigMsg(tx_, spent_, spend);
    ASSERT_TRUE(sig_msg.ok()) << sig_msg.status().ToString();
    EXPECT_EQ(ToHex(*sig_msg), intermediary["sigMsg"]);
    Result<Hash32> sighash = TaprootKeyPathSighash(tx_, spent_, spend);
    ASSERT_TRUE(sighash.ok());
    EXPECT_EQ(ToHex(*sighash), intermediary["sigHash"]);

    // Exactly the listed transaction-wide hashes went into the message.
    std::set<std::string> used;
    for (const Json& name : intermediary["precomputedUsed"]) used.insert(name.get<std::string>());
    for (const auto& [name, hash] : named_hashes) {
      bool in_message =
          std::search(sig_msg->begin(), sig_msg->end(), hash.begin(), hash.end()) != sig_msg->end();
      EXPECT_EQ(in_message, used.count(name) == 1) << name;
    }

    // The vectors sign with all-zero auxiliary randomness.
    Result<Signature> signature = SchnorrSign(*tweaked, *sighash, Hash32{});
    ASSERT_TRUE(signature.ok());
    EXPECT_TRUE(SchnorrVerify(output_key->x_only, *sighash, *signature));
    const Json& witness = v["expected"]["witness"];
    ASSERT_EQ(witness.size(), 1u);
    EXPECT_EQ(ToHex(KeyPathWitnessSignature(*signature, hash_type)), witness[0]);
    ++checked;
  }
  EXPECT_EQ(checked, kKeyPathInputs);
  // Every hash type a key-path spend may use appears, with and without
  // ANYONECANPAY.
  EXPECT_EQ(hash_types, (std::set<int>{0x00, 0x01, 0x02, 0x03, 0x81, 0x82, 0x83}));
}

// The fully signed transaction of the vectors, in the segwit encoding: it
// parses, re-encodes to the same bytes, carries the expected key-path
// witnesses, and otherwise is the unsigned transaction.
TEST_F(Bip341VectorsTest, SignedTransactionCarriesTheWitnesses) {
  const std::string hex = spending_["auxiliary"]["fullySignedTx"].get<std::string>();
  Result<Transaction> signed_tx = ParseTransactionHex(hex);
  ASSERT_TRUE(signed_tx.ok()) << signed_tx.status().ToString();
  EXPECT_TRUE(signed_tx->HasWitness());
  EXPECT_EQ(ToHex(Serialize(*signed_tx)), hex);

  ASSERT_EQ(signed_tx->inputs.size(), tx_.inputs.size());
  EXPECT_EQ(signed_tx->version, tx_.version);
  EXPECT_EQ(signed_tx->lock_time, tx_.lock_time);
  ASSERT_EQ(signed_tx->outputs.size(), tx_.outputs.size());
  for (size_t i = 0; i < tx_.outputs.size(); ++i) {
    EXPECT_EQ(signed_tx->outputs[i].amount_sats, tx_.outputs[i].amount_sats);
    EXPECT_EQ(signed_tx->outputs[i].script_pubkey, tx_.outputs[i].script_pubkey);
  }
  for (size_t i = 0; i < tx_.inputs.size(); ++i) {
    EXPECT_EQ(signed_tx->inputs[i].prevout.txid, tx_.inputs[i].prevout.txid);
    EXPECT_EQ(signed_tx->inputs[i].prevout.index, tx_.inputs[i].prevout.index);
    EXPECT_EQ(signed_tx->inputs[i].sequence, tx_.inputs[i].sequence);
  }
  size_t checked = 0;
  for (const Json& v : spending_["inputSpending"]) {
    const size_t index = v["given"]["txinIndex"].get<size_t>();
    const std::vector<Bytes>& witness = signed_tx->inputs[index].witness;
    ASSERT_EQ(witness.size(), v["expected"]["witness"].size()) << "input " << index;
    for (size_t i = 0; i < witness.size(); ++i) {
      EXPECT_EQ(ToHex(witness[i]), v["expected"]["witness"][i]) << "input " << index;
    }
    ++checked;
  }
  EXPECT_EQ(checked, kKeyPathInputs);
}

}  // namespace
}  // namespace parley::crypto
