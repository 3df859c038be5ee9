#include "parley/crypto/bitcoin_tx.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/json_vectors.h"

namespace parley::crypto {
namespace {

// Bitcoin's genesis coinbase transaction and its well-known txid (printed
// reversed, as explorers do).
constexpr char kGenesisCoinbaseHex[] =
    "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff"
    "001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e"
    "6b206f66207365636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104"
    "678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51e"
    "c112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000";
constexpr char kGenesisCoinbaseTxid[] =
    "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b";

// A mainnet segwit transaction (one P2WPKH input, one P2SH output), with its
// txid and wtxid as printed. Source: rust-bitcoin's test
// `decode_segwit_transaction` (bitcoin/src/blockdata/transaction.rs), which
// asserts both hashes; the txid is the one block explorers list for it.
constexpr char kSegwitTxHex[] =
    "02000000000101595895ea20179de87052b4046dfe6fd515860505d6511a9004cf12a1f93cac7c0100000000ffff"
    "ffff01deb807000000000017a9140f3444e271620c736808aa7b33e370bd87cb5a078702483045022100fb60dad8"
    "df4af2841adc0346638c16d0b8035f5e3f3753b88db122e70c79f9370220756e6633b17fd2710e626347d28d60b0"
    "a2d6cbb41de51740644b9fb3ba7751040121028fa937ca8cba2197a37c007176ed8941055d3bcb8627d085e94553"
    "e62f057dcc00000000";
constexpr char kSegwitTxid[] = "f5864806e3565c34d1b41e716f72609d00b55ea5eac5b924c9719a842ef42206";
constexpr char kSegwitWtxid[] = "80b7d8a82d5d5bf92905b06f2014dd699e03837ca172e3a59d51426ebbe3e7f5";

class BitcoinTxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Json vectors = ReadJsonVectors("bip341/wallet-test-vectors.json");
    ASSERT_TRUE(vectors.is_object());
    const Json& spending = vectors["keyPathSpending"][0];
    legacy_ = HexBytes(spending["given"]["rawUnsignedTx"]);
    segwit_ = HexBytes(spending["auxiliary"]["fullySignedTx"]);
    ASSERT_FALSE(legacy_.empty());
    ASSERT_FALSE(segwit_.empty());
  }

  Bytes legacy_;  // 9 inputs, 2 outputs, no witness
  Bytes segwit_;  // the same, signed: scriptSigs and witnesses
};

TEST_F(BitcoinTxTest, TxidOfTheGenesisCoinbase) {
  Result<Transaction> tx = ParseTransactionHex(kGenesisCoinbaseHex);
  ASSERT_TRUE(tx.ok()) << tx.status().ToString();
  EXPECT_EQ(tx->version, 1);
  ASSERT_EQ(tx->inputs.size(), 1u);
  EXPECT_EQ(tx->inputs[0].prevout.index, 0xffffffffu);
  ASSERT_EQ(tx->outputs.size(), 1u);
  EXPECT_EQ(tx->outputs[0].amount_sats, 50'0000'0000);
  Hash32 txid = Txid(*tx);
  std::reverse(txid.begin(), txid.end());
  EXPECT_EQ(ToHex(txid), kGenesisCoinbaseTxid);
}

TEST_F(BitcoinTxTest, TxidAndWtxidOfAMainnetSegwitTransaction) {
  Result<Transaction> tx = ParseTransactionHex(kSegwitTxHex);
  ASSERT_TRUE(tx.ok()) << tx.status().ToString();
  ASSERT_TRUE(tx->HasWitness());
  EXPECT_EQ(DisplayHex(Txid(*tx)), kSegwitTxid);
  EXPECT_EQ(DisplayHex(Wtxid(*tx)), kSegwitWtxid);
  EXPECT_EQ(ToString(tx->inputs[0].prevout),
            "7cac3cf9a112cf04901a51d605058615d56ffe6d04b45270e89d1720ea955859:1");
}

