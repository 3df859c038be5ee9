// The ledger backends of the settlement conformance suite (the sim ledger
// in process and over gRPC, and the EVM contracts on anvil) and the list of
// every backend the suite runs on.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "conformance/settlement_conformance.h"
#include "conformance/statechain_backend.h"
#include "parley/rpc/ledger_service.h"
#include "parley/settlement/evm/deployment.h"
#include "parley/settlement/evm/evm_client.h"
#include "parley/settlement/remote_sim_ledger.h"
#include "parley/settlement/sim_ledger.h"
#include "parley/store/store.h"
#include "testing/anvil.h"

namespace parley::settlement::conformance {
namespace {

using apps::PaymentApp;
using apps::TicTacToeApp;
using channel::Amount;

// The sim backend: a SimLedger over an in-memory store.
class SimBackend : public LedgerBackend {
 public:
  SimBackend() : store_(store::NewMemoryStore()) {}

  Status Init() {
    PARLEY_RETURN_IF_ERROR(apps_.Register(std::make_shared<PaymentApp>()));
    PARLEY_RETURN_IF_ERROR(apps_.Register(std::make_shared<TicTacToeApp>()));
    PARLEY_ASSIGN_OR_RETURN(ledger_, SimLedger::Open(*store_, apps_));
    return Status::Ok();
  }

  std::string BackendName() const override { return "sim"; }
  const channel::SignatureScheme& Scheme() const override { return ledger_->scheme(); }
  std::vector<std::string> Assets() const override { return {"native", "gold"}; }
  Funder& FunderFor(const crypto::PrivateKey& key) override { return ClientFor(key); }
  Adjudicator& AdjudicatorFor(const crypto::PrivateKey& key) override { return ClientFor(key); }
  Status Mint(const crypto::PublicKey& account, const std::string& asset,
              const Amount& amount) override {
    return ledger_->Mint(account, asset, amount);
  }
  Amount Balance(const crypto::PublicKey& account, const std::string& asset) const override {
    return ledger_->Balance(account, asset);
  }
  Status AdvanceTicks(Tick ticks) override { return ledger_->Advance(ticks); }

 private:
  SimClient& ClientFor(const crypto::PrivateKey& key) {
    auto& client = clients_[key.public_key()];
    if (!client) client = std::make_unique<SimClient>(*ledger_, key.public_key());
    return *client;
  }

  std::unique_ptr<store::Store> store_;
  channel::AppRegistry apps_;
  std::unique_ptr<SimLedger> ledger_;
  std::map<crypto::PublicKey, std::unique_ptr<SimClient>> clients_;

 public:
  SimLedger& Ledger() { return *ledger_; }
};

std::unique_ptr<SettlementBackend> MakeSim() {
  auto backend = std::make_unique<SimBackend>();
  Status s = backend->Init();
  EXPECT_TRUE(s.ok()) << "sim backend: " << s.ToString();
  if (!s.ok()) return nullptr;
  return backend;
}

// The devchain: the same ledger in a gRPC server on loopback, reached through
// RemoteSimLedger as another process would.
class RemoteSimBackend : public LedgerBackend {
 public:
  Status Init() {
    PARLEY_RETURN_IF_ERROR(local_.Init());
    service_ = std::make_unique<rpc::LedgerService>(local_.Ledger(), /*allow_dev_calls=*/true);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    if (!server_ || port == 0) return Status::IoError("cannot start the devchain server");
    address_ = "127.0.0.1:" + std::to_string(port);
    admin_ = std::make_unique<RemoteSimLedger>(address_, crypto::PrivateKey::Generate());
    return Status::Ok();
  }
  ~RemoteSimBackend() override {
    clients_.clear();
    admin_.reset();
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  }

  std::string BackendName() const override { return "sim"; }
  const channel::SignatureScheme& Scheme() const override { return local_.Scheme(); }
  std::vector<std::string> Assets() const override { return {"native", "gold"}; }
  Funder& FunderFor(const crypto::PrivateKey& key) override { return ClientFor(key); }
  Adjudicator& AdjudicatorFor(const crypto::PrivateKey& key) override { return ClientFor(key); }
  Status Mint(const crypto::PublicKey& account, const std::string& asset,
              const Amount& amount) override {
    return admin_->Mint(account, asset, amount);
  }
  Amount Balance(const crypto::PublicKey& account, const std::string& asset) const override {
    auto balance = admin_->Balance(account, asset);
    EXPECT_TRUE(balance.ok()) << balance.status().ToString();
    return balance.ok() ? *balance : Amount(0);
  }
  Status AdvanceTicks(Tick ticks) override { return admin_->Advance(ticks); }

 private:
  RemoteSimLedger& ClientFor(const crypto::PrivateKey& key) {
    auto& client = clients_[key.public_key()];
    if (!client) client = std::make_unique<RemoteSimLedger>(address_, key);
    return *client;
  }

