// CoinChannelHook, driven as two nodes would drive it (docs/statechain.md,
// "In the node"): Alice opens a channel on her coin at an Operator with
// Bob, 100 payments carry both partial signatures on each state's split,
// and settling completes the split at the OperatorAdjudicator. Each step's
// data is kept only if the step succeeds, as the node keeps it.
#include "parley/settlement/statechain/coin_channel_hook.h"

#include <gtest/gtest.h>

#include <array>
#include <optional>

#include "parley/channel/scheme.h"
#include "parley/crypto/random.h"
#include "parley/settlement/forwarding_adjudicator.h"
#include "parley/settlement/statechain/operator.h"
#include "parley/settlement/statechain/operator_adjudicator.h"
#include "payment/payment_app.h"
#include "statechain/coin_channel.h"
#include "statechain/fake_ledger.h"

namespace parley::settlement::statechain {
namespace {

namespace mp = crypto::multi_party;
using testing::OperatorCoin;

constexpr int64_t kCoin = 100'000;
constexpr uint64_t kChallenge = 10;
// A backup every 10 versions, each 10 blocks below the one before.
constexpr BackupPolicy kBackups{.every_versions = 10, .lock_step = 10};

Bytes PayoutScript(const crypto::PrivateKey& key) {
  const auto script = BackupScriptPubKey(key.public_key());
  return Bytes(script.begin(), script.end());
}

// Passes every call on to the OperatorAdjudicator, counting the requests
// for split nonces (each is an RPC to the operator in a node).
class CountingAdjudicator final : public ForwardingAdjudicator<ChannelAdjudicator> {
 public:
  using ForwardingAdjudicator::ForwardingAdjudicator;
  int split_nonce_requests = 0;

  Result<std::vector<mp::PublicNonce>> SplitNonces(const channel::ChannelId& channel,
                                                   uint64_t first_version, size_t count) override {
    ++split_nonce_requests;
    return inner().SplitNonces(channel, first_version, count);
  }
  Result<crypto::Transaction> CoSignSplit(const channel::Params& params,
                                          const crypto::Transaction& split,
                                          const SplitSignatures& signatures) override {
    return inner().CoSignSplit(params, split, signatures);
  }
  Result<mp::PublicNonce> BackupNonce(const channel::ChannelId& channel) override {
    return inner().BackupNonce(channel);
  }
  Result<mp::PartialSignature> SignBackup(
      const channel::Params& params, const channel::SignedState& checkpoint, uint32_t lock_time,
      const std::array<mp::PublicNonce, kChannelParticipants>& nonces) override {
    return inner().SignBackup(params, checkpoint, lock_time, nonces);
  }
};

class CoinChannelHookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    coin_.emplace(OperatorCoin::Deposit(op_).value());
    hand_over_.emplace(coin_->FundOn(ledger_, kCoin, PayoutScript(alice_payout_)));
    params_ = {.participants = {keys_[0].public_key(), keys_[1].public_key()},
               .nonce = crypto::RandomHash32(),
               .challenge_duration = kChallenge,
               .app = apps::PaymentApp::kId,
               .backend = "statechain"};
  }

  channel::State Payment(uint64_t version, int64_t alice, bool is_final = false) const {
    return {.channel_id = scheme_.ComputeChannelId(params_),
            .version = version,
            .allocation = {.assets = {{.asset = "sats", .balances = {alice, kCoin - alice}}}},
            .is_final = is_final};
  }
  channel::SignedState SignBoth(const channel::State& state) const {
    const Hash32 hash = scheme_.StateHash(state);
    return {.state = state, .sigs = {scheme_.Sign(keys_[0], hash), scheme_.Sign(keys_[1], hash)}};
  }

