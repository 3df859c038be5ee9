#include "parley/crypto/ecdsa.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "parley/crypto/hash.h"

namespace parley::crypto {
namespace {

// The example of EIP-155 (https://eips.ethereum.org/EIPS/eip-155, "Example"):
// the signing hash of a legacy transaction on chain 1, and its signature by
// the key 0x4646...46 with v = 37, i.e. recovery id 0 (v = 27 here). r and s
// are the decimal values of the EIP in hex.
constexpr char kEip155Key[] = "4646464646464646464646464646464646464646464646464646464646464646";
constexpr char kEip155SigningHash[] =
    "daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53";
constexpr char kEip155R[] = "28ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276";
constexpr char kEip155S[] = "67cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83";

// The order n of the secp256k1 group, and n/2 (the largest low s).
constexpr char kCurveOrderHex[] =
    "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
constexpr char kHalfOrderHex[] = "7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0";

Bytes Hex(std::string_view hex) { return FromHex(hex).value(); }

PrivateKey Key(std::string_view hex) { return PrivateKey::FromHex(hex).value(); }

Hash32 Digest(std::string_view text) { return Keccak256(AsBytes(text)); }

// r || s || v from hex parts.
Bytes Signature(std::string_view r_hex, std::string_view s_hex, uint8_t v) {
  Bytes out = Hex(r_hex);
  Bytes s = Hex(s_hex);
  out.insert(out.end(), s.begin(), s.end());
  out.push_back(v);
  return out;
}

// n - s, big-endian, for a 32-byte s below n.
Bytes NegateModOrder(ByteView s) {
  Bytes n = Hex(kCurveOrderHex);
  Bytes out(32);
  int borrow = 0;
  for (int i = 31; i >= 0; --i) {
    int digit = n[i] - s[i] - borrow;
    borrow = digit < 0 ? 1 : 0;
    out[i] = static_cast<uint8_t>(digit + 256 * borrow);
  }
  return out;
}

void ExpectInvalid(const Result<PublicKey>& result, std::string_view message_part) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(result.status().message().find(message_part), std::string::npos)
      << result.status().message();
}

// --- Addresses ---------------------------------------------------------------

TEST(EcdsaAddressTest, KnownKeys) {
  struct Case {
    const char* private_key;
    const char* address;
  };
  const Case cases[] = {
      // The private key 1: its public key is the generator G.
      {"0000000000000000000000000000000000000000000000000000000000000001",
       "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf"},
      // The first account of anvil's and Hardhat's default mnemonic.
      {"ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
       "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.private_key);
    EXPECT_EQ(AddressToHex(EthereumAddress(Key(c.private_key).public_key())), c.address);
  }
}

TEST(EcdsaAddressTest, HexRoundTrip) {
  auto address = AddressFromHex("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
  ASSERT_TRUE(address.ok()) << address.status().ToString();
  EXPECT_EQ(AddressToHex(*address), "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
}

TEST(EcdsaAddressTest, FromHexAcceptsChecksumCase) {
  // The EIP-55 spelling of the anvil address; the checksum is not checked.
  auto address = AddressFromHex("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
  ASSERT_TRUE(address.ok()) << address.status().ToString();
  EXPECT_EQ(AddressToHex(*address), "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
}

TEST(EcdsaAddressTest, FromHexRejectsMalformed) {
  const char* cases[] = {
      "",
      "0x",
      "f39fd6e51aad88f6f4ce6ab8827279cfffb92266",      // no prefix
      "0X f39fd6e51aad88f6f4ce6ab8827279cfffb9226",    // wrong prefix
      "0Xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",    // upper-case prefix
      "0xf39fd6e51aad88f6f4ce6ab8827279cfffb9226",     // 39 digits
      "0xf39fd6e51aad88f6f4ce6ab8827279cfffb922660",   // 41 digits
      "0xf39fd6e51aad88f6f4ce6ab8827279cfffb9226600",  // 42 digits
      "0xg39fd6e51aad88f6f4ce6ab8827279cfffb92266",    // not a hex digit
      "0xf39fd6e51aad88f6f4ce6ab8827279cfffb9226 ",    // trailing space
  };
  for (const char* hex : cases) {
    SCOPED_TRACE(hex);
    auto address = AddressFromHex(hex);
    ASSERT_FALSE(address.ok());
    EXPECT_EQ(address.status().code(), StatusCode::kInvalidArgument);
  }
}

// --- Signing and recovery ----------------------------------------------------

TEST(EcdsaSignTest, Eip155ExampleSignature) {
  RecoverableSignature signature =
      EcdsaSign(Key(kEip155Key), FixedFromHex<32>(kEip155SigningHash).value());
  EXPECT_EQ(ToHex(signature), ToHex(Signature(kEip155R, kEip155S, 27)));
}

TEST(EcdsaRecoverTest, Eip155ExampleSignature) {
  auto key =
      EcdsaRecover(FixedFromHex<32>(kEip155SigningHash).value(), Signature(kEip155R, kEip155S, 27));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(*key, Key(kEip155Key).public_key());
  // The EIP-155 example's sender.
  EXPECT_EQ(AddressToHex(EthereumAddress(*key)), "0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f");
}

TEST(EcdsaSignTest, IsDeterministicAndLowS) {
  PrivateKey key = PrivateKey::Generate();
  Hash32 digest = Digest("parley");
  RecoverableSignature first = EcdsaSign(key, digest);
  EXPECT_EQ(first, EcdsaSign(key, digest));
  EXPECT_NE(first, EcdsaSign(key, Digest("parley!")));
  EXPECT_LE(ToHex(ByteView(first).subspan(32, 32)), kHalfOrderHex);
  EXPECT_TRUE(first[64] == 27 || first[64] == 28) << int{first[64]};
}

TEST(EcdsaRecoverTest, RoundTripsManyKeys) {
  bool saw_v[2] = {false, false};
  for (int i = 0; i < 32; ++i) {
    SCOPED_TRACE(i);
    PrivateKey key = PrivateKey::Generate();
    Hash32 digest = Digest("message " + std::to_string(i));
    RecoverableSignature signature = EcdsaSign(key, digest);
    saw_v[signature[64] - 27] = true;
    auto recovered = EcdsaRecover(digest, signature);
    ASSERT_TRUE(recovered.ok()) << recovered.status().ToString();
    EXPECT_EQ(*recovered, key.public_key());
  }
  // Both recovery ids occur (each with probability 1/2 per signature).
  EXPECT_TRUE(saw_v[0] && saw_v[1]);
}

TEST(EcdsaRecoverTest, OtherDigestRecoversOtherKey) {
  PrivateKey key = PrivateKey::Generate();
  RecoverableSignature signature = EcdsaSign(key, Digest("a"));
  auto recovered = EcdsaRecover(Digest("b"), signature);
  ASSERT_TRUE(recovered.ok()) << recovered.status().ToString();
  EXPECT_NE(*recovered, key.public_key());
}

TEST(EcdsaRecoverTest, FlippedVRecoversOtherKey) {
  PrivateKey key = PrivateKey::Generate();
  Hash32 digest = Digest("flip");
  RecoverableSignature signature = EcdsaSign(key, digest);
  signature[64] = signature[64] == 27 ? 28 : 27;
  auto recovered = EcdsaRecover(digest, signature);
  ASSERT_TRUE(recovered.ok()) << recovered.status().ToString();
  EXPECT_NE(*recovered, key.public_key());
}

TEST(EcdsaRecoverTest, RejectsWrongLength) {
  Bytes good = Signature(kEip155R, kEip155S, 27);
  Hash32 digest = FixedFromHex<32>(kEip155SigningHash).value();
  for (size_t size : {0u, 1u, 64u, 66u, 130u}) {
    SCOPED_TRACE(size);
    Bytes bytes(size, 0x01);
    std::copy(good.begin(), good.begin() + std::min(size, good.size()), bytes.begin());
    ExpectInvalid(EcdsaRecover(digest, bytes), "65 bytes");
  }
}

TEST(EcdsaRecoverTest, RejectsVOutside27And28) {
  Hash32 digest = FixedFromHex<32>(kEip155SigningHash).value();
  // 0 and 1 are raw recovery ids; 29 and 30 would be ids 2 and 3; 37 is the
  // EIP-155 transaction v, not a message signature's.
  for (int v : {0, 1, 26, 29, 30, 37, 255}) {
    SCOPED_TRACE(v);
    ExpectInvalid(EcdsaRecover(digest, Signature(kEip155R, kEip155S, static_cast<uint8_t>(v))),
                  "v = " + std::to_string(v));
  }
}

TEST(EcdsaRecoverTest, RejectsHighS) {
  Hash32 digest = FixedFromHex<32>(kEip155SigningHash).value();
  // (r, n - s) with the other v is the same signature, valid for plain ECDSA:
  // only the low-s rule refuses it.
  Bytes high_s = NegateModOrder(Hex(kEip155S));
  ExpectInvalid(EcdsaRecover(digest, Signature(kEip155R, ToHex(high_s), 28)), "upper half");
  ExpectInvalid(EcdsaRecover(digest, Signature(kEip155R, ToHex(high_s), 27)), "upper half");
}

TEST(EcdsaRecoverTest, AcceptsLargestLowS) {
  // s = n/2 is the largest low s. With an r that is a curve x, some key
  // always verifies (r, s): recovery succeeds.
  Hash32 digest = FixedFromHex<32>(kEip155SigningHash).value();
  auto result = EcdsaRecover(digest, Signature(kEip155R, kHalfOrderHex, 27));
  EXPECT_TRUE(result.ok()) << result.status().ToString();
}

TEST(EcdsaRecoverTest, RejectsZeroROrS) {
  Hash32 digest = FixedFromHex<32>(kEip155SigningHash).value();
  const std::string zero(64, '0');
  for (uint8_t v : {27, 28}) {
    SCOPED_TRACE(int{v});
    ExpectInvalid(EcdsaRecover(digest, Signature(zero, kEip155S, v)), "recovers no public key");
    ExpectInvalid(EcdsaRecover(digest, Signature(kEip155R, zero, v)), "recovers no public key");
  }
}

TEST(EcdsaRecoverTest, RejectsROrSAtOrAboveCurveOrder) {
  Hash32 digest = FixedFromHex<32>(kEip155SigningHash).value();
  const std::string all_ones(64, 'f');
  for (const std::string& big : {std::string(kCurveOrderHex), all_ones}) {
    SCOPED_TRACE(big);
    ExpectInvalid(EcdsaRecover(digest, Signature(big, kEip155S, 27)), "curve order");
    ExpectInvalid(EcdsaRecover(digest, Signature(kEip155R, big, 27)), "curve order");
  }
}

TEST(EcdsaRecoverTest, RejectsRThatIsNoCurveX) {
  // An x with no point on the curve (BIP340 test vector 5): no R, no key.
  Hash32 digest = FixedFromHex<32>(kEip155SigningHash).value();
  ExpectInvalid(
      EcdsaRecover(digest,
                   Signature("eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34",
                             kEip155S, 27)),
      "recovers no public key");
}

}  // namespace
}  // namespace parley::crypto
