// TxSender: sends the transactions of one account and waits for them.
//
// Every transaction is simulated first (eth_estimateGas), so a call the
// contract would refuse is never sent: the caller gets the contract's reason
// at no cost. Nonces are kept here, in order, and re-read from the chain after
// any failure to send. Fees follow EIP-1559: the node's suggested tip, and a
// fee cap of twice the latest base fee plus the tip.
//
// Thread-safe: transactions of one sender are sent one at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>

#include "parley/crypto/ecdsa.h"
#include "parley/settlement/evm/eth_client.h"

namespace parley::settlement::evm {

struct TxOptions {
  // Blocks on top of the one with the transaction before it counts
  // (default: 1, the block itself).
  uint64_t confirmations = 1;
  // How long to wait for the confirmations (default: 60 s).
  std::chrono::milliseconds receipt_timeout = std::chrono::seconds(60);
  // Gas allowed beyond the estimate, in percent (default: 25).
  uint64_t gas_margin_percent = 25;
  // Called with the receipt of every transaction confirmed, e.g. to account
  // for gas (default: none).
  std::function<void(const Receipt&)> on_receipt;
};

// The Status for revert data of a Parley contract: the custom errors
// InvalidArgument(string), PermissionDenied(string) and
// FailedPrecondition(string) become that code with the reason as message;
// anything else (Error(string), Panic, none) is FailedPrecondition with
// abi::DecodeRevertReason's text.
Status RevertStatus(ByteView revert_data);

class TxSender {
 public:
  TxSender(const EthClient& chain, crypto::PrivateKey key, uint64_t chain_id,
           TxOptions options = {});

  const crypto::EthAddress& address() const { return address_; }
  const EthClient& chain() const { return chain_; }

  // Sends `data` with `value` wei to `to`, or creates a contract if `to` is
  // absent, and returns the receipt once confirmed. A call the chain would
  // revert is not sent: RevertStatus of its revert data. Internal if a sent
  // transaction reverts all the same (the chain changed in between).
  Result<Receipt> Send(const std::optional<crypto::EthAddress>& to, const Bytes& data,
                       const channel::Amount& value = 0);

  // eth_call from this account: what `data` returns, or RevertStatus.
  Result<Bytes> Call(const crypto::EthAddress& to, const Bytes& data) const;

 private:
  Result<uint64_t> NextNonce();

  const EthClient& chain_;
  crypto::PrivateKey key_;
  crypto::EthAddress address_;
  uint64_t chain_id_;
  TxOptions options_;

  std::mutex mutex_;
  std::optional<uint64_t> nonce_;  // the next one to use, once known
};

}  // namespace parley::settlement::evm
