// The pty I/O threads: one reads every local pane's program output, a second parses it.
//
// Parsing happens off the GUI thread, so a flood of output costs the GUI one row copy per
// frame and never delays a key or a frame callback. The reading thread sleeps in one
// epoll_wait over each pane's pty, each pane's pidfd (the program exited) and its own
// Waker (a write was queued, a pane was added or removed, the parser caught up); the
// parsing thread sleeps on a queue of chunks.
//
// Why two: a pty hands out a few KiB per read(2), refilled by the kernel's own worker, so
// draining 64 KiB takes about as long as parsing it. One thread doing both leaves the pty
// full (and the program blocked in write) while it parses, and the pty empty (and the
// parser idle) while it reads: a flood then costs read time plus parse time. With a
// reader and a parser it costs the larger of the two.
//
// Bounds: reads per wake-up (kReadsPerWakeup chunks of kReadChunk bytes per pane), so one
// flooding pane cannot starve the others or the write queue (keys typed into a pane that
// is printing a flood still go out); bytes queued per pane (kMaxQueuedBytes), past which
// the pane is not read until the parser has worked the queue down to half, so the
// program feels the back-pressure as it would from a slow terminal; and the pane lock,
// held for one chunk's parse at a time, so the GUI's snapshot waits for at most one chunk.
// A program's exit is reported after the output queued before it has been parsed.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <deque>
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
inline constexpr size_t kMaxQueuedBytes = 16 * kReadChunk;
// Output quiet for this long: the history it scrolled off is packed.
inline constexpr int kCompactAfterMs = 250;

class IoThread {
 public:
  // gui: poked (once per batch) whenever a pane has new output or exited.
  static Result<std::unique_ptr<IoThread>> start(Waker& gui);
  // Stops and joins the threads. Panes must outlive it or be removed first.
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
  // Output read and not parsed yet, or (exit) the program's end after it.
  struct Chunk {
    PtyPane* pane = nullptr;
    std::vector<char> bytes;
    bool exit = false;
    int status = 0;
  };

  void run();
  void parse_loop();
  void on_wake();
  void watch(PtyPane* pane);
  // Adds the pane's pty to the epoll set with `interest`, its events going to on_pty.
  void watch_pty(PtyPane* pane, uint32_t interest);
  void unwatch(PtyPane* pane);
  void on_pty(PtyPane* pane, uint32_t events);
  void on_exit(PtyPane* pane);
  // Reads what the pty has into chunks for the parser, at most `reads` of them, and with
  // `bounded` none past kMaxQueuedBytes (the pane is paused instead). Returns the last
  // read's result.
  PtyPane::ReadResult read_into_queue(PtyPane* pane, int reads, bool bounded);
  void enqueue(Chunk chunk);
  void update_interest(PtyPane* pane);

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

  // Reading thread only.
  std::vector<PtyPane*> panes_;

  // Reading thread → parsing thread, under parse_mutex_: the chunks in order, spare
  // buffers, and the pane being parsed (remove() waits until it is not the one). Each
  // pane counts its queued bytes itself (PtyPane::queued_bytes_, atomic).
  std::thread parser_;
  std::mutex parse_mutex_;
  std::condition_variable parse_ready_;
  std::condition_variable parse_idle_;
  std::deque<Chunk> queue_;
  std::vector<std::vector<char>> spare_;
  PtyPane* parsing_ = nullptr;
  bool parser_stop_ = false;
};

}  // namespace cadence::pty
