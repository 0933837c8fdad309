// ConfigWatcher (see config_watcher.hpp).
#include "config/config_watcher.hpp"

#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cadence::config {

Result<std::unique_ptr<ConfigWatcher>> ConfigWatcher::create(EventLoop& loop,
                                                             const std::string& path,
                                                             std::function<void()> changed) {
  std::unique_ptr<ConfigWatcher> self(new ConfigWatcher(loop, path, std::move(changed)));
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  self->name_ = slash == std::string::npos ? path : path.substr(slash + 1);
  self->inotify_fd_ = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (self->inotify_fd_ < 0)
    return make_error(std::string("inotify_init1: ") + std::strerror(errno));
  if (inotify_add_watch(self->inotify_fd_, dir.c_str(),
                        IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_ATTRIB) < 0) {
    return make_error("cannot watch " + dir + ": " + std::strerror(errno));
  }
  self->timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  if (self->timer_fd_ < 0)
    return make_error(std::string("timerfd_create: ") + std::strerror(errno));
  ConfigWatcher* raw = self.get();
  if (auto r = loop.add(raw->inotify_fd_, EPOLLIN, [raw](uint32_t) { raw->on_inotify(); }); !r) {
    return r.error();
  }
  if (auto r = loop.add(raw->timer_fd_, EPOLLIN, [raw](uint32_t) { raw->on_timer(); }); !r) {
    return r.error();
  }
  return self;
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
      if (ev->len > 0 && name_ == ev->name) ours = true;
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
