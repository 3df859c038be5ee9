// A TCP proxy on loopback that a test can partition: one daemon dials the
// other through it, and the test cuts the link and heals it.
#pragma once

#include <atomic>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace parley::e2e::faults {

class TcpProxy {
 public:
  enum class Mode {
    kForward,    // connections go through
    kRefuse,     // new connections are closed at once
    kBlackhole,  // new connections are accepted and never answered
  };

  // Listens on a free loopback port and forwards to 127.0.0.1:`target_port`.
  explicit TcpProxy(int target_port);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  // HOST:PORT to dial instead of the target.
  std::string address() const;
  // Cuts every open connection and treats new ones as `mode` says; kForward
  // heals the link (connections held by kBlackhole are closed then).
  void SetMode(Mode mode);
  // Connections forwarded so far.
  int forwarded() const { return forwarded_; }

 private:
  struct Link;
  void AcceptLoop();

  int target_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> forwarded_{0};
  std::mutex mutex_;  // guards mode_ and links_
  Mode mode_ = Mode::kForward;
  std::list<std::unique_ptr<Link>> links_;
  std::thread acceptor_;
};

}  // namespace parley::e2e::faults
