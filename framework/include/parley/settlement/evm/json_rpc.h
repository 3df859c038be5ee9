// JsonRpc: a client of a JSON-RPC 2.0 server over HTTP/1.1, the way Ethereum
// nodes serve it (docs/evm.md).
//
// One keep-alive connection is reused from call to call and reopened after a
// failure. Calls are synchronous and may come from any thread; they are
// serialized. Whatever the node sends (a closed socket, bytes that are not
// HTTP or not JSON, a reply to another call) yields a Status, never a crash.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "parley/util/status.h"

namespace parley::settlement::evm {

struct JsonRpcOptions {
  // How long one Call may take in all: resolving, connecting, sending and
  // receiving (default: 10 s).
  std::chrono::milliseconds timeout = std::chrono::seconds(10);

  // The largest reply body accepted, in bytes (default: 64 MiB, room for a
  // large eth_getLogs).
  size_t max_reply_size = size_t{64} << 20;
};

// The error object of a JSON-RPC reply: the node received the call and
// refused it.
struct RpcError {
  int64_t code = 0;
  std::string message;
  // Absent (null) unless the node sent one. Ethereum nodes put the revert data
  // of eth_call and eth_estimateGas here, as a "0x..." hex string.
  nlohmann::json data;
};

class JsonRpc {
 public:
  // A client of the server at `endpoint`, "http://HOST[:PORT][/PATH]" (port
  // 80 and path "/" by default; HOST a name, an IPv4 address or a bracketed
  // IPv6 address). InvalidArgument for anything else, https included.
  // Connects only at the first Call.
  static Result<std::unique_ptr<JsonRpc>> Open(std::string_view endpoint,
                                               JsonRpcOptions options = {});

  JsonRpc(const JsonRpc&) = delete;
  JsonRpc& operator=(const JsonRpc&) = delete;
  ~JsonRpc();

  // Calls `method` with `params` (an array or an object) and returns the
  // reply's "result", which may be null.
  //
  // Returns IoError naming the endpoint if it cannot be reached, breaks the
  // connection or does not reply within the timeout; InvalidArgument if the
  // reply is not a JSON-RPC 2.0 response to this call. If the node replies
  // with an error object, returns a Status whose message holds its code,
  // message and data, with the code mapped so:
  //   -32700, -32600, -32602 (the node could not read the call): InvalidArgument
  //   -32601 (no such method): NotFound
  //   anything else (a revert, a rejected transaction, ...): FailedPrecondition
  // If `error` is not null, *error is that error object, and a default
  // RpcError (code 0) whenever there is none.
  Result<nlohmann::json> Call(std::string_view method, nlohmann::json params,
                              RpcError* error = nullptr);

  // The endpoint as given to Open.
  const std::string& endpoint() const;

 private:
  class Impl;
  explicit JsonRpc(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::settlement::evm
