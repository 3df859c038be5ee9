// OperatorAdjudicator: opening a channel, on a coin whose share the caller
// holds or on a coin of this process's Operator.
#include <string>
#include <utility>

#include "channel_records.h"
#include "parley/crypto/key_arithmetic.h"
#include "parley/crypto/two_party_schnorr.h"
#include "parley/settlement/statechain/operator.h"
#include "parley/settlement/statechain/operator_adjudicator.h"

namespace parley::settlement::statechain {

namespace mp = crypto::multi_party;

Status OperatorAdjudicator::AddChannel(const channel::Params& params, const ChannelOpening& opening,
                                       const crypto::PrivateKey& share,
                                       std::optional<Hash32> coin_id, store::WriteBatch* batch) {
  PARLEY_RETURN_IF_ERROR(channel::ValidateParams(params));
  if (params.participants.size() != kChannelParticipants || params.backend != scheme_.name()) {
    return Status::InvalidArgument("a channel on a statecoin has two participants and backend '" +
                                   std::string(scheme_.name()) + "'");
  }
  const ChannelCoin& coin = opening.coin;
  if (!(coin.shares[kOperatorSigner] == share.public_key())) {
    return Status::InvalidArgument("the coin's third share is not this operator's share");
  }
  for (const Bytes& script : coin.payout_scripts) {
    if (script.empty()) return Status::InvalidArgument("a participant's payout script is empty");
  }
  PARLEY_RETURN_IF_ERROR(mp::VerifySplit(opening.owner_share, coin.shares[0], coin.shares[1]));
  const channel::ChannelId id = scheme_.ComputeChannelId(params);
  for (size_t i = 0; i < kChannelParticipants; ++i) {
    PARLEY_RETURN_IF_ERROR(
        crypto::two_party::VerifyShareProof(coin.shares[i], id, opening.share_proofs[i])
            .WithContext("participant " + std::to_string(i) + "'s share"));
  }
  PARLEY_ASSIGN_OR_RETURN(mp::CoinKey key, mp::KeyOf(coin.shares));
  if (key.output_key() != coin.coin.output_key) {
    return Status::PermissionDenied("A + B + S is not the coin's key " +
                                    ToHex(coin.coin.output_key));
  }
  Result<ChannelRecord> existing = LoadChannel(store_, id);
  if (existing.ok()) {
    return Status::AlreadyExists("channel " + ToHex(id) + " is already open on a coin");
  }
  if (existing.status().code() != StatusCode::kNotFound) return existing.status();
  const ChannelRecord record{.params = params,
                             .coin = coin,
                             .backup_lock_time = opening.coin_lock_time,
                             .coin_id = coin_id};
  batch->Put(ChannelShareKey(id), EncodeSecret(share));
  batch->Put(ChannelKey(id), Encode(record));
  return Status::Ok();
}

Status OperatorAdjudicator::OpenChannel(const channel::Params& params,
                                        const ChannelOpening& opening,
                                        const crypto::PrivateKey& operator_share) {
  std::lock_guard lock(mu_);
  store::WriteBatch batch;
  PARLEY_RETURN_IF_ERROR(AddChannel(params, opening, operator_share, std::nullopt, &batch));
  return store_.Write(batch);
}

Status OperatorAdjudicator::OpenChannel(Operator& coins, const OpenChannelRequest& request) {
  // Lock order: this adjudicator, then the operator (which calls back in).
  std::lock_guard lock(mu_);
  const ChannelOpening& opening = request.opening;
  const channel::ChannelId id = scheme_.ComputeChannelId(request.params);
  auto hand_over = [&](const CoinHandOver& coin, store::WriteBatch* batch) -> Status {
    PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey owner_share,
                            crypto::SubtractPublicKeys(coin.coin_key, coin.share.public_key()));
    if (!(opening.owner_share == owner_share)) {
      return Status::PermissionDenied("the opening's owner share " + opening.owner_share.ToHex() +
                                      " is not the coin's, " + owner_share.ToHex());
    }
    if (opening.coin_lock_time != coin.lock_time) {
      return Status::InvalidArgument(
          "the opening's coin lock time " + std::to_string(opening.coin_lock_time) +
          " is not the coin's backup lock time " + std::to_string(coin.lock_time));
    }
    // The splits spend this output: it must be the coin's, unspent.
    Result<crypto::TxOut> utxo = ledger_.UnspentOutput(opening.coin.coin.outpoint);
    if (!utxo.ok() || utxo->amount_sats != opening.coin.coin.amount_sats ||
        utxo->script_pubkey != opening.coin.coin.AsTxOut().script_pubkey) {
      return Status::InvalidArgument(
          "the opening's outpoint is not an unspent output of " +
          std::to_string(opening.coin.coin.amount_sats) +
          " sats to the coin's key: check the funding transaction" +
          (utxo.ok() ? std::string() : " (" + utxo.status().message() + ")"));
    }
    return AddChannel(request.params, opening, coin.share, request.coin_id, batch);
  };
  return coins.MoveIntoChannel(request.coin_id, id, request.auth, AuthPayload(request), hand_over);
}

Result<channel::Params> OperatorAdjudicator::ChannelParams(
    const channel::ChannelId& channel) const {
  std::lock_guard lock(mu_);
  PARLEY_ASSIGN_OR_RETURN(ChannelRecord record, LoadChannel(store_, channel));
  return record.params;
}

}  // namespace parley::settlement::statechain
