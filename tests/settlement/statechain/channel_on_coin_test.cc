// A payment channel on a statecoin: Alice's owner share is split with Bob,
// 1,000 payments run through the channel library's update protocol with a
// split signature per state, and the coin is settled cooperatively, through
// an operator dispute, or by backup.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>

#include "parley/channel/channel.h"
#include "parley/crypto/random.h"
#include "parley/settlement/statechain/operator_adjudicator.h"
#include "payment/payment_app.h"
#include "statechain/fake_ledger.h"

namespace parley::settlement::statechain {
namespace {

namespace mp = crypto::multi_party;
using channel::Amount;
using channel::Channel;
using channel::SignedState;
using channel::State;

constexpr int64_t kCoin = 1'000'000;
constexpr int64_t kFee = 1'000;
constexpr uint32_t kCoinLock = 11'000;
constexpr uint32_t kOpenBackupLock = 10'900;
constexpr uint32_t kCheckpointLock = 10'800;
constexpr uint64_t kCheckpointVersion = 500;
constexpr uint64_t kPayments = 1'000;

class ChannelOnCoinTest : public ::testing::Test {
 protected:
  ChannelOnCoinTest() : store_(store::NewMemoryStore()), operator_(*store_, ledger_, scheme_) {}

  void SetUp() override {
    // Alice's coin: P = O + S, funded on the ledger.
    const crypto::PrivateKey o = crypto::PrivateKey::Generate();
    const mp::CoinKey coin_key =
        mp::CoinKey::Create(o.public_key(), op_share_.public_key()).value();
    crypto::Transaction funding;
    funding.inputs.push_back({.prevout = {.txid = crypto::RandomHash32(), .index = 0}});
    const auto script = coin_key.ScriptPubKey();
    funding.outputs.push_back(
        {.amount_sats = kCoin, .script_pubkey = {script.begin(), script.end()}});
    ledger_.Mint(funding);

    // The channel's params, and o split into Alice's a and Bob's b.
    params_ = {.participants = {alice_key_.public_key(), bob_key_.public_key()},
               .nonce = crypto::RandomHash32(),
               .challenge_duration = 10,
               .app = apps::PaymentApp::kId,
               .backend = "statechain"};
    id_ = scheme_.ComputeChannelId(params_);
    mp::SplitShares split = mp::SplitShare(o).value();
    shares_ = {split.kept, split.given};
    const auto alice_payout = BackupScriptPubKey(alice_payout_.public_key());
    const auto bob_payout = BackupScriptPubKey(bob_payout_.public_key());
    coin_ = ChannelCoin{
        .coin = {.outpoint = {.txid = crypto::Txid(funding), .index = 0},
                 .amount_sats = kCoin,
                 .output_key = coin_key.output_key()},
        .shares = {shares_[0].public_key(), shares_[1].public_key(), op_share_.public_key()},
        .payout_scripts = {Bytes(alice_payout.begin(), alice_payout.end()),
                           Bytes(bob_payout.begin(), bob_payout.end())},
        .fee_sats = kFee};
    const ChannelOpening opening{.coin = *coin_,
                                 .owner_share = o.public_key(),
                                 .share_proofs = {crypto::two_party::ProveShare(shares_[0], id_),
                                                  crypto::two_party::ProveShare(shares_[1], id_)},
                                 .coin_lock_time = kCoinLock};
    ASSERT_TRUE(operator_.OpenChannel(params_, opening, op_share_).ok());

    // The channel library's open, then the first backup and 1,000 payments.
    const State initial{.channel_id = id_,
                        .version = 0,
                        .allocation = {.assets = {{.asset = "sats", .balances = {kCoin, 0}}}}};
    alice_.emplace(Channel::Propose(params_, initial, 0, alice_key_, scheme_, app_).value());
    bob_.emplace(
        Channel::FromProposal(params_, initial, 0, *alice_->latest().sigs[0], 1, scheme_, app_)
            .value());
    ASSERT_TRUE(alice_->AddInitialSignature(1, bob_->SignInitial(bob_key_).value()).ok());
    ASSERT_TRUE(alice_->MarkFunded().ok() && bob_->MarkFunded().ok());
    nonces_ = operator_.SplitNonces(id_, 0, kPayments + 2).value();
    Record(alice_->latest());
    open_backup_ = SignBackup(alice_->latest(), kOpenBackupLock);
    for (uint64_t i = 1; i <= kPayments; ++i) {
      // Alice pays 700 sats; every fourth payment Bob pays 300 back.
      const bool alice_pays = i % 4 != 0;
      Pay(alice_pays ? 0 : 1, alice_pays ? 700 : 300);
      if (i == kCheckpointVersion)
        checkpoint_backup_ = SignBackup(alice_->latest(), kCheckpointLock);
    }
    ASSERT_EQ(alice_->latest(), bob_->latest());
    ASSERT_EQ(alice_->latest().state.version, kPayments);
  }

