// PtyPane (see pty_pane.hpp).
#include "pty/pty_pane.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/clock.hpp"
#include "base/log.hpp"

namespace cadence::pty {
namespace {

const log::Tag kLog{"pty"};

}  // namespace

Result<std::unique_ptr<PtyPane>> PtyPane::spawn(const Options& options) {
  Result<PtyProcess> process = PtyProcess::spawn(options.spawn);
  if (!process) return process.error();
  std::unique_ptr<PtyPane> pane(new PtyPane(std::move(process.value()), options.terminal));
  // A pidfd says "the program exited" as a readable descriptor, which the I/O thread's
  // epoll can wait on; SIGCHLD would need a process-wide handler shared with whatever
  // else the program runs.
  pane->pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pane->process_.pid(), 0));
  if (pane->pidfd_ < 0) {
    return make_error(std::string("pidfd_open: ") + std::strerror(errno) +
                      " (cadence needs Linux 5.3 or newer)");
  }
  return pane;
}

std::unique_ptr<PtyPane> PtyPane::adopt_stream(int fd, const vt::Terminal::Options& terminal,
                                               ResizeHook on_resize) {
  const int flags = fcntl(fd, F_GETFL);
  if (flags >= 0) (void)fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  std::unique_ptr<PtyPane> pane(new PtyPane(PtyProcess::adopt_stream(fd), terminal));
  pane->on_resize_ = std::move(on_resize);
  return pane;
}

PtyPane::PtyPane(PtyProcess process, const vt::Terminal::Options& terminal_options)
    : process_(std::move(process)), terminal_(terminal_options) {
  terminal_.set_observer(this);
}

PtyPane::~PtyPane() {
  terminal_.set_observer(nullptr);
  if (pidfd_ >= 0) close(pidfd_);
}

bool PtyPane::write(std::string_view bytes) {
  if (bytes.empty()) return true;
  {
    std::lock_guard<std::mutex> guard(write_mutex_);
    if (exited()) return false;
    if (write_queue_.size() - write_offset_ + bytes.size() > kMaxPendingWrite) {
      LOG_WARN(kLog, "pane ", process_.pid(), ": ", bytes.size(),
               " bytes refused, the program is not reading its input");
      return false;
    }
    // Bytes already waiting mean the I/O thread has a wake-up coming (or waits for the
    // pty to take more, and flushes then): appending is enough. A burst of small writes
    // (keys from a mux client) so costs one wake-up and one write(2), not one each.
    const bool was_empty = write_offset_ == write_queue_.size();
    write_queue_.append(bytes);
    if (!was_empty) return true;
  }
  if (io_waker_) io_waker_->wake();
  return true;
}

void PtyPane::on_reply(std::string_view bytes) {
  // On the parsing thread, under the pane lock: queued like a key, so the reading thread
  // is woken to write it when the queue was empty.
  bool was_empty = false;
  {
    std::lock_guard<std::mutex> guard(write_mutex_);
    if (write_queue_.size() - write_offset_ + bytes.size() > kMaxPendingWrite) return;
    was_empty = write_offset_ == write_queue_.size();
    write_queue_.append(bytes);
  }
  if (was_empty && io_waker_) io_waker_->wake();
}

Result<void> PtyPane::resize(const WindowSize& size) {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    terminal_.resize(size.rows, size.cols);
    if (size.cols > 0 && size.rows > 0) {
      terminal_.set_cell_size_px(size.width_px / size.cols, size.height_px / size.rows);
    }
  }
  dirty_.store(true, std::memory_order_release);
  if (process_.is_stream()) {
    if (on_resize_) on_resize_(size);
    return {};
  }
  return process_.resize(size);
}

size_t PtyPane::bytes_unread() const {
  int n = 0;
  if (ioctl(process_.fd(), FIONREAD, &n) < 0 || n < 0) n = 0;
  return static_cast<size_t>(n) + queued_bytes_.load(std::memory_order_relaxed);
}

PtyPane::ReadResult PtyPane::read_some(char* buffer, size_t size, size_t& got) {
  // The pty hands out at most a few KiB per read(2); reading until the buffer is full or
  // the pty is empty makes one chunk to parse (one lock) of many reads.
  got = 0;
  ReadResult result = ReadResult::more;
  while (got < size) {
    ssize_t n = ::read(process_.fd(), buffer + got, size - got);
    if (n > 0) {
      got += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;

    // EAGAIN: empty for now. EIO or 0: every slave descriptor is closed (the program and
    // its children are gone).
    result = n < 0 && errno == EAGAIN ? ReadResult::drained : ReadResult::closed;
    break;
  }
  return result;
}

size_t PtyPane::parse(std::string_view bytes) {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    terminal_.feed(bytes);
    history_unpacked_.store(terminal_.unpacked_history() > 0, std::memory_order_release);
  }
  bytes_parsed_.fetch_add(bytes.size(), std::memory_order_relaxed);
  // No longer waiting before the GUI can see the pane dirty: a paint must not count
  // parsed bytes as unread (the frame log would call that a starved pty thread).
  const size_t queued = queued_bytes_.fetch_sub(bytes.size(), std::memory_order_acq_rel);
  if (!dirty_.load(std::memory_order_acquire)) {
    dirty_since_ns_.store(monotonic_ns(), std::memory_order_release);
  }
  dirty_.store(true, std::memory_order_release);
  return queued;
}

void PtyPane::finish(int status) {
  exit_status_ = status;
  exited_.store(true, std::memory_order_release);
  dirty_.store(true, std::memory_order_release);
  LOG_DEBUG(kLog, "pane ", pid(), " exited with status ", status);
  if (gui_waker_) gui_waker_->wake();
}

void PtyPane::notify_gui() {
  if (gui_waker_ && wake_wanted_.exchange(false, std::memory_order_acq_rel)) gui_waker_->wake();
}

void PtyPane::compact_history() {
  if (!history_unpacked_.load(std::memory_order_acquire)) return;
  std::lock_guard<std::mutex> guard(mutex_);
  terminal_.compact_history();
  history_unpacked_.store(false, std::memory_order_release);
}

bool PtyPane::flush_writes() {
  std::lock_guard<std::mutex> guard(write_mutex_);
  while (write_offset_ < write_queue_.size()) {
    ssize_t n = ::write(process_.fd(), write_queue_.data() + write_offset_,
                        write_queue_.size() - write_offset_);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) break;
      // The program is gone; what it did not read is lost with it.
      write_queue_.clear();
      write_offset_ = 0;
      return true;
    }
    write_offset_ += static_cast<size_t>(n);
  }
  if (write_offset_ == write_queue_.size()) {
    write_queue_.clear();
    write_offset_ = 0;
    return true;
  }
  // Keep the queue from growing without bound at the front.
  if (write_offset_ > (1u << 20) && write_offset_ > write_queue_.size() / 2) {
    write_queue_.erase(0, write_offset_);
    write_offset_ = 0;
  }
  return false;
}

}  // namespace cadence::pty
