// The operator: challenges, deposit, signing and the coin's public view.
// Transfers and withdrawal are in operator_transfer.cc.
#include "parley/settlement/statechain/operator.h"

#include <utility>

#include "challenge_book.h"
#include "operator_internal.h"
#include "parley/crypto/key_arithmetic.h"
#include "parley/crypto/random.h"
#include "parley/crypto/secure_erase.h"

namespace parley::settlement::statechain {

namespace two_party = crypto::two_party;

Result<CoinRecord> LoadActiveCoin(const store::Store& store, const CoinId& coin_id) {
  PARLEY_ASSIGN_OR_RETURN(CoinRecord coin, LoadCoin(store, coin_id));
  if (coin.status == CoinStatus::kInChannel) {
    return Status::FailedPrecondition(
        "coin " + ToHex(coin_id) + " is in payment channel " +
        ToHex(coin.channel_id.value_or(Hash32{})) +
        ": while the channel is open the operator signs, transfers and withdraws nothing for the "
        "coin's owner; only the channel's adjudicator co-signs (its backups and the split of its "
        "concluded state). Close the channel to settle the coin");
  }
  if (coin.status != CoinStatus::kActive) {
    return Status::FailedPrecondition("coin " + ToHex(coin_id) +
                                      " was withdrawn: the operator no longer holds a share of it");
  }
  return coin;
}

Operator::Operator(store::Store& store, const CoinLedger& ledger, OperatorOptions options)
    : store_(store),
      ledger_(ledger),
      options_(std::move(options)),
      challenges_(std::make_unique<ChallengeBook>(options_.challenge_lifetime,
                                                  options_.max_outstanding_challenges)) {}

Operator::~Operator() = default;

std::chrono::steady_clock::time_point Operator::Now() const {
  return options_.now ? options_.now() : std::chrono::steady_clock::now();
}

Status Operator::Authenticate(const crypto::PublicKey& key, const Auth& auth, ByteView payload) {
  PARLEY_RETURN_IF_ERROR(challenges_->CheckLive(auth.challenge, Now()));
  if (!AuthorizationValid(key, auth, payload)) {
    return Status::PermissionDenied(
        "the request's signature does not verify under the coin's current auth key " + key.ToHex() +
        ": only the current owner (or, to finish a transfer, its receiver) may ask");
  }
  challenges_->Spend(auth.challenge);
  return Status::Ok();
}

Result<Hash32> Operator::NewChallenge() {
  std::lock_guard lock(mu_);
  return challenges_->Issue(Now());
}

Result<DepositResponse> Operator::DepositInit(const DepositRequest& request) {
  std::lock_guard lock(mu_);
  PARLEY_RETURN_IF_ERROR(Authenticate(request.auth_key, request.auth, AuthPayload(request)));
  // Without this proof a depositor could announce O1 = X - S1 after seeing
  // S1 and own P = X alone.
  PARLEY_RETURN_IF_ERROR(two_party::VerifyShareProof(
      request.owner_share, DepositProofContext(request.auth_key), request.share_proof));
  const uint64_t lock_time = ledger_.Height() + options_.protocol.initlock;
  if (lock_time >= kLockTimeThreshold) {
    return Status::FailedPrecondition("the first backup's lock time " + std::to_string(lock_time) +
                                      " would not be a block height; lower initlock");
  }

  const CoinId coin_id = crypto::RandomHash32();
  const crypto::PrivateKey share = crypto::PrivateKey::Generate();
  PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey coin_key,
                          crypto::AddPublicKeys(request.owner_share, share.public_key()));
  const CoinRecord coin{.coin_key = coin_key,
                        .auth_key = request.auth_key,
                        .lock_time = static_cast<uint32_t>(lock_time)};
  Hash32 secret = share.SecretBytes();
  store::WriteBatch batch;
  batch.Put(CoinRecordKey(coin_id), Encode(coin));
  batch.Put(ShareKey(coin_id), Bytes(secret.begin(), secret.end()));
  crypto::SecureErase(secret);
  PARLEY_RETURN_IF_ERROR(store_.Write(batch));
  return DepositResponse{.coin_id = coin_id,
                         .operator_share = share.public_key(),
                         .share_proof = two_party::ProveShare(
                             share, OperatorProofContext(coin_id, request.owner_share)),
                         .lock_time = coin.lock_time};
}

