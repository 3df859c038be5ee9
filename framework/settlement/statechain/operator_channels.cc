#include "parley/settlement/statechain/operator_channels.h"

namespace parley::settlement::statechain {

namespace mp = crypto::multi_party;

Status OperatorChannels::Authenticate(const channel::ChannelId& channel, const Auth& auth,
                                      ByteView payload) {
  PARLEY_ASSIGN_OR_RETURN(channel::Params params, adjudicator_.ChannelParams(channel));
  return coins_.AuthenticateAny(params.participants, auth, payload);
}

Status OperatorChannels::OpenChannel(const OpenChannelRequest& request) {
  return adjudicator_.OpenChannel(coins_, request);
}

Result<std::vector<mp::PublicNonce>> OperatorChannels::SplitNonces(
    const SplitNoncesRequest& request) {
  PARLEY_RETURN_IF_ERROR(Authenticate(request.channel, request.auth, AuthPayload(request)));
  return adjudicator_.SplitNonces(request.channel, request.first_version, request.count);
}

Result<mp::PublicNonce> OperatorChannels::BackupNonce(const BackupNonceRequest& request) {
  PARLEY_RETURN_IF_ERROR(Authenticate(request.channel, request.auth, AuthPayload(request)));
  return adjudicator_.BackupNonce(request.channel);
}

Result<mp::PartialSignature> OperatorChannels::SignBackup(const SignBackupRequest& request) {
  // The participants' keys are the channel's own; the adjudicator checks
  // the request's params against them.
  PARLEY_RETURN_IF_ERROR(
      Authenticate(request.checkpoint.state.channel_id, request.auth, AuthPayload(request)));
  return adjudicator_.SignBackup(request.params, request.checkpoint, request.lock_time,
                                 request.nonces);
}

}  // namespace parley::settlement::statechain
