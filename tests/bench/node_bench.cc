// node_bench: two nodes over the gRPC peer transport on loopback, each with a
// durable store (RocksDB, synced), settling on an in-process sim ledger.
// Prints, next to the crypto-bound limit and the plain transport round trip
// measured in the same run:
//   (a) co-signed updates on one channel: updates/s, p50, p99; one at a time,
//       then pipelined (2, 3, 4 and kWindow in flight, each update its own
//       signed state), then from an event-driven client;
//   (b) 64 channels driven in parallel: aggregate updates/s, with a thread
//       per channel (one update at a time on each, then 2 in flight), then
//       from an event-driven client (4 and 8 payments outstanding on each);
//   the event-driven runs of (a) and (b) again with the responder a parleyd
//   of its own (two daemons, as the issue has it), joining this process's
//   ledger over gRPC; the CPU figures then add the parleyd's, from /proc;
//   (c) payments/s when queued payments are batched into signed states, with
//       one proposal in flight (the default), so that payments queue while it
//       is answered.
// A benchmark program: it prints figures, it asserts nothing. Arguments pick
// the runs (`node_bench b` for (b) alone, e.g. under perf); none runs all.
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "parley/client/node.h"
#include "parley/crypto/random.h"
#include "parley/crypto/schnorr.h"
#include "parley/rpc/ledger_service.h"
#include "parley/settlement/sim_ledger.h"
#include "parley/util/must.h"
#include "parley/wire/grpc_transport.h"
#include "payment/payment_app.h"
#include "testing/child_process.h"
#include "testing/free_port.h"
#include "testing/loopback_server.h"

