#include "parley/crypto/keys.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "parley/crypto/key_file.h"
#include "testing/temp_dir.h"

namespace parley::crypto {
namespace {

// The order n of the secp256k1 group.
constexpr char kCurveOrderHex[] =
    "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141";
constexpr char kCurveOrderMinusOneHex[] =
    "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364140";
constexpr char kCurveOrderPlusOneHex[] =
    "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364142";
// The compressed generator G, and -G.
constexpr char kGeneratorHex[] =
    "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
constexpr char kMinusGeneratorHex[] =
    "0379be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
// An x with no point on the curve (BIP340 test vector 5).
constexpr char kNotOnCurveX[] = "eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34";
// The field size p: not a valid x coordinate.
constexpr char kFieldSizeX[] = "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f";

Bytes Hex(std::string_view hex) { return FromHex(hex).value(); }

Bytes ScalarBytes(uint8_t last) {
  Bytes out(32, 0);
  out[31] = last;
  return out;
}

// --- PrivateKey ------------------------------------------------------------

TEST(PrivateKeyTest, RejectsZero) {
  auto key = PrivateKey::FromBytes(ScalarBytes(0));
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument);
}

TEST(PrivateKeyTest, RejectsCurveOrderAndAbove) {
  for (const char* hex : {kCurveOrderHex, kCurveOrderPlusOneHex,
                          "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"}) {
    SCOPED_TRACE(hex);
    auto key = PrivateKey::FromBytes(Hex(hex));
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(PrivateKeyTest, RejectsWrongSizes) {
  for (size_t size : {0u, 1u, 31u, 33u, 64u}) {
    SCOPED_TRACE(size);
    Bytes bytes(size, 0x01);
    auto key = PrivateKey::FromBytes(bytes);
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(key.status().message().find("32 bytes"), std::string::npos) << key.status().message();
  }
}

TEST(PrivateKeyTest, OneGivesGenerator) {
  auto key = PrivateKey::FromBytes(ScalarBytes(1));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->public_key().ToHex(), kGeneratorHex);
}

TEST(PrivateKeyTest, AcceptsCurveOrderMinusOne) {
  auto key = PrivateKey::FromHex(kCurveOrderMinusOneHex);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  // (n-1)*G = -G: same x as G, odd y.
  EXPECT_EQ(key->public_key().ToHex(), kMinusGeneratorHex);
}

TEST(PrivateKeyTest, FromHexRejectsBadHex) {
  auto odd = PrivateKey::FromHex("123");
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.status().code(), StatusCode::kInvalidArgument);
  auto bad_digit = PrivateKey::FromHex(std::string(63, '1') + "g");
  ASSERT_FALSE(bad_digit.ok());
  EXPECT_EQ(bad_digit.status().code(), StatusCode::kInvalidArgument);
  auto short_key = PrivateKey::FromHex("01");
  ASSERT_FALSE(short_key.ok());
  EXPECT_EQ(short_key.status().code(), StatusCode::kInvalidArgument);
}

TEST(PrivateKeyTest, GenerateGivesDistinctValidKeys) {
  std::set<std::string> secrets;
  std::set<PublicKey> publics;
  for (int i = 0; i < 16; ++i) {
    PrivateKey key = PrivateKey::Generate();
    secrets.insert(ToHex(key.SecretBytes()));
    publics.insert(key.public_key());
    // A generated key survives a round trip through the validating parser.
    auto again = PrivateKey::FromBytes(key.SecretBytes());
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(again->public_key(), key.public_key());
  }
  EXPECT_EQ(secrets.size(), 16u);
  EXPECT_EQ(publics.size(), 16u);
}

TEST(PrivateKeyTest, SecretBytesRoundTrip) {
  const Bytes secret = Hex("B7E151628AED2A6ABF7158809CF4F3C762E7160F38B4DA56A784D9045190CFEF");
  auto key = PrivateKey::FromBytes(secret);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  auto bytes = key->SecretBytes();
  EXPECT_EQ(Bytes(bytes.begin(), bytes.end()), secret);
  auto again = PrivateKey::FromBytes(bytes);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->public_key(), key->public_key());
  // BIP340 test vector 1's public key.
  EXPECT_EQ(ToHex(key->public_key().XOnly()),
            "dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659");
}

