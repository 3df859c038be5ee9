// A tower on an in-process sim ledger, and Alice and Bob, whose payment
// channel it watches for Alice. States are built and signed here directly:
// the tower sees only params and signed states, never a node.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "parley/channel/scheme.h"
#include "parley/crypto/random.h"
#include "parley/settlement/sim_ledger.h"
#include "parley/store/store.h"
#include "parley/watchtower/auth.h"
#include "parley/watchtower/tower.h"
#include "payment/payment_app.h"
#include "testing/status_matchers.h"

namespace parley::watchtower::testing {

// The ledger as the tower sees it; while `down`, every call that reaches
// the ledger fails as an unreachable devchain does.
class FlakyAdjudicator : public settlement::SimClient {
 public:
  using SimClient::SimClient;
  bool down = false;

  Status Register(const channel::Params& p, const channel::SignedState& s) override {
    return down ? Unreachable() : SimClient::Register(p, s);
  }
  Result<settlement::Dispute> GetDispute(const channel::ChannelId& id) const override {
    if (down) return Unreachable();
    return SimClient::GetDispute(id);
  }

 private:
  static Status Unreachable() { return Status::IoError("the devchain is unreachable"); }
};

class TowerTest : public ::testing::Test {
 protected:
  static constexpr uint64_t kChallenge = 10;
  using Clock = std::chrono::steady_clock;

  TowerTest() { EXPECT_TRUE(apps_registered_); }

  channel::Params NewParams() const {
    return {.participants = {alice_.public_key(), bob_.public_key()},
            .nonce = crypto::RandomHash32(),
            .challenge_duration = kChallenge,
            .app = apps::PaymentApp::kId,
            .backend = "sim"};
  }

  // Version `version` of `params`' channel, paying Alice `alice` of 100,
  // signed by every participant.
  channel::SignedState Signed(uint64_t version, uint64_t alice = 50,
                              const channel::Params* params = nullptr) const {
    const channel::Params& p = params ? *params : params_;
    channel::SignedState s;
    s.state = {.channel_id = scheme_.ComputeChannelId(p),
               .version = version,
               .allocation = {{{.asset = "native", .balances = {alice, 100 - alice}}}}};
    Hash32 hash = scheme_.StateHash(s.state);
    s.sigs = {scheme_.Sign(alice_, hash), scheme_.Sign(bob_, hash)};
    return s;
  }

  // Starts a tower on `store` with `options` (the fake clock added).
  std::unique_ptr<Tower> StartTower(store::Store& store, TowerOptions options = {}) {
    options.now = [this] { return now_; };
    auto tower = std::make_unique<Tower>(store, chain_, scheme_, std::move(options));
    EXPECT_OK(tower->Start());
    return tower;
  }

  // Authenticates as `client` and stores `state` of `params`.
  StoreOutcome Hand(Tower& tower, const crypto::PrivateKey& client, const channel::Params& params,
                    const channel::SignedState& state) {
    Hash32 challenge = tower.NewChallenge();
    Status auth = tower.Authenticate(
        SignRequest(client, kStoreStateCall, challenge, StoreStateContent(params, state)),
        kStoreStateCall, StoreStateContent(params, state));
    if (!auth.ok()) return {.status = auth};
    return tower.StoreState(client.public_key(), params, state);
  }
  StoreOutcome Hand(Tower& tower, const channel::SignedState& state) {
    return Hand(tower, alice_, params_, state);
  }

  uint64_t VersionOnLedger() const {
    auto dispute = ledger_->GetDispute(scheme_.ComputeChannelId(params_));
    return dispute.ok() ? dispute->state.state.version : 0;
  }

  // In declaration order: the ledger needs the app, the tower's client the ledger.
  channel::AppRegistry apps_;
  bool apps_registered_ = apps_.Register(std::make_shared<apps::PaymentApp>()).ok();
  std::unique_ptr<store::Store> ledger_store_ = store::NewMemoryStore();
  std::unique_ptr<settlement::SimLedger> ledger_ =
      settlement::SimLedger::Open(*ledger_store_, apps_).value();
  channel::Bip340Scheme scheme_{"sim"};
  crypto::PrivateKey alice_ = crypto::PrivateKey::Generate();
  crypto::PrivateKey bob_ = crypto::PrivateKey::Generate();
  crypto::PrivateKey carol_ = crypto::PrivateKey::Generate();
  FlakyAdjudicator chain_{*ledger_, crypto::PrivateKey::Generate().public_key()};
  channel::Params params_ = NewParams();
  Clock::time_point now_ = Clock::now();
};

}  // namespace parley::watchtower::testing
