// The sim ledger's UTXO set on its own (framework/settlement/sim/utxo_set.h):
// every rule a transaction must meet, with real signed taproot spends, and
// that a refused transaction changes nothing.
#include "settlement/sim/utxo_set.h"  // private: the tests reach it through framework/

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parley/crypto/bitcoin_tx.h"
#include "settlement/taproot_wallet.h"
#include "testing/status_matchers.h"

namespace parley::settlement {
namespace {

using crypto::kMaxMoney;
using crypto::OutPoint;
using crypto::Transaction;
using crypto::TxOut;
using testing::HasSubstr;

constexpr uint64_t kBlock = 7;

class UtxoSetTest : public testing::Test {
 protected:
  // A faucet output of `sats` to `owner`, in block kBlock.
  OutPoint Fund(const TaprootWallet& owner, int64_t sats) {
    auto outpoint = set_.Fund(owner.Script(), sats, kBlock);
    EXPECT_TRUE(outpoint.ok()) << outpoint.status().ToString();
    return outpoint.ok() ? *outpoint : OutPoint{};
  }

  // What the set holds for each of `outpoints`, spent or not.
  std::vector<TxOut> Spent(const std::vector<OutPoint>& outpoints) const {
    std::vector<TxOut> out;
    for (const OutPoint& o : outpoints) out.push_back(set_.coins().at(o).output);
    return out;
  }

  // `tx` spending `inputs`, every one signed by `owner`.
  Transaction Signed(const TaprootWallet& owner, const std::vector<OutPoint>& inputs,
                     std::vector<TxOut> outputs, uint32_t lock_time = 0,
                     uint32_t sequence = crypto::kSequenceFinal) {
    Transaction tx = Unsigned(inputs, std::move(outputs), lock_time, sequence);
    std::vector<TxOut> spent = Spent(inputs);
    for (size_t i = 0; i < inputs.size(); ++i) owner.Sign(&tx, spent, i);
    return tx;
  }

  // Expects Apply to refuse `tx` with `code` and a message containing
  // `reason`, and the set to be as it was.
  void ExpectRefused(const Transaction& tx, StatusCode code, const std::string& reason,
                     uint64_t block = kBlock) {
    auto coins = set_.coins();
    auto txs = set_.txs();
    auto applied = set_.Apply(tx, block);
    ASSERT_FALSE(applied.ok()) << "accepted a transaction that should fail with: " << reason;
    EXPECT_EQ(applied.status().code(), code) << applied.status().ToString();
    EXPECT_THAT(applied.status().message(), HasSubstr(reason));
    EXPECT_EQ(set_.coins(), coins);
    EXPECT_EQ(set_.txs(), txs);
  }

