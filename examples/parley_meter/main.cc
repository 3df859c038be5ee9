// parley-meter: an EV charger and a car, paying per 0.1 kWh with streaming
// micropayments (apps/streaming). Both nodes run in this process, on the
// in-memory network and the embedded ledger.
//
// The car opens a streaming channel to the charger and signs a voucher for
// every 0.1 kWh it receives. The charger delivers while the car is at most
// --lag units behind, and stops when it falls further behind. Then the
// charger settles with the latest voucher, and the ledger pays each side.
// --stall-after N makes the car stop paying after N units, to show the
// charger stopping; without it the car charges --units units and leaves.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "parley/client/node.h"
#include "parley/settlement/sim_ledger.h"
#include "parley/util/must.h"
#include "parley/wire/memory_transport.h"
#include "streaming/voucher.h"

namespace parley {
namespace {

struct Options {
  uint64_t units = 60;       // 0.1 kWh each
  uint64_t price = 7;        // per unit
  uint64_t lag = 3;          // units the charger delivers on credit
  uint64_t stall_after = 0;  // 0: the car pays for every unit
  uint64_t deposit = 1000;   // the car's
};

std::string Kwh(uint64_t units) {
  return std::to_string(units / 10) + "." + std::to_string(units % 10) + " kWh";
}

int Run(const Options& opt) {
  channel::AppRegistry apps;
  Must(apps.Register(std::make_shared<apps::StreamingApp>()), "apps");
  auto ledger_store = store::NewMemoryStore();
  auto ledger = Must(settlement::SimLedger::Open(*ledger_store, apps), "ledger");
  wire::MemoryNetwork network;
  struct Side {
    crypto::PrivateKey key = crypto::PrivateKey::Generate();
    std::unique_ptr<store::Store> store = store::NewMemoryStore();
    std::optional<settlement::SimClient> chain;
    std::unique_ptr<client::Node> node;
  } car, charger;
  for (Side* side : {&car, &charger}) {
    side->chain.emplace(*ledger, side->key.public_key());
    side->node = std::make_unique<client::Node>(
        side->key, *side->store, network.Join(side->key.public_key()), *side->chain, *side->chain,
        ledger->scheme(), apps, client::NodeOptions{.max_deposit_on_proposal = 0});
    Must(side->node->Start(), "start");
  }
  Must(ledger->Mint(car.key.public_key(), "native", opt.deposit), "mint");
  auto settle = [&] {
    do {
      network.Deliver();
      car.node->ProcessLedgerEvents();
      charger.node->ProcessLedgerEvents();
    } while (network.Queued() > 0);
  };

  apps::StreamTerms terms{.payer = 0, .price_per_unit = opt.price, .max_lag_units = opt.lag};
  auto id =
      Must(car.node->OpenChannel({.peer = charger.key.public_key(),
                                  .app = apps::StreamingApp::kId,
                                  .my_deposit = opt.deposit,
                                  .peer_deposit = 0,
                                  .challenge_duration = 10,
                                  .initial_app_data = apps::StreamingApp::InitialData(terms)}),
           "open");
  settle();
  std::printf(
      "[plug in ] the car opens a channel to the charger with %llu; %llu per 0.1 kWh, "
      "up to %llu units on credit\n",
      static_cast<unsigned long long>(opt.deposit), static_cast<unsigned long long>(opt.price),
      static_cast<unsigned long long>(opt.lag));

  auto base = Must(charger.node->LatestSignedState(id), "base");
  auto params = Must(charger.node->GetChannel(id), "channel").params;
  auto payer = Must(apps::StreamPayer::Create(base.state, car.key, ledger->scheme()), "payer");
  auto payee = Must(apps::StreamPayee::Create(params, base, 1, ledger->scheme()), "payee");

  uint64_t delivered = 0;
  while (delivered < opt.units) {
    if (!payee.ShouldServe(delivered)) {
      std::printf("[charger ] the car is %llu units behind: charging stops at %s\n",
                  static_cast<unsigned long long>(delivered - payee.units_paid()),
                  Kwh(delivered).c_str());
      break;
    }
    ++delivered;  // 0.1 kWh flows
    bool paying = opt.stall_after == 0 || delivered <= opt.stall_after;
    if (paying) {
      auto voucher = payer.Pay(1);
      if (!voucher.ok()) {
        std::printf("[car     ] cannot pay more: %s\n", voucher.status().message().c_str());
      } else {
        // The voucher travels as bytes; the charger checks it before trusting it.
        auto received = Must(apps::DecodeVoucher(apps::EncodeVoucher(*voucher)), "voucher");
        Must(payee.Accept(received), "accept");
      }
    }
    if (delivered % 10 == 0) {
      std::printf("[meter   ] %s delivered, %s paid for (total %s)\n", Kwh(delivered).c_str(),
                  Kwh(payee.units_paid()).c_str(), channel::ToString(payee.total()).c_str());
    }
  }

  // The charger settles with the latest voucher, countersigned.
  Must(charger.node->AdoptState(id, Must(payee.Settleable(charger.key), "settleable")), "adopt");
  Must(charger.node->ForceClose(id), "register");
  settle();
  Must(ledger->Advance(10), "advance");
  settle();
  Must(charger.node->Settle(id), "charger withdraws");
  Must(car.node->Settle(id), "car withdraws");
  auto car_balance = ledger->Balance(car.key.public_key(), "native");
  auto charger_balance = ledger->Balance(charger.key.public_key(), "native");
  std::printf("[settle  ] %s delivered, %s paid: the charger holds %s, the car %s\n",
              Kwh(delivered).c_str(), Kwh(payee.units_paid()).c_str(),
              channel::ToString(charger_balance).c_str(), channel::ToString(car_balance).c_str());
  bool conserved = car_balance + charger_balance == opt.deposit;
  bool exact = charger_balance == payee.total();
  std::printf("[settle  ] funds conserved: %s; the charger got exactly the vouchers' total: %s\n",
              conserved ? "yes" : "no", exact ? "yes" : "no");
  return conserved && exact ? 0 : 1;
}

}  // namespace
}  // namespace parley

int main(int argc, char** argv) {
  parley::Options opt;
  CLI::App app{"parley-meter: an EV charger paid per 0.1 kWh by streaming micropayments"};
  app.add_option("--units", opt.units, "units of 0.1 kWh the car wants")->capture_default_str();
  app.add_option("--price", opt.price, "price per unit")->capture_default_str();
  app.add_option("--lag", opt.lag, "units the charger delivers on credit")->capture_default_str();
  app.add_option("--stall-after", opt.stall_after, "the car stops paying after this many units")
      ->capture_default_str();
  app.add_option("--deposit", opt.deposit, "the car's deposit")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return parley::Run(opt);
}
