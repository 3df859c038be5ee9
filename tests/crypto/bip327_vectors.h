// Helpers for the BIP327 JSON test vectors (tests/vectors/bip327/).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "crypto/json_vectors.h"
#include "parley/crypto/musig2.h"

namespace parley::crypto::musig2 {

// The items of `all` (hex strings) at `indices`, as N-byte arrays.
template <size_t N>
std::vector<std::array<uint8_t, N>> PickHex(const Json& all, const Json& indices) {
  std::vector<std::array<uint8_t, N>> out;
  for (const Json& i : indices) out.push_back(HexArray<N>(all.at(i.get<size_t>())));
  return out;
}

// The tweaks at `indices` of `all` (or the hex strings of `values` when
// `all` is null), with their is_xonly flags.
inline std::vector<Tweak> PickTweaks(const Json& all, const Json& indices_or_values,
                                     const Json& is_xonly) {
  EXPECT_EQ(indices_or_values.size(), is_xonly.size());
  std::vector<Tweak> out;
  for (size_t i = 0; i < indices_or_values.size(); ++i) {
    const Json& hex =
        all.is_null() ? indices_or_values[i] : all.at(indices_or_values[i].get<size_t>());
    out.push_back({.value = HexArray<32>(hex), .is_xonly = is_xonly[i].get<bool>()});
  }
  return out;
}

inline std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Checks that `status` is the error a vector's "error" object describes: an
// invalid contribution names the signer (or the aggregator) and the
// contribution; a value error carries the reference implementation's message.
inline void ExpectVectorError(const Status& status, const Json& error) {
  ASSERT_FALSE(status.ok()) << "expected the error " << error.dump();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
  const std::string type = error.at("type").get<std::string>();
  std::string expected;
  if (type == "invalid_contribution") {
    const std::string from = error.at("signer").is_null()
                                 ? "the nonce aggregator"
                                 : "signer " + std::to_string(error["signer"].get<int>());
    expected = "invalid " + error.at("contrib").get<std::string>() + " from " + from + ":";
  } else if (type == "value") {
    expected = Lower(error.at("message").get<std::string>());
    if (!expected.empty() && expected.back() == '.') expected.pop_back();
  } else {
    FAIL() << "unknown error type " << type;
  }
  EXPECT_NE(Lower(status.message()).find(expected), std::string::npos)
      << "\"" << expected << "\" not in: " << status.message();
}

}  // namespace parley::crypto::musig2