TEST(PrivateKeyTest, HexRoundTripIsCaseInsensitive) {
  PrivateKey key = PrivateKey::Generate();
  std::string hex = ToHex(key.SecretBytes());
  std::string upper = hex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const std::string& text : {hex, upper, "0x" + hex}) {
    SCOPED_TRACE(text);
    auto parsed = PrivateKey::FromHex(text);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(parsed->SecretBytes(), key.SecretBytes());
    EXPECT_EQ(parsed->public_key(), key.public_key());
  }
}

TEST(PrivateKeyTest, CopyKeepsTheKey) {
  PrivateKey key = PrivateKey::Generate();
  PrivateKey copy = key;
  EXPECT_EQ(copy.SecretBytes(), key.SecretBytes());
  EXPECT_EQ(copy.public_key(), key.public_key());
  PrivateKey other = PrivateKey::Generate();
  other = key;
  EXPECT_EQ(other.SecretBytes(), key.SecretBytes());
}

// --- PublicKey -------------------------------------------------------------

TEST(PublicKeyTest, ParsesGenerator) {
  auto key = PublicKey::FromHex(kGeneratorHex);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->ToHex(), kGeneratorHex);
  EXPECT_EQ(ToHex(key->XOnly()),
            "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
  EXPECT_EQ(key->bytes()[0], 0x02);
}

TEST(PublicKeyTest, RoundTripsThroughHexAndBytes) {
  PrivateKey priv = PrivateKey::Generate();
  const PublicKey& pub = priv.public_key();
  auto from_hex = PublicKey::FromHex(pub.ToHex());
  ASSERT_TRUE(from_hex.ok()) << from_hex.status().ToString();
  EXPECT_EQ(*from_hex, pub);
  auto from_bytes = PublicKey::FromBytes(pub.bytes());
  ASSERT_TRUE(from_bytes.ok()) << from_bytes.status().ToString();
  EXPECT_EQ(*from_bytes, pub);
  EXPECT_EQ(from_bytes->bytes(), pub.bytes());
  // XOnly is the encoding without its prefix byte.
  Hash32 xonly = pub.XOnly();
  EXPECT_TRUE(std::equal(xonly.begin(), xonly.end(), pub.bytes().begin() + 1));
  EXPECT_TRUE(pub.bytes()[0] == 0x02 || pub.bytes()[0] == 0x03);
}

TEST(PublicKeyTest, GAndMinusGDifferButShareXOnly) {
  auto g = PublicKey::FromHex(kGeneratorHex);
  auto minus_g = PublicKey::FromHex(kMinusGeneratorHex);
  ASSERT_TRUE(g.ok());
  ASSERT_TRUE(minus_g.ok());
  EXPECT_NE(*g, *minus_g);
  EXPECT_LT(*g, *minus_g);
  EXPECT_EQ(g->XOnly(), minus_g->XOnly());
}

TEST(PublicKeyTest, RejectsWrongSizes) {
  // The uncompressed encoding of G is a valid point but not a Parley key.
  const char* uncompressed_g =
      "0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
      "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8";
  for (std::string hex : {std::string(), std::string(kGeneratorHex).substr(2),
                          std::string(kGeneratorHex) + "00", std::string(uncompressed_g)}) {
    SCOPED_TRACE(hex);
    auto key = PublicKey::FromHex(hex);
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(key.status().message().find("33 bytes"), std::string::npos) << key.status().message();
  }
}

