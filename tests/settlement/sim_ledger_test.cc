// Behaviour of the sim ledger beyond the shared settlement suite
// (tests/conformance/settlement_conformance_test.cc): persistence in a store,
// the faucet and the clock, refusing corrupted stored data, event delivery,
// and conservation of funds under many operations.
#include "parley/settlement/sim_ledger.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <future>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "parley/channel/app.h"
#include "parley/channel/types.h"
#include "parley/crypto/keys.h"
#include "parley/crypto/random.h"
#include "parley/settlement/adjudicator.h"
#include "parley/settlement/events.h"
#include "parley/store/store.h"
#include "parley/util/codec.h"
#include "payment/payment_app.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"
#include "tictactoe/tictactoe_app.h"
// The ledger's stored record format, to write consistent but wrong records
// (the tests' include path does not reach the framework's sources).
#include "settlement/sim/ledger_state.h"  // private: the stored record format

namespace parley::settlement {
namespace {

using apps::PaymentApp;
using apps::TicTacToeApp;
using channel::Amount;
using channel::ChannelId;
using channel::Params;
using channel::ParticipantIndex;
using channel::SignedState;
using channel::State;
using testing::HasSubstr;

constexpr const char* kNative = "native";
constexpr const char* kGold = "gold";
constexpr uint64_t kDuration = 10;

// Runs `fn` on another thread and waits for it at most `seconds`. A deadlock
// cannot be recovered from, so the test program stops with a message then.
void RunWithin(int seconds, const char* what, std::function<void()> fn) {
  auto done = std::make_shared<std::promise<void>>();
  std::future<void> finished = done->get_future();
  std::thread([fn = std::move(fn), done] {
    fn();
    done->set_value();
  }).detach();
  if (finished.wait_for(std::chrono::seconds(seconds)) != std::future_status::ready) {
    std::fprintf(stderr, "FATAL: %s did not finish within %d s (deadlock?)\n", what, seconds);
    std::fflush(stderr);
    std::abort();
  }
}

struct TestChannel {
  Params params;
  ChannelId id{};
  std::vector<crypto::PrivateKey> keys;
};

class SimLedgerTest : public testing::Test {
 protected:
  SimLedgerTest()
      : alice_(crypto::PrivateKey::Generate()),
        bob_(crypto::PrivateKey::Generate()),
        carol_(crypto::PrivateKey::Generate()),
        store_(store::NewMemoryStore()) {
    EXPECT_OK(apps_.Register(std::make_shared<PaymentApp>()));
    EXPECT_OK(apps_.Register(std::make_shared<TicTacToeApp>()));
  }

  void SetUp() override { ASSERT_NO_FATAL_FAILURE(OpenLedger()); }

  void OpenLedger() {
    ledger_.reset();
    auto ledger = SimLedger::Open(*store_, apps_);
    ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
    ledger_ = std::move(ledger).value();
  }

  // Closes the ledger and opens it again from the same store.
  void Reopen() { ASSERT_NO_FATAL_FAILURE(OpenLedger()); }

  TestChannel MakeChannel(const crypto::PrivateKey& a, const crypto::PrivateKey& b,
                          const std::string& app = PaymentApp::kId, uint64_t duration = kDuration) {
    TestChannel ch;
    ch.keys = {a, b};
    ch.params.participants = {a.public_key(), b.public_key()};
    ch.params.nonce = crypto::RandomHash32();
    ch.params.challenge_duration = duration;
    ch.params.app = app;
    ch.params.backend = "sim";
    ch.id = ledger_->scheme().ComputeChannelId(ch.params);
    return ch;
  }
  TestChannel MakeChannel() { return MakeChannel(alice_, bob_); }

  static State PaymentState(const TestChannel& ch, uint64_t version, Amount a, Amount b,
                            bool is_final = false) {
    State s;
    s.channel_id = ch.id;
    s.version = version;
    s.allocation.assets.push_back({kNative, {a, b}, {}});
    s.is_final = is_final;
    return s;
  }

  SignedState SignAll(const TestChannel& ch, const State& s) { return SignBy(ch, s, {0, 1}); }
  SignedState SignBy(const TestChannel& ch, const State& s,
                     const std::vector<ParticipantIndex>& signers) {
    SignedState out{s, std::vector<std::optional<channel::Signature>>(ch.keys.size())};
    Hash32 hash = ledger_->scheme().StateHash(s);
    for (ParticipantIndex i : signers) out.sigs[i] = ledger_->scheme().Sign(ch.keys[i], hash);
    return out;
  }

  // Mints `a` and `b` to the participants, who deposit it for themselves.
  void Fund(const TestChannel& ch, Amount a, Amount b, const std::string& asset = kNative) {
    ASSERT_OK(ledger_->Mint(ch.params.participants[0], asset, a));
    ASSERT_OK(ledger_->Mint(ch.params.participants[1], asset, b));
    ASSERT_OK(ledger_->Deposit(ch.params.participants[0], ch.params, 0, asset, a));
    ASSERT_OK(ledger_->Deposit(ch.params.participants[1], ch.params, 1, asset, b));
  }

  Amount Bal(const crypto::PrivateKey& key, const std::string& asset = kNative) {
    return ledger_->Balance(key.public_key(), asset);
  }

  std::string ChannelKey(const TestChannel& ch) { return "ledger/channel/" + ToHex(ch.id); }

  // Puts `value` at `key` behind the ledger's back and expects Open to
  // refuse the store with Corruption.
  void ExpectOpenRefuses(const std::string& key, const Bytes& value) {
    ledger_.reset();
    ASSERT_OK(store_->Put(key, value));
    auto reopened = SimLedger::Open(*store_, apps_);
    ASSERT_FALSE(reopened.ok()) << "Open accepted garbage at " << key;
    EXPECT_EQ(reopened.status().code(), StatusCode::kCorruption)
        << key << ": " << reopened.status().ToString();
  }

