#include "parley/util/codec.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <string>

namespace parley {
namespace {

Bytes Hex(std::string_view hex) { return FromHex(hex).value(); }

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// --- Writer: exact big-endian bytes -----------------------------------------

TEST(WriterTest, U8) {
  Writer w;
  w.U8(0x00);
  w.U8(0xab);
  w.U8(0xff);
  EXPECT_EQ(ToHex(w.bytes()), "00abff");
}

TEST(WriterTest, U16BigEndian) {
  Writer w;
  w.U16(0x0102);
  w.U16(0);
  w.U16(0xffff);
  EXPECT_EQ(ToHex(w.bytes()), "01020000ffff");
}

TEST(WriterTest, U32BigEndian) {
  Writer w;
  w.U32(0x01020304);
  w.U32(1);
  w.U32(0xffffffff);
  EXPECT_EQ(ToHex(w.bytes()), "0102030400000001ffffffff");
}

TEST(WriterTest, U64BigEndian) {
  Writer w;
  w.U64(0x0102030405060708);
  w.U64(1);
  w.U64(std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(ToHex(w.bytes()),
            "0102030405060708"
            "0000000000000001"
            "ffffffffffffffff");
}

TEST(WriterTest, BoolIsOneByteZeroOrOne) {
  Writer w;
  w.Bool(true);
  w.Bool(false);
  EXPECT_EQ(ToHex(w.bytes()), "0100");
}

TEST(WriterTest, RawAndFixedAreVerbatim) {
  Writer w;
  w.Raw(Bytes{0xde, 0xad});
  w.Fixed(std::array<uint8_t, 3>{0x01, 0x02, 0x03});
  w.Raw(Bytes{});
  EXPECT_EQ(ToHex(w.bytes()), "dead010203");
}

TEST(WriterTest, VarIsU32LengthThenBytes) {
  Writer w;
  w.Var(Bytes{0xaa, 0xbb, 0xcc});
  EXPECT_EQ(ToHex(w.bytes()), "00000003aabbcc");
}

TEST(WriterTest, EmptyVar) {
  Writer w;
  w.Var(Bytes{});
  EXPECT_EQ(ToHex(w.bytes()), "00000000");
}

TEST(WriterTest, LongVarLength) {
  Writer w;
  w.Var(Bytes(0x0102, 0x7e));
  ASSERT_EQ(w.bytes().size(), 4u + 0x0102);
  EXPECT_EQ(ToHex(ByteView(w.bytes()).first(5)), "000001027e");
}

TEST(WriterTest, StringIsVarOfUtf8Bytes) {
  Writer w;
  w.String("abc");
  w.String("");
  EXPECT_EQ(ToHex(w.bytes()),
            "00000003616263"
            "00000000");
}

TEST(WriterTest, TakeReturnsTheBytes) {
  Writer w;
  w.U16(0xbeef);
  Bytes taken = w.Take();
  EXPECT_EQ(taken, (Bytes{0xbe, 0xef}));
}

TEST(WriterTest, MixedSequenceGolden) {
  Writer w;
  w.U8(7);
  w.U16(0x1234);
  w.Bool(true);
  w.U32(0xdeadbeef);
  w.String("hi");
  w.U64(0x1122334455667788);
  EXPECT_EQ(ToHex(w.bytes()),
            "07"
            "1234"
            "01"
            "deadbeef"
            "000000026869"
            "1122334455667788");
}

// --- Reader: golden bytes in, values out ------------------------------------

TEST(ReaderTest, ReadsGoldenBigEndianBytes) {
  Bytes in =
      Hex("ab"
          "0102"
          "01020304"
          "0102030405060708"
          "01"
          "00");
  Reader r(in, "golden");
  uint8_t u8 = 0;
  uint16_t u16 = 0;
  uint32_t u32 = 0;
  uint64_t u64 = 0;
  bool b1 = false;
  bool b0 = true;
  ASSERT_TRUE(r.U8(&u8).ok());
  ASSERT_TRUE(r.U16(&u16).ok());
  ASSERT_TRUE(r.U32(&u32).ok());
  ASSERT_TRUE(r.U64(&u64).ok());
  ASSERT_TRUE(r.Bool(&b1).ok());
  ASSERT_TRUE(r.Bool(&b0).ok());
  EXPECT_EQ(u8, 0xab);
  EXPECT_EQ(u16, 0x0102);
  EXPECT_EQ(u32, 0x01020304u);
  EXPECT_EQ(u64, 0x0102030405060708u);
  EXPECT_TRUE(b1);
  EXPECT_FALSE(b0);
  EXPECT_EQ(r.remaining(), 0u);
  EXPECT_TRUE(r.Finish().ok());
}

TEST(ReaderTest, ReadsMaxValues) {
  Bytes in =
      Hex("ff"
          "ffff"
          "ffffffff"
          "ffffffffffffffff");
  Reader r(in, "max");
  uint8_t u8 = 0;
  uint16_t u16 = 0;
  uint32_t u32 = 0;
  uint64_t u64 = 0;
  ASSERT_TRUE(r.U8(&u8).ok());
  ASSERT_TRUE(r.U16(&u16).ok());
  ASSERT_TRUE(r.U32(&u32).ok());
  ASSERT_TRUE(r.U64(&u64).ok());
  EXPECT_EQ(u8, std::numeric_limits<uint8_t>::max());
  EXPECT_EQ(u16, std::numeric_limits<uint16_t>::max());
  EXPECT_EQ(u32, std::numeric_limits<uint32_t>::max());
  EXPECT_EQ(u64, std::numeric_limits<uint64_t>::max());
  EXPECT_TRUE(r.Finish().ok());
}

TEST(ReaderTest, ReadsVarStringRawFixedAndCount) {
  Bytes in =
      Hex("00000002aabb"
          "00000003616263"
          "0102"
          "030405"
          "00000009");
  Reader r(in, "golden");
  Bytes var;
  std::string str;
  Bytes raw;
  std::array<uint8_t, 3> fixed{};
  uint32_t count = 0;
  ASSERT_TRUE(r.Var(10, &var).ok());
  ASSERT_TRUE(r.String(10, &str).ok());
  ASSERT_TRUE(r.Raw(2, &raw).ok());
  ASSERT_TRUE(r.Fixed(&fixed).ok());
  ASSERT_TRUE(r.Count(9, &count).ok());  // exactly the maximum is allowed
  EXPECT_EQ(var, (Bytes{0xaa, 0xbb}));
  EXPECT_EQ(str, "abc");
  EXPECT_EQ(raw, (Bytes{0x01, 0x02}));
  EXPECT_EQ(fixed, (std::array<uint8_t, 3>{0x03, 0x04, 0x05}));
  EXPECT_EQ(count, 9u);
  EXPECT_TRUE(r.Finish().ok());
}

TEST(ReaderTest, ZeroLengthReads) {
  Bytes in =
      Hex("00000000"
          "00000000");
  Reader r(in, "empty");
  Bytes var = {1, 2, 3};
  std::string str = "not empty";
  Bytes raw = {9};
  ASSERT_TRUE(r.Var(0, &var).ok());
  ASSERT_TRUE(r.String(0, &str).ok());
  ASSERT_TRUE(r.Raw(0, &raw).ok());
  EXPECT_TRUE(var.empty());
  EXPECT_TRUE(str.empty());
  EXPECT_TRUE(raw.empty());
  EXPECT_TRUE(r.Finish().ok());
}

TEST(ReaderTest, EmptyInputFinishes) {
  Reader r(ByteView{}, "nothing");
  EXPECT_EQ(r.remaining(), 0u);
  EXPECT_TRUE(r.Finish().ok());
}

TEST(CodecRoundTripTest, EveryType) {
  const std::array<uint8_t, 4> fixed_in = {9, 8, 7, 6};
  const Bytes var_in = {0x00, 0xff, 0x10};
  const Bytes raw_in = {0x42, 0x43};
  Writer w;
  w.U8(0x5a);
  w.U16(0xa55a);
  w.U32(0x89abcdef);
  w.U64(0xfedcba9876543210);
  w.Bool(true);
  w.Bool(false);
  w.Raw(raw_in);
  w.Fixed(fixed_in);
  w.Var(var_in);
  w.String("parley");
  w.U32(2);  // a list count
  Bytes encoded = w.Take();

  Reader r(encoded, "round trip");
  uint8_t u8;
  uint16_t u16;
  uint32_t u32;
  uint64_t u64;
  bool t;
  bool f;
  Bytes raw;
  std::array<uint8_t, 4> fixed;
  Bytes var;
  std::string str;
  uint32_t count;
  ASSERT_TRUE(r.U8(&u8).ok());
  ASSERT_TRUE(r.U16(&u16).ok());
  ASSERT_TRUE(r.U32(&u32).ok());
  ASSERT_TRUE(r.U64(&u64).ok());
  ASSERT_TRUE(r.Bool(&t).ok());
  ASSERT_TRUE(r.Bool(&f).ok());
  ASSERT_TRUE(r.Raw(raw_in.size(), &raw).ok());
  ASSERT_TRUE(r.Fixed(&fixed).ok());
  ASSERT_TRUE(r.Var(100, &var).ok());
  ASSERT_TRUE(r.String(100, &str).ok());
  ASSERT_TRUE(r.Count(2, &count).ok());
  ASSERT_TRUE(r.Finish().ok());

  EXPECT_EQ(u8, 0x5a);
  EXPECT_EQ(u16, 0xa55a);
  EXPECT_EQ(u32, 0x89abcdefu);
  EXPECT_EQ(u64, 0xfedcba9876543210u);
  EXPECT_TRUE(t);
  EXPECT_FALSE(f);
  EXPECT_EQ(raw, raw_in);
  EXPECT_EQ(fixed, fixed_in);
  EXPECT_EQ(var, var_in);
  EXPECT_EQ(str, "parley");
  EXPECT_EQ(count, 2u);
}

// --- Reader rejections --------------------------------------------------------

void ExpectTruncated(const Status& status) {
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(status.message(), "short thing")) << status.message();
  EXPECT_TRUE(Contains(status.message(), "truncated")) << status.message();
}

TEST(ReaderRejectTest, TruncatedIntegers) {
  {
    Reader r(ByteView{}, "short thing");
    uint8_t v;
    ExpectTruncated(r.U8(&v));
  }
  {
    Bytes in = Hex("01");
    Reader r(in, "short thing");
    uint16_t v;
    ExpectTruncated(r.U16(&v));
  }
  {
    Bytes in = Hex("010203");
    Reader r(in, "short thing");
    uint32_t v;
    ExpectTruncated(r.U32(&v));
  }
  {
    Bytes in = Hex("01020304050607");
    Reader r(in, "short thing");
    uint64_t v;
    ExpectTruncated(r.U64(&v));
  }
  {
    Reader r(ByteView{}, "short thing");
    bool v;
    ExpectTruncated(r.Bool(&v));
  }
}

TEST(ReaderRejectTest, TruncatedRawAndFixed) {
  Bytes in = Hex("0102");
  {
    Reader r(in, "short thing");
    Bytes out;
    ExpectTruncated(r.Raw(3, &out));
  }
  {
    Reader r(in, "short thing");
    std::array<uint8_t, 3> out;
    ExpectTruncated(r.Fixed(&out));
  }
}

TEST(ReaderRejectTest, TruncatedVarBody) {
  Bytes in =
      Hex("00000005"
          "01020304");  // says 5, has 4
  Reader r(in, "short thing");
  Bytes out;
  ExpectTruncated(r.Var(100, &out));
}

TEST(ReaderRejectTest, TruncatedVarLength) {
  Bytes in = Hex("000000");
  Reader r(in, "short thing");
  Bytes out;
  ExpectTruncated(r.Var(100, &out));
}

TEST(ReaderRejectTest, TruncatedString) {
  Bytes in =
      Hex("00000003"
          "6162");
  Reader r(in, "short thing");
  std::string out;
  ExpectTruncated(r.String(100, &out));
}

TEST(ReaderRejectTest, TruncatedCount) {
  Bytes in = Hex("0000");
  Reader r(in, "short thing");
  uint32_t count;
  ExpectTruncated(r.Count(100, &count));
}

TEST(ReaderRejectTest, HugeDeclaredLengthIsTruncationNotACrash) {
  Bytes in =
      Hex("ffffffff"
          "00");
  Reader r(in, "short thing");
  Bytes out;
  ExpectTruncated(r.Var(std::numeric_limits<size_t>::max(), &out));
}

TEST(ReaderRejectTest, TruncationMessageGivesOffsetAndSizes) {
  Bytes in =
      Hex("aa"
          "0102");
  Reader r(in, "header");
  uint8_t first;
  ASSERT_TRUE(r.U8(&first).ok());
  uint32_t v;
  Status status = r.U32(&v);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "header is truncated: needed 4 more bytes at offset 1, found 2");
}

TEST(ReaderRejectTest, FailedIntegerReadConsumesNothing) {
  Bytes in = Hex("0102");
  Reader r(in, "short thing");
  uint32_t big;
  ASSERT_FALSE(r.U32(&big).ok());
  EXPECT_EQ(r.remaining(), 2u);
  uint16_t small;
  ASSERT_TRUE(r.U16(&small).ok());
  EXPECT_EQ(small, 0x0102);
}

TEST(ReaderRejectTest, CountOverMax) {
  Bytes in = Hex("00000003");
  Reader r(in, "channel list");
  uint32_t count = 0;
  Status status = r.Count(2, &count);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "channel list declares 3 items where at most 2 are allowed");
}

