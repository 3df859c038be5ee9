// Two Nodes run a payment channel on a statecoin (docs/statechain.md, "In
// the node"): their statechain backend's adjudicator is an in-process
// OperatorAdjudicator and its hook a CoinChannelHook, on the in-memory
// network. Alice opens on her coin at the Operator; each update carries the
// partial signatures on its state's split; settling completes the split.
#include <gtest/gtest.h>

#include <array>
#include <map>
#include <memory>
#include <optional>

#include "parley/channel/scheme.h"
#include "parley/client/node.h"
#include "parley/crypto/random.h"
#include "parley/settlement/statechain/backup.h"
#include "parley/settlement/statechain/coin_channel_hook.h"
#include "parley/settlement/statechain/operator.h"
#include "parley/settlement/statechain/operator_adjudicator.h"
#include "parley/store/channel_store.h"
#include "parley/wire/memory_transport.h"
#include "payment/payment_app.h"
#include "statechain/coin_channel.h"
#include "statechain/fake_ledger.h"

namespace parley::client {
namespace {

namespace sc = settlement::statechain;
namespace mp = crypto::multi_party;

constexpr int64_t kCoin = 100'000;
constexpr uint64_t kChallenge = 10;
// A backup every 10 versions, each 10 blocks below the one before.
constexpr settlement::statechain::BackupPolicy kBackups{.every_versions = 10, .lock_step = 10};

Bytes PayoutScript(const crypto::PrivateKey& key) {
  const auto script = sc::BackupScriptPubKey(key.public_key());
  return Bytes(script.begin(), script.end());
}

// A backend with a hook funds through the hook: its Funder is never asked.
class NoFunder final : public settlement::Funder {
 public:
  Status Deposit(const channel::Params&, channel::ParticipantIndex, const std::string&,
                 const channel::Amount&) override {
    return Status::FailedPrecondition("a statecoin channel is funded by its hook");
  }
  Result<std::vector<channel::Amount>> Deposits(const channel::Params&,
                                                const std::string&) const override {
    return Status::FailedPrecondition("a statecoin channel is funded by its hook");
  }
};

// One participant: its node, its store and its hook.
struct CoinPeer {
  CoinPeer(crypto::PrivateKey k, sc::OperatorAdjudicator& adj, sc::Operator& op,
           const sc::CoinChannelHook::OpenChannelFn& open, settlement::Funder& funder,
           const channel::SignatureScheme& scheme, wire::MemoryNetwork& net,
           const channel::AppRegistry& registry)
      : key(k),
        hook(k, adj, op, open, PayoutScript(payout), kBackups),
        backends{{funder, adj, scheme, &hook}},
        network(net),
        apps(registry) {
    MakeNode();
  }

  // The node goes down and starts again on the same store; what was in
  // flight to it is lost.
  Status Restart() {
    node.reset();
    MakeNode();
    return node->Start();
  }

  crypto::PrivateKey key;
  crypto::PrivateKey payout = crypto::PrivateKey::Generate();
  std::unique_ptr<store::Store> store = store::NewMemoryStore();
  sc::CoinChannelHook hook;
  std::vector<SettlementBackend> backends;
  wire::MemoryNetwork& network;
  const channel::AppRegistry& apps;
  std::unique_ptr<Node> node;

 private:
  void MakeNode() {
    node = std::make_unique<Node>(key, *store, network.Join(key.public_key()), backends, apps,
                                  NodeOptions{.max_deposit_on_proposal = 0});
  }
};

class NodeStatecoinTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(apps_.Register(std::make_shared<apps::PaymentApp>()).ok());
    ASSERT_TRUE(alice_.node->Start().ok());
    ASSERT_TRUE(bob_.node->Start().ok());
    coin_.emplace(sc::testing::OperatorCoin::Deposit(op_).value());
    hand_over_.emplace(coin_->FundOn(ledger_, kCoin, PayoutScript(alice_.payout)));
  }

