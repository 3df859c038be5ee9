// End to end: two parleyd processes on loopback, A hosting the devchain and B
// joining it, driven through the client API and the parley CLI.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "e2e/daemon_harness.h"
#include "parley/channel/scheme.h"
#include "parley/crypto/random.h"
#include "parley/crypto/schnorr.h"
#include "parley/wire/grpc_common.h"
#include "parley/wire/messages.h"
#include "testing/raw_peer.h"
#include "testing/temp_dir.h"

namespace parley::e2e {
namespace {

using namespace std::chrono_literals;

class TwoDaemonsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string devchain = Local(FreePort());
    std::vector<std::string> a_flags = {"--devchain", devchain, "--devchain-dev-calls",
                                        "--tick-ms",  "50",     "--max-deposit",
                                        "1000000"};
    std::vector<std::string> b_flags = {"--chain", "sim://" + devchain, "--max-deposit", "1000000"};
    for (auto* flags : {&a_flags, &b_flags}) {
      flags->insert(flags->end(), tuning_flags_.begin(), tuning_flags_.end());
    }
    a_ = std::make_unique<Daemon>(dir_.path() / "a", a_flags);
    b_ = std::make_unique<Daemon>(dir_.path() / "b", b_flags);
    ASSERT_TRUE(a_->Start()) << a_->Log();
    ASSERT_TRUE(b_->Start()) << b_->Log();
    ledger_ =
        v1::Ledger::NewStub(grpc::CreateChannel(devchain, grpc::InsecureChannelCredentials()));
    a_id_ = Info(*a_).node_id();
    b_id_ = Info(*b_).node_id();
    Mint(a_id_, 10'000);
    Mint(b_id_, 10'000);
    ASSERT_TRUE(ConnectPeer(*a_, *b_, b_id_).ok());
  }
  void Mint(const std::string& node_id, uint64_t amount) {
    v1::MintRequest r;
    auto key = FromHex(node_id).value();
    r.set_account(std::string(key.begin(), key.end()));
    r.set_asset("native");
    r.set_amount(wire::AmountToBytes(amount));
    v1::LedgerReply reply;
    grpc::ClientContext context;
    ASSERT_TRUE(ledger_->Mint(&context, r, &reply).ok());
  }
  std::string Balance(const std::string& node_id) {
    v1::GetBalanceRequest r;
    auto key = FromHex(node_id).value();
    r.set_account(std::string(key.begin(), key.end()));
    r.set_asset("native");
    v1::GetBalanceReply reply;
    grpc::ClientContext context;
    EXPECT_TRUE(ledger_->GetBalance(&context, r, &reply).ok());
    return channel::ToString(wire::AmountFromBytes(reply.amount()).value());
  }

  std::string Open(uint64_t mine, uint64_t theirs) {
    v1::ChannelInfo info;
    grpc::Status s = ProposePaymentChannel(*a_, b_id_, mine, theirs, 10, &info);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_TRUE(WaitUntil(*a_, info.channel_id(), [](auto& c) { return c.phase() == "open"; }));
    EXPECT_TRUE(WaitUntil(*b_, info.channel_id(), [](auto& c) { return c.phase() == "open"; }));
    return info.channel_id();
  }

  std::vector<std::string> Balances(const v1::ChannelInfo& c) {
    return {c.balances(0).amounts(0), c.balances(0).amounts(1)};
  }

  std::vector<std::string> tuning_flags_;  // both daemons get them; a subclass sets them
  TempDir dir_{"parley-e2e-"};
  std::unique_ptr<Daemon> a_, b_;
  std::unique_ptr<v1::Ledger::Stub> ledger_;
  std::string a_id_, b_id_;
};

TEST_F(TwoDaemonsTest, AThousandPaymentsThenACooperativeCloseSettleExactly) {
  std::string id = Open(5000, 3000);
  for (int i = 0; i < 1000; ++i) {
    grpc::Status s = Pay(i % 4 == 3 ? *b_ : *a_, id, 3);
    ASSERT_TRUE(s.ok()) << "payment " << i << ": " << s.error_message();
  }
  ASSERT_TRUE(WaitUntil(*a_, id, Idle));
  ASSERT_TRUE(WaitUntil(*b_, id, Idle));
  // 750 payments of 3 from A, 250 from B: A ends at 5000 - 2250 + 750.
  EXPECT_EQ(Balances(Channel(*a_, id)), (std::vector<std::string>{"3500", "4500"}));
  EXPECT_EQ(Channel(*a_, id).version(), Channel(*b_, id).version());

  ASSERT_TRUE(OnChannel(*a_, id, &v1::Api::Stub::CloseChannel).ok());
  for (Daemon* d : {a_.get(), b_.get()}) {  // both have the final state
    ASSERT_TRUE(WaitUntil(*d, id, [](auto& c) { return c.phase() == "final"; }));
  }
  ASSERT_TRUE(OnChannel(*a_, id, &v1::Api::Stub::Withdraw).ok());
  ASSERT_TRUE(OnChannel(*b_, id, &v1::Api::Stub::Withdraw).ok());
  EXPECT_EQ(Balance(a_id_), "8500");   // 10000 - 5000 + 3500
  EXPECT_EQ(Balance(b_id_), "11500");  // 10000 - 3000 + 4500
  EXPECT_EQ(a_->Stop(SIGTERM), 0);     // a clean shutdown
}

class OneActionPerStateDaemonsTest : public TwoDaemonsTest {
 protected:
  OneActionPerStateDaemonsTest() {
    tuning_flags_ = {"--updates-in-flight", "2", "--actions-per-update", "1"};
  }
};

TEST_F(OneActionPerStateDaemonsTest, EachPaymentGetsACoSignedStateOfItsOwn) {
  std::string id = Open(5000, 3000);
  uint64_t before = Channel(*a_, id).version();
  // Four clients at once, so that payments queue behind the window: without
  // the flag they would share states (7-10 versions where this was tried).
  std::vector<std::thread> clients;
  std::atomic<int> paid = 0;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&] {
      for (int i = 0; i < 5; ++i) paid += Pay(*a_, id, 1).ok() ? 1 : 0;
    });
  }
  for (auto& client : clients) client.join();
  ASSERT_EQ(paid, 20);
  ASSERT_TRUE(WaitUntil(*a_, id, Idle));
  ASSERT_TRUE(WaitUntil(*b_, id, Idle));
  EXPECT_EQ(Channel(*b_, id).version(), before + 20);
  EXPECT_EQ(Balances(Channel(*b_, id)), (std::vector<std::string>{"4980", "3020"}));
}

