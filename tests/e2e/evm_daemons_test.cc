// End to end on a real EVM chain: an anvil, the contracts deployed with
// `parley evm deploy`, and two parleyd processes on `--chain evm://`, driven
// through the client API. Channels are funded in ether or in a test token;
// the nodes' own accounts pay the gas, so each node's ether balance is
// checked to the wei against the channel's outcome plus the gas its
// transactions paid (read from their receipts).
#include <gtest/gtest.h>

#include "e2e/daemon_harness.h"
#include "e2e/evm_chain_helpers.h"
#include "parley/channel/amount.h"
#include "parley/crypto/ecdsa.h"
#include "parley/crypto/key_file.h"
#include "parley/settlement/evm/deployment.h"
#include "parley/settlement/evm/eth_client.h"
#include "parley/settlement/evm/evm_client.h"
#include "parley/store/channel_store.h"
#include "parley/store/store.h"
#include "testing/anvil.h"
#include "testing/temp_dir.h"

namespace parley::e2e {
namespace {

using namespace std::chrono_literals;
using channel::Amount;
using settlement::evm::EthClient;
using settlement::evm::EvmClient;

class EvmDaemonsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(evm_.Start());  // the CLI deploys the contracts
    for (auto [daemon, name] : {std::pair{&a_, "a"}, std::pair{&b_, "b"}}) {
      *daemon = std::make_unique<Daemon>(
          dir_.path() / name,
          std::vector<std::string>{"--chain", evm_.url, "--adjudicator", evm_.adjudicator,
                                   "--max-deposit", "1000000000000000000", "--evm-poll-ms", "50",
                                   "--evm-confirmations", "1"});
      ASSERT_TRUE((*daemon)->Start()) << (*daemon)->Log();
    }
    a_id_ = Info(*a_).node_id();
    b_id_ = Info(*b_).node_id();
    a_account_ = crypto::EthereumAddress(crypto::PublicKey::FromHex(a_id_).value());
    b_account_ = crypto::EthereumAddress(crypto::PublicKey::FromHex(b_id_).value());
    // Ether for deposits and gas: A's through the CLI, B's with anvil's cheat call.
    std::string out;
    ASSERT_EQ(
        RunCli({"evm", "send-eth", "--rpc", evm_.anvil.endpoint(), "--key",
                std::string(Anvil::kDevKeys[1]), "--to", a_id_, "--amount", "10000000000000000000"},
               &out),
        0)
        << out;
    EXPECT_NE(out.find("its balance is now 10000000000000000000 wei"), std::string::npos) << out;
    ASSERT_TRUE(evm_.client
                    ->Rpc("anvil_setBalance",
                          {crypto::AddressToHex(b_account_), "0x8ac7230489e80000"})  // 10 ether
                    .ok());

    ASSERT_TRUE(ConnectPeer(*a_, *b_, b_id_).ok());
  }

  grpc::Status OpenChannel(const std::string& asset, uint64_t mine, uint64_t theirs,
                           v1::ChannelInfo* info, const std::string& app = "payment",
                           const std::string& initial_app_data = "") {
    v1::OpenChannelRequest r;
    r.set_peer(b_id_);
    r.set_app(app);
    r.set_asset(asset);
    r.set_initial_app_data(initial_app_data);
    r.set_my_deposit(std::to_string(mine));
    r.set_peer_deposit(std::to_string(theirs));
    r.set_challenge_duration(10);  // seconds of block time
    grpc::ClientContext context;
    return a_->api().OpenChannel(&context, r, info);
  }
  // A channel between A and B, in the node's default asset (ether) unless
  // `asset` names another.
  std::string Open(uint64_t mine, uint64_t theirs, const std::string& asset = "") {
    v1::ChannelInfo info;
    grpc::Status s = OpenChannel(asset, mine, theirs, &info);
    EXPECT_TRUE(s.ok()) << s.error_message();
    // As the CLI does: A may pay once it sees the channel open, B may see it
    // a poll later, and takes the payment all the same.
    EXPECT_TRUE(WaitUntil(*a_, info.channel_id(), [](auto& c) { return c.phase() == "open"; }))
        << a_->Log();
    return info.channel_id();
  }

