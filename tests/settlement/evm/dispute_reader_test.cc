// DisputeReader reads a dispute's events from where they can be: from the
// Adjudicator's deployment block until it has found where the channel's
// dispute began, and from that block after, never from the chain's first
// block. A reorganization that moves the start earlier is followed.
#include "dispute_reader.h"

#include <gtest/gtest.h>

#include "contract_abi.h"
#include "payment/payment_app.h"
#include "settlement/evm/evm_client_fixture.h"

namespace parley::settlement::evm {
namespace {

class DisputeReaderTest : public EvmClientTest {
 protected:
  // A deployment with 50 blocks of history before it, and clients of it.
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(EvmClientTest::SetUp());
    ASSERT_OK(chain_->Mine(50));
    TxSender sender(*chain_, crypto::PrivateKey::FromHex(Anvil::kDevKeys[0].substr(2)).value(),
                    Anvil::kChainId);
    auto deployment = DeployContracts(sender);
    ASSERT_OK(deployment.status());
    adjudicator_ = deployment->adjudicator;
    deployed_at_ = Height();  // the adjudicator is the last contract deployed
    alice_ = MakeClient(alice_key_);
    bob_ = MakeClient(bob_key_);
  }
  uint64_t Height() { return chain_->BlockNumber().value(); }
  SignedState Signed(const Params& p, uint64_t version) {
    return Sign(Payment(p, version, 100 - version, 100 + version), {&alice_key_, &bob_key_});
  }

  uint64_t deployed_at_ = 0;
};

TEST_F(DisputeReaderTest, TheDeploymentBlockIsFoundByBisection) {
  auto found = FindDeploymentBlock(*chain_, adjudicator_);
  ASSERT_OK(found.status());
  EXPECT_EQ(*found, deployed_at_);
  EXPECT_GT(*found, 50u);
  EXPECT_CODE(
      FindDeploymentBlock(*chain_, crypto::EthereumAddress(alice_key_.public_key())).status(),
      StatusCode::kNotFound);
}

TEST_F(DisputeReaderTest, LookupsStartAtTheDeploymentThenWhereTheDisputeBegan) {
  Params p = Channel(apps::PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(p));
  channel::ChannelId id = alice_->scheme().ComputeChannelId(p);
  DisputeReader reader(*chain_, adjudicator_, alice_->scheme(), deployed_at_);
  EXPECT_EQ(reader.ScanStart(id), deployed_at_);
  EXPECT_CODE(reader.Read(id).status(), StatusCode::kNotFound);

  ASSERT_OK(chain_->Mine(20));
  ASSERT_OK(alice_->Register(p, Signed(p, 1)));
  const uint64_t registered_at = Height();
  auto dispute = reader.Read(id);
  ASSERT_OK(dispute.status());
  EXPECT_EQ(dispute->state, Signed(p, 1));
  EXPECT_EQ(reader.ScanStart(id), registered_at);

  ASSERT_OK(chain_->Mine(20));
  ASSERT_OK(bob_->Register(p, Signed(p, 2)));  // a refutation, later
  dispute = reader.Read(id);
  ASSERT_OK(dispute.status());
  EXPECT_EQ(dispute->state, Signed(p, 2));
  EXPECT_EQ(reader.ScanStart(id), registered_at);
}

// The block of the first registration is replaced by a branch on which the
// dispute began a block earlier: the reader finds it there.
TEST_F(DisputeReaderTest, AReorgThatMovesTheDisputesStartEarlierIsFollowed) {
  Params p = Channel(apps::PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(p));
  channel::ChannelId id = alice_->scheme().ComputeChannelId(p);
  DisputeReader reader(*chain_, adjudicator_, alice_->scheme(), deployed_at_);
  ASSERT_OK(chain_->Mine(1));
  ASSERT_OK(alice_->Register(p, Signed(p, 1)));
  const uint64_t registered_at = Height();
  ASSERT_OK(reader.Read(id).status());
  ASSERT_EQ(reader.ScanStart(id), registered_at);

  SignedState v2 = Signed(p, 2);
  auto call = abi::EncodeCall(contract::Register(), {ParamsValue(p), StateValue(v2.state).value(),
                                                     SignaturesValue({*v2.sigs[0], *v2.sigs[1]})});
  ASSERT_OK(call.status());
  nlohmann::json tx = {{"from", std::string(Anvil::kDevAddresses[1])},
                       {"to", crypto::AddressToHex(adjudicator_)},
                       {"gas", "0x100000"},
                       {"data", "0x" + ToHex(*call)}};
  // The last two blocks (the empty one and the registration) go; the new
  // branch registers version 2 in the first of its blocks.
  ASSERT_OK(chain_->Rpc("anvil_reorg", {2, nlohmann::json::array({nlohmann::json::array({tx, 0})})})
                .status());
  auto dispute = reader.Read(id);
  ASSERT_OK(dispute.status());
  EXPECT_EQ(dispute->state, v2);
  EXPECT_EQ(reader.ScanStart(id), registered_at - 1);
}

}  // namespace
}  // namespace parley::settlement::evm
