// statechain_bench: the statechain operator (parley-statechain's pieces) on
// loopback gRPC, with its store in RocksDB (synced, as the daemon runs it)
// and an in-memory ledger. Prints:
//   (a) one transfer end to end (the sender's TransferTo: init, nonce,
//       partial signature, sealing; the receiver's Receive: opening, the
//       operator's coin info, verifying the chain, finalize), median and
//       p99, next to the target of 20 ms. Coins move in a ring of wallets,
//       `--hops` times each, so backup chains stay short;
//   (b) the operator's partial signatures per second (PartialSign alone, its
//       requests prepared beforehand), in process (synced RocksDB, then a
//       memory store) and over gRPC (one client, then 4 concurrent ones),
//       next to one BIP340 signature's cost.
// A benchmark program: it prints figures, it asserts nothing.
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "parley/crypto/random.h"
#include "parley/crypto/schnorr.h"
#include "parley/rpc/statechain_service.h"
#include "parley/settlement/statechain/operator.h"
#include "parley/settlement/statechain/remote_operator.h"
#include "parley/settlement/statechain/wallet.h"
#include "parley/util/must.h"
#include "statechain/fake_ledger.h"

namespace parley::settlement::statechain {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int64_t kCoinSats = 1'000'000;
constexpr int64_t kFeeSats = 500;

// Benchmarks stop at the first failure, saying what it was.
template <typename T>
T Ok(Result<T> result) {
  return Must(std::move(result), "statechain_bench");
}
void Ok(const Status& status) { Must(status, "statechain_bench"); }

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const size_t at = std::min(values.size() - 1, static_cast<size_t>(p * values.size()));
  return values[at];
}

