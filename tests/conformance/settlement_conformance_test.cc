// The conformance suite for parley::settlement::Funder and Adjudicator
// (DESIGN.md §3, the timeline in parley/settlement/adjudicator.h). Every
// settlement backend runs these tests unchanged, through the interfaces only.
//
// To add a backend: implement SettlementBackend for it (one class, see
// SimBackend below) and add one line to kBackends.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "parley/channel/app.h"
#include "parley/channel/scheme.h"
#include "parley/channel/types.h"
#include "parley/crypto/keys.h"
#include "parley/crypto/random.h"
#include "parley/rpc/ledger_service.h"
#include "parley/settlement/adjudicator.h"
#include "parley/settlement/events.h"
#include "parley/settlement/evm/deployment.h"
#include "parley/settlement/evm/evm_client.h"
#include "parley/settlement/remote_sim_ledger.h"
#include "parley/settlement/sim_ledger.h"
#include "parley/store/store.h"
#include "payment/payment_app.h"
#include "testing/anvil.h"
#include "testing/status_matchers.h"
#include "tictactoe/tictactoe_app.h"

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

testing::AssertionResult Fails(const char* expr, const Status& s) {
  if (!s.ok()) return testing::AssertionSuccess();
  return testing::AssertionFailure() << expr << " succeeded, expected a failure";
}

// Expects `expr` to fail, with any code.
#define EXPECT_FAILS(expr) EXPECT_PRED_FORMAT1(Fails, expr)

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
  // Two distinct assets that Mint can create and channels can hold. A backend
  // with fees picks assets that pay none, so balances add up exactly.
  virtual std::string Asset() const = 0;
  virtual std::string SecondAsset() const = 0;

  // The Funder and Adjudicator acting as the holder of `key`, who pays for
  // its deposits (and transactions). The same object for the same key.
  virtual Funder& FunderFor(const crypto::PrivateKey& key) = 0;
  virtual Adjudicator& AdjudicatorFor(const crypto::PrivateKey& key) = 0;

  // Creates `amount` of `asset` in `account`.
  virtual Status Mint(const crypto::PublicKey& account, const std::string& asset,
                      const Amount& amount) = 0;
  virtual Amount Balance(const crypto::PublicKey& account, const std::string& asset) const = 0;
  // Moves the ledger's clock `ticks` forward.
  virtual Status AdvanceTicks(Tick ticks) = 0;
};

// The sim backend: a SimLedger over an in-memory store.
class SimBackend : public SettlementBackend {
 public:
  SimBackend() : store_(store::NewMemoryStore()) {}

  Status Init() {
    PARLEY_RETURN_IF_ERROR(apps_.Register(std::make_shared<PaymentApp>()));
    PARLEY_RETURN_IF_ERROR(apps_.Register(std::make_shared<TicTacToeApp>()));
    PARLEY_ASSIGN_OR_RETURN(ledger_, SimLedger::Open(*store_, apps_));
    return Status::Ok();
  }

  std::string BackendName() const override { return "sim"; }
  const channel::SignatureScheme& Scheme() const override { return ledger_->scheme(); }
  std::string Asset() const override { return "native"; }
  std::string SecondAsset() const override { return "gold"; }
  Funder& FunderFor(const crypto::PrivateKey& key) override { return ClientFor(key); }
  Adjudicator& AdjudicatorFor(const crypto::PrivateKey& key) override { return ClientFor(key); }
  Status Mint(const crypto::PublicKey& account, const std::string& asset,
              const Amount& amount) override {
    return ledger_->Mint(account, asset, amount);
  }
  Amount Balance(const crypto::PublicKey& account, const std::string& asset) const override {
    return ledger_->Balance(account, asset);
  }
  Status AdvanceTicks(Tick ticks) override { return ledger_->Advance(ticks); }

 private:
  SimClient& ClientFor(const crypto::PrivateKey& key) {
    auto& client = clients_[key.public_key()];
    if (!client) client = std::make_unique<SimClient>(*ledger_, key.public_key());
    return *client;
  }

  std::unique_ptr<store::Store> store_;
  channel::AppRegistry apps_;
  std::unique_ptr<SimLedger> ledger_;
  std::map<crypto::PublicKey, std::unique_ptr<SimClient>> clients_;

 public:
  SimLedger& Ledger() { return *ledger_; }
};

std::unique_ptr<SettlementBackend> MakeSim() {
  auto backend = std::make_unique<SimBackend>();
  Status s = backend->Init();
  EXPECT_TRUE(s.ok()) << "sim backend: " << s.ToString();
  if (!s.ok()) return nullptr;
  return backend;
}

// The devchain: the same ledger in a gRPC server on loopback, reached through
// RemoteSimLedger as another process would.
class RemoteSimBackend : public SettlementBackend {
 public:
  Status Init() {
    PARLEY_RETURN_IF_ERROR(local_.Init());
    service_ = std::make_unique<rpc::LedgerService>(local_.Ledger(), /*allow_dev_calls=*/true);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    if (!server_ || port == 0) return Status::IoError("cannot start the devchain server");
    address_ = "127.0.0.1:" + std::to_string(port);
    admin_ = std::make_unique<RemoteSimLedger>(address_, crypto::PrivateKey::Generate());
    return Status::Ok();
  }
  ~RemoteSimBackend() override {
    clients_.clear();
    admin_.reset();
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  }

  std::string BackendName() const override { return "sim"; }
  const channel::SignatureScheme& Scheme() const override { return local_.Scheme(); }
  std::string Asset() const override { return "native"; }
  std::string SecondAsset() const override { return "gold"; }
  Funder& FunderFor(const crypto::PrivateKey& key) override { return ClientFor(key); }
  Adjudicator& AdjudicatorFor(const crypto::PrivateKey& key) override { return ClientFor(key); }
  Status Mint(const crypto::PublicKey& account, const std::string& asset,
              const Amount& amount) override {
    return admin_->Mint(account, asset, amount);
  }
  Amount Balance(const crypto::PublicKey& account, const std::string& asset) const override {
    auto balance = admin_->Balance(account, asset);
    EXPECT_TRUE(balance.ok()) << balance.status().ToString();
    return balance.ok() ? *balance : Amount(0);
  }
  Status AdvanceTicks(Tick ticks) override { return admin_->Advance(ticks); }

 private:
  RemoteSimLedger& ClientFor(const crypto::PrivateKey& key) {
    auto& client = clients_[key.public_key()];
    if (!client) client = std::make_unique<RemoteSimLedger>(address_, key);
    return *client;
  }

  SimBackend local_;
  std::unique_ptr<rpc::LedgerService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  std::unique_ptr<RemoteSimLedger> admin_;
  std::map<crypto::PublicKey, std::unique_ptr<RemoteSimLedger>> clients_;
};

std::unique_ptr<SettlementBackend> MakeRemoteSim() {
  auto backend = std::make_unique<RemoteSimBackend>();
  Status s = backend->Init();
  EXPECT_TRUE(s.ok()) << "remote sim backend: " << s.ToString();
  if (!s.ok()) return nullptr;
  return backend;
}

// The EVM backend: the contracts on a real anvil, deployed afresh for each
// test, with two test tokens as the assets (so that gas, paid in ether, does
// not blur the balances). One anvil serves the whole suite; its block time
// stands still but for AdvanceTicks.
class EvmBackend : public SettlementBackend {
 public:
  Status Init() {
    static Anvil* anvil = [] {
      auto* a = new Anvil;  // lives until the process ends, then is killed with it
      Status s = a->Start();
      EXPECT_TRUE(s.ok()) << s.ToString();
      return a;
    }();
    PARLEY_ASSIGN_OR_RETURN(auto chain, evm::EthClient::Open(anvil->endpoint()));
    chain_ = std::make_unique<evm::EthClient>(std::move(chain));
    PARLEY_RETURN_IF_ERROR(chain_->Rpc("anvil_setBlockTimestampInterval", {0}).status());
    PARLEY_ASSIGN_OR_RETURN(auto deployer,
                            crypto::PrivateKey::FromHex(Anvil::kDevKeys[0].substr(2)));
    deployer_ = std::make_unique<evm::TxSender>(*chain_, deployer, Anvil::kChainId, FastTx());
    PARLEY_ASSIGN_OR_RETURN(evm::Deployment d, evm::DeployContracts(*deployer_));
    adjudicator_ = d.adjudicator;
    PARLEY_ASSIGN_OR_RETURN(token_, evm::DeployTestToken(*deployer_, "Parley Test", "PT"));
    PARLEY_ASSIGN_OR_RETURN(second_token_, evm::DeployTestToken(*deployer_, "Parley Gold", "PG"));
    PARLEY_ASSIGN_OR_RETURN(
        admin_, evm::EvmClient::Create(*chain_, adjudicator_, deployer, {.tx = FastTx()}));
    return Status::Ok();
  }
  ~EvmBackend() override {
    clients_.clear();  // their pollers stop before the chain client goes
    admin_.reset();
  }

