// TowerService: the watchtower over gRPC (service parley.v1.Watchtower). It
// only translates: the Tower decides. Failed authentication is
// UNAUTHENTICATED, an exhausted quota RESOURCE_EXHAUSTED; every other
// refusal has the gRPC code of the Tower's Status.
#pragma once

#include <string>

#include "parley/v1/watchtower.grpc.pb.h"
#include "parley/watchtower/tower.h"

namespace parley::watchtower {

class TowerService final : public v1::Watchtower::Service {
 public:
  // `chain` is what GetTowerInfo reports as the ledger watched.
  TowerService(Tower& tower, std::string backend, std::string chain)
      : tower_(tower), backend_(std::move(backend)), chain_(std::move(chain)) {}

  grpc::Status GetTowerInfo(grpc::ServerContext*, const v1::GetTowerInfoRequest*,
                            v1::TowerInfo*) override;
  grpc::Status GetChallenge(grpc::ServerContext*, const v1::GetChallengeRequest*,
                            v1::TowerChallenge*) override;
  grpc::Status StoreState(grpc::ServerContext*, const v1::StoreStateRequest*,
                          v1::StoreStateReply*) override;
  grpc::Status ListWatched(grpc::ServerContext*, const v1::ListWatchedRequest*,
                           v1::ListWatchedReply*) override;

 private:
  Tower& tower_;
  const std::string backend_;
  const std::string chain_;
};

}  // namespace parley::watchtower
