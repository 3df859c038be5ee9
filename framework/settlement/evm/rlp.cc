#include "parley/settlement/evm/rlp.h"

#include <cassert>
#include <iterator>
#include <string>
#include <utility>

namespace parley::settlement::evm::rlp {
namespace {

constexpr uint8_t kStringBase = 0x80;   // first byte of a string of 0 bytes
constexpr uint8_t kListBase = 0xc0;     // first byte of a list of 0 payload bytes
constexpr size_t kMaxShortLength = 55;  // longer payloads take the long form

Bytes MinimalBigEndian(uint64_t value) {
  Bytes out;
  for (; value != 0; value >>= 8) out.insert(out.begin(), static_cast<uint8_t>(value));
  return out;
}

void AppendHeader(size_t payload_length, uint8_t base, Bytes* out) {
  if (payload_length <= kMaxShortLength) {
    out->push_back(static_cast<uint8_t>(base + payload_length));
    return;
  }
  Bytes length = MinimalBigEndian(payload_length);
  out->push_back(static_cast<uint8_t>(base + kMaxShortLength + length.size()));
  out->insert(out->end(), length.begin(), length.end());
}

void EncodeInto(const Item& item, Bytes* out) {
  if (item.is_list()) {
    Bytes payload;
    for (const Item& child : item.items()) EncodeInto(child, &payload);
    AppendHeader(payload.size(), kListBase, out);
    out->insert(out->end(), payload.begin(), payload.end());
    return;
  }
  const Bytes& bytes = item.bytes();
  if (bytes.size() != 1 || bytes[0] >= kStringBase) AppendHeader(bytes.size(), kStringBase, out);
  out->insert(out->end(), bytes.begin(), bytes.end());
}

// Checks that a string is the minimal big-endian form of an integer of at
// most `max_bytes` bytes.
Status CheckInteger(const Bytes& bytes, size_t max_bytes, const char* type_name) {
  if (!bytes.empty() && bytes[0] == 0) {
    return Status::InvalidArgument("RLP integer of " + std::to_string(bytes.size()) +
                                   " bytes has a leading zero byte (not canonical)");
  }
  if (bytes.size() > max_bytes) {
    return Status::InvalidArgument("RLP integer of " + std::to_string(bytes.size()) +
                                   " bytes does not fit in a " + type_name);
  }
  return Status::Ok();
}

// Reads one item after another from `in_`, checking each header as it goes.
class Decoder {
 public:
  explicit Decoder(ByteView in) : in_(in) {}

  // The item at the current position, which must end by `end`; `depth` is
  // the number of lists around it.
  Result<Item> Next(size_t end, size_t depth) {
    if (pos_ >= end) return Error(pos_, "truncated: an item is missing");
    const size_t start = pos_;
    const uint8_t prefix = in_[pos_++];
    if (prefix < kStringBase) return Item::String(in_.subspan(start, 1));

    const bool is_list = prefix >= kListBase;
    const uint8_t base = is_list ? kListBase : kStringBase;
    size_t length = prefix - base;
    if (length > kMaxShortLength) {
      auto long_length = LongLength(length - kMaxShortLength, end);
      if (!long_length.ok()) return long_length.status();
      length = *long_length;
    } else if (length > end - pos_) {
      return Error(start, "truncated: the header announces " + std::to_string(length) + " bytes, " +
                              std::to_string(end - pos_) + " remain");
    }

    if (!is_list) {
      ByteView bytes = in_.subspan(pos_, length);
      if (length == 1 && bytes[0] < kStringBase) {
        return Error(start, "a single byte below 0x80 must be encoded as itself");
      }
      pos_ += length;
      return Item::String(bytes);
    }
    if (depth == kMaxDepth) {
      return Error(start, "lists nested deeper than " + std::to_string(kMaxDepth));
    }
    const size_t list_end = pos_ + length;
    std::vector<Item> items;
    while (pos_ < list_end) {
      auto item = Next(list_end, depth + 1);
      if (!item.ok()) return item.status();
      items.push_back(std::move(item).value());
    }
    return Item::List(std::move(items));
  }

  size_t pos() const { return pos_; }

 private:
  // Reads the big-endian length of a long-form header, `length_of_length`
  // (1 to 8) bytes, and checks that it is canonical and fits before `end`.
  Result<size_t> LongLength(size_t length_of_length, size_t end) {
    const size_t start = pos_ - 1;
    if (length_of_length > end - pos_) {
      return Error(start, "truncated: the header's length field is cut off");
    }
    if (in_[pos_] == 0) return Error(start, "the header's length has a leading zero byte");
    uint64_t length = 0;
    for (size_t i = 0; i < length_of_length; ++i) length = length << 8 | in_[pos_++];
    if (length <= kMaxShortLength) {
      return Error(start, "a payload of " + std::to_string(length) +
                              " bytes must use the short header form");
    }
    if (length > end - pos_) {
      return Error(start, "truncated: the header announces " + std::to_string(length) + " bytes, " +
                              std::to_string(end - pos_) + " remain");
    }
    return static_cast<size_t>(length);
  }

  static Status Error(size_t offset, const std::string& what) {
    return Status::InvalidArgument("RLP at byte " + std::to_string(offset) + ": " + what);
  }

  ByteView in_;
  size_t pos_ = 0;
};

}  // namespace

Item Item::String(ByteView bytes) {
  Item item;
  item.bytes_.assign(bytes.begin(), bytes.end());
  return item;
}

Item Item::Uint(uint64_t value) {
  Item item;
  item.bytes_ = MinimalBigEndian(value);
  return item;
}

Item Item::Uint256(const channel::Amount& value) {
  Item item;
  if (value != 0) boost::multiprecision::export_bits(value, std::back_inserter(item.bytes_), 8);
  return item;
}

Item Item::List(std::vector<Item> items) {
  Item item;
  item.is_list_ = true;
  item.items_ = std::move(items);
  return item;
}

const Bytes& Item::bytes() const {
  assert(!is_list_);
  return bytes_;
}

const std::vector<Item>& Item::items() const {
  assert(is_list_);
  return items_;
}

Result<uint64_t> Item::AsUint() const {
  if (is_list_) return Status::InvalidArgument("expected an RLP integer, got a list");
  PARLEY_RETURN_IF_ERROR(CheckInteger(bytes_, sizeof(uint64_t), "64-bit integer"));
  uint64_t value = 0;
  for (uint8_t byte : bytes_) value = value << 8 | byte;
  return value;
}

Result<channel::Amount> Item::AsUint256() const {
  if (is_list_) return Status::InvalidArgument("expected an RLP integer, got a list");
  PARLEY_RETURN_IF_ERROR(CheckInteger(bytes_, 32, "256-bit integer"));
  channel::Amount value = 0;
  if (!bytes_.empty()) boost::multiprecision::import_bits(value, bytes_.begin(), bytes_.end(), 8);
  return value;
}

Bytes Encode(const Item& item) {
  Bytes out;
  EncodeInto(item, &out);
  return out;
}

Result<Item> Decode(ByteView encoded) {
  Decoder decoder(encoded);
  PARLEY_ASSIGN_OR_RETURN(Item item, decoder.Next(encoded.size(), 0));
  if (decoder.pos() != encoded.size()) {
    return Status::InvalidArgument("RLP at byte " + std::to_string(decoder.pos()) + ": " +
                                   std::to_string(encoded.size() - decoder.pos()) +
                                   " trailing bytes after the item");
  }
  return item;
}

}  // namespace parley::settlement::evm::rlp