  std::string BackendName() const override { return "evm"; }
  const channel::SignatureScheme& Scheme() const override { return admin_->scheme(); }
  std::string Asset() const override { return evm::AssetName(token_); }
  std::string SecondAsset() const override { return evm::AssetName(second_token_); }
  Funder& FunderFor(const crypto::PrivateKey& key) override { return ClientFor(key); }
  Adjudicator& AdjudicatorFor(const crypto::PrivateKey& key) override { return ClientFor(key); }
  Status Mint(const crypto::PublicKey& account, const std::string& asset,
              const Amount& amount) override {
    PARLEY_ASSIGN_OR_RETURN(crypto::EthAddress token, evm::AssetAddress(asset));
    return evm::MintTestToken(*deployer_, token, crypto::EthereumAddress(account), amount);
  }
  Amount Balance(const crypto::PublicKey& account, const std::string& asset) const override {
    auto token = evm::AssetAddress(asset);
    if (!token.ok()) return 0;
    auto balance = evm::TokenBalance(*chain_, *token, crypto::EthereumAddress(account));
    EXPECT_TRUE(balance.ok()) << balance.status().ToString();
    return balance.ok() ? *balance : Amount(0);
  }
  Status AdvanceTicks(Tick ticks) override {
    PARLEY_ASSIGN_OR_RETURN(evm::Block latest, chain_->GetBlock(evm::BlockTag::Latest()));
    PARLEY_RETURN_IF_ERROR(chain_->SetNextBlockTimestamp(latest.timestamp + ticks));
    return chain_->Mine(1);
  }

 private:
  static evm::TxOptions FastTx() { return {.confirmations = 1}; }

  evm::EvmClient& ClientFor(const crypto::PrivateKey& key) {
    auto& client = clients_[key.public_key()];
    if (!client) {
      // Ether for gas.
      std::string address = crypto::AddressToHex(crypto::EthereumAddress(key.public_key()));
      Status funded = chain_->Rpc("anvil_setBalance", {address, "0x3635c9adc5dea00000"}).status();
      EXPECT_TRUE(funded.ok()) << funded.ToString();
      auto created =
          evm::EvmClient::Create(*chain_, adjudicator_, key,
                                 {.tx = FastTx(), .poll_interval = std::chrono::milliseconds(20)});
      EXPECT_TRUE(created.ok()) << created.status().ToString();
      client = std::move(*created);
    }
    return *client;
  }

  std::unique_ptr<evm::EthClient> chain_;
  std::unique_ptr<evm::TxSender> deployer_;
  crypto::EthAddress adjudicator_{};
  crypto::EthAddress token_{};
  crypto::EthAddress second_token_{};
  std::unique_ptr<evm::EvmClient> admin_;
  std::map<crypto::PublicKey, std::unique_ptr<evm::EvmClient>> clients_;
};

std::unique_ptr<SettlementBackend> MakeEvm() {
  auto backend = std::make_unique<EvmBackend>();
  Status s = backend->Init();
  EXPECT_TRUE(s.ok()) << "evm backend: " << s.ToString();
  if (!s.ok()) return nullptr;
  return backend;
}

struct BackendFactory {
  const char* name;
  std::unique_ptr<SettlementBackend> (*make)();
};

void PrintTo(const BackendFactory& factory, std::ostream* os) { *os << factory.name; }

// Every settlement backend. One line per backend.
const BackendFactory kBackends[] = {
    {"Sim", &MakeSim},
    {"RemoteSim", &MakeRemoteSim},
    {"Evm", &MakeEvm},
};

// ---------------------------------------------------------------------------
// Helpers.

// Collects the events of one channel; unsubscribes when it dies.
class EventLog {
 public:
  EventLog(Adjudicator& adjudicator, const ChannelId& channel) : adjudicator_(adjudicator) {
    subscription_ = adjudicator_.Subscribe(channel, [this](const Event& e) {
      std::lock_guard lock(mutex_);
      events_.push_back(e);
      arrived_.notify_all();
    });
  }
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;
  ~EventLog() { adjudicator_.Unsubscribe(subscription_); }

  // Waits (a while) until at least `n` events arrived; returns all of them.
  std::vector<Event> WaitFor(size_t n) {
    std::unique_lock lock(mutex_);
    arrived_.wait_for(lock, std::chrono::seconds(10), [&] { return events_.size() >= n; });
    EXPECT_GE(events_.size(), n) << "timed out waiting for events";
    return events_;
  }
  size_t size() {
    std::lock_guard lock(mutex_);
    return events_.size();
  }

 private:
  Adjudicator& adjudicator_;
  uint64_t subscription_ = 0;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<Event> events_;
};

std::vector<Event> OfKind(const std::vector<Event>& events, EventKind kind) {
  std::vector<Event> out;
  for (const Event& e : events) {
    if (e.kind == kind) out.push_back(e);
  }
  return out;
}

constexpr uint64_t kDuration = 10;  // challenge duration, ticks
constexpr Tick kStartTicks = 7;     // the suite starts away from tick 0

struct TestChannel {
  Params params;
  ChannelId id{};
  std::vector<crypto::PrivateKey> keys;  // keys[i] is participant i
};

// Everything a test can see of one channel, to check that a refused
// operation changed nothing.
struct View {
  StatusCode dispute_code = StatusCode::kOk;
  std::optional<Dispute> dispute;
  std::vector<Amount> deposits;
  std::vector<Amount> second_deposits;
  std::vector<Amount> balances;  // of the participants and the outsider
  Tick now = 0;
};

class SettlementConformanceTest : public testing::TestWithParam<BackendFactory> {
 protected:
  SettlementConformanceTest()
      : alice_(crypto::PrivateKey::Generate()),
        bob_(crypto::PrivateKey::Generate()),
        carol_(crypto::PrivateKey::Generate()) {}

  void SetUp() override {
    backend_ = GetParam().make();
    ASSERT_NE(backend_, nullptr);
    ASSERT_OK(backend_->AdvanceTicks(kStartTicks));
  }

  const channel::SignatureScheme& scheme() { return backend_->Scheme(); }
  std::string asset() { return backend_->Asset(); }
  Adjudicator& adj(const crypto::PrivateKey& key) { return backend_->AdjudicatorFor(key); }
  Funder& funder(const crypto::PrivateKey& key) { return backend_->FunderFor(key); }
  // The ledger as carol, an outsider, sees it.
  Adjudicator& watcher() { return adj(carol_); }
  Tick Now() { return watcher().Now(); }
  Amount Bal(const crypto::PrivateKey& key) { return backend_->Balance(key.public_key(), asset()); }
  // Both shares are withdrawn (anyone may send the calls; each pays its
  // participant), and the accounts then hold what is expected.
  void WithdrawBothAndExpect(const TestChannel& ch, const Amount& alice, const Amount& bob) {
    ASSERT_OK(adj(alice_).Withdraw(ch.params, 0));
    ASSERT_OK(adj(alice_).Withdraw(ch.params, 1));
    EXPECT_EQ(Bal(alice_), alice);
    EXPECT_EQ(Bal(bob_), bob);
  }

