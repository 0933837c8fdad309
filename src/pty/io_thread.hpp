// The pty I/O thread: reads every local pane's program output and parses it.
//
// Parsing happens here, not on the GUI thread, so a flood of output costs the GUI one
// row copy per frame and never delays a key or a frame callback. The thread sleeps in one
// epoll_wait over each pane's pty, each pane's pidfd (the program exited) and its own
// Waker (a write was queued, a pane was added or removed).
//
// Reads are bounded per wake-up (kReadsPerWakeup chunks of kReadChunk bytes per pane):
// the lock is held for one chunk's parse at a time, so the GUI's snapshot waits for at
// most one chunk, and one flooding pane cannot starve the others or the write queue
// (keys typed into a pane that is printing a flood still go out).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "base/event_loop.hpp"
#include "base/result.hpp"
#include "pty/pty_pane.hpp"

namespace cadence::pty {

inline constexpr size_t kReadChunk = 64 * 1024;
inline constexpr int kReadsPerWakeup = 4;
// Output quiet for this long: the history it scrolled off is packed.
inline constexpr int kCompactAfterMs = 250;

class IoThread {
 public:
  // gui: poked (once per batch) whenever a pane has new output or exited.
  static Result<std::unique_ptr<IoThread>> start(Waker& gui);
  // Stops and joins the thread. Panes must outlive it or be removed first.
  ~IoThread();
  IoThread(const IoThread&) = delete;
  IoThread& operator=(const IoThread&) = delete;

  // GUI thread. The pane is read from the next wake-up on.
  void add(PtyPane* pane);
  // GUI thread. Returns once the thread no longer touches the pane.
  void remove(PtyPane* pane);

 private:
  IoThread(Waker& gui, std::unique_ptr<Waker> wake, std::unique_ptr<EventLoop> loop)
      : gui_(gui), wake_(std::move(wake)), loop_(std::move(loop)) {}
  void run();
  void on_wake();
  void watch(PtyPane* pane);
  void unwatch(PtyPane* pane);
  void on_pty(PtyPane* pane, uint32_t events);
  void on_exit(PtyPane* pane);
  void update_write_interest(PtyPane* pane);

  Waker& gui_;
  std::unique_ptr<Waker> wake_;
  std::unique_ptr<EventLoop> loop_;  // used by the I/O thread only
  std::thread thread_;
  std::atomic<bool> stop_{false};

  // GUI → I/O thread requests, under requests_mutex_.
  std::mutex requests_mutex_;
  std::vector<PtyPane*> to_add_;
  std::vector<PtyPane*> to_remove_;
  uint64_t removals_done_ = 0;
  uint64_t removals_asked_ = 0;
  std::condition_variable removed_;

  // I/O thread only.
  std::vector<PtyPane*> panes_;
  std::vector<char> buffer_;
};

}  // namespace cadence::pty
