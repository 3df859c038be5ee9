// The channel requests of the statechain operator (channel_requests.h) as
// the messages of proto/parley/v1/statechain_channel.proto, both ways. The
// service (rpc/statechain_channel_service.h) and RemoteOperatorAdjudicator
// share it.
//
// Every FromProto checks every field: a missing message, a field of the
// wrong size or count, an invalid key or a bad encoding is InvalidArgument
// naming the field, so a malformed request never reaches the operator.
#pragma once

#include <span>
#include <vector>

#include "parley/crypto/bitcoin_tx.h"
#include "parley/settlement/adjudicator.h"
#include "parley/settlement/events.h"
#include "parley/settlement/statechain/channel_requests.h"
#include "parley/util/status.h"
#include "parley/v1/statechain_channel.pb.h"

namespace parley::settlement::statechain {

// CoSignSplit's arguments.
struct CoSignSplitRequest {
  channel::Params params;
  crypto::Transaction split;
  SplitSignatures signatures;
};

v1::CoinChannelOpenRequest ToProto(const OpenChannelRequest& request);
v1::CoinChannelSplitNoncesRequest ToProto(const SplitNoncesRequest& request);
v1::CoinChannelBackupNonceRequest ToProto(const BackupNonceRequest& request);
v1::CoinChannelSignBackupRequest ToProto(const SignBackupRequest& request);
v1::CoinChannelCoSignSplitRequest ToProto(const CoSignSplitRequest& request);
v1::CoinChannelNoncesReply ToProto(std::span<const crypto::multi_party::PublicNonce> nonces);

Result<OpenChannelRequest> FromProto(const v1::CoinChannelOpenRequest& request);
Result<SplitNoncesRequest> FromProto(const v1::CoinChannelSplitNoncesRequest& request);
Result<BackupNonceRequest> FromProto(const v1::CoinChannelBackupNonceRequest& request);
Result<SignBackupRequest> FromProto(const v1::CoinChannelSignBackupRequest& request);
Result<CoSignSplitRequest> FromProto(const v1::CoinChannelCoSignSplitRequest& request);
Result<std::vector<crypto::multi_party::PublicNonce>> FromProto(
    const v1::CoinChannelNoncesReply& reply);
// The dispute calls' answers are the devchain's messages (ledger.proto),
// converted by settlement/remote_events.h.

}  // namespace parley::settlement::statechain
