// How the operator keeps its coins in the store. Per coin:
//   statechain/coin/<id>              CoinRecord (public state)
//   statechain/share/<id>             the operator's share s (secret)
//   statechain/transfer/<id>          TransferRecord (x1 is secret)
//   statechain/nonce/<id>/<nonce id>  NonceRecord (the secret nonce until used)
// Secrets live in records of their own so that erasing one is a Delete.
#pragma once

#include <optional>
#include <string>

#include "parley/crypto/keys.h"
#include "parley/crypto/two_party_schnorr.h"
#include "parley/settlement/statechain/types.h"
#include "parley/store/store.h"

namespace parley::settlement::statechain {

struct CoinRecord {
  CoinStatus status = CoinStatus::kActive;
  crypto::PublicKey coin_key;  // P
  crypto::PublicKey auth_key;  // the current owner's
  uint64_t signature_count = 0;
  uint32_t lock_time = 0;  // the current owner's backup's
  // The channel the coin is in; set exactly when status is kInChannel.
  std::optional<Hash32> channel_id;
};

struct TransferRecord {
  crypto::PrivateKey x;
  crypto::PublicKey receiver_auth_key;
  uint32_t next_lock_time = 0;
};

struct NonceRecord {
  crypto::PublicKey issued_to;  // the auth key of the owner it was made for
  crypto::two_party::PublicNonce public_nonce{};
  // SecretNonce::SecretBytes until the nonce signs; then erased for good.
  std::optional<Bytes> secret;
};

std::string CoinRecordKey(const CoinId& coin_id);
std::string ShareKey(const CoinId& coin_id);
std::string TransferKey(const CoinId& coin_id);
std::string NoncePrefix(const CoinId& coin_id);
std::string NonceKey(const CoinId& coin_id, const Hash32& nonce_id);

Bytes Encode(const CoinRecord& record);
Bytes Encode(const TransferRecord& record);
Bytes Encode(const NonceRecord& record);

// Each load is NotFound when the record is absent (with `what_to_do` in the
// message) and Corruption when its bytes do not decode.
Result<CoinRecord> LoadCoin(const store::Store& store, const CoinId& coin_id);
Result<crypto::PrivateKey> LoadShare(const store::Store& store, const CoinId& coin_id);
Result<TransferRecord> LoadTransfer(const store::Store& store, const CoinId& coin_id);
Result<NonceRecord> LoadNonce(const store::Store& store, const CoinId& coin_id,
                              const Hash32& nonce_id);

// Deletes every nonce record of the coin (used or not) in `batch`.
Status DeleteNonces(const store::Store& store, const CoinId& coin_id, store::WriteBatch* batch);

}  // namespace parley::settlement::statechain
