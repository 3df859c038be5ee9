// End to end: a payment channel on a statecoin, driven by the parley CLI.
// A devchain (parleyd --devchain), the operator (parley-statechain) and two
// nodes (parleyd --statechain); Alice's wallet deposits a coin from the
// faucet, `parley channel open --statecoin` opens a channel with Bob on it,
// `parley pay` pays both ways, `parley channel close` and `withdraw` close
// it, and the devchain holds the split: exactly both balances, each minus
// its half of the fee. Then one test per error of `channel open
// --statecoin`.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>

#include "e2e/daemon_harness.h"
#include "e2e/operator_process.h"
#include "parley/crypto/bitcoin_tx.h"
#include "parley/crypto/keys.h"
#include "parley/crypto/random.h"
#include "parley/settlement/statechain/backup.h"
#include "parley/util/bytes.h"
#include "testing/temp_dir.h"

namespace parley::e2e {
namespace {

namespace sc = settlement::statechain;

// Far enough that no lock time and no dispute gets near them: the devchain
// stays at height 0.
constexpr int kInitlock = 1000;
constexpr int kInterval = 10;
constexpr int64_t kCoinSats = 100'000;
constexpr int64_t kFeeSats = 500;  // the CLI's kStatecoinFeeSats

class StatecoinChannelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    world_ = std::make_unique<StatechainWorld>(dir_.path(), devchain_, kInitlock, kInterval);
    std::string log;
    ASSERT_TRUE(world_->Start(&log)) << log;
    std::vector<std::string> flags = {"--chain", "sim://" + devchain_, "--statechain",
                                      world_->op.address()};
    for (const auto& flag : NodeFlags()) flags.push_back(flag);
    alice_ = std::make_unique<Daemon>(dir_.path() / "alice", flags);
    bob_ = std::make_unique<Daemon>(dir_.path() / "bob", flags);
    ASSERT_TRUE(alice_->Start()) << alice_->Log();
    ASSERT_TRUE(bob_->Start()) << bob_->Log();
    bob_id_ = Info(*bob_).node_id();
    ASSERT_TRUE(ConnectPeer(*alice_, *bob_, bob_id_).ok());
    ledger_ =
        v1::Ledger::NewStub(grpc::CreateChannel(devchain_, grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (world_ && !operator_stopped_) {
      const int status = world_->op.Stop(SIGTERM);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << world_->op.Log();
    }
  }

  // Both nodes' parleyd flags beyond the ledger and the operator.
  virtual std::vector<std::string> NodeFlags() const { return {}; }

  // The flags of the wallet `name` (Alice's by default).
  std::vector<std::string> WalletFlags(const std::string& name = "alice-wallet") const {
    return {"--operator",         world_->op.address(), "--chain",
            "sim://" + devchain_, "--wallet-dir",       (dir_.path() / name).string()};
  }
  // `parley [--json] statecoin <wallet flags> ARGS` with Alice's wallet.
  int Statecoin(const std::vector<std::string>& args, std::string* out, bool json = false,
                const std::string& wallet = "alice-wallet") {
    std::vector<std::string> full = {"statecoin"};
    if (json) full.insert(full.begin(), "--json");
    for (const auto& flag : WalletFlags(wallet)) full.push_back(flag);
    full.insert(full.end(), args.begin(), args.end());
    return RunCli(full, out);
  }
  // Where a split pays: Alice's wallet (its backup key) and Bob's node (its
  // node key), in participant order.
  std::array<Bytes, 2> PayoutScripts() {
    std::string out;
    EXPECT_EQ(Statecoin({"address"}, &out), 0) << out;
    const auto alice_key = crypto::PublicKey::FromHex(out.substr(out.find(':') + 1, 66));
    EXPECT_TRUE(alice_key.ok()) << out;
    const auto bob_key = crypto::PublicKey::FromHex(bob_id_);
    EXPECT_TRUE(bob_key.ok());
    if (!alice_key.ok() || !bob_key.ok()) return {};
    const auto alice = sc::BackupScriptPubKey(*alice_key);
    const auto bob = sc::BackupScriptPubKey(*bob_key);
    return {Bytes(alice.begin(), alice.end()), Bytes(bob.begin(), bob.end())};
  }
  // `parley --node NODE ARGS`.
  static int Cli(Daemon& node, std::vector<std::string> args, std::string* out) {
    args.insert(args.begin(), {"--node", node.api_address()});
    return RunCli(args, out);
  }
  // `parley --node NODE channel open --peer BOB --statecoin COIN <wallet
  // flags> EXTRA`.
  int OpenOnCoin(Daemon& node, const std::string& coin, std::string* out,
                 const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"channel", "open", "--peer", bob_id_, "--statecoin", coin};
    for (const auto& flag : WalletFlags()) args.push_back(flag);
    args.insert(args.end(), extra.begin(), extra.end());
    return Cli(node, args, out);
  }

