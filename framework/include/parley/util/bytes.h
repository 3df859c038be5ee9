// Byte strings, fixed-size byte arrays and hex.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parley/util/status.h"

namespace parley {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

// A 32-byte value: hashes, channel ids, nonces, x-only keys.
using Hash32 = std::array<uint8_t, 32>;

// Lower-case hex of `bytes`, without a prefix.
std::string ToHex(ByteView bytes);

// Parses hex (either case, an optional "0x" prefix). Returns InvalidArgument
// on an odd length or a character that is not a hex digit.
Result<Bytes> FromHex(std::string_view hex);

// Parses exactly N bytes of hex.
template <size_t N>
Result<std::array<uint8_t, N>> FixedFromHex(std::string_view hex) {
  PARLEY_ASSIGN_OR_RETURN(Bytes bytes, FromHex(hex));
  if (bytes.size() != N) {
    return Status::InvalidArgument("expected " + std::to_string(N) + " bytes of hex, got " +
                                   std::to_string(bytes.size()));
  }
  std::array<uint8_t, N> out;
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

inline ByteView AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace parley
