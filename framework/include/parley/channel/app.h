// The app SDK: an app is a state machine over State::app_data and the
// allocation. Parley calls it to check every transition off-chain, and the
// sim ledger calls it to judge force-moves.
//
// Apps are stateless and deterministic: the same inputs give the same answer
// on every node and on the ledger. They see only the channel model, so an app
// builds and tests with nothing but this header and GoogleTest.
#pragma once

#include <map>
#include <memory>

#include "parley/channel/types.h"

namespace parley::channel {

class App {
 public:
  virtual ~App() = default;

  virtual AppId id() const = 0;

  // OK if `initial` (version 0) is a valid start for a channel with `params`.
  virtual Status ValidInit(const Params& params, const State& initial) const = 0;

  // OK if `to` may follow `from` when participant `actor` alone proposes it.
  // Parley has already checked the channel id, the version step and that the
  // totals are conserved; the app checks the rest and says why it refuses.
  virtual Status ValidTransition(const Params& params, const State& from, const State& to,
                                 ParticipantIndex actor) const = 0;

  // True for turn-based apps: on the ledger, after a dispute, the participant
  // whose turn it is may advance the state with only its own signature
  // (force-move). Such apps make every state's allocation punish stalling.
  virtual bool SupportsForceMove() const { return false; }

  // The action layer: the state that follows `from` when `actor` performs
  // `action` (app-defined bytes, e.g. "pay 5"). The result's version is
  // from.version + 1. Apps without actions keep this default.
  virtual Result<State> ApplyAction(const Params& params, const State& from, ParticipantIndex actor,
                                    ByteView action) const;
};

// The apps a node or ledger knows, by id. Built once at wiring time.
class AppRegistry {
 public:
  // AlreadyExists if an app with the same id is registered.
  Status Register(std::shared_ptr<const App> app);
  // NotFound (with the known ids) if no app has this id.
  Result<const App*> Find(const AppId& id) const;

 private:
  std::map<AppId, std::shared_ptr<const App>> apps_;
};

}  // namespace parley::channel
