// Peer messages round-trip through their encoding, and decoding refuses
// anything malformed with a Status.
#include "parley/wire/messages.h"

#include <gtest/gtest.h>

#include "parley/crypto/random.h"

namespace parley::wire {
namespace {

channel::State SomeState() {
  return {.channel_id = crypto::RandomHash32(),
          .version = 42,
          .allocation = {{{.asset = "native", .balances = {7, 9}}}},
          .app_data = {1, 2, 3},
          .is_final = true};
}

std::vector<Message> OneOfEach() {
  auto key = crypto::PrivateKey::Generate().public_key();
  auto key2 = crypto::PrivateKey::Generate().public_key();
  channel::Params params{.participants = {key, key2},
                         .nonce = crypto::RandomHash32(),
                         .challenge_duration = 5,
                         .app = "payment",
                         .backend = "sim"};
  channel::Signature sig(64, 0xab);
  Hash32 id = crypto::RandomHash32();
  return {ChannelProposal{params, SomeState(), sig},
          ChannelAccept{id, sig},
          ChannelReject{id, "no thanks"},
          UpdateProposal{id, SomeState(), sig},
          UpdateAccept{id, 43, sig},
          UpdateReject{id, 43, StatusCode::kAborted, "crossed"},
          SyncState{id, {SomeState(), {sig, std::nullopt}}},
          StateOffer{id, SomeState(), sig}};
}

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

}  // namespace
}  // namespace parley::wire