TEST_F(BitcoinTxTest, WithoutWitnessesTheWtxidIsTheTxid) {
  Result<Transaction> genesis = ParseTransactionHex(kGenesisCoinbaseHex);
  ASSERT_TRUE(genesis.ok()) << genesis.status().ToString();
  EXPECT_EQ(DisplayHex(Wtxid(*genesis)), kGenesisCoinbaseTxid);
  Transaction signed_tx = ParseTransaction(segwit_).value();
  EXPECT_NE(Wtxid(signed_tx), Txid(signed_tx));
  // Its witnesses stripped, the wtxid of the signed transaction is its txid.
  Transaction stripped = ParseTransaction(SerializeWithoutWitness(signed_tx)).value();
  EXPECT_EQ(Wtxid(stripped), Txid(signed_tx));
  Transaction unsigned_tx = ParseTransaction(legacy_).value();
  EXPECT_EQ(Wtxid(unsigned_tx), Txid(unsigned_tx));
}

TEST_F(BitcoinTxTest, BothEncodingsRoundTrip) {
  for (const Bytes* encoded : {&legacy_, &segwit_}) {
    Result<Transaction> tx = ParseTransaction(*encoded);
    ASSERT_TRUE(tx.ok()) << tx.status().ToString();
    EXPECT_EQ(ToHex(Serialize(*tx)), ToHex(*encoded));
  }
  Transaction signed_tx = ParseTransaction(segwit_).value();
  EXPECT_TRUE(signed_tx.HasWitness());
  // Stripping the witnesses gives the legacy encoding, which the txid covers.
  Bytes stripped = SerializeWithoutWitness(signed_tx);
  EXPECT_LT(stripped.size(), segwit_.size());
  Transaction legacy_tx = ParseTransaction(stripped).value();
  EXPECT_FALSE(legacy_tx.HasWitness());
  EXPECT_EQ(Txid(legacy_tx), Txid(signed_tx));
}

TEST_F(BitcoinTxTest, EveryTruncationIsAnError) {
  for (const Bytes* encoded : {&legacy_, &segwit_}) {
    for (size_t length = 0; length < encoded->size(); ++length) {
      Result<Transaction> tx = ParseTransaction(ByteView(*encoded).first(length));
      ASSERT_FALSE(tx.ok()) << "accepted the first " << length << " bytes";
      EXPECT_EQ(tx.status().code(), StatusCode::kInvalidArgument);
    }
  }
}

// Flipping any byte gives an error or another transaction; never a crash, and
// whatever parses re-encodes to exactly the bytes it came from (one encoding
// per transaction).
TEST_F(BitcoinTxTest, CorruptedBytesFailOrRoundTrip) {
  size_t accepted = 0, rejected = 0;
  for (const Bytes* encoded : {&legacy_, &segwit_}) {
    for (size_t at = 0; at < encoded->size(); ++at) {
      for (uint8_t flip : {0x01, 0x80, 0xff}) {
        Bytes corrupted = *encoded;
        corrupted[at] ^= flip;
        Result<Transaction> tx = ParseTransaction(corrupted);
        if (tx.ok()) {
          EXPECT_EQ(ToHex(Serialize(*tx)), ToHex(corrupted)) << "byte " << at;
          ++accepted;
        } else {
          EXPECT_EQ(tx.status().code(), StatusCode::kInvalidArgument);
          ++rejected;
        }
      }
    }
  }
  EXPECT_GT(accepted, 0u);
  EXPECT_GT(rejected, 0u);
}

