#include "parley/channel/types.h"

#include <algorithm>
#include <set>

namespace parley::channel {

bool SignedState::FullySigned() const {
  return !sigs.empty() &&
         std::all_of(sigs.begin(), sigs.end(), [](const auto& sig) { return sig.has_value(); });
}

namespace {

Status ValidateName(const std::string& what, const std::string& name) {
  if (name.empty()) return Status::InvalidArgument(what + " must not be empty");
  if (name.size() > kMaxNameLength) {
    return Status::InvalidArgument(what + " '" + name.substr(0, 16) + "...' is longer than " +
                                   std::to_string(kMaxNameLength) + " bytes");
  }
  return Status::Ok();
}

}  // namespace

Status ValidateParams(const Params& params) {
  size_t n = params.participants.size();
  if (n < 2 || n > kMaxParticipants) {
    return Status::InvalidArgument("a channel needs 2 to " + std::to_string(kMaxParticipants) +
                                   " participants, got " + std::to_string(n));
  }
  // BIP340 signs with the x coordinate alone: 02||x and 03||x are one signer.
  std::set<Hash32> distinct;
  for (const auto& key : params.participants) distinct.insert(key.XOnly());
  if (distinct.size() != n) {
    return Status::InvalidArgument("the same key appears twice among the participants");
  }
  if (params.challenge_duration == 0 || params.challenge_duration > kMaxChallengeDuration) {
    return Status::InvalidArgument("the challenge duration must be 1 to " +
                                   std::to_string(kMaxChallengeDuration) + " ticks, got " +
                                   std::to_string(params.challenge_duration));
  }
  PARLEY_RETURN_IF_ERROR(ValidateName("the app id", params.app));
  return ValidateName("the backend name", params.backend);
}

Result<Amount> AssetTotal(const AssetAllocation& asset) {
  Amount total = 0;
  for (const Amount& balance : asset.balances) {
    PARLEY_ASSIGN_OR_RETURN(total, CheckedAdd(total, balance));
  }
  for (const Locked& locked : asset.locked) {
    PARLEY_ASSIGN_OR_RETURN(total, CheckedAdd(total, locked.amount));
  }
  return total;
}

Status ValidateAllocation(const Allocation& allocation, size_t participants) {
  if (allocation.assets.empty() || allocation.assets.size() > kMaxAssets) {
    return Status::InvalidArgument("an allocation holds 1 to " + std::to_string(kMaxAssets) +
                                   " assets, got " + std::to_string(allocation.assets.size()));
  }
  std::set<std::string> names;
  for (const AssetAllocation& asset : allocation.assets) {
    PARLEY_RETURN_IF_ERROR(ValidateName("an asset name", asset.asset));
    if (!names.insert(asset.asset).second) {
      return Status::InvalidArgument("asset '" + asset.asset + "' appears twice in the allocation");
    }
    if (asset.balances.size() != participants) {
      return Status::InvalidArgument("asset '" + asset.asset + "' has " +
                                     std::to_string(asset.balances.size()) + " balances for " +
                                     std::to_string(participants) + " participants");
    }
    if (asset.locked.size() > kMaxLocked) {
      return Status::InvalidArgument("asset '" + asset.asset + "' has more than " +
                                     std::to_string(kMaxLocked) + " locked amounts");
    }
    auto total = AssetTotal(asset);
    if (!total.ok()) {
      return Status::InvalidArgument("the total of asset '" + asset.asset +
                                     "' overflows: " + total.status().message());
    }
  }
  return Status::Ok();
}

Status ValidateState(const State& state, size_t participants) {
  if (state.app_data.size() > kMaxAppDataSize) {
    return Status::InvalidArgument("app data of " + std::to_string(state.app_data.size()) +
                                   " bytes exceeds the limit of " +
                                   std::to_string(kMaxAppDataSize));
  }
  return ValidateAllocation(state.allocation, participants);
}

Status CheckConserved(const Allocation& from, const Allocation& to) {
  if (from.assets.size() != to.assets.size()) {
    return Status::InvalidArgument("the allocation changed its number of assets from " +
                                   std::to_string(from.assets.size()) + " to " +
                                   std::to_string(to.assets.size()));
  }
  for (size_t i = 0; i < from.assets.size(); ++i) {
    const AssetAllocation& a = from.assets[i];
    const AssetAllocation& b = to.assets[i];
    if (a.asset != b.asset) {
      return Status::InvalidArgument("asset " + std::to_string(i) + " changed from '" + a.asset +
                                     "' to '" + b.asset + "'");
    }
    auto before = AssetTotal(a);
    auto after = AssetTotal(b);
    if (!before.ok() || !after.ok()) {
      return Status::InvalidArgument("the total of asset '" + a.asset + "' overflows");
    }
    if (*before != *after) {
      return Status::InvalidArgument("the total of asset '" + a.asset + "' changed from " +
                                     ToString(*before) + " to " + ToString(*after) +
                                     " (funds must be conserved)");
    }
  }
  return Status::Ok();
}

}  // namespace parley::channel
