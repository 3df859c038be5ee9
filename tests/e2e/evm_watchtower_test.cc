// End to end on anvil: a parley-watchtower on an EVM chain
// (docs/operations.md). Alice's parleyd hands every new state to the tower;
// while she is offline, Bob registers an old state he kept, the tower refutes
// it with a transaction from its own account, and Alice comes back after the
// timeout to withdraw exactly her latest balance. Ether balances are checked
// to the wei, net of the gas each account's transactions paid (read from
// their receipts).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "e2e/daemon_harness.h"
#include "e2e/evm_chain_helpers.h"
#include "e2e/tower_process.h"
#include "parley/channel/scheme.h"
#include "parley/crypto/ecdsa.h"
#include "parley/crypto/key_file.h"
#include "parley/crypto/random.h"
#include "parley/settlement/evm/eth_client.h"
#include "parley/settlement/evm/evm_client.h"
#include "parley/store/channel_store.h"
#include "parley/store/store.h"
#include "parley/watchtower/tower_client.h"
#include "testing/anvil.h"
#include "testing/temp_dir.h"

namespace parley::e2e {
namespace {

using namespace std::chrono_literals;
using channel::Amount;
using settlement::evm::EthClient;
using settlement::evm::EvmClient;
using ::testing::HasSubstr;

class EvmWatchtowerTest : public ::testing::Test {
 protected:
  static constexpr uint64_t kChallenge = 10;  // seconds of block time

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(evm_.Start());

    // The tower makes its key on first start; its account has no ether yet.
    tower_ = std::make_unique<TowerProcess>(
        dir_.path() / "tower", std::vector<std::string>{"--chain", evm_.url, "--adjudicator",
                                                        evm_.adjudicator, "--evm-poll-ms", "50"});
    ASSERT_TRUE(tower_->Start()) << tower_->Log();
    auto tower_key = crypto::ReadKeyFile((dir_.path() / "tower" / "tower.key").string());
    ASSERT_TRUE(tower_key.ok()) << tower_key.status().ToString();
    tower_account_ = crypto::EthereumAddress(tower_key->public_key());

    a_ =
        std::make_unique<Daemon>(dir_.path() / "a", NodeFlags({"--watchtower", tower_->address()}));
    b_ = std::make_unique<Daemon>(dir_.path() / "b", NodeFlags({}));
    ASSERT_TRUE(a_->Start()) << a_->Log();
    ASSERT_TRUE(b_->Start()) << b_->Log();
    a_id_ = Info(*a_).node_id();
    b_id_ = Info(*b_).node_id();
    a_account_ = crypto::EthereumAddress(crypto::PublicKey::FromHex(a_id_).value());
    b_account_ = crypto::EthereumAddress(crypto::PublicKey::FromHex(b_id_).value());
    for (const auto& account : {a_account_, b_account_, tower_account_}) {
      ASSERT_TRUE(evm_.client
                      ->Rpc("anvil_setBalance",
                            {crypto::AddressToHex(account), "0x8ac7230489e80000"})  // 10 ether
                      .ok());
    }
    ASSERT_TRUE(ConnectPeer(*a_, *b_, b_id_).ok());
  }

  std::vector<std::string> NodeFlags(std::vector<std::string> more) const {
    std::vector<std::string> flags = {"--chain",       evm_.url,
                                      "--adjudicator", evm_.adjudicator,
                                      "--max-deposit", "1000000000000000000",
                                      "--evm-poll-ms", "50"};
    flags.insert(flags.end(), more.begin(), more.end());
    return flags;
  }

  // A payment channel in ether between Alice and Bob, open at Alice.
  std::string Open(uint64_t mine, uint64_t theirs) {
    v1::ChannelInfo info;
    grpc::Status s = ProposePaymentChannel(*a_, b_id_, mine, theirs, kChallenge, &info);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_TRUE(WaitUntil(*a_, info.channel_id(), [](auto& c) { return c.phase() == "open"; }))
        << a_->Log();
    return info.channel_id();
  }

