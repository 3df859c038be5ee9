// ChallengeBook: the tower's outstanding challenges, each good for one
// authenticated request until it expires. Kept in memory only: after a
// restart clients simply take new ones.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string_view>

#include "parley/util/bytes.h"
#include "parley/util/status.h"
#include "parley/watchtower/auth.h"

namespace parley::watchtower {

class ChallengeBook {
 public:
  using Clock = std::chrono::steady_clock;

  // At most `capacity` challenges are remembered: issuing one more drops the
  // oldest, so that nobody can grow the book without bound.
  ChallengeBook(std::chrono::seconds ttl, size_t capacity, std::function<Clock::time_point()> now)
      : ttl_(ttl), capacity_(capacity), now_(std::move(now)) {}

  // A fresh random challenge.
  Hash32 Issue();

  // OK, using the challenge up, if `auth` carries an outstanding challenge
  // and a valid signature by its client over `call` and `content`.
  // PermissionDenied naming what is wrong otherwise; a bad signature leaves
  // the challenge outstanding.
  Status Redeem(const Auth& auth, std::string_view call, ByteView content);

  std::chrono::seconds ttl() const { return ttl_; }

 private:
  // Drops expired challenges and, beyond capacity, the oldest. With mutex_.
  void Prune(Clock::time_point now);

  const std::chrono::seconds ttl_;
  const size_t capacity_;
  const std::function<Clock::time_point()> now_;

  std::mutex mutex_;
  std::map<Hash32, Clock::time_point> expiry_;  // outstanding challenges
  std::deque<Hash32> issued_;                   // in issue order, so in expiry order
};

}  // namespace parley::watchtower