  // A coin of kCoinSats in Alice's wallet, from the faucet: its id, and its
  // outpoint into `outpoint` if given.
  std::string Deposit(crypto::OutPoint* outpoint = nullptr) {
    std::string out;
    EXPECT_EQ(Statecoin({"deposit", "--amount", std::to_string(kCoinSats)}, &out, true), 0) << out;
    if (outpoint != nullptr) {
      const std::string text = JsonString(out, "outpoint");  // DISPLAY_TXID:INDEX
      const size_t colon = text.find(':');
      EXPECT_NE(colon, std::string::npos) << out;
      if (colon == std::string::npos) return "";
      Bytes txid = FromHex(text.substr(0, colon)).value();
      std::reverse(txid.begin(), txid.end());  // txids print reversed
      std::copy(txid.begin(), txid.end(), outpoint->txid.begin());
      outpoint->index = static_cast<uint32_t>(std::stoul(text.substr(colon + 1)));
    }
    return JsonString(out, "coin_id");
  }

  // The channel id a successful `channel open` printed.
  static std::string ChannelIdOf(const std::string& out) {
    const size_t at = out.find("channel   ");
    return at == std::string::npos ? "" : out.substr(at + 10, 64);
  }

  // The devchain's unspent output at `outpoint`; false if there is none.
  bool Utxo(const crypto::OutPoint& outpoint, v1::GetUtxoReply* utxo) {
    v1::GetUtxoRequest request;
    request.mutable_outpoint()->set_txid(std::string(outpoint.txid.begin(), outpoint.txid.end()));
    request.mutable_outpoint()->set_index(outpoint.index);
    grpc::ClientContext context;
    return ledger_->GetUtxo(&context, request, utxo).ok();
  }

  TempDir dir_{"parley-statecoin-channel-"};
  std::string devchain_ = Local(FreePort());
  std::unique_ptr<StatechainWorld> world_;
  std::unique_ptr<Daemon> alice_, bob_;
  std::string bob_id_;
  std::unique_ptr<v1::Ledger::Stub> ledger_;
  bool operator_stopped_ = false;  // by the test: TearDown leaves it
};

TEST_F(StatecoinChannelTest, PaymentsThenACooperativeCloseSplitTheCoinExactly) {
  crypto::OutPoint coin_outpoint;
  const std::string coin = Deposit(&coin_outpoint);
  ASSERT_EQ(coin.size(), 64u);

  std::string out;
  ASSERT_EQ(OpenOnCoin(*alice_, coin, &out), 0) << out;
  const std::string id = ChannelIdOf(out);
  ASSERT_EQ(id.size(), 64u) << out;
  EXPECT_NE(out.find("phase     open"), std::string::npos) << out;
  EXPECT_NE(out.find("sats: " + std::to_string(kCoinSats) + " / 0"), std::string::npos) << out;

  // The wallet has handed the coin over: it lists it in the channel and
  // signs nothing more for it.
  ASSERT_EQ(Statecoin({"list"}, &out), 0) << out;
  EXPECT_NE(out.find(coin), std::string::npos) << out;
  EXPECT_NE(out.find("in channel " + id), std::string::npos) << out;

  // Ten payments from Alice, three back from Bob.
  int64_t to_bob = 0;
  for (int i = 0; i < 10; ++i) {
    const int64_t amount = 1000 + 100 * i;
    ASSERT_EQ(Cli(*alice_, {"pay", id, std::to_string(amount)}, &out), 0) << out;
    to_bob += amount;
  }
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(Cli(*bob_, {"pay", id, "700"}, &out), 0) << out;
    to_bob -= 700;
  }
  const int64_t to_alice = kCoinSats - to_bob;
  const std::string balances = std::to_string(to_alice) + " / " + std::to_string(to_bob);
  ASSERT_EQ(Cli(*bob_, {"channel", "show", id}, &out), 0) << out;
  EXPECT_NE(out.find("version   13"), std::string::npos) << out;
  EXPECT_NE(out.find("sats: " + balances), std::string::npos) << out;

