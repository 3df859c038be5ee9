// streaming_bench: vouchers per second on one streaming channel (issue 4's
// target: >= 20,000/s), printed next to the cost of one signature plus one
// verification measured in the same run.
//
// The payer signs each voucher and the payee checks it. In a deployment they
// are two machines, so the figure that counts runs them on two threads
// connected by a queue (a pipeline: the slower side sets the pace). The same
// work on one thread is printed too, for the cost of a voucher end to end.
// A benchmark program: it prints figures, it asserts nothing, except that
// every voucher was accepted (exit 1 otherwise). `--vouchers N` sets the count.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "parley/channel/scheme.h"
#include "parley/crypto/random.h"
#include "parley/crypto/schnorr.h"
#include "parley/util/must.h"
#include "streaming/voucher.h"

namespace parley {
namespace {

using Clock = std::chrono::steady_clock;
using apps::StreamPayee;
using apps::StreamPayer;
using apps::Voucher;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// A channel whose payer can afford `units` units, ready to stream.
class Stream {
 public:
  explicit Stream(uint64_t units) {
    params_.participants = {payer_key_.public_key(), payee_key_.public_key()};
    params_.nonce = crypto::RandomHash32();
    params_.challenge_duration = 10;
    params_.app = apps::StreamingApp::kId;
    params_.backend = "sim";
    base_.state.channel_id = scheme_.ComputeChannelId(params_);
    base_.state.allocation.assets = {{.asset = "native", .balances = {units, 0}}};
    base_.state.app_data =
        apps::StreamingApp::InitialData({.payer = 0, .price_per_unit = 1, .max_lag_units = 10});
    Hash32 hash = scheme_.StateHash(base_.state);
    base_.sigs = {scheme_.Sign(payer_key_, hash), scheme_.Sign(payee_key_, hash)};
  }
  StreamPayer Payer() const {
    return std::move(StreamPayer::Create(base_.state, payer_key_, scheme_)).value();
  }
  StreamPayee Payee() const {
    return std::move(StreamPayee::Create(params_, base_, 1, scheme_)).value();
  }

 private:
  channel::Bip340Scheme scheme_;
  crypto::PrivateKey payer_key_ = crypto::PrivateKey::Generate();
  crypto::PrivateKey payee_key_ = crypto::PrivateKey::Generate();
  channel::Params params_;
  channel::SignedState base_;
};

// Vouchers handed from the payer's thread to the payee's.
class Queue {
 public:
  void Push(Voucher v) {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(v));
    ready_.notify_one();
  }
  Voucher Pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return !queue_.empty(); });
    Voucher v = std::move(queue_.front());
    queue_.pop_front();
    return v;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Voucher> queue_;
};

double SignPlusVerifySeconds() {
  auto key = crypto::PrivateKey::Generate();
  Hash32 message = crypto::RandomHash32();
  constexpr int kN = 4000;
  auto t0 = Clock::now();
  bool ok = true;
  for (int i = 0; i < kN; ++i) {
    auto sig = crypto::SchnorrSign(key, message);
    ok &= crypto::SchnorrVerify(key.public_key(), message, sig);
  }
  if (!ok) Must(Status::Internal("a signature did not verify"), "sign and verify");
  return Seconds(Clock::now() - t0) / kN;
}

double OneThreadPerSecond(uint64_t n) {
  Stream stream(n);
  StreamPayer payer = stream.Payer();
  StreamPayee payee = stream.Payee();
  auto t0 = Clock::now();
  for (uint64_t i = 0; i < n; ++i) Must(payee.Accept(Must(payer.Pay(1), "pay")), "accept");
  return n / Seconds(Clock::now() - t0);
}

double PipelinePerSecond(uint64_t n) {
  Stream stream(n);
  StreamPayer payer = stream.Payer();
  StreamPayee payee = stream.Payee();
  Queue queue;
  auto t0 = Clock::now();
  std::thread payer_thread([&] {
    for (uint64_t i = 0; i < n; ++i) queue.Push(payer.Pay(1).value());
  });
  for (uint64_t i = 0; i < n; ++i) Must(payee.Accept(queue.Pop()), "accept");
  double elapsed = Seconds(Clock::now() - t0);
  payer_thread.join();
  if (payee.units_paid() != n) Must(Status::Internal("the payee missed vouchers"), "count");
  return n / elapsed;
}

}  // namespace
}  // namespace parley

int main(int argc, char** argv) {
  using namespace parley;
  uint64_t n = 20'000;
  bool understood = argc == 1;
  if (argc == 3 && std::string(argv[1]) == "--vouchers") {
    n = std::strtoull(argv[2], nullptr, 10);
    understood = true;
  }
  if (!understood || n == 0) {
    std::fprintf(stderr, "usage: streaming_bench [--vouchers N]   (N >= 1, default 20000)\n");
    return 2;
  }
  double cost = SignPlusVerifySeconds();
  std::printf("one signature + one verification: %.1f us -> %.0f/s on one core\n", cost * 1e6,
              1 / cost);
  double one_thread = OneThreadPerSecond(n);
  double pipelined = PipelinePerSecond(n);
  std::printf("vouchers, payer and payee on one thread: %.0f/s = %.2f x the one-core limit\n",
              one_thread, one_thread * cost);
  std::printf(
      "vouchers, payer and payee on two threads (pipelined): %.0f/s = %.2f x the one-core limit"
      "  (target >= 20000/s)\n",
      pipelined, pipelined * cost);
  return 0;
}
