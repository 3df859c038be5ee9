// The generated protocol code: the API offers every call the client API
// promises, and messages survive the trip through their wire format.
#include <gtest/gtest.h>

#include <set>

#include "parley/v1/api.grpc.pb.h"
#include "parley/v1/wire.grpc.pb.h"

namespace parley {
namespace {

std::set<std::string> MethodsOf(const google::protobuf::ServiceDescriptor* service) {
  std::set<std::string> names;
  for (int i = 0; i < service->method_count(); ++i) names.insert(service->method(i)->name());
  return names;
}

TEST(ProtoTest, TheApiOffersEveryCallOfTheClientApi) {
  const auto* api = v1::NodeInfo::descriptor()->file()->FindServiceByName("Api");
  ASSERT_NE(api, nullptr);
  EXPECT_EQ(api->full_name(), "parley.v1.Api");
  std::set<std::string> expected = {
      "GetInfo",      "ConnectPeer", "ListPeers",        "OpenChannel",
      "ListChannels", "GetChannel",  "Update",           "Pay",
      "CloseChannel", "ForceClose",  "ForceMove",        "Offer",
      "AcceptOffer",  "Withdraw",    "GetChannelBackup", "SubscribeEvents"};
  EXPECT_EQ(MethodsOf(api), expected);
  EXPECT_TRUE(api->FindMethodByName("SubscribeEvents")->server_streaming());
}

TEST(ProtoTest, ThePeerServiceIsOneBidirectionalStream) {
  const auto* peer = v1::Frame::descriptor()->file()->FindServiceByName("Peer");
  ASSERT_NE(peer, nullptr);
  ASSERT_EQ(peer->method_count(), 1);
  EXPECT_TRUE(peer->method(0)->client_streaming());
  EXPECT_TRUE(peer->method(0)->server_streaming());
}

TEST(ProtoTest, FramesRoundTrip) {
  v1::Frame frame;
  auto* proposal = frame.mutable_update_proposal();
  proposal->set_channel_id(std::string(32, '\x01'));
  proposal->set_state("canonical state bytes");
  proposal->set_signature(std::string(64, '\x02'));
  std::string bytes;
  ASSERT_TRUE(frame.SerializeToString(&bytes));
  v1::Frame parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  ASSERT_EQ(parsed.body_case(), v1::Frame::kUpdateProposal);
  EXPECT_EQ(parsed.update_proposal().state(), "canonical state bytes");
  EXPECT_EQ(parsed.update_proposal().signature().size(), 64u);
  EXPECT_FALSE(parsed.ParseFromString("\xff\xff\xff"));  // garbage does not parse
}

}  // namespace
}  // namespace parley