  crypto::PrivateKey alice_;
  crypto::PrivateKey bob_;
  crypto::PrivateKey carol_;
  channel::AppRegistry apps_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<SimLedger> ledger_;
};

// ---------------------------------------------------------------------------
// Persistence.

// What the ledger shows about a few accounts and channels.
struct Snapshot {
  Tick now = 0;
  std::vector<Amount> balances;
  std::vector<std::vector<Amount>> deposits;
  std::vector<StatusCode> dispute_codes;
  std::vector<std::optional<Dispute>> disputes;
};

Snapshot Take(const SimLedger& ledger, const std::vector<crypto::PublicKey>& accounts,
              const std::vector<TestChannel>& channels) {
  Snapshot s;
  s.now = ledger.Now();
  for (const auto& account : accounts) {
    for (const char* asset : {kNative, kGold}) s.balances.push_back(ledger.Balance(account, asset));
  }
  for (const TestChannel& ch : channels) {
    for (const char* asset : {kNative, kGold}) {
      auto d = ledger.Deposits(ch.params, asset);
      EXPECT_TRUE(d.ok()) << d.status().ToString();
      s.deposits.push_back(d.ok() ? *d : std::vector<Amount>{});
    }
    auto dispute = ledger.GetDispute(ch.id);
    s.dispute_codes.push_back(dispute.status().code());
    s.disputes.push_back(dispute.ok() ? std::optional<Dispute>(*dispute) : std::nullopt);
  }
  return s;
}

void ExpectSameSnapshot(const Snapshot& want, const Snapshot& got) {
  EXPECT_EQ(want.now, got.now);
  EXPECT_EQ(want.balances, got.balances);
  EXPECT_EQ(want.deposits, got.deposits);
  EXPECT_EQ(want.dispute_codes, got.dispute_codes);
  ASSERT_EQ(want.disputes.size(), got.disputes.size());
  for (size_t i = 0; i < want.disputes.size(); ++i) {
    EXPECT_TRUE(want.disputes[i] == got.disputes[i]) << "dispute of channel " << i << " differs";
  }
}

TEST_F(SimLedgerTest, PersistsInRocksDbAcrossReopening) {
  TempDir dir("parley_sim_ledger_test_");
  const std::string path = (dir.path() / "ledger").string();
  auto open_store = [&]() -> std::unique_ptr<store::Store> {
    auto s = store::OpenRocksDb(path);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  };
  auto open_ledger = [&](store::Store& s) -> std::unique_ptr<SimLedger> {
    auto l = SimLedger::Open(s, apps_);
    EXPECT_TRUE(l.ok()) << l.status().ToString();
    return l.ok() ? std::move(l).value() : nullptr;
  };

  std::unique_ptr<store::Store> db = open_store();
  ASSERT_NE(db, nullptr);
  std::unique_ptr<SimLedger> ledger = open_ledger(*db);
  ASSERT_NE(ledger, nullptr);
  ledger_.reset();  // the fixture's in-memory ledger is not used here
  ledger_ = std::move(ledger);

  const crypto::PublicKey& a = alice_.public_key();
  const crypto::PublicKey& b = bob_.public_key();
  ASSERT_OK(ledger_->Mint(a, kNative, 1000));
  ASSERT_OK(ledger_->Mint(b, kNative, 500));
  ASSERT_OK(ledger_->Mint(a, kGold, 7));
  ASSERT_OK(ledger_->Advance(5));

  // ch1: in its dispute phase (until tick 105).
  TestChannel ch1 = MakeChannel(alice_, bob_, PaymentApp::kId, 100);
  ASSERT_OK(ledger_->Deposit(a, ch1.params, 0, kNative, 100));
  ASSERT_OK(ledger_->Deposit(b, ch1.params, 1, kNative, 50));
  ASSERT_OK(ledger_->Deposit(a, ch1.params, 1, kGold, 3));
  ASSERT_OK(ledger_->Register(ch1.params, SignAll(ch1, PaymentState(ch1, 4, 120, 30))));
  ASSERT_OK(ledger_->Advance(3));
  // ch2: concluded, participant 0 withdrawn.
  TestChannel ch2 = MakeChannel();
  ASSERT_OK(ledger_->Deposit(a, ch2.params, 0, kNative, 40));
  ASSERT_OK(ledger_->Deposit(b, ch2.params, 1, kNative, 60));
  ASSERT_OK(ledger_->Register(ch2.params, SignAll(ch2, PaymentState(ch2, 2, 10, 90, true))));
  ASSERT_OK(ledger_->Conclude(ch2.params));
  ASSERT_OK(ledger_->Withdraw(ch2.params, 0));
  // ch3: a game in its progress phase.
  TestChannel ch3 = MakeChannel(alice_, bob_, TicTacToeApp::kId);
  ASSERT_OK(ledger_->Deposit(a, ch3.params, 0, kNative, 50));
  ASSERT_OK(ledger_->Deposit(b, ch3.params, 1, kNative, 50));
  TicTacToeApp ttt;
  State start;
  start.channel_id = ch3.id;
  start.allocation.assets.push_back({kNative, {50, 50}, {}});
  start.app_data = Bytes(9, 0);
  auto x_moved = ttt.ApplyAction(ch3.params, start, 0, TicTacToeApp::MoveAction(4));
  ASSERT_TRUE(x_moved.ok());
  auto o_moved = ttt.ApplyAction(ch3.params, *x_moved, 1, TicTacToeApp::MoveAction(0));
  ASSERT_TRUE(o_moved.ok());
  ASSERT_OK(ledger_->Register(ch3.params, SignAll(ch3, *x_moved)));
  ASSERT_OK(ledger_->Advance(kDuration));
  ASSERT_OK(ledger_->Progress(ch3.params, SignBy(ch3, *o_moved, {1}), 1));
  // ch4: only seen through a deposit.
  TestChannel ch4 = MakeChannel(bob_, alice_);
  ASSERT_OK(ledger_->Deposit(b, ch4.params, 0, kNative, 1));

  const std::vector<crypto::PublicKey> accounts = {a, b, carol_.public_key()};
  const std::vector<TestChannel> channels = {ch1, ch2, ch3, ch4};
  Snapshot before = Take(*ledger_, accounts, channels);
  ASSERT_EQ(before.now, 18u);
  ASSERT_EQ(before.balances[0], 1000 - 100 - 40 - 50 + 10);
  ASSERT_EQ(before.dispute_codes[3], StatusCode::kNotFound);

  ledger_.reset();
  db.reset();
  db = open_store();
  ASSERT_NE(db, nullptr);
  ledger_ = open_ledger(*db);
  ASSERT_NE(ledger_, nullptr);
  ExpectSameSnapshot(before, Take(*ledger_, accounts, channels));

  // The reopened ledger goes on from where it was.
  EXPECT_CODE(ledger_->Withdraw(ch2.params, 0), StatusCode::kFailedPrecondition);
  ASSERT_OK(ledger_->Withdraw(ch2.params, 1));
  EXPECT_EQ(Bal(bob_), 500 - 50 - 60 - 50 - 1 + 90);
  EXPECT_CODE(ledger_->Conclude(ch1.params), StatusCode::kFailedPrecondition);
  ASSERT_OK(ledger_->Advance(100));
  ASSERT_OK(ledger_->Conclude(ch1.params));
  ASSERT_OK(ledger_->Conclude(ch3.params));
  for (const TestChannel* ch : {&ch1, &ch3}) {
    ASSERT_OK(ledger_->Withdraw(ch->params, 0));
    ASSERT_OK(ledger_->Withdraw(ch->params, 1));
  }
  // Mints minus ch4's 1 still deposited; ch1's gold was not allocated and
  // returns to participant 1 (its depositor slot).
  EXPECT_EQ(Bal(alice_) + Bal(bob_), 1000 + 500 - 1);
  EXPECT_EQ(Bal(alice_, kGold) + Bal(bob_, kGold), 7);
  Snapshot after = Take(*ledger_, accounts, channels);

  ledger_.reset();
  db.reset();
  db = open_store();
  ASSERT_NE(db, nullptr);
  ledger_ = open_ledger(*db);
  ASSERT_NE(ledger_, nullptr);
  ExpectSameSnapshot(after, Take(*ledger_, accounts, channels));
  ledger_.reset();  // before the store it uses
}

TEST_F(SimLedgerTest, ARefusedOperationWritesNothing) {
  ASSERT_OK(ledger_->Mint(alice_.public_key(), kNative, 10));
  TestChannel ch = MakeChannel();
  EXPECT_CODE(ledger_->Deposit(alice_.public_key(), ch.params, 0, kNative, 11),
              StatusCode::kFailedPrecondition);
  EXPECT_CODE(ledger_->Register(ch.params, SignBy(ch, PaymentState(ch, 1, 0, 0), {0})),
              StatusCode::kPermissionDenied);
  Reopen();
  EXPECT_EQ(Bal(alice_), 10);
  auto d = ledger_->Deposits(ch.params, kNative);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, (std::vector<Amount>{0, 0}));
  EXPECT_EQ(ledger_->GetDispute(ch.id).status().code(), StatusCode::kNotFound);
}

// ---------------------------------------------------------------------------
// The faucet and the clock.

TEST_F(SimLedgerTest, MintAddsToTheAccount) {
  EXPECT_EQ(Bal(alice_), 0);
  ASSERT_OK(ledger_->Mint(alice_.public_key(), kNative, 5));
  ASSERT_OK(ledger_->Mint(alice_.public_key(), kNative, 6));
  ASSERT_OK(ledger_->Mint(alice_.public_key(), kGold, 1));
  EXPECT_EQ(Bal(alice_), 11);
  EXPECT_EQ(Bal(alice_, kGold), 1);
  EXPECT_EQ(Bal(bob_), 0);
}

TEST_F(SimLedgerTest, MintOverflowIsRefusedAndChangesNothing) {
  const Amount max = std::numeric_limits<Amount>::max();
  ASSERT_OK(ledger_->Mint(alice_.public_key(), kNative, max - 5));
  // The account would overflow.
  EXPECT_CODE(ledger_->Mint(alice_.public_key(), kNative, 6), StatusCode::kOutOfRange);
  EXPECT_EQ(Bal(alice_), max - 5);
  // The supply would overflow, though bob's account would not.
  EXPECT_CODE(ledger_->Mint(bob_.public_key(), kNative, 6), StatusCode::kOutOfRange);
  EXPECT_EQ(Bal(bob_), 0);
  EXPECT_CODE(ledger_->Mint(bob_.public_key(), kNative, max), StatusCode::kOutOfRange);
  EXPECT_EQ(Bal(bob_), 0);
  // Up to the limit is fine; other assets are separate.
  ASSERT_OK(ledger_->Mint(bob_.public_key(), kNative, 5));
  EXPECT_EQ(Bal(bob_), 5);
  EXPECT_CODE(ledger_->Mint(bob_.public_key(), kNative, 1), StatusCode::kOutOfRange);
  ASSERT_OK(ledger_->Mint(bob_.public_key(), kGold, max));
  EXPECT_EQ(Bal(bob_, kGold), max);

  // Nothing of the refused mints reached the store.
  Reopen();
  EXPECT_EQ(Bal(alice_), max - 5);
  EXPECT_EQ(Bal(bob_), 5);
  EXPECT_EQ(Bal(bob_, kGold), max);
  EXPECT_CODE(ledger_->Mint(carol_.public_key(), kNative, 1), StatusCode::kOutOfRange);
}

TEST_F(SimLedgerTest, AdvanceMovesNow) {
  EXPECT_EQ(ledger_->Now(), 0u);
  ASSERT_OK(ledger_->Advance(3));
  EXPECT_EQ(ledger_->Now(), 3u);
  ASSERT_OK(ledger_->Advance(0));
  EXPECT_EQ(ledger_->Now(), 3u);
  ASSERT_OK(ledger_->Advance(1000));
  EXPECT_EQ(ledger_->Now(), 1003u);
  SimClient client(*ledger_, alice_.public_key());
  EXPECT_EQ(client.Now(), 1003u);
  Reopen();
  EXPECT_EQ(ledger_->Now(), 1003u);
}

// Time never runs backwards: an advance past the last tick is refused and
// changes nothing.
TEST_F(SimLedgerTest, AdvancePastTheLastTickIsRefused) {
  ASSERT_OK(ledger_->Advance(3));
  EXPECT_CODE(ledger_->Advance(std::numeric_limits<Tick>::max()), StatusCode::kOutOfRange);
  EXPECT_EQ(ledger_->Now(), 3u);
}

// ---------------------------------------------------------------------------
// Limits: whatever the ledger accepts, it can store and load again. The
// loader enforces channel::kMaxNameLength, kMaxAssets and kMaxAppDataSize, so
// the operations refuse anything beyond them.

// A turn-based app that accepts every move, so tests can force-move any state.
class AnythingGoesApp : public channel::App {
 public:
  static constexpr const char* kId = "anything-goes";
  channel::AppId id() const override { return kId; }
  Status ValidInit(const Params&, const State&) const override { return Status::Ok(); }
  Status ValidTransition(const Params&, const State&, const State&,
                         ParticipantIndex) const override {
    return Status::Ok();
  }
  bool SupportsForceMove() const override { return true; }
};

TEST_F(SimLedgerTest, MintAndDepositRefuseAssetNamesBeyondTheLimit) {
  TestChannel ch = MakeChannel();
  const std::string too_long(100, 'x');
  Status mint = ledger_->Mint(alice_.public_key(), too_long, 10);
  EXPECT_CODE(mint, StatusCode::kInvalidArgument);
  EXPECT_THAT(mint.message(), HasSubstr(std::to_string(channel::kMaxNameLength)));
  EXPECT_EQ(ledger_->Balance(alice_.public_key(), too_long), 0);
  Status deposit = ledger_->Deposit(alice_.public_key(), ch.params, 0, too_long, 10);
  EXPECT_CODE(deposit, StatusCode::kInvalidArgument);
  EXPECT_THAT(deposit.message(), HasSubstr(std::to_string(channel::kMaxNameLength)));
  EXPECT_CODE(ledger_->Mint(alice_.public_key(), "", 10), StatusCode::kInvalidArgument);
  EXPECT_CODE(ledger_->Deposit(alice_.public_key(), ch.params, 0, "", 10),
              StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger_->Balance(alice_.public_key(), ""), 0);

  // A name of exactly the limit is fine.
  const std::string longest(channel::kMaxNameLength, 'y');
  ASSERT_OK(ledger_->Mint(alice_.public_key(), longest, 10));
  ASSERT_OK(ledger_->Deposit(alice_.public_key(), ch.params, 0, longest, 10));
  ASSERT_NO_FATAL_FAILURE(Reopen());
  auto d = ledger_->Deposits(ch.params, longest);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(*d, (std::vector<Amount>{10, 0}));
  EXPECT_EQ(ledger_->Balance(alice_.public_key(), too_long), 0);
}

TEST_F(SimLedgerTest, DepositRefusesAChannelMoreThanTheMaximumNumberOfAssets) {
  TestChannel ch = MakeChannel();
  const crypto::PublicKey& a = alice_.public_key();
  std::vector<std::string> assets;
  for (size_t i = 0; i <= channel::kMaxAssets; ++i) {
    assets.push_back("asset" + std::to_string(i));
    ASSERT_OK(ledger_->Mint(a, assets.back(), 10));
  }
  for (size_t i = 0; i < channel::kMaxAssets; ++i) {
    ASSERT_OK(ledger_->Deposit(a, ch.params, 0, assets[i], 5));
  }
  const std::string& one_too_many = assets[channel::kMaxAssets];
  Status s = ledger_->Deposit(a, ch.params, 1, one_too_many, 5);
  EXPECT_CODE(s, StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr(std::to_string(channel::kMaxAssets)));
  EXPECT_EQ(Bal(alice_, one_too_many), 10);
  auto d = ledger_->Deposits(ch.params, one_too_many);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, (std::vector<Amount>{0, 0}));
  // More of an asset the channel already holds is fine, for any participant.
  ASSERT_OK(ledger_->Deposit(a, ch.params, 1, assets[0], 5));

