// The transfer message: what a sender gives the receiver of a statecoin,
// sealed to the receiver's auth key (crypto/ecies.h), and the receiver's
// verification of it.
//
// Encoding (util/codec.h), version 1:
//   u8 version | coin id (32) | receiver auth key (33) | receiver backup
//   key (33) | t1 (32) | sender share O1 (33) | outpoint txid (32) | u32
//   index | u64 amount | u32 count, then each backup as a u32-length
//   Bitcoin serialization (with witness), oldest first.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "parley/crypto/bitcoin_tx.h"
#include "parley/crypto/keys.h"
#include "parley/settlement/statechain/types.h"
#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::settlement::statechain {

struct TransferMessage {
  CoinId coin_id{};
  Address receiver;
  crypto::PrivateKey t1;           // o1 + x1: secret
  crypto::PublicKey sender_share;  // O1
  crypto::OutPoint outpoint;       // the coin's UTXO
  int64_t amount_sats = 0;
  // Every backup ever signed for the coin, oldest first; the last one pays
  // the receiver.
  std::vector<crypto::Transaction> backups;
};

inline constexpr uint8_t kTransferMessageVersion = 1;
// A coin moves at most initlock / interval times; this bounds any sane chain.
inline constexpr size_t kMaxBackups = 10'000;

Bytes EncodeTransferMessage(const TransferMessage& message);
// InvalidArgument naming the field for anything malformed: truncation,
// trailing bytes, an unknown version, an invalid key or transaction.
Result<TransferMessage> DecodeTransferMessage(ByteView bytes);

// Encodes and seals the message to `recipient` (message.receiver.auth_key,
// unless a test wants a message that names someone else).
Result<Bytes> SealTransferMessage(const TransferMessage& message,
                                  const crypto::PublicKey& recipient);
// Opens and decodes. PermissionDenied if the message was not sealed to
// `auth_key` or was altered; InvalidArgument if it does not decode.
Result<TransferMessage> OpenTransferMessage(const crypto::PrivateKey& auth_key, ByteView sealed);

// What the receiver learns from others before it accepts a transfer.
struct TransferEvidence {
  CoinInfo coin;  // the operator's GetCoinInfo(message.coin_id)
  // The ledger's UnspentOutput(message.outpoint); nullopt if it is spent or
  // unknown.
  std::optional<crypto::TxOut> ledger_output;
  uint64_t height = 0;  // the ledger's
};

struct ReceiverPolicy {
  ProtocolOptions protocol;
  // The largest fee a backup may leave; more would be a gift to miners
  // taken from the receiver's exit.
  int64_t max_backup_fee_sats = 100'000;
};

// The receiver's checks, each failure with its own message:
//   - the message is addressed to `me` (both keys);
//   - the operator's view: the coin is active, has a pending transfer to
//     me.auth_key, O1 + S1 is its coin key, t1*G = O1 + X1, and its
//     signature count equals the number of backups (no signature the
//     receiver does not know of);
//   - the ledger: the outpoint is unspent, pays to the coin's output key,
//     and holds the message's amount;
//   - the chain: VerifyBackupChain, the last backup pays to me.backup_key
//     with the operator's next lock time, which is above the height.
// PermissionDenied for a message that contradicts the operator, the ledger
// or itself; FailedPrecondition when the coin's state does not allow the
// transfer.
Status VerifyTransfer(const TransferMessage& message, const Address& me,
                      const TransferEvidence& evidence, const ReceiverPolicy& policy);

}  // namespace parley::settlement::statechain
