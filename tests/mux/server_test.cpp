// The mux server and client end to end over a unix socket: attach, spawn, input and
// output, two clients on one pane, detach and reattach, credit, and what a bad peer gets.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include "base/log.hpp"
#include "mux/unix_socket.hpp"
#include "mux_harness.hpp"
#include "net/codec.hpp"

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
  const net::PaneId pane = c.spawn_raw(10, 40);
  ASSERT_NE(pane, 0u);
  c->write(pane, "\r\nhello \x1b[1;31mred\x1b[m");
  EXPECT_EQ(sync(*server, c, pane), "");
  auto s = c.screen(pane);
  EXPECT_EQ(row_text(*s, 1), "hello red");
  EXPECT_EQ(c->status().state, ConnectionState::connected);
}

// Everything a raw connection receives until the server closes it (or 5 s pass).
std::string read_until_closed(int fd) {
  std::string got;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    char buf[4096];
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n == 0) return got;
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return got;
    }
    got.append(buf, static_cast<size_t>(n));
  }
  ADD_FAILURE() << "the server kept the connection open";
  return got;
}

// The PDUs in what a raw connection received.
std::vector<net::Pdu> decode_all(const std::string& bytes) {
  net::Decoder d;
  d.feed(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  std::vector<net::Pdu> out;
  for (;;) {
    Result<std::optional<net::Frame>> f = d.next();
    if (!f || !f.value()) return out;
    out.push_back(std::move(f.value()->pdu));
  }
}

std::string encode(std::initializer_list<net::Pdu> pdus) {
  net::Encoder e;
  std::vector<uint8_t> out;
  for (const net::Pdu& p : pdus) EXPECT_TRUE(e.encode(p, out));
  return std::string(out.begin(), out.end());
}

void send_raw(int fd, const std::string& bytes) {
  ASSERT_EQ(write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
}

// What was logged at warn and above, for tests that check a refusal is reported.
std::mutex g_log_mutex;
std::vector<std::string> g_warnings;
void capture(log::Level level, std::string_view tag, std::string_view message) {
  if (level < log::Level::warn) return;
  std::lock_guard<std::mutex> guard(g_log_mutex);
  g_warnings.push_back(std::string(tag) + ": " + std::string(message));
}
bool logged(const std::string& needle) {
  std::lock_guard<std::mutex> guard(g_log_mutex);
  for (const std::string& w : g_warnings)
    if (w.find(needle) != std::string::npos) return true;
  return false;
}

class MuxBadPeers : public MuxServerTest {
 protected:
  void SetUp() override {
    log::set_sink(capture);
    std::lock_guard<std::mutex> guard(g_log_mutex);
    g_warnings.clear();
  }
  void TearDown() override { log::set_sink(nullptr); }

  // A well-behaved client with a pane, to show that a bad peer harms nobody else.
  void start_bystander() {
    good = std::make_unique<TestClient>(socket);
    pane = good->spawn_raw(6, 30);
    ASSERT_NE(pane, 0u);
  }
  void expect_bystander_unharmed() {
    (*good)->write(pane, "\r\nstill here");
    EXPECT_EQ(sync(*server, *good, pane), "");
    EXPECT_EQ((*good)->status().state, ConnectionState::connected);
  }
  int raw() {
    Result<int> fd = connect_unix(socket);
    EXPECT_TRUE(fd);
    return fd ? fd.value() : -1;
  }

  std::unique_ptr<TestClient> good;
  net::PaneId pane = 0;
};

TEST_F(MuxBadPeers, GarbageClosesThatConnectionWithALoggedProtocolError) {
  start_bystander();
  const int fd = raw();
  send_raw(fd, "GET / HTTP/1.1\r\nHost: mux\r\n\r\n");
  std::vector<net::Pdu> got = decode_all(read_until_closed(fd));
  close(fd);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<net::ErrorPdu>(got[0]));
  EXPECT_EQ(std::get<net::ErrorPdu>(got[0]).code, net::ErrorPdu::Code::protocol);
  EXPECT_EQ(server->counters().protocol_errors, 1u);
  EXPECT_TRUE(logged("protocol error"));
  expect_bystander_unharmed();
}

TEST_F(MuxBadPeers, OversizedFrameIsRefusedFromItsHeaderAlone) {
  start_bystander();
  const int fd = raw();
  std::string bytes = encode({net::Hello{net::kProtocolVersion, 0, "big"}});
  uint8_t header[net::kHeaderBytes];
  net::write_header(net::FrameHeader{static_cast<uint32_t>(net::kMaxPduBytes + 1), 2,
                                     static_cast<uint16_t>(net::PduType::write_to_pane), 0},
                    header);
  bytes.append(reinterpret_cast<const char*>(header), sizeof header);  // and no payload
  send_raw(fd, bytes);
  read_until_closed(fd);
  close(fd);
  EXPECT_EQ(server->counters().protocol_errors, 1u);
  expect_bystander_unharmed();
}

TEST_F(MuxBadPeers, AClientMayNotSendWhatOnlyTheServerSends) {
  start_bystander();
  const int fd = raw();
  send_raw(fd, encode({net::Hello{net::kProtocolVersion, 0, "impostor"}, net::PaneDelta{}}));
  std::vector<net::Pdu> got = decode_all(read_until_closed(fd));
  close(fd);
  ASSERT_FALSE(got.empty());
  ASSERT_TRUE(std::holds_alternative<net::ErrorPdu>(got.back()));
  EXPECT_NE(std::get<net::ErrorPdu>(got.back()).message.find("PaneDelta"), std::string::npos);
  expect_bystander_unharmed();
}

TEST_F(MuxBadPeers, FirstPduMustBeHello) {
  const int fd = raw();
  send_raw(fd, encode({net::ListPanes{}}));
  std::vector<net::Pdu> got = decode_all(read_until_closed(fd));
  close(fd);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_NE(std::get<net::ErrorPdu>(got[0]).message.find("expected Hello"), std::string::npos);
}

TEST_F(MuxBadPeers, OtherProtocolVersionIsRefusedByName) {
  const int fd = raw();
  send_raw(fd, encode({net::Hello{net::kProtocolVersion + 1, 0, "future"}}));
  std::vector<net::Pdu> got = decode_all(read_until_closed(fd));
  close(fd);
  ASSERT_EQ(got.size(), 1u);
  const auto& error = std::get<net::ErrorPdu>(got[0]);
  EXPECT_EQ(error.code, net::ErrorPdu::Code::version);
  EXPECT_NE(error.message.find("protocol version 2"), std::string::npos);
}

TEST_F(MuxBadPeers, RequestForAMissingPaneFailsAndTheConnectionStays) {
  start_bystander();
  (*good)->write(999, "x");
  bool failed = false;
  ASSERT_TRUE(eventually([&] {
    for (ClientEvent& e : good->events())
      if (auto* f = std::get_if<RequestFailed>(&e); f && f->message == "no pane 999") failed = true;
    return failed;
  }));
  expect_bystander_unharmed();
}

TEST_F(MuxBadPeers, FailedRequestsAreNamedByTheirRequestId) {
  start_bystander();
  // Refused by the server: there is no window 12345.
  const uint64_t remote = (*good)->spawn(12345, 5, 5);
  // Refused before it leaves: an argument over the protocol's limit.
  const uint64_t local = (*good)->spawn(0, 5, 5, {}, {std::string(net::kMaxArgBytes + 1, 'a')});
  std::vector<std::string> why(2);
  ASSERT_TRUE(eventually([&] {
    for (ClientEvent& e : good->events()) {
      if (auto* f = std::get_if<RequestFailed>(&e)) {
        if (f->request_id == remote) why[0] = f->message;
        if (f->request_id == local) why[1] = f->message;
      }
    }
    return !why[0].empty() && !why[1].empty();
  }));
  EXPECT_EQ(why[0], "no window 12345");
  EXPECT_NE(why[1].find("limit"), std::string::npos) << why[1];
  expect_bystander_unharmed();
}

TEST(MuxPeers, OnlyTheServersOwnUidMayConnect) {
  EXPECT_TRUE(peer_allowed(1000, 1000));
  EXPECT_FALSE(peer_allowed(1001, 1000));
  EXPECT_FALSE(peer_allowed(0, 1000));  // not even root
  EXPECT_FALSE(peer_allowed(1000, 0));
}

TEST(MuxPeers, CredentialsNameTheProcessAtTheOtherEnd) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  Result<PeerCredentials> peer = peer_credentials(fds[0]);
  ASSERT_TRUE(peer);
  EXPECT_EQ(peer->uid, geteuid());
  EXPECT_EQ(peer->pid, getpid());
  close(fds[0]);
  close(fds[1]);
}

