// A single-threaded loop over file descriptors: the GUI thread's only place to sleep.
//
// Everything the GUI thread waits on is a file descriptor: the Wayland connection, the
// Waker that other threads poke, the key-repeat timerfd, clipboard pipes. One epoll set
// holds them, so the thread sleeps in exactly one syscall and an idle terminal costs zero
// wake-ups. There are no built-in timers on purpose: a timer is a timerfd its owner arms
// and disarms, which keeps "nothing is armed" visible and checkable.
//
// Callbacks may add and remove descriptors (including their own) while the loop runs;
// a removed descriptor's pending event in the same batch is dropped.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>

#include "base/result.hpp"

namespace cadence {

class EventLoop {
 public:
  // epoll event bits (EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP) as the callback sees them.
  using Callback = std::function<void(uint32_t events)>;

  static Result<std::unique_ptr<EventLoop>> create();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  Result<void> add(int fd, uint32_t events, Callback callback);
  Result<void> modify(int fd, uint32_t events);
  void remove(int fd);
  bool watching(int fd) const { return handlers_.count(fd) != 0; }

  // Called once per loop iteration just before sleeping (the GUI flushes Wayland here).
  void set_before_sleep(std::function<void()> f) { before_sleep_ = std::move(f); }

  // Waits for events (timeout_ms < 0: forever) and dispatches them. Returns the number of
  // descriptors that were ready.
  Result<int> dispatch(int timeout_ms);
  // Dispatches until quit().
  Result<void> run();
  void quit() { quit_ = true; }
  bool quitting() const { return quit_; }

  // Wake-ups so far: the number of times epoll_wait returned with something ready.
  uint64_t wakeups() const { return wakeups_; }

 private:
  explicit EventLoop(int epoll_fd) : epoll_fd_(epoll_fd) {}
  struct Handler {
    Callback callback;
    uint64_t generation;
  };
  int epoll_fd_ = -1;
  bool quit_ = false;
  uint64_t generation_ = 0;
  uint64_t wakeups_ = 0;
  std::unordered_map<int, std::shared_ptr<Handler>> handlers_;
  std::function<void()> before_sleep_;
};

// A cross-thread "wake once" signal: an eventfd plus a flag, so a thread that marks work
// for the GUI a thousand times between two GUI wake-ups costs one write(2), not a thousand.
// The GUI calls acknowledge() before it looks at the work, so a mark made while it is
// looking wakes it again rather than being lost.
class Waker {
 public:
  static Result<std::unique_ptr<Waker>> create();
  ~Waker();
  Waker(const Waker&) = delete;
  Waker& operator=(const Waker&) = delete;

  int fd() const { return fd_; }
  // Any thread. Cheap when a wake-up is already pending.
  void wake();
  // The woken thread: clears the pending flag and drains the eventfd.
  void acknowledge();

 private:
  explicit Waker(int fd) : fd_(fd) {}
  int fd_ = -1;
  std::atomic<bool> pending_{false};
};

}  // namespace cadence
