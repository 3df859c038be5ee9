#include "statechaind.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>

#include "parley/channel/scheme.h"
#include "parley/rpc/statechain_channel_service.h"
#include "parley/rpc/statechain_service.h"
#include "parley/settlement/remote_sim_ledger.h"
#include "parley/settlement/statechain/bitcoin_coin_ledger.h"
#include "parley/settlement/statechain/operator.h"
#include "parley/settlement/statechain/operator_adjudicator.h"
#include "parley/settlement/statechain/operator_channels.h"
#include "parley/store/store.h"
#include "parley/wire/grpc_common.h"

namespace parley::statechaind {

namespace {

Status CheckConfig(const OperatorConfig& config) {
  if (!config.chain.starts_with("sim://") || config.chain.size() == 6) {
    return Status::InvalidArgument("--chain must name the devchain: sim://HOST:PORT (got '" +
                                   config.chain + "'); parleyd --devchain HOST:PORT serves one");
  }
  if (config.interval == 0) return Status::InvalidArgument("--interval must be at least 1");
  if (config.initlock <= config.interval) {
    return Status::InvalidArgument("--initlock (" + std::to_string(config.initlock) +
                                   ") must exceed --interval (" + std::to_string(config.interval) +
                                   "), or no coin could ever be transferred");
  }
  return Status::Ok();
}

}  // namespace

Status Run(const OperatorConfig& config) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // for this and every later thread

  PARLEY_RETURN_IF_ERROR(CheckConfig(config));
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) {
    return Status::IoError("cannot create data directory " + config.data_dir + ": " + ec.message());
  }
  PARLEY_ASSIGN_OR_RETURN(auto store, store::OpenRocksDb(config.data_dir + "/operator"));

  // The operator never pays on the ledger: it reads the height and the
  // UTXO set, so its account is a throwaway key.
  settlement::RemoteSimLedger devchain(config.chain.substr(6), crypto::PrivateKey::Generate(),
                                       std::chrono::seconds(5));
  if (auto probe = devchain.GetUtxo(crypto::OutPoint{});
      !probe.ok() && probe.status().code() != StatusCode::kNotFound) {
    return probe.status().WithContext("cannot reach the devchain " + config.chain);
  }
  settlement::statechain::BitcoinCoinLedger ledger(devchain);
  settlement::statechain::Operator op(
      *store, ledger, {.protocol = {.initlock = config.initlock, .interval = config.interval}});

  // The adjudicator of the channels opened on the operator's coins: the
  // same store, so a coin and its share move into a channel in one write.
  const channel::Bip340Scheme scheme("statechain");
  settlement::statechain::OperatorAdjudicator adjudicator(*store, ledger, scheme);
  settlement::statechain::OperatorChannels channels(op, adjudicator);

  rpc::StatechainService service(op);
  rpc::StatechainChannelService channel_service(channels);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  wire::ConfigureServer(builder);
  int port = 0;
  builder.AddListeningPort(config.listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  builder.RegisterService(&channel_service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) return Status::IoError("cannot listen on " + config.listen);

  std::printf(
      "parley-statechain ready: wallets on %s, devchain %s (height %llu), initlock %u, "
      "interval %u\n",
      config.listen.c_str(), config.chain.c_str(), static_cast<unsigned long long>(ledger.Height()),
      config.initlock, config.interval);
  std::fflush(stdout);
  spdlog::info("operator store in {}", config.data_dir);
  for (;;) {
    int signal = sigwaitinfo(&signals, nullptr);
    if (signal == SIGTERM || signal == SIGINT) {
      spdlog::info("signal {}: shutting down", signal);
      break;
    }
  }
  // Requests in flight finish; then the operator and its store close.
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  spdlog::info("stopped");
  return Status::Ok();
}

}  // namespace parley::statechaind