  void Deliver() {
    do {
      network_.Deliver();
      alice_.node->ProcessLedgerEvents();
      bob_.node->ProcessLedgerEvents();
    } while (network_.Queued() > 0);
  }

  // Alice opens a channel on her coin with Bob; both see it open.
  channel::ChannelId Open() {
    const channel::ChannelId id = Propose();
    Deliver();
    ExpectOpen(id);
    return id;
  }

  // Alice proposes a channel on her coin with Bob; nothing is delivered.
  channel::ChannelId Propose() {
    auto id = alice_.node->OpenChannel({.peer = bob_.key.public_key(),
                                        .backend = "statechain",
                                        .app = apps::PaymentApp::kId,
                                        .asset = "sats",
                                        .my_deposit = kCoin,
                                        .peer_deposit = 0,
                                        .challenge_duration = kChallenge,
                                        .backend_args = sc::Encode(*hand_over_)});
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : channel::ChannelId{};
  }

  // The coin is in the channel, and Alice sees the channel open (Bob does
  // once he sees the coin there, checked when her first update arrives).
  void ExpectOpen(const channel::ChannelId& id) {
    EXPECT_EQ(op_.GetCoinInfo(coin_->coin_id)->status, sc::CoinStatus::kInChannel);
    EXPECT_EQ(alice_.node->GetChannel(id)->phase, channel::Phase::kOpen);
  }

  // `payer` pays `amount` to the other; both hold the new state.
  void Pay(CoinPeer& payer, const channel::ChannelId& id, int64_t amount) {
    const ChannelInfo info = payer.node->GetChannel(id).value();
    Status s = payer.node->Update(id, apps::PaymentApp::PayAction(amount, 1 - info.self));
    ASSERT_TRUE(s.ok()) << s.ToString();
    Deliver();
  }

  std::vector<channel::Amount> Balances(CoinPeer& peer, const channel::ChannelId& id) {
    return peer.node->GetChannel(id)->latest.allocation.assets[0].balances;
  }
  // Alice closes; Bob settles, then Alice: the split pays Bob `to_bob`
  // and Alice the rest, exactly.
  void CloseAndSettle(const channel::ChannelId& id, int64_t to_bob) {
    ASSERT_TRUE(alice_.node->Close(id).ok());
    Deliver();
    ASSERT_EQ(bob_.node->GetChannel(id)->phase, channel::Phase::kFinal);
    ASSERT_EQ(alice_.node->GetChannel(id)->phase, channel::Phase::kFinal);
    Status settled = bob_.node->Settle(id);
    ASSERT_TRUE(settled.ok()) << settled.ToString();
    Deliver();
    settled = alice_.node->Settle(id);
    EXPECT_TRUE(settled.ok()) << settled.ToString();
    EXPECT_EQ(Paid(alice_), kCoin - to_bob);
    EXPECT_EQ(Paid(bob_), to_bob);
    EXPECT_EQ(op_.GetCoinInfo(coin_->coin_id)->status, sc::CoinStatus::kWithdrawn);
  }

  // Both nodes (re)connect: each offers the other what it may have missed.
  void Reconnect() {
    alice_.node->OnPeerConnected(bob_.key.public_key());
    bob_.node->OnPeerConnected(alice_.key.public_key());
    Deliver();
  }

  // Both nodes hold `version` as their latest, fully signed state, with
  // nothing pending.
  void ExpectInStep(const channel::ChannelId& id, uint64_t version) {
    for (CoinPeer* peer : {&alice_, &bob_}) {
      const ChannelInfo info = peer->node->GetChannel(id).value();
      EXPECT_EQ(info.latest.version, version);
      EXPECT_EQ(peer->node->LatestSignedState(id)->state.version, version);
    }
    store::ChannelStore records(*alice_.store);
    EXPECT_TRUE(records.Get(id)->pending.empty());
  }

