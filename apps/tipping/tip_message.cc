#include "tipping/tip_message.h"

#include <cstdint>
#include <optional>
#include <string>

namespace parley::apps {
namespace {

// The code point that starts at message[*pos], advancing *pos past it;
// nullopt for bytes that are not UTF-8 (a stray continuation byte, a
// truncated sequence, an overlong form, a surrogate, or beyond U+10FFFF).
std::optional<uint32_t> NextCodePoint(std::string_view message, size_t* pos) {
  auto byte = [&](size_t i) { return static_cast<uint8_t>(message[i]); };
  uint8_t lead = byte(*pos);
  size_t length;
  uint32_t code_point;
  uint32_t min;  // the smallest code point that needs this many bytes
  if (lead < 0x80) {
    ++*pos;
    return lead;
  } else if ((lead & 0xe0) == 0xc0) {
    length = 2, code_point = lead & 0x1f, min = 0x80;
  } else if ((lead & 0xf0) == 0xe0) {
    length = 3, code_point = lead & 0x0f, min = 0x800;
  } else if ((lead & 0xf8) == 0xf0) {
    length = 4, code_point = lead & 0x07, min = 0x10000;
  } else {
    return std::nullopt;
  }
  if (*pos + length > message.size()) return std::nullopt;
  for (size_t i = 1; i < length; ++i) {
    uint8_t next = byte(*pos + i);
    if ((next & 0xc0) != 0x80) return std::nullopt;
    code_point = code_point << 6 | (next & 0x3f);
  }
  bool surrogate = code_point >= 0xd800 && code_point <= 0xdfff;
  if (code_point < min || surrogate || code_point > 0x10ffff) return std::nullopt;
  *pos += length;
  return code_point;
}

bool BreaksTheLine(uint32_t code_point) {
  bool c0_or_del = code_point < 0x20 || code_point == 0x7f;
  bool c1 = code_point >= 0x80 && code_point <= 0x9f;
  bool separator = code_point == 0x2028 || code_point == 0x2029;
  return c0_or_del || c1 || separator;
}

std::string Hex(uint32_t code_point) {
  constexpr char kDigits[] = "0123456789ABCDEF";
  std::string hex;
  for (int shift = code_point > 0xffff ? 20 : 12; shift >= 0; shift -= 4) {
    hex += kDigits[(code_point >> shift) & 0xf];
  }
  return "U+" + hex;
}

}  // namespace

Status CheckTipMessage(std::string_view message) {
  if (message.size() > kMaxTipMessageBytes) {
    return Status::InvalidArgument("a tip message is at most " +
                                   std::to_string(kMaxTipMessageBytes) + " bytes; this one has " +
                                   std::to_string(message.size()));
  }
  for (size_t pos = 0; pos < message.size();) {
    size_t at = pos;
    std::optional<uint32_t> code_point = NextCodePoint(message, &pos);
    if (!code_point) {
      return Status::InvalidArgument("a tip message must be UTF-8; byte " + std::to_string(at) +
                                     " starts an invalid sequence");
    }
    if (BreaksTheLine(*code_point)) {
      return Status::InvalidArgument("a tip message is one line of printable text; byte " +
                                     std::to_string(at) + " is the control character " +
                                     Hex(*code_point));
    }
  }
  return Status::Ok();
}

}  // namespace parley::apps
