// The streaming app: one-way micropayments for metered service (DESIGN.md:
// M2M payments). The payer pays the payee a fixed price per unit of service
// (a kWh, a second of video, a megabyte).
//
// app_data holds the terms, fixed at the channel's start, and the cumulative
// total paid so far:
//   payer (u32) || price per unit (32 bytes) || max lag in units (u64) || total paid (32 bytes)
//
// Off-chain the payer does not run the update protocol for every unit: it
// signs vouchers (voucher.h), each a complete channel state that pays the
// cumulative total, which the payee checks and keeps; the payee countersigns
// the latest only when it settles. The app's transition rules are what the
// ledger and the update protocol (a cooperative close) enforce: the terms
// never change, the total never goes down, and the allocation moves exactly
// what the total moves, from the payer to the payee.
#pragma once

#include "parley/channel/app.h"

namespace parley::apps {

struct StreamTerms {
  channel::ParticipantIndex payer = 0;  // the other participant is the payee
  channel::Amount price_per_unit;       // > 0
  // The payee serves at most this many units beyond what it has been paid for.
  uint64_t max_lag_units = 0;

  bool operator==(const StreamTerms&) const = default;
};

// What a streaming state's app_data says.
struct StreamData {
  StreamTerms terms;
  channel::Amount total_paid;
};

class StreamingApp : public channel::App {
 public:
  static constexpr const char* kId = "streaming";

  // app_data of an initial state: the terms, nothing paid yet.
  static Bytes InitialData(const StreamTerms& terms);
  // InvalidArgument with the reason if `app_data` is not a streaming state's.
  static Result<StreamData> Decode(ByteView app_data);
  // The state that follows `base` once the cumulative total is `total`, at
  // `version`: the difference from base's total moves from payer to payee.
  // FailedPrecondition if the payer's balance cannot cover it, InvalidArgument
  // if `total` is below base's.
  static Result<channel::State> StateForTotal(const channel::State& base,
                                              const channel::Amount& total, uint64_t version);

  // The action "pay for `units` more units" (u64), for the payer: through a
  // node it travels as an offer (Node::Offer), which is a voucher.
  static Bytes PayAction(uint64_t units);

  channel::AppId id() const override { return kId; }
  Status ValidInit(const channel::Params& params, const channel::State& initial) const override;
  Status ValidTransition(const channel::Params& params, const channel::State& from,
                         const channel::State& to, channel::ParticipantIndex actor) const override;
  // PayAction: the payer pays for more units; refused (with the units the
  // balance still pays for) beyond the payer's balance.
  Result<channel::State> ApplyAction(const channel::Params& params, const channel::State& from,
                                     channel::ParticipantIndex actor,
                                     ByteView action) const override;
};

}  // namespace parley::apps