  ASSERT_NO_FATAL_FAILURE(Reopen());
  d = ledger_->Deposits(ch.params, assets[0]);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, (std::vector<Amount>{5, 5}));
  EXPECT_EQ(Bal(alice_, one_too_many), 10);
  // The channel settles all its assets: the allocated one as allocated, the
  // others back to their depositor.
  State st;
  st.channel_id = ch.id;
  st.version = 1;
  st.allocation.assets.push_back({assets[0], {5, 5}, {}});
  st.is_final = true;
  ASSERT_OK(ledger_->Register(ch.params, SignAll(ch, st)));
  ASSERT_OK(ledger_->Conclude(ch.params));
  ASSERT_OK(ledger_->Withdraw(ch.params, 0));
  ASSERT_OK(ledger_->Withdraw(ch.params, 1));
  ASSERT_NO_FATAL_FAILURE(Reopen());
  EXPECT_EQ(Bal(alice_, assets[0]), 5);
  EXPECT_EQ(Bal(bob_, assets[0]), 5);
  for (size_t i = 1; i <= channel::kMaxAssets; ++i) EXPECT_EQ(Bal(alice_, assets[i]), 10);
}

TEST_F(SimLedgerTest, ZeroMintsAndDepositsAreRefused) {
  EXPECT_CODE(ledger_->Mint(alice_.public_key(), kNative, 0), StatusCode::kInvalidArgument);
  ASSERT_OK(ledger_->Mint(alice_.public_key(), kNative, 10));
  TestChannel ch = MakeChannel();
  EXPECT_CODE(ledger_->Deposit(alice_.public_key(), ch.params, 0, kNative, 0),
              StatusCode::kInvalidArgument);
  EXPECT_EQ(Bal(alice_), 10);
  // The refused deposit did not bring the channel onto the ledger.
  EXPECT_CODE(store_->Get(ChannelKey(ch)).status(), StatusCode::kNotFound);
  EXPECT_CODE(store_->Get("ledger/supply/gold").status(), StatusCode::kNotFound);
  EXPECT_CODE(ledger_->Mint(alice_.public_key(), kGold, 0), StatusCode::kInvalidArgument);
  EXPECT_CODE(store_->Get("ledger/supply/gold").status(), StatusCode::kNotFound);
}

