// ConfigWatcher (see config_watcher.hpp).
#include "config/config_watcher.hpp"

#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cadence::config {
namespace {

std::pair<std::string, std::string> split(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {".", path};
  return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

}  // namespace

Result<std::unique_ptr<ConfigWatcher>> ConfigWatcher::create(EventLoop& loop,
                                                             const std::string& path,
                                                             std::function<void()> changed) {
  return create(loop, std::vector<std::string>{path}, std::move(changed));
}

Result<std::unique_ptr<ConfigWatcher>> ConfigWatcher::create(EventLoop& loop,
                                                             const std::vector<std::string>& paths,
                                                             std::function<void()> changed) {
  std::unique_ptr<ConfigWatcher> self(new ConfigWatcher(loop, std::move(changed)));
  self->inotify_fd_ = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (self->inotify_fd_ < 0)
    return make_error(std::string("inotify_init1: ") + std::strerror(errno));
  self->timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  if (self->timer_fd_ < 0)
    return make_error(std::string("timerfd_create: ") + std::strerror(errno));
  if (Result<void> r = self->watch(paths); !r) return r.error();
  ConfigWatcher* raw = self.get();
  if (auto r = loop.add(raw->inotify_fd_, EPOLLIN, [raw](uint32_t) { raw->on_inotify(); }); !r) {
    return r.error();
  }
  if (auto r = loop.add(raw->timer_fd_, EPOLLIN, [raw](uint32_t) { raw->on_timer(); }); !r) {
    return r.error();
  }
  return self;
}

Result<void> ConfigWatcher::watch(const std::vector<std::string>& paths) {
  std::set<std::pair<std::string, std::string>> files;
  std::set<std::string> dirs;
  for (const std::string& p : paths) {
    files.insert(split(p));
    dirs.insert(split(p).first);
  }
  // Drop the directories no file is in any more, add the new ones.
  for (auto it = dirs_.begin(); it != dirs_.end();) {
    if (dirs.count(it->second)) {
      dirs.erase(it->second);
      ++it;
    } else {
      inotify_rm_watch(inotify_fd_, it->first);
      it = dirs_.erase(it);
    }
  }
  for (const std::string& dir : dirs) {
    const int wd = inotify_add_watch(
        inotify_fd_, dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_ATTRIB);
    if (wd < 0) return make_error("cannot watch " + dir + ": " + std::strerror(errno));
    dirs_[wd] = dir;
  }
  files_ = std::move(files);
  return {};
}

ConfigWatcher::~ConfigWatcher() {
  for (int fd : {inotify_fd_, timer_fd_}) {
    if (fd < 0) continue;
    loop_.remove(fd);
    close(fd);
  }
}

void ConfigWatcher::on_inotify() {
  alignas(inotify_event) char buf[4096];
  bool ours = false;
  for (;;) {
    const ssize_t n = read(inotify_fd_, buf, sizeof buf);
    if (n <= 0) break;
    for (ssize_t off = 0; off < n;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
      if (ev->len > 0) {
        if (auto dir = dirs_.find(ev->wd); dir != dirs_.end()) {
          ours = ours || files_.count({dir->second, ev->name}) > 0;
        }
      }
      off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
    }
  }
  if (!ours) return;
  itimerspec spec{};
  spec.it_value.tv_nsec = kDebounceMs * 1000000L;
  timerfd_settime(timer_fd_, 0, &spec, nullptr);
}

void ConfigWatcher::on_timer() {
  uint64_t expirations = 0;
  ssize_t n = read(timer_fd_, &expirations, sizeof expirations);
  (void)n;
  changed_();
}

}  // namespace cadence::config
