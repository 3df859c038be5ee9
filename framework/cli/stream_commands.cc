#include "stream_commands.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "parley/wire/grpc_common.h"
#include "streaming/streaming_app.h"

namespace parley::cli {
namespace {

using apps::StreamData;
using apps::StreamingApp;

StreamData DataOf(const std::string& id, const std::string& app, const std::string& app_data) {
  if (app != StreamingApp::kId) Die("channel " + id + " runs app '" + app + "', not streaming");
  auto data = StreamingApp::Decode(AsBytes(app_data));
  if (!data.ok()) Die("channel " + id + ": " + data.status().message());
  return *data;
}

// What the channel's best voucher (or, with none, its latest state) pays.
void PrintStream(const Options& o, const v1::ChannelInfo& info) {
  if (o.json) return Print(o, info);
  bool has_offer = info.offer().version() > 0;
  StreamData data =
      DataOf(info.channel_id(), info.app(), has_offer ? info.offer().app_data() : info.app_data());
  channel::Amount units = data.total_paid / data.terms.price_per_unit;
  std::printf("stream  %s, %s\n", info.channel_id().c_str(), info.phase().c_str());
  std::printf("terms   %s per unit, up to %llu units on credit\n",
              channel::ToString(data.terms.price_per_unit).c_str(),
              static_cast<unsigned long long>(data.terms.max_lag_units));
  std::printf("paid    %s for %s units (%s, version %llu)\n",
              channel::ToString(data.total_paid).c_str(), channel::ToString(units).c_str(),
              has_offer ? "best voucher" : "signed by both",
              static_cast<unsigned long long>(has_offer ? info.offer().version() : info.version()));
}

}  // namespace

StreamCommands::StreamCommands(CLI::App& cli, const Options& o) : o_(o) {
  auto* stream = cli.add_subcommand("stream", "streaming micropayments: a voucher per unit");
  stream->require_subcommand(1);

  auto* open = stream->add_subcommand("open", "open a stream to a peer, funded by you (payer)");
  open->add_option("--peer", *open_.mutable_peer(), "the payee's node id")->required();
  open->add_option("--deposit", deposit_, "what you put in, in base units")->required();
  open->add_option("--price", price_, "price per unit, in base units")->required();
  open->add_option("--lag", lag_, "units the payee serves on credit")->capture_default_str();
  open->add_option("--challenge", challenge_, "dispute period in ledger ticks")
      ->capture_default_str();
  open->callback([this] {
    auto price = channel::ParseAmount(price_);
    if (!price.ok() || *price == 0) Die("--price '" + price_ + "' is not a positive amount");
    open_.set_app(StreamingApp::kId);
    open_.set_my_deposit(deposit_);
    open_.set_peer_deposit("0");
    open_.set_challenge_duration(challenge_);
    Bytes initial =
        StreamingApp::InitialData({.payer = 0, .price_per_unit = *price, .max_lag_units = lag_});
    open_.set_initial_app_data(std::string(initial.begin(), initial.end()));
    PrintStream(o_, OpenAndWait(o_, open_));
  });

  auto* start = stream->add_subcommand("start", "pay a voucher per unit (payer)");
  start->add_option("channel_id", channel_id_, "the stream's channel")->required();
  start->add_option("--units", units_, "how many units to pay for, one voucher each")
      ->capture_default_str();
  start->add_option("--every", every_ms_, "milliseconds between vouchers")->capture_default_str();
  start->callback([this] {
    v1::UpdateRequest request;
    request.set_channel_id(channel_id_);
    Bytes pay = StreamingApp::PayAction(1);
    request.set_action(std::string(pay.begin(), pay.end()));
    for (uint64_t i = 0; i < units_; ++i) {
      v1::ChannelInfo info;
      auto context = Context();
      Check(Api(o_)->Offer(context.get(), request, &info), "stream start");
      if (every_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(every_ms_));
    }
    PrintStream(o_, GetChannel(o_, channel_id_));
  });

  auto* show = stream->add_subcommand("show", "what the best voucher pays");
  show->add_option("channel_id", channel_id_, "the stream's channel")->required();
  show->callback([this] { PrintStream(o_, GetChannel(o_, channel_id_)); });

  auto* stop =
      stream->add_subcommand("stop", "countersign the best voucher, close and withdraw (payee)");
  stop->add_option("channel_id", channel_id_, "the stream's channel")->required();
  stop->callback([this] {
    v1::ChannelInfo info = GetChannel(o_, channel_id_);
    DataOf(channel_id_, info.app(), info.app_data());
    if (info.offer().version() > 0 && info.offer().from_peer()) {
      v1::ChannelRequest request;
      request.set_channel_id(channel_id_);
      auto context = Context();
      Check(Api(o_)->AcceptOffer(context.get(), request, &info), "stream stop");
    }
    auto earned = CloseAndWithdraw(o_, info);
    if (!earned.ok()) Die("stream stop: " + earned.status().ToString());
    if (o_.json) return Print(o_, GetChannel(o_, channel_id_));
    std::printf("stream %s stopped: withdrew %s\n", channel_id_.c_str(),
                channel::ToString(*earned).c_str());
  });
}

}  // namespace parley::cli
