// Checks every row of the official BIP340 test vectors
// (tests/vectors/bip340/test-vectors.csv, see tests/vectors/README.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "parley/crypto/hash.h"
#include "parley/crypto/keys.h"
#include "parley/crypto/schnorr.h"
#include "parley/util/bytes.h"

namespace parley::crypto {
namespace {

constexpr char kVectorsPath[] = PARLEY_TEST_VECTORS_DIR "/bip340/test-vectors.csv";
constexpr char kHeader[] =
    "index,secret key,public key,aux_rand,message,signature,verification result,comment";
// The file as copied holds 19 vectors (indices 0 to 18).
constexpr size_t kExpectedRows = 19;

struct Vector {
  int index = -1;
  std::string secret_key;  // empty for verification-only rows
  std::string public_key;
  std::string aux_rand;  // empty for verification-only rows
  std::string message;   // may be empty: a message of length 0
  std::string signature;
  bool expected = false;
  std::string comment;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();  // the file uses CRLF
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// Splits a row into its eight columns. The comment is last and is kept whole
// even if it were to contain commas.
bool ParseRow(const std::string& line, Vector* v) {
  std::vector<std::string> fields;
  size_t start = 0;
  for (int i = 0; i < 7; ++i) {
    size_t comma = line.find(',', start);
    if (comma == std::string::npos) return false;
    fields.push_back(line.substr(start, comma - start));
    start = comma + 1;
  }
  v->comment = line.substr(start);
  try {
    v->index = std::stoi(fields[0]);
  } catch (...) {
    return false;
  }
  v->secret_key = fields[1];
  v->public_key = fields[2];
  v->aux_rand = fields[3];
  v->message = fields[4];
  v->signature = fields[5];
  if (fields[6] == "TRUE") {
    v->expected = true;
  } else if (fields[6] == "FALSE") {
    v->expected = false;
  } else {
    return false;
  }
  return true;
}

class Bip340VectorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string text = ReadFile(kVectorsPath);
    ASSERT_FALSE(text.empty()) << "cannot read " << kVectorsPath;
    lines_ = Lines(text);
    ASSERT_FALSE(lines_.empty());
    ASSERT_EQ(lines_[0], kHeader);
    for (size_t i = 1; i < lines_.size(); ++i) {
      Vector v;
      ASSERT_TRUE(ParseRow(lines_[i], &v)) << "malformed line " << i << ": " << lines_[i];
      vectors_.push_back(v);
    }
    // Every data line became a vector, so the tests below can't pass by
    // reading nothing.
    size_t newlines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
    ASSERT_EQ(vectors_.size(), newlines - 1) << "the header is the one line that is not a vector";
    ASSERT_EQ(vectors_.size(), lines_.size() - 1);
    ASSERT_EQ(vectors_.size(), kExpectedRows);
  }