  // The proposal, Bob's accept, and Alice moving the coin into the channel.
  void Open() {
    const channel::State initial = Payment(0, kCoin);
    auto proposed = hooks_[0].ProposeChannel(params_, initial, Encode(*hand_over_));
    ASSERT_TRUE(proposed.ok()) << proposed.status().ToString();
    auto accepted = hooks_[1].AcceptChannel(params_, 1, initial, proposed->extra);
    ASSERT_TRUE(accepted.ok()) << accepted.status().ToString();
    auto checked = hooks_[0].CheckExtra(params_, proposed->data, initial, accepted->extra);
    ASSERT_TRUE(checked.ok()) << checked.status().ToString();
    data_ = {*checked, accepted->data};
    latest_ = SignBoth(initial);
    const channel::ChannelId id = initial.channel_id;
    EXPECT_FALSE(hooks_[1].Funded(id, data_[1]).value()) << "the coin is still Alice's alone";
    ASSERT_TRUE(hooks_[1].Fund(params_, id, data_[1], 1).ok()) << "Bob has nothing to move";
    Status funded = hooks_[0].Fund(params_, id, data_[0], 0);
    ASSERT_TRUE(funded.ok()) << funded.ToString();
    EXPECT_TRUE(hooks_[1].Funded(id, data_[1]).value());
    EXPECT_TRUE(hooks_[0].Fund(params_, id, data_[0], 0).ok()) << "again after a restart";
  }

  // One update of `state` proposed by `proposer`.
  void Update(size_t proposer, const channel::State& state) {
    const size_t acceptor = 1 - proposer;
    auto proposed = hooks_[proposer].SignExtra(params_, data_[proposer], state, latest_);
    ASSERT_TRUE(proposed.ok()) << proposed.status().ToString();
    data_[proposer] = proposed->data;
    auto checked = hooks_[acceptor].CheckExtra(params_, data_[acceptor], state, proposed->extra);
    ASSERT_TRUE(checked.ok()) << checked.status().ToString();
    data_[acceptor] = *checked;
    auto accepted = hooks_[acceptor].SignExtra(params_, data_[acceptor], state, latest_);
    ASSERT_TRUE(accepted.ok()) << accepted.status().ToString();
    data_[acceptor] = accepted->data;
    checked = hooks_[proposer].CheckExtra(params_, data_[proposer], state, accepted->extra);
    ASSERT_TRUE(checked.ok()) << checked.status().ToString();
    data_[proposer] = *checked;
    latest_ = SignBoth(state);
  }

  // The latest backup participant `p`'s data holds.
  std::optional<ChannelBackup> Backup(size_t p) const {
    return CoinChannelHook::LatestBackup(data_[p]).value();
  }

  int64_t Paid(const crypto::PrivateKey& payout) const {
    return ledger_.SatsPaidTo(PayoutScript(payout));
  }

  channel::Bip340Scheme scheme_{"statechain"};
  testing::FakeLedger ledger_;
  std::unique_ptr<store::Store> store_ = store::NewMemoryStore();
  Operator op_{*store_, ledger_};
  OperatorAdjudicator adj_{*store_, ledger_, scheme_};
  CountingAdjudicator counted_{adj_};  // what the hooks call
  std::optional<OperatorCoin> coin_;
  std::optional<CoinForChannel> hand_over_;
  const std::array<crypto::PrivateKey, 2> keys_ = {crypto::PrivateKey::Generate(),
                                                   crypto::PrivateKey::Generate()};
  const crypto::PrivateKey alice_payout_ = crypto::PrivateKey::Generate();
  const crypto::PrivateKey bob_payout_ = crypto::PrivateKey::Generate();
  CoinChannelHook::OpenChannelFn open_ = [this](const OpenChannelRequest& request) {
    return adj_.OpenChannel(op_, request);
  };
  std::array<CoinChannelHook, 2> hooks_ = {
      CoinChannelHook(keys_[0], counted_, op_, open_, PayoutScript(alice_payout_), kBackups),
      CoinChannelHook(keys_[1], counted_, op_, open_, PayoutScript(bob_payout_), kBackups)};
  channel::Params params_;
  std::array<Bytes, 2> data_;
  channel::SignedState latest_;  // the latest state both signed
};

