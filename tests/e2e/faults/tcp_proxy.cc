#include "e2e/faults/tcp_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace parley::e2e::faults {
namespace {

sockaddr_in Loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  return address;
}

// Copies bytes from `from` to `to` until either side closes or fails.
void Pump(int from, int to) {
  char buffer[16384];
  for (;;) {
    ssize_t n = read(from, buffer, sizeof buffer);
    if (n <= 0) break;
    for (ssize_t sent = 0; sent < n;) {
      ssize_t w = send(to, buffer + sent, static_cast<size_t>(n - sent), MSG_NOSIGNAL);
      if (w <= 0) return;
      sent += w;
    }
  }
  shutdown(to, SHUT_WR);
}

}  // namespace

// One client connection and, when forwarded, its connection to the target,
// with a thread copying each way. Cut() ends both threads.
struct TcpProxy::Link {
  int client = -1;
  int target = -1;  // -1 while blackholed
  std::thread up, down;

  void Cut() {
    shutdown(client, SHUT_RDWR);
    if (target >= 0) shutdown(target, SHUT_RDWR);
  }
  ~Link() {
    Cut();
    if (up.joinable()) up.join();
    if (down.joinable()) down.join();
    close(client);
    if (target >= 0) close(target);
  }
};

TcpProxy::TcpProxy(int target_port) : target_port_(target_port) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address = Loopback(0);
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(listen_fd_, 64) != 0) {
    throw std::runtime_error("the proxy cannot listen on loopback");
  }
  socklen_t length = sizeof address;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

TcpProxy::~TcpProxy() {
  stopping_ = true;
  shutdown(listen_fd_, SHUT_RDWR);  // wakes the acceptor
  acceptor_.join();
  close(listen_fd_);
  std::lock_guard lock(mutex_);
  links_.clear();
}

std::string TcpProxy::address() const { return "127.0.0.1:" + std::to_string(port_); }

void TcpProxy::SetMode(Mode mode) {
  std::lock_guard lock(mutex_);
  mode_ = mode;
  links_.clear();  // cuts and joins every connection, forwarded or held
}

void TcpProxy::AcceptLoop() {
  while (!stopping_) {
    int client = accept(listen_fd_, nullptr, nullptr);
    if (client < 0) {
      if (stopping_) return;
      continue;
    }
    std::lock_guard lock(mutex_);
    if (mode_ == Mode::kRefuse) {
      close(client);
      continue;
    }
    auto link = std::make_unique<Link>();
    link->client = client;
    if (mode_ == Mode::kForward) {
      int target = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in address = Loopback(target_port_);
      if (connect(target, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        close(target);
        continue;  // the link's destructor closes the client
      }
      link->target = target;
      link->up = std::thread(Pump, client, target);
      link->down = std::thread(Pump, target, client);
      ++forwarded_;
    }
    links_.push_back(std::move(link));
  }
}

}  // namespace parley::e2e::faults
