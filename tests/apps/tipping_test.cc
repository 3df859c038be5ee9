// TippingApp (apps/tipping): the tip jar's encoding and messages, the initial
// state, the transition rules (only the fan tips, the allocation moves exactly
// the rise in the total, the total never goes down, either side closes), and
// the tip action with each way it can be refused.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "apps/app_test_params.h"
#include "parley/util/codec.h"
#include "testing/status_matchers.h"
#include "tipping/tip_message.h"
#include "tipping/tipping_app.h"

namespace parley::apps {
namespace {

using channel::Amount;
using channel::Params;
using channel::ParticipantIndex;
using channel::State;

constexpr ParticipantIndex kFan = TippingApp::kFan;
constexpr ParticipantIndex kStreamer = TippingApp::kStreamer;

Amount Max() { return ~Amount(0); }

std::vector<Amount> Balances(const State& state) { return state.allocation.assets[0].balances; }

TipJar Jar(const State& state) { return TippingApp::Decode(state.app_data).value(); }

// `status` fails with `code` and a message that contains `mention`.
void ExpectRefused(const Status& status, StatusCode code, const std::string& mention) {
  EXPECT_CODE(status, code);
  EXPECT_NE(status.message().find(mention), std::string::npos) << status.ToString();
}

class TippingTest : public ::testing::Test {
 protected:
  // The state after the fan tips `amount` with `message` on `from`; fails the
  // test if the app refuses.
  State Tip(const State& from, Amount amount, const std::string& message) {
    auto next = app_.ApplyAction(params_, from, kFan, TippingApp::TipAction(amount, message));
    EXPECT_OK(next.status());
    return next.ok() ? *next : from;
  }
  // `from` as a cooperative close proposes it: the same state, final, next version.
  static State FinalCopy(const State& from) {
    State to = from;
    to.version = from.version + 1;
    to.is_final = true;
    return to;
  }