TEST_F(CoinChannelHookTest, AHundredPaymentsThenACooperativeClosePaysTheSplitExactly) {
  Open();
  EXPECT_EQ(op_.GetCoinInfo(coin_->coin_id)->status, CoinStatus::kInChannel);
  int64_t alice = kCoin;
  for (uint64_t v = 1; v <= 100; ++v) {
    alice -= static_cast<int64_t>(v);
    Update(v % 7 == 0 ? 1 : 0, Payment(v, alice));  // Bob proposes now and then
  }
  const channel::State final_state = Payment(101, alice, /*is_final=*/true);
  Update(0, final_state);
  Status settled = hooks_[1].ConcludeAndWithdraw(params_, data_[1], SignBoth(final_state), 1);
  ASSERT_TRUE(settled.ok()) << settled.ToString();
  EXPECT_EQ(Paid(alice_payout_), kCoin - 5050);
  EXPECT_EQ(Paid(bob_payout_), 5050);
  // Alice's own call finds the split paid and claims her output.
  settled = hooks_[0].ConcludeAndWithdraw(params_, data_[0], SignBoth(final_state), 0);
  EXPECT_TRUE(settled.ok()) << settled.ToString();
  EXPECT_EQ(op_.GetCoinInfo(coin_->coin_id)->status, CoinStatus::kWithdrawn);
}

TEST_F(CoinChannelHookTest, EachNodeAsksTheOperatorForAVersionsSplitNonceOnce) {
  Open();
  const int before = counted_.split_nonce_requests;
  for (uint64_t v = 1; v <= 10; ++v) Update(v % 2, Payment(v, kCoin - 10 * v));
  // Each node's SignExtra and CheckExtra of a version use the same nonce.
  EXPECT_EQ(counted_.split_nonce_requests - before, 2 * 10);

  // Once the channel settles, Bob's hook forgets its nonce: asked again, it
  // asks the operator, which refuses.
  const channel::State final_state = Payment(11, kCoin - 110, /*is_final=*/true);
  Update(1, final_state);
  Status settled = hooks_[1].ConcludeAndWithdraw(params_, data_[1], SignBoth(final_state), 1);
  ASSERT_TRUE(settled.ok()) << settled.ToString();
  const int settled_count = counted_.split_nonce_requests;
  auto again = hooks_[1].SignExtra(params_, data_[1], final_state, SignBoth(final_state));
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(counted_.split_nonce_requests, settled_count + 1);
}

TEST_F(CoinChannelHookTest, ADisputeWithAStaleStateRefutedPaysTheLatest) {
  Open();
  for (uint64_t v = 1; v <= 10; ++v) Update(0, Payment(v, kCoin - 100 * v));
  ASSERT_TRUE(adj_.Register(params_, SignBoth(Payment(4, kCoin - 400))).ok());    // Bob cheats
  ASSERT_TRUE(adj_.Register(params_, SignBoth(Payment(10, kCoin - 1000))).ok());  // refuted
  const channel::SignedState latest = SignBoth(Payment(10, kCoin - 1000));
  EXPECT_EQ(hooks_[0].ConcludeAndWithdraw(params_, data_[0], latest, 0).code(),
            StatusCode::kFailedPrecondition)
      << "not before the timeout";
  ledger_.Advance(kChallenge);
  Status settled = hooks_[0].ConcludeAndWithdraw(params_, data_[0], latest, 0);
  ASSERT_TRUE(settled.ok()) << settled.ToString();
  EXPECT_EQ(Paid(alice_payout_), kCoin - 1000);
  EXPECT_EQ(Paid(bob_payout_), 1000);
}

