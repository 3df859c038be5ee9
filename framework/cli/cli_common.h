// What the parley CLI's commands share: how to reach the node, how failures
// end the program, and how a channel is printed and waited for.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "parley/channel/amount.h"
#include "parley/util/status.h"
#include "parley/v1/api.grpc.pb.h"

namespace parley::cli {

struct Options {
  std::string node = "127.0.0.1:7701";
  std::string chain = "127.0.0.1:7800";
  bool json = false;
};

// Prints "parley: <message>" and exits with status 1.
[[noreturn]] void Die(const std::string& message);
// Dies with the call's error, named by `what`, unless `s` is OK.
void Check(const grpc::Status& s, const std::string& what);

std::unique_ptr<v1::Api::Stub> Api(const Options& o);
// A context with the CLI's deadline for one call.
std::unique_ptr<grpc::ClientContext> Context();

void PrintJson(const google::protobuf::Message& m);
// The channel as text, or as JSON with --json.
void Print(const Options& o, const v1::ChannelInfo& c);

// Polls the channel until `done` holds or `seconds` pass; returns the last view.
v1::ChannelInfo WaitFor(const Options& o, const std::string& id,
                        const std::function<bool(const v1::ChannelInfo&)>& done, int seconds);
// The channel once the update it is busy with, if any, is answered.
v1::ChannelInfo WaitIdle(const Options& o, const std::string& id);

// The channel as the node sees it now.
v1::ChannelInfo GetChannel(const Options& o, const std::string& id);

// Closes the channel cooperatively if it is open, waits (15 s at most) for
// the final state, withdraws this node's share and returns it.
Result<channel::Amount> CloseAndWithdraw(const Options& o, const v1::ChannelInfo& c);

// Proposes the channel, waits until the peer has signed and both deposits
// are in, and returns it; dies with a hint if it is not open within 15 s.
v1::ChannelInfo OpenAndWait(const Options& o, const v1::OpenChannelRequest& request);
// The second half of OpenAndWait: waits for the channel `proposed` (as
// OpenChannel answered) to open.
v1::ChannelInfo WaitUntilOpen(const Options& o, const v1::ChannelInfo& proposed);

}  // namespace parley::cli
