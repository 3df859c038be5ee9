// Status assertions shared by the tests: ASSERT_OK(expr), EXPECT_OK(expr) and
// EXPECT_CODE(expr, code), whose failure messages show the status, and a
// GoogleTest printer that names a StatusCode ("invalid argument") instead of
// dumping its bytes.
//
// The helpers live in namespace parley, not parley::testing: a namespace of
// that name would hide ::testing from unqualified `testing::Test` in every
// test under namespace parley.
#pragma once

#include <gtest/gtest.h>

#include <ostream>

#include "parley/util/status.h"

namespace parley {

// Found by GoogleTest through argument-dependent lookup.
inline void PrintTo(StatusCode code, std::ostream* os) { *os << StatusCodeName(code); }

// Predicate-formatter: `s` is OK.
inline ::testing::AssertionResult IsOk(const char* expr, const Status& s) {
  if (s.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << expr << " failed: " << s.ToString();
}

// Predicate-formatter: `s` carries the code `want`.
inline ::testing::AssertionResult HasCode(const char* expr, const char* /*want_expr*/,
                                          const Status& s, StatusCode want) {
  if (s.code() == want) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << expr << " returned " << s.ToString() << ", expected " << StatusCodeName(want);
}

}  // namespace parley

#define ASSERT_OK(expr) ASSERT_PRED_FORMAT1(::parley::IsOk, expr)
#define EXPECT_OK(expr) EXPECT_PRED_FORMAT1(::parley::IsOk, expr)
// Expects `expr` to fail with `want`.
#define EXPECT_CODE(expr, want) EXPECT_PRED_FORMAT2(::parley::HasCode, expr, want)
