// PersistentWallet: keys, coins, backups, sent messages and the channel a
// coin was handed to survive a reopening; a withdrawn or exited coin leaves
// the store with its share.
#include "parley/settlement/statechain/persistent_wallet.h"

#include <gtest/gtest.h>

#include "parley/crypto/random.h"
#include "statechain/statechain_test_util.h"

namespace parley::settlement::statechain::testing {
namespace {

class PersistentWalletTest : public StatechainTest {
 protected:
  std::unique_ptr<PersistentWallet> Open(store::Store& store) {
    auto wallet = PersistentWallet::Open(store, operator_, ledger_,
                                         ReceiverPolicy{.protocol = options_.protocol});
    EXPECT_TRUE(wallet.ok()) << wallet.status().ToString();
    return wallet.ok() ? std::move(*wallet) : nullptr;
  }

  // A funded coin of kCoinSats held by `wallet`.
  CoinId Deposit(PersistentWallet& wallet) {
    Result<DepositInfo> deposit = wallet.BeginDeposit();
    EXPECT_TRUE(deposit.ok()) << deposit.status().ToString();
    crypto::Transaction funding;
    funding.inputs.push_back({.prevout = {.txid = crypto::RandomHash32(), .index = 0}});
    funding.outputs.push_back(
        {.amount_sats = kCoinSats,
         .script_pubkey = {deposit->script_pubkey.begin(), deposit->script_pubkey.end()}});
    EXPECT_TRUE(wallet
                    .SignFirstBackup(deposit->coin_id, {.txid = crypto::Txid(funding), .index = 0},
                                     kCoinSats, kBackupFeeSats)
                    .ok());
    ledger_.Mint(funding);
    return deposit->coin_id;
  }

  static bool Stored(const store::Store& store, const std::string& key) {
    return store.Get(key).ok();
  }

