// OperatorAdjudicator over RocksDB: a dispute carries on across restarts of
// the operator, and a nonce handed out before a restart signs at most one
// message, its own, after it.
#include <gtest/gtest.h>

#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "parley/crypto/schnorr.h"
#include "parley/settlement/statechain/operator_adjudicator.h"
#include "parley/store/store.h"
#include "statechain/coin_channel.h"
#include "statechain/fake_ledger.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace parley::settlement::statechain {
namespace {

namespace mp = crypto::multi_party;
using testing::CoinChannel;

constexpr int64_t kCoin = 100'000;
constexpr int64_t kFee = 1'000;
constexpr uint64_t kDuration = 10;
constexpr uint32_t kCoinLock = 5'000;

class OperatorAdjudicatorStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(OpenCoinChannel(/*fund=*/true)); }

  void OpenCoinChannel(bool fund) {
    Result<CoinChannel> ch =
        CoinChannel::Create(ledger_, scheme_, kDuration, kCoin,
                            {.fee_sats = kFee, .coin_lock_time = kCoinLock, .fund = fund});
    ASSERT_OK(ch.status());
    ch_.emplace(std::move(*ch));
    if (!op_) {
      ASSERT_NO_FATAL_FAILURE(Open());
    }
    ASSERT_OK(op_->OpenChannel(ch_->params, ch_->opening, *ch_->operator_share));
  }

  void Open() {
    Result<std::unique_ptr<store::Store>> store = store::OpenRocksDb(dir_.path().string());
    ASSERT_OK(store.status());
    store_ = std::move(*store);
    op_ = std::make_unique<OperatorAdjudicator>(*store_, ledger_, scheme_);
  }
  // The operator's process stops and starts again on the same directory.
  void Restart() {
    op_.reset();
    store_.reset();
    ASSERT_NO_FATAL_FAILURE(Open());
  }

  std::vector<mp::PublicNonce> Nonces(uint64_t first, size_t count) {
    Result<std::vector<mp::PublicNonce>> nonces = op_->SplitNonces(ch_->id, first, count);
    EXPECT_OK(nonces.status());
    return nonces.ok() ? *nonces : std::vector<mp::PublicNonce>{};
  }
  // How many secret records of the channel the store holds under `prefix`.
  size_t Stored(const std::string& prefix) {
    size_t n = 0;
    EXPECT_OK(store_->Scan(prefix + ToHex(ch_->id), [&](std::string_view, ByteView) { ++n; }));
    return n;
  }
  int64_t PaidTo(size_t participant) {
    const auto script = BackupScriptPubKey(ch_->keys[participant].public_key());
    return ledger_.SatsPaidTo(script);
  }

  TempDir dir_{"parley-operator-adjudicator-"};
  channel::Bip340Scheme scheme_{"statechain"};
  testing::FakeLedger ledger_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<OperatorAdjudicator> op_;
  std::optional<CoinChannel> ch_;
};

