#include "parley/settlement/evm/abi.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <cstdint>
#include <cstdio>

#include "parley/crypto/hash.h"

namespace parley::settlement::evm::abi {
namespace {

constexpr size_t kWord = 32;
using Word = std::array<uint8_t, kWord>;

// The type of item `i` of a tuple or array.
const Type& ItemType(const Type& container, size_t i) {
  return container.kind == Type::Kind::kTuple ? container.components[i] : container.components[0];
}

// The bytes a value of `type` takes in the head of its enclosing tuple.
size_t HeadSize(const Type& type) {
  if (type.kind != Type::Kind::kTuple || type.IsDynamic()) return kWord;
  size_t size = 0;
  for (const Type& member : type.components) size += HeadSize(member);
  return size;
}

// ---------------------------------------------------------------------------
// Words

Word WordOf(const channel::Amount& n) {
  Word word{};
  Bytes significant;
  boost::multiprecision::export_bits(n, std::back_inserter(significant), 8);
  std::copy(significant.begin(), significant.end(), word.end() - significant.size());
  return word;
}

channel::Amount AmountOf(const Word& word) {
  channel::Amount n;
  boost::multiprecision::import_bits(n, word.begin(), word.end(), 8);
  return n;
}

bool FitsBits(const channel::Amount& n, size_t bits) { return bits >= 256 || (n >> bits) == 0; }

// True if word[from, to) is all zero.
bool Zero(const Word& word, size_t from, size_t to) {
  return std::all_of(word.begin() + from, word.begin() + to, [](uint8_t b) { return b == 0; });
}

void AppendWord(const Word& word, Bytes* out) { out->insert(out->end(), word.begin(), word.end()); }

void AppendSize(size_t n, Bytes* out) { AppendWord(WordOf(channel::Amount(n)), out); }

// `data`, then zeros up to a multiple of 32 bytes.
void AppendPadded(ByteView data, Bytes* out) {
  out->insert(out->end(), data.begin(), data.end());
  out->resize(out->size() + (kWord - data.size() % kWord) % kWord, 0);
}

// ---------------------------------------------------------------------------
// Encoding

const char* AlternativeName(const Value& value) {
  static constexpr const char* kNames[] = {"a number", "an address", "a bool",
                                           "bytes",    "a string",   "a list"};
  return kNames[value.data.index()];
}

template <typename T>
Status Expect(const Type& type, const Value& value, const char* wanted) {
  if (std::holds_alternative<T>(value.data)) return Status::Ok();
  return Status::InvalidArgument("an ABI " + type.ToString() + " needs " + wanted + ", not " +
                                 AlternativeName(value));
}

void EncodeValue(const Type& type, const Value& value, Bytes* out);

// Heads of all items, then the tails of the dynamic ones.
void EncodeItems(const Type& container, const Value::List& items, Bytes* out) {
  size_t heads_size = 0;
  for (size_t i = 0; i < items.size(); ++i) heads_size += HeadSize(ItemType(container, i));
  Bytes tails;
  for (size_t i = 0; i < items.size(); ++i) {
    const Type& type = ItemType(container, i);
    if (type.IsDynamic()) {
      AppendSize(heads_size + tails.size(), out);
      EncodeValue(type, items[i], &tails);
    } else {
      EncodeValue(type, items[i], out);
    }
  }
  out->insert(out->end(), tails.begin(), tails.end());
}

// Requires Validate(type, value).
void EncodeValue(const Type& type, const Value& value, Bytes* out) {
  switch (type.kind) {
    case Type::Kind::kUint:
      AppendWord(WordOf(std::get<channel::Amount>(value.data)), out);
      return;
    case Type::Kind::kAddress: {
      const auto& address = std::get<crypto::EthAddress>(value.data);
      out->resize(out->size() + kWord - address.size(), 0);
      out->insert(out->end(), address.begin(), address.end());
      return;
    }
    case Type::Kind::kBool:
      AppendSize(std::get<bool>(value.data) ? 1 : 0, out);
      return;
    case Type::Kind::kFixedBytes:
      AppendPadded(std::get<Bytes>(value.data), out);
      return;
    case Type::Kind::kBytes: {
      const auto& bytes = std::get<Bytes>(value.data);
      AppendSize(bytes.size(), out);
      AppendPadded(bytes, out);
      return;
    }
    case Type::Kind::kString: {
      const auto& text = std::get<std::string>(value.data);
      AppendSize(text.size(), out);
      AppendPadded(AsBytes(text), out);
      return;
    }
    case Type::Kind::kArray: {
      const auto& items = std::get<Value::List>(value.data);
      AppendSize(items.size(), out);
      EncodeItems(type, items, out);
      return;
    }
    case Type::Kind::kTuple:
      EncodeItems(type, std::get<Value::List>(value.data), out);
      return;
  }
}

// ---------------------------------------------------------------------------
// Decoding

class Decoder {
 public:
  explicit Decoder(const DecodeLimits& limits)
      : max_array_length_(limits.max_array_length), budget_(limits.max_decoded_size) {}