namespace parley {
namespace {

using Clock = std::chrono::steady_clock;
using channel::ChannelId;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// CPU time used so far, user and kernel, in seconds: this process's, and
// the child `responder`'s when it is not 0 (a parleyd, counted from /proc).
double CpuSeconds(pid_t responder = 0) {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  double cpu = seconds(usage.ru_utime) + seconds(usage.ru_stime);
  if (responder == 0) return cpu;
  // Fields 14 and 15 of /proc/PID/stat, counted from after the command name,
  // are the process's user and kernel time in clock ticks, all threads.
  std::ifstream in("/proc/" + std::to_string(responder) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  for (int i = 3; i <= 13; ++i) fields >> field;
  double utime = 0, stime = 0;
  fields >> utime >> stime;
  return cpu + (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Context switches of all the threads so far, voluntary or not: each thread
// hand-off of an update costs at least one. The child `responder`'s are
// summed over its live threads (those of a thread that ended are not seen).
double ContextSwitches(pid_t responder = 0) {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  double switches = static_cast<double>(usage.ru_nvcsw + usage.ru_nivcsw);
  if (responder == 0) return switches;
  std::error_code error;
  auto tasks = std::filesystem::path("/proc") / std::to_string(responder) / "task";
  for (const auto& task : std::filesystem::directory_iterator(tasks, error)) {
    std::ifstream status(task.path() / "status");
    for (std::string line; std::getline(status, line);) {
      if (line.starts_with("voluntary_ctxt_switches:") ||
          line.starts_with("nonvoluntary_ctxt_switches:")) {
        switches += std::stod(line.substr(line.find(':') + 1));
      }
    }
  }
  return switches;
}

// Proposals of one channel in flight at once, for the pipelined run.
constexpr size_t kWindow = 8;
// Updates of each (a) run; (b)'s channels and their updates in each run.
constexpr int kSequential = 2000;
constexpr int kChannels = 64, kPerChannel = 200, kPerChannelDriven = 400;

// Signals each channel's newest fully signed version at the proposer, and
// remembers when each version completed. Each channel has its own
// condition, so a new version wakes only its own waiter.
class Versions {
 public:
  void Seen(const ChannelId& id, uint64_t version) {
    Slot& slot = SlotOf(id);
    std::lock_guard lock(slot.mutex);
    slot.version = std::max(slot.version, version);
    slot.completed_at[version] = Clock::now();
    slot.changed.notify_all();
  }
  Clock::time_point CompletedAt(const ChannelId& id, uint64_t version) {
    Slot& slot = SlotOf(id);
    std::lock_guard lock(slot.mutex);
    return slot.completed_at.at(version);
  }
  void WaitAtLeast(const ChannelId& id, uint64_t version) {
    Slot& slot = SlotOf(id);
    std::unique_lock lock(slot.mutex);
    slot.changed.wait(lock, [&] { return slot.version >= version; });
  }

 private:
  struct Slot {
    std::mutex mutex;
    std::condition_variable changed;
    uint64_t version = 0;
    std::map<uint64_t, Clock::time_point> completed_at;
  };
  Slot& SlotOf(const ChannelId& id) {
    std::lock_guard lock(mutex_);
    auto& slot = slots_[id];
    if (!slot) slot = std::make_unique<Slot>();
    return *slot;
  }

  std::mutex mutex_;
  std::map<ChannelId, std::unique_ptr<Slot>> slots_;
};

// Where the responding node runs: in this process, or as a parleyd of its
// own that joins this process's ledger over gRPC (two daemons, each with its
// own gRPC threads).
enum class Responder { kInProcess, kParleyd };

class Rig {
 public:
  // `window`: proposals of one channel in flight at once.
  Rig(const std::filesystem::path& dir, size_t window,
      size_t actions_per_update = client::kMaxActionsPerUpdate,
      Responder responder = Responder::kInProcess) {
    std::filesystem::create_directories(dir);
    Must(apps_.Register(std::make_shared<apps::PaymentApp>()), "apps");
    ledger_ = Must(settlement::SimLedger::Open(*ledger_store_, apps_), "ledger");
    StartNode(alice_, dir, window, actions_per_update);
    if (responder == Responder::kInProcess) {
      bob_.emplace("bob");
      StartNode(*bob_, dir, window, actions_per_update);
      peer_ = bob_->key.public_key();
      peer_address_ = "127.0.0.1:" + std::to_string(bob_->transport->port());
    } else {
      StartParleyd(dir, window, actions_per_update);
    }
    alice_.node->SetObserver([this](const client::NodeEvent& e) {
      if (e.kind != client::NodeEvent::Kind::kUpdated) return;
      // Taken before the waiter wakes, so that a Drive that follows cannot
      // see this event take one of its payments.
      bool follow_up = TakeFollowUp(e.channel);
      versions_.Seen(e.channel, e.version);
      if (follow_up) Pay(e.channel);
    });
    alice_.transport->Connect(*peer_, peer_address_);
    if (!alice_.transport->WaitConnected(*peer_, std::chrono::seconds(5))) {
      std::fprintf(stderr, "node_bench: the nodes did not connect\n");
      std::exit(1);
    }
  }
  ~Rig() {
    alice_.transport->Stop();
    if (bob_) bob_->transport->Stop();
    if (parleyd_) parleyd_->Stop();
    if (ledger_server_) ledger_server_->Shutdown();
  }

  // The responder's process when it runs in its own, else 0.
  pid_t ResponderPid() const { return parleyd_ ? parleyd_->pid() : 0; }

  ChannelId Open() {
    ChannelId id = Must(alice_.node->OpenChannel({.peer = *peer_,
                                                  .app = apps::PaymentApp::kId,
                                                  .my_deposit = channel::Amount(1) << 100,
                                                  .peer_deposit = 0}),
                        "open");
    auto deadline = Clock::now() + std::chrono::seconds(10);
    while (alice_.node->GetChannel(id)->phase != channel::Phase::kOpen) {
      if (Clock::now() > deadline) {
        std::fprintf(stderr, "node_bench: a channel did not open within 10 s%s\n",
                     parleyd_ ? ("; the responder's log:\n" + parleyd_->Log()).c_str() : "");
        std::exit(1);
      }
      alice_.node->ProcessLedgerEvents();
      if (bob_) bob_->node->ProcessLedgerEvents();  // a parleyd does its own
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return id;
  }

  std::vector<ChannelId> Open(int count) {
    std::vector<ChannelId> ids;
    for (int i = 0; i < count; ++i) ids.push_back(Open());
    return ids;
  }

  // Pays 1 and waits until the state that carries it is fully signed.
  void PayAndWait(const ChannelId& id) {
    uint64_t before = alice_.node->GetChannel(id)->latest.version;
    Must(alice_.node->Update(id, pay_), "pay");
    versions_.WaitAtLeast(id, before + 1);
  }
  void Pay(const ChannelId& id) { Must(alice_.node->Update(id, pay_), "pay"); }
  void WaitVersion(const ChannelId& id, uint64_t version) { versions_.WaitAtLeast(id, version); }
  Clock::time_point CompletedAt(const ChannelId& id, uint64_t version) {
    return versions_.CompletedAt(id, version);
  }
  void WaitIdle(const ChannelId& id) {
    for (;;) {
      auto info = Must(alice_.node->GetChannel(id), "channel");
      if (!info.update_in_flight && info.queued_actions == 0) return;
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }
  uint64_t Version(const ChannelId& id) { return alice_.node->GetChannel(id)->latest.version; }

  // Drives `ids` the way an event-driven client does: `outstanding` payments
  // on each at once, and one more from the node's observer each time one
  // completes, until `each` were made on each; then waits for the last.
  // Returns each channel's version before.
  std::vector<uint64_t> Drive(const std::vector<ChannelId>& ids, int each, int outstanding) {
    std::vector<uint64_t> before;
    {
      std::lock_guard lock(follow_ups_mutex_);
      for (const auto& id : ids) {
        before.push_back(Version(id));
        follow_ups_[id] = each - outstanding;
      }
    }
    for (int i = 0; i < outstanding; ++i) {
      for (const auto& id : ids) Pay(id);
    }
    for (size_t i = 0; i < ids.size(); ++i) WaitVersion(ids[i], before[i] + each);
    return before;
  }

 private:
  struct Side {
    const char* name;
    crypto::PrivateKey key = crypto::PrivateKey::Generate();
    std::unique_ptr<store::Store> store;
    std::unique_ptr<wire::GrpcTransport> transport;
    std::optional<settlement::SimClient> chain;
    std::unique_ptr<client::Node> node;
  };

  void StartNode(Side& side, const std::filesystem::path& dir, size_t window,
                 size_t actions_per_update) {
    side.store = Must(store::OpenRocksDb((dir / side.name).string(), {.sync = true}), "store");
    side.transport = Must(wire::GrpcTransport::Start(side.key), "transport");
    side.chain.emplace(*ledger_, side.key.public_key());
    side.node = std::make_unique<client::Node>(
        side.key, *side.store, *side.transport, *side.chain, *side.chain, ledger_->scheme(), apps_,
        client::NodeOptions{.max_deposit_on_proposal = channel::Amount(1) << 120,
                            .max_channels_per_peer = 1000,
                            .max_queued_actions = 1'000'000,
                            .max_updates_in_flight = window,
                            .max_actions_per_update = actions_per_update});
    Must(side.node->Start(), "start");
    Must(ledger_->Mint(side.key.public_key(), "native", channel::Amount(1) << 127), "mint");
  }

  // Serves the ledger on loopback and starts a parleyd that joins it, with
  // the same window; it deposits nothing, so it needs no coins.
  void StartParleyd(const std::filesystem::path& dir, size_t window, size_t actions_per_update) {
    ledger_service_ = std::make_unique<rpc::LedgerService>(*ledger_);
    int ledger_port = 0;
    ledger_server_ = testing_support::ServeOnLoopback(ledger_service_.get(), &ledger_port);
    auto local = [](int port) { return "127.0.0.1:" + std::to_string(port); };
    peer_address_ = local(testing_support::FreePort());
    std::filesystem::create_directories(dir / "bob");
    parleyd_ = std::make_unique<testing_support::Process>(
        std::vector<std::string>{PARLEYD_PATH, "--data-dir", (dir / "bob").string(), "--listen",
                                 peer_address_, "--api", local(testing_support::FreePort()),
                                 "--chain", "sim://" + local(ledger_port), "--updates-in-flight",
                                 std::to_string(window), "--actions-per-update",
                                 std::to_string(actions_per_update), "--max-channels-per-peer",
                                 "1000", "--log-level", "warn"},
        dir / "bob.log", "parleyd ready: node ");
    if (!ledger_server_ || !parleyd_->Start()) {
      std::fprintf(stderr, "node_bench: parleyd did not start; its log:\n%s\n",
                   parleyd_->Log().c_str());
      std::exit(1);
    }
    std::string log = parleyd_->Log();
    size_t at = log.find("parleyd ready: node ") + std::strlen("parleyd ready: node ");
    peer_ = Must(crypto::PublicKey::FromHex(log.substr(at, log.find(',', at) - at)), "node id");
  }

  // Whether Drive has a payment left to make on `id`; takes it.
  bool TakeFollowUp(const ChannelId& id) {
    std::lock_guard lock(follow_ups_mutex_);
    auto it = follow_ups_.find(id);
    if (it == follow_ups_.end() || it->second <= 0) return false;
    --it->second;
    return true;
  }

  channel::AppRegistry apps_;
  std::unique_ptr<store::Store> ledger_store_ = store::NewMemoryStore();
  std::unique_ptr<settlement::SimLedger> ledger_;
  Side alice_{"alice"};
  std::optional<Side> bob_;  // when the responder runs in this process
  // When it runs as a parleyd: the ledger it joins, and the process.
  std::unique_ptr<rpc::LedgerService> ledger_service_;
  std::unique_ptr<grpc::Server> ledger_server_;
  std::unique_ptr<testing_support::Process> parleyd_;
  std::optional<wire::PeerId> peer_;  // the responder
  std::string peer_address_;
  Versions versions_;
  std::mutex follow_ups_mutex_;
  std::map<ChannelId, int> follow_ups_;  // payments Drive has still to make
  Bytes pay_ = apps::PaymentApp::PayAction(1, 1);
};

// Prints an (a) run: throughput, and the latency percentiles of `latencies`.
void PrintSequential(const std::string& how, double elapsed, uint64_t states,
                     std::vector<double> latencies) {
  std::sort(latencies.begin(), latencies.end());
  std::printf(
      "(a) one channel, %s, durable: %.0f updates/s in %llu signed states, p50 %.2f ms, "
      "p99 %.2f ms  (target >= 2000/s, p50 <= 1 ms)\n",
      how.c_str(), latencies.size() / elapsed, static_cast<unsigned long long>(states),
      latencies[latencies.size() / 2] * 1e3, latencies[latencies.size() * 99 / 100] * 1e3);
}

// A (b) run on `channels`, measured from its construction to Print.
class Parallel {
 public:
  Parallel(Rig& rig, const std::vector<ChannelId>& channels) : rig_(rig), channels_(channels) {}
  void Print(const std::string& how, int updates, double bound) {
    double elapsed = Seconds(Clock::now() - t0_);
    double cpu = CpuSeconds(rig_.ResponderPid()) - cpu0_;
    double switches = ContextSwitches(rig_.ResponderPid()) - switches0_;
    std::printf(
        "(b) 64 channels in parallel, %s, durable: %.0f co-signed updates/s aggregate in %llu "
        "signed states  (target >= 8000/s); per update, both nodes: %.0f us of CPU, of which "
        "signing and verifying %.0f us, and %.1f context switches\n",
        how.c_str(), updates / elapsed, static_cast<unsigned long long>(States() - states0_),
        cpu / updates * 1e6, 1e6 / bound, switches / updates);
  }

 private:
  uint64_t States() {
    uint64_t states = 0;
    for (const auto& id : channels_) states += rig_.Version(id);
    return states;
  }
  Rig& rig_;
  const std::vector<ChannelId>& channels_;
  const uint64_t states0_ = States();
  const Clock::time_point t0_ = Clock::now();
  const double cpu0_ = CpuSeconds(rig_.ResponderPid());
  const double switches0_ = ContextSwitches(rig_.ResponderPid());
};

double CryptoBoundUpdatesPerSecond() {
  auto key = crypto::PrivateKey::Generate();
  Hash32 message = crypto::RandomHash32();
  constexpr int kN = 2000;
  auto t0 = Clock::now();
  crypto::Signature sig{};
  for (int i = 0; i < kN; ++i) sig = crypto::SchnorrSign(key, message);
  auto t1 = Clock::now();
  bool ok = true;
  for (int i = 0; i < kN; ++i) ok &= crypto::SchnorrVerify(key.public_key(), message, sig);
  auto t2 = Clock::now();
  double sign = Seconds(t1 - t0) / kN, verify = Seconds(t2 - t1) / kN;
  std::printf("sign %.1f us, verify %.1f us%s\n", sign * 1e6, verify * 1e6, ok ? "" : " (!)");
  return 1 / (2 * sign + 2 * verify);
}

// A message to the peer and its immediate echo, over a pair of transports.
double TransportRoundTripSeconds() {
  auto a_key = crypto::PrivateKey::Generate(), b_key = crypto::PrivateKey::Generate();
  auto a = Must(wire::GrpcTransport::Start(a_key), "transport");
  auto b = Must(wire::GrpcTransport::Start(b_key), "transport");
  std::mutex m;
  std::condition_variable cv;
  int echoes = 0;
  b->SetReceiver([&](const wire::PeerId& from, Bytes bytes) { (void)b->Send(from, bytes); });
  a->SetReceiver([&](const wire::PeerId&, Bytes) {
    std::lock_guard lock(m);
    ++echoes;
    cv.notify_one();
  });
  a->Connect(b_key.public_key(), "127.0.0.1:" + std::to_string(b->port()));
  a->WaitConnected(b_key.public_key(), std::chrono::seconds(5));
  Bytes ping = wire::EncodeMessage(wire::UpdateAccept{crypto::RandomHash32(), 1, Bytes(64, 1)});
  constexpr int kN = 2000;
  auto t0 = Clock::now();
  double cpu0 = CpuSeconds(), switches0 = ContextSwitches();
  for (int i = 0; i < kN; ++i) {
    Must(a->Send(b_key.public_key(), ping), "ping");
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return echoes > i; });
  }
  double rtt = Seconds(Clock::now() - t0) / kN;
  std::printf("plain transport round trip: %.0f us of CPU and %.1f context switches each\n",
              (CpuSeconds() - cpu0) / kN * 1e6, (ContextSwitches() - switches0) / kN);
  a->Stop();
  b->Stop();
  return rtt;
}

// One synced write of a channel-record-sized value to a fresh RocksDB store.
double SyncedWriteSeconds(const std::filesystem::path& dir) {
  auto store = Must(store::OpenRocksDb((dir / "synced-write").string(), {.sync = true}), "store");
  Bytes record(400, 7);
  constexpr int kN = 1000;
  auto t0 = Clock::now();
  for (int i = 0; i < kN; ++i) Must(store->Put("channel/" + std::to_string(i % 64), record), "put");
  return Seconds(Clock::now() - t0) / kN;
}

// One flush of the disk below the store, without RocksDB: a record-sized
// write over a file already written (as the store's log is) and fdatasync.
// The floor any durable write on this machine pays.
double DiskFlushSeconds(const std::filesystem::path& dir) {
  const std::string path = (dir / "flush-probe").string();
  constexpr int kN = 1000;
  constexpr size_t kRecord = 400;
  auto fail = [&path] {
    Must(Status::IoError("cannot write " + path + ": " + std::strerror(errno)), "flush probe");
  };
  std::ofstream(path, std::ios::binary) << std::string(kN * kRecord, '\0');
  int fd = ::open(path.c_str(), O_WRONLY);
  if (fd < 0 || ::fdatasync(fd) != 0) fail();
  if (::lseek(fd, 0, SEEK_END) != static_cast<off_t>(kN * kRecord)) {
    errno = EIO;  // not written ahead: the probe would measure appends
    fail();
  }
  const std::string record(kRecord, 7);
  auto t0 = Clock::now();
  for (int i = 0; i < kN; ++i) {
    if (::pwrite(fd, record.data(), kRecord, static_cast<off_t>(i * kRecord)) !=
            static_cast<ssize_t>(kRecord) ||
        ::fdatasync(fd) != 0) {
      fail();
    }
  }
  double seconds = Seconds(Clock::now() - t0) / kN;
  ::close(fd);
  return seconds;
}

}  // namespace
}  // namespace parley

int main(int argc, char** argv) {
  using namespace parley;
  std::string runs = argc > 1 ? "" : "abc";
  for (int i = 1; i < argc; ++i) runs += argv[i];
  if (runs.find_first_not_of("abc") != std::string::npos) {
    std::fprintf(stderr, "usage: node_bench [a] [b] [c]  (the runs to make; default all)\n");
    return 2;
  }
  auto run = [&runs](char which) { return runs.find(which) != std::string::npos; };
  auto dir = std::filesystem::temp_directory_path() /
             ("parley-node-bench-" + ToHex(crypto::RandomHash32()).substr(0, 8));
  std::filesystem::create_directories(dir);
  double bound = CryptoBoundUpdatesPerSecond();
  double rtt = TransportRoundTripSeconds();
  double synced = SyncedWriteSeconds(dir);
  double flush = DiskFlushSeconds(dir);
  std::printf("crypto-bound limit 1/(2*sign + 2*verify): %.0f updates/s\n", bound);
  std::printf("plain transport round trip (gRPC stream, loopback): %.0f us\n", rtt * 1e6);
  std::printf("one synced store write (RocksDB, alone): %.0f us\n", synced * 1e6);
  std::printf("one flush of the disk below it (pwrite + fdatasync, no RocksDB): %.0f us\n",
              flush * 1e6);
  // An update waits for the proposer's write, a round trip, the responder's
  // write and the proposer's final write, plus its four signature operations.
  double floor = rtt + 1 / bound + 3 * synced;
  std::printf(
      "floor of one sequential update (round trip + crypto + 3 synced writes in series): "
      "%.0f us = %.0f updates/s\n\n",
      floor * 1e6, 1 / floor);
  {
    Rig rig(dir / "pipelined", kWindow);

    ChannelId one = rig.Open();
    if (run('a')) {
      // (a) Sequential updates on one channel.
      std::vector<double> latencies;
      uint64_t before = rig.Version(one);
      auto t0 = Clock::now();
      for (int i = 0; i < kSequential; ++i) {
        auto start = Clock::now();
        rig.PayAndWait(one);
        latencies.push_back(Seconds(Clock::now() - start));
      }
      PrintSequential("sequential", Seconds(Clock::now() - t0), rig.Version(one) - before,
                      latencies);

      // (a) again, pipelined: a payment goes out as soon as fewer than
      // `outstanding` are in flight; each still gets a signed state of its
      // own. More in flight buys throughput with latency.
      for (size_t outstanding : {size_t{2}, size_t{3}, size_t{4}, kWindow}) {
        uint64_t first = rig.Version(one) + 1;
        std::vector<Clock::time_point> started;
        t0 = Clock::now();
        for (int i = 0; i < kSequential; ++i) {
          if (i >= static_cast<int>(outstanding)) rig.WaitVersion(one, first + i - outstanding);
          started.push_back(Clock::now());
          rig.Pay(one);
        }
        rig.WaitVersion(one, first + kSequential - 1);
        double elapsed = Seconds(Clock::now() - t0);
        latencies.clear();
        for (int i = 0; i < kSequential; ++i) {
          latencies.push_back(Seconds(rig.CompletedAt(one, first + i) - started[i]));
        }
        PrintSequential("pipelined (" + std::to_string(outstanding) + " in flight)", elapsed,
                        rig.Version(one) - first + 1, latencies);
      }
    }

    if (run('b')) {
      // (b) 64 channels in parallel, each driven by its own thread: one
      // update at a time, then 2 in flight on each (each update still its
      // own signed state).
      std::vector<ChannelId> channels = rig.Open(kChannels);
      for (int in_flight : {1, 2}) {
        Parallel measured(rig, channels);
        std::vector<std::thread> drivers;
        for (const auto& id : channels) {
          drivers.emplace_back([&rig, id, in_flight] {
            uint64_t first = rig.Version(id) + 1;
            for (int i = 0; i < kPerChannel; ++i) {
              if (i >= in_flight) rig.WaitVersion(id, first + i - in_flight);
              rig.Pay(id);
            }
            rig.WaitVersion(id, first + kPerChannel - 1);
          });
        }
        for (auto& t : drivers) t.join();
        measured.Print("a thread per channel, " + std::to_string(in_flight) + " in flight on each",
                       kChannels * kPerChannel, bound);
      }
    }
  }
  if (run('a') || run('b')) {
    // (a) and (b) with an event-driven client: the node's observer pays
    // again as soon as a payment completes, so no client thread wakes per
    // update. Two proposals in flight per channel and one action per signed
    // state: payments queued behind a proposal go out with the write that
    // completes it.
    for (Responder responder : {Responder::kInProcess, Responder::kParleyd}) {
      std::string where = responder == Responder::kParleyd ? ", responder a parleyd" : "";
      Rig rig(dir / (responder == Responder::kParleyd ? "event-driven-parleyd" : "event-driven"), 2,
              /*actions_per_update=*/1, responder);
      if (run('a')) {
        ChannelId one = rig.Open();
        for (int outstanding : {2, 3}) {
          auto t0 = Clock::now();
          uint64_t first = rig.Drive({one}, kSequential, outstanding)[0] + 1;
          double elapsed = Seconds(Clock::now() - t0);
          // Payment i was made when payment i - outstanding completed.
          std::vector<double> latencies;
          for (int i = 0; i < kSequential; ++i) {
            auto made = i < outstanding ? t0 : rig.CompletedAt(one, first + i - outstanding);
            latencies.push_back(Seconds(rig.CompletedAt(one, first + i) - made));
          }
          PrintSequential(
              "event-driven (" + std::to_string(outstanding) + " outstanding" + where + ")",
              elapsed, rig.Version(one) - first + 1, latencies);
        }
      }
      if (run('b')) {
        std::vector<ChannelId> channels = rig.Open(kChannels);
        for (int outstanding : {4, 8}) {
          Parallel measured(rig, channels);
          rig.Drive(channels, kPerChannelDriven, outstanding);
          measured.Print(
              "event-driven, " + std::to_string(outstanding) + " outstanding on each" + where,
              kChannels * kPerChannelDriven, bound);
        }
      }
    }
  }
  if (run('c')) {
    // (c) Payments queued faster than updates complete go out in batches.
    Rig rig(dir / "batched", 1);
    ChannelId one = rig.Open();
    constexpr int kPayments = 20000;
    uint64_t version_before = rig.Version(one);
    auto t0 = Clock::now();
    for (int i = 0; i < kPayments; ++i) rig.Pay(one);
    rig.WaitIdle(one);
    double elapsed = Seconds(Clock::now() - t0);
    uint64_t states = rig.Version(one) - version_before;
    std::printf(
        "(c) batched payments, one channel, one proposal in flight, durable: %.0f payments/s "
        "in %llu signed states\n",
        kPayments / elapsed, static_cast<unsigned long long>(states));
  }
  std::filesystem::remove_all(dir);
  return 0;
}