  std::vector<std::string> lines_;
  std::vector<Vector> vectors_;
};

TEST_F(Bip340VectorsTest, IndicesAreInOrder) {
  for (size_t i = 0; i < vectors_.size(); ++i) EXPECT_EQ(vectors_[i].index, static_cast<int>(i));
}

TEST_F(Bip340VectorsTest, FileCoversBothOutcomesAndOddMessages) {
  // Guards against a truncated or substituted file: the official one has
  // signing rows, failing rows, an off-curve key and non-32-byte messages.
  size_t signing = 0, failing = 0, empty_message = 0, other_length = 0;
  for (const Vector& v : vectors_) {
    if (!v.secret_key.empty()) ++signing;
    if (!v.expected) ++failing;
    if (v.message.empty()) ++empty_message;
    if (!v.message.empty() && v.message.size() != 64) ++other_length;
  }
  EXPECT_EQ(signing, 8u);
  EXPECT_EQ(failing, 10u);
  EXPECT_EQ(empty_message, 1u);
  EXPECT_EQ(other_length, 3u);
}

TEST_F(Bip340VectorsTest, SecretKeysGiveExpectedPublicKeys) {
  size_t checked = 0;
  for (const Vector& v : vectors_) {
    SCOPED_TRACE("vector " + std::to_string(v.index) + " " + v.comment);
    if (v.secret_key.empty()) continue;
    auto key = PrivateKey::FromHex(v.secret_key);
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    auto expected = FixedFromHex<32>(v.public_key);
    ASSERT_TRUE(expected.ok()) << expected.status().ToString();
    EXPECT_EQ(key->public_key().XOnly(), *expected);
    ++checked;
  }
  EXPECT_EQ(checked, 8u);
}

TEST_F(Bip340VectorsTest, SigningReproducesSignatures) {
  size_t checked = 0;
  for (const Vector& v : vectors_) {
    SCOPED_TRACE("vector " + std::to_string(v.index) + " " + v.comment);
    if (v.secret_key.empty()) continue;
    auto key = PrivateKey::FromHex(v.secret_key);
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    auto aux = FixedFromHex<32>(v.aux_rand);
    ASSERT_TRUE(aux.ok()) << aux.status().ToString();
    auto message = FromHex(v.message);
    ASSERT_TRUE(message.ok()) << message.status().ToString();
    auto expected = FixedFromHex<64>(v.signature);
    ASSERT_TRUE(expected.ok()) << expected.status().ToString();

    auto sig = SchnorrSign(*key, *message, *aux);
    ASSERT_TRUE(sig.ok()) << sig.status().ToString();
    EXPECT_EQ(ToHex(*sig), ToHex(*expected));
    // What we sign verifies under our own key, both ways of naming it.
    EXPECT_TRUE(SchnorrVerify(key->public_key().XOnly(), *message, *sig));
    EXPECT_TRUE(SchnorrVerify(key->public_key(), *message, *sig));
    ++checked;
  }
  EXPECT_EQ(checked, 8u);
}

TEST_F(Bip340VectorsTest, VerifyMatchesExpectedResult) {
  size_t checked = 0;
  for (const Vector& v : vectors_) {
    SCOPED_TRACE("vector " + std::to_string(v.index) + " " + v.comment);
    auto xonly = FixedFromHex<32>(v.public_key);
    ASSERT_TRUE(xonly.ok()) << xonly.status().ToString();
    auto message = FromHex(v.message);
    ASSERT_TRUE(message.ok()) << message.status().ToString();
    auto sig = FixedFromHex<64>(v.signature);
    ASSERT_TRUE(sig.ok()) << sig.status().ToString();
    EXPECT_EQ(SchnorrVerify(*xonly, *message, *sig), v.expected);
    ++checked;
  }
  EXPECT_EQ(checked, kExpectedRows);
}

// The same rows through the parsed-key overload. An x-only key names the point
// with even y, i.e. the compressed encoding 02 || x; rows whose x is not on
// the curve must fail to parse instead.
TEST_F(Bip340VectorsTest, VerifyWithParsedKeyMatchesExpectedResult) {
  size_t parsed = 0, unparsable = 0;
  for (const Vector& v : vectors_) {
    SCOPED_TRACE("vector " + std::to_string(v.index) + " " + v.comment);
    auto key = PublicKey::FromHex("02" + v.public_key);
    auto message = FromHex(v.message);
    ASSERT_TRUE(message.ok());
    auto sig = FixedFromHex<64>(v.signature);
    ASSERT_TRUE(sig.ok());
    if (!key.ok()) {
      EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument);
      EXPECT_FALSE(v.expected) << "a valid vector has a key that does not parse";
      EXPECT_FALSE(SchnorrVerify(*FixedFromHex<32>(v.public_key), *message, *sig));
      ++unparsable;
      continue;
    }
    EXPECT_EQ(SchnorrVerify(*key, *message, *sig), v.expected);
    ++parsed;
  }
  EXPECT_EQ(unparsable, 2u) << "vectors 5 and 14 have keys that are not on the curve";
  EXPECT_EQ(parsed + unparsable, kExpectedRows);
}

