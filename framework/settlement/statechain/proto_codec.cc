#include "parley/settlement/statechain/proto_codec.h"

#include <algorithm>
#include <string>

namespace parley::settlement::statechain {

namespace two_party = crypto::two_party;

namespace {

template <size_t N>
std::string Str(const std::array<uint8_t, N>& bytes) {
  return {bytes.begin(), bytes.end()};
}
std::string Str(const crypto::PublicKey& key) { return {key.bytes().begin(), key.bytes().end()}; }
std::string Secret(const crypto::PrivateKey& key) { return Str(key.SecretBytes()); }

template <size_t N>
Result<std::array<uint8_t, N>> Fixed(const std::string& bytes, const char* field) {
  if (bytes.size() != N) {
    return Status::InvalidArgument(std::string(field) + " must be " + std::to_string(N) +
                                   " bytes, not " + std::to_string(bytes.size()));
  }
  std::array<uint8_t, N> out{};
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

Result<crypto::PublicKey> Key(const std::string& bytes, const char* field) {
  if (bytes.size() != crypto::PublicKey::kSize) {
    return Status::InvalidArgument(std::string(field) + " must be a 33-byte compressed key, not " +
                                   std::to_string(bytes.size()) + " bytes");
  }
  Result<crypto::PublicKey> key = crypto::PublicKey::FromBytes(AsBytes(bytes));
  if (!key.ok()) return Status::InvalidArgument(std::string(field) + ": " + key.status().message());
  return key;
}

Result<crypto::PrivateKey> Scalar(const std::string& bytes, const char* field) {
  if (bytes.size() != crypto::PrivateKey::kSize) {
    return Status::InvalidArgument(std::string(field) + " must be a 32-byte scalar, not " +
                                   std::to_string(bytes.size()) + " bytes");
  }
  Result<crypto::PrivateKey> key = crypto::PrivateKey::FromBytes(AsBytes(bytes));
  if (!key.ok()) return Status::InvalidArgument(std::string(field) + ": " + key.status().message());
  return key;
}

v1::StatechainAuth AuthToProto(const Auth& auth) {
  v1::StatechainAuth out;
  out.set_challenge(Str(auth.challenge));
  out.set_signature(Str(auth.signature));
  return out;
}

template <typename M>
Result<Auth> AuthFromProto(const M& request) {
  if (!request.has_auth()) {
    return Status::InvalidArgument("auth is missing: sign a challenge from NewChallenge");
  }
  Auth auth;
  PARLEY_ASSIGN_OR_RETURN(auth.challenge, Fixed<32>(request.auth().challenge(), "auth.challenge"));
  PARLEY_ASSIGN_OR_RETURN(auth.signature, Fixed<64>(request.auth().signature(), "auth.signature"));
  return auth;
}

}  // namespace

Result<Hash32> Hash32FromProto(const std::string& bytes, const char* field) {
  return Fixed<32>(bytes, field);
}

Result<crypto::PublicKey> KeyFromProto(const std::string& bytes, const char* field) {
  return Key(bytes, field);
}

Result<crypto::Signature> SignatureFromProto(const std::string& bytes, const char* field) {
  return Fixed<64>(bytes, field);
}

v1::StatechainAuth ToProto(const Auth& auth) { return AuthToProto(auth); }

Result<Auth> AuthFromProto(bool present, const v1::StatechainAuth& auth) {
  if (!present)
    return Status::InvalidArgument("auth is missing: sign a challenge from NewChallenge");
  Auth out;
  PARLEY_ASSIGN_OR_RETURN(out.challenge, Fixed<32>(auth.challenge(), "auth.challenge"));
  PARLEY_ASSIGN_OR_RETURN(out.signature, Fixed<64>(auth.signature(), "auth.signature"));
  return out;
}

v1::DepositInitRequest ToProto(const DepositRequest& request) {
  v1::DepositInitRequest out;
  out.set_auth_key(Str(request.auth_key));
  out.set_owner_share(Str(request.owner_share));
  out.set_share_proof(Str(request.share_proof));
  *out.mutable_auth() = AuthToProto(request.auth);
  return out;
}

v1::DepositInitReply ToProto(const DepositResponse& response) {
  v1::DepositInitReply out;
  out.set_coin_id(Str(response.coin_id));
  out.set_operator_share(Str(response.operator_share));
  out.set_share_proof(Str(response.share_proof));
  out.set_lock_time(response.lock_time);
  return out;
}

v1::NonceCommitRequest ToProto(const NonceRequest& request) {
  v1::NonceCommitRequest out;
  out.set_coin_id(Str(request.coin_id));
  *out.mutable_auth() = AuthToProto(request.auth);
  return out;
}

v1::NonceCommitReply ToProto(const NonceResponse& response) {
  v1::NonceCommitReply out;
  out.set_nonce_id(Str(response.nonce_id));
  out.set_nonce(Str(response.nonce));
  return out;
}

v1::PartialSignRequest ToProto(const SignRequest& request) {
  v1::PartialSignRequest out;
  out.set_coin_id(Str(request.coin_id));
  out.set_nonce_id(Str(request.nonce_id));
  out.set_owner_nonce(Str(request.owner_nonce));
  out.set_message(Str(request.message));
  *out.mutable_auth() = AuthToProto(request.auth);
  return out;
}

v1::PartialSignReply ToProto(const two_party::PartialSignature& partial_signature) {
  v1::PartialSignReply out;
  out.set_partial_signature(Str(partial_signature));
  return out;
}

v1::TransferSenderInitRequest ToProto(const TransferInitRequest& request) {
  v1::TransferSenderInitRequest out;
  out.set_coin_id(Str(request.coin_id));
  out.set_receiver_auth_key(Str(request.receiver_auth_key));
  *out.mutable_auth() = AuthToProto(request.auth);
  return out;
}

v1::TransferSenderInitReply ToProto(const TransferInitResponse& response) {
  v1::TransferSenderInitReply out;
  out.set_x1(Secret(response.x1));
  out.set_next_lock_time(response.next_lock_time);
  return out;
}

v1::TransferReceiverFinalizeRequest ToProto(const TransferFinalizeRequest& request) {
  v1::TransferReceiverFinalizeRequest out;
  out.set_coin_id(Str(request.coin_id));
  out.set_t2(Secret(request.t2));
  out.set_new_owner_share(Str(request.new_owner_share));
  *out.mutable_auth() = AuthToProto(request.auth);
  return out;
}

v1::TransferReceiverFinalizeReply ToProto(const TransferFinalizeResponse& response) {
  v1::TransferReceiverFinalizeReply out;
  out.set_operator_share(Str(response.operator_share));
  return out;
}

v1::StatecoinWithdrawRequest ToProto(const WithdrawRequest& request) {
  v1::StatecoinWithdrawRequest out;
  out.set_coin_id(Str(request.coin_id));
  *out.mutable_auth() = AuthToProto(request.auth);
  return out;
}

v1::CoinInfoReply ToProto(const CoinInfo& info) {
  v1::CoinInfoReply out;
  switch (info.status) {
    case CoinStatus::kActive:
      out.set_status(v1::COIN_STATUS_ACTIVE);
      break;
    case CoinStatus::kWithdrawn:
      out.set_status(v1::COIN_STATUS_WITHDRAWN);
      break;
    case CoinStatus::kInChannel:
      out.set_status(v1::COIN_STATUS_IN_CHANNEL);
      break;
  }
  if (info.channel_id) out.set_channel_id(Str(*info.channel_id));
  out.set_coin_key(Str(info.coin_key));
  if (info.operator_share) out.set_operator_share(Str(*info.operator_share));
  out.set_signature_count(info.signature_count);
  out.set_lock_time(info.lock_time);
  if (info.pending_transfer) {
    v1::PendingTransferInfo* pending = out.mutable_pending_transfer();
    pending->set_receiver_auth_key(Str(info.pending_transfer->receiver_auth_key));
    pending->set_x_point(Str(info.pending_transfer->x_point));
    pending->set_next_lock_time(info.pending_transfer->next_lock_time);
  }
  return out;
}

Result<DepositRequest> FromProto(const v1::DepositInitRequest& request) {
  PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey auth_key, Key(request.auth_key(), "auth_key"));
  PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey owner_share, Key(request.owner_share(), "owner_share"));
  DepositRequest out{.auth_key = auth_key, .owner_share = owner_share};
  PARLEY_ASSIGN_OR_RETURN(out.share_proof, Fixed<64>(request.share_proof(), "share_proof"));
  PARLEY_ASSIGN_OR_RETURN(out.auth, AuthFromProto(request));
  return out;
}

