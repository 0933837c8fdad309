// Result<T>: a value or an error, for operations that can fail.
//
// cadence does not let exceptions cross thread boundaries or layer boundaries; fallible
// functions return a Result instead, and the caller decides what an error means. The
// error carries a message meant for a person (it ends up in the log or in the window).
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "base/check.hpp"

namespace cadence {

struct Error {
  std::string message;
};

inline Error make_error(std::string message) { return Error{std::move(message)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    CADENCE_CHECK_MSG(ok(), "Result::value() on an error");
    return std::get<0>(v_);
  }
  const T& value() const& {
    CADENCE_CHECK_MSG(ok(), "Result::value() on an error");
    return std::get<0>(v_);
  }
  T&& value() && {
    CADENCE_CHECK_MSG(ok(), "Result::value() on an error");
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }

  const Error& error() const {
    CADENCE_CHECK_MSG(!ok(), "Result::error() on a value");
    return std::get<1>(v_);
  }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const {
    CADENCE_CHECK_MSG(failed_, "Result::error() on success");
    return error_;
  }

 private:
  Error error_;
  bool failed_ = false;
};

}  // namespace cadence