  // A channel between alice (participant 0) and bob (participant 1).
  TestChannel MakeChannel(const std::string& app, uint64_t duration = kDuration) {
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

  State PaymentState(const TestChannel& ch, uint64_t version, Amount a, Amount b,
                     bool is_final = false) {
    State s;
    s.channel_id = ch.id;
    s.version = version;
    s.allocation.assets.push_back({asset(), {a, b}, {}});
    s.is_final = is_final;
    return s;
  }

  // Tic-tac-toe on an empty board, each player staking `stake`.
  State GameStart(const TestChannel& ch, Amount stake) {
    State s;
    s.channel_id = ch.id;
    s.version = 0;
    s.allocation.assets.push_back({asset(), {stake, stake}, {}});
    s.app_data = Bytes(9, 0);
    EXPECT_OK(ttt_.ValidInit(ch.params, s));
    return s;
  }

  // The state after `actor` marks `cell` (the app's action layer).
  State Move(const TestChannel& ch, const State& from, ParticipantIndex actor, uint8_t cell) {
    auto next = ttt_.ApplyAction(ch.params, from, actor, TicTacToeApp::MoveAction(cell));
    EXPECT_TRUE(next.ok()) << "move " << int{cell} << " by " << actor << ": "
                           << next.status().ToString();
    if (!next.ok()) return from;
    return *next;
  }

  SignedState SignBy(const TestChannel& ch, const State& s,
                     const std::vector<ParticipantIndex>& signers) {
    SignedState out{s, std::vector<std::optional<channel::Signature>>(ch.keys.size())};
    Hash32 hash = scheme().StateHash(s);
    for (ParticipantIndex i : signers) out.sigs[i] = scheme().Sign(ch.keys[i], hash);
    return out;
  }
  SignedState SignAll(const TestChannel& ch, const State& s) { return SignBy(ch, s, {0, 1}); }

  // Mints `a` to alice and `b` to bob, and each deposits it for itself.
  void Fund(const TestChannel& ch, Amount a, Amount b) {
    if (a > 0) {
      ASSERT_OK(backend_->Mint(alice_.public_key(), asset(), a));
      ASSERT_OK(funder(alice_).Deposit(ch.params, 0, asset(), a));
    }
    if (b > 0) {
      ASSERT_OK(backend_->Mint(bob_.public_key(), asset(), b));
      ASSERT_OK(funder(bob_).Deposit(ch.params, 1, asset(), b));
    }
  }

  std::vector<Amount> DepositsOf(const TestChannel& ch, const std::string& which) {
    auto d = funder(carol_).Deposits(ch.params, which);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return d.ok() ? *d : std::vector<Amount>{};
  }

  View Look(const TestChannel& ch) {
    View v;
    auto d = watcher().GetDispute(ch.id);
    v.dispute_code = d.status().code();
    if (d.ok()) v.dispute = *d;
    v.deposits = DepositsOf(ch, asset());
    v.second_deposits = DepositsOf(ch, backend_->SecondAsset());
    for (const auto* key : {&alice_, &bob_, &carol_}) {
      v.balances.push_back(Bal(*key));
      v.balances.push_back(backend_->Balance(key->public_key(), backend_->SecondAsset()));
    }
    v.now = Now();
    return v;
  }

  static void ExpectSameView(const View& before, const View& after) {
    EXPECT_EQ(before.dispute_code, after.dispute_code);
    EXPECT_TRUE(before.dispute == after.dispute)
        << "the dispute changed: version "
        << (before.dispute ? before.dispute->state.state.version : 0) << " -> "
        << (after.dispute ? after.dispute->state.state.version : 0) << ", timeout "
        << (before.dispute ? before.dispute->timeout : 0) << " -> "
        << (after.dispute ? after.dispute->timeout : 0);
    EXPECT_EQ(before.deposits, after.deposits);
    EXPECT_EQ(before.second_deposits, after.second_deposits);
    EXPECT_EQ(before.balances, after.balances);
    EXPECT_EQ(before.now, after.now);
  }

  Result<Dispute> DisputeOf(const TestChannel& ch) { return watcher().GetDispute(ch.id); }

  // A payment channel funded 60/40 with v1 {50, 50} registered at the
  // returned tick.
  Tick RegisterPayment(const TestChannel& ch, uint64_t version = 1) {
    Fund(ch, 60, 40);
    Tick t0 = Now();
    EXPECT_OK(adj(alice_).Register(ch.params, SignAll(ch, PaymentState(ch, version, 50, 50))));
    return t0;
  }

  // A tic-tac-toe channel staked 50/50 with the state after X (alice) took
  // the centre registered at the returned tick.
  struct Game {
    State start;
    State x_moved;  // version 1, pays the pot to X
    Tick registered_at = 0;
  };
  Game RegisterGame(const TestChannel& ch) {
    Game g;
    Fund(ch, 50, 50);
    g.start = GameStart(ch, 50);
    g.x_moved = Move(ch, g.start, 0, 4);
    g.registered_at = Now();
    EXPECT_OK(adj(alice_).Register(ch.params, SignAll(ch, g.x_moved)));
    return g;
  }

  std::unique_ptr<SettlementBackend> backend_;
  crypto::PrivateKey alice_;
  crypto::PrivateKey bob_;
  crypto::PrivateKey carol_;  // not a participant
  PaymentApp payment_;
  TicTacToeApp ttt_;
};

// ---------------------------------------------------------------------------
// Funding.

TEST_P(SettlementConformanceTest, DepositsOfAnUnseenChannelAreZero) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  EXPECT_EQ(DepositsOf(ch, asset()), (std::vector<Amount>{0, 0}));
  EXPECT_EQ(DisputeOf(ch).status().code(), StatusCode::kNotFound);
}

TEST_P(SettlementConformanceTest, DepositMovesFundsFromTheCallersAccount) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  EventLog log(watcher(), ch.id);
  ASSERT_OK(backend_->Mint(alice_.public_key(), asset(), 100));
  ASSERT_OK(backend_->Mint(bob_.public_key(), asset(), 80));

  ASSERT_OK(funder(alice_).Deposit(ch.params, 0, asset(), 30));
  EXPECT_EQ(Bal(alice_), 70);
  EXPECT_EQ(Bal(bob_), 80);
  EXPECT_EQ(DepositsOf(ch, asset()), (std::vector<Amount>{30, 0}));

  ASSERT_OK(funder(bob_).Deposit(ch.params, 1, asset(), 20));
  ASSERT_OK(funder(alice_).Deposit(ch.params, 0, asset(), 5));
  EXPECT_EQ(Bal(alice_), 65);
  EXPECT_EQ(Bal(bob_), 60);
  EXPECT_EQ(DepositsOf(ch, asset()), (std::vector<Amount>{35, 20}));
  // Another asset's deposits are separate.
  EXPECT_EQ(DepositsOf(ch, backend_->SecondAsset()), (std::vector<Amount>{0, 0}));

  std::vector<Event> events = OfKind(log.WaitFor(3), EventKind::kDeposited);
  ASSERT_EQ(events.size(), 3u);
  const ParticipantIndex who[] = {0, 1, 0};
  const Amount how_much[] = {30, 20, 5};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(events[i].channel, ch.id);
    EXPECT_EQ(events[i].participant, who[i]) << "event " << i;
    EXPECT_EQ(events[i].asset, asset()) << "event " << i;
    EXPECT_EQ(events[i].amount, how_much[i]) << "event " << i;
  }
}

TEST_P(SettlementConformanceTest, AnyoneMayFundAParticipant) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_OK(backend_->Mint(carol_.public_key(), asset(), 50));
  ASSERT_OK(funder(carol_).Deposit(ch.params, 1, asset(), 45));
  EXPECT_EQ(Bal(carol_), 5);
  EXPECT_EQ(Bal(bob_), 0);
  EXPECT_EQ(DepositsOf(ch, asset()), (std::vector<Amount>{0, 45}));
}

TEST_P(SettlementConformanceTest, DepositBeyondTheBalanceFailsAndChangesNothing) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_OK(backend_->Mint(alice_.public_key(), asset(), 50));
  {
    EventLog log(watcher(), ch.id);
    View before = Look(ch);
    EXPECT_CODE(funder(alice_).Deposit(ch.params, 0, asset(), 51), StatusCode::kFailedPrecondition);
    ExpectSameView(before, Look(ch));
    // An account with nothing of the asset.
    EXPECT_CODE(funder(bob_).Deposit(ch.params, 1, asset(), 1), StatusCode::kFailedPrecondition);
    ExpectSameView(before, Look(ch));
    EXPECT_EQ(log.size(), 0u);
  }
  ASSERT_OK(funder(alice_).Deposit(ch.params, 0, asset(), 30));
  View before = Look(ch);
  EXPECT_CODE(funder(alice_).Deposit(ch.params, 0, asset(), 21), StatusCode::kFailedPrecondition);
  ExpectSameView(before, Look(ch));
  EXPECT_EQ(Bal(alice_), 20);
  EXPECT_EQ(DepositsOf(ch, asset()), (std::vector<Amount>{30, 0}));
  // Exactly the balance is fine.
  EXPECT_OK(funder(alice_).Deposit(ch.params, 0, asset(), 20));
  EXPECT_EQ(Bal(alice_), 0);
  EXPECT_EQ(DepositsOf(ch, asset()), (std::vector<Amount>{50, 0}));
}

TEST_P(SettlementConformanceTest, DepositForANonParticipantFailsAndChangesNothing) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_OK(backend_->Mint(alice_.public_key(), asset(), 50));
  View before = Look(ch);
  EXPECT_FAILS(funder(alice_).Deposit(ch.params, 2, asset(), 10));
  ExpectSameView(before, Look(ch));
}

TEST_P(SettlementConformanceTest, DepositOnceInDisputeFails) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(RegisterPayment(ch));
  ASSERT_OK(backend_->Mint(alice_.public_key(), asset(), 10));
  View before = Look(ch);
  EXPECT_CODE(funder(alice_).Deposit(ch.params, 0, asset(), 10), StatusCode::kFailedPrecondition);
  ExpectSameView(before, Look(ch));
}

