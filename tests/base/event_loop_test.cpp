// EventLoop and Waker: dispatch, removal during dispatch, and the wake-once hand-off.
#include "base/event_loop.hpp"

#include <gtest/gtest.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <thread>

namespace cadence {
namespace {

TEST(EventLoop, DispatchesReadableDescriptor) {
  auto loop = EventLoop::create().value();
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  int calls = 0;
  ASSERT_TRUE(loop->add(fds[0], EPOLLIN, [&](uint32_t events) {
    EXPECT_TRUE(events & EPOLLIN);
    char c;
    ASSERT_EQ(read(fds[0], &c, 1), 1);
    ++calls;
  }));
  ASSERT_EQ(write(fds[1], "x", 1), 1);
  EXPECT_EQ(loop->dispatch(1000).value(), 1);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(loop->wakeups(), 1u);
  // Nothing ready: a timed-out dispatch is not a wake-up.
  EXPECT_EQ(loop->dispatch(0).value(), 0);
  EXPECT_EQ(loop->wakeups(), 1u);
  close(fds[0]);
  close(fds[1]);
}

TEST(EventLoop, HandlerRemovedByAnEarlierHandlerIsNotCalled) {
  auto loop = EventLoop::create().value();
  int a[2], b[2];
  ASSERT_EQ(pipe(a), 0);
  ASSERT_EQ(pipe(b), 0);
  int called_a = 0, called_b = 0;
  // Whichever runs first removes the other; exactly one runs.
  ASSERT_TRUE(loop->add(a[0], EPOLLIN, [&](uint32_t) {
    ++called_a;
    loop->remove(b[0]);
  }));
  ASSERT_TRUE(loop->add(b[0], EPOLLIN, [&](uint32_t) {
    ++called_b;
    loop->remove(a[0]);
  }));
  ASSERT_EQ(write(a[1], "x", 1), 1);
  ASSERT_EQ(write(b[1], "x", 1), 1);
  ASSERT_TRUE(loop->dispatch(1000));
  EXPECT_EQ(called_a + called_b, 1);
  for (int fd : {a[0], a[1], b[0], b[1]}) close(fd);
}

TEST(Waker, ManyWakesOneWakeup) {
  auto loop = EventLoop::create().value();
  auto waker = Waker::create().value();
  int woken = 0;
  ASSERT_TRUE(loop->add(waker->fd(), EPOLLIN, [&](uint32_t) {
    waker->acknowledge();
    ++woken;
  }));
  for (int i = 0; i < 1000; ++i) waker->wake();
  ASSERT_TRUE(loop->dispatch(1000));
  EXPECT_EQ(woken, 1);
  EXPECT_EQ(loop->dispatch(0).value(), 0) << "the eventfd must be drained";
  // After acknowledge() a new wake() wakes again.
  waker->wake();
  ASSERT_TRUE(loop->dispatch(1000));
  EXPECT_EQ(woken, 2);
}

TEST(Waker, WakesFromAnotherThreadAreNeverLost) {
  auto loop = EventLoop::create().value();
  auto waker = Waker::create().value();
  std::atomic<int> produced{0};
  int seen = 0;
  ASSERT_TRUE(loop->add(waker->fd(), EPOLLIN, [&](uint32_t) {
    waker->acknowledge();
    seen = produced.load();
  }));
  constexpr int kItems = 20000;
  std::thread producer([&] {
    for (int i = 0; i < kItems; ++i) {
      produced.fetch_add(1);
      waker->wake();
    }
  });
  // Every item produced is followed by a wake() that this loop must see; a lost wake-up
  // would leave it waiting with seen < kItems.
  while (seen < kItems) ASSERT_GT(loop->dispatch(5000).value(), 0) << "lost wake-up at " << seen;
  producer.join();
}

}  // namespace
}  // namespace cadence