  Channel& Of(channel::ParticipantIndex p) { return p == 0 ? *alice_ : *bob_; }
  const crypto::PrivateKey& KeyOf(channel::ParticipantIndex p) {
    return p == 0 ? alice_key_ : bob_key_;
  }

  // One update through the channel library, then both split signatures.
  void Pay(channel::ParticipantIndex payer, int64_t amount) {
    const State next = app_.ApplyAction(params_, Of(payer).ProposalBase(), payer,
                                        apps::PaymentApp::PayAction(amount, 1 - payer))
                           .value();
    Propose(payer, next);
  }
  void Propose(channel::ParticipantIndex proposer, const State& next) {
    Channel& from = Of(proposer);
    Channel& to = Of(1 - proposer);
    const Hash32 base = from.BaseHash(from.ProposalBase());
    const SignedState mine = from.ProposeUpdate(next, KeyOf(proposer)).value();
    const channel::Signature theirs =
        to.HandleProposal(next, base, proposer, *mine.sigs[proposer], KeyOf(1 - proposer)).value();
    ASSERT_TRUE(from.HandleAccept(next.version, 1 - proposer, theirs).ok());
    Record(from.latest());
  }

  // Keeps `state` with Alice's and Bob's partial signatures on its split.
  void Record(const SignedState& state) {
    const uint64_t v = state.state.version;
    const crypto::Transaction split = BuildSplit(*coin_, state.state, 0).value();
    states_[v] = state;
    splits_[v] = SignParticipants(split, nonces_[v], v);
  }

  SplitSignatures SignParticipants(const crypto::Transaction& tx, const mp::PublicNonce& op_nonce,
                                   uint64_t version) {
    auto a = crypto::two_party::NonceGen(shares_[0], {}).value();
    auto b = crypto::two_party::NonceGen(shares_[1], {}).value();
    const mp::Session session =
        SplitSession(*coin_, tx, {a.public_nonce, b.public_nonce, op_nonce}).value();
    return {.version = version,
            .nonces = {a.public_nonce, b.public_nonce},
            .partials = {mp::Sign(a.secret, shares_[0], session, 0).value(),
                         mp::Sign(b.secret, shares_[1], session, 1).value()}};
  }

  // A backup of `checkpoint` at `lock_time`, signed by all three.
  crypto::Transaction SignBackup(const SignedState& checkpoint, uint32_t lock_time) {
    crypto::Transaction tx = BuildSplit(*coin_, checkpoint.state, lock_time).value();
    const mp::PublicNonce op_nonce = operator_.BackupNonce(id_).value();
    auto a = crypto::two_party::NonceGen(shares_[0], {}).value();
    auto b = crypto::two_party::NonceGen(shares_[1], {}).value();
    const mp::Session session =
        SplitSession(*coin_, tx, {a.public_nonce, b.public_nonce, op_nonce}).value();
    const std::array<mp::PartialSignature, 3> partials = {
        mp::Sign(a.secret, shares_[0], session, 0).value(),
        mp::Sign(b.secret, shares_[1], session, 1).value(),
        operator_.SignBackup(params_, checkpoint, lock_time, {a.public_nonce, b.public_nonce})
            .value()};
    AttachSignature(&tx, mp::Aggregate(partials, session).value());
    return tx;
  }

