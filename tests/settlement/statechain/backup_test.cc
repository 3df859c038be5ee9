// Backup chains as a receiver checks them, built with a single taproot key
// so that each rule can be broken on its own with a valid signature.
#include "parley/settlement/statechain/backup.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parley/crypto/random.h"
#include "parley/crypto/taproot.h"
#include "parley/settlement/statechain/types.h"

namespace parley::settlement::statechain {
namespace {

constexpr uint32_t kInterval = 100;
constexpr int64_t kMaxFee = 1'000;

class BackupChainTest : public ::testing::Test {
 protected:
  BackupChainTest()
      : key_(crypto::PrivateKey::Generate()),
        coin_{.outpoint = {.txid = crypto::RandomHash32(), .index = 3},
              .amount_sats = 50'000,
              .output_key = crypto::TweakPrivateKey(key_, std::nullopt)->public_key().XOnly()} {}

  void Sign(crypto::Transaction* tx) {
    const crypto::PrivateKey tweaked = crypto::TweakPrivateKey(key_, std::nullopt).value();
    AttachSignature(tx, crypto::SchnorrSign(tweaked, SpendSighash(*tx, coin_).value()));
  }

  // `n` backups, each `interval` below the last, signed.
  std::vector<crypto::Transaction> Chain(size_t n) {
    std::vector<crypto::Transaction> chain;
    for (size_t i = 0; i < n; ++i) {
      chain.push_back(BuildBackup(coin_, crypto::PrivateKey::Generate().public_key(), 500,
                                  5'000 - i * kInterval)
                          .value());
      Sign(&chain.back());
    }
    return chain;
  }

  Status Verify(const std::vector<crypto::Transaction>& chain) {
    return VerifyBackupChain(chain, coin_, kInterval, kMaxFee);
  }

  crypto::PrivateKey key_;
  CoinOutput coin_;
};

void ExpectBroken(const Status& status, const std::string& reason) {
  EXPECT_EQ(status.code(), StatusCode::kPermissionDenied) << status.ToString();
  EXPECT_NE(status.message().find(reason), std::string::npos) << status.message();
}

TEST_F(BackupChainTest, ValidChainPasses) {
  const std::vector<crypto::Transaction> chain = Chain(4);
  EXPECT_TRUE(Verify(chain).ok()) << Verify(chain).ToString();
  EXPECT_EQ(chain[0].inputs[0].sequence, kBackupSequence);
  EXPECT_EQ(chain[0].outputs[0].amount_sats, 49'500);
  EXPECT_EQ(Verify({}).code(), StatusCode::kInvalidArgument);
}

TEST_F(BackupChainTest, LockTimeMustStepDownByExactlyTheInterval) {
  for (int64_t delta : {int64_t{-1}, int64_t{1}, int64_t{kInterval}}) {
    std::vector<crypto::Transaction> chain = Chain(3);
    chain[2].lock_time = static_cast<uint32_t>(chain[2].lock_time + delta);
    Sign(&chain[2]);  // a validly signed backup with the wrong lock time
    ExpectBroken(Verify(chain), "backup 3 of 3: has lock time");
  }
}

TEST_F(BackupChainTest, EachRuleIsChecked) {
  std::vector<crypto::Transaction> chain = Chain(2);
  chain[1].inputs[0].sequence = 0xffffffff;  // would switch the lock time off
  Sign(&chain[1]);
  ExpectBroken(Verify(chain), "has sequence");

  chain = Chain(2);
  chain[1].outputs.push_back(chain[1].outputs[0]);
  chain[1].outputs[1].amount_sats = 0;
  Sign(&chain[1]);
  ExpectBroken(Verify(chain), "1 inputs and 2 outputs");

  chain = Chain(2);
  chain[1].outputs[0].amount_sats = coin_.amount_sats - kMaxFee - 1;
  Sign(&chain[1]);
  ExpectBroken(Verify(chain), "a fee of at most 1000");

  chain = Chain(2);
  chain[0].lock_time = kLockTimeThreshold + 1;
  chain[1].lock_time = kLockTimeThreshold + 1 - kInterval;
  Sign(&chain[0]);
  Sign(&chain[1]);
  ExpectBroken(Verify(chain), "Unix time");

  chain = Chain(2);
  chain[1].inputs[0].witness.clear();
  ExpectBroken(Verify(chain), "64-byte key-path signature");

  chain = Chain(2);
  chain[0].inputs[0].prevout.index = 0;
  ExpectBroken(Verify(chain), "backup 1 of 2: spends");
}

TEST_F(BackupChainTest, BuildersRefuseBadFees) {
  const crypto::PublicKey payee = crypto::PrivateKey::Generate().public_key();
  EXPECT_EQ(BuildBackup(coin_, payee, -1, 100).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(BuildBackup(coin_, payee, coin_.amount_sats, 100).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(BuildBackup(coin_, payee, 0, kLockTimeThreshold).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(BuildWithdrawal(coin_, {}, 10).status().code(), StatusCode::kInvalidArgument);
  const crypto::Transaction withdrawal = BuildWithdrawal(coin_, Bytes{0x51}, 10).value();
  EXPECT_EQ(withdrawal.lock_time, 0u);
  EXPECT_EQ(withdrawal.inputs[0].sequence, 0xffffffffu);
}

TEST_F(BackupChainTest, ABackupMaturesAtItsLockTime) {
  const crypto::Transaction backup =
      BuildBackup(coin_, crypto::PrivateKey::Generate().public_key(), 500, 1'000).value();
  EXPECT_TRUE(CheckBackupMatured(backup, 1'000, "the backup", "exit").ok());
  EXPECT_TRUE(CheckBackupMatured(backup, 1'001, "the backup", "exit").ok());
  const Status early = CheckBackupMatured(backup, 990, "the backup", "exit");
  EXPECT_EQ(early.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(early.message(),
            "the backup has lock time 1000 and the chain is at height 990: it becomes valid at "
            "height 1000, in 10 blocks; run exit again then");
}

}  // namespace
}  // namespace parley::settlement::statechain
