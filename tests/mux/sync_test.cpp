// The remote screen converges on the server's, whatever the terminal did and however the
// link delayed it: random terminal operations (text, colours, links, scrolling and scroll
// regions, erasing, insert/delete, the alternate screen, resizes) go through a pane while
// cadence-test-proxy changes the link's delay between operations; after each round the
// client's grid must equal the server's cell for cell, and every history row it has
// cached must equal the server's row. A resize storm must end at the last size.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "base/clock.hpp"
#include "mux/unix_socket.hpp"
#include "mux_harness.hpp"
#include "vt/utf8.hpp"

namespace cadence::mux::testing {
namespace {

class Ops {
 public:
  explicit Ops(uint64_t seed) : rng_(seed) {}
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  std::string text() {
    std::string out;
    const int n = pick(1, 120);
    for (int i = 0; i < n; ++i) {
      const int k = pick(0, 99);
      if (k < 85) {
        out += static_cast<char>(pick(0x21, 0x7e));
      } else if (k < 90) {
        out += ' ';
      } else if (k < 94) {
        vt::append_utf8(out, U'\u4e2d' + static_cast<char32_t>(pick(0, 40)));  // wide
      } else if (k < 97) {
        out += 'e';
        vt::append_utf8(out, U'\u0301');  // a cluster of two code points
      } else {
        vt::append_utf8(out, U'\u00e9');
      }
    }
    return out;
  }

  std::string csi(const std::string& body) { return "\x1b[" + body; }

  std::string op() {
    const int k = pick(0, 99);
    if (k < 35) return text();
    if (k < 50) return "\r\n";
    if (k < 55) return csi(std::to_string(pick(1, 40)) + ";" + std::to_string(pick(1, 120)) + "H");
    if (k < 59) return csi(std::to_string(pick(0, 2)) + "J");
    if (k < 60) return csi("3J");
    if (k < 64) return csi(std::to_string(pick(0, 2)) + "K");
    if (k < 66) return csi(std::to_string(pick(1, 20)) + "X");
    if (k < 70) {
      // A scroll region, some scrolling inside it, and back to the whole screen.
      const int top = pick(1, 6), bottom = top + pick(1, 10);
      std::string s = csi(std::to_string(top) + ";" + std::to_string(bottom) + "r");
      s += csi(std::to_string(bottom) + ";1H");
      for (int i = pick(1, 5); i > 0; --i) s += pick(0, 1) ? "\n" : "\x1bM";
      return s + csi("r");
    }
    if (k < 73) return csi(std::to_string(pick(1, 5)) + (pick(0, 1) ? "S" : "T"));
    if (k < 77) {
      static const char* const kEdit[] = {"L", "M", "@", "P"};
      return csi(std::to_string(pick(1, 4)) + kEdit[pick(0, 3)]);
    }
    if (k < 80) return csi(pick(0, 1) ? "?1049h" : "?1049l");
    if (k < 90) {
      switch (pick(0, 5)) {
        case 0: return csi("38;5;" + std::to_string(pick(0, 255)) + "m");
        case 1: return csi("48;2;" + std::to_string(pick(0, 255)) + ";7;9m");
        case 2: return csi(std::to_string(pick(1, 9)) + "m");
        case 3: return csi("4:" + std::to_string(pick(1, 5)) + "m");
        case 4: return csi("58;5;" + std::to_string(pick(0, 255)) + "m");
        default: return csi("m");
      }
    }
    if (k < 93) {
      return pick(0, 1) ? "\x1b]8;;https://example.org/" + std::to_string(pick(0, 9)) + "\x1b\\"
                        : "\x1b]8;;\x1b\\";
    }
    if (k < 96) return csi("?25" + std::string(pick(0, 3) ? "h" : "l"));
    return "\r\n" + text() + "\r\n";
  }

