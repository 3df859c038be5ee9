// The payment app: a bidirectional payment channel.
//
// app_data is empty. In a transition proposed by `actor`, only the actor's
// balances may go down (nobody can take money from the other side), locked
// amounts stay as they are, and totals are conserved.
//
// Action "pay": the actor moves `amount` of asset `asset` to `to`.
#pragma once

#include "parley/channel/app.h"

namespace parley::apps {

class PaymentApp : public channel::App {
 public:
  static constexpr const char* kId = "payment";

  // The bytes of a pay action: asset index (u32), amount (32 bytes), to (u32).
  static Bytes PayAction(const channel::Amount& amount, channel::ParticipantIndex to,
                         uint32_t asset = 0);

  channel::AppId id() const override { return kId; }
  Status ValidInit(const channel::Params& params, const channel::State& initial) const override;
  Status ValidTransition(const channel::Params& params, const channel::State& from,
                         const channel::State& to, channel::ParticipantIndex actor) const override;
  Result<channel::State> ApplyAction(const channel::Params& params, const channel::State& from,
                                     channel::ParticipantIndex actor,
                                     ByteView action) const override;
};

}  // namespace parley::apps
