// For programs (examples, benchmarks), not libraries: a step that fails ends
// the program with "<program>: <what>: <status>" on stderr and exit status 1.
// Libraries return the Status instead.
#pragma once

#include <string_view>
#include <utility>

#include "parley/util/status.h"

namespace parley {

[[noreturn]] void ExitWith(std::string_view what, const Status& status);

inline void Must(const Status& status, std::string_view what) {
  if (!status.ok()) ExitWith(what, status);
}

template <typename T>
T Must(Result<T> result, std::string_view what) {
  if (!result.ok()) ExitWith(what, result.status());
  return std::move(result).value();
}

}  // namespace parley
