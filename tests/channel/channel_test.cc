// The per-channel state machine: opening, updates, crossing proposals, the
// signing guard, finality, ledger phases and restoring from a record.
#include "parley/channel/channel.h"

#include <gtest/gtest.h>

#include "channel/channel_fixture.h"
#include "parley/channel/encoding.h"

namespace parley::channel {
namespace {

using testing::TwoPartyChannelTest;

TEST_F(TwoPartyChannelTest, OpeningSignsTheInitialStateOnBothSides) {
  auto a = Channel::Propose(params_, initial_, 0, alice_key_, scheme_, app_);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->phase(), Phase::kProposing);
  EXPECT_EQ(a->id(), scheme_.ComputeChannelId(params_));
  auto b = Channel::FromProposal(params_, initial_, 0, *a->latest().sigs[0], 1, scheme_, app_);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->phase(), Phase::kProposing);
  auto sig = b->SignInitial(bob_key_);
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(b->phase(), Phase::kFunding);
  EXPECT_TRUE(b->latest().FullySigned());
  ASSERT_TRUE(a->AddInitialSignature(1, *sig).ok());
  EXPECT_EQ(a->phase(), Phase::kFunding);
  EXPECT_EQ(a->latest(), b->latest());
  EXPECT_TRUE(VerifySignatures(scheme_, params_, a->latest(), true).ok());
  ASSERT_TRUE(a->MarkFunded().ok());
  EXPECT_EQ(a->phase(), Phase::kOpen);
  EXPECT_EQ(a->MarkFunded().code(), StatusCode::kFailedPrecondition);
}

