// Two participants, Alice (0) and Bob (1), with a payment channel between
// them, for the state machine tests.
#pragma once

#include <gtest/gtest.h>

#include "parley/channel/channel.h"
#include "parley/crypto/random.h"
#include "payment/payment_app.h"

namespace parley::channel::testing {

class TwoPartyChannelTest : public ::testing::Test {
 protected:
  TwoPartyChannelTest()
      : alice_key_(crypto::PrivateKey::Generate()),
        bob_key_(crypto::PrivateKey::Generate()),
        params_{.participants = {alice_key_.public_key(), bob_key_.public_key()},
                .nonce = crypto::RandomHash32(),
                .challenge_duration = 10,
                .app = apps::PaymentApp::kId,
                .backend = "sim"} {
    initial_.channel_id = scheme_.ComputeChannelId(params_);
    initial_.allocation.assets = {{.asset = "native", .balances = {100, 100}}};
  }

  // Alice proposes, Bob signs, both see the deposits: both channels open.
  void OpenBoth() {
    auto a = Channel::Propose(params_, initial_, 0, alice_key_, scheme_, app_);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    auto b = Channel::FromProposal(params_, initial_, 0, *a->latest().sigs[0], 1, scheme_, app_);
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    auto bob_sig = b->SignInitial(bob_key_);
    ASSERT_TRUE(bob_sig.ok());
    ASSERT_TRUE(a->AddInitialSignature(1, *bob_sig).ok());
    ASSERT_TRUE(a->MarkFunded().ok());
    ASSERT_TRUE(b->MarkFunded().ok());
    alice_.emplace(std::move(a).value());
    bob_.emplace(std::move(b).value());
  }

  // The state after `payer` pays `amount` to the other, on top of `from`.
  State Pay(const State& from, ParticipantIndex payer, Amount amount) {
    auto next =
        app_.ApplyAction(params_, from, payer, apps::PaymentApp::PayAction(amount, 1 - payer));
    EXPECT_TRUE(next.ok()) << next.status().ToString();
    return *next;
  }

  // What a proposal built on `c`'s latest state names as its base.
  static Hash32 LatestHash(const Channel& c) { return c.BaseHash(c.latest().state); }

  Signature SignAs(const crypto::PrivateKey& key, const State& state) {
    return scheme_.Sign(key, scheme_.StateHash(state));
  }

  // One full update proposed by `proposer`; both sides end on the new state.
  void Update(ParticipantIndex proposer, Amount amount) {
    Channel& from = proposer == 0 ? *alice_ : *bob_;
    Channel& to = proposer == 0 ? *bob_ : *alice_;
    const crypto::PrivateKey& from_key = proposer == 0 ? alice_key_ : bob_key_;
    const crypto::PrivateKey& to_key = proposer == 0 ? bob_key_ : alice_key_;
    State next = Pay(from.latest().state, proposer, amount);
    auto proposal = from.ProposeUpdate(next, from_key);
    ASSERT_TRUE(proposal.ok()) << proposal.status().ToString();
    auto answer =
        to.HandleProposal(next, LatestHash(from), proposer, *proposal->sigs[proposer], to_key);
    ASSERT_TRUE(answer.ok()) << answer.status().ToString();
    ASSERT_TRUE(from.HandleAccept(next.version, 1 - proposer, *answer).ok());
  }

  Bip340Scheme scheme_;
  apps::PaymentApp app_;
  crypto::PrivateKey alice_key_;
  crypto::PrivateKey bob_key_;
  Params params_;
  State initial_;
  std::optional<Channel> alice_;
  std::optional<Channel> bob_;
};

}  // namespace parley::channel::testing
