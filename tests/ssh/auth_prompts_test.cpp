// Keyboard-interactive and password authentication, asked in the pane.
//
// Debian's sshd cannot offer these without a system account's password (it checks
// /etc/shadow when PAM is off), so here the server is libssh's own, in this process, on a
// loopback port: it offers exactly the method a test names, asks its questions, checks
// the answers, and then serves one shell that writes a line and exits with status 7.
#include <gtest/gtest.h>
#include <libssh/libssh.h>
#include <libssh/server.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <thread>

#include "ssh_harness.hpp"

namespace cadence::ssh::testing {
namespace {

#define EXPECT_HAS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << (haystack)

// One connection's worth of an SSH server that knows a password or two questions.
class AuthServer {
 public:
  explicit AuthServer(int methods) : methods_(methods) {
    ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key_);
    char* b64 = nullptr;
    ssh_pki_export_pubkey_base64(key_, &b64);
    public_key_ = std::string("ssh-ed25519 ") + (b64 ? b64 : "");
    ssh_string_free_char(b64);
    bind_ = ssh_bind_new();
    int port = 0;
    ssh_bind_options_set(bind_, SSH_BIND_OPTIONS_BINDADDR, "127.0.0.1");
    ssh_bind_options_set(bind_, SSH_BIND_OPTIONS_BINDPORT, &port);
    ssh_bind_options_set(bind_, SSH_BIND_OPTIONS_IMPORT_KEY, key_);
    if (ssh_bind_listen(bind_) != SSH_OK) {
      ADD_FAILURE() << "ssh_bind_listen: " << ssh_get_error(bind_);
      return;
    }
    sockaddr_in a{};
    socklen_t len = sizeof a;
    getsockname(ssh_bind_get_fd(bind_), reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~AuthServer() {
    if (thread_.joinable()) {
      // An accept still waiting is ended by a connection that says nothing.
      if (!accepted_) {
        const int s = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(uint16_t(port_));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
        close(s);
      }
      thread_.join();
    }
    ssh_bind_free(bind_);  // and the host key, which SSH_BIND_OPTIONS_IMPORT_KEY gave it
  }

  int port() const { return port_; }
  const std::string& public_key() const { return public_key_; }
  // Authentication requests refused so far.
  int refusals() const { return refusals_; }
  // The connection is over: the client closed it and the server let go of it.
  bool done() const { return done_; }

  static constexpr const char* kPassword = "open sesame";
  static constexpr const char* kCode = "246810";

 private:
  void serve() {
    ssh_session session = ssh_new();
    if (ssh_bind_accept(bind_, session) != SSH_OK) {
      ssh_free(session);
      return;
    }
    accepted_ = true;
    long timeout_s = 20;
    ssh_options_set(session, SSH_OPTIONS_TIMEOUT, &timeout_s);
    if (ssh_handle_key_exchange(session) != SSH_OK) {
      ssh_free(session);
      return;
    }
    ssh_set_auth_methods(session, methods_);
    bool authenticated = false;
    bool shell = false;
    ssh_channel channel = nullptr;
    while (!shell) {
      ssh_message m = ssh_message_get(session);
      if (!m) break;
      const int type = ssh_message_type(m);
      const int subtype = ssh_message_subtype(m);
      if (type == SSH_REQUEST_AUTH && subtype == SSH_AUTH_METHOD_PASSWORD &&
          (methods_ & SSH_AUTH_METHOD_PASSWORD)) {
        if (std::strcmp(password_of(m), kPassword) == 0) {
          ssh_message_auth_reply_success(m, 0);
          authenticated = true;
        } else {
          refuse(m);
        }
      } else if (type == SSH_REQUEST_AUTH && subtype == SSH_AUTH_METHOD_INTERACTIVE &&
                 (methods_ & SSH_AUTH_METHOD_INTERACTIVE)) {
        if (!ssh_message_auth_kbdint_is_response(m)) {
          const char* questions[] = {"Code: ", "Password: "};
          char echo[] = {1, 0};
          ssh_message_auth_interactive_request(m, "Two steps", "Answer both questions.", 2,
                                               questions, echo);
        } else if (ssh_userauth_kbdint_getnanswers(session) == 2 &&
                   std::strcmp(ssh_userauth_kbdint_getanswer(session, 0), kCode) == 0 &&
                   std::strcmp(ssh_userauth_kbdint_getanswer(session, 1), kPassword) == 0) {
          ssh_message_auth_reply_success(m, 0);
          authenticated = true;
        } else {
          refuse(m);
        }
      } else if (type == SSH_REQUEST_AUTH) {
        refuse(m);
      } else if (type == SSH_REQUEST_CHANNEL_OPEN && subtype == SSH_CHANNEL_SESSION &&
                 authenticated) {
        channel = ssh_message_channel_request_open_reply_accept(m);
      } else if (type == SSH_REQUEST_CHANNEL && channel &&
                 (subtype == SSH_CHANNEL_REQUEST_PTY || subtype == SSH_CHANNEL_REQUEST_SHELL)) {
        ssh_message_channel_request_reply_success(m);
        shell = subtype == SSH_CHANNEL_REQUEST_SHELL;
      } else {
        ssh_message_reply_default(m);
      }
      ssh_message_free(m);
    }
    if (shell) {
      ssh_channel_write(channel, "welcome\r\n", 9);
      ssh_channel_request_send_exit_status(channel, 7);
      ssh_channel_send_eof(channel);
      ssh_channel_close(channel);
      // Served: wait (at most 10 s) for the client to leave. Non-blocking, since a
      // blocking ssh_message_get would sit out its whole timeout after the client is gone.
      ssh_set_blocking(session, 0);
      for (int i = 0; i < 200 && !(ssh_get_status(session) & (SSH_CLOSED | SSH_CLOSED_ERROR));
           ++i) {
        pollfd p{ssh_get_fd(session), POLLIN, 0};
        poll(&p, 1, 50);
        if (ssh_message m = ssh_message_get(session)) {
          ssh_message_reply_default(m);
          ssh_message_free(m);
        }
      }
    }
    if (channel) ssh_channel_free(channel);
    ssh_disconnect(session);
    ssh_free(session);
    done_ = true;
  }

  // libssh marks its message-based server calls deprecated in favour of callbacks; the
  // message loop is the shortest way to a server for one test connection.
  static const char* password_of(ssh_message m) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    return ssh_message_auth_password(m);
#pragma GCC diagnostic pop
  }

