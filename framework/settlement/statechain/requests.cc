#include "parley/settlement/statechain/requests.h"

#include <string_view>

#include "parley/crypto/hash.h"
#include "parley/util/codec.h"

namespace parley::settlement::statechain {
namespace {

Writer Begin(std::string_view kind) {
  Writer w;
  w.String(kind);
  return w;
}

Hash32 AuthDigest(const Hash32& challenge, ByteView payload) {
  Bytes data(challenge.begin(), challenge.end());
  data.insert(data.end(), payload.begin(), payload.end());
  return crypto::TaggedHash("Parley/statechain/auth", data);
}

}  // namespace

Bytes AuthPayload(const DepositRequest& request) {
  Writer w = Begin("deposit");
  w.Fixed(request.auth_key.bytes());
  w.Fixed(request.owner_share.bytes());
  w.Fixed(request.share_proof);
  return w.Take();
}

Bytes AuthPayload(const NonceRequest& request) {
  Writer w = Begin("nonce");
  w.Fixed(request.coin_id);
  return w.Take();
}

Bytes AuthPayload(const SignRequest& request) {
  Writer w = Begin("sign");
  w.Fixed(request.coin_id);
  w.Fixed(request.nonce_id);
  w.Fixed(request.owner_nonce);
  w.Fixed(request.message);
  return w.Take();
}

Bytes AuthPayload(const TransferInitRequest& request) {
  Writer w = Begin("transfer-init");
  w.Fixed(request.coin_id);
  w.Fixed(request.receiver_auth_key.bytes());
  return w.Take();
}

Bytes AuthPayload(const TransferFinalizeRequest& request) {
  Writer w = Begin("transfer-finalize");
  w.Fixed(request.coin_id);
  // t2 is covered through its public point: the payload need not hold a secret.
  w.Fixed(request.t2.public_key().bytes());
  w.Fixed(request.new_owner_share.bytes());
  return w.Take();
}

Bytes AuthPayload(const WithdrawRequest& request) {
  Writer w = Begin("withdraw");
  w.Fixed(request.coin_id);
  return w.Take();
}

Auth Authorize(const crypto::PrivateKey& auth_key, const Hash32& challenge, ByteView payload) {
  return {.challenge = challenge,
          .signature = crypto::SchnorrSign(auth_key, AuthDigest(challenge, payload))};
}

bool AuthorizationValid(const crypto::PublicKey& auth_key, const Auth& auth, ByteView payload) {
  return crypto::SchnorrVerify(auth_key, AuthDigest(auth.challenge, payload), auth.signature);
}

Bytes DepositProofContext(const crypto::PublicKey& auth_key) {
  Writer w = Begin("Parley/statechain/deposit-owner-share");
  w.Fixed(auth_key.bytes());
  return w.Take();
}

Bytes OperatorProofContext(const CoinId& coin_id, const crypto::PublicKey& owner_share) {
  Writer w = Begin("Parley/statechain/deposit-operator-share");
  w.Fixed(coin_id);
  w.Fixed(owner_share.bytes());
  return w.Take();
}

}  // namespace parley::settlement::statechain
