// The statechain operator's requests and responses (requests.h) as the
// messages of proto/parley/v1/statechain.proto, both ways. The service
// (rpc/statechain_service.h) and RemoteOperator share it.
//
// Every FromProto checks every field: a missing message, a field of the
// wrong size or an invalid key is InvalidArgument naming the field, so a
// malformed request never reaches the operator.
#pragma once

#include "parley/crypto/two_party_schnorr.h"
#include "parley/settlement/statechain/requests.h"
#include "parley/settlement/statechain/types.h"
#include "parley/util/status.h"
#include "parley/v1/statechain.pb.h"

namespace parley::settlement::statechain {

// A 32-byte field (an id, a challenge, a message) named `field`.
Result<Hash32> Hash32FromProto(const std::string& bytes, const char* field);
// A 33-byte compressed key, a 64-byte BIP340 signature, a request's auth
// (`present`: whether the request has one), each checked like the rest.
Result<crypto::PublicKey> KeyFromProto(const std::string& bytes, const char* field);
Result<crypto::Signature> SignatureFromProto(const std::string& bytes, const char* field);
v1::StatechainAuth ToProto(const Auth& auth);
Result<Auth> AuthFromProto(bool present, const v1::StatechainAuth& auth);

v1::DepositInitRequest ToProto(const DepositRequest& request);
v1::DepositInitReply ToProto(const DepositResponse& response);
v1::NonceCommitRequest ToProto(const NonceRequest& request);
v1::NonceCommitReply ToProto(const NonceResponse& response);
v1::PartialSignRequest ToProto(const SignRequest& request);
v1::PartialSignReply ToProto(const crypto::two_party::PartialSignature& partial_signature);
v1::TransferSenderInitRequest ToProto(const TransferInitRequest& request);
v1::TransferSenderInitReply ToProto(const TransferInitResponse& response);
v1::TransferReceiverFinalizeRequest ToProto(const TransferFinalizeRequest& request);
v1::TransferReceiverFinalizeReply ToProto(const TransferFinalizeResponse& response);
v1::StatecoinWithdrawRequest ToProto(const WithdrawRequest& request);
v1::CoinInfoReply ToProto(const CoinInfo& info);

Result<DepositRequest> FromProto(const v1::DepositInitRequest& request);
Result<DepositResponse> FromProto(const v1::DepositInitReply& response);
Result<NonceRequest> FromProto(const v1::NonceCommitRequest& request);
Result<NonceResponse> FromProto(const v1::NonceCommitReply& response);
Result<SignRequest> FromProto(const v1::PartialSignRequest& request);
Result<crypto::two_party::PartialSignature> FromProto(const v1::PartialSignReply& response);
Result<TransferInitRequest> FromProto(const v1::TransferSenderInitRequest& request);
Result<TransferInitResponse> FromProto(const v1::TransferSenderInitReply& response);
Result<TransferFinalizeRequest> FromProto(const v1::TransferReceiverFinalizeRequest& request);
Result<TransferFinalizeResponse> FromProto(const v1::TransferReceiverFinalizeReply& response);
Result<WithdrawRequest> FromProto(const v1::StatecoinWithdrawRequest& request);
Result<CoinInfo> FromProto(const v1::CoinInfoReply& info);

}  // namespace parley::settlement::statechain