// The operator with a synced RocksDB store, served on a loopback port.
struct OperatorServer {
  explicit OperatorServer(const std::filesystem::path& dir)
      : store(Ok(store::OpenRocksDb(dir.string()))),
        op(*store, ledger, {.protocol = {.initlock = 100'000, .interval = 100}}),
        service(op) {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service);
    server = builder.BuildAndStart();
    address = "127.0.0.1:" + std::to_string(port);
  }
  ~OperatorServer() { server->Shutdown(); }

  // A funded coin held by `wallet`.
  CoinId Deposit(Wallet& wallet) {
    DepositInfo deposit = Ok(wallet.BeginDeposit());
    crypto::Transaction funding;
    funding.inputs.push_back({.prevout = {.txid = crypto::RandomHash32(), .index = 0}});
    funding.outputs.push_back(
        {.amount_sats = kCoinSats,
         .script_pubkey = {deposit.script_pubkey.begin(), deposit.script_pubkey.end()}});
    Ok(wallet.SignFirstBackup(deposit.coin_id, {.txid = crypto::Txid(funding), .index = 0},
                              kCoinSats, kFeeSats));
    ledger.Mint(funding);
    return deposit.coin_id;
  }

  testing::FakeLedger ledger{1000};
  std::unique_ptr<store::Store> store;
  Operator op;
  rpc::StatechainService service;
  std::unique_ptr<grpc::Server> server;
  std::string address;
};

ReceiverPolicy Policy() { return {.protocol = {.initlock = 100'000, .interval = 100}}; }

void BenchTransfers(OperatorServer& s, int coins, int hops) {
  constexpr int kWallets = 5;
  std::vector<std::unique_ptr<RemoteOperator>> clients;
  std::vector<std::unique_ptr<Wallet>> wallets;
  for (int i = 0; i < kWallets; ++i) {
    clients.push_back(std::make_unique<RemoteOperator>(s.address));
    wallets.push_back(
        std::make_unique<Wallet>(*clients.back(), s.ledger, WalletKeys::Generate(), Policy()));
  }
  std::vector<double> sender_ms, receiver_ms, total_ms;
  for (int c = 0; c < coins; ++c) {
    const CoinId coin = s.Deposit(*wallets[c % kWallets]);
    for (int h = 0; h < hops; ++h) {
      Wallet& from = *wallets[(c + h) % kWallets];
      Wallet& to = *wallets[(c + h + 1) % kWallets];
      const Clock::time_point start = Clock::now();
      Bytes sealed = Ok(from.TransferTo(coin, to.address(), kFeeSats));
      const Clock::time_point sent = Clock::now();
      Ok(to.Receive(sealed));
      const Clock::time_point done = Clock::now();
      sender_ms.push_back(Ms(sent - start));
      receiver_ms.push_back(Ms(done - sent));
      total_ms.push_back(Ms(done - start));
    }
  }
  std::printf(
      "(a) one transfer end to end over loopback gRPC, %zu transfers (%d coins x %d hops, "
      "chains of at most %d backups)\n",
      total_ms.size(), coins, hops, hops + 1);
  std::printf("    sender   median %6.2f ms   p99 %6.2f ms\n", Percentile(sender_ms, 0.5),
              Percentile(sender_ms, 0.99));
  std::printf("    receiver median %6.2f ms   p99 %6.2f ms\n", Percentile(receiver_ms, 0.5),
              Percentile(receiver_ms, 0.99));
  std::printf("    total    median %6.2f ms   p99 %6.2f ms   (target <= 20 ms)\n",
              Percentile(total_ms, 0.5), Percentile(total_ms, 0.99));
}

// `n` PartialSign requests for `coin`, each with its own nonce and a fresh
// challenge, signed by `auth_key`: everything but the signing itself.
std::vector<SignRequest> SignRequests(Operator& op, const CoinId& coin,
                                      const crypto::PrivateKey& auth_key, int n) {
  const auto owner_nonce =
      Ok(crypto::two_party::NonceGen(crypto::PrivateKey::Generate(), {})).public_nonce;
  std::vector<SignRequest> requests;
  for (int i = 0; i < n; ++i) {
    NonceRequest nonce_request{.coin_id = coin};
    nonce_request.auth = Authorize(auth_key, Ok(op.NewChallenge()), AuthPayload(nonce_request));
    const NonceResponse nonce = Ok(op.NonceCommit(nonce_request));
    SignRequest request{.coin_id = coin,
                        .nonce_id = nonce.nonce_id,
                        .owner_nonce = owner_nonce,
                        .message = crypto::RandomHash32()};
    request.auth = Authorize(auth_key, Ok(op.NewChallenge()), AuthPayload(request));
    requests.push_back(request);
  }
  return requests;
}

// Runs every request through `api` on `threads` threads; signatures per second.
double SignAll(std::vector<OperatorApi*> apis, const std::vector<SignRequest>& requests) {
  const Clock::time_point start = Clock::now();
  std::vector<std::thread> threads;
  for (size_t t = 0; t < apis.size(); ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = t; i < requests.size(); i += apis.size())
        Ok(apis[t]->PartialSign(requests[i]));
    });
  }
  for (auto& thread : threads) thread.join();
  return requests.size() / std::chrono::duration<double>(Clock::now() - start).count();
}

void BenchSignatures(OperatorServer& s, int n) {
  const WalletKeys keys = WalletKeys::Generate();
  Wallet owner(s.op, s.ledger, keys, Policy());
  const CoinId coin = s.Deposit(owner);

  const double in_process = SignAll({&s.op}, SignRequests(s.op, coin, keys.auth_key, n));
  // The same without the fsync: what the signing and its checks cost.
  std::unique_ptr<store::Store> memory = store::NewMemoryStore();
  Operator memory_op(*memory, s.ledger, {.protocol = Policy().protocol});
  Wallet memory_owner(memory_op, s.ledger, keys, Policy());
  const CoinId memory_coin = s.Deposit(memory_owner);
  const double in_memory =
      SignAll({&memory_op}, SignRequests(memory_op, memory_coin, keys.auth_key, n));
  RemoteOperator remote(s.address);
  const double one_client = SignAll({&remote}, SignRequests(s.op, coin, keys.auth_key, n));
  std::vector<std::unique_ptr<RemoteOperator>> clients;
  std::vector<OperatorApi*> apis;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(std::make_unique<RemoteOperator>(s.address));
    apis.push_back(clients.back().get());
  }
  const double four_clients = SignAll(apis, SignRequests(s.op, coin, keys.auth_key, n));

  const crypto::PrivateKey key = crypto::PrivateKey::Generate();
  std::vector<Hash32> messages(n);
  for (Hash32& m : messages) m = crypto::RandomHash32();
  const Clock::time_point start = Clock::now();
  for (const Hash32& m : messages) crypto::SchnorrSign(key, m);
  const double bip340_us =
      std::chrono::duration<double, std::micro>(Clock::now() - start).count() / n;

  std::printf(
      "(b) operator partial signatures (PartialSign: checks, signing, one synced batch), "
      "%d each\n",
      n);
  std::printf("    in process, synced RocksDB %8.0f /s  (%6.1f us each)\n", in_process,
              1e6 / in_process);
  std::printf("    in process, memory store   %8.0f /s  (%6.1f us each)\n", in_memory,
              1e6 / in_memory);
  std::printf("    gRPC, 1 client             %8.0f /s  (%6.1f us each)\n", one_client,
              1e6 / one_client);
  std::printf("    gRPC, 4 clients            %8.0f /s\n", four_clients);
  std::printf("    one BIP340 signature       %8.1f us  (%8.0f /s)\n", bip340_us, 1e6 / bip340_us);
}

}  // namespace
}  // namespace parley::settlement::statechain

int main(int argc, char** argv) {
  int coins = 20, hops = 10, signatures = 2000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--coins") == 0) coins = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--hops") == 0) hops = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--signatures") == 0) signatures = std::atoi(argv[i + 1]);
  }
  if (coins < 1 || hops < 1 || signatures < 1) {
    std::fprintf(stderr, "usage: statechain_bench [--coins N] [--hops N] [--signatures N]\n");
    return 2;
  }
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("statechain_bench_" + std::to_string(getpid()));
  {
    parley::settlement::statechain::OperatorServer server(dir);
    parley::settlement::statechain::BenchTransfers(server, coins, hops);
    parley::settlement::statechain::BenchSignatures(server, signatures);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