  // Update or ForceMove with a one-byte action (a tic-tac-toe cell).
  grpc::Status Act(Daemon& d, const std::string& id,
                   grpc::Status (v1::Api::Stub::*call)(grpc::ClientContext*,
                                                       const v1::UpdateRequest&, v1::ChannelInfo*),
                   uint8_t action) {
    v1::UpdateRequest r;
    r.set_channel_id(id);
    r.set_action(std::string(1, static_cast<char>(action)));
    v1::ChannelInfo info;
    grpc::ClientContext context;
    return (d.api().*call)(&context, r, &info);
  }

  uint64_t BlockNumber() { return evm_.client->BlockNumber().value(); }
  // Calls Withdraw until the chain lets the channel conclude (the node sees
  // the new block a poll later); true once it did.
  bool WithdrawWhenConcludable(Daemon& d, const std::string& id) {
    for (int i = 0; i < 100; ++i) {
      if (OnChannel(d, id, &v1::Api::Stub::Withdraw).ok()) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }
  // What a stopped daemon's store holds about a channel.
  channel::ChannelRecord StoredChannel(const std::string& daemon, const std::string& id) {
    auto store =
        store::OpenRocksDb((dir_.path() / daemon / "node").string(), {.create_if_missing = false});
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (!store.ok()) return {};
    auto record = store::ChannelStore(**store).Get(FixedFromHex<32>(id).value());
    EXPECT_TRUE(record.ok()) << record.status().ToString();
    return record.ok() ? *record : channel::ChannelRecord{};
  }
  // A client of the chain acting as the daemon's account, with its node key.
  std::unique_ptr<EvmClient> ClientWithKeyOf(const std::string& daemon) {
    auto key = crypto::ReadKeyFile((dir_.path() / daemon / "node.key").string());
    EXPECT_TRUE(key.ok()) << key.status().ToString();
    if (!key.ok()) return nullptr;
    auto client =
        EvmClient::Create(*evm_.client, crypto::AddressFromHex(evm_.adjudicator).value(), *key);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return client.ok() ? std::move(*client) : nullptr;
  }

  TempDir dir_{"parley-e2e-evm-"};
  DeployedChain evm_;
  std::unique_ptr<Daemon> a_, b_;
  std::string a_id_, b_id_;
  crypto::EthAddress a_account_{}, b_account_{};
};

TEST_F(EvmDaemonsTest, TheDaemonsRunOnTheChainAndRefuseAssetsItHasNoNameFor) {
  EXPECT_EQ(Info(*a_).backend(), "evm");
  EXPECT_NE(a_->Log().find(crypto::AddressToHex(a_account_)), std::string::npos) << a_->Log();
  v1::ChannelInfo info;
  grpc::Status s = OpenChannel("native", 10, 10, &info);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("native"), std::string::npos) << s.error_message();
}