  // The latest backup in `peer`'s record of `id`.
  std::optional<sc::ChannelBackup> Backup(const CoinPeer& peer, const channel::ChannelId& id) {
    const channel::ChannelRecord record = store::ChannelStore(*peer.store).Get(id).value();
    return sc::CoinChannelHook::LatestBackup(record.backend_data).value();
  }
  // Both nodes hold the same backup, of `version`.
  void ExpectBackupOf(const channel::ChannelId& id, uint64_t version) {
    const auto alices = Backup(alice_, id);
    const auto bobs = Backup(bob_, id);
    ASSERT_TRUE(alices.has_value() && bobs.has_value()) << "backup of version " << version;
    EXPECT_EQ(alices->version, version);
    EXPECT_EQ(crypto::Serialize(alices->tx), crypto::Serialize(bobs->tx));
  }

  int64_t Paid(const CoinPeer& peer) const { return ledger_.SatsPaidTo(PayoutScript(peer.payout)); }

  channel::AppRegistry apps_;
  channel::Bip340Scheme scheme_{"statechain"};
  sc::testing::FakeLedger ledger_;
  std::unique_ptr<store::Store> operator_store_ = store::NewMemoryStore();
  sc::Operator op_{*operator_store_, ledger_};
  sc::OperatorAdjudicator adj_{*operator_store_, ledger_, scheme_};
  sc::CoinChannelHook::OpenChannelFn open_ = [this](const sc::OpenChannelRequest& request) {
    return adj_.OpenChannel(op_, request);
  };
  NoFunder funder_;
  wire::MemoryNetwork network_;
  CoinPeer alice_{
      crypto::PrivateKey::Generate(), adj_, op_, open_, funder_, scheme_, network_, apps_};
  CoinPeer bob_{
      crypto::PrivateKey::Generate(), adj_, op_, open_, funder_, scheme_, network_, apps_};
  std::optional<sc::testing::OperatorCoin> coin_;
  std::optional<sc::CoinForChannel> hand_over_;
};

TEST_F(NodeStatecoinTest, AHundredPaymentsThenACooperativeClosePaysTheSplitExactly) {
  const channel::ChannelId id = Open();
  int64_t to_bob = 0;
  for (int64_t n = 1; n <= 100; ++n) {
    Pay(n % 7 == 0 && to_bob > 0 ? bob_ : alice_, id, n % 7 == 0 && to_bob > 0 ? 1 : n);
    to_bob += n % 7 == 0 && to_bob > 0 ? -1 : n;
  }
  EXPECT_EQ(bob_.node->GetChannel(id)->latest.version, 100u);
  EXPECT_EQ(Balances(bob_, id), (std::vector<channel::Amount>{kCoin - to_bob, to_bob}));
  ASSERT_TRUE(alice_.node->Close(id).ok());
  Deliver();
  ASSERT_EQ(bob_.node->GetChannel(id)->phase, channel::Phase::kFinal);
  Status settled = bob_.node->Settle(id);
  ASSERT_TRUE(settled.ok()) << settled.ToString();
  Deliver();
  EXPECT_EQ(Paid(alice_), kCoin - to_bob);
  EXPECT_EQ(Paid(bob_), to_bob);
  settled = alice_.node->Settle(id);  // the split is paid: she claims her output
  EXPECT_TRUE(settled.ok()) << settled.ToString();
  EXPECT_EQ(op_.GetCoinInfo(coin_->coin_id)->status, sc::CoinStatus::kWithdrawn);
}

