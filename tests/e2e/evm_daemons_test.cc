// End to end on a real EVM chain: an anvil, the contracts deployed with
// `parley evm deploy`, and two parleyd processes on `--chain evm://`, driven
// through the client API. Channels are funded in ether; the nodes' own
// accounts pay the gas, so each node's balance is checked to the wei against
// the channel's outcome plus the gas its transactions paid (read from their
// receipts).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "e2e/daemon_harness.h"
#include "parley/channel/amount.h"
#include "parley/crypto/ecdsa.h"
#include "parley/settlement/evm/eth_client.h"
#include "testing/anvil.h"
#include "testing/temp_dir.h"

namespace parley::e2e {
namespace {

using namespace std::chrono_literals;
using channel::Amount;
using settlement::evm::EthClient;

class EvmDaemonsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status started = anvil_.Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    auto chain = EthClient::Open(anvil_.endpoint());
    ASSERT_TRUE(chain.ok()) << chain.status().ToString();
    chain_ = std::make_unique<EthClient>(std::move(*chain));

    // The CLI deploys the contracts, paid by anvil's first dev account.
    std::string out;
    ASSERT_EQ(RunCli({"--json", "evm", "deploy", "--rpc", anvil_.endpoint(), "--key",
                      std::string(Anvil::kDevKeys[0])},
                     &out),
              0)
        << out;
    auto deployed = nlohmann::json::parse(out.substr(out.find('{')), nullptr, false);
    ASSERT_TRUE(deployed.is_object() && deployed.contains("adjudicator")) << out;
    adjudicator_ = deployed["adjudicator"].get<std::string>();

    std::string host_port = anvil_.endpoint().substr(std::string("http://").size());
    for (auto [daemon, name] : {std::pair{&a_, "a"}, std::pair{&b_, "b"}}) {
      *daemon = std::make_unique<Daemon>(
          dir_.path() / name,
          std::vector<std::string>{"--chain", "evm://" + host_port, "--adjudicator", adjudicator_,
                                   "--max-deposit", "1000000000000000000"});
      ASSERT_TRUE((*daemon)->Start()) << (*daemon)->Log();
    }
    a_id_ = Info(*a_).node_id();
    b_id_ = Info(*b_).node_id();
    a_account_ = crypto::EthereumAddress(crypto::PublicKey::FromHex(a_id_).value());
    b_account_ = crypto::EthereumAddress(crypto::PublicKey::FromHex(b_id_).value());
    // Ether for deposits and gas: A's through the CLI, B's with anvil's cheat call.
    ASSERT_EQ(
        RunCli({"evm", "send-eth", "--rpc", anvil_.endpoint(), "--key",
                std::string(Anvil::kDevKeys[1]), "--to", a_id_, "--amount", "10000000000000000000"},
               &out),
        0)
        << out;
    EXPECT_NE(out.find("its balance is now 10000000000000000000 wei"), std::string::npos) << out;
    ASSERT_TRUE(chain_
                    ->Rpc("anvil_setBalance",
                          {crypto::AddressToHex(b_account_), "0x8ac7230489e80000"})  // 10 ether
                    .ok());

    ASSERT_TRUE(ConnectPeer(*a_, *b_, b_id_).ok());
  }

  grpc::Status OpenChannel(const std::string& asset, uint64_t mine, uint64_t theirs,
                           v1::ChannelInfo* info) {
    v1::OpenChannelRequest r;
    r.set_peer(b_id_);
    r.set_app("payment");
    r.set_asset(asset);
    r.set_my_deposit(std::to_string(mine));
    r.set_peer_deposit(std::to_string(theirs));
    r.set_challenge_duration(10);  // seconds of block time
    grpc::ClientContext context;
    return a_->api().OpenChannel(&context, r, info);
  }
  std::string Open(uint64_t mine, uint64_t theirs) {
    v1::ChannelInfo info;
    grpc::Status s = OpenChannel("", mine, theirs, &info);  // the node's default asset
    EXPECT_TRUE(s.ok()) << s.error_message();
    // As the CLI does: A may pay once it sees the channel open, B may see it
    // a poll later, and takes the payment all the same.
    EXPECT_TRUE(WaitUntil(*a_, info.channel_id(), [](auto& c) { return c.phase() == "open"; }))
        << a_->Log();
    return info.channel_id();
  }

