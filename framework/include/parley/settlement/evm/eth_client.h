// EthClient: the Ethereum JSON-RPC calls of the EVM backend, typed
// (ethereum.github.io/execution-apis), over a JsonRpc.
//
// Replies are checked as strictly as input from a peer: a quantity is a JSON
// string "0x" followed by hex digits, data is "0x" followed by an even number
// of hex digits, addresses and hashes have exactly 20 and 32 bytes, and every
// field used must be there. A reply that is not so yields InvalidArgument
// naming the call and the field.
//
// Besides the errors stated per call, every call returns the Statuses of
// JsonRpc::Call: IoError naming the endpoint when the node cannot be reached
// or does not reply in time, and a code per JSON-RPC error object otherwise.
// All calls are thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parley/channel/amount.h"
#include "parley/crypto/ecdsa.h"
#include "parley/settlement/evm/json_rpc.h"
#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::settlement::evm {

using crypto::EthAddress;

// A block, by number or by one of the node's tags.
class BlockTag {
 public:
  BlockTag(uint64_t number);  // NOLINT: implicit, so that a number names a block
  static BlockTag Latest() { return BlockTag("latest"); }
  static BlockTag Pending() { return BlockTag("pending"); }
  static BlockTag Earliest() { return BlockTag("earliest"); }
  static BlockTag Finalized() { return BlockTag("finalized"); }

  // As JSON-RPC spells it: "0x1b4", "latest", ...
  const std::string& rpc() const { return rpc_; }

 private:
  explicit BlockTag(std::string rpc) : rpc_(std::move(rpc)) {}
  std::string rpc_;
};

struct Block {
  uint64_t number = 0;
  Hash32 hash{};
  Hash32 parent_hash{};
  uint64_t timestamp = 0;  // seconds since the Unix epoch
  // Wei per gas; absent on chains without EIP-1559 (before London).
  std::optional<channel::Amount> base_fee;
};

// An event a contract emitted.
struct Log {
  EthAddress address{};  // of the contract
  std::vector<Hash32> topics;
  Bytes data;
  uint64_t block_number = 0;
  Hash32 block_hash{};
  Hash32 tx_hash{};
  uint64_t log_index = 0;  // position in the block
  bool removed = false;    // a reorganization took its block off the chain
};

struct Receipt {
  uint64_t status = 0;  // 1: executed; 0: reverted (the gas is spent all the same)
  uint64_t block_number = 0;
  Hash32 block_hash{};
  uint64_t gas_used = 0;
  channel::Amount effective_gas_price = 0;     // wei per gas
  std::optional<EthAddress> contract_address;  // set for a contract creation
  std::vector<Log> logs;
};

// Which logs GetLogs returns: those of the blocks from `from_block` to
// `to_block` (both included) that match both lists.
struct LogFilter {
  std::vector<EthAddress> addresses;  // emitted by one of these; empty: by anyone
  // topics[i]: the values allowed at position i; an empty list allows any.
  std::vector<std::vector<Hash32>> topics;
  BlockTag from_block = BlockTag::Earliest();
  BlockTag to_block = BlockTag::Latest();
};

// A transaction that Call and EstimateGas simulate, without sending it.
struct CallRequest {
  std::optional<EthAddress> from;  // msg.sender; absent: the node's choice (address 0)
  std::optional<EthAddress> to;    // absent: creates a contract, `data` the init code
  Bytes data;
  channel::Amount value = 0;  // wei
};

class EthClient {
 public:
  // A client over `rpc`; WaitForReceipt asks for a receipt every
  // `poll_interval`.
  explicit EthClient(std::unique_ptr<JsonRpc> rpc,
                     std::chrono::milliseconds poll_interval = std::chrono::milliseconds(100));
  // A client over JsonRpc::Open(endpoint, options), whose InvalidArgument it
  // returns for a malformed endpoint.
  static Result<EthClient> Open(std::string_view endpoint, JsonRpcOptions options = {});