  TippingApp app_;
  Params params_ = testing::MakeParams(TippingApp::kId);
  // The fan deposited 100, the streamer nothing; version 0, nothing tipped.
  State base_ = testing::OneAssetState({100, 0}, TippingApp::InitialAppData());
};

// ------------------------------------------------------------- the tip jar

TEST(TipJarTest, EncodesTheTotalThenTheMessage) {
  Bytes data = TippingApp::Encode({.total = 0x0102, .last_message = "hi"});
  ASSERT_EQ(data.size(), 32u + 4u + 2u);
  Bytes total(32, 0);
  total[30] = 0x01;
  total[31] = 0x02;
  EXPECT_EQ(Bytes(data.begin(), data.begin() + 32), total);
  EXPECT_EQ(Bytes(data.begin() + 32, data.end()), (Bytes{0, 0, 0, 2, 'h', 'i'}));
  EXPECT_EQ(TippingApp::InitialAppData(), Bytes(36, 0));
}

TEST(TipJarTest, DecodeRoundTrips) {
  for (const TipJar& jar : {TipJar{}, TipJar{.total = 5, .last_message = "gg ✨"},
                            TipJar{.total = Max(), .last_message = std::string(140, 'x')}}) {
    auto decoded = TippingApp::Decode(TippingApp::Encode(jar));
    ASSERT_OK(decoded.status());
    EXPECT_EQ(*decoded, jar);
  }
}

TEST(TipJarTest, DecodeRefusesWhatIsNotATipJar) {
  Bytes good = TippingApp::Encode({.total = 5, .last_message = "hi"});
  ExpectRefused(TippingApp::Decode(Bytes{}).status(), StatusCode::kInvalidArgument, "truncated");
  ExpectRefused(TippingApp::Decode(Bytes(good.begin(), good.end() - 1)).status(),
                StatusCode::kInvalidArgument, "truncated");
  Bytes trailing = good;
  trailing.push_back(0);
  ExpectRefused(TippingApp::Decode(trailing).status(), StatusCode::kInvalidArgument, "trailing");
  ExpectRefused(
      TippingApp::Decode(TippingApp::Encode({.last_message = std::string(141, 'x')})).status(),
      StatusCode::kInvalidArgument, "at most 140 bytes");
  ExpectRefused(TippingApp::Decode(TippingApp::Encode({.last_message = "a\nb"})).status(),
                StatusCode::kInvalidArgument, "control character");
  ExpectRefused(TippingApp::Decode(TippingApp::Encode({.last_message = "\xff"})).status(),
                StatusCode::kInvalidArgument, "UTF-8");
}

// ---------------------------------------------------------------- messages

TEST(TipMessageTest, AcceptsOneLineOfUtf8UpTo140Bytes) {
  EXPECT_OK(CheckTipMessage(""));
  EXPECT_OK(CheckTipMessage("great stream! \"quotes\" and \\ too"));
  EXPECT_OK(CheckTipMessage("Grüße, 你好, 🎉"));
  EXPECT_OK(CheckTipMessage(std::string(140, 'a')));
  EXPECT_OK(CheckTipMessage(std::string(35, 'a') + "🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉"));
}

TEST(TipMessageTest, RefusesMoreThan140Bytes) {
  ExpectRefused(CheckTipMessage(std::string(141, 'a')), StatusCode::kInvalidArgument,
                "at most 140 bytes; this one has 141");
  // 36 four-byte characters: 36 characters, but 144 bytes.
  std::string emoji;
  for (int i = 0; i < 36; ++i) emoji += "🎉";
  ExpectRefused(CheckTipMessage(emoji), StatusCode::kInvalidArgument, "this one has 144");
}

TEST(TipMessageTest, RefusesInvalidUtf8) {
  const std::vector<std::string> invalid = {"\x80",              // a continuation byte alone
                                            "ab\xc3",            // truncated two-byte sequence
                                            "\xe2\x82",          // truncated three-byte sequence
                                            "\xc3\x28",          // a lead byte followed by ASCII
                                            "\xc0\xaf",          // overlong '/'
                                            "\xe0\x80\xaf",      // overlong '/' in three bytes
                                            "\xf0\x82\x82\xac",  // overlong U+20AC
                                            "\xed\xa0\x80",      // the surrogate U+D800
                                            "\xf4\x90\x80\x80",  // U+110000, beyond Unicode
                                            "\xf8\x88\x80\x80\x80",
                                            "\xff"};
  for (const std::string& message : invalid) {
    ExpectRefused(CheckTipMessage(message), StatusCode::kInvalidArgument, "must be UTF-8");
  }
  ExpectRefused(CheckTipMessage("ab\xc3"), StatusCode::kInvalidArgument, "byte 2");
}

TEST(TipMessageTest, RefusesControlCharactersAndLineBreaks) {
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"line\nbreak", "U+000A"},
      {"tab\there", "U+0009"},
      {"cr\r", "U+000D"},
      {"bell\a", "U+0007"},
      {std::string("nul\0", 4), "U+0000"},
      {"del\x7f", "U+007F"},
      {"c1 \xc2\x85", "U+0085"},
      {"ls \xe2\x80\xa8", "U+2028"},
      {"ps \xe2\x80\xa9", "U+2029"},
      {"\x1b[31mred", "U+001B"}};
  for (const auto& [message, named] : refused) {
    ExpectRefused(CheckTipMessage(message), StatusCode::kInvalidArgument, named);
  }
}

// --------------------------------------------------------------- ValidInit

TEST_F(TippingTest, IdAndNoForceMoves) {
  EXPECT_EQ(app_.id(), "tipping");
  EXPECT_FALSE(app_.SupportsForceMove());
}

TEST_F(TippingTest, ValidInitAcceptsAnEmptyJar) {
  EXPECT_OK(app_.ValidInit(params_, base_));
  // The streamer may deposit too; the deposits are not the app's business.
  EXPECT_OK(app_.ValidInit(params_, testing::OneAssetState({100, 7}, base_.app_data)));
}

TEST_F(TippingTest, ValidInitRefusesAJarThatIsNotEmpty) {
  ExpectRefused(
      app_.ValidInit(params_, testing::OneAssetState({100, 0}, TippingApp::Encode({.total = 1}))),
      StatusCode::kInvalidArgument, "tipped nothing");
  ExpectRefused(app_.ValidInit(params_, testing::OneAssetState(
                                            {100, 0}, TippingApp::Encode({.last_message = "x"}))),
                StatusCode::kInvalidArgument, "no message");
  ExpectRefused(app_.ValidInit(params_, testing::OneAssetState({100, 0}, {})),
                StatusCode::kInvalidArgument, "starts with an empty tip jar");
  ExpectRefused(app_.ValidInit(params_, testing::OneAssetState({100, 0}, Bytes(35, 0))),
                StatusCode::kInvalidArgument, "truncated");
}

