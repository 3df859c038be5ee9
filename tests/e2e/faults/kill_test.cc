// kill -9 at random points of the update protocol. Alice and Bob pay each
// other on one channel while the test kills Alice, Bob or both at a random
// moment and restarts them, round after round. Each round checks:
//
// - no acknowledged payment is lost. A payment is acknowledged once either
//   daemon's GetChannel reports a latest (fully signed) state that includes
//   it; the test polls both daemons all through the round for such states;
// - no version holds two different states: every (version, balances) either
//   daemon ever reported is remembered, and none may change;
// - nothing is paid twice, and a payer that was not killed loses nothing:
//   every Pay answered OK (queued) lands exactly once, however the restarted
//   peer's proposals meet its own, and no update-failed event is reported. A
//   killed payer may lose the payments still queued in its memory
//   (docs/operations.md);
// - after the restart both sides agree on the version and the balances, and
//   the channel goes on (the next round's payments, and a last one each way).
//
// At the end no daemon reported an equivocation event, and neither store
// holds evidence of one.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <random>
#include <tuple>

#include "e2e/faults/event_tail.h"
#include "e2e/faults/fault_fixture.h"
#include "testing/temp_dir.h"

namespace parley::e2e::faults {
namespace {

using namespace std::chrono_literals;

// Alice pays 1 a payment and Bob kBobPayment, and neither makes kBobPayment
// payments in one round, so a change of Bob's balance tells how many
// payments each side made.
constexpr uint64_t kBobPayment = 1000;
constexpr uint64_t kMaxPaymentsPerRound = 40;

struct Counts {
  uint64_t alice = 0;
  uint64_t bob = 0;
};

// The payments each side made between two of Bob's balances.
Counts Decode(uint64_t bob_before, uint64_t bob_after) {
  int64_t change = static_cast<int64_t>(bob_after) - static_cast<int64_t>(bob_before);
  int64_t alice = ((change % static_cast<int64_t>(kBobPayment)) + kBobPayment) % kBobPayment;
  return {static_cast<uint64_t>(alice),
          static_cast<uint64_t>((alice - change) / static_cast<int64_t>(kBobPayment))};
}

// One payer's stream of payments in a round.
struct Payer {
  Daemon* daemon;
  uint64_t amount;
  uint64_t payments;                   // how many it tries
  std::chrono::microseconds max_gap;   // a random pause up to this between two
  std::atomic<uint64_t> attempted{0};  // calls made, whatever their answer
  std::atomic<uint64_t> queued{0};     // calls answered OK
};

class FaultKillTest : public DevchainAndTwoNodes {
 protected:
  FaultKillTest() : DevchainAndTwoNodes("parley-fault-kill-") {}

  static constexpr uint64_t kAliceDeposit = 1'000'000;
  static constexpr uint64_t kBobDeposit = 100'000'000;

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartDaemons(kAliceDeposit, kBobDeposit, kBobDeposit));
    // Each dials the other, so whichever restarts reconnects at once.
    ASSERT_TRUE(ConnectPeer(*alice_, *bob_, bob_id_).ok());
    ASSERT_TRUE(ConnectPeer(*bob_, *alice_, alice_id_).ok());
    id_ = OpenPaymentChannel(*alice_, *bob_, bob_id_, kAliceDeposit, kBobDeposit);
    ASSERT_FALSE(id_.empty());
  }

  // Remembers what `d` reports now as acknowledged; false if a version it
  // reports was reported before with other balances.
  bool Observe(Daemon& d) {
    v1::ChannelInfo c;
    if (!TryChannel(d, id_, &c).ok()) return true;  // killed: nothing to see
    std::lock_guard lock(observed_mutex_);
    auto [it, fresh] = observed_.try_emplace(c.version(), BalanceOf(c, 1));
    if (!fresh && it->second != BalanceOf(c, 1)) {
      ADD_FAILURE() << "version " << c.version() << " was reported with Bob at " << it->second
                    << " and at " << BalanceOf(c, 1);
      return false;
    }
    Counts counts = Decode(round_base_, BalanceOf(c, 1));
    acked_.alice = std::max(acked_.alice, counts.alice);
    acked_.bob = std::max(acked_.bob, counts.bob);
    max_version_ = std::max(max_version_, c.version());
    return true;
  }

