// Funder and Adjudicator: the settlement layer as the node sees it
// (DESIGN.md §3). Every backend implements both, with the same semantics,
// and runs the same conformance suite (tests/conformance).
//
// Timeline of a dispute, in ledger ticks, with d = params.challenge_duration:
//   Register at t0 starts the dispute phase [t0, t0+d). A fully signed state
//   of a higher version replaces the registered one; the timeout stays.
//   Non-turn-based apps: Conclude from t0+d on.
//   Turn-based apps (App::SupportsForceMove): the progress phase follows, in
//   which the participant whose turn it is may Progress alone; each move
//   restarts the timeout (now+d). Conclude once a timeout d passes with no
//   move, or at once when the registered state is final.
// Then each participant Withdraws exactly its share of the concluded state.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "parley/channel/types.h"
#include "parley/settlement/events.h"
#include "parley/util/clock.h"
#include "parley/util/status.h"

namespace parley::settlement {

class Funder {
 public:
  virtual ~Funder() = default;

  // Moves `amount` of `asset` from this client's account into the channel,
  // credited to participant `participant`. InvalidArgument for an amount of
  // 0 or an asset name the backend does not accept; FailedPrecondition if the
  // account holds less, or the channel is already in dispute or concluded.
  virtual Status Deposit(const channel::Params& params, channel::ParticipantIndex participant,
                         const std::string& asset, const channel::Amount& amount) = 0;

  // What each participant has deposited into the channel so far (zeros for a
  // channel the ledger has not seen).
  virtual Result<std::vector<channel::Amount>> Deposits(const channel::Params& params,
                                                        const std::string& asset) const = 0;
};

// The ledger's view of a disputed channel.
struct Dispute {
  channel::SignedState state;  // registered or progressed
  Tick timeout = 0;            // end of the dispute phase, or of the last move's window
  bool progressing = false;    // a force-move happened
  bool concluded = false;

  bool operator==(const Dispute&) const = default;
};

class Adjudicator {
 public:
  virtual ~Adjudicator() = default;

  // Starts a dispute with a fully signed state, or refutes the registered one
  // with a higher version. PermissionDenied for a missing or bad signature,
  // FailedPrecondition for a version not above the registered one or once the
  // dispute phase is over.
  virtual Status Register(const channel::Params& params, const channel::SignedState& state) = 0;

  // Force-move: `to` follows the registered state, signed by `actor` alone,
  // and the app accepts it. Only in the progress phase of a turn-based app.
  virtual Status Progress(const channel::Params& params, const channel::SignedState& to,
                          channel::ParticipantIndex actor) = 0;

  // Fixes the outcome: the registered state's allocation when the channel was
  // fully funded, everyone's deposits back otherwise. FailedPrecondition with
  // the tick to wait for if the timeout has not passed.
  virtual Status Conclude(const channel::Params& params) = 0;

  // Pays participant `participant` its share of the outcome, to its account.
  // Anyone may call it; FailedPrecondition if not concluded or already paid.
  virtual Status Withdraw(const channel::Params& params, channel::ParticipantIndex participant) = 0;

  // Everything left to pay participant `self` its share of the channel whose
  // latest fully signed state is `latest`: registers it if nothing is
  // registered (a final state concludes at once), concludes once allowed,
  // and withdraws. The default makes these calls one by one and pays `self`
  // alone. A backend may need fewer and pay every participant at once
  // (EvmClient: one transaction); the others then see Withdrawn events for
  // their shares, and their own calls of this return Ok.
  virtual Status ConcludeAndWithdraw(const channel::Params& params,
                                     const channel::SignedState& latest,
                                     channel::ParticipantIndex self) {
    // Another participant may register or conclude between our reading and
    // our call: its success is as good as ours.
    auto dispute = GetDispute(latest.state.channel_id);
    if (!dispute.ok()) {
      Status registered = Register(params, latest);
      dispute = GetDispute(latest.state.channel_id);
      if (!dispute.ok()) return registered.ok() ? dispute.status() : registered;
    }
    if (!dispute->concluded) {
      Status concluded = Conclude(params);
      if (!concluded.ok()) {
        dispute = GetDispute(latest.state.channel_id);
        if (!dispute.ok() || !dispute->concluded) return concluded;
      }
    }
    return Withdraw(params, self);
  }

  // The dispute on the ledger, or NotFound. A channel concluded without a
  // dispute (EvmClient's one-transaction close) shows its final state,
  // concluded, with timeout 0.
  virtual Result<Dispute> GetDispute(const channel::ChannelId& channel) const = 0;

  // Calls `handler` for every later event of `channel`, on the thread that
  // caused it, after the ledger has released its locks. Keep handlers short:
  // queue the event and return.
  using Handler = std::function<void(const Event&)>;
  virtual uint64_t Subscribe(const channel::ChannelId& channel, Handler handler) = 0;
  virtual void Unsubscribe(uint64_t subscription) = 0;

  // The ledger's current tick.
  virtual Tick Now() const = 0;
};

}  // namespace parley::settlement