  // On a channel of 500000 each: Alice pays Bob 100000 (version 1: Alice
  // 400000, Bob 600000), the state Bob likes best, which he keeps from his
  // stopped node's store (a state both really signed). Then Bob pays Alice
  // 5 x 50000: version 6 (Alice 650000, Bob 350000), which the tower holds.
  void KeepAStaleStateAndMoveOn(const std::string& id, channel::ChannelRecord* kept) {
    ASSERT_TRUE(Pay(*a_, id, 100'000).ok());
    ASSERT_TRUE(WaitUntil(*b_, id, [](auto& c) { return c.version() == 1; })) << b_->Log();
    ASSERT_EQ(b_->Stop(SIGTERM), 0);
    {
      auto store =
          store::OpenRocksDb((dir_.path() / "b" / "node").string(), {.create_if_missing = false});
      ASSERT_TRUE(store.ok()) << store.status().ToString();
      auto record = store::ChannelStore(**store).Get(FixedFromHex<32>(id).value());
      ASSERT_TRUE(record.ok()) << record.status().ToString();
      *kept = *record;
    }
    ASSERT_EQ(kept->latest.state.version, 1u);
    ASSERT_TRUE(kept->latest.FullySigned());
    ASSERT_TRUE(b_->Restart()) << b_->Log();
    ASSERT_TRUE(WaitUntil(*b_, id, [](auto& c) { return c.phase() == "open"; })) << b_->Log();
    for (int i = 0; i < 5; ++i) {
      grpc::Status paid = Pay(*b_, id, 50'000);
      ASSERT_TRUE(paid.ok()) << "payment " << i << ": " << paid.error_message();
      ASSERT_TRUE(WaitUntil(*b_, id, Idle)) << b_->Log();
    }
    ASSERT_TRUE(WaitUntil(*a_, id, [](auto& c) { return c.version() == 6 && Idle(c); }))
        << a_->Log();
    EXPECT_EQ(Channel(*a_, id).balances(0).amounts(0), "650000");
    ASSERT_TRUE(TowerHoldsForAlice(6)) << a_->Log() << tower_->Log();
  }

  // Bob registers `kept` with his node key's account (his node stopped, or
  // it would refute its own cheat). The registration's timeout: its block's
  // time plus the challenge duration (a running tower may refute it at once,
  // so the dispute is not read back).
  void RegisterAsBob(const channel::ChannelRecord& kept, uint64_t* timeout) {
    auto key = crypto::ReadKeyFile((dir_.path() / "b" / "node.key").string());
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    auto client =
        EvmClient::Create(*evm_.client, crypto::AddressFromHex(evm_.adjudicator).value(), *key);
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    cheat_ = std::move(*client);
    const uint64_t before = BlockNumber();
    Status s = cheat_->Register(kept.params, kept.latest);
    ASSERT_TRUE(s.ok()) << s.ToString();
    // Anvil mines a block per transaction: Bob's is the next one.
    ASSERT_EQ(GasPaidBy(*evm_.client, b_account_, before, before + 1).transactions, 1);
    auto block = evm_.client->GetBlock(before + 1);
    ASSERT_TRUE(block.ok()) << block.status().ToString();
    *timeout = block->timestamp + kChallenge;
  }

  // Waits until the chain holds `version` for the channel (at most 10 s).
  std::optional<settlement::Dispute> WaitForVersionOnChain(const channel::ChannelId& id,
                                                           uint64_t version) {
    for (int i = 0; i < 200; ++i) {
      auto dispute = cheat_->GetDispute(id);
      if (dispute.ok() && dispute->state.state.version == version) return *dispute;
      std::this_thread::sleep_for(50ms);
    }
    return std::nullopt;
  }

  crypto::PrivateKey AliceKey() const {
    return crypto::ReadKeyFile((dir_.path() / "a" / "node.key").string()).value();
  }
  // What the tower holds for Alice, asked with her node key.
  std::vector<watchtower::WatchedChannel> WatchedForAlice() {
    auto watched = watchtower::TowerClient(tower_->address(), AliceKey()).ListWatched();
    EXPECT_TRUE(watched.ok()) << watched.status().ToString();
    return watched.ok() ? *watched : std::vector<watchtower::WatchedChannel>{};
  }
  bool TowerHoldsForAlice(uint64_t version) {
    return WaitForAlicesChannel([&](auto& c) { return c.version == version; });
  }
  // The tower records a refutation once its transaction is confirmed, a
  // moment after the chain shows it.
  bool TowerReportsRefutedForAlice(uint64_t version) {
    return WaitForAlicesChannel([&](auto& c) { return c.refuted_version == version; });
  }
  // Waits until the tower holds one channel for Alice, and `done` holds of
  // it (at most 10 s).
  bool WaitForAlicesChannel(const std::function<bool(const watchtower::WatchedChannel&)>& done) {
    for (int i = 0; i < 200; ++i) {
      auto watched = WatchedForAlice();
      if (watched.size() == 1 && done(watched[0])) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  // Calls Withdraw until the chain lets the channel conclude (the node sees
  // the new block a poll later); true once it did.
  static bool WithdrawWhenConcludable(Daemon& d, const std::string& id) {
    for (int i = 0; i < 100; ++i) {
      if (OnChannel(d, id, &v1::Api::Stub::Withdraw).ok()) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  uint64_t BlockNumber() { return evm_.client->BlockNumber().value(); }

  TempDir dir_{"parley-e2e-evm-tower-"};
  DeployedChain evm_;
  std::unique_ptr<EvmClient> cheat_;  // Bob's account, after RegisterAsBob
  std::unique_ptr<TowerProcess> tower_;
  std::unique_ptr<Daemon> a_, b_;
  std::string a_id_, b_id_;
  crypto::EthAddress a_account_{}, b_account_{}, tower_account_{};
};

TEST_F(EvmWatchtowerTest, TheTowerRefutesAStaleRegistrationWhileAliceIsOffline) {
  const uint64_t start = BlockNumber();
  const Amount a_before = BalanceAt(*evm_.client, a_account_, start);
  const Amount b_before = BalanceAt(*evm_.client, b_account_, start);
  const Amount tower_before = BalanceAt(*evm_.client, tower_account_, start);
  const std::string id = Open(500'000, 500'000);
  channel::ChannelRecord kept;
  ASSERT_NO_FATAL_FAILURE(KeepAStaleStateAndMoveOn(id, &kept));

  // Alice goes offline; Bob registers version 1.
  ASSERT_EQ(a_->Stop(SIGTERM), 0);
  b_->Stop(SIGKILL);
  uint64_t timeout = 0;
  ASSERT_NO_FATAL_FAILURE(RegisterAsBob(kept, &timeout));

  // The tower answers with version 6, within the same timeout.
  auto refuted = WaitForVersionOnChain(kept.latest.state.channel_id, 6);
  ASSERT_TRUE(refuted.has_value()) << tower_->Log();
  EXPECT_EQ(refuted->timeout, timeout);  // refuting keeps the timeout
  EXPECT_TRUE(TowerReportsRefutedForAlice(1)) << tower_->Log();
  EXPECT_THAT(tower_->Log(), HasSubstr("refuted the stale version 1 with version 6"));

  // Alice comes back after the timeout and withdraws; the withdrawal pays
  // Bob too, whose own call then finds nothing left to do.
  ASSERT_NO_FATAL_FAILURE(AdvanceChainTime(*evm_.client, kChallenge + 1));
  ASSERT_TRUE(a_->Restart()) << a_->Log();
  ASSERT_TRUE(WithdrawWhenConcludable(*a_, id)) << a_->Log();
  ASSERT_TRUE(b_->Restart()) << b_->Log();
  grpc::Status b_withdrew = OnChannel(*b_, id, &v1::Api::Stub::Withdraw);
  ASSERT_TRUE(b_withdrew.ok()) << b_withdrew.error_message() << "\n" << b_->Log();
  for (Daemon* d : {a_.get(), b_.get()}) {
    ASSERT_TRUE(WaitUntil(*d, id, [](auto& c) { return c.phase() == "withdrawn"; })) << d->Log();
  }

  // Version 6 settled: Alice gets 650000 for her deposit of 500000, Bob
  // 350000 for his; Bob's account also paid the gas of the stale
  // registration.
  const uint64_t end = BlockNumber();
  const GasSpent a_gas = GasPaidBy(*evm_.client, a_account_, start, end);
  const GasSpent b_gas = GasPaidBy(*evm_.client, b_account_, start, end);
  EXPECT_EQ(BalanceAt(*evm_.client, a_account_, end) + a_gas.wei, a_before - 500'000 + 650'000);
  EXPECT_EQ(BalanceAt(*evm_.client, b_account_, end) + b_gas.wei, b_before - 500'000 + 350'000);
  // The tower sent one transaction, the refutation, and its account paid
  // that transaction's gas and nothing else.
  const GasSpent tower_gas = GasPaidBy(*evm_.client, tower_account_, start, end);
  EXPECT_EQ(tower_gas.transactions, 1);
  EXPECT_GT(tower_gas.wei, 0);
  EXPECT_EQ(BalanceAt(*evm_.client, tower_account_, end) + tower_gas.wei, tower_before);

  // The channel is concluded: the tower forgets it, and stops cleanly.
  bool forgotten = false;
  for (int i = 0; i < 200 && !forgotten; ++i) {
    forgotten = WatchedForAlice().empty();
    if (!forgotten) std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(forgotten) << tower_->Log();
  EXPECT_EQ(tower_->Stop(SIGTERM), 0) << tower_->Log();
}

TEST_F(EvmWatchtowerTest, ATowerThatWasDownRefutesWhatWasRegisteredMeanwhileOnRestart) {
  const std::string id = Open(500'000, 500'000);
  channel::ChannelRecord kept;
  ASSERT_NO_FATAL_FAILURE(KeepAStaleStateAndMoveOn(id, &kept));
  ASSERT_EQ(a_->Stop(SIGTERM), 0);
  b_->Stop(SIGKILL);
  // The chain moves on, and the tower reads its events (every 50 ms) before
  // it stops.
  ASSERT_TRUE(evm_.client->Mine(2).ok());
  std::this_thread::sleep_for(500ms);
  ASSERT_EQ(tower_->Stop(SIGTERM), 0);
  {
    // Its store keeps how far it has read the Adjudicator's events (the EVM
    // client's cursor, settlement/evm/log_poller.cc), to read on from there.
    auto store = store::OpenRocksDb((dir_.path() / "tower" / "tower").string(),
                                    {.create_if_missing = false});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    const std::string adjudicator =
        crypto::AddressToHex(crypto::AddressFromHex(evm_.adjudicator).value());
    EXPECT_TRUE((*store)->Get("evm/cursor/" + adjudicator).ok());
  }

  // Bob registers while the tower is down, and the chain moves on.
  uint64_t timeout = 0;
  ASSERT_NO_FATAL_FAILURE(RegisterAsBob(kept, &timeout));
  ASSERT_TRUE(evm_.client->Mine(3).ok());

  ASSERT_TRUE(tower_->Restart()) << tower_->Log();
  auto refuted = WaitForVersionOnChain(kept.latest.state.channel_id, 6);
  ASSERT_TRUE(refuted.has_value()) << tower_->Log();
  EXPECT_EQ(refuted->timeout, timeout);
  EXPECT_TRUE(TowerReportsRefutedForAlice(1)) << tower_->Log();
  EXPECT_THAT(tower_->Log(), HasSubstr("refuted the stale version 1 with version 6"));
}

TEST_F(EvmWatchtowerTest, TheTowerKeepsItsOwnAccountAndRefusesChannelsOfAnotherBackend) {
  // At first start it named its account, empty, and said to fund it.
  const std::string account = crypto::AddressToHex(tower_account_);
  EXPECT_THAT(tower_->Log(), HasSubstr("the tower's account " + account +
                                       " (0 wei) pays the gas of its refutations"));
  EXPECT_THAT(tower_->Log(), HasSubstr("has no ether: fund it"));
  // Restarted, it is the same account, now funded: no warning.
  ASSERT_EQ(tower_->Stop(SIGTERM), 0);
  ASSERT_TRUE(tower_->Restart()) << tower_->Log();
  EXPECT_THAT(tower_->Log(), HasSubstr("the tower's account " + account +
                                       " (10000000000000000000 wei) pays the gas"));
  EXPECT_THAT(tower_->Log(), ::testing::Not(HasSubstr("has no ether")));

  // A node on a devchain hands it a state of a sim channel: refused, saying why.
  channel::Bip340Scheme sim("sim");
  const crypto::PrivateKey alice = AliceKey();
  const crypto::PrivateKey bob = crypto::PrivateKey::Generate();
  channel::Params params{.participants = {alice.public_key(), bob.public_key()},
                         .nonce = crypto::RandomHash32(),
                         .challenge_duration = kChallenge,
                         .app = "payment",
                         .backend = "sim"};
  channel::SignedState state;
  state.state = {.channel_id = sim.ComputeChannelId(params),
                 .version = 1,
                 .allocation = {{{.asset = "native", .balances = {50, 50}}}}};
  Hash32 hash = sim.StateHash(state.state);
  state.sigs = {sim.Sign(alice, hash), sim.Sign(bob, hash)};
  auto stored = watchtower::TowerClient(tower_->address(), alice).StoreState(params, state);
  EXPECT_EQ(stored.status().code(), StatusCode::kInvalidArgument) << stored.status().ToString();
  EXPECT_THAT(stored.status().message(),
              HasSubstr("the channel settles on 'sim'; this tower watches 'evm' channels"));
  EXPECT_TRUE(WatchedForAlice().empty());

  // A tower given an address where no Adjudicator is refuses to start.
  TowerProcess wrong(dir_.path() / "wrong",
                     {"--chain", evm_.url, "--adjudicator", std::string(Anvil::kDevAddresses[3])});
  EXPECT_FALSE(wrong.Start());
  EXPECT_THAT(wrong.Log(), HasSubstr("no contract at " + std::string(Anvil::kDevAddresses[3])));
}

// The tower's chain flags are parleyd's, checked the same way before it
// reaches for the chain: a malformed or misplaced one, or a chain that does
// not answer, stops it with the reason.
TEST(EvmWatchtowerOptionsTest, BadChainFlagsStopTheTowerWithTheReason) {
  TempDir dir("parley-e2e-tower-options-");
  const std::string one = "0x0000000000000000000000000000000000000001";
  const std::string nobody = Local(FreePort());  // nothing listens there
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--chain", "evm://"}, "--chain 'evm://' is not evm://HOST:PORT"},
      {{"--chain", "evm://127.0.0.1"}, "--chain 'evm://127.0.0.1' is not evm://HOST:PORT"},
      {{"--chain", "evm://" + nobody},
       "--chain evm:// needs --adjudicator 0x...: the address of the Adjudicator contract"},
      {{"--chain", "evm://" + nobody, "--adjudicator", "0x12"},
       "--adjudicator: an Ethereum address is"},
      {{"--chain", "evm://" + nobody, "--adjudicator", one, "--evm-confirmations", "0"},
       "--evm-confirmations 0 is out of range: give 1"},
      {{"--chain", "evm://" + nobody, "--adjudicator", one, "--evm-poll-ms", "5"},
       "--evm-poll-ms 5 is out of range: give 10 to 60000 ms"},
      {{"--chain", "sim://" + nobody, "--adjudicator", one},
       "--adjudicator is for an EVM chain: --chain evm://HOST:PORT"},
      {{"--chain", "ftp://" + nobody},
       "--chain must name the ledger to watch: a devchain sim://HOST:PORT or an EVM chain "
       "evm://HOST:PORT"},
      {{"--chain", "evm://" + nobody, "--adjudicator", one},
       "cannot use the Adjudicator " + one + " on http://" + nobody +
           ": cannot reach the JSON-RPC endpoint"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    TowerProcess tower(dir.path() / std::to_string(i), cases[i].first);
    EXPECT_FALSE(tower.Start()) << cases[i].second;
    EXPECT_THAT(tower.Log(), HasSubstr(cases[i].second));
  }
}

}  // namespace
}  // namespace parley::e2e
