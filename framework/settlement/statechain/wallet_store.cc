#include "wallet_store.h"

#include <utility>

#include "field_codec.h"
#include "parley/util/codec.h"

namespace parley::settlement::statechain::wallet_store {

namespace {

// Version 2 adds the channel a coin was handed to; a coin in no channel is
// still written as version 1, which older wallets read.
constexpr uint8_t kCoinVersion = 1;
constexpr uint8_t kCoinInChannelVersion = 2;
// A serialized transaction of the statechain is ~150 bytes; this bounds one.
constexpr size_t kMaxTxBytes = 100'000;

Result<OwnedCoin> ReadCoin(Reader& r) {
  uint8_t version = 0;
  PARLEY_RETURN_IF_ERROR(r.U8(&version));
  if (version != kCoinVersion && version != kCoinInChannelVersion) {
    return Status::InvalidArgument("unknown coin record version " + std::to_string(version));
  }
  CoinId coin_id{};
  PARLEY_RETURN_IF_ERROR(r.Fixed(&coin_id));
  PARLEY_ASSIGN_OR_RETURN(crypto::PrivateKey share, ReadPrivateKey(r));
  PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey operator_share, ReadPublicKey(r));
  PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey coin_key, ReadPublicKey(r));
  OwnedCoin coin{.coin_id = coin_id,
                 .owner_share = share,
                 .operator_share = operator_share,
                 .coin_key = coin_key};
  PARLEY_RETURN_IF_ERROR(r.U32(&coin.lock_time));
  bool has_output = false;
  PARLEY_RETURN_IF_ERROR(r.Bool(&has_output));
  if (has_output) {
    PARLEY_RETURN_IF_ERROR(ReadCoinOutput(r, &coin.output.emplace()));
  }
  uint32_t count = 0;
  PARLEY_RETURN_IF_ERROR(r.Count(kMaxBackups, &count));
  for (uint32_t i = 0; i < count; ++i) {
    PARLEY_ASSIGN_OR_RETURN(crypto::Transaction backup, ReadTx(r, kMaxTxBytes));
    coin.backups.push_back(std::move(backup));
  }
  PARLEY_RETURN_IF_ERROR(r.Bool(&coin.sent));
  bool has_withdrawal = false;
  PARLEY_RETURN_IF_ERROR(r.Bool(&has_withdrawal));
  if (has_withdrawal) {
    PARLEY_ASSIGN_OR_RETURN(coin.withdrawal, ReadTx(r, kMaxTxBytes));
  }
  if (version == kCoinInChannelVersion) {
    Hash32 channel_id{};
    PARLEY_RETURN_IF_ERROR(r.Fixed(&channel_id));
    coin.channel_id = channel_id;
  }
  PARLEY_RETURN_IF_ERROR(r.Finish());
  return coin;
}

}  // namespace

std::string CoinKey(const CoinId& coin_id) { return kCoinPrefix + ToHex(coin_id); }
std::string SentKey(const CoinId& coin_id) { return "statecoin-wallet/sent/" + ToHex(coin_id); }

Bytes EncodeKeys(const WalletKeys& keys) {
  Writer w;
  WritePrivateKey(w, keys.auth_key);
  WritePrivateKey(w, keys.backup_key);
  return w.Take();
}

Result<WalletKeys> DecodeKeys(ByteView bytes) {
  Reader r(bytes, "wallet keys");
  const Status corrupt =
      Status::Corruption("the wallet's keys do not decode; restore the wallet directory");
  Result<crypto::PrivateKey> auth = ReadPrivateKey(r);
  if (!auth.ok()) return corrupt;
  Result<crypto::PrivateKey> backup = ReadPrivateKey(r);
  if (!backup.ok() || !r.Finish().ok()) return corrupt;
  return WalletKeys{.auth_key = *auth, .backup_key = *backup};
}

Bytes EncodeCoin(const OwnedCoin& coin) {
  Writer w;
  w.U8(coin.channel_id ? kCoinInChannelVersion : kCoinVersion);
  w.Fixed(coin.coin_id);
  WritePrivateKey(w, coin.owner_share);
  w.Fixed(coin.operator_share.bytes());
  w.Fixed(coin.coin_key.bytes());
  w.U32(coin.lock_time);
  w.Bool(coin.output.has_value());
  if (coin.output) WriteCoinOutput(w, *coin.output);
  w.U32(static_cast<uint32_t>(coin.backups.size()));
  for (const crypto::Transaction& backup : coin.backups) WriteTx(w, backup);
  w.Bool(coin.sent);
  w.Bool(coin.withdrawal.has_value());
  if (coin.withdrawal) WriteTx(w, *coin.withdrawal);
  if (coin.channel_id) w.Fixed(*coin.channel_id);
  return w.Take();
}

Result<OwnedCoin> DecodeCoin(ByteView bytes) {
  Reader r(bytes, "wallet coin");
  Result<OwnedCoin> coin = ReadCoin(r);
  if (!coin.ok()) {
    return Status::Corruption("a coin of the wallet does not decode (" + coin.status().message() +
                              "); restore the wallet directory");
  }
  return coin;
}

}  // namespace parley::settlement::statechain::wallet_store