TEST_F(BitcoinTxTest, RejectsMalformedEncodings) {
  const std::string version = "02000000";
  const std::string input = std::string(64, 'a') + "00000000" + "00" + "ffffffff";
  const std::string output = "0100000000000000" + std::string("00");
  const std::string lock_time = "00000000";
  ASSERT_TRUE(ParseTransactionHex(version + "01" + input + "01" + output + lock_time).ok());

  struct Case {
    std::string hex;
    std::string reason;
  };
  const Case cases[] = {
      {version + "01" + input + "01" + output + lock_time + "00", "trailing"},
      {version + "fd0100" + input + "01" + output + lock_time, "non-canonical"},
      {version + "ffffffffffffffffff" + input, "exceeds"},
      {version + "01" + input + "01" + "0100000000000000fd1027" + lock_time, "runs past"},
      {version + "0002" + "01" + input + "01" + output + lock_time, "segwit flag"},
      {version + "0001" + "01" + input + "01" + output + "00" + lock_time, "no witness"},
      {version + "00" + "00" + output + lock_time, "segwit flag"},
      {version + "0001" + "00" + "01" + output + lock_time, "no inputs"},
      {"0200", "truncated in version"},
  };
  for (const Case& c : cases) {
    Result<Transaction> tx = ParseTransactionHex(c.hex);
    ASSERT_FALSE(tx.ok()) << c.hex;
    EXPECT_EQ(tx.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(tx.status().message().find(c.reason), std::string::npos)
        << c.reason << " not in: " << tx.status().message();
  }
  EXPECT_FALSE(ParseTransactionHex("zz").ok());
}

// Bitcoin Core's IsFinalTx, for a chain of heights only.
class LockTimeTest : public ::testing::Test {
 protected:
  static Transaction WithLockTime(uint32_t lock_time, std::vector<uint32_t> sequences) {
    Transaction tx;
    for (uint32_t sequence : sequences) tx.inputs.push_back({.sequence = sequence});
    tx.outputs.push_back({});
    tx.lock_time = lock_time;
    return tx;
  }
};

TEST_F(LockTimeTest, ZeroIsFinalInEveryBlock) {
  for (uint64_t height : {0u, 1u, 1000u}) {
    EXPECT_TRUE(CheckLockTime(WithLockTime(0, {0}), height).ok()) << height;
  }
}

TEST_F(LockTimeTest, AHeightIsFinalInTheBlocksAboveIt) {
  Transaction tx = WithLockTime(100, {kSequenceFinal, 0xfffffffe});
  Status at = CheckLockTime(tx, 100);
  EXPECT_EQ(at.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(at.message().find("block 101 or later, not in block 100"), std::string::npos)
      << at.message();
  EXPECT_EQ(CheckLockTime(tx, 99).code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(CheckLockTime(tx, 101).ok());
  EXPECT_TRUE(CheckLockTime(tx, uint64_t{1} << 40).ok());
  // The largest height.
  tx.lock_time = kLockTimeThreshold - 1;
  EXPECT_EQ(CheckLockTime(tx, kLockTimeThreshold - 1).code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(CheckLockTime(tx, kLockTimeThreshold).ok());
}

TEST_F(LockTimeTest, FinalSequencesOnEveryInputTurnTheLockTimeOff) {
  for (uint32_t lock_time : {100u, kLockTimeThreshold, 0xffffffffu}) {
    EXPECT_TRUE(CheckLockTime(WithLockTime(lock_time, {kSequenceFinal, kSequenceFinal}), 1).ok())
        << lock_time;
    EXPECT_FALSE(CheckLockTime(WithLockTime(lock_time, {kSequenceFinal, 0}), 1).ok()) << lock_time;
  }
}

TEST_F(LockTimeTest, AUnixTimeIsRefused) {
  for (uint32_t lock_time : {kLockTimeThreshold, 1'700'000'000u}) {
    Status s = CheckLockTime(WithLockTime(lock_time, {0}), uint64_t{1} << 40);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find("Unix time"), std::string::npos) << s.message();
  }
}

TEST(CompactSizeTest, UsesTheShortestEncoding) {
  const std::pair<uint64_t, std::string> cases[] = {
      {0, "00"},
      {0xfc, "fc"},
      {0xfd, "fdfd00"},
      {0xffff, "fdffff"},
      {0x10000, "fe00000100"},
      {0xffffffff, "feffffffff"},
      {0x100000000, "ff0000000001000000"},
  };
  for (const auto& [n, hex] : cases) {
    Bytes out;
    AppendCompactSize(&out, n);
    EXPECT_EQ(ToHex(out), hex) << n;
  }
}

}  // namespace
}  // namespace parley::crypto
