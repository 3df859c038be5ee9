// The operator's side of opening a channel on a coin: the coin moves into
// CoinStatus::kInChannel and its share to the channel's records, in one
// batch; and the authentication of a channel's participants.
#include <string>

#include "challenge_book.h"
#include "operator_internal.h"
#include "parley/settlement/statechain/operator.h"

namespace parley::settlement::statechain {

Status Operator::MoveIntoChannel(const CoinId& coin_id, const Hash32& channel_id, const Auth& auth,
                                 ByteView payload, const ChannelHandOver& hand_over) {
  std::lock_guard lock(mu_);
  PARLEY_ASSIGN_OR_RETURN(CoinRecord coin, LoadActiveCoin(store_, coin_id));
  PARLEY_RETURN_IF_ERROR(Authenticate(coin.auth_key, auth, payload));
  PARLEY_ASSIGN_OR_RETURN(crypto::PrivateKey share, LoadShare(store_, coin_id));

  store::WriteBatch batch;
  PARLEY_RETURN_IF_ERROR(
      hand_over({.coin_key = coin.coin_key, .share = share, .lock_time = coin.lock_time}, &batch)
          .WithContext("opening a channel on coin " + ToHex(coin_id)));
  coin.status = CoinStatus::kInChannel;
  coin.channel_id = channel_id;
  batch.Put(CoinRecordKey(coin_id), Encode(coin));
  // The share now lives in the channel's records only; a pending transfer
  // and the owner's unused nonces could sign nothing any more.
  batch.Delete(ShareKey(coin_id));
  batch.Delete(TransferKey(coin_id));
  PARLEY_RETURN_IF_ERROR(DeleteNonces(store_, coin_id, &batch));
  return store_.Write(batch);
}

Status Operator::AuthenticateAny(std::span<const crypto::PublicKey> keys, const Auth& auth,
                                 ByteView payload) {
  std::lock_guard lock(mu_);
  PARLEY_RETURN_IF_ERROR(challenges_->CheckLive(auth.challenge, Now()));
  for (const crypto::PublicKey& key : keys) {
    if (AuthorizationValid(key, auth, payload)) {
      challenges_->Spend(auth.challenge);
      return Status::Ok();
    }
  }
  return Status::PermissionDenied(
      "the request's signature does not verify under any participant's key of the channel: only "
      "the channel's participants may ask");
}

}  // namespace parley::settlement::statechain
