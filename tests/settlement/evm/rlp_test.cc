#include "parley/settlement/evm/rlp.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace parley::settlement::evm::rlp {
namespace {

Bytes Hex(std::string_view hex) { return FromHex(hex).value(); }

Item Str(std::string_view text) { return Item::String(AsBytes(text)); }

Item List(std::vector<Item> items) { return Item::List(std::move(items)); }

// Encodes `item`, expects `hex`, and decodes `hex` back to `item`.
void ExpectEncoding(const Item& item, std::string_view hex) {
  EXPECT_EQ(ToHex(Encode(item)), hex);
  auto decoded = Decode(Hex(hex));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, item);
}

void ExpectDecodeFails(std::string_view hex, std::string_view message_part) {
  auto decoded = Decode(Hex(hex));
  ASSERT_FALSE(decoded.ok()) << "decoded " << hex;
  EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(decoded.status().message().find(message_part), std::string::npos)
      << decoded.status().message();
}

// --- The examples of the RLP page on ethereum.org --------------------------
// https://ethereum.org/en/developers/docs/data-structures-and-encoding/rlp/

TEST(RlpSpecExampleTest, Dog) { ExpectEncoding(Str("dog"), "83646f67"); }

TEST(RlpSpecExampleTest, CatDogList) {
  ExpectEncoding(List({Str("cat"), Str("dog")}), "c88363617483646f67");
}

TEST(RlpSpecExampleTest, EmptyStringAndEmptyList) {
  ExpectEncoding(Item(), "80");
  ExpectEncoding(List({}), "c0");
}

TEST(RlpSpecExampleTest, Integers) {
  ExpectEncoding(Item::Uint(0), "80");
  ExpectEncoding(Item::Uint(15), "0f");
  ExpectEncoding(Item::Uint(1024), "820400");
  EXPECT_EQ(Item::Uint(0), Item());
}

TEST(RlpSpecExampleTest, SingleBytes) {
  ExpectEncoding(Item::String(Hex("00")), "00");
  ExpectEncoding(Item::String(Hex("0f")), "0f");
  ExpectEncoding(Item::String(Hex("0400")), "820400");
}

TEST(RlpSpecExampleTest, SetTheoreticalRepresentationOfThree) {
  // [ [], [[]], [ [], [[]] ] ]
  Item three = List({List({}), List({List({})}), List({List({}), List({List({})})})});
  ExpectEncoding(three, "c7c0c1c0c3c0c1c0");
}

TEST(RlpSpecExampleTest, LoremIpsumTakesTheLongForm) {
  // 56 bytes: one more than the short form holds.
  ExpectEncoding(
      Str("Lorem ipsum dolor sit amet, consectetur adipisicing elit"),
      "b838" + ToHex(AsBytes("Lorem ipsum dolor sit amet, consectetur adipisicing elit")));
}

// --- ethereum/tests RLPTests/rlptest.json ------------------------------------
// Selected cases of https://github.com/ethereum/tests, RLPTests/rlptest.json at
// commit 0d2c026ffe66d441cd357dd8beb8908c6dd74420, named as there.

TEST(RlpOfficialVectorTest, Strings) {
  ExpectEncoding(Str("Lorem ipsum dolor sit amet, consectetur adipisicing eli"),  // shortstring2
                 "b74c6f72656d20697073756d20646f6c6f722073697420616d65742c20636f6e7365637465747572"
                 "206164697069736963696e6720656c69");
  ExpectEncoding(Item::String(Hex("7f")), "7f");  // bytestring7F
}

TEST(RlpOfficialVectorTest, Integers) {
  ExpectEncoding(Item::Uint(1), "01");             // smallint
  ExpectEncoding(Item::Uint(127), "7f");           // smallint4
  ExpectEncoding(Item::Uint(128), "8180");         // mediumint1
  ExpectEncoding(Item::Uint(1000), "8203e8");      // mediumint2
  ExpectEncoding(Item::Uint(100000), "830186a0");  // mediumint3
  // mediumint4 and mediumint5: beyond 64 bits.
  ExpectEncoding(Item::Uint256(channel::ParseAmount("83729609699884896815286331701780722").value()),
                 "8f102030405060708090a0b0c0d0e0f2");
  ExpectEncoding(
      Item::Uint256(
          channel::ParseAmount("105315505618206987246253880190783558935785933862974822347068935681")
              .value()),
      "9c0100020003000400050006000700080009000a000b000c000d000e01");
}

