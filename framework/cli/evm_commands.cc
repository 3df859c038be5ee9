#include "evm_commands.h"

#include <cstdio>
#include <optional>

#include "parley/channel/amount.h"
#include "parley/crypto/ecdsa.h"
#include "parley/crypto/key_file.h"
#include "parley/settlement/evm/deployment.h"
#include "parley/settlement/evm/eth_client.h"
#include "parley/settlement/evm/evm_scheme.h"
#include "parley/settlement/evm/tx_sender.h"

namespace parley::cli {
namespace {

namespace evm = settlement::evm;

// Dies naming `what` unless `status` is OK.
void CheckStatus(const Status& status, const std::string& what) {
  if (!status.ok()) Die(what + ": " + status.ToString());
}

template <typename T>
T Checked(Result<T> result, const std::string& what) {
  CheckStatus(result.status(), what);
  return std::move(result).value();
}

evm::EthClient OpenChain(const std::string& rpc) {
  if (!rpc.starts_with("http://") && !rpc.starts_with("https://")) {
    Die("--rpc '" + rpc + "' is not an http:// URL of the chain's JSON-RPC");
  }
  return Checked(evm::EthClient::Open(rpc), "--rpc " + rpc);
}

// The account that pays: --key (hex, 0x optional) or --key-file (a file
// only its owner can read holding the key in hex, as parleyd's node.key).
crypto::PrivateKey LoadKey(const std::string& hex, const std::string& file) {
  if (hex.empty() == file.empty()) Die("give exactly one of --key HEX and --key-file FILE");
  if (!file.empty()) return Checked(crypto::ReadKeyFile(file), "--key-file");
  std::string_view digits = hex;
  if (digits.starts_with("0x") || digits.starts_with("0X")) digits.remove_prefix(2);
  auto key = crypto::PrivateKey::FromHex(digits);
  if (!key.ok()) Die("--key: not a private key (64 hex digits): " + key.status().message());
  return std::move(key).value();
}

// An account named by its address (0x and 40 hex digits) or by a node id
// (the node's public key, 66 hex digits), whose account is the address of
// that key.
crypto::EthAddress ParseAccount(const std::string& text, const std::string& what) {
  if (text.starts_with("0x") || text.starts_with("0X")) {
    auto address = crypto::AddressFromHex(text);
    if (!address.ok()) Die(what + " '" + text + "': " + address.status().message());
    return *address;
  }
  auto node = crypto::PublicKey::FromHex(text);
  if (!node.ok()) {
    Die(what + " '" + text + "' is neither an address (0x and 40 hex digits) nor a node id");
  }
  return crypto::EthereumAddress(*node);
}

// A sender on the chain at `rpc`, which it keeps alive.
struct Sender {
  explicit Sender(const std::string& rpc, crypto::PrivateKey key)
      : chain(OpenChain(rpc)),
        tx(chain, std::move(key), Checked(chain.ChainId(), "chain id of " + rpc)) {}
  evm::EthClient chain;
  evm::TxSender tx;
};

void AddKeyOptions(CLI::App* command, std::string& hex, std::string& file) {
  command->add_option("--key", hex, "the paying account's private key, hex");
  command->add_option("--key-file", file,
                      "a file (mode 600) holding the paying account's private key in hex, "
                      "e.g. a node's DATA_DIR/node.key");
}

}  // namespace

EvmCommands::EvmCommands(CLI::App& cli, const Options& o) : o_(o) {
  auto* evm_cmd = cli.add_subcommand("evm", "deploy Parley on an EVM chain and fund accounts");
  evm_cmd->require_subcommand(1);
  auto add_rpc = [this](CLI::App* command) {
    command->add_option("--rpc", rpc_, "the chain's JSON-RPC, http://HOST:PORT")
        ->capture_default_str();
  };

  auto* deploy = evm_cmd->add_subcommand(
      "deploy", "deploy the Adjudicator and the app rules; print their addresses");
  add_rpc(deploy);
  AddKeyOptions(deploy, key_hex_, key_file_);
  deploy->callback([this] {
    Sender sender(rpc_, LoadKey(key_hex_, key_file_));
    evm::Deployment d = Checked(evm::DeployContracts(sender.tx), "deploy");
    const uint64_t chain_id = Checked(sender.chain.ChainId(), "chain id");
    const std::string adjudicator = crypto::AddressToHex(d.adjudicator);
    if (o_.json) {
      std::printf(
          "{\n  \"chain_id\": %llu,\n  \"adjudicator\": \"%s\",\n  \"payment_rule\": \"%s\",\n"
          "  \"tictactoe_rule\": \"%s\",\n  \"deployer\": \"%s\"\n}\n",
          static_cast<unsigned long long>(chain_id), adjudicator.c_str(),
          crypto::AddressToHex(d.payment_rule).c_str(),
          crypto::AddressToHex(d.tictactoe_rule).c_str(),
          crypto::AddressToHex(sender.tx.address()).c_str());
      return;
    }
    std::printf(
        "chain id        %llu\nadjudicator     %s\npayment rule    %s\n"
        "tictactoe rule  %s\ndeployer        %s\n\n"
        "run nodes with: parleyd --chain evm://%s --adjudicator %s\n",
        static_cast<unsigned long long>(chain_id), adjudicator.c_str(),
        crypto::AddressToHex(d.payment_rule).c_str(),
        crypto::AddressToHex(d.tictactoe_rule).c_str(),
        crypto::AddressToHex(sender.tx.address()).c_str(),
        rpc_.substr(rpc_.find("://") + 3).c_str(), adjudicator.c_str());
  });

  auto* send = evm_cmd->add_subcommand("send-eth", "send ether, e.g. to a node's account");
  add_rpc(send);
  AddKeyOptions(send, key_hex_, key_file_);
  send->add_option("--to", to_, "an address 0x..., or a node id (its account)")->required();
  send->add_option("--amount", amount_, "in wei")->required();
  send->callback([this] {
    crypto::EthAddress to = ParseAccount(to_, "--to");
    auto amount = channel::ParseAmount(amount_);
    if (!amount.ok()) Die("--amount '" + amount_ + "': " + amount.status().message());
    Sender sender(rpc_, LoadKey(key_hex_, key_file_));
    evm::Receipt receipt = Checked(sender.tx.Send(to, Bytes{}, *amount), "send-eth");
    channel::Amount balance = Checked(sender.chain.GetBalance(to), "balance");
    if (o_.json) {
      std::printf(
          "{\n  \"to\": \"%s\",\n  \"amount\": \"%s\",\n  \"block\": %llu,\n"
          "  \"balance\": \"%s\"\n}\n",
          crypto::AddressToHex(to).c_str(), channel::ToString(*amount).c_str(),
          static_cast<unsigned long long>(receipt.block_number),
          channel::ToString(balance).c_str());
      return;
    }
    std::printf("sent %s wei to %s in block %llu; its balance is now %s wei\n",
                channel::ToString(*amount).c_str(), crypto::AddressToHex(to).c_str(),
                static_cast<unsigned long long>(receipt.block_number),
                channel::ToString(balance).c_str());
  });

  auto* balance = evm_cmd->add_subcommand("balance", "an account's balance of ether or a token");
  add_rpc(balance);
  balance->add_option("account", account_, "an address 0x..., or a node id (its account)")
      ->required();
  balance->add_option("--asset", asset_, "eth (in wei), or a token's address 0x...")
      ->capture_default_str();
  balance->callback([this] {
    crypto::EthAddress account = ParseAccount(account_, "account");
    auto asset = evm::AssetAddress(asset_);
    if (!asset.ok()) Die("--asset '" + asset_ + "': " + asset.status().message());
    evm::EthClient chain = OpenChain(rpc_);
    channel::Amount amount = asset_ == evm::kEtherAsset
                                 ? Checked(chain.GetBalance(account), "balance")
                                 : Checked(evm::TokenBalance(chain, *asset, account), "balance");
    if (o_.json) {
      std::printf("{\n  \"account\": \"%s\",\n  \"asset\": \"%s\",\n  \"balance\": \"%s\"\n}\n",
                  crypto::AddressToHex(account).c_str(), asset_.c_str(),
                  channel::ToString(amount).c_str());
      return;
    }
    std::printf("%s\n", channel::ToString(amount).c_str());
  });
}

}  // namespace parley::cli
