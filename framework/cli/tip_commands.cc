#include "tip_commands.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <vector>

#include "parley/channel/amount.h"
#include "parley/wire/grpc_common.h"
#include "tipping/tipping_app.h"

namespace parley::cli {
namespace {

using apps::TipJar;
using apps::TippingApp;
using channel::Amount;

// Node ids are long; a table shows their first 16 hex digits.
std::string Short(const std::string& id) { return id.substr(0, 16); }

// The tip jar of a channel this node holds; dies naming the channel if it is
// not a tipping channel.
TipJar JarOf(const v1::ChannelInfo& info) {
  if (info.app() != TippingApp::kId) {
    Die("channel " + info.channel_id() + " runs app '" + info.app() + "', not tipping");
  }
  auto jar = TippingApp::Decode(AsBytes(info.app_data()));
  if (!jar.ok()) Die("channel " + info.channel_id() + ": " + jar.status().message());
  return *jar;
}

// The streamer's tipping channels: this node is participant 1.
std::vector<v1::ChannelInfo> StreamerChannels(const Options& o) {
  v1::ListChannelsResponse response;
  auto context = Context();
  Check(Api(o)->ListChannels(context.get(), v1::ListChannelsRequest(), &response), "channel list");
  std::vector<v1::ChannelInfo> channels;
  for (const auto& c : response.channels()) {
    if (c.app() == TippingApp::kId && c.self() == TippingApp::kStreamer &&
        c.participants_size() == 2) {
      channels.push_back(c);
    }
  }
  return channels;
}

// A JSON string literal. Written by hand, unlike the CLI's other JSON, to
// keep the fields in this order.
std::string Json(const std::string& text) {
  std::string out = "\"";
  for (char ch : text) {
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (static_cast<unsigned char>(ch) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(ch));
      out += escaped;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

// `items` (JSON values) as a JSON array, one a line.
std::string JsonArray(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ",\n  " : "\n  ") + items[i];
  return out + (items.empty() ? "]" : "\n]");
}

// ---------------------------------------------------------------- tip

void PrintTipped(const Options& o, const v1::ChannelInfo& info) {
  Print(o, info);
  if (o.json) return;
  TipJar jar = JarOf(info);
  std::string last = jar.last_message.empty() ? "" : ", last message: " + jar.last_message;
  std::printf("tipped    %s in all%s\n", channel::ToString(jar.total).c_str(), last.c_str());
}

void Tip(const Options& o, const std::string& id, const std::string& amount_text,
         const std::string& message) {
  auto amount = channel::ParseAmount(amount_text);
  if (!amount.ok()) Die(amount.status().message());
  v1::ChannelInfo before = GetChannel(o, id);
  TipJar jar = JarOf(before);
  if (before.self() != TippingApp::kFan) {
    Die("this node is the streamer of channel " + id + "; only the fan tips");
  }
  v1::UpdateRequest request;
  request.set_channel_id(id);
  Bytes action = TippingApp::TipAction(*amount, message);
  request.set_action(std::string(action.begin(), action.end()));
  v1::ChannelInfo info;
  auto context = Context();
  Check(Api(o)->Update(context.get(), request, &info), "tip");
  info = WaitIdle(o, id);
  if (info.update_in_flight() || info.queued_actions() > 0) {
    Die("the tip still awaits the streamer's signature after 10 s; is the streamer connected "
        "(peer list)? channel show " +
        id + " tells when it lands");
  }
  // A tip queued behind another update is checked only when its turn comes.
  if (JarOf(info).total < jar.total + *amount) {
    Print(o, info);
    Die("the tip was queued behind another update and then refused; check the balance and "
        "tip again");
  }
  PrintTipped(o, info);
}

// ------------------------------------------------------------ leaderboard

struct FanTotal {
  std::string fan;  // node id
  Amount total;
  std::string last_message;  // of the fan's channel with the most updates
  uint64_t version = 0;      // of that channel
};

// The streamer's fans, most generous first (ties by node id). A fan with
// several channels is one entry with their sum.
std::vector<FanTotal> Leaderboard(const std::vector<v1::ChannelInfo>& channels) {
  std::map<std::string, FanTotal> by_fan;
  for (const auto& c : channels) {
    if (c.phase() == "proposing" || c.phase() == "funding") continue;
    auto jar = TippingApp::Decode(AsBytes(c.app_data()));
    if (!jar.ok()) {
      std::fprintf(stderr, "parley: skipping channel %s: %s\n", c.channel_id().c_str(),
                   jar.status().message().c_str());
      continue;
    }
    FanTotal& fan = by_fan[c.participants(TippingApp::kFan)];
    fan.fan = c.participants(TippingApp::kFan);
    fan.total += jar->total;
    if (c.version() >= fan.version) {
      fan.version = c.version();
      fan.last_message = jar->last_message;
    }
  }
  std::vector<FanTotal> fans;
  for (auto& [id, fan] : by_fan) fans.push_back(std::move(fan));
  std::stable_sort(fans.begin(), fans.end(),
                   [](const FanTotal& a, const FanTotal& b) { return a.total > b.total; });
  return fans;
}

void PrintLeaderboard(const Options& o, const std::vector<FanTotal>& fans) {
  if (o.json) {
    std::vector<std::string> rows;
    for (size_t i = 0; i < fans.size(); ++i) {
      rows.push_back("{\"rank\": " + std::to_string(i + 1) + ", \"fan\": " + Json(fans[i].fan) +
                     ", \"total\": " + Json(channel::ToString(fans[i].total)) +
                     ", \"lastMessage\": " + Json(fans[i].last_message) + "}");
    }
    std::printf("%s\n", JsonArray(rows).c_str());
    return;
  }
  if (fans.empty()) {
    std::printf("no fans yet: no tipping channel has this node as its streamer\n");
    return;
  }
  int width = 5;  // "total"
  for (const auto& fan : fans) {
    width = std::max(width, static_cast<int>(channel::ToString(fan.total).size()));
  }
  std::printf("rank  %-16s  %*s  %s\n", "fan", width, "total", "last message");
  for (size_t i = 0; i < fans.size(); ++i) {
    std::printf("%-4zu  %-16s  %*s  %s\n", i + 1, Short(fans[i].fan).c_str(), width,
                channel::ToString(fans[i].total).c_str(), fans[i].last_message.c_str());
  }
}

// --------------------------------------------------------------- cashout

// Cashes out every tipping channel this node streams on that is not yet
// withdrawn; one failure does not stop the others. Dies (status 1) after the
// summary if any failed.
void CashOutAll(const Options& o) {
  std::vector<std::string> rows;  // for --json
  Amount total = 0;
  size_t cashed_count = 0;
  size_t failed = 0;
  for (const auto& c : StreamerChannels(o)) {
    if (c.phase() == "withdrawn" || c.phase() == "proposing" || c.phase() == "funding") continue;
    std::string fan = c.participants(TippingApp::kFan);
    Result<Amount> cashed = CloseAndWithdraw(o, c);
    std::string row = "{\"channelId\": " + Json(c.channel_id()) + ", \"fan\": " + Json(fan);
    if (cashed.ok()) {
      total += *cashed;
      ++cashed_count;
      rows.push_back(row + ", \"amount\": " + Json(channel::ToString(*cashed)) + "}");
      if (!o.json) {
        std::printf("cashed %s from channel %s (fan %s)\n", channel::ToString(*cashed).c_str(),
                    c.channel_id().c_str(), Short(fan).c_str());
      }
    } else {
      ++failed;
      rows.push_back(row + ", \"error\": " + Json(cashed.status().ToString()) + "}");
      std::fprintf(stderr, "parley: channel %s (fan %s): %s\n", c.channel_id().c_str(),
                   Short(fan).c_str(), cashed.status().ToString().c_str());
    }
  }
  if (o.json) {
    std::printf("{\"total\": %s, \"channels\": %s}\n", Json(channel::ToString(total)).c_str(),
                JsonArray(rows).c_str());
  } else {
    std::printf("total     %s from %zu channel(s)\n", channel::ToString(total).c_str(),
                cashed_count);
  }
  if (failed > 0) {
    std::fflush(stdout);
    Die(std::to_string(failed) + " channel(s) could not be cashed out; see above");
  }
}

}  // namespace

TipCommands::TipCommands(CLI::App& cli, const Options& o) : o_(o) {
  auto* tip = cli.add_subcommand("tip", "tip the streamer of a tipping channel you funded");
  tip->add_option("channel_id", channel_id_, "the channel")->required();
  tip->add_option("amount", amount_, "base units")->required();
  tip->add_option("message", message_, "one line, at most 140 bytes of UTF-8");
  tip->callback([this] { Tip(o_, channel_id_, amount_, message_); });

  auto* tips = cli.add_subcommand("tips",
                                  "open a tipping channel; a streamer's leaderboard "
                                  "and cash-out");
  tips->require_subcommand(1);

  auto* open = tips->add_subcommand("open", "open a channel to a streamer, funded by you alone");
  open->add_option("--streamer", *open_.mutable_peer(), "the streamer's node id")->required();
  open->add_option("--deposit", deposit_, "what you put in, in base units")->required();
  open->add_option("--challenge", challenge_, "dispute period in ledger ticks")
      ->capture_default_str();
  open->callback([this] {
    open_.set_app(TippingApp::kId);
    open_.set_my_deposit(deposit_);
    open_.set_peer_deposit("0");
    open_.set_challenge_duration(challenge_);
    Bytes initial = TippingApp::InitialAppData();
    open_.set_initial_app_data(std::string(initial.begin(), initial.end()));
    PrintTipped(o_, OpenAndWait(o_, open_));
  });

  tips->add_subcommand("leaderboard", "your fans, by total tipped")->callback([this] {
    PrintLeaderboard(o_, Leaderboard(StreamerChannels(o_)));
  });
  tips->add_subcommand("cashout", "close every tipping channel and withdraw the tips")
      ->callback([this] { CashOutAll(o_); });
}

}  // namespace parley::cli
