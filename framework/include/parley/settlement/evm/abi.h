// The Solidity contract ABI (docs.soliditylang.org, "Contract ABI
// Specification"): how calls, return values, events and reverts are encoded.
//
// Supported types, written canonically as the function selector spells them:
//   uint<M>   M in 8..256, a multiple of 8     value: channel::Amount
//   address                                    value: crypto::EthAddress
//   bool                                       value: bool
//   bytes<N>  N in 1..32                       value: Bytes of exactly N bytes
//   bytes                                      value: Bytes
//   string                                     value: std::string (any bytes)
//   T[]       a dynamic array                  value: Value::List
//   (T1,..)   a tuple (a struct), possibly ()  value: Value::List, one per member
// Signed integers, fixed-point numbers, `function` and fixed-size arrays T[k]
// are not supported; the parser refuses them.
//
// Encoding follows the specification's head/tail layout: static values in
// place, dynamic ones as an offset (relative to the start of the enclosing
// tuple or array contents) to their encoding after all the heads.
//
// Decoding treats its input as hostile: every offset and length is checked
// against the data, values must be canonical (a uint<M> fits M bits, a bool
// is 0 or 1, an address and a bytes<N> have zero padding), and DecodeLimits
// bounds what the decoder allocates. Bad input yields InvalidArgument; nothing
// throws.
#pragma once

#include <array>
#include <cassert>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "parley/channel/amount.h"
#include "parley/crypto/ecdsa.h"
#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::settlement::evm::abi {

// An ABI type. Build it with the factories below or parse it with ParseType.
struct Type {
  enum class Kind { kUint, kAddress, kBool, kFixedBytes, kBytes, kString, kArray, kTuple };

  Kind kind = Kind::kUint;
  size_t size = 256;             // kUint: the width M in bits; kFixedBytes: N
  std::vector<Type> components;  // kArray: the one element type; kTuple: the members

  // Each factory asserts that its size is one the ABI allows.
  static Type Uint(size_t bits);
  static Type Address();
  static Type Bool();
  static Type FixedBytes(size_t n);
  static Type DynamicBytes();
  static Type String();
  static Type Array(Type element);
  static Type Tuple(std::vector<Type> members);

  // True for bytes, string, T[], and tuples with a dynamic member: the types
  // encoded as an offset in the head and the value in the tail.
  bool IsDynamic() const;

  // The canonical spelling, e.g. "(address[],bytes32,uint64,string)".
  std::string ToString() const;

  bool operator==(const Type&) const = default;
};

// Nesting of tuples and arrays beyond this is refused by ParseType.
inline constexpr size_t kMaxTypeDepth = 32;

// Parses one type in canonical spelling: no spaces, "uint256" not "uint".
// InvalidArgument for anything else, including the unsupported types above
// and nesting deeper than kMaxTypeDepth.
Result<Type> ParseType(std::string_view canonical);

// A C++ integer type other than bool.
template <typename T>
concept Integer = std::integral<T> && !std::same_as<T, bool>;

// A value of some Type; which alternative it holds must match the type (see
// the table above). Integers convert to Amount, so Value(69) is a uint value
// and Value(true) a bool; a string literal makes a string value.
struct Value {
  using List = std::vector<Value>;
  std::variant<channel::Amount, crypto::EthAddress, bool, Bytes, std::string, List> data;

  // Implicit, so that argument lists read {69, true, "dave"}.
  // NOLINTBEGIN(google-explicit-constructor)
  Value() = default;  // the uint 0
  Value(channel::Amount n) : data(std::move(n)) {}
  template <Integer T>  // asserts that n >= 0
  Value(T n) : data(channel::Amount(n)) {
    assert(std::cmp_greater_equal(n, 0));
  }
  Value(bool b) : data(b) {}
  Value(const crypto::EthAddress& address) : data(address) {}
  Value(Bytes bytes) : data(std::move(bytes)) {}
  Value(std::string text) : data(std::move(text)) {}
  Value(const char* text) : data(std::string(text)) {}
  Value(List items) : data(std::move(items)) {}
  // NOLINTEND(google-explicit-constructor)

  // Defined out of line: GCC 12 inlining these sees a copy of the Amount
  // alternative on paths that never run and warns (-Wmaybe-uninitialized).
  Value(const Value&);
  Value(Value&&) noexcept;
  Value& operator=(const Value&);
  Value& operator=(Value&&) noexcept;
  ~Value();

  bool operator==(const Value&) const = default;
};

// OK if `value` has the shape of `type`: the matching alternative at every
// level, a uint<M> that fits M bits, a bytes<N> of exactly N bytes, a tuple
// with one value per member. InvalidArgument naming the first mismatch.
Status Validate(const Type& type, const Value& value);

// abi.encode(values...): the tuple encoding of `values` as `types`.
// InvalidArgument if the counts differ or a value fails Validate.
// Note: `{Value::List{...}}` as `values` is the list itself, not a one-item
// list (C++ list-initialization copies a vector from a lone vector); write
// `{Value(Value::List{...})}` to pass one tuple or array.
Result<Bytes> Encode(const std::vector<Type>& types, const std::vector<Value>& values);

// The first 4 bytes of Keccak-256 of `signature`, taken as spelled, e.g.
// Selector("baz(uint32,bool)") = cd cd 77 c0.
std::array<uint8_t, 4> Selector(std::string_view signature);

// Call data: Selector(signature) followed by Encode of `args` as the
// signature's parameter types. `signature` is canonical: a name
// ([A-Za-z_$][A-Za-z0-9_$]*) and a parenthesized list of canonical types,
// e.g. "sam(bytes,bool,uint256[])". InvalidArgument for a malformed signature
// or arguments that do not match it.
Result<Bytes> EncodeCall(std::string_view signature, const std::vector<Value>& args);

// What Decode may allocate, however the input is crafted.
struct DecodeLimits {
  // Most elements of any one T[] value.
  size_t max_array_length = 1 << 16;
  // Budget for everything decoded: each value costs 32, each bytes or string
  // value its length besides. Offsets may point several values at the same
  // bytes, so the input's size alone does not bound the output; this does.
  size_t max_decoded_size = 16 << 20;
};

// abi.decode(data, (types...)): values whose encoding as `types` is `data`.
// Offsets may point anywhere inside the data and bytes after the encoding are
// ignored, as Solidity's decoder does. InvalidArgument for an offset or length
// that points outside the data, a non-canonical value (see above), an array
// longer than limits.max_array_length, or output beyond
// limits.max_decoded_size.
Result<std::vector<Value>> Decode(const std::vector<Type>& types, ByteView data,
                                  const DecodeLimits& limits = {});

// A readable account of revert data returned by a failed call:
//   Error(string)  (selector 08c379a0): the reason, non-printable bytes as \xNN;
//   Panic(uint256) (selector 4e487b71): "panic 0x11: arithmetic overflow or
//                                       underflow", and so on;
//   no data:       "no reason given";
//   anything else: "unrecognized revert data 0x..." (hex cut after 256 bytes).
std::string DecodeRevertReason(ByteView data);

}  // namespace parley::settlement::evm::abi
