// parley-tipping: one streamer and several fans, each fan with its own node
// and a channel to the streamer's node, all in this process on the in-memory
// network and the embedded ledger. Fans tip at random with short messages;
// the streamer's live leaderboard is drawn in the terminal after every round
// (--rounds, --fans, --delay-ms). At the end the streamer cashes out every
// channel, and the ledger shows the tips conserved to the unit.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "parley/client/node.h"
#include "parley/settlement/sim_ledger.h"
#include "parley/util/must.h"
#include "parley/wire/memory_transport.h"
#include "tipping/tipping_app.h"

namespace parley {
namespace {

struct Options {
  int fans = 4;
  int rounds = 8;
  int delay_ms = 300;
  uint64_t deposit = 500;  // each fan's
  bool plain = false;      // no screen clearing (for logs and tests)
};

constexpr const char* kNames[] = {"ada", "bo", "cy", "dee", "eli", "fay", "gus", "hal"};
constexpr const char* kMessages[] = {"gg",     "what a play",  "hello from Lyon", "more chess pls",
                                     "first!", "that endgame", "love the stream", "wp"};

struct Peer {
  std::string name;
  crypto::PrivateKey key = crypto::PrivateKey::Generate();
  std::unique_ptr<store::Store> store = store::NewMemoryStore();
  std::optional<settlement::SimClient> chain;
  std::unique_ptr<client::Node> node;
  channel::ChannelId channel{};  // a fan's channel to the streamer
};

// The streamer's view: fans by total tipped, with their last message.
void DrawLeaderboard(const Options& opt, const client::Node& streamer,
                     const std::vector<std::unique_ptr<Peer>>& fans, int round) {
  struct Row {
    std::string name;
    channel::Amount total;
    std::string message;
  };
  std::vector<Row> rows;
  for (const auto& fan : fans) {
    auto info = streamer.GetChannel(fan->channel);
    auto jar = info.ok() ? apps::TippingApp::Decode(info->latest.app_data) : Status::NotFound("");
    if (jar.ok()) rows.push_back({fan->name, jar->total, jar->last_message});
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& a, const Row& b) { return a.total > b.total; });
  if (!opt.plain) std::printf("\033[2J\033[H");
  std::printf("leaderboard after round %d of %d\n", round, opt.rounds);
  std::printf("  rank  fan    total  last message\n");
  for (size_t i = 0; i < rows.size(); ++i) {
    std::printf("  %-5zu %-6s %5s  %s\n", i + 1, rows[i].name.c_str(),
                channel::ToString(rows[i].total).c_str(), rows[i].message.c_str());
  }
  std::fflush(stdout);
}

int Run(const Options& opt) {
  channel::AppRegistry apps;
  Must(apps.Register(std::make_shared<apps::TippingApp>()), "apps");
  auto ledger_store = store::NewMemoryStore();
  auto ledger = settlement::SimLedger::Open(*ledger_store, apps).value();
  wire::MemoryNetwork network;
  auto join = [&](std::string name) {
    auto peer = std::make_unique<Peer>();
    peer->name = std::move(name);
    peer->chain.emplace(*ledger, peer->key.public_key());
    peer->node = std::make_unique<client::Node>(
        peer->key, *peer->store, network.Join(peer->key.public_key()), *peer->chain, *peer->chain,
        ledger->scheme(), apps, client::NodeOptions{.max_channels_per_peer = 64});
    Must(peer->node->Start(), "start");
    return peer;
  };
  auto streamer = join("streamer");
  std::vector<std::unique_ptr<Peer>> fans;
  for (int i = 0; i < opt.fans; ++i) fans.push_back(join(kNames[i % 8]));
  auto settle = [&] {
    do {
      network.Deliver();
      streamer->node->ProcessLedgerEvents();
      for (auto& fan : fans) fan->node->ProcessLedgerEvents();
    } while (network.Queued() > 0);
  };

  for (auto& fan : fans) {
    Must(ledger->Mint(fan->key.public_key(), "native", opt.deposit), "mint");
    auto id = fan->node->OpenChannel({.peer = streamer->key.public_key(),
                                      .app = apps::TippingApp::kId,
                                      .my_deposit = opt.deposit,
                                      .peer_deposit = 0,
                                      .initial_app_data = apps::TippingApp::InitialAppData()});
    Must(id.status(), "open");
    fan->channel = *id;
  }
  settle();

  std::mt19937 random(42);  // the same show every run
  channel::Amount tipped = 0;
  for (int round = 1; round <= opt.rounds; ++round) {
    for (auto& fan : fans) {
      if (random() % 3 == 0) continue;  // not every fan tips every round
      uint64_t amount = 1 + random() % 25;
      Status s = fan->node->Update(fan->channel,
                                   apps::TippingApp::TipAction(amount, kMessages[random() % 8]));
      if (s.ok()) tipped += amount;
    }
    settle();
    DrawLeaderboard(opt, *streamer->node, fans, round);
    std::this_thread::sleep_for(std::chrono::milliseconds(opt.delay_ms));
  }

  // Cash-out: the streamer closes every channel and withdraws; fans take the rest.
  for (auto& fan : fans) Must(streamer->node->Close(fan->channel), "close");
  settle();
  for (auto& fan : fans) {
    Must(streamer->node->Settle(fan->channel), "streamer withdraws");
    Must(fan->node->Settle(fan->channel), "fan withdraws");
  }
  channel::Amount earned = ledger->Balance(streamer->key.public_key(), "native");
  channel::Amount all = earned;
  for (auto& fan : fans) all += ledger->Balance(fan->key.public_key(), "native");
  std::printf("cash-out: the streamer withdrew %s from %d channels; tips sent %s\n",
              channel::ToString(earned).c_str(), opt.fans, channel::ToString(tipped).c_str());
  bool exact = earned == tipped && all == opt.deposit * static_cast<uint64_t>(opt.fans);
  std::printf("funds conserved and every tip paid: %s\n", exact ? "yes" : "no");
  return exact ? 0 : 1;
}

}  // namespace
}  // namespace parley

int main(int argc, char** argv) {
  parley::Options opt;
  CLI::App app{"parley-tipping: a streamer, its fans and a live leaderboard"};
  app.add_option("--fans", opt.fans, "how many fans (1 to 8)")
      ->check(CLI::Range(1, 8))
      ->capture_default_str();
  app.add_option("--rounds", opt.rounds, "rounds of tips")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--delay-ms", opt.delay_ms, "pause between rounds")
      ->check(CLI::Range(0, 10000))
      ->capture_default_str();
  app.add_option("--deposit", opt.deposit, "each fan's deposit")->capture_default_str();
  app.add_flag("--plain", opt.plain, "do not clear the screen between rounds");
  CLI11_PARSE(app, argc, argv);
  return parley::Run(opt);
}