Result<DepositResponse> FromProto(const v1::DepositInitReply& response) {
  PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey operator_share,
                          Key(response.operator_share(), "operator_share"));
  DepositResponse out{.operator_share = operator_share};
  PARLEY_ASSIGN_OR_RETURN(out.coin_id, Fixed<32>(response.coin_id(), "coin_id"));
  PARLEY_ASSIGN_OR_RETURN(out.share_proof, Fixed<64>(response.share_proof(), "share_proof"));
  out.lock_time = response.lock_time();
  return out;
}

Result<NonceRequest> FromProto(const v1::NonceCommitRequest& request) {
  NonceRequest out;
  PARLEY_ASSIGN_OR_RETURN(out.coin_id, Fixed<32>(request.coin_id(), "coin_id"));
  PARLEY_ASSIGN_OR_RETURN(out.auth, AuthFromProto(request));
  return out;
}

Result<NonceResponse> FromProto(const v1::NonceCommitReply& response) {
  NonceResponse out;
  PARLEY_ASSIGN_OR_RETURN(out.nonce_id, Fixed<32>(response.nonce_id(), "nonce_id"));
  PARLEY_ASSIGN_OR_RETURN(out.nonce, Fixed<66>(response.nonce(), "nonce"));
  return out;
}

Result<SignRequest> FromProto(const v1::PartialSignRequest& request) {
  SignRequest out;
  PARLEY_ASSIGN_OR_RETURN(out.coin_id, Fixed<32>(request.coin_id(), "coin_id"));
  PARLEY_ASSIGN_OR_RETURN(out.nonce_id, Fixed<32>(request.nonce_id(), "nonce_id"));
  PARLEY_ASSIGN_OR_RETURN(out.owner_nonce, Fixed<66>(request.owner_nonce(), "owner_nonce"));
  PARLEY_ASSIGN_OR_RETURN(out.message, Fixed<32>(request.message(), "message"));
  PARLEY_ASSIGN_OR_RETURN(out.auth, AuthFromProto(request));
  return out;
}