TEST(ReaderRejectTest, VarLengthOverMax) {
  Bytes in =
      Hex("00000004"
          "01020304");  // the bytes are present, but too many
  Reader r(in, "memo");
  Bytes out;
  Status status = r.Var(3, &out);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(status.message(), "memo")) << status.message();
  EXPECT_TRUE(Contains(status.message(), "at most 3")) << status.message();
  EXPECT_TRUE(out.empty());
}

TEST(ReaderRejectTest, StringLengthOverMax) {
  Bytes in =
      Hex("00000003"
          "616263");
  Reader r(in, "name");
  std::string out;
  Status status = r.String(2, &out);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(status.message(), "at most 2")) << status.message();
  EXPECT_TRUE(out.empty());
}

TEST(ReaderRejectTest, NonCanonicalBool) {
  for (uint8_t byte : {uint8_t{2}, uint8_t{0x80}, uint8_t{0xff}}) {
    SCOPED_TRACE(static_cast<int>(byte));
    Bytes in = {byte};
    Reader r(in, "flag");
    bool v = false;
    Status status = r.Bool(&v);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
    EXPECT_TRUE(Contains(status.message(), "flag")) << status.message();
    EXPECT_TRUE(Contains(status.message(), "boolean byte " + std::to_string(byte)))
        << status.message();
  }
}

TEST(ReaderRejectTest, TrailingBytes) {
  Bytes in =
      Hex("0001"
          "ffee");
  Reader r(in, "message");
  uint16_t v;
  ASSERT_TRUE(r.U16(&v).ok());
  EXPECT_EQ(r.remaining(), 2u);
  Status status = r.Finish();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "message has 2 unexpected trailing bytes");
}

TEST(ReaderRejectTest, UnreadInputIsTrailing) {
  Bytes in = Hex("00");
  Reader r(in, "message");
  EXPECT_FALSE(r.Finish().ok());
}

}  // namespace
}  // namespace parley
