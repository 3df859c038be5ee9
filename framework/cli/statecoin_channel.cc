#include "statecoin_channel.h"

#include <cstdio>
#include <span>

#include "parley/crypto/bitcoin_tx.h"
#include "parley/crypto/secure_erase.h"
#include "parley/settlement/statechain/backup.h"
#include "parley/settlement/statechain/coin_channel_hook.h"
#include "parley/util/must.h"
#include "parley/wire/grpc_common.h"

namespace parley::cli {
namespace {

// The coin as the node needs it: the wallet's hand-over, splits paying this
// wallet's backup key, and the wallet's fee.
sc::CoinForChannel ForTheNode(const sc::OwnerHandOver& coin, const sc::Address& wallet) {
  const auto payout = sc::BackupScriptPubKey(wallet.backup_key);
  return sc::CoinForChannel{.owner = coin,
                            .payout_script = Bytes(payout.begin(), payout.end()),
                            .fee_sats = kStatecoinFeeSats};
}

// Checks the coin at the operator before the node hears of it: the node's
// peer checks the same, later and with a vaguer answer. A coin the operator
// holds in a channel already (the wallet's record of it lost) is recorded
// in the wallet, then refused.
void CheckAtOperator(StatecoinWallet& w, const sc::OwnerHandOver& coin) {
  const std::string id = ToHex(coin.coin_id);
  const sc::CoinInfo info =
      Must(w.op->GetCoinInfo(coin.coin_id), "asking the operator about coin " + id);
  if (info.status == sc::CoinStatus::kInChannel && info.channel_id) {
    (void)w.wallet->MarkInChannel(coin.coin_id, *info.channel_id);
    Die("coin " + id + " is already in payment channel " + ToHex(*info.channel_id) +
        " at the operator; the wallet now records it so");
  }
  if (info.status != sc::CoinStatus::kActive) {
    Die("the operator reports coin " + id + " withdrawn: it cannot fund a channel");
  }
  if (!info.operator_share || *info.operator_share != coin.operator_share ||
      info.lock_time != coin.lock_time) {
    Die("the operator's view of coin " + id + " (lock time " + std::to_string(info.lock_time) +
        ") is not the wallet's (lock time " + std::to_string(coin.lock_time) +
        "): is --operator the operator that holds this coin?");
  }
}

}  // namespace

v1::ChannelInfo OpenOnStatecoin(const Options& o, const StatecoinOptions& wallet_options,
                                const std::string& coin_id, v1::OpenChannelRequest request) {
  const sc::CoinId id = Must(ParseCoinId(coin_id), "--statecoin");
  v1::ChannelInfo info;
  {
    // The wallet stays open (and locked against other commands) until the
    // coin is marked, so nothing else can spend it in between.
    auto w = Must(OpenStatecoinWallet(wallet_options, ChecksBackups::kNo),
                  "wallet " + wallet_options.wallet_dir);
    const sc::OwnerHandOver coin = Must(w->wallet->ForChannel(id), "--statecoin");
    CheckAtOperator(*w, coin);

    Bytes args = sc::Encode(ForTheNode(coin, w->wallet->address()));
    request.set_backend("statechain");
    request.set_backend_args(std::string(args.begin(), args.end()));
    crypto::SecureErase(args);
    request.set_asset("sats");
    request.set_my_deposit(std::to_string(coin.output.amount_sats));
    request.set_peer_deposit("0");
    auto context = Context();
    const Status sent = wire::FromGrpc(Api(o)->OpenChannel(context.get(), request, &info),
                                       "cannot reach parleyd at " + o.node);
    std::string* secret = request.mutable_backend_args();
    crypto::SecureErase(
        std::span<uint8_t>(reinterpret_cast<uint8_t*>(secret->data()), secret->size()));
    if (!sent.ok()) {
      const std::string kept = "; coin " + ToHex(id) + " stays usable in the wallet";
      if (sent.code() == StatusCode::kNotFound &&
          sent.message().find("backend 'statechain'") != std::string::npos) {
        Die("channel open: parleyd at " + o.node +
            " was not started with --statechain, so it cannot open channels on statecoins (" +
            sent.message() + "); restart it with --statechain OPERATOR_HOST:PORT" + kept);
      }
      Die("channel open: " + sent.ToString() + kept);
    }
    // The node holds the coin now: mark it before anything else can fail.
    Result<Hash32> channel = FixedFromHex<32>(info.channel_id());
    const Status marked = channel.ok() ? w->wallet->MarkInChannel(id, *channel) : channel.status();
    if (!marked.ok()) {
      Die("the node proposed channel " + info.channel_id() + " on coin " + ToHex(id) +
          " but the wallet could not record it (" + marked.ToString() +
          "): do not transfer or withdraw the coin");
    }
  }
  return WaitUntilOpen(o, info);
}

void ChannelBackup(const Options& o, const std::string& channel_id, bool broadcast,
                   const std::string& chain) {
  v1::GetChannelRequest request;
  request.set_channel_id(channel_id);
  v1::ChannelBackup backup;
  auto context = Context();
  Check(Api(o)->GetChannelBackup(context.get(), request, &backup), "channel backup");
  const std::string raw_hex = ToHex(AsBytes(backup.raw_tx()));
  if (broadcast) {
    auto devchain = Must(ConnectDevchain(chain), "channel backup --broadcast");
    const crypto::Transaction tx =
        Must(crypto::ParseTransaction(AsBytes(backup.raw_tx())), "the node's backup transaction");
    const Status sent =
        BroadcastBackup(*devchain, tx, "the backup of channel " + backup.channel_id(),
                        "`parley channel backup " + backup.channel_id() + " --broadcast`");
    if (!sent.ok()) Die("channel backup --broadcast: " + sent.ToString());
  }
  if (o.json) {
    std::printf(
        "{\"channel_id\": \"%s\", \"version\": %llu, \"lock_time\": %u, \"txid\": \"%s\", "
        "\"raw_tx\": \"%s\", \"broadcast\": %s}\n",
        backup.channel_id().c_str(), static_cast<unsigned long long>(backup.version()),
        backup.lock_time(), backup.txid().c_str(), raw_hex.c_str(), broadcast ? "true" : "false");
    return;
  }
  std::printf("channel   %s\nversion   %llu\nlock time %u\ntxid      %s\ntx        %s\n",
              backup.channel_id().c_str(), static_cast<unsigned long long>(backup.version()),
              backup.lock_time(), backup.txid().c_str(), raw_hex.c_str());
  if (broadcast) std::printf("broadcast %s\n", backup.txid().c_str());
}

}  // namespace parley::cli
