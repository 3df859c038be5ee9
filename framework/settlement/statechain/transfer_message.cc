// The transfer message's encoding and sealing.
#include "parley/settlement/statechain/transfer_message.h"

#include <string>

#include "parley/crypto/ecies.h"
#include "parley/crypto/secure_erase.h"
#include "parley/util/codec.h"

namespace parley::settlement::statechain {
namespace {

constexpr std::string_view kSealContext = "Parley/statechain/transfer-message/v1";
// Generous for a one-input, one-output transaction.
constexpr size_t kMaxBackupSize = 100'000;

Result<crypto::PublicKey> ReadKey(Reader& r, const char* field) {
  crypto::PublicKey::Encoded bytes;
  PARLEY_RETURN_IF_ERROR(r.Fixed(&bytes));
  Result<crypto::PublicKey> key = crypto::PublicKey::FromBytes(bytes);
  if (!key.ok()) return key.status().WithContext(std::string("transfer message: ") + field);
  return key;
}

}  // namespace

Bytes EncodeTransferMessage(const TransferMessage& message) {
  Writer w;
  w.U8(kTransferMessageVersion);
  w.Fixed(message.coin_id);
  w.Fixed(message.receiver.auth_key.bytes());
  w.Fixed(message.receiver.backup_key.bytes());
  Hash32 t1 = message.t1.SecretBytes();
  w.Fixed(t1);
  crypto::SecureErase(t1);
  w.Fixed(message.sender_share.bytes());
  w.Fixed(message.outpoint.txid);
  w.U32(message.outpoint.index);
  w.U64(static_cast<uint64_t>(message.amount_sats));
  w.U32(static_cast<uint32_t>(message.backups.size()));
  for (const crypto::Transaction& backup : message.backups) w.Var(crypto::Serialize(backup));
  return w.Take();
}

Result<TransferMessage> DecodeTransferMessage(ByteView bytes) {
  Reader r(bytes, "transfer message");
  uint8_t version = 0;
  PARLEY_RETURN_IF_ERROR(r.U8(&version));
  if (version != kTransferMessageVersion) {
    return Status::InvalidArgument("transfer message has version " + std::to_string(version) +
                                   "; this wallet reads version " +
                                   std::to_string(kTransferMessageVersion));
  }
  CoinId coin_id;
  PARLEY_RETURN_IF_ERROR(r.Fixed(&coin_id));
  PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey auth_key, ReadKey(r, "receiver auth key"));
  PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey backup_key, ReadKey(r, "receiver backup key"));
  Hash32 t1_bytes;
  PARLEY_RETURN_IF_ERROR(r.Fixed(&t1_bytes));
  Result<crypto::PrivateKey> t1 = crypto::PrivateKey::FromBytes(t1_bytes);
  crypto::SecureErase(t1_bytes);
  if (!t1.ok()) return t1.status().WithContext("transfer message: t1");
  PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey sender_share, ReadKey(r, "sender share"));
  TransferMessage message{.coin_id = coin_id,
                          .receiver = {.auth_key = auth_key, .backup_key = backup_key},
                          .t1 = *t1,
                          .sender_share = sender_share};
  PARLEY_RETURN_IF_ERROR(r.Fixed(&message.outpoint.txid));
  PARLEY_RETURN_IF_ERROR(r.U32(&message.outpoint.index));
  uint64_t amount = 0;
  PARLEY_RETURN_IF_ERROR(r.U64(&amount));
  if (amount == 0 || amount > static_cast<uint64_t>(INT64_MAX)) {
    return Status::InvalidArgument("transfer message: amount " + std::to_string(amount) +
                                   " is out of range");
  }
  message.amount_sats = static_cast<int64_t>(amount);
  uint32_t count = 0;
  PARLEY_RETURN_IF_ERROR(r.Count(kMaxBackups, &count));
  for (uint32_t i = 0; i < count; ++i) {
    Bytes tx_bytes;
    PARLEY_RETURN_IF_ERROR(r.Var(kMaxBackupSize, &tx_bytes));
    Result<crypto::Transaction> tx = crypto::ParseTransaction(tx_bytes);
    if (!tx.ok()) {
      return tx.status().WithContext("transfer message: backup " + std::to_string(i + 1));
    }
    message.backups.push_back(std::move(tx).value());
  }
  PARLEY_RETURN_IF_ERROR(r.Finish());
  return message;
}

Result<Bytes> SealTransferMessage(const TransferMessage& message,
                                  const crypto::PublicKey& recipient) {
  Bytes plaintext = EncodeTransferMessage(message);
  Result<Bytes> sealed = crypto::SealToPublicKey(recipient, plaintext, AsBytes(kSealContext));
  crypto::SecureErase(plaintext);
  return sealed;
}

Result<TransferMessage> OpenTransferMessage(const crypto::PrivateKey& auth_key, ByteView sealed) {
  Result<Bytes> plaintext = crypto::OpenSealed(auth_key, sealed, AsBytes(kSealContext));
  if (!plaintext.ok()) {
    return plaintext.status().WithContext(
        "the transfer message does not open with this wallet's auth key (sent to another "
        "address, or altered on the way)");
  }
  Result<TransferMessage> message = DecodeTransferMessage(*plaintext);
  crypto::SecureErase(*plaintext);
  return message;
}

}  // namespace parley::settlement::statechain
