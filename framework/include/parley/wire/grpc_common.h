// What every gRPC service and client of Parley shares: Status <-> gRPC status,
// and canonical values <-> protobuf `bytes` fields.
#pragma once

#include <grpcpp/server_builder.h>
#include <grpcpp/support/status.h>

#include <string>

#include "parley/channel/amount.h"
#include "parley/util/status.h"

namespace parley::wire {

// Settings every gRPC server of Parley uses: one process per port (gRPC would
// otherwise let a second daemon share it silently), and keep-alive pings, so
// that a peer that vanished without closing its stream is noticed.
void ConfigureServer(grpc::ServerBuilder& builder);

// The gRPC status of the same kind, with the same message.
grpc::Status ToGrpc(const Status& status);
// The Status of the same kind; `what` names the call, for the message of
// transport failures (unreachable server, deadline).
Status FromGrpc(const grpc::Status& status, const std::string& what);

// Exactly 32 bytes, as a channel id or hash; InvalidArgument naming `what`.
Result<Hash32> Hash32FromBytes(const std::string& bytes, const char* what);

std::string AmountToBytes(const channel::Amount& amount);
Result<channel::Amount> AmountFromBytes(const std::string& bytes);

// The bytes of a canonical encoding, and back (strict, see channel/encoding.h).
template <typename T>
std::string ToBytes(const T& value);
template <typename T>
Result<T> FromBytes(const std::string& bytes, const char* what);

}  // namespace parley::wire