// A state's app data beyond kMaxAppDataSize cannot be stored, so neither
// Register nor Progress takes it.
TEST_F(SimLedgerTest, RegisterAndProgressRefuseAppDataBeyondTheLimit) {
  ASSERT_OK(apps_.Register(std::make_shared<AnythingGoesApp>()));
  TestChannel ch = MakeChannel(alice_, bob_, AnythingGoesApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 10, 10));
  State v1 = PaymentState(ch, 1, 10, 10);
  v1.app_data = Bytes(channel::kMaxAppDataSize + 1, 7);
  Status s = ledger_->Register(ch.params, SignAll(ch, v1));
  EXPECT_CODE(s, StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr(std::to_string(channel::kMaxAppDataSize)));
  EXPECT_CODE(ledger_->GetDispute(ch.id).status(), StatusCode::kNotFound);
  v1.app_data.resize(channel::kMaxAppDataSize);
  ASSERT_OK(ledger_->Register(ch.params, SignAll(ch, v1)));

  ASSERT_OK(ledger_->Advance(kDuration));
  State v2 = PaymentState(ch, 2, 5, 15);
  v2.app_data = Bytes(channel::kMaxAppDataSize + 1, 8);
  EXPECT_CODE(ledger_->Progress(ch.params, SignBy(ch, v2, {1}), 1), StatusCode::kInvalidArgument);
  v2.app_data.resize(channel::kMaxAppDataSize);
  ASSERT_OK(ledger_->Progress(ch.params, SignBy(ch, v2, {1}), 1));
  ASSERT_NO_FATAL_FAILURE(Reopen());
  auto d = ledger_->GetDispute(ch.id);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->state.state, v2);
}

// What the ledger accepts it loads again: after a batch of operations at the
// limits, and refused ones beyond them, the ledger reopens from RocksDB.
TEST_F(SimLedgerTest, AfterOperationsAtTheLimitsTheLedgerReopensFromRocksDb) {
  TempDir dir("parley_sim_ledger_limits_");
  const std::string path = (dir.path() / "ledger").string();
  auto db = store::OpenRocksDb(path);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ledger_.reset();
  {
    auto l = SimLedger::Open(**db, apps_);
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    ledger_ = std::move(l).value();
  }
  const crypto::PublicKey& a = alice_.public_key();
  const crypto::PublicKey& b = bob_.public_key();
  const std::string too_long(100, 'z');
  TestChannel ch = MakeChannel();
  TestChannel other = MakeChannel(bob_, alice_);

  // Beyond the limits: refused.
  EXPECT_CODE(ledger_->Mint(a, too_long, 1), StatusCode::kInvalidArgument);
  ASSERT_OK(ledger_->Mint(a, kNative, 1000));
  EXPECT_CODE(ledger_->Deposit(a, ch.params, 0, too_long, 1), StatusCode::kInvalidArgument);
  EXPECT_CODE(ledger_->Deposit(a, ch.params, 0, kNative, 0), StatusCode::kInvalidArgument);

  // At the limits: kMaxAssets assets with names of kMaxNameLength bytes.
  std::vector<std::string> assets;
  for (size_t i = 0; i <= channel::kMaxAssets; ++i) {
    assets.push_back(std::string(channel::kMaxNameLength, static_cast<char>('a' + i)));
    ASSERT_OK(ledger_->Mint(a, assets.back(), 100));
    ASSERT_OK(ledger_->Mint(b, assets.back(), 100));
  }
  for (size_t i = 0; i < channel::kMaxAssets; ++i) {
    ASSERT_OK(ledger_->Deposit(a, ch.params, 0, assets[i], 10 + i));
    ASSERT_OK(ledger_->Deposit(b, ch.params, 1, assets[i], 20 + i));
  }
  EXPECT_CODE(ledger_->Deposit(a, ch.params, 0, assets[channel::kMaxAssets], 1),
              StatusCode::kInvalidArgument);
  EXPECT_CODE(ledger_->Deposit(b, ch.params, 1, too_long, 1), StatusCode::kInvalidArgument);
  // A second channel, registered and in its dispute phase.
  ASSERT_OK(ledger_->Deposit(a, other.params, 1, kNative, 30));
  ASSERT_OK(ledger_->Register(other.params, SignAll(other, PaymentState(other, 3, 10, 20))));
  ASSERT_OK(ledger_->Advance(4));

  const std::vector<crypto::PublicKey> accounts = {a, b};
  auto balances = [&] {
    std::vector<Amount> out;
    for (const auto& account : accounts) {
      for (const auto& asset : assets) out.push_back(ledger_->Balance(account, asset));
      out.push_back(ledger_->Balance(account, kNative));
      out.push_back(ledger_->Balance(account, too_long));
    }
    return out;
  };
  auto deposits = [&] {
    std::vector<std::vector<Amount>> out;
    for (const auto& asset : assets) {
      auto d = ledger_->Deposits(ch.params, asset);
      out.push_back(d.ok() ? *d : std::vector<Amount>{});
    }
    auto d = ledger_->Deposits(other.params, kNative);
    out.push_back(d.ok() ? *d : std::vector<Amount>{});
    return out;
  };
  const std::vector<Amount> balances_before = balances();
  const std::vector<std::vector<Amount>> deposits_before = deposits();
  auto dispute_before = ledger_->GetDispute(other.id);
  ASSERT_TRUE(dispute_before.ok());

  ledger_.reset();
  db->reset();
  db = store::OpenRocksDb(path);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  {
    auto l = SimLedger::Open(**db, apps_);
    ASSERT_TRUE(l.ok()) << "the ledger does not reopen: " << l.status().ToString();
    ledger_ = std::move(l).value();
  }
  EXPECT_EQ(ledger_->Now(), 4u);
  EXPECT_EQ(balances(), balances_before);
  EXPECT_EQ(deposits(), deposits_before);
  auto dispute_after = ledger_->GetDispute(other.id);
  ASSERT_TRUE(dispute_after.ok());
  EXPECT_TRUE(*dispute_after == *dispute_before);
  EXPECT_EQ(deposits_before[0], (std::vector<Amount>{10, 20}));
  EXPECT_EQ(ledger_->Balance(a, too_long), 0);
  ledger_.reset();  // before the store it uses
}

// ---------------------------------------------------------------------------
// Corrupted stores.

class SimLedgerCorruptionTest : public SimLedgerTest {
 protected:
  // A ledger with accounts, a supply, a concluded channel and a channel in
  // dispute in the store.
  void SetUp() override {
    SimLedgerTest::SetUp();
    ch_ = MakeChannel();
    ASSERT_NO_FATAL_FAILURE(Fund(ch_, 60, 40));
    ASSERT_OK(ledger_->Register(ch_.params, SignAll(ch_, PaymentState(ch_, 1, 50, 50, true))));
    ASSERT_OK(ledger_->Conclude(ch_.params));
    // Registered, not concluded; its allocation leaves an excess of 40.
    disputed_ = MakeChannel();
    ASSERT_NO_FATAL_FAILURE(Fund(disputed_, 60, 40));
    ASSERT_OK(ledger_->Register(disputed_.params,
                                SignAll(disputed_, PaymentState(disputed_, 1, 30, 30, true))));
    ASSERT_OK(ledger_->Advance(2));
    // Unchanged, the store opens.
    ASSERT_NO_FATAL_FAILURE(Reopen());
  }