TEST_F(MuxBadPeers, PeerOfAnotherUidIsRefusedAndLogged) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to connect as another uid";
  start_bystander();
  // Let the other user reach the socket at all, so the uid check is what refuses it.
  ASSERT_EQ(chmod(dir.path().c_str(), 0755), 0);
  ASSERT_EQ(chmod(socket.c_str(), 0777), 0);
  const pid_t child = fork();
  if (child == 0) {
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(2);
    Result<int> fd = connect_unix(socket);
    if (!fd) _exit(3);
    const std::string hello = encode({net::Hello{net::kProtocolVersion, 0, "intruder"}});
    // The server may close before this arrives: an error here, not a SIGPIPE.
    (void)send(fd.value(), hello.data(), hello.size(), MSG_NOSIGNAL);
    // Closed unanswered: not even a HelloReply.
    const std::string got = read_until_closed(fd.value());
    _exit(got.empty() ? 0 : 4);
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << "signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(server->counters().refused, 1u);
  EXPECT_TRUE(logged("refused a connection from uid 65534"));
  expect_bystander_unharmed();
}

TEST_F(MuxServerTest, TwoClientsSeeTheSamePane) {
  TestClient a(socket);
  const net::PaneId pane = a.spawn_raw(8, 40);
  ASSERT_NE(pane, 0u);
  TestClient b(socket);
  ASSERT_TRUE(eventually([&] { return b->topology().panes.size() == 1; }));
  EXPECT_EQ(b->topology().panes[0].id, pane);
  b->write(pane, "\r\nfrom b");
  a->write(pane, "\r\nfrom a");
  EXPECT_EQ(sync(*server, a, pane), "");
  EXPECT_EQ(sync(*server, b, pane), "");
  auto sa = a.screen(pane), sb = b.screen(pane);
  EXPECT_EQ(row_text(*sa, 1) + "|" + row_text(*sa, 2), row_text(*sb, 1) + "|" + row_text(*sb, 2));
}