 private:
  std::mt19937_64 rng_;
};

// Every history row the client has cached equals the server's, cell for cell.
std::string compare_history(MuxClient& client, net::PaneId pane, MuxServer& server) {
  std::shared_ptr<const RemoteScreen> s = client.screen(pane);
  if (!s) return "no screen";
  const int count = 300;
  HistoryRows h = client.history(pane, s->top_stable_row - count, count);
  std::string verdict;
  server.with_terminal(pane, [&](vt::Terminal& t) {
    if (h.epoch != t.history_epoch()) return;  // a reflow since: the rows are stale by design
    const int64_t first = t.stable_row(Row(0)).get() - static_cast<int64_t>(t.scrollback_size());
    for (int i = 0; i < count && verdict.empty(); ++i) {
      const auto& line = h.lines[static_cast<size_t>(i)];
      if (!line) continue;
      const int64_t row = s->top_stable_row - count + i;
      if (line->stable_row != row) {
        verdict = "history row " + std::to_string(row) + " is filed under " +
                  std::to_string(line->stable_row);
        return;
      }
      if (row < first || row >= t.stable_row(Row(0)).get()) continue;  // gone meanwhile
      const vt::PackedLine& want = t.scrollback_line(static_cast<size_t>(row - first));
      size_t col = 0;
      want.for_each_cell([&](std::string_view text, uint8_t width, const vt::Style& style) {
        if (!verdict.empty() || col >= line->cells.size()) return;
        const RemoteScreen::Cell& got = line->cells[col];
        std::u32string cps = vt::decode_utf8(text);
        std::u32string have;
        if (got.cp)
          have = got.cluster ? line->clusters[got.cluster - 1] : std::u32string(1, got.cp);
        if (width == 0) cps.clear();
        std::erase(cps, U'\u0002');
        if (cps != have || (width == 2) != (got.width == 2) || !(style == s->style(got.style)))
          verdict = "history row " + std::to_string(row) + " col " + std::to_string(col);
        col += width == 2 ? 2 : 1;
      });
    }
  });
  return verdict;
}

// Asks for history rows until the client's cache holds them all (false after 10 s).
bool history_cached(TestClient& c, net::PaneId pane, int64_t first, int count) {
  return eventually([&] {
    HistoryRows h = c->history(pane, first, count);
    return std::all_of(h.lines.begin(), h.lines.end(), [](const auto& l) { return l != nullptr; });
  });
}

class MuxSync : public ::testing::Test {
 protected:
  TempDir dir;
  std::string socket = dir.path() + "/mux.sock";
  std::string proxied = dir.path() + "/proxy.sock";
  ServerThread server{socket, 500};
};

TEST_F(MuxSync, ClientGridEqualsServerAfterRandomOperationsOverADelayedLink) {
  Proxy proxy(proxied, socket, 5);
  ASSERT_TRUE(proxy.ready());
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Ops ops(seed);
    TestClient c(proxied);
    const net::PaneId pane = c.spawn_raw(ops.pick(5, 24), ops.pick(20, 100));
    ASSERT_NE(pane, 0u);
    for (int round = 0; round < 8; ++round) {
      SCOPED_TRACE("round " + std::to_string(round));
      for (int i = 0; i < 40; ++i) {
        if (ops.pick(0, 19) == 0) proxy.command("delay " + std::to_string(ops.pick(0, 25)));
        if (ops.pick(0, 24) == 0) c->resize(pane, ops.pick(3, 30), ops.pick(10, 110));
        c->write(pane, ops.op());
        if (ops.pick(0, 9) == 0) (void)c.screen(pane);  // a frame in between
        if (ops.pick(0, 14) == 0) {
          // The GUI scrolled back: history is fetched and cached meanwhile.
          if (auto s = c.screen(pane)) (void)c->history(pane, s->top_stable_row - 100, 100);
        }
      }
      ASSERT_EQ(sync(*server, c, pane), "");
      ASSERT_EQ(compare_history(*c.client, pane, *server), "");
    }
    c->close_pane(pane);
  }
}

TEST_F(MuxSync, ResizeStormEndsWithTheClientEqualToTheServerAtTheLastSize) {
  Proxy proxy(proxied, socket, 20);
  ASSERT_TRUE(proxy.ready());
  TestClient c(proxied);
  const net::PaneId pane = c.spawn_raw(20, 80);
  ASSERT_NE(pane, 0u);
  Ops ops(99);
  std::string history;
  for (int i = 0; i < 300; ++i) history += "line " + std::to_string(i) + " " + ops.text() + "\r\n";
  c->write(pane, history);
  ASSERT_EQ(sync(*server, c, pane), "");
  constexpr int kResizes = 60;
  for (int i = 0; i < kResizes; ++i) {
    c->resize(pane, 20 + i % 3, i % 2 ? 61 : 97);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    (void)c.screen(pane);
  }
  c->resize(pane, 18, 73);
  ASSERT_TRUE(eventually([&] {
    auto s = c.screen(pane);
    return s && s->rows == 18 && s->cols == 73 && !c->take_wait_info(pane).resize_pending;
  }));
  EXPECT_EQ(sync(*server, c, pane), "");
  // At most one in flight: far fewer resizes went out than were asked for.
  EXPECT_LT(c->counters().resizes_sent, static_cast<uint64_t>(kResizes / 2));
  EXPECT_EQ(server->counters().resizes, c->counters().resizes_sent);
}

TEST_F(MuxSync, ADragsLastSizeGoesOutBehindTheOneInFlightOnceItHolds) {
  Proxy proxy(proxied, socket, 0);
  ASSERT_TRUE(proxy.ready());
  ClientOptions options;
  options.resize_settle_ms = 20;
  TestClient c(proxied, options);
  const net::PaneId pane = c.spawn_raw(20, 80);
  ASSERT_NE(pane, 0u);
  ASSERT_EQ(sync(*server, c, pane), "");
  // A slow link from here on: 300 ms each way, so answers take 600 ms.
  proxy.command("delay 300");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const uint64_t sent0 = c->counters().resizes_sent;
  c->resize(pane, 20, 70);  // goes out at once
  ASSERT_TRUE(eventually([&] { return c->counters().resizes_sent - sent0 == 1; }));
  c->resize(pane, 20, 71);  // waits behind it...
  c->resize(pane, 20, 72);  // ...replaced by this one
  // 72 holds for longer than the settle time: it goes out without waiting for 70's answer.
  EXPECT_TRUE(eventually([&] { return c->counters().resizes_sent - sent0 == 2; }, 0.4));
  // With two in flight, a newer size waits however long it holds.
  c->resize(pane, 20, 73);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(c->counters().resizes_sent - sent0, 2u);
  ASSERT_TRUE(eventually([&] {
    auto s = c.screen(pane);
    return s && s->cols == 73 && !c->take_wait_info(pane).resize_pending;
  }));
  EXPECT_EQ(c->counters().resizes_sent - sent0, 3u);
  EXPECT_EQ(sync(*server, c, pane), "");
}

TEST_F(MuxSync, WithoutASettleTimeOnlyOneResizeIsEverInFlight) {
  Proxy proxy(proxied, socket, 0);
  ASSERT_TRUE(proxy.ready());
  ClientOptions options;
  options.resize_settle_ms = 0;
  TestClient c(proxied, options);
  const net::PaneId pane = c.spawn_raw(20, 80);
  ASSERT_NE(pane, 0u);
  ASSERT_EQ(sync(*server, c, pane), "");
  proxy.command("delay 300");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const uint64_t sent0 = c->counters().resizes_sent;
  c->resize(pane, 20, 70);
  c->resize(pane, 20, 72);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(c->counters().resizes_sent - sent0, 1u);
  ASSERT_TRUE(eventually([&] {
    auto s = c.screen(pane);
    return s && s->cols == 72 && !c->take_wait_info(pane).resize_pending;
  }));
  EXPECT_EQ(c->counters().resizes_sent - sent0, 2u);
}

TEST_F(MuxSync, AResumedClientGetsOnlyWhatChangedWhileItWasAway) {
  Proxy proxy(proxied, socket, 0);
  ASSERT_TRUE(proxy.ready());
  TestClient c(proxied);
  const net::PaneId pane = c.spawn_raw(20, 80);
  ASSERT_NE(pane, 0u);
  std::string history;
  for (int i = 0; i < 200; ++i) history += "line " + std::to_string(i) + "\r\n";
  c->write(pane, history);
  ASSERT_EQ(sync(*server, c, pane), "");
  // The user scrolled back once: some history is cached.
  const int64_t top = c.screen(pane)->top_stable_row;
  ASSERT_TRUE(history_cached(c, pane, top - 50, 50));
  const uint64_t pages = c->counters().history_pages;

  proxy.command("cut");
  ASSERT_TRUE(eventually([&] { return c->status().state == ConnectionState::lost; }));
  c->write(pane, "typed while away\r\n");  // dropped, never sent later
  // Meanwhile the program prints two lines (another client types them).
  TestClient other(socket);
  other->write(pane, "two\r\nlines\r\n");
  ASSERT_EQ(sync(*server, other, pane), "");
  const uint64_t lines_before = server->counters().delta_lines;

  Result<int> fd = connect_unix(socket);
  ASSERT_TRUE(fd.ok()) << fd.error().message;
  c->resume(fd.value());
  ASSERT_TRUE(eventually([&] { return c->status().state == ConnectionState::connected; }));
  ASSERT_EQ(sync(*server, c, pane), "");
  // The new rows and the sync marker's, not the screen again, and no history refetched.
  EXPECT_LE(server->counters().delta_lines - lines_before, 6u);
  EXPECT_EQ(c->counters().history_pages, pages);
  EXPECT_EQ(compare_history(*c.client, pane, *server), "");
  server->with_terminal(pane, [&](vt::Terminal& t) {
    for (int r = 0; r < t.rows(); ++r) {
      EXPECT_EQ(t.row_text(Row(r)).find("typed while away"), std::string::npos);
    }
  });
}

TEST_F(MuxSync, ResumingOnARestartedServerDropsWhatTheOldOneSent) {
  TestClient c(socket);
  const net::PaneId pane = c.spawn_raw(10, 40);
  ASSERT_NE(pane, 0u);
  std::string old_text;
  for (int i = 0; i < 60; ++i) old_text += "old " + std::to_string(i) + "\r\n";
  c->write(pane, old_text);
  ASSERT_EQ(sync(*server, c, pane), "");
  const int64_t top = c.screen(pane)->top_stable_row;
  ASSERT_TRUE(history_cached(c, pane, top - 40, 40));

  // Another server process, whose first pane has the same id and other text.
  TempDir dir2;
  const std::string socket2 = dir2.path() + "/mux.sock";
  ServerThread server2{socket2, 500};
  TestClient other(socket2);
  const net::PaneId pane2 = other.spawn_raw(10, 40);
  ASSERT_EQ(pane2, pane);
  std::string new_text;
  for (int i = 0; i < 60; ++i) new_text += "new " + std::to_string(i) + "\r\n";
  other->write(pane2, new_text);
  ASSERT_EQ(sync(*server2, other, pane2), "");

  Result<int> fd = connect_unix(socket2);
  ASSERT_TRUE(fd.ok()) << fd.error().message;
  c->resume(fd.value());
  ASSERT_EQ(sync(*server2, c, pane), "");
  // The old server's history rows are gone from the cache; what is fetched is the new one's.
  ASSERT_TRUE(history_cached(c, pane, top - 40, 40));
  EXPECT_EQ(compare_history(*c.client, pane, *server2), "");
}

TEST_F(MuxSync, ProgressReportsReachTheClient) {
  TestClient c(socket);
  const net::PaneId pane = c.spawn_raw(10, 40);
  ASSERT_NE(pane, 0u);
  c->write(pane, "\x1b]9;4;1;42\x1b\\");
  EXPECT_TRUE(eventually([&] {
    auto s = c.screen(pane);
    return s && s->progress_state == 1 && s->progress_value == 42;
  }));
  // A change of state alone, with nothing else on screen changing, is sent too.
  c->write(pane, "\x1b]9;4;2;42\x1b\\");
  EXPECT_TRUE(eventually([&] {
    auto s = c.screen(pane);
    return s && s->progress_state == 2;
  }));
  c->write(pane, "\x1b]9;4;0\x1b\\");
  EXPECT_TRUE(eventually([&] {
    auto s = c.screen(pane);
    return s && s->progress_state == 0;
  }));
}

TEST_F(MuxSync, ASizeAskedForWhileDisconnectedIsAppliedOnResume) {
  Proxy proxy(proxied, socket, 0);
  ASSERT_TRUE(proxy.ready());
  TestClient c(proxied);
  const net::PaneId pane = c.spawn_raw(20, 80);
  ASSERT_NE(pane, 0u);
  ASSERT_EQ(sync(*server, c, pane), "");
  proxy.command("cut");
  ASSERT_TRUE(eventually([&] { return c->status().state == ConnectionState::lost; }));
  c->resize(pane, 15, 60);  // the window changed size meanwhile
  Result<int> fd = connect_unix(socket);
  ASSERT_TRUE(fd.ok()) << fd.error().message;
  c->resume(fd.value());
  ASSERT_TRUE(eventually([&] {
    auto s = c.screen(pane);
    return s && s->rows == 15 && s->cols == 60 && !c->take_wait_info(pane).resize_pending;
  }));
  EXPECT_EQ(sync(*server, c, pane), "");
}

TEST_F(MuxSync, InputIsAnsweredByTheDeltaTakenAfterTheServerHandledIt) {
  Proxy proxy(proxied, socket, 0);
  ASSERT_TRUE(proxy.ready());
  TestClient c(proxied);
  // A program that shows nothing of what it is sent.
  const net::PaneId pane = c.spawn(10, 40, {"sh", "-c", "stty raw -echo; exec cat >/dev/null"});
  ASSERT_NE(pane, 0u);
  ASSERT_TRUE(eventually([&] { return c.screen(pane) != nullptr; }));
  (void)c->take_wait_info(pane);
  proxy.command("delay 100");  // 200 ms round trips
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const uint64_t typed = monotonic_ns();
  c->write(pane, "a");
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  c->write(pane, "b");  // a second key while the first is on its way
  // Both are answered, though nothing appears on the screen, and the wait reported
  // starts at the first key: at least the round trip.
  uint64_t answered = 0;
  ASSERT_TRUE(eventually([&] {
    const PaneWaitInfo info = c->take_wait_info(pane);
    if (info.answered_since_ns)
      answered = answered ? std::min(answered, info.answered_since_ns) : info.answered_since_ns;
    return info.oldest_awaited_ns == 0 && answered != 0;
  }));
  EXPECT_GE(answered, typed);
  EXPECT_LT(answered, typed + 30000000ull) << "the wait runs from the first key";
  EXPECT_EQ(c->take_wait_info(pane).oldest_awaited_ns, 0u);
}

}  // namespace
}  // namespace cadence::mux::testing
