// The fields that the statechain's stored records and messages share, in the
// byte layout of parley/util/codec.h: one writer and reader each, so that
// every record lays them out alike.
#pragma once

#include "parley/crypto/keys.h"
#include "parley/settlement/statechain/backup.h"
#include "parley/util/codec.h"
#include "parley/util/status.h"

namespace parley::settlement::statechain {

// A public key as its 33-byte compressed encoding (written with
// w.Fixed(key.bytes())); a point not on the curve is an error.
Result<crypto::PublicKey> ReadPublicKey(Reader& r);

// A private key as its 32 secret bytes; the copies made on the way are erased.
void WritePrivateKey(Writer& w, const crypto::PrivateKey& key);
Result<crypto::PrivateKey> ReadPrivateKey(Reader& r);

// A coin's output: txid, index, amount, output key. ReadCoinOutput takes the
// amount as written; CheckCoinAmount is for records that bound it.
void WriteCoinOutput(Writer& w, const CoinOutput& output);
Status ReadCoinOutput(Reader& r, CoinOutput* output);
// Ok if `amount_sats` is a coin's: above zero and at most crypto::kMaxMoney.
Status CheckCoinAmount(int64_t amount_sats);

}  // namespace parley::settlement::statechain