TEST_F(TwoDaemonsTest, AKilledDaemonComesBackAndNoAcknowledgedPaymentIsLost) {
  std::string id = Open(5000, 3000);
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(Pay(*a_, id, 1).ok());
    ASSERT_TRUE(WaitUntil(*a_, id, Idle));  // acknowledged: fully signed at A
  }
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(Pay(*a_, id, 1).ok());  // in the air...
  b_->Stop(SIGKILL);                                               // ...when B dies
  ASSERT_TRUE(b_->Start()) << b_->Log();  // same data directory, same ports
  ASSERT_TRUE(WaitUntil(*a_, id, Idle)) << "A's payments never completed";
  v1::ChannelInfo at_a = Channel(*a_, id);
  v1::ChannelInfo at_b = Channel(*b_, id);
  EXPECT_EQ(at_a.version(), at_b.version());
  EXPECT_EQ(Balances(at_a), Balances(at_b));
  EXPECT_EQ(Balances(at_a), (std::vector<std::string>{"4950", "3050"}));  // all 50 landed
  ASSERT_TRUE(Pay(*b_, id, 7).ok());                                      // and the channel goes on
  ASSERT_TRUE(WaitUntil(*a_, id, [](auto& c) { return c.balances(0).amounts(0) == "4957"; }));
}

