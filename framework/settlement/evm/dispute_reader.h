// DisputeReader: a channel's dispute read back from the chain (docs/evm.md).
// The Adjudicator stores only a dispute's fingerprint; the state it stands
// for is in the newest Registered or Progressed event that carries its hash,
// or, for a channel closed by concludeFinal, in that call's calldata.
//
// Logs are read from the block where the channel's dispute began, once a
// lookup has found it, and from the Adjudicator's deployment block before:
// never from the chain's first block. Thread-safe.
#pragma once

#include <map>
#include <mutex>

#include "parley/settlement/adjudicator.h"
#include "parley/settlement/evm/eth_client.h"
#include "parley/settlement/evm/evm_scheme.h"

namespace parley::settlement::evm {

// The Adjudicator's Dispute struct as stored, dispute(bytes32).
struct DisputeSlot {
  Hash32 state_hash{};  // 0 when nothing is registered, and after concludeFinal
  uint64_t version = 0;
  uint64_t timeout = 0;  // 0 when nothing is registered
  bool progressing = false;
  bool concluded = false;
  uint16_t withdrawn = 0;  // bit i: participant i has been paid

  bool registered() const { return timeout != 0; }
  bool paid(channel::ParticipantIndex participant) const {
    return (withdrawn >> participant & 1) != 0;
  }
};

class DisputeReader {
 public:
  // `chain` and `scheme` must outlive the reader. No log scan starts before
  // `deployment_block`.
  DisputeReader(const EthClient& chain, const crypto::EthAddress& adjudicator,
                const EvmScheme& scheme, uint64_t deployment_block);

  Result<DisputeSlot> Slot(const channel::ChannelId& channel) const;
  // The dispute with its state; NotFound if nothing is registered and the
  // channel is not concluded.
  Result<Dispute> Read(const channel::ChannelId& channel) const;

  // The first block the next lookup of `channel` reads logs from.
  uint64_t ScanStart(const channel::ChannelId& channel) const;

 private:
  // The channel's Registered and Progressed logs from `from` on.
  Result<std::vector<Log>> DisputeLogs(const channel::ChannelId& channel, uint64_t from) const;
  // The signed state whose hash is `state_hash`, from the channel's newest
  // Registered or Progressed event that carries it.
  Result<channel::SignedState> RegisteredState(const channel::ChannelId& channel,
                                               const Hash32& state_hash) const;
  // The final state of a channel concluded by concludeFinal, from the
  // calldata of the transaction that emitted its Concluded event.
  Result<channel::SignedState> ConcludedFinalState(const channel::ChannelId& channel) const;

  const EthClient& chain_;
  crypto::EthAddress adjudicator_;
  const EvmScheme& scheme_;
  uint64_t deployment_block_;
  mutable std::mutex mutex_;
  // Per channel, the block of the first Registered event of its dispute.
  mutable std::map<channel::ChannelId, uint64_t> dispute_start_;
};

}  // namespace parley::settlement::evm
