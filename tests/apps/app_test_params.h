// Channel params and states for app tests: fresh participant keys, the app's
// id, the sim backend; states of one asset.
#pragma once

#include <vector>

#include "parley/channel/types.h"
#include "parley/crypto/keys.h"

namespace parley::apps::testing {

inline channel::Params MakeParams(const channel::AppId& app, size_t participants = 2) {
  channel::Params params;
  for (size_t i = 0; i < participants; ++i) {
    params.participants.push_back(crypto::PrivateKey::Generate().public_key());
  }
  params.nonce.fill(0x5a);
  params.challenge_duration = 5;
  params.app = app;
  params.backend = "sim";
  return params;
}

// A state of one asset ("native") with `balances` and `app_data`.
inline channel::State OneAssetState(std::vector<channel::Amount> balances, Bytes app_data,
                                    uint64_t version = 0) {
  channel::State state;
  state.channel_id.fill(0x33);
  state.version = version;
  state.allocation.assets.push_back({.asset = "native", .balances = std::move(balances)});
  state.app_data = std::move(app_data);
  return state;
}

}  // namespace parley::apps::testing