  void refuse(ssh_message m) {
    ++refusals_;
    ssh_message_auth_set_methods(m, methods_);
    ssh_message_reply_default(m);
  }

  int methods_;
  ssh_key key_ = nullptr;
  ssh_bind bind_ = nullptr;
  std::string public_key_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> accepted_{false};
  std::atomic<int> refusals_{0};
  std::atomic<bool> done_{false};
};

int open_fds() {
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    (void)entry;
    ++n;
  }
  return n;
}

class AuthPrompts : public ::testing::Test {
 protected:
  Target target(int port) const {
    Target t;
    t.name = "box";
    t.host = "127.0.0.1";
    t.port = uint16_t(port);
    t.user = "someone";
    t.multiplexing = config::SshMultiplexing::none;
    t.connect_timeout_ms = 5000;
    return t;
  }
  LinkOptions options(const AuthServer& server) const {
    write_file(dir_.path() + "/known_hosts",
               "[127.0.0.1]:" + std::to_string(server.port()) + " " + server.public_key() + "\n");
    LinkOptions o;
    o.known_hosts = dir_.path() + "/known_hosts";
    o.global_known_hosts = dir_.path() + "/none";
    o.agent_socket = "";
    return o;
  }
  const Prompt& prompt(Probe& probe, int index) {
    return std::get<Prompt>(probe.events()[size_t(index)]);
  }