  // The cooperative close: the final state, then both settle (the first
  // has the operator broadcast the split, the second finds it paid).
  ASSERT_EQ(Cli(*alice_, {"channel", "close", id}, &out), 0) << out;
  for (Daemon* d : {alice_.get(), bob_.get()}) {
    ASSERT_TRUE(WaitUntil(*d, id, [](const auto& c) { return c.phase() == "final"; }))
        << Channel(*d, id).phase();
  }
  ASSERT_EQ(Cli(*bob_, {"channel", "withdraw", id}, &out), 0) << out;
  ASSERT_EQ(Cli(*alice_, {"channel", "withdraw", id}, &out), 0) << out;
  for (Daemon* d : {alice_.get(), bob_.get()}) {
    ASSERT_TRUE(WaitUntil(*d, id, [](const auto& c) { return c.phase() == "withdrawn"; }))
        << Channel(*d, id).phase();
  }

  // The split on the devchain: the coin to Alice's wallet (its backup key)
  // and Bob's node (its node key), each balance minus half the fee (the
  // odd sat would fall to Alice), and nothing else.
  v1::GetUtxoReply utxo;
  EXPECT_FALSE(Utxo(coin_outpoint, &utxo)) << "the coin is unspent";
  const std::array<Bytes, 2> scripts = PayoutScripts();
  crypto::Transaction split;
  split.inputs.push_back({.prevout = coin_outpoint, .sequence = crypto::kSequenceFinal});
  split.outputs.push_back(
      {.amount_sats = to_alice - (kFeeSats - kFeeSats / 2), .script_pubkey = scripts[0]});
  split.outputs.push_back({.amount_sats = to_bob - kFeeSats / 2, .script_pubkey = scripts[1]});
  const Hash32 txid = crypto::Txid(split);
  for (uint32_t i = 0; i < 2; ++i) {
    SCOPED_TRACE("output " + std::to_string(i));
    ASSERT_TRUE(Utxo({.txid = txid, .index = i}, &utxo));
    EXPECT_EQ(utxo.sats(), split.outputs[i].amount_sats);
    EXPECT_EQ(Bytes(utxo.script_pubkey().begin(), utxo.script_pubkey().end()),
              split.outputs[i].script_pubkey);
  }
  EXPECT_FALSE(Utxo({.txid = txid, .index = 2}, &utxo));
  EXPECT_EQ(to_alice + to_bob, kCoinSats);

  // The wallet still lists the coin in the channel, and refuses to send or
  // withdraw it, saying why.
  ASSERT_EQ(Statecoin({"list"}, &out, true), 0) << out;
  EXPECT_NE(out.find("\"state\": \"in channel " + id + "\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"channel_id\": \"" + id + "\""), std::string::npos) << out;
  std::string address;
  ASSERT_EQ(Statecoin({"address"}, &address, false, "carol-wallet"), 0) << address;
  address = address.substr(0, address.find('\n'));
  EXPECT_NE(Statecoin({"transfer", coin, address}, &out), 0) << out;
  EXPECT_NE(out.find("is in payment channel " + id), std::string::npos) << out;
  EXPECT_NE(Statecoin({"withdraw", coin}, &out), 0) << out;
  EXPECT_NE(out.find("is in payment channel " + id), std::string::npos) << out;
}