// Deposits are input like any other: an asset name no allocation could carry
// (empty, or longer than channel::kMaxNameLength) and a deposit of nothing are
// InvalidArgument, and change nothing.
TEST_P(SettlementConformanceTest, DepositOfAnAssetNameBeyondTheLimitIsInvalidAndChangesNothing) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_OK(backend_->Mint(alice_.public_key(), asset(), 50));
  EventLog log(watcher(), ch.id);
  View before = Look(ch);
  const std::string too_long(channel::kMaxNameLength + 36, 'a');
  Status s = funder(alice_).Deposit(ch.params, 0, too_long, 10);
  EXPECT_CODE(s, StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr(std::to_string(channel::kMaxNameLength)));
  EXPECT_CODE(funder(alice_).Deposit(ch.params, 0, "", 10), StatusCode::kInvalidArgument);
  ExpectSameView(before, Look(ch));
  EXPECT_EQ(log.size(), 0u);
}

TEST_P(SettlementConformanceTest, DepositOfZeroIsInvalidAndChangesNothing) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_OK(backend_->Mint(alice_.public_key(), asset(), 50));
  {
    EventLog log(watcher(), ch.id);
    View before = Look(ch);
    EXPECT_CODE(funder(alice_).Deposit(ch.params, 0, asset(), 0), StatusCode::kInvalidArgument);
    ExpectSameView(before, Look(ch));
    EXPECT_EQ(log.size(), 0u);
  }
  // Also once the channel holds something.
  ASSERT_OK(funder(alice_).Deposit(ch.params, 0, asset(), 20));
  View before = Look(ch);
  EXPECT_CODE(funder(alice_).Deposit(ch.params, 1, asset(), 0), StatusCode::kInvalidArgument);
  ExpectSameView(before, Look(ch));
  EXPECT_EQ(DepositsOf(ch, asset()), (std::vector<Amount>{20, 0}));
}

// ---------------------------------------------------------------------------
// Registering.

TEST_P(SettlementConformanceTest, RegisterStartsADisputeWithTheChallengeTimeout) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 60, 40));
  EventLog log(watcher(), ch.id);
  EventLog log2(adj(bob_), ch.id);  // every subscriber hears it
  Tick t0 = Now();
  SignedState v3 = SignAll(ch, PaymentState(ch, 3, 70, 30));
  ASSERT_OK(adj(alice_).Register(ch.params, v3));

  auto d = DisputeOf(ch);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->state.state, v3.state);
  EXPECT_EQ(d->timeout, t0 + kDuration);
  EXPECT_FALSE(d->progressing);
  EXPECT_FALSE(d->concluded);
  EXPECT_EQ(Now(), t0);  // registering does not move the clock

  for (EventLog* l : {&log, &log2}) {
    std::vector<Event> events = l->WaitFor(1);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, EventKind::kRegistered);
    EXPECT_EQ(events[0].channel, ch.id);
    EXPECT_EQ(events[0].version, 3u);
    EXPECT_EQ(events[0].timeout, t0 + kDuration);
  }
}

TEST_P(SettlementConformanceTest, EventsOfOtherChannelsAreNotDelivered) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  TestChannel other = MakeChannel(PaymentApp::kId);
  EventLog log(watcher(), other.id);
  EventLog mine(watcher(), ch.id);
  ASSERT_NO_FATAL_FAILURE(RegisterPayment(ch));
  mine.WaitFor(3);  // two deposits and the registration
  EXPECT_EQ(log.size(), 0u);
}

TEST_P(SettlementConformanceTest, RegisterWithAMissingSignatureIsDeniedAndChangesNothing) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 60, 40));
  EventLog log(watcher(), ch.id);
  State s = PaymentState(ch, 1, 100, 0);
  View before = Look(ch);
  for (const auto& signers : std::vector<std::vector<ParticipantIndex>>{{0}, {1}, {}}) {
    EXPECT_CODE(adj(alice_).Register(ch.params, SignBy(ch, s, signers)),
                StatusCode::kPermissionDenied)
        << "signed by " << signers.size() << " participant(s)";
    ExpectSameView(before, Look(ch));
  }
  EXPECT_EQ(before.dispute_code, StatusCode::kNotFound);
  EXPECT_EQ(log.size(), 0u);
}

TEST_P(SettlementConformanceTest, RegisterWithWrongSignaturesIsDeniedAndChangesNothing) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 60, 40));
  EventLog log(watcher(), ch.id);
  State s = PaymentState(ch, 1, 100, 0);
  Hash32 hash = scheme().StateHash(s);
  View before = Look(ch);

  // A corrupted signature.
  SignedState flipped = SignAll(ch, s);
  ASSERT_FALSE(flipped.sigs[1]->empty());
  (*flipped.sigs[1])[flipped.sigs[1]->size() / 2] ^= 0x01;
  EXPECT_CODE(adj(alice_).Register(ch.params, flipped), StatusCode::kPermissionDenied);
  ExpectSameView(before, Look(ch));

  // A valid signature by someone else (carol) in bob's slot.
  SignedState forged = SignBy(ch, s, {0});
  forged.sigs[1] = scheme().Sign(carol_, hash);
  EXPECT_CODE(adj(carol_).Register(ch.params, forged), StatusCode::kPermissionDenied);
  ExpectSameView(before, Look(ch));

  // Alice signs for both.
  SignedState self_signed = SignBy(ch, s, {0});
  self_signed.sigs[1] = scheme().Sign(alice_, hash);
  EXPECT_CODE(adj(alice_).Register(ch.params, self_signed), StatusCode::kPermissionDenied);
  ExpectSameView(before, Look(ch));

  // The right signatures in the wrong slots.
  SignedState swapped = SignAll(ch, s);
  std::swap(swapped.sigs[0], swapped.sigs[1]);
  EXPECT_CODE(adj(alice_).Register(ch.params, swapped), StatusCode::kPermissionDenied);
  ExpectSameView(before, Look(ch));

  // Signatures of another state: bob signed a different allocation.
  SignedState other = SignAll(ch, PaymentState(ch, 1, 0, 100));
  SignedState mixed = SignBy(ch, s, {0});
  mixed.sigs[1] = other.sigs[1];
  EXPECT_CODE(adj(alice_).Register(ch.params, mixed), StatusCode::kPermissionDenied);
  ExpectSameView(before, Look(ch));

  // A signed state whose content was changed afterwards.
  SignedState tampered = SignAll(ch, s);
  tampered.state.allocation.assets[0].balances = {90, 10};
  EXPECT_CODE(adj(alice_).Register(ch.params, tampered), StatusCode::kPermissionDenied);
  ExpectSameView(before, Look(ch));
  tampered = SignAll(ch, s);
  tampered.state.version = 2;
  EXPECT_CODE(adj(alice_).Register(ch.params, tampered), StatusCode::kPermissionDenied);
  ExpectSameView(before, Look(ch));

  EXPECT_EQ(log.size(), 0u);
}

TEST_P(SettlementConformanceTest, BadSignaturesCannotRefuteARegisteredState) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(RegisterPayment(ch));
  EventLog log(watcher(), ch.id);
  View before = Look(ch);
  State v2 = PaymentState(ch, 2, 100, 0);
  EXPECT_CODE(adj(alice_).Register(ch.params, SignBy(ch, v2, {0})), StatusCode::kPermissionDenied);
  SignedState forged = SignBy(ch, v2, {0});
  forged.sigs[1] = scheme().Sign(carol_, scheme().StateHash(v2));
  EXPECT_CODE(adj(alice_).Register(ch.params, forged), StatusCode::kPermissionDenied);
  ExpectSameView(before, Look(ch));
  ASSERT_TRUE(before.dispute.has_value());
  EXPECT_EQ(before.dispute->state.state.version, 1u);
  EXPECT_EQ(log.size(), 0u);
}

TEST_P(SettlementConformanceTest, RegisterOfAStateForAnotherChannelIsRejected) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  TestChannel other = MakeChannel(PaymentApp::kId);  // same participants, another nonce
  ASSERT_NE(ch.id, other.id);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 60, 40));
  ASSERT_NO_FATAL_FAILURE(Fund(other, 60, 40));
  View before = Look(ch);
  View other_before = Look(other);
  SignedState for_other = SignAll(other, PaymentState(other, 1, 100, 0));
  EXPECT_FAILS(adj(alice_).Register(ch.params, for_other));
  ExpectSameView(before, Look(ch));
  ExpectSameView(other_before, Look(other));
  // With the right params it registers.
  EXPECT_OK(adj(alice_).Register(other.params, for_other));
}

