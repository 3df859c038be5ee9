// The streaming app (apps/streaming): the terms and transition rules, and
// vouchers end to end between a payer and a payee: each voucher checked, every
// bad voucher refused with its reason and nothing changed, the lag rule, and
// the latest voucher turned into a fully signed state to settle with.
#include <gtest/gtest.h>

#include "parley/channel/scheme.h"
#include "parley/crypto/keys.h"
#include "streaming/streaming_app.h"
#include "streaming/voucher.h"
#include "testing/status_matchers.h"

namespace parley::apps {
namespace {

using channel::Amount;
using channel::State;

constexpr uint64_t kPrice = 5;   // per unit
constexpr uint64_t kMaxLag = 3;  // units

class StreamingTest : public ::testing::Test {
 protected:
  StreamingTest() {
    params_.participants = {payer_key_.public_key(), payee_key_.public_key()};
    params_.nonce.fill(7);
    params_.challenge_duration = 10;
    params_.app = StreamingApp::kId;
    params_.backend = "sim";
    base_.state.channel_id = scheme_.ComputeChannelId(params_);
    base_.state.version = 4;  // streaming starts from the latest co-signed state
    base_.state.allocation.assets = {{.asset = "native", .balances = {1000, 20}}};
    base_.state.app_data =
        StreamingApp::InitialData({.payer = 0, .price_per_unit = kPrice, .max_lag_units = kMaxLag});
    Hash32 hash = scheme_.StateHash(base_.state);
    base_.sigs = {scheme_.Sign(payer_key_, hash), scheme_.Sign(payee_key_, hash)};
  }

  StreamPayer Payer() {
    return std::move(StreamPayer::Create(base_.state, payer_key_, scheme_)).value();
  }
  StreamPayee Payee() { return std::move(StreamPayee::Create(params_, base_, 1, scheme_)).value(); }