TEST_F(OperatorAdjudicatorStoreTest, ADisputeCarriesOnAcrossRestarts) {
  const std::vector<mp::PublicNonce> nonces = Nonces(0, 10);
  const channel::SignedState stale = ch_->SignBoth(ch_->Payment(3, 90'000));
  const channel::SignedState latest = ch_->SignBoth(ch_->Payment(7, 40'000));
  ASSERT_OK(op_->Register(ch_->params, stale));
  const Tick timeout = ledger_.Height() + kDuration;

  ASSERT_NO_FATAL_FAILURE(Restart());
  Result<Dispute> dispute = op_->GetDispute(ch_->id);
  ASSERT_OK(dispute.status());
  EXPECT_EQ(dispute->state, stale);
  EXPECT_EQ(dispute->timeout, timeout);
  ledger_.Advance(kDuration - 1);
  std::vector<Event> events;
  op_->Subscribe(ch_->id, [&](const Event& e) { events.push_back(e); });
  ASSERT_OK(op_->Register(ch_->params, latest));
  EXPECT_CODE(op_->Register(ch_->params, ch_->SignBoth(ch_->Payment(5, 0))),
              StatusCode::kFailedPrecondition);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].timeout, timeout) << "the refutation keeps the timeout";

  ASSERT_NO_FATAL_FAILURE(Restart());
  EXPECT_CODE(op_->Conclude(ch_->params), StatusCode::kFailedPrecondition);
  ledger_.Advance(1);
  ASSERT_OK(op_->Conclude(ch_->params));

  ASSERT_NO_FATAL_FAILURE(Restart());
  EXPECT_TRUE(op_->GetDispute(ch_->id)->concluded);
  EXPECT_CODE(op_->SplitNonces(ch_->id, 7, 1).status(), StatusCode::kFailedPrecondition);
  EXPECT_CODE(op_->Register(ch_->params, ch_->SignBoth(ch_->Payment(8, 0))),
              StatusCode::kFailedPrecondition);
  Result<SplitSignatures> signatures = ch_->SignSplit(latest.state, nonces[7]);
  ASSERT_OK(signatures.status());
  const crypto::Transaction split = BuildSplit(ch_->opening.coin, latest.state, 0).value();
  ASSERT_OK(op_->CoSignSplit(ch_->params, split, *signatures).status());
  EXPECT_EQ(PaidTo(0), 40'000 - kFee / 2);
  EXPECT_EQ(PaidTo(1), 60'000 - kFee / 2);
  EXPECT_EQ(Stored("statechain/channel-share/"), 0u) << "the spent coin's share is erased";

  ASSERT_NO_FATAL_FAILURE(Restart());
  EXPECT_CODE(op_->CoSignSplit(ch_->params, split, *signatures).status(),
              StatusCode::kFailedPrecondition);
  ASSERT_OK(op_->Withdraw(ch_->params, 0));
  ASSERT_NO_FATAL_FAILURE(Restart());
  EXPECT_CODE(op_->Withdraw(ch_->params, 0), StatusCode::kFailedPrecondition);
  EXPECT_OK(op_->Withdraw(ch_->params, 1));
}

TEST_F(OperatorAdjudicatorStoreTest, ASplitNonceHandedOutBeforeARestartSignsOnlyItsVersion) {
  const std::vector<mp::PublicNonce> before = Nonces(0, 4);
  ASSERT_NO_FATAL_FAILURE(Restart());
  EXPECT_EQ(Nonces(0, 4), before) << "the same version gets the same nonce";
  const std::vector<mp::PublicNonce> overlapping = Nonces(2, 4);
  EXPECT_EQ(overlapping[0], before[2]);
  EXPECT_EQ(overlapping[1], before[3]);
  EXPECT_NE(overlapping[2], overlapping[3]) << "each new version gets a nonce of its own";

  const channel::SignedState closing = ch_->SignBoth(ch_->Payment(2, 30'000, true));
  ASSERT_OK(op_->Register(ch_->params, closing));
  ASSERT_OK(op_->Conclude(ch_->params));
  ASSERT_NO_FATAL_FAILURE(Restart());
  EXPECT_EQ(Stored("statechain/channel-nonce/"), 1u) << "only the concluded version's is kept";

  // Version 1's split, with version 1's nonce: not what was concluded.
  const channel::State other = ch_->Payment(1, 99'000);
  Result<SplitSignatures> other_signatures = ch_->SignSplit(other, before[1]);
  ASSERT_OK(other_signatures.status());
  EXPECT_CODE(op_->CoSignSplit(ch_->params, BuildSplit(ch_->opening.coin, other, 0).value(),
                               *other_signatures)
                  .status(),
              StatusCode::kPermissionDenied);
  // The concluded split verifies with the nonce handed out before the
  // restarts: the operator signed with that nonce's secret.
  Result<SplitSignatures> signatures = ch_->SignSplit(closing.state, before[2]);
  ASSERT_OK(signatures.status());
  const crypto::Transaction split = BuildSplit(ch_->opening.coin, closing.state, 0).value();
  ASSERT_OK(op_->CoSignSplit(ch_->params, split, *signatures).status());
  EXPECT_EQ(PaidTo(0), 30'000 - kFee / 2);
  EXPECT_EQ(Stored("statechain/channel-nonce/"), 0u);
}

TEST_F(OperatorAdjudicatorStoreTest, ABackupNonceHandedOutBeforeARestartSignsOnce) {
  Result<mp::PublicNonce> nonce = op_->BackupNonce(ch_->id);
  ASSERT_OK(nonce.status());
  ASSERT_NO_FATAL_FAILURE(Restart());

  const channel::SignedState checkpoint = ch_->SignBoth(ch_->Payment(4, 70'000));
  const uint32_t lock_time = kCoinLock - 100;
  Result<SplitSignatures> shares = ch_->SignSplit(checkpoint.state, *nonce, lock_time);
  ASSERT_OK(shares.status());
  Result<mp::PartialSignature> partial =
      op_->SignBackup(ch_->params, checkpoint, lock_time, shares->nonces);
  ASSERT_OK(partial.status());
  // The backup is complete with the nonce from before the restart.
  crypto::Transaction backup = BuildSplit(ch_->opening.coin, checkpoint.state, lock_time).value();
  const mp::Session session =
      SplitSession(ch_->opening.coin, backup, {shares->nonces[0], shares->nonces[1], *nonce})
          .value();
  const std::array<mp::PartialSignature, 3> partials = {shares->partials[0], shares->partials[1],
                                                        *partial};
  AttachSignature(&backup, mp::Aggregate(partials, session).value());

  // The nonce is gone, also after a restart: it never signs another backup.
  ASSERT_NO_FATAL_FAILURE(Restart());
  const channel::SignedState later = ch_->SignBoth(ch_->Payment(5, 60'000));
  Result<SplitSignatures> again = ch_->SignSplit(later.state, *nonce, lock_time - 1);
  ASSERT_OK(again.status());
  const Status refused = op_->SignBackup(ch_->params, later, lock_time - 1, again->nonces).status();
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition) << refused.ToString();
  EXPECT_NE(refused.message().find("BackupNonce"), std::string::npos) << refused.ToString();
  EXPECT_EQ(Stored("statechain/channel-backup-nonce/"), 0u);

  // The backup signed before settles the checkpoint at its lock time.
  ledger_.Advance(lock_time - ledger_.Height());
  ASSERT_OK(ledger_.Broadcast(backup));
  EXPECT_EQ(PaidTo(0), 70'000 - kFee / 2);
  Result<mp::PublicNonce> fresh = op_->BackupNonce(ch_->id);
  ASSERT_OK(fresh.status());
  EXPECT_NE(*fresh, *nonce);
}

TEST_F(OperatorAdjudicatorStoreTest, ASplitSignedBeforeAFailedBroadcastIsSentAgainNotResigned) {
  // A channel whose coin is not on the ledger yet: the broadcast fails.
  ASSERT_NO_FATAL_FAILURE(OpenCoinChannel(/*fund=*/false));
  const std::vector<mp::PublicNonce> nonces = Nonces(0, 2);
  const channel::SignedState closing = ch_->SignBoth(ch_->Payment(1, 10'000, true));
  ASSERT_OK(op_->Register(ch_->params, closing));
  ASSERT_OK(op_->Conclude(ch_->params));
  Result<SplitSignatures> signatures = ch_->SignSplit(closing.state, nonces[1]);
  ASSERT_OK(signatures.status());
  const crypto::Transaction split = BuildSplit(ch_->opening.coin, closing.state, 0).value();
  EXPECT_FALSE(op_->CoSignSplit(ch_->params, split, *signatures).ok());
  EXPECT_EQ(Stored("statechain/channel-nonce/"), 0u) << "the nonce signed once, and is gone";
  EXPECT_CODE(op_->Withdraw(ch_->params, 0), StatusCode::kFailedPrecondition);

  ASSERT_NO_FATAL_FAILURE(Restart());
  ledger_.Mint(ch_->funding);
  // Another transaction is still refused; the concluded split goes out as
  // it was signed, whatever partial signatures come with the request.
  crypto::Transaction other = split;
  other.outputs.pop_back();
  EXPECT_CODE(op_->CoSignSplit(ch_->params, other, *signatures).status(),
              StatusCode::kPermissionDenied);
  SplitSignatures stale = *signatures;
  stale.partials[1][31] ^= 1;
  Result<crypto::Transaction> sent = op_->CoSignSplit(ch_->params, split, stale);
  ASSERT_OK(sent.status());
  EXPECT_EQ(crypto::SerializeWithoutWitness(*sent), crypto::SerializeWithoutWitness(split));
  EXPECT_EQ(PaidTo(0), 10'000 - kFee / 2);
  EXPECT_EQ(PaidTo(1), 90'000 - kFee / 2);
  EXPECT_OK(op_->Withdraw(ch_->params, 0));
}

TEST_F(OperatorAdjudicatorStoreTest, BadNonceRequestsAreRefusedAndChangeNothing) {
  const std::vector<mp::PublicNonce> nonces = Nonces(0, 2);
  EXPECT_CODE(op_->SplitNonces(ch_->id, std::numeric_limits<uint64_t>::max() - 1, 3).status(),
              StatusCode::kInvalidArgument);
  EXPECT_CODE(op_->SplitNonces(ch_->id, 0, 0).status(), StatusCode::kInvalidArgument);
  EXPECT_CODE(op_->SplitNonces(ch_->id, 0, OperatorAdjudicator::kMaxNonceBatch + 1).status(),
              StatusCode::kInvalidArgument);
  EXPECT_CODE(op_->SplitNonces(channel::ChannelId{}, 0, 1).status(), StatusCode::kNotFound);
  EXPECT_EQ(Stored("statechain/channel-nonce/"), 2u);
  EXPECT_EQ(Nonces(0, 2), nonces);

  ASSERT_OK(op_->Register(ch_->params, ch_->SignBoth(ch_->Payment(1, 50'000))));
  const Status in_dispute = op_->BackupNonce(ch_->id).status();
  EXPECT_EQ(in_dispute.code(), StatusCode::kFailedPrecondition) << in_dispute.ToString();
  EXPECT_EQ(Stored("statechain/channel-backup-nonce/"), 0u);
}

TEST_F(OperatorAdjudicatorStoreTest, ACorruptedRecordIsReportedNotTrusted) {
  ASSERT_OK(store_->Put("statechain/channel/" + ToHex(ch_->id), Bytes{1, 2, 3}));
  ASSERT_NO_FATAL_FAILURE(Restart());
  EXPECT_CODE(op_->GetDispute(ch_->id).status(), StatusCode::kCorruption);
  EXPECT_CODE(op_->Register(ch_->params, ch_->SignBoth(ch_->Payment(1, 50'000))),
              StatusCode::kCorruption);
  EXPECT_CODE(op_->SplitNonces(ch_->id, 0, 1).status(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace parley::settlement::statechain