TEST_F(TippingTest, ValidInitRefusesOtherShapes) {
  ExpectRefused(app_.ValidInit(testing::MakeParams(TippingApp::kId, 3),
                               testing::OneAssetState({100, 0, 0}, base_.app_data)),
                StatusCode::kInvalidArgument, "exactly two participants");
  State two_assets = base_;
  two_assets.allocation.assets.push_back({.asset = "token", .balances = {1, 0}});
  ExpectRefused(app_.ValidInit(params_, two_assets), StatusCode::kInvalidArgument, "one asset");
  State locked = base_;
  locked.allocation.assets[0].locked.push_back({.amount = 5});
  ExpectRefused(app_.ValidInit(params_, locked), StatusCode::kInvalidArgument, "locks no");
}

// ------------------------------------------------------------- ApplyAction

TEST(TipActionTest, EncodesTheAmountThenTheMessage) {
  Bytes action = TippingApp::TipAction(7, "ok");
  ASSERT_EQ(action.size(), 32u + 4u + 2u);
  EXPECT_EQ(action[31], 7);
  EXPECT_EQ(Bytes(action.begin() + 32, action.end()), (Bytes{0, 0, 0, 2, 'o', 'k'}));
}

TEST_F(TippingTest, ATipMovesTheAmountAndRecordsTheMessage) {
  State next = Tip(base_, 30, "first!");
  EXPECT_EQ(next.version, base_.version + 1);
  EXPECT_EQ(next.channel_id, base_.channel_id);
  EXPECT_FALSE(next.is_final);
  EXPECT_EQ(Balances(next), (std::vector<Amount>{70, 30}));
  EXPECT_EQ(Jar(next), (TipJar{.total = 30, .last_message = "first!"}));

  State again = Tip(next, 5, "");
  EXPECT_EQ(again.version, 2u);
  EXPECT_EQ(Balances(again), (std::vector<Amount>{65, 35}));
  EXPECT_EQ(Jar(again), (TipJar{.total = 35, .last_message = ""}));

  State everything = Tip(again, 65, "all in 🎉");
  EXPECT_EQ(Balances(everything), (std::vector<Amount>{0, 100}));
  EXPECT_EQ(Jar(everything).total, Amount(100));
}

TEST_F(TippingTest, ATipKeepsWhatTheStreamerAlreadyHeld) {
  State from = testing::OneAssetState({100, 40}, TippingApp::InitialAppData(), 3);
  State next = Tip(from, 10, "hi");
  EXPECT_EQ(Balances(next), (std::vector<Amount>{90, 50}));
  EXPECT_EQ(Jar(next).total, Amount(10));  // the jar counts tips, not deposits
}

class TipRefusedTest : public TippingTest {
 protected:
  // The action is refused with `code` and `mention`, and `from` is unchanged.
  void ExpectTipRefused(const State& from, ParticipantIndex actor, const Bytes& action,
                        StatusCode code, const std::string& mention) {
    State before = from;
    auto next = app_.ApplyAction(params_, from, actor, action);
    ASSERT_FALSE(next.ok()) << "unexpectedly accepted";
    ExpectRefused(next.status(), code, mention);
    EXPECT_EQ(from, before);
  }
};

TEST_F(TipRefusedTest, ATipOfZero) {
  ExpectTipRefused(base_, kFan, TippingApp::TipAction(0, "nothing"), StatusCode::kInvalidArgument,
                   "at least 1 base unit");
}

TEST_F(TipRefusedTest, ATipAboveTheFansBalance) {
  ExpectTipRefused(base_, kFan, TippingApp::TipAction(101, "too much"),
                   StatusCode::kFailedPrecondition,
                   "a tip of 101 is above the fan's balance of 100");
  State after = Tip(base_, 60, "ok");
  ExpectTipRefused(after, kFan, TippingApp::TipAction(41, "x"), StatusCode::kFailedPrecondition,
                   "a tip of 41 is above the fan's balance of 40");
  ExpectTipRefused(base_, kFan, TippingApp::TipAction(Max(), "x"), StatusCode::kFailedPrecondition,
                   "above the fan's balance");
}

TEST_F(TipRefusedTest, ATipFromTheStreamer) {
  State from = testing::OneAssetState({100, 50}, TippingApp::InitialAppData());
  ExpectTipRefused(from, kStreamer, TippingApp::TipAction(10, "self"),
                   StatusCode::kPermissionDenied, "only the fan");
}

