// Every kind of bad input a peer can send to the state machine is refused
// with a Status that says what is wrong, and leaves the channel as it was.
#include <gtest/gtest.h>

#include "channel/channel_fixture.h"
#include "parley/channel/encoding.h"

namespace parley::channel {
namespace {

using testing::TwoPartyChannelTest;

class BadInputTest : public TwoPartyChannelTest {
 protected:
  void SetUp() override {
    OpenBoth();
    Update(0, 10);  // both at version 1
    before_ = bob_->record();
  }

  // Bob handles a proposal from participant `from`; returns the Status.
  Status BobHandles(const State& state, ParticipantIndex from, const Signature& sig) {
    return bob_->HandleProposal(state, LatestHash(*bob_), from, sig, bob_key_).status();
  }

  void ExpectRefused(const Status& status, StatusCode code, const std::string& words) {
    EXPECT_EQ(status.code(), code) << status.ToString();
    EXPECT_NE(status.message().find(words), std::string::npos) << status.ToString();
  }
  void ExpectUnchanged() { EXPECT_EQ(bob_->record(), before_); }
  // A refused proposal whose signature verifies uses up its version (the
  // peer has signed it), and changes nothing else.
  void ExpectOnlyVersionUsedUp(uint64_t version) {
    ChannelRecord expected = before_;
    expected.current_version = version;
    EXPECT_EQ(bob_->record(), expected);
  }
  void ExpectOnlyVersionUsedUp() { ExpectOnlyVersionUsedUp(before_.current_version + 1); }

  State NextPayment(Amount amount = 5) { return Pay(alice_->latest().state, 0, amount); }