  // Pays `payer.payments` times with random pauses; stops at the first
  // refused call (its daemon was killed).
  static void PayStream(Payer& payer, const std::string& id, uint32_t seed) {
    std::mt19937 rng(seed);
    for (uint64_t i = 0; i < payer.payments; ++i) {
      ++payer.attempted;
      if (!e2e::Pay(*payer.daemon, id, payer.amount).ok()) return;
      ++payer.queued;
      std::this_thread::sleep_for(std::chrono::microseconds(rng() % (payer.max_gap.count() + 1)));
    }
  }

  std::string id_;

  std::mutex restarting_;  // held while a daemon restarts
  std::mutex observed_mutex_;
  std::map<uint64_t, uint64_t> observed_;  // version -> Bob's balance, ever reported
  uint64_t round_base_ = 0;                // Bob's balance when the round began
  Counts acked_;                           // the most payments seen acknowledged this round
  uint64_t max_version_ = 0;               // the highest version seen this round
};

TEST_F(FaultKillTest, NoAcknowledgedPaymentIsLostAcrossAHundredKills) {
  const int rounds = SoakMode() ? 1000 : 100;
  const uint32_t seed = std::random_device()();
  std::mt19937 rng(seed);
  SCOPED_TRACE("seed " + std::to_string(seed));
  auto alice_events = std::make_unique<EventTail>(*alice_);
  auto bob_events = std::make_unique<EventTail>(*bob_);
  int equivocations = 0;
  int kills[3] = {0, 0, 0};           // Alice, Bob, both
  int kills_again = 0;                // rounds that killed during the resync too
  uint64_t queued = 0;                // Pay calls answered OK
  uint64_t lost_in_killed_queue = 0;  // of those, queued at a payer that was killed
  auto start = std::chrono::steady_clock::now();

  v1::ChannelInfo latest;
  ASSERT_TRUE(WaitAgree(*alice_, *bob_, id_, &latest));
  for (int round = 0; round < rounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    round_base_ = BalanceOf(latest, 1);
    acked_ = {};
    max_version_ = latest.version();
    // Who pays (Alice, Bob or both), who dies (Alice, Bob or both), when,
    // and whether it dies again just after its restart.
    int payers = static_cast<int>(rng() % 3);
    int victims = static_cast<int>(rng() % 3);
    Payer alice_pays{alice_.get(), 1, payers != 1 ? 5 + rng() % (kMaxPaymentsPerRound - 4) : 0,
                     std::chrono::microseconds(rng() % 3000)};
    Payer bob_pays{bob_.get(), kBobPayment,
                   payers != 0 ? 5 + rng() % (kMaxPaymentsPerRound - 4) : 0,
                   std::chrono::microseconds(rng() % 3000)};
    auto kill_after = std::chrono::microseconds(rng() % 60'000);
    bool kill_again = rng() % 4 == 0;
    bool alice_dies = victims != 1, bob_dies = victims != 0;
    ++kills[victims];

    std::atomic<bool> watching{true};
    std::atomic<bool> consistent{true};
    std::thread watcher([&] {
      while (watching) {
        {
          std::lock_guard lock(restarting_);  // Restart replaces a daemon's API stub
          if (!Observe(*alice_) || !Observe(*bob_)) consistent = false;
        }
        std::this_thread::sleep_for(1ms);  // lets a restart take the lock
      }
    });
    std::thread alice_thread(PayStream, std::ref(alice_pays), id_, rng());
    std::thread bob_thread(PayStream, std::ref(bob_pays), id_, rng());
    std::this_thread::sleep_for(kill_after);
    const std::tuple<bool, Daemon*, std::unique_ptr<EventTail>*> sides[] = {
        {alice_dies, alice_.get(), &alice_events}, {bob_dies, bob_.get(), &bob_events}};
    auto kill = [&] {
      for (auto [dies, daemon, events] : sides) {
        if (!dies) continue;
        equivocations += (*events)->Count("equivocation");
        events->reset();
        daemon->Stop(SIGKILL);
      }
    };
    auto restart = [&] {
      std::lock_guard lock(restarting_);
      for (auto [dies, daemon, events] : sides) {
        if (!dies) continue;
        if (!daemon->Restart()) return false;
        *events = std::make_unique<EventTail>(*daemon);
      }
      return true;
    };
    kill();
    alice_thread.join();
    bob_thread.join();
    bool restarted = restart();
    if (restarted && kill_again) {  // once more, while the two resynchronize
      ++kills_again;
      std::this_thread::sleep_for(std::chrono::microseconds(rng() % 20'000));
      kill();
      restarted = restart();
    }
    bool agreed = restarted && WaitAgree(*alice_, *bob_, id_, &latest);
    watching = false;
    watcher.join();
    ASSERT_TRUE(restarted) << alice_->Log() << bob_->Log();
    ASSERT_TRUE(agreed) << "the two sides never agreed again\nAlice: "
                        << Channel(*alice_, id_).ShortDebugString() << "\n"
                        << alice_events->Unusual() << alice_->Log()
                        << "Bob: " << Channel(*bob_, id_).ShortDebugString() << "\n"
                        << bob_events->Unusual() << bob_->Log();
    ASSERT_TRUE(consistent);
    ASSERT_TRUE(Observe(*alice_) && Observe(*bob_));

    Counts landed = Decode(round_base_, BalanceOf(latest, 1));
    EXPECT_EQ(BalanceOf(latest, 0) + BalanceOf(latest, 1), kAliceDeposit + kBobDeposit);
    EXPECT_GE(latest.version(), max_version_);
    EXPECT_GE(landed.alice, acked_.alice) << "an acknowledged payment of Alice's was lost";
    EXPECT_GE(landed.bob, acked_.bob) << "an acknowledged payment of Bob's was lost";
    EXPECT_LE(landed.alice, alice_pays.attempted) << "Alice paid more than she asked to";
    EXPECT_LE(landed.bob, bob_pays.attempted) << "Bob paid more than he asked to";
    // A payer that lived: everything it queued landed.
    const std::tuple<bool, uint64_t, Payer*, EventTail*> outcomes[] = {
        {alice_dies, landed.alice, &alice_pays, alice_events.get()},
        {bob_dies, landed.bob, &bob_pays, bob_events.get()}};
    for (auto [died, paid, payer, events] : outcomes) {
      uint64_t missing = payer->queued - std::min(paid, payer->queued.load());
      if (died) {
        lost_in_killed_queue += missing;
      } else {
        EXPECT_EQ(missing, 0u) << "payments queued at the payer that lived did not land\n"
                               << events->Unusual();
      }
    }
    if (HasFailure()) break;
    queued += alice_pays.queued + bob_pays.queued;
  }

  // The channel goes on: one more payment each way lands.
  uint64_t bob_before = BalanceOf(latest, 1);
  ASSERT_TRUE(e2e::Pay(*alice_, id_, 1).ok());
  ASSERT_TRUE(e2e::Pay(*bob_, id_, kBobPayment).ok());
  ASSERT_TRUE(WaitAgree(*alice_, *bob_, id_, &latest));
  EXPECT_EQ(BalanceOf(latest, 1), bob_before + 1 - kBobPayment);

  equivocations += alice_events->Count("equivocation") + bob_events->Count("equivocation");
  EXPECT_EQ(equivocations, 0) << alice_events->Unusual() << bob_events->Unusual();
  alice_events.reset();
  bob_events.reset();
  StopNodesExpectingNoEvidence();

  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "kill -9: %d rounds in %.1f s (killed Alice %d, Bob %d, both %d times; %d of them again "
      "during the resync); Pay answered OK "
      "%llu times: %llu never signed because the payer was killed with them queued, all the "
      "others landed; final version %llu\n",
      rounds, seconds, kills[0], kills[1], kills[2], kills_again,
      static_cast<unsigned long long>(queued),
      static_cast<unsigned long long>(lost_in_killed_queue),
      static_cast<unsigned long long>(latest.version()));
}

}  // namespace
}  // namespace parley::e2e::faults