TEST_F(CoinChannelHookTest, ABadPartialSignatureIsRefusedAndTheDataStaysUsable) {
  Open();
  Update(0, Payment(1, kCoin - 10));
  const channel::State state = Payment(2, kCoin - 20);
  auto proposed = hooks_[0].SignExtra(params_, data_[0], state, latest_);
  ASSERT_TRUE(proposed.ok());
  data_[0] = proposed->data;
  Bytes forged = proposed->extra;
  forged[10] ^= 1;  // inside the partial signature
  auto refused = hooks_[1].CheckExtra(params_, data_[1], state, forged);
  EXPECT_EQ(refused.status().code(), StatusCode::kPermissionDenied) << refused.status().ToString();
  // Bytes that do not decode, or the signature of another state: refused too.
  EXPECT_EQ(hooks_[1].CheckExtra(params_, data_[1], state, Bytes{3, 1}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(hooks_[1]
                .CheckExtra(params_, data_[1], Payment(2, kCoin - 21), proposed->extra)
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  // Bob's data is as it was: the genuine proposal still goes through.
  auto checked = hooks_[1].CheckExtra(params_, data_[1], state, proposed->extra);
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
}

TEST_F(CoinChannelHookTest, ARefusalCarriesTheRefusersNextNonce) {
  Open();
  Update(0, Payment(1, kCoin - 10));
  // Alice proposes version 2; Bob refuses it (say, his app does), which
  // uses the version up: his refusal carries his nonce for version 3, and
  // he records hers from the refused proposal.
  auto proposed = hooks_[0].SignExtra(params_, data_[0], Payment(2, kCoin - 20), latest_);
  ASSERT_TRUE(proposed.ok()) << proposed.status().ToString();
  data_[0] = proposed->data;
  auto refusal = hooks_[1].RejectExtra(params_, data_[1], 2, proposed->extra);
  ASSERT_TRUE(refusal.ok()) << refusal.status().ToString();
  data_[1] = refusal->data;
  auto again = hooks_[1].RejectExtra(params_, data_[1], 2, Bytes{1, 2, 3});
  ASSERT_TRUE(again.ok()) << "a peer's bytes never make the refusal fail";
  EXPECT_EQ(again->extra, refusal->extra) << "the same nonce for the same version";
  EXPECT_EQ(hooks_[0].CheckRejectExtra(params_, data_[0], Bytes{4}).status().code(),
            StatusCode::kInvalidArgument);
  auto checked = hooks_[0].CheckRejectExtra(params_, data_[0], refusal->extra);
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
  data_[0] = *checked;
  // Alice's retry at version 3 is signed and settles.
  const channel::State final_state = Payment(3, kCoin - 30, /*is_final=*/true);
  Update(0, final_state);
  Status settled = hooks_[1].ConcludeAndWithdraw(params_, data_[1], SignBoth(final_state), 1);
  ASSERT_TRUE(settled.ok()) << settled.ToString();
  EXPECT_EQ(Paid(alice_payout_), kCoin - 30);
  EXPECT_EQ(Paid(bob_payout_), 30);
}

TEST_F(CoinChannelHookTest, ASyncCarriesWhatSettlesTheLatestStateAndTheNextNonce) {
  Open();
  Update(0, Payment(1, kCoin - 10));
  // Alice proposes version 2; Bob countersigns; his answer is lost.
  const channel::State second = Payment(2, kCoin - 20);
  auto proposed = hooks_[0].SignExtra(params_, data_[0], second, latest_);
  ASSERT_TRUE(proposed.ok());
  data_[0] = proposed->data;
  const Bytes bob_at_1 = data_[1];
  auto checked = hooks_[1].CheckExtra(params_, data_[1], second, proposed->extra);
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
  auto accepted = hooks_[1].SignExtra(params_, *checked, second, latest_);
  ASSERT_TRUE(accepted.ok()) << accepted.status().ToString();
  data_[1] = accepted->data;

  // A sync of version 1 says nothing of version 2: Alice does not adopt it.
  auto stale = hooks_[1].SyncExtra(params_, bob_at_1, Payment(1, kCoin - 10), 1);
  ASSERT_TRUE(stale.ok()) << stale.status().ToString();
  EXPECT_EQ(hooks_[0].CheckSyncExtra(params_, data_[0], second, stale->extra).status().code(),
            StatusCode::kFailedPrecondition);
  // Bob's sync of version 2: its split signatures, one of them forged.
  auto synced = hooks_[1].SyncExtra(params_, data_[1], second, 2);
  ASSERT_TRUE(synced.ok()) << synced.status().ToString();
  Bytes forged = synced->extra;
  forged[1 + 1 + 8 + 2 * sizeof(mp::PublicNonce) + 3] ^= 1;  // in Alice's partial signature
  EXPECT_EQ(hooks_[0].CheckSyncExtra(params_, data_[0], second, forged).status().code(),
            StatusCode::kPermissionDenied);
  auto adopted = hooks_[0].CheckSyncExtra(params_, data_[0], second, synced->extra);
  ASSERT_TRUE(adopted.ok()) << adopted.status().ToString();
  data_[0] = *adopted;
  // Alice, who proposed version 2, has her nonce for 3; the sync gave her
  // Bob's: the next update goes through and settles.
  const channel::State final_state = Payment(3, kCoin - 35, /*is_final=*/true);
  Update(0, final_state);
  Status settled = hooks_[0].ConcludeAndWithdraw(params_, data_[0], SignBoth(final_state), 0);
  ASSERT_TRUE(settled.ok()) << settled.ToString();
  EXPECT_EQ(Paid(alice_payout_), kCoin - 35);
  EXPECT_EQ(Paid(bob_payout_), 35);
}

// A lost ChannelProposal or ChannelAccept goes again with the same extra:
// the proposer's until the accept, the acceptor's until its first nonce signs.
TEST_F(CoinChannelHookTest, TheOpeningsExtrasAreTheSameAgainUntilTheOpeningIsDone) {
  const channel::State initial = Payment(0, kCoin);
  auto proposed = hooks_[0].ProposeChannel(params_, initial, Encode(*hand_over_));
  ASSERT_TRUE(proposed.ok()) << proposed.status().ToString();
  auto again = hooks_[0].OpeningExtraAgain(params_, proposed->data);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, proposed->extra);
  auto accepted = hooks_[1].AcceptChannel(params_, 1, initial, *again);
  ASSERT_TRUE(accepted.ok()) << accepted.status().ToString();
  again = hooks_[1].OpeningExtraAgain(params_, accepted->data);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, accepted->extra);
  // Bob's SyncState of the initial state does not stand in for his accept.
  auto sync = hooks_[1].SyncExtra(params_, accepted->data, initial, 0);
  ASSERT_TRUE(sync.ok()) << sync.status().ToString();
  EXPECT_EQ(hooks_[0].CheckSyncExtra(params_, proposed->data, initial, sync->extra).status().code(),
            StatusCode::kFailedPrecondition);
  auto checked = hooks_[0].CheckExtra(params_, proposed->data, initial, *again);
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
  EXPECT_EQ(hooks_[0].OpeningExtraAgain(params_, *checked).status().code(),
            StatusCode::kFailedPrecondition);
  data_ = {*checked, accepted->data};
  ASSERT_TRUE(hooks_[0].Fund(params_, initial.channel_id, data_[0], 0).ok());
  Update(0, Payment(1, kCoin - 10));
  EXPECT_EQ(hooks_[1].OpeningExtraAgain(params_, data_[1]).status().code(),
            StatusCode::kFailedPrecondition)
      << "Bob has signed version 1: Alice had his accept";
}

// Alice's data once Bob has accepted holds no sealed share: written by the
// code before that trailing field existed, it lacks the field's length.
// The length of the trailing u32-length field of `data` (the longest that
// fits: a short match may be zeros inside the field).
size_t TrailingFieldSize(const Bytes& data) {
  for (size_t n = data.size() - 4; n > 0; --n) {
    const uint8_t* at = data.data() + data.size() - n - 4;
    if ((size_t{at[0]} << 24 | size_t{at[1]} << 16 | size_t{at[2]} << 8 | at[3]) == n) return n;
  }
  return data.size();
}

TEST_F(CoinChannelHookTest, DataWrittenBeforeItsTrailingFieldsIsUsable) {
  Open();
  for (Bytes& data : data_) {  // as written before the backups and the sealed share
    const size_t backups = TrailingFieldSize(data);
    ASSERT_LT(backups, data.size());
    data.resize(data.size() - 4 - backups);
    ASSERT_EQ(Bytes(data.end() - 4, data.end()), Bytes(4, 0)) << "an empty sealed share";
    data.resize(data.size() - 4);
  }
  Update(0, Payment(1, kCoin - 10));
  Update(1, Payment(2, kCoin - 5));
  const channel::State final_state = Payment(3, kCoin - 5, /*is_final=*/true);
  Update(0, final_state);
  Status settled = hooks_[1].ConcludeAndWithdraw(params_, data_[1], SignBoth(final_state), 1);
  ASSERT_TRUE(settled.ok()) << settled.ToString();
  EXPECT_EQ(Paid(bob_payout_), 5);
}

TEST_F(CoinChannelHookTest, AnOpeningBobCannotCheckIsRefused) {
  const channel::State initial = Payment(0, kCoin);
  auto proposed = hooks_[0].ProposeChannel(params_, initial, Encode(*hand_over_));
  ASSERT_TRUE(proposed.ok());
  // A node the share was not sealed to.
  const crypto::PrivateKey carol = crypto::PrivateKey::Generate();
  CoinChannelHook carols(carol, adj_, op_, open_, PayoutScript(carol));
  EXPECT_EQ(carols.AcceptChannel(params_, 1, initial, proposed->extra).status().code(),
            StatusCode::kPermissionDenied);
  // An initial state that does not give Alice the whole coin.
  EXPECT_EQ(
      hooks_[1].AcceptChannel(params_, 1, Payment(0, kCoin - 1), proposed->extra).status().code(),
      StatusCode::kInvalidArgument);
  // Bytes that do not decode.
  EXPECT_EQ(hooks_[1].AcceptChannel(params_, 1, initial, Bytes{1, 2, 3}).status().code(),
            StatusCode::kInvalidArgument);
  // Alice's coin must be hers: a wrong operator share is refused before anything is sent.
  CoinForChannel wrong = *hand_over_;
  wrong.owner.operator_share = crypto::PrivateKey::Generate().public_key();
  EXPECT_EQ(hooks_[0].ProposeChannel(params_, initial, Encode(wrong)).status().code(),
            StatusCode::kInvalidArgument);
  // Before Bob's accept there is nothing to move into the channel.
  EXPECT_EQ(CoinChannelHook::OpenRequest(params_, proposed->data, op_.NewChallenge().value())
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(CoinChannelHookTest, BobRefusesACoinTheOperatorDoesNotReportActive) {
  Open();                                  // the coin is in this channel now
  params_.nonce = crypto::RandomHash32();  // a second channel on the same coin
  const channel::State second = Payment(0, kCoin);
  auto proposed = hooks_[0].ProposeChannel(params_, second, Encode(*hand_over_));
  ASSERT_TRUE(proposed.ok());
  auto refused = hooks_[1].AcceptChannel(params_, 1, second, proposed->extra);
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition)
      << refused.status().ToString();
}

}  // namespace
}  // namespace parley::settlement::statechain

