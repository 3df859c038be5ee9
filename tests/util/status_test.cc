#include "parley/util/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace parley {
namespace {

// Every code with its factory and stable name, so a test can walk all of them.
struct CodeCase {
  StatusCode code;
  Status (*make)(std::string);
  const char* name;
};

const std::vector<CodeCase>& AllErrorCodes() {
  static const std::vector<CodeCase> cases = {
      {StatusCode::kInvalidArgument, &Status::InvalidArgument, "invalid argument"},
      {StatusCode::kNotFound, &Status::NotFound, "not found"},
      {StatusCode::kAlreadyExists, &Status::AlreadyExists, "already exists"},
      {StatusCode::kFailedPrecondition, &Status::FailedPrecondition, "failed precondition"},
      {StatusCode::kPermissionDenied, &Status::PermissionDenied, "permission denied"},
      {StatusCode::kAborted, &Status::Aborted, "aborted"},
      {StatusCode::kOutOfRange, &Status::OutOfRange, "out of range"},
      {StatusCode::kIoError, &Status::IoError, "I/O error"},
      {StatusCode::kCorruption, &Status::Corruption, "corruption"},
      {StatusCode::kInternal, &Status::Internal, "internal error"},
  };
  return cases;
}

TEST(StatusTest, DefaultIsOk) {
  Status status;
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kOk);
  EXPECT_EQ(status.message(), "");
  EXPECT_EQ(status.ToString(), "ok");
}

TEST(StatusTest, OkFactoryIsOk) {
  Status status = Status::Ok();
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kOk);
  EXPECT_EQ(status.ToString(), "ok");
}

TEST(StatusTest, EachFactoryGivesItsCodeAndMessage) {
  for (const CodeCase& c : AllErrorCodes()) {
    SCOPED_TRACE(c.name);
    Status status = c.make("something went wrong");
    EXPECT_FALSE(status.ok());
    EXPECT_EQ(status.code(), c.code);
    EXPECT_EQ(status.message(), "something went wrong");
  }
}

TEST(StatusTest, ConstructorTakesCodeAndMessage) {
  Status status(StatusCode::kCorruption, "bad record");
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_EQ(status.message(), "bad record");
}

TEST(StatusTest, CodeNamesAreStableAndDistinct) {
  EXPECT_STREQ(StatusCodeName(StatusCode::kOk), "ok");
  std::set<std::string> names = {"ok"};
  for (const CodeCase& c : AllErrorCodes()) {
    SCOPED_TRACE(c.name);
    EXPECT_STREQ(StatusCodeName(c.code), c.name);
    EXPECT_TRUE(names.insert(StatusCodeName(c.code)).second) << "duplicate name";
  }
  EXPECT_EQ(names.size(), AllErrorCodes().size() + 1);
}

TEST(StatusTest, UnknownCodeHasAName) {
  EXPECT_STREQ(StatusCodeName(static_cast<StatusCode>(999)), "unknown");
}

TEST(StatusTest, ToStringIsNameColonMessage) {
  EXPECT_EQ(Status::InvalidArgument("amount is negative").ToString(),
            "invalid argument: amount is negative");
  EXPECT_EQ(Status::IoError("disk full").ToString(), "I/O error: disk full");
  for (const CodeCase& c : AllErrorCodes()) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(c.make("m").ToString(), std::string(c.name) + ": m");
  }
}

TEST(StatusTest, ToStringWithEmptyMessage) {
  EXPECT_EQ(Status::NotFound("").ToString(), "not found: ");
}

TEST(StatusTest, WithContextPrefixesMessageAndKeepsCode) {
  Status original = Status::NotFound("no channel 7");
  Status wrapped = original.WithContext("loading state");
  EXPECT_EQ(wrapped.code(), StatusCode::kNotFound);
  EXPECT_EQ(wrapped.message(), "loading state: no channel 7");
  EXPECT_EQ(wrapped.ToString(), "not found: loading state: no channel 7");
  // The original is a value and is left unchanged.
  EXPECT_EQ(original.message(), "no channel 7");
}

