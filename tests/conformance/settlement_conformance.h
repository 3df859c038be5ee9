// The conformance suite for parley::settlement::Funder and Adjudicator
// (DESIGN.md §3, the timeline in parley/settlement/adjudicator.h). Every
// settlement backend runs these tests unchanged, through the interfaces only.
// The suite is split by topic:
//   settlement_funding_test.cc     deposits, refunds, several assets
//   settlement_dispute_test.cc     registering and refuting
//   settlement_conclude_test.cc    concluding and withdrawing
//   settlement_force_move_test.cc  force-moves of turn-based apps
// A topic runs on every backend whose Features it needs.
//
// To add a backend: implement SettlementBackend for it (LedgerBackend if
// channels are funded by deposits; see settlement_backends.cc) and add one
// line to AllBackends().
#pragma once

#include <gtest/gtest.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "parley/channel/scheme.h"
#include "parley/channel/types.h"
#include "parley/crypto/keys.h"
#include "parley/settlement/adjudicator.h"
#include "parley/settlement/events.h"
#include "payment/payment_app.h"
#include "testing/status_matchers.h"
#include "tictactoe/tictactoe_app.h"

namespace parley::settlement::conformance {

testing::AssertionResult Fails(const char* expr, const Status& s);

// Expects `expr` to fail, with any code.
#define EXPECT_FAILS(expr) EXPECT_PRED_FORMAT1(::parley::settlement::conformance::Fails, expr)

// ---------------------------------------------------------------------------
// What a backend provides to the suite.
//
// Contract: the backend knows the apps "payment" (apps::PaymentApp) and
// "tictactoe" (apps::TicTacToeApp); operations do not move the ledger's clock,
// only AdvanceTicks does; every operation has taken effect on the ledger when
// it returns. Events may arrive on any thread, a little later (the suite
// waits for them).
class SettlementBackend {
 public:
  virtual ~SettlementBackend() = default;

  // The name that Params::backend carries, e.g. "sim".
  virtual std::string BackendName() const = 0;
  // How channels are named and states signed on this backend.
  virtual const channel::SignatureScheme& Scheme() const = 0;
  // The assets channels can hold, first the one most tests use. A backend
  // with deposits offers two; a backend with fees picks assets that pay
  // none, so balances add up exactly.
  virtual std::vector<std::string> Assets() const = 0;

  // The Adjudicator acting as the holder of `key`. The same object for the
  // same key.
  virtual Adjudicator& AdjudicatorFor(const crypto::PrivateKey& key) = 0;

  // Makes the channel of `params` hold `amounts[i]` of Assets()[0] for
  // participant i, whose key is `keys[i]`.
  virtual Status FundChannel(const channel::Params& params,
                             const std::vector<crypto::PrivateKey>& keys,
                             const std::vector<channel::Amount>& amounts) = 0;
  // What `account` holds of `asset`, outside every channel.
  virtual channel::Amount Balance(const crypto::PublicKey& account,
                                  const std::string& asset) const = 0;
  // Moves the ledger's clock `ticks` forward.
  virtual Status AdvanceTicks(Tick ticks) = 0;
};

// A backend whose channels are funded by deposits from accounts.
class LedgerBackend : public SettlementBackend {
 public:
  // The Funder acting as the holder of `key`, who pays for its deposits (and
  // transactions). The same object for the same key.
  virtual Funder& FunderFor(const crypto::PrivateKey& key) = 0;
  // Creates `amount` of `asset` in `account`.
  virtual Status Mint(const crypto::PublicKey& account, const std::string& asset,
                      const channel::Amount& amount) = 0;

  // Mints each participant's amount to it, and each deposits it for itself.
  Status FundChannel(const channel::Params& params, const std::vector<crypto::PrivateKey>& keys,
                     const std::vector<channel::Amount>& amounts) override;
};

// What a backend supports beyond registering, refuting and concluding.
struct Features {
  // Channels are funded by deposits (a LedgerBackend), in several assets, and
  // pay out each participant on its own Withdraw. Without: the channel is
  // opened on something that funds it in one asset (a statecoin), and a
  // channel that was never opened is unknown (NotFound) rather than empty.
  bool deposits = true;
  // Progress for turn-based apps.
  bool force_moves = true;
};

struct BackendFactory {
  const char* name;
  std::unique_ptr<SettlementBackend> (*make)();
  Features features;
};

inline void PrintTo(const BackendFactory& factory, std::ostream* os) { *os << factory.name; }

// Every settlement backend (settlement_backends.cc), and those with a feature.
std::vector<BackendFactory> AllBackends();
std::vector<BackendFactory> BackendsWith(bool Features::*feature);

// The test name suffix: the backend's name.
std::string BackendName(const testing::TestParamInfo<BackendFactory>& param);

// ---------------------------------------------------------------------------
// Helpers.

// Collects the events of one channel; unsubscribes when it dies.
class EventLog {
 public:
  EventLog(Adjudicator& adjudicator, const channel::ChannelId& channel);
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;
  ~EventLog();

