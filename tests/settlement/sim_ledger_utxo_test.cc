// The sim ledger's Bitcoin UTXO set (BitcoinLedger): heights are ticks,
// transactions go into the next block, everything persists in the store
// across reopening, refused transactions write nothing, corrupted records are
// refused on open, and the ledger's own assets are untouched.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <string>
#include <thread>
#include <vector>

#include "parley/channel/app.h"
#include "parley/settlement/sim_ledger.h"
#include "parley/store/store.h"
#include "parley/util/codec.h"
#include "settlement/sim/utxo_store.h"  // private: the stored record format
#include "settlement/taproot_wallet.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace parley::settlement {
namespace {

using crypto::OutPoint;
using crypto::Transaction;
using testing::HasSubstr;

class SimLedgerUtxoTest : public testing::Test {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(Reopen()); }
  void TearDown() override { ledger_.reset(); }  // before the store

  void Reopen() {
    ledger_.reset();
    auto ledger = SimLedger::Open(*store_, apps_);
    ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
    ledger_ = std::move(ledger).value();
  }

  // Alice's new faucet output of `sats`.
  OutPoint Fund(int64_t sats) {
    auto outpoint = ledger_->FundTaproot(alice_.OutputKey(), sats);
    EXPECT_TRUE(outpoint.ok()) << outpoint.status().ToString();
    return outpoint.ok() ? *outpoint : OutPoint{};
  }

  // Alice pays all of `coin` to Bob.
  Transaction PayBob(const OutPoint& coin, uint32_t lock_time = 0) {
    Utxo utxo = ledger_->GetUtxo(coin).value();
    Transaction tx = Unsigned({coin}, {bob_.Pay(utxo.output.amount_sats)}, lock_time,
                              lock_time == 0 ? crypto::kSequenceFinal : 0xfffffffe);
    alice_.Sign(&tx, std::vector{utxo.output}, 0);
    return tx;
  }

  // Every stored key under "utxo/", with its value.
  std::map<std::string, Bytes> StoredUtxos() const {
    std::map<std::string, Bytes> out;
    EXPECT_OK(store_->Scan("utxo/", [&](std::string_view key, ByteView value) {
      out[std::string(key)] = Bytes(value.begin(), value.end());
    }));
    return out;
  }

  // Writes `value` at `key` behind the ledger's back; Open must refuse.
  void ExpectOpenRefuses(const std::string& key, const Bytes& value) {
    ledger_.reset();
    ASSERT_OK(store_->Put(key, value));
    auto reopened = SimLedger::Open(*store_, apps_);
    EXPECT_CODE(reopened.status(), StatusCode::kCorruption);
    EXPECT_THAT(reopened.status().message(), HasSubstr("UTXO set"));
  }

  channel::AppRegistry apps_;
  std::unique_ptr<store::Store> store_ = store::NewMemoryStore();
  std::unique_ptr<SimLedger> ledger_;
  TaprootWallet alice_;
  TaprootWallet bob_;
};