  channel::Bip340Scheme scheme_;
  crypto::PrivateKey payer_key_ = crypto::PrivateKey::Generate();
  crypto::PrivateKey payee_key_ = crypto::PrivateKey::Generate();
  channel::Params params_;
  channel::SignedState base_;
  StreamingApp app_;
};

TEST_F(StreamingTest, VouchersPayTheCumulativeTotalAndSettleFullySigned) {
  StreamPayer payer = Payer();
  StreamPayee payee = Payee();
  for (int i = 0; i < 10; ++i) ASSERT_OK(payee.Accept(payer.Pay(1).value()));
  ASSERT_OK(payee.Accept(payer.Pay(4).value()));
  EXPECT_EQ(payee.total(), Amount(14 * kPrice));
  EXPECT_EQ(payee.units_paid(), 14u);
  EXPECT_EQ(payee.latest()->version, base_.state.version + 11);

  auto settled = payee.Settleable(payee_key_);
  ASSERT_OK(settled.status());
  EXPECT_OK(channel::VerifySignatures(scheme_, params_, *settled, /*require_all=*/true));
  EXPECT_EQ(settled->state.allocation.assets[0].balances,
            (std::vector<Amount>{1000 - 14 * kPrice, 20 + 14 * kPrice}));
  EXPECT_EQ(StreamingApp::Decode(settled->state.app_data)->total_paid, Amount(14 * kPrice));
  // What the ledger would check of a force-move: the app accepts the jump.
  EXPECT_OK(app_.ValidTransition(params_, base_.state, settled->state, 0));
}

TEST_F(StreamingTest, WithoutVouchersTheBaseStateIsWhatSettles) {
  auto settled = Payee().Settleable(payee_key_);
  ASSERT_OK(settled.status());
  EXPECT_EQ(*settled, base_);
}

TEST_F(StreamingTest, AVoucherThatLowersTheTotalIsRefusedAndChangesNothing) {
  StreamPayer payer = Payer();
  StreamPayee payee = Payee();
  ASSERT_OK(payee.Accept(payer.Pay(3).value()));
  // A payer (or anyone holding its key) signs a lower total at a higher version.
  State lower = StreamingApp::StateForTotal(base_.state, kPrice, 9).value();
  Voucher v{base_.state.channel_id, 9, kPrice, scheme_.Sign(payer_key_, scheme_.StateHash(lower))};
  Status s = payee.Accept(v);
  EXPECT_CODE(s, StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("lowers the cumulative amount from 15 to 5"), std::string::npos);
  EXPECT_EQ(payee.total(), Amount(15));
  EXPECT_EQ(payee.latest()->version, base_.state.version + 1);
}

TEST_F(StreamingTest, AVoucherWithAWrongSignatureIsRefused) {
  StreamPayer payer = Payer();
  StreamPayee payee = Payee();
  Voucher v = payer.Pay(2).value();
  Voucher forged = v;
  forged.total = 2 * kPrice + 1;  // the signature covers the old total
  EXPECT_CODE(payee.Accept(forged), StatusCode::kPermissionDenied);
  // Signed by the payee's own key instead of the payer's.
  State state = StreamingApp::StateForTotal(base_.state, v.total, v.version).value();
  Voucher by_payee = v;
  by_payee.signature = scheme_.Sign(payee_key_, scheme_.StateHash(state));
  EXPECT_CODE(payee.Accept(by_payee), StatusCode::kPermissionDenied);
  EXPECT_EQ(payee.total(), Amount(0));
  EXPECT_FALSE(payee.latest().has_value());
  EXPECT_OK(payee.Accept(v));
}

TEST_F(StreamingTest, AStaleOrForeignVoucherIsRefused) {
  StreamPayer payer = Payer();
  StreamPayee payee = Payee();
  Voucher first = payer.Pay(1).value();
  Voucher second = payer.Pay(1).value();
  ASSERT_OK(payee.Accept(second));
  EXPECT_CODE(payee.Accept(first), StatusCode::kFailedPrecondition);   // an older version
  EXPECT_CODE(payee.Accept(second), StatusCode::kFailedPrecondition);  // the same again
  Voucher foreign = payer.Pay(1).value();
  foreign.channel.fill(0xee);
  EXPECT_CODE(payee.Accept(foreign), StatusCode::kInvalidArgument);
  EXPECT_EQ(payee.total(), Amount(2 * kPrice));
}

TEST_F(StreamingTest, ThePayerCannotPayBeyondItsBalance) {
  StreamPayer payer = Payer();
  ASSERT_OK(payer.Pay(150).status());  // 750 of 1000
  auto over = payer.Pay(51);           // 51 units cost 255 > the 250 left
  EXPECT_CODE(over.status(), StatusCode::kFailedPrecondition);
  EXPECT_NE(over.status().message().find("pays for 50 more unit(s), not 51"), std::string::npos);
  EXPECT_EQ(payer.units_paid(), 150u);
  EXPECT_CODE(payer.Pay(0).status(), StatusCode::kFailedPrecondition);
  EXPECT_OK(payer.Pay(50).status());
}

TEST_F(StreamingTest, APayeeRefusesAVoucherAboveThePayersBalance) {
  StreamPayee payee = Payee();
  Amount total = 1005;
  State state = base_.state;
  state.version = 5;
  state.allocation.assets[0].balances = {0, 1025};  // however it is signed, it overdraws
  Voucher v{base_.state.channel_id, 5, total, scheme_.Sign(payer_key_, scheme_.StateHash(state))};
  EXPECT_CODE(payee.Accept(v), StatusCode::kFailedPrecondition);
  EXPECT_FALSE(payee.latest().has_value());
}

TEST_F(StreamingTest, ServiceStopsWhenThePayerFallsBehindByMoreThanTheLag) {
  StreamPayer payer = Payer();
  StreamPayee payee = Payee();
  uint64_t delivered = 0;
  while (payee.ShouldServe(delivered)) ++delivered;
  EXPECT_EQ(delivered, kMaxLag);  // served on credit up to the lag, then stopped
  ASSERT_OK(payee.Accept(payer.Pay(2).value()));
  while (payee.ShouldServe(delivered)) ++delivered;
  EXPECT_EQ(delivered, 2 + kMaxLag);
}

TEST_F(StreamingTest, VouchersRoundTripThroughTheirEncoding) {
  Voucher v = Payer().Pay(7).value();
  auto decoded = DecodeVoucher(EncodeVoucher(v));
  ASSERT_OK(decoded.status());
  EXPECT_EQ(*decoded, v);
  Bytes bytes = EncodeVoucher(v);
  bytes.pop_back();
  EXPECT_CODE(DecodeVoucher(bytes).status(), StatusCode::kInvalidArgument);
  bytes = EncodeVoucher(v);
  bytes.push_back(0);
  EXPECT_CODE(DecodeVoucher(bytes).status(), StatusCode::kInvalidArgument);
}

TEST_F(StreamingTest, ThePayeeMustBeTheOtherParticipantAndTheBaseFullySigned) {
  EXPECT_CODE(StreamPayee::Create(params_, base_, 0, scheme_).status(),
              StatusCode::kInvalidArgument);
  channel::SignedState half = base_;
  half.sigs[1].reset();
  EXPECT_CODE(StreamPayee::Create(params_, half, 1, scheme_).status(),
              StatusCode::kPermissionDenied);
  State not_streaming = base_.state;
  not_streaming.app_data = {1, 2, 3};
  EXPECT_CODE(StreamPayer::Create(not_streaming, payer_key_, scheme_).status(),
              StatusCode::kInvalidArgument);
}

TEST_F(StreamingTest, TheAppChecksInitialStates) {
  EXPECT_OK(app_.ValidInit(params_, base_.state));
  State paid = StreamingApp::StateForTotal(base_.state, 10, 0).value();
  EXPECT_CODE(app_.ValidInit(params_, paid), StatusCode::kInvalidArgument);
  State zero_price = base_.state;
  zero_price.app_data = StreamingApp::InitialData({.payer = 0, .price_per_unit = 0});
  EXPECT_CODE(app_.ValidInit(params_, zero_price), StatusCode::kInvalidArgument);
  State two_assets = base_.state;
  two_assets.allocation.assets.push_back({.asset = "usd", .balances = {1, 1}});
  EXPECT_CODE(app_.ValidInit(params_, two_assets), StatusCode::kInvalidArgument);
}

TEST_F(StreamingTest, TheAppRefusesTransitionsThatBreakTheStream) {
  State paid = StreamingApp::StateForTotal(base_.state, 20, 5).value();
  EXPECT_OK(app_.ValidTransition(params_, base_.state, paid, 0));
  // Only the payer raises the total.
  EXPECT_CODE(app_.ValidTransition(params_, base_.state, paid, 1), StatusCode::kPermissionDenied);
  // Nobody lowers it.
  State back = StreamingApp::StateForTotal(base_.state, 0, 6).value();
  EXPECT_CODE(app_.ValidTransition(params_, paid, back, 0), StatusCode::kInvalidArgument);
  // The allocation moves exactly the rise.
  State skimmed = paid;
  skimmed.allocation.assets[0].balances = {985, 35};
  EXPECT_CODE(app_.ValidTransition(params_, base_.state, skimmed, 0), StatusCode::kInvalidArgument);
  // The terms are fixed.
  State repriced = paid;
  auto data = StreamingApp::Decode(paid.app_data).value();
  data.terms.price_per_unit = 1;
  repriced.app_data = StreamingApp::InitialData(data.terms);
  EXPECT_CODE(app_.ValidTransition(params_, base_.state, repriced, 0),
              StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace parley::apps