TEST_F(TwoDaemonsTest, ForceCloseSettlesWhenThePeerStopsAnswering) {
  std::string id = Open(500, 500);
  ASSERT_TRUE(Pay(*a_, id, 100).ok());
  ASSERT_TRUE(WaitUntil(*a_, id, Idle));
  b_->Stop(SIGKILL);
  ASSERT_TRUE(OnChannel(*a_, id, &v1::Api::Stub::ForceClose).ok());
  grpc::Status early = OnChannel(*a_, id, &v1::Api::Stub::Withdraw);
  EXPECT_EQ(early.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(early.error_message().find("can be concluded from tick"), std::string::npos);
  // The devchain ticks every 50 ms; the challenge lasts 10 ticks (0.5 s).
  bool settled = false;
  for (int i = 0; i < 200 && !settled; ++i) {
    std::this_thread::sleep_for(20ms);
    settled = OnChannel(*a_, id, &v1::Api::Stub::Withdraw).ok();
  }
  ASSERT_TRUE(settled);
  EXPECT_EQ(Channel(*a_, id).phase(), "withdrawn");
  EXPECT_EQ(Balance(a_id_), "9900");  // 10000 - 500 + 400
}

TEST_F(TwoDaemonsTest, TheApiNamesWhatIsWrongWithACall) {
  v1::OpenChannelRequest open;
  v1::ChannelInfo info;
  grpc::ClientContext c1;
  grpc::Status s = a_->api().OpenChannel(&c1, open, &info);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("peer is required"), std::string::npos);
  // The backend and its arguments reach the node, which names what it lacks.
  open.set_peer(b_id_);
  open.set_app("payment");
  open.set_my_deposit("10");
  open.set_peer_deposit("0");
  open.set_backend("statechain");
  grpc::ClientContext c6;
  s = a_->api().OpenChannel(&c6, open, &info);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(s.error_message().find("backend 'statechain'"), std::string::npos) << s.error_message();
  open.set_backend("");
  open.set_backend_args("coin");
  grpc::ClientContext c7;
  s = a_->api().OpenChannel(&c7, open, &info);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("takes no backend arguments"), std::string::npos)
      << s.error_message();

  std::string id = Open(10, 10);
  v1::PayRequest pay;
  pay.set_channel_id(id);
  pay.set_amount("ten");
  grpc::ClientContext c2;
  s = a_->api().Pay(&c2, pay, &info);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("digits only"), std::string::npos);

  pay.set_amount("11");
  grpc::ClientContext c3;
  s = a_->api().Pay(&c3, pay, &info);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("insufficient balance"), std::string::npos);

  v1::GetChannelRequest get;
  get.set_channel_id(std::string(64, 'a'));
  grpc::ClientContext c4;
  s = a_->api().GetChannel(&c4, get, &info);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  get.set_channel_id("zz");
  grpc::ClientContext c5;
  s = a_->api().GetChannel(&c5, get, &info);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(TwoDaemonsTest, TheCliDrivesTheNode) {
  std::string out;
  ASSERT_EQ(RunCli({"--node", a_->api_address(), "info"}, &out), 0) << out;
  EXPECT_NE(out.find(a_id_), std::string::npos);
  ASSERT_EQ(RunCli({"--node", a_->api_address(), "channel", "open", "--peer", b_id_, "--app",
                    "payment", "--deposit", "100:40"},
                   &out),
            0)
      << out;
  EXPECT_NE(out.find("phase     open"), std::string::npos) << out;
  std::string id = out.substr(out.find("channel   ") + 10, 64);
  ASSERT_EQ(RunCli({"--node", a_->api_address(), "pay", id, "25"}, &out), 0) << out;
  EXPECT_NE(out.find("native: 75 / 65"), std::string::npos) << out;
  ASSERT_EQ(RunCli({"--node", b_->api_address(), "--json", "channel", "list"}, &out), 0) << out;
  EXPECT_NE(out.find(id), std::string::npos);
  EXPECT_EQ(RunCli({"--node", a_->api_address(), "pay", id, "1000"}, &out), 1);
  EXPECT_NE(out.find("insufficient balance"), std::string::npos) << out;
}

