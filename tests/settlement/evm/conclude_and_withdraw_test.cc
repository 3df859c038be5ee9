// EvmClient::ConcludeAndWithdraw: a channel settles in one transaction that
// pays every participant (the Adjudicator's concludeFinal, for a cooperative
// close, and concludeAndWithdrawAll, after a dispute), so the others send
// nothing and pay no gas. What the contract refuses comes back with its
// reason.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "contract_abi.h"
#include "payment/payment_app.h"
#include "settlement/evm/evm_client_fixture.h"

namespace parley::settlement::evm {
namespace {

using channel::Amount;
using channel::ParticipantIndex;
using testing::HasSubstr;

class ConcludeAndWithdrawTest : public EvmClientTest {
 protected:
  Amount EtherOf(const crypto::PrivateKey& key) {
    auto balance = chain_->GetBalance(crypto::EthereumAddress(key.public_key()));
    EXPECT_OK(balance.status());
    return balance.ok() ? *balance : Amount(0);
  }
  uint64_t Height() { return chain_->BlockNumber().value(); }
  SignedState Final(const Params& p, int a, int b) {
    State s = Payment(p, 7, a, b);
    s.is_final = true;
    return Sign(s, {&alice_key_, &bob_key_});
  }
  // Sends `call` from anvil's unlocked dev account 1: the contract's
  // verdict on it.
  Status SendRaw(const Result<Bytes>& call) {
    if (!call.ok()) return call.status();
    TxSender sender(*chain_, crypto::PrivateKey::FromHex(Anvil::kDevKeys[1].substr(2)).value(),
                    Anvil::kChainId);
    return sender.Send(adjudicator_, *call).status();
  }
  Result<Bytes> ConcludeFinalCall(const Params& p, const SignedState& s) {
    PARLEY_ASSIGN_OR_RETURN(abi::Value state, StateValue(s.state));
    std::vector<channel::Signature> sigs;
    for (const auto& sig : s.sigs) sigs.push_back(sig.value_or(channel::Signature{}));
    return abi::EncodeCall(contract::ConcludeFinal(),
                           {ParamsValue(p), state, SignaturesValue(sigs)});
  }
};

TEST_F(ConcludeAndWithdrawTest, ACooperativeClosePaysEveryoneInOneTransaction) {
  Params p = Channel(apps::PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(p));
  channel::ChannelId id = alice_->scheme().ComputeChannelId(p);
  Events events;
  uint64_t subscription = bob_->Subscribe(id, [&](const Event& e) { events.Add(e); });
  const Amount bob_before = EtherOf(bob_key_);
  const uint64_t before = Height();

  SignedState final_state = Final(p, 30, 170);
  ASSERT_OK(alice_->ConcludeAndWithdraw(p, final_state, 0));
  EXPECT_EQ(Height(), before + 1);                                             // one transaction
  EXPECT_EQ(EtherOf(bob_key_), bob_before + 170);                              // Bob paid no gas
  EXPECT_EQ(alice_->Deposits(p, "eth").value(), (std::vector<Amount>{0, 0}));  // all paid out

  std::vector<Event> seen = events.WaitFor(3);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].kind, EventKind::kConcluded);
  EXPECT_EQ(seen[0].version, 7u);
  for (ParticipantIndex i : {0, 1}) {
    EXPECT_EQ(seen[1 + i].kind, EventKind::kWithdrawn);
    EXPECT_EQ(seen[1 + i].participant, i);
    EXPECT_EQ(seen[1 + i].amount, i == 0 ? 30 : 170);
  }
  bob_->Unsubscribe(subscription);

  // The state is read back from the call's data, though the contract keeps
  // no hash of it.
  auto dispute = bob_->GetDispute(id);
  ASSERT_OK(dispute.status());
  EXPECT_TRUE(dispute->concluded);
  EXPECT_FALSE(dispute->progressing);
  EXPECT_EQ(dispute->timeout, 0u);
  EXPECT_EQ(dispute->state, final_state);

  // Bob's own call finds his share paid and sends nothing.
  ASSERT_OK(bob_->ConcludeAndWithdraw(p, final_state, 1));
  EXPECT_EQ(Height(), before + 1);
  // The channel is over for every other call.
  Status s = bob_->Register(p, final_state);
  EXPECT_CODE(s, StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("already concluded"));
  s = bob_->Deposit(p, 1, "eth", 1);
  EXPECT_CODE(s, StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("deposits are closed"));
  s = bob_->Withdraw(p, 1);
  EXPECT_CODE(s, StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("participant 1 has already withdrawn"));
  EXPECT_CODE(bob_->Conclude(p), StatusCode::kFailedPrecondition);
}

TEST_F(ConcludeAndWithdrawTest, ConcludeFinalRefusesWhatIsNotASignedFinalStateOfAnOpenChannel) {
  Params p = Channel(apps::PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(p));
  SignedState final_state = Final(p, 30, 170);

  SignedState not_final = Sign(Payment(p, 7, 30, 170), {&alice_key_, &bob_key_});
  Status s = SendRaw(ConcludeFinalCall(p, not_final));
  EXPECT_CODE(s, StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("only a final state concludes at once"));

  SignedState half_signed = final_state;
  half_signed.sigs[1] = half_signed.sigs[0];
  s = SendRaw(ConcludeFinalCall(p, half_signed));
  EXPECT_CODE(s, StatusCode::kPermissionDenied);
  EXPECT_THAT(s.message(), HasSubstr("signature of participant 1 does not verify"));

  ASSERT_OK(alice_->Register(p, Sign(Payment(p, 3, 100, 100), {&alice_key_, &bob_key_})));
  s = SendRaw(ConcludeFinalCall(p, final_state));
  EXPECT_CODE(s, StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("the channel is in dispute"));
  EXPECT_FALSE(alice_->GetDispute(final_state.state.channel_id)->concluded);
}

TEST_F(ConcludeAndWithdrawTest, AfterADisputeOneTransactionConcludesAndPaysEveryone) {
  Params p = Channel(apps::PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(p));
  SignedState latest = Sign(Payment(p, 4, 120, 80), {&alice_key_, &bob_key_});
  ASSERT_OK(alice_->Register(p, latest));

  Status early = bob_->ConcludeAndWithdraw(p, latest, 1);
  EXPECT_CODE(early, StatusCode::kFailedPrecondition);
  EXPECT_THAT(early.message(), HasSubstr("can be concluded from tick"));

  Advance(kChallenge);
  const Amount alice_before = EtherOf(alice_key_);
  const uint64_t before = Height();
  ASSERT_OK(bob_->ConcludeAndWithdraw(p, latest, 1));
  EXPECT_EQ(Height(), before + 1);
  EXPECT_EQ(EtherOf(alice_key_), alice_before + 120);  // Alice sent nothing
  ASSERT_OK(alice_->ConcludeAndWithdraw(p, latest, 0));
  EXPECT_EQ(Height(), before + 1);
  auto dispute = alice_->GetDispute(latest.state.channel_id);
  ASSERT_OK(dispute.status());
  EXPECT_TRUE(dispute->concluded);
  EXPECT_EQ(dispute->state, latest);
}

}  // namespace
}  // namespace parley::settlement::evm
