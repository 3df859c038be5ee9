// Load: 1,000 channels between two daemons, payments on all of them at once
// from both sides for a fixed time, then every channel closed and withdrawn.
// Checks every channel's balances against the payments the API accepted,
// and the ledger to the unit: each account ends with what it minted, less
// its deposits, plus its final balances. Prints the figures; asserts no
// timing, only generous deadlines.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <random>

#include "e2e/faults/fault_fixture.h"
#include "testing/temp_dir.h"

namespace parley::e2e::faults {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kChannels = 1000;
constexpr uint64_t kDeposit = 1'000'000;  // each side, each channel
constexpr int kClientThreads = 4;         // for opening and closing
constexpr int kPayingThreads = 16;        // a Pay call waits for a synced write: many at once

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Runs `work(i)` for i in [0, count) on kClientThreads threads.
void ForEach(int count, const std::function<void(int)>& work) {
  std::atomic<int> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kClientThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = next++; i < count; i = next++) work(i);
    });
  }
  for (auto& t : threads) t.join();
}

// Every channel `d` holds, by id.
std::map<std::string, v1::ChannelInfo> Channels(Daemon& d) {
  v1::ListChannelsResponse list;
  grpc::ClientContext context;
  std::map<std::string, v1::ChannelInfo> out;
  if (!d.api().ListChannels(&context, v1::ListChannelsRequest(), &list).ok()) return out;
  for (const auto& c : list.channels()) out[c.channel_id()] = c;
  return out;
}