  // What the ledger holds at output `index` of `tx`.
  int64_t Paid(const crypto::Transaction& tx, uint32_t index, ByteView script) {
    Result<crypto::TxOut> out = ledger_.UnspentOutput({.txid = crypto::Txid(tx), .index = index});
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    if (!out.ok()) return -1;
    EXPECT_EQ(out->script_pubkey, Bytes(script.begin(), script.end()));
    return out->amount_sats;
  }
  int64_t Balance(const SignedState& state, size_t p) {
    return static_cast<int64_t>(state.state.allocation.assets[0].balances[p]);
  }
  // The split of `state` paid each participant its balance less half the fee.
  void ExpectSplitOf(const crypto::Transaction& tx, const SignedState& state) {
    ASSERT_EQ(tx.outputs.size(), 2u);
    EXPECT_EQ(Paid(tx, 0, coin_->payout_scripts[0]), Balance(state, 0) - kFee / 2);
    EXPECT_EQ(Paid(tx, 1, coin_->payout_scripts[1]), Balance(state, 1) - kFee / 2);
    EXPECT_EQ(ledger_.UnspentOutput(coin_->coin.outpoint).status().code(), StatusCode::kNotFound);
  }

  channel::Bip340Scheme scheme_{"statechain"};
  apps::PaymentApp app_;
  testing::FakeLedger ledger_;
  std::unique_ptr<store::Store> store_;
  OperatorAdjudicator operator_;
  crypto::PrivateKey op_share_ = crypto::PrivateKey::Generate();
  crypto::PrivateKey alice_key_ = crypto::PrivateKey::Generate();
  crypto::PrivateKey bob_key_ = crypto::PrivateKey::Generate();
  crypto::PrivateKey alice_payout_ = crypto::PrivateKey::Generate();
  crypto::PrivateKey bob_payout_ = crypto::PrivateKey::Generate();
  std::vector<crypto::PrivateKey> shares_;
  channel::Params params_;
  channel::ChannelId id_{};
  std::optional<ChannelCoin> coin_;
  std::optional<Channel> alice_;
  std::optional<Channel> bob_;
  std::vector<mp::PublicNonce> nonces_;
  std::map<uint64_t, SignedState> states_;
  std::map<uint64_t, SplitSignatures> splits_;
  crypto::Transaction open_backup_;
  crypto::Transaction checkpoint_backup_;
};

TEST_F(ChannelOnCoinTest, CooperativeCloseIsOneSplitSignedByAllThree) {
  State final_state = alice_->latest().state;
  final_state.version += 1;
  final_state.is_final = true;
  Propose(0, final_state);
  const SignedState& closing = alice_->latest();
  ASSERT_TRUE(closing.state.is_final);
  ASSERT_TRUE(operator_.Register(params_, closing).ok());
  ASSERT_TRUE(operator_.Conclude(params_).ok()) << "a final state concludes at once";
  const crypto::Transaction split = BuildSplit(*coin_, closing.state, 0).value();
  Result<crypto::Transaction> tx =
      operator_.CoSignSplit(params_, split, splits_[closing.state.version]);
  ASSERT_TRUE(tx.ok()) << tx.status().ToString();
  ExpectSplitOf(*tx, closing);
  EXPECT_EQ(Balance(closing, 0) + Balance(closing, 1), kCoin);
  EXPECT_TRUE(operator_.Withdraw(params_, 0).ok());
}

TEST_F(ChannelOnCoinTest, ADisputeWithAStaleStateRefutedPaysTheLatestSplit) {
  std::vector<Event> events;
  operator_.Subscribe(id_, [&](const Event& e) { events.push_back(e); });
  const SignedState& stale = states_.at(400);
  const SignedState& latest = states_.at(kPayments);
  ASSERT_TRUE(operator_.Register(params_, stale).ok());  // Bob cheats
  const Tick timeout = operator_.GetDispute(id_)->timeout;
  EXPECT_EQ(timeout, ledger_.Height() + params_.challenge_duration);
  ledger_.Advance(5);
  ASSERT_TRUE(operator_.Register(params_, latest).ok());  // Alice refutes
  EXPECT_EQ(operator_.GetDispute(id_)->timeout, timeout) << "a refutation keeps the timeout";
  EXPECT_EQ(operator_.Conclude(params_).code(), StatusCode::kFailedPrecondition);
  ledger_.Advance(5);
  ASSERT_TRUE(operator_.Conclude(params_).ok());

  // The operator refuses the stale split, then completes the latest.
  const crypto::Transaction stale_split = BuildSplit(*coin_, stale.state, 0).value();
  const Status refused = operator_.CoSignSplit(params_, stale_split, splits_[400]).status();
  EXPECT_EQ(refused.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(refused.message().find("only the split of the concluded state"), std::string::npos);
  const crypto::Transaction split = BuildSplit(*coin_, latest.state, 0).value();
  Result<crypto::Transaction> tx = operator_.CoSignSplit(params_, split, splits_[kPayments]);
  ASSERT_TRUE(tx.ok()) << tx.status().ToString();
  ExpectSplitOf(*tx, latest);
  // Registered twice, concluded, two withdrawals.
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[1].version, kPayments);
  EXPECT_EQ(events[2].kind, EventKind::kConcluded);
  EXPECT_EQ(events[4].kind, EventKind::kWithdrawn);
}

TEST_F(ChannelOnCoinTest, TheBackupSettlesTheLastCheckpointAtItsLockTime) {
  // The operator vanishes. Neither backup is valid before its lock time.
  EXPECT_EQ(ledger_.Broadcast(checkpoint_backup_).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(ledger_.Broadcast(open_backup_).code(), StatusCode::kFailedPrecondition);
  ledger_.Advance(kCheckpointLock - ledger_.Height() - 1);
  EXPECT_EQ(ledger_.Broadcast(checkpoint_backup_).code(), StatusCode::kFailedPrecondition);
  ledger_.Advance(1);
  ASSERT_TRUE(ledger_.Broadcast(checkpoint_backup_).ok());
  ExpectSplitOf(checkpoint_backup_, states_.at(kCheckpointVersion));
  // The open-time backup (Alice's whole coin) lost the race for good.
  ledger_.Advance(kOpenBackupLock - kCheckpointLock);
  EXPECT_FALSE(ledger_.Broadcast(open_backup_).ok());
}

TEST_F(ChannelOnCoinTest, BadRequestsAreRefusedAndChangeNothing) {
  SignedState forged = states_.at(kPayments);
  (*forged.sigs[1])[5] ^= 1;
  EXPECT_EQ(operator_.Register(params_, forged).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(operator_.GetDispute(id_).status().code(), StatusCode::kNotFound);

  const crypto::Transaction split = BuildSplit(*coin_, states_.at(kPayments).state, 0).value();
  EXPECT_EQ(operator_.CoSignSplit(params_, split, splits_[kPayments]).status().code(),
            StatusCode::kFailedPrecondition)
      << "nothing is concluded yet";

  ASSERT_TRUE(operator_.Register(params_, states_.at(kPayments)).ok());
  const Dispute before = operator_.GetDispute(id_).value();
  EXPECT_EQ(operator_.Register(params_, states_.at(kPayments)).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(operator_.Register(params_, states_.at(999)).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(operator_.GetDispute(id_).value(), before);
  EXPECT_EQ(operator_.SignBackup(params_, states_.at(kPayments), 10'000, {}).status().code(),
            StatusCode::kFailedPrecondition)
      << "no checkpoints during a dispute";

  ledger_.Advance(params_.challenge_duration);
  ASSERT_TRUE(operator_.Conclude(params_).ok());
  // A different transaction with the right version: all to Bob.
  crypto::Transaction other = split;
  other.outputs = {{.amount_sats = kCoin - kFee, .script_pubkey = coin_->payout_scripts[1]}};
  EXPECT_EQ(operator_.CoSignSplit(params_, other, splits_[kPayments]).status().code(),
            StatusCode::kPermissionDenied);
  // The right split with a tampered partial signature.
  SplitSignatures tampered = splits_[kPayments];
  tampered.partials[1][31] ^= 1;
  EXPECT_EQ(operator_.CoSignSplit(params_, split, tampered).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(ledger_.UnspentOutput(coin_->coin.outpoint).ok()) << "nothing was spent";
  // And the right request still works afterwards.
  EXPECT_TRUE(operator_.CoSignSplit(params_, split, splits_[kPayments]).ok());
}

TEST_F(ChannelOnCoinTest, ABackupNeedsALowerLockTime) {
  EXPECT_EQ(operator_.BackupNonce(id_).status().code(), StatusCode::kOk);
  const Status status =
      operator_.SignBackup(params_, states_.at(kPayments), kCheckpointLock, {}).status();
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("below 10800"), std::string::npos) << status.message();
}

}  // namespace
}  // namespace parley::settlement::statechain
