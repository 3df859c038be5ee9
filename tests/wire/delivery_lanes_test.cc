// DeliveryLanes: a full lane refuses a message without waiting and calls the
// pusher back once it has room, or when the lanes stop.
#include "wire/delivery_lanes.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "parley/crypto/random.h"

namespace parley::wire {
namespace {

using Pushed = DeliveryLanes::Pushed;

// A lane handler that holds the first burst until released, so that the test
// decides when the lane has room.
class HeldHandler {
 public:
  void Handle(std::vector<Transport::Incoming> burst) {
    std::unique_lock lock(mutex_);
    handled_ += burst.size();
    changed_.notify_all();
    changed_.wait(lock, [&] { return released_; });
  }
  void Release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }
  // Waits until `n` messages were handed over, at most 5 s.
  bool WaitHandled(size_t n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(5), [&] { return handled_ >= n; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  size_t handled_ = 0;
  bool released_ = false;
};

class DeliveryLanesTest : public ::testing::Test {
 protected:
  ~DeliveryLanesTest() override { held_.Release(); }

  Pushed Push() {
    return lanes_.Push(channel_, from_, Bytes{1}, [this] { ++called_back_; });
  }

  HeldHandler held_;
  // One lane that holds 2 messages, handed over one at a time.
  DeliveryLanes lanes_{1, 2, 1, [this](auto burst) { held_.Handle(std::move(burst)); }};
  const Hash32 channel_ = crypto::RandomHash32();
  const PeerId from_ = crypto::PrivateKey::Generate().public_key();
  std::atomic<int> called_back_ = 0;
};

TEST_F(DeliveryLanesTest, AFullLaneRefusesAMessageAndCallsBackOnceItHasRoom) {
  ASSERT_EQ(Push(), Pushed::kQueued);
  ASSERT_TRUE(held_.WaitHandled(1));  // the handler now holds it
  ASSERT_EQ(Push(), Pushed::kQueued);
  ASSERT_EQ(Push(), Pushed::kQueued);
  EXPECT_EQ(Push(), Pushed::kFull);  // 2 wait: refused, not queued
  EXPECT_EQ(Push(), Pushed::kFull);
  EXPECT_EQ(called_back_, 0);
  held_.Release();  // the lane takes one: room again
  ASSERT_TRUE(held_.WaitHandled(3));
  for (int i = 0; i < 500 && called_back_ < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(called_back_, 2);  // each refusal once
  EXPECT_EQ(Push(), Pushed::kQueued);
}

TEST_F(DeliveryLanesTest, StoppingCallsBackEveryoneWaitingForRoomAndRefusesMore) {
  ASSERT_EQ(Push(), Pushed::kQueued);
  ASSERT_TRUE(held_.WaitHandled(1));
  ASSERT_EQ(Push(), Pushed::kQueued);
  ASSERT_EQ(Push(), Pushed::kQueued);
  ASSERT_EQ(Push(), Pushed::kFull);
  // The handler still holds its burst, so the lane makes no room: only Stop
  // can call back. Stop then waits for the handler, which the test releases.
  std::thread stopping([this] { lanes_.Stop(); });
  for (int i = 0; i < 500 && called_back_ < 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(called_back_, 1);
  EXPECT_EQ(Push(), Pushed::kStopped);
  held_.Release();
  stopping.join();
  EXPECT_EQ(called_back_, 1);
}

}  // namespace
}  // namespace parley::wire
