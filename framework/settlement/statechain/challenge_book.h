// The operator's outstanding authentication challenges: random, single use,
// expiring. Kept in memory: after a restart clients just ask again.
// Not thread-safe (the operator holds its lock).
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <utility>

#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::settlement::statechain {

class ChallengeBook {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  ChallengeBook(std::chrono::seconds lifetime, size_t capacity)
      : lifetime_(lifetime), capacity_(capacity) {}

  // A fresh challenge valid until now + lifetime. Aborted when `capacity`
  // challenges are outstanding.
  Result<Hash32> Issue(TimePoint now);
  // OK if `challenge` was issued, is unspent and has not expired;
  // PermissionDenied naming which is wrong otherwise.
  Status CheckLive(const Hash32& challenge, TimePoint now) const;
  void Spend(const Hash32& challenge) { expiry_.erase(challenge); }

 private:
  void DropExpired(TimePoint now);

  std::chrono::seconds lifetime_;
  size_t capacity_;
  std::map<Hash32, TimePoint> expiry_;  // the live ones
  // Every issued challenge in issue order, which is expiry order (the
  // lifetime is fixed and the clock monotonic), so expired ones leave from
  // the front.
  std::deque<std::pair<TimePoint, Hash32>> issued_;
};

}  // namespace parley::settlement::statechain
