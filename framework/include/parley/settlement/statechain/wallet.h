// Wallet: the owner's side of the statechain protocol. It holds one
// address (an auth key and a backup key) and, per coin, the owner's key
// share, the operator's public share and the backup chain.
//
// Deposit:      BeginDeposit, fund DepositInfo::script_pubkey with a
//               transaction you build but do not broadcast yet, then
//               SignFirstBackup with its outpoint, then broadcast it.
// Transfer:     the sender's TransferTo gives a sealed message; the
//               receiver's Receive verifies it and takes the coin over.
// Withdrawal:   Withdraw (cooperative, any script, no lock time).
// Unilateral:   LatestBackup, broadcast once its lock time is reached.
// Channel:      ForChannel gives what a node needs to open a payment
//               channel on the coin; MarkInChannel once the node took it.
//
// Keys and coins live in memory; PersistentWallet (persistent_wallet.h)
// keeps them in a Store. Not thread-safe.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "parley/crypto/bitcoin_tx.h"
#include "parley/crypto/keys.h"
#include "parley/crypto/schnorr.h"
#include "parley/settlement/statechain/backup.h"
#include "parley/settlement/statechain/ledger.h"
#include "parley/settlement/statechain/operator_api.h"
#include "parley/settlement/statechain/transfer_message.h"
#include "parley/settlement/statechain/types.h"

namespace parley::settlement::statechain {

struct OwnedCoin {
  CoinId coin_id{};
  crypto::PrivateKey owner_share;            // o
  crypto::PublicKey operator_share;          // S
  crypto::PublicKey coin_key;                // P = O + S
  uint32_t lock_time = 0;                    // this owner's backup's
  std::optional<CoinOutput> output;          // set by SignFirstBackup or Receive
  std::vector<crypto::Transaction> backups;  // oldest first; the last is this owner's
  // Set once TransferTo produced a message: the coin is on its way out and
  // this wallet signs nothing more for it (there is no cancel yet: if the
  // receiver never finishes, the sender must exit with its backup).
  bool sent = false;
  // The signed withdrawal until the operator has erased its share, kept so
  // that a retry does not sign again.
  std::optional<crypto::Transaction> withdrawal;
  // Set once the coin was handed to a node for payment channel `channel_id`
  // (`parley channel open --statecoin`): the node holds its secrets and the
  // channel settles it, so this wallet signs nothing more for it. Its
  // backup stays: LatestBackup still gives it, the fallback if the operator
  // vanishes.
  std::optional<Hash32> channel_id;
};

// A coin as a node needs it to open a payment channel on it (the `owner`
// of the statechain backend's CoinForChannel, coin_channel_hook.h).
struct OwnerHandOver {
  CoinId coin_id{};
  crypto::PrivateKey owner_share;    // o
  crypto::PrivateKey auth_key;       // the wallet's: the operator knows the owner by it
  CoinOutput output;                 // outpoint, amount, output key
  crypto::PublicKey operator_share;  // S
  uint32_t lock_time = 0;            // this owner's (latest) backup's
};

struct DepositInfo {
  CoinId coin_id{};
  Hash32 output_key{};                      // x(Q)
  std::array<uint8_t, 34> script_pubkey{};  // fund this
  uint32_t lock_time = 0;                   // of the first backup
};

// The wallet's own keys (see Address): the auth key signs requests and
// opens transfer messages, the backup key receives the backups' outputs.
struct WalletKeys {
  crypto::PrivateKey auth_key;
  crypto::PrivateKey backup_key;

  static WalletKeys Generate();
};

class Wallet {
 public:
  // `op` and `ledger` must outlive the wallet.
  Wallet(OperatorApi& op, CoinLedger& ledger, WalletKeys keys, ReceiverPolicy policy = {});

  const Address& address() const { return address_; }
  // The coin, or nullptr if this wallet never held it (or withdrew it).
  const OwnedCoin* Find(const CoinId& coin_id) const;
  // Every coin held, sent or being withdrawn, by id.
  const std::map<CoinId, OwnedCoin>& coins() const { return coins_; }

  // For a wallet reloaded from storage: puts back a coin it held before.
  void Restore(OwnedCoin coin);
  // Drops the coin and wipes its share (after a unilateral exit).
  void Forget(const CoinId& coin_id);

  // Deposit step 1: shares with the operator, each proven (no rogue keys).
  Result<DepositInfo> BeginDeposit();
  // Deposit step 2: signs backup 1 (to this wallet's backup key, at the
  // operator's lock time) for the output `outpoint` of `amount_sats`.
  // Broadcast the funding transaction only after this returns OK.
  Status SignFirstBackup(const CoinId& coin_id, const crypto::OutPoint& outpoint,
                         int64_t amount_sats, int64_t backup_fee_sats);

  // A two-party signature of `message` under the coin's output key. Each
  // call is one more operator signature, which receivers count: anything
  // signed here other than backups makes the coin untransferable.
  Result<crypto::Signature> CoSign(const CoinId& coin_id, const Hash32& message);

  // The sender's side: a backup to `receiver` with the next lock time, and
  // the sealed message (t1 = o1 + x1, the chain, the coin) for it.
  Result<Bytes> TransferTo(const CoinId& coin_id, const Address& receiver, int64_t backup_fee_sats);
  // The receiver's side: opens and verifies the message (VerifyTransfer
  // against the operator and the ledger), then sends t2 = t1 - o2 to the
  // operator and keeps the coin. Returns its id. Nothing changes on a
  // refusal.
  Result<CoinId> Receive(ByteView sealed_message);

  // Signs the cooperative withdrawal to `script_pubkey`, broadcasts it,
  // then has the operator erase its share; the coin leaves the wallet.
  // A retry after a failed broadcast reuses the same signed transaction.
  Result<crypto::Transaction> Withdraw(const CoinId& coin_id, ByteView script_pubkey,
                                       int64_t fee_sats);

  // The unilateral exit: this owner's signed backup.
  Result<crypto::Transaction> LatestBackup(const CoinId& coin_id) const;

  // What a node needs to open a payment channel on the coin. Changes
  // nothing: the coin stays usable until MarkInChannel. NotFound for a coin
  // this wallet does not hold; FailedPrecondition for one sent, in a
  // channel, being withdrawn or not funded yet.
  Result<OwnerHandOver> ForChannel(const CoinId& coin_id) const;
  // Records that the coin is in payment channel `channel_id`; from then on
  // every call that signs for it is FailedPrecondition naming the channel.
  // Ok if it is already in that channel; otherwise as ForChannel.
  Status MarkInChannel(const CoinId& coin_id, const Hash32& channel_id);

 private:
  Result<OwnedCoin*> Held(const CoinId& coin_id);
  Result<const OwnedCoin*> Held(const CoinId& coin_id) const;
  Result<crypto::Signature> CoSign(OwnedCoin& coin, const Hash32& message);
  Result<Auth> Authorization(ByteView payload);

  OperatorApi& op_;
  CoinLedger& ledger_;
  ReceiverPolicy policy_;
  WalletKeys keys_;
  Address address_;
  std::map<CoinId, OwnedCoin> coins_;
};

}  // namespace parley::settlement::statechain
