// The mux server and client end to end over a unix socket: attach, spawn, input and
// output, two clients on one pane, detach and reattach, credit, and what a bad peer gets.
#include <gtest/gtest.h>

#include "mux_harness.hpp"

namespace cadence::mux::testing {
namespace {

class MuxServerTest : public ::testing::Test {
 protected:
  TempDir dir;
  std::string socket = dir.path() + "/mux.sock";
  ServerThread server{socket};
};

std::string row_text(const RemoteScreen& s, int r) {
  std::string out;
  for (const RemoteScreen::Cell& c : s.lines[static_cast<size_t>(r)].cells) {
    if (c.width == 0) continue;
    out += c.cp == 0 ? ' ' : static_cast<char>(c.cp < 128 ? c.cp : '?');
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

TEST_F(MuxServerTest, SpawnedPaneEchoesInputBackToTheClient) {
  TestClient c(socket);
  const net::PaneId pane = c.spawn(10, 40, raw_cat());
  ASSERT_NE(pane, 0u);
  ASSERT_TRUE(eventually([&] {
    auto s = c.screen(pane);
    return s && row_text(*s, 0) == "ready";
  }));
  c->write(pane, "\r\nhello \x1b[1;31mred\x1b[m");
  EXPECT_EQ(sync(*server, c, pane), "");
  auto s = c.screen(pane);
  EXPECT_EQ(row_text(*s, 1), "hello red");
  EXPECT_EQ(c->status().state, ConnectionState::connected);
}

}  // namespace
}  // namespace cadence::mux::testing
