#include "parley/settlement/evm/json_rpc.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cassert>
#include <cctype>
#include <exception>
#include <mutex>
#include <optional>

namespace parley::settlement::evm {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using json = nlohmann::json;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// The parts of "http://HOST[:PORT][/PATH]".
struct Endpoint {
  std::string host;       // without brackets
  std::string port;       // digits
  std::string authority;  // HOST[:PORT] as given, for the Host header
  std::string target;     // "/" or the path
};

bool IsHostChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
}

Result<Endpoint> ParseEndpoint(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("bad JSON-RPC endpoint \"" + std::string(text) + "\": " + why +
                                   "; expected http://HOST:PORT, e.g. http://127.0.0.1:8545");
  };
  constexpr std::string_view kScheme = "http://";
  if (text.substr(0, kScheme.size()) != kScheme) return bad("only http:// is supported");
  std::string_view rest = text.substr(kScheme.size());
  size_t slash = rest.find('/');
  Endpoint e;
  e.authority = std::string(rest.substr(0, slash));
  e.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  std::string_view authority = e.authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {  // [IPv6]
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("unclosed [");
    e.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return bad("junk after ]");
    if (!after.empty()) port = after.substr(1);
    for (char c : e.host) {
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') {
        return bad("bad IPv6 address");
      }
    }
  } else {
    size_t colon = authority.find(':');
    e.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    for (char c : e.host) {
      if (!IsHostChar(c)) return bad("bad character in host name");
    }
  }
  if (e.host.empty()) return bad("no host");
  if (port.empty()) {
    if (authority.back() == ':') return bad("empty port");
    port = "80";
  }
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos ||
      std::stoul(std::string(port)) == 0 || std::stoul(std::string(port)) > 65535) {
    return bad("port must be a number from 1 to 65535");
  }
  e.port = std::string(port);
  return e;
}

// `value` as compact JSON, cut to about 200 characters for a message.
std::string Excerpt(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  constexpr size_t kMax = 200;
  if (text.size() > kMax) text = text.substr(0, kMax) + "...";
  return text;
}

StatusCode CodeOfRpcError(int64_t rpc_code) {
  switch (rpc_code) {
    case -32700:  // parse error
    case -32600:  // invalid request
    case -32602:  // invalid params
      return StatusCode::kInvalidArgument;
    case -32601:  // method not found
      return StatusCode::kNotFound;
    default:
      return StatusCode::kFailedPrecondition;
  }
}

}  // namespace

class JsonRpc::Impl {
 public:
  Impl(std::string endpoint, Endpoint parts, JsonRpcOptions options)
      : endpoint_(std::move(endpoint)), parts_(std::move(parts)), options_(options) {}

  const std::string& endpoint() const { return endpoint_; }

  Result<json> Call(std::string_view method, const json& params, RpcError* error) {
    assert((params.is_array() || params.is_object()) && "JSON-RPC params are an array or object");
    if (error != nullptr) *error = RpcError{};
    std::lock_guard<std::mutex> lock(mu_);
    const uint64_t id = next_id_++;
    const json request = {
        {"jsonrpc", "2.0"}, {"id", id}, {"method", std::string(method)}, {"params", params}};
    try {
      unsigned http_status = 0;
      std::string body;
      PARLEY_RETURN_IF_ERROR(Exchange(method,
                                      request.dump(-1, ' ', false, json::error_handler_t::replace),
                                      &http_status, &body));
      return Interpret(method, id, http_status, body, error);
    } catch (const std::exception& e) {  // none is expected; keep the promise not to throw
      Close();
      return Status::Internal("JSON-RPC call " + std::string(method) + " to " + endpoint_ +
                              " threw: " + e.what());
    }
  }

 private:
  // Sends `request` over the open connection, or a new one, and reads the
  // reply. A reused connection that fails (the server may have closed it
  // while idle) is replaced by a new one, once.
  Status Exchange(std::string_view method, const std::string& request, unsigned* http_status,
                  std::string* body) {
    const Clock::time_point deadline = Clock::now() + options_.timeout;
    for (;;) {
      const bool reused = socket_.is_open();
      if (!reused) {
        error_code ec = Connect(deadline);
        if (ec) {
          Close();
          if (ec == asio::error::timed_out) return TimedOut(method);
          return Status::IoError("cannot reach the JSON-RPC endpoint " + endpoint_ + ": " +
                                 ec.message() + " (is the node running, at that address?)");
        }
      }
      bool keep_alive = false;
      error_code ec = SendAndReceive(request, http_status, body, &keep_alive, deadline);
      if (!ec) {
        if (!keep_alive) Close();
        return Status::Ok();
      }
      Close();
      if (ec == asio::error::timed_out) return TimedOut(method);
      if (!reused) {
        return Status::IoError("JSON-RPC call " + std::string(method) + " to " + endpoint_ +
                               " failed: " + ec.message());
      }
    }
  }

  error_code Connect(Clock::time_point deadline) {
    tcp::resolver::results_type addresses;
    error_code ec = Await(
        [&](auto done) {
          resolver_.async_resolve(
              parts_.host, parts_.port,
              [&addresses, done](error_code resolved, tcp::resolver::results_type r) {
                addresses = std::move(r);
                done(resolved);
              });
        },
        deadline);
    if (ec) return ec;
    return Await([&](auto done) { asio::async_connect(socket_, addresses, done); }, deadline);
  }