TEST_F(NodeStatecoinTest, AStaleRegistrationIsRefutedAndSettlingPaysTheLatestSplit) {
  const channel::ChannelId id = Open();
  std::optional<channel::SignedState> stale;
  for (int n = 1; n <= 10; ++n) {
    Pay(alice_, id, 100);
    if (n == 4) stale = bob_.node->LatestSignedState(id).value();
  }
  const channel::Params params = bob_.node->GetChannel(id)->params;
  ASSERT_TRUE(adj_.Register(params, *stale).ok());  // Bob's stale state on the ledger
  Deliver();                                        // the watchers refute it
  auto dispute = adj_.GetDispute(id);
  ASSERT_TRUE(dispute.ok()) << dispute.status().ToString();
  EXPECT_EQ(dispute->state.state.version, 10u);
  EXPECT_EQ(alice_.node->Settle(id).code(), StatusCode::kFailedPrecondition)
      << "not before the timeout";
  ledger_.Advance(kChallenge);
  Status settled = alice_.node->Settle(id);
  ASSERT_TRUE(settled.ok()) << settled.ToString();
  EXPECT_EQ(Paid(alice_), kCoin - 1000);
  EXPECT_EQ(Paid(bob_), 1000);
}

TEST_F(NodeStatecoinTest, ABadPartialSignatureIsRefusedAndLeavesTheChannelAsItWas) {
  const channel::ChannelId id = Open();
  Pay(alice_, id, 10);
  Pay(alice_, id, 10);
  // Alice's next proposal, kept from Bob: her record holds it and her data.
  network_.Silence(bob_.key.public_key());
  ASSERT_TRUE(alice_.node->Update(id, apps::PaymentApp::PayAction(30, 1)).ok());
  Deliver();
  network_.Unsilence(bob_.key.public_key());
  store::ChannelStore alice_records(*alice_.store);
  const channel::ChannelRecord record = alice_records.Get(id).value();
  ASSERT_EQ(record.pending.size(), 1u);
  const channel::SignedState& proposal = record.pending[0];
  auto extra =
      alice_.hook.SignExtra(record.params, record.backend_data, proposal.state, record.latest);
  ASSERT_TRUE(extra.ok()) << extra.status().ToString();
  Bytes forged = extra->extra;
  forged[10] ^= 1;  // inside the partial signature

  store::ChannelStore bob_records(*bob_.store);
  const channel::ChannelRecord before = bob_records.Get(id).value();
  wire::UpdateProposal bad{id, proposal.state, *proposal.sigs[0],
                           scheme_.StateHash(record.latest.state), forged};
  Status refused = bob_.node->HandleMessage(alice_.key.public_key(), wire::EncodeMessage(bad));
  EXPECT_EQ(refused.code(), StatusCode::kPermissionDenied) << refused.ToString();
  const channel::ChannelRecord after = bob_records.Get(id).value();
  EXPECT_EQ(after.latest, before.latest) << "nothing countersigned";
  // The hook's data changes only by the nonce the refusal carries: Bob's for
  // the version after the one the proposal used up (below, the state before
  // still settles).
  EXPECT_EQ(after.last_signed_version, before.last_signed_version) << "nothing signed";
  EXPECT_EQ(Balances(bob_, id), (std::vector<channel::Amount>{kCoin - 20, 20}));

  // The state before is settled by its split: Bob force-closes on it.
  Deliver();  // Alice hears of the refusal
  ASSERT_TRUE(bob_.node->ForceClose(id).ok());
  Deliver();
  ledger_.Advance(kChallenge);
  Status settled = bob_.node->Settle(id);
  ASSERT_TRUE(settled.ok()) << settled.ToString();
  EXPECT_EQ(Paid(alice_), kCoin - 20);
  EXPECT_EQ(Paid(bob_), 20);
}

