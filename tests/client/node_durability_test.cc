// "No signature leaves the node before the state it signs is durable": when
// the store cannot write, the node sends nothing that carries a signature,
// and its channel stays as it was.
#include <gtest/gtest.h>

#include <atomic>

#include "client/node_fixture.h"

namespace parley::client {
namespace {

using testing::TwoNodeTest;

// A store whose writes fail while `broken` is set.
class BreakableStore : public store::Store {
 public:
  explicit BreakableStore(std::atomic<bool>& broken)
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

class NodeDurabilityTest : public TwoNodeTest {
 protected:
  void SetUp() override {
    alice_->node.reset();
    bob_->node.reset();
    alice_ = MakePeer(alice_->key, std::make_unique<BreakableStore>(alice_broken_));
    bob_ = MakePeer(bob_->key, std::make_unique<BreakableStore>(bob_broken_));
    id_ = OpenPayment();
    ASSERT_EQ(Info(*alice_, id_).phase, channel::Phase::kOpen);
  }

  std::atomic<bool> alice_broken_{false};
  std::atomic<bool> bob_broken_{false};
  channel::ChannelId id_{};
};

TEST_F(NodeDurabilityTest, AProposalIsNotSentUnlessPersisted) {
  alice_broken_ = true;
  Status s = Pay(*alice_, id_, 5);
  EXPECT_EQ(s.code(), StatusCode::kIoError) << s.ToString();
  EXPECT_EQ(network_.Queued(), 0u);  // nothing left the node
  EXPECT_FALSE(Info(*alice_, id_).update_in_flight);
  EXPECT_EQ(Info(*alice_, id_).latest.version, 0u);
}

TEST_F(NodeDurabilityTest, AnAnswerIsNotSentUnlessPersisted) {
  ASSERT_TRUE(Pay(*alice_, id_, 5).ok());
  ASSERT_EQ(network_.Queued(), 1u);  // Alice's proposal
  bob_broken_ = true;
  network_.Deliver(1);
  EXPECT_EQ(network_.Queued(), 0u);  // Bob could not persist, so he did not sign back
  EXPECT_EQ(Info(*bob_, id_).latest.version, 0u);
  EXPECT_TRUE(Info(*alice_, id_).update_in_flight);
}

TEST_F(NodeDurabilityTest, AChannelIsNotAcceptedUnlessPersisted) {
  bob_broken_ = true;
  auto id = alice_->node->OpenChannel({.peer = bob_->key.public_key(),
                                       .app = apps::PaymentApp::kId,
                                       .my_deposit = 1,
                                       .peer_deposit = 1});
  ASSERT_TRUE(id.ok());
  network_.Deliver(1);
  // Bob answers with a refusal that carries no signature, and keeps only the
  // channel he had before.
  EXPECT_EQ(bob_->node->ListChannels().size(), 1u);
  ASSERT_EQ(network_.Queued(), 1u);
  std::optional<wire::Message> answer;
  alice_->node.reset();
  network_.Join(alice_->key.public_key()).SetReceiver([&](const wire::PeerId&, Bytes bytes) {
    answer = wire::DecodeMessage(bytes).value();
  });
  network_.Deliver();
  ASSERT_TRUE(answer);
  EXPECT_TRUE(std::holds_alternative<wire::ChannelReject>(*answer));
}

}  // namespace
}  // namespace parley::client