  error_code SendAndReceive(const std::string& request, unsigned* http_status, std::string* body,
                            bool* keep_alive, Clock::time_point deadline) {
    http::request<http::string_body> out{http::verb::post, parts_.target, 11};
    out.set(http::field::host, parts_.authority);
    out.set(http::field::user_agent, "parley");
    out.set(http::field::content_type, "application/json");
    out.keep_alive(true);
    out.body() = request;
    out.prepare_payload();
    error_code ec = Await([&](auto done) { http::async_write(socket_, out, done); }, deadline);
    if (ec) return ec;
    http::response_parser<http::string_body> parser;
    parser.body_limit(options_.max_reply_size);
    ec = Await([&](auto done) { http::async_read(socket_, buffer_, parser, done); }, deadline);
    if (ec) return ec;
    *http_status = parser.get().result_int();
    *keep_alive = parser.get().keep_alive();
    *body = std::move(parser.get().body());
    return {};
  }

  // Starts an operation with `start(done)` and runs it to completion, or
  // cancels it at `deadline` and returns timed_out.
  template <typename Start>
  error_code Await(Start start, Clock::time_point deadline) {
    std::optional<error_code> result;
    start([&result](error_code ec, auto&&...) { result = ec; });
    io_.restart();
    io_.run_until(deadline);
    if (result) return *result;
    Close();
    io_.restart();
    io_.run();  // the cancelled operation completes
    return asio::error::timed_out;
  }

  void Close() {
    resolver_.cancel();
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    buffer_.consume(buffer_.size());
  }

  Status TimedOut(std::string_view method) const {
    return Status::IoError("no reply from the JSON-RPC endpoint " + endpoint_ + " to " +
                           std::string(method) + " within " +
                           std::to_string(options_.timeout.count()) + " ms");
  }

  // The result of reply `body` to call `id`, or the Status it stands for.
  Result<json> Interpret(std::string_view method, uint64_t id, unsigned http_status,
                         const std::string& body, RpcError* error) const {
    auto malformed = [&](const std::string& why) -> Status {
      if (http_status < 200 || http_status > 299) {
        return Status::IoError("the JSON-RPC endpoint " + endpoint_ + " answered " +
                               std::string(method) + " with HTTP status " +
                               std::to_string(http_status));
      }
      return Status::InvalidArgument("the JSON-RPC endpoint " + endpoint_ +
                                     " sent a malformed reply to " + std::string(method) + ": " +
                                     why);
    };
    const json reply = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (reply.is_discarded()) return malformed("not JSON");
    if (!reply.is_object()) return malformed("not a JSON object: " + Excerpt(reply));
    auto id_field = reply.find("id");
    auto error_field = reply.find("error");
    const bool has_error = error_field != reply.end() && !error_field->is_null();
    const bool id_matches = id_field != reply.end() && *id_field == json(id);
    const bool id_null = id_field == reply.end() || id_field->is_null();
    if (!id_matches && !(has_error && id_null)) {
      return malformed("it answers call id " +
                       (id_field == reply.end() ? std::string("(none)") : Excerpt(*id_field)) +
                       ", not " + std::to_string(id));
    }
    if (has_error) {
      if (!error_field->is_object()) return malformed("error is not an object");
      auto code = error_field->find("code");
      if (code == error_field->end() || !code->is_number_integer()) {
        return malformed("error has no integer code");
      }
      RpcError e;
      e.code = code->get<int64_t>();
      auto message = error_field->find("message");
      if (message != error_field->end() && message->is_string()) e.message = *message;
      auto data = error_field->find("data");
      if (data != error_field->end()) e.data = *data;
      std::string text = endpoint_ + " refused " + std::string(method) + ": " + e.message +
                         " (JSON-RPC error " + std::to_string(e.code);
      if (!e.data.is_null()) text += ", data " + Excerpt(e.data);
      text += ")";
      const StatusCode status_code = CodeOfRpcError(e.code);
      if (error != nullptr) *error = std::move(e);
      return Status(status_code, text);
    }
    auto result = reply.find("result");
    if (result == reply.end()) return malformed("it has neither a result nor an error");
    return *result;
  }

  const std::string endpoint_;
  const Endpoint parts_;
  const JsonRpcOptions options_;

  std::mutex mu_;  // guards what follows: one call at a time
  uint64_t next_id_ = 1;
  asio::io_context io_;
  tcp::resolver resolver_{io_};
  tcp::socket socket_{io_};
  boost::beast::flat_buffer buffer_;  // bytes read past the last reply
};

Result<std::unique_ptr<JsonRpc>> JsonRpc::Open(std::string_view endpoint, JsonRpcOptions options) {
  PARLEY_ASSIGN_OR_RETURN(Endpoint parts, ParseEndpoint(endpoint));
  return std::unique_ptr<JsonRpc>(
      new JsonRpc(std::make_unique<Impl>(std::string(endpoint), std::move(parts), options)));
}

JsonRpc::JsonRpc(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JsonRpc::~JsonRpc() = default;

Result<nlohmann::json> JsonRpc::Call(std::string_view method, nlohmann::json params,
                                     RpcError* error) {
  return impl_->Call(method, params, error);
}

const std::string& JsonRpc::endpoint() const { return impl_->endpoint(); }

}  // namespace parley::settlement::evm