Result<NonceResponse> Operator::NonceCommit(const NonceRequest& request) {
  std::lock_guard lock(mu_);
  PARLEY_ASSIGN_OR_RETURN(CoinRecord coin, LoadActiveCoin(store_, request.coin_id));
  PARLEY_RETURN_IF_ERROR(Authenticate(coin.auth_key, request.auth, AuthPayload(request)));
  PARLEY_ASSIGN_OR_RETURN(crypto::PrivateKey share, LoadShare(store_, request.coin_id));

  const Hash32 nonce_id = crypto::RandomHash32();
  Bytes extra(request.coin_id.begin(), request.coin_id.end());
  extra.insert(extra.end(), nonce_id.begin(), nonce_id.end());
  PARLEY_ASSIGN_OR_RETURN(two_party::GeneratedNonce nonce, two_party::NonceGen(share, extra));
  std::array<uint8_t, two_party::SecretNonce::kSize> secret = nonce.secret.SecretBytes();
  const NonceRecord record{.issued_to = coin.auth_key,
                           .public_nonce = nonce.public_nonce,
                           .secret = Bytes(secret.begin(), secret.end())};
  crypto::SecureErase(secret);
  PARLEY_RETURN_IF_ERROR(store_.Put(NonceKey(request.coin_id, nonce_id), Encode(record)));
  return NonceResponse{.nonce_id = nonce_id, .nonce = nonce.public_nonce};
}

Result<two_party::PartialSignature> Operator::PartialSign(const SignRequest& request) {
  std::lock_guard lock(mu_);
  PARLEY_ASSIGN_OR_RETURN(CoinRecord coin, LoadActiveCoin(store_, request.coin_id));
  PARLEY_RETURN_IF_ERROR(Authenticate(coin.auth_key, request.auth, AuthPayload(request)));
  PARLEY_ASSIGN_OR_RETURN(NonceRecord nonce, LoadNonce(store_, request.coin_id, request.nonce_id));
  if (!nonce.secret) {
    // Two challenges signed with one nonce would give away s: never.
    return Status::FailedPrecondition("nonce " + ToHex(request.nonce_id) +
                                      " has already signed; call NonceCommit for a new one");
  }
  if (!(nonce.issued_to == coin.auth_key)) {
    return Status::PermissionDenied("nonce " + ToHex(request.nonce_id) +
                                    " was issued to a previous owner; call NonceCommit");
  }
  PARLEY_ASSIGN_OR_RETURN(crypto::PrivateKey share, LoadShare(store_, request.coin_id));
  PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey owner_share,
                          crypto::SubtractPublicKeys(coin.coin_key, share.public_key()));
  const two_party::Session session{.owner_share = owner_share,
                                   .operator_share = share.public_key(),
                                   .owner_nonce = request.owner_nonce,
                                   .operator_nonce = nonce.public_nonce,
                                   .message = request.message};
  PARLEY_ASSIGN_OR_RETURN(two_party::SecretNonce secret,
                          two_party::SecretNonce::FromBytes(*nonce.secret));
  crypto::SecureErase(*nonce.secret);
  // A failed Sign reveals nothing (it checks its inputs before it computes),
  // so the stored nonce stays usable then.
  PARLEY_ASSIGN_OR_RETURN(two_party::PartialSignature partial_signature,
                          two_party::Sign(secret, share, session, two_party::Party::kOperator));

  // The nonce's erasure and the count go out together, before the signature.
  nonce.secret.reset();
  ++coin.signature_count;
  store::WriteBatch batch;
  batch.Put(NonceKey(request.coin_id, request.nonce_id), Encode(nonce));
  batch.Put(CoinRecordKey(request.coin_id), Encode(coin));
  PARLEY_RETURN_IF_ERROR(store_.Write(batch));
  return partial_signature;
}

Result<CoinInfo> Operator::GetCoinInfo(const CoinId& coin_id) {
  std::lock_guard lock(mu_);
  PARLEY_ASSIGN_OR_RETURN(CoinRecord coin, LoadCoin(store_, coin_id));
  CoinInfo info{.status = coin.status,
                .coin_key = coin.coin_key,
                .signature_count = coin.signature_count,
                .lock_time = coin.lock_time,
                .channel_id = coin.channel_id};
  if (coin.status != CoinStatus::kActive) return info;
  PARLEY_ASSIGN_OR_RETURN(crypto::PrivateKey share, LoadShare(store_, coin_id));
  info.operator_share = share.public_key();
  Result<TransferRecord> transfer = LoadTransfer(store_, coin_id);
  if (transfer.ok()) {
    info.pending_transfer = PendingTransfer{.receiver_auth_key = transfer->receiver_auth_key,
                                            .x_point = transfer->x.public_key(),
                                            .next_lock_time = transfer->next_lock_time};
  } else if (transfer.status().code() != StatusCode::kNotFound) {
    return transfer.status();
  }
  return info;
}

Result<uint64_t> Operator::SignatureCount(const CoinId& coin_id) {
  PARLEY_ASSIGN_OR_RETURN(CoinInfo info, GetCoinInfo(coin_id));
  return info.signature_count;
}

}  // namespace parley::settlement::statechain