TEST_F(MuxServerTest, ReattachRestoresTabsPanesAndScrollback) {
  net::PaneId first = 0, second = 0;
  Topology before;
  {
    TestClient a(socket);
    first = a.spawn_raw(10, 50);
    ASSERT_NE(first, 0u);
    second = a.answer(a->split(first, net::SplitAxis::vertical, 500, {}, raw_cat()));
    ASSERT_NE(second, 0u);
    ASSERT_TRUE(eventually([&] { return a->topology().panes.size() == 2; }));
    std::string lines;
    for (int i = 0; i < 200; ++i) lines += "\r\nscrollback line " + std::to_string(i);
    a->write(first, lines);
    ASSERT_EQ(sync(*server, a, first), "");
    before = a->topology();
  }  // detach: the client goes, the panes stay
  EXPECT_TRUE(server->with_terminal(first, [](vt::Terminal&) {}));

  TestClient b(socket);
  ASSERT_TRUE(eventually([&] { return b->topology().panes.size() == 2; }));
  const Topology after = b->topology();
  ASSERT_EQ(after.tabs.size(), before.tabs.size());
  EXPECT_EQ(after.tabs[0].id, before.tabs[0].id);
  EXPECT_EQ(after.panes[0].id, before.panes[0].id);
  EXPECT_EQ(after.panes[1].id, before.panes[1].id);
  EXPECT_EQ(after.panes[1].top, before.panes[1].top);
  EXPECT_EQ(sync(*server, b, first), "");

  // The scrollback comes back page by page as the view asks for it.
  auto s = b.screen(first);
  std::vector<std::string> want;
  server->with_terminal(first, [&](vt::Terminal& t) {
    for (size_t i = 0; i < t.scrollback_size(); ++i) want.push_back(t.scrollback_line(i).text());
  });
  ASSERT_GT(want.size(), 150u);
  const int64_t from = s->top_stable_row - static_cast<int64_t>(want.size());
  HistoryRows rows;
  ASSERT_TRUE(eventually([&] {
    rows = b->history(first, from, static_cast<int>(want.size()));
    for (const auto& l : rows.lines)
      if (!l) return false;
    return true;
  }));
  for (size_t i = 0; i < want.size(); ++i) {
    std::string text;
    for (const RemoteScreen::Cell& c : rows.lines[i]->cells)
      if (c.width) text += c.cp ? static_cast<char>(c.cp) : ' ';
    while (!text.empty() && text.back() == ' ') text.pop_back();
    EXPECT_EQ(text, want[i]) << "history row " << i;
  }
}