  // eth_chainId.
  Result<uint64_t> ChainId() const;
  // eth_blockNumber: the number of the latest block.
  Result<uint64_t> BlockNumber() const;
  // eth_getBlockByNumber, without its transactions. NotFound if the chain has
  // no such block (yet).
  Result<Block> GetBlock(const BlockTag& block) const;
  // The base fee of the latest block, in wei per gas. FailedPrecondition on a
  // chain without EIP-1559.
  Result<channel::Amount> BaseFee() const;
  // eth_maxPriorityFeePerGas: the tip the node suggests, in wei per gas.
  Result<channel::Amount> MaxPriorityFeePerGas() const;

  // eth_getBalance, in wei.
  Result<channel::Amount> GetBalance(const EthAddress& account,
                                     const BlockTag& block = BlockTag::Latest()) const;
  // eth_getTransactionCount: with "pending" (the default), the nonce of the
  // account's next transaction.
  Result<uint64_t> GetTransactionCount(const EthAddress& account,
                                       const BlockTag& block = BlockTag::Pending()) const;

  // eth_call: what `call` returns when run on the state of `block`.
  // eth_estimateGas: the gas `call` needs as a transaction.
  // If the call reverts, both return FailedPrecondition "execution reverted:
  // <reason>", the reason as abi::DecodeRevertReason reads the revert data,
  // and put that data into *revert_data when it is not null (for custom
  // errors, which only the caller can decode). *revert_data is left empty
  // when there is no revert or no data.
  Result<Bytes> Call(const CallRequest& call, const BlockTag& block = BlockTag::Latest(),
                     Bytes* revert_data = nullptr) const;
  Result<uint64_t> EstimateGas(const CallRequest& call, Bytes* revert_data = nullptr) const;

  // eth_sendRawTransaction of a signed, encoded transaction; its hash.
  Result<Hash32> SendRawTransaction(ByteView signed_transaction) const;
  // eth_getTransactionReceipt: nullopt while the transaction is not mined.
  Result<std::optional<Receipt>> GetTransactionReceipt(const Hash32& tx_hash) const;
  // eth_getTransactionByHash's "input": the data the transaction was sent
  // with (for a contract call, its selector and arguments). NotFound if the
  // node knows no such transaction.
  Result<Bytes> GetTransactionInput(const Hash32& tx_hash) const;

  // Polls until the transaction is in a block with `confirmations` - 1
  // blocks on top (1 and 0 mean: mined), and returns its receipt, whose
  // status may say the transaction reverted. FailedPrecondition if that takes
  // longer than `timeout`.
  Result<Receipt> WaitForReceipt(
      const Hash32& tx_hash, uint64_t confirmations = 1,
      std::chrono::milliseconds timeout = std::chrono::seconds(60)) const;

  // eth_getLogs, in the order of the chain.
  Result<std::vector<Log>> GetLogs(const LogFilter& filter) const;

  // Development chains (anvil, Hardhat) only; NotFound elsewhere.
  // Mines `blocks` blocks now (anvil_mine, or evm_mine repeated).
  Status Mine(uint64_t blocks = 1) const;
  // Gives the next block the timestamp `unix_seconds`
  // (evm_setNextBlockTimestamp). The node refuses a time before the latest
  // block's (anvil: InvalidArgument).
  Status SetNextBlockTimestamp(uint64_t unix_seconds) const;

  // Any other call, as JsonRpc::Call makes it.
  Result<nlohmann::json> Rpc(std::string_view method, nlohmann::json params,
                             RpcError* error = nullptr) const;

  const std::string& endpoint() const { return rpc_->endpoint(); }

 private:
  // Calls `method` and reads its result as a T.
  template <typename T>
  Result<T> Typed(std::string_view method, nlohmann::json params) const;
  // InvalidArgument: the reply to `method` is malformed, as `why` says.
  Status Malformed(std::string_view method, const Status& why) const;
  // Call and EstimateGas, which report a revert alike.
  Result<nlohmann::json> Simulate(std::string_view method, nlohmann::json params,
                                  Bytes* revert_data) const;

  std::unique_ptr<JsonRpc> rpc_;
  std::chrono::milliseconds poll_interval_;
};

}  // namespace parley::settlement::evm
