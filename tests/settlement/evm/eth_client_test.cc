// JsonRpc and EthClient. The JsonRpc* and EthClient suites talk to FakeNode,
// a stand-in server in this file that can misbehave; the EthClientAnvil suite
// needs anvil (tests/testing/anvil.h) and fails, saying to run scripts/setup,
// if it is not installed.
#include "parley/settlement/evm/eth_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <functional>
#include <memory>
#include <thread>

#include "testing/anvil.h"
#include "testing/status_matchers.h"

namespace parley::settlement::evm {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using channel::Amount;
using json = nlohmann::json;
using tcp = asio::ip::tcp;

// A server on loopback standing in for a node: it answers each request with
// the bytes `reply` makes for the request's JSON-RPC id, sent as they are (no
// answer at all for an empty string), and keeps the connection open for more
// requests unless told to close it after each reply.
class FakeNode {
 public:
  using Reply = std::function<std::string(const json& id)>;

  explicit FakeNode(Reply reply, bool close_after_reply = false)
      : reply_(std::move(reply)), close_after_reply_(close_after_reply) {
    tcp::endpoint local(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(local.protocol());
    acceptor_.bind(local);
    acceptor_.listen();
    Accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~FakeNode() {
    io_.stop();
    thread_.join();
  }

  std::string endpoint() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }
  int connections() const { return connections_; }

 private:
  struct Connection {
    explicit Connection(tcp::socket s) : socket(std::move(s)) {}
    tcp::socket socket;
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> request;
    std::string out;
  };

  void Accept() {
    acceptor_.async_accept([this](error_code ec, tcp::socket socket) {
      if (ec) return;
      ++connections_;
      Read(std::make_shared<Connection>(std::move(socket)));
      Accept();
    });
  }

  void Read(std::shared_ptr<Connection> c) {
    c->request = {};
    http::async_read(c->socket, c->buffer, c->request, [this, c](error_code ec, size_t) {
      if (ec) return;
      json request = json::parse(c->request.body(), nullptr, false);
      c->out = reply_(request.is_object() && request.contains("id") ? request["id"] : json());
      if (c->out.empty()) {
        unanswered_.push_back(c);
        return;
      }
      asio::async_write(c->socket, asio::buffer(c->out), [this, c](error_code written, size_t) {
        if (written) return;
        if (!close_after_reply_) return Read(c);
        error_code ignored;
        c->socket.shutdown(tcp::socket::shutdown_both, ignored);
        c->socket.close(ignored);
      });
    });
  }

  Reply reply_;
  bool close_after_reply_;
  asio::io_context io_;
  tcp::acceptor acceptor_{io_};
  std::atomic<int> connections_{0};
  std::vector<std::shared_ptr<Connection>> unanswered_;  // kept open, on io_'s thread
  std::thread thread_;
};

std::string Http(const std::string& body, const std::string& status = "200 OK") {
  return "HTTP/1.1 " + status +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

// Replies {"result": result} to every call.
FakeNode::Reply Answer(json result) {
  return [result](const json& id) {
    return Http(json{{"jsonrpc", "2.0"}, {"id", id}, {"result", result}}.dump());
  };
}

// Replies {"error": error} to every call.
FakeNode::Reply Refusal(json error) {
  return [error](const json& id) {
    return Http(json{{"jsonrpc", "2.0"}, {"id", id}, {"error", error}}.dump());
  };
}

std::unique_ptr<JsonRpc> OpenRpc(const std::string& endpoint, JsonRpcOptions options = {}) {
  auto rpc = JsonRpc::Open(endpoint, options);
  EXPECT_OK(rpc.status());
  return std::move(rpc).value();
}

EthClient OpenClient(const std::string& endpoint) {
  auto client = EthClient::Open(endpoint);
  EXPECT_OK(client.status());
  return std::move(client).value();
}

TEST(JsonRpc, AcceptsHttpEndpoints) {
  for (const char* good : {"http://127.0.0.1:8545", "http://localhost:8545/rpc/v1", "http://node",
                           "http://[::1]:8545", "http://node-1.example_org:1"}) {
    EXPECT_OK(JsonRpc::Open(good).status()) << good;
  }
}

TEST(JsonRpc, RefusesMalformedEndpoints) {
  for (const char* bad :
       {"", "127.0.0.1:8545", "https://node:8545", "http://", "http://:8545",
        "http://node:", "http://node:0", "http://node:65536", "http://node:8a", "http://[::1:8545",
        "http://[::1]x", "http://us@node:1", "http://no de:1"}) {
    auto rpc = JsonRpc::Open(bad);
    EXPECT_CODE(rpc.status(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(JsonRpc, UnreachableEndpointIsIoErrorNamingIt) {
  std::string endpoint;
  {
    FakeNode gone(Answer(1));  // a port that was free a moment ago
    endpoint = gone.endpoint();
  }
  auto rpc = OpenRpc(endpoint);
  auto reply = rpc->Call("eth_chainId", json::array());
  EXPECT_CODE(reply.status(), StatusCode::kIoError);
  EXPECT_NE(reply.status().message().find(endpoint), std::string::npos) << reply.status().message();
}

TEST(JsonRpc, ReusesItsConnection) {
  FakeNode node(Answer("0x7a69"));
  auto rpc = OpenRpc(node.endpoint());
  for (int i = 0; i < 3; ++i) {
    auto reply = rpc->Call("eth_chainId", json::array());
    ASSERT_OK(reply.status());
    EXPECT_EQ(*reply, "0x7a69");
  }
  EXPECT_EQ(node.connections(), 1);
}

TEST(JsonRpc, ReconnectsWhenTheServerClosesTheConnection) {
  FakeNode node(Answer(true), /*close_after_reply=*/true);
  auto rpc = OpenRpc(node.endpoint());
  for (int i = 0; i < 3; ++i) ASSERT_OK(rpc->Call("net_listening", json::array()).status());
  EXPECT_EQ(node.connections(), 3);
}

TEST(JsonRpc, GivesUpOnASilentServerAtTheTimeout) {
  FakeNode node([](const json&) { return std::string(); });
  auto rpc = OpenRpc(node.endpoint(), {.timeout = std::chrono::milliseconds(300)});
  const auto start = std::chrono::steady_clock::now();
  auto reply = rpc->Call("eth_chainId", json::array());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_CODE(reply.status(), StatusCode::kIoError);
  EXPECT_NE(reply.status().message().find("within 300 ms"), std::string::npos)
      << reply.status().message();
}

TEST(JsonRpc, MalformedRepliesAreErrorsNotCrashes) {
  struct Case {
    const char* what;
    FakeNode::Reply reply;
    StatusCode want;
  };
  auto raw = [](std::string bytes) { return [bytes](const json&) { return bytes; }; };
  auto body = [](std::string text) { return [text](const json&) { return Http(text); }; };
  const std::vector<Case> cases = {
      {"not HTTP", raw("garbage\r\n\r\n"), StatusCode::kIoError},
      {"cut short", raw("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{}"), StatusCode::kIoError},
      {"too large", raw("HTTP/1.1 200 OK\r\nContent-Length: 999999999\r\n\r\n"),
       StatusCode::kIoError},
      {"HTTP error", raw(Http("overloaded", "503 Service Unavailable")), StatusCode::kIoError},
      {"not JSON", body("{\"jsonrpc\": \"2.0\", \"id\": "), StatusCode::kInvalidArgument},
      {"not an object", body("[1, 2]"), StatusCode::kInvalidArgument},
      {"another id", body(R"({"jsonrpc": "2.0", "id": 999, "result": 1})"),
       StatusCode::kInvalidArgument},
      {"no id", body(R"({"jsonrpc": "2.0", "result": 1})"), StatusCode::kInvalidArgument},
      {"no result",
       [](const json& id) {
         return Http(json{{"id", id}}.dump());
       },
       StatusCode::kInvalidArgument},
      {"error not an object", Refusal("bad"), StatusCode::kInvalidArgument},
      {"error without a code", Refusal({{"message", "bad"}}), StatusCode::kInvalidArgument},
      {"error with a string code", Refusal({{"code", "-32000"}}), StatusCode::kInvalidArgument},
  };
  for (const Case& c : cases) {
    FakeNode node(c.reply, /*close_after_reply=*/true);
    auto rpc =
        OpenRpc(node.endpoint(), {.timeout = std::chrono::seconds(5), .max_reply_size = 1000});
    auto reply = rpc->Call("eth_chainId", json::array());
    EXPECT_CODE(reply.status(), c.want) << c.what;
  }
}

TEST(JsonRpc, ErrorObjectsKeepCodeMessageAndData) {
  FakeNode node(Refusal({{"code", 3}, {"message", "execution reverted"}, {"data", "0x1234"}}));
  auto rpc = OpenRpc(node.endpoint());
  RpcError error;
  auto reply = rpc->Call("eth_call", json::array(), &error);
  EXPECT_CODE(reply.status(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(error.code, 3);
  EXPECT_EQ(error.message, "execution reverted");
  EXPECT_EQ(error.data, "0x1234");
  for (const char* part : {"execution reverted", "error 3", "0x1234"}) {
    EXPECT_NE(reply.status().message().find(part), std::string::npos) << reply.status().message();
  }
  // The next successful call resets the error.
  FakeNode fine(Answer(1));
  ASSERT_OK(OpenRpc(fine.endpoint())->Call("eth_chainId", json::array(), &error).status());
  EXPECT_EQ(error.code, 0);
  EXPECT_TRUE(error.data.is_null());
}

TEST(JsonRpc, MapsStandardErrorCodes) {
  const std::vector<std::pair<int, StatusCode>> cases = {
      {-32700, StatusCode::kInvalidArgument},    {-32600, StatusCode::kInvalidArgument},
      {-32602, StatusCode::kInvalidArgument},    {-32601, StatusCode::kNotFound},
      {-32000, StatusCode::kFailedPrecondition}, {-32603, StatusCode::kFailedPrecondition}};
  for (const auto& [code, want] : cases) {
    FakeNode node(Refusal({{"code", code}, {"message", "no"}}));
    EXPECT_CODE(OpenRpc(node.endpoint())->Call("x", json::array()).status(), want) << code;
  }
}

TEST(EthClient, ParsesQuantitiesStrictly) {
  const std::vector<std::pair<json, std::optional<uint64_t>>> cases = {
      {"0x0", 0},
      {"0x7a69", 31337},
      {"0x7A69", 31337},
      {"0x0001", 1},
      {"0xffffffffffffffff", UINT64_MAX},
      {"0x10000000000000000", std::nullopt},
      {"0x", std::nullopt},
      {"7a69", std::nullopt},
      {"0X1", std::nullopt},
      {"0xg", std::nullopt},
      {"0x 1", std::nullopt},
      {31337, std::nullopt},
      {json(), std::nullopt},
      {json::array({"0x1"}), std::nullopt}};
  for (const auto& [reply, want] : cases) {
    FakeNode node(Answer(reply));
    auto chain_id = OpenClient(node.endpoint()).ChainId();
    if (want) {
      ASSERT_OK(chain_id.status()) << reply.dump();
      EXPECT_EQ(*chain_id, *want);
    } else {
      EXPECT_CODE(chain_id.status(), StatusCode::kInvalidArgument) << reply.dump();
    }
  }
}

TEST(EthClient, ParsesAmountsUpTo256Bits) {
  const std::string max = "0x" + std::string(64, 'f');
  FakeNode node(Answer(max));
  auto balance = OpenClient(node.endpoint()).GetBalance(EthAddress{});
  ASSERT_OK(balance.status());
  EXPECT_EQ(*balance, ~Amount(0));

  FakeNode too_large(Answer("0x1" + std::string(64, '0')));
  EXPECT_CODE(OpenClient(too_large.endpoint()).GetBalance(EthAddress{}).status(),
              StatusCode::kInvalidArgument);
}

json GoodReceipt() {
  return {{"status", "0x1"},
          {"blockNumber", "0x5"},
          {"blockHash", "0x" + std::string(64, 'b')},
          {"gasUsed", "0x5208"},
          {"effectiveGasPrice", "0x3b9aca00"},
          {"contractAddress", nullptr},
          {"logs", json::array({{{"address", "0x" + std::string(40, 'a')},
                                 {"topics", json::array({"0x" + std::string(64, '1')})},
                                 {"data", "0x"},
                                 {"blockNumber", "0x5"},
                                 {"blockHash", "0x" + std::string(64, 'b')},
                                 {"transactionHash", "0x" + std::string(64, 'c')},
                                 {"logIndex", "0x0"},
                                 {"removed", false}}})}};
}

TEST(EthClient, ReadsAWellFormedReceipt) {
  FakeNode node(Answer(GoodReceipt()));
  auto receipt = OpenClient(node.endpoint()).GetTransactionReceipt(Hash32{});
  ASSERT_OK(receipt.status());
  ASSERT_TRUE(receipt->has_value());
  const Receipt& r = **receipt;
  EXPECT_EQ(r.status, 1u);
  EXPECT_EQ(r.block_number, 5u);
  EXPECT_EQ(r.gas_used, 21000u);
  EXPECT_EQ(r.effective_gas_price, Amount(1000000000));
  EXPECT_FALSE(r.contract_address);
  ASSERT_EQ(r.logs.size(), 1u);
  EthAddress a;
  a.fill(0xaa);
  EXPECT_EQ(r.logs[0].address, a);
  EXPECT_EQ(r.logs[0].topics.size(), 1u);
  EXPECT_TRUE(r.logs[0].data.empty());
}

TEST(EthClient, RefusesMalformedReceipts) {
  auto with = [](const char* key, json value) {
    json r = GoodReceipt();
    r[key] = std::move(value);
    return r;
  };
  json no_status = GoodReceipt();
  no_status.erase("status");
  json bad_log = GoodReceipt();
  bad_log["logs"][0]["topics"] = json::array({"0x12"});
  json five_topics = GoodReceipt();
  five_topics["logs"][0]["topics"] = json::array(
      {"0x" + std::string(64, '1'), "0x" + std::string(64, '1'), "0x" + std::string(64, '1'),
       "0x" + std::string(64, '1'), "0x" + std::string(64, '1')});
  for (const json& receipt :
       {no_status, bad_log, five_topics, with("status", "0x2"), with("blockHash", "0x12"),
        with("contractAddress", "0x1234"), with("logs", "none"), with("gasUsed", 21000),
        json("receipt"), json::array()}) {
    FakeNode node(Answer(receipt));
    EXPECT_CODE(OpenClient(node.endpoint()).GetTransactionReceipt(Hash32{}).status(),
                StatusCode::kInvalidArgument)
        << receipt.dump();
  }
}

// Error(string) revert data for the reason "nope".
const char* kNopeRevertData =
    "0x08c379a0"
    "0000000000000000000000000000000000000000000000000000000000000020"
    "0000000000000000000000000000000000000000000000000000000000000004"
    "6e6f706500000000000000000000000000000000000000000000000000000000";

TEST(EthClient, DecodesRevertReasonsInErrorData) {
  for (const json& data :
       {json(kNopeRevertData), json({{"message", "x"}, {"data", kNopeRevertData}})}) {
    FakeNode node(Refusal({{"code", 3}, {"message", "execution reverted"}, {"data", data}}));
    Bytes revert_data;
    auto result =
        OpenClient(node.endpoint()).Call({.to = EthAddress{}}, BlockTag::Latest(), &revert_data);
    EXPECT_CODE(result.status(), StatusCode::kFailedPrecondition);
    EXPECT_EQ(result.status().message(), "execution reverted: nope");
    EXPECT_EQ(revert_data, FromHex(kNopeRevertData).value());
  }
}

TEST(EthClient, OtherErrorsOfACallAreNotReverts) {
  FakeNode node(
      Refusal({{"code", -32000}, {"message", "insufficient funds"}, {"data", kNopeRevertData}}));
  Bytes revert_data = {1};
  auto gas = OpenClient(node.endpoint()).EstimateGas({.to = EthAddress{}}, &revert_data);
  EXPECT_CODE(gas.status(), StatusCode::kFailedPrecondition);
  EXPECT_NE(gas.status().message().find("insufficient funds"), std::string::npos);
  EXPECT_TRUE(revert_data.empty());
}

// A chain of its own for each test.
class EthClientAnvil : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(anvil_.Start());
    auto client = EthClient::Open(anvil_.endpoint());
    ASSERT_OK(client.status());
    client_.emplace(std::move(client).value());
  }

  EthClient& client() { return *client_; }
  static EthAddress Dev(size_t i) {
    return crypto::AddressFromHex(Anvil::kDevAddresses[i]).value();
  }

  // Sends `tx` with eth_sendTransaction, "from" an unlocked dev account, and
  // returns its receipt.
  Receipt Send(json tx) {
    auto hash = client().Rpc("eth_sendTransaction", json::array({tx}));
    EXPECT_OK(hash.status());
    if (!hash.ok() || !hash->is_string()) return {};
    auto tx_hash = FixedFromHex<32>(hash->get<std::string>());
    EXPECT_OK(tx_hash.status());
    auto receipt = client().WaitForReceipt(*tx_hash, 1, std::chrono::seconds(10));
    EXPECT_OK(receipt.status());
    return receipt.ok() ? *receipt : Receipt{};
  }

  Anvil anvil_;
  std::optional<EthClient> client_;
};

const Amount kEther = Amount(1000000000) * 1000000000;

TEST_F(EthClientAnvil, ChainId) {
  auto chain_id = client().ChainId();
  ASSERT_OK(chain_id.status());
  EXPECT_EQ(*chain_id, Anvil::kChainId);
}

TEST_F(EthClientAnvil, BlockNumberAdvancesWhenMining) {
  auto before = client().BlockNumber();
  ASSERT_OK(before.status());
  ASSERT_OK(client().Mine(3));
  auto after = client().BlockNumber();
  ASSERT_OK(after.status());
  EXPECT_EQ(*after, *before + 3);
}

TEST_F(EthClientAnvil, SetNextBlockTimestamp) {
  auto latest = client().GetBlock(BlockTag::Latest());
  ASSERT_OK(latest.status());
  const uint64_t when = latest->timestamp + 1000;
  ASSERT_OK(client().SetNextBlockTimestamp(when));
  ASSERT_OK(client().Mine());
  auto next = client().GetBlock(latest->number + 1);
  ASSERT_OK(next.status());
  EXPECT_EQ(next->timestamp, when);
  EXPECT_EQ(next->parent_hash, latest->hash);
  EXPECT_TRUE(next->base_fee);
  EXPECT_FALSE(client().SetNextBlockTimestamp(when - 500).ok());
}

TEST_F(EthClientAnvil, BlocksNotYetMinedAreNotFound) {
  EXPECT_CODE(client().GetBlock(1000).status(), StatusCode::kNotFound);
}

TEST_F(EthClientAnvil, DevAccountsAreFunded) {
  auto balance = client().GetBalance(Dev(0));
  ASSERT_OK(balance.status());
  EXPECT_EQ(*balance, 10000 * kEther);
  auto nonce = client().GetTransactionCount(Dev(0));
  ASSERT_OK(nonce.status());
  EXPECT_EQ(*nonce, 0u);
}

TEST_F(EthClientAnvil, FeesAndGasEstimates) {
  auto tip = client().MaxPriorityFeePerGas();
  ASSERT_OK(tip.status());
  EXPECT_GT(*tip, 0);
  auto base_fee = client().BaseFee();
  ASSERT_OK(base_fee.status());
  EXPECT_GT(*base_fee, 0);
  auto gas = client().EstimateGas({.from = Dev(0), .to = Dev(1), .value = kEther});
  ASSERT_OK(gas.status());
  EXPECT_EQ(*gas, 21000u);
}

TEST_F(EthClientAnvil, SendsATransactionAndWaitsForItsReceipt) {
  Receipt receipt = Send({{"from", Anvil::kDevAddresses[0]},
                          {"to", Anvil::kDevAddresses[1]},
                          {"value", "0xde0b6b3a7640000"}});  // 1 ether
  EXPECT_EQ(receipt.status, 1u);
  EXPECT_EQ(receipt.gas_used, 21000u);
  EXPECT_GT(receipt.effective_gas_price, 0);
  auto block = client().GetBlock(receipt.block_number);
  ASSERT_OK(block.status());
  EXPECT_EQ(block->hash, receipt.block_hash);
  EXPECT_EQ(client().GetBalance(Dev(1)).value(), 10001 * kEther);
  EXPECT_EQ(client().GetTransactionCount(Dev(0)).value(), 1u);
}

TEST_F(EthClientAnvil, WaitsForConfirmations) {
  auto hash = client().Rpc(
      "eth_sendTransaction",
      json::array({{{"from", Anvil::kDevAddresses[0]}, {"to", Anvil::kDevAddresses[1]}}}));
  ASSERT_OK(hash.status());
  Hash32 tx = FixedFromHex<32>(hash->get<std::string>()).value();
  auto early = client().WaitForReceipt(tx, 3, std::chrono::milliseconds(300));
  EXPECT_CODE(early.status(), StatusCode::kFailedPrecondition);
  EXPECT_NE(early.status().message().find("1 of 3 confirmations"), std::string::npos)
      << early.status().message();
  ASSERT_OK(client().Mine(2));
  EXPECT_OK(client().WaitForReceipt(tx, 3, std::chrono::milliseconds(300)).status());
}

TEST_F(EthClientAnvil, UnknownTransactionsHaveNoReceipt) {
  auto receipt = client().GetTransactionReceipt(Hash32{1});
  ASSERT_OK(receipt.status());
  EXPECT_FALSE(receipt->has_value());
}

// Init code (run by eth_call without a `to`) that returns the word 42.
const char* kReturns42 = "0x602a60005260206000f3";
// Init code that reverts with Error("nope"), Panic(0x11), and no data.
const char* kRevertsNope =
    "0x6308c379a060e01b60005260206004526004602452636e6f706560e01b60445260646000fd";
const char* kPanics = "0x634e487b7160e01b600052601160045260246000fd";
const char* kRevertsEmpty = "0x60006000fd";

TEST_F(EthClientAnvil, CallReturnsWhatTheCodeReturns) {
  auto result = client().Call({.data = FromHex(kReturns42).value()});
  ASSERT_OK(result.status());
  Bytes want(32, 0);
  want[31] = 42;
  EXPECT_EQ(*result, want);
}

TEST_F(EthClientAnvil, RevertsCarryTheirReason) {
  Bytes revert_data;
  auto nope =
      client().Call({.data = FromHex(kRevertsNope).value()}, BlockTag::Latest(), &revert_data);
  EXPECT_CODE(nope.status(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(nope.status().message(), "execution reverted: nope");
  EXPECT_EQ(revert_data, FromHex(kNopeRevertData).value());

  auto panic = client().Call({.data = FromHex(kPanics).value()}, BlockTag::Latest(), &revert_data);
  EXPECT_CODE(panic.status(), StatusCode::kFailedPrecondition);
  EXPECT_NE(panic.status().message().find("0x11"), std::string::npos) << panic.status().message();
  EXPECT_EQ(revert_data.size(), 36u);

  auto empty =
      client().Call({.data = FromHex(kRevertsEmpty).value()}, BlockTag::Latest(), &revert_data);
  EXPECT_CODE(empty.status(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(revert_data.empty());

  auto gas = client().EstimateGas({.from = Dev(0), .data = FromHex(kRevertsNope).value()});
  EXPECT_CODE(gas.status(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(gas.status().message(), "execution reverted: nope");
}

TEST_F(EthClientAnvil, LogsOfAnEmptyRangeAreNone) {
  auto logs = client().GetLogs({.from_block = 0, .to_block = BlockTag::Latest()});
  ASSERT_OK(logs.status());
  EXPECT_TRUE(logs->empty());
}

TEST_F(EthClientAnvil, GetLogsFindsAnEvent) {
  // Creates a contract whose init code emits LOG1(data 0xff, topic 0x42).
  Receipt receipt =
      Send({{"from", Anvil::kDevAddresses[0]}, {"data", "0x60ff600053604260016000a100"}});
  ASSERT_EQ(receipt.status, 1u);
  ASSERT_TRUE(receipt.contract_address);
  ASSERT_EQ(receipt.logs.size(), 1u);
  Hash32 topic{};
  topic[31] = 0x42;

  auto logs = client().GetLogs({.addresses = {*receipt.contract_address}});
  ASSERT_OK(logs.status());
  ASSERT_EQ(logs->size(), 1u);
  const Log& log = (*logs)[0];
  EXPECT_EQ(log.address, *receipt.contract_address);
  EXPECT_EQ(log.topics, std::vector<Hash32>{topic});
  EXPECT_EQ(log.data, Bytes{0xff});
  EXPECT_EQ(log.block_number, receipt.block_number);
  EXPECT_EQ(log.block_hash, receipt.block_hash);
  EXPECT_EQ(log.tx_hash, receipt.logs[0].tx_hash);
  EXPECT_FALSE(log.removed);

  auto by_topic = client().GetLogs({.topics = {{Hash32{}, topic}}});
  ASSERT_OK(by_topic.status());
  EXPECT_EQ(by_topic->size(), 1u);
  auto other_topic = client().GetLogs({.topics = {{Hash32{}}}});
  ASSERT_OK(other_topic.status());
  EXPECT_TRUE(other_topic->empty());
  ASSERT_OK(client().Mine());
  auto later = client().GetLogs(
      {.from_block = receipt.block_number + 1, .to_block = receipt.block_number + 1});
  ASSERT_OK(later.status());
  EXPECT_TRUE(later->empty());
}

TEST_F(EthClientAnvil, UnknownMethodIsNotFoundWithItsCode) {
  RpcError error;
  auto reply = client().Rpc("parley_noSuchMethod", json::array(), &error);
  EXPECT_CODE(reply.status(), StatusCode::kNotFound);
  EXPECT_EQ(error.code, -32601);
  EXPECT_NE(reply.status().message().find("-32601"), std::string::npos) << reply.status().message();
}

TEST_F(EthClientAnvil, CallsFromManyThreads) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) ok += client().ChainId().ok();
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok, 100);
}

}  // namespace
}  // namespace parley::settlement::evm