  ChannelRecord before_;
};

TEST_F(BadInputTest, WrongSignature) {
  State next = NextPayment();
  Signature sig = SignAs(alice_key_, next);
  sig[10] ^= 0x01;
  ExpectRefused(BobHandles(next, 0, sig), StatusCode::kPermissionDenied, "does not verify");
  ExpectUnchanged();
  // A valid signature, but on another state.
  ExpectRefused(BobHandles(next, 0, SignAs(alice_key_, NextPayment(6))),
                StatusCode::kPermissionDenied, "does not verify");
  ExpectUnchanged();
  // A signature of the wrong size.
  ExpectRefused(BobHandles(next, 0, Signature(63, 1)), StatusCode::kPermissionDenied,
                "does not verify");
  ExpectUnchanged();
}

TEST_F(BadInputTest, SignatureByANonParticipant) {
  State next = NextPayment();
  crypto::PrivateKey mallory = crypto::PrivateKey::Generate();
  ExpectRefused(BobHandles(next, 0, SignAs(mallory, next)), StatusCode::kPermissionDenied,
                "does not verify");
  ExpectUnchanged();
  ExpectRefused(BobHandles(next, 7, SignAs(mallory, next)), StatusCode::kPermissionDenied,
                "not a participant");
  ExpectUnchanged();
}

TEST_F(BadInputTest, VersionOtherThanCurrentPlusOne) {
  for (uint64_t version : {0u, 1u}) {  // stale: changes nothing, the peer retries later
    State next = NextPayment();
    next.version = version;
    ExpectRefused(BobHandles(next, 0, SignAs(alice_key_, next)), StatusCode::kAborted,
                  "is used up (current 1)");
    ExpectUnchanged();
  }
  // Ahead: refused, and the version the peer signed is used up, so both
  // sides agree on the next one again.
  State next = NextPayment();
  next.version = 100;
  ExpectRefused(BobHandles(next, 0, SignAs(alice_key_, next)), StatusCode::kFailedPrecondition,
                "is not the next version 2");
  ExpectOnlyVersionUsedUp(100);
  EXPECT_EQ(bob_->NextVersion(), 101u);
}

TEST_F(BadInputTest, AProposalWhileOursAwaitsAnAnswerCannotRollBackLatest) {
  // Bob proposes version 2; Alice holds back her answer and proposes 3 on
  // top of version 1, hoping Bob signs it and then takes 2 as his latest.
  State bobs = Pay(bob_->latest().state, 1, 1);
  ASSERT_TRUE(bob_->ProposeUpdate(bobs, bob_key_).ok());
  before_ = bob_->record();
  State alices = Pay(alice_->latest().state, 1 - 1, 50);
  alices.version = 3;
  alices.allocation.assets[0].balances = {40, 160};  // Alice pays Bob 50 on top of version 1
  // Aborted: she may retry once Bob's proposal is answered.
  ExpectRefused(BobHandles(alices, 0, SignAs(alice_key_, alices)), StatusCode::kAborted,
                "awaits the peer's answer first");
  ExpectOnlyVersionUsedUp(3);
  EXPECT_EQ(bob_->latest().state.version, 1u);  // nothing was signed
  // Her accept of version 2 still completes Bob's own proposal.
  auto answer = SignAs(alice_key_, bobs);
  ASSERT_TRUE(bob_->HandleAccept(2, 0, answer).ok());
  EXPECT_EQ(bob_->latest().state, bobs);
}

TEST_F(BadInputTest, AForgedCrossingProposalChangesNothing) {
  // Alice (index 0) would win a crossing; a forgery at the same version must
  // not make Bob drop his own proposal.
  State bobs = Pay(bob_->latest().state, 1, 1);
  ASSERT_TRUE(bob_->ProposeUpdate(bobs, bob_key_).ok());
  before_ = bob_->record();
  State forged = NextPayment();
  crypto::PrivateKey mallory = crypto::PrivateKey::Generate();
  ExpectRefused(BobHandles(forged, 0, SignAs(mallory, forged)), StatusCode::kPermissionDenied,
                "does not verify");
  ExpectUnchanged();
  EXPECT_FALSE(bob_->pending().empty());
}

TEST_F(BadInputTest, AProposalSentAgainGetsTheSameSignature) {
  // Version 1 is already countersigned by Bob; Alice sends it again.
  const SignedState& latest = bob_->latest();
  auto again = bob_->HandleProposal(latest.state, LatestHash(*bob_), 0, *latest.sigs[0], bob_key_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, *latest.sigs[1]);
  ExpectUnchanged();
}

TEST_F(BadInputTest, ASecondDifferentStateAtAnAlreadySignedVersion) {
  // Version 1 is fully signed; Alice sends another version 1.
  State other = bob_->latest().state;
  other.allocation.assets[0].balances = {80, 120};
  ASSERT_NE(other, bob_->latest().state);
  ExpectRefused(BobHandles(other, 0, SignAs(alice_key_, other)), StatusCode::kAborted,
                "version 1 is used up");
  ExpectUnchanged();
  // An answer to our pending version 2 that signs a different version 2.
  State ours = Pay(bob_->latest().state, 1, 1);
  ASSERT_TRUE(bob_->ProposeUpdate(ours, bob_key_).ok());
  before_ = bob_->record();
  State theirs = NextPayment();
  ExpectRefused(bob_->HandleAccept(2, 0, SignAs(alice_key_, theirs)), StatusCode::kPermissionDenied,
                "does not verify");
  ExpectUnchanged();
}

TEST_F(BadInputTest, TransitionTheAppRejects) {
  // Alice proposes to lower Bob's balance.
  State next = bob_->latest().state;
  next.version = 2;
  next.allocation.assets[0].balances = {120, 80};
  ExpectRefused(BobHandles(next, 0, SignAs(alice_key_, next)), StatusCode::kPermissionDenied,
                "app 'payment' refuses the transition to version 2");
  ExpectOnlyVersionUsedUp();
  // App data where the payment app allows none.
  next = NextPayment();
  next.version = 3;
  next.app_data = {1};
  ExpectRefused(BobHandles(next, 0, SignAs(alice_key_, next)), StatusCode::kInvalidArgument,
                "carry no app data");
}

TEST_F(BadInputTest, AllocationWhoseTotalChanged) {
  State next = NextPayment();
  next.allocation.assets[0].balances[1] += 1;  // money from nowhere
  ExpectRefused(BobHandles(next, 0, SignAs(alice_key_, next)), StatusCode::kInvalidArgument,
                "funds must be conserved");
  ExpectOnlyVersionUsedUp();
  EXPECT_EQ(bob_->latest().state.allocation.assets[0].balances, (std::vector<Amount>{90, 110}));
}

TEST_F(BadInputTest, AmountOverflow) {
  State next = NextPayment();
  Amount max = ~Amount(0);
  next.allocation.assets[0].balances = {max, 2};  // the total wraps to 1 below 2^256
  ExpectRefused(BobHandles(next, 0, SignAs(alice_key_, next)), StatusCode::kInvalidArgument,
                "overflow");
  ExpectOnlyVersionUsedUp();
}

TEST_F(BadInputTest, StateForAnotherChannel) {
  State next = NextPayment();
  next.channel_id[0] ^= 0xff;
  ExpectRefused(BobHandles(next, 0, SignAs(alice_key_, next)), StatusCode::kInvalidArgument,
                "is for channel");
  ExpectUnchanged();
}

TEST_F(BadInputTest, MalformedBytes) {
  Bytes bytes = Encode(NextPayment());
  for (size_t cut : {size_t{0}, size_t{1}, size_t{31}, bytes.size() - 1}) {
    auto decoded = Decode<State>(ByteView(bytes).first(cut), "state");
    EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(decoded.status().message().find("truncated"), std::string::npos);
  }
  bytes.push_back(0);
  EXPECT_NE(Decode<State>(bytes, "state").status().message().find("trailing"), std::string::npos);
}

TEST_F(BadInputTest, ProposalOutsideTheOpenPhase) {
  ASSERT_TRUE(bob_->MarkDisputed().ok());
  before_ = bob_->record();
  State next = NextPayment();
  ExpectRefused(BobHandles(next, 0, SignAs(alice_key_, next)), StatusCode::kFailedPrecondition,
                "disputed");
  ExpectOnlyVersionUsedUp();
}

TEST_F(BadInputTest, ProposalClaimingToComeFromThisNode) {
  State next = NextPayment();
  ExpectRefused(BobHandles(next, 1, SignAs(bob_key_, next)), StatusCode::kInvalidArgument,
                "cannot come from this node");
  ExpectUnchanged();
}

TEST_F(BadInputTest, AnswersWithoutAPendingProposal) {
  ExpectRefused(bob_->HandleAccept(2, 0, SignAs(alice_key_, NextPayment())),
                StatusCode::kFailedPrecondition, "no proposal");
  ExpectRefused(bob_->HandleReject(2), StatusCode::kFailedPrecondition, "no proposal");
  ExpectUnchanged();
}

// A channel proposal is peer input too.
class BadChannelProposalTest : public TwoPartyChannelTest {
 protected:
  Status Receive(const State& initial, const Signature& sig, ParticipantIndex proposer = 0) {
    return Channel::FromProposal(params_, initial, proposer, sig, 1, scheme_, app_).status();
  }
};

TEST_F(BadChannelProposalTest, EachFlawIsNamed) {
  EXPECT_EQ(Receive(initial_, SignAs(bob_key_, initial_)).code(), StatusCode::kPermissionDenied);
  State wrong_id = initial_;
  wrong_id.channel_id[5] ^= 1;
  EXPECT_NE(Receive(wrong_id, SignAs(alice_key_, wrong_id)).message().find("does not match"),
            std::string::npos);
  State later = initial_;
  later.version = 3;
  EXPECT_NE(Receive(later, SignAs(alice_key_, later)).message().find("not 0"), std::string::npos);
  State final_state = initial_;
  final_state.is_final = true;
  EXPECT_NE(Receive(final_state, SignAs(alice_key_, final_state)).message().find("final"),
            std::string::npos);
  State with_data = initial_;
  with_data.app_data = {9};
  EXPECT_NE(Receive(with_data, SignAs(alice_key_, with_data)).message().find("refuses"),
            std::string::npos);
  EXPECT_EQ(Receive(initial_, SignAs(alice_key_, initial_), 1).code(),
            StatusCode::kInvalidArgument);  // the proposer cannot be this node
  params_.backend = "evm";
  EXPECT_NE(Receive(initial_, SignAs(alice_key_, initial_)).message().find("backend"),
            std::string::npos);
}

}  // namespace
}  // namespace parley::channel