TEST_P(SettlementConformanceTest, RegisterWithParamsOfAnotherBackendIsRejected) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ch.params.backend = backend_->BackendName() + "-elsewhere";
  ch.id = scheme().ComputeChannelId(ch.params);
  EXPECT_FAILS(adj(alice_).Register(ch.params, SignAll(ch, PaymentState(ch, 1, 0, 0))));
  EXPECT_EQ(DisputeOf(ch).status().code(), StatusCode::kNotFound);
}

TEST_P(SettlementConformanceTest, RegisterWithAnAllocationThatDoesNotFitIsRejected) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 60, 40));
  View before = Look(ch);
  State s = PaymentState(ch, 1, 50, 50);
  s.allocation.assets[0].balances.push_back(0);  // three balances, two participants
  EXPECT_FAILS(adj(alice_).Register(ch.params, SignAll(ch, s)));
  ExpectSameView(before, Look(ch));
  SignedState few = SignAll(ch, PaymentState(ch, 1, 50, 50));
  few.sigs.pop_back();  // one signature slot for two participants
  EXPECT_FAILS(adj(alice_).Register(ch.params, few));
  ExpectSameView(before, Look(ch));
}

// ---------------------------------------------------------------------------
// Refuting.

TEST_P(SettlementConformanceTest, AHigherVersionRefutesWithoutExtendingTheTimeout) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 60, 40));
  EventLog log(watcher(), ch.id);
  Tick t0 = Now();
  ASSERT_OK(adj(alice_).Register(ch.params, SignAll(ch, PaymentState(ch, 1, 90, 10))));
  ASSERT_OK(backend_->AdvanceTicks(kDuration - 1));  // the last tick of the dispute phase
  SignedState v4 = SignAll(ch, PaymentState(ch, 4, 40, 60));
  ASSERT_OK(adj(bob_).Register(ch.params, v4));

  auto d = DisputeOf(ch);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->state.state, v4.state);
  EXPECT_EQ(d->timeout, t0 + kDuration);
  EXPECT_FALSE(d->concluded);

  std::vector<Event> events = log.WaitFor(2);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].kind, EventKind::kRegistered);
  EXPECT_EQ(events[1].version, 4u);
  EXPECT_EQ(events[1].timeout, t0 + kDuration);

  // The refuted state is what the channel pays out.
  ASSERT_OK(backend_->AdvanceTicks(1));
  ASSERT_OK(adj(alice_).Conclude(ch.params));
  ASSERT_OK(adj(alice_).Withdraw(ch.params, 0));
  ASSERT_OK(adj(bob_).Withdraw(ch.params, 1));
  EXPECT_EQ(Bal(alice_), 40);
  EXPECT_EQ(Bal(bob_), 60);
}

TEST_P(SettlementConformanceTest, AnEqualOrLowerVersionCannotRefute) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(RegisterPayment(ch, 5));
  EventLog log(watcher(), ch.id);
  View before = Look(ch);
  EXPECT_CODE(adj(bob_).Register(ch.params, SignAll(ch, PaymentState(ch, 5, 0, 100))),
              StatusCode::kFailedPrecondition);
  EXPECT_CODE(adj(bob_).Register(ch.params, SignAll(ch, PaymentState(ch, 5, 50, 50))),
              StatusCode::kFailedPrecondition);
  EXPECT_CODE(adj(bob_).Register(ch.params, SignAll(ch, PaymentState(ch, 4, 0, 100))),
              StatusCode::kFailedPrecondition);
  EXPECT_CODE(adj(bob_).Register(ch.params, SignAll(ch, PaymentState(ch, 0, 0, 100))),
              StatusCode::kFailedPrecondition);
  ExpectSameView(before, Look(ch));
  EXPECT_EQ(log.size(), 0u);
}

TEST_P(SettlementConformanceTest, RegistrationAfterTheDisputePhaseIsRejected) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  Tick t0 = RegisterPayment(ch);
  ASSERT_OK(backend_->AdvanceTicks(kDuration));
  ASSERT_EQ(Now(), t0 + kDuration);
  EventLog log(watcher(), ch.id);
  View before = Look(ch);
  EXPECT_CODE(adj(bob_).Register(ch.params, SignAll(ch, PaymentState(ch, 2, 0, 100))),
              StatusCode::kFailedPrecondition);
  ASSERT_OK(backend_->AdvanceTicks(100));
  EXPECT_CODE(adj(bob_).Register(ch.params, SignAll(ch, PaymentState(ch, 3, 0, 100))),
              StatusCode::kFailedPrecondition);
  auto d = DisputeOf(ch);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(before.dispute == *d);
  EXPECT_EQ(d->state.state.version, 1u);
  EXPECT_EQ(log.size(), 0u);
}

// ---------------------------------------------------------------------------
// Concluding.

TEST_P(SettlementConformanceTest, ConcludeBeforeTheTimeoutFailsAndNamesTheTick) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  Tick t0 = RegisterPayment(ch);
  EventLog log(watcher(), ch.id);
  const std::string timeout = std::to_string(t0 + kDuration);

  Status early = adj(alice_).Conclude(ch.params);
  EXPECT_EQ(early.code(), StatusCode::kFailedPrecondition) << early.ToString();
  EXPECT_THAT(early.message(), HasSubstr(timeout));
  ASSERT_OK(backend_->AdvanceTicks(kDuration - 1));
  View before = Look(ch);
  Status late = adj(alice_).Conclude(ch.params);
  EXPECT_EQ(late.code(), StatusCode::kFailedPrecondition) << late.ToString();
  EXPECT_THAT(late.message(), HasSubstr(timeout));
  ExpectSameView(before, Look(ch));
  EXPECT_CODE(adj(alice_).Withdraw(ch.params, 0), StatusCode::kFailedPrecondition);
  EXPECT_EQ(log.size(), 0u);

  ASSERT_OK(backend_->AdvanceTicks(1));
  ASSERT_OK(adj(bob_).Conclude(ch.params));
  auto d = DisputeOf(ch);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->concluded);
  EXPECT_EQ(d->state.state.version, 1u);
  std::vector<Event> events = log.WaitFor(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::kConcluded);
  EXPECT_EQ(events[0].channel, ch.id);
  EXPECT_EQ(events[0].version, 1u);
}

TEST_P(SettlementConformanceTest, AFinalStateConcludesAtOnce) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 60, 40));
  ASSERT_OK(adj(alice_).Register(ch.params, SignAll(ch, PaymentState(ch, 2, 10, 90, true))));
  ASSERT_OK(adj(alice_).Conclude(ch.params));
  auto d = DisputeOf(ch);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->concluded);
  WithdrawBothAndExpect(ch, 10, 90);
}

TEST_P(SettlementConformanceTest, AFinalStateThatRefutesConcludesAtOnce) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(RegisterPayment(ch));
  EXPECT_CODE(adj(alice_).Conclude(ch.params), StatusCode::kFailedPrecondition);
  ASSERT_OK(adj(bob_).Register(ch.params, SignAll(ch, PaymentState(ch, 2, 30, 70, true))));
  ASSERT_OK(adj(bob_).Conclude(ch.params));
  ASSERT_OK(adj(bob_).Withdraw(ch.params, 1));
  EXPECT_EQ(Bal(bob_), 70);
}

TEST_P(SettlementConformanceTest, ConcludeTwiceFails) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(RegisterPayment(ch));
  ASSERT_OK(backend_->AdvanceTicks(kDuration));
  ASSERT_OK(adj(alice_).Conclude(ch.params));
  EventLog log(watcher(), ch.id);
  View before = Look(ch);
  EXPECT_CODE(adj(alice_).Conclude(ch.params), StatusCode::kFailedPrecondition);
  EXPECT_CODE(adj(bob_).Conclude(ch.params), StatusCode::kFailedPrecondition);
  ExpectSameView(before, Look(ch));
  EXPECT_EQ(log.size(), 0u);
}

TEST_P(SettlementConformanceTest, ConcludeWithNothingRegisteredFails) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  EXPECT_CODE(adj(alice_).Conclude(ch.params), StatusCode::kFailedPrecondition);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 60, 40));
  ASSERT_OK(backend_->AdvanceTicks(1000));
  View before = Look(ch);
  EXPECT_CODE(adj(alice_).Conclude(ch.params), StatusCode::kFailedPrecondition);
  ExpectSameView(before, Look(ch));
}

TEST_P(SettlementConformanceTest, RegisterAfterConcludeFails) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 60, 40));
  ASSERT_OK(adj(alice_).Register(ch.params, SignAll(ch, PaymentState(ch, 1, 60, 40, true))));
  ASSERT_OK(adj(alice_).Conclude(ch.params));
  View before = Look(ch);
  EXPECT_CODE(adj(bob_).Register(ch.params, SignAll(ch, PaymentState(ch, 9, 0, 100, true))),
              StatusCode::kFailedPrecondition);
  ExpectSameView(before, Look(ch));
}