TEST_F(NodeStatecoinTest, PaymentsLandAfterCrossingProposalsAndAnAppRefusal) {
  const channel::ChannelId id = Open();
  Pay(alice_, id, 1000);
  // Both pay at once: the proposals of version 2 cross, both are refused,
  // and each refusal carries the refuser's nonce for version 3.
  ASSERT_TRUE(alice_.node->Update(id, apps::PaymentApp::PayAction(5, 1)).ok());
  ASSERT_TRUE(bob_.node->Update(id, apps::PaymentApp::PayAction(3, 0)).ok());
  Deliver();
  EXPECT_EQ(Balances(alice_, id), (std::vector<channel::Amount>{kCoin - 1002, 1002}))
      << "both payments landed, at later versions";
  ExpectInStep(id, 4);

  // Bob's app refuses a proposal of version 5 (Alice takes back what she
  // paid): signed by her, it uses up the version at Bob, who answers with
  // his nonce for version 6. Alice, who has no such proposal, learns it
  // when she proposes 5 herself and Bob refuses that as used up, with the
  // same nonce; she retries at 6.
  channel::State greedy = alice_.node->LatestSignedState(id)->state;
  const Hash32 base = scheme_.StateHash(greedy);
  greedy.version = 5;
  greedy.allocation.assets[0].balances = {channel::Amount(kCoin), channel::Amount(0)};
  wire::UpdateProposal refused{id, greedy, scheme_.Sign(alice_.key, scheme_.StateHash(greedy)),
                               base, Bytes{}};
  EXPECT_EQ(bob_.node->HandleMessage(alice_.key.public_key(), wire::EncodeMessage(refused)).code(),
            StatusCode::kPermissionDenied);
  Deliver();  // the refusal reaches Alice, who has no such proposal

  int64_t to_bob = 1002;
  for (int n = 1; n <= 6; ++n) {
    Pay(n % 2 == 0 ? bob_ : alice_, id, n);
    to_bob += n % 2 == 0 ? -n : n;
  }
  EXPECT_EQ(Balances(bob_, id), (std::vector<channel::Amount>{kCoin - to_bob, to_bob}));
  CloseAndSettle(id, to_bob);
}

TEST_F(NodeStatecoinTest, AProposalRefusedForItsPartialSignatureIsFollowedByPayments) {
  const channel::ChannelId id = Open();
  Pay(alice_, id, 10);
  // Alice's proposal of version 2 reaches Bob with a forged partial
  // signature: he refuses it, and she hears of it.
  network_.Silence(bob_.key.public_key());
  ASSERT_TRUE(alice_.node->Update(id, apps::PaymentApp::PayAction(30, 1)).ok());
  Deliver();
  network_.Unsilence(bob_.key.public_key());
  const channel::ChannelRecord record = store::ChannelStore(*alice_.store).Get(id).value();
  ASSERT_EQ(record.pending.size(), 1u);
  const channel::SignedState& proposal = record.pending[0];
  Bytes forged =
      alice_.hook.SignExtra(record.params, record.backend_data, proposal.state, record.latest)
          .value()
          .extra;
  forged[10] ^= 1;
  wire::UpdateProposal bad{id, proposal.state, *proposal.sigs[0],
                           scheme_.StateHash(record.latest.state), forged};
  EXPECT_EQ(bob_.node->HandleMessage(alice_.key.public_key(), wire::EncodeMessage(bad)).code(),
            StatusCode::kPermissionDenied);
  Deliver();
  EXPECT_TRUE(store::ChannelStore(*alice_.store).Get(id)->pending.empty()) << "refused";

  Pay(alice_, id, 40);  // version 3, with the nonce Bob's refusal carried
  Pay(bob_, id, 15);
  ExpectInStep(id, 4);
  CloseAndSettle(id, 35);
}

