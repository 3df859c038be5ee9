#include "parley/settlement/evm/tx_sender.h"

#include "parley/settlement/evm/abi.h"
#include "parley/settlement/evm/transaction.h"

namespace parley::settlement::evm {

namespace {

// Selector and code of each error the contracts raise (ParleyTypes.sol).
struct ContractError {
  const char* signature;
  StatusCode code;
};
constexpr ContractError kContractErrors[] = {
    {"InvalidArgument(string)", StatusCode::kInvalidArgument},
    {"PermissionDenied(string)", StatusCode::kPermissionDenied},
    {"FailedPrecondition(string)", StatusCode::kFailedPrecondition},
};

}  // namespace

Status RevertStatus(ByteView revert_data) {
  for (const ContractError& error : kContractErrors) {
    auto selector = abi::Selector(error.signature);
    if (revert_data.size() < 4 ||
        !std::equal(selector.begin(), selector.end(), revert_data.begin())) {
      continue;
    }
    auto reason = abi::Decode({abi::Type::String()}, revert_data.subspan(4));
    if (reason.ok()) return Status(error.code, std::get<std::string>((*reason)[0].data));
  }
  return Status::FailedPrecondition("the contract refused: " +
                                    abi::DecodeRevertReason(revert_data));
}

TxSender::TxSender(const EthClient& chain, crypto::PrivateKey key, uint64_t chain_id,
                   TxOptions options)
    : chain_(chain),
      key_(std::move(key)),
      address_(crypto::EthereumAddress(key_.public_key())),
      chain_id_(chain_id),
      options_(options) {}

Result<Bytes> TxSender::Call(const crypto::EthAddress& to, const Bytes& data) const {
  Bytes revert;
  auto result =
      chain_.Call({.from = address_, .to = to, .data = data}, BlockTag::Latest(), &revert);
  if (!result.ok() && !revert.empty()) return RevertStatus(revert);
  return result;
}

Result<uint64_t> TxSender::NextNonce() {
  if (!nonce_) {
    PARLEY_ASSIGN_OR_RETURN(uint64_t count,
                            chain_.GetTransactionCount(address_, BlockTag::Pending()));
    nonce_ = count;
  }
  return (*nonce_)++;
}

Result<Receipt> TxSender::Send(const std::optional<crypto::EthAddress>& to, const Bytes& data,
                               const channel::Amount& value) {
  std::lock_guard lock(mutex_);
  CallRequest request{.from = address_, .to = to, .data = data, .value = value};
  Bytes revert;
  auto estimate = chain_.EstimateGas(request, &revert);
  if (!estimate.ok()) {
    if (!revert.empty() || estimate.status().message().find("reverted") != std::string::npos) {
      return RevertStatus(revert);
    }
    return estimate.status();
  }
  PARLEY_ASSIGN_OR_RETURN(channel::Amount tip, chain_.MaxPriorityFeePerGas());
  PARLEY_ASSIGN_OR_RETURN(channel::Amount base_fee, chain_.BaseFee());
  PARLEY_ASSIGN_OR_RETURN(uint64_t nonce, NextNonce());
  Transaction tx{.chain_id = chain_id_,
                 .nonce = nonce,
                 .max_priority_fee_per_gas = tip,
                 .max_fee_per_gas = 2 * base_fee + tip,
                 .gas_limit = *estimate + *estimate * options_.gas_margin_percent / 100,
                 .to = to,
                 .value = value,
                 .data = data};
  SignedTransaction signed_tx = SignTransaction(tx, key_);
  auto hash = chain_.SendRawTransaction(EncodeSignedTransaction(signed_tx));
  if (!hash.ok()) {
    nonce_.reset();  // the node may or may not have taken the nonce
    return hash.status().WithContext("sending a transaction");
  }
  PARLEY_ASSIGN_OR_RETURN(Receipt receipt, chain_.WaitForReceipt(*hash, options_.confirmations,
                                                                 options_.receipt_timeout));
  if (receipt.status != 1) {
    return Status::Internal("transaction " + ToHex(*hash) +
                            " reverted on chain although its simulation passed");
  }
  if (options_.on_receipt) options_.on_receipt(receipt);
  return receipt;
}

}  // namespace parley::settlement::evm