TEST_F(TwoPartyChannelTest, ProposerMustHoldItsParticipantKey) {
  auto a = Channel::Propose(params_, initial_, 1, alice_key_, scheme_, app_);
  EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(TwoPartyChannelTest, UpdatesAreCoSignedAndVersioned) {
  OpenBoth();
  Update(0, 30);
  Update(1, 5);
  Update(0, 1);
  EXPECT_EQ(alice_->latest(), bob_->latest());
  EXPECT_EQ(alice_->latest().state.version, 3u);
  EXPECT_TRUE(alice_->latest().FullySigned());
  EXPECT_TRUE(VerifySignatures(scheme_, params_, alice_->latest(), true).ok());
  EXPECT_EQ(alice_->latest().state.allocation.assets[0].balances, (std::vector<Amount>{74, 126}));
  EXPECT_TRUE(alice_->pending().empty());
  EXPECT_EQ(alice_->current_version(), 3u);
}

TEST_F(TwoPartyChannelTest, OnlyOneOwnProposalAtATime) {
  OpenBoth();
  State next = Pay(alice_->latest().state, 0, 1);
  ASSERT_TRUE(alice_->ProposeUpdate(next, alice_key_).ok());
  State another = Pay(alice_->latest().state, 0, 2);
  another.version = 2;
  EXPECT_EQ(alice_->ProposeUpdate(another, alice_key_).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(TwoPartyChannelTest, AFinalStateMakesTheChannelFinal) {
  OpenBoth();
  State final_state = alice_->latest().state;
  final_state.version = 1;
  final_state.is_final = true;
  auto proposal = alice_->ProposeUpdate(final_state, alice_key_);
  ASSERT_TRUE(proposal.ok());
  auto answer =
      bob_->HandleProposal(final_state, LatestHash(*bob_), 0, *proposal->sigs[0], bob_key_);
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(bob_->phase(), Phase::kFinal);
  ASSERT_TRUE(alice_->HandleAccept(1, 1, *answer).ok());
  EXPECT_EQ(alice_->phase(), Phase::kFinal);
  // No updates after a final state.
  State after = Pay(final_state, 0, 1);
  EXPECT_EQ(alice_->ProposeUpdate(after, alice_key_).status().code(),
            StatusCode::kFailedPrecondition);
}

// Both propose version 1 at once. The lower index (Alice) wins: both
// proposals are refused, version 1 is used up on both sides, Alice goes
// first at version 2 and Bob follows at version 3. Nobody signs twice.
TEST_F(TwoPartyChannelTest, CrossingProposalsResolveByLowerIndex) {
  OpenBoth();
  State alices = Pay(alice_->latest().state, 0, 10);
  State bobs = Pay(bob_->latest().state, 1, 20);
  auto pa = alice_->ProposeUpdate(alices, alice_key_);
  auto pb = bob_->ProposeUpdate(bobs, bob_key_);
  ASSERT_TRUE(pa.ok() && pb.ok());

  // Alice gets Bob's: she has the lower index and keeps her proposal.
  auto at_alice = alice_->HandleProposal(bobs, LatestHash(*alice_), 1, *pb->sigs[1], alice_key_);
  EXPECT_EQ(at_alice.status().code(), StatusCode::kAborted);
  EXPECT_FALSE(alice_->pending().empty());
  // Bob gets Alice's: he lost, drops his own, and cannot sign hers.
  auto at_bob = bob_->HandleProposal(alices, LatestHash(*bob_), 0, *pa->sigs[0], bob_key_);
  EXPECT_EQ(at_bob.status().code(), StatusCode::kAborted);
  EXPECT_TRUE(bob_->pending().empty());
  // Alice learns her version 1 was refused.
  ASSERT_TRUE(alice_->HandleReject(1).ok());
  EXPECT_EQ(alice_->NextVersion(), 2u);
  EXPECT_EQ(bob_->NextVersion(), 2u);

  alices.version = 2;
  auto retry = alice_->ProposeUpdate(alices, alice_key_);
  ASSERT_TRUE(retry.ok());
  auto answer = bob_->HandleProposal(alices, LatestHash(*bob_), 0, *retry->sigs[0], bob_key_);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  ASSERT_TRUE(alice_->HandleAccept(2, 1, *answer).ok());
  Update(1, 20);
  EXPECT_EQ(alice_->latest().state.version, 3u);
  EXPECT_EQ(alice_->latest().state.allocation.assets[0].balances, (std::vector<Amount>{110, 90}));
  EXPECT_EQ(alice_->latest(), bob_->latest());
}

TEST_F(TwoPartyChannelTest, ARefusedProposalUsesUpItsVersionOnBothSides) {
  OpenBoth();
  // Bob proposes a state that takes money from Alice: Alice refuses it.
  State theft = bob_->latest().state;
  theft.version = 1;
  theft.allocation.assets[0].balances = {50, 150};
  auto proposal = bob_->ProposeUpdate(theft, bob_key_);
  ASSERT_FALSE(proposal.ok());  // Bob's own node refuses to propose it...
  // ...but a modified node can sign and send it anyway.
  auto answer =
      alice_->HandleProposal(theft, LatestHash(*alice_), 1, SignAs(bob_key_, theft), alice_key_);
  EXPECT_EQ(answer.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(alice_->current_version(), 1u);
  EXPECT_EQ(alice_->latest().state.version, 0u);
  // The next honest update goes at version 2.
  State pay = Pay(alice_->latest().state, 0, 1);
  EXPECT_EQ(pay.version, 1u);
  pay.version = alice_->NextVersion();
  auto p = alice_->ProposeUpdate(pay, alice_key_);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->state.version, 2u);
}

// A backend's check (HandleProposal's `also`) runs after the others, before
// signing: its refusal is the answer, the version is used up as for the
// app's refusal, and nothing is signed; a check that passes changes nothing.
TEST_F(TwoPartyChannelTest, ABackendsCheckOfAProposalRefusesItLikeTheApp) {
  OpenBoth();
  State pay = Pay(bob_->latest().state, 1, 1);
  const Signature bob_sig = SignAs(bob_key_, pay);
  int checks = 0;
  auto answer = alice_->HandleProposal(pay, LatestHash(*alice_), 1, bob_sig, alice_key_, [&] {
    ++checks;
    return Status::PermissionDenied("bad partial signature");
  });
  EXPECT_EQ(answer.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(answer.status().message(), "bad partial signature");
  EXPECT_EQ(checks, 1);
  EXPECT_EQ(alice_->current_version(), 1u);
  EXPECT_EQ(alice_->latest().state.version, 0u);
  EXPECT_FALSE(alice_->record().last_signed_version.has_value() &&
               *alice_->record().last_signed_version >= 1u)
      << "nothing signed at version 1";

  State next = Pay(bob_->latest().state, 1, 1);
  next.version = 2;
  answer =
      alice_->HandleProposal(next, LatestHash(*alice_), 1, SignAs(bob_key_, next), alice_key_, [&] {
        ++checks;
        return Status::Ok();
      });
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(checks, 2);
  EXPECT_EQ(alice_->latest().state, next);
}

TEST_F(TwoPartyChannelTest, TheGuardNeverSignsTwoStatesAtOneVersion) {
  auto a = Channel::Propose(params_, initial_, 0, alice_key_, scheme_, app_);
  ASSERT_TRUE(a.ok());
  auto b = Channel::FromProposal(params_, initial_, 0, *a->latest().sigs[0], 1, scheme_, app_);
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE(b->SignInitial(bob_key_).ok());
  // Bob's record goes to disk and comes back: the guard comes with it.
  auto record = Decode<ChannelRecord>(Encode(b->record()), "record");
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->last_signed_version, std::optional<uint64_t>(0));
  EXPECT_EQ(record->last_signed_hash, scheme_.StateHash(initial_));
  // Forced back into proposing (as a buggy caller might), with another
  // initial state, it refuses.
  ChannelRecord rewound = record.value();
  rewound.phase = Phase::kProposing;
  rewound.latest.state.allocation.assets[0].balances[1] += 1;
  auto other = Channel::Restore(rewound, scheme_, app_);
  ASSERT_TRUE(other.ok());
  auto second = other->SignInitial(bob_key_);
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("never signs two different states at one version"),
            std::string::npos);
  // The same state again is no second state: signing it is harmless.
  rewound.latest.state = initial_;
  auto same = Channel::Restore(rewound, scheme_, app_);
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(same->SignInitial(bob_key_).ok());
}

TEST_F(TwoPartyChannelTest, RecordsRoundTripThroughTheirEncoding) {
  OpenBoth();
  Update(0, 7);
  State next = Pay(alice_->latest().state, 0, 3);
  ASSERT_TRUE(alice_->ProposeUpdate(next, alice_key_).ok());
  auto decoded = Decode<ChannelRecord>(Encode(alice_->record()), "record");
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, alice_->record());
  auto restored = Channel::Restore(*decoded, scheme_, app_);
  ASSERT_TRUE(restored.ok());
  EXPECT_EQ(restored->id(), alice_->id());
  EXPECT_EQ(restored->NextVersion(), 3u);
}

TEST_F(TwoPartyChannelTest, RestoreRefusesARecordThatDoesNotFit) {
  OpenBoth();
  ChannelRecord record = alice_->record();
  record.params.challenge_duration = 11;  // the id no longer matches
  EXPECT_EQ(Channel::Restore(record, scheme_, app_).status().code(), StatusCode::kCorruption);
  record = alice_->record();
  record.self = 2;
  EXPECT_EQ(Channel::Restore(record, scheme_, app_).status().code(), StatusCode::kCorruption);
}

TEST_F(TwoPartyChannelTest, NeverSignsAStateBeyondTheDecoderLimits) {
  OpenBoth();
  State next = Pay(alice_->latest().state, 0, 1);
  next.app_data.assign(kMaxAppDataSize + 1, 0);
  auto proposal = alice_->ProposeUpdate(next, alice_key_);
  EXPECT_EQ(proposal.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(proposal.status().message().find("exceeds the limit"), std::string::npos);
  EXPECT_TRUE(alice_->pending().empty());
}

TEST_F(TwoPartyChannelTest, SyncAdoptsANewerFullySignedStateOnly) {
  OpenBoth();
  Update(0, 5);
  ChannelRecord at_version_1 = alice_->record();
  Update(0, 5);
  Update(1, 2);  // Bob is at version 3
  auto behind = Channel::Restore(at_version_1, scheme_, app_);
  ASSERT_TRUE(behind.ok());

  // Older and identical states change nothing.
  ChannelRecord before = bob_->record();
  EXPECT_EQ(*bob_->AdoptSigned(behind->latest()), Channel::SyncOutcome::kKnown);
  EXPECT_EQ(*bob_->AdoptSigned(bob_->latest()), Channel::SyncOutcome::kKnown);
  EXPECT_EQ(bob_->record(), before);

  // A newer one is adopted, and settles a pending proposal below it.
  State next = Pay(behind->latest().state, 0, 1);
  ASSERT_TRUE(behind->ProposeUpdate(next, alice_key_).ok());
  EXPECT_EQ(*behind->AdoptSigned(bob_->latest()), Channel::SyncOutcome::kAdopted);
  EXPECT_EQ(behind->latest(), bob_->latest());
  EXPECT_TRUE(behind->pending().empty());
  EXPECT_EQ(behind->NextVersion(), 4u);
  EXPECT_EQ(behind->record().last_signed_version, std::optional<uint64_t>(3));
}

TEST_F(TwoPartyChannelTest, SyncReportsADifferentStateOfTheSameVersion) {
  OpenBoth();
  Update(0, 5);
  SignedState other{bob_->latest().state, {}};
  other.state.allocation.assets[0].balances = {90, 110};
  other.sigs = {SignAs(alice_key_, other.state), SignAs(bob_key_, other.state)};
  ChannelRecord before = bob_->record();
  EXPECT_EQ(*bob_->AdoptSigned(other), Channel::SyncOutcome::kConflict);
  EXPECT_EQ(bob_->record(), before);  // evidence is the caller's to keep
}

TEST_F(TwoPartyChannelTest, AfterConclusionANewerStateIsNotAdopted) {
  OpenBoth();
  ChannelRecord at_open = alice_->record();
  Update(0, 5);
  auto concluded = Channel::Restore(at_open, scheme_, app_);
  ASSERT_TRUE(concluded.ok());
  ASSERT_TRUE(concluded->MarkDisputed().ok());
  ASSERT_TRUE(concluded->MarkConcluded().ok());
  ChannelRecord before = concluded->record();
  EXPECT_EQ(*concluded->AdoptSigned(bob_->latest()), Channel::SyncOutcome::kKnown);
  EXPECT_EQ(concluded->record(), before);  // the ledger's outcome stands
}

TEST_F(TwoPartyChannelTest, SyncRefusesStatesThatAreNotFullyAndValidlySigned) {
  OpenBoth();
  Update(0, 5);
  SignedState newer{Pay(bob_->latest().state, 0, 1), {}};
  newer.sigs = {SignAs(alice_key_, newer.state), std::nullopt};
  ChannelRecord before = bob_->record();
  EXPECT_EQ(bob_->AdoptSigned(newer).status().code(), StatusCode::kPermissionDenied);
  crypto::PrivateKey mallory = crypto::PrivateKey::Generate();
  newer.sigs[1] = SignAs(mallory, newer.state);
  EXPECT_EQ(bob_->AdoptSigned(newer).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(bob_->record(), before);
}

TEST_F(TwoPartyChannelTest, LedgerPhasesFollowInOrder) {
  OpenBoth();
  EXPECT_EQ(alice_->MarkWithdrawn().code(), StatusCode::kFailedPrecondition);
  State next = Pay(alice_->latest().state, 0, 3);
  ASSERT_TRUE(alice_->ProposeUpdate(next, alice_key_).ok());
  ASSERT_TRUE(alice_->MarkDisputed().ok());
  EXPECT_EQ(alice_->phase(), Phase::kDisputed);
  EXPECT_TRUE(alice_->pending().empty());  // no off-chain updates in a dispute
  ASSERT_TRUE(alice_->MarkConcluded().ok());
  EXPECT_EQ(alice_->MarkDisputed().code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(alice_->MarkWithdrawn().ok());
  EXPECT_EQ(alice_->phase(), Phase::kWithdrawn);
}

}  // namespace
}  // namespace parley::channel
