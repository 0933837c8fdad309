// IoThread (see io_thread.hpp).
#include "pty/io_thread.hpp"

#include <sys/epoll.h>

#include <algorithm>

#include "base/check.hpp"
#include "base/log.hpp"

namespace cadence::pty {
namespace {

const log::Tag kLog{"pty"};

}  // namespace

Result<std::unique_ptr<IoThread>> IoThread::start(Waker& gui) {
  Result<std::unique_ptr<Waker>> wake = Waker::create();
  if (!wake) return wake.error();
  Result<std::unique_ptr<EventLoop>> loop = EventLoop::create();
  if (!loop) return loop.error();
  std::unique_ptr<IoThread> self(
      new IoThread(gui, std::move(wake.value()), std::move(loop.value())));
  self->buffer_.resize(kReadChunk);
  IoThread* raw = self.get();
  if (Result<void> r =
          raw->loop_->add(raw->wake_->fd(), EPOLLIN, [raw](uint32_t) { raw->on_wake(); });
      !r) {
    return r.error();
  }
  self->thread_ = std::thread([raw] { raw->run(); });
  return self;
}

IoThread::~IoThread() {
  stop_.store(true);
  wake_->wake();
  if (thread_.joinable()) thread_.join();
}

void IoThread::add(PtyPane* pane) {
  pane->gui_waker_ = &gui_;
  pane->io_waker_ = wake_.get();
  {
    std::lock_guard<std::mutex> guard(requests_mutex_);
    to_add_.push_back(pane);
  }
  wake_->wake();
}

void IoThread::remove(PtyPane* pane) {
  std::unique_lock<std::mutex> guard(requests_mutex_);
  to_remove_.push_back(pane);
  const uint64_t ticket = ++removals_asked_;
  wake_->wake();
  removed_.wait(guard, [&] { return removals_done_ >= ticket; });
}

void IoThread::run() {
  while (!stop_.load()) {
    // History that scrolled off during a burst of output is packed once the output
    // pauses (PtyPane::compact_history); until then the loop sleeps without a timeout.
    bool unpacked = false;
    for (PtyPane* p : panes_) unpacked = unpacked || p->history_unpacked_;
    Result<int> r = loop_->dispatch(unpacked ? kCompactAfterMs : -1);
    if (!r) {
      LOG_ERROR(kLog, "I/O thread stops: ", r.error().message);
      return;
    }
    if (r.value() == 0) {
      for (PtyPane* p : panes_) p->compact_history();
    }
  }
}

void IoThread::on_wake() {
  wake_->acknowledge();
  std::vector<PtyPane*> add;
  std::vector<PtyPane*> remove;
  uint64_t asked = 0;
  {
    std::lock_guard<std::mutex> guard(requests_mutex_);
    add.swap(to_add_);
    remove.swap(to_remove_);
    asked = removals_asked_;
  }
  for (PtyPane* p : add) watch(p);
  if (!remove.empty()) {
    for (PtyPane* p : remove) unwatch(p);
    {
      std::lock_guard<std::mutex> guard(requests_mutex_);
      removals_done_ = asked;
    }
    removed_.notify_all();
  }
  for (PtyPane* p : panes_) update_write_interest(p);
}

void IoThread::watch(PtyPane* pane) {
  panes_.push_back(pane);
  const int fd = pane->process_.fd();
  Result<void> r = loop_->add(fd, EPOLLIN, [this, pane](uint32_t events) { on_pty(pane, events); });
  if (!r) LOG_ERROR(kLog, "cannot watch pty of ", pane->pid(), ": ", r.error().message);
  if (pane->pidfd_ >= 0) {
    r = loop_->add(pane->pidfd_, EPOLLIN, [this, pane](uint32_t) { on_exit(pane); });
    if (!r) LOG_ERROR(kLog, "cannot watch exit of ", pane->pid(), ": ", r.error().message);
  }
  update_write_interest(pane);
}

void IoThread::unwatch(PtyPane* pane) {
  loop_->remove(pane->process_.fd());
  if (pane->pidfd_ >= 0) loop_->remove(pane->pidfd_);
  panes_.erase(std::remove(panes_.begin(), panes_.end(), pane), panes_.end());
}

void IoThread::update_write_interest(PtyPane* pane) {
  const int fd = pane->process_.fd();
  if (!loop_->watching(fd)) return;
  const bool pending = !pane->flush_writes();
  Result<void> r = loop_->modify(fd, EPOLLIN | (pending ? EPOLLOUT : 0u));
  if (!r) LOG_ERROR(kLog, "epoll modify: ", r.error().message);
}

void IoThread::on_pty(PtyPane* pane, uint32_t events) {
  bool closed = false;
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
    for (int i = 0; i < kReadsPerWakeup; ++i) {
      PtyPane::ReadResult r = pane->read_some(buffer_.data(), buffer_.size());
      if (r == PtyPane::ReadResult::closed) closed = true;
      if (r != PtyPane::ReadResult::more) break;
    }
    pane->notify_gui();
  }
  // Replies the terminal queued while parsing, and anything typed meanwhile.
  update_write_interest(pane);
  if (closed) {
    // The slave side is closed; the pidfd says when the program itself is gone. Stop
    // watching the pty so a hung-up descriptor does not spin the loop meanwhile.
    loop_->remove(pane->process_.fd());
    // A stream has no program to wait for: its end is the exit.
    if (pane->process_.is_stream()) on_exit(pane);
  }
}

void IoThread::on_exit(PtyPane* pane) {
  // Whatever the program printed before it exited is still in the pty: show it.
  if (loop_->watching(pane->process_.fd())) {
    while (pane->read_some(buffer_.data(), buffer_.size()) == PtyPane::ReadResult::more) {
    }
    loop_->remove(pane->process_.fd());
  }
  int status = 0;
  if (!pane->process_.is_stream()) {
    loop_->remove(pane->pidfd_);
    if (!pane->process_.try_wait(status)) status = pane->process_.wait();
  }
  pane->exit_status_ = status;
  pane->exited_.store(true, std::memory_order_release);
  pane->dirty_.store(true, std::memory_order_release);
  LOG_DEBUG(kLog, "pane ", pane->pid(), " exited with status ", status);
  gui_.wake();
}

}  // namespace cadence::pty