  // The value of `type` whose encoding starts at `at` and may extend to the
  // end of `at`.
  Status DecodeValue(const Type& type, ByteView at, Value* out) {
    PARLEY_RETURN_IF_ERROR(Charge(type, kWord));
    switch (type.kind) {
      case Type::Kind::kUint: {
        PARLEY_ASSIGN_OR_RETURN(Word word, ReadWord(type, at, 0));
        channel::Amount n = AmountOf(word);
        if (!FitsBits(n, type.size)) {
          return Bad(type, channel::ToString(n) + " does not fit in " + std::to_string(type.size) +
                               " bits");
        }
        *out = Value(n);
        return Status::Ok();
      }
      case Type::Kind::kAddress: {
        PARLEY_ASSIGN_OR_RETURN(Word word, ReadWord(type, at, 0));
        crypto::EthAddress address;
        size_t padding = kWord - address.size();
        if (!Zero(word, 0, padding)) {
          return Bad(type, "the 12 bytes before the address are not zero");
        }
        std::copy(word.begin() + padding, word.end(), address.begin());
        *out = Value(address);
        return Status::Ok();
      }
      case Type::Kind::kBool: {
        PARLEY_ASSIGN_OR_RETURN(Word word, ReadWord(type, at, 0));
        if (!Zero(word, 0, kWord - 1) || word[kWord - 1] > 1) {
          return Bad(type, "the value is neither 0 nor 1");
        }
        *out = Value(word[kWord - 1] == 1);
        return Status::Ok();
      }
      case Type::Kind::kFixedBytes: {
        PARLEY_ASSIGN_OR_RETURN(Word word, ReadWord(type, at, 0));
        if (!Zero(word, type.size, kWord)) return Bad(type, "the padding is not zero");
        *out = Value(Bytes(word.begin(), word.begin() + type.size));
        return Status::Ok();
      }
      case Type::Kind::kBytes:
      case Type::Kind::kString: {
        PARLEY_ASSIGN_OR_RETURN(size_t length, ReadSize(type, at, 0, SIZE_MAX, "length"));
        if (length > at.size() - kWord) {
          return Bad(type, "the length " + std::to_string(length) + " runs past the data");
        }
        PARLEY_RETURN_IF_ERROR(Charge(type, length));
        ByteView content = at.subspan(kWord, length);
        if (type.kind == Type::Kind::kBytes) {
          *out = Value(Bytes(content.begin(), content.end()));
        } else {
          *out = Value(std::string(content.begin(), content.end()));
        }
        return Status::Ok();
      }
      case Type::Kind::kArray: {
        PARLEY_ASSIGN_OR_RETURN(size_t count,
                                ReadSize(type, at, 0, max_array_length_, "element count"));
        ByteView contents = at.subspan(kWord);
        size_t element_head = HeadSize(type.components[0]);
        if (element_head != 0 && count > contents.size() / element_head) {
          return Bad(type, std::to_string(count) + " elements do not fit in the data");
        }
        if (count > budget_ / kWord) return Bad(type, "the decoded data would be too large");
        Value::List items;
        PARLEY_RETURN_IF_ERROR(DecodeItems(type, count, contents, &items));
        *out = Value(std::move(items));
        return Status::Ok();
      }
      case Type::Kind::kTuple: {
        Value::List items;
        PARLEY_RETURN_IF_ERROR(DecodeItems(type, type.components.size(), at, &items));
        *out = Value(std::move(items));
        return Status::Ok();
      }
    }
    return Status::Internal("unknown ABI type kind");
  }

