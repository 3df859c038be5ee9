// channel_bench: what one co-signed update costs in process, next to the
// limit set by its cryptography.
//
// An update is the whole protocol round of DESIGN.md §2 between two
// Channel state machines: the proposer applies the action, checks and signs
// the state and persists it; the responder verifies, checks, countersigns
// and persists; the proposer verifies the answer and persists the result.
// That is two signatures and two verifications, so no implementation can
// exceed 1 / (2·sign + 2·verify) updates/s on one core: the crypto-bound
// limit. The program prints each store's rate as a share of that limit, and
// the same update through the whole Node (wire encoding, in-memory network)
// for comparison.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "parley/channel/channel.h"
#include "parley/client/node.h"
#include "parley/crypto/random.h"
#include "parley/crypto/schnorr.h"
#include "parley/settlement/sim_ledger.h"
#include "parley/store/channel_store.h"
#include "parley/wire/memory_transport.h"
#include "payment/payment_app.h"

namespace parley {
namespace {

using channel::Channel;

void BM_SchnorrSign(benchmark::State& state) {
  auto key = crypto::PrivateKey::Generate();
  Hash32 message = crypto::RandomHash32();
  for (auto _ : state) benchmark::DoNotOptimize(crypto::SchnorrSign(key, message));
}
BENCHMARK(BM_SchnorrSign);

void BM_SchnorrVerify(benchmark::State& state) {
  auto key = crypto::PrivateKey::Generate();
  Hash32 message = crypto::RandomHash32();
  crypto::Signature sig = crypto::SchnorrSign(key, message);
  for (auto _ : state) {
    benchmark::DoNotOptimize(crypto::SchnorrVerify(key.public_key(), message, sig));
  }
}
BENCHMARK(BM_SchnorrVerify);

enum class StoreKind { kMemory, kRocksDbNoSync, kRocksDbSync };

// A fresh directory for a rig's RocksDB stores; none for memory stores.
std::filesystem::path DirFor(StoreKind kind) {
  if (kind == StoreKind::kMemory) return {};
  std::string pattern = (std::filesystem::temp_directory_path() / "parley-bench-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) std::abort();
  return pattern;
}

// A store named `name` in `dir`, or in memory when there is no dir.
std::unique_ptr<store::Store> OpenStore(const std::filesystem::path& dir, const char* name,
                                        StoreKind kind) {
  if (dir.empty()) return store::NewMemoryStore();
  return store::OpenRocksDb((dir / name).string(), {.sync = kind == StoreKind::kRocksDbSync})
      .value();
}

// Runs `Rig::Update` in the timed loop and reports the rate.
template <typename Rig>
void RunUpdates(benchmark::State& state, StoreKind kind) {
  Rig rig(kind);
  for (auto _ : state) rig.Update();
  state.counters["updates/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// Two open channel endpoints, each persisting to its own store.
class UpdateRig {
 public:
  explicit UpdateRig(StoreKind kind) : dir_(DirFor(kind)) {
    alice_db_ = OpenStore(dir_, "alice", kind);
    bob_db_ = OpenStore(dir_, "bob", kind);
    alice_store_.emplace(*alice_db_);
    bob_store_.emplace(*bob_db_);
    channel::Params params{.participants = {alice_key_.public_key(), bob_key_.public_key()},
                           .nonce = crypto::RandomHash32(),
                           .challenge_duration = 10,
                           .app = apps::PaymentApp::kId,
                           .backend = "sim"};
    channel::Amount deposit = channel::Amount(1) << 128;
    channel::State initial{.channel_id = scheme_.ComputeChannelId(params),
                           .allocation = {{{.asset = "native", .balances = {deposit, deposit}}}}};
    auto a = Channel::Propose(params, initial, 0, alice_key_, scheme_, app_).value();
    auto b =
        Channel::FromProposal(params, initial, 0, *a.latest().sigs[0], 1, scheme_, app_).value();
    Check(a.AddInitialSignature(1, b.SignInitial(bob_key_).value()));
    Check(a.MarkFunded());
    Check(b.MarkFunded());
    alice_.emplace(std::move(a));
    bob_.emplace(std::move(b));
    pay_ = apps::PaymentApp::PayAction(1, 1);
  }
  ~UpdateRig() {
    alice_db_.reset();
    bob_db_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  void Update() {
    channel::State next =
        app_.ApplyAction(alice_->params(), alice_->latest().state, 0, pay_).value();
    Hash32 base = alice_->BaseHash(alice_->latest().state);
    auto proposal = alice_->ProposeUpdate(next, alice_key_).value();
    Check(alice_store_->Put(alice_->record()));  // persisted before it is sent
    auto answer = bob_->HandleProposal(next, base, 0, *proposal.sigs[0], bob_key_).value();
    Check(bob_store_->Put(bob_->record()));  // persisted before the answer
    Check(alice_->HandleAccept(next.version, 1, answer));
    Check(alice_store_->Put(alice_->record()));
  }

 private:
  static void Check(const Status& s) {
    if (!s.ok()) {
      std::fprintf(stderr, "benchmark setup failed: %s\n", s.ToString().c_str());
      std::abort();
    }
  }

  channel::Bip340Scheme scheme_;
  apps::PaymentApp app_;
  crypto::PrivateKey alice_key_ = crypto::PrivateKey::Generate();
  crypto::PrivateKey bob_key_ = crypto::PrivateKey::Generate();
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> alice_db_, bob_db_;
  std::optional<store::ChannelStore> alice_store_, bob_store_;
  std::optional<Channel> alice_, bob_;
  Bytes pay_;
};

void BM_Update(benchmark::State& state, StoreKind kind) { RunUpdates<UpdateRig>(state, kind); }
BENCHMARK_CAPTURE(BM_Update, memory, StoreKind::kMemory)->UseRealTime();
BENCHMARK_CAPTURE(BM_Update, rocksdb_sync_off, StoreKind::kRocksDbNoSync)->UseRealTime();
BENCHMARK_CAPTURE(BM_Update, rocksdb_sync_on, StoreKind::kRocksDbSync)->UseRealTime();

// The same update through the whole node: Node, wire encoding, the in-memory
// network and the sim ledger for funding. Measures what the protocol layer
// adds on top of BM_Update.
class NodeRig {
 public:
  explicit NodeRig(StoreKind kind) : dir_(DirFor(kind)) {
    if (!apps_.Register(std::make_shared<apps::PaymentApp>()).ok()) std::abort();
    ledger_ = settlement::SimLedger::Open(*ledger_db_, apps_).value();
    alice_chain_.emplace(*ledger_, alice_key_.public_key());
    bob_chain_.emplace(*ledger_, bob_key_.public_key());
    alice_db_ = OpenStore(dir_, "alice", kind);
    bob_db_ = OpenStore(dir_, "bob", kind);
    client::NodeOptions accept_all{.max_deposit_on_proposal = channel::Amount(1) << 128};
    alice_.emplace(alice_key_, *alice_db_, network_.Join(alice_key_.public_key()), *alice_chain_,
                   *alice_chain_, ledger_->scheme(), apps_, accept_all);
    bob_.emplace(bob_key_, *bob_db_, network_.Join(bob_key_.public_key()), *bob_chain_, *bob_chain_,
                 ledger_->scheme(), apps_, accept_all);
    if (!alice_->Start().ok() || !bob_->Start().ok()) std::abort();
    channel::Amount deposit = channel::Amount(1) << 100;
    if (!ledger_->Mint(alice_key_.public_key(), "native", deposit).ok()) std::abort();
    if (!ledger_->Mint(bob_key_.public_key(), "native", deposit).ok()) std::abort();
    id_ = alice_
              ->OpenChannel({.peer = bob_key_.public_key(),
                             .app = apps::PaymentApp::kId,
                             .my_deposit = deposit,
                             .peer_deposit = deposit})
              .value();
    network_.Deliver();
    alice_->ProcessLedgerEvents();
    if (alice_->GetChannel(id_)->phase != channel::Phase::kOpen) std::abort();
    pay_ = apps::PaymentApp::PayAction(1, 1);
  }
  ~NodeRig() {
    alice_.reset();
    bob_.reset();
    alice_db_.reset();
    bob_db_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  void Update() {
    if (!alice_->Update(id_, pay_).ok()) std::abort();
    network_.Deliver();
  }

 private:
  std::filesystem::path dir_;
  channel::AppRegistry apps_;
  std::unique_ptr<store::Store> ledger_db_ = store::NewMemoryStore();
  std::unique_ptr<settlement::SimLedger> ledger_;
  crypto::PrivateKey alice_key_ = crypto::PrivateKey::Generate();
  crypto::PrivateKey bob_key_ = crypto::PrivateKey::Generate();
  std::optional<settlement::SimClient> alice_chain_, bob_chain_;
  wire::MemoryNetwork network_;
  std::unique_ptr<store::Store> alice_db_, bob_db_;
  std::optional<client::Node> alice_, bob_;
  channel::ChannelId id_{};
  Bytes pay_;
};

void BM_NodeUpdate(benchmark::State& state, StoreKind kind) { RunUpdates<NodeRig>(state, kind); }
BENCHMARK_CAPTURE(BM_NodeUpdate, memory, StoreKind::kMemory)->UseRealTime();
BENCHMARK_CAPTURE(BM_NodeUpdate, rocksdb_sync_off, StoreKind::kRocksDbNoSync)->UseRealTime();

// Keeps each benchmark's real time per iteration, in seconds: the median
// when --benchmark_repetitions asks for several runs, else the one run.
class CollectingReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      std::string name = run.benchmark_name();
      bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      if (median) {
        name.resize(name.size() - std::string("_median").size());
      } else if (run.run_type != Run::RT_Iteration || medians_.contains(name)) {
        continue;
      }
      if (median) medians_.insert(name);
      seconds[name] = run.GetAdjustedRealTime() / benchmark::GetTimeUnitMultiplier(run.time_unit);
    }
  }
  std::map<std::string, double> seconds;

 private:
  std::set<std::string> medians_;
};

void PrintSummary(const std::map<std::string, double>& s) {
  auto at = [&](const std::string& name) {
    auto it = s.find(name);
    return it == s.end() ? 0.0 : it->second;
  };
  double sign = at("BM_SchnorrSign"), verify = at("BM_SchnorrVerify");
  if (sign == 0 || verify == 0) return;  // filtered out
  double limit = 1 / (2 * sign + 2 * verify);
  std::printf(
      "\nsign %.1f us, verify %.1f us => crypto-bound limit 1/(2*sign + 2*verify) = "
      "%.0f updates/s\n",
      sign * 1e6, verify * 1e6, limit);
  struct Row {
    const char* name;
    const char* label;
    double target;
  };
  for (Row row : {Row{"BM_Update/memory/real_time", "memory store", 0.70},
                  Row{"BM_Update/rocksdb_sync_off/real_time", "RocksDB, sync off", 0.50},
                  Row{"BM_Update/rocksdb_sync_on/real_time", "RocksDB, sync on", 0.0},
                  Row{"BM_NodeUpdate/memory/real_time", "node, memory", 0.0},
                  Row{"BM_NodeUpdate/rocksdb_sync_off/real_time", "node, RocksDB", 0.0}}) {
    double t = at(row.name);
    if (t == 0) continue;
    double ratio = (1 / t) / limit;
    std::printf("%-18s %8.0f updates/s = %5.1f%% of the limit", row.label, 1 / t, 100 * ratio);
    if (row.target > 0) {
      std::printf("  (target >= %.0f%%: %s)", 100 * row.target,
                  ratio >= row.target ? "met" : "MISSED");
    } else {
      std::printf("  (no target)");
    }
    std::printf("\n");
  }
}

}  // namespace
}  // namespace parley

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  parley::CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  parley::PrintSummary(reporter.seconds);
  benchmark::Shutdown();
  return 0;
}