  Bytes StoredChannel(const TestChannel& ch) {
    auto bytes = store_->Get(ChannelKey(ch));
    EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
    return bytes.ok() ? *bytes : Bytes{};
  }
  Bytes StoredChannel() { return StoredChannel(ch_); }

  // The stored record of `ch`, decoded, for a test to change.
  LedgerChannel Record(const TestChannel& ch) {
    auto c = DecodeLedgerChannel(StoredChannel(ch));
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? *c : LedgerChannel{};
  }

  // Writes `batch` behind the ledger's back and expects Open to refuse the
  // store with Corruption. Should Open accept it, the test goes on to
  // conclude and withdraw `ch` on that ledger, to show what the record does.
  void ExpectOpenRefusesAfter(const store::WriteBatch& batch, const TestChannel& ch) {
    ledger_.reset();
    ASSERT_OK(store_->Write(batch));
    auto reopened = SimLedger::Open(*store_, apps_);
    EXPECT_CODE(reopened.status(), StatusCode::kCorruption);
    if (!reopened.ok()) return;
    SimLedger& l = **reopened;
    std::string what =
        "Open accepted the store; then Conclude: " + l.Conclude(ch.params).ToString();
    for (ParticipantIndex p : {0u, 1u}) {
      what += ", Withdraw(" + std::to_string(p) + "): " + l.Withdraw(ch.params, p).ToString();
    }
    ADD_FAILURE() << what;
  }

  // Stores `record` as the channel `ch` and expects Open to refuse it.
  void ExpectOpenRefusesRecord(const TestChannel& ch, const LedgerChannel& record) {
    store::WriteBatch batch;
    batch.Put(ChannelKey(ch), EncodeLedgerChannel(record));
    ExpectOpenRefusesAfter(batch, ch);
  }

  TestChannel ch_;        // concluded, nothing withdrawn: outcome {50, 50}
  TestChannel disputed_;  // deposits {60, 40}, final {30, 30} registered
};

// The records the fixture wrote decode and encode back to the same bytes, so
// the tests below change only what they mean to.
TEST_F(SimLedgerCorruptionTest, StoredRecordsRoundTrip) {
  for (const TestChannel* ch : {&ch_, &disputed_}) {
    EXPECT_EQ(EncodeLedgerChannel(Record(*ch)), StoredChannel(*ch));
  }
  // Written back unchanged, they load.
  ledger_.reset();
  ASSERT_OK(store_->Put(ChannelKey(disputed_), EncodeLedgerChannel(Record(disputed_))));
  ASSERT_NO_FATAL_FAILURE(Reopen());
}

TEST_F(SimLedgerCorruptionTest, GarbageChannelEntryIsCorruption) {
  ExpectOpenRefuses(ChannelKey(ch_), {0xde, 0xad, 0xbe, 0xef});
}

TEST_F(SimLedgerCorruptionTest, EmptyChannelEntryIsCorruption) {
  ExpectOpenRefuses(ChannelKey(ch_), {});
}

TEST_F(SimLedgerCorruptionTest, TruncatedChannelEntryIsCorruption) {
  Bytes bytes = StoredChannel();
  ASSERT_GT(bytes.size(), 10u);
  bytes.resize(bytes.size() - 1);
  ExpectOpenRefuses(ChannelKey(ch_), bytes);
}

TEST_F(SimLedgerCorruptionTest, ChannelEntryWithTrailingBytesIsCorruption) {
  Bytes bytes = StoredChannel();
  bytes.push_back(0);
  ExpectOpenRefuses(ChannelKey(ch_), bytes);
}

TEST_F(SimLedgerCorruptionTest, ChannelKeyThatIsNotAnIdIsCorruption) {
  ExpectOpenRefuses("ledger/channel/not-hex", StoredChannel());
}

TEST_F(SimLedgerCorruptionTest, GarbageSupplyIsCorruption) {
  ExpectOpenRefuses("ledger/supply/native", {1, 2, 3});
}

TEST_F(SimLedgerCorruptionTest, GarbageAccountIsCorruption) {
  ExpectOpenRefuses("ledger/account/" + alice_.public_key().ToHex() + "/native", Bytes(33, 1));
}

TEST_F(SimLedgerCorruptionTest, AccountKeyWithoutAssetIsCorruption) {
  ExpectOpenRefuses("ledger/account/" + carol_.public_key().ToHex(), Bytes(32, 0));
}

TEST_F(SimLedgerCorruptionTest, GarbageTickIsCorruption) {
  ExpectOpenRefuses("ledger/tick", {0, 1, 2});
}

// Stored entries decode strictly (util/codec.h): a tick with trailing bytes is
// Corruption.
TEST_F(SimLedgerCorruptionTest, TickWithTrailingBytesIsCorruption) {
  ExpectOpenRefuses("ledger/tick", {0, 0, 0, 0, 0, 0, 0, 2, 0});
}

// Bytes that decode but do not add up (a supply that differs from what the
// accounts and channels hold) are Corruption too.
TEST_F(SimLedgerCorruptionTest, ASupplyThatDoesNotAddUpIsRefused) {
  ledger_.reset();
  ASSERT_OK(store_->Put("ledger/supply/native", Bytes(32, 0)));
  auto reopened = SimLedger::Open(*store_, apps_);
  EXPECT_CODE(reopened.status(), StatusCode::kCorruption);
}

// A stored channel whose withdrawn list is shorter than its participants is
// Corruption, not an out-of-bounds Withdraw later.
TEST_F(SimLedgerCorruptionTest, ChannelWithAShortWithdrawnListIsCorruption) {
  Bytes bytes = StoredChannel();
  // The entry ends with the withdrawn list: u32 count 2, then two booleans.
  ASSERT_GE(bytes.size(), 6u);
  const Bytes tail(bytes.end() - 6, bytes.end());
  ASSERT_EQ(tail, (Bytes{0, 0, 0, 2, 0, 0}));
  bytes.resize(bytes.size() - 6);
  bytes.insert(bytes.end(), {0, 0, 0, 0});
  ledger_.reset();
  ASSERT_OK(store_->Put(ChannelKey(ch_), bytes));
  auto reopened = SimLedger::Open(*store_, apps_);
  EXPECT_CODE(reopened.status(), StatusCode::kCorruption);
  if (reopened.ok()) {
    EXPECT_CODE((*reopened)->Withdraw(ch_.params, 1), StatusCode::kFailedPrecondition);
  }
}

// A stored record must mean something the ledger could have written, or later
// operations would throw, divide by zero or index past a list. Each record
// below decodes and keeps the supply conserved, and is still Corruption.

// Conclude looked up the deposits of every held asset with map::at.
TEST_F(SimLedgerCorruptionTest, HoldingsOfAnAssetWithoutDepositsAreCorruption) {
  LedgerChannel c = Record(disputed_);
  c.deposits[kGold] = c.deposits.at(kNative);
  c.deposits.erase(kNative);
  ExpectOpenRefusesRecord(disputed_, c);
}

TEST_F(SimLedgerCorruptionTest, DepositsOfAnAssetNotHeldAreCorruption) {
  LedgerChannel c = Record(disputed_);
  c.deposits[kGold] = {0, 0};
  ExpectOpenRefusesRecord(disputed_, c);
}

// Conclude divided the excess by the deposits, here 0.
TEST_F(SimLedgerCorruptionTest, HoldingsBeyondTheDepositsAreCorruption) {
  LedgerChannel c = Record(disputed_);
  c.deposits[kNative] = {0, 0};
  ExpectOpenRefusesRecord(disputed_, c);
}

