// EvmClient against a real anvil: what the conformance suite does not show —
// the contracts' reasons reaching the caller, and events across a reorg.
#include "parley/settlement/evm/evm_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "contract_abi.h"
#include "parley/store/store.h"
#include "payment/payment_app.h"
#include "settlement/evm/evm_client_fixture.h"
#include "tictactoe/tictactoe_app.h"

namespace parley::settlement::evm {
namespace {

using testing::HasSubstr;

TEST_F(EvmClientTest, TheContractsReasonsReachTheCaller) {
  Params unknown = Channel("chess-960");
  Status s = alice_->Deposit(unknown, 0, "eth", 1);
  EXPECT_CODE(s, StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("no rules for app 'chess-960'"));

  Params p = Channel(apps::PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(p));
  // Alice signs in bob's place too.
  SignedState forged = Sign(Payment(p, 1, 100, 100), {&alice_key_});
  forged.sigs[1] = forged.sigs[0];
  s = alice_->Register(p, forged);
  EXPECT_CODE(s, StatusCode::kPermissionDenied);
  EXPECT_THAT(s.message(), HasSubstr("signature of participant 1 does not verify"));

  ASSERT_OK(alice_->Register(p, Sign(Payment(p, 5, 100, 100), {&alice_key_, &bob_key_})));
  s = bob_->Register(p, Sign(Payment(p, 4, 0, 200), {&alice_key_, &bob_key_}));
  EXPECT_CODE(s, StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("version 4 is not above the registered version 5"));

  Advance(kChallenge);
  ASSERT_OK(alice_->Conclude(p));
  s = alice_->Deposit(p, 0, "eth", 1);
  EXPECT_CODE(s, StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("deposits are closed"));
  ASSERT_OK(bob_->Withdraw(p, 1));
  s = bob_->Withdraw(p, 1);
  EXPECT_CODE(s, StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("participant 1 has already withdrawn"));
}

TEST_F(EvmClientTest, TheTicTacToeRuleRefusesBadForceMovesWithItsReason) {
  Params p = Channel(apps::TicTacToeApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(p));
  apps::TicTacToeApp game;
  State start = Payment(p, 0, 100, 100);
  start.app_data = Bytes(9, 0);
  auto x_moved = game.ApplyAction(p, start, 0, apps::TicTacToeApp::MoveAction(4));
  ASSERT_OK(x_moved.status());
  ASSERT_OK(alice_->Register(p, Sign(*x_moved, {&alice_key_, &bob_key_})));
  Advance(kChallenge);

  // X moves again, out of turn.
  State again = *x_moved;
  again.version = 2;
  again.app_data[0] = 1;
  Status s = alice_->Progress(p, Sign(again, {&alice_key_}), 0);
  EXPECT_CODE(s, StatusCode::kPermissionDenied);
  EXPECT_THAT(s.message(), HasSubstr("it is participant 1's turn"));

  // O overwrites X's mark.
  State overwrite = *x_moved;
  overwrite.version = 2;
  overwrite.app_data[4] = 2;
  overwrite.allocation.assets[0].balances = {0, 200};
  s = bob_->Progress(p, Sign(overwrite, {&bob_key_}), 1);
  EXPECT_CODE(s, StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("cell 4 cannot change from 1 to 2"));

  auto dispute = bob_->GetDispute(alice_->scheme().ComputeChannelId(p));
  ASSERT_OK(dispute.status());
  EXPECT_EQ(dispute->state.state, *x_moved);
  EXPECT_FALSE(dispute->progressing);
}

// anvil_reorg replaces the newest block by one holding another registration:
// the client rewinds to the fork and delivers the new branch's event, though
// it had already read a block of that height.
TEST_F(EvmClientTest, EventsOfANewBranchAreDeliveredAfterAReorg) {
  Params p = Channel(apps::PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(p));
  channel::ChannelId id = alice_->scheme().ComputeChannelId(p);
  Events events;
  uint64_t subscription = bob_->Subscribe(id, [&](const Event& e) { events.Add(e); });

  ASSERT_OK(alice_->Register(p, Sign(Payment(p, 1, 100, 100), {&alice_key_, &bob_key_})));
  std::vector<Event> seen = events.WaitFor(1);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].version, 1u);

  // The new branch registers version 2 instead, sent by an unlocked dev account.
  auto state = StateValue(Payment(p, 2, 90, 110));
  ASSERT_OK(state.status());
  SignedState v2 = Sign(Payment(p, 2, 90, 110), {&alice_key_, &bob_key_});
  auto call = abi::EncodeCall(
      contract::Register(), {ParamsValue(p), *state, SignaturesValue({*v2.sigs[0], *v2.sigs[1]})});
  ASSERT_OK(call.status());
  nlohmann::json tx = {{"from", std::string(Anvil::kDevAddresses[1])},
                       {"to", crypto::AddressToHex(adjudicator_)},
                       {"gas", "0x100000"},
                       {"data", "0x" + ToHex(*call)}};
  ASSERT_OK(chain_->Rpc("anvil_reorg", {1, nlohmann::json::array({nlohmann::json::array({tx, 0})})})
                .status());

  seen = events.WaitFor(2);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].kind, EventKind::kRegistered);
  EXPECT_EQ(seen[1].version, 2u);
  auto dispute = bob_->GetDispute(id);
  ASSERT_OK(dispute.status());
  EXPECT_EQ(dispute->state.state.version, 2u);
  bob_->Unsubscribe(subscription);
}

// With an event cursor, a client that restarts delivers the events that came
// while it was down; without one, a new client starts at the next block.
TEST_F(EvmClientTest, AfterARestartSubscriptionsCatchUpFromTheStoredCursor) {
  Params p = Channel(apps::PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(p));
  channel::ChannelId id = alice_->scheme().ComputeChannelId(p);
  auto cursor = store::NewMemoryStore();
  auto watcher = [&] {
    auto client = EvmClient::Create(
        *chain_, adjudicator_, bob_key_,
        {.poll_interval = std::chrono::milliseconds(20), .event_cursor = cursor.get()});
    EXPECT_OK(client.status());
    return std::move(*client);
  };
  {
    auto before = watcher();
    Events events;
    uint64_t s = before->Subscribe(id, [&](const Event& e) { events.Add(e); });
    ASSERT_OK(alice_->Register(p, Sign(Payment(p, 1, 100, 100), {&alice_key_, &bob_key_})));
    ASSERT_EQ(events.WaitFor(1).size(), 1u);
    before->Unsubscribe(s);
  }  // the process stops

  ASSERT_OK(alice_->Register(p, Sign(Payment(p, 2, 150, 50), {&alice_key_, &bob_key_})));

  auto after = watcher();
  Events events;
  uint64_t s = after->Subscribe(id, [&](const Event& e) { events.Add(e); });
  std::vector<Event> seen = events.WaitFor(1);
  ASSERT_GE(seen.size(), 1u);
  EXPECT_EQ(seen.back().kind, EventKind::kRegistered);
  EXPECT_EQ(seen.back().version, 2u);
  after->Unsubscribe(s);

  // No cursor: only what happens from now on.
  Events fresh;
  uint64_t f = bob_->Subscribe(id, [&](const Event& e) { fresh.Add(e); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_TRUE(fresh.WaitFor(0).empty());
  bob_->Unsubscribe(f);
}

}  // namespace
}  // namespace parley::settlement::evm
