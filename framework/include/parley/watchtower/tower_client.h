// TowerClient: a node's side of a watchtower (proto/parley/v1/watchtower.proto),
// reached over gRPC and authenticated with the node's key. Each call takes a
// fresh challenge first, so it costs two round trips.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "parley/channel/types.h"
#include "parley/crypto/keys.h"
#include "parley/util/status.h"
#include "parley/watchtower/tower.h"

namespace parley::watchtower {

class TowerClient {
 public:
  // Every call waits at most `call_timeout` for the tower.
  TowerClient(const std::string& address, crypto::PrivateKey key,
              std::chrono::milliseconds call_timeout = std::chrono::seconds(10));
  ~TowerClient();

  // Hands the channel's latest fully signed state to the tower; what it now
  // holds. IoError if the tower cannot be reached (worth retrying);
  // FailedPrecondition for a version below the one it holds and for an
  // exhausted quota (the message says which); PermissionDenied if it
  // refuses this client or the signatures; the tower's message in each case.
  Result<WatchedChannel> StoreState(const channel::Params& params,
                                    const channel::SignedState& state);

  // The channels this client has handed over, with what the tower holds.
  Result<std::vector<WatchedChannel>> ListWatched();

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::watchtower
