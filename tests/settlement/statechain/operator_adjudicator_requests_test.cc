// OperatorAdjudicator's refusals beyond the conformance suite: bad
// openings, a dispute that would outlive the channel's backup, and bad
// backup checkpoints. Each is refused with its kind and changes nothing.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "parley/crypto/random.h"
#include "parley/settlement/statechain/operator_adjudicator.h"
#include "parley/store/store.h"
#include "statechain/coin_channel.h"
#include "statechain/fake_ledger.h"
#include "testing/status_matchers.h"

namespace parley::settlement::statechain {
namespace {

namespace mp = crypto::multi_party;
using testing::CoinChannel;

constexpr int64_t kCoin = 100'000;
constexpr uint64_t kDuration = 10;
constexpr uint32_t kCoinLock = 5'000;

class OperatorAdjudicatorRequestsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<CoinChannel> ch =
        CoinChannel::Create(ledger_, scheme_, kDuration, kCoin, {.coin_lock_time = kCoinLock});
    ASSERT_OK(ch.status());
    ch_.emplace(std::move(*ch));
  }

  Status Open(const channel::Params& params, const ChannelOpening& opening) {
    return op_.OpenChannel(params, opening, *ch_->operator_share);
  }
  // The channel is unknown to the operator: the refused opening left nothing.
  void ExpectNotOpen() {
    EXPECT_CODE(op_.SplitNonces(ch_->id, 0, 1).status(), StatusCode::kNotFound);
    EXPECT_CODE(op_.GetDispute(ch_->id).status(), StatusCode::kNotFound);
  }

  channel::Bip340Scheme scheme_{"statechain"};
  testing::FakeLedger ledger_;
  std::unique_ptr<store::Store> store_ = store::NewMemoryStore();
  OperatorAdjudicator op_{*store_, ledger_, scheme_};
  std::optional<CoinChannel> ch_;
};

TEST_F(OperatorAdjudicatorRequestsTest, BadOpeningsAreRefusedAndOpenNothing) {
  channel::Params three = ch_->params;
  three.participants.push_back(crypto::PrivateKey::Generate().public_key());
  EXPECT_CODE(Open(three, ch_->opening), StatusCode::kInvalidArgument);
  channel::Params elsewhere = ch_->params;
  elsewhere.backend = "sim";
  EXPECT_CODE(Open(elsewhere, ch_->opening), StatusCode::kInvalidArgument);

  ChannelOpening opening = ch_->opening;
  opening.coin.shares[kOperatorSigner] = crypto::PrivateKey::Generate().public_key();
  EXPECT_CODE(Open(ch_->params, opening), StatusCode::kInvalidArgument);
  opening = ch_->opening;
  opening.coin.payout_scripts[1].clear();
  EXPECT_CODE(Open(ch_->params, opening), StatusCode::kInvalidArgument);
  opening = ch_->opening;
  opening.owner_share = crypto::PrivateKey::Generate().public_key();  // A + B is not O
  EXPECT_CODE(Open(ch_->params, opening), StatusCode::kPermissionDenied);
  opening = ch_->opening;
  std::swap(opening.share_proofs[0], opening.share_proofs[1]);
  EXPECT_CODE(Open(ch_->params, opening), StatusCode::kPermissionDenied);
  opening = ch_->opening;
  opening.coin.coin.output_key = crypto::RandomHash32();  // another coin's key
  EXPECT_CODE(Open(ch_->params, opening), StatusCode::kPermissionDenied);
  ExpectNotOpen();

  ASSERT_OK(Open(ch_->params, ch_->opening));
  EXPECT_CODE(Open(ch_->params, ch_->opening), StatusCode::kAlreadyExists);
}

TEST_F(OperatorAdjudicatorRequestsTest, ADisputeThatWouldOutliveTheBackupIsRefused) {
  // The coin's backup becomes valid exactly when a dispute begun now ends.
  Result<CoinChannel> late =
      CoinChannel::Create(ledger_, scheme_, kDuration, kCoin,
                          {.coin_lock_time = static_cast<uint32_t>(ledger_.Height() + kDuration)});
  ASSERT_OK(late.status());
  ASSERT_OK(op_.OpenChannel(late->params, late->opening, *late->operator_share));
  const Status refused = op_.Register(late->params, late->SignBoth(late->Payment(1, 50'000)));
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition) << refused.ToString();
  EXPECT_NE(refused.message().find("settle with the backup"), std::string::npos);
  EXPECT_CODE(op_.GetDispute(late->id).status(), StatusCode::kNotFound);

  // One block more, and the dispute ends before the backup is valid.
  ASSERT_OK(Open(ch_->params, ch_->opening));
  ledger_.Advance(kCoinLock - ledger_.Height() - kDuration - 1);
  EXPECT_OK(op_.Register(ch_->params, ch_->SignBoth(ch_->Payment(1, 50'000))));
}

TEST_F(OperatorAdjudicatorRequestsTest, BadCheckpointsAreRefusedAndKeepTheNonce) {
  ASSERT_OK(Open(ch_->params, ch_->opening));
  Result<mp::PublicNonce> nonce = op_.BackupNonce(ch_->id);
  ASSERT_OK(nonce.status());
  const channel::SignedState checkpoint = ch_->SignBoth(ch_->Payment(5, 70'000));
  const uint32_t lock_time = kCoinLock - 100;
  Result<SplitSignatures> shares = ch_->SignSplit(checkpoint.state, *nonce, lock_time);
  ASSERT_OK(shares.status());
  auto sign = [&](const channel::SignedState& state, uint32_t lock) {
    return op_.SignBackup(ch_->params, state, lock, shares->nonces).status();
  };

  channel::SignedState unsigned_by_bob = checkpoint;
  unsigned_by_bob.sigs[1].reset();
  EXPECT_CODE(sign(unsigned_by_bob, lock_time), StatusCode::kPermissionDenied);
  channel::SignedState other_channel = checkpoint;
  other_channel.state.channel_id = crypto::RandomHash32();
  EXPECT_CODE(sign(other_channel, lock_time), StatusCode::kInvalidArgument);
  EXPECT_CODE(sign(checkpoint, kCoinLock), StatusCode::kFailedPrecondition)
      << "not below the coin's lock time";
  EXPECT_CODE(sign(checkpoint, static_cast<uint32_t>(ledger_.Height())),
              StatusCode::kFailedPrecondition)
      << "already reached";

  // The nonce survived the refusals: it signs the good checkpoint.
  Result<mp::PartialSignature> partial =
      op_.SignBackup(ch_->params, checkpoint, lock_time, shares->nonces);
  ASSERT_OK(partial.status());
  const crypto::Transaction backup =
      BuildSplit(ch_->opening.coin, checkpoint.state, lock_time).value();
  const mp::Session session =
      SplitSession(ch_->opening.coin, backup, {shares->nonces[0], shares->nonces[1], *nonce})
          .value();
  EXPECT_OK(mp::PartialSigVerify(*partial, session, kOperatorSigner));
  ASSERT_OK(op_.BackupNonce(ch_->id).status());
  const channel::SignedState older = ch_->SignBoth(ch_->Payment(4, 80'000));
  EXPECT_CODE(sign(older, lock_time - 1), StatusCode::kFailedPrecondition)
      << "a checkpoint below the last";
}

}  // namespace
}  // namespace parley::settlement::statechain
