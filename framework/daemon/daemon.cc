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

// What --chain evm://HOST:PORT, --adjudicator and the --evm-* options name.
struct EvmChain {
  std::string endpoint;  // http://HOST:PORT
  crypto::EthAddress adjudicator{};
  uint64_t confirmations = 1;
  std::chrono::milliseconds poll_interval{100};
};

constexpr uint64_t kMaxConfirmations = 64;
constexpr uint64_t kMinPollMs = 10;
constexpr uint64_t kMaxPollMs = 60'000;

// The --evm-* options of `config` into `chain`, the defaults for those not
// given; InvalidArgument for a value out of range.
Status ReadEvmOptions(const DaemonConfig& config, EvmChain& chain) {
  chain.confirmations = config.evm_confirmations.value_or(chain.confirmations);
  if (chain.confirmations == 0 || chain.confirmations > kMaxConfirmations) {
    return Status::InvalidArgument("--evm-confirmations " + std::to_string(chain.confirmations) +
                                   " is out of range: give 1 (a transaction counts once mined) "
                                   "to " +
                                   std::to_string(kMaxConfirmations));
  }
  uint64_t poll_ms = config.evm_poll_ms.value_or(chain.poll_interval.count());
  if (poll_ms < kMinPollMs || poll_ms > kMaxPollMs) {
    return Status::InvalidArgument("--evm-poll-ms " + std::to_string(poll_ms) +
                                   " is out of range: give " + std::to_string(kMinPollMs) + " to " +
                                   std::to_string(kMaxPollMs) + " ms");
  }
  chain.poll_interval = std::chrono::milliseconds(poll_ms);
  return Status::Ok();
}

// The EVM chain of `config`, nullopt if it names none; InvalidArgument for a
// malformed one.
Result<std::optional<EvmChain>> ParseEvmChain(const DaemonConfig& config) {
  if (!config.chain.starts_with("evm://")) {
    for (const auto& [given, flag] : {std::pair{!config.adjudicator.empty(), "--adjudicator"},
                                      {config.evm_confirmations.has_value(), "--evm-confirmations"},
                                      {config.evm_poll_ms.has_value(), "--evm-poll-ms"}}) {
      if (given) {
        return Status::InvalidArgument(std::string(flag) +
                                       " is for an EVM chain: --chain evm://HOST:PORT");
      }
    }
    return std::optional<EvmChain>();
  }
  EvmChain chain;
  PARLEY_RETURN_IF_ERROR(ReadEvmOptions(config, chain));
  if (!config.devchain.empty()) {
    return Status::InvalidArgument(
        "--devchain hosts a sim ledger; a node on an EVM chain (--chain evm://...) cannot host "
        "one");
  }
  std::string host_port = config.chain.substr(6);
  size_t colon = host_port.rfind(':');
  if (host_port.empty() || colon == std::string::npos || colon == 0 ||
      colon + 1 == host_port.size() || host_port.find('/') != std::string::npos) {
    return Status::InvalidArgument("--chain '" + config.chain +
                                   "' is not evm://HOST:PORT (the chain's JSON-RPC over HTTP)");
  }
  if (config.adjudicator.empty()) {
    return Status::InvalidArgument(
        "--chain evm:// needs --adjudicator 0x...: the address of the Adjudicator contract "
        "(parley evm deploy deploys one and prints it)");
  }
  auto adjudicator = crypto::AddressFromHex(config.adjudicator);
  if (!adjudicator.ok()) return adjudicator.status().WithContext("--adjudicator");
  chain.endpoint = "http://" + host_port;
  chain.adjudicator = *adjudicator;
  return std::optional<EvmChain>(chain);
}

// Reaches the chain and the Adjudicator, as the node key's account (which
// pays for gas and deposits), and says which account that is. `eth` receives
// the chain client, which must outlive the returned one. The node's store
// keeps the event cursor, so that events missed while down are delivered.
Result<std::unique_ptr<settlement::evm::EvmClient>> JoinEvmChain(
    const EvmChain& chain, const crypto::PrivateKey& key, store::Store& store,
    std::unique_ptr<settlement::evm::EthClient>& eth) {
  namespace evm = settlement::evm;
  auto opened = evm::EthClient::Open(chain.endpoint);
  if (!opened.ok()) return opened.status().WithContext("--chain " + chain.endpoint);
  eth = std::make_unique<evm::EthClient>(std::move(*opened));
  auto client = evm::EvmClient::Create(*eth, chain.adjudicator, key,
                                       {.tx = {.confirmations = chain.confirmations},
                                        .poll_interval = chain.poll_interval,
                                        .event_cursor = &store});
  if (!client.ok()) {
    return client.status().WithContext("cannot use the Adjudicator " +
                                       crypto::AddressToHex(chain.adjudicator) + " on " +
                                       chain.endpoint);
  }
  const std::string account = crypto::AddressToHex((*client)->address());
  auto balance = eth->GetBalance((*client)->address());
  std::string wei = balance.ok() ? channel::ToString(*balance) : balance.status().ToString();
  std::printf(
      "parleyd evm: chain %llu at %s, adjudicator %s; this node's account %s (%s wei) "
      "pays deposits and gas\n",
      static_cast<unsigned long long>((*client)->scheme().chain_id()), chain.endpoint.c_str(),
      crypto::AddressToHex(chain.adjudicator).c_str(), account.c_str(), wei.c_str());
  std::fflush(stdout);
  if (balance.ok() && *balance == 0) {
    spdlog::warn("the node's account {} has no ether: fund it to pay for deposits and gas",
                 account);
  }
  return std::move(*client);
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
  PARLEY_ASSIGN_OR_RETURN(auto evm_chain, ParseEvmChain(config));
  if (on_evm && !config.watchtower.empty()) {
    return Status::InvalidArgument(
        "--watchtower: parley-watchtower watches a devchain; it cannot watch an EVM chain yet");
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
  std::unique_ptr<settlement::evm::EthClient> eth;  // outlives evm_client
  std::unique_ptr<settlement::evm::EvmClient> evm_client;
  settlement::Funder* funder;
  settlement::Adjudicator* adjudicator;
  if (config.chain.empty()) {
    local_chain = std::make_unique<settlement::SimClient>(*ledger, key.public_key());
    funder = local_chain.get();
    adjudicator = local_chain.get();
  } else if (evm_chain) {
    PARLEY_ASSIGN_OR_RETURN(evm_client, JoinEvmChain(*evm_chain, key, *store, eth));
    funder = evm_client.get();
    adjudicator = evm_client.get();
    scheme = &evm_client->scheme();
  } else {
    remote_chain = std::make_unique<settlement::RemoteSimLedger>(config.chain.substr(6), key);
    funder = remote_chain.get();
    adjudicator = remote_chain.get();
  }

  PARLEY_ASSIGN_OR_RETURN(auto transport,
                          wire::GrpcTransport::Start(key, {.listen_address = config.listen}));
  rpc::EventHub events;
  auto node = std::make_unique<client::Node>(
      key, *store, *transport, *funder, *adjudicator, *scheme, apps,
      client::NodeOptions{.max_deposit_on_proposal = *max_deposit,
                          .max_channels_per_peer = config.max_channels_per_peer});
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

  std::printf("parleyd ready: node %s, peers on %s, api on %s%s%s\n",
              key.public_key().ToHex().c_str(), config.listen.c_str(), config.api.c_str(),
              config.devchain.empty() ? "" : (", devchain on " + config.devchain).c_str(),
              config.watchtower.empty() ? "" : (", watchtower " + config.watchtower).c_str());
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