  // Waits (a while) until at least `n` events arrived; returns all of them.
  std::vector<Event> WaitFor(size_t n);
  size_t size();

 private:
  Adjudicator& adjudicator_;
  uint64_t subscription_ = 0;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<Event> events_;
};

std::vector<Event> OfKind(const std::vector<Event>& events, EventKind kind);

inline constexpr uint64_t kDuration = 10;  // challenge duration, ticks
inline constexpr Tick kStartTicks = 7;     // the suite starts away from tick 0

struct TestChannel {
  channel::Params params;
  channel::ChannelId id{};
  std::vector<crypto::PrivateKey> keys;  // keys[i] is participant i
};

// Everything a test can see of one channel, to check that a refused
// operation changed nothing.
struct View {
  StatusCode dispute_code = StatusCode::kOk;
  std::optional<Dispute> dispute;
  std::vector<std::vector<channel::Amount>> deposits;  // per asset, with deposits
  std::vector<channel::Amount> balances;  // of the participants and the outsider, per asset
  Tick now = 0;
};

class SettlementConformanceTest : public testing::TestWithParam<BackendFactory> {
 protected:
  SettlementConformanceTest();

  void SetUp() override;

  const Features& features() const { return GetParam().features; }
  const channel::SignatureScheme& scheme() { return backend_->Scheme(); }
  std::string asset() { return backend_->Assets()[0]; }
  Adjudicator& adj(const crypto::PrivateKey& key) { return backend_->AdjudicatorFor(key); }
  // The ledger as carol, an outsider, sees it.
  Adjudicator& watcher() { return adj(carol_); }
  Tick Now() { return watcher().Now(); }
  channel::Amount Bal(const crypto::PrivateKey& key) {
    return backend_->Balance(key.public_key(), asset());
  }
  // What a call on a channel that was never funded or opened fails with.
  StatusCode UnseenChannelCode() const {
    return features().deposits ? StatusCode::kFailedPrecondition : StatusCode::kNotFound;
  }
  // Both shares are withdrawn (anyone may send the calls; each pays its
  // participant), and the accounts then hold what is expected.
  void WithdrawBothAndExpect(const TestChannel& ch, const channel::Amount& alice,
                             const channel::Amount& bob);

  // A channel between alice (participant 0) and bob (participant 1).
  TestChannel MakeChannel(const std::string& app, uint64_t duration = kDuration);

  channel::State PaymentState(const TestChannel& ch, uint64_t version, channel::Amount a,
                              channel::Amount b, bool is_final = false);
  // Tic-tac-toe on an empty board, each player staking `stake`.
  channel::State GameStart(const TestChannel& ch, channel::Amount stake);
  // The state after `actor` marks `cell` (the app's action layer).
  channel::State Move(const TestChannel& ch, const channel::State& from,
                      channel::ParticipantIndex actor, uint8_t cell);

  channel::SignedState SignBy(const TestChannel& ch, const channel::State& s,
                              const std::vector<channel::ParticipantIndex>& signers);
  channel::SignedState SignAll(const TestChannel& ch, const channel::State& s) {
    return SignBy(ch, s, {0, 1});
  }

  // Alice holds `a` and bob `b` in the channel: by deposits, or by opening
  // it on a coin of a + b.
  void Fund(const TestChannel& ch, channel::Amount a, channel::Amount b);

  View Look(const TestChannel& ch);
  static void ExpectSameView(const View& before, const View& after);

  Result<Dispute> DisputeOf(const TestChannel& ch) { return watcher().GetDispute(ch.id); }

  // A payment channel funded 60/40 with v1 {50, 50} registered at the
  // returned tick.
  Tick RegisterPayment(const TestChannel& ch, uint64_t version = 1);

  // A tic-tac-toe channel staked 50/50 with the state after X (alice) took
  // the centre registered at the returned tick.
  struct Game {
    channel::State start;
    channel::State x_moved;  // version 1, pays the pot to X
    Tick registered_at = 0;
  };
  Game RegisterGame(const TestChannel& ch);

  std::unique_ptr<SettlementBackend> backend_;
  crypto::PrivateKey alice_;
  crypto::PrivateKey bob_;
  crypto::PrivateKey carol_;  // not a participant
  apps::PaymentApp payment_;
  apps::TicTacToeApp ttt_;
};

// The suite's topics that need deposits: the backend as a LedgerBackend.
class LedgerConformanceTest : public SettlementConformanceTest {
 protected:
  void SetUp() override;

  LedgerBackend& ledger() { return *ledger_; }
  Funder& funder(const crypto::PrivateKey& key) { return ledger_->FunderFor(key); }
  std::string second_asset() { return backend_->Assets()[1]; }
  std::vector<channel::Amount> DepositsOf(const TestChannel& ch, const std::string& which);

  LedgerBackend* ledger_ = nullptr;
};

}  // namespace parley::settlement::conformance
