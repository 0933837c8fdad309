// A reply that may be a secret (a password, a passphrase): a string whose bytes are
// wiped when it is destroyed or cleared.
//
// Wiping uses explicit_bzero, which the compiler may not drop as a dead store, over the
// whole capacity (the short-string buffer included). A Secret cannot be copied, so the
// bytes exist in one place; wipe() is also the way to scrub a std::string a secret was
// moved out of, since a moved-from short string keeps its old bytes in its buffer.
#pragma once

#include <string.h>

#include <string>
#include <utility>

namespace cadence::ssh {

inline void wipe(std::string& s) {
  if (s.capacity() > 0) explicit_bzero(s.data(), s.capacity());
  s.clear();
}

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string&& text) : text_(std::move(text)) { wipe(text); }
  ~Secret() { wipe(text_); }
  Secret(Secret&& other) noexcept : text_(std::move(other.text_)) { wipe(other.text_); }
  Secret& operator=(Secret&& other) noexcept {
    if (this != &other) {
      wipe(text_);
      text_ = std::move(other.text_);
      wipe(other.text_);
    }
    return *this;
  }
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;

  const char* c_str() const { return text_.c_str(); }
  const std::string& str() const { return text_; }

 private:
  std::string text_;
};

}  // namespace cadence::ssh
