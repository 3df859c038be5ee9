// Canonical binary encoding: the bytes that get hashed, signed, stored and
// sent. Every value has exactly one encoding:
//   - fixed-width unsigned integers, big-endian;
//   - fixed-size byte arrays as they are;
//   - variable-length byte strings and lists as a u32 big-endian count, then
//     the items.
// Decoding is strict: it rejects truncated input, lengths beyond a limit,
// non-canonical booleans and trailing bytes, with a Status (never a throw).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley {

class Writer {
 public:
  void U8(uint8_t v) { out_.push_back(v); }
  void U16(uint16_t v) { BigEndian(v, 2); }
  void U32(uint32_t v) { BigEndian(v, 4); }
  void U64(uint64_t v) { BigEndian(v, 8); }
  void Bool(bool v) { U8(v ? 1 : 0); }
  void Raw(ByteView bytes) { out_.insert(out_.end(), bytes.begin(), bytes.end()); }
  template <size_t N>
  void Fixed(const std::array<uint8_t, N>& bytes) {
    Raw(bytes);
  }
  // A u32 length, then the bytes.
  void Var(ByteView bytes) {
    U32(static_cast<uint32_t>(bytes.size()));
    Raw(bytes);
  }
  void String(std::string_view s) { Var(AsBytes(s)); }

  const Bytes& bytes() const { return out_; }
  Bytes Take() { return std::move(out_); }

 private:
  void BigEndian(uint64_t v, int width) {
    for (int i = width - 1; i >= 0; --i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  Bytes out_;
};

class Reader {
 public:
  // `what` names the thing being decoded, for error messages.
  Reader(ByteView in, std::string what) : in_(in), what_(std::move(what)) {}

  Status U8(uint8_t* v);
  Status U16(uint16_t* v);
  Status U32(uint32_t* v);
  Status U64(uint64_t* v);
  Status Bool(bool* v);
  Status Raw(size_t n, Bytes* out);
  template <size_t N>
  Status Fixed(std::array<uint8_t, N>* out) {
    PARLEY_RETURN_IF_ERROR(Need(N));
    std::copy(in_.begin() + pos_, in_.begin() + pos_ + N, out->begin());
    pos_ += N;
    return Status::Ok();
  }
  // A u32 length (at most `max_len`), then the bytes.
  Status Var(size_t max_len, Bytes* out);
  Status String(size_t max_len, std::string* out);
  // A u32 item count, at most `max_count`.
  Status Count(size_t max_count, uint32_t* count);

  size_t remaining() const { return in_.size() - pos_; }
  // OK only when every byte was consumed.
  Status Finish() const;

 private:
  Status Need(size_t n) const;
  Status BigEndian(int width, uint64_t* v);

  ByteView in_;
  size_t pos_ = 0;
  std::string what_;
};

}  // namespace parley
