#include "daemon.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>

#include "chess/chess_app.h"
#include "evm_chain.h"
#include "parley/channel/amount.h"
#include "parley/client/node.h"
#include "parley/crypto/ecdsa.h"
#include "parley/crypto/key_file.h"
#include "parley/rpc/api_service.h"
#include "parley/rpc/ledger_service.h"
#include "parley/settlement/evm/evm_client.h"
#include "parley/settlement/remote_sim_ledger.h"
#include "parley/settlement/sim_ledger.h"
#include "parley/store/store.h"
#include "parley/watchtower/tower_client.h"
#include "parley/wire/grpc_common.h"
#include "payment/payment_app.h"
#include "statechain_backend.h"
#include "streaming/streaming_app.h"
#include "tictactoe/tictactoe_app.h"
#include "tipping/tipping_app.h"
#include "tower_feed.h"

namespace parley::daemon {
namespace {

using Clock = std::chrono::steady_clock;

std::unique_ptr<grpc::Server> Serve(const std::string& address, grpc::Service* service, int* port) {
  grpc::ServerBuilder builder;
  wire::ConfigureServer(builder);
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), port);
  builder.RegisterService(service);
  return builder.BuildAndStart();
}

// The peers this node dials, one NODE_ID@HOST:PORT a line in the data
// directory, so that a restarted daemon dials them again.
class PeerBook {
 public:
  explicit PeerBook(std::string path) : path_(std::move(path)) {
    std::ifstream in(path_);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) lines_.insert(line);
    }
  }
  const std::set<std::string>& lines() const { return lines_; }
  void Add(const std::string& line) {
    std::lock_guard lock(mutex_);
    if (!lines_.insert(line).second) return;
    std::ofstream out(path_, std::ios::app);
    out << line << "\n";
    if (!out) spdlog::warn("cannot record peer {} in {}", line, path_);
  }

 private:
  std::string path_;
  std::mutex mutex_;
  std::set<std::string> lines_;
};

// Dials NODE_ID@HOST:PORT; false if the line does not parse.
bool Dial(wire::GrpcTransport& transport, const std::string& line) {
  size_t at = line.find('@');
  auto peer = crypto::PublicKey::FromHex(line.substr(0, at));
  if (at == std::string::npos || !peer.ok()) return false;
  transport.Connect(*peer, line.substr(at + 1));
  return true;
}

// Blocks SIGTERM and SIGINT in this and every later thread, so that the main
// loop receives them with sigtimedwait.
sigset_t BlockShutdownSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

}  // namespace