TEST_F(StatecoinChannelTest, AnUnknownCoinIsRefused) {
  std::string out;
  const std::string unknown = ToHex(crypto::RandomHash32());
  EXPECT_NE(OpenOnCoin(*alice_, unknown, &out), 0) << out;
  EXPECT_NE(out.find("this wallet holds no coin " + unknown), std::string::npos) << out;
  EXPECT_NE(OpenOnCoin(*alice_, "xyz", &out), 0) << out;
  EXPECT_NE(out.find("not 64 hex digits"), std::string::npos) << out;
  ASSERT_EQ(Cli(*alice_, {"channel", "list"}, &out), 0) << out;
  EXPECT_EQ(out, "");  // nothing was proposed
}

TEST_F(StatecoinChannelTest, ACoinAlreadyInAChannelIsRefused) {
  const std::string coin = Deposit();
  ASSERT_EQ(coin.size(), 64u);
  std::string out;
  // The wallet marks the coin once the node has taken it.
  ASSERT_EQ(OpenOnCoin(*alice_, coin, &out), 0) << out;
  const std::string id = ChannelIdOf(out);
  ASSERT_EQ(id.size(), 64u) << out;

  EXPECT_NE(OpenOnCoin(*alice_, coin, &out), 0) << out;
  EXPECT_NE(out.find("coin " + coin + " is in payment channel " + id), std::string::npos) << out;
  ASSERT_EQ(Cli(*alice_, {"channel", "list"}, &out), 0) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;  // no second channel
  ASSERT_EQ(Statecoin({"list"}, &out), 0) << out;
  EXPECT_NE(out.find("in channel " + id), std::string::npos) << out;
}

TEST_F(StatecoinChannelTest, ANodeWithoutStatechainIsNamedAndTheCoinStaysUsable) {
  const std::string coin = Deposit();
  ASSERT_EQ(coin.size(), 64u);
  std::string out;
  // The devchain's parleyd runs without --statechain.
  EXPECT_NE(OpenOnCoin(world_->chain, coin, &out), 0) << out;
  EXPECT_NE(out.find("was not started with --statechain"), std::string::npos) << out;
  EXPECT_NE(out.find("stays usable"), std::string::npos) << out;

  // The coin was not marked: the wallet still signs for it.
  ASSERT_EQ(Statecoin({"list"}, &out), 0) << out;
  EXPECT_NE(out.find(" held"), std::string::npos) << out;
  ASSERT_EQ(Statecoin({"withdraw", coin}, &out), 0) << out;
  EXPECT_NE(out.find("withdrawn " + coin), std::string::npos) << out;
}

TEST_F(StatecoinChannelTest, DepositOrStatecoinButNotBoth) {
  std::string out;
  EXPECT_NE(Cli(*alice_, {"channel", "open", "--peer", bob_id_, "--app", "payment"}, &out), 0);
  EXPECT_NE(out.find("needs --deposit MINE:THEIRS, or --statecoin COIN_ID"), std::string::npos)
      << out;
  EXPECT_NE(OpenOnCoin(*alice_, std::string(64, '0'), &out, {"--deposit", "10:0"}), 0);
  EXPECT_NE(out.find("give --deposit or --statecoin, not both"), std::string::npos) << out;
  EXPECT_NE(OpenOnCoin(*alice_, std::string(64, '0'), &out, {"--asset", "native"}), 0);
  EXPECT_NE(out.find("--asset does not go with --statecoin"), std::string::npos) << out;
  // An ordinary channel still needs its app.
  EXPECT_NE(Cli(*alice_, {"channel", "open", "--peer", bob_id_, "--deposit", "10:0"}, &out), 0);
  EXPECT_NE(out.find("--app is required"), std::string::npos) << out;
}

// Channel backups (docs/statechain.md, "parley channel backup"): the nodes
// sign one every kBackupEvery versions, each kBackupStep blocks below the one
// before, the first below the coin's own backup (kInitlock).
constexpr int kBackupEvery = 10;
constexpr int kBackupStep = 10;