TEST(PublicKeyTest, RejectsBadPrefix) {
  const std::string x = std::string(kGeneratorHex).substr(2);
  for (const char* prefix : {"00", "01", "04", "05", "06", "07", "ff"}) {
    SCOPED_TRACE(prefix);
    auto key = PublicKey::FromHex(prefix + x);
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(PublicKeyTest, RejectsNonPoints) {
  for (std::string hex : {std::string("02") + kNotOnCurveX, std::string("03") + kNotOnCurveX,
                          std::string("02") + kFieldSizeX, std::string("02") + std::string(64, '0'),
                          std::string(66, '0')}) {
    SCOPED_TRACE(hex);
    auto key = PublicKey::FromHex(hex);
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(PublicKeyTest, NonPointMessageNamesTheKey) {
  auto key = PublicKey::FromHex(std::string("02") + kNotOnCurveX);
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.status().message().find(kNotOnCurveX), std::string::npos) << key.status().message();
}

TEST(PublicKeyTest, FromHexRejectsBadHex) {
  auto key = PublicKey::FromHex(std::string(kGeneratorHex).substr(1));
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument);
}

// --- Key files -------------------------------------------------------------

class KeyFileTest : public ::testing::Test {
 protected:
  std::string Path(const std::string& name) const { return (dir_.path() / name).string(); }

  static unsigned Mode(const std::string& path) {
    struct stat info;
    if (::stat(path.c_str(), &info) != 0) return 0xffffffff;
    return static_cast<unsigned>(info.st_mode & 07777);
  }

  static std::string ReadAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }

  static void WriteAll(const std::string& path, const std::string& content, mode_t mode) {
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out << content;
    }
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
  }

  TempDir dir_{"parley_key_test_"};
};

TEST_F(KeyFileTest, WriteThenReadGivesSameKey) {
  PrivateKey key = PrivateKey::Generate();
  const std::string path = Path("node.key");
  ASSERT_TRUE(WriteKeyFile(path, key).ok());
  auto read = ReadKeyFile(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->SecretBytes(), key.SecretBytes());
  EXPECT_EQ(read->public_key(), key.public_key());
}

TEST_F(KeyFileTest, FileIsOneLineOfHex) {
  PrivateKey key = PrivateKey::Generate();
  const std::string path = Path("node.key");
  ASSERT_TRUE(WriteKeyFile(path, key).ok());
  EXPECT_EQ(ReadAll(path), ToHex(key.SecretBytes()) + "\n");
}

TEST_F(KeyFileTest, FileModeIs0600) {
  const std::string path = Path("node.key");
  ASSERT_TRUE(WriteKeyFile(path, PrivateKey::Generate()).ok());
  EXPECT_EQ(Mode(path), 0600u);
}

TEST_F(KeyFileTest, FileModeIs0600EvenWithPermissiveUmask) {
  const std::string path = Path("node.key");
  mode_t old_umask = ::umask(0);
  Status status = WriteKeyFile(path, PrivateKey::Generate());
  ::umask(old_umask);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(Mode(path), 0600u);
}

TEST_F(KeyFileTest, WritingTwiceGivesAlreadyExistsAndKeepsFirstKey) {
  const std::string path = Path("node.key");
  PrivateKey first = PrivateKey::Generate();
  PrivateKey second = PrivateKey::Generate();
  ASSERT_TRUE(WriteKeyFile(path, first).ok());
  Status status = WriteKeyFile(path, second);
  EXPECT_EQ(status.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(status.message().find(path), std::string::npos) << status.message();
  auto read = ReadKeyFile(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->SecretBytes(), first.SecretBytes());
}

TEST_F(KeyFileTest, WriteIntoMissingDirectoryIsIoError) {
  Status status = WriteKeyFile(Path("no/such/dir/node.key"), PrivateKey::Generate());
  EXPECT_EQ(status.code(), StatusCode::kIoError);
}

TEST_F(KeyFileTest, ReadableByOthersIsPermissionDenied) {
  const std::string path = Path("node.key");
  ASSERT_TRUE(WriteKeyFile(path, PrivateKey::Generate()).ok());
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  auto read = ReadKeyFile(path);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(read.status().message().find("chmod 600"), std::string::npos)
      << read.status().message();
  EXPECT_NE(read.status().message().find(path), std::string::npos) << read.status().message();
  EXPECT_NE(read.status().message().find("0644"), std::string::npos) << read.status().message();
}

TEST_F(KeyFileTest, AnyGroupOrOtherBitIsPermissionDenied) {
  const std::string path = Path("node.key");
  ASSERT_TRUE(WriteKeyFile(path, PrivateKey::Generate()).ok());
  for (mode_t mode : {0640, 0604, 0620, 0602, 0610, 0601, 0660}) {
    SCOPED_TRACE(mode);
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    EXPECT_EQ(ReadKeyFile(path).status().code(), StatusCode::kPermissionDenied);
  }
  // Owner-only modes are fine.
  for (mode_t mode : {0600, 0400}) {
    SCOPED_TRACE(mode);
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    EXPECT_TRUE(ReadKeyFile(path).ok());
  }
}

TEST_F(KeyFileTest, MissingFileIsNotFound) {
  const std::string path = Path("absent.key");
  auto read = ReadKeyFile(path);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), StatusCode::kNotFound);
  EXPECT_NE(read.status().message().find(path), std::string::npos) << read.status().message();
}

