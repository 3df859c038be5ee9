#include "parley/wire/memory_transport.h"

#include <gtest/gtest.h>

namespace parley::wire {
namespace {

class MemoryNetworkTest : public ::testing::Test {
 protected:
  PeerId a_ = crypto::PrivateKey::Generate().public_key();
  PeerId b_ = crypto::PrivateKey::Generate().public_key();
  MemoryNetwork network_;
};

TEST_F(MemoryNetworkTest, DeliversInOrderWithTheSender) {
  Transport& a = network_.Join(a_);
  Transport& b = network_.Join(b_);
  std::vector<uint8_t> got;
  b.SetReceiver([&](const PeerId& from, Bytes m) {
    EXPECT_EQ(from, a_);
    got.push_back(m.at(0));
  });
  for (uint8_t i = 0; i < 10; ++i) ASSERT_TRUE(a.Send(b_, {i}).ok());
  EXPECT_EQ(network_.Queued(), 10u);
  EXPECT_TRUE(got.empty());  // nothing moves until Deliver
  EXPECT_EQ(network_.Deliver(3), 3u);
  EXPECT_EQ(network_.Deliver(), 7u);
  EXPECT_EQ(got, (std::vector<uint8_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST_F(MemoryNetworkTest, RepliesSentWhileDeliveringAreDeliveredToo) {
  Transport& a = network_.Join(a_);
  Transport& b = network_.Join(b_);
  int pongs = 0;
  b.SetReceiver([&](const PeerId& from, Bytes) { ASSERT_TRUE(b.Send(from, {1}).ok()); });
  a.SetReceiver([&](const PeerId&, Bytes) { ++pongs; });
  ASSERT_TRUE(a.Send(b_, {0}).ok());
  EXPECT_EQ(network_.Deliver(), 2u);
  EXPECT_EQ(pongs, 1);
}

TEST_F(MemoryNetworkTest, UnknownPeersAndSilencedPeers) {
  Transport& a = network_.Join(a_);
  EXPECT_EQ(a.Send(b_, {1}).code(), StatusCode::kNotFound);
  Transport& b = network_.Join(b_);
  int got = 0;
  b.SetReceiver([&](const PeerId&, Bytes) { ++got; });
  network_.Silence(b_);
  ASSERT_TRUE(a.Send(b_, {1}).ok());
  EXPECT_EQ(network_.Deliver(), 0u);
  network_.Unsilence(b_);
  ASSERT_TRUE(a.Send(b_, {2}).ok());
  EXPECT_EQ(network_.Deliver(), 1u);
  EXPECT_EQ(got, 1);
}

}  // namespace
}  // namespace parley::wire
