// A channel opened on a coin of the Operator: the coin goes into the "in
// channel" status and its operator share to the channel's adjudicator, in
// one write, at the authenticated request of the coin's owner. While the
// channel is open the operator refuses every coin-level request of the
// owner (who knows the whole owner share o = a + b); the status survives a
// restart; the channel still settles by its split, and the coin is then
// withdrawn.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "parley/crypto/random.h"
#include "parley/crypto/two_party_schnorr.h"
#include "parley/settlement/statechain/operator.h"
#include "parley/settlement/statechain/operator_adjudicator.h"
#include "parley/store/store.h"
#include "payment/payment_app.h"
#include "statechain/coin_channel.h"
#include "statechain/fake_ledger.h"
#include "testing/status_matchers.h"

namespace parley::settlement::statechain {
namespace {

using testing::CoinChannel;
using testing::OperatorCoin;

constexpr int64_t kCoin = 100'000;
constexpr uint64_t kDuration = 10;

class CoinInChannelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<OperatorCoin> coin = OperatorCoin::Deposit(*op_);
    ASSERT_OK(coin.status());
    coin_.emplace(std::move(*coin));
    ch_.emplace(MakeChannel(coin_->owner_share, {.coin_lock_time = coin_->lock_time}));
  }

  CoinChannel MakeChannel(const crypto::PrivateKey& owner, testing::CoinOptions options) {
    const std::array<crypto::PrivateKey, kChannelParticipants> keys = {
        crypto::PrivateKey::Generate(), crypto::PrivateKey::Generate()};
    const channel::Params params{.participants = {keys[0].public_key(), keys[1].public_key()},
                                 .nonce = crypto::RandomHash32(),
                                 .challenge_duration = kDuration,
                                 .app = apps::PaymentApp::kId,
                                 .backend = "statechain"};
    return CoinChannel::OnCoin(ledger_, scheme_, params, keys, owner, coin_->operator_share, kCoin,
                               options)
        .value();
  }

  Status Open(const CoinChannel& ch) {
    Result<OpenChannelRequest> request = coin_->OpenRequest(*op_, ch);
    if (!request.ok()) return request.status();
    return adj_->OpenChannel(*op_, *request);
  }

  Auth OwnerAuth(ByteView payload) {
    return Authorize(coin_->auth_key, op_->NewChallenge().value(), payload);
  }

  // The coin is as it was before any opening: active, and still the owner's.
  void ExpectCoinStillActive(const CoinChannel& ch) {
    Result<CoinInfo> info = op_->GetCoinInfo(coin_->coin_id);
    ASSERT_OK(info.status());
    EXPECT_EQ(info->status, CoinStatus::kActive);
    EXPECT_FALSE(info->channel_id.has_value());
    EXPECT_TRUE(info->operator_share == coin_->operator_share);
    NonceRequest nonce{.coin_id = coin_->coin_id};
    nonce.auth = OwnerAuth(AuthPayload(nonce));
    EXPECT_OK(op_->NonceCommit(nonce).status());
    EXPECT_CODE(adj_->SplitNonces(ch.id, 0, 1).status(), StatusCode::kNotFound);
  }

  void Restart() {
    adj_.reset();
    op_.reset();
    op_ = std::make_unique<Operator>(*store_, ledger_);
    adj_ = std::make_unique<OperatorAdjudicator>(*store_, ledger_, scheme_);
  }

  channel::Bip340Scheme scheme_{"statechain"};
  testing::FakeLedger ledger_;
  std::unique_ptr<store::Store> store_ = store::NewMemoryStore();
  std::unique_ptr<Operator> op_ = std::make_unique<Operator>(*store_, ledger_);
  std::unique_ptr<OperatorAdjudicator> adj_ =
      std::make_unique<OperatorAdjudicator>(*store_, ledger_, scheme_);
  std::optional<OperatorCoin> coin_;
  std::optional<CoinChannel> ch_;
};

