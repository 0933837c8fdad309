// Watches the configuration file and says when to reload it.
//
// inotify watches the file's directory rather than the file: editors save by writing a
// new file and renaming it over the old one, which a watch on the old inode would miss.
// Events are debounced (kDebounceMs on a timerfd), so an editor's write-rename-chmod
// burst is one reload. The watcher only says "changed"; loading, and keeping the previous
// config when the new one is broken, is the caller's.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "base/event_loop.hpp"
#include "base/result.hpp"

namespace cadence::config {

inline constexpr int kDebounceMs = 100;

class ConfigWatcher {
 public:
  static Result<std::unique_ptr<ConfigWatcher>> create(EventLoop& loop, const std::string& path,
                                                       std::function<void()> changed);
  ~ConfigWatcher();
  ConfigWatcher(const ConfigWatcher&) = delete;
  ConfigWatcher& operator=(const ConfigWatcher&) = delete;

 private:
  ConfigWatcher(EventLoop& loop, std::string path, std::function<void()> changed)
      : loop_(loop), path_(std::move(path)), changed_(std::move(changed)) {}
  void on_inotify();
  void on_timer();

  EventLoop& loop_;
  std::string path_;
  std::string name_;  // the file's name within its directory
  std::function<void()> changed_;
  int inotify_fd_ = -1;
  int timer_fd_ = -1;
};

}  // namespace cadence::config