TEST(RlpOfficialVectorTest, Lists) {
  ExpectEncoding(List({Str("dog"), Str("god"), Str("cat")}),  // stringlist
                 "cc83646f6783676f6483636174");
  ExpectEncoding(List({Str("zw"), List({Item::Uint(4)}), Item::Uint(1)}),  // multilist
                 "c6827a77c10401");
  ExpectEncoding(List({List({List({}), List({})}), List({})}), "c4c2c0c0c0");  // listsoflists
  // shortListMax1: a payload of exactly 55 bytes, the last short list.
  std::vector<Item> short_max;
  for (int i = 0; i < 11; ++i)
    short_max.push_back(Str(i % 3 == 0 ? "asdf" : i % 3 == 1 ? "qwer" : "zxcv"));
  ExpectEncoding(
      List(short_max),
      "f784617364668471776572847a78637684617364668471776572847a78637684617364668471776572"
      "847a78637684617364668471776572");
  // longList1: a payload of 64 bytes.
  Item triple = List({Str("asdf"), Str("qwer"), Str("zxcv")});
  ExpectEncoding(List({triple, triple, triple, triple}),
                 "f840cf84617364668471776572847a786376cf84617364668471776572847a786376cf8461736466"
                 "8471776572847a786376cf84617364668471776572847a786376");
  // dictTest1
  ExpectEncoding(List({List({Str("key1"), Str("val1")}), List({Str("key2"), Str("val2")}),
                       List({Str("key3"), Str("val3")}), List({Str("key4"), Str("val4")})}),
                 "ecca846b6579318476616c31ca846b6579328476616c32ca846b6579338476616c33ca846b657934"
                 "8476616c34");
}

TEST(RlpOfficialVectorTest, LongList2HasATwoByteLength) {
  // longList2: 32 copies of ["asdf","qwer","zxcv"], a payload of 512 bytes.
  Item triple = List({Str("asdf"), Str("qwer"), Str("zxcv")});
  std::string expected = "f90200";
  for (int i = 0; i < 32; ++i) expected += "cf84617364668471776572847a786376";
  ExpectEncoding(List(std::vector<Item>(32, triple)), expected);
}

TEST(RlpOfficialVectorTest, LongString2HasATwoByteLength) {
  // longstring2 is 1024 bytes of text: header b90400. Any 1024 bytes do.
  Bytes text(1024, 'a');
  Bytes encoded = Encode(Item::String(text));
  ASSERT_EQ(encoded.size(), 3 + text.size());
  EXPECT_EQ(ToHex(ByteView(encoded).first(3)), "b90400");
  auto decoded = Decode(encoded);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->bytes(), text);
}

// --- The EIP-155 example --------------------------------------------------
// https://eips.ethereum.org/EIPS/eip-155: the "signing data" of a legacy
// transaction, [nonce, gasprice, startgas, to, value, data, chainid, 0, 0].

TEST(RlpEip155Test, SigningData) {
  Item transaction = List({Item::Uint(9), Item::Uint(20'000'000'000), Item::Uint(21000),
                           Item::String(Bytes(20, 0x35)), Item::Uint(1'000'000'000'000'000'000),
                           Item(), Item::Uint(1), Item::Uint(0), Item::Uint(0)});
  ExpectEncoding(transaction,
                 "ec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400"
                 "0080018080");
}

// --- Integers ------------------------------------------------------------------

TEST(RlpIntegerTest, Uint64RoundTrips) {
  for (uint64_t value : {uint64_t{0}, uint64_t{1}, uint64_t{0x7f}, uint64_t{0x80}, uint64_t{0xff},
                         uint64_t{0x100}, uint64_t{0xffffffff}, ~uint64_t{0}}) {
    SCOPED_TRACE(value);
    auto decoded = Decode(Encode(Item::Uint(value)));
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    auto back = decoded->AsUint();
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, value);
  }
  EXPECT_EQ(ToHex(Encode(Item::Uint(~uint64_t{0}))), "88ffffffffffffffff");
}

