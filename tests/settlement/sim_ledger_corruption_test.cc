// The sim ledger refuses corrupted stored data with Corruption, never with a
// crash or a ledger that would misbehave later.
#include "sim_ledger_fixture.h"

namespace parley::settlement {
namespace {

using testing::HasSubstr;

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

}  // namespace
}  // namespace parley::settlement
