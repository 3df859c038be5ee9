// Node::Update on a channel still in funding looks at the ledger first
// (AdvanceFunding): it must not deposit again while this node's own deposit
// is on its way (a transaction sent, its receipt not seen yet).
#include <gtest/gtest.h>

#include <deque>
#include <functional>

#include "client/node_fixture.h"
#include "parley/client/node.h"

namespace parley::client {
namespace {

using channel::Amount;

// A funder whose deposits are 'sent' but land only when Mine() is called,
// and which reports a timeout meanwhile, as an EVM funder does when the
// receipt is slower than its receipt_timeout.
class SlowFunder : public settlement::Funder {
 public:
  explicit SlowFunder(settlement::SimClient& chain) : chain_(chain) {}

  Status Deposit(const channel::Params& params, channel::ParticipantIndex participant,
                 const std::string& asset, const Amount& amount) override {
    ++deposits_sent;
    sent_.push_back([=, this] { return chain_.Deposit(params, participant, asset, amount); });
    return Status::IoError("no receipt within the timeout; the transaction may still be mined");
  }
  Result<std::vector<Amount>> Deposits(const channel::Params& params,
                                       const std::string& asset) const override {
    return chain_.Deposits(params, asset);
  }
  void Mine() {
    for (auto& send : sent_) EXPECT_TRUE(send().ok());
    sent_.clear();
  }

  int deposits_sent = 0;

 private:
  settlement::SimClient& chain_;
  std::deque<std::function<Status()>> sent_;
};

class NodeFundingUpdateTest : public testing::TwoNodeTest {
 protected:
  NodeFundingUpdateTest() {
    bob_->node.reset();  // let go of the endpoint before rejoining
    bob_->node = std::make_unique<Node>(bob_->key, *bob_->store,
                                        network_.Join(bob_->key.public_key()), slow_, bob_->chain,
                                        ledger_->scheme(), apps_, testing::TestOptions());
    EXPECT_TRUE(bob_->node->Start().ok());
  }
  ~NodeFundingUpdateTest() override { bob_->node.reset(); }

  SlowFunder slow_{bob_->chain};
};

// Bob's deposit is sent when he accepts the channel; its receipt is late.
// His user tries to pay three times meanwhile: each try may look at the
// ledger, but none may send a second deposit. Once mined, Bob has
// deposited what the channel asks of him, once.
TEST_F(NodeFundingUpdateTest, PaymentsTriedWhileTheDepositIsUnconfirmedDoNotDepositAgain) {
  auto id = ProposePayment();
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  network_.Deliver();  // Bob accepts and sends his deposit; Alice deposits
  ASSERT_EQ(slow_.deposits_sent, 1);
  // Bob acts on the ledger's events first (Alice's deposit): his own
  // deposit is on its way, so he does not send it again.
  bob_->node->ProcessLedgerEvents();
  ASSERT_EQ(Info(*bob_, *id).phase, channel::Phase::kFunding);
  EXPECT_EQ(slow_.deposits_sent, 1) << "a ledger event sent another deposit";
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(Pay(*bob_, *id, 1).ok());  // still funding
  EXPECT_EQ(slow_.deposits_sent, 1) << "each Update sent another deposit";
  slow_.Mine();
  auto deposits = ledger_->Deposits(Info(*bob_, *id).params, "native");
  ASSERT_TRUE(deposits.ok());
  EXPECT_EQ((*deposits)[1], Amount(100)) << "Bob deposited more than his share";
}

// The case the change is for: Alice sees the channel open, Bob has not
// acted on the deposit events yet; his payment goes through, and nothing is
// deposited twice.
TEST_F(NodeFundingUpdateTest, APaymentAfterTheDepositsLandedOpensTheChannelAndDepositsNothing) {
  auto id = ProposePayment();
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  network_.Deliver();
  slow_.Mine();  // both deposits are in; Bob has not looked
  ASSERT_EQ(Info(*bob_, *id).phase, channel::Phase::kFunding);
  int sent_before = slow_.deposits_sent;
  ASSERT_TRUE(Pay(*bob_, *id, 30).ok());
  EXPECT_EQ(Info(*bob_, *id).phase, channel::Phase::kOpen);
  EXPECT_EQ(slow_.deposits_sent, sent_before);
  Settle();
  EXPECT_EQ(Balances(*alice_, *id), (std::vector<Amount>{130, 70}));
  auto deposits = ledger_->Deposits(Info(*bob_, *id).params, "native");
  ASSERT_TRUE(deposits.ok());
  EXPECT_EQ(*deposits, (std::vector<Amount>{100, 100}));
}

}  // namespace
}  // namespace parley::client