TEST(StatusTest, WithContextChains) {
  Status status =
      Status::Corruption("bad byte").WithContext("record 3").WithContext("opening store");
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_EQ(status.message(), "opening store: record 3: bad byte");
}

TEST(StatusTest, WithContextOnEveryCode) {
  for (const CodeCase& c : AllErrorCodes()) {
    SCOPED_TRACE(c.name);
    Status status = c.make("inner").WithContext("outer");
    EXPECT_EQ(status.code(), c.code);
    EXPECT_EQ(status.message(), "outer: inner");
  }
}

TEST(StatusTest, WithContextOnOkStaysOk) {
  Status status = Status::Ok().WithContext("some context");
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.message(), "");
  EXPECT_EQ(status.ToString(), "ok");
}

TEST(ResultTest, HoldsValue) {
  Result<int> result = 42;
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result.status().ok());
  EXPECT_EQ(result.value(), 42);
  EXPECT_EQ(*result, 42);
}

TEST(ResultTest, HoldsError) {
  Result<int> result = Status::OutOfRange("too big");
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(result.status().message(), "too big");
}

TEST(ResultTest, ArrowAndMutableValue) {
  Result<std::string> result = std::string("abc");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->size(), 3u);
  result->push_back('d');
  EXPECT_EQ(result.value(), "abcd");
  *result = "xyz";
  EXPECT_EQ(*result, "xyz");
  const Result<std::string>& const_ref = result;
  EXPECT_EQ(const_ref->size(), 3u);
  EXPECT_EQ(*const_ref, "xyz");
}

TEST(ResultTest, MoveOnlyValueCanBeMovedOut) {
  Result<std::unique_ptr<int>> result = std::make_unique<int>(7);
  ASSERT_TRUE(result.ok());
  std::unique_ptr<int> owned = std::move(result).value();
  ASSERT_NE(owned, nullptr);
  EXPECT_EQ(*owned, 7);
}

TEST(ResultTest, ValueMovedOutOfRvalue) {
  Result<std::vector<int>> result = std::vector<int>{1, 2, 3};
  std::vector<int> taken = std::move(result).value();
  EXPECT_EQ(taken, (std::vector<int>{1, 2, 3}));
}

TEST(ResultTest, CopiesKeepTheError) {
  Result<int> error = Status::Aborted("lost a race");
  Result<int> copy = error;
  EXPECT_FALSE(copy.ok());
  EXPECT_EQ(copy.status().code(), StatusCode::kAborted);
  EXPECT_EQ(copy.status().message(), "lost a race");
}

// --- PARLEY_RETURN_IF_ERROR -------------------------------------------------

Status CountedStatus(int* calls, Status status) {
  ++*calls;
  return status;
}

Status TwoSteps(Status first, Status second, int* calls, bool* reached_end) {
  PARLEY_RETURN_IF_ERROR(CountedStatus(calls, std::move(first)));
  PARLEY_RETURN_IF_ERROR(CountedStatus(calls, std::move(second)));
  *reached_end = true;
  return Status::Ok();
}

TEST(ReturnIfErrorTest, ContinuesOnOk) {
  int calls = 0;
  bool reached_end = false;
  Status status = TwoSteps(Status::Ok(), Status::Ok(), &calls, &reached_end);
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(reached_end);
}

TEST(ReturnIfErrorTest, ReturnsFirstError) {
  int calls = 0;
  bool reached_end = false;
  Status status =
      TwoSteps(Status::NotFound("first"), Status::Internal("second"), &calls, &reached_end);
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "first");
  EXPECT_EQ(calls, 1) << "the second step must not run";
  EXPECT_FALSE(reached_end);
}

TEST(ReturnIfErrorTest, ReturnsLaterError) {
  int calls = 0;
  bool reached_end = false;
  Status status = TwoSteps(Status::Ok(), Status::Internal("second"), &calls, &reached_end);
  EXPECT_EQ(status.code(), StatusCode::kInternal);
  EXPECT_EQ(status.message(), "second");
  EXPECT_EQ(calls, 2);
  EXPECT_FALSE(reached_end);
}

