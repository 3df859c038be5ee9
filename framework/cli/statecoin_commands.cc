#include "statecoin_commands.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "parley/crypto/bitcoin_tx.h"
#include "parley/util/must.h"

namespace parley::cli {
namespace {

// A JSON object of the fields given, in order; values are already JSON.
std::string JsonObject(std::initializer_list<std::pair<const char*, std::string>> fields) {
  std::string out = "{";
  for (const auto& [name, value] : fields) {
    out += std::string(out.size() > 1 ? ", " : "") + "\"" + name + "\": " + value;
  }
  return out + "}";
}
std::string Quoted(const std::string& text) { return "\"" + text + "\""; }

sc::CoinId CoinIdOrDie(const std::string& text) { return Must(ParseCoinId(text), "coin id"); }

// FILE (a file holding the hex) or the hex itself, as bytes.
Bytes MessageBytes(const std::string& argument) {
  std::string hex = argument;
  if (std::ifstream in(argument); in) {
    std::stringstream contents;
    contents << in.rdbuf();
    hex = contents.str();
  }
  while (!hex.empty() && std::isspace(static_cast<unsigned char>(hex.back()))) hex.pop_back();
  Result<Bytes> bytes = FromHex(hex);
  if (!bytes.ok() || bytes->empty()) {
    Die("'" + argument.substr(0, 40) +
        "' is neither a readable file nor the hex of a transfer message (statecoin transfer "
        "prints it)");
  }
  return *bytes;
}

// "in channel <id>" for a coin handed to a payment channel.
std::string State(const sc::OwnedCoin& coin) {
  if (coin.channel_id) return "in channel " + ToHex(*coin.channel_id);
  if (coin.withdrawal) return "withdrawing";
  if (coin.sent) return "sent";
  return coin.output ? "held" : "unfunded";
}

}  // namespace

void AddWalletOptions(CLI::App& command, StatecoinOptions& options) {
  command.add_option("--operator", options.operator_address, "the statechain operator, HOST:PORT")
      ->capture_default_str();
  command.add_option("--chain", options.chain, "the devchain, sim://HOST:PORT")
      ->capture_default_str();
  command.add_option("--wallet-dir", options.wallet_dir, "the statecoin wallet's store (RocksDB)")
      ->capture_default_str();
}

StatecoinCommands::StatecoinCommands(CLI::App& cli, const Options& o) : o_(o) {
  auto* sc = cli.add_subcommand("statecoin", "hold, send and receive statecoins");
  sc->require_subcommand(1);
  sc->fallthrough();
  AddWalletOptions(*sc, options_);
  interval_option_ = sc->add_option(
      "--interval", interval_,
      "the lock-time step between backups that transfer and receive check (default: the "
      "operator's, from GetOperatorInfo)");

  auto* deposit = sc->add_subcommand("deposit", "a new coin funded from the devchain faucet");
  deposit->add_option("--amount", amount_, "the coin's value in sats")->required();
  deposit->callback([this] { Deposit(); });
  sc->add_subcommand("list", "the coins this wallet holds, sent or handed to a channel")
      ->callback([this] { List(); });
  sc->add_subcommand("address", "this wallet's receive address (auth key:backup key)")
      ->callback([this] { ShowAddress(); });
  auto* transfer = sc->add_subcommand("transfer", "send a coin: prints the sealed message");
  transfer->add_option("coin_id", coin_id_, "the coin")->required();
  transfer->add_option("address", address_, "the receiver's address")->required();
  transfer->add_option("--out", out_, "write the message (hex) to FILE instead");
  transfer->callback([this] { Transfer(); });
  auto* receive = sc->add_subcommand("receive", "verify a transfer message and take the coin");
  receive->add_option("message", message_, "FILE holding the message, or its hex")->required();
  receive->callback([this] { Receive(); });
  auto* withdraw = sc->add_subcommand("withdraw", "pay the coin out on the chain, cooperatively");
  withdraw->add_option("coin_id", coin_id_, "the coin")->required();
  withdraw->add_option("--to", to_, "scriptPubKey hex, or own (this wallet's backup key)")
      ->capture_default_str();
  withdraw->callback([this] { Withdraw(); });
  auto* exit = sc->add_subcommand("exit", "broadcast the latest backup (operator gone)");
  exit->add_option("coin_id", coin_id_, "the coin")->required();
  exit->callback([this] { Exit(); });
}

std::unique_ptr<StatecoinWallet> StatecoinCommands::Open(ChecksBackups checks) {
  if (interval_option_->count() > 0) options_.interval = interval_;
  return Must(OpenStatecoinWallet(options_, checks), "wallet " + options_.wallet_dir);
}

void StatecoinCommands::Deposit() {
  if (amount_ < kMinDepositSats || amount_ > crypto::kMaxMoney) {
    Die("--amount " + std::to_string(amount_) + " must be between " +
        std::to_string(kMinDepositSats) + " and " + std::to_string(crypto::kMaxMoney) + " sats");
  }
  auto w = Open();
  DepositOutcome d = Must(DepositFromFaucet(*w, amount_), "deposit");
  const std::string id = ToHex(d.coin_id), outpoint = crypto::ToString(d.outpoint);
  if (o_.json) {
    std::printf("%s\n", JsonObject({{"coin_id", Quoted(id)},
                                    {"amount_sats", std::to_string(amount_)},
                                    {"outpoint", Quoted(outpoint)},
                                    {"lock_time", std::to_string(d.lock_time)}})
                            .c_str());
    return;
  }
  std::printf("coin      %s\namount    %lld sats\noutpoint  %s\nlock time %u (backup 1)\n",
              id.c_str(), static_cast<long long>(amount_), outpoint.c_str(), d.lock_time);
}

void StatecoinCommands::List() {
  auto w = Open();
  std::string json;
  for (const auto& [id, coin] : w->wallet->coins()) {
    const int64_t sats = coin.output ? coin.output->amount_sats : 0;
    if (o_.json) {
      json += std::string(json.empty() ? "\n  " : ",\n  ") +
              JsonObject({{"coin_id", Quoted(ToHex(id))},
                          {"amount_sats", std::to_string(sats)},
                          {"lock_time", std::to_string(coin.lock_time)},
                          {"backups", std::to_string(coin.backups.size())},
                          {"state", Quoted(State(coin))},
                          {"channel_id", Quoted(coin.channel_id ? ToHex(*coin.channel_id) : "")}});
    } else {
      std::printf("%s  %12lld sats  lock %-8u backups %-3zu %s\n", ToHex(id).c_str(),
                  static_cast<long long>(sats), coin.lock_time, coin.backups.size(),
                  State(coin).c_str());
    }
  }
  if (o_.json) std::printf("[%s%s]\n", json.c_str(), json.empty() ? "" : "\n");
}

void StatecoinCommands::ShowAddress() {
  auto w = Open();
  const sc::Address& a = w->wallet->address();
  if (o_.json) {
    std::printf("%s\n", JsonObject({{"address", Quoted(FormatAddress(a))},
                                    {"auth_key", Quoted(a.auth_key.ToHex())},
                                    {"backup_key", Quoted(a.backup_key.ToHex())}})
                            .c_str());
    return;
  }
  std::printf("%s\n", FormatAddress(a).c_str());
}

void StatecoinCommands::Transfer() {
  const sc::CoinId id = CoinIdOrDie(coin_id_);
  const sc::Address receiver = Must(ParseAddress(address_), "address");
  auto w = Open(ChecksBackups::kYes);
  const std::string hex =
      ToHex(Must(w->wallet->TransferTo(id, receiver, kStatecoinFeeSats), "transfer"));
  if (!out_.empty()) {
    std::ofstream file(out_);
    file << hex << "\n";
    if (!file.flush()) {
      Die("cannot write " + out_ + "; the message is kept in the wallet:\n" + hex);
    }
  }
  if (o_.json) {
    std::printf("%s\n", JsonObject({{"coin_id", Quoted(coin_id_)},
                                    {"message", Quoted(out_.empty() ? hex : "")},
                                    {"file", Quoted(out_)}})
                            .c_str());
  } else if (out_.empty()) {
    std::printf("%s\n", hex.c_str());
  } else {
    std::printf("transfer message for coin %s written to %s\n", coin_id_.c_str(), out_.c_str());
  }
}

void StatecoinCommands::Receive() {
  const Bytes message = MessageBytes(message_);
  auto w = Open(ChecksBackups::kYes);
  const sc::CoinId id = Must(w->wallet->Receive(message), "receive");
  const sc::OwnedCoin& coin = w->wallet->coins().at(id);
  if (o_.json) {
    std::printf("%s\n", JsonObject({{"coin_id", Quoted(ToHex(id))},
                                    {"amount_sats", std::to_string(coin.output->amount_sats)},
                                    {"lock_time", std::to_string(coin.lock_time)},
                                    {"backups", std::to_string(coin.backups.size())}})
                            .c_str());
    return;
  }
  std::printf("received  %s\namount    %lld sats\nlock time %u (backup %zu)\n", ToHex(id).c_str(),
              static_cast<long long>(coin.output->amount_sats), coin.lock_time,
              coin.backups.size());
}

void StatecoinCommands::Withdraw() {
  const sc::CoinId id = CoinIdOrDie(coin_id_);
  auto w = Open();
  Bytes script;
  if (to_ == "own") {
    const auto own = sc::BackupScriptPubKey(w->wallet->address().backup_key);
    script.assign(own.begin(), own.end());
  } else {
    Result<Bytes> parsed = FromHex(to_);
    if (!parsed.ok() || parsed->empty()) {
      Die("--to '" + to_ + "' is neither own nor a scriptPubKey in hex");
    }
    script = *parsed;
  }
  const crypto::Transaction tx =
      Must(w->wallet->Withdraw(id, script, kStatecoinFeeSats), "withdraw");
  const std::string txid = crypto::DisplayHex(crypto::Txid(tx));
  const int64_t paid = tx.outputs.at(0).amount_sats;
  if (o_.json) {
    std::printf("%s\n", JsonObject({{"coin_id", Quoted(coin_id_)},
                                    {"txid", Quoted(txid)},
                                    {"amount_sats", std::to_string(paid)},
                                    {"script_pubkey", Quoted(ToHex(script))}})
                            .c_str());
    return;
  }
  std::printf("withdrawn %s\ntx        %s\npaid      %lld sats to %s\n", coin_id_.c_str(),
              txid.c_str(), static_cast<long long>(paid), ToHex(script).c_str());
}

void StatecoinCommands::Exit() {
  const sc::CoinId id = CoinIdOrDie(coin_id_);
  auto w = Open();
  const crypto::Transaction backup = Must(w->wallet->Exit(id), "exit");
  const std::string txid = crypto::DisplayHex(crypto::Txid(backup));
  const int64_t paid = backup.outputs.at(0).amount_sats;
  if (o_.json) {
    std::printf("%s\n", JsonObject({{"coin_id", Quoted(coin_id_)},
                                    {"txid", Quoted(txid)},
                                    {"amount_sats", std::to_string(paid)},
                                    {"lock_time", std::to_string(backup.lock_time)}})
                            .c_str());
    return;
  }
  std::printf("exited    %s\ntx        %s\npaid      %lld sats to this wallet's backup key\n",
              coin_id_.c_str(), txid.c_str(), static_cast<long long>(paid));
}

}  // namespace parley::cli
