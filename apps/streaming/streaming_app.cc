#include "streaming/streaming_app.h"

#include "parley/util/codec.h"

namespace parley::apps {

using channel::Amount;
using channel::ParticipantIndex;
using channel::State;

namespace {

Bytes Encode(const StreamData& data) {
  Writer w;
  w.U32(data.terms.payer);
  channel::WriteAmount(w, data.terms.price_per_unit);
  w.U64(data.terms.max_lag_units);
  channel::WriteAmount(w, data.total_paid);
  return w.Take();
}

// The one asset's balances of a two-party streaming channel.
Status CheckShape(const State& state) {
  if (state.allocation.assets.size() != 1 || state.allocation.assets[0].balances.size() != 2) {
    return Status::InvalidArgument("a streaming channel has one asset and two participants");
  }
  if (!state.allocation.assets[0].locked.empty()) {
    return Status::InvalidArgument("a streaming channel locks no amounts");
  }
  return Status::Ok();
}

}  // namespace

Bytes StreamingApp::InitialData(const StreamTerms& terms) {
  return Encode({.terms = terms, .total_paid = 0});
}

Result<StreamData> StreamingApp::Decode(ByteView app_data) {
  Reader r(app_data, "streaming app data");
  StreamData data;
  PARLEY_RETURN_IF_ERROR(r.U32(&data.terms.payer));
  PARLEY_RETURN_IF_ERROR(channel::ReadAmount(r, &data.terms.price_per_unit));
  PARLEY_RETURN_IF_ERROR(r.U64(&data.terms.max_lag_units));
  PARLEY_RETURN_IF_ERROR(channel::ReadAmount(r, &data.total_paid));
  PARLEY_RETURN_IF_ERROR(r.Finish());
  if (data.terms.payer > 1) return Status::InvalidArgument("the payer must be participant 0 or 1");
  if (data.terms.price_per_unit == 0) return Status::InvalidArgument("the price per unit is 0");
  return data;
}

Result<State> StreamingApp::StateForTotal(const State& base, const Amount& total,
                                          uint64_t version) {
  PARLEY_RETURN_IF_ERROR(CheckShape(base));
  PARLEY_ASSIGN_OR_RETURN(StreamData data, Decode(base.app_data));
  if (total < data.total_paid) {
    return Status::InvalidArgument("a total of " + channel::ToString(total) +
                                   " would lower the amount already paid, " +
                                   channel::ToString(data.total_paid));
  }
  Amount more = total - data.total_paid;
  State next = base;
  next.version = version;
  auto& balances = next.allocation.assets[0].balances;
  ParticipantIndex payer = data.terms.payer;
  auto debited = channel::CheckedSub(balances[payer], more);
  if (!debited.ok()) {
    return Status::FailedPrecondition("the payer's balance of " +
                                      channel::ToString(balances[payer]) + " cannot pay " +
                                      channel::ToString(more) + " more");
  }
  PARLEY_ASSIGN_OR_RETURN(balances[1 - payer], channel::CheckedAdd(balances[1 - payer], more));
  balances[payer] = *debited;
  data.total_paid = total;
  next.app_data = Encode(data);
  return next;
}

Bytes StreamingApp::PayAction(uint64_t units) {
  Writer w;
  w.U64(units);
  return w.Take();
}

Result<State> StreamingApp::ApplyAction(const channel::Params&, const State& from,
                                        ParticipantIndex actor, ByteView action) const {
  Reader r(action, "pay action");
  uint64_t units;
  PARLEY_RETURN_IF_ERROR(r.U64(&units));
  PARLEY_RETURN_IF_ERROR(r.Finish());
  PARLEY_RETURN_IF_ERROR(CheckShape(from));
  PARLEY_ASSIGN_OR_RETURN(StreamData data, Decode(from.app_data));
  if (actor != data.terms.payer) return Status::PermissionDenied("only the payer pays");
  if (units == 0) return Status::InvalidArgument("a payment is for at least one unit");
  Amount affordable =
      from.allocation.assets[0].balances[data.terms.payer] / data.terms.price_per_unit;
  if (Amount(units) > affordable) {
    return Status::FailedPrecondition("the balance pays for " + channel::ToString(affordable) +
                                      " more unit(s), not " + std::to_string(units));
  }
  Amount total = data.total_paid + data.terms.price_per_unit * units;
  return StateForTotal(from, total, from.version + 1);
}

Status StreamingApp::ValidInit(const channel::Params& params, const State& initial) const {
  if (params.participants.size() != 2) {
    return Status::InvalidArgument("a streaming channel has exactly two participants");
  }
  PARLEY_RETURN_IF_ERROR(CheckShape(initial));
  PARLEY_ASSIGN_OR_RETURN(StreamData data, Decode(initial.app_data));
  if (data.total_paid != 0) return Status::InvalidArgument("a new stream has paid nothing yet");
  return Status::Ok();
}

Status StreamingApp::ValidTransition(const channel::Params&, const State& from, const State& to,
                                     ParticipantIndex actor) const {
  PARLEY_ASSIGN_OR_RETURN(StreamData before, Decode(from.app_data));
  PARLEY_RETURN_IF_ERROR(CheckShape(to));
  PARLEY_ASSIGN_OR_RETURN(StreamData after, Decode(to.app_data));
  if (after.terms != before.terms)
    return Status::InvalidArgument("the terms of a stream are fixed");
  if (after.total_paid < before.total_paid) {
    return Status::InvalidArgument("the total paid cannot go down (from " +
                                   channel::ToString(before.total_paid) + " to " +
                                   channel::ToString(after.total_paid) + ")");
  }
  if (after.total_paid > before.total_paid && actor != before.terms.payer) {
    return Status::PermissionDenied("only the payer raises the total paid");
  }
  PARLEY_ASSIGN_OR_RETURN(State expected, StateForTotal(from, after.total_paid, to.version));
  if (expected.allocation != to.allocation) {
    return Status::InvalidArgument(
        "the allocation must move exactly the rise in the total paid from payer to payee");
  }
  return Status::Ok();
}

}  // namespace parley::apps
