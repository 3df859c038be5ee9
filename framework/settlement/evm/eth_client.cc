#include "parley/settlement/evm/eth_client.h"

#include <algorithm>
#include <thread>

#include "parley/settlement/evm/abi.h"

namespace parley::settlement::evm {
namespace {

using channel::Amount;
using json = nlohmann::json;

// The JSON-RPC spelling of a quantity: "0x", then hex without leading zeros.
template <typename N>
std::string Quantity(N n) {
  if (n == 0) return "0x0";
  std::string digits;
  while (n != 0) {
    digits += "0123456789abcdef"[static_cast<unsigned>(n & 0xf)];
    n >>= 4;
  }
  std::reverse(digits.begin(), digits.end());
  return "0x" + digits;
}

std::string Data(ByteView bytes) { return "0x" + ToHex(bytes); }

// The digits of the quantity `v` after "0x", leading zeros dropped, at most
// `max_digits` of them.
Result<std::string_view> QuantityDigits(const json& v, size_t max_digits) {
  if (!v.is_string()) return Status::InvalidArgument("a quantity must be a \"0x...\" string");
  std::string_view s = v.get_ref<const std::string&>();
  if (s.size() < 3 || s.substr(0, 2) != "0x" ||
      s.find_first_not_of("0123456789abcdefABCDEF", 2) != std::string_view::npos) {
    return Status::InvalidArgument("a quantity must be \"0x\" and hex digits");
  }
  s.remove_prefix(std::min(s.find_first_not_of('0', 2), s.size() - 1));
  if (s.size() > max_digits) return Status::InvalidArgument("quantity out of range");
  return s;
}

int DigitValue(char c) {
  if (c <= '9') return c - '0';
  return (c | 0x20) - 'a' + 10;
}

// Strict readers of reply values, one per type; InvalidArgument saying what
// is wrong. Declared first, as they call one another.
Status Parse(const json& v, uint64_t* out);
Status Parse(const json& v, Amount* out);
Status Parse(const json& v, Bytes* out);
Status Parse(const json& v, bool* out);
Status Parse(const json& v, Log* out);
Status Parse(const json& v, Block* out);
Status Parse(const json& v, Receipt* out);
template <size_t N>
Status Parse(const json& v, std::array<uint8_t, N>* out);
template <typename T>
Status Parse(const json& v, std::vector<T>* out);
template <typename T>
Status Parse(const json& v, std::optional<T>* out);

// Reads object[key], which must be there (optional ones may be null).
template <typename T>
Status Field(const json& object, const char* key, T* out) {
  if (!object.is_object()) return Status::InvalidArgument("expected an object");
  auto it = object.find(key);
  if (it == object.end()) return Status::InvalidArgument(std::string("no field ") + key);
  return Parse(*it, out).WithContext(std::string("field ") + key);
}

// Reads object[key] if it is there.
template <typename T>
Status OptionalField(const json& object, const char* key, T* out) {
  if (object.is_object() && !object.contains(key)) return Status::Ok();
  return Field(object, key, out);
}

Status Parse(const json& v, uint64_t* out) {
  PARLEY_ASSIGN_OR_RETURN(std::string_view digits, QuantityDigits(v, 16));
  *out = 0;
  for (char c : digits) *out = *out << 4 | DigitValue(c);
  return Status::Ok();
}

Status Parse(const json& v, Amount* out) {
  PARLEY_ASSIGN_OR_RETURN(std::string_view digits, QuantityDigits(v, 64));
  *out = 0;
  for (char c : digits) *out = *out << 4 | DigitValue(c);
  return Status::Ok();
}

Status Parse(const json& v, Bytes* out) {
  if (!v.is_string() || v.get_ref<const std::string&>().substr(0, 2) != "0x") {
    return Status::InvalidArgument("data must be a \"0x...\" string");
  }
  PARLEY_ASSIGN_OR_RETURN(*out, FromHex(v.get_ref<const std::string&>()));
  return Status::Ok();
}

Status Parse(const json& v, bool* out) {
  if (!v.is_boolean()) return Status::InvalidArgument("expected true or false");
  *out = v.get<bool>();
  return Status::Ok();
}

template <size_t N>
Status Parse(const json& v, std::array<uint8_t, N>* out) {
  Bytes bytes;
  PARLEY_RETURN_IF_ERROR(Parse(v, &bytes));
  if (bytes.size() != N) {
    return Status::InvalidArgument("expected " + std::to_string(N) + " bytes, got " +
                                   std::to_string(bytes.size()));
  }
  std::copy(bytes.begin(), bytes.end(), out->begin());
  return Status::Ok();
}

template <typename T>
Status Parse(const json& v, std::vector<T>* out) {
  if (!v.is_array()) return Status::InvalidArgument("expected an array");
  out->assign(v.size(), T{});
  for (size_t i = 0; i < v.size(); ++i) {
    PARLEY_RETURN_IF_ERROR(Parse(v[i], &(*out)[i]).WithContext("item " + std::to_string(i)));
  }
  return Status::Ok();
}

template <typename T>
Status Parse(const json& v, std::optional<T>* out) {
  if (v.is_null()) {
    out->reset();
    return Status::Ok();
  }
  PARLEY_RETURN_IF_ERROR(Parse(v, &out->emplace()));
  return Status::Ok();
}

Status Parse(const json& v, Log* out) {
  PARLEY_RETURN_IF_ERROR(Field(v, "address", &out->address));
  PARLEY_RETURN_IF_ERROR(Field(v, "topics", &out->topics));
  if (out->topics.size() > 4) return Status::InvalidArgument("a log has at most 4 topics");
  PARLEY_RETURN_IF_ERROR(Field(v, "data", &out->data));
  PARLEY_RETURN_IF_ERROR(Field(v, "blockNumber", &out->block_number));
  PARLEY_RETURN_IF_ERROR(Field(v, "blockHash", &out->block_hash));
  PARLEY_RETURN_IF_ERROR(Field(v, "transactionHash", &out->tx_hash));
  PARLEY_RETURN_IF_ERROR(Field(v, "logIndex", &out->log_index));
  out->removed = false;
  return OptionalField(v, "removed", &out->removed);
}

Status Parse(const json& v, Block* out) {
  PARLEY_RETURN_IF_ERROR(Field(v, "number", &out->number));
  PARLEY_RETURN_IF_ERROR(Field(v, "hash", &out->hash));
  PARLEY_RETURN_IF_ERROR(Field(v, "parentHash", &out->parent_hash));
  PARLEY_RETURN_IF_ERROR(Field(v, "timestamp", &out->timestamp));
  out->base_fee.reset();
  return OptionalField(v, "baseFeePerGas", &out->base_fee);
}

Status Parse(const json& v, Receipt* out) {
  PARLEY_RETURN_IF_ERROR(Field(v, "status", &out->status));
  if (out->status > 1) return Status::InvalidArgument("field status: neither 0 nor 1");
  PARLEY_RETURN_IF_ERROR(Field(v, "blockNumber", &out->block_number));
  PARLEY_RETURN_IF_ERROR(Field(v, "blockHash", &out->block_hash));
  PARLEY_RETURN_IF_ERROR(Field(v, "gasUsed", &out->gas_used));
  PARLEY_RETURN_IF_ERROR(Field(v, "effectiveGasPrice", &out->effective_gas_price));
  out->contract_address.reset();
  PARLEY_RETURN_IF_ERROR(OptionalField(v, "contractAddress", &out->contract_address));
  return Field(v, "logs", &out->logs);
}

json CallObject(const CallRequest& call) {
  json object = {{"data", Data(call.data)}};
  if (call.from) object["from"] = crypto::AddressToHex(*call.from);
  if (call.to) object["to"] = crypto::AddressToHex(*call.to);
  if (call.value != 0) object["value"] = Quantity(call.value);
  return object;
}

// Whether `error` reports a reverted execution: code 3, or the message older
// nodes send with other codes.
bool IsRevert(const RpcError& error) {
  return error.code == 3 || error.message.starts_with("execution reverted");
}

// The revert data in an error's data field: "0x..." (geth, anvil) or an
// object holding it as "data" (Hardhat). Empty if there is none or it is
// malformed: the reason is then unknown, which the caller reports.
Bytes RevertData(const json& data) {
  const json& hex = data.is_object() && data.contains("data") ? data["data"] : data;
  Bytes bytes;
  if (!Parse(hex, &bytes).ok()) bytes.clear();
  return bytes;
}

}  // namespace

BlockTag::BlockTag(uint64_t number) : rpc_(Quantity(number)) {}

EthClient::EthClient(std::unique_ptr<JsonRpc> rpc, std::chrono::milliseconds poll_interval)
    : rpc_(std::move(rpc)), poll_interval_(poll_interval) {}

Result<EthClient> EthClient::Open(std::string_view endpoint, JsonRpcOptions options) {
  PARLEY_ASSIGN_OR_RETURN(std::unique_ptr<JsonRpc> rpc, JsonRpc::Open(endpoint, options));
  return EthClient(std::move(rpc));
}

Status EthClient::Malformed(std::string_view method, const Status& why) const {
  return Status::InvalidArgument("the JSON-RPC endpoint " + endpoint() +
                                 " sent a malformed reply to " + std::string(method) + ": " +
                                 why.message());
}

template <typename T>
Result<T> EthClient::Typed(std::string_view method, json params) const {
  PARLEY_ASSIGN_OR_RETURN(json reply, rpc_->Call(method, std::move(params)));
  T value{};
  Status parsed = Parse(reply, &value);
  if (!parsed.ok()) return Malformed(method, parsed);
  return value;
}

Result<uint64_t> EthClient::ChainId() const {
  return Typed<uint64_t>("eth_chainId", json::array());
}

Result<uint64_t> EthClient::BlockNumber() const {
  return Typed<uint64_t>("eth_blockNumber", json::array());
}

Result<Block> EthClient::GetBlock(const BlockTag& block) const {
  PARLEY_ASSIGN_OR_RETURN(
      std::optional<Block> found,
      Typed<std::optional<Block>>("eth_getBlockByNumber", json::array({block.rpc(), false})));
  if (!found) return Status::NotFound("no block " + block.rpc() + " on " + endpoint() + " yet");
  return *found;
}

Result<Amount> EthClient::BaseFee() const {
  PARLEY_ASSIGN_OR_RETURN(Block latest, GetBlock(BlockTag::Latest()));
  if (!latest.base_fee) {
    return Status::FailedPrecondition("the chain at " + endpoint() +
                                      " has no base fee (no EIP-1559)");
  }
  return *latest.base_fee;
}

Result<Amount> EthClient::MaxPriorityFeePerGas() const {
  return Typed<Amount>("eth_maxPriorityFeePerGas", json::array());
}

Result<Amount> EthClient::GetBalance(const EthAddress& account, const BlockTag& block) const {
  return Typed<Amount>("eth_getBalance", json::array({crypto::AddressToHex(account), block.rpc()}));
}

Result<uint64_t> EthClient::GetTransactionCount(const EthAddress& account,
                                                const BlockTag& block) const {
  return Typed<uint64_t>("eth_getTransactionCount",
                         json::array({crypto::AddressToHex(account), block.rpc()}));
}

Result<json> EthClient::Simulate(std::string_view method, json params, Bytes* revert_data) const {
  if (revert_data != nullptr) revert_data->clear();
  RpcError error;
  Result<json> reply = rpc_->Call(method, std::move(params), &error);
  if (reply.ok() || !IsRevert(error)) return reply;
  Bytes data = RevertData(error.data);
  std::string reason = abi::DecodeRevertReason(data);
  if (revert_data != nullptr) *revert_data = std::move(data);
  return Status::FailedPrecondition("execution reverted: " + reason);
}

Result<Bytes> EthClient::Call(const CallRequest& call, const BlockTag& block,
                              Bytes* revert_data) const {
  PARLEY_ASSIGN_OR_RETURN(
      json reply, Simulate("eth_call", json::array({CallObject(call), block.rpc()}), revert_data));
  Bytes result;
  Status parsed = Parse(reply, &result);
  if (!parsed.ok()) return Malformed("eth_call", parsed);
  return result;
}

Result<uint64_t> EthClient::EstimateGas(const CallRequest& call, Bytes* revert_data) const {
  PARLEY_ASSIGN_OR_RETURN(
      json reply, Simulate("eth_estimateGas", json::array({CallObject(call)}), revert_data));
  uint64_t gas = 0;
  Status parsed = Parse(reply, &gas);
  if (!parsed.ok()) return Malformed("eth_estimateGas", parsed);
  return gas;
}

Result<Hash32> EthClient::SendRawTransaction(ByteView signed_transaction) const {
  return Typed<Hash32>("eth_sendRawTransaction", json::array({Data(signed_transaction)}));
}

Result<std::optional<Receipt>> EthClient::GetTransactionReceipt(const Hash32& tx_hash) const {
  return Typed<std::optional<Receipt>>("eth_getTransactionReceipt", json::array({Data(tx_hash)}));
}

Result<Bytes> EthClient::GetTransactionInput(const Hash32& tx_hash) const {
  PARLEY_ASSIGN_OR_RETURN(json tx,
                          rpc_->Call("eth_getTransactionByHash", json::array({Data(tx_hash)})));
  if (tx.is_null()) {
    return Status::NotFound("no transaction " + Data(tx_hash) + " on " + endpoint());
  }
  Bytes input;
  Status parsed = Field(tx, "input", &input);
  if (!parsed.ok()) return Malformed("eth_getTransactionByHash", parsed);
  return input;
}

Result<Receipt> EthClient::WaitForReceipt(const Hash32& tx_hash, uint64_t confirmations,
                                          std::chrono::milliseconds timeout) const {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + timeout;
  confirmations = std::max<uint64_t>(confirmations, 1);
  for (;;) {
    PARLEY_ASSIGN_OR_RETURN(std::optional<Receipt> receipt, GetTransactionReceipt(tx_hash));
    uint64_t have = 0;
    if (receipt) {
      PARLEY_ASSIGN_OR_RETURN(uint64_t head, BlockNumber());
      if (head >= receipt->block_number) have = head - receipt->block_number + 1;
      if (have >= confirmations) return *std::move(receipt);
    }
    const Clock::time_point now = Clock::now();
    if (now >= deadline) {
      return Status::FailedPrecondition(
          "transaction " + Data(tx_hash) + " has " + std::to_string(have) + " of " +
          std::to_string(confirmations) + " confirmations on " + endpoint() + " after " +
          std::to_string(timeout.count()) + " ms");
    }
    std::this_thread::sleep_for(std::min<Clock::duration>(poll_interval_, deadline - now));
  }
}

Result<std::vector<Log>> EthClient::GetLogs(const LogFilter& filter) const {
  json object = {{"fromBlock", filter.from_block.rpc()}, {"toBlock", filter.to_block.rpc()}};
  if (!filter.addresses.empty()) {
    json addresses = json::array();
    for (const EthAddress& a : filter.addresses) addresses.push_back(crypto::AddressToHex(a));
    object["address"] = std::move(addresses);
  }
  if (!filter.topics.empty()) {
    json topics = json::array();
    for (const std::vector<Hash32>& allowed : filter.topics) {
      json position = allowed.empty() ? json() : json::array();
      for (const Hash32& topic : allowed) position.push_back(Data(topic));
      topics.push_back(std::move(position));
    }
    object["topics"] = std::move(topics);
  }
  return Typed<std::vector<Log>>("eth_getLogs", json::array({std::move(object)}));
}

Status EthClient::Mine(uint64_t blocks) const {
  Result<json> mined = rpc_->Call("anvil_mine", json::array({Quantity(blocks)}));
  if (mined.ok() || mined.status().code() != StatusCode::kNotFound) return mined.status();
  for (uint64_t i = 0; i < blocks; ++i) {
    PARLEY_RETURN_IF_ERROR(rpc_->Call("evm_mine", json::array()).status());
  }
  return Status::Ok();
}

Status EthClient::SetNextBlockTimestamp(uint64_t unix_seconds) const {
  return rpc_->Call("evm_setNextBlockTimestamp", json::array({unix_seconds})).status();
}

Result<json> EthClient::Rpc(std::string_view method, json params, RpcError* error) const {
  return rpc_->Call(method, std::move(params), error);
}

}  // namespace parley::settlement::evm