class StatecoinBackupTest : public StatecoinChannelTest {
 protected:
  std::vector<std::string> NodeFlags() const override {
    return {"--statechain-backup-every", std::to_string(kBackupEvery), "--statechain-backup-step",
            std::to_string(kBackupStep)};
  }

  // `parley --node NODE channel backup ID EXTRA`, with the devchain for
  // --broadcast.
  int Backup(Daemon& node, const std::string& id, std::string* out,
             const std::vector<std::string>& extra = {}, bool json = false) {
    std::vector<std::string> args = {"channel", "backup", id};
    args.insert(args.end(), extra.begin(), extra.end());
    if (json) args.insert(args.begin(), "--json");
    return Cli(node, args, out);
  }
  // GetChannelBackup over gRPC.
  static grpc::Status GetBackup(Daemon& node, const std::string& id, v1::ChannelBackup* backup) {
    v1::GetChannelRequest request;
    request.set_channel_id(id);
    grpc::ClientContext context;
    return node.api().GetChannelBackup(&context, request, backup);
  }
  // A channel on a fresh coin, open: its id.
  std::string OpenCoinChannel(crypto::OutPoint* coin_outpoint = nullptr) {
    const std::string coin = Deposit(coin_outpoint);
    EXPECT_EQ(coin.size(), 64u);
    std::string out;
    EXPECT_EQ(OpenOnCoin(*alice_, coin, &out), 0) << out;
    return ChannelIdOf(out);
  }
  // The value of "name": NUMBER in a one-line JSON object.
  static uint64_t JsonNumber(const std::string& json, const std::string& name) {
    const size_t at = json.find("\"" + name + "\": ");
    if (at == std::string::npos) return 0;
    return std::stoull(json.substr(at + name.size() + 4));
  }
};