TEST_F(KeyFileTest, GarbageIsInvalidArgument) {
  const std::string zero_key = std::string(64, '0') + "\n";
  const std::string too_short = "0123456789abcdef\n";
  const std::string not_hex = "this is not a key at all, just some text\n";
  for (const std::string& content : {not_hex, too_short, zero_key, std::string(), std::string("\n"),
                                     std::string(64, 'z'), std::string(kCurveOrderHex) + "\n"}) {
    SCOPED_TRACE(content);
    const std::string path = Path("garbage.key");
    WriteAll(path, content, 0600);
    auto read = ReadKeyFile(path);
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(read.status().message().find(path), std::string::npos) << read.status().message();
    std::filesystem::remove(path);
  }
}

TEST_F(KeyFileTest, AcceptsHandWrittenFileWithCrlf) {
  PrivateKey key = PrivateKey::Generate();
  const std::string path = Path("hand.key");
  WriteAll(path, ToHex(key.SecretBytes()) + "\r\n", 0600);
  auto read = ReadKeyFile(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->SecretBytes(), key.SecretBytes());
}

TEST_F(KeyFileTest, LoadOrCreateCreatesOnceThenLoads) {
  const std::string path = Path("node.key");
  ASSERT_FALSE(std::filesystem::exists(path));
  auto created = LoadOrCreateKeyFile(path);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(Mode(path), 0600u);
  const std::string content = ReadAll(path);
  EXPECT_EQ(content, ToHex(created->SecretBytes()) + "\n");

  auto loaded = LoadOrCreateKeyFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->SecretBytes(), created->SecretBytes());
  EXPECT_EQ(loaded->public_key(), created->public_key());
  EXPECT_EQ(ReadAll(path), content);
}

TEST_F(KeyFileTest, LoadOrCreateLoadsExistingKey) {
  PrivateKey key = PrivateKey::Generate();
  const std::string path = Path("node.key");
  ASSERT_TRUE(WriteKeyFile(path, key).ok());
  auto loaded = LoadOrCreateKeyFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->SecretBytes(), key.SecretBytes());
}

TEST_F(KeyFileTest, LoadOrCreateNeverReplacesABadFile) {
  const std::string path = Path("node.key");
  WriteAll(path, "garbage\n", 0600);
  auto garbage = LoadOrCreateKeyFile(path);
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadAll(path), "garbage\n");

  const std::string open_path = Path("open.key");
  PrivateKey key = PrivateKey::Generate();
  ASSERT_TRUE(WriteKeyFile(open_path, key).ok());
  ASSERT_EQ(::chmod(open_path.c_str(), 0644), 0);
  auto open = LoadOrCreateKeyFile(open_path);
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(ReadAll(open_path), ToHex(key.SecretBytes()) + "\n");
}

}  // namespace
}  // namespace parley::crypto
