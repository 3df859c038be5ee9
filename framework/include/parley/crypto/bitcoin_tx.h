// A minimal Bitcoin transaction model and its wire encoding: what the BIP341
// signature hash reads, and what Parley's statechain backup transactions need.
//
// Integers are little-endian on the wire; lengths and counts are Bitcoin's
// CompactSize. Hashes (txids, outpoints) are kept in wire byte order, i.e.
// reversed from the hex that block explorers print.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::crypto {

// The most satoshis an amount may hold: 21 million BTC (Bitcoin's MAX_MONEY).
inline constexpr int64_t kMaxMoney = int64_t{21'000'000} * 100'000'000;
// nLockTime values below it are block heights; from it on, Unix times.
inline constexpr uint32_t kLockTimeThreshold = 500'000'000;
// The nSequence that, on every input, turns the lock time off.
inline constexpr uint32_t kSequenceFinal = 0xffffffff;

struct OutPoint {
  Hash32 txid{};  // wire byte order
  uint32_t index = 0;

  auto operator<=>(const OutPoint&) const = default;
};

struct TxIn {
  OutPoint prevout;
  Bytes script_sig;  // empty for segwit and taproot spends
  uint32_t sequence = 0xffffffff;
  std::vector<Bytes> witness;  // empty for legacy spends
};

struct TxOut {
  int64_t amount_sats = 0;
  Bytes script_pubkey;

  bool operator==(const TxOut&) const = default;
};

struct Transaction {
  int32_t version = 2;
  std::vector<TxIn> inputs;
  std::vector<TxOut> outputs;
  uint32_t lock_time = 0;

  bool HasWitness() const;
};

// Wire-encoding pieces, shared with the signature hash.
void AppendLe32(Bytes* out, uint32_t v);
void AppendLe64(Bytes* out, uint64_t v);
void AppendCompactSize(Bytes* out, uint64_t n);
// CompactSize(len) || bytes, as scripts and witness items are written.
void AppendWithLength(Bytes* out, ByteView bytes);
void AppendOutPoint(Bytes* out, const OutPoint& outpoint);
void AppendTxOut(Bytes* out, const TxOut& output);

// The legacy encoding, without witnesses: what the txid commits to.
Bytes SerializeWithoutWitness(const Transaction& tx);
// The BIP144 encoding (marker 0x00, flag 0x01, witnesses after the outputs)
// when some input has a witness; otherwise the legacy encoding.
Bytes Serialize(const Transaction& tx);

// SHA256d of the legacy encoding, in wire byte order.
Hash32 Txid(const Transaction& tx);
// SHA256d of Serialize(tx) (BIP141's wtxid), which commits to the witnesses
// too: equal to Txid(tx) when no input has a witness.
Hash32 Wtxid(const Transaction& tx);

// A txid as block explorers and Bitcoin Core print it: hex of the reversed bytes.
std::string DisplayHex(const Hash32& txid);
// "<DisplayHex(txid)>:<index>", as Bitcoin Core names an outpoint.
std::string ToString(const OutPoint& outpoint);

// Whether `tx` may be in the block at height `block_height`: Bitcoin Core's
// IsFinalTx for a chain that has heights but no block times. OK if nLockTime
// is 0, if every input's nSequence is kSequenceFinal (which turns the lock
// time off), or if nLockTime is a height below `block_height`.
// FailedPrecondition, naming the first block the transaction may be in, for a
// height not yet reached; InvalidArgument for a lock time that is a Unix time
// (kLockTimeThreshold or more), which needs block times.
Status CheckLockTime(const Transaction& tx, uint64_t block_height);

// Parses either encoding. Returns InvalidArgument, naming the field, for
// truncated input, trailing bytes, a non-canonical CompactSize, an unknown
// segwit flag or a witness section whose items are all empty. A transaction
// with no inputs cannot be told apart from a segwit marker and is rejected.
Result<Transaction> ParseTransaction(ByteView bytes);
Result<Transaction> ParseTransactionHex(std::string_view hex);

}  // namespace parley::crypto
