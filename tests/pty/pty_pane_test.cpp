// A local pane on the I/O thread: real programs on real ptys, output parsed into the
// terminal, writes queued without blocking, exit noticed through the pidfd.
#include "pty/pty_pane.hpp"

#include <gtest/gtest.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <string>
#include <thread>

#include "pty/io_thread.hpp"

namespace cadence::pty {
namespace {

class PaneFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    loop_ = EventLoop::create().value();
    waker_ = Waker::create().value();
    ASSERT_TRUE(loop_->add(waker_->fd(), EPOLLIN, [this](uint32_t) {
      waker_->acknowledge();
      ++wakeups_;
    }));
    io_ = IoThread::start(*waker_).value();
  }
  void TearDown() override {
    if (pane_) io_->remove(pane_.get());
    io_.reset();
  }
  void spawn(std::vector<std::string> argv) {
    PtyPane::Options o;
    o.spawn.argv = std::move(argv);
    o.terminal.rows = 5;
    o.terminal.cols = 40;
    pane_ = PtyPane::spawn(o).value();
    io_->add(pane_.get());
  }
  // Runs the GUI side until `done` holds (checked after each wake-up) or 10 s pass.
  template <typename F>
  bool run_until(F done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      if (!loop_->dispatch(100)) return false;
    }
    return done();
  }
  std::string row(int r) {
    std::lock_guard<std::mutex> guard(pane_->mutex());
    return pane_->terminal().row_text(Row(r));
  }

  std::unique_ptr<EventLoop> loop_;
  std::unique_ptr<Waker> waker_;
  std::unique_ptr<IoThread> io_;
  std::unique_ptr<PtyPane> pane_;
  int wakeups_ = 0;
};

TEST_F(PaneFixture, OutputIsParsedAndExitStatusReported) {
  spawn({"sh", "-c", "printf 'hello\\r\\nworld'; exit 7"});
  // The exit can be seen before the loop has dispatched the wake-up it caused: wait for
  // both (a GUI that is never woken would never see either).
  ASSERT_TRUE(run_until([&] { return pane_->exited() && wakeups_ >= 1; }));
  EXPECT_EQ(pane_->exit_status(), 7);
  EXPECT_EQ(row(0), "hello");
  EXPECT_EQ(row(1), "world");
  EXPECT_TRUE(pane_->take_dirty());
  EXPECT_GE(wakeups_, 1);
  EXPECT_FALSE(pane_->write("late")) << "writing to a program that exited must fail";
}

TEST_F(PaneFixture, AFloodIsParsedWholeAndInOrderBeforeTheExit) {
  // Read and parsed on two threads: every byte arrives, in order, and the exit is only
  // reported once the output before it has been parsed.
  spawn({"sh", "-c", "seq 1 300000; exit 3"});
  uint64_t parsed_at_exit = 0;
  ASSERT_TRUE(run_until([&] {
    if (pane_->exited() && parsed_at_exit == 0) parsed_at_exit = pane_->bytes_parsed();
    return pane_->exited();
  }));
  uint64_t expected = 0;  // each line's digits, then CR LF (the pty's onlcr)
  for (int n = 1; n <= 300000; ++n) expected += std::to_string(n).size() + 2;
  EXPECT_EQ(parsed_at_exit, expected);
  EXPECT_EQ(pane_->exit_status(), 3);
  EXPECT_EQ(row(3), "300000");
  EXPECT_EQ(row(2), "299999");
  EXPECT_EQ(pane_->bytes_unread(), 0u);
}

TEST_F(PaneFixture, AnExitWaitsForTheOutputBeforeIt) {
  // The parser is held (the pane lock) while a program prints 130 KB and exits: the
  // output fits the queue, the program is gone, and still the exit is not reported
  // before that output has been parsed.
  spawn({"sh", "-c", "seq 1 20000; exit 5"});
  {
    std::lock_guard<std::mutex> guard(pane_->mutex());
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    EXPECT_FALSE(pane_->exited()) << "the exit overtook output still waiting to be parsed";
  }
  uint64_t parsed_at_exit = 0;
  ASSERT_TRUE(run_until([&] {
    if (pane_->exited() && parsed_at_exit == 0) parsed_at_exit = pane_->bytes_parsed();
    return pane_->exited();
  }));
  uint64_t expected = 0;
  for (int n = 1; n <= 20000; ++n) expected += std::to_string(n).size() + 2;
  EXPECT_EQ(parsed_at_exit, expected);
  EXPECT_EQ(pane_->exit_status(), 5);
}

TEST_F(PaneFixture, AProgramWaitsWhileTheParserIsBehind) {
  // Holding the pane lock stops the parser. The reader then queues at most
  // kMaxQueuedBytes and stops reading, so a program writing 10 MB stays blocked in
  // write(2) instead of the output piling up in memory.
  char dir[] = "/tmp/cadence-pty-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string mark = std::string(dir) + "/done";
  spawn({"sh", "-c", "head -c 10000000 /dev/zero | tr '\\0' x; touch " + mark});
  {
    std::lock_guard<std::mutex> guard(pane_->mutex());
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    EXPECT_NE(access(mark.c_str(), F_OK), 0) << "the program wrote 10 MB while nothing parsed";
    EXPECT_LT(pane_->bytes_unread(), size_t{2} * kMaxQueuedBytes);
  }
  ASSERT_TRUE(run_until([&] { return pane_->exited(); }));
  EXPECT_EQ(access(mark.c_str(), F_OK), 0);
  EXPECT_EQ(pane_->bytes_parsed(), 10000000u);
  unlink(mark.c_str());
  rmdir(dir);
}

