// EIP-1559 (type 2) transactions (https://eips.ethereum.org/EIPS/eip-1559):
// what Parley sends to a chain, signed with a participant's key.
//
//   signing hash = keccak256(0x02 || rlp([chain_id, nonce,
//                      max_priority_fee_per_gas, max_fee_per_gas, gas_limit,
//                      to, value, data, access_list]))
//   raw          = 0x02 || rlp([...the nine fields, y_parity, r, s])
//   hash         = keccak256(raw), the id the chain knows it by
//
// Parley never needs an access list: it is always empty.
#pragma once

#include <cstdint>
#include <optional>

#include "parley/channel/amount.h"
#include "parley/crypto/ecdsa.h"
#include "parley/crypto/keys.h"
#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::settlement::evm {

// The first byte of a type-2 transaction's encodings (EIP-2718).
constexpr uint8_t kEip1559TransactionType = 0x02;

struct Transaction {
  uint64_t chain_id = 0;
  uint64_t nonce = 0;                        // the sender's count of transactions so far
  channel::Amount max_priority_fee_per_gas;  // wei per gas, the tip to the block producer
  channel::Amount max_fee_per_gas;           // wei per gas, base fee and tip together
  uint64_t gas_limit = 0;
  std::optional<crypto::EthAddress> to;  // none: creates a contract whose code is `data`
  channel::Amount value;                 // wei
  Bytes data;                            // call data, or the contract's init code

  bool operator==(const Transaction&) const = default;
};

struct SignedTransaction {
  Transaction transaction;
  uint8_t y_parity = 0;  // the recovery id, 0 or 1
  Hash32 r{};            // big-endian
  Hash32 s{};            // big-endian, in the lower half of the curve order

  bool operator==(const SignedTransaction&) const = default;
};

// A signed transaction read from its raw encoding, and who signed it.
struct DecodedTransaction {
  SignedTransaction signed_transaction;
  crypto::EthAddress sender{};
};

// The digest the sender signs.
Hash32 SigningHash(const Transaction& transaction);

// `transaction` signed by `key` (deterministic, RFC 6979).
SignedTransaction SignTransaction(const Transaction& transaction, const crypto::PrivateKey& key);

// 0x02 || rlp([...]): the bytes for eth_sendRawTransaction.
Bytes EncodeSignedTransaction(const SignedTransaction& transaction);

// keccak256 of the raw encoding.
Hash32 TransactionHash(const SignedTransaction& transaction);

// The address whose key signed `transaction`. InvalidArgument for a
// y_parity other than 0 or 1, an r or s of 0 or not below the curve order, a
// high s, or a signature that recovers no key.
Result<crypto::EthAddress> RecoverSender(const SignedTransaction& transaction);

// Parses the raw encoding of a signed type-2 transaction and recovers its
// sender. InvalidArgument for another type byte, RLP that is malformed or not
// canonical, a list without exactly 12 items, an integer that is not
// canonical or does not fit its field, a `to` of neither 0 nor 20 bytes, a
// non-empty access list, or a signature RecoverSender refuses.
Result<DecodedTransaction> DecodeSignedTransaction(ByteView raw);

}  // namespace parley::settlement::evm