Result<int> ReturnIfErrorInResultFunction(Status step) {
  PARLEY_RETURN_IF_ERROR(step);
  return 5;
}

TEST(ReturnIfErrorTest, WorksInFunctionReturningResult) {
  Result<int> good = ReturnIfErrorInResultFunction(Status::Ok());
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 5);
  Result<int> bad = ReturnIfErrorInResultFunction(Status::PermissionDenied("no"));
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(bad.status().message(), "no");
}

TEST(ReturnIfErrorTest, IsOneStatementInIfElse) {
  // The macro must be usable as the body of an unbraced if/else.
  auto f = [](bool check, Status s) -> Status {
    if (check)
      PARLEY_RETURN_IF_ERROR(s);
    else
      return Status::Aborted("else branch");
    return Status::Ok();
  };
  EXPECT_TRUE(f(true, Status::Ok()).ok());
  EXPECT_EQ(f(true, Status::IoError("x")).code(), StatusCode::kIoError);
  EXPECT_EQ(f(false, Status::Ok()).code(), StatusCode::kAborted);
}

// --- PARLEY_ASSIGN_OR_RETURN ------------------------------------------------

Result<int> CountedResult(int* calls, Result<int> result) {
  ++*calls;
  return result;
}

Result<int> AddTwo(Result<int> a, Result<int> b, int* calls) {
  PARLEY_ASSIGN_OR_RETURN(int x, CountedResult(calls, std::move(a)));
  PARLEY_ASSIGN_OR_RETURN(int y, CountedResult(calls, std::move(b)));
  return x + y;
}

TEST(AssignOrReturnTest, BindsValues) {
  int calls = 0;
  Result<int> sum = AddTwo(3, 4, &calls);
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(*sum, 7);
  EXPECT_EQ(calls, 2) << "each expression is evaluated exactly once";
}

TEST(AssignOrReturnTest, ReturnsFirstError) {
  int calls = 0;
  Result<int> sum = AddTwo(Status::NotFound("a missing"), 4, &calls);
  EXPECT_FALSE(sum.ok());
  EXPECT_EQ(sum.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(sum.status().message(), "a missing");
  EXPECT_EQ(calls, 1);
}

TEST(AssignOrReturnTest, ReturnsSecondError) {
  int calls = 0;
  Result<int> sum = AddTwo(3, Status::OutOfRange("b overflow"), &calls);
  EXPECT_FALSE(sum.ok());
  EXPECT_EQ(sum.status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(sum.status().message(), "b overflow");
  EXPECT_EQ(calls, 2);
}

Status AssignToExisting(Result<std::string> input, std::string* out) {
  std::string value = "unchanged";
  PARLEY_ASSIGN_OR_RETURN(value, std::move(input));
  *out = value;
  return Status::Ok();
}

TEST(AssignOrReturnTest, AssignsToExistingVariableInStatusFunction) {
  std::string out;
  ASSERT_TRUE(AssignToExisting(std::string("new"), &out).ok());
  EXPECT_EQ(out, "new");

  out = "before";
  Status status = AssignToExisting(Status::Corruption("bad"), &out);
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_EQ(status.message(), "bad");
  EXPECT_EQ(out, "before");
}

Result<std::unique_ptr<int>> MakeOwned(bool ok) {
  if (!ok) return Status::Internal("no memory today");
  return std::make_unique<int>(11);
}

Result<int> UseOwned(bool ok) {
  PARLEY_ASSIGN_OR_RETURN(std::unique_ptr<int> owned, MakeOwned(ok));
  return *owned + 1;
}

TEST(AssignOrReturnTest, MovesMoveOnlyValues) {
  Result<int> good = UseOwned(true);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 12);
  Result<int> bad = UseOwned(false);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace parley