TEST_F(PaneFixture, KeysReachTheProgramAndItsEchoComesBack) {
  spawn({"cat"});
  ASSERT_TRUE(pane_->write("abc\r"));
  ASSERT_TRUE(run_until([&] { return row(0) == "abc" && row(1) == "abc"; }))
      << "row 0 " << row(0) << ", row 1 " << row(1);
  ASSERT_TRUE(pane_->write("\x04"));  // EOF at the start of a line: cat exits
  ASSERT_TRUE(run_until([&] { return pane_->exited(); }));
  EXPECT_EQ(pane_->exit_status(), 0);
}

TEST_F(PaneFixture, LargeWriteIsQueuedNotBlocking) {
  // In raw mode the pty passes bytes through; 2 MB is far beyond the pty's buffer, so a
  // blocking write would hang here until the program had read it all.
  spawn({"sh", "-c", "stty raw -echo; printf 'ready\\r\\n'; head -c 2000000 | wc -c | tr -d ' '"});
  ASSERT_TRUE(run_until([&] { return row(0) == "ready"; }));
  const std::string big(2000000, 'a');
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(pane_->write(big));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  ASSERT_TRUE(run_until([&] { return pane_->exited(); }));
  EXPECT_EQ(row(1), "2000000");
}

TEST_F(PaneFixture, RepliesToQueriesGoBackToTheProgram) {
  // DSR 6 (cursor position report): the terminal answers on the I/O thread; the program
  // reads the answer from its input.
  spawn({"sh", "-c",
         "stty raw -echo; printf 'ab\\033[6n'; r=$(dd bs=1 count=6 2>/dev/null); "
         "printf '\\r\\n%s' \"$r\" | tr -d '\\033'"});
  ASSERT_TRUE(run_until([&] { return pane_->exited(); }));
  EXPECT_EQ(row(1), "[1;3R");
}

TEST_F(PaneFixture, ResizeReachesTheProgram) {
  spawn({"sh", "-c", "read x; stty size"});
  ASSERT_TRUE(pane_->resize(WindowSize{3, 33, 330, 60}));
  ASSERT_TRUE(pane_->write("\r"));
  ASSERT_TRUE(run_until([&] { return pane_->exited(); }));
  std::lock_guard<std::mutex> guard(pane_->mutex());
  EXPECT_EQ(pane_->terminal().rows(), 3);
  EXPECT_EQ(pane_->terminal().cols(), 33);
  EXPECT_EQ(pane_->terminal().row_text(Row(1)), "3 33");
}

TEST_F(PaneFixture, WriteQueueHasALimit) {
  spawn({"sleep", "5"});
  const std::string chunk(1 << 20, 'x');
  size_t accepted = 0;
  while (pane_->write(chunk)) {
    accepted += chunk.size();
    ASSERT_LE(accepted, kMaxPendingWrite);
  }
  EXPECT_GE(accepted + chunk.size(), kMaxPendingWrite - (1u << 20));
}

TEST_F(PaneFixture, AStreamPaneReadsWritesResizesAndEndsWithItsPeer) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  vt::Terminal::Options t;
  t.rows = 5;
  t.cols = 40;
  std::vector<WindowSize> sizes;
  pane_ = PtyPane::adopt_stream(fds[0], t, [&](const WindowSize& s) { sizes.push_back(s); });
  io_->add(pane_.get());
  ASSERT_EQ(::write(fds[1], "over\r\nthe wire", 15), 15);
  ASSERT_TRUE(run_until([&] { return row(0) == "over" && row(1) == "the wire"; }));
  ASSERT_TRUE(pane_->write("typed"));
  std::string got;
  ASSERT_TRUE(run_until([&] {
    char buf[64];
    const ssize_t n = ::recv(fds[1], buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) got.append(buf, static_cast<size_t>(n));
    return got == "typed";
  }));
  // The terminal takes the size; the other end hears of it through the hook.
  ASSERT_TRUE(pane_->resize(WindowSize{7, 50, 0, 0}).ok());
  ASSERT_EQ(sizes.size(), 1u);
  EXPECT_EQ(sizes[0].rows, 7);
  EXPECT_EQ(sizes[0].cols, 50);
  // The peer goes away: that is the pane's exit.
  close(fds[1]);
  ASSERT_TRUE(run_until([&] { return pane_->exited(); }));
  EXPECT_EQ(pane_->exit_status(), 0);
}

TEST_F(PaneFixture, TheProgramStartsWithNoSignalIgnored) {
  // Started under nohup, cadence itself ignores SIGHUP: its programs must not, or one
  // would outlive its pane.
  const auto before = signal(SIGHUP, SIG_IGN);
  spawn({"grep", "SigIgn", "/proc/self/status"});
  signal(SIGHUP, before);
  ASSERT_TRUE(run_until([&] { return pane_->exited(); }));
  const std::string line = row(0);  // "SigIgn:" and, after the tab, the mask in hex
  ASSERT_EQ(line.rfind("SigIgn: ", 0), 0u) << line;
  const uint64_t ignored = std::stoull(line.substr(8), nullptr, 16);
  // Signals 1..31; the C library keeps 32 and 33 for itself and may leave them ignored.
  EXPECT_EQ(ignored & 0x7fffffffu, 0u) << line;
}

}  // namespace
}  // namespace cadence::pty