// The timeout must not wrap around: with the longest challenge duration
// allowed the dispute phase still lasts, so the honest party can refute; a
// longer one is refused before any funds move.
TEST_P(SettlementConformanceTest, AHugeChallengeDurationNeverEndsTheDisputeEarly) {
  TestChannel too_long = MakeChannel(PaymentApp::kId, channel::kMaxChallengeDuration + 1);
  ASSERT_OK(backend_->Mint(alice_.public_key(), asset(), 10));
  EXPECT_CODE(funder(alice_).Deposit(too_long.params, 0, asset(), 10),
              StatusCode::kInvalidArgument);
  EXPECT_EQ(Bal(alice_), 10);

  TestChannel ch = MakeChannel(PaymentApp::kId, channel::kMaxChallengeDuration);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 60, 40));
  ASSERT_OK(adj(alice_).Register(ch.params, SignAll(ch, PaymentState(ch, 1, 100, 0))));
  auto d = DisputeOf(ch);
  ASSERT_TRUE(d.ok());
  EXPECT_GT(d->timeout, Now());
  EXPECT_CODE(adj(alice_).Conclude(ch.params), StatusCode::kFailedPrecondition);
  EXPECT_OK(adj(bob_).Register(ch.params, SignAll(ch, PaymentState(ch, 2, 0, 100))));
}

// ---------------------------------------------------------------------------
// Withdrawing.

TEST_P(SettlementConformanceTest, WithdrawPaysExactlyEachAllocationAndConservesFunds) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_OK(backend_->Mint(alice_.public_key(), asset(), 100));
  ASSERT_OK(backend_->Mint(bob_.public_key(), asset(), 70));
  ASSERT_OK(funder(alice_).Deposit(ch.params, 0, asset(), 60));
  ASSERT_OK(funder(bob_).Deposit(ch.params, 1, asset(), 40));
  const Amount minted = 170;
  EventLog log(watcher(), ch.id);
  ASSERT_OK(adj(alice_).Register(ch.params, SignAll(ch, PaymentState(ch, 3, 25, 75, true))));
  ASSERT_OK(adj(alice_).Conclude(ch.params));
  EXPECT_EQ(Bal(alice_) + Bal(bob_), minted - 100);

  // Anyone may withdraw for a participant; the money goes to the participant.
  ASSERT_OK(adj(carol_).Withdraw(ch.params, 0));
  EXPECT_EQ(Bal(alice_), 40 + 25);
  EXPECT_EQ(Bal(bob_), 30);
  EXPECT_EQ(Bal(carol_), 0);
  ASSERT_OK(adj(bob_).Withdraw(ch.params, 1));
  EXPECT_EQ(Bal(alice_), 65);
  EXPECT_EQ(Bal(bob_), 30 + 75);
  EXPECT_EQ(Bal(alice_) + Bal(bob_) + Bal(carol_), minted);

  std::vector<Event> events = log.WaitFor(4);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].kind, EventKind::kRegistered);
  EXPECT_EQ(events[1].kind, EventKind::kConcluded);
  EXPECT_EQ(events[1].version, 3u);
  std::vector<Event> withdrawn = OfKind(events, EventKind::kWithdrawn);
  ASSERT_EQ(withdrawn.size(), 2u);
  EXPECT_EQ(withdrawn[0].channel, ch.id);
  EXPECT_EQ(withdrawn[0].participant, 0u);
  EXPECT_EQ(withdrawn[0].asset, asset());
  EXPECT_EQ(withdrawn[0].amount, 25);
  EXPECT_EQ(withdrawn[1].participant, 1u);
  EXPECT_EQ(withdrawn[1].asset, asset());
  EXPECT_EQ(withdrawn[1].amount, 75);
}

TEST_P(SettlementConformanceTest, WithdrawTwiceFailsAndChangesNothing) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 60, 40));
  ASSERT_OK(adj(alice_).Register(ch.params, SignAll(ch, PaymentState(ch, 1, 80, 20, true))));
  ASSERT_OK(adj(alice_).Conclude(ch.params));
  ASSERT_OK(adj(alice_).Withdraw(ch.params, 0));
  EXPECT_EQ(Bal(alice_), 80);
  EventLog log(watcher(), ch.id);
  View before = Look(ch);
  EXPECT_CODE(adj(alice_).Withdraw(ch.params, 0), StatusCode::kFailedPrecondition);
  EXPECT_CODE(adj(bob_).Withdraw(ch.params, 0), StatusCode::kFailedPrecondition);
  ExpectSameView(before, Look(ch));
  EXPECT_EQ(log.size(), 0u);
  // The other participant is not affected.
  ASSERT_OK(adj(bob_).Withdraw(ch.params, 1));
  EXPECT_EQ(Bal(bob_), 20);
  EXPECT_CODE(adj(bob_).Withdraw(ch.params, 1), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Bal(bob_), 20);
}

TEST_P(SettlementConformanceTest, WithdrawBeforeConcludeFails) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  EXPECT_CODE(adj(alice_).Withdraw(ch.params, 0), StatusCode::kFailedPrecondition);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 60, 40));
  View funded = Look(ch);
  EXPECT_CODE(adj(alice_).Withdraw(ch.params, 0), StatusCode::kFailedPrecondition);
  ExpectSameView(funded, Look(ch));
  ASSERT_OK(adj(alice_).Register(ch.params, SignAll(ch, PaymentState(ch, 1, 100, 0))));
  ASSERT_OK(backend_->AdvanceTicks(kDuration));  // concludable, not concluded
  View registered = Look(ch);
  EXPECT_CODE(adj(alice_).Withdraw(ch.params, 0), StatusCode::kFailedPrecondition);
  EXPECT_CODE(adj(bob_).Withdraw(ch.params, 1), StatusCode::kFailedPrecondition);
  ExpectSameView(registered, Look(ch));
}

TEST_P(SettlementConformanceTest, WithdrawForANonParticipantFails) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 60, 40));
  ASSERT_OK(adj(alice_).Register(ch.params, SignAll(ch, PaymentState(ch, 1, 60, 40, true))));
  ASSERT_OK(adj(alice_).Conclude(ch.params));
  View before = Look(ch);
  EXPECT_FAILS(adj(carol_).Withdraw(ch.params, 2));
  ExpectSameView(before, Look(ch));
}

TEST_P(SettlementConformanceTest, AnUnderfundedChannelRefundsTheDeposits) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 30, 20));
  // The state allocates 100, the channel holds 50.
  ASSERT_OK(adj(alice_).Register(ch.params, SignAll(ch, PaymentState(ch, 1, 10, 90, true))));
  ASSERT_OK(adj(alice_).Conclude(ch.params));
  WithdrawBothAndExpect(ch, 30, 20);
}

TEST_P(SettlementConformanceTest, AOneSidedFundingIsRefundedToItsDepositor) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 50, 0));
  ASSERT_OK(adj(bob_).Register(ch.params, SignAll(ch, PaymentState(ch, 1, 0, 100))));
  ASSERT_OK(backend_->AdvanceTicks(kDuration));
  ASSERT_OK(adj(bob_).Conclude(ch.params));
  EventLog log(watcher(), ch.id);
  ASSERT_OK(adj(bob_).Withdraw(ch.params, 1));
  ASSERT_OK(adj(bob_).Withdraw(ch.params, 0));
  EXPECT_EQ(Bal(alice_), 50);
  EXPECT_EQ(Bal(bob_), 0);
  std::vector<Event> withdrawn = OfKind(log.WaitFor(2), EventKind::kWithdrawn);
  Amount paid_to_bob = 0;
  for (const Event& e : withdrawn) {
    if (e.participant == 1) paid_to_bob += e.amount;
  }
  EXPECT_EQ(paid_to_bob, 0);
}

TEST_P(SettlementConformanceTest, WithdrawPaysEveryAsset) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  const std::string gold = backend_->SecondAsset();
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 60, 40));
  ASSERT_OK(backend_->Mint(bob_.public_key(), gold, 9));
  ASSERT_OK(funder(bob_).Deposit(ch.params, 1, gold, 9));
  EXPECT_EQ(DepositsOf(ch, gold), (std::vector<Amount>{0, 9}));
  State s = PaymentState(ch, 4, 70, 30, true);
  s.allocation.assets.push_back({gold, {5, 4}, {}});
  ASSERT_OK(adj(alice_).Register(ch.params, SignAll(ch, s)));
  ASSERT_OK(adj(alice_).Conclude(ch.params));
  WithdrawBothAndExpect(ch, 70, 30);
  EXPECT_EQ(backend_->Balance(alice_.public_key(), gold), 5);
  EXPECT_EQ(backend_->Balance(bob_.public_key(), gold), 4);
}

