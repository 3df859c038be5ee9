// PersistentWallet: a Wallet (wallet.h) kept in a Store, so that a CLI can
// run one command per process. It stores the wallet's keys, every coin it
// holds (share, operator share, backups, the withdrawal it signed, the
// payment channel it was handed to) and the sealed message of each transfer
// it sent; a coin withdrawn or exited is deleted with its share.
//
// Each call saves the coins it touched when it returns, whatever the
// outcome. A crash inside a call can lose what that call did (for Receive,
// the coin: keep the transfer message until `list` shows the coin).
#pragma once

#include <map>
#include <memory>

#include "parley/settlement/statechain/wallet.h"
#include "parley/store/store.h"

namespace parley::settlement::statechain {

class PersistentWallet {
 public:
  // The wallet kept in `store`, with keys made and saved on first use.
  // Corruption if a record does not decode. `store`, `op` and `ledger` must
  // outlive the wallet.
  static Result<std::unique_ptr<PersistentWallet>> Open(store::Store& store, OperatorApi& op,
                                                        CoinLedger& ledger,
                                                        ReceiverPolicy policy = {});

  const Address& address() const { return wallet_.address(); }
  const std::map<CoinId, OwnedCoin>& coins() const { return wallet_.coins(); }

  // As Wallet's, saving the coins they change.
  Result<DepositInfo> BeginDeposit();
  Status SignFirstBackup(const CoinId& coin_id, const crypto::OutPoint& outpoint,
                         int64_t amount_sats, int64_t backup_fee_sats);
  // Also keeps the sealed message, for SentMessage.
  Result<Bytes> TransferTo(const CoinId& coin_id, const Address& receiver, int64_t backup_fee_sats);
  Result<CoinId> Receive(ByteView sealed_message);
  Result<crypto::Transaction> Withdraw(const CoinId& coin_id, ByteView script_pubkey,
                                       int64_t fee_sats);

  // As Wallet's. ForChannel changes nothing; MarkInChannel saves the
  // channel with the coin, so that it survives a reopening.
  Result<OwnerHandOver> ForChannel(const CoinId& coin_id) const {
    return wallet_.ForChannel(coin_id);
  }
  Status MarkInChannel(const CoinId& coin_id, const Hash32& channel_id);

  // The sealed message of a coin this wallet sent; NotFound otherwise.
  Result<Bytes> SentMessage(const CoinId& coin_id) const;

  // The unilateral exit: broadcasts this owner's latest backup and forgets
  // the coin. FailedPrecondition, naming the height at which the backup
  // becomes valid, while the ledger is below its lock time.
  Result<crypto::Transaction> Exit(const CoinId& coin_id);

 private:
  PersistentWallet(store::Store& store, CoinLedger& ledger, Wallet wallet)
      : store_(store), ledger_(ledger), wallet_(std::move(wallet)) {}
  // Writes the coin as the wallet holds it, or deletes it (and its sent
  // message) once the wallet no longer does. `status` passes through,
  // unless saving fails.
  Status Save(const CoinId& coin_id, Status status);

  store::Store& store_;
  CoinLedger& ledger_;
  Wallet wallet_;
};

}  // namespace parley::settlement::statechain
