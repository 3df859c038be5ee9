// ForwardingAdjudicator: an Adjudicator that passes every call on to
// another. A subclass overrides only what it changes (a Withdraw that first
// has a statechain operator complete the settlement split, say); the
// default ConcludeAndWithdraw then runs through the override. `Interface`
// may extend Adjudicator (statechain::ChannelAdjudicator, say): its own
// calls are then the subclass's to pass on, through inner().
#pragma once

#include <utility>

#include "parley/settlement/adjudicator.h"

namespace parley::settlement {

template <typename Interface = Adjudicator>
class ForwardingAdjudicator : public Interface {
 public:
  // `inner` outlives this.
  explicit ForwardingAdjudicator(Interface& inner) : inner_(inner) {}

  Status Register(const channel::Params& params, const channel::SignedState& state) override {
    return inner_.Register(params, state);
  }
  Status Progress(const channel::Params& params, const channel::SignedState& to,
                  channel::ParticipantIndex actor) override {
    return inner_.Progress(params, to, actor);
  }
  Status Conclude(const channel::Params& params) override { return inner_.Conclude(params); }
  Status Withdraw(const channel::Params& params, channel::ParticipantIndex participant) override {
    return inner_.Withdraw(params, participant);
  }
  Result<Dispute> GetDispute(const channel::ChannelId& channel) const override {
    return inner_.GetDispute(channel);
  }
  uint64_t Subscribe(const channel::ChannelId& channel, Adjudicator::Handler handler) override {
    return inner_.Subscribe(channel, std::move(handler));
  }
  void Unsubscribe(uint64_t subscription) override { inner_.Unsubscribe(subscription); }
  Tick Now() const override { return inner_.Now(); }

 protected:
  Interface& inner() const { return inner_; }

 private:
  Interface& inner_;
};

}  // namespace parley::settlement
