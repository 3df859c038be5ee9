// The sim ledger tests' fixture: a ledger in a store, channels of test keys,
// signing helpers, and snapshots of what the ledger shows.
#pragma once

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
#include "parley/settlement/sim_ledger.h"
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

using apps::PaymentApp;
using apps::TicTacToeApp;
using channel::Amount;
using channel::ChannelId;
using channel::Params;
using channel::ParticipantIndex;
using channel::SignedState;
using channel::State;

inline constexpr const char* kNative = "native";
inline constexpr const char* kGold = "gold";
inline constexpr uint64_t kDuration = 10;

// Runs `fn` on another thread and waits for it at most `seconds`. A deadlock
// cannot be recovered from, so the test program stops with a message then.
inline void RunWithin(int seconds, const char* what, std::function<void()> fn) {
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

// What the ledger shows about a few accounts and channels.
// What the ledger shows about a few accounts and channels.
struct Snapshot {
  Tick now = 0;
  std::vector<Amount> balances;
  std::vector<std::vector<Amount>> deposits;
  std::vector<StatusCode> dispute_codes;
  std::vector<std::optional<Dispute>> disputes;
};

inline Snapshot Take(const SimLedger& ledger, const std::vector<crypto::PublicKey>& accounts,
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

inline void ExpectSameSnapshot(const Snapshot& want, const Snapshot& got) {
  EXPECT_EQ(want.now, got.now);
  EXPECT_EQ(want.balances, got.balances);
  EXPECT_EQ(want.deposits, got.deposits);
  EXPECT_EQ(want.dispute_codes, got.dispute_codes);
  ASSERT_EQ(want.disputes.size(), got.disputes.size());
  for (size_t i = 0; i < want.disputes.size(); ++i) {
    EXPECT_TRUE(want.disputes[i] == got.disputes[i]) << "dispute of channel " << i << " differs";
  }
}

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

}  // namespace parley::settlement
