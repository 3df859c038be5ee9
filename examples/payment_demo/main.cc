// Payment channel demo on the embedded ledger: Alice and Bob fund a channel,
// make many payments off-chain, then Bob goes silent and tries to settle on
// an old state; Alice's node refutes it with the latest, and after the
// challenge period both withdraw exactly what the latest state says.
//
// Exits non-zero if funds are not conserved or the payout is wrong.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "parley/client/node.h"
#include "parley/settlement/sim_ledger.h"
#include "parley/store/channel_store.h"
#include "parley/util/log.h"
#include "parley/util/must.h"
#include "parley/wire/memory_transport.h"
#include "payment/payment_app.h"

using namespace parley;  // NOLINT: a short program
using channel::Amount;

namespace {

constexpr const char* kAsset = "native";

void Say(const char* phase, const std::string& text) {
  std::printf("[%-9s] %s\n", phase, text.c_str());
  std::fflush(stdout);
}

std::string Amt(const Amount& a) { return channel::ToString(a); }

}  // namespace

// The story; every object it makes is gone when it returns.
int RunDemo(const std::string& data_dir, int payments, bool sync) {
  store::RocksDbOptions options{.sync = sync};
  auto ledger_db = Must(store::OpenRocksDb(data_dir + "/ledger", options), "open ledger store");
  auto alice_db = Must(store::OpenRocksDb(data_dir + "/alice", options), "open Alice's store");
  auto bob_db = Must(store::OpenRocksDb(data_dir + "/bob", options), "open Bob's store");

  channel::AppRegistry apps;
  Must(apps.Register(std::make_shared<apps::PaymentApp>()), "register app");
  auto ledger = Must(settlement::SimLedger::Open(*ledger_db, apps), "open ledger");
  const auto alice_key = crypto::PrivateKey::Generate();
  const auto bob_key = crypto::PrivateKey::Generate();
  const auto& alice_id = alice_key.public_key();
  const auto& bob_id = bob_key.public_key();

  wire::MemoryNetwork network;
  settlement::SimClient alice_chain(*ledger, alice_id), bob_chain(*ledger, bob_id);
  // Bob accepts Alice's channel with a deposit of up to a tenth of his wallet.
  client::NodeOptions node_options{.max_deposit_on_proposal = 100'000};
  client::Node alice(alice_key, *alice_db, network.Join(alice_id), alice_chain, alice_chain,
                     ledger->scheme(), apps, node_options);
  client::Node bob(bob_key, *bob_db, network.Join(bob_id), bob_chain, bob_chain, ledger->scheme(),
                   apps, node_options);
  alice.SetObserver([](const client::NodeEvent& e) {
    if (e.kind == client::NodeEvent::Kind::kRefuted) {
      Say("watcher", "Alice's node refuted a stale registration: " + e.message +
                         "; registered version " + std::to_string(e.version) + " instead");
    }
  });
  Must(alice.Start(), "start Alice");
  Must(bob.Start(), "start Bob");
  Say("setup", "data in " + data_dir + (sync ? " (synced writes)" : " (unsynced writes)"));

  // 1. Fund.
  const Amount wallet = 1'000'000, deposit = 100'000;
  Must(ledger->Mint(alice_id, kAsset, wallet), "mint");
  Must(ledger->Mint(bob_id, kAsset, wallet), "mint");
  Say("fund", "ledger: Alice " + Amt(wallet) + ", Bob " + Amt(wallet) + " " + kAsset);
  const uint64_t challenge = 20;
  auto id = Must(alice.OpenChannel({.peer = bob_id,
                                    .app = apps::PaymentApp::kId,
                                    .my_deposit = deposit,
                                    .peer_deposit = deposit,
                                    .challenge_duration = challenge}),
                 "open channel");
  network.Deliver();
  alice.ProcessLedgerEvents();
  bob.ProcessLedgerEvents();
  auto info = Must(alice.GetChannel(id), "channel");
  if (info.phase != channel::Phase::kOpen)
    ExitWith("funding", Status::Internal("channel not open"));
  Say("fund", "channel " + ToHex(id).substr(0, 16) + " open; each side deposited " + Amt(deposit));

  // 2. Pay, in both directions, each payment one co-signed update.
  Amount alice_balance = deposit, bob_balance = deposit;
  channel::SignedState bobs_old_state;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < payments; ++i) {
    bool alice_pays = i % 3 != 2;
    Amount amount = alice_pays ? 1 + i % 5 : 1 + i % 7;
    client::Node& payer = alice_pays ? alice : bob;
    Must(payer.Update(id, apps::PaymentApp::PayAction(amount, alice_pays ? 1 : 0)), "pay");
    network.Deliver();
    (alice_pays ? alice_balance : bob_balance) -= amount;
    (alice_pays ? bob_balance : alice_balance) += amount;
    if (i == payments / 2) {  // Bob keeps a copy of an old state, to cheat with later
      store::ChannelStore bob_channels(*bob_db);
      bobs_old_state = Must(bob_channels.Get(id), "Bob's record").latest;
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  info = Must(alice.GetChannel(id), "channel");
  const auto& balances = info.latest.allocation.assets[0].balances;
  if (balances[0] != alice_balance || balances[1] != bob_balance) {
    ExitWith("payments", Status::Internal("channel balances differ from the payments made"));
  }
  Say("pay", std::to_string(payments) + " payments in " + std::to_string(seconds).substr(0, 5) +
                 " s (" + std::to_string(static_cast<int>(payments / seconds)) +
                 " co-signed updates/s); version " + std::to_string(info.latest.version) +
                 ": Alice " + Amt(balances[0]) + ", Bob " + Amt(balances[1]));

  // 3. Bob goes silent and registers his old state on the ledger.
  network.Silence(bob_id);
  Say("dispute", "Bob goes silent and registers his old version " +
                     std::to_string(bobs_old_state.state.version) + " (Alice " +
                     Amt(bobs_old_state.state.allocation.assets[0].balances[0]) + ", Bob " +
                     Amt(bobs_old_state.state.allocation.assets[0].balances[1]) + ")");
  Must(bob_chain.Register(info.params, bobs_old_state), "Bob's registration");
  alice.ProcessLedgerEvents();  // Alice's watcher refutes
  auto dispute = Must(alice_chain.GetDispute(id), "dispute");
  if (dispute.state.state.version != info.latest.version) {
    ExitWith("refute", Status::Internal("the ledger does not hold Alice's latest state"));
  }
  Say("dispute", "ledger holds version " + std::to_string(dispute.state.state.version) +
                     "; timeout at tick " + std::to_string(dispute.timeout));

  // 4. The challenge period passes; both withdraw.
  Status early = alice.Settle(id);
  Say("settle", "settling before the timeout is refused: " + early.message());
  Must(ledger->Advance(challenge), "advance ticks");
  Say("settle", "ledger advanced to tick " + std::to_string(ledger->Now()));
  Must(alice.Settle(id), "Alice settles");
  Must(bob.Settle(id), "Bob withdraws");
  bob.ProcessLedgerEvents();

  Amount alice_final = ledger->Balance(alice_id, kAsset);
  Amount bob_final = ledger->Balance(bob_id, kAsset);
  Say("result", "ledger balances: Alice " + Amt(alice_final) + ", Bob " + Amt(bob_final));
  bool conserved = alice_final + bob_final == 2 * wallet;
  bool exact = alice_final == wallet - deposit + alice_balance &&
               bob_final == wallet - deposit + bob_balance;
  Say("result", std::string("funds conserved: ") + (conserved ? "yes" : "NO") +
                    "; payout matches the latest state: " + (exact ? "yes" : "NO"));
  auto final_info = Must(alice.GetChannel(id), "channel");
  Say("result", std::string("Alice's channel is ") + channel::PhaseName(final_info.phase));
  return conserved && exact ? 0 : 1;
}

int main(int argc, char** argv) {
  CLI::App cli{"Parley payment channel demo on the embedded (sim) ledger"};
  int payments = 10000;
  std::string data_dir;
  bool sync = false;
  std::string log_level = "warn";
  cli.add_option("--payments", payments, "number of off-chain payments")
      ->check(CLI::Range(2, 10000000));
  cli.add_option("--data-dir", data_dir, "where the RocksDB stores go (default: a fresh temp dir)");
  cli.add_flag("--sync", sync, "fsync every write (slower; survives power loss)");
  cli.add_option("--log-level", log_level, "trace, debug, info, warn, error or off");
  CLI11_PARSE(cli, argc, argv);
  Must(SetLogLevel(log_level), "--log-level");

  bool own_dir = data_dir.empty();
  if (own_dir) {
    data_dir = (std::filesystem::temp_directory_path() / "parley-demo-XXXXXX").string();
    if (mkdtemp(data_dir.data()) == nullptr) ExitWith("temp dir", Status::IoError(data_dir));
  }
  std::filesystem::create_directories(data_dir);
  int result = RunDemo(data_dir, payments, sync);
  if (own_dir) std::filesystem::remove_all(data_dir);
  return result;
}
