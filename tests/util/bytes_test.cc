#include "parley/util/bytes.h"

#include <gtest/gtest.h>

#include <array>
#include <cctype>
#include <string>

namespace parley {
namespace {

TEST(ToHexTest, Empty) { EXPECT_EQ(ToHex(Bytes{}), ""); }

TEST(ToHexTest, LowerCaseTwoDigitsPerByte) {
  EXPECT_EQ(ToHex(Bytes{0x00}), "00");
  EXPECT_EQ(ToHex(Bytes{0x0f}), "0f");
  EXPECT_EQ(ToHex(Bytes{0xab, 0xcd, 0xef}), "abcdef");
  EXPECT_EQ(ToHex(Bytes{0x01, 0x23, 0x45, 0x67, 0x89}), "0123456789");
  EXPECT_EQ(ToHex(Bytes{0xff, 0x00, 0x10}), "ff0010");
}

TEST(ToHexTest, EveryByteValue) {
  Bytes all(256);
  for (int i = 0; i < 256; ++i) all[i] = static_cast<uint8_t>(i);
  std::string hex = ToHex(all);
  ASSERT_EQ(hex.size(), 512u);
  static constexpr char kDigits[] = "0123456789abcdef";
  for (int i = 0; i < 256; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(hex[2 * i], kDigits[i >> 4]);
    EXPECT_EQ(hex[2 * i + 1], kDigits[i & 0xf]);
  }
}

TEST(FromHexTest, Empty) {
  Result<Bytes> bytes = FromHex("");
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_TRUE(bytes->empty());
}

TEST(FromHexTest, LowerUpperAndMixedCase) {
  const Bytes expected = {0xde, 0xad, 0xbe, 0xef};
  for (const char* hex : {"deadbeef", "DEADBEEF", "DeAdBeEf"}) {
    SCOPED_TRACE(hex);
    Result<Bytes> bytes = FromHex(hex);
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    EXPECT_EQ(*bytes, expected);
  }
}

TEST(FromHexTest, AcceptsZeroXPrefix) {
  const Bytes expected = {0x01, 0xa2};
  for (const char* hex : {"0x01a2", "0X01a2", "0x01A2"}) {
    SCOPED_TRACE(hex);
    Result<Bytes> bytes = FromHex(hex);
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    EXPECT_EQ(*bytes, expected);
  }
}

TEST(FromHexTest, PrefixAloneIsEmpty) {
  Result<Bytes> bytes = FromHex("0x");
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_TRUE(bytes->empty());
}

TEST(FromHexTest, LeadingZeroByteIsNotAPrefix) {
  // "00" and "0a" start with '0' but are not "0x".
  Result<Bytes> bytes = FromHex("000a");
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_EQ(*bytes, (Bytes{0x00, 0x0a}));
}

TEST(FromHexTest, RejectsOddLength) {
  for (const char* hex : {"0", "abc", "0x1", "0x123", "12345"}) {
    SCOPED_TRACE(hex);
    Result<Bytes> bytes = FromHex(hex);
    ASSERT_FALSE(bytes.ok());
    EXPECT_EQ(bytes.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(bytes.status().message().find("odd"), std::string::npos) << bytes.status().message();
  }
}

TEST(FromHexTest, RejectsNonHexDigits) {
  for (const char* hex :
       {"zz", "0g", "g0", "12 4", "+1", "-1", "1.", "ab\n", "0x0x12", "x0", "0xgg"}) {
    SCOPED_TRACE(hex);
    Result<Bytes> bytes = FromHex(hex);
    ASSERT_FALSE(bytes.ok());
    EXPECT_EQ(bytes.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(FromHexTest, RejectsNonAsciiAndNul) {
  std::string with_nul("ab\0d", 4);
  EXPECT_EQ(FromHex(with_nul).status().code(), StatusCode::kInvalidArgument);
  std::string high_bit = "a\xff";
  EXPECT_EQ(FromHex(high_bit).status().code(), StatusCode::kInvalidArgument);
}

TEST(FromHexTest, ErrorNamesPositionOfBadDigit) {
  Result<Bytes> first = FromHex("0123x5");
  ASSERT_FALSE(first.ok());
  EXPECT_NE(first.status().message().find("position 4"), std::string::npos)
      << first.status().message();

  Result<Bytes> second = FromHex("01234x");
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("position 5"), std::string::npos)
      << second.status().message();
}

TEST(FromHexTest, RoundTripsEveryByte) {
  Bytes all(256);
  for (int i = 0; i < 256; ++i) all[i] = static_cast<uint8_t>(255 - i);
  Result<Bytes> back = FromHex(ToHex(all));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, all);

  std::string upper = ToHex(all);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  Result<Bytes> back_upper = FromHex("0x" + upper);
  ASSERT_TRUE(back_upper.ok()) << back_upper.status().ToString();
  EXPECT_EQ(*back_upper, all);
}

TEST(FixedFromHexTest, ParsesExactLength) {
  Result<std::array<uint8_t, 4>> fixed = FixedFromHex<4>("0x0a0b0c0d");
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  EXPECT_EQ(*fixed, (std::array<uint8_t, 4>{0x0a, 0x0b, 0x0c, 0x0d}));
}

TEST(FixedFromHexTest, Parses32Bytes) {
  std::string hex(64, 'f');
  Result<Hash32> fixed = FixedFromHex<32>(hex);
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  for (uint8_t b : *fixed) EXPECT_EQ(b, 0xff);
}

TEST(FixedFromHexTest, RejectsTooShort) {
  Result<std::array<uint8_t, 4>> fixed = FixedFromHex<4>("0a0b0c");
  ASSERT_FALSE(fixed.ok());
  EXPECT_EQ(fixed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(fixed.status().message(), "expected 4 bytes of hex, got 3");
}

TEST(FixedFromHexTest, RejectsTooLong) {
  Result<std::array<uint8_t, 4>> fixed = FixedFromHex<4>("0a0b0c0d0e");
  ASSERT_FALSE(fixed.ok());
  EXPECT_EQ(fixed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(fixed.status().message(), "expected 4 bytes of hex, got 5");
}

TEST(FixedFromHexTest, RejectsEmpty) {
  Result<Hash32> fixed = FixedFromHex<32>("");
  ASSERT_FALSE(fixed.ok());
  EXPECT_EQ(fixed.status().code(), StatusCode::kInvalidArgument);
}

TEST(FixedFromHexTest, PassesOnHexErrors) {
  Result<std::array<uint8_t, 2>> odd = FixedFromHex<2>("abc");
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(odd.status().message().find("odd"), std::string::npos);

  Result<std::array<uint8_t, 2>> bad = FixedFromHex<2>("abzz");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("not a hex digit"), std::string::npos);
}

TEST(AsBytesTest, ViewsTheCharacters) {
  std::string text = "Az\x01";
  ByteView view = AsBytes(text);
  ASSERT_EQ(view.size(), 3u);
  EXPECT_EQ(view[0], 'A');
  EXPECT_EQ(view[1], 'z');
  EXPECT_EQ(view[2], 0x01);
  EXPECT_EQ(view.data(), reinterpret_cast<const uint8_t*>(text.data()));
  EXPECT_EQ(ToHex(AsBytes("abc")), "616263");
  EXPECT_TRUE(AsBytes("").empty());
}

}  // namespace
}  // namespace parley