TEST_F(CoinInChannelTest, OpeningMovesTheCoinAndItsShareIntoTheChannel) {
  ASSERT_OK(Open(*ch_));
  Result<CoinInfo> info = op_->GetCoinInfo(coin_->coin_id);
  ASSERT_OK(info.status());
  EXPECT_EQ(info->status, CoinStatus::kInChannel);
  EXPECT_EQ(info->channel_id, ch_->id);
  EXPECT_FALSE(info->operator_share.has_value());
  // The share left the coin's records: only the channel's hold it now.
  EXPECT_CODE(store_->Get("statechain/share/" + ToHex(coin_->coin_id)).status(),
              StatusCode::kNotFound);
  EXPECT_OK(store_->Get("statechain/channel-share/" + ToHex(ch_->id)).status());
  EXPECT_OK(adj_->SplitNonces(ch_->id, 0, 4).status());
  // A coin is in one channel at most.
  CoinChannel second = MakeChannel(coin_->owner_share, {.coin_lock_time = coin_->lock_time});
  EXPECT_CODE(Open(second), StatusCode::kFailedPrecondition);
}

TEST_F(CoinInChannelTest, EveryCoinLevelRequestIsRefusedWhileInChannel) {
  // Before opening: a nonce and a transfer the owner could try to use later.
  NonceRequest nonce_request{.coin_id = coin_->coin_id};
  nonce_request.auth = OwnerAuth(AuthPayload(nonce_request));
  Result<NonceResponse> nonce = op_->NonceCommit(nonce_request);
  ASSERT_OK(nonce.status());
  const crypto::PrivateKey receiver = crypto::PrivateKey::Generate();
  TransferInitRequest transfer{.coin_id = coin_->coin_id,
                               .receiver_auth_key = receiver.public_key()};
  transfer.auth = OwnerAuth(AuthPayload(transfer));
  Result<TransferInitResponse> x1 = op_->TransferSenderInit(transfer);
  ASSERT_OK(x1.status());
  ASSERT_OK(Open(*ch_));
  const uint64_t count = op_->SignatureCount(coin_->coin_id).value();

  auto expect_refused = [&](const Status& status, const char* what) {
    EXPECT_CODE(status, StatusCode::kFailedPrecondition) << what;
    EXPECT_NE(status.message().find("in payment channel " + ToHex(ch_->id)), std::string::npos)
        << what << ": " << status.message();
  };
  NonceRequest again{.coin_id = coin_->coin_id};
  again.auth = OwnerAuth(AuthPayload(again));
  expect_refused(op_->NonceCommit(again).status(), "NonceCommit");

  crypto::two_party::GeneratedNonce owner_nonce =
      crypto::two_party::NonceGen(coin_->owner_share, {}).value();
  SignRequest sign{.coin_id = coin_->coin_id,
                   .nonce_id = nonce->nonce_id,
                   .owner_nonce = owner_nonce.public_nonce,
                   .message = crypto::RandomHash32()};
  sign.auth = OwnerAuth(AuthPayload(sign));
  expect_refused(op_->PartialSign(sign).status(), "PartialSign");

  TransferInitRequest transfer_again = transfer;
  transfer_again.auth = OwnerAuth(AuthPayload(transfer_again));
  expect_refused(op_->TransferSenderInit(transfer_again).status(), "TransferSenderInit");

  const crypto::PrivateKey o2 = crypto::PrivateKey::Generate();
  TransferFinalizeRequest finalize{.coin_id = coin_->coin_id,
                                   .t2 = crypto::PrivateKey::Generate(),
                                   .new_owner_share = o2.public_key()};
  finalize.auth = Authorize(receiver, op_->NewChallenge().value(), AuthPayload(finalize));
  expect_refused(op_->TransferReceiverFinalize(finalize).status(), "TransferReceiverFinalize");

  WithdrawRequest withdraw{.coin_id = coin_->coin_id};
  withdraw.auth = OwnerAuth(AuthPayload(withdraw));
  expect_refused(op_->Withdraw(withdraw), "Withdraw");

  EXPECT_EQ(op_->SignatureCount(coin_->coin_id).value(), count);
  EXPECT_EQ(op_->GetCoinInfo(coin_->coin_id)->status, CoinStatus::kInChannel);
  EXPECT_FALSE(op_->GetCoinInfo(coin_->coin_id)->pending_transfer.has_value());
}