Result<two_party::PartialSignature> FromProto(const v1::PartialSignReply& response) {
  return Fixed<32>(response.partial_signature(), "partial_signature");
}

Result<TransferInitRequest> FromProto(const v1::TransferSenderInitRequest& request) {
  PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey receiver,
                          Key(request.receiver_auth_key(), "receiver_auth_key"));
  TransferInitRequest out{.receiver_auth_key = receiver};
  PARLEY_ASSIGN_OR_RETURN(out.coin_id, Fixed<32>(request.coin_id(), "coin_id"));
  PARLEY_ASSIGN_OR_RETURN(out.auth, AuthFromProto(request));
  return out;
}

Result<TransferInitResponse> FromProto(const v1::TransferSenderInitReply& response) {
  PARLEY_ASSIGN_OR_RETURN(crypto::PrivateKey x1, Scalar(response.x1(), "x1"));
  return TransferInitResponse{.x1 = x1, .next_lock_time = response.next_lock_time()};
}

Result<TransferFinalizeRequest> FromProto(const v1::TransferReceiverFinalizeRequest& request) {
  PARLEY_ASSIGN_OR_RETURN(Hash32 coin_id, Fixed<32>(request.coin_id(), "coin_id"));
  PARLEY_ASSIGN_OR_RETURN(crypto::PrivateKey t2, Scalar(request.t2(), "t2"));
  PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey new_owner_share,
                          Key(request.new_owner_share(), "new_owner_share"));
  TransferFinalizeRequest out{.coin_id = coin_id, .t2 = t2, .new_owner_share = new_owner_share};
  PARLEY_ASSIGN_OR_RETURN(out.auth, AuthFromProto(request));
  return out;
}

Result<TransferFinalizeResponse> FromProto(const v1::TransferReceiverFinalizeReply& response) {
  PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey operator_share,
                          Key(response.operator_share(), "operator_share"));
  return TransferFinalizeResponse{.operator_share = operator_share};
}

Result<WithdrawRequest> FromProto(const v1::StatecoinWithdrawRequest& request) {
  WithdrawRequest out;
  PARLEY_ASSIGN_OR_RETURN(out.coin_id, Fixed<32>(request.coin_id(), "coin_id"));
  PARLEY_ASSIGN_OR_RETURN(out.auth, AuthFromProto(request));
  return out;
}

Result<CoinInfo> FromProto(const v1::CoinInfoReply& info) {
  CoinStatus status;
  switch (info.status()) {
    case v1::COIN_STATUS_ACTIVE:
      status = CoinStatus::kActive;
      break;
    case v1::COIN_STATUS_WITHDRAWN:
      status = CoinStatus::kWithdrawn;
      break;
    case v1::COIN_STATUS_IN_CHANNEL:
      status = CoinStatus::kInChannel;
      break;
    default:
      return Status::InvalidArgument("status " + std::to_string(info.status()) +
                                     " is not a coin status");
  }
  PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey coin_key, Key(info.coin_key(), "coin_key"));
  CoinInfo out{.status = status,
               .coin_key = coin_key,
               .signature_count = info.signature_count(),
               .lock_time = info.lock_time()};
  if (!info.operator_share().empty()) {
    PARLEY_ASSIGN_OR_RETURN(out.operator_share, Key(info.operator_share(), "operator_share"));
  }
  if (status == CoinStatus::kInChannel) {
    PARLEY_ASSIGN_OR_RETURN(out.channel_id, Fixed<32>(info.channel_id(), "channel_id"));
  }
  if (info.has_pending_transfer()) {
    const v1::PendingTransferInfo& pending = info.pending_transfer();
    PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey receiver,
                            Key(pending.receiver_auth_key(), "pending_transfer.receiver_auth_key"));
    PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey x_point,
                            Key(pending.x_point(), "pending_transfer.x_point"));
    out.pending_transfer = PendingTransfer{.receiver_auth_key = receiver,
                                           .x_point = x_point,
                                           .next_lock_time = pending.next_lock_time()};
  }
  return out;
}

}  // namespace parley::settlement::statechain
