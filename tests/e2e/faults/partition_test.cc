// A network partition between two daemons and its healing. Alice reaches
// Bob only through a TcpProxy; the test cuts the link (first refusing new
// connections, then accepting and never answering them), both pay while
// apart, and the link heals. While apart no state can be fully signed; once
// healed every payment lands exactly once, and neither side saw an
// equivocation.
#include <gtest/gtest.h>

#include "e2e/faults/event_tail.h"
#include "e2e/faults/fault_fixture.h"
#include "e2e/faults/tcp_proxy.h"
#include "testing/temp_dir.h"

namespace parley::e2e::faults {
namespace {

using namespace std::chrono_literals;

// Whether `d` lists the peer `peer_id` as connected; false if it cannot say.
bool Connected(Daemon& d, const std::string& peer_id) {
  v1::ListPeersResponse peers;
  grpc::ClientContext context;
  if (!d.api().ListPeers(&context, v1::ListPeersRequest(), &peers).ok()) return false;
  for (const auto& p : peers.peers()) {
    if (p.node_id() == peer_id) return p.connected();
  }
  return false;
}

// Polls until Connected(d, peer_id) is `want`; false after `timeout`.
bool WaitConnected(Daemon& d, const std::string& peer_id, bool want,
                   std::chrono::seconds timeout = 60s) {
  for (auto end = std::chrono::steady_clock::now() + timeout;
       std::chrono::steady_clock::now() < end;) {
    if (Connected(d, peer_id) == want) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

int PortOf(const std::string& host_port) {
  return std::stoi(host_port.substr(host_port.rfind(':') + 1));
}

class FaultPartitionTest : public DevchainAndTwoNodes {
 protected:
  FaultPartitionTest() : DevchainAndTwoNodes("parley-fault-partition-") {}

  static constexpr uint64_t kDeposit = 100'000;

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartDaemons(kDeposit, kDeposit, kDeposit));
    proxy_ = std::make_unique<TcpProxy>(PortOf(bob_->listen_address()));
    // Only Alice dials, and only through the proxy: the proxy is the link.
    v1::ConnectPeerRequest connect;
    connect.set_address(bob_id_ + "@" + proxy_->address());
    v1::PeerInfo peer;
    grpc::ClientContext context;
    ASSERT_TRUE(alice_->api().ConnectPeer(&context, connect, &peer).ok());
    id_ = OpenPaymentChannel(*alice_, *bob_, bob_id_, kDeposit, kDeposit);
    ASSERT_FALSE(id_.empty());
  }

  std::unique_ptr<TcpProxy> proxy_;
  std::string id_;
};

TEST_F(FaultPartitionTest, PaymentsMadeWhileApartLandOnceTheLinkHeals) {
  auto alice_events = std::make_unique<EventTail>(*alice_);
  auto bob_events = std::make_unique<EventTail>(*bob_);
  uint64_t alice_balance = kDeposit, bob_balance = kDeposit;
  ASSERT_TRUE(e2e::Pay(*alice_, id_, 10).ok());
  ASSERT_TRUE(e2e::Pay(*bob_, id_, 3).ok());
  alice_balance = alice_balance - 10 + 3;
  bob_balance = bob_balance + 10 - 3;
  v1::ChannelInfo latest;
  ASSERT_TRUE(WaitAgree(*alice_, *bob_, id_, &latest));

  for (TcpProxy::Mode cut : {TcpProxy::Mode::kRefuse, TcpProxy::Mode::kBlackhole}) {
    SCOPED_TRACE(cut == TcpProxy::Mode::kRefuse ? "refused" : "blackholed");
    proxy_->SetMode(cut);
    ASSERT_TRUE(WaitConnected(*alice_, bob_id_, false)) << "Alice never noticed the cut";
    const uint64_t version_before = latest.version();
    int forwarded_before = proxy_->forwarded();

    // Both pay while apart: each call is queued and its proposal sent into
    // the void, to be sent again on reconnection.
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(e2e::Pay(*alice_, id_, 1).ok());
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(e2e::Pay(*bob_, id_, 100).ok());
    alice_balance = alice_balance - 20 + 500;
    bob_balance = bob_balance + 20 - 500;
    for (Daemon* d : {alice_.get(), bob_.get()}) {
      v1::ChannelInfo apart;
      ASSERT_TRUE(TryChannel(*d, id_, &apart).ok());
      EXPECT_EQ(apart.version(), version_before) << "a state was signed across the partition";
      EXPECT_FALSE(Idle(apart));
    }
    EXPECT_EQ(proxy_->forwarded(), forwarded_before);

    proxy_->SetMode(TcpProxy::Mode::kForward);
    ASSERT_TRUE(WaitAgree(*alice_, *bob_, id_, &latest))
        << Channel(*alice_, id_).ShortDebugString() << "\n"
        << Channel(*bob_, id_).ShortDebugString() << "\n"
        << alice_events->Unusual() << bob_events->Unusual() << alice_->Log() << bob_->Log();
    EXPECT_TRUE(Connected(*alice_, bob_id_));
    EXPECT_GT(latest.version(), version_before);
    EXPECT_EQ(BalanceOf(latest, 0), alice_balance);  // every payment once, none twice
    EXPECT_EQ(BalanceOf(latest, 1), bob_balance);
  }
  EXPECT_EQ(alice_events->Count("update-failed") + bob_events->Count("update-failed"), 0)
      << alice_events->Unusual() << bob_events->Unusual();
  EXPECT_EQ(alice_events->Count("equivocation") + bob_events->Count("equivocation"), 0);
  alice_events.reset();
  bob_events.reset();
  StopNodesExpectingNoEvidence();
}

}  // namespace
}  // namespace parley::e2e::faults
