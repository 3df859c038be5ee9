// Runs parleyd processes on loopback for end-to-end tests: each with its own
// data directory and free ports, stopped (or killed) by the test.
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "parley/v1/api.grpc.pb.h"
#include "parley/v1/ledger.grpc.pb.h"
#include "testing/child_process.h"
#include "testing/free_port.h"

namespace parley::e2e {

using testing_support::FreePort;
using testing_support::Process;

inline std::string Local(int port) { return "127.0.0.1:" + std::to_string(port); }

class Daemon {
 public:
  // `extra` are parleyd flags beyond --data-dir, --listen and --api.
  Daemon(std::filesystem::path data_dir, const std::vector<std::string>& extra)
      : data_dir_(std::move(data_dir)),
        listen_(Local(FreePort())),
        api_(Local(FreePort())),
        process_(Args(extra), data_dir_.string() + ".log", "parleyd ready") {}

  // Starts parleyd and waits for its ready line; false after 15 s.
  bool Start() {
    std::filesystem::create_directories(data_dir_);
    if (!process_.Start()) return false;
    api_stub_ = v1::Api::NewStub(grpc::CreateChannel(api_, grpc::InsecureChannelCredentials()));
    return true;
  }

  // Starts a stopped daemon again, on the same data directory and ports, and
  // waits for the new process's ready line rather than the old log's.
  bool Restart() {
    process_.RemoveLog();
    return Start();
  }

  // Sends `signal` and waits for the process; the exit status, or -1.
  int Stop(int signal = SIGTERM) { return process_.Stop(signal); }
  std::string Log() const { return process_.Log(); }

  v1::Api::Stub& api() { return *api_stub_; }
  const std::string& api_address() const { return api_; }
  const std::string& listen_address() const { return listen_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }

 private:
  std::vector<std::string> Args(const std::vector<std::string>& extra) const {
    std::vector<std::string> args = {PARLEYD_PATH, "--data-dir",  data_dir_.string(),
                                     "--listen",   listen_,       "--api",
                                     api_,         "--log-level", "warn"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  std::filesystem::path data_dir_;
  std::string listen_;
  std::string api_;
  Process process_;
  std::unique_ptr<v1::Api::Stub> api_stub_;
};

// Runs the parley CLI; returns its exit status and fills `output` with what
// it printed (stdout and stderr).
inline int RunCli(const std::vector<std::string>& args, std::string* output) {
  std::string command = PARLEY_CLI_PATH;
  for (const auto& a : args) command += " '" + a + "'";
  command += " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  output->clear();
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) output->append(buffer, n);
  int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The value of "name": "..." in a one-line JSON object printed by the CLI
// (its --json output); empty if there is none.
inline std::string JsonString(const std::string& json, const std::string& name) {
  const size_t at = json.find("\"" + name + "\": \"");
  if (at == std::string::npos) return "";
  const size_t start = at + name.size() + 5;
  return json.substr(start, json.find('"', start) - start);
}

// API calls the e2e tests share.
inline v1::NodeInfo Info(Daemon& d) {
  v1::NodeInfo info;
  grpc::ClientContext context;
  EXPECT_TRUE(d.api().GetInfo(&context, v1::GetInfoRequest(), &info).ok());
  return info;
}

// `from` dials `to`, whose node id is `to_id`.
inline grpc::Status ConnectPeer(Daemon& from, Daemon& to, const std::string& to_id) {
  v1::ConnectPeerRequest connect;
  connect.set_address(to_id + "@" + to.listen_address());
  v1::PeerInfo peer;
  grpc::ClientContext context;
  return from.api().ConnectPeer(&context, connect, &peer);
}

inline v1::ChannelInfo Channel(Daemon& d, const std::string& id) {
  v1::GetChannelRequest r;
  r.set_channel_id(id);
  v1::ChannelInfo info;
  grpc::ClientContext context;
  d.api().GetChannel(&context, r, &info);
  return info;
}

// `from` proposes a payment channel to `peer_id` in the node's default asset;
// `info` receives the channel as it stands (proposing).
inline grpc::Status ProposePaymentChannel(Daemon& from, const std::string& peer_id, uint64_t mine,
                                          uint64_t theirs, uint64_t challenge,
                                          v1::ChannelInfo* info) {
  v1::OpenChannelRequest r;
  r.set_peer(peer_id);
  r.set_app("payment");
  r.set_my_deposit(std::to_string(mine));
  r.set_peer_deposit(std::to_string(theirs));
  r.set_challenge_duration(challenge);
  grpc::ClientContext context;
  return from.api().OpenChannel(&context, r, info);
}

// Polls the channel until `done` holds; false after `timeout`.
inline bool WaitUntil(Daemon& d, const std::string& id,
                      const std::function<bool(const v1::ChannelInfo&)>& done,
                      std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done(Channel(d, id))) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

inline bool Idle(const v1::ChannelInfo& c) {
  return !c.update_in_flight() && c.queued_actions() == 0;
}

inline grpc::Status Pay(Daemon& d, const std::string& id, uint64_t amount) {
  v1::PayRequest r;
  r.set_channel_id(id);
  r.set_amount(std::to_string(amount));
  v1::ChannelInfo info;
  grpc::ClientContext context;
  return d.api().Pay(&context, r, &info);
}

// Calls one of the API's calls that take a channel id.
inline grpc::Status OnChannel(Daemon& d, const std::string& id,
                              grpc::Status (v1::Api::Stub::*call)(grpc::ClientContext*,
                                                                  const v1::ChannelRequest&,
                                                                  v1::ChannelInfo*)) {
  v1::ChannelRequest r;
  r.set_channel_id(id);
  v1::ChannelInfo info;
  grpc::ClientContext context;
  return (d.api().*call)(&context, r, &info);
}

}  // namespace parley::e2e
