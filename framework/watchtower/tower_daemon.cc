#include "tower_daemon.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>

#include "parley/channel/scheme.h"
#include "parley/crypto/key_file.h"
#include "parley/settlement/remote_sim_ledger.h"
#include "parley/store/store.h"
#include "parley/watchtower/tower.h"
#include "parley/wire/grpc_common.h"
#include "tower_service.h"

namespace parley::watchtower {

namespace {

// The options of `config` the Tower takes; InvalidArgument for a bad one.
Result<TowerOptions> ReadOptions(const TowerConfig& config) {
  if (config.quota == 0 || config.max_channels == 0) {
    return Status::InvalidArgument("--quota and --max-channels must be at least 1");
  }
  TowerOptions options{.quota_per_client = config.quota, .max_channels = config.max_channels};
  for (const auto& hex : config.allowed_clients) {
    auto key = crypto::PublicKey::FromHex(hex);
    if (!key.ok()) return key.status().WithContext("--allow-client " + hex);
    options.allowed_clients.push_back(*key);
  }
  return options;
}

}  // namespace

Status Run(const TowerConfig& config) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // for this and every later thread

  const bool on_sim = config.chain.starts_with("sim://") && config.chain.size() > 6;
  if (!on_sim && !config.chain.starts_with("evm://")) {
    return Status::InvalidArgument(
        "--chain must name the ledger to watch: a devchain sim://HOST:PORT or an EVM chain "
        "evm://HOST:PORT (got '" +
        config.chain + "')");
  }
  PARLEY_ASSIGN_OR_RETURN(auto evm_chain, daemon::ParseEvmChain(config.chain, config.evm));
  PARLEY_ASSIGN_OR_RETURN(TowerOptions options, ReadOptions(config));
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) {
    return Status::IoError("cannot create data directory " + config.data_dir + ": " + ec.message());
  }
  PARLEY_ASSIGN_OR_RETURN(auto store, store::OpenRocksDb(config.data_dir + "/tower"));

  // The ledger, and the scheme of the channels on it. In declaration order,
  // so that the tower (below) dies first, then the ledger, then the store.
  std::unique_ptr<settlement::RemoteSimLedger> sim_ledger;
  daemon::EvmConnection evm;
  channel::Bip340Scheme sim_scheme("sim");
  settlement::Adjudicator* ledger = nullptr;
  const channel::SignatureScheme* scheme = &sim_scheme;
  if (evm_chain) {
    // Registering costs gas: the tower pays it from an account of its own,
    // whose key it keeps. The store keeps the event cursor, so that events
    // that came while the tower was down are delivered after a restart.
    PARLEY_ASSIGN_OR_RETURN(auto key, crypto::LoadOrCreateKeyFile(config.data_dir + "/tower.key"));
    PARLEY_ASSIGN_OR_RETURN(evm, daemon::JoinEvmChain(*evm_chain, key, *store,
                                                      {.program = "parley-watchtower",
                                                       .owner = "the tower's account",
                                                       .pays = "the gas of its refutations"}));
    ledger = evm.client.get();
    scheme = &evm.client->scheme();
  } else {
    // On a devchain the tower never deposits, so its ledger account is a
    // throwaway key: it only registers states, which their own signatures
    // authorize.
    sim_ledger = std::make_unique<settlement::RemoteSimLedger>(
        config.chain.substr(6), crypto::PrivateKey::Generate(), std::chrono::seconds(5));
    if (auto probe = sim_ledger->GetDispute(channel::ChannelId{});
        !probe.ok() && probe.status().code() != StatusCode::kNotFound) {
      return probe.status().WithContext("cannot reach the ledger to watch, " + config.chain +
                                        " (is its parleyd --devchain running?)");
    }
    ledger = sim_ledger.get();
  }
  Tower tower(*store, *ledger, *scheme, std::move(options));
  PARLEY_RETURN_IF_ERROR(tower.Start());

  TowerService service(tower, std::string(scheme->name()), config.chain);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  wire::ConfigureServer(builder);
  int port = 0;
  builder.AddListeningPort(config.listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) return Status::IoError("cannot listen on " + config.listen);

  std::printf("parley-watchtower ready: clients on %s, watching %s (quota %zu channels a client)\n",
              config.listen.c_str(), config.chain.c_str(), config.quota);
  std::fflush(stdout);
  for (;;) {
    timespec wait{0, 50 * 1000 * 1000};
    int signal = sigtimedwait(&signals, nullptr, &wait);
    if (signal == SIGTERM || signal == SIGINT) {
      spdlog::info("signal {}: shutting down", signal);
      break;
    }
    tower.ProcessLedgerEvents();
  }
  // Clients first, then the tower (its subscriptions), then the ledger.
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  return Status::Ok();
}

}  // namespace parley::watchtower
