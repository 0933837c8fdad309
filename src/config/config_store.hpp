// The configuration in use, and its reloads: a reload that fails keeps what is in use.
//
// The window (or a test) holds one ConfigStore. current() is a shared_ptr to an
// immutable Config, so a tab bar or a binding table built from it stays valid while a
// reload swaps in the next one; generations count up from 1 across successful loads
// only, so a cache keyed on the generation never sees one reused.
#pragma once

#include <memory>
#include <string>

#include "base/result.hpp"
#include "config/config.hpp"

namespace cadence::config {

class ConfigStore {
 public:
  // Starts with the built-in defaults (generation 0) until load() succeeds.
  explicit ConfigStore(std::string path);

  // Loads the file. On success it becomes current(); on failure current() is unchanged
  // and the error says why.
  Result<void> load();
  // The same for source text (tests, --config -).
  Result<void> load_string(std::string_view source);

  const std::shared_ptr<const Config>& current() const { return current_; }
  const std::string& path() const { return path_; }

 private:
  Result<void> adopt(Result<Config> loaded);

  std::string path_;
  std::shared_ptr<const Config> current_;
};

}  // namespace cadence::config