  uint64_t BlockNumber() { return chain_->BlockNumber().value(); }
  Amount BalanceAt(const crypto::EthAddress& account, uint64_t block) {
    auto balance = chain_->GetBalance(account, block);
    EXPECT_TRUE(balance.ok()) << balance.status().ToString();
    return balance.ok() ? *balance : Amount(0);
  }
  // The ether that `account`'s transactions in blocks (from, to] paid for gas.
  Amount GasPaid(const crypto::EthAddress& account, uint64_t from, uint64_t to) {
    Amount paid = 0;
    const std::string sender = crypto::AddressToHex(account);
    for (uint64_t n = from + 1; n <= to; ++n) {
      char number[32];
      std::snprintf(number, sizeof number, "0x%llx", static_cast<unsigned long long>(n));
      auto block = chain_->Rpc("eth_getBlockByNumber", {number, true});
      EXPECT_TRUE(block.ok()) << block.status().ToString();
      if (!block.ok()) return paid;
      for (const auto& tx : (*block)["transactions"]) {
        std::string from_address = tx["from"].get<std::string>();
        for (char& c : from_address) c = static_cast<char>(std::tolower(c));
        if (from_address != sender) continue;
        auto hash = FixedFromHex<32>(tx["hash"].get<std::string>().substr(2));
        auto receipt = chain_->GetTransactionReceipt(hash.value());
        EXPECT_TRUE(receipt.ok() && receipt->has_value());
        if (receipt.ok() && receipt->has_value()) {
          paid += Amount((*receipt)->gas_used) * (*receipt)->effective_gas_price;
        }
      }
    }
    return paid;
  }

  TempDir dir_{"parley-e2e-evm-"};
  Anvil anvil_;
  std::unique_ptr<EthClient> chain_;
  std::string adjudicator_;
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
  const Amount a_before = BalanceAt(a_account_, start);
  const Amount b_before = BalanceAt(b_account_, start);

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
  for (Daemon* d : {a_.get(), b_.get()}) {
    grpc::Status s = OnChannel(*d, id, &v1::Api::Stub::Withdraw);
    ASSERT_TRUE(s.ok()) << s.error_message() << "\n" << d->Log();
    ASSERT_TRUE(WaitUntil(*d, id, [](auto& c) { return c.phase() == "withdrawn"; })) << d->Log();
  }

  // Each account moved by exactly its channel outcome less its deposit, once
  // the gas its own transactions paid is added back.
  const uint64_t end = BlockNumber();
  const Amount a_gas = GasPaid(a_account_, start, end);
  const Amount b_gas = GasPaid(b_account_, start, end);
  EXPECT_GT(a_gas, 0);
  EXPECT_GT(b_gas, 0);
  EXPECT_EQ(BalanceAt(a_account_, end) + a_gas, a_before - 5'000'000 + 4'994'000);
  EXPECT_EQ(BalanceAt(b_account_, end) + b_gas, b_before - 3'000'000 + 3'006'000);
  EXPECT_EQ(a_->Stop(SIGTERM), 0);  // a clean shutdown
}

TEST_F(EvmDaemonsTest, ForceCloseSettlesOnChainWhenThePeerStopsAnswering) {
  std::string id = Open(500'000, 500'000);
  ASSERT_TRUE(Pay(*a_, id, 100'000).ok());
  ASSERT_TRUE(WaitUntil(*a_, id, Idle));
  b_->Stop(SIGKILL);
  const uint64_t start = BlockNumber();
  const Amount a_before = BalanceAt(a_account_, start);

  ASSERT_TRUE(OnChannel(*a_, id, &v1::Api::Stub::ForceClose).ok()) << a_->Log();
  grpc::Status early = OnChannel(*a_, id, &v1::Api::Stub::Withdraw);
  EXPECT_EQ(early.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << early.error_message();
  // The challenge lasts 10 s of block time: the next block comes 11 s later.
  auto latest = chain_->GetBlock(settlement::evm::BlockTag::Latest());
  ASSERT_TRUE(latest.ok());
  ASSERT_TRUE(chain_->SetNextBlockTimestamp(latest->timestamp + 11).ok());
  ASSERT_TRUE(chain_->Mine(1).ok());
  bool settled = false;
  for (int i = 0; i < 100 && !settled; ++i) {
    settled = OnChannel(*a_, id, &v1::Api::Stub::Withdraw).ok();
    if (!settled) std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(settled) << a_->Log();
  ASSERT_TRUE(WaitUntil(*a_, id, [](auto& c) { return c.phase() == "withdrawn"; })) << a_->Log();
  const uint64_t end = BlockNumber();
  // A paid 100000 of its 500000 deposit to B: 400000 comes back.
  EXPECT_EQ(BalanceAt(a_account_, end) + GasPaid(a_account_, start, end), a_before + 400'000);
}

}  // namespace
}  // namespace parley::e2e