// Any single-bit change to a valid vector's message, signature or key must
// make it fail.
TEST_F(Bip340VectorsTest, TamperedValidVectorsFail) {
  size_t checked = 0;
  for (const Vector& v : vectors_) {
    if (!v.expected) continue;
    SCOPED_TRACE("vector " + std::to_string(v.index) + " " + v.comment);
    Hash32 xonly = *FixedFromHex<32>(v.public_key);
    Bytes message = *FromHex(v.message);
    Signature sig = *FixedFromHex<64>(v.signature);
    ASSERT_TRUE(SchnorrVerify(xonly, message, sig));

    for (size_t i : {size_t{0}, size_t{31}, size_t{32}, size_t{63}}) {
      Signature bad = sig;
      bad[i] ^= 0x01;
      EXPECT_FALSE(SchnorrVerify(xonly, message, bad)) << "signature byte " << i;
    }
    if (!message.empty()) {
      Bytes bad = message;
      bad.back() ^= 0x80;
      EXPECT_FALSE(SchnorrVerify(xonly, bad, sig)) << "message changed";
    }
    Bytes longer = message;
    longer.push_back(0x00);
    EXPECT_FALSE(SchnorrVerify(xonly, longer, sig)) << "message extended";
    Hash32 other_key = xonly;
    other_key[31] ^= 0x01;
    EXPECT_FALSE(SchnorrVerify(other_key, message, sig)) << "key changed";
    ++checked;
  }
  EXPECT_EQ(checked, 9u);
}

// n - d for a 32-byte big-endian scalar d.
Hash32 NegateScalar(const Hash32& d) {
  static const Hash32 kOrder =
      *FixedFromHex<32>("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141");
  Hash32 out;
  int borrow = 0;
  for (int i = 31; i >= 0; --i) {
    int diff = kOrder[i] - d[i] - borrow;
    borrow = diff < 0 ? 1 : 0;
    out[i] = static_cast<uint8_t>(diff + (borrow ? 256 : 0));
  }
  return out;
}

// BIP340 derives the nonce from tagged hashes: t = d xor H_aux(a),
// k = H_nonce(t || P || m), and the signature starts with x(k*G). Rebuilding
// that from TaggedHash for every signing row ties the tag hashing to the BIP's
// own vectors (d is negated when the public point has odd y, as in vector 3).
TEST_F(Bip340VectorsTest, TaggedHashesReproduceNonces) {
  size_t checked = 0, negated = 0;
  for (const Vector& v : vectors_) {
    if (v.secret_key.empty()) continue;
    SCOPED_TRACE("vector " + std::to_string(v.index) + " " + v.comment);
    Hash32 d = *FixedFromHex<32>(v.secret_key);
    auto key = PrivateKey::FromBytes(d);
    ASSERT_TRUE(key.ok());
    if (key->public_key().bytes()[0] == 0x03) {
      d = NegateScalar(d);
      ++negated;
    }
    Hash32 xonly = *FixedFromHex<32>(v.public_key);
    Hash32 aux = *FixedFromHex<32>(v.aux_rand);
    Bytes message = *FromHex(v.message);

    Hash32 t = TaggedHash("BIP0340/aux", aux);
    for (size_t i = 0; i < t.size(); ++i) t[i] ^= d[i];
    Bytes nonce_input(t.begin(), t.end());
    nonce_input.insert(nonce_input.end(), xonly.begin(), xonly.end());
    nonce_input.insert(nonce_input.end(), message.begin(), message.end());
    auto nonce = PrivateKey::FromBytes(TaggedHash("BIP0340/nonce", nonce_input));
    ASSERT_TRUE(nonce.ok()) << nonce.status().ToString();
    Bytes sig = *FromHex(v.signature);
    EXPECT_EQ(ToHex(nonce->public_key().XOnly()), ToHex(ByteView(sig).first(32)));
    ++checked;
  }
  EXPECT_EQ(checked, 8u);
  EXPECT_EQ(negated, 1u);
}

}  // namespace
}  // namespace parley::crypto
