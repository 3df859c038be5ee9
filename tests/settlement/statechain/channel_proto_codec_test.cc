// The channel requests as gRPC messages: each survives the round trip
// unchanged, and a field of the wrong size or count is InvalidArgument
// naming it.
#include "parley/settlement/statechain/channel_proto_codec.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "parley/crypto/random.h"
#include "parley/settlement/remote_events.h"
#include "statechain/coin_channel.h"
#include "statechain/fake_ledger.h"
#include "testing/status_matchers.h"

namespace parley::settlement::statechain {
namespace {

using testing::CoinChannel;

class ChannelProtoCodecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ch_.emplace(
        CoinChannel::Create(ledger_, scheme_, 10, 50'000, {.coin_lock_time = 4'000}).value());
  }

  OpenChannelRequest Open() const {
    return {.coin_id = crypto::RandomHash32(),
            .params = ch_->params,
            .opening = ch_->opening,
            .auth = {.challenge = crypto::RandomHash32(), .signature = {7}}};
  }

  // The message of `status` names `field`.
  static void ExpectNames(const Status& status, const std::string& field) {
    EXPECT_CODE(status, StatusCode::kInvalidArgument);
    EXPECT_NE(status.message().find(field), std::string::npos) << status.message();
  }

  channel::Bip340Scheme scheme_{"statechain"};
  testing::FakeLedger ledger_;
  std::optional<CoinChannel> ch_;
};

TEST_F(ChannelProtoCodecTest, RequestsSurviveTheRoundTrip) {
  const OpenChannelRequest open = Open();
  Result<OpenChannelRequest> parsed = FromProto(ToProto(open));
  ASSERT_OK(parsed.status());
  // The signed payload covers every field: equal payloads, equal requests.
  EXPECT_EQ(AuthPayload(*parsed), AuthPayload(open));
  EXPECT_EQ(parsed->auth.challenge, open.auth.challenge);
  EXPECT_EQ(parsed->auth.signature, open.auth.signature);

  const SignBackupRequest backup{.params = ch_->params,
                                 .checkpoint = ch_->SignBoth(ch_->Payment(2, 20'000)),
                                 .lock_time = 3'000,
                                 .nonces = {{{1}, {2}}},
                                 .auth = open.auth};
  Result<SignBackupRequest> backup_parsed = FromProto(ToProto(backup));
  ASSERT_OK(backup_parsed.status());
  EXPECT_EQ(AuthPayload(*backup_parsed), AuthPayload(backup));

  const channel::State state = ch_->Payment(4, 10'000);
  const CoSignSplitRequest cosign{
      .params = ch_->params,
      .split = BuildSplit(ch_->opening.coin, state, 0).value(),
      .signatures = {.version = 4, .nonces = {{{3}, {4}}}, .partials = {{{5}, {6}}}}};
  Result<CoSignSplitRequest> cosign_parsed = FromProto(ToProto(cosign));
  ASSERT_OK(cosign_parsed.status());
  EXPECT_EQ(crypto::Serialize(cosign_parsed->split), crypto::Serialize(cosign.split));
  EXPECT_EQ(cosign_parsed->signatures.version, 4u);
  EXPECT_EQ(cosign_parsed->signatures.nonces, cosign.signatures.nonces);
  EXPECT_EQ(cosign_parsed->signatures.partials, cosign.signatures.partials);
  EXPECT_TRUE(cosign_parsed->params == cosign.params);
}

TEST_F(ChannelProtoCodecTest, MalformedFieldsAreNamed) {
  v1::CoinChannelOpenRequest open = ToProto(Open());
  v1::CoinChannelOpenRequest bad = open;
  bad.mutable_opening()->mutable_shares()->RemoveLast();
  ExpectNames(FromProto(bad).status(), "opening.shares");
  bad = open;
  bad.mutable_opening()->set_owner_share("short");
  ExpectNames(FromProto(bad).status(), "opening.owner_share");
  bad = open;
  bad.mutable_opening()->set_fee_sats(50'000);
  ExpectNames(FromProto(bad).status(), "opening.fee_sats");
  bad = open;
  bad.mutable_opening()->add_share_proofs(std::string(64, '\1'));
  ExpectNames(FromProto(bad).status(), "opening.share_proofs");
  bad = open;
  bad.clear_auth();
  ExpectNames(FromProto(bad).status(), "auth");
  bad = open;
  bad.set_params("garbage");
  ExpectNames(FromProto(bad).status(), "params");

  v1::CoinChannelCoSignSplitRequest cosign;
  cosign.set_params(ToProto(Open()).params());
  cosign.set_split("\x02\x00");
  ExpectNames(FromProto(cosign).status(), "split");

  v1::CoinChannelNoncesReply nonces;
  nonces.add_nonces(std::string(65, '\0'));
  ExpectNames(FromProto(nonces).status(), "nonces[0]");

  v1::LedgerEvent event;
  event.set_kind(99);
  EXPECT_CODE(EventFromProto(event).status(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace parley::settlement::statechain
