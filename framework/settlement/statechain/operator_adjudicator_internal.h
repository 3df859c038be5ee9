// The operator's record of one channel on a coin, shared by the
// OperatorAdjudicator's source files.
#pragma once

#include <map>
#include <optional>

#include "parley/crypto/two_party_schnorr.h"
#include "parley/settlement/statechain/operator_adjudicator.h"

namespace parley::settlement::statechain {

struct OperatorAdjudicator::Record {
  channel::Params params;
  ChannelCoin coin;
  crypto::PrivateKey operator_share;
  // The pre-committed nonce of each version's settlement split. Once
  // concluded, only the concluded version's is kept.
  std::map<uint64_t, crypto::two_party::GeneratedNonce> split_nonces;
  std::optional<crypto::two_party::GeneratedNonce> backup_nonce;
  // The last backup's lock time (the coin's until the first backup) and the
  // version it settles.
  uint32_t backup_lock_time = 0;
  std::optional<uint64_t> checkpoint_version;
  std::optional<Dispute> dispute;
  bool paid = false;  // the split is broadcast
};

}  // namespace parley::settlement::statechain