TEST_F(SimLedgerCorruptionTest, DepositsThatDoNotAddUpToTheHoldingsAreCorruption) {
  LedgerChannel c = Record(disputed_);
  c.deposits[kNative] = {60, 41};
  ExpectOpenRefusesRecord(disputed_, c);
}

// Deposits whose sum overflows 256 bits.
TEST_F(SimLedgerCorruptionTest, DepositsWhoseSumOverflowsAreCorruption) {
  LedgerChannel c = Record(disputed_);
  const Amount max = std::numeric_limits<Amount>::max();
  c.deposits[kNative] = {max, 101};  // wraps to 100, the holdings
  ExpectOpenRefusesRecord(disputed_, c);
}

TEST_F(SimLedgerCorruptionTest, ADisputeOfAnotherChannelIsCorruption) {
  LedgerChannel c = Record(disputed_);
  c.dispute->state.state.channel_id = ch_.id;
  ExpectOpenRefusesRecord(disputed_, c);
}

// Conclude indexed the registered allocation's balances per participant.
TEST_F(SimLedgerCorruptionTest, ADisputedAllocationWithTooFewBalancesIsCorruption) {
  LedgerChannel c = Record(disputed_);
  c.dispute->state.state.allocation.assets[0].balances = {60};
  ExpectOpenRefusesRecord(disputed_, c);
}

TEST_F(SimLedgerCorruptionTest, ADisputedAllocationWhoseTotalOverflowsIsCorruption) {
  LedgerChannel c = Record(disputed_);
  c.dispute->state.state.allocation.assets[0].balances = {std::numeric_limits<Amount>::max(), 1};
  ExpectOpenRefusesRecord(disputed_, c);
}

TEST_F(SimLedgerCorruptionTest, ADisputedAllocationWithARepeatedAssetIsCorruption) {
  LedgerChannel c = Record(disputed_);
  auto& assets = c.dispute->state.state.allocation.assets;
  assets.push_back(assets[0]);
  assets.back().balances = {0, 0};
  ExpectOpenRefusesRecord(disputed_, c);
}

TEST_F(SimLedgerCorruptionTest, AnOutcomeOfAnAssetNotHeldIsCorruption) {
  LedgerChannel c = Record(ch_);
  (*c.outcome)[kGold] = {5, 0};
  ExpectOpenRefusesRecord(ch_, c);
}

// After conclusion the channel holds exactly the shares not yet withdrawn.
TEST_F(SimLedgerCorruptionTest, HoldingsThatDoNotMatchTheUnwithdrawnSharesAreCorruption) {
  LedgerChannel c = Record(ch_);
  c.withdrawn[0] = true;  // but its 50 are still held
  ExpectOpenRefusesRecord(ch_, c);
}

TEST_F(SimLedgerCorruptionTest, AConcludedDisputeWithoutAnOutcomeIsCorruption) {
  LedgerChannel c = Record(ch_);
  c.outcome.reset();
  c.withdrawn.clear();
  ExpectOpenRefusesRecord(ch_, c);
}

TEST_F(SimLedgerCorruptionTest, AnOutcomeWithoutAConcludedDisputeIsCorruption) {
  LedgerChannel c = Record(disputed_);
  c.outcome = c.deposits;
  c.withdrawn = {false, false};
  ExpectOpenRefusesRecord(disputed_, c);
}

// A dispute timeout no registration can produce (tick + challenge duration).
TEST_F(SimLedgerCorruptionTest, ADisputeTimeoutBeyondTheLastTickIsCorruption) {
  LedgerChannel c = Record(disputed_);
  c.dispute->timeout = std::numeric_limits<Tick>::max();
  ExpectOpenRefusesRecord(disputed_, c);
}

TEST_F(SimLedgerCorruptionTest, ATickBeyondTheLastIsCorruption) {
  Writer w;
  w.U64(channel::kMaxTick + 1);
  store::WriteBatch batch;
  batch.Put("ledger/tick", w.Take());
  ExpectOpenRefusesAfter(batch, disputed_);
}

// The key must be the id the ledger computes from the stored params.
TEST_F(SimLedgerCorruptionTest, ARecordUnderAnotherChannelsKeyIsCorruption) {
  TestChannel elsewhere = MakeChannel();
  store::WriteBatch batch;
  batch.Delete(ChannelKey(disputed_));
  batch.Put(ChannelKey(elsewhere), StoredChannel(disputed_));
  ExpectOpenRefusesAfter(batch, disputed_);
}

// The hex decoder takes either case, so an upper-case key would load as the
// same channel next to the lower-case one the ledger writes.
TEST_F(SimLedgerCorruptionTest, ARecordUnderANonCanonicalKeyIsCorruption) {
  std::string key = ChannelKey(disputed_);
  for (size_t i = std::string("ledger/channel/").size(); i < key.size(); ++i) {
    key[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(key[i])));
  }
  ASSERT_NE(key, ChannelKey(disputed_));
  store::WriteBatch batch;
  batch.Put(key, StoredChannel(disputed_));
  ExpectOpenRefusesAfter(batch, disputed_);
}

// Only channels that settle on this ledger are ever written.
TEST_F(SimLedgerCorruptionTest, AChannelOfAnotherBackendIsCorruption) {
  LedgerChannel c = Record(disputed_);
  TestChannel moved = disputed_;
  moved.params.backend = "evm";
  moved.id = ledger_->scheme().ComputeChannelId(moved.params);
  c.params = moved.params;
  c.dispute->state.state.channel_id = moved.id;
  store::WriteBatch batch;
  batch.Delete(ChannelKey(disputed_));
  batch.Put(ChannelKey(moved), EncodeLedgerChannel(c));
  ExpectOpenRefusesAfter(batch, moved);
}

// ---------------------------------------------------------------------------
// Events.

TEST_F(SimLedgerTest, UnsubscribeStopsDelivery) {
  TestChannel ch = MakeChannel();
  std::vector<EventKind> first, second;
  uint64_t s1 = ledger_->Subscribe(ch.id, [&](const Event& e) { first.push_back(e.kind); });
  uint64_t s2 = ledger_->Subscribe(ch.id, [&](const Event& e) { second.push_back(e.kind); });
  EXPECT_NE(s1, s2);
  ASSERT_OK(ledger_->Mint(alice_.public_key(), kNative, 10));
  ASSERT_OK(ledger_->Deposit(alice_.public_key(), ch.params, 0, kNative, 4));
  EXPECT_EQ(first, (std::vector<EventKind>{EventKind::kDeposited}));
  EXPECT_EQ(second, (std::vector<EventKind>{EventKind::kDeposited}));

  ledger_->Unsubscribe(s1);
  ASSERT_OK(ledger_->Deposit(alice_.public_key(), ch.params, 0, kNative, 4));
  EXPECT_EQ(first.size(), 1u);
  EXPECT_EQ(second.size(), 2u);

  ledger_->Unsubscribe(s1);         // twice: harmless
  ledger_->Unsubscribe(s2 + 1000);  // unknown: harmless
  ledger_->Unsubscribe(s2);
  ASSERT_OK(ledger_->Deposit(alice_.public_key(), ch.params, 0, kNative, 2));
  EXPECT_EQ(first.size(), 1u);
  EXPECT_EQ(second.size(), 2u);
  auto d = ledger_->Deposits(ch.params, kNative);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, (std::vector<Amount>{10, 0}));
}

TEST_F(SimLedgerTest, AHandlerMayUnsubscribeItself) {
  TestChannel ch = MakeChannel();
  int calls = 0;
  uint64_t sub = 0;
  sub = ledger_->Subscribe(ch.id, [&](const Event&) {
    ++calls;
    ledger_->Unsubscribe(sub);
  });
  ASSERT_OK(ledger_->Mint(alice_.public_key(), kNative, 10));
  RunWithin(10, "a deposit whose handler unsubscribes",
            [&] { EXPECT_OK(ledger_->Deposit(alice_.public_key(), ch.params, 0, kNative, 1)); });
  ASSERT_OK(ledger_->Deposit(alice_.public_key(), ch.params, 0, kNative, 1));
  EXPECT_EQ(calls, 1);
}

