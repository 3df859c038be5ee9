#include "parley/channel/app.h"

namespace parley::channel {

Result<State> App::ApplyAction(const Params&, const State&, ParticipantIndex, ByteView) const {
  return Status::FailedPrecondition("app '" + id() + "' has no actions; propose whole states");
}

Status AppRegistry::Register(std::shared_ptr<const App> app) {
  AppId id = app->id();
  if (!apps_.emplace(id, std::move(app)).second) {
    return Status::AlreadyExists("an app with id '" + id + "' is already registered");
  }
  return Status::Ok();
}

Result<const App*> AppRegistry::Find(const AppId& id) const {
  auto it = apps_.find(id);
  if (it != apps_.end()) return it->second.get();
  std::string known;
  for (const auto& [name, app] : apps_) known += (known.empty() ? "" : ", ") + name;
  return Status::NotFound("no app '" + id +
                          "' is registered (known: " + (known.empty() ? "none" : known) + ")");
}

}  // namespace parley::channel
