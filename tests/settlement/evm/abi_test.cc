// The Solidity ABI codec (settlement/evm/abi.h).
//
// The expected encodings of the AbiSpec tests are the worked examples of the
// Solidity documentation ("Contract ABI Specification", section "Examples"
// and "Use of Dynamic Types"), copied word by word.
#include "parley/settlement/evm/abi.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testing/status_matchers.h"

namespace parley::settlement::evm::abi {
namespace {

using channel::Amount;

Type Parse(std::string_view text) {
  auto type = ParseType(text);
  EXPECT_OK(type.status());
  return type.ok() ? *type : Type::Bool();
}

std::vector<Type> Types(std::string_view tuple) { return Parse(tuple).components; }

Bytes Unhex(std::string_view hex) { return FromHex(hex).value(); }

Bytes Ascii(std::string_view text) { return Bytes(text.begin(), text.end()); }

// A 32-byte word holding `n`, as hex.
std::string WordHex(uint64_t n) {
  char hex[65];
  snprintf(hex, sizeof hex, "%064llx", static_cast<unsigned long long>(n));
  return hex;
}

std::string CallHex(std::string_view signature, const std::vector<Value>& args) {
  auto call = EncodeCall(signature, args);
  EXPECT_OK(call.status());
  return call.ok() ? ToHex(*call) : "";
}

// ---------------------------------------------------------------------------
// Types

TEST(AbiType, ParsesAndSpellsCanonicalTypes) {
  for (const char* text :
       {"uint8", "uint64", "uint256", "address", "bool", "bytes1", "bytes32", "bytes", "string",
        "uint256[]", "uint256[][]", "()", "(address[],bytes32,uint64,string)",
        "(bytes32,uint64,(address,uint256[],(bytes32,uint256)[])[],bytes,bool)", "(bool)[]"}) {
    auto type = ParseType(text);
    ASSERT_OK(type.status());
    EXPECT_EQ(type->ToString(), text);
  }
}

TEST(AbiType, ParseBuildsTheTypeTree) {
  Type expected = Type::Tuple(
      {Type::Array(Type::Address()), Type::FixedBytes(32), Type::Uint(64), Type::String()});
  EXPECT_EQ(Parse("(address[],bytes32,uint64,string)"), expected);
}

TEST(AbiType, DynamicTypes) {
  EXPECT_FALSE(Parse("uint256").IsDynamic());
  EXPECT_FALSE(Parse("bytes32").IsDynamic());
  EXPECT_FALSE(Parse("(address,bool)").IsDynamic());
  EXPECT_TRUE(Parse("bytes").IsDynamic());
  EXPECT_TRUE(Parse("string").IsDynamic());
  EXPECT_TRUE(Parse("bool[]").IsDynamic());
  EXPECT_TRUE(Parse("(address,(bool,string))").IsDynamic());
}

TEST(AbiType, RefusesWhatIsNotCanonicalOrNotSupported) {
  for (const char* text : {"",           "uint",        "uint7",      "uint0",    "uint264",
                           "uint064",    "int256",      "bytes0",     "bytes33",  "bytes01",
                           "function",   "fixed128x18", "uint256[2]", "uint256[", "(uint256",
                           "(uint256,)", "(,uint256)",  " uint256",   "uint256 ", "(uint256, bool)",
                           "Address",    "uint256)"}) {
    EXPECT_CODE(ParseType(text).status(), StatusCode::kInvalidArgument) << "'" << text << "'";
  }
}

TEST(AbiType, RefusesDeepNesting) {
  std::string tuples = std::string(kMaxTypeDepth, '(') + "bool" + std::string(kMaxTypeDepth, ')');
  EXPECT_OK(ParseType(tuples).status());
  EXPECT_CODE(ParseType("(" + tuples + ")").status(), StatusCode::kInvalidArgument);

  std::string arrays = "bool";
  for (size_t i = 0; i < kMaxTypeDepth; ++i) arrays += "[]";
  EXPECT_OK(ParseType(arrays).status());
  EXPECT_CODE(ParseType(arrays + "[]").status(), StatusCode::kInvalidArgument);
}

// ---------------------------------------------------------------------------
// The examples of the specification

TEST(AbiSpec, Selectors) {
  EXPECT_EQ(ToHex(Selector("baz(uint32,bool)")), "cdcd77c0");
  EXPECT_EQ(ToHex(Selector("bar(bytes3[2])")), "fce353f6");
  EXPECT_EQ(ToHex(Selector("sam(bytes,bool,uint256[])")), "a5643bf2");
  EXPECT_EQ(ToHex(Selector("f(uint256,uint32[],bytes10,bytes)")), "8be65246");
  EXPECT_EQ(ToHex(Selector("g(uint256[][],string[])")), "2289b18c");
  EXPECT_EQ(ToHex(Selector("Error(string)")), "08c379a0");
  EXPECT_EQ(ToHex(Selector("Panic(uint256)")), "4e487b71");
}

TEST(AbiSpec, Baz) {
  EXPECT_EQ(CallHex("baz(uint32,bool)", {69, true}),
            "cdcd77c0"
            "0000000000000000000000000000000000000000000000000000000000000045"
            "0000000000000000000000000000000000000000000000000000000000000001");
}

TEST(AbiSpec, Sam) {
  EXPECT_EQ(CallHex("sam(bytes,bool,uint256[])", {Ascii("dave"), true, Value::List{1, 2, 3}}),
            "a5643bf2"
            "0000000000000000000000000000000000000000000000000000000000000060"  // offset of "dave"
            "0000000000000000000000000000000000000000000000000000000000000001"  // true
            "00000000000000000000000000000000000000000000000000000000000000a0"  // offset of [1,2,3]
            "0000000000000000000000000000000000000000000000000000000000000004"  // length of "dave"
            "6461766500000000000000000000000000000000000000000000000000000000"  // "dave"
            "0000000000000000000000000000000000000000000000000000000000000003"  // length of [1,2,3]
            "0000000000000000000000000000000000000000000000000000000000000001"
            "0000000000000000000000000000000000000000000000000000000000000002"
            "0000000000000000000000000000000000000000000000000000000000000003");
}

TEST(AbiSpec, DynamicTypes) {
  EXPECT_EQ(
      CallHex("f(uint256,uint32[],bytes10,bytes)",
              {0x123, Value::List{0x456, 0x789}, Ascii("1234567890"), Ascii("Hello, world!")}),
      "8be65246"
      "0000000000000000000000000000000000000000000000000000000000000123"  // 0x123
      "0000000000000000000000000000000000000000000000000000000000000080"  // offset of [..]
      "3132333435363738393000000000000000000000000000000000000000000000"  // "1234567890"
      "00000000000000000000000000000000000000000000000000000000000000e0"  // offset of "Hello"
      "0000000000000000000000000000000000000000000000000000000000000002"  // 2 elements
      "0000000000000000000000000000000000000000000000000000000000000456"
      "0000000000000000000000000000000000000000000000000000000000000789"
      "000000000000000000000000000000000000000000000000000000000000000d"  // 13 bytes
      "48656c6c6f2c20776f726c642100000000000000000000000000000000000000");
}

TEST(AbiSpec, NestedDynamicArrays) {
  Value numbers = Value::List{Value::List{1, 2}, Value::List{3}};
  Value words = Value::List{"one", "two", "three"};
  EXPECT_EQ(
      CallHex("g(uint256[][],string[])", {numbers, words}),
      "2289b18c"
      "0000000000000000000000000000000000000000000000000000000000000040"  // offset of [[1,2],[3]]
      "0000000000000000000000000000000000000000000000000000000000000140"  // offset of words
      "0000000000000000000000000000000000000000000000000000000000000002"  // 2 arrays
      "0000000000000000000000000000000000000000000000000000000000000040"  // offset of [1,2]
      "00000000000000000000000000000000000000000000000000000000000000a0"  // offset of [3]
      "0000000000000000000000000000000000000000000000000000000000000002"  // [1,2]
      "0000000000000000000000000000000000000000000000000000000000000001"
      "0000000000000000000000000000000000000000000000000000000000000002"
      "0000000000000000000000000000000000000000000000000000000000000001"  // [3]
      "0000000000000000000000000000000000000000000000000000000000000003"
      "0000000000000000000000000000000000000000000000000000000000000003"  // 3 strings
      "0000000000000000000000000000000000000000000000000000000000000060"  // offset of "one"
      "00000000000000000000000000000000000000000000000000000000000000a0"  // offset of "two"
      "00000000000000000000000000000000000000000000000000000000000000e0"  // offset of "three"
      "0000000000000000000000000000000000000000000000000000000000000003"
      "6f6e650000000000000000000000000000000000000000000000000000000000"  // "one"
      "0000000000000000000000000000000000000000000000000000000000000003"
      "74776f0000000000000000000000000000000000000000000000000000000000"  // "two"
      "0000000000000000000000000000000000000000000000000000000000000005"
      "7468726565000000000000000000000000000000000000000000000000000000");  // "three"
}

TEST(AbiSpec, ExamplesDecodeToTheirValues) {
  std::vector<Value> args = {Value::List{Value::List{1, 2}, Value::List{3}},
                             Value::List{"one", "two", "three"}};
  Bytes call = EncodeCall("g(uint256[][],string[])", args).value();
  auto decoded = Decode(Types("(uint256[][],string[])"), ByteView(call).subspan(4));
  ASSERT_OK(decoded.status());
  EXPECT_EQ(*decoded, args);
}

// ---------------------------------------------------------------------------
// Encoding

TEST(AbiEncode, OneDynamicTupleStartsWithItsOffset) {
  // abi.encode of a single struct with a dynamic member.
  auto encoded = Encode({Parse("(uint8,string)")}, {Value(Value::List{7, "hi"})});
  ASSERT_OK(encoded.status());
  EXPECT_EQ(ToHex(*encoded), WordHex(0x20)        // offset of the tuple
                                 + WordHex(7)     // its uint8
                                 + WordHex(0x40)  // offset of the string within the tuple
                                 + WordHex(2) + "6869" + std::string(60, '0'));
}

TEST(AbiEncode, StaticTupleIsInPlace) {
  crypto::EthAddress address;
  address.fill(0xaa);
  auto encoded =
      Encode({Parse("(address,bool)"), Type::Uint(16)}, {Value::List{address, false}, 0xffff});
  ASSERT_OK(encoded.status());
  EXPECT_EQ(ToHex(*encoded),
            std::string(24, '0') + std::string(40, 'a') + WordHex(0) + WordHex(0xffff));
}

TEST(AbiEncode, EmptyValuesAndExactWords) {
  auto encoded = Encode(Types("(bytes,uint256[],string,bytes)"),
                        {Bytes{}, Value::List{}, "", Bytes(32, 0x11)});
  ASSERT_OK(encoded.status());
  EXPECT_EQ(ToHex(*encoded), WordHex(0x80) + WordHex(0xa0) + WordHex(0xc0) + WordHex(0xe0) +
                                 WordHex(0) + WordHex(0) + WordHex(0) + WordHex(32) +
                                 std::string(64, '1'));
}

TEST(AbiEncode, MaximalUint) {
  Amount max = ~Amount(0);
  auto encoded = Encode({Type::Uint(256)}, {max});
  ASSERT_OK(encoded.status());
  EXPECT_EQ(ToHex(*encoded), std::string(64, 'f'));
}

TEST(AbiEncode, RefusesValuesThatDoNotMatchTheirTypes) {
  struct Case {
    const char* type;
    Value value;
  };
  std::vector<Case> cases = {
      {"uint8", 256},
      {"uint64", Amount(1) << 64},
      {"uint256", true},
      {"bool", 1},
      {"address", Bytes(20, 0)},
      {"bytes3", Ascii("ab")},
      {"bytes3", Ascii("abcd")},
      {"bytes", "text"},
      {"string", Ascii("bytes")},
      {"uint256[]", Value::List{1, true}},
      {"(uint256,bool)", Value::List{1}},
      {"(uint256,bool)", Value::List{1, true, 2}},
      {"(uint256)", 1},
  };
  for (const Case& c : cases) {
    EXPECT_CODE(Encode({Parse(c.type)}, {c.value}).status(), StatusCode::kInvalidArgument)
        << c.type;
  }
  EXPECT_CODE(Encode({Type::Bool()}, {}).status(), StatusCode::kInvalidArgument);
}

TEST(AbiEncode, RefusesMalformedSignatures) {
  for (const char* signature : {"baz", "baz(uint)", "(uint256)", "1baz(uint256)", "baz(uint256)[]",
                                "baz (uint256)", "baz(uint256", "b-z(uint256)"}) {
    EXPECT_CODE(EncodeCall(signature, {1}).status(), StatusCode::kInvalidArgument) << signature;
  }
  EXPECT_CODE(EncodeCall("baz(uint32,bool)", {69}).status(), StatusCode::kInvalidArgument);
  EXPECT_OK(EncodeCall("$_f0()", {}).status());
}

// ---------------------------------------------------------------------------
// Round trips

TEST(AbiRoundTrip, ValuesOfEveryKind) {
  crypto::EthAddress address;
  for (size_t i = 0; i < address.size(); ++i) address[i] = static_cast<uint8_t>(i + 1);
  std::vector<Type> types = Types(
      "(uint8,uint256,address,bool,bytes1,bytes32,bytes,string,(bytes32,uint256)[],"
      "(address,uint256[],(bytes32,uint256)[])[],uint64[][],())");
  std::vector<Value> values = {
      255,
      ~Amount(0),
      address,
      true,
      Bytes{0x7f},
      Bytes(32, 0xee),
      Bytes(33, 0x01),
      "a string\n with \xff bytes",
      Value::List{Value::List{Bytes(32, 0x22), 7}, Value::List{Bytes(32, 0), 0}},
      Value::List{Value::List{address, Value::List{1, 2}, Value::List{}},
                  Value::List{crypto::EthAddress{}, Value::List{},
                              Value::List{Value::List{Bytes(32, 0x33), Amount(1) << 200}}}},
      Value::List{Value::List{}, Value::List{uint64_t{1} << 63}, Value::List{1, 2, 3}},
      Value::List{},
  };
  auto encoded = Encode(types, values);
  ASSERT_OK(encoded.status());
  auto decoded = Decode(types, *encoded);
  ASSERT_OK(decoded.status());
  EXPECT_EQ(*decoded, values);
}

TEST(AbiRoundTrip, TrailingBytesAreIgnored) {
  Bytes encoded = Encode({Type::Uint(256)}, {5}).value();
  encoded.push_back(0x99);
  auto decoded = Decode({Type::Uint(256)}, encoded);
  ASSERT_OK(decoded.status());
  EXPECT_EQ(*decoded, std::vector<Value>{5});
}

// ---------------------------------------------------------------------------
// Bad input to Decode: each yields InvalidArgument.

void ExpectRefused(const char* types, const std::string& hex, const DecodeLimits& limits = {}) {
  EXPECT_CODE(Decode(Types(types), Unhex(hex), limits).status(), StatusCode::kInvalidArgument)
      << types << " from " << hex;
}

TEST(AbiDecode, RefusesTruncatedData) {
  ExpectRefused("(uint256)", "");
  ExpectRefused("(uint256)", std::string(62, '0'));
  ExpectRefused("(uint256,bool)", WordHex(1));
  ExpectRefused("((uint256,uint256))", WordHex(1));
}

TEST(AbiDecode, RefusesUintsWiderThanTheirType) {
  ExpectRefused("(uint8)", WordHex(0x100));
  ExpectRefused("(uint64)", "0000000000000000000000000000000100000000000000000000000000000000");
  EXPECT_OK(Decode(Types("(uint8)"), Unhex(WordHex(0xff))).status());
}

TEST(AbiDecode, RefusesBoolsOtherThanZeroOrOne) {
  ExpectRefused("(bool)", WordHex(2));
  ExpectRefused("(bool)", "0100000000000000000000000000000000000000000000000000000000000001");
}

TEST(AbiDecode, RefusesAddressesWithHighBytes) {
  ExpectRefused("(address)", "000000000000000000000001" + std::string(40, 'a'));
}

TEST(AbiDecode, RefusesFixedBytesWithDirtyPadding) {
  ExpectRefused("(bytes3)", "6162636400000000000000000000000000000000000000000000000000000000");
}

TEST(AbiDecode, RefusesOffsetsOutsideTheData) {
  ExpectRefused("(bytes)", WordHex(0x40) + WordHex(0));                   // past the end
  ExpectRefused("(bytes)", WordHex(0x20));                                // no length word
  ExpectRefused("(bytes)", std::string(48, 'f') + std::string(16, '0'));  // beyond 2^64
  ExpectRefused("(uint256[])", "8000000000000000000000000000000000000000000000000000000000000020");
}

TEST(AbiDecode, RefusesLengthsOutsideTheData) {
  ExpectRefused("(bytes)", WordHex(0x20) + WordHex(33) + std::string(64, '1'));
  ExpectRefused("(string)", WordHex(0x20) + std::string(64, 'f'));
  ExpectRefused("(uint256[])", WordHex(0x20) + WordHex(2) + WordHex(1));
  ExpectRefused("(uint256[])", WordHex(0x20) + std::string(64, 'f'));
  // Exactly in range is fine, padding or not.
  EXPECT_OK(Decode(Types("(bytes)"), Unhex(WordHex(0x20) + WordHex(1) + "61")).status());
}

TEST(AbiDecode, RefusesArraysLongerThanTheLimit) {
  DecodeLimits limits;
  limits.max_array_length = 2;
  std::string three = WordHex(0x20) + WordHex(3) + WordHex(1) + WordHex(2) + WordHex(3);
  ExpectRefused("(uint256[])", three, limits);
  limits.max_array_length = 3;
  EXPECT_OK(Decode(Types("(uint256[])"), Unhex(three), limits).status());
}

// uint256[]...[] nested `levels` deep, in which each array holds 64 offsets
// that all point at the same inner array: 8 KiB of input for 64^levels numbers.
std::string AliasedArrays(int levels) {
  std::string hex = WordHex(0x20);  // the offset of the outermost array
  for (int level = 0; level < levels; ++level) {
    hex += WordHex(64);  // the element count
    // Every element of an outer array is the next array, placed right after
    // this array's 64 heads; the innermost array holds the numbers 0..63.
    for (uint64_t i = 0; i < 64; ++i) hex += WordHex(level + 1 < levels ? 64 * 32 : i);
  }
  return hex;
}

TEST(AbiDecode, BoundsOutputWhenOffsetsAlias) {
  auto three = Decode(Types("(uint256[][][])"), Unhex(AliasedArrays(3)));
  ASSERT_OK(three.status());
  const auto& outer = std::get<Value::List>((*three)[0].data);
  ASSERT_EQ(outer.size(), 64u);
  EXPECT_EQ(outer[63], outer[0]);
  // A fourth level would decode to 64^4 numbers: refused by the default budget.
  ExpectRefused("(uint256[][][][])", AliasedArrays(4));
}

TEST(AbiDecode, ChargesEveryValueAgainstTheBudget) {
  DecodeLimits limits;
  limits.max_decoded_size = 4 * 32;
  // The tuple, the array and two elements: 4 values.
  std::string two = WordHex(0x20) + WordHex(2) + WordHex(1) + WordHex(2);
  EXPECT_OK(Decode(Types("(uint256[])"), Unhex(two), limits).status());
  std::string three = WordHex(0x20) + WordHex(3) + WordHex(1) + WordHex(2) + WordHex(3);
  ExpectRefused("(uint256[])", three, limits);
  // Bytes count their length too.
  ExpectRefused("(bytes)", WordHex(0x20) + WordHex(65) + std::string(192, '1'), limits);
}

// ---------------------------------------------------------------------------
// Revert reasons

TEST(AbiRevert, ErrorString) {
  // Error("Not enough Ether provided."), as Solidity's documentation shows it.
  Bytes data = Unhex(
      "08c379a0"
      "0000000000000000000000000000000000000000000000000000000000000020"
      "000000000000000000000000000000000000000000000000000000000000001a"
      "4e6f7420656e6f7567682045746865722070726f76696465642e000000000000");
  EXPECT_EQ(DecodeRevertReason(data), "Not enough Ether provided.");
}

TEST(AbiRevert, ErrorStringEscapesControlBytes) {
  Bytes data = EncodeCall("Error(string)", {"bad\n\x01"}).value();
  EXPECT_EQ(DecodeRevertReason(data), "bad\\x0a\\x01");
}

TEST(AbiRevert, Panic) {
  EXPECT_EQ(DecodeRevertReason(EncodeCall("Panic(uint256)", {0x11}).value()),
            "panic 0x11: arithmetic overflow or underflow");
  EXPECT_EQ(DecodeRevertReason(EncodeCall("Panic(uint256)", {0x01}).value()),
            "panic 0x01: assertion failed");
  EXPECT_EQ(DecodeRevertReason(EncodeCall("Panic(uint256)", {0x99}).value()),
            "panic 0x99: unknown panic code");
}

TEST(AbiRevert, NoData) { EXPECT_EQ(DecodeRevertReason({}), "no reason given"); }

TEST(AbiRevert, UnrecognizedOrMalformedData) {
  EXPECT_EQ(DecodeRevertReason(Unhex("deadbeef01")), "unrecognized revert data 0xdeadbeef01");
  EXPECT_EQ(DecodeRevertReason(Unhex("08c3")), "unrecognized revert data 0x08c3");
  // Error(string) whose offset points past the end.
  Bytes truncated = Unhex("08c379a0" + WordHex(0x40));
  EXPECT_EQ(DecodeRevertReason(truncated), "unrecognized revert data 0x" + ToHex(truncated));
  Bytes long_data(300, 0xaa);
  EXPECT_EQ(DecodeRevertReason(long_data),
            "unrecognized revert data 0x" + std::string(512, 'a') + "... (300 bytes)");
}

}  // namespace
}  // namespace parley::settlement::evm::abi
