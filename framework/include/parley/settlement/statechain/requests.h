// The operator's requests and responses, and how requests are authenticated.
//
// Every state-changing request carries an Auth: a BIP340 signature by the
// coin's current auth key (for a deposit, the new owner's) over a fresh,
// single-use challenge from Operator::NewChallenge and the request's fields
// (AuthPayload). A signature thus authorizes one request, once: replaying it
// fails because its challenge is spent, and it cannot be moved to another
// request because it covers every field and the request's kind.
#pragma once

#include <cstdint>

#include "parley/crypto/keys.h"
#include "parley/crypto/schnorr.h"
#include "parley/crypto/two_party_schnorr.h"
#include "parley/settlement/statechain/types.h"
#include "parley/util/bytes.h"

namespace parley::settlement::statechain {

struct Auth {
  Hash32 challenge{};
  crypto::Signature signature{};
};

// Deposit: the new owner's auth key and share, with a proof that it knows
// the share's secret (two_party::ProveShare over DepositProofContext).
struct DepositRequest {
  crypto::PublicKey auth_key;
  crypto::PublicKey owner_share;  // O1
  crypto::Signature share_proof{};
  Auth auth;  // by auth_key
};
struct DepositResponse {
  CoinId coin_id{};
  crypto::PublicKey operator_share;  // S1
  crypto::Signature share_proof{};   // over OperatorProofContext(coin_id, O1)
  uint32_t lock_time = 0;            // the first backup's
};

// Signing round 1: the operator's nonce for one signature.
struct NonceRequest {
  CoinId coin_id{};
  Auth auth;  // by the current owner
};
struct NonceResponse {
  Hash32 nonce_id{};
  crypto::two_party::PublicNonce nonce{};
};

// Signing round 2: the operator's partial signature of `message` with the
// nonce `nonce_id`, which it will never use again.
struct SignRequest {
  CoinId coin_id{};
  Hash32 nonce_id{};
  crypto::two_party::PublicNonce owner_nonce{};
  Hash32 message{};
  Auth auth;  // by the current owner
};

// Transfer, sender side: the operator's transfer secret x1 for a transfer
// to the holder of `receiver_auth_key`.
struct TransferInitRequest {
  CoinId coin_id{};
  crypto::PublicKey receiver_auth_key;
  Auth auth;  // by the current owner
};
struct TransferInitResponse {
  crypto::PrivateKey x1;
  uint32_t next_lock_time = 0;  // the receiver's backup's
};

// Transfer, receiver side: t2 = t1 - o2, from which the operator makes its
// new share s2 = s1 + t2 - x1; O2 lets it check that S2 + O2 = P.
struct TransferFinalizeRequest {
  CoinId coin_id{};
  crypto::PrivateKey t2;
  crypto::PublicKey new_owner_share;  // O2
  Auth auth;                          // by the receiver's auth key
};
struct TransferFinalizeResponse {
  crypto::PublicKey operator_share;  // S2
};

// After the cooperative withdrawal is signed: the operator erases its share.
struct WithdrawRequest {
  CoinId coin_id{};
  Auth auth;  // by the current owner
};

// What each request's signature covers, after its challenge. Each starts
// with the request's kind, so no signature passes for another kind.
Bytes AuthPayload(const DepositRequest& request);
Bytes AuthPayload(const NonceRequest& request);
Bytes AuthPayload(const SignRequest& request);
Bytes AuthPayload(const TransferInitRequest& request);
Bytes AuthPayload(const TransferFinalizeRequest& request);
Bytes AuthPayload(const WithdrawRequest& request);

// The Auth for a request with this payload and challenge.
Auth Authorize(const crypto::PrivateKey& auth_key, const Hash32& challenge, ByteView payload);
// True if `auth`'s signature is `auth_key`'s over its challenge and
// `payload`. Whether the challenge is fresh is the operator's to check.
bool AuthorizationValid(const crypto::PublicKey& auth_key, const Auth& auth, ByteView payload);

// The contexts of the deposit's share proofs: the owner's is bound to its
// auth key (it does not know the coin id yet), the operator's to the coin
// and the owner's share.
Bytes DepositProofContext(const crypto::PublicKey& auth_key);
Bytes OperatorProofContext(const CoinId& coin_id, const crypto::PublicKey& owner_share);

}  // namespace parley::settlement::statechain