TEST(RlpIntegerTest, Uint256RoundTrips) {
  const channel::Amount max = ~channel::Amount(0);
  for (const channel::Amount& value :
       {channel::Amount(0), channel::Amount(127), channel::Amount(128), max}) {
    SCOPED_TRACE(channel::ToString(value));
    auto decoded = Decode(Encode(Item::Uint256(value)));
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    auto back = decoded->AsUint256();
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, value);
  }
  EXPECT_EQ(ToHex(Encode(Item::Uint256(max))), "a0" + std::string(64, 'f'));
  EXPECT_EQ(Item::Uint256(channel::Amount(1024)), Item::Uint(1024));
}

TEST(RlpIntegerTest, RejectsLeadingZeros) {
  for (const char* hex : {"00", "0001", "000000000000000001"}) {
    SCOPED_TRACE(hex);
    Item item = Item::String(Hex(hex));
    EXPECT_EQ(item.AsUint().status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(item.AsUint().status().message().find("leading zero"), std::string::npos);
    EXPECT_EQ(item.AsUint256().status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(RlpIntegerTest, RejectsTooLong) {
  Item nine_bytes = Item::String(Hex("010000000000000000"));
  EXPECT_EQ(nine_bytes.AsUint().status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(nine_bytes.AsUint256().ok());
  // ethereum/tests "bigint": 2^256, one more than a uint256 holds.
  auto bigint = Decode(Hex("a1010000000000000000000000000000000000000000000000000000000000000000"));
  ASSERT_TRUE(bigint.ok()) << bigint.status().ToString();
  EXPECT_EQ(bigint->AsUint256().status().code(), StatusCode::kInvalidArgument);
}

TEST(RlpIntegerTest, RejectsLists) {
  EXPECT_EQ(List({}).AsUint().status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(List({}).AsUint256().status().code(), StatusCode::kInvalidArgument);
}

// --- Bad input -------------------------------------------------------------

// ethereum/tests RLPTests/invalidRLPTest.json at commit
// 16806bfc9de0b34da007b84e5a32723c6af2e3b8: every case, named as there.
TEST(RlpDecodeTest, RejectsOfficialInvalidVectors) {
  const char* cases[] = {
      "bf0f000000000000021111",  // int32Overflow
      "ff0f000000000000021111",  // int32Overflow2
      "f80180",                  // wrongSizeList
      "f80100",                  // wrongSizeList2
      // incorrectLengthInArray
      "b9002100dc2b275d0f74e8a53e6f4ec61b27f24278820be3f82ea2110e582081b0565df0",
      // randomRLP
      "f861f83eb9002100dc2b275d0f74e8a53e6f4ec61b27f24278820be3f82ea2110e582081b0565df027b9001500"
      "2d5ef8325ae4d034df55d4b58d0dfba64d61ddd17be00000b9001a00dae30907045a2f66fa36f2bb8aa9029cbb"
      "0b8a7b3b5c435ab331",
      "8100",  // bytesShouldBeSingleByte00
      "8101",  // bytesShouldBeSingleByte01
      "817F",  // bytesShouldBeSingleByte7F
      // leadingZerosInLongLengthArray1
      "b90040000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728"
      "292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f",
      "b800",  // leadingZerosInLongLengthArray2
      // leadingZerosInLongLengthList1
      "fb00000040000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223242526"
      "2728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f",
      "f800",                                  // leadingZerosInLongLengthList2
      "b81000112233445566778899aabbccddeeff",  // nonOptimalLongLengthArray1
      "b801ff",                                // nonOptimalLongLengthArray2
      "f810000102030405060708090a0b0c0d0e0f",  // nonOptimalLongLengthList1
      "f803112233",                            // nonOptimalLongLengthList2
  };
  for (const char* hex : cases) {
    SCOPED_TRACE(hex);
    ExpectDecodeFails(hex, "RLP at byte");
  }
}

TEST(RlpDecodeTest, RejectsEmptyInput) { ExpectDecodeFails("", "truncated"); }

TEST(RlpDecodeTest, RejectsTruncatedInput) {
  ExpectDecodeFails("83646f", "truncated");                        // "dog" missing a byte
  ExpectDecodeFails("c88363617483646f", "truncated");              // ["cat","dog"] missing a byte
  ExpectDecodeFails("b8", "truncated");                            // no length byte
  ExpectDecodeFails("b9ff", "truncated");                          // half a length
  ExpectDecodeFails("b838" + std::string(110, 'a'), "truncated");  // 55 of 56 bytes
  ExpectDecodeFails("f9ffffff", "truncated");
  // The 8-byte maximum length; must not overflow a position.
  ExpectDecodeFails("bfffffffffffffffff00", "truncated");
  ExpectDecodeFails("ffffffffffffffffff00", "truncated");
}

TEST(RlpDecodeTest, RejectsItemsOverrunningTheirList) {
  // A list of 2 payload bytes whose item claims 3.
  ExpectDecodeFails("c283646f67", "truncated");
}

TEST(RlpDecodeTest, RejectsTrailingBytes) {
  ExpectDecodeFails("83646f6700", "trailing");
  ExpectDecodeFails("c0c0", "trailing");
  ExpectDecodeFails("8080", "trailing");
}

TEST(RlpDecodeTest, RejectsNonCanonicalHeaders) {
  ExpectDecodeFails("8105", "single byte");
  ExpectDecodeFails("b80100", "short header form");
  ExpectDecodeFails("b837" + std::string(110, 'a'), "short header form");  // 55 in long form
  ExpectDecodeFails("f837" + std::string(110, '8'), "short header form");
  ExpectDecodeFails("b9000100", "leading zero");
}

TEST(RlpDecodeTest, AcceptsMaxDepthAndRejectsDeeper) {
  Item nested = List({});
  for (size_t depth = 1; depth < kMaxDepth; ++depth) nested = List({nested});
  auto at_max = Decode(Encode(nested));
  ASSERT_TRUE(at_max.ok()) << at_max.status().ToString();
  EXPECT_EQ(*at_max, nested);
  ExpectDecodeFails(ToHex(Encode(List({nested}))), "nested deeper");
}

TEST(RlpDecodeTest, DeepNestingAttackFailsCleanly) {
  // A megabyte of list headers, each claiming the rest of the input: must be
  // refused at kMaxDepth, not exhaust the stack.
  const size_t levels = 1 << 20;
  Bytes encoded;
  for (size_t i = 0; i < levels; ++i) {
    size_t rest = 4 * (levels - i - 1);
    encoded.insert(encoded.end(), {0xfa, static_cast<uint8_t>(rest >> 16),
                                   static_cast<uint8_t>(rest >> 8), static_cast<uint8_t>(rest)});
  }
  auto decoded = Decode(encoded);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.status().message().find("nested deeper"), std::string::npos)
      << decoded.status().message();
}

TEST(RlpDecodeTest, EveryTruncationOfAValidEncodingFails) {
  Item item = List(
      {Str("cat"), List({Item::Uint(1024), Item()}), Item::String(Bytes(60, 0xab)), Item::Uint(0)});
  Bytes encoded = Encode(item);
  for (size_t size = 0; size < encoded.size(); ++size) {
    SCOPED_TRACE(size);
    auto decoded = Decode(ByteView(encoded).first(size));
    EXPECT_FALSE(decoded.ok());
  }
  EXPECT_TRUE(Decode(encoded).ok());
}

}  // namespace
}  // namespace parley::settlement::evm::rlp
