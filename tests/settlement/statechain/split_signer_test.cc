// SplitSigner: Alice's and Bob's split signatures version by version, with
// the nonce rule of docs/statechain.md ("In the node"): every message
// carries the sender's nonce for the next version. Each signer is encoded
// and decoded after every step, as the node stores it. The operator
// (OperatorAdjudicator) completes the split of the concluded state.
#include "parley/settlement/statechain/split_signer.h"

#include <gtest/gtest.h>

#include <optional>

#include "parley/channel/scheme.h"
#include "parley/settlement/statechain/operator_adjudicator.h"
#include "statechain/coin_channel.h"

namespace parley::settlement::statechain {
namespace {

namespace mp = crypto::multi_party;
using testing::CoinChannel;
using testing::FakeLedger;

constexpr int64_t kCoin = 100'000;

class SplitSignerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ch_.emplace(
        CoinChannel::Create(ledger_, scheme_, 10, kCoin, {.coin_lock_time = 11'000}).value());
    ASSERT_TRUE(operator_.OpenChannel(ch_->params, ch_->opening, *ch_->operator_share).ok());
    // The channel's proposal carries Alice's nonce for version 1, the first
    // whose split is signed; Bob's accept his.
    SendNonce(0, 1, 1);
    SendNonce(1, 0, 1);
  }

  const ChannelCoin& coin() const { return ch_->opening.coin; }
  mp::PublicNonce OperatorNonce(uint64_t version) {
    return operator_.SplitNonces(ch_->id, version, 1).value()[0];
  }
  // The node's store: each step is written, and read back after a restart.
  void Persist(size_t i) { signers_[i] = SplitSigner::Decode(signers_[i].Encode()).value(); }

  void SendNonce(size_t from, size_t to, uint64_t version) {
    auto nonce = signers_[from].NonceFor(ch_->shares[from], version);
    ASSERT_TRUE(nonce.ok()) << nonce.status().ToString();
    Persist(from);
    ASSERT_TRUE(signers_[to].SetPeerNonce(version, *nonce).ok());
    Persist(to);
  }

  // This participant's nonce for `version`, as its next message carries it.
  mp::PublicNonce NextNonce(size_t from, uint64_t version) {
    auto nonce = signers_[from].NonceFor(ch_->shares[from], version);
    EXPECT_TRUE(nonce.ok()) << nonce.status().ToString();
    Persist(from);
    return nonce.ok() ? *nonce : mp::PublicNonce{};
  }

  // One update: `proposer` signs the split of `state`, the other checks and
  // countersigns it, the proposer checks that. Each message also carries the
  // sender's nonce for the next version, which the receiver records after
  // the partial signature.
  void Update(size_t proposer, const channel::State& state) {
    const size_t acceptor = 1 - proposer;
    const mp::PublicNonce op = OperatorNonce(state.version);
    auto proposed = signers_[proposer].Sign(coin(), ch_->shares[proposer], state, op);
    ASSERT_TRUE(proposed.ok()) << proposed.status().ToString();
    const mp::PublicNonce proposer_next = NextNonce(proposer, state.version + 1);

    Status checked = signers_[acceptor].CheckPeer(coin(), state, *proposed, op);
    ASSERT_TRUE(checked.ok()) << checked.ToString();
    ASSERT_TRUE(signers_[acceptor].SetPeerNonce(state.version + 1, proposer_next).ok());
    auto accepted = signers_[acceptor].Sign(coin(), ch_->shares[acceptor], state, op);
    ASSERT_TRUE(accepted.ok()) << accepted.status().ToString();
    const mp::PublicNonce acceptor_next = NextNonce(acceptor, state.version + 1);

    checked = signers_[proposer].CheckPeer(coin(), state, *accepted, op);
    ASSERT_TRUE(checked.ok()) << checked.ToString();
    ASSERT_TRUE(signers_[proposer].SetPeerNonce(state.version + 1, acceptor_next).ok());
    Persist(proposer);
  }

  channel::Bip340Scheme scheme_{"statechain"};
  FakeLedger ledger_;
  std::unique_ptr<store::Store> store_ = store::NewMemoryStore();
  OperatorAdjudicator operator_{*store_, ledger_, scheme_};
  std::optional<CoinChannel> ch_;
  std::array<SplitSigner, 2> signers_{SplitSigner(0), SplitSigner(1)};
};

TEST_F(SplitSignerTest, AHundredPaymentsThenACooperativeClosePaysTheSplitExactly) {
  int64_t alice = kCoin;
  for (uint64_t v = 1; v <= 100; ++v) {
    alice -= static_cast<int64_t>(v);  // Alice pays v sats; every fifth update Bob proposes
    Update(v % 5 == 0 ? 1 : 0, ch_->Payment(v, alice));
    ASSERT_EQ(signers_[0].latest()->version, v);
    ASSERT_EQ(signers_[1].latest()->version, v);
  }
  const channel::State final_state = ch_->Payment(101, alice, /*is_final=*/true);
  Update(0, final_state);
  Status registered = operator_.Register(ch_->params, ch_->SignBoth(final_state));
  ASSERT_TRUE(registered.ok()) << registered.ToString();
  ASSERT_TRUE(operator_.Conclude(ch_->params).ok());
  const crypto::Transaction split = BuildSplit(coin(), final_state, 0).value();
  auto tx = operator_.CoSignSplit(ch_->params, split, *signers_[1].latest());
  ASSERT_TRUE(tx.ok()) << tx.status().ToString();
  EXPECT_EQ(ledger_.SatsPaidTo(coin().payout_scripts[0]), kCoin - 5050);
  EXPECT_EQ(ledger_.SatsPaidTo(coin().payout_scripts[1]), 5050);
}

TEST_F(SplitSignerTest, ABadPartialSignatureIsRefusedAndChangesNothing) {
  const channel::State state = ch_->Payment(1, kCoin - 10);
  const mp::PublicNonce op = OperatorNonce(1);
  mp::PartialSignature partial = signers_[0].Sign(coin(), ch_->shares[0], state, op).value();
  mp::PartialSignature forged = partial;
  forged[31] ^= 1;
  const Bytes before = signers_[1].Encode();
  Status refused = signers_[1].CheckPeer(coin(), state, forged, op);
  EXPECT_EQ(refused.code(), StatusCode::kPermissionDenied) << refused.ToString();
  EXPECT_NE(refused.message().find("version 1"), std::string::npos) << refused.ToString();
  EXPECT_EQ(signers_[1].Encode(), before);
  // Signed by the wrong share, or for another state: refused too.
  EXPECT_EQ(signers_[1].CheckPeer(coin(), ch_->Payment(1, kCoin - 11), partial, op).code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(signers_[1].Encode(), before);
  ASSERT_TRUE(signers_[1].CheckPeer(coin(), state, partial, op).ok());
  EXPECT_FALSE(signers_[1].latest().has_value()) << "complete only once Bob signs";
}

TEST_F(SplitSignerTest, ANonceSignsOneStateOnly) {
  const channel::State state = ch_->Payment(1, kCoin);
  const mp::PublicNonce op = OperatorNonce(1);
  auto first = signers_[0].Sign(coin(), ch_->shares[0], state, op);
  ASSERT_TRUE(first.ok());
  Persist(0);
  // The same state again (a message sent again) gets the same signature.
  EXPECT_EQ(signers_[0].Sign(coin(), ch_->shares[0], state, op).value(), *first);
  // Another state at that version is refused.
  Status other = signers_[0].Sign(coin(), ch_->shares[0], ch_->Payment(1, kCoin - 1), op).status();
  EXPECT_EQ(other.code(), StatusCode::kFailedPrecondition) << other.ToString();
  // The nonce of a used version is not handed out again.
  EXPECT_EQ(signers_[0].NonceFor(ch_->shares[0], 1).status().code(),
            StatusCode::kFailedPrecondition);
  // Without the peer's nonce for a version, nothing is signed.
  ASSERT_TRUE(signers_[0].NonceFor(ch_->shares[0], 2).ok());
  EXPECT_EQ(signers_[0]
                .Sign(coin(), ch_->shares[0], ch_->Payment(2, 1), OperatorNonce(2))
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(SplitSignerTest, APeerNonceIsFixedPerVersionAndMustBeValid) {
  mp::PublicNonce bad{};
  EXPECT_EQ(signers_[0].SetPeerNonce(3, bad).code(), StatusCode::kInvalidArgument);
  const mp::PublicNonce other = SplitSigner(1).NonceFor(ch_->shares[1], 1).value();
  Status changed = signers_[0].SetPeerNonce(1, other);
  EXPECT_EQ(changed.code(), StatusCode::kInvalidArgument) << changed.ToString();
}

TEST_F(SplitSignerTest, AResyncAdoptsBothSignaturesOfANewerVersionOnlyIfTheyVerify) {
  Update(0, ch_->Payment(1, kCoin));
  SplitSigner late = signers_[1];  // Bob before version 2
  const channel::State state = ch_->Payment(2, kCoin - 7);
  Update(0, state);
  SplitSignatures sigs = *signers_[0].latest();
  SplitSignatures forged = sigs;
  forged.partials[0][5] ^= 1;
  EXPECT_EQ(late.Adopt(coin(), state, forged, OperatorNonce(2)).code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(late.latest()->version, 1u);
  ASSERT_TRUE(late.Adopt(coin(), state, sigs, OperatorNonce(2)).ok());
  EXPECT_EQ(late.latest()->version, 2u);
}

TEST_F(SplitSignerTest, DecodeRefusesBytesEncodeCannotMake) {
  Bytes bytes = signers_[0].Encode();
  bytes.push_back(0);
  EXPECT_EQ(SplitSigner::Decode(bytes).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(SplitSigner::Decode(Bytes{7}).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(SplitSigner::Decode(Bytes{}).status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace parley::settlement::statechain
