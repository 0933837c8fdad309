// A local pane: a program on a pty and the terminal model its output builds.
//
// Two threads share a pane. The pty I/O thread (IoThread) reads the program's output and
// feeds it to the terminal; the GUI thread reads rows to paint and writes keys. They meet
// in two places only, each named here:
//
//   - the pane lock, mutex(): guards terminal() and the events a terminal raised. The I/O
//     thread holds it while it parses one bounded chunk; the GUI holds it while it copies
//     the rows it will paint (a row copy, no allocation) and nothing longer;
//   - the write queue, write(): any thread appends bytes for the program (keys, paste,
//     the terminal's own replies) and never blocks; the I/O thread drains it when the pty
//     is writable, so a 100 MB paste cannot stall the GUI.
//
// "Something changed" travels as a dirty flag plus one Waker poke (see base/event_loop.hpp),
// so the GUI wakes once per batch of output, however many reads the batch took.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/event_loop.hpp"
#include "base/result.hpp"
#include "pty/pty_process.hpp"
#include "vt/terminal.hpp"

namespace cadence::pty {

// What the terminal raised since the GUI last looked. Read and cleared under the lock.
struct PaneEvents {
  bool title_changed = false;
  int bells = 0;
  std::vector<std::pair<std::string, std::string>> clipboard;      // (targets, text)
  std::vector<std::pair<std::string, std::string>> notifications;  // (title, body)
  // The newest OSC 9;4 progress report: (state, value), state 0 = removed.
  std::optional<std::pair<int, int>> progress;
  bool empty() const {
    return !title_changed && bells == 0 && clipboard.empty() && notifications.empty() && !progress;
  }
};

// Bytes waiting for the program beyond this are refused (the write reports it): a runaway
// paste or reply loop gets an error instead of eating memory.
inline constexpr size_t kMaxPendingWrite = 256u << 20;
// Notifications kept between two looks of the GUI; more are dropped.
inline constexpr size_t kMaxQueuedNotifications = 16;

class PtyPane : private vt::TerminalObserver {
 public:
  struct Options {
    SpawnOptions spawn;
    vt::Terminal::Options terminal;
  };
  static Result<std::unique_ptr<PtyPane>> spawn(const Options& options);
  // A pane over a connected stream instead of a program on a pty: bytes read from `fd`
  // are the output, writes go to it, its end (EOF, an error) is the exit, with status 0.
  // The pane owns the fd. A resize reaches the other end through `on_resize` (called on
  // the resizing thread, after the terminal is resized), since a socket has no size.
  using ResizeHook = std::function<void(const WindowSize&)>;
  static std::unique_ptr<PtyPane> adopt_stream(int fd, const vt::Terminal::Options& terminal,
                                               ResizeHook on_resize = {});
  ~PtyPane() override;
  PtyPane(const PtyPane&) = delete;
  PtyPane& operator=(const PtyPane&) = delete;

  std::mutex& mutex() { return mutex_; }
  // With mutex() held.
  vt::Terminal& terminal() { return terminal_; }
  PaneEvents take_events() { return std::exchange(events_, {}); }

  // True once since the last call whenever output changed the terminal.
  bool take_dirty() { return dirty_.exchange(false, std::memory_order_acq_rel); }
  // CLOCK_MONOTONIC ns of the first output since the last take_dirty() (for the frame log).
  uint64_t dirty_since_ns() const { return dirty_since_ns_.load(std::memory_order_acquire); }
  // GUI thread: whether new output should poke the GUI's Waker. A GUI that will look at
  // take_dirty() anyway (at its next frame callback) turns this off, so a flood wakes it
  // once per frame rather than once per read; it turns it back on when it goes idle, and
  // must call take_dirty() after that (output may have come in between). The program's
  // exit always wakes the GUI.
  void want_wake(bool on) { wake_wanted_.store(on, std::memory_order_release); }

  // Any thread. Queues bytes for the program; false when the queue is over its limit or
  // the program is gone.
  bool write(std::string_view bytes);
  // GUI thread: resizes the terminal (under the lock) and tells the program.
  Result<void> resize(const WindowSize& size);

  // The program has exited and its output is drained.
  bool exited() const { return exited_.load(std::memory_order_acquire); }
  int exit_status() const { return exit_status_; }
  pid_t pid() const { return process_.pid(); }
  uint64_t bytes_parsed() const { return bytes_parsed_.load(std::memory_order_relaxed); }
  // Any thread. Output the program wrote that has not been parsed yet: what the pty holds
  // (FIONREAD on the master: one ioctl) and what was read and waits for the parser. The
  // frame log's evidence of a pty thread that fell behind.
  size_t bytes_unread() const;

 private:
  friend class IoThread;
  PtyPane(PtyProcess process, const vt::Terminal::Options& terminal_options);

  // vt::TerminalObserver, called by the terminal under the lock on the I/O thread.
  void on_reply(std::string_view bytes) override;
  void on_bell() override { ++events_.bells; }
  void on_title_changed(std::string_view) override { events_.title_changed = true; }
  void on_clipboard_set(std::string_view targets, std::string_view data) override {
    events_.clipboard.emplace_back(targets, data);
  }
  void on_notification(std::string_view title, std::string_view body) override {
    // Bounded: a program printing notifications in a loop queues a handful, not memory.
    if (events_.notifications.size() < kMaxQueuedNotifications) {
      events_.notifications.emplace_back(title, body);
    }
  }
  void on_progress(int state, int value) override { events_.progress = {state, value}; }

  // Reading thread: reads until `size` bytes or the pty is empty (got says how many).
  enum class ReadResult { more, drained, closed };
  ReadResult read_some(char* buffer, size_t size, size_t& got);
  // Parsing thread: feeds queued bytes to the terminal under the lock, takes them off
  // queued_bytes_ and marks the pane dirty; returns queued_bytes_ before.
  size_t parse(std::string_view bytes);
  // Parsing thread: the program is gone and its output parsed.
  void finish(int status);
  // Writes what the pty accepts; true when the queue is empty afterwards.
  bool flush_writes();
  void compact_history();
  void notify_gui();

  PtyProcess process_;
  int pidfd_ = -1;  // -1 for a stream, whose end is its EOF
  ResizeHook on_resize_;

  std::mutex mutex_;
  vt::Terminal terminal_;
  PaneEvents events_;

  std::mutex write_mutex_;
  std::string write_queue_;
  size_t write_offset_ = 0;

  std::atomic<bool> dirty_{false};
  std::atomic<uint64_t> dirty_since_ns_{0};
  std::atomic<bool> wake_wanted_{true};
  std::atomic<bool> exited_{false};
  int exit_status_ = 0;
  std::atomic<uint64_t> bytes_parsed_{0};
  std::atomic<bool> history_unpacked_{false};
  // IoThread's: bytes read and waiting for the parser (added when queued, taken off by
  // parse() before the pane is marked dirty), and whether reading is paused until the
  // parser catches up (reading thread only).
  std::atomic<size_t> queued_bytes_{0};
  bool read_paused_ = false;

  // Set by IoThread::add: who to poke after output, and after a write was queued.
  Waker* gui_waker_ = nullptr;
  Waker* io_waker_ = nullptr;
};

}  // namespace cadence::pty