TEST_F(SimLedgerTest, AHandlerMayCallBackIntoTheLedger) {
  TestChannel ch = MakeChannel();
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 60, 40));
  std::vector<uint64_t> seen_versions;
  std::vector<Tick> seen_timeouts;
  std::vector<Amount> seen_balances;
  int withdraw_events = 0;
  ledger_->Subscribe(ch.id, [&](const Event& e) {
    // Reads see the operation that caused the event.
    auto d = ledger_->GetDispute(e.channel);
    if (e.kind == EventKind::kRegistered) {
      EXPECT_TRUE(d.ok()) << d.status().ToString();
      if (d.ok()) {
        seen_versions.push_back(d->state.state.version);
        seen_timeouts.push_back(d->timeout);
      }
      EXPECT_EQ(ledger_->Now(), 0u);
    }
    if (e.kind == EventKind::kWithdrawn) {
      ++withdraw_events;
      seen_balances.push_back(ledger_->Balance(ch.params.participants[e.participant], kNative));
      // And writes go through: a handler may even act on the channel.
      if (e.participant == 0) {
        EXPECT_OK(ledger_->Withdraw(ch.params, 1));
      }
    }
  });
  RunWithin(10, "Register with a re-entrant handler", [&] {
    EXPECT_OK(ledger_->Register(ch.params, SignAll(ch, PaymentState(ch, 3, 70, 30, true))));
  });
  EXPECT_EQ(seen_versions, (std::vector<uint64_t>{3}));
  EXPECT_EQ(seen_timeouts, (std::vector<Tick>{kDuration}));
  ASSERT_OK(ledger_->Conclude(ch.params));
  RunWithin(10, "Withdraw with a re-entrant handler",
            [&] { EXPECT_OK(ledger_->Withdraw(ch.params, 0)); });
  EXPECT_EQ(withdraw_events, 2);
  EXPECT_EQ(seen_balances, (std::vector<Amount>{70, 30}));
  EXPECT_EQ(Bal(alice_), 70);
  EXPECT_EQ(Bal(bob_), 30);
}

TEST_F(SimLedgerTest, EventsArriveOnTheCallingThreadBeforeTheCallReturns) {
  TestChannel ch = MakeChannel();
  std::thread::id handler_thread;
  int events = 0;
  ledger_->Subscribe(ch.id, [&](const Event&) {
    handler_thread = std::this_thread::get_id();
    ++events;
  });
  ASSERT_OK(ledger_->Mint(alice_.public_key(), kNative, 10));
  ASSERT_OK(ledger_->Deposit(alice_.public_key(), ch.params, 0, kNative, 10));
  EXPECT_EQ(events, 1);
  EXPECT_EQ(handler_thread, std::this_thread::get_id());
}

// ---------------------------------------------------------------------------
// Outcomes the shared suite leaves to the backend.

// Adjudicator::ConcludeAndWithdraw as the sim has it, the default: the calls
// one by one, paying the caller's participant alone.
TEST_F(SimLedgerTest, ConcludeAndWithdrawRegistersConcludesAndPaysTheCallerAlone) {
  TestChannel ch = MakeChannel();
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 70, 30));
  SimClient alice(*ledger_, alice_.public_key());
  ASSERT_OK(
      alice.ConcludeAndWithdraw(ch.params, SignAll(ch, PaymentState(ch, 3, 60, 40, true)), 0));
  auto dispute = ledger_->GetDispute(ch.id);
  ASSERT_OK(dispute.status());
  EXPECT_TRUE(dispute->concluded);
  EXPECT_EQ(dispute->state.state.version, 3u);
  EXPECT_EQ(Bal(alice_), 60);
  EXPECT_EQ(Bal(bob_), 0);  // Bob withdraws for himself
  EXPECT_CODE(alice.ConcludeAndWithdraw(ch.params, dispute->state, 0),
              StatusCode::kFailedPrecondition);  // paid already
  SimClient bob(*ledger_, bob_.public_key());
  ASSERT_OK(bob.ConcludeAndWithdraw(ch.params, dispute->state, 1));
  EXPECT_EQ(Bal(bob_), 40);
}

TEST_F(SimLedgerTest, ConcludeAndWithdrawOfANonFinalStateWaitsForTheTimeout) {
  TestChannel ch = MakeChannel();
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 70, 30));
  SimClient alice(*ledger_, alice_.public_key());
  SignedState latest = SignAll(ch, PaymentState(ch, 3, 60, 40));
  Status early = alice.ConcludeAndWithdraw(ch.params, latest, 0);
  EXPECT_CODE(early, StatusCode::kFailedPrecondition);
  EXPECT_THAT(early.message(), HasSubstr("from tick 10"));
  EXPECT_EQ(ledger_->GetDispute(ch.id)->state.state.version, 3u);  // registered all the same
  ASSERT_OK(ledger_->Advance(kDuration));
  ASSERT_OK(alice.ConcludeAndWithdraw(ch.params, latest, 0));
  EXPECT_EQ(Bal(alice_), 60);
  EXPECT_EQ(Bal(bob_), 0);
}

TEST_F(SimLedgerTest, ExcessDepositsReturnInProportionToTheDeposits) {
  TestChannel ch = MakeChannel();
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 70, 30));
  // Allocates 50 of the 100 held; the excess 50 goes back 35/15.
  ASSERT_OK(ledger_->Register(ch.params, SignAll(ch, PaymentState(ch, 1, 10, 40, true))));
  ASSERT_OK(ledger_->Conclude(ch.params));
  ASSERT_OK(ledger_->Withdraw(ch.params, 0));
  ASSERT_OK(ledger_->Withdraw(ch.params, 1));
  EXPECT_EQ(Bal(alice_), 10 + 35);
  EXPECT_EQ(Bal(bob_), 40 + 15);
}

TEST_F(SimLedgerTest, TheRemainderOfTheExcessGoesToParticipantZero) {
  TestChannel ch = MakeChannel();
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 2, 1));
  // Excess 1, shares 1*2/3 = 0 and 1*1/3 = 0: the remainder 1 to participant 0.
  ASSERT_OK(ledger_->Register(ch.params, SignAll(ch, PaymentState(ch, 1, 1, 1, true))));
  ASSERT_OK(ledger_->Conclude(ch.params));
  ASSERT_OK(ledger_->Withdraw(ch.params, 0));
  ASSERT_OK(ledger_->Withdraw(ch.params, 1));
  EXPECT_EQ(Bal(alice_), 2);
  EXPECT_EQ(Bal(bob_), 1);
}

// Excess shares are computed without overflow: with deposits of 2^200 each
// and an allocation of {1, 0}, participant 1 gets 2^200-1 back.
TEST_F(SimLedgerTest, ExcessSharesOfLargeDepositsDoNotOverflow) {
  TestChannel ch = MakeChannel();
  const Amount big = Amount(1) << 200;
  ASSERT_NO_FATAL_FAILURE(Fund(ch, big, big));
  ASSERT_OK(ledger_->Register(ch.params, SignAll(ch, PaymentState(ch, 1, 1, 0, true))));
  ASSERT_OK(ledger_->Conclude(ch.params));
  ASSERT_OK(ledger_->Withdraw(ch.params, 0));
  ASSERT_OK(ledger_->Withdraw(ch.params, 1));
  // Excess 2^201-1, each share floor((2^201-1)/2) = 2^200-1, remainder 1.
  EXPECT_EQ(Bal(alice_), big + 1);
  EXPECT_EQ(Bal(bob_), big - 1);
}

