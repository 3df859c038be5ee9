// The watchtower's decisions (parley/watchtower/tower.h), without gRPC: what
// it accepts, whom it serves, and how it answers stale registrations, also
// across its own restarts.
#include "parley/watchtower/tower.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parley/crypto/ecdsa.h"
#include "parley/settlement/evm/evm_scheme.h"
#include "testing/temp_dir.h"
#include "watchtower/tower_fixture.h"
#include "watchtower/tower_record.h"  // private: the stored record format

namespace parley::watchtower::testing {
namespace {

using ::testing::HasSubstr;

TEST_F(TowerTest, KeepsOnlyTheHighestVersionOfAChannel) {
  auto store = store::NewMemoryStore();
  auto tower = StartTower(*store);
  StoreOutcome first = Hand(*tower, Signed(3));
  ASSERT_OK(first.status);
  EXPECT_EQ(first.channel.version, 3u);
  EXPECT_EQ(first.channels_used, 1u);

  StoreOutcome older = Hand(*tower, Signed(2));
  EXPECT_CODE(older.status, StatusCode::kFailedPrecondition);
  EXPECT_THAT(older.status.message(), HasSubstr("holds version 3"));
  EXPECT_FALSE(older.over_quota);

  // Another state of the version held is refused; the same one again is a no-op.
  EXPECT_CODE(Hand(*tower, Signed(3, 10)).status, StatusCode::kFailedPrecondition);
  EXPECT_OK(Hand(*tower, Signed(3)).status);

  StoreOutcome newer = Hand(*tower, Signed(5));
  ASSERT_OK(newer.status);
  EXPECT_EQ(newer.channels_used, 1u);  // the same channel, not a second one
  auto watched = tower->ListWatched(alice_.public_key());
  ASSERT_EQ(watched.size(), 1u);
  EXPECT_EQ(watched[0].id, scheme_.ComputeChannelId(params_));
  EXPECT_EQ(watched[0].version, 5u);
}

TEST_F(TowerTest, RefusesAStateNotSignedByEveryParticipant) {
  auto store = store::NewMemoryStore();
  auto tower = StartTower(*store);
  channel::SignedState forged = Signed(4);
  forged.sigs[1] = Signed(4, 90).sigs[1];  // Bob signed another state
  StoreOutcome bad = Hand(*tower, forged);
  EXPECT_CODE(bad.status, StatusCode::kPermissionDenied);
  EXPECT_THAT(bad.status.message(), HasSubstr("signed by every participant"));

  channel::SignedState alone = Signed(4);
  alone.sigs[1].reset();  // Alice's signature only
  EXPECT_CODE(Hand(*tower, alone).status, StatusCode::kPermissionDenied);

  channel::SignedState other_channel = Signed(4);
  other_channel.state.channel_id = crypto::RandomHash32();
  EXPECT_CODE(Hand(*tower, other_channel).status, StatusCode::kInvalidArgument);

  channel::Params evm = params_;
  evm.backend = "evm";
  StoreOutcome wrong_backend = Hand(*tower, alice_, evm, Signed(4, 50, &evm));
  EXPECT_CODE(wrong_backend.status, StatusCode::kInvalidArgument);
  EXPECT_THAT(wrong_backend.status.message(), HasSubstr("this tower watches 'sim' channels"));

  EXPECT_TRUE(tower->ListWatched(alice_.public_key()).empty());  // nothing was stored
  EXPECT_TRUE(
      store->Scan(kRecordPrefix, [](auto, auto) { ADD_FAILURE() << "a record was stored"; }).ok());
}

// A tower on an EVM chain checks states with the EVM scheme (ECDSA over
// Keccak-256): it takes an EVM channel's state, and refuses a sim channel's
// (a node on a devchain pointed at it), saying which backend it watches.
TEST_F(TowerTest, ATowerOfTheEvmSchemeTakesEvmChannelsOnlyAndSaysSo) {
  settlement::evm::EvmScheme evm_scheme(
      31337, crypto::AddressFromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3").value());
  auto store = store::NewMemoryStore();
  Tower tower(*store, chain_, evm_scheme);
  ASSERT_OK(tower.Start());

  StoreOutcome sim = Hand(tower, alice_, params_, Signed(4));
  EXPECT_CODE(sim.status, StatusCode::kInvalidArgument);
  EXPECT_THAT(sim.status.message(),
              HasSubstr("the channel settles on 'sim'; this tower watches 'evm' channels"));
  EXPECT_TRUE(tower.ListWatched(alice_.public_key()).empty());

  channel::Params evm = params_;
  evm.backend = "evm";
  channel::SignedState state;
  state.state = {.channel_id = evm_scheme.ComputeChannelId(evm),
                 .version = 4,
                 .allocation = {{{.asset = "eth", .balances = {50, 50}}}}};
  Hash32 hash = evm_scheme.StateHash(state.state);
  state.sigs = {evm_scheme.Sign(alice_, hash), evm_scheme.Sign(bob_, hash)};
  StoreOutcome taken = Hand(tower, alice_, evm, state);
  ASSERT_OK(taken.status);
  EXPECT_EQ(taken.channel.version, 4u);
  // BIP340 signatures on the same state are not the EVM scheme's.
  state.sigs = {scheme_.Sign(alice_, hash), scheme_.Sign(bob_, hash)};
  EXPECT_CODE(Hand(tower, alice_, evm, state).status, StatusCode::kPermissionDenied);
}

TEST_F(TowerTest, ServesOnlyParticipantsOfTheChannel) {
  auto store = store::NewMemoryStore();
  auto tower = StartTower(*store);
  StoreOutcome carol = Hand(*tower, carol_, params_, Signed(2));
  EXPECT_CODE(carol.status, StatusCode::kPermissionDenied);
  EXPECT_THAT(carol.status.message(), HasSubstr("is not a participant"));
  EXPECT_TRUE(tower->ListWatched(carol_.public_key()).empty());
  // Both participants may use the same tower for the channel.
  EXPECT_OK(Hand(*tower, alice_, params_, Signed(2)).status);
  EXPECT_OK(Hand(*tower, bob_, params_, Signed(2)).status);
  EXPECT_EQ(tower->ListWatched(bob_.public_key()).size(), 1u);
}

TEST_F(TowerTest, ServesOnlyAllowedClientsWhenItHasAList) {
  auto store = store::NewMemoryStore();
  auto tower = StartTower(*store, {.allowed_clients = {alice_.public_key()}});
  StoreOutcome bob = Hand(*tower, bob_, params_, Signed(2));
  EXPECT_CODE(bob.status, StatusCode::kPermissionDenied);
  EXPECT_THAT(bob.status.message(), HasSubstr("--allow-client"));
  EXPECT_OK(Hand(*tower, Signed(2)).status);
}

TEST_F(TowerTest, AChallengeAuthenticatesOneRequestOnceBeforeItExpires) {
  auto store = store::NewMemoryStore();
  auto tower = StartTower(*store, {.challenge_ttl = std::chrono::seconds(30)});
  const Bytes content = StoreStateContent(params_, Signed(2));
  Auth auth = SignRequest(alice_, kStoreStateCall, tower->NewChallenge(), content);
  EXPECT_OK(tower->Authenticate(auth, kStoreStateCall, content));
  Status replayed = tower->Authenticate(auth, kStoreStateCall, content);
  EXPECT_CODE(replayed, StatusCode::kPermissionDenied);
  EXPECT_THAT(replayed.message(), HasSubstr("unknown, used or expired"));

  // A signature binds the content and the call: another state, or the same
  // challenge used for another call, does not verify (and uses nothing up).
  Auth fresh = SignRequest(alice_, kStoreStateCall, tower->NewChallenge(), content);
  const Bytes other = StoreStateContent(params_, Signed(9));
  EXPECT_CODE(tower->Authenticate(fresh, kStoreStateCall, other), StatusCode::kPermissionDenied);
  EXPECT_CODE(tower->Authenticate(fresh, kListWatchedCall, content), StatusCode::kPermissionDenied);
  Auth impostor = fresh;
  impostor.client = bob_.public_key();
  EXPECT_CODE(tower->Authenticate(impostor, kStoreStateCall, content),
              StatusCode::kPermissionDenied);
  EXPECT_OK(tower->Authenticate(fresh, kStoreStateCall, content));

  // A challenge the tower never issued, and one that expired.
  Auth made_up = SignRequest(alice_, kStoreStateCall, crypto::RandomHash32(), content);
  EXPECT_CODE(tower->Authenticate(made_up, kStoreStateCall, content),
              StatusCode::kPermissionDenied);
  Auth late = SignRequest(alice_, kStoreStateCall, tower->NewChallenge(), content);
  now_ += std::chrono::seconds(31);
  EXPECT_CODE(tower->Authenticate(late, kStoreStateCall, content), StatusCode::kPermissionDenied);
}

TEST_F(TowerTest, EachClientHasAQuotaOfChannels) {
  auto store = store::NewMemoryStore();
  auto tower = StartTower(*store, {.quota_per_client = 2, .max_channels = 3});
  channel::Params second = NewParams();
  channel::Params third = NewParams();
  ASSERT_OK(Hand(*tower, Signed(1)).status);
  ASSERT_OK(Hand(*tower, alice_, second, Signed(1, 50, &second)).status);
  StoreOutcome over = Hand(*tower, alice_, third, Signed(1, 50, &third));
  EXPECT_TRUE(over.over_quota);
  EXPECT_THAT(over.status.message(), HasSubstr("its quota"));
  // Updates of channels already watched go on; other clients have their own quota.
  EXPECT_OK(Hand(*tower, Signed(2)).status);
  StoreOutcome bob = Hand(*tower, bob_, third, Signed(1, 50, &third));
  ASSERT_OK(bob.status);
  EXPECT_EQ(bob.channels_used, 1u);
  EXPECT_EQ(tower->ListWatched(alice_.public_key()).size(), 2u);
  // The tower as a whole is full at 3 channels.
  channel::Params fourth = NewParams();
  StoreOutcome full = Hand(*tower, bob_, fourth, Signed(1, 50, &fourth));
  EXPECT_TRUE(full.over_quota);
  EXPECT_THAT(full.status.message(), HasSubstr("maximum of 3 channels"));
}

TEST_F(TowerTest, ARestartedTowerKeepsItsStatesAndQuotas) {
  TempDir dir("parley-tower-");
  {
    auto store = store::OpenRocksDb((dir.path() / "tower").string()).value();
    auto tower = StartTower(*store, {.quota_per_client = 1});
    ASSERT_OK(Hand(*tower, Signed(4)).status);
  }
  auto store = store::OpenRocksDb((dir.path() / "tower").string()).value();
  auto tower = StartTower(*store, {.quota_per_client = 1});
  auto watched = tower->ListWatched(alice_.public_key());
  ASSERT_EQ(watched.size(), 1u);
  EXPECT_EQ(watched[0].version, 4u);
  EXPECT_CODE(Hand(*tower, Signed(3)).status, StatusCode::kFailedPrecondition);
  channel::Params other = NewParams();
  EXPECT_TRUE(Hand(*tower, alice_, other, Signed(1, 50, &other)).over_quota);
}

TEST_F(TowerTest, RefutesAStaleRegistrationAtOnce) {
  auto store = store::NewMemoryStore();
  auto tower = StartTower(*store);
  ASSERT_OK(Hand(*tower, Signed(5, 80)).status);
  // Bob registers version 2, which pays him 80 rather than 20.
  ASSERT_OK(ledger_->Register(params_, Signed(2, 20)));
  const Tick timeout = ledger_->GetDispute(Signed(5).state.channel_id)->timeout;
  tower->ProcessLedgerEvents();
  EXPECT_EQ(VersionOnLedger(), 5u);
  EXPECT_EQ(ledger_->GetDispute(Signed(5).state.channel_id)->timeout, timeout);
  auto watched = tower->ListWatched(alice_.public_key());
  ASSERT_EQ(watched.size(), 1u);
  EXPECT_EQ(watched[0].refuted_version, 2u);
}

TEST_F(TowerTest, LeavesARegistrationOfItsOwnVersionOrNewerAlone) {
  auto store = store::NewMemoryStore();
  auto tower = StartTower(*store);
  ASSERT_OK(Hand(*tower, Signed(5)).status);
  ASSERT_OK(ledger_->Register(params_, Signed(6)));
  tower->ProcessLedgerEvents();
  EXPECT_EQ(VersionOnLedger(), 6u);
  EXPECT_EQ(tower->ListWatched(alice_.public_key())[0].refuted_version, 0u);
}

TEST_F(TowerTest, ANewerStateHandedOverDuringADisputeRefutesIt) {
  auto store = store::NewMemoryStore();
  auto tower = StartTower(*store);
  ASSERT_OK(Hand(*tower, Signed(2)).status);
  ASSERT_OK(ledger_->Register(params_, Signed(2)));
  tower->ProcessLedgerEvents();  // nothing to refute yet
  EXPECT_EQ(VersionOnLedger(), 2u);
  ASSERT_OK(Hand(*tower, Signed(3)).status);
  EXPECT_EQ(VersionOnLedger(), 3u);
}

TEST_F(TowerTest, CatchesUpAfterARestartWithARegistrationMadeWhileItWasDown) {
  auto store = store::NewMemoryStore();
  {
    auto tower = StartTower(*store);
    ASSERT_OK(Hand(*tower, Signed(7, 90)).status);
  }
  ASSERT_OK(ledger_->Register(params_, Signed(3, 40)));  // nobody is watching
  auto tower = StartTower(*store);                       // Start reads the ledger
  EXPECT_EQ(VersionOnLedger(), 7u);
  EXPECT_EQ(tower->ListWatched(alice_.public_key())[0].refuted_version, 3u);
}

TEST_F(TowerTest, RetriesWhenTheLedgerCannotBeReached) {
  auto store = store::NewMemoryStore();
  auto tower = StartTower(*store, {.retry_interval = std::chrono::seconds(1)});
  ASSERT_OK(Hand(*tower, Signed(5)).status);
  chain_.down = true;
  ASSERT_OK(ledger_->Register(params_, Signed(1)));
  tower->ProcessLedgerEvents();  // fails, and schedules a retry
  tower->ProcessLedgerEvents();  // the first retry is due at once, and fails
  chain_.down = false;
  tower->ProcessLedgerEvents();  // the next one is due after the retry interval
  EXPECT_EQ(VersionOnLedger(), 1u);
  now_ += std::chrono::seconds(1);
  tower->ProcessLedgerEvents();
  EXPECT_EQ(VersionOnLedger(), 5u);
}

TEST_F(TowerTest, ForgetsAConcludedChannelAndFreesTheQuota) {
  auto store = store::NewMemoryStore();
  auto tower = StartTower(*store, {.quota_per_client = 1});
  ASSERT_OK(Hand(*tower, Signed(5)).status);
  ASSERT_OK(ledger_->Register(params_, Signed(5)));
  ASSERT_OK(ledger_->Advance(kChallenge));
  ASSERT_OK(ledger_->Conclude(params_));
  tower->ProcessLedgerEvents();
  EXPECT_TRUE(tower->ListWatched(alice_.public_key()).empty());
  channel::Params next = NewParams();
  EXPECT_OK(Hand(*tower, alice_, next, Signed(1, 50, &next)).status);
}

TEST_F(TowerTest, RefusesToStartOnACorruptedRecord) {
  auto store = store::NewMemoryStore();
  ASSERT_OK(store->Put(std::string(kRecordPrefix) + ToHex(crypto::RandomHash32()), Bytes{1, 2, 3}));
  Tower tower(*store, chain_, scheme_);
  EXPECT_CODE(tower.Start(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace parley::watchtower::testing
