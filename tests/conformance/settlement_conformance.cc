// The fixture and helpers of the settlement conformance suite.
#include "conformance/settlement_conformance.h"

#include <chrono>
#include <utility>

#include "parley/crypto/random.h"

namespace parley::settlement::conformance {

using channel::Amount;
using channel::ParticipantIndex;
using channel::SignedState;
using channel::State;

testing::AssertionResult Fails(const char* expr, const Status& s) {
  if (!s.ok()) return testing::AssertionSuccess();
  return testing::AssertionFailure() << expr << " succeeded, expected a failure";
}

Status LedgerBackend::FundChannel(const channel::Params& params,
                                  const std::vector<crypto::PrivateKey>& keys,
                                  const std::vector<Amount>& amounts) {
  const std::string asset = Assets()[0];
  for (size_t i = 0; i < amounts.size(); ++i) {
    if (amounts[i] == 0) continue;
    PARLEY_RETURN_IF_ERROR(Mint(keys[i].public_key(), asset, amounts[i]));
    PARLEY_RETURN_IF_ERROR(
        FunderFor(keys[i]).Deposit(params, static_cast<ParticipantIndex>(i), asset, amounts[i]));
  }
  return Status::Ok();
}

std::vector<BackendFactory> BackendsWith(bool Features::*feature) {
  std::vector<BackendFactory> out;
  for (const BackendFactory& factory : AllBackends()) {
    if (factory.features.*feature) out.push_back(factory);
  }
  return out;
}

std::string BackendName(const testing::TestParamInfo<BackendFactory>& param) {
  return param.param.name;
}

EventLog::EventLog(Adjudicator& adjudicator, const channel::ChannelId& channel)
    : adjudicator_(adjudicator) {
  subscription_ = adjudicator_.Subscribe(channel, [this](const Event& e) {
    std::lock_guard lock(mutex_);
    events_.push_back(e);
    arrived_.notify_all();
  });
}

EventLog::~EventLog() { adjudicator_.Unsubscribe(subscription_); }

std::vector<Event> EventLog::WaitFor(size_t n) {
  std::unique_lock lock(mutex_);
  arrived_.wait_for(lock, std::chrono::seconds(10), [&] { return events_.size() >= n; });
  EXPECT_GE(events_.size(), n) << "timed out waiting for events";
  return events_;
}

size_t EventLog::size() {
  std::lock_guard lock(mutex_);
  return events_.size();
}

std::vector<Event> OfKind(const std::vector<Event>& events, EventKind kind) {
  std::vector<Event> out;
  for (const Event& e : events) {
    if (e.kind == kind) out.push_back(e);
  }
  return out;
}

SettlementConformanceTest::SettlementConformanceTest()
    : alice_(crypto::PrivateKey::Generate()),
      bob_(crypto::PrivateKey::Generate()),
      carol_(crypto::PrivateKey::Generate()) {}

void SettlementConformanceTest::SetUp() {
  backend_ = GetParam().make();
  ASSERT_NE(backend_, nullptr);
  ASSERT_EQ(features().deposits, dynamic_cast<LedgerBackend*>(backend_.get()) != nullptr)
      << "a backend has deposits exactly when it is a LedgerBackend";
  ASSERT_OK(backend_->AdvanceTicks(kStartTicks));
}

void SettlementConformanceTest::WithdrawBothAndExpect(const TestChannel& ch, const Amount& alice,
                                                      const Amount& bob) {
  ASSERT_OK(adj(alice_).Withdraw(ch.params, 0));
  ASSERT_OK(adj(alice_).Withdraw(ch.params, 1));
  EXPECT_EQ(Bal(alice_), alice);
  EXPECT_EQ(Bal(bob_), bob);
}

TestChannel SettlementConformanceTest::MakeChannel(const std::string& app, uint64_t duration) {
  TestChannel ch;
  ch.keys = {alice_, bob_};
  ch.params.participants = {alice_.public_key(), bob_.public_key()};
  ch.params.nonce = crypto::RandomHash32();
  ch.params.challenge_duration = duration;
  ch.params.app = app;
  ch.params.backend = backend_->BackendName();
  ch.id = scheme().ComputeChannelId(ch.params);
  return ch;
}

State SettlementConformanceTest::PaymentState(const TestChannel& ch, uint64_t version, Amount a,
                                              Amount b, bool is_final) {
  State s;
  s.channel_id = ch.id;
  s.version = version;
  s.allocation.assets.push_back({asset(), {a, b}, {}});
  s.is_final = is_final;
  return s;
}

State SettlementConformanceTest::GameStart(const TestChannel& ch, Amount stake) {
  State s;
  s.channel_id = ch.id;
  s.version = 0;
  s.allocation.assets.push_back({asset(), {stake, stake}, {}});
  s.app_data = Bytes(9, 0);
  EXPECT_OK(ttt_.ValidInit(ch.params, s));
  return s;
}

State SettlementConformanceTest::Move(const TestChannel& ch, const State& from,
                                      ParticipantIndex actor, uint8_t cell) {
  auto next = ttt_.ApplyAction(ch.params, from, actor, apps::TicTacToeApp::MoveAction(cell));
  EXPECT_TRUE(next.ok()) << "move " << int{cell} << " by " << actor << ": "
                         << next.status().ToString();
  if (!next.ok()) return from;
  return *next;
}

SignedState SettlementConformanceTest::SignBy(const TestChannel& ch, const State& s,
                                              const std::vector<ParticipantIndex>& signers) {
  SignedState out{s, std::vector<std::optional<channel::Signature>>(ch.keys.size())};
  Hash32 hash = scheme().StateHash(s);
  for (ParticipantIndex i : signers) out.sigs[i] = scheme().Sign(ch.keys[i], hash);
  return out;
}

void SettlementConformanceTest::Fund(const TestChannel& ch, Amount a, Amount b) {
  ASSERT_OK(backend_->FundChannel(ch.params, ch.keys, {a, b}));
}

View SettlementConformanceTest::Look(const TestChannel& ch) {
  View v;
  auto d = watcher().GetDispute(ch.id);
  v.dispute_code = d.status().code();
  if (d.ok()) v.dispute = *d;
  const std::vector<std::string> assets = backend_->Assets();
  if (auto* ledger = dynamic_cast<LedgerBackend*>(backend_.get())) {
    for (const std::string& asset : assets) {
      auto deposits = ledger->FunderFor(carol_).Deposits(ch.params, asset);
      EXPECT_TRUE(deposits.ok()) << deposits.status().ToString();
      v.deposits.push_back(deposits.ok() ? *deposits : std::vector<Amount>{});
    }
  }
  for (const auto* key : {&alice_, &bob_, &carol_}) {
    for (const std::string& asset : assets) {
      v.balances.push_back(backend_->Balance(key->public_key(), asset));
    }
  }
  v.now = Now();
  return v;
}

void SettlementConformanceTest::ExpectSameView(const View& before, const View& after) {
  EXPECT_EQ(before.dispute_code, after.dispute_code);
  EXPECT_TRUE(before.dispute == after.dispute)
      << "the dispute changed: version "
      << (before.dispute ? before.dispute->state.state.version : 0) << " -> "
      << (after.dispute ? after.dispute->state.state.version : 0) << ", timeout "
      << (before.dispute ? before.dispute->timeout : 0) << " -> "
      << (after.dispute ? after.dispute->timeout : 0);
  EXPECT_EQ(before.deposits, after.deposits);
  EXPECT_EQ(before.balances, after.balances);
  EXPECT_EQ(before.now, after.now);
}

Tick SettlementConformanceTest::RegisterPayment(const TestChannel& ch, uint64_t version) {
  Fund(ch, 60, 40);
  Tick t0 = Now();
  EXPECT_OK(adj(alice_).Register(ch.params, SignAll(ch, PaymentState(ch, version, 50, 50))));
  return t0;
}

SettlementConformanceTest::Game SettlementConformanceTest::RegisterGame(const TestChannel& ch) {
  Game g;
  Fund(ch, 50, 50);
  g.start = GameStart(ch, 50);
  g.x_moved = Move(ch, g.start, 0, 4);
  g.registered_at = Now();
  EXPECT_OK(adj(alice_).Register(ch.params, SignAll(ch, g.x_moved)));
  return g;
}

void LedgerConformanceTest::SetUp() {
  SettlementConformanceTest::SetUp();
  if (HasFatalFailure()) return;
  ledger_ = dynamic_cast<LedgerBackend*>(backend_.get());
  ASSERT_NE(ledger_, nullptr) << GetParam().name << " has no deposits";
}

std::vector<Amount> LedgerConformanceTest::DepositsOf(const TestChannel& ch,
                                                      const std::string& which) {
  auto d = funder(carol_).Deposits(ch.params, which);
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  return d.ok() ? *d : std::vector<Amount>{};
}

}  // namespace parley::settlement::conformance
