// End to end: a devchain (parleyd --devchain), the operator daemon
// (parley-statechain) and the parley CLI, one wallet directory per owner. A
// coin is deposited, moves through five wallets and is withdrawn; the
// devchain holds the withdrawal's output. Another coin's exit is refused
// before its backup's lock time and accepted once the devchain reaches it.
#include <gtest/gtest.h>

#include "e2e/daemon_harness.h"
#include "e2e/operator_process.h"
#include "parley/util/bytes.h"
#include "testing/temp_dir.h"

namespace parley::e2e {
namespace {

// The first backup's lock time is the deposit height + kInitlock; each
// transfer lowers it by kInterval.
constexpr int kInitlock = 60;
constexpr int kInterval = 5;

class StatechainCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    world_ = std::make_unique<StatechainWorld>(dir_.path(), devchain_, kInitlock, kInterval);
    std::string log;
    ASSERT_TRUE(world_->Start(&log)) << log;
  }
  void TearDown() override {
    if (world_) {
      const int status = world_->op.Stop(SIGTERM);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << world_->op.Log();
    }
  }

  // `parley --json statecoin ... ARGS` with the wallet of `owner`; its output.
  int Statecoin(const std::string& owner, std::vector<std::string> args, std::string* out,
                bool json = false) {
    std::vector<std::string> full = {"statecoin",
                                     "--operator",
                                     world_->op.address(),
                                     "--chain",
                                     "sim://" + devchain_,
                                     "--wallet-dir",
                                     (dir_.path() / owner).string(),
                                     "--interval",
                                     std::to_string(kInterval)};
    if (json) full.insert(full.begin(), "--json");
    full.insert(full.end(), args.begin(), args.end());
    return RunCli(full, out);
  }
  std::string Address(const std::string& owner) {
    std::string out;
    EXPECT_EQ(Statecoin(owner, {"address"}, &out), 0) << out;
    return out.substr(0, out.find('\n'));
  }
  // The coin id a deposit printed.
  std::string Deposit(const std::string& owner, const std::string& sats) {
    std::string out;
    EXPECT_EQ(Statecoin(owner, {"deposit", "--amount", sats}, &out), 0) << out;
    const size_t at = out.find("coin      ");
    return at == std::string::npos ? "" : out.substr(at + 10, 64);
  }

  TempDir dir_{"parley-statechain-"};
  std::string devchain_ = Local(FreePort());
  std::unique_ptr<StatechainWorld> world_;
};

TEST_F(StatechainCliTest, ACoinMovesThroughFiveWalletsAndIsWithdrawn) {
  const std::string coin = Deposit("owner0", "100000");
  ASSERT_EQ(coin.size(), 64u);
  std::string out;
  ASSERT_EQ(Statecoin("owner0", {"list"}, &out), 0) << out;
  EXPECT_NE(out.find(coin), std::string::npos) << out;
  EXPECT_NE(out.find("held"), std::string::npos) << out;

  for (int hop = 1; hop <= 5; ++hop) {
    const std::string from = "owner" + std::to_string(hop - 1);
    const std::string to = "owner" + std::to_string(hop);
    const std::string file = (dir_.path() / ("transfer" + std::to_string(hop))).string();
    ASSERT_EQ(Statecoin(from, {"transfer", coin, Address(to), "--out", file}, &out), 0) << out;
    ASSERT_EQ(Statecoin(to, {"receive", file}, &out), 0) << out;
    EXPECT_NE(out.find("received  " + coin), std::string::npos) << out;
    EXPECT_NE(out.find("lock time " + std::to_string(kInitlock - hop * kInterval)),
              std::string::npos)
        << out;
    // The message cannot be received twice, nor the coin sent again.
    EXPECT_NE(Statecoin(to, {"receive", file}, &out), 0) << out;
    EXPECT_NE(Statecoin(from, {"transfer", coin, Address(to)}, &out), 0) << out;
    EXPECT_NE(out.find("has been sent"), std::string::npos) << out;
  }

  const std::string script = "5120" + std::string(64, 'a');
  ASSERT_EQ(Statecoin("owner5", {"withdraw", coin, "--to", script}, &out, /*json=*/true), 0) << out;
  const std::string txid_display = JsonString(out, "txid");
  ASSERT_EQ(txid_display.size(), 64u) << out;
  // The devchain holds the withdrawal's output (txids print reversed).
  Bytes txid = FromHex(txid_display).value();
  std::reverse(txid.begin(), txid.end());
  v1::GetUtxoRequest request;
  request.mutable_outpoint()->set_txid(std::string(txid.begin(), txid.end()));
  v1::GetUtxoReply utxo;
  grpc::ClientContext context;
  auto ledger =
      v1::Ledger::NewStub(grpc::CreateChannel(devchain_, grpc::InsecureChannelCredentials()));
  ASSERT_TRUE(ledger->GetUtxo(&context, request, &utxo).ok());
  EXPECT_EQ(utxo.sats(), 100000 - 500);
  EXPECT_EQ(ToHex(AsBytes(utxo.script_pubkey())), script);

  ASSERT_EQ(Statecoin("owner5", {"list"}, &out), 0) << out;
  EXPECT_EQ(out.find(coin), std::string::npos) << out;
}

TEST_F(StatechainCliTest, ExitWaitsForTheBackupsLockTime) {
  const std::string coin = Deposit("owner", "50000");
  ASSERT_EQ(coin.size(), 64u);
  std::string out;
  ASSERT_NE(Statecoin("owner", {"exit", coin}, &out), 0) << out;
  const size_t at = out.find("valid at height ");
  ASSERT_NE(at, std::string::npos) << out;
  const int lock_time = std::stoi(out.substr(at + 16));
  EXPECT_GE(lock_time, kInitlock);

  ASSERT_EQ(RunCli({"devchain", "--chain", devchain_, "advance", std::to_string(lock_time)}, &out),
            0)
      << out;
  ASSERT_EQ(Statecoin("owner", {"exit", coin}, &out), 0) << out;
  EXPECT_NE(out.find("exited    " + coin), std::string::npos) << out;
  EXPECT_NE(Statecoin("owner", {"exit", coin}, &out), 0) << out;
}

TEST_F(StatechainCliTest, BadArgumentsGetClearErrors) {
  std::string out;
  EXPECT_NE(Statecoin("w", {"deposit", "--amount", "10"}, &out), 0);
  EXPECT_NE(out.find("--amount 10 must be between"), std::string::npos) << out;
  EXPECT_NE(Statecoin("w", {"transfer", "zz", Address("v")}, &out), 0);
  EXPECT_NE(out.find("not 64 hex digits"), std::string::npos) << out;
  EXPECT_NE(Statecoin("w", {"transfer", std::string(64, '0'), "nonsense"}, &out), 0);
  EXPECT_NE(out.find("AUTH_KEY:BACKUP_KEY"), std::string::npos) << out;
  EXPECT_NE(Statecoin("w", {"receive", "not-hex-nor-file"}, &out), 0);
  EXPECT_NE(out.find("neither a readable file"), std::string::npos) << out;
  EXPECT_NE(Statecoin("w", {"withdraw", std::string(64, '0'), "--to", "xyz"}, &out), 0);
  EXPECT_NE(out.find("neither own nor a scriptPubKey"), std::string::npos) << out;
  EXPECT_NE(Statecoin("w", {"exit", std::string(64, '0')}, &out), 0);
  EXPECT_NE(out.find("holds no backup"), std::string::npos) << out;
}

}  // namespace
}  // namespace parley::e2e
