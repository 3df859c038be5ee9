// End to end: a streamer's parleyd hosts the devchain; two fans' daemons join
// it, open tipping channels to the streamer and tip through the parley CLI;
// the streamer reads the leaderboard and cashes out every channel at once.
#include <gtest/gtest.h>

#include "e2e/daemon_harness.h"
#include "testing/temp_dir.h"

namespace parley::e2e {
namespace {

class TippingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The streamer deposits nothing, so it needs no --max-deposit.
    streamer_ = std::make_unique<Daemon>(
        dir_.path() / "streamer",
        std::vector<std::string>{"--devchain", devchain_, "--devchain-dev-calls", "--tick-ms",
                                 "50"});
    ASSERT_TRUE(streamer_->Start()) << streamer_->Log();
    streamer_id_ = NodeId(*streamer_);
    for (const char* name : {"fan1", "fan2"}) {
      fans_.push_back(std::make_unique<Daemon>(
          dir_.path() / name, std::vector<std::string>{"--chain", "sim://" + devchain_}));
      ASSERT_TRUE(fans_.back()->Start()) << fans_.back()->Log();
      fan_ids_.push_back(NodeId(*fans_.back()));
      std::string out;
      ASSERT_EQ(RunCli({"devchain", "--chain", devchain_, "mint", fan_ids_.back(), "1000"}, &out),
                0)
          << out;
      ASSERT_EQ(Cli(*fans_.back(),
                    {"peer", "connect", streamer_id_ + "@" + streamer_->listen_address()}, &out),
                0)
          << out;
    }
  }

  static std::string NodeId(Daemon& d) {
    v1::NodeInfo info;
    grpc::ClientContext context;
    EXPECT_TRUE(d.api().GetInfo(&context, v1::GetInfoRequest(), &info).ok());
    return info.node_id();
  }
  // The parley CLI against `d`'s API.
  static int Cli(Daemon& d, std::vector<std::string> args, std::string* out) {
    args.insert(args.begin(), {"--node", d.api_address()});
    return RunCli(args, out);
  }
  std::string LedgerBalance(const std::string& node_id) {
    std::string out;
    EXPECT_EQ(RunCli({"devchain", "--chain", devchain_, "balance", node_id}, &out), 0) << out;
    return out.substr(0, out.find('\n'));
  }
  static v1::ChannelInfo Channel(Daemon& d, const std::string& id) {
    v1::GetChannelRequest request;
    request.set_channel_id(id);
    v1::ChannelInfo info;
    grpc::ClientContext context;
    EXPECT_TRUE(d.api().GetChannel(&context, request, &info).ok());
    return info;
  }
  // The fan opens a channel to the streamer with `deposit`; its id.
  std::string OpenTipJar(Daemon& fan, const std::string& deposit) {
    std::string out;
    EXPECT_EQ(Cli(fan, {"tips", "open", "--streamer", streamer_id_, "--deposit", deposit}, &out), 0)
        << out;
    EXPECT_NE(out.find("phase     open"), std::string::npos) << out;
    EXPECT_NE(out.find("tipped    0 in all"), std::string::npos) << out;
    size_t at = out.find("channel   ");
    return at == std::string::npos ? "" : out.substr(at + 10, 64);
  }
  // The fan tips through the CLI; fails the test if the tip is refused.
  void Tip(Daemon& fan, const std::string& id, const std::string& amount,
           const std::string& message) {
    std::string out;
    ASSERT_EQ(Cli(fan, {"tip", id, amount, message}, &out), 0) << out;
    EXPECT_NE(out.find("last message: " + message), std::string::npos) << out;
  }

  TempDir dir_{"parley-tips-"};
  std::string devchain_ = Local(FreePort());
  std::unique_ptr<Daemon> streamer_;
  std::vector<std::unique_ptr<Daemon>> fans_;
  std::string streamer_id_;
  std::vector<std::string> fan_ids_;
};