  std::unique_ptr<store::Store> wallet_store_ = store::NewMemoryStore();
  std::unique_ptr<store::Store> other_store_ = store::NewMemoryStore();
};

TEST_F(PersistentWalletTest, KeysCoinsAndSentMessagesSurviveReopening) {
  auto wallet = Open(*wallet_store_);
  const Address address = wallet->address();
  const CoinId coin = Deposit(*wallet);
  wallet.reset();

  wallet = Open(*wallet_store_);
  EXPECT_EQ(wallet->address(), address);
  ASSERT_EQ(wallet->coins().count(coin), 1u);
  EXPECT_EQ(wallet->coins().at(coin).backups.size(), 1u);
  EXPECT_EQ(wallet->coins().at(coin).output->amount_sats, kCoinSats);

  // The reloaded share still signs: the coin moves to another wallet.
  auto receiver = Open(*other_store_);
  Result<Bytes> sealed = wallet->TransferTo(coin, receiver->address(), kBackupFeeSats);
  ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
  wallet.reset();
  wallet = Open(*wallet_store_);
  EXPECT_TRUE(wallet->coins().at(coin).sent);
  EXPECT_EQ(*wallet->SentMessage(coin), *sealed);

  ASSERT_TRUE(receiver->Receive(*sealed).ok());
  receiver.reset();
  receiver = Open(*other_store_);
  ASSERT_EQ(receiver->coins().count(coin), 1u);
  EXPECT_EQ(receiver->coins().at(coin).backups.size(), 2u);
}

TEST_F(PersistentWalletTest, WithdrawalDeletesTheCoinAndItsShare) {
  auto wallet = Open(*wallet_store_);
  const CoinId coin = Deposit(*wallet);
  ASSERT_TRUE(Stored(*wallet_store_, "statecoin-wallet/coin/" + ToHex(coin)));
  ASSERT_TRUE(wallet->Withdraw(coin, Bytes(34, 0x51), kBackupFeeSats).ok());
  EXPECT_FALSE(Stored(*wallet_store_, "statecoin-wallet/coin/" + ToHex(coin)));
  wallet = Open(*wallet_store_);
  EXPECT_TRUE(wallet->coins().empty());
}

TEST_F(PersistentWalletTest, ExitWaitsForTheLockTimeThenForgetsTheCoin) {
  auto wallet = Open(*wallet_store_);
  const CoinId coin = Deposit(*wallet);
  const uint32_t lock_time = wallet->coins().at(coin).lock_time;

  Result<crypto::Transaction> early = wallet->Exit(coin);
  EXPECT_EQ(early.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(early.status().message().find("valid at height " + std::to_string(lock_time)),
            std::string::npos)
      << early.status().message();
  EXPECT_EQ(wallet->coins().count(coin), 1u);

  ledger_.Advance(lock_time - ledger_.Height());
  Result<crypto::Transaction> exit = wallet->Exit(coin);
  ASSERT_TRUE(exit.ok()) << exit.status().ToString();
  EXPECT_EQ(exit->lock_time, lock_time);
  EXPECT_FALSE(Stored(*wallet_store_, "statecoin-wallet/coin/" + ToHex(coin)));
  EXPECT_EQ(wallet->Exit(coin).status().code(), StatusCode::kNotFound);
}

TEST_F(PersistentWalletTest, ACoinHandedToAChannelStaysMarkedAndSignsNothingMore) {
  auto wallet = Open(*wallet_store_);
  const CoinId coin = Deposit(*wallet);
  const OwnedCoin held = wallet->coins().at(coin);

  // What the node gets is the coin as the wallet holds it, with its auth key.
  Result<OwnerHandOver> hand_over = wallet->ForChannel(coin);
  ASSERT_TRUE(hand_over.ok()) << hand_over.status().ToString();
  EXPECT_EQ(hand_over->coin_id, coin);
  EXPECT_EQ(hand_over->owner_share.public_key(), held.owner_share.public_key());
  EXPECT_EQ(hand_over->auth_key.public_key(), wallet->address().auth_key);
  EXPECT_EQ(hand_over->output.outpoint, held.output->outpoint);
  EXPECT_EQ(hand_over->output.amount_sats, kCoinSats);
  EXPECT_EQ(hand_over->output.output_key, held.output->output_key);
  EXPECT_EQ(hand_over->operator_share, held.operator_share);
  EXPECT_EQ(hand_over->lock_time, held.lock_time);
  // Asking changes nothing: the coin is marked only when the node took it.
  wallet.reset();
  wallet = Open(*wallet_store_);
  EXPECT_FALSE(wallet->coins().at(coin).channel_id.has_value());

  const Hash32 channel = crypto::RandomHash32();
  ASSERT_TRUE(wallet->MarkInChannel(coin, channel).ok());
  wallet.reset();
  wallet = Open(*wallet_store_);
  ASSERT_EQ(wallet->coins().at(coin).channel_id, channel);
  EXPECT_EQ(wallet->coins().at(coin).backups.size(), 1u);

  // Nothing signs for it any more, and it goes into no second channel.
  const std::string in_channel = "is in payment channel " + ToHex(channel);
  auto receiver = Open(*other_store_);
  Result<Bytes> sealed = wallet->TransferTo(coin, receiver->address(), kBackupFeeSats);
  EXPECT_EQ(sealed.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(sealed.status().message().find(in_channel), std::string::npos)
      << sealed.status().message();
  Result<crypto::Transaction> withdrawal = wallet->Withdraw(coin, Bytes(34, 0x51), kBackupFeeSats);
  EXPECT_EQ(withdrawal.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(withdrawal.status().message().find(in_channel), std::string::npos)
      << withdrawal.status().message();
  EXPECT_EQ(wallet->ForChannel(coin).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(wallet->MarkInChannel(coin, crypto::RandomHash32()).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_TRUE(wallet->MarkInChannel(coin, channel).ok());  // the same channel again
  EXPECT_EQ(wallet->coins().at(coin).channel_id, channel);
  EXPECT_FALSE(wallet->SentMessage(coin).ok());

  // Unknown coins are NotFound.
  const CoinId unknown = crypto::RandomHash32();
  EXPECT_EQ(wallet->ForChannel(unknown).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(wallet->MarkInChannel(unknown, channel).code(), StatusCode::kNotFound);
}

TEST_F(PersistentWalletTest, ASentOrUnfundedCoinCannotBeHandedToAChannel) {
  auto wallet = Open(*wallet_store_);
  Result<DepositInfo> unfunded = wallet->BeginDeposit();
  ASSERT_TRUE(unfunded.ok());
  EXPECT_EQ(wallet->ForChannel(unfunded->coin_id).status().code(), StatusCode::kFailedPrecondition);

  const CoinId coin = Deposit(*wallet);
  auto receiver = Open(*other_store_);
  ASSERT_TRUE(wallet->TransferTo(coin, receiver->address(), kBackupFeeSats).ok());
  Result<OwnerHandOver> sent = wallet->ForChannel(coin);
  EXPECT_EQ(sent.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(sent.status().message().find("has been sent"), std::string::npos);
  EXPECT_EQ(wallet->MarkInChannel(coin, crypto::RandomHash32()).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_FALSE(wallet->coins().at(coin).channel_id.has_value());
}

TEST_F(PersistentWalletTest, ACorruptRecordIsReportedNotIgnored) {
  ASSERT_TRUE(wallet_store_->Put("statecoin-wallet/coin/00", Bytes{1, 2, 3}).ok());
  auto wallet = PersistentWallet::Open(*wallet_store_, operator_, ledger_);
  EXPECT_EQ(wallet.status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace parley::settlement::statechain::testing
