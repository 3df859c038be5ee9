// A statecoin's life: deposit, transfers through several owners, then a
// cooperative withdrawal or a unilateral exit with the latest backup.
#include <gtest/gtest.h>

#include <vector>

#include "parley/crypto/random.h"
#include "parley/crypto/taproot.h"
#include "parley/crypto/taproot_sighash.h"
#include "statechain/statechain_test_util.h"

namespace parley::settlement::statechain::testing {
namespace {

constexpr size_t kOwners = 5;

class StatechainFlowTest : public StatechainTest {};

TEST_F(StatechainFlowTest, DefaultsAreMercuryLayers) {
  const ProtocolOptions defaults;
  EXPECT_EQ(defaults.initlock, 10'000u);
  EXPECT_EQ(defaults.interval, 100u);
  auto wallet = NewWallet();
  const CoinId coin_id = Deposit(*wallet);
  EXPECT_EQ(wallet->Find(coin_id)->lock_time, ledger_.Height() + 10'000);
  EXPECT_EQ(operator_.SignatureCount(coin_id).value(), 1u);
}

TEST_F(StatechainFlowTest, CoinPassesThroughFiveOwnersThenIsWithdrawn) {
  std::vector<std::unique_ptr<Wallet>> owners;
  for (size_t i = 0; i < kOwners; ++i) owners.push_back(NewWallet());
  const CoinId coin_id = Deposit(*owners[0]);
  const Hash32 output_key = OutputKey(coin_id);
  const uint32_t first_lock_time = owners[0]->Find(coin_id)->lock_time;
  std::vector<crypto::PrivateKey> earlier_shares;

  for (size_t i = 1; i < kOwners; ++i) {
    earlier_shares.push_back(owners[i - 1]->Find(coin_id)->owner_share);
    Result<Bytes> message =
        owners[i - 1]->TransferTo(coin_id, owners[i]->address(), kBackupFeeSats);
    ASSERT_TRUE(message.ok()) << message.status().ToString();
    Result<CoinId> received = owners[i]->Receive(*message);
    ASSERT_TRUE(received.ok()) << "owner " << i << ": " << received.status().ToString();
    EXPECT_EQ(*received, coin_id);

    // Every earlier backup's lock time is higher, by exactly `interval` a step.
    const OwnedCoin& coin = *owners[i]->Find(coin_id);
    ASSERT_EQ(coin.backups.size(), i + 1);
    for (size_t j = 0; j < coin.backups.size(); ++j) {
      EXPECT_EQ(coin.backups[j].lock_time, first_lock_time - j * 100) << "backup " << j;
      if (j > 0) {
        EXPECT_GT(coin.backups[j - 1].lock_time, coin.backups[j].lock_time);
      }
    }
    EXPECT_EQ(coin.lock_time, coin.backups.back().lock_time);
    EXPECT_EQ(operator_.SignatureCount(coin_id).value(), coin.backups.size());

    // The operator's new share completes a signature with the new owner's
    // share only; with no earlier owner's.
    const crypto::PrivateKey operator_share = StoredOperatorShare(coin_id);
    const Hash32 message_hash = crypto::RandomHash32();
    EXPECT_TRUE(SharesSignFor(coin.owner_share, operator_share, output_key, message_hash));
    for (size_t j = 0; j < earlier_shares.size(); ++j) {
      EXPECT_FALSE(SharesSignFor(earlier_shares[j], operator_share, output_key, message_hash))
          << "owner " << j << "'s share still signs after transfer " << i;
    }
    // The sender can no longer use the coin.
    EXPECT_EQ(owners[i - 1]->CoSign(coin_id, message_hash).status().code(),
              StatusCode::kFailedPrecondition);
  }

  Wallet& last = *owners.back();
  const crypto::OutPoint outpoint = last.Find(coin_id)->output->outpoint;
  const std::array<uint8_t, 34> destination = crypto::TaprootScriptPubKey(crypto::RandomHash32());
  Result<crypto::Transaction> withdrawal = last.Withdraw(coin_id, destination, 1'000);
  ASSERT_TRUE(withdrawal.ok()) << withdrawal.status().ToString();

  // The withdrawal carries no lock time and its signature verifies under x(Q).
  EXPECT_EQ(withdrawal->lock_time, 0u);
  const std::array<uint8_t, 34> coin_script = crypto::TaprootScriptPubKey(output_key);
  const crypto::TxOut spent{.amount_sats = kCoinSats,
                            .script_pubkey = {coin_script.begin(), coin_script.end()}};
  const Hash32 sighash =
      crypto::TaprootKeyPathSighash(*withdrawal, {&spent, 1}, {.input_index = 0}).value();
  ASSERT_EQ(withdrawal->inputs[0].witness.size(), 1u);
  crypto::Signature signature;
  std::copy(withdrawal->inputs[0].witness[0].begin(), withdrawal->inputs[0].witness[0].end(),
            signature.begin());
  EXPECT_TRUE(crypto::SchnorrVerify(output_key, sighash, signature));

  // The ledger took it, and the operator erased its share.
  EXPECT_EQ(ledger_.UnspentOutput(outpoint).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ledger_.UnspentOutput({.txid = crypto::Txid(*withdrawal), .index = 0})->amount_sats,
            kCoinSats - 1'000);
  EXPECT_EQ(operator_.GetCoinInfo(coin_id)->status, CoinStatus::kWithdrawn);
  EXPECT_FALSE(operator_.GetCoinInfo(coin_id)->operator_share.has_value());
  EXPECT_EQ(store_->Get("statechain/share/" + ToHex(coin_id)).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(last.Find(coin_id), nullptr);
}

TEST_F(StatechainFlowTest, LatestBackupExitsFirstOnceItsLockTimeIsReached) {
  auto alice = NewWallet();
  auto bob = NewWallet();
  const CoinId coin_id = Deposit(*alice);
  Result<Bytes> message = alice->TransferTo(coin_id, bob->address(), kBackupFeeSats);
  ASSERT_TRUE(message.ok()) << message.status().ToString();
  ASSERT_TRUE(bob->Receive(*message).ok());

  const crypto::Transaction bobs = bob->LatestBackup(coin_id).value();
  const crypto::Transaction alices = alice->LatestBackup(coin_id).value();
  ASSERT_LT(bobs.lock_time, alices.lock_time);

  ledger_.Advance(bobs.lock_time - ledger_.Height() - 1);
  EXPECT_EQ(ledger_.Broadcast(bobs).code(), StatusCode::kFailedPrecondition);
  ledger_.Advance(1);
  ASSERT_TRUE(ledger_.Broadcast(bobs).ok());
  // The coin now pays Bob's backup key; Alice's older backup is void.
  const auto bob_script = BackupScriptPubKey(bob->address().backup_key);
  EXPECT_EQ(ledger_.UnspentOutput({.txid = crypto::Txid(bobs), .index = 0})->script_pubkey,
            Bytes(bob_script.begin(), bob_script.end()));
  ledger_.Advance(alices.lock_time);
  EXPECT_FALSE(ledger_.Broadcast(alices).ok());
}

TEST_F(StatechainFlowTest, FirstBackupIsSignedBeforeFundingAndIsValid) {
  auto alice = NewWallet();
  const CoinId coin_id = Deposit(*alice);
  const OwnedCoin& coin = *alice->Find(coin_id);
  ASSERT_EQ(coin.backups.size(), 1u);
  EXPECT_EQ(coin.backups[0].inputs[0].sequence, kBackupSequence);
  EXPECT_EQ(coin.backups[0].outputs[0].amount_sats, kCoinSats - kBackupFeeSats);
  EXPECT_TRUE(VerifyBackupChain(coin.backups, *coin.output, 100, kBackupFeeSats).ok());
  // Signing it again is refused: a deposit has one first backup.
  EXPECT_EQ(
      alice->SignFirstBackup(coin_id, coin.output->outpoint, kCoinSats, kBackupFeeSats).code(),
      StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace parley::settlement::statechain::testing
