// LogPoller: delivers the Adjudicator's events to subscribers by reading the
// chain's logs on a thread of its own (evm_client.h says what subscribers
// can expect).
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "parley/settlement/adjudicator.h"
#include "parley/settlement/evm/eth_client.h"
#include "parley/store/store.h"

namespace parley::settlement::evm {

// The Event a log of the Adjudicator stands for; nullopt for a log of
// another kind. InvalidArgument for a log that does not decode.
Result<std::optional<Event>> DecodeEvent(const Log& log);

// The topic of each event a dispute is read back from, and the state and
// signatures such a log carries.
Hash32 RegisteredTopic();
Hash32 ProgressedTopic();
Result<channel::SignedState> DisputedStateOf(const Log& log);

class LogPoller {
 public:
  // With a `cursor_store`, the newest block whose events were delivered is
  // kept there, and after a restart subscriptions start from the block after
  // it rather than from the next one: events that came while the process was
  // down are delivered too.
  LogPoller(const EthClient& chain, const crypto::EthAddress& contract, uint64_t confirmations,
            std::chrono::milliseconds interval, store::Store* cursor_store);
  ~LogPoller();  // stops the thread

  // Events of `channel` from the next block on.
  uint64_t Subscribe(const channel::ChannelId& channel, Adjudicator::Handler handler);
  // Once it returns, the handler is not running and will not be called
  // (unless a handler unsubscribes itself, from within its own call).
  void Unsubscribe(uint64_t subscription);

 private:
  struct Subscription {
    channel::ChannelId channel;
    uint64_t from_block;
    Adjudicator::Handler handler;
  };

  void Run();
  Status PollOnce();
  // Rewinds next_block_ to the newest scanned block still on the chain.
  Status RewindPastReorg();

  const EthClient& chain_;
  crypto::EthAddress contract_;
  uint64_t confirmations_;
  std::chrono::milliseconds interval_;
  store::Store* cursor_store_;
  std::string cursor_key_;
  std::optional<uint64_t> resume_from_;  // from the cursor store

  std::mutex mutex_;  // guards what follows
  std::condition_variable wake_;
  std::map<uint64_t, Subscription> subscriptions_;
  uint64_t next_subscription_ = 1;
  bool stop_ = false;
  uint64_t next_block_ = 0;  // the first block not scanned yet
  // (number, hash) of scanned blocks, oldest first, to notice reorgs.
  std::deque<std::pair<uint64_t, Hash32>> scanned_;

  std::mutex delivering_;  // held while handlers run
  std::thread thread_;
};

}  // namespace parley::settlement::evm