 private:
  // `count` items of a tuple or array whose contents (heads, then tails)
  // start at `contents`.
  Status DecodeItems(const Type& container, size_t count, ByteView contents, Value::List* out) {
    out->reserve(count);
    size_t head = 0;
    for (size_t i = 0; i < count; ++i) {
      const Type& type = ItemType(container, i);
      size_t at = head;
      if (type.IsDynamic()) {
        PARLEY_ASSIGN_OR_RETURN(at, ReadSize(type, contents, head, contents.size(), "offset"));
      } else if (head > contents.size()) {
        return Bad(type, "the data ends before the value");
      }
      Value item;
      PARLEY_RETURN_IF_ERROR(DecodeValue(type, contents.subspan(at), &item));
      out->push_back(std::move(item));
      head += HeadSize(type);
    }
    return Status::Ok();
  }

  // The 32-byte word at `pos` of `data`.
  static Result<Word> ReadWord(const Type& type, ByteView data, size_t pos) {
    if (pos > data.size() || data.size() - pos < kWord) {
      return Bad(type, "the data ends before the value");
    }
    Word word;
    std::copy(data.begin() + pos, data.begin() + pos + kWord, word.begin());
    return word;
  }

  // The word at `pos` of `data` read as a number no greater than `max`.
  static Result<size_t> ReadSize(const Type& type, ByteView data, size_t pos, size_t max,
                                 const char* what) {
    PARLEY_ASSIGN_OR_RETURN(Word word, ReadWord(type, data, pos));
    channel::Amount n = AmountOf(word);
    if (n > max) {
      return Bad(type, std::string("the ") + what + " " + channel::ToString(n) + " exceeds " +
                           std::to_string(max));
    }
    return static_cast<size_t>(n);
  }

  Status Charge(const Type& type, size_t cost) {
    if (cost > budget_) return Bad(type, "the decoded data would be too large");
    budget_ -= cost;
    return Status::Ok();
  }

  static Status Bad(const Type& type, const std::string& why) {
    return Status::InvalidArgument("malformed ABI " + type.ToString() + ": " + why);
  }

  size_t max_array_length_;
  size_t budget_;
};

// ---------------------------------------------------------------------------
// Revert reasons

// Printable ASCII as is, anything else as \xNN; cut after 1024 bytes.
std::string Printable(std::string_view text) {
  constexpr size_t kMaxShown = 1024;
  std::string out;
  for (unsigned char c : text.substr(0, kMaxShown)) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      out += escaped;
    }
  }
  if (text.size() > kMaxShown) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

// What Solidity's panic codes mean (the specification's "Panic via assert").
const char* PanicMeaning(const channel::Amount& code) {
  if (code == 0x00) return "generic compiler panic";
  if (code == 0x01) return "assertion failed";
  if (code == 0x11) return "arithmetic overflow or underflow";
  if (code == 0x12) return "division or modulo by zero";
  if (code == 0x21) return "conversion to an invalid enum value";
  if (code == 0x22) return "incorrectly encoded storage byte array";
  if (code == 0x31) return "pop() on an empty array";
  if (code == 0x32) return "array index out of bounds";
  if (code == 0x41) return "too much memory allocated";
  if (code == 0x51) return "call to a zero-initialized internal function";
  return "unknown panic code";
}

std::string Unrecognized(ByteView data) {
  constexpr size_t kMaxShown = 256;
  std::string text =
      "unrecognized revert data 0x" + ToHex(data.first(std::min(data.size(), kMaxShown)));
  if (data.size() > kMaxShown) text += "... (" + std::to_string(data.size()) + " bytes)";
  return text;
}

}  // namespace

// ---------------------------------------------------------------------------
// Public functions

Value::Value(const Value&) = default;
Value::Value(Value&&) noexcept = default;
Value& Value::operator=(const Value&) = default;
Value& Value::operator=(Value&&) noexcept = default;
Value::~Value() = default;