namespace parley::settlement::statechain {
namespace {

TEST_F(CoinChannelHookTest, BackupsComeWithUpdatesAndTheLastSettlesIfTheOperatorVanishes) {
  Open();
  int64_t alice = kCoin;
  for (uint64_t v = 1; v <= 25; ++v) {
    alice -= 100;
    Update(v % 3 == 0 ? 1 : 0, Payment(v, alice));              // either proposer asks for a backup
    const uint64_t expected = v <= 10 ? 0 : v <= 20 ? 10 : 20;  // asked with the next update
    ASSERT_TRUE(Backup(0).has_value() && Backup(1).has_value()) << "version " << v;
    EXPECT_EQ(Backup(0)->version, expected) << "version " << v;
    EXPECT_EQ(crypto::Serialize(Backup(0)->tx), crypto::Serialize(Backup(1)->tx))
        << "both hold the same backup";
  }
  // Three backups, each one step lower: the last 30 blocks below the coin's.
  const uint32_t lock_time = Backup(0)->lock_time;
  EXPECT_EQ(lock_time, hand_over_->owner.lock_time - 3 * kBackups.lock_step);
  // The operator vanishes. The backup is not valid before its lock time.
  const crypto::Transaction backup = Backup(1)->tx;
  ledger_.Advance(lock_time - ledger_.Height() - 1);
  EXPECT_EQ(ledger_.Broadcast(backup).code(), StatusCode::kFailedPrecondition);
  ledger_.Advance(1);
  Status broadcast = ledger_.Broadcast(backup);
  ASSERT_TRUE(broadcast.ok()) << broadcast.ToString();
  EXPECT_EQ(Paid(alice_payout_), kCoin - 2000) << "the split of version 20";
  EXPECT_EQ(Paid(bob_payout_), 2000);
}

TEST_F(CoinChannelHookTest, ABackupThatCannotBeMadeIsLeftOutAndTheUpdateGoesOn) {
  Open();
  // Version 1's proposal asks for the backup of version 0, with a forged
  // partial signature: Bob accepts the update and leaves the backup out.
  const channel::State first = Payment(1, kCoin - 10);
  auto proposed = hooks_[0].SignExtra(params_, data_[0], first, latest_);
  ASSERT_TRUE(proposed.ok()) << proposed.status().ToString();
  data_[0] = proposed->data;
  Bytes forged = proposed->extra;
  constexpr size_t kRequestPartial = 1 + 32 + 8 + 66 + 1 + 66 + 1 + 8 + 4 + 3 * 66;
  ASSERT_GT(forged.size(), kRequestPartial + 32);
  forged[kRequestPartial + 5] ^= 1;
  auto checked = hooks_[1].CheckExtra(params_, data_[1], first, forged);
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
  auto accepted = hooks_[1].SignExtra(params_, *checked, first, latest_);
  ASSERT_TRUE(accepted.ok()) << accepted.status().ToString();
  data_[1] = accepted->data;
  checked = hooks_[0].CheckExtra(params_, data_[0], first, accepted->extra);
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
  data_[0] = *checked;
  latest_ = SignBoth(first);
  EXPECT_FALSE(Backup(0).has_value());
  EXPECT_FALSE(Backup(1).has_value());
  // The next update asks again (Alice asked for a fresh operator nonce, and
  // Bob's nonce was not used), and both hold the backup of version 1.
  Update(0, Payment(2, kCoin - 20));
  ASSERT_TRUE(Backup(0).has_value() && Backup(1).has_value());
  EXPECT_EQ(Backup(0)->version, 1u);
  EXPECT_EQ(Backup(1)->version, 1u);
}

TEST_F(CoinChannelHookTest, NoBackupIsMadeTooCloseToTheLastLockTime) {
  Open();
  // Near the coin's lock time a backup would leave no room for a dispute.
  ledger_.Advance(hand_over_->owner.lock_time - ledger_.Height() - kChallenge - kBackups.lock_step);
  Update(0, Payment(1, kCoin - 10));
  EXPECT_FALSE(Backup(0).has_value());
  EXPECT_FALSE(Backup(1).has_value());
  // Payments go on, and the channel still settles at the operator.
  const channel::State final_state = Payment(2, kCoin - 20, /*is_final=*/true);
  Update(1, final_state);
  Status settled = hooks_[0].ConcludeAndWithdraw(params_, data_[0], SignBoth(final_state), 0);
  ASSERT_TRUE(settled.ok()) << settled.ToString();
  EXPECT_EQ(Paid(bob_payout_), 20);
}

}  // namespace
}  // namespace parley::settlement::statechain
