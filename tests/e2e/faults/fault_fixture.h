// What the fault-injection suite shares: its run length (bounded or soak),
// the devchain's ledger calls, and channel calls that report every failure.
#pragma once

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "e2e/daemon_harness.h"
#include "parley/channel/amount.h"
#include "parley/store/store.h"
#include "parley/wire/grpc_common.h"
#include "testing/temp_dir.h"

namespace parley::e2e::faults {

// PARLEY_FAULT_SOAK=1 (any value but empty or 0) runs the soak mode: more
// kill rounds and a longer load. Without it every test is bounded, so that
// the suite fits in scripts/test.
inline bool SoakMode() {
  const char* soak = std::getenv("PARLEY_FAULT_SOAK");
  return soak != nullptr && std::string(soak) != "" && std::string(soak) != "0";
}

// The devchain as its Ledger service: the faucet and account balances.
class LedgerClient {
 public:
  explicit LedgerClient(const std::string& address)
      : stub_(
            v1::Ledger::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()))) {
  }

  grpc::Status Mint(const std::string& node_id, uint64_t amount) {
    v1::MintRequest r;
    r.set_account(KeyBytes(node_id));
    r.set_asset("native");
    r.set_amount(wire::AmountToBytes(amount));
    v1::LedgerReply reply;
    grpc::ClientContext context;
    return stub_->Mint(&context, r, &reply);
  }

  // The account's native balance; fails the test if the call fails.
  uint64_t Balance(const std::string& node_id) {
    v1::GetBalanceRequest r;
    r.set_account(KeyBytes(node_id));
    r.set_asset("native");
    v1::GetBalanceReply reply;
    grpc::ClientContext context;
    grpc::Status s = stub_->GetBalance(&context, r, &reply);
    EXPECT_TRUE(s.ok()) << s.error_message();
    auto amount = wire::AmountFromBytes(reply.amount());
    return amount.ok() ? static_cast<uint64_t>(*amount) : 0;
  }

 private:
  static std::string KeyBytes(const std::string& node_id) {
    Bytes key = FromHex(node_id).value();
    return {key.begin(), key.end()};
  }

  std::unique_ptr<v1::Ledger::Stub> stub_;
};

// GetChannel with its status, which daemon_harness's Channel() drops: a
// killed daemon's answer must not read as version 0.
inline grpc::Status TryChannel(Daemon& d, const std::string& id, v1::ChannelInfo* info) {
  v1::GetChannelRequest r;
  r.set_channel_id(id);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return d.api().GetChannel(&context, r, info);
}

inline uint64_t BalanceOf(const v1::ChannelInfo& c, int participant) {
  return std::stoull(c.balances(0).amounts(participant));
}

// `from` proposes a payment channel to `peer_id` and waits until both sides
// hold it open; the channel id, or "" after a failure the test reports.
inline std::string OpenPaymentChannel(Daemon& from, Daemon& to, const std::string& peer_id,
                                      uint64_t mine, uint64_t theirs) {
  v1::ChannelInfo info;
  grpc::Status s = ProposePaymentChannel(from, peer_id, mine, theirs, 100, &info);
  EXPECT_TRUE(s.ok()) << s.error_message();
  if (!s.ok()) return "";
  for (Daemon* d : {&from, &to}) {
    if (!WaitUntil(*d, info.channel_id(), [](auto& c) { return c.phase() == "open"; })) {
      ADD_FAILURE() << "channel " << info.channel_id() << " never opened";
      return "";
    }
  }
  return info.channel_id();
}

// Both daemons answer, hold the same latest version and balances, and have
// nothing queued or in flight on the channel: every update has settled.
inline bool Agree(Daemon& a, Daemon& b, const std::string& id, v1::ChannelInfo* at_a = nullptr) {
  v1::ChannelInfo x, y;
  if (!TryChannel(a, id, &x).ok() || !TryChannel(b, id, &y).ok()) return false;
  if (at_a != nullptr) *at_a = x;
  return Idle(x) && Idle(y) && x.version() == y.version() &&
         x.balances(0).amounts(0) == y.balances(0).amounts(0);
}

// Polls Agree until it holds; false after `timeout`.
inline bool WaitAgree(Daemon& a, Daemon& b, const std::string& id, v1::ChannelInfo* at_a,
                      std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (Agree(a, b, id, at_a)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// The evidence of equivocation a stopped daemon's store holds (pairs of
// different fully signed states of one version, under evidence/).
inline int StoredEvidence(const std::filesystem::path& data_dir) {
  auto store = store::OpenRocksDb((data_dir / "node").string(), {.create_if_missing = false});
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return -1;
  int count = 0;
  Status s = (*store)->Scan("evidence/", [&](std::string_view, ByteView) { ++count; });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return count;
}

// A devchain daemon (ticks every 50 ms, dev calls on) and two nodes on it,
// Alice and Bob, each minted what it deposits later.
class DevchainAndTwoNodes : public ::testing::Test {
 protected:
  explicit DevchainAndTwoNodes(const char* dir_prefix) : dir_(dir_prefix) {}

  // Starts the three daemons; nodes accept deposits up to `max_deposit`.
  void StartDaemons(uint64_t alice_mint, uint64_t bob_mint, uint64_t max_deposit) {
    devchain_ = Local(FreePort());
    chain_ = std::make_unique<Daemon>(
        dir_.path() / "chain", std::vector<std::string>{"--devchain", devchain_,
                                                        "--devchain-dev-calls", "--tick-ms", "50"});
    const std::vector<std::string> node_flags = {"--chain", "sim://" + devchain_, "--max-deposit",
                                                 std::to_string(max_deposit)};
    alice_ = std::make_unique<Daemon>(dir_.path() / "alice", node_flags);
    bob_ = std::make_unique<Daemon>(dir_.path() / "bob", node_flags);
    for (Daemon* d : {chain_.get(), alice_.get(), bob_.get()}) ASSERT_TRUE(d->Start()) << d->Log();
    LedgerClient ledger(devchain_);
    alice_id_ = Info(*alice_).node_id();
    bob_id_ = Info(*bob_).node_id();
    ASSERT_TRUE(ledger.Mint(alice_id_, alice_mint).ok());
    ASSERT_TRUE(ledger.Mint(bob_id_, bob_mint).ok());
  }

  // Stops both nodes with SIGTERM and checks that neither keeps evidence of
  // a double signature. Close their event streams first: an open one holds
  // up a daemon's shutdown.
  void StopNodesExpectingNoEvidence() {
    EXPECT_EQ(alice_->Stop(SIGTERM), 0);
    EXPECT_EQ(bob_->Stop(SIGTERM), 0);
    EXPECT_EQ(StoredEvidence(alice_->data_dir()), 0);
    EXPECT_EQ(StoredEvidence(bob_->data_dir()), 0);
  }

  TempDir dir_;
  std::string devchain_;
  std::unique_ptr<Daemon> chain_, alice_, bob_;
  std::string alice_id_, bob_id_;
};

}  // namespace parley::e2e::faults
