// Recursive-length prefix (RLP), the serialization of Ethereum transactions
// (https://ethereum.org/en/developers/docs/data-structures-and-encoding/rlp/).
//
// An item is a byte string or a list of items. An unsigned integer is the
// byte string of its minimal big-endian form: 0 is the empty string, and no
// other integer starts with a zero byte.
//
// Every item has exactly one encoding, and Decode accepts only that one: it
// refuses truncated input, trailing bytes, a single byte below 0x80 wrapped
// in a string header, long-form headers for short payloads, lengths with
// leading zeros, and nesting deeper than kMaxDepth, with a Status (never a
// throw or a crash).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "parley/channel/amount.h"
#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::settlement::evm::rlp {

// Lists nested deeper than this do not decode. A transaction needs 4.
constexpr size_t kMaxDepth = 16;

class Item {
 public:
  // The empty string.
  Item() = default;

  static Item String(ByteView bytes);
  // The minimal big-endian form of `value`.
  static Item Uint(uint64_t value);
  static Item Uint256(const channel::Amount& value);
  static Item List(std::vector<Item> items);

  bool is_list() const { return is_list_; }
  // The string. Requires !is_list().
  const Bytes& bytes() const;
  // The items. Requires is_list().
  const std::vector<Item>& items() const;

  // The unsigned integer a string holds. InvalidArgument for a list, a
  // leading zero byte, or a value that does not fit.
  Result<uint64_t> AsUint() const;
  Result<channel::Amount> AsUint256() const;

  bool operator==(const Item&) const = default;

 private:
  bool is_list_ = false;
  Bytes bytes_;
  std::vector<Item> items_;
};

Bytes Encode(const Item& item);

// The one item `encoded` holds, all of it. InvalidArgument otherwise, with
// the offset of the first bad byte.
Result<Item> Decode(ByteView encoded);

}  // namespace parley::settlement::evm::rlp
