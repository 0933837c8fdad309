// ConfigStore (see config_store.hpp).
#include "config/config_store.hpp"

namespace cadence::config {

ConfigStore::ConfigStore(std::string path)
    : path_(std::move(path)), current_(std::make_shared<const Config>()) {}

Result<void> ConfigStore::load() { return adopt(load_file(path_, current_->generation + 1)); }

Result<void> ConfigStore::load_string(std::string_view source) {
  return adopt(config::load_string(source, path_, current_->generation + 1));
}

Result<void> ConfigStore::adopt(Result<Config> loaded) {
  if (!loaded) return loaded.error();
  current_ = std::make_shared<const Config>(std::move(loaded.value()));
  return {};
}

}  // namespace cadence::config