TEST_F(TippingTest, FansTipTheLeaderboardRanksThemAndOneCashoutPaysEveryTip) {
  std::string out;
  std::string jar1 = OpenTipJar(*fans_[0], "500");
  std::string jar2 = OpenTipJar(*fans_[1], "300");
  ASSERT_EQ(jar1.size(), 64u);
  ASSERT_EQ(jar2.size(), 64u);

  Tip(*fans_[0], jar1, "100", "great stream");
  Tip(*fans_[0], jar1, "50", "gg");
  Tip(*fans_[0], jar1, "25", "see you tomorrow 🎉");  // fan 1: 175 in all
  Tip(*fans_[1], jar2, "200", "first time here");
  Tip(*fans_[1], jar2, "60", "love the music");  // fan 2: 260 in all, 40 left

  // Refused with the reason, and nothing changes: a tip above the balance, a
  // message too long, a tip from the streamer.
  v1::ChannelInfo before = Channel(*fans_[1], jar2);
  EXPECT_EQ(Cli(*fans_[1], {"tip", jar2, "41", "one more"}, &out), 1);
  EXPECT_NE(out.find("a tip of 41 is above the fan's balance of 40"), std::string::npos) << out;
  EXPECT_EQ(Cli(*fans_[1], {"tip", jar2, "1", std::string(141, 'x')}, &out), 1);
  EXPECT_NE(out.find("at most 140 bytes"), std::string::npos) << out;
  EXPECT_EQ(Cli(*streamer_, {"tip", jar2, "1", "self"}, &out), 1);
  EXPECT_NE(out.find("only the fan tips"), std::string::npos) << out;
  v1::ChannelInfo after = Channel(*fans_[1], jar2);
  EXPECT_EQ(after.version(), before.version());
  EXPECT_EQ(after.balances(0).amounts(0), "40");
  EXPECT_EQ(after.app_data(), before.app_data());

  // Fan 2 leads with 260, fan 1 follows with 175.
  ASSERT_EQ(Cli(*streamer_, {"tips", "leaderboard"}, &out), 0) << out;
  size_t first = out.find("1     " + fan_ids_[1].substr(0, 16) + "    260  love the music");
  size_t second = out.find("2     " + fan_ids_[0].substr(0, 16) + "    175  see you tomorrow 🎉");
  EXPECT_NE(first, std::string::npos) << out;
  EXPECT_NE(second, std::string::npos) << out;
  EXPECT_LT(first, second) << out;
  ASSERT_EQ(Cli(*streamer_, {"--json", "tips", "leaderboard"}, &out), 0) << out;
  EXPECT_LT(out.find("\"fan\": \"" + fan_ids_[1] + "\""), out.find("\"fan\": \"" + fan_ids_[0]))
      << out;
  EXPECT_NE(out.find("\"total\": \"260\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"lastMessage\": \"love the music\""), std::string::npos) << out;
  // The fans are not streamers: their leaderboards are empty.
  ASSERT_EQ(Cli(*fans_[0], {"tips", "leaderboard"}, &out), 0) << out;
  EXPECT_NE(out.find("no fans yet"), std::string::npos) << out;

  // One command closes and withdraws both channels.
  ASSERT_EQ(Cli(*streamer_, {"tips", "cashout"}, &out), 0) << out;
  EXPECT_NE(out.find("cashed 175 from channel " + jar1), std::string::npos) << out;
  EXPECT_NE(out.find("cashed 260 from channel " + jar2), std::string::npos) << out;
  EXPECT_NE(out.find("total     435 from 2 channel(s)"), std::string::npos) << out;
  EXPECT_EQ(LedgerBalance(streamer_id_), "435");  // exactly the tips
  for (const std::string& id : {jar1, jar2})
    EXPECT_EQ(Channel(*streamer_, id).phase(), "withdrawn");
  // Withdrawn channels are skipped the next time.
  ASSERT_EQ(Cli(*streamer_, {"tips", "cashout"}, &out), 0) << out;
  EXPECT_NE(out.find("total     0 from 0 channel(s)"), std::string::npos) << out;
  EXPECT_EQ(LedgerBalance(streamer_id_), "435");

  // The fans withdraw what they did not tip; nothing was created or lost.
  ASSERT_EQ(Cli(*fans_[0], {"channel", "withdraw", jar1}, &out), 0) << out;
  ASSERT_EQ(Cli(*fans_[1], {"channel", "withdraw", jar2}, &out), 0) << out;
  EXPECT_EQ(LedgerBalance(fan_ids_[0]), "825");  // 1000 - 175
  EXPECT_EQ(LedgerBalance(fan_ids_[1]), "740");  // 1000 - 260
}

TEST_F(TippingTest, CashoutReportsAChannelItCannotCloseAndCashesTheOthers) {
  std::string out;
  std::string jar1 = OpenTipJar(*fans_[0], "100");
  std::string jar2 = OpenTipJar(*fans_[1], "100");
  Tip(*fans_[0], jar1, "10", "hi");
  Tip(*fans_[1], jar2, "20", "hello");
  fans_[0]->Stop(SIGKILL);  // fan 1 cannot sign the close

  EXPECT_EQ(Cli(*streamer_, {"tips", "cashout"}, &out), 1) << out;
  EXPECT_NE(out.find("channel " + jar1 + " (fan " + fan_ids_[0].substr(0, 16) + ")"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("is the peer connected?"), std::string::npos) << out;
  EXPECT_NE(out.find("cashed 20 from channel " + jar2), std::string::npos) << out;
  EXPECT_NE(out.find("1 channel(s) could not be cashed out"), std::string::npos) << out;
  EXPECT_EQ(LedgerBalance(streamer_id_), "20");
  EXPECT_EQ(Channel(*streamer_, jar1).phase(), "open");
}

}  // namespace
}  // namespace parley::e2e