// Polls both daemons until `done` holds for every channel at both; false
// after `timeout`.
bool WaitAll(Daemon& a, Daemon& b, const std::vector<std::string>& ids,
             const std::function<bool(const v1::ChannelInfo&, const v1::ChannelInfo&)>& done,
             std::chrono::seconds timeout) {
  for (auto end = Clock::now() + timeout; Clock::now() < end;) {
    auto at_a = Channels(a), at_b = Channels(b);
    bool all = true;
    for (const auto& id : ids) {
      if (!at_a.contains(id) || !at_b.contains(id) || !done(at_a[id], at_b[id])) {
        all = false;
        break;
      }
    }
    if (all) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

TEST(FaultLoadTest, AThousandChannelsUnderConcurrentPaymentsCloseWithFundsConserved) {
  const auto pay_time = SoakMode() ? 120s : 15s;
  TempDir dir("parley-fault-load-");
  const std::string devchain = Local(FreePort());
  const std::vector<std::string> common = {"--max-channels-per-peer", std::to_string(kChannels),
                                           "--max-deposit", std::to_string(kDeposit)};
  std::vector<std::string> a_flags = {"--devchain", devchain, "--devchain-dev-calls", "--tick-ms",
                                      "50"};
  std::vector<std::string> b_flags = {"--chain", "sim://" + devchain};
  a_flags.insert(a_flags.end(), common.begin(), common.end());
  b_flags.insert(b_flags.end(), common.begin(), common.end());
  Daemon a(dir.path() / "a", a_flags);
  Daemon b(dir.path() / "b", b_flags);
  ASSERT_TRUE(a.Start()) << a.Log();
  ASSERT_TRUE(b.Start()) << b.Log();
  LedgerClient ledger(devchain);
  const std::string a_id = Info(a).node_id(), b_id = Info(b).node_id();
  const uint64_t minted = kChannels * kDeposit;
  ASSERT_TRUE(ledger.Mint(a_id, minted).ok());
  ASSERT_TRUE(ledger.Mint(b_id, minted).ok());
  ASSERT_TRUE(ConnectPeer(a, b, b_id).ok());

  // Open every channel, proposed by A, each side depositing kDeposit.
  auto start = Clock::now();
  std::vector<std::string> ids(kChannels);
  std::atomic<int> open_failures{0};
  ForEach(kChannels, [&](int i) {
    v1::ChannelInfo info;
    if (ProposePaymentChannel(a, b_id, kDeposit, kDeposit, 100, &info).ok()) {
      ids[i] = info.channel_id();
    } else {
      ++open_failures;
    }
  });
  ASSERT_EQ(open_failures, 0);
  ASSERT_TRUE(WaitAll(
      a, b, ids, [](auto& x, auto& y) { return x.phase() == "open" && y.phase() == "open"; }, 600s))
      << "not every channel opened";
  const double open_seconds = SecondsSince(start);
  EXPECT_EQ(Info(a).channel_count(), static_cast<uint32_t>(kChannels));
  EXPECT_EQ(Info(b).channel_count(), static_cast<uint32_t>(kChannels));

  // Payments of 1 on random channels from random sides, for pay_time.
  std::vector<std::atomic<uint64_t>> paid_by_a(kChannels), paid_by_b(kChannels);
  std::atomic<int> pay_failures{0};
  std::string first_failure;
  std::mutex failure_mutex;
  start = Clock::now();
  const auto stop = start + pay_time;
  std::vector<std::thread> payers;
  for (int t = 0; t < kPayingThreads; ++t) {
    payers.emplace_back([&, seed = std::random_device()()] {
      std::mt19937 rng(seed);
      while (Clock::now() < stop) {
        int i = static_cast<int>(rng() % kChannels);
        bool from_a = rng() % 2 == 0;
        grpc::Status s = Pay(from_a ? a : b, ids[i], 1);
        if (s.ok()) {
          ++(from_a ? paid_by_a : paid_by_b)[i];
        } else if (pay_failures++ == 0) {
          std::lock_guard lock(failure_mutex);
          first_failure = s.error_message();
        }
      }
    });
  }
  for (auto& t : payers) t.join();
  const double issue_seconds = SecondsSince(start);
  ASSERT_TRUE(WaitAll(
      a, b, ids, [](auto& x, auto& y) { return Idle(x) && Idle(y) && x.version() == y.version(); },
      600s))
      << "the payments never settled";
  const double pay_seconds = SecondsSince(start);
  EXPECT_EQ(pay_failures, 0) << first_failure;

  // Every channel holds exactly what its payments say, at both sides.
  uint64_t payments = 0;
  uint64_t a_expected = minted - kChannels * kDeposit, b_expected = a_expected;
  auto at_a = Channels(a), at_b = Channels(b);
  for (int i = 0; i < kChannels; ++i) {
    uint64_t a_balance = kDeposit - paid_by_a[i] + paid_by_b[i];
    uint64_t b_balance = kDeposit + paid_by_a[i] - paid_by_b[i];
    EXPECT_EQ(BalanceOf(at_a[ids[i]], 0), a_balance) << ids[i];
    EXPECT_EQ(BalanceOf(at_b[ids[i]], 0), a_balance) << ids[i];
    EXPECT_EQ(BalanceOf(at_b[ids[i]], 1), b_balance) << ids[i];
    payments += paid_by_a[i] + paid_by_b[i];
    a_expected += a_balance;
    b_expected += b_balance;
  }
  ASSERT_FALSE(HasFailure());

  // Close every channel cooperatively, then each side withdraws its share.
  start = Clock::now();
  std::atomic<int> close_failures{0};
  ForEach(kChannels, [&](int i) {
    close_failures += !OnChannel(a, ids[i], &v1::Api::Stub::CloseChannel).ok();
  });
  ASSERT_EQ(close_failures, 0);
  ASSERT_TRUE(WaitAll(
      a, b, ids, [](auto& x, auto& y) { return x.phase() == "final" && y.phase() == "final"; },
      600s))
      << "not every channel reached its final state";
  // Both sides settle each channel at the same time: whoever registers or
  // concludes first, the other goes on from there.
  std::atomic<int> withdraw_failures{0};
  ForEach(2 * kChannels, [&](int k) {
    Daemon& d = k % 2 == 0 ? a : b;
    grpc::Status s = OnChannel(d, ids[k / 2], &v1::Api::Stub::Withdraw);
    if (!s.ok() && withdraw_failures++ == 0) {
      std::lock_guard lock(failure_mutex);
      first_failure = s.error_message();
    }
  });
  ASSERT_EQ(withdraw_failures, 0) << first_failure;
  const double close_seconds = SecondsSince(start);

  // The ledger, to the unit.
  const uint64_t a_final = ledger.Balance(a_id), b_final = ledger.Balance(b_id);
  EXPECT_EQ(a_final, a_expected);
  EXPECT_EQ(b_final, b_expected);
  EXPECT_EQ(a_final + b_final, 2 * minted);
  const bool conserved = a_final == a_expected && b_final == b_expected;

  std::printf(
      "load: %d channels between two daemons, opened in %.1f s; %llu payments in %.1f s "
      "(issued for %.1f s, all signed %.1f s later): %.0f payments/s; all closed and withdrawn "
      "in %.1f s; funds conserved: %s (A %llu, B %llu, minted %llu)\n",
      kChannels, open_seconds, static_cast<unsigned long long>(payments), pay_seconds,
      issue_seconds, pay_seconds - issue_seconds, payments / pay_seconds, close_seconds,
      conserved ? "yes, to the unit" : "NO", static_cast<unsigned long long>(a_final),
      static_cast<unsigned long long>(b_final), static_cast<unsigned long long>(2 * minted));
  EXPECT_EQ(a.Stop(SIGTERM), 0);
  EXPECT_EQ(b.Stop(SIGTERM), 0);
}

}  // namespace
}  // namespace parley::e2e::faults