TEST_F(TwoDaemonsTest, TwoPlayersPlayChessThroughTheCliAndTheWinnerTakesTheStakes) {
  std::string out;
  ASSERT_EQ(
      RunCli({"--node", a_->api_address(), "chess", "new", "--peer", b_id_, "--stake", "50"}, &out),
      0)
      << out;
  EXPECT_NE(out.find("white to move"), std::string::npos) << out;
  std::string id = out.substr(out.find("channel ") + 8, 64);
  // Fool's mate: A is white, B black; each sees the board from its side.
  const std::vector<std::pair<Daemon*, std::string>> moves = {
      {a_.get(), "f3"}, {b_.get(), "e5"}, {a_.get(), "g2g4"}, {b_.get(), "Qh4#"}};
  for (const auto& [player, move] : moves) {
    ASSERT_EQ(RunCli({"--node", player->api_address(), "chess", "move", id, move}, &out), 0)
        << move << ": " << out;
    if (move == "f3") {  // out of turn, and a malformed move: refused, nothing changes
      EXPECT_EQ(RunCli({"--node", a_->api_address(), "chess", "move", id, "e4"}, &out), 1);
      EXPECT_NE(out.find("it is black (participant 1)'s turn to move"), std::string::npos) << out;
      EXPECT_EQ(RunCli({"--node", b_->api_address(), "chess", "move", id, "e9"}, &out), 1);
      EXPECT_EQ(Channel(*b_, id).version(), 1u);
    }
  }
  EXPECT_NE(out.find("0-1 checkmate"), std::string::npos) << out;
  EXPECT_EQ(out.substr(0, out.find('\n')), "1  ♖ ♘ ♗ ♔ ♕ ♗ ♘ ♖");  // black's view
  // After the game nothing more is played: the channel holds the final state.
  EXPECT_EQ(RunCli({"--node", a_->api_address(), "chess", "move", id, "e4"}, &out), 1);
  EXPECT_NE(out.find("is final; updates need an open channel"), std::string::npos) << out;
  for (Daemon* d : {a_.get(), b_.get()}) {
    // Final, or already past it: A's withdrawal puts the final state on the
    // ledger, and B may see that before it looks.
    ASSERT_TRUE(WaitUntil(*d, id, [](auto& c) {
      return c.phase() == "final" || c.phase() == "disputed" || c.phase() == "concluded";
    }));
    ASSERT_TRUE(OnChannel(*d, id, &v1::Api::Stub::Withdraw).ok());
  }
  EXPECT_EQ(Balance(a_id_), "9950");   // lost the stake
  EXPECT_EQ(Balance(b_id_), "10050");  // took the pot
}

TEST_F(TwoDaemonsTest, AStreamOfVouchersThroughTheCliSettlesWhatWasPaid) {
  std::string out;
  ASSERT_EQ(RunCli({"--node", a_->api_address(), "stream", "open", "--peer", b_id_, "--deposit",
                    "100", "--price", "7"},
                   &out),
            0)
      << out;
  std::string id = out.substr(out.find("stream  ") + 8, 64);
  ASSERT_EQ(RunCli({"--node", a_->api_address(), "stream", "start", id, "--units", "9"}, &out), 0)
      << out;
  EXPECT_NE(out.find("paid    63 for 9 units (best voucher, version 9)"), std::string::npos) << out;
  ASSERT_TRUE(WaitUntil(*b_, id, [](auto& c) { return c.offer().version() == 9; }));
  // 37 is left: five more units go through, the sixth is refused with the reason.
  EXPECT_EQ(RunCli({"--node", a_->api_address(), "stream", "start", id, "--units", "6"}, &out), 1);
  EXPECT_NE(out.find("the balance pays for 0 more unit(s), not 1"), std::string::npos) << out;
  ASSERT_TRUE(WaitUntil(*b_, id, [](auto& c) { return c.offer().version() == 14; }));
  ASSERT_EQ(RunCli({"--node", b_->api_address(), "stream", "show", id}, &out), 0) << out;
  EXPECT_NE(out.find("paid    98 for 14 units"), std::string::npos) << out;
  ASSERT_EQ(RunCli({"--node", b_->api_address(), "stream", "stop", id}, &out), 0) << out;
  EXPECT_NE(out.find("withdrew 98"), std::string::npos) << out;
  ASSERT_TRUE(OnChannel(*a_, id, &v1::Api::Stub::Withdraw).ok());
  EXPECT_EQ(Balance(a_id_), "9902");
  EXPECT_EQ(Balance(b_id_), "10098");
}

