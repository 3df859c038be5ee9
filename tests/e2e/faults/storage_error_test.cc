// A storage write error surfaces as an error, never as corruption. Alice and
// Bob (in process, on one in-memory network and sim ledger) keep their
// channels in real RocksDB stores whose write-ahead log fails on demand
// (FaultyFileSystem). When a write fails, the call that needed it returns
// the error, nothing signed leaves the node, and the store reopened holds
// a record that decodes: the last committed one. After a restart on that
// store the channel goes on.
#include <gtest/gtest.h>

#include "client/node_fixture.h"
#include "e2e/faults/faulty_file_system.h"
#include "parley/store/channel_store.h"
#include "testing/temp_dir.h"

namespace parley::client {
namespace {

using e2e::faults::FaultyEnv;
using Fault = e2e::faults::FaultyFileSystem::Fault;

class FaultStorageTest : public testing::TwoNodeTest {
 protected:
  void SetUp() override {
    alice_ = Restart(*alice_, &alice_disk_);
    bob_ = Restart(*bob_, &bob_disk_);
    id_ = OpenPayment();
    ASSERT_TRUE(Pay(*alice_, id_, 5).ok());
    Settle();
    ASSERT_TRUE(Pay(*bob_, id_, 2).ok());
    Settle();
    ASSERT_EQ(Balances(*alice_, id_), (std::vector<channel::Amount>{97, 103}));
  }
  void TearDown() override {  // the stores go before the file systems they write to
    alice_.reset();
    bob_.reset();
  }

  // The peer's process stops and starts again on its RocksDB directory,
  // through `disk`'s faulty file system (null: RocksDB's own).
  std::unique_ptr<testing::Peer> Restart(testing::Peer& peer, FaultyEnv* disk) {
    crypto::PrivateKey key = peer.key;
    std::filesystem::path path = dir_.path() / key.public_key().ToHex();
    peer.node.reset();
    peer.store.reset();
    auto store = store::OpenRocksDb(path.string(), {.env = disk ? disk->env.get() : nullptr});
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return MakePeer(key, std::move(*store));
  }

  // What `peer`'s store holds for the channel now.
  channel::ChannelRecord Stored(testing::Peer& peer) {
    auto record = store::ChannelStore(*peer.store).Get(id_);
    EXPECT_TRUE(record.ok()) << record.status().ToString();
    return record.ok() ? *record : channel::ChannelRecord{};
  }

  TempDir dir_{"parley-fault-storage-"};
  FaultyEnv alice_disk_, bob_disk_;
  channel::ChannelId id_{};
};

TEST_F(FaultStorageTest, TheProposerCannotWriteItsProposal) {
  channel::ChannelRecord committed = Stored(*alice_);
  alice_disk_.fs->Inject(Fault::kAppend);
  Status s = Pay(*alice_, id_, 10);
  EXPECT_EQ(s.code(), StatusCode::kIoError) << s.ToString();
  EXPECT_NE(s.message().find("injected append failure"), std::string::npos) << s.ToString();
  EXPECT_GT(alice_disk_.fs->failures(), 0);
  EXPECT_EQ(network_.Queued(), 0u);  // no signature left the node
  EXPECT_EQ(Info(*alice_, id_).latest.version, 2u);
  EXPECT_FALSE(Info(*alice_, id_).update_in_flight);

  alice_disk_.fs->Inject(Fault::kNone);
  alice_ = Restart(*alice_, nullptr);
  EXPECT_EQ(Stored(*alice_), committed);  // exactly the last committed record
  ASSERT_TRUE(Pay(*alice_, id_, 10).ok());
  Settle();
  EXPECT_EQ(Balances(*alice_, id_), (std::vector<channel::Amount>{87, 113}));
  EXPECT_EQ(Balances(*bob_, id_), (std::vector<channel::Amount>{87, 113}));
}

TEST_F(FaultStorageTest, TheResponderCannotWriteItsCountersignature) {
  channel::ChannelRecord committed = Stored(*bob_);
  bob_disk_.fs->Inject(Fault::kAppend);
  ASSERT_TRUE(Pay(*alice_, id_, 10).ok());
  Settle();
  EXPECT_GT(bob_disk_.fs->failures(), 0);
  EXPECT_EQ(Info(*bob_, id_).latest.version, 2u);    // Bob did not sign version 3...
  EXPECT_TRUE(Info(*alice_, id_).update_in_flight);  // ...so Alice still waits

  bob_disk_.fs->Inject(Fault::kNone);
  bob_ = Restart(*bob_, nullptr);
  EXPECT_EQ(Stored(*bob_), committed);
  alice_->node->OnPeerConnected(bob_->key.public_key());  // Bob is back: she sends it again
  Settle();
  EXPECT_EQ(Balances(*alice_, id_), (std::vector<channel::Amount>{87, 113}));
  EXPECT_EQ(Balances(*bob_, id_), (std::vector<channel::Amount>{87, 113}));
}

// A failed sync is an error too. The bytes may have reached the log before
// the sync failed, so the reopened store holds either the last committed
// record or the one whose write failed; either decodes and goes on.
TEST_F(FaultStorageTest, TheProposerCannotSyncItsProposal) {
  channel::ChannelRecord committed = Stored(*alice_);
  alice_disk_.fs->Inject(Fault::kSync);
  Status s = Pay(*alice_, id_, 10);
  EXPECT_EQ(s.code(), StatusCode::kIoError) << s.ToString();
  EXPECT_NE(s.message().find("injected sync failure"), std::string::npos) << s.ToString();
  EXPECT_EQ(network_.Queued(), 0u);

  alice_disk_.fs->Inject(Fault::kNone);
  alice_ = Restart(*alice_, nullptr);
  channel::ChannelRecord reopened = Stored(*alice_);
  EXPECT_EQ(reopened.latest, committed.latest);
  EXPECT_LE(reopened.pending.size(), 1u);
  Settle();  // a proposal that was kept goes out now
  ASSERT_TRUE(Pay(*alice_, id_, 1).ok());
  Settle();
  channel::Amount paid = reopened.pending.empty() ? 1 : 11;
  EXPECT_EQ(Balances(*alice_, id_), (std::vector<channel::Amount>{97 - paid, 103 + paid}));
  EXPECT_EQ(Balances(*bob_, id_), Balances(*alice_, id_));
}

// While the log cannot be written, every call that needs a write fails with
// the error: the store does not accept writes again until it is reopened.
TEST_F(FaultStorageTest, AfterAWriteErrorTheStoreRefusesWritesUntilReopened) {
  alice_disk_.fs->Inject(Fault::kAppend);
  EXPECT_EQ(Pay(*alice_, id_, 10).code(), StatusCode::kIoError);
  alice_disk_.fs->Inject(Fault::kNone);
  Status again = Pay(*alice_, id_, 10);
  EXPECT_EQ(again.code(), StatusCode::kIoError) << again.ToString();
  EXPECT_EQ(network_.Queued(), 0u);
  alice_ = Restart(*alice_, &alice_disk_);
  ASSERT_TRUE(Pay(*alice_, id_, 10).ok());
  Settle();
  EXPECT_EQ(Balances(*bob_, id_), (std::vector<channel::Amount>{87, 113}));
}

}  // namespace
}  // namespace parley::client
