#include "tipping/tipping_app.h"

#include "parley/util/codec.h"
#include "tipping/tip_message.h"

namespace parley::apps {

using channel::Amount;
using channel::ParticipantIndex;
using channel::State;

namespace {

Status CheckShape(const State& state) {
  if (state.allocation.assets.size() != 1 || state.allocation.assets[0].balances.size() != 2) {
    return Status::InvalidArgument("a tipping channel has one asset and two participants");
  }
  if (!state.allocation.assets[0].locked.empty()) {
    return Status::InvalidArgument("a tipping channel locks no amounts");
  }
  return Status::Ok();
}

// The message of a tip or a jar. Read with a loose limit, so that a long
// message is refused by CheckTipMessage, which says how long it may be.
Status ReadMessage(Reader& r, std::string* message) {
  PARLEY_RETURN_IF_ERROR(r.String(channel::kMaxAppDataSize, message));
  return CheckTipMessage(*message);
}

// The state after the fan tips `amount` with `message` on `from` (whose
// jar is `jar`): version + 1, the amount moved from fan to streamer.
Result<State> AfterTip(const State& from, const TipJar& jar, const Amount& amount,
                       std::string message) {
  State next = from;
  next.version = from.version + 1;
  auto& balances = next.allocation.assets[0].balances;
  const Amount& fan_balance = balances[TippingApp::kFan];
  if (amount > fan_balance) {
    return Status::FailedPrecondition("a tip of " + channel::ToString(amount) +
                                      " is above the fan's balance of " +
                                      channel::ToString(fan_balance));
  }
  PARLEY_ASSIGN_OR_RETURN(Amount streamer,
                          channel::CheckedAdd(balances[TippingApp::kStreamer], amount));
  PARLEY_ASSIGN_OR_RETURN(Amount total, channel::CheckedAdd(jar.total, amount));
  balances[TippingApp::kFan] -= amount;
  balances[TippingApp::kStreamer] = streamer;
  next.app_data = TippingApp::Encode({.total = total, .last_message = std::move(message)});
  return next;
}

}  // namespace

Bytes TippingApp::TipAction(const Amount& amount, std::string_view message) {
  Writer w;
  channel::WriteAmount(w, amount);
  w.String(message);
  return w.Take();
}

Bytes TippingApp::InitialAppData() { return Encode({}); }

Bytes TippingApp::Encode(const TipJar& jar) {
  Writer w;
  channel::WriteAmount(w, jar.total);
  w.String(jar.last_message);
  return w.Take();
}

Result<TipJar> TippingApp::Decode(ByteView app_data) {
  Reader r(app_data, "tip jar");
  TipJar jar;
  PARLEY_RETURN_IF_ERROR(channel::ReadAmount(r, &jar.total));
  PARLEY_RETURN_IF_ERROR(ReadMessage(r, &jar.last_message));
  PARLEY_RETURN_IF_ERROR(r.Finish());
  return jar;
}

Status TippingApp::ValidInit(const channel::Params& params, const State& initial) const {
  if (params.participants.size() != 2) {
    return Status::InvalidArgument(
        "a tipping channel has exactly two participants: the fan, then the streamer");
  }
  PARLEY_RETURN_IF_ERROR(CheckShape(initial));
  if (initial.app_data.empty()) {
    return Status::InvalidArgument(
        "a tipping channel starts with an empty tip jar (InitialAppData()), not with no app "
        "data; parley tips open sets it up");
  }
  PARLEY_ASSIGN_OR_RETURN(TipJar jar, Decode(initial.app_data));
  if (jar != TipJar{}) {
    return Status::InvalidArgument("a new tipping channel has tipped nothing and has no message");
  }
  return Status::Ok();
}

Status TippingApp::ValidTransition(const channel::Params&, const State& from, const State& to,
                                   ParticipantIndex actor) const {
  if (from.is_final) return Status::FailedPrecondition("nothing follows a final state");
  PARLEY_RETURN_IF_ERROR(CheckShape(from));
  PARLEY_RETURN_IF_ERROR(CheckShape(to));
  PARLEY_ASSIGN_OR_RETURN(TipJar before, Decode(from.app_data));
  PARLEY_ASSIGN_OR_RETURN(TipJar after, Decode(to.app_data));
  if (after.total < before.total) {
    return Status::InvalidArgument("the total tipped cannot go down (from " +
                                   channel::ToString(before.total) + " to " +
                                   channel::ToString(after.total) + ")");
  }
  if (after.total == before.total) {  // no tip: only a cooperative close
    if (after != before || to.allocation != from.allocation) {
      return Status::InvalidArgument(
          "without a tip, the message and the balances stay as they are");
    }
    if (!to.is_final) {
      return Status::InvalidArgument(
          "a state without a tip must be final: a cooperative close of the latest state");
    }
    return Status::Ok();
  }
  if (actor != kFan) return Status::PermissionDenied("only the fan (participant 0) tips");
  PARLEY_ASSIGN_OR_RETURN(State expected,
                          AfterTip(from, before, after.total - before.total, after.last_message));
  if (expected.allocation != to.allocation) {
    return Status::InvalidArgument(
        "a tip must move exactly the rise in the total from the fan to the streamer");
  }
  return Status::Ok();
}

Result<State> TippingApp::ApplyAction(const channel::Params&, const State& from,
                                      ParticipantIndex actor, ByteView action) const {
  if (from.is_final) return Status::FailedPrecondition("nothing follows a final state");
  if (actor != kFan) return Status::PermissionDenied("only the fan (participant 0) tips");
  Reader r(action, "tip action");
  Amount amount;
  std::string message;
  PARLEY_RETURN_IF_ERROR(channel::ReadAmount(r, &amount));
  PARLEY_RETURN_IF_ERROR(ReadMessage(r, &message));
  PARLEY_RETURN_IF_ERROR(r.Finish());
  if (amount == 0) return Status::InvalidArgument("a tip must be at least 1 base unit");
  PARLEY_RETURN_IF_ERROR(CheckShape(from));
  PARLEY_ASSIGN_OR_RETURN(TipJar jar, Decode(from.app_data));
  return AfterTip(from, jar, amount, std::move(message));
}

}  // namespace parley::apps
