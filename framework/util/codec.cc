#include "parley/util/codec.h"

namespace parley {

Status Reader::Need(size_t n) const {
  if (remaining() < n) {
    return Status::InvalidArgument(what_ + " is truncated: needed " + std::to_string(n) +
                                   " more bytes at offset " + std::to_string(pos_) + ", found " +
                                   std::to_string(remaining()));
  }
  return Status::Ok();
}

Status Reader::BigEndian(int width, uint64_t* v) {
  PARLEY_RETURN_IF_ERROR(Need(width));
  uint64_t out = 0;
  for (int i = 0; i < width; ++i) out = out << 8 | in_[pos_++];
  *v = out;
  return Status::Ok();
}

Status Reader::U8(uint8_t* v) {
  uint64_t x;
  PARLEY_RETURN_IF_ERROR(BigEndian(1, &x));
  *v = static_cast<uint8_t>(x);
  return Status::Ok();
}

Status Reader::U16(uint16_t* v) {
  uint64_t x;
  PARLEY_RETURN_IF_ERROR(BigEndian(2, &x));
  *v = static_cast<uint16_t>(x);
  return Status::Ok();
}

Status Reader::U32(uint32_t* v) {
  uint64_t x;
  PARLEY_RETURN_IF_ERROR(BigEndian(4, &x));
  *v = static_cast<uint32_t>(x);
  return Status::Ok();
}

Status Reader::U64(uint64_t* v) { return BigEndian(8, v); }

Status Reader::Bool(bool* v) {
  uint8_t b;
  PARLEY_RETURN_IF_ERROR(U8(&b));
  if (b > 1) {
    return Status::InvalidArgument(what_ + " has a boolean byte " + std::to_string(b) +
                                   " (must be 0 or 1)");
  }
  *v = b == 1;
  return Status::Ok();
}

Status Reader::Raw(size_t n, Bytes* out) {
  PARLEY_RETURN_IF_ERROR(Need(n));
  out->assign(in_.begin() + pos_, in_.begin() + pos_ + n);
  pos_ += n;
  return Status::Ok();
}

Status Reader::Count(size_t max_count, uint32_t* count) {
  PARLEY_RETURN_IF_ERROR(U32(count));
  if (*count > max_count) {
    return Status::InvalidArgument(what_ + " declares " + std::to_string(*count) +
                                   " items where at most " + std::to_string(max_count) +
                                   " are allowed");
  }
  return Status::Ok();
}

Status Reader::Var(size_t max_len, Bytes* out) {
  uint32_t len;
  PARLEY_RETURN_IF_ERROR(Count(max_len, &len));
  return Raw(len, out);
}

Status Reader::String(size_t max_len, std::string* out) {
  Bytes bytes;
  PARLEY_RETURN_IF_ERROR(Var(max_len, &bytes));
  out->assign(bytes.begin(), bytes.end());
  return Status::Ok();
}

Status Reader::Finish() const {
  if (remaining() != 0) {
    return Status::InvalidArgument(what_ + " has " + std::to_string(remaining()) +
                                   " unexpected trailing bytes");
  }
  return Status::Ok();
}

}  // namespace parley