TEST_F(TipRefusedTest, ABadMessage) {
  ExpectTipRefused(base_, kFan, TippingApp::TipAction(1, std::string(141, 'a')),
                   StatusCode::kInvalidArgument, "at most 140 bytes");
  ExpectTipRefused(base_, kFan, TippingApp::TipAction(1, "two\nlines"),
                   StatusCode::kInvalidArgument, "control character");
  ExpectTipRefused(base_, kFan, TippingApp::TipAction(1, "\xc0\xaf"), StatusCode::kInvalidArgument,
                   "UTF-8");
}

TEST_F(TipRefusedTest, MalformedActionBytes) {
  Bytes good = TippingApp::TipAction(1, "hi");
  Bytes trailing = good;
  trailing.push_back(0);
  ExpectTipRefused(base_, kFan, Bytes{}, StatusCode::kInvalidArgument, "truncated");
  ExpectTipRefused(base_, kFan, Bytes(good.begin(), good.end() - 1), StatusCode::kInvalidArgument,
                   "truncated");
  ExpectTipRefused(base_, kFan, trailing, StatusCode::kInvalidArgument, "trailing");
}

TEST_F(TipRefusedTest, AChannelThatIsNotATippingOne) {
  State no_jar = testing::OneAssetState({100, 0}, {});
  ExpectTipRefused(no_jar, kFan, TippingApp::TipAction(1, "hi"), StatusCode::kInvalidArgument,
                   "tip jar");
  State three = testing::OneAssetState({100, 0, 0}, TippingApp::InitialAppData());
  ExpectTipRefused(three, kFan, TippingApp::TipAction(1, "hi"), StatusCode::kInvalidArgument,
                   "two participants");
}

// --------------------------------------------------------- ValidTransition

TEST_F(TippingTest, TheFanMayTipAndTheStreamerMayNot) {
  State tipped = Tip(base_, 30, "hi");
  EXPECT_OK(app_.ValidTransition(params_, base_, tipped, kFan));
  ExpectRefused(app_.ValidTransition(params_, base_, tipped, kStreamer),
                StatusCode::kPermissionDenied, "only the fan");
}

TEST_F(TippingTest, TheAllocationMovesExactlyTheRiseInTheTotal) {
  State tipped = Tip(base_, 30, "hi");
  for (const std::vector<Amount>& wrong :
       {std::vector<Amount>{71, 29}, std::vector<Amount>{69, 31}, std::vector<Amount>{100, 0}}) {
    State to = tipped;
    to.allocation.assets[0].balances = wrong;
    ExpectRefused(app_.ValidTransition(params_, base_, to, kFan), StatusCode::kInvalidArgument,
                  "exactly the rise");
  }
  // The balances move, but the total says nothing was tipped.
  State unrecorded = tipped;
  unrecorded.app_data = base_.app_data;
  unrecorded.is_final = true;
  ExpectRefused(app_.ValidTransition(params_, base_, unrecorded, kFan),
                StatusCode::kInvalidArgument, "stay as they are");
}

TEST_F(TippingTest, ARiseAboveTheFansBalanceIsRefused) {
  State to = base_;
  to.version = 1;
  to.app_data = TippingApp::Encode({.total = 150, .last_message = "x"});
  to.allocation.assets[0].balances = {0, 100};
  ExpectRefused(app_.ValidTransition(params_, base_, to, kFan), StatusCode::kFailedPrecondition,
                "a tip of 150 is above the fan's balance of 100");
}

TEST_F(TippingTest, TheTotalNeverGoesDown) {
  State tipped = Tip(base_, 30, "hi");
  State back = base_;
  back.version = 2;
  back.app_data = TippingApp::Encode({.total = 10, .last_message = "refund"});
  back.allocation.assets[0].balances = {90, 10};
  for (ParticipantIndex actor : {kFan, kStreamer}) {
    ExpectRefused(app_.ValidTransition(params_, tipped, back, actor), StatusCode::kInvalidArgument,
                  "cannot go down (from 30 to 10)");
  }
}

TEST_F(TippingTest, EitherSideClosesWithAFinalCopyOfTheLatestState) {
  State tipped = Tip(base_, 30, "hi");
  for (ParticipantIndex actor : {kFan, kStreamer}) {
    EXPECT_OK(app_.ValidTransition(params_, tipped, FinalCopy(tipped), actor));
    EXPECT_OK(app_.ValidTransition(params_, base_, FinalCopy(base_), actor));
  }
}

TEST_F(TippingTest, AFanMayBatchATipWithTheClose) {
  State tipped = Tip(base_, 30, "bye");
  tipped.is_final = true;
  EXPECT_OK(app_.ValidTransition(params_, base_, tipped, kFan));
  ExpectRefused(app_.ValidTransition(params_, base_, tipped, kStreamer),
                StatusCode::kPermissionDenied, "only the fan");
}

