// Recovery: every channel comes back after a restart, and after the process
// is killed (SIGKILL) in the middle of a stream of payments, every
// acknowledged state is on disk on both sides.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "client/node_fixture.h"
#include "parley/channel/scheme.h"
#include "parley/store/channel_store.h"
#include "testing/temp_dir.h"

namespace parley::client {
namespace {

using channel::Phase;
using testing::Peer;

// Alice, Bob and the ledger, each with a RocksDB store under one directory.
class World {
 public:
  World(const std::filesystem::path& dir, const crypto::PrivateKey& alice_key,
        const crypto::PrivateKey& bob_key) {
    EXPECT_TRUE(apps_.Register(std::make_shared<apps::PaymentApp>()).ok());
    ledger_store_ = Open(dir / "ledger");
    ledger_ = settlement::SimLedger::Open(*ledger_store_, apps_).value();
    alice = std::make_unique<Peer>(alice_key, *ledger_, network_, Open(dir / "alice"), apps_);
    bob = std::make_unique<Peer>(bob_key, *ledger_, network_, Open(dir / "bob"), apps_);
    EXPECT_TRUE(alice->node->Start().ok());
    EXPECT_TRUE(bob->node->Start().ok());
  }

  void Flush() {
    do {
      network_.Deliver();
      alice->node->ProcessLedgerEvents();
      bob->node->ProcessLedgerEvents();
    } while (network_.Queued() > 0);
  }

