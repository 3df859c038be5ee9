// OperatorChannels: the operator's channel calls as a client asks them
// across processes (rpc/statechain_channel_service.h serves them). It
// authenticates the requests that need it and hands them to the
// OperatorAdjudicator:
//   - OpenChannel, by the coin's current owner (Operator::MoveIntoChannel);
//   - SplitNonces, BackupNonce and SignBackup, by either of the channel's
//     participants: each makes the operator store a secret nonce, and
//     BackupNonce replaces the pending one and SignBackup lowers the lock
//     time every later dispute must end before, so a stranger could fill
//     the store or hold up the channel's checkpoints and disputes.
// The other calls need no authentication and go to the adjudicator
// directly: Register carries a fully signed state, CoSignSplit Alice's and
// Bob's partial signatures on the one split the operator will sign,
// Conclude and Withdraw change only what the dispute's timeout decides,
// and the reads are public, as on a chain.
#pragma once

#include <vector>

#include "parley/settlement/statechain/channel_requests.h"
#include "parley/settlement/statechain/operator.h"
#include "parley/settlement/statechain/operator_adjudicator.h"

namespace parley::settlement::statechain {

class OperatorChannels {
 public:
  // `coins` and `adjudicator` share one store and must outlive this.
  OperatorChannels(Operator& coins, OperatorAdjudicator& adjudicator)
      : coins_(coins), adjudicator_(adjudicator) {}

  // OperatorAdjudicator::OpenChannel(coins, request).
  Status OpenChannel(const OpenChannelRequest& request);
  // The adjudicator's calls after a participant's authentication, which is
  // PermissionDenied for a bad or spent challenge or a signature by anyone
  // else; NotFound for an unknown channel.
  Result<std::vector<crypto::multi_party::PublicNonce>> SplitNonces(
      const SplitNoncesRequest& request);
  Result<crypto::multi_party::PublicNonce> BackupNonce(const BackupNonceRequest& request);
  Result<crypto::multi_party::PartialSignature> SignBackup(const SignBackupRequest& request);

  Operator& coins() { return coins_; }
  OperatorAdjudicator& adjudicator() { return adjudicator_; }

 private:
  // Spends the challenge if `auth` is a participant's of the channel over
  // `payload`.
  Status Authenticate(const channel::ChannelId& channel, const Auth& auth, ByteView payload);

  Operator& coins_;
  OperatorAdjudicator& adjudicator_;
};

}  // namespace parley::settlement::statechain
