// Reading the BIPs' JSON test vectors (tests/vectors/, see its README.md).
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "parley/util/bytes.h"

namespace parley::crypto {

using Json = nlohmann::json;

// The parsed file at tests/vectors/<relative_path>, or null if it cannot be
// read or parsed (the caller asserts it is not).
inline Json ReadJsonVectors(const std::string& relative_path) {
  std::ifstream in(std::string(PARLEY_TEST_VECTORS_DIR) + "/" + relative_path);
  return Json::parse(in, /*cb=*/nullptr, /*allow_exceptions=*/false);
}

// The bytes of a hex string in a vector; a failure of the test otherwise.
inline Bytes HexBytes(const Json& value) {
  if (!value.is_string()) {
    ADD_FAILURE() << "expected a hex string, got " << value.dump();
    return {};
  }
  Result<Bytes> bytes = FromHex(value.get<std::string>());
  if (!bytes.ok()) {
    ADD_FAILURE() << bytes.status().ToString();
    return {};
  }
  return *bytes;
}

template <size_t N>
std::array<uint8_t, N> HexArray(const Json& value) {
  Bytes bytes = HexBytes(value);
  std::array<uint8_t, N> out{};
  if (bytes.size() != N) {
    ADD_FAILURE() << "expected " << N << " bytes, got " << value.dump();
    return out;
  }
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

}  // namespace parley::crypto
