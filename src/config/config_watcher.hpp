// Watches the configuration file, and every module it `require`d, and says when to
// reload it.
//
// inotify watches the file's directory rather than the file: editors save by writing a
// new file and renaming it over the old one, which a watch on the old inode would miss.
// Events are debounced (kDebounceMs on a timerfd), so an editor's write-rename-chmod
// burst is one reload. The watcher only says "changed"; loading, and keeping the previous
// config when the new one is broken, is the caller's. After a reload the caller hands it
// the new Config::loaded_files (watch()), since a reload can require other modules.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/event_loop.hpp"
#include "base/result.hpp"

namespace cadence::config {

inline constexpr int kDebounceMs = 100;

class ConfigWatcher {
 public:
  static Result<std::unique_ptr<ConfigWatcher>> create(EventLoop& loop, const std::string& path,
                                                       std::function<void()> changed);
  // Several files (Config::loaded_files), in one or more directories.
  static Result<std::unique_ptr<ConfigWatcher>> create(EventLoop& loop,
                                                       const std::vector<std::string>& paths,
                                                       std::function<void()> changed);
  // Watches exactly `paths` from now on.
  Result<void> watch(const std::vector<std::string>& paths);
  size_t watched_files() const { return files_.size(); }
  ~ConfigWatcher();
  ConfigWatcher(const ConfigWatcher&) = delete;
  ConfigWatcher& operator=(const ConfigWatcher&) = delete;

 private:
  ConfigWatcher(EventLoop& loop, std::function<void()> changed)
      : loop_(loop), changed_(std::move(changed)) {}
  void on_inotify();
  void on_timer();

  EventLoop& loop_;
  std::function<void()> changed_;
  std::map<int, std::string> dirs_;                      // inotify watch → directory
  std::set<std::pair<std::string, std::string>> files_;  // (directory, name)
  int inotify_fd_ = -1;
  int timer_fd_ = -1;
};

}  // namespace cadence::config