TEST_F(TippingTest, WithoutATipNothingElseChanges) {
  State tipped = Tip(base_, 30, "hi");
  State same = FinalCopy(tipped);
  same.is_final = false;
  ExpectRefused(app_.ValidTransition(params_, tipped, same, kFan), StatusCode::kInvalidArgument,
                "must be final");

  State new_message = FinalCopy(tipped);
  new_message.app_data = TippingApp::Encode({.total = 30, .last_message = "edited"});
  ExpectRefused(app_.ValidTransition(params_, tipped, new_message, kStreamer),
                StatusCode::kInvalidArgument, "stay as they are");

  State taken = FinalCopy(tipped);
  taken.allocation.assets[0].balances = {0, 100};
  for (ParticipantIndex actor : {kFan, kStreamer}) {
    ExpectRefused(app_.ValidTransition(params_, tipped, taken, actor), StatusCode::kInvalidArgument,
                  "stay as they are");
  }
}

TEST_F(TippingTest, NothingFollowsAFinalState) {
  State closed = FinalCopy(Tip(base_, 30, "hi"));
  ExpectRefused(app_.ValidTransition(params_, closed, FinalCopy(closed), kStreamer),
                StatusCode::kFailedPrecondition, "final");
  State tip_after = Tip(base_, 31, "late");
  tip_after.version = closed.version + 1;
  ExpectRefused(app_.ValidTransition(params_, closed, tip_after, kFan),
                StatusCode::kFailedPrecondition, "final");
  ExpectRefused(app_.ApplyAction(params_, closed, kFan, TippingApp::TipAction(1, "late")).status(),
                StatusCode::kFailedPrecondition, "final");
}

TEST_F(TippingTest, TransitionsKeepTheShape) {
  State tipped = Tip(base_, 30, "hi");
  State locked = tipped;
  locked.allocation.assets[0].locked.push_back({.amount = 1});
  locked.allocation.assets[0].balances = {69, 30};
  ExpectRefused(app_.ValidTransition(params_, base_, locked, kFan), StatusCode::kInvalidArgument,
                "locks no");
  State renamed = tipped;
  renamed.allocation.assets[0].asset = "token";
  ExpectRefused(app_.ValidTransition(params_, base_, renamed, kFan), StatusCode::kInvalidArgument,
                "exactly the rise");
  State garbage = tipped;
  garbage.app_data = {1, 2, 3};
  ExpectRefused(app_.ValidTransition(params_, base_, garbage, kFan), StatusCode::kInvalidArgument,
                "tip jar");
  State bad_message = tipped;
  bad_message.app_data = TippingApp::Encode({.total = 30, .last_message = "\x07"});
  ExpectRefused(app_.ValidTransition(params_, base_, bad_message, kFan),
                StatusCode::kInvalidArgument, "control character");
}

// Random tips, some refused: every accepted one is a transition the app
// accepts from the fan (and refuses from the streamer), conserving the total;
// every refused one leaves the state as it was; the jar's total always equals
// what the streamer received.
TEST_F(TippingTest, ApplyActionAgreesWithValidTransition) {
  std::mt19937 rng(4242);
  State state = testing::OneAssetState({5000, 0}, TippingApp::InitialAppData());
  int accepted = 0;
  int refused = 0;
  for (int i = 0; i < 500; ++i) {
    Amount amount = rng() % 40;
    std::string message(rng() % 150, 'a' + static_cast<char>(i % 26));
    auto next = app_.ApplyAction(params_, state, kFan, TippingApp::TipAction(amount, message));
    if (!next.ok()) {
      ++refused;
      continue;
    }
    ++accepted;
    EXPECT_OK(app_.ValidTransition(params_, state, *next, kFan));
    EXPECT_CODE(app_.ValidTransition(params_, state, *next, kStreamer),
                StatusCode::kPermissionDenied);
    EXPECT_OK(channel::CheckConserved(state.allocation, next->allocation));
    EXPECT_EQ(Jar(*next).total, Balances(*next)[kStreamer]);
    EXPECT_EQ(Jar(*next).last_message, message);
    state = std::move(next).value();
  }
  EXPECT_GT(accepted, 50);
  EXPECT_GT(refused, 50);
  EXPECT_EQ(Balances(state)[kFan] + Balances(state)[kStreamer], Amount(5000));
}

}  // namespace
}  // namespace parley::apps
