// End to end: a devchain, two parleyd and a parley-watchtower on loopback.
// Alice's daemon hands every new state to the tower; while she is offline,
// Bob registers an old state he kept, the tower refutes it, and Alice comes
// back after the timeout to withdraw exactly her latest balance.
#include <gtest/gtest.h>

#include "e2e/daemon_harness.h"
#include "e2e/tower_process.h"
#include "parley/crypto/key_file.h"
#include "parley/store/channel_store.h"
#include "parley/store/store.h"
#include "parley/watchtower/tower_client.h"
#include "parley/wire/grpc_common.h"
#include "testing/temp_dir.h"

namespace parley::e2e {
namespace {

using namespace std::chrono_literals;

class WatchtowerTest : public ::testing::Test {
 protected:
  static constexpr uint64_t kChallenge = 40;  // ticks of 50 ms: 2 s

  // Whether the tower runs before Alice's daemon starts.
  virtual bool TowerUpFirst() const { return true; }

  void SetUp() override {
    const std::string devchain = Local(FreePort());
    chain_ = std::make_unique<Daemon>(
        dir_.path() / "chain", std::vector<std::string>{"--devchain", devchain,
                                                        "--devchain-dev-calls", "--tick-ms", "50"});
    ASSERT_TRUE(chain_->Start()) << chain_->Log();
    tower_ = std::make_unique<TowerProcess>(
        dir_.path() / "tower", std::vector<std::string>{"--chain", "sim://" + devchain});
    if (TowerUpFirst()) {
      ASSERT_TRUE(tower_->Start()) << tower_->Log();
    }
    a_ = std::make_unique<Daemon>(
        dir_.path() / "a", std::vector<std::string>{"--chain", "sim://" + devchain, "--max-deposit",
                                                    "1000000", "--watchtower", tower_->address()});
    b_ = std::make_unique<Daemon>(
        dir_.path() / "b",
        std::vector<std::string>{"--chain", "sim://" + devchain, "--max-deposit", "1000000"});
    ASSERT_TRUE(a_->Start()) << a_->Log();
    ASSERT_TRUE(b_->Start()) << b_->Log();
    ledger_ =
        v1::Ledger::NewStub(grpc::CreateChannel(devchain, grpc::InsecureChannelCredentials()));
    a_id_ = Info(*a_).node_id();
    b_id_ = Info(*b_).node_id();
    for (const auto& id : {a_id_, b_id_}) ASSERT_NO_FATAL_FAILURE(Mint(id, 10'000));
    ASSERT_TRUE(ConnectPeer(*a_, *b_, b_id_).ok());
  }

  static std::string KeyBytes(const std::string& node_id) {
    Bytes key = FromHex(node_id).value();
    return {key.begin(), key.end()};
  }
  void Mint(const std::string& node_id, uint64_t amount) {
    v1::MintRequest r;
    r.set_account(KeyBytes(node_id));
    r.set_asset("native");
    r.set_amount(wire::AmountToBytes(amount));
    v1::LedgerReply reply;
    grpc::ClientContext context;
    ASSERT_TRUE(ledger_->Mint(&context, r, &reply).ok());
  }
  std::string Balance(const std::string& node_id) {
    v1::GetBalanceRequest r;
    r.set_account(KeyBytes(node_id));
    r.set_asset("native");
    v1::GetBalanceReply reply;
    grpc::ClientContext context;
    EXPECT_TRUE(ledger_->GetBalance(&context, r, &reply).ok());
    return channel::ToString(wire::AmountFromBytes(reply.amount()).value());
  }
  Result<settlement::Dispute> Dispute(const std::string& id) {
    v1::GetDisputeRequest r;
    Bytes bytes = FromHex(id).value();
    r.set_channel_id(std::string(bytes.begin(), bytes.end()));
    v1::GetDisputeReply reply;
    grpc::ClientContext context;
    PARLEY_RETURN_IF_ERROR(wire::FromGrpc(ledger_->GetDispute(&context, r, &reply), "dispute"));
    PARLEY_ASSIGN_OR_RETURN(auto state,
                            wire::FromBytes<channel::SignedState>(reply.signed_state(), "state"));
    return settlement::Dispute{.state = state, .timeout = reply.timeout()};
  }

  std::string Open(uint64_t mine, uint64_t theirs) {
    v1::ChannelInfo info;
    grpc::Status s = ProposePaymentChannel(*a_, b_id_, mine, theirs, kChallenge, &info);
    EXPECT_TRUE(s.ok()) << s.error_message();
    for (Daemon* d : {a_.get(), b_.get()}) {
      EXPECT_TRUE(WaitUntil(*d, info.channel_id(), [](auto& c) { return c.phase() == "open"; }));
    }
    return info.channel_id();
  }

  // What the tower holds for Alice, asked with her node key.
  std::vector<watchtower::WatchedChannel> WatchedForAlice() {
    auto key = crypto::ReadKeyFile((dir_.path() / "a" / "node.key").string());
    EXPECT_TRUE(key.ok()) << key.status().ToString();
    if (!key.ok()) return {};
    auto watched = watchtower::TowerClient(tower_->address(), *key).ListWatched();
    EXPECT_TRUE(watched.ok()) << watched.status().ToString();
    return watched.ok() ? *watched : std::vector<watchtower::WatchedChannel>{};
  }
  bool TowerHoldsForAlice(uint64_t version, std::chrono::seconds timeout = 10s) {
    for (auto end = std::chrono::steady_clock::now() + timeout;
         std::chrono::steady_clock::now() < end;) {
      auto watched = WatchedForAlice();
      if (watched.size() == 1 && watched[0].version == version) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  TempDir dir_{"parley-e2e-tower-"};
  std::unique_ptr<Daemon> chain_, a_, b_;
  std::unique_ptr<TowerProcess> tower_;
  std::unique_ptr<v1::Ledger::Stub> ledger_;
  std::string a_id_, b_id_;
};

TEST_F(WatchtowerTest, TheTowerRefutesAStaleRegistrationWhileAliceIsOffline) {
  std::string id = Open(5000, 3000);
  ASSERT_TRUE(Pay(*a_, id, 2000).ok());  // version 1: Alice 3000, Bob 5000
  ASSERT_TRUE(WaitUntil(*b_, id, [](auto& c) { return c.version() == 1; })) << b_->Log();

  // Bob keeps version 1, the state he likes best, read from his stopped
  // node's store: a state both really signed. Then the channel goes on.
  ASSERT_EQ(b_->Stop(SIGTERM), 0);
  channel::ChannelRecord kept;
  {
    auto store =
        store::OpenRocksDb((dir_.path() / "b" / "node").string(), {.create_if_missing = false});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto record = store::ChannelStore(**store).Get(FixedFromHex<32>(id).value());
    ASSERT_TRUE(record.ok()) << record.status().ToString();
    kept = *record;
  }
  ASSERT_EQ(kept.latest.state.version, 1u);
  ASSERT_TRUE(b_->Restart()) << b_->Log();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Pay(*b_, id, 500).ok());
    ASSERT_TRUE(WaitUntil(*b_, id, Idle)) << b_->Log();
  }
  ASSERT_TRUE(Pay(*a_, id, 100).ok());  // version 5: Alice 4400, Bob 3600
  ASSERT_TRUE(WaitUntil(*a_, id, [](auto& c) { return c.version() == 5 && Idle(c); }));
  ASSERT_TRUE(TowerHoldsForAlice(5)) << a_->Log() << tower_->Log();

  // Alice goes offline; Bob stops his node (it would refute its own cheat)
  // and registers the kept state on the devchain.
  ASSERT_EQ(a_->Stop(SIGTERM), 0);
  b_->Stop(SIGKILL);
  v1::RegisterRequest cheat;
  cheat.set_params(wire::ToBytes(kept.params));
  cheat.set_signed_state(wire::ToBytes(kept.latest));
  v1::LedgerReply reply;
  grpc::ClientContext context;
  ASSERT_TRUE(ledger_->Register(&context, cheat, &reply).ok());
  auto registered = Dispute(id);
  ASSERT_TRUE(registered.ok()) << registered.status().ToString();

  // The tower answers with version 5, within the same timeout.
  bool refuted = false;
  for (int i = 0; i < 200 && !refuted; ++i) {
    auto dispute = Dispute(id);
    refuted = dispute.ok() && dispute->state.state.version == 5;
    if (refuted) {
      EXPECT_EQ(dispute->timeout, registered->timeout);
    } else {
      std::this_thread::sleep_for(20ms);
    }
  }
  ASSERT_TRUE(refuted) << tower_->Log();
  auto watched = WatchedForAlice();
  ASSERT_EQ(watched.size(), 1u);
  EXPECT_EQ(watched[0].refuted_version, 1u);

  // Alice comes back after the timeout and withdraws her latest balance.
  ASSERT_TRUE(a_->Restart()) << a_->Log();
  bool withdrawn = false;
  for (int i = 0; i < 500 && !withdrawn; ++i) {
    withdrawn = OnChannel(*a_, id, &v1::Api::Stub::Withdraw).ok();
    if (!withdrawn) std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(withdrawn) << a_->Log();
  EXPECT_EQ(Balance(a_id_), "9400");  // 10000 - 5000 + 4400
  ASSERT_TRUE(b_->Restart()) << b_->Log();
  ASSERT_TRUE(OnChannel(*b_, id, &v1::Api::Stub::Withdraw).ok()) << b_->Log();
  EXPECT_EQ(Balance(b_id_), "10600");  // 10000 - 3000 + 3600

  // The channel is concluded: the tower forgets it, and stops cleanly.
  bool forgotten = false;
  for (int i = 0; i < 200 && !forgotten; ++i) {
    forgotten = WatchedForAlice().empty();
    if (!forgotten) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(forgotten) << tower_->Log();
  EXPECT_EQ(tower_->Stop(SIGTERM), 0) << tower_->Log();
}

class LateWatchtowerTest : public WatchtowerTest {
 protected:
  bool TowerUpFirst() const override { return false; }
};

TEST_F(LateWatchtowerTest, ANodeWorksWhileItsTowerIsDownAndCatchesItUpLater) {
  std::string id = Open(500, 500);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Pay(*a_, id, 10).ok());
    ASSERT_TRUE(WaitUntil(*a_, id, Idle)) << a_->Log();
  }
  EXPECT_EQ(Channel(*a_, id).balances(0).amounts(0), "470");
  EXPECT_NE(a_->Log().find("watchtower unreachable"), std::string::npos) << a_->Log();
  ASSERT_TRUE(tower_->Start()) << tower_->Log();
  // The daemon retries with back-off (0.5 s, doubling) and hands over version 3.
  EXPECT_TRUE(TowerHoldsForAlice(3, 30s)) << a_->Log() << tower_->Log();
}

}  // namespace
}  // namespace parley::e2e