Status Run(const DaemonConfig& config) {
  sigset_t shutdown_signals = BlockShutdownSignals();
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(config.data_dir, ec);
  if (ec)
    return Status::IoError("cannot create data directory " + config.data_dir + ": " + ec.message());
  if (config.devchain.empty() && config.chain.empty()) {
    return Status::InvalidArgument(
        "no ledger: give --devchain HOST:PORT to host one, --chain sim://HOST:PORT to join one, "
        "or --chain evm://HOST:PORT --adjudicator 0x... to settle on an EVM chain");
  }
  const bool on_evm = config.chain.starts_with("evm://");
  if (!config.chain.empty() && !config.chain.starts_with("sim://") && !on_evm) {
    return Status::InvalidArgument("--chain '" + config.chain +
                                   "' is not supported; use sim://HOST:PORT or evm://HOST:PORT");
  }
  PARLEY_ASSIGN_OR_RETURN(auto evm_chain, ParseEvmChain(config.chain, config.evm));
  if (evm_chain && !config.devchain.empty()) {
    return Status::InvalidArgument(
        "--devchain hosts a sim ledger; a node on an EVM chain (--chain evm://...) cannot host "
        "one");
  }
  if (!config.statechain.empty() && config.statechain_backup_every > 0 &&
      config.statechain_backup_step == 0) {
    return Status::InvalidArgument(
        "--statechain-backup-step 0: each backup's lock time must be at least one block below "
        "the one before; give a step of 1 or more, or --statechain-backup-every 0 for no "
        "backups");
  }
  auto max_deposit = channel::ParseAmount(config.max_deposit);
  if (!max_deposit.ok()) return max_deposit.status().WithContext("--max-deposit");

  PARLEY_ASSIGN_OR_RETURN(auto key, crypto::LoadOrCreateKeyFile(config.data_dir + "/node.key"));
  PARLEY_ASSIGN_OR_RETURN(auto store, store::OpenRocksDb(config.data_dir + "/node"));
  channel::AppRegistry apps;
  PARLEY_RETURN_IF_ERROR(apps.Register(std::make_shared<apps::PaymentApp>()));
  PARLEY_RETURN_IF_ERROR(apps.Register(std::make_shared<apps::TicTacToeApp>()));
  PARLEY_RETURN_IF_ERROR(apps.Register(std::make_shared<apps::ChessApp>()));
  PARLEY_RETURN_IF_ERROR(apps.Register(std::make_shared<apps::TippingApp>()));
  PARLEY_RETURN_IF_ERROR(apps.Register(std::make_shared<apps::StreamingApp>()));
  channel::Bip340Scheme sim_scheme("sim");
  const channel::SignatureScheme* scheme = &sim_scheme;

  // The ledger: hosted here, joined remotely, or both (hosting and using it).
  std::unique_ptr<store::Store> ledger_store;
  std::unique_ptr<settlement::SimLedger> ledger;
  std::unique_ptr<rpc::LedgerService> ledger_service;
  std::unique_ptr<grpc::Server> devchain_server;
  if (!config.devchain.empty()) {
    PARLEY_ASSIGN_OR_RETURN(ledger_store, store::OpenRocksDb(config.data_dir + "/devchain"));
    PARLEY_ASSIGN_OR_RETURN(ledger, settlement::SimLedger::Open(*ledger_store, apps));
    ledger_service = std::make_unique<rpc::LedgerService>(*ledger, config.devchain_dev_calls);
    int port = 0;
    devchain_server = Serve(config.devchain, ledger_service.get(), &port);
    if (!devchain_server) return Status::IoError("cannot host the devchain on " + config.devchain);
  }
  std::unique_ptr<settlement::SimClient> local_chain;
  std::unique_ptr<settlement::RemoteSimLedger> remote_chain;
  EvmConnection evm;
  settlement::Funder* funder;
  settlement::Adjudicator* adjudicator;
  if (config.chain.empty()) {
    local_chain = std::make_unique<settlement::SimClient>(*ledger, key.public_key());
    funder = local_chain.get();
    adjudicator = local_chain.get();
  } else if (evm_chain) {
    // The node key's account pays for deposits and gas; the node's store
    // keeps the event cursor, so that events missed while down are delivered.
    PARLEY_ASSIGN_OR_RETURN(evm, JoinEvmChain(*evm_chain, key, *store,
                                              {.program = "parleyd",
                                               .owner = "this node's account",
                                               .pays = "deposits and gas"}));
    funder = evm.client.get();
    adjudicator = evm.client.get();
    scheme = &evm.client->scheme();
  } else {
    remote_chain = std::make_unique<settlement::RemoteSimLedger>(config.chain.substr(6), key);
    funder = remote_chain.get();
    adjudicator = remote_chain.get();
  }

  PARLEY_ASSIGN_OR_RETURN(auto transport,
                          wire::GrpcTransport::Start(key, {.listen_address = config.listen}));
  rpc::EventHub events;
  // The ledger's backend first: channels that name no backend settle there.
  std::vector<client::SettlementBackend> backends{{*funder, *adjudicator, *scheme}};
  std::unique_ptr<StatechainBackend> statechain;  // outlives the node
  if (!config.statechain.empty()) {
    statechain = std::make_unique<StatechainBackend>(
        config.statechain, key,
        settlement::statechain::BackupPolicy{.every_versions = config.statechain_backup_every,
                                             .lock_step = config.statechain_backup_step});
    backends.push_back(statechain->backend());
  }
  auto node = std::make_unique<client::Node>(
      key, *store, *transport, std::move(backends), apps,
      client::NodeOptions{.max_deposit_on_proposal = *max_deposit,
                          .max_channels_per_peer = config.max_channels_per_peer,
                          .max_updates_in_flight = config.updates_in_flight,
                          .max_actions_per_update = config.actions_per_update});
  // Whatever happens from here on, no transport thread may reach the node
  // once it is gone: the transport stops first (this guard dies before node).
  struct StopTransportFirst {
    wire::GrpcTransport& transport;
    ~StopTransportFirst() { transport.Stop(); }
  } stop_transport_first{*transport};
  // With --watchtower, every new fully signed state also goes to the tower.
  std::unique_ptr<watchtower::TowerClient> tower;
  std::unique_ptr<TowerFeed> tower_feed;  // dies before the node
  if (!config.watchtower.empty()) {
    tower =
        std::make_unique<watchtower::TowerClient>(config.watchtower, key, std::chrono::seconds(5));
    tower_feed = std::make_unique<TowerFeed>(*node, *tower);
  }
  node->SetObserver([&events, feed = tower_feed.get()](const client::NodeEvent& e) {
    events.Publish(e);
    if (feed) feed->OnEvent(e);
  });
  transport->SetConnectionHandler(
      [&node](const wire::PeerId& peer) { node->OnPeerConnected(peer); });
  PARLEY_RETURN_IF_ERROR(node->Start());
  if (tower_feed) tower_feed->Start();
  PeerBook peers(config.data_dir + "/peers");
  for (const auto& line : peers.lines()) {
    if (!Dial(*transport, line)) spdlog::warn("ignoring peer line '{}'", line);
  }

  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  rpc::ApiContext api_context{*node,
                              *transport,
                              *adjudicator,
                              events,
                              config.listen,
                              std::string(scheme->name()),
                              on_evm ? std::string(settlement::evm::kEtherAsset) : "native",
                              nullptr,
                              [&peers](const std::string& line) { peers.Add(line); }};
  if (on_evm) {
    api_context.check_asset = [](const std::string& asset) {
      return settlement::evm::AssetAddress(asset).status();
    };
  }
  rpc::ApiService api(std::move(api_context));
  int api_port = 0;
  auto api_server = Serve(config.api, &api, &api_port);
  if (!api_server) return Status::IoError("cannot serve the API on " + config.api);

  std::printf("parleyd ready: node %s, peers on %s, api on %s%s%s%s\n",
              key.public_key().ToHex().c_str(), config.listen.c_str(), config.api.c_str(),
              config.devchain.empty() ? "" : (", devchain on " + config.devchain).c_str(),
              config.watchtower.empty() ? "" : (", watchtower " + config.watchtower).c_str(),
              config.statechain.empty() ? "" : (", statechain " + config.statechain).c_str());
  std::fflush(stdout);

  auto next_tick = Clock::now() + std::chrono::milliseconds(config.tick_ms);
  for (;;) {
    timespec wait{0, 100 * 1000 * 1000};
    int signal = sigtimedwait(&shutdown_signals, nullptr, &wait);
    if (signal == SIGTERM || signal == SIGINT) {
      spdlog::info("signal {}: shutting down", signal);
      break;
    }
    node->ProcessLedgerEvents();
    if (ledger && Clock::now() >= next_tick) {  // every tick that has come due, at once
      auto period = std::chrono::milliseconds(config.tick_ms);
      Tick due = 1 + static_cast<Tick>((Clock::now() - next_tick) / period);
      Status s = ledger->Advance(due);
      if (!s.ok()) spdlog::error("devchain clock: {}", s.ToString());
      next_tick += due * period;
    }
  }

  // Stop callers first, then what they call: the API, the peers and the other
  // daemons on a hosted devchain, and only then the node.
  api_server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  transport->Stop();
  if (devchain_server) {
    devchain_server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  }
  if (tower_feed) tower_feed->Stop();
  node.reset();
  spdlog::info("stopped");
  return Status::Ok();
}

}  // namespace parley::daemon
