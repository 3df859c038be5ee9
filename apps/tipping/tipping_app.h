// Tipping: a fan tips a streamer over a channel the fan funds.
//
// Participants: the fan is participant 0 and deposits; the streamer is
// participant 1 (usually with a deposit of 0). One asset, nothing locked.
//
// app_data is the tip jar: the cumulative total tipped (32 bytes) and the
// last tip's message (u32 length, then at most kMaxTipMessageBytes of UTF-8
// that prints on one line; see tip_message.h). A new channel has tipped 0,
// with an empty message (InitialAppData()).
//
// Transitions: a tip, proposed by the fan only, raises the total and moves
// exactly that rise from the fan's balance to the streamer's; the total never
// goes down. Any other transition changes neither the jar nor the allocation
// and must be final: a cooperative close, which either side may propose. A
// tip may carry is_final too (a close batched after queued tips). Nothing
// follows a final state.
//
// Action: TipAction(amount, message), for the fan; a tip of 0, a message
// that CheckTipMessage refuses, or more than the fan's balance is refused
// with the reason.
#pragma once

#include <string>
#include <string_view>

#include "parley/channel/app.h"

namespace parley::apps {

// What a tipping state's app_data says.
struct TipJar {
  channel::Amount total;     // tipped so far in the channel
  std::string last_message;  // of the latest tip; empty before the first

  bool operator==(const TipJar&) const = default;
};

class TippingApp : public channel::App {
 public:
  static constexpr const char* kId = "tipping";
  static constexpr channel::ParticipantIndex kFan = 0;
  static constexpr channel::ParticipantIndex kStreamer = 1;

  // The bytes of a tip: the amount (32 bytes), then the message (u32 length,
  // bytes). Checked when the action is applied, not here.
  static Bytes TipAction(const channel::Amount& amount, std::string_view message);

  // app_data of a new channel: nothing tipped, no message.
  static Bytes InitialAppData();
  static Bytes Encode(const TipJar& jar);
  // The jar a state's app_data holds, for UIs. InvalidArgument with the
  // reason for bytes that are not a tip jar (including a bad message).
  static Result<TipJar> Decode(ByteView app_data);

  channel::AppId id() const override { return kId; }
  Status ValidInit(const channel::Params& params, const channel::State& initial) const override;
  Status ValidTransition(const channel::Params& params, const channel::State& from,
                         const channel::State& to, channel::ParticipantIndex actor) const override;
  Result<channel::State> ApplyAction(const channel::Params& params, const channel::State& from,
                                     channel::ParticipantIndex actor,
                                     ByteView action) const override;
};

}  // namespace parley::apps
