// parley: the command-line client of parleyd's API (and of a devchain's
// development calls). Human-readable output, or --json.
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "chess_commands.h"
#include "cli_common.h"
#include "evm_commands.h"
#include "parley/channel/amount.h"
#include "parley/crypto/keys.h"
#include "parley/v1/api.grpc.pb.h"
#include "parley/v1/ledger.grpc.pb.h"
#include "parley/wire/grpc_common.h"
#include "statecoin_channel.h"
#include "statecoin_commands.h"
#include "stream_commands.h"
#include "tip_commands.h"

namespace {

using namespace parley;       // NOLINT: a small program
using namespace parley::cli;  // NOLINT

std::string KeyBytesFromHex(const std::string& hex) {
  auto key = crypto::PublicKey::FromHex(hex);
  if (!key.ok()) Die("account '" + hex + "': " + key.status().message());
  return {key->bytes().begin(), key->bytes().end()};
}

std::string AmountBytes(const std::string& decimal) {
  auto amount = channel::ParseAmount(decimal);
  if (!amount.ok()) Die("amount '" + decimal + "': " + amount.status().message());
  return wire::AmountToBytes(*amount);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App cli{"parley: drive a parleyd node from the command line"};
  cli.require_subcommand(1);
  cli.add_option("--node", o.node, "the node's API, HOST:PORT")->capture_default_str();
  cli.add_flag("--json", o.json, "print JSON instead of text");

  // info
  cli.add_subcommand("info", "show the node")->callback([&] {
    v1::NodeInfo info;
    auto context = Context();
    Check(Api(o)->GetInfo(context.get(), v1::GetInfoRequest(), &info), "info");
    if (o.json) return PrintJson(info);
    std::printf(
        "node      %s\npeers on  %s\nbackend   %s (tick %llu)\nchannels  %u\nversion   %s\n",
        info.node_id().c_str(), info.peer_address().c_str(), info.backend().c_str(),
        static_cast<unsigned long long>(info.ledger_tick()), info.channel_count(),
        info.version().c_str());
  });

  // peer connect | list
  auto* peer = cli.add_subcommand("peer", "connect to peers, list them");
  peer->require_subcommand(1);
  std::string peer_address;
  auto* connect = peer->add_subcommand("connect", "dial NODE_ID@HOST:PORT and keep the stream");
  connect->add_option("address", peer_address, "NODE_ID@HOST:PORT")->required();
  connect->callback([&] {
    v1::ConnectPeerRequest request;
    request.set_address(peer_address);
    v1::PeerInfo info;
    auto context = Context();
    Check(Api(o)->ConnectPeer(context.get(), request, &info), "peer connect");
    if (o.json) return PrintJson(info);
    std::printf("connected to %s at %s\n", info.node_id().c_str(), info.address().c_str());
  });
  peer->add_subcommand("list", "list peers")->callback([&] {
    v1::ListPeersResponse response;
    auto context = Context();
    Check(Api(o)->ListPeers(context.get(), v1::ListPeersRequest(), &response), "peer list");
    if (o.json) return PrintJson(response);
    for (const auto& p : response.peers()) {
      std::printf("%s  %-21s %s\n", p.node_id().c_str(), p.address().c_str(),
                  p.connected() ? "connected" : "disconnected");
    }
  });

  // channel open | list | show | close | force-close | withdraw | backup
  auto* ch = cli.add_subcommand("channel", "open, inspect and close channels");
  ch->require_subcommand(1);
  v1::OpenChannelRequest open;
  std::string deposits;
  uint64_t challenge = 10;
  auto* open_cmd = ch->add_subcommand("open", "propose a channel to a connected peer");
  open_cmd->add_option("--peer", *open.mutable_peer(), "the peer's node id")->required();
  open_cmd->add_option("--app", *open.mutable_app(),
                       "payment, tictactoe, chess or tipping (with --statecoin: payment)");
  auto* deposit_opt = open_cmd->add_option("--deposit", deposits, "MINE:THEIRS in base units");
  open_cmd->add_option("--challenge", challenge, "dispute period in ledger ticks")
      ->capture_default_str();
  auto* asset_opt = open_cmd->add_option(
      "--asset", *open.mutable_asset(),
      "asset name (default: the node's, native on the sim, eth on an EVM chain; "
      "or an ERC-20 token's address 0x...)");
  std::string statecoin_id;
  StatecoinOptions wallet_options;
  auto* statecoin_opt = open_cmd->add_option(
      "--statecoin", statecoin_id,
      "COIN_ID: a payment channel on this coin of the statecoin wallet (--wallet-dir), its "
      "whole amount yours at first; instead of --deposit; needs parleyd --statechain");
  AddWalletOptions(*open_cmd, wallet_options);
  open_cmd->callback([&] {
    open.set_challenge_duration(challenge);
    if (statecoin_opt->count() > 0) {
      if (deposit_opt->count() > 0) {
        Die("give --deposit or --statecoin, not both: a channel on a statecoin is funded by the "
            "coin, its whole amount yours at first");
      }
      if (asset_opt->count() > 0) {
        Die("--asset does not go with --statecoin: a channel on a statecoin holds the coin's sats");
      }
      if (open.app().empty()) open.set_app("payment");
      return Print(o, OpenOnStatecoin(o, wallet_options, statecoin_id, open));
    }
    if (deposit_opt->count() == 0) {
      Die("channel open needs --deposit MINE:THEIRS, or --statecoin COIN_ID for a payment "
          "channel on a coin of the statecoin wallet");
    }
    if (open.app().empty()) Die("--app is required: payment, tictactoe, chess or tipping");
    size_t colon = deposits.find(':');
    if (colon == std::string::npos) Die("--deposit '" + deposits + "' is not MINE:THEIRS");
    open.set_my_deposit(deposits.substr(0, colon));
    open.set_peer_deposit(deposits.substr(colon + 1));
    Print(o, OpenAndWait(o, open));
  });
  ch->add_subcommand("list", "list channels")->callback([&] {
    v1::ListChannelsResponse response;
    auto context = Context();
    Check(Api(o)->ListChannels(context.get(), v1::ListChannelsRequest(), &response),
          "channel list");
    if (o.json) return PrintJson(response);
    for (const auto& c : response.channels()) {
      std::string balances;
      for (const auto& b : c.balances()) {
        for (int i = 0; i < b.amounts_size(); ++i) balances += (i ? "/" : "") + b.amounts(i);
      }
      std::printf("%s  %-9s %-10s v%-6llu %s\n", c.channel_id().c_str(), c.app().c_str(),
                  c.phase().c_str(), static_cast<unsigned long long>(c.version()),
                  balances.c_str());
    }
  });
  std::string channel_id;
  using Call = grpc::Status (v1::Api::Stub::*)(grpc::ClientContext*, const v1::ChannelRequest&,
                                               v1::ChannelInfo*);
  // A call on one channel; the answer is printed once the update it started
  // (if any) has been answered by the peer.
  auto on_channel = [&](const char* name, const char* help, Call call) {
    auto* sub = ch->add_subcommand(name, help);
    sub->add_option("channel_id", channel_id, "the channel")->required();
    sub->callback([&o, &channel_id, call, name] {
      v1::ChannelRequest request;
      request.set_channel_id(channel_id);
      v1::ChannelInfo info;
      auto context = Context();
      Check((Api(o).get()->*call)(context.get(), request, &info), std::string("channel ") + name);
      Print(o, WaitFor(
                   o, channel_id, [](const auto& c) { return !c.update_in_flight(); }, 10));
    });
  };
  auto* show = ch->add_subcommand("show", "show one channel");
  show->add_option("channel_id", channel_id, "the channel")->required();
  show->callback([&] {
    Print(o, WaitFor(
                 o, channel_id, [](const auto&) { return true; }, 0));
  });
  on_channel("close", "cooperative close: propose a final state", &v1::Api::Stub::CloseChannel);
  on_channel("force-close", "register the latest state on the ledger", &v1::Api::Stub::ForceClose);
  on_channel("withdraw", "conclude when allowed and withdraw this node's share",
             &v1::Api::Stub::Withdraw);

  bool broadcast_backup = false;
  std::string backup_chain = StatecoinOptions{}.chain;  // the statecoin commands' default
  auto* backup = ch->add_subcommand(
      "backup",
      "the latest backup of a channel on a statecoin: the split of a checkpoint state that "
      "the operator co-signed, valid from its lock time on (docs/statechain.md)");
  backup->add_option("channel_id", channel_id, "the channel")->required();
  backup->add_flag("--broadcast", broadcast_backup,
                   "broadcast it to the devchain (if the operator is gone); refused, with the "
                   "height at which it becomes valid, before its lock time");
  backup->add_option("--chain", backup_chain, "with --broadcast: the devchain, sim://HOST:PORT")
      ->capture_default_str();
  backup->callback([&] { ChannelBackup(o, channel_id, broadcast_backup, backup_chain); });

  // chess new | show | move | resign | offer-draw | accept-draw | decline-draw
  ChessCommands chess(cli, o);
  TipCommands tips(cli, o);             // tip | tips open | leaderboard | cashout
  StreamCommands stream(cli, o);        // stream open | start | show | stop
  EvmCommands evm(cli, o);              // evm deploy | send-eth | balance
  StatecoinCommands statecoin(cli, o);  // statecoin deposit | list | address | transfer | ...

  // pay
  std::string amount;
  auto* pay = cli.add_subcommand("pay", "pay the peer of a payment channel");
  pay->add_option("channel_id", channel_id, "the channel")->required();
  pay->add_option("amount", amount, "base units")->required();
  pay->callback([&] {
    v1::PayRequest request;
    request.set_channel_id(channel_id);
    request.set_amount(amount);
    v1::ChannelInfo info;
    auto context = Context();
    Check(Api(o)->Pay(context.get(), request, &info), "pay");
    Print(o, WaitIdle(o, channel_id));
  });

  // events
  std::string events_channel;
  auto* events = cli.add_subcommand("events", "follow the node's events (Ctrl-C to stop)");
  events->add_option("--channel", events_channel, "only this channel");
  events->callback([&] {
    grpc::ClientContext context;
    v1::SubscribeEventsRequest request;
    request.set_channel_id(events_channel);
    auto reader = Api(o)->SubscribeEvents(&context, request);
    v1::Event e;
    while (reader->Read(&e)) {
      if (o.json) {
        PrintJson(e);
      } else {
        std::printf("%-16s %s v%llu %s\n", e.kind().c_str(), e.channel_id().substr(0, 16).c_str(),
                    static_cast<unsigned long long>(e.version()), e.message().c_str());
      }
      std::fflush(stdout);
    }
    Check(reader->Finish(), "events");
  });

  // devchain mint | balance | advance
  auto* dev = cli.add_subcommand("devchain", "development calls of a devchain");
  dev->require_subcommand(1);
  dev->add_option("--chain", o.chain, "the devchain, HOST:PORT")->capture_default_str();
  std::string account, asset = "native";
  uint64_t ticks = 1;
  auto ledger = [&] {
    return v1::Ledger::NewStub(grpc::CreateChannel(o.chain, grpc::InsecureChannelCredentials()));
  };
  auto* mint = dev->add_subcommand("mint", "create funds in an account");
  mint->add_option("account", account, "node id")->required();
  mint->add_option("amount", amount, "base units")->required();
  mint->add_option("--asset", asset, "asset name")->capture_default_str();
  mint->callback([&] {
    v1::MintRequest request;
    request.set_account(KeyBytesFromHex(account));
    request.set_asset(asset);
    request.set_amount(AmountBytes(amount));
    v1::LedgerReply reply;
    auto context = Context();
    Check(ledger()->Mint(context.get(), request, &reply), "devchain mint");
    std::printf("minted %s %s to %s\n", amount.c_str(), asset.c_str(), account.c_str());
  });
  auto* balance = dev->add_subcommand("balance", "an account's balance");
  balance->add_option("account", account, "node id")->required();
  balance->add_option("--asset", asset, "asset name")->capture_default_str();
  balance->callback([&] {
    v1::GetBalanceRequest request;
    request.set_account(KeyBytesFromHex(account));
    request.set_asset(asset);
    v1::GetBalanceReply reply;
    auto context = Context();
    Check(ledger()->GetBalance(context.get(), request, &reply), "devchain balance");
    auto value = wire::AmountFromBytes(reply.amount());
    if (!value.ok()) Die(value.status().message());
    std::printf("%s\n", channel::ToString(*value).c_str());
  });
  auto* advance = dev->add_subcommand("advance", "move the devchain's clock");
  advance->add_option("ticks", ticks, "how many ticks")->required();
  advance->callback([&] {
    v1::AdvanceRequest request;
    request.set_ticks(ticks);
    v1::LedgerReply reply;
    auto context = Context();
    Check(ledger()->Advance(context.get(), request, &reply), "devchain advance");
  });

  CLI11_PARSE(cli, argc, argv);
  return 0;
}
