#include "challenge_book.h"

#include "parley/crypto/random.h"

namespace parley::settlement::statechain {

Result<Hash32> ChallengeBook::Issue(TimePoint now) {
  DropExpired(now);
  if (expiry_.size() >= capacity_) {
    return Status::Aborted("the operator has too many outstanding challenges; retry shortly");
  }
  const Hash32 challenge = crypto::RandomHash32();
  expiry_[challenge] = now + lifetime_;
  issued_.emplace_back(now + lifetime_, challenge);
  return challenge;
}

Status ChallengeBook::CheckLive(const Hash32& challenge, TimePoint now) const {
  auto it = expiry_.find(challenge);
  if (it == expiry_.end()) {
    return Status::PermissionDenied(
        "the request's challenge was never issued or is already spent (a replay?): ask for a new "
        "challenge and sign the request again");
  }
  if (now >= it->second) {
    return Status::PermissionDenied(
        "the request's challenge has expired: ask for a new challenge and sign the request again");
  }
  return Status::Ok();
}

void ChallengeBook::DropExpired(TimePoint now) {
  while (!issued_.empty() && now >= issued_.front().first) {
    expiry_.erase(issued_.front().second);  // a no-op for one already spent
    issued_.pop_front();
  }
}

}  // namespace parley::settlement::statechain