  SimBackend local_;
  std::unique_ptr<rpc::LedgerService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  std::unique_ptr<RemoteSimLedger> admin_;
  std::map<crypto::PublicKey, std::unique_ptr<RemoteSimLedger>> clients_;
};

std::unique_ptr<SettlementBackend> MakeRemoteSim() {
  auto backend = std::make_unique<RemoteSimBackend>();
  Status s = backend->Init();
  EXPECT_TRUE(s.ok()) << "remote sim backend: " << s.ToString();
  if (!s.ok()) return nullptr;
  return backend;
}

// The EVM backend: the contracts on a real anvil, deployed afresh for each
// test, with two test tokens as the assets (so that gas, paid in ether, does
// not blur the balances). One anvil serves the whole suite; its block time
// stands still but for AdvanceTicks.
class EvmBackend : public LedgerBackend {
 public:
  Status Init() {
    static Anvil* anvil = [] {
      auto* a = new Anvil;  // lives until the process ends, then is killed with it
      Status s = a->Start();
      EXPECT_TRUE(s.ok()) << s.ToString();
      return a;
    }();
    PARLEY_ASSIGN_OR_RETURN(auto chain, evm::EthClient::Open(anvil->endpoint()));
    chain_ = std::make_unique<evm::EthClient>(std::move(chain));
    PARLEY_RETURN_IF_ERROR(chain_->Rpc("anvil_setBlockTimestampInterval", {0}).status());
    PARLEY_ASSIGN_OR_RETURN(auto deployer,
                            crypto::PrivateKey::FromHex(Anvil::kDevKeys[0].substr(2)));
    deployer_ = std::make_unique<evm::TxSender>(*chain_, deployer, Anvil::kChainId, FastTx());
    PARLEY_ASSIGN_OR_RETURN(evm::Deployment d, evm::DeployContracts(*deployer_));
    adjudicator_ = d.adjudicator;
    PARLEY_ASSIGN_OR_RETURN(token_, evm::DeployTestToken(*deployer_, "Parley Test", "PT"));
    PARLEY_ASSIGN_OR_RETURN(second_token_, evm::DeployTestToken(*deployer_, "Parley Gold", "PG"));
    PARLEY_ASSIGN_OR_RETURN(
        admin_, evm::EvmClient::Create(*chain_, adjudicator_, deployer, {.tx = FastTx()}));
    return Status::Ok();
  }
  ~EvmBackend() override {
    clients_.clear();  // their pollers stop before the chain client goes
    admin_.reset();
  }

  std::string BackendName() const override { return "evm"; }
  const channel::SignatureScheme& Scheme() const override { return admin_->scheme(); }
  std::vector<std::string> Assets() const override {
    return {evm::AssetName(token_), evm::AssetName(second_token_)};
  }
  Funder& FunderFor(const crypto::PrivateKey& key) override { return ClientFor(key); }
  Adjudicator& AdjudicatorFor(const crypto::PrivateKey& key) override { return ClientFor(key); }
  Status Mint(const crypto::PublicKey& account, const std::string& asset,
              const Amount& amount) override {
    PARLEY_ASSIGN_OR_RETURN(crypto::EthAddress token, evm::AssetAddress(asset));
    return evm::MintTestToken(*deployer_, token, crypto::EthereumAddress(account), amount);
  }
  Amount Balance(const crypto::PublicKey& account, const std::string& asset) const override {
    auto token = evm::AssetAddress(asset);
    if (!token.ok()) return 0;
    auto balance = evm::TokenBalance(*chain_, *token, crypto::EthereumAddress(account));
    EXPECT_TRUE(balance.ok()) << balance.status().ToString();
    return balance.ok() ? *balance : Amount(0);
  }
  Status AdvanceTicks(Tick ticks) override {
    PARLEY_ASSIGN_OR_RETURN(evm::Block latest, chain_->GetBlock(evm::BlockTag::Latest()));
    PARLEY_RETURN_IF_ERROR(chain_->SetNextBlockTimestamp(latest.timestamp + ticks));
    return chain_->Mine(1);
  }

 private:
  static evm::TxOptions FastTx() { return {.confirmations = 1}; }

  evm::EvmClient& ClientFor(const crypto::PrivateKey& key) {
    auto& client = clients_[key.public_key()];
    if (!client) {
      // Ether for gas.
      std::string address = crypto::AddressToHex(crypto::EthereumAddress(key.public_key()));
      Status funded = chain_->Rpc("anvil_setBalance", {address, "0x3635c9adc5dea00000"}).status();
      EXPECT_TRUE(funded.ok()) << funded.ToString();
      auto created =
          evm::EvmClient::Create(*chain_, adjudicator_, key,
                                 {.tx = FastTx(), .poll_interval = std::chrono::milliseconds(20)});
      EXPECT_TRUE(created.ok()) << created.status().ToString();
      client = std::move(*created);
    }
    return *client;
  }

  std::unique_ptr<evm::EthClient> chain_;
  std::unique_ptr<evm::TxSender> deployer_;
  crypto::EthAddress adjudicator_{};
  crypto::EthAddress token_{};
  crypto::EthAddress second_token_{};
  std::unique_ptr<evm::EvmClient> admin_;
  std::map<crypto::PublicKey, std::unique_ptr<evm::EvmClient>> clients_;
};

std::unique_ptr<SettlementBackend> MakeEvm() {
  auto backend = std::make_unique<EvmBackend>();
  Status s = backend->Init();
  EXPECT_TRUE(s.ok()) << "evm backend: " << s.ToString();
  if (!s.ok()) return nullptr;
  return backend;
}

}  // namespace

// Every settlement backend. One line per backend.
std::vector<BackendFactory> AllBackends() {
  return {
      {"Sim", &MakeSim, {.deposits = true, .force_moves = true}},
      {"RemoteSim", &MakeRemoteSim, {.deposits = true, .force_moves = true}},
      {"Evm", &MakeEvm, {.deposits = true, .force_moves = true}},
      {"Statechain", &MakeStatechain, {.deposits = false, .force_moves = false}},
      {"RemoteStatechain", &MakeRemoteStatechain, {.deposits = false, .force_moves = false}},
  };
}

}  // namespace parley::settlement::conformance
