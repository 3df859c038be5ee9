#include "cli_common.h"

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

#include "parley/channel/amount.h"
#include "parley/wire/grpc_common.h"

namespace parley::cli {
namespace {

void PrintChannel(const v1::ChannelInfo& c) {
  std::printf("channel   %s\n", c.channel_id().c_str());
  std::printf("app       %s\n", c.app().c_str());
  std::printf("phase     %s\n", c.phase().c_str());
  std::printf("version   %llu\n", static_cast<unsigned long long>(c.version()));
  for (int i = 0; i < c.participants_size(); ++i) {
    std::printf("%-9s %s%s\n", i == 0 ? "parties" : "", c.participants(i).c_str(),
                static_cast<uint32_t>(i) == c.self() ? "  (this node)" : "");
  }
  for (const auto& b : c.balances()) {
    std::string amounts;
    for (int i = 0; i < b.amounts_size(); ++i) amounts += (i ? " / " : "") + b.amounts(i);
    std::printf("balances  %s: %s\n", b.asset().c_str(), amounts.c_str());
  }
  if (c.update_in_flight() || c.queued_actions() > 0) {
    std::printf("pending   update in flight: %s, queued actions: %u\n",
                c.update_in_flight() ? "yes" : "no", c.queued_actions());
  }
}

}  // namespace

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "parley: %s\n", message.c_str());
  std::exit(1);
}

void Check(const grpc::Status& s, const std::string& what) {
  if (s.ok()) return;
  Die(what + ": " + wire::FromGrpc(s, "cannot reach parleyd").ToString());
}

std::unique_ptr<v1::Api::Stub> Api(const Options& o) {
  return v1::Api::NewStub(grpc::CreateChannel(o.node, grpc::InsecureChannelCredentials()));
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(15));
  return context;
}

void PrintJson(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(m, &out, options);
  std::cout << out;
}

void Print(const Options& o, const v1::ChannelInfo& c) {
  if (o.json) {
    PrintJson(c);
  } else {
    PrintChannel(c);
  }
}

// Polls the channel until `done` holds or `seconds` pass; returns the last view.
v1::ChannelInfo WaitFor(const Options& o, const std::string& id,
                        const std::function<bool(const v1::ChannelInfo&)>& done, int seconds) {
  auto api = Api(o);
  v1::GetChannelRequest request;
  request.set_channel_id(id);
  v1::ChannelInfo info;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  for (;;) {
    auto context = Context();
    Check(api->GetChannel(context.get(), request, &info), "channel show");
    if (done(info) || std::chrono::steady_clock::now() > deadline) return info;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

v1::ChannelInfo WaitIdle(const Options& o, const std::string& id) {
  return WaitFor(
      o, id, [](const auto& c) { return !c.update_in_flight() && c.queued_actions() == 0; }, 10);
}

v1::ChannelInfo OpenAndWait(const Options& o, const v1::OpenChannelRequest& request) {
  v1::ChannelInfo info;
  auto context = Context();
  Check(Api(o)->OpenChannel(context.get(), request, &info), "channel open");
  return WaitUntilOpen(o, info);
}

v1::ChannelInfo WaitUntilOpen(const Options& o, const v1::ChannelInfo& proposed) {
  v1::ChannelInfo info = WaitFor(
      o, proposed.channel_id(),
      [](const auto& c) { return c.phase() != "proposing" && c.phase() != "funding"; }, 15);
  if (info.phase() == "proposing" || info.phase() == "funding") {
    Print(o, info);
    Die("the channel is still " + info.phase() + " after 15 s: " +
        (info.phase() == "proposing"
             ? "is the peer connected (peer list)?"
             : "waiting for the deposits on the ledger (on a statecoin: for the operator to "
               "hold the coin in the channel).") +
        " It may still open; see channel show " + info.channel_id());
  }
  return info;
}

v1::ChannelInfo GetChannel(const Options& o, const std::string& id) {
  return WaitFor(
      o, id, [](const auto&) { return true; }, 0);
}

Result<channel::Amount> CloseAndWithdraw(const Options& o, const v1::ChannelInfo& c) {
  auto api = Api(o);
  v1::ChannelRequest request;
  request.set_channel_id(c.channel_id());
  v1::ChannelInfo info = c;
  if (c.phase() == "open") {
    auto context = Context();
    PARLEY_RETURN_IF_ERROR(
        wire::FromGrpc(api->CloseChannel(context.get(), request, &info), "cannot reach parleyd"));
    info = WaitFor(
        o, c.channel_id(), [](const auto& now) { return now.phase() != "open"; }, 15);
    if (info.phase() != "final") {
      return Status::FailedPrecondition(
          "the close is not signed after 15 s (the channel is " + info.phase() +
          "); is the peer connected? Try again, or channel force-close it");
    }
  }
  auto context = Context();
  PARLEY_RETURN_IF_ERROR(
      wire::FromGrpc(api->Withdraw(context.get(), request, &info), "cannot reach parleyd"));
  if (info.balances_size() != 1 ||
      info.balances(0).amounts_size() <= static_cast<int>(info.self())) {
    return Status::Internal("withdrawn, but the node shows no balance for this node");
  }
  return channel::ParseAmount(info.balances(0).amounts(info.self()));
}

}  // namespace parley::cli
