// ChannelAdjudicator: settlement::Adjudicator of a payment channel on a
// statecoin, with the calls such a channel needs besides the dispute rules
// (docs/statechain.md, "Channels on a statecoin"). OperatorAdjudicator
// implements it in the operator's process, RemoteOperatorAdjudicator over
// gRPC for one participant; the contracts are OperatorAdjudicator's
// (operator_adjudicator.h).
#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include "parley/channel/types.h"
#include "parley/crypto/bitcoin_tx.h"
#include "parley/crypto/multi_party_schnorr.h"
#include "parley/settlement/adjudicator.h"
#include "parley/settlement/statechain/channel_split.h"

namespace parley::settlement::statechain {

class ChannelAdjudicator : public Adjudicator {
 public:
  // The operator's public nonces for the settlement splits of versions
  // first_version .. first_version + count - 1.
  virtual Result<std::vector<crypto::multi_party::PublicNonce>> SplitNonces(
      const channel::ChannelId& channel, uint64_t first_version, size_t count) = 0;
  // After conclusion: the operator completes and broadcasts the concluded
  // state's split with Alice's and Bob's partial signatures.
  virtual Result<crypto::Transaction> CoSignSplit(const channel::Params& params,
                                                  const crypto::Transaction& split,
                                                  const SplitSignatures& signatures) = 0;
  // A fresh operator nonce for the next backup.
  virtual Result<crypto::multi_party::PublicNonce> BackupNonce(
      const channel::ChannelId& channel) = 0;
  // The operator's partial signature on a checkpoint's backup split.
  virtual Result<crypto::multi_party::PartialSignature> SignBackup(
      const channel::Params& params, const channel::SignedState& checkpoint, uint32_t lock_time,
      const std::array<crypto::multi_party::PublicNonce, kChannelParticipants>& nonces) = 0;
};

}  // namespace parley::settlement::statechain