TEST_F(StatecoinBackupTest, TheLatestBackupPaysTheCheckpointOnceItsLockTimeIsReached) {
  crypto::OutPoint coin_outpoint;
  const std::string id = OpenCoinChannel(&coin_outpoint);
  ASSERT_EQ(id.size(), 64u);

  // 25 payments (20 from Alice, 5 back from Bob): backups of versions 0,
  // 10 and 20, each signed with the proposal after it; the latest state,
  // 25, has none. to_bob[v] is Bob's balance at version v.
  std::vector<int64_t> to_bob = {0};
  std::string out;
  for (int i = 1; i <= 25; ++i) {
    const bool from_bob = i % 5 == 0;
    const int64_t amount = from_bob ? 300 : 1000 + 10 * i;
    ASSERT_EQ(Cli(from_bob ? *bob_ : *alice_, {"pay", id, std::to_string(amount)}, &out), 0)
        << "payment " << i << ": " << out;
    to_bob.push_back(to_bob.back() + (from_bob ? -amount : amount));
  }
  ASSERT_EQ(Cli(*bob_, {"channel", "show", id}, &out), 0) << out;
  EXPECT_NE(out.find("version   25"), std::string::npos) << out;

  // Both nodes hold the same backup: version 20, three steps below the
  // coin's lock time.
  std::string alice_json, bob_json;
  ASSERT_EQ(Backup(*alice_, id, &alice_json, {}, true), 0) << alice_json;
  ASSERT_EQ(Backup(*bob_, id, &bob_json, {}, true), 0) << bob_json;
  const std::string txid = JsonString(alice_json, "txid");
  ASSERT_EQ(txid.size(), 64u) << alice_json;
  EXPECT_EQ(JsonString(bob_json, "txid"), txid) << bob_json;
  EXPECT_EQ(JsonString(alice_json, "channel_id"), id) << alice_json;
  const uint64_t version = JsonNumber(alice_json, "version");
  const uint64_t lock_time = JsonNumber(alice_json, "lock_time");
  EXPECT_EQ(version, 20u) << alice_json;
  EXPECT_EQ(lock_time, static_cast<uint64_t>(kInitlock - 3 * kBackupStep)) << alice_json;
  EXPECT_EQ(JsonNumber(bob_json, "version"), version) << bob_json;
  auto tx = crypto::ParseTransactionHex(JsonString(alice_json, "raw_tx"));
  ASSERT_TRUE(tx.ok()) << tx.status().ToString();
  EXPECT_EQ(crypto::DisplayHex(crypto::Txid(*tx)), txid);
  EXPECT_EQ(tx->lock_time, lock_time);
  ASSERT_EQ(tx->inputs.size(), 1u);
  EXPECT_EQ(tx->inputs[0].prevout.txid, coin_outpoint.txid);
  EXPECT_EQ(tx->inputs[0].prevout.index, coin_outpoint.index);
  // The text form says the same.
  ASSERT_EQ(Backup(*bob_, id, &out), 0) << out;
  EXPECT_NE(out.find("version   20\n"), std::string::npos) << out;
  EXPECT_NE(out.find("lock time " + std::to_string(lock_time) + "\n"), std::string::npos) << out;
  EXPECT_NE(out.find("txid      " + txid + "\n"), std::string::npos) << out;
  EXPECT_NE(out.find("tx        " + JsonString(alice_json, "raw_tx") + "\n"), std::string::npos)
      << out;

  // The operator vanishes.
  const int stopped = world_->op.Stop(SIGTERM);
  operator_stopped_ = true;
  EXPECT_TRUE(WIFEXITED(stopped) && WEXITSTATUS(stopped) == 0) << world_->op.Log();

  // Too early: the ledger's reason and the height at which it becomes valid.
  const std::vector<std::string> broadcast = {"--broadcast", "--chain", "sim://" + devchain_};
  EXPECT_EQ(Backup(*bob_, id, &out, broadcast), 1) << out;
  EXPECT_NE(out.find("is not reached"), std::string::npos) << out;
  EXPECT_NE(out.find("becomes valid at height " + std::to_string(lock_time)), std::string::npos)
      << out;
  v1::GetUtxoReply utxo;
  EXPECT_TRUE(Utxo(coin_outpoint, &utxo)) << "the coin is spent";

  // One block short is still early; at the lock time it goes through.
  ASSERT_EQ(
      RunCli({"devchain", "--chain", devchain_, "advance", std::to_string(lock_time - 1)}, &out), 0)
      << out;
  EXPECT_EQ(Backup(*alice_, id, &out, broadcast), 1) << out;
  EXPECT_NE(out.find("in 1 blocks"), std::string::npos) << out;
  ASSERT_EQ(RunCli({"devchain", "--chain", devchain_, "advance", "1"}, &out), 0) << out;
  ASSERT_EQ(Backup(*alice_, id, &out, broadcast), 0) << out;
  EXPECT_NE(out.find("broadcast " + txid), std::string::npos) << out;

  // The devchain pays the checkpoint: Alice's wallet (its backup key) and
  // Bob's node (its node key) each their balance at version 20 minus half
  // the fee (the odd sat would fall to Alice), and nothing else.
  EXPECT_FALSE(Utxo(coin_outpoint, &utxo)) << "the coin is unspent";
  const std::array<Bytes, 2> scripts = PayoutScripts();
  const int64_t bob_balance = to_bob.at(version);
  const int64_t alice_balance = kCoinSats - bob_balance;
  const int64_t paid[2] = {alice_balance - (kFeeSats - kFeeSats / 2), bob_balance - kFeeSats / 2};
  Bytes txid_bytes = FromHex(txid).value();
  std::reverse(txid_bytes.begin(), txid_bytes.end());  // txids print reversed
  crypto::OutPoint output;
  std::copy(txid_bytes.begin(), txid_bytes.end(), output.txid.begin());
  for (uint32_t i = 0; i < 2; ++i) {
    SCOPED_TRACE("output " + std::to_string(i));
    output.index = i;
    ASSERT_TRUE(Utxo(output, &utxo));
    EXPECT_EQ(utxo.sats(), paid[i]);
    EXPECT_EQ(Bytes(utxo.script_pubkey().begin(), utxo.script_pubkey().end()), scripts[i]);
  }
  output.index = 2;
  EXPECT_FALSE(Utxo(output, &utxo));
  EXPECT_EQ(paid[0] + paid[1], kCoinSats - kFeeSats);
}