  UtxoSet set_;
  TaprootWallet alice_;
  TaprootWallet bob_;
};

// ---------------------------------------------------------------------------
// The faucet.

TEST_F(UtxoSetTest, TheFaucetMakesADistinctTransactionEachTime) {
  OutPoint a = Fund(alice_, 1000);
  OutPoint b = Fund(alice_, 1000);
  EXPECT_NE(a.txid, b.txid);
  EXPECT_EQ(a.index, 0u);
  EXPECT_EQ(set_.faucet_count(), 2u);
  auto utxo = set_.Get(a);
  ASSERT_TRUE(utxo.ok()) << utxo.status().ToString();
  EXPECT_EQ(utxo->output, alice_.Pay(1000));
  EXPECT_EQ(utxo->height, kBlock);
  EXPECT_EQ(a.txid, crypto::Txid(FaucetTransaction(0, alice_.Script(), 1000)));
}

TEST_F(UtxoSetTest, TheFaucetRefusesAmountsAndScriptsOutOfRange) {
  for (int64_t sats : {int64_t{0}, int64_t{-1}, kMaxMoney + 1}) {
    EXPECT_CODE(set_.Fund(alice_.Script(), sats, kBlock).status(), StatusCode::kInvalidArgument);
  }
  EXPECT_CODE(set_.Fund(Bytes(kMaxScriptSize + 1, 0x51), 1, kBlock).status(),
              StatusCode::kInvalidArgument);
  EXPECT_TRUE(set_.coins().empty());
  EXPECT_EQ(set_.faucet_count(), 0u);
  EXPECT_OK(set_.Fund(alice_.Script(), kMaxMoney, kBlock).status());
  EXPECT_OK(set_.Fund(Bytes(kMaxScriptSize, 0x51), 1, kBlock).status());
}

// ---------------------------------------------------------------------------
// Valid spends.

TEST_F(UtxoSetTest, AKeyPathSpendMovesTheCoins) {
  OutPoint coin = Fund(alice_, 10'000);
  Transaction tx = Signed(alice_, {coin}, {bob_.Pay(6'000), alice_.Pay(3'000)});
  auto txid = set_.Apply(tx, kBlock + 1);
  ASSERT_TRUE(txid.ok()) << txid.status().ToString();
  EXPECT_EQ(*txid, crypto::Txid(tx));
  auto gone = set_.Get(coin);
  EXPECT_CODE(gone.status(), StatusCode::kNotFound);
  EXPECT_THAT(gone.status().message(), HasSubstr("is spent"));
  auto paid = set_.Get({*txid, 0});
  ASSERT_TRUE(paid.ok()) << paid.status().ToString();
  EXPECT_EQ(paid->output, bob_.Pay(6'000));
  EXPECT_EQ(paid->height, kBlock + 1);
  EXPECT_EQ(set_.Get({*txid, 1})->output, alice_.Pay(3'000));
  // The 1000 sats left over are a fee, which nobody collects.
  EXPECT_EQ(set_.coins().size(), 2u);
  EXPECT_THAT(set_.Get({*txid, 2}).status().message(), HasSubstr("does not exist"));
}

TEST_F(UtxoSetTest, OutputsOfTheSameBlockCanBeSpentInIt) {
  OutPoint coin = Fund(alice_, 10'000);
  Transaction first = Signed(alice_, {coin}, {bob_.Pay(10'000)});
  ASSERT_OK(set_.Apply(first, kBlock).status());
  Transaction second = Signed(bob_, {{crypto::Txid(first), 0}}, {alice_.Pay(10'000)});
  ASSERT_OK(set_.Apply(second, kBlock).status());
  EXPECT_EQ(set_.coins().size(), 1u);
}

TEST_F(UtxoSetTest, SeveralInputsOfSeveralOwners) {
  OutPoint a = Fund(alice_, 4'000);
  OutPoint b = Fund(bob_, 5'000);
  Transaction tx = Unsigned({a, b}, {alice_.Pay(9'000)});
  std::vector<TxOut> spent = Spent({a, b});
  alice_.Sign(&tx, spent, 0);
  bob_.Sign(&tx, spent, 1);
  ASSERT_OK(set_.Apply(tx, kBlock).status());
  EXPECT_CODE(set_.Get(a).status(), StatusCode::kNotFound);
  EXPECT_CODE(set_.Get(b).status(), StatusCode::kNotFound);
}

TEST_F(UtxoSetTest, EveryDefinedSighashTypeVerifies) {
  const uint8_t kTypes[] = {0x00, 0x01, 0x02, 0x03, 0x81, 0x82, 0x83};
  for (uint8_t type : kTypes) {
    OutPoint coin = Fund(alice_, 1'000);
    Transaction tx = Unsigned({coin}, {bob_.Pay(900)});
    alice_.Sign(&tx, Spent({coin}), 0, type);
    ASSERT_EQ(tx.inputs[0].witness[0].size(), type == 0 ? 64u : 65u);
    EXPECT_OK(set_.Apply(tx, kBlock).status()) << "sighash type " << int{type};
  }
}

TEST_F(UtxoSetTest, AnAnnexIsCommittedTo) {
  OutPoint coin = Fund(alice_, 1'000);
  Transaction tx = Unsigned({coin}, {bob_.Pay(900)});
  alice_.Sign(&tx, Spent({coin}), 0, crypto::kSighashDefault, Bytes{0x50, 0x01, 0x02});
  Transaction other_annex = tx;
  other_annex.inputs[0].witness[1] = {0x50, 0x01, 0x03};
  ExpectRefused(other_annex, StatusCode::kPermissionDenied, "does not verify");
  Transaction no_annex = tx;
  no_annex.inputs[0].witness.pop_back();
  ExpectRefused(no_annex, StatusCode::kPermissionDenied, "does not verify");
  EXPECT_OK(set_.Apply(tx, kBlock).status());
}

// ---------------------------------------------------------------------------
// Refused spends.

TEST_F(UtxoSetTest, ATransactionNeedsInputsAndOutputs) {
  OutPoint coin = Fund(alice_, 1'000);
  ExpectRefused(Signed(alice_, {coin}, {}), StatusCode::kInvalidArgument, "no outputs");
  ExpectRefused(Unsigned({}, {bob_.Pay(1)}), StatusCode::kInvalidArgument, "no inputs");
}

TEST_F(UtxoSetTest, AmountsOutOfRangeAreRefused) {
  OutPoint coin = Fund(alice_, 1'000);
  ExpectRefused(Signed(alice_, {coin}, {bob_.Pay(-1)}), StatusCode::kInvalidArgument,
                "output 0 pays -1 sats");
  ExpectRefused(Signed(alice_, {coin}, {bob_.Pay(1), bob_.Pay(kMaxMoney + 1)}),
                StatusCode::kInvalidArgument, "output 1 pays");
  ExpectRefused(Signed(alice_, {coin}, {bob_.Pay(kMaxMoney), bob_.Pay(kMaxMoney)}),
                StatusCode::kInvalidArgument, "more than 21,000,000 BTC");
  ExpectRefused(Signed(alice_, {coin}, {{.amount_sats = 1, .script_pubkey = Bytes(10'001, 0)}}),
                StatusCode::kInvalidArgument, "MAX_SCRIPT_SIZE");
}

TEST_F(UtxoSetTest, InputsTotallingMoreThanAllBitcoinAreRefused) {
  OutPoint a = Fund(alice_, kMaxMoney);
  OutPoint b = Fund(alice_, 1);
  ExpectRefused(Signed(alice_, {a, b}, {bob_.Pay(1)}), StatusCode::kInvalidArgument,
                "inputs hold more than 21,000,000 BTC");
}

TEST_F(UtxoSetTest, OutputsAboveTheInputsAreRefused) {
  OutPoint coin = Fund(alice_, 1'000);
  ExpectRefused(Signed(alice_, {coin}, {bob_.Pay(600), bob_.Pay(401)}),
                StatusCode::kInvalidArgument, "1001 sats, 1 sats more than the inputs hold");
  EXPECT_OK(set_.Apply(Signed(alice_, {coin}, {bob_.Pay(600), bob_.Pay(400)}), kBlock).status());
}

TEST_F(UtxoSetTest, AnUnknownInputIsNotFound) {
  OutPoint coin = Fund(alice_, 1'000);
  Transaction tx = Signed(alice_, {coin}, {bob_.Pay(1'000)});
  tx.inputs[0].prevout.index = 1;  // the faucet transaction has one output
  ExpectRefused(tx, StatusCode::kNotFound, "does not exist");
  tx.inputs[0].prevout = {.txid = {1, 2, 3}, .index = 0};
  ExpectRefused(tx, StatusCode::kNotFound, "does not exist");
}

TEST_F(UtxoSetTest, ASpentInputIsADoubleSpend) {
  OutPoint coin = Fund(alice_, 1'000);
  ASSERT_OK(set_.Apply(Signed(alice_, {coin}, {bob_.Pay(1'000)}), kBlock).status());
  // Another transaction spending the same coin, validly signed.
  Transaction again = Unsigned({coin}, {alice_.Pay(999)});
  alice_.Sign(&again, std::vector{alice_.Pay(1'000)}, 0);
  ExpectRefused(again, StatusCode::kFailedPrecondition, "already spent (a double spend)");
}

TEST_F(UtxoSetTest, SpendingOneOutputTwiceInOneTransactionIsRefused) {
  OutPoint coin = Fund(alice_, 1'000);
  ExpectRefused(Signed(alice_, {coin, coin}, {bob_.Pay(1'000)}), StatusCode::kInvalidArgument,
                "inputs 0 and 1 both spend");
}

TEST_F(UtxoSetTest, ATransactionAppliedTwiceAlreadyExists) {
  OutPoint coin = Fund(alice_, 1'000);
  Transaction tx = Signed(alice_, {coin}, {bob_.Pay(1'000)});
  ASSERT_OK(set_.Apply(tx, kBlock).status());
  ExpectRefused(tx, StatusCode::kAlreadyExists, "already in block 7", kBlock + 1);
}

TEST_F(UtxoSetTest, OnlyTaprootOutputsCanBeSpent) {
  // A P2WPKH output: OP_0 <20-byte key hash>.
  Bytes p2wpkh(22, 0xab);
  p2wpkh[0] = 0x00;
  p2wpkh[1] = 0x14;
  OutPoint coin = set_.Fund(p2wpkh, 1'000, kBlock).value();
  Transaction tx = Unsigned({coin}, {bob_.Pay(1'000)});
  tx.inputs[0].witness = {Bytes(64, 1)};
  ExpectRefused(tx, StatusCode::kInvalidArgument, "taproot key-path spends only");
}

TEST_F(UtxoSetTest, TheWitnessMustBeOneKeyPathSignature) {
  OutPoint coin = Fund(alice_, 1'000);
  const Transaction good = Signed(alice_, {coin}, {bob_.Pay(1'000)});
  const Bytes signature = good.inputs[0].witness[0];

  Transaction tx = good;
  tx.inputs[0].witness.clear();
  ExpectRefused(tx, StatusCode::kInvalidArgument, "the witness is empty");
  tx.inputs[0].witness = {signature, Bytes{0x51}, Bytes(33, 0xc0)};  // script, control block
  ExpectRefused(tx, StatusCode::kInvalidArgument, "script-path spends are not supported");
  tx.inputs[0].witness = {Bytes(signature.begin(), signature.end() - 1)};
  ExpectRefused(tx, StatusCode::kInvalidArgument, "has 63 bytes");
  Bytes with_default = signature;
  with_default.push_back(0x00);
  tx.inputs[0].witness = {with_default};
  ExpectRefused(tx, StatusCode::kInvalidArgument, "0x00 (SIGHASH_DEFAULT)");
  Bytes undefined = signature;
  undefined.push_back(0x04);
  tx.inputs[0].witness = {undefined};
  ExpectRefused(tx, StatusCode::kInvalidArgument, "undefined taproot sighash type 4");
  tx = good;
  tx.inputs[0].script_sig = {0x00};
  ExpectRefused(tx, StatusCode::kInvalidArgument, "the scriptSig is not empty");
  EXPECT_OK(set_.Apply(good, kBlock).status());
}

TEST_F(UtxoSetTest, SignaturesThatDoNotVerifyArePermissionDenied) {
  OutPoint coin = Fund(alice_, 1'000);
  const Transaction good = Signed(alice_, {coin}, {bob_.Pay(1'000)});

  Transaction tx = good;
  tx.inputs[0].witness[0][5] ^= 0x01;
  ExpectRefused(tx, StatusCode::kPermissionDenied, "does not verify");
  tx = good;
  tx.outputs[0] = alice_.Pay(1'000);  // changed after signing
  ExpectRefused(tx, StatusCode::kPermissionDenied, "does not verify");
  // Bob's key, or Alice's untweaked internal key, is not the output key.
  tx = Unsigned({coin}, {bob_.Pay(1'000)});
  bob_.Sign(&tx, Spent({coin}), 0);
  ExpectRefused(tx, StatusCode::kPermissionDenied, "does not verify");
  auto sighash = crypto::TaprootKeyPathSighash(tx, Spent({coin}), {});
  ASSERT_TRUE(sighash.ok());
  crypto::Signature untweaked = crypto::SchnorrSign(alice_.internal_key, *sighash);
  tx.inputs[0].witness = {Bytes(untweaked.begin(), untweaked.end())};
  ExpectRefused(tx, StatusCode::kPermissionDenied, "does not verify");
  EXPECT_OK(set_.Apply(good, kBlock).status());
}

TEST_F(UtxoSetTest, ALockTimeHeightIsFinalFromTheNextBlock) {
  OutPoint coin = Fund(alice_, 1'000);
  Transaction tx = Signed(alice_, {coin}, {bob_.Pay(1'000)}, /*lock_time=*/20, /*sequence=*/0);
  ExpectRefused(tx, StatusCode::kFailedPrecondition, "in block 21 or later, not in block 20", 20);
  EXPECT_OK(set_.Apply(tx, 21).status());
}

TEST_F(UtxoSetTest, FinalSequencesTurnTheLockTimeOff) {
  OutPoint coin = Fund(alice_, 1'000);
  Transaction tx =
      Signed(alice_, {coin}, {bob_.Pay(1'000)}, /*lock_time=*/1'000'000, crypto::kSequenceFinal);
  EXPECT_OK(set_.Apply(tx, kBlock).status());
}

TEST_F(UtxoSetTest, ALockTimeThatIsATimeIsRefused) {
  OutPoint coin = Fund(alice_, 1'000);
  Transaction tx =
      Signed(alice_, {coin}, {bob_.Pay(1'000)}, crypto::kLockTimeThreshold, 0xfffffffe);
  ExpectRefused(tx, StatusCode::kInvalidArgument, "block heights only", 1'000'000'000);
}

// ---------------------------------------------------------------------------
// Restoring stored records.

class UtxoSetRestoreTest : public UtxoSetTest {
 protected:
  void SetUp() override {
    coin_ = Fund(alice_, 1'000);
    ASSERT_OK(
        set_.Apply(Signed(alice_, {coin_}, {bob_.Pay(400), bob_.Pay(500)}), kBlock + 1).status());
    coins_ = set_.coins();
    txs_ = set_.txs();
  }
  Status Restore(uint64_t max_height = kBlock + 1) {
    return UtxoSet::Restore(coins_, txs_, set_.faucet_count(), max_height).status();
  }

  OutPoint coin_;
  std::map<OutPoint, Utxo> coins_;
  std::map<Hash32, TxRecord> txs_;
};

TEST_F(UtxoSetRestoreTest, TheSetsOwnRecordsRestore) {
  auto restored = UtxoSet::Restore(coins_, txs_, set_.faucet_count(), kBlock + 1);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(restored->coins(), set_.coins());
  EXPECT_EQ(restored->txs(), set_.txs());
  EXPECT_EQ(restored->faucet_count(), 1u);
  // The spent coin is still known as spent.
  EXPECT_THAT(restored->Get(coin_).status().message(), HasSubstr("is spent"));
}

TEST_F(UtxoSetRestoreTest, ATransactionBeyondTheLastBlockIsRefused) {
  EXPECT_CODE(Restore(kBlock), StatusCode::kInvalidArgument);
}

TEST_F(UtxoSetRestoreTest, ATransactionWithoutOutputsIsRefused) {
  txs_.at(coin_.txid).output_count = 0;
  EXPECT_CODE(Restore(), StatusCode::kInvalidArgument);
}

TEST_F(UtxoSetRestoreTest, ACoinOfNoRecordedTransactionIsRefused) {
  coins_[{.txid = {9}, .index = 0}] = Utxo{.output = bob_.Pay(1), .height = kBlock};
  EXPECT_CODE(Restore(), StatusCode::kInvalidArgument);
}

TEST_F(UtxoSetRestoreTest, ACoinPastItsTransactionsOutputsIsRefused) {
  OutPoint outpoint = coins_.begin()->first;
  outpoint.index = 2;
  coins_[outpoint] = coins_.begin()->second;
  EXPECT_CODE(Restore(), StatusCode::kInvalidArgument);
}

TEST_F(UtxoSetRestoreTest, ACoinOfAnotherBlockThanItsTransactionIsRefused) {
  coins_.begin()->second.height = kBlock;
  EXPECT_CODE(Restore(), StatusCode::kInvalidArgument);
}

TEST_F(UtxoSetRestoreTest, ACoinAmountOutOfRangeIsRefused) {
  for (int64_t sats : {int64_t{-1}, kMaxMoney + 1}) {
    auto coins = coins_;
    coins.begin()->second.output.amount_sats = sats;
    EXPECT_CODE(UtxoSet::Restore(coins, txs_, 1, kBlock + 1).status(),
                StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace parley::settlement