  channel::ChannelId Open() {
    EXPECT_TRUE(ledger_->Mint(alice->key.public_key(), "native", 1'000'000).ok());
    EXPECT_TRUE(ledger_->Mint(bob->key.public_key(), "native", 1'000'000).ok());
    auto id = alice->node->OpenChannel({.peer = bob->key.public_key(),
                                        .app = apps::PaymentApp::kId,
                                        .my_deposit = 500'000,
                                        .peer_deposit = 500'000});
    EXPECT_TRUE(id.ok());
    Flush();
    return *id;
  }

  Status Pay(Peer& payer, const channel::ChannelId& id) {
    auto self = payer.node->GetChannel(id)->self;
    return payer.node->Update(id, apps::PaymentApp::PayAction(1, 1 - self));
  }

  settlement::SimLedger& ledger() { return *ledger_; }

 private:
  static std::unique_ptr<store::Store> Open(const std::filesystem::path& path) {
    return store::OpenRocksDb(path.string(), {.sync = true}).value();
  }

  channel::AppRegistry apps_;
  std::unique_ptr<store::Store> ledger_store_;
  std::unique_ptr<settlement::SimLedger> ledger_;
  wire::MemoryNetwork network_;

 public:
  // Declared last: the nodes go before the ledger and network they use.
  std::unique_ptr<Peer> alice;
  std::unique_ptr<Peer> bob;
};

class NodeRecoveryTest : public ::testing::Test {
 protected:
  TempDir dir_{"parley-recovery-"};
  crypto::PrivateKey alice_key_ = crypto::PrivateKey::Generate();
  crypto::PrivateKey bob_key_ = crypto::PrivateKey::Generate();
};

TEST_F(NodeRecoveryTest, EveryChannelComesBackAfterARestart) {
  channel::ChannelId id;
  ChannelInfo before;
  {
    World world(dir_.path(), alice_key_, bob_key_);
    id = world.Open();
    for (int i = 0; i < 25; ++i) {
      ASSERT_TRUE(world.Pay(i % 2 ? *world.bob : *world.alice, id).ok());
      world.Flush();
    }
    before = world.alice->node->GetChannel(id).value();
  }
  World world(dir_.path(), alice_key_, bob_key_);
  ChannelInfo after = world.alice->node->GetChannel(id).value();
  EXPECT_EQ(after.latest, before.latest);
  EXPECT_EQ(after.phase, Phase::kOpen);
  EXPECT_EQ(world.bob->node->GetChannel(id)->latest, before.latest);
  ASSERT_TRUE(world.Pay(*world.alice, id).ok());  // and it goes on
  world.Flush();
  EXPECT_EQ(world.bob->node->GetChannel(id)->latest.version, before.latest.version + 1);
}

TEST_F(NodeRecoveryTest, ADisputeRaisedWhileTheNodeWasDownIsRefutedOnStart) {
  channel::ChannelId id;
  channel::SignedState old_state;
  {
    World world(dir_.path(), alice_key_, bob_key_);
    id = world.Open();
    ASSERT_TRUE(world.Pay(*world.alice, id).ok());
    world.Flush();
    old_state = store::ChannelStore(*world.bob->store).Get(id)->latest;  // version 1
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(world.Pay(*world.alice, id).ok());
      world.Flush();
    }
    // Alice's node goes down; Bob registers his old state meanwhile.
    world.alice->node.reset();
    ASSERT_TRUE(world.bob->chain.Register(world.bob->node->GetChannel(id)->params, old_state).ok());
  }
  World world(dir_.path(), alice_key_, bob_key_);  // Alice's node starts again
  auto dispute = world.ledger().GetDispute(id);
  ASSERT_TRUE(dispute.ok());
  EXPECT_EQ(dispute->state.state.version, 4u);  // refuted with her latest
  EXPECT_EQ(world.alice->node->GetChannel(id)->phase, Phase::kDisputed);
}

TEST_F(NodeRecoveryTest, AProposalWhoseAnswerWasLostIsSentAgainOnStart) {
  channel::ChannelId id;
  {
    World world(dir_.path(), alice_key_, bob_key_);
    id = world.Open();
    ASSERT_TRUE(world.Pay(*world.alice, id).ok());
    world.Flush();
    ASSERT_TRUE(world.Pay(*world.alice, id).ok());  // version 2: persisted and queued...
    // ...and the process stops before the message goes anywhere.
  }
  World world(dir_.path(), alice_key_, bob_key_);
  EXPECT_TRUE(world.alice->node->GetChannel(id)->update_in_flight);
  world.Flush();
  EXPECT_FALSE(world.alice->node->GetChannel(id)->update_in_flight);
  EXPECT_EQ(world.alice->node->GetChannel(id)->latest.version, 2u);
  EXPECT_EQ(world.bob->node->GetChannel(id)->latest, world.alice->node->GetChannel(id)->latest);
  ASSERT_TRUE(world.Pay(*world.bob, id).ok());  // and the channel goes on
  world.Flush();
  EXPECT_EQ(world.alice->node->GetChannel(id)->latest.version, 3u);
}

// A node whose store is out of date (restored from an old copy) catches up
// from its peer when the stream reopens, and the channel goes on.
TEST_F(NodeRecoveryTest, ANodeBehindItsPeerCatchesUpOnReconnection) {
  channel::ChannelId id;
  channel::ChannelRecord old_record;
  {
    World world(dir_.path(), alice_key_, bob_key_);
    id = world.Open();
    ASSERT_TRUE(world.Pay(*world.alice, id).ok());
    world.Flush();
    old_record = store::ChannelStore(*world.alice->store).Get(id).value();  // version 1
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(world.Pay(*world.bob, id).ok());
      world.Flush();
    }
    ASSERT_TRUE(store::ChannelStore(*world.alice->store).Put(old_record).ok());
  }
  World world(dir_.path(), alice_key_, bob_key_);
  EXPECT_EQ(world.alice->node->GetChannel(id)->latest.version, 1u);
  world.bob->node->OnPeerConnected(alice_key_.public_key());
  world.Flush();
  EXPECT_EQ(world.alice->node->GetChannel(id)->latest, world.bob->node->GetChannel(id)->latest);
  EXPECT_EQ(world.alice->node->GetChannel(id)->latest.version, 4u);
  ASSERT_TRUE(world.Pay(*world.alice, id).ok());
  world.Flush();
  EXPECT_EQ(world.bob->node->GetChannel(id)->latest.version, 5u);
}

// The child runs both nodes with synced stores and reports each version once
// both sides hold it; the parent kills it mid-stream and inspects the disks.
TEST_F(NodeRecoveryTest, AcknowledgedStatesSurviveSigkill) {
  int acks[2];
  ASSERT_EQ(pipe(acks), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(acks[0]);
    World world(dir_.path(), alice_key_, bob_key_);
    channel::ChannelId id = world.Open();
    for (uint64_t i = 0; i < 1'000'000; ++i) {
      if (!world.Pay(i % 3 ? *world.alice : *world.bob, id).ok()) _exit(3);
      world.Flush();
      uint64_t version = world.alice->node->GetChannel(id)->latest.version;
      if (world.bob->node->GetChannel(id)->latest.version != version) _exit(4);
      if (write(acks[1], &version, sizeof version) != sizeof version) _exit(5);
    }
    _exit(0);
  }
  close(acks[1]);
  uint64_t last_ack = 0, count = 0, version;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (count < 150 && std::chrono::steady_clock::now() < deadline &&
         read(acks[0], &version, sizeof version) == sizeof version) {
    last_ack = version;
    ++count;
  }
  kill(child, SIGKILL);
  int status;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child exited early";
  while (read(acks[0], &version, sizeof version) == sizeof version) last_ack = version;
  close(acks[0]);
  ASSERT_GE(count, 150u);

  // Reopen everything, as a restarted process would.
  World world(dir_.path(), alice_key_, bob_key_);  // the ledger checks conservation as it loads
  channel::Bip340Scheme scheme;
  for (Peer* peer : {world.alice.get(), world.bob.get()}) {
    auto records = store::ChannelStore(*peer->store).LoadAll();
    ASSERT_TRUE(records.ok());
    ASSERT_EQ(records->size(), 1u);
    const channel::ChannelRecord& r = records->front();
    EXPECT_GE(r.latest.state.version, last_ack);
    EXPECT_LE(r.latest.state.version, last_ack + 2);
    EXPECT_TRUE(channel::VerifySignatures(scheme, r.params, r.latest, true).ok());
    ASSERT_TRUE(r.last_signed_version.has_value());
    EXPECT_GE(*r.last_signed_version, r.latest.state.version);  // the guard survived
    if (!r.pending.empty()) {
      EXPECT_GT(r.pending.front().state.version, r.latest.state.version);
      EXPECT_EQ(*r.last_signed_version, r.pending.back().state.version);
    }
    EXPECT_EQ(peer->node->ListChannels().front().phase, Phase::kOpen);
  }
}

}  // namespace
}  // namespace parley::client
