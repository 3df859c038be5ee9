// Peer messages round-trip through their encoding, and decoding refuses
// anything malformed with a Status, an oversized or cut backend extra among
// it.
#include "parley/wire/messages.h"

#include <gtest/gtest.h>

#include "parley/crypto/random.h"
#include "parley/util/codec.h"
#include "wire/sample_messages.h"

namespace parley::wire {
namespace {

using samples::ExtraOf;
using samples::OneOfEach;
using samples::SomeState;
using samples::WithExtra;

TEST(MessagesTest, EveryTypeRoundTrips) {
  for (const Message& m : OneOfEach()) {
    Bytes bytes = EncodeMessage(m);
    EXPECT_EQ(bytes[0], m.index());
    auto decoded = DecodeMessage(bytes);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(EncodeMessage(*decoded), bytes);  // canonical: one encoding per message
    EXPECT_EQ(decoded->index(), m.index());
  }
}

TEST(MessagesTest, EveryTruncationIsRefused) {
  for (const Message& m : OneOfEach()) {
    Bytes bytes = EncodeMessage(m);
    for (size_t n = 0; n < bytes.size(); ++n) {
      auto decoded = DecodeMessage(ByteView(bytes).first(n));
      EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument)
          << "type " << m.index() << " cut at " << n;
    }
  }
}

TEST(MessagesTest, TrailingBytesUnknownTagsAndOversizeAreRefused) {
  Bytes bytes = EncodeMessage(OneOfEach()[4]);
  bytes.push_back(0);
  EXPECT_NE(DecodeMessage(bytes).status().message().find("trailing"), std::string::npos);
  EXPECT_NE(DecodeMessage(Bytes{8}).status().message().find("unknown peer message type 8"),
            std::string::npos);
  Bytes huge(kMaxMessageSize + 1, 0);
  EXPECT_NE(DecodeMessage(huge).status().message().find("exceeds the limit"), std::string::npos);
}

TEST(MessagesTest, RejectWithAnUnknownStatusCodeIsRefused) {
  UpdateReject reject{crypto::RandomHash32(), 1, StatusCode::kAborted, "x"};
  Bytes bytes = EncodeMessage(reject);
  bytes[1 + 32 + 8] = 0;  // the code byte: 0 is OK, which a reject cannot carry
  EXPECT_EQ(DecodeMessage(bytes).status().code(), StatusCode::kInvalidArgument);
  bytes[1 + 32 + 8] = 200;
  EXPECT_NE(DecodeMessage(bytes).status().message().find("unknown status code"), std::string::npos);
}

TEST(MessagesTest, AnOverlongReasonIsRefused) {
  ChannelReject reject{crypto::RandomHash32(), std::string(kMaxReasonLength + 1, 'x')};
  EXPECT_EQ(DecodeMessage(EncodeMessage(reject)).status().code(), StatusCode::kInvalidArgument);
}

TEST(MessagesTest, SixMessagesCarryTheBackendsExtraAsTheirLastField) {
  Bytes extra(kMaxExtraSize);
  for (size_t i = 0; i < extra.size(); ++i) extra[i] = static_cast<uint8_t>(i * 7);
  std::vector<Message> messages = WithExtra(extra);
  ASSERT_EQ(messages.size(), 6u);
  for (const Message& m : messages) {
    Bytes bytes = EncodeMessage(m);
    auto decoded = DecodeMessage(bytes);
    ASSERT_TRUE(decoded.ok()) << "type " << m.index() << ": " << decoded.status().ToString();
    EXPECT_EQ(ExtraOf(*decoded), extra);
    EXPECT_EQ(EncodeMessage(*decoded), bytes);
    // The last field: a u32 length, then the bytes.
    Bytes tail(bytes.end() - static_cast<ptrdiff_t>(extra.size() + 4), bytes.end());
    EXPECT_EQ(tail,
              [&] {
                Writer w;
                w.Var(extra);
                return w.Take();
              }())
        << "type " << m.index();
  }
  // Without a hook the field is empty: four zero bytes.
  for (const Message& m : WithExtra({})) {
    Bytes bytes = EncodeMessage(m);
    EXPECT_EQ(Bytes(bytes.end() - 4, bytes.end()), Bytes(4, 0)) << "type " << m.index();
  }
}

TEST(MessagesTest, AnOversizedExtraIsRefusedNamingTheLimit) {
  for (const Message& m : WithExtra(Bytes(kMaxExtraSize + 1, 0x5a))) {
    auto decoded = DecodeMessage(EncodeMessage(m));
    ASSERT_FALSE(decoded.ok()) << "type " << m.index();
    EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(decoded.status().message().find("backend extra of 4097 bytes exceeds the limit"),
              std::string::npos)
        << decoded.status().message();
  }
}

TEST(MessagesTest, AnExtraLongerThanTheMessageIsRefused) {
  for (const Message& m : WithExtra(Bytes{1, 2, 3})) {
    Bytes bytes = EncodeMessage(m);
    bytes[bytes.size() - 5] = 0x01;  // the length: 3 -> 259, past the end
    auto decoded = DecodeMessage(bytes);
    EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument) << "type " << m.index();
  }
}

}  // namespace
}  // namespace parley::wire
