// The control socket: requests answered line by line, every limit answered with an error
// and a closed connection, a client that does not read never blocking the loop, and
// connections from another user refused. Server and client share one thread: the test
// turns the loop by hand between its own socket calls.
#include "base/control_socket.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace cadence {
namespace {

class ControlSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/cadence-control-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto loop = EventLoop::create();
    ASSERT_TRUE(loop);
    loop_ = std::move(loop.value());
  }
  void TearDown() override {
    server_.reset();
    std::string cmd = "rm -rf " + dir_;
    EXPECT_EQ(std::system(cmd.c_str()), 0);
  }

  void start(ControlLimits limits = {}) {
    auto server = ControlServer::listen(
        *loop_, dir_ + "/control-1.sock",
        [this](std::string_view request) {
          ++requests_;
          if (request == "ping") return ControlReply{"pong\n", false};
          if (request == "big") return ControlReply{std::string(big_, 'x') + "\n", false};
          return ControlReply{control_error_line("unknown request"), true};
        },
        limits);
    ASSERT_TRUE(server) << server.error().message;
    server_ = std::move(server.value());
  }

  int connect_client() {
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, server_->path().c_str(), sizeof addr.sun_path - 1);
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    turn();  // accept
    return fd;
  }
  void send_text(int fd, const std::string& text) {
    ASSERT_EQ(send(fd, text.data(), text.size(), MSG_NOSIGNAL), static_cast<ssize_t>(text.size()));
    turn();
  }
  // Reads what has arrived; "" plus closed = true at end of file.
  std::string receive(int fd, bool* closed = nullptr) {
    std::string out;
    char buf[65536];
    while (true) {
      turn();
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) break;
      const ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n == 0) {
        if (closed) *closed = true;
        break;
      }
      if (n < 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }
  void turn() {
    for (int i = 0; i < 4; ++i) {
      Result<int> r = loop_->dispatch(5);
      ASSERT_TRUE(r);
    }
  }

  std::string dir_;
  std::unique_ptr<EventLoop> loop_;
  std::unique_ptr<ControlServer> server_;
  int requests_ = 0;
  size_t big_ = 10;
};

TEST_F(ControlSocketTest, EachRequestLineGetsAReplyEndedByAnEmptyLine) {
  start();
  struct stat st {};
  ASSERT_EQ(stat(server_->path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const int fd = connect_client();
  send_text(fd, "ping\nping\r\n");
  bool closed = false;
  EXPECT_EQ(receive(fd, &closed), "pong\n\npong\n\n");
  EXPECT_FALSE(closed);
  EXPECT_EQ(server_->clients(), 1u);
  close(fd);
  turn();
  EXPECT_EQ(server_->clients(), 0u);
}

TEST_F(ControlSocketTest, GarbageIsAnsweredWithAnErrorAndTheConnectionClosed) {
  start();
  const int fd = connect_client();
  send_text(fd, "\x01\x02garbage\nping\n");
  bool closed = false;
  const std::string reply = receive(fd, &closed);
  EXPECT_EQ(reply, "{\"ok\":false,\"error\":\"unknown request\"}\n\n");
  EXPECT_TRUE(closed);
  EXPECT_EQ(requests_, 1);  // the ping after the garbage was never served
  close(fd);
}

TEST_F(ControlSocketTest, OverLongRequestIsRefused) {
  ControlLimits limits;
  limits.max_request = 64;
  start(limits);
  const int fd = connect_client();
  send_text(fd, std::string(200, 'p'));  // no newline: the limit alone must end it
  bool closed = false;
  const std::string reply = receive(fd, &closed);
  EXPECT_NE(reply.find("request longer than 64 bytes"), std::string::npos) << reply;
  EXPECT_TRUE(closed);
  EXPECT_EQ(requests_, 0);
  close(fd);
}

TEST_F(ControlSocketTest, AReplyOverTheOutputLimitIsAnError) {
  ControlLimits limits;
  limits.max_output = 1000;
  start(limits);
  big_ = 5000;
  const int fd = connect_client();
  send_text(fd, "big\n");
  bool closed = false;
  const std::string reply = receive(fd, &closed);
  EXPECT_NE(reply.find("over the limit of 1000"), std::string::npos) << reply;
  EXPECT_TRUE(closed);
  close(fd);
}

TEST_F(ControlSocketTest, AClientThatDoesNotReadNeverBlocksTheLoop) {
  start();
  big_ = 2u << 20;  // far more than a socket buffer holds
  const int slow = connect_client();
  send_text(slow, "big\n");
  // The loop still turns and serves someone else while the slow client reads nothing.
  const int other = connect_client();
  send_text(other, "ping\n");
  EXPECT_EQ(receive(other), "pong\n\n");
  // Once the slow client reads, all of it arrives.
  std::string got;
  while (got.size() < big_ + 2) {
    const std::string part = receive(slow);
    if (part.empty()) break;
    got += part;
  }
  EXPECT_EQ(got.size(), big_ + 2);
  close(slow);
  close(other);
}

TEST_F(ControlSocketTest, AnotherUsersConnectionIsRefused) {
  ControlLimits limits;
  limits.peer_uid = geteuid() + 1;  // as if we were someone else
  start(limits);
  const int fd = connect_client();
  // The server may have closed already: the send's own result does not matter.
  (void)send(fd, "ping\n", 5, MSG_NOSIGNAL);
  turn();
  bool closed = false;
  EXPECT_EQ(receive(fd, &closed), "");
  EXPECT_TRUE(closed);
  EXPECT_EQ(server_->refused(), 1u);
  EXPECT_EQ(requests_, 0);
  close(fd);
}

TEST_F(ControlSocketTest, ClientsPastTheLimitAreRefused) {
  ControlLimits limits;
  limits.max_clients = 1;
  start(limits);
  const int first = connect_client();
  const int second = connect_client();
  bool closed = false;
  EXPECT_NE(receive(second, &closed).find("too many"), std::string::npos);
  EXPECT_TRUE(closed);
  send_text(first, "ping\n");
  EXPECT_EQ(receive(first), "pong\n\n");
  close(first);
  close(second);
}

TEST_F(ControlSocketTest, DirectoryIsPrivateAndTheSocketGoesWithTheServer) {
  const std::string dir = dir_ + "/cadence";
  ASSERT_TRUE(prepare_control_dir(dir));
  struct stat st {};
  ASSERT_EQ(stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(chmod(dir.c_str(), 0755), 0);
  ASSERT_TRUE(prepare_control_dir(dir));  // ours: made private again
  ASSERT_EQ(stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_FALSE(prepare_control_dir("/proc/self/nonexistent/cadence"));
  EXPECT_EQ(control_socket_path(dir, 42), dir + "/control-42.sock");
  start();
  const std::string path = server_->path();
  server_.reset();
  EXPECT_NE(access(path.c_str(), F_OK), 0);
}

TEST_F(ControlSocketTest, PathsTooLongForASocketAreAnError) {
  auto server = ControlServer::listen(*loop_, "/tmp/" + std::string(200, 'a'),
                                      [](std::string_view) { return ControlReply{}; });
  ASSERT_FALSE(server);
  EXPECT_NE(server.error().message.find("longer than"), std::string::npos);
}

}  // namespace
}  // namespace cadence