TEST_F(NodeStatecoinTest, ANodeBehindCatchesUpFromItsPeersSyncState) {
  const channel::ChannelId id = Open();
  Pay(alice_, id, 10);
  // Bob countersigns version 2; his answer is lost.
  network_.Silence(alice_.key.public_key());
  ASSERT_TRUE(alice_.node->Update(id, apps::PaymentApp::PayAction(20, 1)).ok());
  Deliver();
  network_.Unsilence(alice_.key.public_key());
  EXPECT_EQ(alice_.node->LatestSignedState(id)->state.version, 1u);
  EXPECT_EQ(bob_.node->LatestSignedState(id)->state.version, 2u);
  // Handed over by other means, the state comes without its split
  // signatures, which settle it: refused, and Alice stays at version 1.
  Status adopted = alice_.node->AdoptState(id, bob_.node->LatestSignedState(id).value());
  EXPECT_EQ(adopted.code(), StatusCode::kFailedPrecondition) << adopted.ToString();
  EXPECT_NE(adopted.message().find("SyncState"), std::string::npos) << adopted.message();
  EXPECT_EQ(alice_.node->LatestSignedState(id)->state.version, 1u);
  // Bob's SyncState carries version 2's split signatures and his next
  // nonce: Alice adopts it and pays on.
  bob_.node->OnPeerConnected(alice_.key.public_key());
  Deliver();
  ExpectInStep(id, 2);
  Pay(alice_, id, 5);
  Pay(bob_, id, 1);
  ExpectInStep(id, 4);
  CloseAndSettle(id, 34);
}

TEST_F(NodeStatecoinTest, ALostAcceptIsRecoveredByReconnecting) {
  const channel::ChannelId id = Open();
  for (int n = 1; n <= 3; ++n) Pay(alice_, id, 10);
  network_.Silence(alice_.key.public_key());
  ASSERT_TRUE(alice_.node->Update(id, apps::PaymentApp::PayAction(30, 1)).ok());
  Deliver();
  network_.Unsilence(alice_.key.public_key());
  // Both offer what the other may lack: Alice her proposal again (the same
  // partial signature and nonce), Bob his latest state.
  Reconnect();
  ExpectInStep(id, 4);
  for (int n = 1; n <= 3; ++n) Pay(n == 2 ? bob_ : alice_, id, 10);
  ExpectInStep(id, 7);
  CloseAndSettle(id, 70);
}

TEST_F(NodeStatecoinTest, ALostChannelProposalIsSentAgainOnReconnectingAfterARestart) {
  network_.Silence(bob_.key.public_key());
  const channel::ChannelId id = Propose();
  Deliver();
  network_.Unsilence(bob_.key.public_key());
  EXPECT_FALSE(bob_.node->GetChannel(id).ok());
  // Alice's node restarts: the proposal and its extra (the share sealed to
  // Bob, her first nonce) come from her record, the same as the first time.
  Status restarted = alice_.Restart();
  ASSERT_TRUE(restarted.ok()) << restarted.ToString();
  Reconnect();
  ExpectOpen(id);
  for (int n = 1; n <= 3; ++n) Pay(n == 2 ? bob_ : alice_, id, 10);
  ExpectInStep(id, 3);
  CloseAndSettle(id, 10);
}

TEST_F(NodeStatecoinTest, ALostChannelAcceptIsSentAgainWhenTheProposalComesAgain) {
  network_.Silence(alice_.key.public_key());
  const channel::ChannelId id = Propose();
  Deliver();
  network_.Unsilence(alice_.key.public_key());
  EXPECT_EQ(alice_.node->GetChannel(id)->phase, channel::Phase::kProposing);
  EXPECT_EQ(bob_.node->GetChannel(id)->phase, channel::Phase::kFunding);
  // Bob's SyncState of the initial state cannot open Alice's channel (it
  // lacks his payout script and proof); her proposal again brings his
  // accept again, with the same extra.
  Reconnect();
  ExpectOpen(id);
  for (int n = 1; n <= 3; ++n) Pay(n == 2 ? bob_ : alice_, id, 10);
  ExpectInStep(id, 3);
  CloseAndSettle(id, 10);
}