Status Validate(const Type& type, const Value& value) {
  switch (type.kind) {
    case Type::Kind::kUint: {
      PARLEY_RETURN_IF_ERROR(Expect<channel::Amount>(type, value, "a number"));
      const auto& n = std::get<channel::Amount>(value.data);
      if (!FitsBits(n, type.size)) {
        return Status::InvalidArgument(channel::ToString(n) + " does not fit in an ABI " +
                                       type.ToString());
      }
      return Status::Ok();
    }
    case Type::Kind::kAddress:
      return Expect<crypto::EthAddress>(type, value, "an address");
    case Type::Kind::kBool:
      return Expect<bool>(type, value, "a bool");
    case Type::Kind::kFixedBytes: {
      PARLEY_RETURN_IF_ERROR(Expect<Bytes>(type, value, "bytes"));
      size_t size = std::get<Bytes>(value.data).size();
      if (size != type.size) {
        return Status::InvalidArgument("an ABI " + type.ToString() + " needs exactly " +
                                       std::to_string(type.size) + " bytes, not " +
                                       std::to_string(size));
      }
      return Status::Ok();
    }
    case Type::Kind::kBytes:
      return Expect<Bytes>(type, value, "bytes");
    case Type::Kind::kString:
      return Expect<std::string>(type, value, "a string");
    case Type::Kind::kArray:
    case Type::Kind::kTuple: {
      PARLEY_RETURN_IF_ERROR(Expect<Value::List>(type, value, "a list"));
      const auto& items = std::get<Value::List>(value.data);
      if (type.kind == Type::Kind::kTuple && items.size() != type.components.size()) {
        return Status::InvalidArgument("an ABI " + type.ToString() + " needs " +
                                       std::to_string(type.components.size()) + " values, not " +
                                       std::to_string(items.size()));
      }
      for (size_t i = 0; i < items.size(); ++i) {
        PARLEY_RETURN_IF_ERROR(Validate(ItemType(type, i), items[i]));
      }
      return Status::Ok();
    }
  }
  return Status::Internal("unknown ABI type kind");
}

Result<Bytes> Encode(const std::vector<Type>& types, const std::vector<Value>& values) {
  if (types.size() != values.size()) {
    return Status::InvalidArgument("cannot encode " + std::to_string(values.size()) +
                                   " values as " + std::to_string(types.size()) + " ABI types");
  }
  for (size_t i = 0; i < types.size(); ++i) PARLEY_RETURN_IF_ERROR(Validate(types[i], values[i]));
  Bytes out;
  EncodeItems(Type::Tuple(types), values, &out);
  return out;
}

std::array<uint8_t, 4> Selector(std::string_view signature) {
  Hash32 hash = crypto::Keccak256(AsBytes(signature));
  return {hash[0], hash[1], hash[2], hash[3]};
}

Result<Bytes> EncodeCall(std::string_view signature, const std::vector<Value>& args) {
  size_t open = signature.find('(');
  std::string_view name = signature.substr(0, open);
  bool name_ok = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
                 std::all_of(name.begin(), name.end(), [](char c) {
                   return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
                 });
  if (open == std::string_view::npos || !name_ok) {
    return Status::InvalidArgument("'" + std::string(signature) +
                                   "' is not a function signature such as 'f(uint256,bytes)'");
  }
  PARLEY_ASSIGN_OR_RETURN(Type params, ParseType(signature.substr(open)));
  if (params.kind != Type::Kind::kTuple) {
    return Status::InvalidArgument("'" + std::string(signature) +
                                   "' does not end with its parameter list");
  }
  PARLEY_ASSIGN_OR_RETURN(Bytes encoded, Encode(params.components, args));
  std::array<uint8_t, 4> selector = Selector(signature);
  Bytes call(selector.begin(), selector.end());
  call.insert(call.end(), encoded.begin(), encoded.end());
  return call;
}

Result<std::vector<Value>> Decode(const std::vector<Type>& types, ByteView data,
                                  const DecodeLimits& limits) {
  Value tuple;
  PARLEY_RETURN_IF_ERROR(Decoder(limits).DecodeValue(Type::Tuple(types), data, &tuple));
  return std::get<Value::List>(std::move(tuple.data));
}

std::string DecodeRevertReason(ByteView data) {
  if (data.empty()) return "no reason given";
  if (data.size() < 4) return Unrecognized(data);
  std::array<uint8_t, 4> selector;
  std::copy(data.begin(), data.begin() + 4, selector.begin());
  ByteView args = data.subspan(4);
  if (selector == Selector("Error(string)")) {
    auto decoded = Decode({Type::String()}, args);
    if (decoded.ok()) return Printable(std::get<std::string>((*decoded)[0].data));
  } else if (selector == Selector("Panic(uint256)")) {
    auto decoded = Decode({Type::Uint(256)}, args);
    if (decoded.ok()) {
      const auto& code = std::get<channel::Amount>((*decoded)[0].data);
      std::string hex = ToHex(WordOf(code));
      hex.erase(0, std::min(hex.find_first_not_of('0'), hex.size() - 2));
      return "panic 0x" + hex + ": " + PanicMeaning(code);
    }
  }
  return Unrecognized(data);
}

}  // namespace parley::settlement::evm::abi
