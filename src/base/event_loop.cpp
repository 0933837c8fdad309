// EventLoop and Waker (see event_loop.hpp).
#include "base/event_loop.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "base/check.hpp"

namespace cadence {
namespace {

Error errno_error(const char* what) {
  return make_error(std::string(what) + ": " + std::strerror(errno));
}

}  // namespace

Result<std::unique_ptr<EventLoop>> EventLoop::create() {
  int fd = epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) return errno_error("epoll_create1");
  return std::unique_ptr<EventLoop>(new EventLoop(fd));
}

EventLoop::~EventLoop() {
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

Result<void> EventLoop::add(int fd, uint32_t events, Callback callback) {
  CADENCE_CHECK(handlers_.count(fd) == 0);
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) < 0) return errno_error("epoll_ctl(ADD)");
  handlers_[fd] = std::make_shared<Handler>(Handler{std::move(callback), ++generation_});
  return {};
}

Result<void> EventLoop::modify(int fd, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) < 0) return errno_error("epoll_ctl(MOD)");
  return {};
}

void EventLoop::remove(int fd) {
  if (handlers_.erase(fd) == 0) return;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

Result<int> EventLoop::dispatch(int timeout_ms) {
  if (before_sleep_) before_sleep_();
  epoll_event events[32];
  int n = epoll_wait(epoll_fd_, events, 32, timeout_ms);
  if (n < 0) {
    if (errno == EINTR) return 0;
    return errno_error("epoll_wait");
  }
  if (n > 0) ++wakeups_;
  // Handlers are held by shared_ptr and checked by generation: a callback that removes
  // another descriptor (or removes and re-adds the same number) must not make this batch
  // call a dead or different handler.
  struct Ready {
    int fd;
    uint32_t events;
    std::shared_ptr<Handler> handler;
  };
  Ready ready[32];
  for (int i = 0; i < n; ++i) {
    auto it = handlers_.find(events[i].data.fd);
    ready[i] = {events[i].data.fd, events[i].events, it == handlers_.end() ? nullptr : it->second};
  }
  for (int i = 0; i < n; ++i) {
    if (!ready[i].handler) continue;
    auto it = handlers_.find(ready[i].fd);
    if (it == handlers_.end() || it->second != ready[i].handler) continue;
    ready[i].handler->callback(ready[i].events);
    if (quit_) break;
  }
  return n;
}

Result<void> EventLoop::run() {
  while (!quit_) {
    Result<int> r = dispatch(-1);
    if (!r) return r.error();
  }
  return {};
}

Result<std::unique_ptr<Waker>> Waker::create() {
  int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd < 0) return errno_error("eventfd");
  return std::unique_ptr<Waker>(new Waker(fd));
}

Waker::~Waker() {
  if (fd_ >= 0) close(fd_);
}

void Waker::wake() {
  if (pending_.exchange(true, std::memory_order_acq_rel)) return;
  uint64_t one = 1;
  ssize_t n = write(fd_, &one, sizeof one);
  (void)n;  // EAGAIN means the counter is already non-zero: the wake-up is pending anyway
}

void Waker::acknowledge() {
  // Drain first, then clear: a wake() between the two finds the flag still set and skips
  // its write, which is fine because the caller looks at the work after this returns.
  // The other order could leave the flag set with the eventfd empty, and every later
  // wake() would skip its write: the GUI would never wake again.
  uint64_t value = 0;
  ssize_t n = read(fd_, &value, sizeof value);
  (void)n;
  pending_.store(false, std::memory_order_seq_cst);
}

}  // namespace cadence