TEST_F(NodeStatecoinTest, ANodeRestartedMidStreamPaysOnAndClosesCooperatively) {
  const channel::ChannelId id = Open();
  for (int n = 1; n <= 5; ++n) Pay(alice_, id, 100);
  // Bob's node goes down while Alice's proposal of version 6 is on its way.
  network_.Silence(bob_.key.public_key());
  ASSERT_TRUE(alice_.node->Update(id, apps::PaymentApp::PayAction(100, 1)).ok());
  Deliver();
  Status restarted = bob_.Restart();
  ASSERT_TRUE(restarted.ok()) << restarted.ToString();
  network_.Unsilence(bob_.key.public_key());
  Reconnect();
  ExpectInStep(id, 6);
  // Alice's node goes down with Bob's answer to version 7 on its way.
  network_.Silence(alice_.key.public_key());
  ASSERT_TRUE(alice_.node->Update(id, apps::PaymentApp::PayAction(100, 1)).ok());
  Deliver();
  restarted = alice_.Restart();
  ASSERT_TRUE(restarted.ok()) << restarted.ToString();
  network_.Unsilence(alice_.key.public_key());
  Reconnect();
  ExpectInStep(id, 7);
  for (int n = 1; n <= 10; ++n) Pay(n % 3 == 0 ? bob_ : alice_, id, 10);
  ExpectInStep(id, 17);
  CloseAndSettle(id, 700 + 70 - 30);
}

TEST_F(NodeStatecoinTest, BackupsFollowThePaymentsThroughLostMessagesAndRestarts) {
  const channel::ChannelId id = Open();
  std::map<uint64_t, int64_t> bobs_balance;  // at each version
  auto pay = [&](CoinPeer& payer, int64_t amount) {
    Pay(payer, id, amount);
    const auto balances = Balances(alice_, id);
    bobs_balance[alice_.node->GetChannel(id)->latest.version] = static_cast<int64_t>(balances[1]);
  };
  for (int n = 1; n <= 10; ++n) pay(alice_, 100);
  ExpectBackupOf(id, 0);  // asked for with version 1
  // Alice's proposal of version 11 asks for the backup of version 10, and
  // Bob's node goes down before it arrives: it is sent again.
  network_.Silence(bob_.key.public_key());
  ASSERT_TRUE(alice_.node->Update(id, apps::PaymentApp::PayAction(100, 1)).ok());
  Deliver();
  ASSERT_TRUE(bob_.Restart().ok());
  network_.Unsilence(bob_.key.public_key());
  Reconnect();
  ExpectInStep(id, 11);
  ExpectBackupOf(id, 10);
  for (int n = 12; n <= 20; ++n) pay(n % 3 == 0 ? bob_ : alice_, 10);
  // Alice's proposal of version 21 asks for the backup of version 20; Bob's
  // answer is lost, and Alice's node goes down: his resync carries it.
  network_.Silence(alice_.key.public_key());
  ASSERT_TRUE(alice_.node->Update(id, apps::PaymentApp::PayAction(100, 1)).ok());
  Deliver();
  ASSERT_TRUE(alice_.Restart().ok());
  network_.Unsilence(alice_.key.public_key());
  Reconnect();
  ExpectInStep(id, 21);
  ExpectBackupOf(id, 20);
  for (int n = 22; n <= 31; ++n) pay(n % 4 == 0 ? bob_ : alice_, 7);
  ExpectBackupOf(id, 30);
  // Four backups, each one step lower than the one before.
  const sc::ChannelBackup backup = *Backup(bob_, id);
  EXPECT_EQ(backup.lock_time, hand_over_->owner.lock_time - 4 * kBackups.lock_step);
  // The operator vanishes: at its lock time, the backup pays version 30's split.
  ledger_.Advance(backup.lock_time - ledger_.Height() - 1);
  EXPECT_EQ(ledger_.Broadcast(backup.tx).code(), StatusCode::kFailedPrecondition);
  ledger_.Advance(1);
  Status broadcast = ledger_.Broadcast(backup.tx);
  ASSERT_TRUE(broadcast.ok()) << broadcast.ToString();
  EXPECT_EQ(Paid(bob_), bobs_balance.at(30));
  EXPECT_EQ(Paid(alice_), kCoin - bobs_balance.at(30));
}

}  // namespace
}  // namespace parley::client