TEST_F(MuxServerTest, WithoutCreditTheServerCoalescesAndQueuesNothing) {
  TestClient c(socket);
  const net::PaneId pane =
      c.spawn(24, 80, {"sh", "-c", "while :; do echo the quick brown fox jumps over; done"});
  ASSERT_NE(pane, 0u);
  (void)c.screen(pane);  // credit for whatever came before
  const uint64_t start = server->counters().deltas;
  // The GUI stops presenting: the flood goes on, the deltas stop at the credit window.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const uint64_t stalled = server->counters().deltas - start;
  EXPECT_LE(stalled, kCreditWindow);
  EXPECT_LT(server->counters().max_pending, 1u << 20);
  // Presenting again lets the latest state through, not the backlog.
  ASSERT_TRUE(eventually([&] {
    (void)c.screen(pane);
    return server->counters().deltas - start > stalled + 10;
  }));
  c->close_pane(pane);
}

TEST_F(MuxServerTest, PasteIsBracketedByTheServerWhenTheProgramAsked) {
  TestClient c(socket);
  const net::PaneId pane = c.spawn_raw(6, 40);
  ASSERT_NE(pane, 0u);
  c->write(pane, "\x1b[?2004h\r\n");
  ASSERT_EQ(sync(*server, c, pane), "");
  c->paste(pane, "safe\x1b[201~text");
  ASSERT_EQ(sync(*server, c, pane), "");
  // The end marker in the text was stripped: "safetext" arrived as one bracketed paste.
  EXPECT_EQ(row_text(*c.screen(pane), 1), "safetext");
}

TEST_F(MuxServerTest, ExitedProgramClosesItsPaneForEveryClient) {
  TestClient c(socket);
  const net::PaneId pane = c.spawn(6, 40, {"sh", "-c", "exit 3"});
  ASSERT_NE(pane, 0u);
  bool exited = false, closed = false;
  ASSERT_TRUE(eventually([&] {
    for (ClientEvent& e : c.events()) {
      if (auto* p = std::get_if<net::PaneEvent>(&e); p && p->pane == pane) {
        if (p->kind == net::PaneEvent::Kind::exited) exited = p->exit_status == 3;
        if (p->kind == net::PaneEvent::Kind::closed) closed = true;
      }
    }
    return closed && c->topology().panes.empty();
  }));
  EXPECT_TRUE(exited);
  EXPECT_EQ(c.screen(pane), nullptr);
}

TEST(MuxServerLife, ALostServerIsAStateNotACrash) {
  TempDir dir;
  const std::string socket = dir.path() + "/mux.sock";
  auto server = std::make_unique<ServerThread>(socket);
  TestClient c(socket);
  const net::PaneId pane = c.spawn_raw(6, 40);
  ASSERT_NE(pane, 0u);
  ASSERT_EQ(sync(**server, c, pane), "");
  server.reset();
  ASSERT_TRUE(eventually([&] { return c->status().state == ConnectionState::lost; }));
  EXPECT_FALSE(c->status().reason.empty());
  // The last screen stays readable and requests are ignored.
  EXPECT_NE(c.screen(pane), nullptr);
  c->write(pane, "nobody listens");
  c->resize(pane, 10, 10);
}

}  // namespace
}  // namespace cadence::mux::testing