TEST_F(StatecoinBackupTest, AChannelOnTheSimLedgerHasNoBackups) {
  std::string out;
  const std::string alice_id = Info(*alice_).node_id();
  ASSERT_EQ(RunCli({"devchain", "--chain", devchain_, "mint", alice_id, "1000"}, &out), 0) << out;
  ASSERT_EQ(
      Cli(*alice_, {"channel", "open", "--peer", bob_id_, "--app", "payment", "--deposit", "100:0"},
          &out),
      0)
      << out;
  const std::string id = ChannelIdOf(out);
  ASSERT_EQ(id.size(), 64u) << out;
  v1::ChannelBackup backup;
  const grpc::Status s = GetBackup(*alice_, id, &backup);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  EXPECT_NE(s.error_message().find("channel " + id +
                                   " settles on backend 'sim', which has no "
                                   "backups"),
            std::string::npos)
      << s.error_message();
  EXPECT_EQ(Backup(*alice_, id, &out), 1) << out;
  EXPECT_NE(out.find("which has no backups"), std::string::npos) << out;
}

TEST_F(StatecoinBackupTest, AnUnknownChannelIsNotFound) {
  const std::string unknown = ToHex(crypto::RandomHash32());
  v1::ChannelBackup backup;
  const grpc::Status s = GetBackup(*alice_, unknown, &backup);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << s.error_message();
  EXPECT_NE(s.error_message().find("unknown channel " + unknown), std::string::npos)
      << s.error_message();
  std::string out;
  EXPECT_EQ(Backup(*alice_, unknown, &out), 1) << out;
  EXPECT_NE(out.find("unknown channel " + unknown), std::string::npos) << out;
}

TEST_F(StatecoinBackupTest, ACoinChannelBeforeItsFirstPaymentHasNoBackupYet) {
  const std::string id = OpenCoinChannel();
  ASSERT_EQ(id.size(), 64u);
  for (Daemon* d : {alice_.get(), bob_.get()}) {
    v1::ChannelBackup backup;
    const grpc::Status s = GetBackup(*d, id, &backup);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
    EXPECT_NE(s.error_message().find("no backup yet: the first is signed with the channel's "
                                     "first payment after it is funded"),
              std::string::npos)
        << s.error_message();
  }
  std::string out;
  EXPECT_EQ(Backup(*bob_, id, &out, {"--broadcast", "--chain", "sim://" + devchain_}), 1) << out;
  EXPECT_NE(out.find("no backup yet"), std::string::npos) << out;
}

TEST_F(StatecoinBackupTest, AMalformedChannelIdIsInvalid) {
  v1::ChannelBackup backup;
  for (const std::string& bad : {std::string("xyz"), std::string(), std::string(63, 'a')}) {
    SCOPED_TRACE("'" + bad + "'");
    const grpc::Status s = GetBackup(*alice_, bad, &backup);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
    EXPECT_NE(s.error_message().find("channel_id"), std::string::npos) << s.error_message();
  }
  std::string out;
  EXPECT_EQ(Backup(*alice_, "xyz", &out), 1) << out;
  EXPECT_NE(out.find("channel_id 'xyz'"), std::string::npos) << out;
}

TEST_F(StatecoinBackupTest, ParleydRefusesABackupStepOfZero) {
  Daemon carol(dir_.path() / "carol", {"--chain", "sim://" + devchain_, "--statechain",
                                       world_->op.address(), "--statechain-backup-step", "0"});
  EXPECT_FALSE(carol.Start());
  EXPECT_NE(carol.Log().find("--statechain-backup-step 0"), std::string::npos) << carol.Log();
  // No backups, no step needed.
  Daemon dave(dir_.path() / "dave",
              {"--chain", "sim://" + devchain_, "--statechain", world_->op.address(),
               "--statechain-backup-every", "0", "--statechain-backup-step", "0"});
  EXPECT_TRUE(dave.Start()) << dave.Log();
}

}  // namespace
}  // namespace parley::e2e
