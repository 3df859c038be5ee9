// The wallet's side of a transfer: sending (TransferTo) and receiving.
#include <string>
#include <utility>

#include "parley/crypto/key_arithmetic.h"
#include "parley/crypto/two_party_schnorr.h"
#include "parley/settlement/statechain/wallet.h"

namespace parley::settlement::statechain {

namespace two_party = crypto::two_party;

Result<Bytes> Wallet::TransferTo(const CoinId& coin_id, const Address& receiver,
                                 int64_t backup_fee_sats) {
  PARLEY_ASSIGN_OR_RETURN(OwnedCoin * coin, Held(coin_id));
  if (!coin->output || coin->backups.empty()) {
    return Status::FailedPrecondition("coin " + ToHex(coin_id) +
                                      " has no backup yet: finish the deposit first");
  }
  TransferInitRequest request{.coin_id = coin_id, .receiver_auth_key = receiver.auth_key};
  PARLEY_ASSIGN_OR_RETURN(request.auth, Authorization(AuthPayload(request)));
  PARLEY_ASSIGN_OR_RETURN(TransferInitResponse init, op_.TransferSenderInit(request));
  if (static_cast<int64_t>(init.next_lock_time) !=
      static_cast<int64_t>(coin->lock_time) - policy_.protocol.interval) {
    return Status::FailedPrecondition(
        "the operator's next lock time " + std::to_string(init.next_lock_time) +
        " is not this wallet's lock time " + std::to_string(coin->lock_time) +
        " minus the interval " + std::to_string(policy_.protocol.interval) +
        ": the two disagree on the protocol options");
  }

  PARLEY_ASSIGN_OR_RETURN(
      crypto::Transaction backup,
      BuildBackup(*coin->output, receiver.backup_key, backup_fee_sats, init.next_lock_time));
  PARLEY_ASSIGN_OR_RETURN(Hash32 sighash, SpendSighash(backup, *coin->output));
  PARLEY_ASSIGN_OR_RETURN(crypto::Signature signature, CoSign(*coin, sighash));
  AttachSignature(&backup, signature);

  PARLEY_ASSIGN_OR_RETURN(crypto::PrivateKey t1,
                          crypto::AddPrivateKeys(coin->owner_share, init.x1));
  TransferMessage message{.coin_id = coin_id,
                          .receiver = receiver,
                          .t1 = t1,
                          .sender_share = coin->owner_share.public_key(),
                          .outpoint = coin->output->outpoint,
                          .amount_sats = coin->output->amount_sats,
                          .backups = coin->backups};
  message.backups.push_back(std::move(backup));
  PARLEY_ASSIGN_OR_RETURN(Bytes sealed, SealTransferMessage(message, receiver.auth_key));
  coin->sent = true;
  return sealed;
}

Result<CoinId> Wallet::Receive(ByteView sealed_message) {
  PARLEY_ASSIGN_OR_RETURN(TransferMessage message,
                          OpenTransferMessage(keys_.auth_key, sealed_message));
  PARLEY_ASSIGN_OR_RETURN(CoinInfo coin, op_.GetCoinInfo(message.coin_id));
  TransferEvidence evidence{.coin = std::move(coin), .height = ledger_.Height()};
  Result<crypto::TxOut> output = ledger_.UnspentOutput(message.outpoint);
  if (output.ok()) {
    evidence.ledger_output = *output;
  } else if (output.status().code() != StatusCode::kNotFound) {
    return output.status().WithContext("cannot check the coin on the ledger");
  }
  PARLEY_RETURN_IF_ERROR(VerifyTransfer(message, address_, evidence, policy_));

  // o2 fresh; t2 = t1 - o2 lets the operator move to s2 = s1 + o1 - o2.
  crypto::PrivateKey share = crypto::PrivateKey::Generate();
  PARLEY_ASSIGN_OR_RETURN(crypto::PrivateKey t2, crypto::SubtractPrivateKeys(message.t1, share));
  TransferFinalizeRequest request{
      .coin_id = message.coin_id, .t2 = t2, .new_owner_share = share.public_key()};
  PARLEY_ASSIGN_OR_RETURN(request.auth, Authorization(AuthPayload(request)));
  PARLEY_ASSIGN_OR_RETURN(TransferFinalizeResponse response, op_.TransferReceiverFinalize(request));
  Result<crypto::PublicKey> key =
      crypto::AddPublicKeys(share.public_key(), response.operator_share);
  if (!key.ok() || !(*key == evidence.coin.coin_key)) {
    return Status::Internal(
        "the operator's new share S2 and this wallet's O2 do not add up to the "
        "coin key: the operator misbehaved; keep the backup and report it");
  }

  const CoinOutput coin_output{
      .outpoint = message.outpoint,
      .amount_sats = message.amount_sats,
      .output_key = two_party::CoinKey::FromInternalKey(*key).value().output_key()};
  const uint32_t lock_time = message.backups.back().lock_time;
  coins_.insert_or_assign(message.coin_id, OwnedCoin{.coin_id = message.coin_id,
                                                     .owner_share = share,
                                                     .operator_share = response.operator_share,
                                                     .coin_key = *key,
                                                     .lock_time = lock_time,
                                                     .output = coin_output,
                                                     .backups = std::move(message.backups)});
  return message.coin_id;
}

}  // namespace parley::settlement::statechain
