#include "payment/payment_app.h"

#include "parley/util/codec.h"

namespace parley::apps {

using channel::Amount;
using channel::ParticipantIndex;
using channel::State;

Bytes PaymentApp::PayAction(const Amount& amount, ParticipantIndex to, uint32_t asset) {
  Writer w;
  w.U32(asset);
  channel::WriteAmount(w, amount);
  w.U32(to);
  return w.Take();
}

Status PaymentApp::ValidInit(const channel::Params&, const State& initial) const {
  if (!initial.app_data.empty())
    return Status::InvalidArgument("payment channels carry no app data");
  return Status::Ok();
}

Status PaymentApp::ValidTransition(const channel::Params&, const State& from, const State& to,
                                   ParticipantIndex actor) const {
  if (!to.app_data.empty()) return Status::InvalidArgument("payment channels carry no app data");
  for (size_t a = 0; a < from.allocation.assets.size(); ++a) {
    const auto& before = from.allocation.assets[a];
    const auto& after = to.allocation.assets[a];
    if (before.locked != after.locked) {
      return Status::InvalidArgument("a payment cannot change locked amounts of '" + before.asset +
                                     "'");
    }
    for (ParticipantIndex p = 0; p < before.balances.size(); ++p) {
      if (p != actor && after.balances[p] < before.balances[p]) {
        return Status::PermissionDenied("participant " + std::to_string(actor) +
                                        " cannot lower the '" + before.asset +
                                        "' balance of participant " + std::to_string(p));
      }
    }
  }
  return Status::Ok();
}

Result<State> PaymentApp::ApplyAction(const channel::Params& params, const State& from,
                                      ParticipantIndex actor, ByteView action) const {
  Reader r(action, "pay action");
  uint32_t asset;
  Amount amount;
  uint32_t to;
  PARLEY_RETURN_IF_ERROR(r.U32(&asset));
  PARLEY_RETURN_IF_ERROR(channel::ReadAmount(r, &amount));
  PARLEY_RETURN_IF_ERROR(r.U32(&to));
  PARLEY_RETURN_IF_ERROR(r.Finish());
  if (asset >= from.allocation.assets.size()) {
    return Status::InvalidArgument("the channel has no asset " + std::to_string(asset));
  }
  if (actor >= from.allocation.assets[asset].balances.size()) {
    return Status::InvalidArgument("participant " + std::to_string(actor) + " does not exist");
  }
  if (to >= params.participants.size() || to == actor) {
    return Status::InvalidArgument("participant " + std::to_string(to) +
                                   " cannot receive this payment");
  }
  if (amount == 0) return Status::InvalidArgument("a payment must be at least 1 base unit");
  State next = from;
  next.version = from.version + 1;
  auto& balances = next.allocation.assets[asset].balances;
  auto debited = channel::CheckedSub(balances[actor], amount);
  if (!debited.ok()) {
    return Status::FailedPrecondition("insufficient balance: paying " + channel::ToString(amount) +
                                      " but the balance is " + channel::ToString(balances[actor]));
  }
  PARLEY_ASSIGN_OR_RETURN(Amount credited, channel::CheckedAdd(balances[to], amount));
  balances[actor] = *debited;
  balances[to] = credited;
  return next;
}

}  // namespace parley::apps
