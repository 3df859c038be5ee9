#include "parley/channel/amount.h"

#include <algorithm>

namespace parley::channel {

Result<Amount> CheckedAdd(const Amount& a, const Amount& b) {
  Amount sum = a + b;  // wraps
  if (sum < a)
    return Status::OutOfRange("amount overflow: " + ToString(a) + " + " + ToString(b) +
                              " exceeds 2^256-1");
  return sum;
}

Result<Amount> CheckedSub(const Amount& a, const Amount& b) {
  if (b > a) {
    return Status::OutOfRange("amount underflow: " + ToString(a) + " - " + ToString(b) +
                              " is negative");
  }
  return Amount(a - b);
}

Result<Amount> ParseAmount(std::string_view decimal) {
  if (decimal.empty()) return Status::InvalidArgument("an amount needs at least one digit");
  if (!std::all_of(decimal.begin(), decimal.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Status::InvalidArgument("amount '" + std::string(decimal) +
                                   "' is not a whole number of base units (digits only)");
  }
  const Status too_large =
      Status::InvalidArgument("amount " + std::string(decimal) + " exceeds 2^256-1");
  Amount value = 0;
  for (char c : decimal) {
    Amount shifted = value * 10;  // wraps; detected next
    if (shifted / 10 != value) return too_large;
    auto next = CheckedAdd(shifted, Amount(c - '0'));
    if (!next.ok()) return too_large;
    value = *next;
  }
  return value;
}

std::string ToString(const Amount& amount) { return amount.str(); }

void WriteAmount(Writer& w, const Amount& amount) {
  std::array<uint8_t, 32> out{};
  // export_bits writes only the significant bytes; right-align them.
  Bytes significant;
  boost::multiprecision::export_bits(amount, std::back_inserter(significant), 8);
  std::copy(significant.begin(), significant.end(), out.end() - significant.size());
  w.Fixed(out);
}

Status ReadAmount(Reader& r, Amount* amount) {
  std::array<uint8_t, 32> in;
  PARLEY_RETURN_IF_ERROR(r.Fixed(&in));
  Amount value;
  boost::multiprecision::import_bits(value, in.begin(), in.end(), 8);
  *amount = value;
  return Status::Ok();
}

}  // namespace parley::channel
