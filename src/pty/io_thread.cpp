// IoThread (see io_thread.hpp).
#include "pty/io_thread.hpp"

#include <sys/epoll.h>

#include <algorithm>

#include "base/check.hpp"
#include "base/log.hpp"

namespace cadence::pty {
namespace {

const log::Tag kLog{"pty"};
constexpr size_t kSpareBuffers = kMaxQueuedBytes / kReadChunk;

}  // namespace

Result<std::unique_ptr<IoThread>> IoThread::start(Waker& gui) {
  Result<std::unique_ptr<Waker>> wake = Waker::create();
  if (!wake) return wake.error();
  Result<std::unique_ptr<EventLoop>> loop = EventLoop::create();
  if (!loop) return loop.error();
  std::unique_ptr<IoThread> self(
      new IoThread(gui, std::move(wake.value()), std::move(loop.value())));
  IoThread* raw = self.get();
  if (Result<void> r =
          raw->loop_->add(raw->wake_->fd(), EPOLLIN, [raw](uint32_t) { raw->on_wake(); });
      !r) {
    return r.error();
  }
  self->parser_ = std::thread([raw] { raw->parse_loop(); });
  self->thread_ = std::thread([raw] { raw->run(); });
  return self;
}

IoThread::~IoThread() {
  stop_.store(true);
  wake_->wake();
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard<std::mutex> guard(parse_mutex_);
    parser_stop_ = true;
  }
  parse_ready_.notify_all();
  if (parser_.joinable()) parser_.join();
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
    for (PtyPane* p : panes_) unpacked = unpacked || p->history_unpacked_.load();
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

void IoThread::parse_loop() {
  std::unique_lock<std::mutex> lock(parse_mutex_);
  for (;;) {
    parse_ready_.wait(lock, [this] { return parser_stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left
    Chunk chunk = std::move(queue_.front());
    queue_.pop_front();
    PtyPane* pane = chunk.pane;
    parsing_ = pane;
    lock.unlock();

    size_t before = 0;
    if (chunk.exit) {
      pane->finish(chunk.status);
    } else {
      before = pane->parse(std::string_view(chunk.bytes.data(), chunk.bytes.size()));
      pane->notify_gui();
    }
    const size_t after = before - chunk.bytes.size();

    lock.lock();
    parsing_ = nullptr;
    // Buffers are reused, a bounded number of them: a flood in many panes does not leave
    // every pane's worth of queue allocated afterwards.
    if (chunk.bytes.capacity() == kReadChunk && spare_.size() < kSpareBuffers) {
      spare_.push_back(std::move(chunk.bytes));
    }
    parse_idle_.notify_all();
    // Worked down to half of the bound: a pane the reader paused may be read again.
    if (before > kMaxQueuedBytes / 2 && after <= kMaxQueuedBytes / 2) wake_->wake();
  }
}

void IoThread::enqueue(Chunk chunk) {
  {
    std::lock_guard<std::mutex> guard(parse_mutex_);
    chunk.pane->queued_bytes_.fetch_add(chunk.bytes.size(), std::memory_order_acq_rel);
    queue_.push_back(std::move(chunk));
  }
  parse_ready_.notify_one();
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
  for (PtyPane* p : panes_) update_interest(p);
}

void IoThread::watch_pty(PtyPane* pane, uint32_t interest) {
  Result<void> r = loop_->add(pane->process_.fd(), interest,
                              [this, pane](uint32_t events) { on_pty(pane, events); });
  if (!r) LOG_ERROR(kLog, "cannot watch pty of ", pane->pid(), ": ", r.error().message);
}

void IoThread::watch(PtyPane* pane) {
  panes_.push_back(pane);
  watch_pty(pane, EPOLLIN);
  if (pane->pidfd_ >= 0) {
    Result<void> r = loop_->add(pane->pidfd_, EPOLLIN, [this, pane](uint32_t) { on_exit(pane); });
    if (!r) LOG_ERROR(kLog, "cannot watch exit of ", pane->pid(), ": ", r.error().message);
  }
  update_interest(pane);
}

void IoThread::unwatch(PtyPane* pane) {
  loop_->remove(pane->process_.fd());
  if (pane->pidfd_ >= 0) loop_->remove(pane->pidfd_);
  panes_.erase(std::remove(panes_.begin(), panes_.end(), pane), panes_.end());
  // Its unparsed output goes with it; the parser lets go of it before the caller frees it.
  std::unique_lock<std::mutex> lock(parse_mutex_);
  std::erase_if(queue_, [pane](const Chunk& c) { return c.pane == pane; });
  parse_idle_.wait(lock, [this, pane] { return parsing_ != pane; });
  pane->queued_bytes_.store(0, std::memory_order_relaxed);
}

void IoThread::update_interest(PtyPane* pane) {
  const int fd = pane->process_.fd();
  const uint32_t interest = EPOLLIN | (pane->flush_writes() ? 0u : EPOLLOUT);
  if (pane->read_paused_ &&
      pane->queued_bytes_.load(std::memory_order_relaxed) <= kMaxQueuedBytes / 2) {
    // The parser caught up: watch the pty again (it was left out of the epoll set while
    // paused, where a hung-up pty would have reported itself without end).
    pane->read_paused_ = false;
    watch_pty(pane, interest);
    return;
  }
  if (!loop_->watching(fd)) return;
  Result<void> r = loop_->modify(fd, interest);
  if (!r) LOG_ERROR(kLog, "epoll modify: ", r.error().message);
}

PtyPane::ReadResult IoThread::read_into_queue(PtyPane* pane, int reads, bool bounded) {
  PtyPane::ReadResult r = PtyPane::ReadResult::more;
  for (int i = 0; i < reads && r == PtyPane::ReadResult::more; ++i) {
    if (bounded && pane->queued_bytes_.load(std::memory_order_relaxed) >= kMaxQueuedBytes) {
      // The parser is behind: stop reading this pane until it has caught up, and the
      // program waits in write(2) meanwhile.
      pane->read_paused_ = true;
      loop_->remove(pane->process_.fd());
      return PtyPane::ReadResult::drained;
    }
    std::vector<char> buffer;
    {
      std::lock_guard<std::mutex> guard(parse_mutex_);
      if (!spare_.empty()) {
        buffer = std::move(spare_.back());
        spare_.pop_back();
      }
    }
    buffer.resize(kReadChunk);
    size_t got = 0;
    r = pane->read_some(buffer.data(), buffer.size(), got);
    if (got > 0) {
      buffer.resize(got);
      enqueue(Chunk{pane, std::move(buffer)});
    }
  }
  return r;
}

void IoThread::on_pty(PtyPane* pane, uint32_t events) {
  bool closed = false;
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
    closed = read_into_queue(pane, kReadsPerWakeup, true) == PtyPane::ReadResult::closed;
  }
  // Anything typed meanwhile.
  update_interest(pane);
  if (closed) {
    // The slave side is closed; the pidfd says when the program itself is gone. Stop
    // watching the pty so a hung-up descriptor does not spin the loop meanwhile.
    loop_->remove(pane->process_.fd());
    // A stream has no program to wait for: its end is the exit.
    if (pane->process_.is_stream()) on_exit(pane);
  }
}

void IoThread::on_exit(PtyPane* pane) {
  // Whatever the program printed before it exited is still in the pty (or queued): it is
  // parsed before the exit is reported. The queue's bound does not apply to this last
  // drain, which the program can no longer add to.
  const int fd = pane->process_.fd();
  if (loop_->watching(fd) || pane->read_paused_) {
    pane->read_paused_ = false;
    while (read_into_queue(pane, 1, false) == PtyPane::ReadResult::more) {
    }
    loop_->remove(fd);
  }
  int status = 0;
  if (!pane->process_.is_stream()) {
    loop_->remove(pane->pidfd_);
    if (!pane->process_.try_wait(status)) status = pane->process_.wait();
  }
  enqueue(Chunk{pane, {}, true, status});
}

}  // namespace cadence::pty