// The API is usable from any gRPC client: here, Python with Debian's grpcio,
// stubs generated from api.proto at run time.
TEST_F(TwoDaemonsTest, AClientInPythonOpensAChannelAndPays) {
  std::string command = std::string("/usr/bin/python3 ") + PARLEY_SOURCE_DIR +
                        "/tests/e2e/python_client.py " + PARLEY_SOURCE_DIR + "/proto " +
                        a_->api_address() + " " + b_id_ + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  EXPECT_EQ(pclose(pipe), 0) << out;
  EXPECT_NE(out.find("python client: ok"), std::string::npos) << out;
}

// Bad input from the network against a running parleyd: each kind is refused
// (with a reason where there is a channel to name), and the daemon keeps
// serving its channel with B throughout.
TEST_F(TwoDaemonsTest, BadPeersDoNotStopTheDaemon) {
  std::string id = Open(500, 500);
  auto still_serving = [&](uint64_t amount, const std::string& a_balance) {
    ASSERT_TRUE(Pay(*a_, id, amount).ok());
    ASSERT_TRUE(WaitUntil(*a_, id, Idle));
    EXPECT_EQ(Channel(*a_, id).balances(0).amounts(0), a_balance);
  };

  // A peer that cannot prove its key.
  {
    wire::testing::RawPeer impostor(a_->listen_address());
    std::string challenge;
    wire::PeerId them = crypto::PrivateKey::Generate().public_key();
    ASSERT_TRUE(impostor.SayHello(them, &challenge, &them));
    ASSERT_TRUE(impostor.SendProof(
        crypto::SchnorrSign(crypto::PrivateKey::Generate(), crypto::RandomHash32())));
    EXPECT_EQ(impostor.Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
  still_serving(1, "499");

  // An authenticated stranger: a malformed frame, an update for a channel
  // the daemon does not know, and one for A and B's channel.
  crypto::PrivateKey stranger = crypto::PrivateKey::Generate();
  wire::testing::RawPeer peer(a_->listen_address());
  ASSERT_TRUE(peer.Handshake(stranger));
  v1::Frame malformed;
  malformed.mutable_update_proposal()->set_channel_id(std::string(32, '\1'));
  malformed.mutable_update_proposal()->set_state("not a state");
  ASSERT_TRUE(peer.Write(malformed));
  auto propose = [&](const channel::ChannelId& channel, uint64_t version) {
    channel::State state{.channel_id = channel,
                         .version = version,
                         .allocation = {{{.asset = "native", .balances = {0, 1000}}}}};
    channel::Bip340Scheme scheme;
    v1::Frame f;
    f.mutable_update_proposal()->set_channel_id(std::string(channel.begin(), channel.end()));
    f.mutable_update_proposal()->set_state(wire::ToBytes(state));
    auto sig = scheme.Sign(stranger, scheme.StateHash(state));
    f.mutable_update_proposal()->set_signature(std::string(sig.begin(), sig.end()));
    f.mutable_update_proposal()->set_base_state_hash(std::string(32, '\0'));
    ASSERT_TRUE(peer.Write(f));
  };
  propose(crypto::RandomHash32(), 1);
  auto ab = FixedFromHex<32>(id).value();
  propose(ab, Channel(*a_, id).version() + 1);
  // The two channels are handled concurrently: their answers come in either order.
  std::set<uint32_t> codes;
  v1::Frame reply;
  while (codes.size() < 2 && peer.Read(&reply)) {
    if (reply.has_update_reject()) codes.insert(reply.update_reject().code());
  }
  EXPECT_EQ(codes, (std::set<uint32_t>{static_cast<uint32_t>(StatusCode::kNotFound),
                                       static_cast<uint32_t>(StatusCode::kPermissionDenied)}));
  still_serving(1, "498");

  // A frame over the size limit ends that stream only.
  v1::Frame huge;
  huge.mutable_channel_reject()->set_reason(std::string(wire::kMaxMessageSize + 10'000, 'x'));
  peer.Write(huge);
  EXPECT_EQ(peer.Finish().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  still_serving(1, "497");
  EXPECT_EQ(Channel(*b_, id).balances(0).amounts(0), "497");
}

}  // namespace
}  // namespace parley::e2e
