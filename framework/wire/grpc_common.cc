#include "parley/wire/grpc_common.h"

#include "parley/channel/encoding.h"

namespace parley::wire {

void ConfigureServer(grpc::ServerBuilder& builder) {
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 20'000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10'000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10'000);
}

grpc::Status ToGrpc(const Status& status) {
  using G = grpc::StatusCode;
  G code = G::UNKNOWN;
  switch (status.code()) {
    case StatusCode::kOk:
      return grpc::Status::OK;
    case StatusCode::kInvalidArgument:
      code = G::INVALID_ARGUMENT;
      break;
    case StatusCode::kNotFound:
      code = G::NOT_FOUND;
      break;
    case StatusCode::kAlreadyExists:
      code = G::ALREADY_EXISTS;
      break;
    case StatusCode::kFailedPrecondition:
      code = G::FAILED_PRECONDITION;
      break;
    case StatusCode::kPermissionDenied:
      code = G::PERMISSION_DENIED;
      break;
    case StatusCode::kAborted:
      code = G::ABORTED;
      break;
    case StatusCode::kOutOfRange:
      code = G::OUT_OF_RANGE;
      break;
    case StatusCode::kIoError:
      code = G::UNAVAILABLE;
      break;
    case StatusCode::kCorruption:
      code = G::DATA_LOSS;
      break;
    case StatusCode::kInternal:
      code = G::INTERNAL;
      break;
  }
  return {code, status.message()};
}

Status FromGrpc(const grpc::Status& status, const std::string& what) {
  using G = grpc::StatusCode;
  const std::string& m = status.error_message();
  switch (status.error_code()) {
    case G::OK:
      return Status::Ok();
    case G::INVALID_ARGUMENT:
      return Status::InvalidArgument(m);
    case G::NOT_FOUND:
      return Status::NotFound(m);
    case G::ALREADY_EXISTS:
      return Status::AlreadyExists(m);
    case G::FAILED_PRECONDITION:
      return Status::FailedPrecondition(m);
    case G::PERMISSION_DENIED:
    case G::UNAUTHENTICATED:
      return Status::PermissionDenied(m);
    case G::ABORTED:
      return Status::Aborted(m);
    case G::OUT_OF_RANGE:
      return Status::OutOfRange(m);
    case G::DATA_LOSS:
      return Status::Corruption(m);
    case G::INTERNAL:
      return Status::Internal(m);
    case G::UNAVAILABLE:
    case G::DEADLINE_EXCEEDED:
    case G::CANCELLED:
      return Status::IoError(what + ": " + m);
    default:
      return Status::Internal(what + ": " + m);
  }
}

Result<Hash32> Hash32FromBytes(const std::string& bytes, const char* what) {
  if (bytes.size() != 32) {
    return Status::InvalidArgument(std::string(what) + " is 32 bytes, got " +
                                   std::to_string(bytes.size()));
  }
  Hash32 out;
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

std::string AmountToBytes(const channel::Amount& amount) {
  Writer w;
  channel::WriteAmount(w, amount);
  return {w.bytes().begin(), w.bytes().end()};
}

Result<channel::Amount> AmountFromBytes(const std::string& bytes) {
  Reader r(AsBytes(bytes), "amount");
  channel::Amount amount;
  PARLEY_RETURN_IF_ERROR(channel::ReadAmount(r, &amount));
  PARLEY_RETURN_IF_ERROR(r.Finish());
  return amount;
}

template <typename T>
std::string ToBytes(const T& value) {
  Bytes bytes = channel::Encode(value);
  return {bytes.begin(), bytes.end()};
}

template <typename T>
Result<T> FromBytes(const std::string& bytes, const char* what) {
  return channel::Decode<T>(AsBytes(bytes), what);
}

template std::string ToBytes(const channel::Params&);
template std::string ToBytes(const channel::State&);
template std::string ToBytes(const channel::SignedState&);
template Result<channel::Params> FromBytes(const std::string&, const char*);
template Result<channel::State> FromBytes(const std::string&, const char*);
template Result<channel::SignedState> FromBytes(const std::string&, const char*);

}  // namespace parley::wire
