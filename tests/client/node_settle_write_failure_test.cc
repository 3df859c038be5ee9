// A peer's proposal built on this node's pending proposal settles it; when
// the group write of that step fails, the channel, its pending proposal and
// its actions are as they were, and after the resync every payment lands
// exactly once.
#include <gtest/gtest.h>

#include <atomic>

#include "client/node_fixture.h"
#include "parley/client/node.h"

namespace parley::client {
namespace {

using channel::Amount;

class FlakyStore : public store::Store {
 public:
  explicit FlakyStore(std::atomic<bool>& broken)
      : inner_(store::NewMemoryStore()), broken_(broken) {}
  Result<Bytes> Get(std::string_view key) const override { return inner_->Get(key); }
  Status Write(const store::WriteBatch& batch) override {
    if (broken_) return Status::IoError("disk full (simulated)");
    return inner_->Write(batch);
  }
  Status Scan(std::string_view prefix,
              const std::function<void(std::string_view, ByteView)>& visit) const override {
    return inner_->Scan(prefix, visit);
  }

 private:
  std::unique_ptr<store::Store> inner_;
  std::atomic<bool>& broken_;
};

class NodeSettleWriteFailureTest : public testing::TwoNodeTest {
 protected:
  void SetUp() override {
    alice_->node.reset();
    alice_ = MakePeer(alice_->key, std::make_unique<FlakyStore>(alice_broken_));
  }
  std::atomic<bool> alice_broken_{false};
};

TEST_F(NodeSettleWriteFailureTest, AFailedWriteOfTheSettlingStepLosesAndRepeatsNothing) {
  auto id = OpenPayment();
  network_.Silence(alice_->key.public_key());
  ASSERT_TRUE(Pay(*alice_, id, 1).ok());
  Settle();  // Bob countersigns version 1; his answer is lost
  network_.Unsilence(alice_->key.public_key());
  ASSERT_TRUE(Pay(*alice_, id, 5).ok());  // queued behind version 1
  ASSERT_TRUE(Pay(*bob_, id, 10).ok());   // version 2, on Alice's version 1
  alice_broken_ = true;
  network_.DeliverBursts();  // Alice's write of the countersigned version 2 fails
  ChannelInfo after_failure = Info(*alice_, id);
  EXPECT_EQ(after_failure.latest.version, 0u);
  EXPECT_TRUE(after_failure.update_in_flight);  // version 1 is pending again
  EXPECT_EQ(after_failure.queued_actions, 1u);  // and the 5 waits again
  alice_broken_ = false;
  Settle();
  EXPECT_EQ(Info(*alice_, id).latest, Info(*bob_, id).latest);
  EXPECT_FALSE(Info(*alice_, id).update_in_flight);
  EXPECT_EQ(Info(*alice_, id).queued_actions, 0u);
  EXPECT_EQ(Balances(*alice_, id), (std::vector<Amount>{104, 96}));  // 100 - 1 + 10 - 5
}

}  // namespace
}  // namespace parley::client
