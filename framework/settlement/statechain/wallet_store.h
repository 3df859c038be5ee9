// How PersistentWallet keeps a wallet in a Store:
//   statecoin-wallet/keys              auth key || backup key (secret)
//   statecoin-wallet/coin/<id hex>     an OwnedCoin (its share is secret); version 2
//                                      with the channel it was handed to, else 1
//   statecoin-wallet/sent/<id hex>     the sealed transfer message of a sent coin
// A coin withdrawn or exited is deleted with its share and message.
#pragma once

#include <string>

#include "parley/settlement/statechain/wallet.h"
#include "parley/store/store.h"

namespace parley::settlement::statechain::wallet_store {

inline constexpr char kKeysKey[] = "statecoin-wallet/keys";
inline constexpr char kCoinPrefix[] = "statecoin-wallet/coin/";
std::string CoinKey(const CoinId& coin_id);
std::string SentKey(const CoinId& coin_id);

// Encodings (util/codec.h); the caller wipes the bytes once written.
Bytes EncodeKeys(const WalletKeys& keys);
Result<WalletKeys> DecodeKeys(ByteView bytes);
Bytes EncodeCoin(const OwnedCoin& coin);
// Corruption naming what does not decode.
Result<OwnedCoin> DecodeCoin(ByteView bytes);

}  // namespace parley::settlement::statechain::wallet_store