// Holding none of an asset whose allocation totals 0 is fully funded: the
// allocation is paid, not the deposits refunded.
TEST_P(SettlementConformanceTest, AZeroAllocationOfAnUndepositedAssetIsFunded) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 50, 50));
  State s = PaymentState(ch, 1, 100, 0, true);
  s.allocation.assets.push_back({backend_->SecondAsset(), {0, 0}, {}});
  ASSERT_OK(adj(alice_).Register(ch.params, SignAll(ch, s)));
  ASSERT_OK(adj(alice_).Conclude(ch.params));
  WithdrawBothAndExpect(ch, 100, 0);
}

// ---------------------------------------------------------------------------
// Force-moves (tic-tac-toe: alice is X and moves first, bob is O).

TEST_P(SettlementConformanceTest, ProgressDuringTheDisputePhaseFails) {
  TestChannel ch = MakeChannel(TicTacToeApp::kId);
  Game g = RegisterGame(ch);
  ASSERT_FALSE(HasFailure());
  SignedState o_moved = SignBy(ch, Move(ch, g.x_moved, 1, 0), {1});
  EventLog log(watcher(), ch.id);
  View before = Look(ch);
  EXPECT_CODE(adj(bob_).Progress(ch.params, o_moved, 1), StatusCode::kFailedPrecondition);
  ASSERT_OK(backend_->AdvanceTicks(kDuration - 1));
  before = Look(ch);
  EXPECT_CODE(adj(bob_).Progress(ch.params, o_moved, 1), StatusCode::kFailedPrecondition);
  ExpectSameView(before, Look(ch));
  EXPECT_EQ(log.size(), 0u);
}

TEST_P(SettlementConformanceTest, ProgressWithNothingRegisteredFails) {
  TestChannel ch = MakeChannel(TicTacToeApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 50, 50));
  State x_moved = Move(ch, GameStart(ch, 50), 0, 4);
  EXPECT_CODE(adj(alice_).Progress(ch.params, SignBy(ch, x_moved, {0}), 0),
              StatusCode::kFailedPrecondition);
  EXPECT_EQ(DisputeOf(ch).status().code(), StatusCode::kNotFound);
}

TEST_P(SettlementConformanceTest, ThePlayerToMoveProgressesAloneAfterTheDisputePhase) {
  TestChannel ch = MakeChannel(TicTacToeApp::kId);
  Game g = RegisterGame(ch);
  ASSERT_FALSE(HasFailure());
  EventLog log(watcher(), ch.id);
  ASSERT_OK(backend_->AdvanceTicks(kDuration + 2));
  Tick t1 = Now();
  ASSERT_EQ(t1, g.registered_at + kDuration + 2);
  State o_moved = Move(ch, g.x_moved, 1, 0);
  ASSERT_EQ(o_moved.version, 2u);
  ASSERT_OK(adj(bob_).Progress(ch.params, SignBy(ch, o_moved, {1}), 1));

  auto d = DisputeOf(ch);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->state.state, o_moved);
  EXPECT_TRUE(d->progressing);
  EXPECT_FALSE(d->concluded);
  EXPECT_EQ(d->timeout, t1 + kDuration);

  std::vector<Event> events = log.WaitFor(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::kProgressed);
  EXPECT_EQ(events[0].channel, ch.id);
  EXPECT_EQ(events[0].version, 2u);
  EXPECT_EQ(events[0].timeout, t1 + kDuration);
}

TEST_P(SettlementConformanceTest, IllegalForceMovesAreRejectedAndChangeNothing) {
  TestChannel ch = MakeChannel(TicTacToeApp::kId);
  Game g = RegisterGame(ch);
  ASSERT_FALSE(HasFailure());
  ASSERT_OK(backend_->AdvanceTicks(kDuration));
  EventLog log(watcher(), ch.id);
  View before = Look(ch);
  const State o_moved = Move(ch, g.x_moved, 1, 0);

  // Wrong turn: X moves again (a well-formed move otherwise, paying X).
  State x_again = g.x_moved;
  x_again.version = 2;
  x_again.app_data[0] = 1;
  EXPECT_FAILS(adj(alice_).Progress(ch.params, SignBy(ch, x_again, {0}), 0));
  ExpectSameView(before, Look(ch));
  // Wrong turn: O's move claimed by X.
  EXPECT_FAILS(adj(alice_).Progress(ch.params, SignBy(ch, o_moved, {0}), 0));
  ExpectSameView(before, Look(ch));

  // Overwriting X's cell.
  State overwrite = o_moved;
  overwrite.app_data = g.x_moved.app_data;
  overwrite.app_data[4] = 2;
  EXPECT_FAILS(adj(bob_).Progress(ch.params, SignBy(ch, overwrite, {1}), 1));
  ExpectSameView(before, Look(ch));

  // Two marks at once.
  State two_marks = o_moved;
  two_marks.app_data[8] = 2;
  EXPECT_FAILS(adj(bob_).Progress(ch.params, SignBy(ch, two_marks, {1}), 1));
  ExpectSameView(before, Look(ch));

  // Wrong allocation: the pot stays with X, or is split, or grows.
  for (const std::vector<Amount>& balances :
       std::vector<std::vector<Amount>>{{100, 0}, {50, 50}, {0, 101}, {0, 99}}) {
    State wrong = o_moved;
    wrong.allocation.assets[0].balances = balances;
    EXPECT_FAILS(adj(bob_).Progress(ch.params, SignBy(ch, wrong, {1}), 1))
        << "balances " << balances[0] << "/" << balances[1];
    ExpectSameView(before, Look(ch));
  }

  // Declared final though nobody won.
  State fake_final = o_moved;
  fake_final.is_final = true;
  EXPECT_FAILS(adj(bob_).Progress(ch.params, SignBy(ch, fake_final, {1}), 1));
  ExpectSameView(before, Look(ch));

  // Skipping a version, or repeating one.
  for (uint64_t version : {uint64_t{1}, uint64_t{3}}) {
    State wrong = o_moved;
    wrong.version = version;
    EXPECT_FAILS(adj(bob_).Progress(ch.params, SignBy(ch, wrong, {1}), 1)) << "v" << version;
    ExpectSameView(before, Look(ch));
  }

  // A move of another channel.
  State elsewhere = o_moved;
  elsewhere.channel_id = MakeChannel(TicTacToeApp::kId).id;
  EXPECT_FAILS(adj(bob_).Progress(ch.params, SignBy(ch, elsewhere, {1}), 1));
  ExpectSameView(before, Look(ch));

  // A participant that does not exist.
  EXPECT_FAILS(adj(carol_).Progress(ch.params, SignBy(ch, o_moved, {1}), 2));
  ExpectSameView(before, Look(ch));

  EXPECT_EQ(log.size(), 0u);
  // The legal move still goes through.
  EXPECT_OK(adj(bob_).Progress(ch.params, SignBy(ch, o_moved, {1}), 1));
}

TEST_P(SettlementConformanceTest, AForceMoveSignedByTheWrongKeyIsDenied) {
  TestChannel ch = MakeChannel(TicTacToeApp::kId);
  Game g = RegisterGame(ch);
  ASSERT_FALSE(HasFailure());
  ASSERT_OK(backend_->AdvanceTicks(kDuration));
  EventLog log(watcher(), ch.id);
  View before = Look(ch);
  const State o_moved = Move(ch, g.x_moved, 1, 0);
  Hash32 hash = scheme().StateHash(o_moved);

  // Signed by X for O.
  SignedState by_x = SignBy(ch, o_moved, {});
  by_x.sigs[1] = scheme().Sign(alice_, hash);
  EXPECT_CODE(adj(alice_).Progress(ch.params, by_x, 1), StatusCode::kPermissionDenied);
  ExpectSameView(before, Look(ch));
  // O's signature in X's slot only.
  SignedState wrong_slot = SignBy(ch, o_moved, {});
  wrong_slot.sigs[0] = scheme().Sign(bob_, hash);
  EXPECT_CODE(adj(bob_).Progress(ch.params, wrong_slot, 1), StatusCode::kPermissionDenied);
  ExpectSameView(before, Look(ch));
  // Signed by an outsider.
  SignedState by_carol = SignBy(ch, o_moved, {});
  by_carol.sigs[1] = scheme().Sign(carol_, hash);
  EXPECT_CODE(adj(carol_).Progress(ch.params, by_carol, 1), StatusCode::kPermissionDenied);
  ExpectSameView(before, Look(ch));
  // Not signed at all.
  EXPECT_CODE(adj(bob_).Progress(ch.params, SignBy(ch, o_moved, {}), 1),
              StatusCode::kPermissionDenied);
  ExpectSameView(before, Look(ch));
  // O signed another move than the one submitted.
  SignedState other_move = SignBy(ch, Move(ch, g.x_moved, 1, 8), {1});
  other_move.state = o_moved;
  EXPECT_CODE(adj(bob_).Progress(ch.params, other_move, 1), StatusCode::kPermissionDenied);
  ExpectSameView(before, Look(ch));

  EXPECT_EQ(log.size(), 0u);
}