TEST_F(EvmDaemonsTest, PaymentsInEtherThenACooperativeCloseSettleToTheWei) {
  const uint64_t start = BlockNumber();
  const Amount a_before = BalanceAt(*evm_.client, a_account_, start);
  const Amount b_before = BalanceAt(*evm_.client, b_account_, start);

  std::string id = Open(5'000'000, 3'000'000);
  EXPECT_EQ(Channel(*a_, id).balances(0).asset(), "eth");
  for (int i = 0; i < 12; ++i) {
    grpc::Status s = Pay(i % 4 == 3 ? *b_ : *a_, id, 1000);
    ASSERT_TRUE(s.ok()) << "payment " << i << ": " << s.error_message();
  }
  ASSERT_TRUE(WaitUntil(*a_, id, Idle));
  ASSERT_TRUE(WaitUntil(*b_, id, Idle));
  // 9 payments of 1000 from A, 3 from B.
  v1::ChannelInfo at_a = Channel(*a_, id);
  EXPECT_EQ(at_a.balances(0).amounts(0), "4994000");
  EXPECT_EQ(at_a.balances(0).amounts(1), "3006000");
  EXPECT_EQ(at_a.version(), Channel(*b_, id).version());

  ASSERT_TRUE(OnChannel(*a_, id, &v1::Api::Stub::CloseChannel).ok());
  for (Daemon* d : {a_.get(), b_.get()}) {
    ASSERT_TRUE(WaitUntil(*d, id, [](auto& c) { return c.phase() == "final"; })) << d->Log();
  }
  // A's withdrawal settles the channel in one transaction that pays both;
  // B's finds its share paid and sends nothing.
  const uint64_t closed = BlockNumber();
  for (Daemon* d : {a_.get(), b_.get()}) {
    grpc::Status s = OnChannel(*d, id, &v1::Api::Stub::Withdraw);
    ASSERT_TRUE(s.ok()) << s.error_message() << "\n" << d->Log();
    ASSERT_TRUE(WaitUntil(*d, id, [](auto& c) { return c.phase() == "withdrawn"; })) << d->Log();
  }
  EXPECT_EQ(BlockNumber(), closed + 1);
  EXPECT_EQ(GasPaidBy(*evm_.client, b_account_, closed, closed + 1).wei, 0);

  // Each account moved by exactly its channel outcome less its deposit, once
  // the gas its own transactions paid is added back.
  const uint64_t end = BlockNumber();
  const Amount a_gas = GasPaidBy(*evm_.client, a_account_, start, end).wei;
  const Amount b_gas = GasPaidBy(*evm_.client, b_account_, start, end).wei;
  EXPECT_GT(a_gas, 0);
  EXPECT_GT(b_gas, 0);
  EXPECT_EQ(BalanceAt(*evm_.client, a_account_, end) + a_gas, a_before - 5'000'000 + 4'994'000);
  EXPECT_EQ(BalanceAt(*evm_.client, b_account_, end) + b_gas, b_before - 3'000'000 + 3'006'000);
  EXPECT_EQ(a_->Stop(SIGTERM), 0);  // a clean shutdown
}

