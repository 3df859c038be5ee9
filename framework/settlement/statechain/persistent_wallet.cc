#include "parley/settlement/statechain/persistent_wallet.h"

#include <string>
#include <utility>

#include "parley/crypto/secure_erase.h"
#include "parley/settlement/statechain/backup.h"
#include "wallet_store.h"

namespace parley::settlement::statechain {

namespace {

Status PutSecret(store::Store& store, std::string key, Bytes value) {
  store::WriteBatch batch;
  batch.Put(std::move(key), value);
  Status status = store.Write(batch);
  crypto::SecureErase(value);
  return status;
}

}  // namespace

Result<std::unique_ptr<PersistentWallet>> PersistentWallet::Open(store::Store& store,
                                                                 OperatorApi& op,
                                                                 CoinLedger& ledger,
                                                                 ReceiverPolicy policy) {
  Result<Bytes> stored = store.Get(wallet_store::kKeysKey);
  if (!stored.ok() && stored.status().code() != StatusCode::kNotFound) return stored.status();
  Result<WalletKeys> keys =
      stored.ok() ? wallet_store::DecodeKeys(*stored) : Result<WalletKeys>(WalletKeys::Generate());
  if (stored.ok()) crypto::SecureErase(*stored);
  PARLEY_RETURN_IF_ERROR(keys.status());
  if (!stored.ok()) {
    PARLEY_RETURN_IF_ERROR(
        PutSecret(store, wallet_store::kKeysKey, wallet_store::EncodeKeys(*keys)));
  }
  Wallet wallet(op, ledger, *keys, policy);
  Status decoded = Status::Ok();
  PARLEY_RETURN_IF_ERROR(
      store.Scan(wallet_store::kCoinPrefix, [&](std::string_view, ByteView value) {
        Result<OwnedCoin> coin = wallet_store::DecodeCoin(value);
        if (coin.ok()) {
          wallet.Restore(std::move(*coin));
        } else if (decoded.ok()) {
          decoded = coin.status();
        }
      }));
  PARLEY_RETURN_IF_ERROR(decoded);
  return std::unique_ptr<PersistentWallet>(new PersistentWallet(store, ledger, std::move(wallet)));
}

Status PersistentWallet::Save(const CoinId& coin_id, Status status) {
  const OwnedCoin* coin = wallet_.Find(coin_id);
  Status saved = Status::Ok();
  if (coin != nullptr) {
    saved = PutSecret(store_, wallet_store::CoinKey(coin_id), wallet_store::EncodeCoin(*coin));
  } else {
    store::WriteBatch batch;
    batch.Delete(wallet_store::CoinKey(coin_id));
    batch.Delete(wallet_store::SentKey(coin_id));
    saved = store_.Write(batch);
  }
  if (!saved.ok()) return saved.WithContext("the wallet could not save coin " + ToHex(coin_id));
  return status;
}

Result<DepositInfo> PersistentWallet::BeginDeposit() {
  PARLEY_ASSIGN_OR_RETURN(DepositInfo info, wallet_.BeginDeposit());
  PARLEY_RETURN_IF_ERROR(Save(info.coin_id, Status::Ok()));
  return info;
}

Status PersistentWallet::SignFirstBackup(const CoinId& coin_id, const crypto::OutPoint& outpoint,
                                         int64_t amount_sats, int64_t backup_fee_sats) {
  return Save(coin_id, wallet_.SignFirstBackup(coin_id, outpoint, amount_sats, backup_fee_sats));
}

Result<Bytes> PersistentWallet::TransferTo(const CoinId& coin_id, const Address& receiver,
                                           int64_t backup_fee_sats) {
  Result<Bytes> sealed = wallet_.TransferTo(coin_id, receiver, backup_fee_sats);
  if (sealed.ok()) {
    PARLEY_RETURN_IF_ERROR(store_.Put(wallet_store::SentKey(coin_id), *sealed));
  }
  PARLEY_RETURN_IF_ERROR(Save(coin_id, sealed.status()));
  return sealed;
}

Result<CoinId> PersistentWallet::Receive(ByteView sealed_message) {
  PARLEY_ASSIGN_OR_RETURN(CoinId coin_id, wallet_.Receive(sealed_message));
  PARLEY_RETURN_IF_ERROR(Save(coin_id, Status::Ok()));
  return coin_id;
}

Result<crypto::Transaction> PersistentWallet::Withdraw(const CoinId& coin_id,
                                                       ByteView script_pubkey, int64_t fee_sats) {
  Result<crypto::Transaction> tx = wallet_.Withdraw(coin_id, script_pubkey, fee_sats);
  PARLEY_RETURN_IF_ERROR(Save(coin_id, tx.status()));
  return tx;
}

Status PersistentWallet::MarkInChannel(const CoinId& coin_id, const Hash32& channel_id) {
  PARLEY_RETURN_IF_ERROR(wallet_.MarkInChannel(coin_id, channel_id));
  return Save(coin_id, Status::Ok());
}

Result<Bytes> PersistentWallet::SentMessage(const CoinId& coin_id) const {
  Result<Bytes> sealed = store_.Get(wallet_store::SentKey(coin_id));
  if (!sealed.ok() && sealed.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("this wallet has sent no coin " + ToHex(coin_id));
  }
  return sealed;
}

Result<crypto::Transaction> PersistentWallet::Exit(const CoinId& coin_id) {
  PARLEY_ASSIGN_OR_RETURN(crypto::Transaction backup, wallet_.LatestBackup(coin_id));
  PARLEY_RETURN_IF_ERROR(CheckBackupMatured(backup, ledger_.Height(),
                                            "the latest backup of coin " + ToHex(coin_id), "exit"));
  PARLEY_RETURN_IF_ERROR(ledger_.Broadcast(backup));
  wallet_.Forget(coin_id);
  PARLEY_RETURN_IF_ERROR(Save(coin_id, Status::Ok()));
  return backup;
}

}  // namespace parley::settlement::statechain
