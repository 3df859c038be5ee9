// Amount: a 256-bit unsigned integer, the unit of every balance. Arithmetic
// on amounts from peers goes through the checked functions below.
#pragma once

#include <boost/multiprecision/cpp_int.hpp>
#include <string>
#include <string_view>

#include "parley/util/codec.h"
#include "parley/util/status.h"

namespace parley::channel {

// Wraps modulo 2^256 on overflow; use CheckedAdd/CheckedSub for peer data.
using Amount = boost::multiprecision::uint256_t;

// a + b, or OutOfRange if the sum does not fit in 256 bits.
Result<Amount> CheckedAdd(const Amount& a, const Amount& b);
// a - b, or OutOfRange if b > a.
Result<Amount> CheckedSub(const Amount& a, const Amount& b);

// Parses a decimal amount ("0" to 2^256-1, digits only). InvalidArgument
// otherwise.
Result<Amount> ParseAmount(std::string_view decimal);
std::string ToString(const Amount& amount);

// 32 bytes, big-endian.
void WriteAmount(Writer& w, const Amount& amount);
Status ReadAmount(Reader& r, Amount* amount);

}  // namespace parley::channel
