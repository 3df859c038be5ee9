#include "parley/settlement/evm/transaction.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "parley/crypto/hash.h"
#include "parley/settlement/evm/rlp.h"

namespace parley::settlement::evm {
namespace {

constexpr size_t kSignedFieldCount = 12;
constexpr uint8_t kFirstV = 27;  // v of a message signature with recovery id 0

// The nine fields of the signing payload, access list last.
std::vector<rlp::Item> UnsignedFields(const Transaction& tx) {
  std::vector<rlp::Item> fields;
  fields.reserve(kSignedFieldCount);
  fields.push_back(rlp::Item::Uint(tx.chain_id));
  fields.push_back(rlp::Item::Uint(tx.nonce));
  fields.push_back(rlp::Item::Uint256(tx.max_priority_fee_per_gas));
  fields.push_back(rlp::Item::Uint256(tx.max_fee_per_gas));
  fields.push_back(rlp::Item::Uint(tx.gas_limit));
  fields.push_back(tx.to ? rlp::Item::String(*tx.to) : rlp::Item());
  fields.push_back(rlp::Item::Uint256(tx.value));
  fields.push_back(rlp::Item::String(tx.data));
  fields.push_back(rlp::Item::List({}));
  return fields;
}

// A big-endian 32-byte scalar as an RLP integer: without leading zeros.
rlp::Item Scalar(const Hash32& big_endian) {
  auto first = std::find_if(big_endian.begin(), big_endian.end(), [](uint8_t b) { return b != 0; });
  return rlp::Item::String(ByteView(first, big_endian.end()));
}

Bytes TypedEncoding(std::vector<rlp::Item> fields) {
  Bytes out = {kEip1559TransactionType};
  Bytes list = rlp::Encode(rlp::Item::List(std::move(fields)));
  out.insert(out.end(), list.begin(), list.end());
  return out;
}

Status FieldError(const char* field, const Status& status) {
  return status.WithContext(std::string("EIP-1559 transaction field ") + field);
}

Status ReadUint(const rlp::Item& item, const char* field, uint64_t* out) {
  auto value = item.AsUint();
  if (!value.ok()) return FieldError(field, value.status());
  *out = *value;
  return Status::Ok();
}

Status ReadUint256(const rlp::Item& item, const char* field, channel::Amount* out) {
  auto value = item.AsUint256();
  if (!value.ok()) return FieldError(field, value.status());
  *out = *value;
  return Status::Ok();
}

Status ReadString(const rlp::Item& item, const char* field, Bytes* out) {
  if (item.is_list()) {
    return FieldError(field, Status::InvalidArgument("expected a byte string, got a list"));
  }
  *out = item.bytes();
  return Status::Ok();
}

Status ReadTo(const rlp::Item& item, std::optional<crypto::EthAddress>* out) {
  Bytes bytes;
  PARLEY_RETURN_IF_ERROR(ReadString(item, "to", &bytes));
  if (bytes.empty()) {
    out->reset();
    return Status::Ok();
  }
  crypto::EthAddress address;
  if (bytes.size() != address.size()) {
    return FieldError("to", Status::InvalidArgument(
                                "an address is 20 bytes (or none, to create a contract), got " +
                                std::to_string(bytes.size())));
  }
  std::copy(bytes.begin(), bytes.end(), address.begin());
  *out = address;
  return Status::Ok();
}

// r or s: a canonical integer of at most 32 bytes, right-aligned.
Status ReadScalar(const rlp::Item& item, const char* field, Hash32* out) {
  channel::Amount checked;  // proves the item canonical and at most 32 bytes
  PARLEY_RETURN_IF_ERROR(ReadUint256(item, field, &checked));
  out->fill(0);
  std::copy(item.bytes().begin(), item.bytes().end(), out->end() - item.bytes().size());
  return Status::Ok();
}

Result<SignedTransaction> ParseFields(const std::vector<rlp::Item>& fields) {
  SignedTransaction signed_tx;
  Transaction& tx = signed_tx.transaction;
  PARLEY_RETURN_IF_ERROR(ReadUint(fields[0], "chain_id", &tx.chain_id));
  PARLEY_RETURN_IF_ERROR(ReadUint(fields[1], "nonce", &tx.nonce));
  PARLEY_RETURN_IF_ERROR(
      ReadUint256(fields[2], "max_priority_fee_per_gas", &tx.max_priority_fee_per_gas));
  PARLEY_RETURN_IF_ERROR(ReadUint256(fields[3], "max_fee_per_gas", &tx.max_fee_per_gas));
  PARLEY_RETURN_IF_ERROR(ReadUint(fields[4], "gas_limit", &tx.gas_limit));
  PARLEY_RETURN_IF_ERROR(ReadTo(fields[5], &tx.to));
  PARLEY_RETURN_IF_ERROR(ReadUint256(fields[6], "value", &tx.value));
  PARLEY_RETURN_IF_ERROR(ReadString(fields[7], "data", &tx.data));
  const rlp::Item& access_list = fields[8];
  if (!access_list.is_list()) {
    return FieldError("access_list", Status::InvalidArgument("expected a list, got a string"));
  }
  if (!access_list.items().empty()) {
    return FieldError("access_list",
                      Status::InvalidArgument("access lists are not supported; expected []"));
  }
  uint64_t y_parity = 0;
  PARLEY_RETURN_IF_ERROR(ReadUint(fields[9], "y_parity", &y_parity));
  if (y_parity > 1) {
    return FieldError("y_parity",
                      Status::InvalidArgument("expected 0 or 1, got " + std::to_string(y_parity)));
  }
  signed_tx.y_parity = static_cast<uint8_t>(y_parity);
  PARLEY_RETURN_IF_ERROR(ReadScalar(fields[10], "r", &signed_tx.r));
  PARLEY_RETURN_IF_ERROR(ReadScalar(fields[11], "s", &signed_tx.s));
  return signed_tx;
}

}  // namespace

Hash32 SigningHash(const Transaction& transaction) {
  return crypto::Keccak256(TypedEncoding(UnsignedFields(transaction)));
}

SignedTransaction SignTransaction(const Transaction& transaction, const crypto::PrivateKey& key) {
  crypto::RecoverableSignature signature = crypto::EcdsaSign(key, SigningHash(transaction));
  SignedTransaction signed_tx;
  signed_tx.transaction = transaction;
  signed_tx.y_parity = static_cast<uint8_t>(signature[64] - kFirstV);
  std::copy(signature.begin(), signature.begin() + 32, signed_tx.r.begin());
  std::copy(signature.begin() + 32, signature.begin() + 64, signed_tx.s.begin());
  return signed_tx;
}

Bytes EncodeSignedTransaction(const SignedTransaction& transaction) {
  std::vector<rlp::Item> fields = UnsignedFields(transaction.transaction);
  fields.push_back(rlp::Item::Uint(transaction.y_parity));
  fields.push_back(Scalar(transaction.r));
  fields.push_back(Scalar(transaction.s));
  return TypedEncoding(std::move(fields));
}

Hash32 TransactionHash(const SignedTransaction& transaction) {
  return crypto::Keccak256(EncodeSignedTransaction(transaction));
}

Result<crypto::EthAddress> RecoverSender(const SignedTransaction& transaction) {
  if (transaction.y_parity > 1) {
    return Status::InvalidArgument("transaction signature has y_parity " +
                                   std::to_string(transaction.y_parity) + "; expected 0 or 1");
  }
  crypto::RecoverableSignature signature;
  std::copy(transaction.r.begin(), transaction.r.end(), signature.begin());
  std::copy(transaction.s.begin(), transaction.s.end(), signature.begin() + 32);
  signature[64] = static_cast<uint8_t>(kFirstV + transaction.y_parity);
  auto key = crypto::EcdsaRecover(SigningHash(transaction.transaction), signature);
  if (!key.ok()) return key.status().WithContext("transaction signature");
  return crypto::EthereumAddress(*key);
}

Result<DecodedTransaction> DecodeSignedTransaction(ByteView raw) {
  if (raw.empty() || raw[0] != kEip1559TransactionType) {
    return Status::InvalidArgument(
        "not an EIP-1559 transaction: expected type byte 0x02, got " +
        (raw.empty() ? std::string("no bytes") : "0x" + ToHex(raw.first(1))));
  }
  auto item = rlp::Decode(raw.subspan(1));
  if (!item.ok()) return item.status().WithContext("EIP-1559 transaction");
  if (!item->is_list() || item->items().size() != kSignedFieldCount) {
    return Status::InvalidArgument(
        "EIP-1559 transaction: expected a list of 12 fields, got " +
        (item->is_list() ? std::to_string(item->items().size()) + " fields" : "a string"));
  }
  PARLEY_ASSIGN_OR_RETURN(SignedTransaction signed_tx, ParseFields(item->items()));
  PARLEY_ASSIGN_OR_RETURN(crypto::EthAddress sender, RecoverSender(signed_tx));
  return DecodedTransaction{std::move(signed_tx), sender};
}

}  // namespace parley::settlement::evm
