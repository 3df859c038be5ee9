// Amount: checked 256-bit arithmetic, decimal parsing and the 32-byte
// big-endian encoding.
#include "parley/channel/amount.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parley/util/bytes.h"
#include "parley/util/codec.h"

namespace parley::channel {
namespace {

// 2^256 - 1, in decimal.
constexpr char kMaxDecimal[] =
    "115792089237316195423570985008687907853269984665640564039457584007913129639935";
// 2^256, in decimal: one more than the maximum.
constexpr char kMaxPlusOneDecimal[] =
    "115792089237316195423570985008687907853269984665640564039457584007913129639936";

// 2^256 - 1, computed without parsing.
Amount Max() { return ~Amount(0); }

Bytes EncodeAmount(const Amount& amount) {
  Writer w;
  WriteAmount(w, amount);
  return w.Take();
}

TEST(AmountTest, MaxIsAllOnes) {
  // Guards the helper the other tests rely on.
  Amount two_to_255 = Amount(1) << 255;
  EXPECT_EQ(Max(), two_to_255 - 1 + two_to_255);
  EXPECT_EQ(Max() + 1, Amount(0));  // the raw type wraps; CheckedAdd must not
}

TEST(AmountTest, CheckedAddInRange) {
  auto sum = CheckedAdd(Amount(2), Amount(3));
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  EXPECT_EQ(*sum, Amount(5));

  auto to_max = CheckedAdd(Max() - 1, Amount(1));
  ASSERT_TRUE(to_max.ok()) << to_max.status().ToString();
  EXPECT_EQ(*to_max, Max());

  auto plus_zero = CheckedAdd(Max(), Amount(0));
  ASSERT_TRUE(plus_zero.ok()) << plus_zero.status().ToString();
  EXPECT_EQ(*plus_zero, Max());
}

TEST(AmountTest, CheckedAddOverflowIsOutOfRange) {
  for (const auto& [a, b] : std::vector<std::pair<Amount, Amount>>{
           {Max(), Amount(1)},
           {Amount(1), Max()},
           {Max(), Max()},
           {Amount(1) << 255, Amount(1) << 255},
       }) {
    auto sum = CheckedAdd(a, b);
    ASSERT_FALSE(sum.ok()) << ToString(a) << " + " << ToString(b);
    EXPECT_EQ(sum.status().code(), StatusCode::kOutOfRange) << sum.status().ToString();
  }
}

TEST(AmountTest, CheckedSub) {
  auto diff = CheckedSub(Amount(5), Amount(3));
  ASSERT_TRUE(diff.ok()) << diff.status().ToString();
  EXPECT_EQ(*diff, Amount(2));

  auto zero = CheckedSub(Max(), Max());
  ASSERT_TRUE(zero.ok()) << zero.status().ToString();
  EXPECT_EQ(*zero, Amount(0));
}

TEST(AmountTest, CheckedSubUnderflowIsOutOfRange) {
  for (const auto& [a, b] : std::vector<std::pair<Amount, Amount>>{
           {Amount(0), Amount(1)},
           {Amount(3), Amount(5)},
           {Max() - 1, Max()},
       }) {
    auto diff = CheckedSub(a, b);
    ASSERT_FALSE(diff.ok()) << ToString(a) << " - " << ToString(b);
    EXPECT_EQ(diff.status().code(), StatusCode::kOutOfRange) << diff.status().ToString();
  }
}

TEST(AmountTest, ParseAmountAcceptsDecimals) {
  struct Case {
    const char* text;
    Amount want;
  };
  for (const Case& c : {
           Case{"0", Amount(0)},
           Case{"1", Amount(1)},
           Case{"007", Amount(7)},
           Case{"18446744073709551616", Amount(1) << 64},
           Case{kMaxDecimal, Max()},
       }) {
    auto parsed = ParseAmount(c.text);
    ASSERT_TRUE(parsed.ok()) << c.text << ": " << parsed.status().ToString();
    EXPECT_EQ(*parsed, c.want) << c.text;
  }
}

TEST(AmountTest, ParseAmountRejectsNonDecimals) {
  for (const char* text : {"", "-1", "+1", "1.5", " 1", "1 ", "abc", "0x10", "1e3", "\xd9\xa1"}) {
    auto parsed = ParseAmount(text);
    ASSERT_FALSE(parsed.ok()) << "'" << text << "' parsed as " << ToString(*parsed);
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument)
        << "'" << text << "': " << parsed.status().ToString();
  }
  // An embedded NUL is not a digit either.
  EXPECT_FALSE(ParseAmount(std::string_view("1\0"
                                            "2",
                                            3))
                   .ok());
}

TEST(AmountTest, ParseAmountRejectsValuesAbove256Bits) {
  for (const std::string& text : {std::string(kMaxPlusOneDecimal), std::string(kMaxDecimal) + "0",
                                  std::string(kMaxDecimal) + "9", std::string(100, '9')}) {
    auto parsed = ParseAmount(text);
    EXPECT_FALSE(parsed.ok()) << text << " parsed as " << ToString(*parsed);
  }
}

TEST(AmountTest, ToString) {
  EXPECT_EQ(ToString(Amount(0)), "0");
  EXPECT_EQ(ToString(Amount(42)), "42");
  EXPECT_EQ(ToString(Amount(1) << 64), "18446744073709551616");
  EXPECT_EQ(ToString(Max()), kMaxDecimal);
}

TEST(AmountTest, ToStringAndParseRoundTrip) {
  Amount value = 1;
  for (int i = 0; i < 80; ++i) {
    value = value * 7 + 3;  // wraps modulo 2^256, covering all widths
    auto parsed = ParseAmount(ToString(value));
    ASSERT_TRUE(parsed.ok()) << ToString(value) << ": " << parsed.status().ToString();
    EXPECT_EQ(*parsed, value);
  }
}

// Golden bytes: 32 bytes, big-endian, zero-padded on the left.
TEST(AmountTest, WriteAmountGoldenBytes) {
  EXPECT_EQ(ToHex(EncodeAmount(Amount(0))), std::string(64, '0'));
  EXPECT_EQ(ToHex(EncodeAmount(Amount(1))), std::string(62, '0') + "01");
  EXPECT_EQ(ToHex(EncodeAmount(Amount(0x0102))), std::string(60, '0') + "0102");
  EXPECT_EQ(ToHex(EncodeAmount(Amount(1) << 64)),
            std::string(46, '0') + "01" + std::string(16, '0'));
  EXPECT_EQ(ToHex(EncodeAmount(Amount(1) << 255)), "80" + std::string(62, '0'));
  EXPECT_EQ(ToHex(EncodeAmount(Max())), std::string(64, 'f'));
}

TEST(AmountTest, WriteThenReadRoundTrips) {
  std::vector<Amount> values = {Amount(0),        Amount(1), Amount(255), Amount(256),
                                Amount(1) << 128, Max() - 1, Max()};
  for (const Amount& value : values) {
    Bytes bytes = EncodeAmount(value);
    ASSERT_EQ(bytes.size(), 32u);
    Reader r(bytes, "amount");
    Amount read = 12345;  // overwritten
    ASSERT_TRUE(ReadAmount(r, &read).ok());
    EXPECT_TRUE(r.Finish().ok());
    EXPECT_EQ(read, value) << ToString(value);
  }
}

TEST(AmountTest, ReadAmountOfFewerThan32BytesFails) {
  Bytes bytes = EncodeAmount(Amount(7));
  for (size_t len = 0; len < bytes.size(); ++len) {
    Reader r(ByteView(bytes).first(len), "amount");
    Amount read = 99;
    EXPECT_FALSE(ReadAmount(r, &read).ok()) << "length " << len;
  }
}

TEST(AmountTest, ReadAmountConsumesExactly32Bytes) {
  Bytes bytes = EncodeAmount(Amount(7));
  bytes.push_back(0xab);
  Reader r(bytes, "amount");
  Amount read;
  ASSERT_TRUE(ReadAmount(r, &read).ok());
  EXPECT_EQ(read, Amount(7));
  EXPECT_EQ(r.remaining(), 1u);
}

}  // namespace
}  // namespace parley::channel