TEST_F(SimLedgerTest, ChannelsOfUnknownAppsOrOtherBackendsAreRefused) {
  ASSERT_OK(ledger_->Mint(alice_.public_key(), kNative, 10));
  TestChannel unknown = MakeChannel(alice_, bob_, "chess-960");
  EXPECT_CODE(ledger_->Deposit(alice_.public_key(), unknown.params, 0, kNative, 1),
              StatusCode::kNotFound);
  TestChannel evm = MakeChannel();
  evm.params.backend = "evm";
  evm.id = ledger_->scheme().ComputeChannelId(evm.params);
  EXPECT_CODE(ledger_->Deposit(alice_.public_key(), evm.params, 0, kNative, 1),
              StatusCode::kInvalidArgument);
  TestChannel bad = MakeChannel();
  bad.params.challenge_duration = 0;
  EXPECT_CODE(ledger_->Deposit(alice_.public_key(), bad.params, 0, kNative, 1),
              StatusCode::kInvalidArgument);
  EXPECT_EQ(Bal(alice_), 10);
}

// ---------------------------------------------------------------------------
// Conservation.

// Random deposits, registrations, conclusions and withdrawals over a few
// channels, checked after every step against what the events report: the
// accounts plus what the channels took in minus what they paid out equal what
// was minted. In the end every channel is settled and the accounts alone hold
// everything.
TEST_F(SimLedgerTest, RandomOperationsConserveFunds) {
  std::mt19937_64 rng(20240611);
  auto pick = [&](uint64_t n) { return static_cast<uint64_t>(rng() % n); };
  const char* kAssets[] = {kNative, kGold};

  std::vector<crypto::PrivateKey> people = {alice_, bob_, carol_, crypto::PrivateKey::Generate()};
  std::map<std::string, Amount> minted;
  for (const auto& p : people) {
    for (const char* asset : kAssets) {
      Amount amount = 500 + pick(500);
      ASSERT_OK(ledger_->Mint(p.public_key(), asset, amount));
      minted[asset] += amount;
    }
  }

  std::vector<TestChannel> channels;
  for (int i = 0; i < 6; ++i) {
    size_t a = pick(people.size());
    size_t b = (a + 1 + pick(people.size() - 1)) % people.size();
    channels.push_back(MakeChannel(people[a], people[b], PaymentApp::kId, 1 + pick(5)));
  }
  std::map<std::string, Amount> deposited, withdrawn;
  for (const TestChannel& ch : channels) {
    ledger_->Subscribe(ch.id, [&](const Event& e) {
      if (e.kind == EventKind::kDeposited) deposited[e.asset] += e.amount;
      if (e.kind == EventKind::kWithdrawn) withdrawn[e.asset] += e.amount;
    });
  }
  auto accounts_total = [&](const std::string& asset) {
    Amount total = 0;
    for (const auto& p : people) total += ledger_->Balance(p.public_key(), asset);
    return total;
  };
  auto check = [&](int step) {
    for (const char* asset : kAssets) {
      ASSERT_EQ(accounts_total(asset) + deposited[asset] - withdrawn[asset], minted[asset])
          << "asset " << asset << " after step " << step;
    }
  };

  int ok_ops[5] = {0, 0, 0, 0, 0};
  for (int step = 0; step < 600; ++step) {
    TestChannel& ch = channels[pick(channels.size())];
    uint64_t op = pick(5);
    Status s;
    switch (op) {
      case 0: {  // deposit, sometimes beyond the payer's balance
        const auto& payer = people[pick(people.size())].public_key();
        const char* asset = kAssets[pick(2)];
        Amount before = ledger_->Balance(payer, asset);
        Amount amount = pick(250);
        auto participant = static_cast<ParticipantIndex>(pick(2));
        s = ledger_->Deposit(payer, ch.params, participant, asset, amount);
        EXPECT_EQ(ledger_->Balance(payer, asset), s.ok() ? before - amount : before);
        break;
      }
      case 1: {  // register a random state, funded or not
        uint64_t version = 1 + pick(12);
        Amount a = pick(300);
        Amount b = pick(300);
        bool is_final = pick(6) == 0;
        State st = PaymentState(ch, version, a, b, is_final);
        if (pick(3) == 0) {
          Amount ga = pick(100);
          Amount gb = pick(100);
          st.allocation.assets.push_back({kGold, {ga, gb}, {}});
        }
        s = ledger_->Register(ch.params, SignAll(ch, st));
        break;
      }
      case 2:
        s = ledger_->Advance(pick(4));
        break;
      case 3:
        s = ledger_->Conclude(ch.params);
        break;
      case 4:
        s = ledger_->Withdraw(ch.params, static_cast<ParticipantIndex>(pick(2)));
        break;
    }
    if (s.ok()) ++ok_ops[op];
    ASSERT_NO_FATAL_FAILURE(check(step));
  }
  // Each kind of operation succeeded now and then, so the walk meant something.
  for (int op = 0; op < 5; ++op) EXPECT_GT(ok_ops[op], 0) << "operation " << op;

  // Settle everything.
  ASSERT_OK(ledger_->Advance(100));
  for (const TestChannel& ch : channels) {
    if (ledger_->GetDispute(ch.id).status().code() == StatusCode::kNotFound) {
      ASSERT_OK(ledger_->Register(ch.params, SignAll(ch, PaymentState(ch, 1, 0, 0, true))));
    }
    auto d = ledger_->GetDispute(ch.id);
    ASSERT_TRUE(d.ok());
    if (!d->concluded) {
      ASSERT_OK(ledger_->Conclude(ch.params));
    }
    for (ParticipantIndex p : {0u, 1u}) {
      Status s = ledger_->Withdraw(ch.params, p);
      EXPECT_TRUE(s.ok() || s.code() == StatusCode::kFailedPrecondition) << s.ToString();
      EXPECT_CODE(ledger_->Withdraw(ch.params, p), StatusCode::kFailedPrecondition);
    }
  }
  for (const char* asset : kAssets) {
    EXPECT_EQ(accounts_total(asset), minted[asset]) << asset;
    EXPECT_EQ(deposited[asset], withdrawn[asset]) << asset;
  }
  // And so it stays after a reopen.
  Reopen();
  for (const char* asset : kAssets) EXPECT_EQ(accounts_total(asset), minted[asset]) << asset;
}

TEST_F(SimLedgerTest, ConcurrentOperationsConserveFunds) {
  constexpr int kThreads = 4;
  constexpr int kRounds = 25;
  std::vector<crypto::PrivateKey> people;
  for (int i = 0; i < kThreads + 1; ++i) people.push_back(crypto::PrivateKey::Generate());
  for (const auto& p : people) ASSERT_OK(ledger_->Mint(p.public_key(), kNative, 10'000));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const crypto::PrivateKey& me = people[t];
      const crypto::PrivateKey& peer = people[kThreads];  // shared by all threads
      for (int r = 0; r < kRounds; ++r) {
        TestChannel ch = MakeChannel(me, peer);
        bool ok =
            ledger_->Deposit(me.public_key(), ch.params, 0, kNative, 10).ok() &&
            ledger_->Deposit(peer.public_key(), ch.params, 1, kNative, 10).ok() &&
            ledger_->Register(ch.params, SignAll(ch, PaymentState(ch, 1, 5, 15, true))).ok() &&
            ledger_->Conclude(ch.params).ok() && ledger_->Withdraw(ch.params, 0).ok() &&
            ledger_->Withdraw(ch.params, 1).ok() && ledger_->Advance(1).ok();
        if (!ok) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(ledger_->Now(), static_cast<Tick>(kThreads * kRounds));
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(ledger_->Balance(people[t].public_key(), kNative), 10'000 - 5 * kRounds);
  }
  EXPECT_EQ(ledger_->Balance(people[kThreads].public_key(), kNative),
            10'000 + 5 * kRounds * kThreads);
}

}  // namespace
}  // namespace parley::settlement
