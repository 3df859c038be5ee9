// Anvil: a local EVM chain for a test, the pinned anvil that scripts/setup
// installs from the npm registry (PARLEY_ANVIL_PATH, set by CMake), or the
// binary the environment variable PARLEY_ANVIL names.
//
//   Anvil anvil;
//   ASSERT_OK(anvil.Start());  // fails, saying how to install anvil, if it is missing
//   auto client = settlement::evm::EthClient::Open(anvil.endpoint());
//
// Each Anvil runs its own chain on a free loopback port (chain id kChainId,
// a block mined per transaction) and stops it when it dies.
#pragma once

#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "parley/settlement/evm/json_rpc.h"
#include "parley/util/status.h"
#include "testing/free_port.h"
#include "testing/temp_dir.h"

namespace parley {

class Anvil {
 public:
  static constexpr uint64_t kChainId = 31337;

  // The private keys of anvil's dev accounts (from the mnemonic "test test
  // ... junk"), each funded with 10000 ether and unlocked for
  // eth_sendTransaction; kDevAddresses[i] is the address of kDevKeys[i].
  static constexpr std::array<std::string_view, 10> kDevKeys = {
      "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
      "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
      "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
      "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
      "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
      "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
      "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
      "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
      "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
      "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
  };
  static constexpr std::array<std::string_view, 10> kDevAddresses = {
      "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
      "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc", "0x90f79bf6eb2c4f870365e785982e1f101e93b906",
      "0x15d34aaf54267db7d7c367839aaf71a00a2c6a65", "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc",
      "0x976ea74026e726554db657fa54763abd0c3a0aa9", "0x14dc79964da2c08b23698b3d3cc7ca32193d9955",
      "0x23618e81e3f5cdf7f54c3d65f7fbc0abf5b21e8f", "0xa0ee7a142d267c1f36714e4a8f75612f20a79720",
  };

  Anvil() = default;
  Anvil(const Anvil&) = delete;
  Anvil& operator=(const Anvil&) = delete;
  ~Anvil() { Stop(); }

  // The anvil binary: $PARLEY_ANVIL if set, else the pinned one.
  static std::string Path() {
    const char* path = std::getenv("PARLEY_ANVIL");
    return path != nullptr && *path != '\0' ? path : PARLEY_ANVIL_PATH;
  }

  // Starts anvil and waits until it answers eth_chainId (at most 30 s).
  // FailedPrecondition, saying to run scripts/setup, if there is no anvil;
  // IoError with anvil's output if it does not come up.
  Status Start() {
    const std::string path = Path();
    if (access(path.c_str(), X_OK) != 0) {
      return Status::FailedPrecondition(
          "anvil is not installed at " + path +
          ": run scripts/setup, which installs the pinned anvil from the npm registry (or point "
          "the environment variable PARLEY_ANVIL at an anvil binary)");
    }
    Status started;
    for (int attempt = 0; attempt < 3; ++attempt) {  // another process may take the port first
      started = StartOnce(path, testing_support::FreePort());
      if (started.ok()) return started;
    }
    return started;
  }

  // "http://127.0.0.1:PORT"; set by Start.
  const std::string& endpoint() const { return endpoint_; }

  // Stops anvil: SIGTERM, then SIGKILL if it is still there after 5 s.
  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  Status StartOnce(const std::string& path, int port) {
    endpoint_ = "http://127.0.0.1:" + std::to_string(port);
    const std::string log = (log_dir_.path() / "anvil.log").string();
    std::vector<std::string> args = {path,
                                     "--host",
                                     "127.0.0.1",
                                     "--port",
                                     std::to_string(port),
                                     "--chain-id",
                                     std::to_string(kChainId),
                                     "--quiet"};
    pid_ = fork();
    if (pid_ < 0) return Status::IoError("cannot fork to start anvil");
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);  // no orphan chain if the test dies
      FILE* out = freopen(log.c_str(), "w", stdout);
      if (out == nullptr || dup2(fileno(stdout), STDERR_FILENO) < 0) _exit(127);
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    auto rpc = settlement::evm::JsonRpc::Open(
        endpoint_, {.timeout = std::chrono::seconds(2), .max_reply_size = 1 << 16});
    if (!rpc.ok()) return rpc.status();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      if ((*rpc)->Call("eth_chainId", nlohmann::json::array()).ok()) return Status::Ok();
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return Status::IoError(path + " exited at start: " + Log(log));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    Stop();
    return Status::IoError(path + " did not answer on " + endpoint_ + " within 30 s: " + Log(log));
  }

  static std::string Log(const std::string& file) {
    std::ifstream in(file);
    std::stringstream s;
    s << in.rdbuf();
    return s.str().empty() ? "(no output)" : s.str();
  }

  TempDir log_dir_{"parley-anvil-"};
  std::string endpoint_;
  pid_t pid_ = -1;
};

}  // namespace parley
