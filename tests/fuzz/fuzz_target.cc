// One libFuzzer target; PARLEY_FUZZ_CHECK names the property it checks
// (fuzz_checks.h), so each target is this file built with another name.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>

#include "fuzz_checks.h"

// A node logs every message it refuses: millions of lines at fuzzing speed.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  parley::Status s = parley::fuzz::PARLEY_FUZZ_CHECK(parley::ByteView(data, size));
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    std::abort();
  }
  return 0;
}
