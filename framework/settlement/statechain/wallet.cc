// The owner's wallet: deposit, two-party signing, withdrawal. Transfers are
// in wallet_transfer.cc.
#include "parley/settlement/statechain/wallet.h"

#include <string>
#include <utility>

#include "parley/crypto/two_party_schnorr.h"

namespace parley::settlement::statechain {

namespace two_party = crypto::two_party;

WalletKeys WalletKeys::Generate() {
  return {.auth_key = crypto::PrivateKey::Generate(), .backup_key = crypto::PrivateKey::Generate()};
}

Wallet::Wallet(OperatorApi& op, CoinLedger& ledger, WalletKeys keys, ReceiverPolicy policy)
    : op_(op),
      ledger_(ledger),
      policy_(policy),
      keys_(std::move(keys)),
      address_{.auth_key = keys_.auth_key.public_key(),
               .backup_key = keys_.backup_key.public_key()} {}

const OwnedCoin* Wallet::Find(const CoinId& coin_id) const {
  auto it = coins_.find(coin_id);
  return it == coins_.end() ? nullptr : &it->second;
}

void Wallet::Restore(OwnedCoin coin) {
  const CoinId coin_id = coin.coin_id;
  coins_.insert_or_assign(coin_id, std::move(coin));
}

void Wallet::Forget(const CoinId& coin_id) { coins_.erase(coin_id); }

Result<const OwnedCoin*> Wallet::Held(const CoinId& coin_id) const {
  const OwnedCoin* coin = Find(coin_id);
  if (coin == nullptr) {
    return Status::NotFound("this wallet holds no coin " + ToHex(coin_id));
  }
  if (coin->sent) {
    return Status::FailedPrecondition("coin " + ToHex(coin_id) +
                                      " has been sent to another wallet");
  }
  if (coin->channel_id) {
    const std::string channel = ToHex(*coin->channel_id);
    return Status::FailedPrecondition(
        "coin " + ToHex(coin_id) + " is in payment channel " + channel +
        ": the node it was handed to settles it (parley channel close " + channel +
        ", then parley channel withdraw " + channel +
        "), so this wallet signs nothing more for it");
  }
  return coin;
}

Result<OwnedCoin*> Wallet::Held(const CoinId& coin_id) {
  PARLEY_ASSIGN_OR_RETURN(const OwnedCoin* coin, std::as_const(*this).Held(coin_id));
  return const_cast<OwnedCoin*>(coin);
}

Result<Auth> Wallet::Authorization(ByteView payload) {
  PARLEY_ASSIGN_OR_RETURN(Hash32 challenge, op_.NewChallenge());
  return Authorize(keys_.auth_key, challenge, payload);
}

Result<DepositInfo> Wallet::BeginDeposit() {
  crypto::PrivateKey share = crypto::PrivateKey::Generate();
  DepositRequest request{.auth_key = keys_.auth_key.public_key(),
                         .owner_share = share.public_key(),
                         .share_proof = two_party::ProveShare(
                             share, DepositProofContext(keys_.auth_key.public_key()))};
  PARLEY_ASSIGN_OR_RETURN(request.auth, Authorization(AuthPayload(request)));
  PARLEY_ASSIGN_OR_RETURN(DepositResponse response, op_.DepositInit(request));
  Status proof = two_party::VerifyShareProof(
      response.operator_share, OperatorProofContext(response.coin_id, share.public_key()),
      response.share_proof);
  if (!proof.ok()) return proof.WithContext("do not fund this coin");
  PARLEY_ASSIGN_OR_RETURN(two_party::CoinKey key,
                          two_party::CoinKey::Create(share.public_key(), response.operator_share));
  if (response.lock_time <= ledger_.Height()) {
    return Status::FailedPrecondition("the operator's first lock time " +
                                      std::to_string(response.lock_time) +
                                      " is not above the current height: do not fund this coin");
  }
  coins_.insert_or_assign(response.coin_id, OwnedCoin{.coin_id = response.coin_id,
                                                      .owner_share = share,
                                                      .operator_share = response.operator_share,
                                                      .coin_key = key.internal_key(),
                                                      .lock_time = response.lock_time});
  return DepositInfo{.coin_id = response.coin_id,
                     .output_key = key.output_key(),
                     .script_pubkey = key.ScriptPubKey(),
                     .lock_time = response.lock_time};
}

Status Wallet::SignFirstBackup(const CoinId& coin_id, const crypto::OutPoint& outpoint,
                               int64_t amount_sats, int64_t backup_fee_sats) {
  PARLEY_ASSIGN_OR_RETURN(OwnedCoin * coin, Held(coin_id));
  if (coin->output) {
    return Status::FailedPrecondition("coin " + ToHex(coin_id) + " already has its first backup");
  }
  PARLEY_ASSIGN_OR_RETURN(two_party::CoinKey key,
                          two_party::CoinKey::FromInternalKey(coin->coin_key));
  const CoinOutput output{
      .outpoint = outpoint, .amount_sats = amount_sats, .output_key = key.output_key()};
  PARLEY_ASSIGN_OR_RETURN(
      crypto::Transaction backup,
      BuildBackup(output, address_.backup_key, backup_fee_sats, coin->lock_time));
  PARLEY_ASSIGN_OR_RETURN(Hash32 sighash, SpendSighash(backup, output));
  PARLEY_ASSIGN_OR_RETURN(crypto::Signature signature, CoSign(*coin, sighash));
  AttachSignature(&backup, signature);
  coin->output = output;
  coin->backups.push_back(std::move(backup));
  return Status::Ok();
}

Result<crypto::Signature> Wallet::CoSign(const CoinId& coin_id, const Hash32& message) {
  PARLEY_ASSIGN_OR_RETURN(OwnedCoin * coin, Held(coin_id));
  return CoSign(*coin, message);
}

Result<crypto::Signature> Wallet::CoSign(OwnedCoin& coin, const Hash32& message) {
  NonceRequest nonce_request{.coin_id = coin.coin_id};
  PARLEY_ASSIGN_OR_RETURN(nonce_request.auth, Authorization(AuthPayload(nonce_request)));
  PARLEY_ASSIGN_OR_RETURN(NonceResponse operator_nonce, op_.NonceCommit(nonce_request));

  Bytes extra(coin.coin_id.begin(), coin.coin_id.end());
  extra.insert(extra.end(), message.begin(), message.end());
  PARLEY_ASSIGN_OR_RETURN(two_party::GeneratedNonce nonce,
                          two_party::NonceGen(coin.owner_share, extra));
  const two_party::Session session{.owner_share = coin.owner_share.public_key(),
                                   .operator_share = coin.operator_share,
                                   .owner_nonce = nonce.public_nonce,
                                   .operator_nonce = operator_nonce.nonce,
                                   .message = message};
  SignRequest sign_request{.coin_id = coin.coin_id,
                           .nonce_id = operator_nonce.nonce_id,
                           .owner_nonce = nonce.public_nonce,
                           .message = message};
  PARLEY_ASSIGN_OR_RETURN(sign_request.auth, Authorization(AuthPayload(sign_request)));
  PARLEY_ASSIGN_OR_RETURN(two_party::PartialSignature operator_partial,
                          op_.PartialSign(sign_request));
  PARLEY_RETURN_IF_ERROR(
      two_party::PartialSigVerify(operator_partial, session, two_party::Party::kOperator));
  PARLEY_ASSIGN_OR_RETURN(
      two_party::PartialSignature owner_partial,
      two_party::Sign(nonce.secret, coin.owner_share, session, two_party::Party::kOwner));
  return two_party::Aggregate(owner_partial, operator_partial, session);
}

Result<crypto::Transaction> Wallet::Withdraw(const CoinId& coin_id, ByteView script_pubkey,
                                             int64_t fee_sats) {
  PARLEY_ASSIGN_OR_RETURN(OwnedCoin * coin, Held(coin_id));
  if (!coin->output) {
    return Status::FailedPrecondition("coin " + ToHex(coin_id) + " was never funded");
  }
  if (!coin->withdrawal) {
    PARLEY_ASSIGN_OR_RETURN(crypto::Transaction tx,
                            BuildWithdrawal(*coin->output, script_pubkey, fee_sats));
    PARLEY_ASSIGN_OR_RETURN(Hash32 sighash, SpendSighash(tx, *coin->output));
    PARLEY_ASSIGN_OR_RETURN(crypto::Signature signature, CoSign(*coin, sighash));
    AttachSignature(&tx, signature);
    coin->withdrawal = std::move(tx);
  }
  const Status broadcast = ledger_.Broadcast(*coin->withdrawal);
  // A retry after the operator call failed finds the coin already spent by
  // this very withdrawal; only an unspent coin means the broadcast failed.
  if (!broadcast.ok() && ledger_.UnspentOutput(coin->output->outpoint).ok()) {
    return broadcast.WithContext(
        "the signed withdrawal was not accepted; retry Withdraw to broadcast it again");
  }
  WithdrawRequest request{.coin_id = coin_id};
  PARLEY_ASSIGN_OR_RETURN(request.auth, Authorization(AuthPayload(request)));
  PARLEY_RETURN_IF_ERROR(op_.Withdraw(request));
  crypto::Transaction withdrawal = std::move(*coin->withdrawal);
  coins_.erase(coin_id);
  return withdrawal;
}

Result<crypto::Transaction> Wallet::LatestBackup(const CoinId& coin_id) const {
  const OwnedCoin* coin = Find(coin_id);
  if (coin == nullptr || coin->backups.empty()) {
    return Status::NotFound("this wallet holds no backup of coin " + ToHex(coin_id));
  }
  return coin->backups.back();
}

Result<OwnerHandOver> Wallet::ForChannel(const CoinId& coin_id) const {
  PARLEY_ASSIGN_OR_RETURN(const OwnedCoin* coin, Held(coin_id));
  if (!coin->output || coin->backups.empty()) {
    return Status::FailedPrecondition("coin " + ToHex(coin_id) +
                                      " has no backup yet: finish the deposit first");
  }
  if (coin->withdrawal) {
    return Status::FailedPrecondition("coin " + ToHex(coin_id) +
                                      " is being withdrawn: run the withdrawal again to finish it");
  }
  return OwnerHandOver{.coin_id = coin_id,
                       .owner_share = coin->owner_share,
                       .auth_key = keys_.auth_key,
                       .output = *coin->output,
                       .operator_share = coin->operator_share,
                       .lock_time = coin->lock_time};
}

Status Wallet::MarkInChannel(const CoinId& coin_id, const Hash32& channel_id) {
  const OwnedCoin* found = Find(coin_id);
  if (found != nullptr && found->channel_id == channel_id) return Status::Ok();
  PARLEY_RETURN_IF_ERROR(ForChannel(coin_id).status());
  coins_.at(coin_id).channel_id = channel_id;
  return Status::Ok();
}

}  // namespace parley::settlement::statechain