  TempDir dir_;
};

TEST_F(AuthPrompts, KeyboardInteractiveQuestionsAreAskedInThePaneInOrder) {
  AuthServer server(SSH_AUTH_METHOD_INTERACTIVE);
  Probe probe(target(server.port()), options(server));
  int asked = probe.wait_prompt();
  ASSERT_GE(asked, 0) << probe.history();
  EXPECT_EQ(prompt(probe, asked).kind, PromptKind::keyboard_interactive);
  EXPECT_EQ(prompt(probe, asked).text, "Two steps\nAnswer both questions.\nCode: ")
      << "the server's name and instruction come with its first question";
  EXPECT_TRUE(prompt(probe, asked).echo) << "the server asked to echo the code";
  probe.link().answer(prompt(probe, asked).id, AuthServer::kCode);

  asked = probe.wait_prompt(20, size_t(asked) + 1);
  ASSERT_GE(asked, 0) << probe.history();
  EXPECT_EQ(prompt(probe, asked).text, "Password: ");
  EXPECT_FALSE(prompt(probe, asked).echo);
  probe.link().answer(prompt(probe, asked).id, AuthServer::kPassword);

  const int stream = probe.wait_stream();
  ASSERT_GE(stream, 0) << probe.history();
  const int fd = probe.take_fd(stream);
  EXPECT_HAS(read_until(fd, "welcome"), "welcome");
  const int exit = probe.wait_for<Exit>([](const Exit&) { return true; });
  ASSERT_GE(exit, 0) << probe.history();
  EXPECT_EQ(std::get<Exit>(probe.events()[size_t(exit)]).status, 7);
  close(fd);
}

TEST_F(AuthPrompts, AFinishedLinkClosesItsConnectionAndLeavesNoDescriptor) {
  AuthServer server(SSH_AUTH_METHOD_PASSWORD);
  const LinkOptions o = options(server);
  const int before = open_fds();
  {
    Probe probe(target(server.port()), o);
    const int asked = probe.wait_prompt();
    ASSERT_GE(asked, 0) << probe.history();
    probe.link().answer(prompt(probe, asked).id, AuthServer::kPassword);
    const int stream = probe.wait_stream();
    ASSERT_GE(stream, 0) << probe.history();
    // The receiver closing its end ends the session, quietly.
    close(probe.take_fd(stream));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (!server.done() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_TRUE(server.done()) << "the server saw the connection end while the Link lives";
    probe.settle(0.1);
    EXPECT_EQ(probe.count<Exit>(), 0) << probe.history();
    EXPECT_EQ(probe.wait_status(LinkState::failed, 0), -1) << "nothing more is said";
  }
  EXPECT_EQ(open_fds(), before);
}

TEST_F(AuthPrompts, APasswordIsAskedAgainAfterAWrongOne) {
  AuthServer server(SSH_AUTH_METHOD_PASSWORD);
  Probe probe(target(server.port()), options(server));
  int asked = probe.wait_prompt();
  ASSERT_GE(asked, 0) << probe.history();
  EXPECT_EQ(prompt(probe, asked).kind, PromptKind::password);
  EXPECT_EQ(prompt(probe, asked).text, "Password for someone@box: ");
  EXPECT_FALSE(prompt(probe, asked).echo);
  probe.link().answer(prompt(probe, asked).id, "guess");

  asked = probe.wait_prompt(20, size_t(asked) + 1);
  ASSERT_GE(asked, 0) << probe.history();
  EXPECT_EQ(prompt(probe, asked).text, "Permission denied, try again.\nPassword for someone@box: ");
  probe.link().answer(prompt(probe, asked).id, AuthServer::kPassword);
  EXPECT_GE(probe.wait_status(LinkState::connected), 0) << probe.history();
  EXPECT_EQ(server.refusals(), 2) << "the probe with no method, then the wrong password";
}

TEST_F(AuthPrompts, ThreeWrongPasswordsEndTheLinkWithoutARetry) {
  AuthServer server(SSH_AUTH_METHOD_PASSWORD);
  Probe probe(target(server.port()), options(server));
  size_t from = 0;
  for (int i = 0; i < 3; ++i) {
    const int asked = probe.wait_prompt(20, from);
    ASSERT_GE(asked, 0) << probe.history();
    probe.link().answer(prompt(probe, asked).id, "wrong " + std::to_string(i));
    from = size_t(asked) + 1;
  }
  const int failed = probe.wait_status(LinkState::failed);
  ASSERT_GE(failed, 0) << probe.history();
  EXPECT_EQ(std::get<Status>(probe.events()[size_t(failed)]).message,
            "no accepted authentication method (tried: password)");
  EXPECT_EQ(probe.count<Prompt>(), 3);
  EXPECT_EQ(probe.link().counters().connect_attempts, 1u);
}

TEST_F(AuthPrompts, CancellingAQuestionEndsTheLink) {
  AuthServer server(SSH_AUTH_METHOD_INTERACTIVE);
  Probe probe(target(server.port()), options(server));
  const int asked = probe.wait_prompt();
  ASSERT_GE(asked, 0) << probe.history();
  probe.link().cancel(prompt(probe, asked).id);
  const int failed = probe.wait_status(LinkState::failed);
  ASSERT_GE(failed, 0) << probe.history();
  EXPECT_EQ(std::get<Status>(probe.events()[size_t(failed)]).message,
            "authentication on box cancelled");
}

TEST_F(AuthPrompts, MethodsTheOptionsTurnOffAreNotTried) {
  AuthServer server(SSH_AUTH_METHOD_PASSWORD | SSH_AUTH_METHOD_INTERACTIVE);
  LinkOptions o = options(server);
  o.keyboard_interactive = false;
  o.password = false;
  Probe probe(target(server.port()), o);
  const int failed = probe.wait_status(LinkState::failed);
  ASSERT_GE(failed, 0) << probe.history();
  EXPECT_EQ(std::get<Status>(probe.events()[size_t(failed)]).message,
            "no accepted authentication method (tried: nothing)");
  EXPECT_EQ(probe.count<Prompt>(), 0);
}

}  // namespace
}  // namespace cadence::ssh::testing