TEST_F(CoinInChannelTest, OpeningNeedsTheOwnersSignatureOverAFreshChallenge) {
  OpenChannelRequest request = coin_->OpenRequest(*op_, *ch_).value();
  OpenChannelRequest stranger = request;
  stranger.auth =
      Authorize(crypto::PrivateKey::Generate(), op_->NewChallenge().value(), AuthPayload(stranger));
  EXPECT_CODE(adj_->OpenChannel(*op_, stranger), StatusCode::kPermissionDenied);
  // The owner signed other terms: another challenge duration.
  OpenChannelRequest altered = request;
  altered.params.challenge_duration += 1;
  EXPECT_CODE(adj_->OpenChannel(*op_, altered), StatusCode::kPermissionDenied);
  OpenChannelRequest unissued = request;
  unissued.auth = Authorize(coin_->auth_key, crypto::RandomHash32(), AuthPayload(unissued));
  EXPECT_CODE(adj_->OpenChannel(*op_, unissued), StatusCode::kPermissionDenied);
  ExpectCoinStillActive(*ch_);

  ASSERT_OK(adj_->OpenChannel(*op_, request));
  // A replay finds the coin in the channel already.
  EXPECT_CODE(adj_->OpenChannel(*op_, request), StatusCode::kFailedPrecondition);
}

TEST_F(CoinInChannelTest, OpeningsThatDoNotFitTheCoinChangeNothing) {
  // A split of another owner share: A + B is not the coin's O.
  CoinChannel other_owner =
      MakeChannel(crypto::PrivateKey::Generate(), {.coin_lock_time = coin_->lock_time});
  EXPECT_CODE(Open(other_owner), StatusCode::kPermissionDenied);
  ExpectCoinStillActive(other_owner);
  // Backups that could outlive the owner's statechain backup.
  CoinChannel late = MakeChannel(coin_->owner_share, {.coin_lock_time = coin_->lock_time + 1});
  EXPECT_CODE(Open(late), StatusCode::kInvalidArgument);
  ExpectCoinStillActive(late);
  // A coin output that is not on the ledger.
  CoinChannel unfunded =
      MakeChannel(coin_->owner_share, {.coin_lock_time = coin_->lock_time, .fund = false});
  EXPECT_CODE(Open(unfunded), StatusCode::kInvalidArgument);
  ExpectCoinStillActive(unfunded);
  // A bad share proof (the adjudicator's own checks).
  CoinChannel bad_proof = MakeChannel(coin_->owner_share, {.coin_lock_time = coin_->lock_time});
  std::swap(bad_proof.opening.share_proofs[0], bad_proof.opening.share_proofs[1]);
  EXPECT_CODE(Open(bad_proof), StatusCode::kPermissionDenied);
  ExpectCoinStillActive(bad_proof);

  EXPECT_OK(Open(*ch_));
}

TEST_F(CoinInChannelTest, TheStatusSurvivesARestartAndTheChannelStillPays) {
  ASSERT_OK(Open(*ch_));
  Result<std::vector<crypto::multi_party::PublicNonce>> nonces = adj_->SplitNonces(ch_->id, 0, 4);
  ASSERT_OK(nonces.status());
  Restart();
  EXPECT_EQ(op_->GetCoinInfo(coin_->coin_id)->status, CoinStatus::kInChannel);
  NonceRequest nonce{.coin_id = coin_->coin_id};
  nonce.auth = OwnerAuth(AuthPayload(nonce));
  EXPECT_CODE(op_->NonceCommit(nonce).status(), StatusCode::kFailedPrecondition);

  const channel::State closing = ch_->Payment(3, 30'000, /*is_final=*/true);
  ASSERT_OK(adj_->Register(ch_->params, ch_->SignBoth(closing)));
  ASSERT_OK(adj_->Conclude(ch_->params));
  const crypto::Transaction split = BuildSplit(ch_->opening.coin, closing, 0).value();
  Result<SplitSignatures> signatures = ch_->SignSplit(closing, (*nonces)[3]);
  ASSERT_OK(signatures.status());
  ASSERT_OK(adj_->CoSignSplit(ch_->params, split, *signatures).status());
  EXPECT_EQ(ledger_.SatsPaidTo(ch_->opening.coin.payout_scripts[0]), 30'000);
  EXPECT_EQ(ledger_.SatsPaidTo(ch_->opening.coin.payout_scripts[1]), kCoin - 30'000);
  // The coin is spent and the operator's share erased: the coin is withdrawn.
  Result<CoinInfo> info = op_->GetCoinInfo(coin_->coin_id);
  ASSERT_OK(info.status());
  EXPECT_EQ(info->status, CoinStatus::kWithdrawn);
  EXPECT_FALSE(info->channel_id.has_value());
  EXPECT_CODE(store_->Get("statechain/channel-share/" + ToHex(ch_->id)).status(),
              StatusCode::kNotFound);
}

}  // namespace
}  // namespace parley::settlement::statechain