TEST_F(SimLedgerUtxoTest, TheHeightIsTheTickAndTransactionsGoInTheNextBlock) {
  EXPECT_EQ(ledger_->Height(), 0u);
  OutPoint coin = Fund(5'000);
  EXPECT_EQ(ledger_->GetUtxo(coin)->height, 1u);
  ASSERT_OK(ledger_->Advance(3));
  EXPECT_EQ(ledger_->Height(), 3u);
  EXPECT_EQ(ledger_->Height(), ledger_->Now());
  Transaction tx = PayBob(coin);
  auto txid = ledger_->BroadcastTransaction(tx);
  ASSERT_TRUE(txid.ok()) << txid.status().ToString();
  auto paid = ledger_->GetUtxo({*txid, 0});
  ASSERT_TRUE(paid.ok()) << paid.status().ToString();
  EXPECT_EQ(paid->height, 4u);
  EXPECT_EQ(paid->output, bob_.Pay(5'000));
  EXPECT_CODE(ledger_->GetUtxo(coin).status(), StatusCode::kNotFound);
}

// A lock time of L is met in block L + 1, which the ledger builds at height L.
TEST_F(SimLedgerUtxoTest, ALockTimeIsMetOnceTheHeightReachesIt) {
  OutPoint coin = Fund(5'000);
  Transaction tx = PayBob(coin, /*lock_time=*/5);
  ASSERT_OK(ledger_->Advance(4));
  auto early = ledger_->BroadcastTransaction(tx);
  EXPECT_CODE(early.status(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(early.status().message(), HasSubstr("the ledger is at height 4"));
  EXPECT_THAT(early.status().message(), HasSubstr("block 6 or later"));
  ASSERT_OK(ledger_->Advance(1));
  EXPECT_OK(ledger_->BroadcastTransaction(tx).status());
}

TEST_F(SimLedgerUtxoTest, PersistsInRocksDbAcrossReopening) {
  TempDir dir("parley_sim_ledger_utxo_test_");
  ledger_.reset();
  store_ = store::OpenRocksDb((dir.path() / "ledger").string()).value();
  ASSERT_NO_FATAL_FAILURE(Reopen());
  crypto::PublicKey account = alice_.internal_key.public_key();
  ASSERT_OK(ledger_->Mint(account, "native", 70));
  OutPoint spent = Fund(5'000);
  OutPoint kept = Fund(6'000);
  ASSERT_OK(ledger_->Advance(2));
  Transaction tx = PayBob(spent);
  Hash32 txid = ledger_->BroadcastTransaction(tx).value();

  ledger_.reset();
  store_.reset();
  store_ = store::OpenRocksDb((dir.path() / "ledger").string()).value();
  ASSERT_NO_FATAL_FAILURE(Reopen());
  EXPECT_EQ(ledger_->Height(), 2u);
  EXPECT_EQ(ledger_->GetUtxo(kept).value(), (Utxo{alice_.Pay(6'000), 1}));
  EXPECT_EQ(ledger_->GetUtxo({txid, 0}).value(), (Utxo{bob_.Pay(5'000), 3}));
  EXPECT_THAT(ledger_->GetUtxo(spent).status().message(), HasSubstr("is spent"));
  EXPECT_CODE(ledger_->BroadcastTransaction(tx).status(), StatusCode::kAlreadyExists);
  // The faucet goes on with new transactions, and the assets are as they were.
  OutPoint next = Fund(6'000);
  EXPECT_NE(next.txid, kept.txid);
  EXPECT_NE(next.txid, spent.txid);
  EXPECT_EQ(ledger_->Balance(account, "native"), 70);
  EXPECT_OK(ledger_->BroadcastTransaction(PayBob(kept)).status());
}

TEST_F(SimLedgerUtxoTest, ARefusedTransactionWritesNothing) {
  OutPoint coin = Fund(5'000);
  Transaction tx = PayBob(coin);
  tx.outputs[0].amount_sats = 5'001;  // breaks the signature too; the amounts are checked first
  const auto stored = StoredUtxos();
  EXPECT_CODE(ledger_->BroadcastTransaction(tx).status(), StatusCode::kInvalidArgument);
  EXPECT_CODE(ledger_->Fund(alice_.Script(), 0).status(), StatusCode::kInvalidArgument);
  EXPECT_EQ(StoredUtxos(), stored);
  ASSERT_NO_FATAL_FAILURE(Reopen());
  EXPECT_OK(ledger_->GetUtxo(coin).status());
}

TEST_F(SimLedgerUtxoTest, SatoshisAreNotLedgerAssets) {
  crypto::PublicKey account = alice_.internal_key.public_key();
  ASSERT_OK(ledger_->Mint(account, "btc", 10));
  Fund(1'000'000);
  EXPECT_EQ(ledger_->Balance(account, "btc"), 10);
  // Conservation still holds, so the ledger reopens.
  ASSERT_NO_FATAL_FAILURE(Reopen());
  EXPECT_EQ(ledger_->Balance(account, "btc"), 10);
}

// Of two transactions spending one coin, sent at once, exactly one wins.
TEST_F(SimLedgerUtxoTest, ConcurrentDoubleSpendsLetOneThrough) {
  OutPoint coin = Fund(5'000);
  Transaction to_bob = PayBob(coin);
  Transaction to_alice = Unsigned({coin}, {alice_.Pay(4'000)});
  alice_.Sign(&to_alice, std::vector{alice_.Pay(5'000)}, 0);
  std::atomic<int> accepted = 0;
  std::thread other([&] { accepted += ledger_->BroadcastTransaction(to_alice).ok(); });
  accepted += ledger_->BroadcastTransaction(to_bob).ok();
  other.join();
  EXPECT_EQ(accepted, 1);
  EXPECT_EQ(StoredUtxos().size(), 4u);  // faucet count, two tx records, one coin
}

// ---------------------------------------------------------------------------
// Corrupted records.

class SimLedgerUtxoCorruptionTest : public SimLedgerUtxoTest {
 protected:
  void SetUp() override {
    SimLedgerUtxoTest::SetUp();
    coin_ = Fund(5'000);
    ASSERT_NO_FATAL_FAILURE(Reopen());  // unchanged, the store opens
  }
  OutPoint coin_;
};

TEST_F(SimLedgerUtxoCorruptionTest, GarbageOutputIsCorruption) {
  ExpectOpenRefuses(UtxoCoinKey(coin_), {0xde, 0xad});
}

TEST_F(SimLedgerUtxoCorruptionTest, OutputWithTrailingBytesIsCorruption) {
  Bytes value = store_->Get(UtxoCoinKey(coin_)).value();
  value.push_back(0);
  ExpectOpenRefuses(UtxoCoinKey(coin_), value);
}

TEST_F(SimLedgerUtxoCorruptionTest, OutputUnderANonCanonicalKeyIsCorruption) {
  Bytes value = store_->Get(UtxoCoinKey(coin_)).value();
  std::string upper = UtxoCoinKey(coin_);
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  ExpectOpenRefuses("utxo/coin/" + upper.substr(10), value);
}

TEST_F(SimLedgerUtxoCorruptionTest, OutputOfAnUnknownTransactionIsCorruption) {
  Bytes value = store_->Get(UtxoCoinKey(coin_)).value();
  ExpectOpenRefuses(UtxoCoinKey({.txid = {7}, .index = 0}), value);
}

TEST_F(SimLedgerUtxoCorruptionTest, OutputAmountBeyondAllBitcoinIsCorruption) {
  Writer w;
  w.U64(1);
  w.U64(uint64_t{crypto::kMaxMoney} + 1);
  w.Var(alice_.Script());
  ExpectOpenRefuses(UtxoCoinKey(coin_), w.Take());
}

TEST_F(SimLedgerUtxoCorruptionTest, TransactionInAFutureBlockIsCorruption) {
  Writer w;
  w.U64(ledger_->Height() + 2);  // the next block is Height() + 1
  w.U32(1);
  ExpectOpenRefuses(UtxoTxKey(coin_.txid), w.Take());
}

TEST_F(SimLedgerUtxoCorruptionTest, GarbageTransactionRecordIsCorruption) {
  ExpectOpenRefuses(UtxoTxKey(coin_.txid), {1, 2, 3});
}

TEST_F(SimLedgerUtxoCorruptionTest, GarbageFaucetCountIsCorruption) {
  ExpectOpenRefuses("utxo/faucet", {1});
}

}  // namespace
}  // namespace parley::settlement