TEST_P(SettlementConformanceTest, ConcludeAfterAForceMoveWaitsForTheMoveTimeout) {
  TestChannel ch = MakeChannel(TicTacToeApp::kId);
  Game g = RegisterGame(ch);
  ASSERT_FALSE(HasFailure());
  ASSERT_OK(backend_->AdvanceTicks(kDuration + 3));
  Tick t1 = Now();
  ASSERT_OK(adj(bob_).Progress(ch.params, SignBy(ch, Move(ch, g.x_moved, 1, 0), {1}), 1));
  EventLog log(watcher(), ch.id);

  ASSERT_OK(backend_->AdvanceTicks(kDuration - 1));
  View before = Look(ch);
  Status early = adj(bob_).Conclude(ch.params);
  EXPECT_EQ(early.code(), StatusCode::kFailedPrecondition) << early.ToString();
  EXPECT_THAT(early.message(), HasSubstr(std::to_string(t1 + kDuration)));
  ExpectSameView(before, Look(ch));

  ASSERT_OK(backend_->AdvanceTicks(1));
  ASSERT_OK(adj(bob_).Conclude(ch.params));
  ASSERT_OK(adj(bob_).Withdraw(ch.params, 0));
  ASSERT_OK(adj(bob_).Withdraw(ch.params, 1));
  EXPECT_EQ(Bal(alice_), 0);
  EXPECT_EQ(Bal(bob_), 100);  // O moved last
  std::vector<Event> events = log.WaitFor(3);
  ASSERT_GE(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::kConcluded);
  EXPECT_EQ(events[0].version, 2u);
}

TEST_P(SettlementConformanceTest, AnUnansweredRegistrationPaysThePlayerWhoMovedLast) {
  TestChannel ch = MakeChannel(TicTacToeApp::kId);
  Game g = RegisterGame(ch);
  ASSERT_FALSE(HasFailure());
  const Tick concludable = g.registered_at + 2 * kDuration;

  // The end of the dispute phase opens the progress phase, not conclusion.
  ASSERT_OK(backend_->AdvanceTicks(kDuration));
  Status s = adj(alice_).Conclude(ch.params);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr(std::to_string(concludable)));
  ASSERT_OK(backend_->AdvanceTicks(kDuration - 1));
  View before = Look(ch);
  s = adj(alice_).Conclude(ch.params);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr(std::to_string(concludable)));
  ExpectSameView(before, Look(ch));

  ASSERT_OK(backend_->AdvanceTicks(1));
  ASSERT_EQ(Now(), concludable);
  ASSERT_OK(adj(alice_).Conclude(ch.params));
  // O can no longer move.
  EXPECT_FAILS(adj(bob_).Progress(ch.params, SignBy(ch, Move(ch, g.x_moved, 1, 0), {1}), 1));
  WithdrawBothAndExpect(ch, 100, 0);  // X moved last
}

TEST_P(SettlementConformanceTest, EachForceMoveRestartsTheTimeout) {
  TestChannel ch = MakeChannel(TicTacToeApp::kId);
  Game g = RegisterGame(ch);
  ASSERT_FALSE(HasFailure());
  EventLog log(watcher(), ch.id);
  ASSERT_OK(backend_->AdvanceTicks(kDuration));
  State o_moved = Move(ch, g.x_moved, 1, 0);
  ASSERT_OK(adj(bob_).Progress(ch.params, SignBy(ch, o_moved, {1}), 1));

  // Once moves started, registering (even a fully signed later state) is over.
  State x_next = Move(ch, o_moved, 0, 8);
  EXPECT_CODE(adj(alice_).Register(ch.params, SignAll(ch, x_next)),
              StatusCode::kFailedPrecondition);

  // X answers on the last tick of O's window.
  ASSERT_OK(backend_->AdvanceTicks(kDuration - 1));
  Tick t2 = Now();
  ASSERT_OK(adj(alice_).Progress(ch.params, SignBy(ch, x_next, {0}), 0));
  auto d = DisputeOf(ch);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->timeout, t2 + kDuration);
  EXPECT_EQ(d->state.state, x_next);

  std::vector<Event> progressed = OfKind(log.WaitFor(2), EventKind::kProgressed);
  ASSERT_EQ(progressed.size(), 2u);
  EXPECT_EQ(progressed[1].version, 3u);
  EXPECT_EQ(progressed[1].timeout, t2 + kDuration);

  // O lets its window pass; then it cannot move any more.
  ASSERT_OK(backend_->AdvanceTicks(kDuration));
  View before = Look(ch);
  EXPECT_FAILS(adj(bob_).Progress(ch.params, SignBy(ch, Move(ch, x_next, 1, 2), {1}), 1));
  ExpectSameView(before, Look(ch));
  ASSERT_OK(adj(alice_).Conclude(ch.params));
  ASSERT_OK(adj(alice_).Withdraw(ch.params, 0));
  EXPECT_EQ(Bal(alice_), 100);
}

TEST_P(SettlementConformanceTest, ATurnBasedDisputeCanBeRefutedBeforeMovesStart) {
  TestChannel ch = MakeChannel(TicTacToeApp::kId);
  Game g = RegisterGame(ch);
  ASSERT_FALSE(HasFailure());
  // Bob holds the fully signed state after his answer, and registers it.
  ASSERT_OK(backend_->AdvanceTicks(1));
  State o_moved = Move(ch, g.x_moved, 1, 0);
  ASSERT_OK(adj(bob_).Register(ch.params, SignAll(ch, o_moved)));
  auto d = DisputeOf(ch);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->state.state, o_moved);
  EXPECT_EQ(d->timeout, g.registered_at + kDuration);
  EXPECT_FALSE(d->progressing);

  // Now it is X's turn: O cannot move, X can.
  ASSERT_OK(backend_->AdvanceTicks(kDuration - 1));
  EXPECT_FAILS(adj(bob_).Progress(ch.params, SignBy(ch, Move(ch, g.x_moved, 1, 8), {1}), 1));
  State x_next = Move(ch, o_moved, 0, 8);
  ASSERT_OK(adj(alice_).Progress(ch.params, SignBy(ch, x_next, {0}), 0));
  d = DisputeOf(ch);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->state.state, x_next);
  EXPECT_EQ(d->timeout, Now() + kDuration);
}

TEST_P(SettlementConformanceTest, AWinningForceMoveConcludesAtOnce) {
  TestChannel ch = MakeChannel(TicTacToeApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 50, 50));
  State s = GameStart(ch, 50);
  s = Move(ch, s, 0, 0);  // X
  s = Move(ch, s, 1, 3);  // O
  s = Move(ch, s, 0, 1);  // X
  s = Move(ch, s, 1, 4);  // O, who now holds the pot
  ASSERT_EQ(s.version, 4u);
  ASSERT_OK(adj(bob_).Register(ch.params, SignAll(ch, s)));
  ASSERT_OK(backend_->AdvanceTicks(kDuration));
  State win = Move(ch, s, 0, 2);  // X completes the top row
  ASSERT_TRUE(win.is_final);
  ASSERT_OK(adj(alice_).Progress(ch.params, SignBy(ch, win, {0}), 0));
  ASSERT_OK(adj(alice_).Conclude(ch.params));
  WithdrawBothAndExpect(ch, 100, 0);
}

TEST_P(SettlementConformanceTest, ProgressOnAPaymentChannelFails) {
  TestChannel ch = MakeChannel(PaymentApp::kId);
  ASSERT_NO_FATAL_FAILURE(RegisterPayment(ch));
  ASSERT_OK(backend_->AdvanceTicks(kDuration));
  auto paid =
      payment_.ApplyAction(ch.params, PaymentState(ch, 1, 50, 50), 0, PaymentApp::PayAction(10, 1));
  ASSERT_TRUE(paid.ok()) << paid.status().ToString();
  View before = Look(ch);
  EXPECT_CODE(adj(alice_).Progress(ch.params, SignBy(ch, *paid, {0}), 0),
              StatusCode::kFailedPrecondition);
  ExpectSameView(before, Look(ch));
}

INSTANTIATE_TEST_SUITE_P(Backends, SettlementConformanceTest, testing::ValuesIn(kBackends),
                         [](const testing::TestParamInfo<BackendFactory>& param) {
                           return std::string(param.param.name);
                         });

}  // namespace
}  // namespace parley::settlement
