#include "challenge_book.h"

#include "parley/crypto/random.h"

namespace parley::watchtower {

Hash32 ChallengeBook::Issue() {
  Hash32 challenge = crypto::RandomHash32();
  Clock::time_point now = now_();
  std::lock_guard lock(mutex_);
  Prune(now);
  while (issued_.size() >= capacity_) {
    expiry_.erase(issued_.front());
    issued_.pop_front();
  }
  expiry_[challenge] = now + ttl_;
  issued_.push_back(challenge);
  return challenge;
}

Status ChallengeBook::Redeem(const Auth& auth, std::string_view call, ByteView content) {
  Clock::time_point now = now_();
  std::lock_guard lock(mutex_);
  Prune(now);
  auto it = expiry_.find(auth.challenge);
  if (it == expiry_.end()) {
    return Status::PermissionDenied(
        "the challenge is unknown, used or expired: take a fresh one with GetChallenge for "
        "each request");
  }
  Hash32 digest = RequestDigest(call, auth.challenge, auth.client, content);
  if (!crypto::SchnorrVerify(auth.client, digest, auth.signature)) {
    return Status::PermissionDenied("the request's signature does not verify for client key " +
                                    auth.client.ToHex() + " (it signs the call " +
                                    std::string(call) + ", the challenge and the content)");
  }
  expiry_.erase(it);  // its place in issued_ goes when it would have expired
  return Status::Ok();
}

void ChallengeBook::Prune(Clock::time_point now) {
  while (!issued_.empty()) {
    auto it = expiry_.find(issued_.front());
    if (it != expiry_.end() && it->second > now) break;
    if (it != expiry_.end()) expiry_.erase(it);
    issued_.pop_front();
  }
}

}  // namespace parley::watchtower
