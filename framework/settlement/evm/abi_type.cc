// ABI types: the factories, the canonical spelling and its parser (abi.h).
#include <algorithm>
#include <cassert>
#include <cctype>

#include "parley/settlement/evm/abi.h"

namespace parley::settlement::evm::abi {
namespace {

class TypeParser {
 public:
  explicit TypeParser(std::string_view text) : text_(text) {}

  Result<Type> ParseAll() {
    PARLEY_ASSIGN_OR_RETURN(Type type, ParseType(0));
    if (pos_ != text_.size()) return Error("unexpected character");
    return type;
  }

 private:
  // A base type followed by any number of "[]".
  Result<Type> ParseType(size_t depth) {
    PARLEY_ASSIGN_OR_RETURN(Type type, ParseBase(depth));
    while (pos_ < text_.size() && text_[pos_] == '[') {
      if (text_.substr(pos_, 2) != "[]") {
        return Error("fixed-size arrays (T[k]) are not supported");
      }
      if (++depth > kMaxTypeDepth) return Error("nested too deeply");
      pos_ += 2;
      type = Type::Array(std::move(type));
    }
    return type;
  }

  Result<Type> ParseBase(size_t depth) {
    if (pos_ < text_.size() && text_[pos_] == '(') return ParseTuple(depth + 1);
    size_t start = pos_;
    while (pos_ < text_.size() && std::isalnum(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    std::string_view name = text_.substr(start, pos_ - start);
    if (name == "address") return Type::Address();
    if (name == "bool") return Type::Bool();
    if (name == "string") return Type::String();
    if (name == "bytes") return Type::DynamicBytes();
    size_t n = 0;
    if (name.starts_with("uint") && ParseNumber(name.substr(4), &n) && n % 8 == 0 && n >= 8 &&
        n <= 256) {
      return Type::Uint(n);
    }
    if (name.starts_with("bytes") && ParseNumber(name.substr(5), &n) && n >= 1 && n <= 32) {
      return Type::FixedBytes(n);
    }
    pos_ = start;
    return Error(name.empty() ? "expected a type" : "unsupported type '" + std::string(name) + "'");
  }

  Result<Type> ParseTuple(size_t depth) {
    if (depth > kMaxTypeDepth) return Error("nested too deeply");
    ++pos_;  // '('
    std::vector<Type> members;
    if (pos_ < text_.size() && text_[pos_] == ')') {
      ++pos_;
      return Type::Tuple(std::move(members));
    }
    while (true) {
      PARLEY_ASSIGN_OR_RETURN(Type member, ParseType(depth));
      members.push_back(std::move(member));
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
      } else if (pos_ < text_.size() && text_[pos_] == ')') {
        ++pos_;
        return Type::Tuple(std::move(members));
      } else {
        return Error("expected ',' or ')'");
      }
    }
  }

  // Decimal digits without a leading zero, at most 3 of them.
  static bool ParseNumber(std::string_view digits, size_t* n) {
    if (digits.empty() || digits.size() > 3 || digits[0] == '0') return false;
    *n = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return false;
      *n = *n * 10 + static_cast<size_t>(c - '0');
    }
    return true;
  }

  Status Error(const std::string& why) const {
    return Status::InvalidArgument("cannot parse the ABI type '" + std::string(text_) +
                                   "': " + why + " at position " + std::to_string(pos_));
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

Type Type::Uint(size_t bits) {
  assert(bits >= 8 && bits <= 256 && bits % 8 == 0);
  return {Kind::kUint, bits, {}};
}
Type Type::Address() { return {Kind::kAddress, 0, {}}; }
Type Type::Bool() { return {Kind::kBool, 0, {}}; }
Type Type::FixedBytes(size_t n) {
  assert(n >= 1 && n <= 32);
  return {Kind::kFixedBytes, n, {}};
}
Type Type::DynamicBytes() { return {Kind::kBytes, 0, {}}; }
Type Type::String() { return {Kind::kString, 0, {}}; }
Type Type::Array(Type element) { return {Kind::kArray, 0, {std::move(element)}}; }
Type Type::Tuple(std::vector<Type> members) { return {Kind::kTuple, 0, std::move(members)}; }

bool Type::IsDynamic() const {
  switch (kind) {
    case Kind::kBytes:
    case Kind::kString:
    case Kind::kArray:
      return true;
    case Kind::kTuple:
      return std::any_of(components.begin(), components.end(),
                         [](const Type& member) { return member.IsDynamic(); });
    default:
      return false;
  }
}

std::string Type::ToString() const {
  switch (kind) {
    case Kind::kUint:
      return "uint" + std::to_string(size);
    case Kind::kAddress:
      return "address";
    case Kind::kBool:
      return "bool";
    case Kind::kFixedBytes:
      return "bytes" + std::to_string(size);
    case Kind::kBytes:
      return "bytes";
    case Kind::kString:
      return "string";
    case Kind::kArray:
      return components[0].ToString() + "[]";
    case Kind::kTuple: {
      std::string text = "(";
      for (size_t i = 0; i < components.size(); ++i) {
        if (i > 0) text += ",";
        text += components[i].ToString();
      }
      return text + ")";
    }
  }
  return "?";
}

Result<Type> ParseType(std::string_view canonical) { return TypeParser(canonical).ParseAll(); }

}  // namespace parley::settlement::evm::abi