TEST_F(EvmDaemonsTest, ForceCloseSettlesOnChainWhenThePeerStopsAnswering) {
  std::string id = Open(500'000, 500'000);
  ASSERT_TRUE(Pay(*a_, id, 100'000).ok());
  ASSERT_TRUE(WaitUntil(*a_, id, Idle));
  b_->Stop(SIGKILL);
  const uint64_t start = BlockNumber();
  const Amount a_before = BalanceAt(*evm_.client, a_account_, start);

  ASSERT_TRUE(OnChannel(*a_, id, &v1::Api::Stub::ForceClose).ok()) << a_->Log();
  grpc::Status early = OnChannel(*a_, id, &v1::Api::Stub::Withdraw);
  EXPECT_EQ(early.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << early.error_message();
  // The challenge lasts 10 s of block time: the next block comes 11 s later.
  ASSERT_NO_FATAL_FAILURE(AdvanceChainTime(*evm_.client, 11));
  ASSERT_TRUE(WithdrawWhenConcludable(*a_, id)) << a_->Log();
  ASSERT_TRUE(WaitUntil(*a_, id, [](auto& c) { return c.phase() == "withdrawn"; })) << a_->Log();
  const uint64_t end = BlockNumber();
  // A paid 100000 of its 500000 deposit to B: 400000 comes back.
  EXPECT_EQ(BalanceAt(*evm_.client, a_account_, end) +
                GasPaidBy(*evm_.client, a_account_, start, end).wei,
            a_before + 400'000);
}

TEST_F(EvmDaemonsTest, AStaleRegistrationIsRefutedAndTheLatestStateSettles) {
  const uint64_t start = BlockNumber();
  const Amount a_before = BalanceAt(*evm_.client, a_account_, start);
  const Amount b_before = BalanceAt(*evm_.client, b_account_, start);
  std::string id = Open(500'000, 500'000);
  ASSERT_TRUE(Pay(*a_, id, 100'000).ok());
  ASSERT_TRUE(WaitUntil(*b_, id, [](auto& c) { return c.version() == 1; })) << b_->Log();

  // B's operator turns cheat. The state B likes best (version 1: B has
  // 600000) is the latest in its store now; it keeps a copy, and B's node
  // goes on. The copy is read from the stopped node's store, so the stale
  // state is one both nodes really signed.
  ASSERT_EQ(b_->Stop(SIGTERM), 0);
  channel::ChannelRecord kept = StoredChannel("b", id);
  ASSERT_EQ(kept.latest.state.version, 1u);
  ASSERT_TRUE(kept.latest.FullySigned());
  ASSERT_TRUE(b_->Restart()) << b_->Log();
  for (int i = 0; i < 5; ++i) {
    grpc::Status paid = Pay(*b_, id, 50'000);
    ASSERT_TRUE(paid.ok()) << "payment " << i << ": " << paid.error_message();
    ASSERT_TRUE(WaitUntil(*b_, id, Idle)) << b_->Log();
  }
  ASSERT_TRUE(WaitUntil(*a_, id, [](auto& c) { return c.version() == 6; })) << a_->Log();

  // Then it stops its node, which would refute the stale state itself, and
  // registers the kept state with the node's key.
  b_->Stop(SIGKILL);
  std::unique_ptr<EvmClient> cheat = ClientWithKeyOf("b");
  ASSERT_NE(cheat, nullptr);
  ASSERT_TRUE(cheat->Register(kept.params, kept.latest).ok());
  auto registered = cheat->GetDispute(kept.latest.state.channel_id);
  ASSERT_TRUE(registered.ok()) << registered.status().ToString();

  // A's watcher answers with the latest state, within the same timeout.
  bool refuted = false;
  for (int i = 0; i < 200 && !refuted; ++i) {
    auto dispute = cheat->GetDispute(kept.latest.state.channel_id);
    refuted = dispute.ok() && dispute->state.state.version == 6;
    if (refuted) {
      EXPECT_EQ(dispute->timeout, registered->timeout);  // refuting keeps the timeout
    } else {
      std::this_thread::sleep_for(50ms);
    }
  }
  ASSERT_TRUE(refuted) << a_->Log();

  ASSERT_NO_FATAL_FAILURE(AdvanceChainTime(*evm_.client, 11));
  ASSERT_TRUE(WithdrawWhenConcludable(*a_, id)) << a_->Log();
  ASSERT_TRUE(b_->Restart()) << b_->Log();  // B comes back for what is left to it
  grpc::Status b_withdrew = OnChannel(*b_, id, &v1::Api::Stub::Withdraw);
  ASSERT_TRUE(b_withdrew.ok()) << b_withdrew.error_message() << "\n" << b_->Log();
  for (Daemon* d : {a_.get(), b_.get()}) {
    ASSERT_TRUE(WaitUntil(*d, id, [](auto& c) { return c.phase() == "withdrawn"; })) << d->Log();
  }

  // The latest state: A 400000 + 250000, B 600000 - 250000. B's account also
  // paid the gas of the stale registration.
  const uint64_t end = BlockNumber();
  EXPECT_EQ(BalanceAt(*evm_.client, a_account_, end) +
                GasPaidBy(*evm_.client, a_account_, start, end).wei,
            a_before - 500'000 + 650'000);
  EXPECT_EQ(BalanceAt(*evm_.client, b_account_, end) +
                GasPaidBy(*evm_.client, b_account_, start, end).wei,
            b_before - 500'000 + 350'000);
}

TEST_F(EvmDaemonsTest, ATicTacToeForceMoveLandsOnChainAndTheStallingPlayerLosesThePot) {
  const uint64_t start = BlockNumber();
  const Amount a_before = BalanceAt(*evm_.client, a_account_, start);
  const Amount b_before = BalanceAt(*evm_.client, b_account_, start);
  v1::ChannelInfo info;
  grpc::Status opened =
      OpenChannel("", 1'000'000, 1'000'000, &info, "tictactoe", std::string(9, '\0'));
  ASSERT_TRUE(opened.ok()) << opened.error_message();
  const std::string id = info.channel_id();
  ASSERT_TRUE(WaitUntil(*a_, id, [](auto& c) { return c.phase() == "open"; })) << a_->Log();
  ASSERT_TRUE(WaitUntil(*b_, id, [](auto& c) { return c.phase() == "open"; })) << b_->Log();

  // A (X) takes the centre, B (O) a corner: the pot is B's until A moves.
  ASSERT_TRUE(Act(*a_, id, &v1::Api::Stub::Update, 4).ok());
  ASSERT_TRUE(WaitUntil(*b_, id, [](auto& c) { return c.version() == 1; })) << b_->Log();
  ASSERT_TRUE(Act(*b_, id, &v1::Api::Stub::Update, 0).ok());
  ASSERT_TRUE(WaitUntil(*a_, id, [](auto& c) { return c.version() == 2; })) << a_->Log();
  EXPECT_EQ(Channel(*a_, id).balances(0).amounts(1), "2000000");

  // B goes silent. A registers version 2 and, once the dispute phase is
  // over, makes its move on chain (Adjudicator.progress): the pot is A's.
  b_->Stop(SIGKILL);
  ASSERT_TRUE(OnChannel(*a_, id, &v1::Api::Stub::ForceClose).ok()) << a_->Log();
  ASSERT_TRUE(WaitUntil(*a_, id, [](auto& c) { return c.phase() == "disputed"; })) << a_->Log();
  grpc::Status early = Act(*a_, id, &v1::Api::Stub::ForceMove, 8);
  EXPECT_EQ(early.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << early.error_message();
  ASSERT_NO_FATAL_FAILURE(AdvanceChainTime(*evm_.client, 11));
  grpc::Status moved = Act(*a_, id, &v1::Api::Stub::ForceMove, 8);
  ASSERT_TRUE(moved.ok()) << moved.error_message() << "\n" << a_->Log();
  std::unique_ptr<EvmClient> reader = ClientWithKeyOf("b");
  ASSERT_NE(reader, nullptr);
  auto on_chain = reader->GetDispute(FixedFromHex<32>(id).value());
  ASSERT_TRUE(on_chain.ok()) << on_chain.status().ToString();
  EXPECT_TRUE(on_chain->progressing);
  EXPECT_EQ(on_chain->state.state.version, 3u);
  EXPECT_EQ(on_chain->state.state.app_data, (Bytes{2, 0, 0, 0, 1, 0, 0, 0, 1}));
  EXPECT_EQ(on_chain->state.state.allocation.assets[0].balances,
            (std::vector<Amount>{2'000'000, 0}));

  // B does not answer within its move window: A takes the pot.
  grpc::Status too_early = OnChannel(*a_, id, &v1::Api::Stub::Withdraw);
  EXPECT_EQ(too_early.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_NO_FATAL_FAILURE(AdvanceChainTime(*evm_.client, 11));
  ASSERT_TRUE(WithdrawWhenConcludable(*a_, id)) << a_->Log();
  ASSERT_TRUE(b_->Restart()) << b_->Log();
  grpc::Status b_withdrew = OnChannel(*b_, id, &v1::Api::Stub::Withdraw);
  ASSERT_TRUE(b_withdrew.ok()) << b_withdrew.error_message() << "\n" << b_->Log();
  for (Daemon* d : {a_.get(), b_.get()}) {
    ASSERT_TRUE(WaitUntil(*d, id, [](auto& c) { return c.phase() == "withdrawn"; })) << d->Log();
  }
  const uint64_t end = BlockNumber();
  EXPECT_EQ(BalanceAt(*evm_.client, a_account_, end) +
                GasPaidBy(*evm_.client, a_account_, start, end).wei,
            a_before - 1'000'000 + 2'000'000);
  EXPECT_EQ(BalanceAt(*evm_.client, b_account_, end) +
                GasPaidBy(*evm_.client, b_account_, start, end).wei,
            b_before - 1'000'000);
}

TEST_F(EvmDaemonsTest, AChannelInAnErc20TokenSettlesTheTokenExactly) {
  auto dev = crypto::PrivateKey::FromHex(Anvil::kDevKeys[2].substr(2));
  ASSERT_TRUE(dev.ok());
  settlement::evm::TxSender minter(*evm_.client, *dev, Anvil::kChainId);
  auto token = settlement::evm::DeployTestToken(minter, "Parley Test", "PT");
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  for (const auto& account : {a_account_, b_account_}) {
    ASSERT_TRUE(settlement::evm::MintTestToken(minter, *token, account, 1'000'000).ok());
  }
  auto tokens_of = [&](const crypto::EthAddress& account) {
    auto balance = settlement::evm::TokenBalance(*evm_.client, *token, account);
    EXPECT_TRUE(balance.ok()) << balance.status().ToString();
    return balance.ok() ? *balance : Amount(0);
  };

  const std::string asset = settlement::evm::AssetName(*token);
  std::string id = Open(600'000, 400'000, asset);
  EXPECT_EQ(Channel(*a_, id).balances(0).asset(), asset);
  EXPECT_EQ(tokens_of(a_account_), 400'000);  // the deposits are in the channel
  EXPECT_EQ(tokens_of(b_account_), 600'000);
  ASSERT_TRUE(Pay(*a_, id, 123'456).ok());
  ASSERT_TRUE(WaitUntil(*b_, id, [](auto& c) { return c.version() == 1; })) << b_->Log();
  ASSERT_TRUE(Pay(*b_, id, 1'000).ok());
  ASSERT_TRUE(WaitUntil(*a_, id, [](auto& c) { return c.version() == 2; })) << a_->Log();

  ASSERT_TRUE(OnChannel(*a_, id, &v1::Api::Stub::CloseChannel).ok());
  for (Daemon* d : {a_.get(), b_.get()}) {
    ASSERT_TRUE(WaitUntil(*d, id, [](auto& c) { return c.phase() == "final"; })) << d->Log();
  }
  for (Daemon* d : {a_.get(), b_.get()}) {
    grpc::Status s = OnChannel(*d, id, &v1::Api::Stub::Withdraw);
    ASSERT_TRUE(s.ok()) << s.error_message() << "\n" << d->Log();
    ASSERT_TRUE(WaitUntil(*d, id, [](auto& c) { return c.phase() == "withdrawn"; })) << d->Log();
  }
  EXPECT_EQ(tokens_of(a_account_), 1'000'000 - 123'456 + 1'000);
  EXPECT_EQ(tokens_of(b_account_), 1'000'000 + 123'456 - 1'000);
}

// The EVM options are checked before the node reaches for the chain: a
// value out of range, or an option without --chain evm://, stops parleyd
// with the reason.
TEST(EvmDaemonOptionsTest, OutOfRangeOrMisplacedEvmOptionsStopTheDaemonWithTheReason) {
  TempDir dir("parley-e2e-evm-options-");
  const std::vector<std::string> evm = {"--chain", "evm://127.0.0.1:1", "--adjudicator",
                                        "0x0000000000000000000000000000000000000001"};
  auto with = [](std::vector<std::string> flags, std::vector<std::string> more) {
    flags.insert(flags.end(), more.begin(), more.end());
    return flags;
  };
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {with(evm, {"--evm-confirmations", "0"}), "--evm-confirmations 0 is out of range: give 1"},
      {with(evm, {"--evm-confirmations", "65"}), "--evm-confirmations 65 is out of range"},
      {with(evm, {"--evm-poll-ms", "5"}), "--evm-poll-ms 5 is out of range: give 10 to 60000 ms"},
      {{"--devchain", Local(FreePort()), "--evm-poll-ms", "100"},
       "--evm-poll-ms is for an EVM chain: --chain evm://HOST:PORT"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    Daemon d(dir.path() / std::to_string(i), cases[i].first);
    EXPECT_FALSE(d.Start()) << cases[i].second;
    EXPECT_NE(d.Log().find(cases[i].second), std::string::npos) << d.Log();
  }
}

}  // namespace
}  // namespace parley::e2e
