// RemoteOperatorAdjudicator: the statechain operator as the adjudicator of
// payment channels on its coins, in another process (parley-statechain,
// service parley.v1.StatechainChannel, proto/parley/v1/
// statechain_channel.proto), for one participant.
//
// The participant's state-signing key authenticates SplitNonces,
// BackupNonce and SignBackup over a fresh challenge of the operator;
// OpenChannel carries the coin owner's own authorization. Every call waits
// at most `call_timeout`; an unreachable operator is IoError naming its
// address. The operator's refusals keep their kind and message; a
// malformed answer is InvalidArgument naming the field. Subscribe streams
// the operator's events and, like RemoteSimLedger, subscribes again after
// the stream breaks (an operator restart) and reports the dispute it then
// finds, so nothing registered in between goes unseen.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "parley/crypto/keys.h"
#include "parley/settlement/statechain/channel_adjudicator.h"
#include "parley/settlement/statechain/channel_requests.h"

namespace parley::settlement::statechain {

class RemoteOperatorAdjudicator final : public ChannelAdjudicator {
 public:
  // `address` is HOST:PORT. Connects lazily: construction never fails.
  RemoteOperatorAdjudicator(const std::string& address, crypto::PrivateKey participant_key,
                            std::chrono::milliseconds call_timeout = std::chrono::seconds(10));
  ~RemoteOperatorAdjudicator() override;  // ends every subscription

  // A fresh challenge of the operator (for an OpenChannelRequest).
  Result<Hash32> NewChallenge();
  // OperatorChannels::OpenChannel: the coin goes into the channel.
  Status OpenChannel(const OpenChannelRequest& request);

  // ChannelAdjudicator, authenticated by this participant where needed.
  Result<std::vector<crypto::multi_party::PublicNonce>> SplitNonces(
      const channel::ChannelId& channel, uint64_t first_version, size_t count) override;
  Result<crypto::Transaction> CoSignSplit(const channel::Params& params,
                                          const crypto::Transaction& split,
                                          const SplitSignatures& signatures) override;
  Result<crypto::multi_party::PublicNonce> BackupNonce(const channel::ChannelId& channel) override;
  Result<crypto::multi_party::PartialSignature> SignBackup(
      const channel::Params& params, const channel::SignedState& checkpoint, uint32_t lock_time,
      const std::array<crypto::multi_party::PublicNonce, kChannelParticipants>& nonces) override;

  // Adjudicator. Progress is FailedPrecondition without a call (channels
  // on a statecoin have no force-moves).
  Status Register(const channel::Params& params, const channel::SignedState& state) override;
  Status Progress(const channel::Params& params, const channel::SignedState& to,
                  channel::ParticipantIndex actor) override;
  Status Conclude(const channel::Params& params) override;
  Status Withdraw(const channel::Params& params, channel::ParticipantIndex participant) override;
  Result<Dispute> GetDispute(const channel::ChannelId& channel) const override;
  // Returns once the operator holds the subscription (or after the call
  // timeout, retrying in the background). Events arrive on a thread of the
  // subscription's own.
  uint64_t Subscribe(const channel::ChannelId& channel, Handler handler) override;
  void Unsubscribe(uint64_t subscription) override;
  // The operator's Bitcoin height; the last one seen if it cannot be reached.
  Tick Now() const override;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::settlement::statechain
