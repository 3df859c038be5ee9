#include "statecoin_wallet.h"

#include <optional>

#include "parley/crypto/schnorr.h"
#include "parley/crypto/taproot.h"
#include "parley/settlement/statechain/backup.h"

namespace parley::cli {

Result<std::unique_ptr<settlement::RemoteSimLedger>> ConnectDevchain(const std::string& chain) {
  if (!chain.starts_with("sim://") || chain.size() == 6) {
    return Status::InvalidArgument("--chain must be a devchain, sim://HOST:PORT (got '" + chain +
                                   "')");
  }
  // The ledger account pays nothing (the faucet and transactions need no
  // account), so it is a throwaway key.
  return std::make_unique<settlement::RemoteSimLedger>(chain.substr(6),
                                                       crypto::PrivateKey::Generate());
}

Status BroadcastBackup(settlement::RemoteSimLedger& devchain, const crypto::Transaction& backup,
                       const std::string& what, const std::string& again) {
  const Status sent = devchain.BroadcastTransaction(backup).status();
  if (sent.ok()) return sent;
  if (sent.code() == StatusCode::kFailedPrecondition) {
    Status early =
        settlement::statechain::CheckBackupMatured(backup, devchain.Height(), what, again);
    if (!early.ok()) return early.WithContext(sent.message());
  }
  return sent.WithContext("the chain refused " + what);
}

Result<std::unique_ptr<StatecoinWallet>> OpenStatecoinWallet(const StatecoinOptions& options,
                                                             ChecksBackups checks) {
  PARLEY_ASSIGN_OR_RETURN(auto devchain, ConnectDevchain(options.chain));
  if (options.operator_address.empty()) {
    return Status::InvalidArgument("--operator must be the operator's HOST:PORT");
  }
  auto w = std::make_unique<StatecoinWallet>();
  w->devchain = std::move(devchain);
  PARLEY_ASSIGN_OR_RETURN(w->store, store::OpenRocksDb(options.wallet_dir));
  w->op = std::make_unique<sc::RemoteOperator>(options.operator_address);
  w->ledger = std::make_unique<sc::BitcoinCoinLedger>(*w->devchain);
  if (options.interval == 0u) return Status::InvalidArgument("--interval must be at least 1");
  // A command that checks no backups never reads the policy's interval.
  sc::ReceiverPolicy policy;
  if (options.interval) {
    policy.protocol.interval = *options.interval;
  } else if (checks == ChecksBackups::kYes) {
    Result<sc::ProtocolOptions> info = w->op->GetOperatorInfo();
    if (!info.ok()) {
      return info.status().WithContext("asking the operator for its lock-time interval");
    }
    policy.protocol = *info;
  }
  PARLEY_ASSIGN_OR_RETURN(w->wallet,
                          sc::PersistentWallet::Open(*w->store, *w->op, *w->ledger, policy));
  return w;
}

Result<DepositOutcome> DepositFromFaucet(StatecoinWallet& w, int64_t amount_sats) {
  PARLEY_ASSIGN_OR_RETURN(sc::DepositInfo info, w.wallet->BeginDeposit());

  // The faucet pays a one-time key of ours; our own transaction then pays
  // the coin, so we know its outpoint before anyone can broadcast it.
  const crypto::PrivateKey funding_key = crypto::PrivateKey::Generate();
  PARLEY_ASSIGN_OR_RETURN(crypto::PrivateKey tweaked,
                          crypto::TweakPrivateKey(funding_key, std::nullopt));
  const Hash32 funding_output_key = tweaked.public_key().XOnly();
  PARLEY_ASSIGN_OR_RETURN(crypto::OutPoint faucet,
                          w.devchain->FundTaproot(funding_output_key, amount_sats));
  const sc::CoinOutput faucet_output{
      .outpoint = faucet, .amount_sats = amount_sats, .output_key = funding_output_key};
  PARLEY_ASSIGN_OR_RETURN(crypto::Transaction funding,
                          sc::BuildWithdrawal(faucet_output, info.script_pubkey, 0));
  PARLEY_ASSIGN_OR_RETURN(Hash32 sighash, sc::SpendSighash(funding, faucet_output));
  sc::AttachSignature(&funding, crypto::SchnorrSign(tweaked, sighash));

  const crypto::OutPoint coin_outpoint{.txid = crypto::Txid(funding), .index = 0};
  PARLEY_RETURN_IF_ERROR(
      w.wallet->SignFirstBackup(info.coin_id, coin_outpoint, amount_sats, kStatecoinFeeSats));
  PARLEY_RETURN_IF_ERROR(w.devchain->BroadcastTransaction(funding).status().WithContext(
      "the first backup is signed but the funding transaction was refused"));
  return DepositOutcome{
      .coin_id = info.coin_id, .outpoint = coin_outpoint, .lock_time = info.lock_time};
}

std::string FormatAddress(const sc::Address& address) {
  return address.auth_key.ToHex() + ":" + address.backup_key.ToHex();
}

Result<sc::Address> ParseAddress(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return Status::InvalidArgument(
        "a statecoin address is AUTH_KEY:BACKUP_KEY (two 66-hex-digit keys); "
        "`parley statecoin address` prints the receiver's");
  }
  Result<crypto::PublicKey> auth = crypto::PublicKey::FromHex(text.substr(0, colon));
  if (!auth.ok()) return auth.status().WithContext("the address's auth key");
  Result<crypto::PublicKey> backup = crypto::PublicKey::FromHex(text.substr(colon + 1));
  if (!backup.ok()) return backup.status().WithContext("the address's backup key");
  return sc::Address{.auth_key = *auth, .backup_key = *backup};
}

Result<sc::CoinId> ParseCoinId(std::string_view text) {
  Result<sc::CoinId> id = FixedFromHex<32>(text);
  if (!id.ok()) {
    return Status::InvalidArgument("coin id '" + std::string(text) +
                                   "' is not 64 hex digits; `parley statecoin list` shows them");
  }
  return id;
}

}  // namespace parley::cli
