// Behaviour of the sim ledger beyond the shared settlement suite
// (tests/conformance): persistence in a store, the faucet and the clock,
// event delivery, and conservation of funds under many operations. Limits
// and corrupted stores have files of their own.
#include "sim_ledger_fixture.h"

namespace parley::settlement {
namespace {

using testing::HasSubstr;

// ---------------------------------------------------------------------------
// Persistence.

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
