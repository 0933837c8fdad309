// The Link against Debian's real sshd (tests/tools/cadence-test-sshd), most of it
// through cadence-test-proxy: a shell in a pty, host keys (unknown, accepted, refused,
// changed), authentication (a wrong key, a passphrase, the agent), the remote cadence-mux
// with a mux client on the Stream, a missing remote command, a cut link and the
// reconnection that follows, and a Link destroyed mid-handshake and mid-prompt.
//
// Skipped, with the reason, only when sshd is not installed; .ci/install-deps.sh
// installs it, so CI runs all of it.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "mux/client.hpp"
#include "ssh_harness.hpp"

namespace cadence::ssh::testing {
namespace {

using std::chrono::steady_clock;

#define EXPECT_HAS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << (haystack)

class SshdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!sshd_installed())
      GTEST_SKIP() << "/usr/sbin/sshd is not installed (.ci/install-deps.sh installs "
                      "openssh-server)";
    home_ = dir_.path() + "/home";
    mkdir(home_.c_str(), 0700);
    mkdir((home_ + "/.ssh").c_str(), 0700);
    sshd_ = std::make_unique<Sshd>(dir_.path() + "/sshd");
    ASSERT_TRUE(sshd_->ready());
  }

  std::string known_hosts() const { return home_ + "/.ssh/known_hosts"; }

  Target target(int port, config::SshMultiplexing m = config::SshMultiplexing::none) const {
    Target t;
    t.name = "devbox";
    t.host = "127.0.0.1";
    t.port = uint16_t(port);
    t.user = Env::from_process().user;
    t.identity_files = {sshd_->client_key()};
    t.multiplexing = m;
    t.connect_timeout_ms = 5000;
    return t;
  }
  Target mux_target(int port) const {
    Target t = target(port, config::SshMultiplexing::cadence);
    t.remote_mux_path = env_or_empty("CADENCE_MUX");
    return t;
  }

  // A temporary HOME's known_hosts and no agent: nothing of the machine's own.
  LinkOptions options() const {
    LinkOptions o;
    o.known_hosts = known_hosts();
    o.global_known_hosts = dir_.path() + "/no-global-known-hosts";
    o.agent_socket = "";
    o.backoff_base_ms = 100;
    return o;
  }

  // Records the server's host key for `port`, as a previous "yes" would have.
  void trust(int port) {
    write_file(known_hosts(),
               "[127.0.0.1]:" + std::to_string(port) + " " + read_file(sshd_->host_key_pub()));
  }

  TempDir dir_;
  std::string home_;
  std::unique_ptr<Sshd> sshd_;
};

std::string screen_text(const mux::RemoteScreen& s) {
  std::string out;
  for (const mux::RemoteScreen::Line& line : s.lines) {
    for (const mux::RemoteScreen::Cell& c : line.cells)
      out += c.cp >= 0x20 && c.cp < 0x7f ? char(c.cp) : ' ';
    out += '\n';
  }
  return out;
}

template <typename F>
bool eventually(F done, double seconds = 20) {
  const auto deadline = steady_clock::now() + std::chrono::milliseconds(int(seconds * 1000));
  while (steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

// --- a shell in a pty ---------------------------------------------------------------

TEST_F(SshdTest, PtyModeRunsCommandsAndReportsTheShellsExit) {
  TcpProxy proxy(sshd_->port(), 5);
  trust(proxy.port());
  LinkOptions o = options();
  o.rows = 30;
  o.cols = 100;
  Probe probe(target(proxy.port()), o);
  const int stream = probe.wait_stream();
  ASSERT_GE(stream, 0) << probe.history();
  EXPECT_GE(probe.wait_status(LinkState::connected), 0) << probe.history();
  EXPECT_EQ(probe.count<Prompt>(), 0) << "a known host and an authorized key ask nothing";
  const int fd = probe.take_fd(stream);

  write_all(fd, "echo cadence-$((6 * 7)); stty size; echo $TERM\n");
  const std::string out = read_until(fd, "xterm-256color\r\n");
  EXPECT_HAS(out, "cadence-42");
  EXPECT_HAS(out, "30 100") << "the pty has the size the options gave";

  probe.link().resize(40, 120);
  write_all(fd, "stty size\n");
  EXPECT_HAS(read_until(fd, "40 120"), "40 120") << "resize() reaches the remote pty";

  write_all(fd, "exit 3\n");
  const int exit = probe.wait_for<Exit>([](const Exit&) { return true; });
  ASSERT_GE(exit, 0) << probe.history();
  EXPECT_EQ(std::get<Exit>(probe.events()[size_t(exit)]).status, 3);
  char buf[256];
  while (read(fd, buf, sizeof buf) > 0) {
  }
  EXPECT_EQ(read(fd, buf, sizeof buf), 0) << "the Stream ends with the shell";
  close(fd);

  const LinkCounters c = probe.link().counters();
  EXPECT_EQ(c.connect_attempts, 1u);
  EXPECT_EQ(c.connects, 1u);
  EXPECT_GT(c.bytes_to_remote, 30u);
  EXPECT_GT(c.bytes_from_remote, 30u);
}

TEST_F(SshdTest, AnIdleLinkSleeps) {
  trust(sshd_->port());
  Probe probe(target(sshd_->port()), options());
  const int stream = probe.wait_stream();
  ASSERT_GE(stream, 0) << probe.history();
  const int fd = probe.take_fd(stream);
  // The quotes keep the echo of the command line from matching the output.
  write_all(fd, "echo sett''led\n");
  read_until(fd, "settled\r\n");
  // The shell's next prompt comes when it comes: wait for a quiet 500 ms first.
  uint64_t before = probe.link().counters().wakeups;
  for (int i = 0; i < 20; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const uint64_t now = probe.link().counters().wakeups;
    if (now == before) break;
    before = now;
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(probe.link().counters().wakeups, before) << "nothing arrived, nothing woke it";
  write_all(fd, "echo again\n");
  EXPECT_NE(read_until(fd, "again\r\n").find("again\r\n"), std::string::npos);
  EXPECT_GT(probe.link().counters().wakeups, before);
  close(fd);
}

TEST_F(SshdTest, BulkDataCrossesTheLinkBothWays) {
  TcpProxy proxy(sshd_->port());
  trust(proxy.port());
  Probe probe(target(proxy.port()), options());
  const int stream = probe.wait_stream();
  ASSERT_GE(stream, 0) << probe.history();
  const int fd = probe.take_fd(stream);

  // Down: 1.3 MB of output, read to its last line.
  write_all(fd, "seq 1 200000\n");
  std::string tail;
  size_t total = 0;
  const auto deadline = steady_clock::now() + std::chrono::seconds(60);
  while (tail.find("\n200000\r\n") == std::string::npos && steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 1000) <= 0) continue;
    char buf[65536];
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    total += size_t(n);
    tail = tail.substr(tail.size() > 64 ? tail.size() - 64 : 0) + std::string(buf, size_t(n));
  }
  EXPECT_NE(tail.find("\n200000\r\n"), std::string::npos);
  EXPECT_GT(total, 1288889u) << "every line of seq 1 200000";

  // Up: 1 MB typed into a raw pty, counted on the far side.
  const std::string file = dir_.path() + "/upload";
  write_all(fd, "stty raw -echo; echo rea''dy; head -c 1000000 > " + file +
                    "; stty sane; echo up''loaded $(wc -c < " + file + ")\n");
  ASSERT_NE(read_until(fd, "ready").find("ready"), std::string::npos);
  write_all(fd, std::string(1000000, 'x'));
  EXPECT_NE(read_until(fd, "uploaded 1000000", 60).find("uploaded 1000000"), std::string::npos);
  const LinkCounters c = probe.link().counters();
  EXPECT_GT(c.bytes_to_remote, 1000000u);
  EXPECT_GT(c.bytes_from_remote, total);
  close(fd);
}

TEST_F(SshdTest, PtyModeEndsOnADropWithoutRetrying) {
  TcpProxy proxy(sshd_->port());
  trust(proxy.port());
  Probe probe(target(proxy.port()), options());
  ASSERT_GE(probe.wait_status(LinkState::connected), 0) << probe.history();
  proxy.command("cut");
  const int failed = probe.wait_status(LinkState::failed);
  ASSERT_GE(failed, 0) << probe.history();
  EXPECT_HAS(std::get<Status>(probe.events()[size_t(failed)]).message, "connection to devbox lost");
  probe.settle(0.5);
  EXPECT_EQ(probe.link().counters().connect_attempts, 1u) << "a shell does not survive a drop";
}

// --- host keys ----------------------------------------------------------------------

TEST_F(SshdTest, UnknownHostKeyIsAskedAboutAndYesRemembersIt) {
  TcpProxy proxy(sshd_->port());
  {
    Probe probe(target(proxy.port()), options());
    const int asked = probe.wait_prompt();
    ASSERT_GE(asked, 0) << probe.history();
    const Prompt& p = std::get<Prompt>(probe.events()[size_t(asked)]);
    EXPECT_EQ(p.kind, PromptKind::host_key);
    EXPECT_TRUE(p.echo);
    EXPECT_HAS(p.text, fingerprint(sshd_->host_key_pub()));
    EXPECT_HAS(p.text, "ED25519 key fingerprint is SHA256:");
    EXPECT_EQ(read_file(known_hosts()), "") << "nothing is written before the answer";
    probe.link().answer(p.id, "yes");
    EXPECT_GE(probe.wait_status(LinkState::connected), 0) << probe.history();
  }
  const std::string line = read_file(known_hosts());
  EXPECT_HAS(line, "[127.0.0.1]:" + std::to_string(proxy.port()) + " ssh-ed25519 ");
  EXPECT_HAS(line, read_file(sshd_->host_key_pub()).substr(12, 68));

  Probe again(target(proxy.port()), options());
  EXPECT_GE(again.wait_status(LinkState::connected), 0) << again.history();
  EXPECT_EQ(again.count<Prompt>(), 0) << "a remembered key is not asked about again";
}

TEST_F(SshdTest, AnythingButYesRefusesTheHostKey) {
  for (const char* reply : {"no", "y", "YES "}) {
    Probe probe(target(sshd_->port()), options());
    const int asked = probe.wait_prompt();
    ASSERT_GE(asked, 0) << probe.history();
    probe.link().answer(std::get<Prompt>(probe.events()[size_t(asked)]).id, reply);
    const int failed = probe.wait_status(LinkState::failed);
    ASSERT_GE(failed, 0) << reply << "\n" << probe.history();
    EXPECT_HAS(std::get<Status>(probe.events()[size_t(failed)]).message, "was not accepted");
    EXPECT_EQ(probe.count<Stream>(), 0);
  }
  Probe cancelled(target(sshd_->port()), options());
  const int asked = cancelled.wait_prompt();
  ASSERT_GE(asked, 0);
  cancelled.link().cancel(std::get<Prompt>(cancelled.events()[size_t(asked)]).id);
  EXPECT_GE(cancelled.wait_status(LinkState::failed), 0) << cancelled.history();
  EXPECT_EQ(read_file(known_hosts()), "") << "a refused key is never written";
}

TEST_F(SshdTest, AChangedHostKeyIsRefusedWithAWarningAndNeverAsked) {
  trust(sshd_->port());
  {
    Probe first(target(sshd_->port()), options());
    ASSERT_GE(first.wait_status(LinkState::connected), 0) << first.history();
  }
  sshd_->restart({"--new-host-key"});
  ASSERT_TRUE(sshd_->ready());
  Probe probe(target(sshd_->port()), options());
  const int failed = probe.wait_status(LinkState::failed);
  ASSERT_GE(failed, 0) << probe.history();
  const std::string& m = std::get<Status>(probe.events()[size_t(failed)]).message;
  EXPECT_HAS(m,
             "host key for devbox ([127.0.0.1]:" + std::to_string(sshd_->port()) + ") has CHANGED");
  EXPECT_HAS(m, fingerprint(sshd_->host_key_pub())) << "the new key's fingerprint";
  EXPECT_HAS(m, "Refusing to connect");
  EXPECT_EQ(probe.count<Prompt>(), 0) << "a changed key is never a question";
  EXPECT_EQ(probe.count<Stream>(), 0);
}

// --- authentication -----------------------------------------------------------------

TEST_F(SshdTest, AWrongKeyFailsClearlyAndIsNotRetried) {
  trust(sshd_->port());
  const std::string wrong = dir_.path() + "/wrong_ed25519";
  make_key(wrong);
  Target t = target(sshd_->port());
  t.identity_files = {wrong, dir_.path() + "/missing_key"};
  LinkOptions o = options();
  o.keyboard_interactive = false;
  o.password = false;
  Probe probe(t, o);
  const int failed = probe.wait_status(LinkState::failed);
  ASSERT_GE(failed, 0) << probe.history();
  EXPECT_EQ(std::get<Status>(probe.events()[size_t(failed)]).message,
            "no accepted authentication method (tried: " + wrong + ")")
      << "a missing file is not listed as tried";
  probe.settle(1.0);
  EXPECT_EQ(probe.link().counters().connect_attempts, 1u) << "no retry loop";
  EXPECT_EQ(probe.count<Prompt>(), 0);
}

TEST_F(SshdTest, AnEncryptedKeysPassphraseIsAskedForInThePane) {
  const std::string key = dir_.path() + "/locked_ed25519";
  make_key(key, "correct horse");
  sshd_->restart({"--authorized-key", key + ".pub"});
  ASSERT_TRUE(sshd_->ready());
  trust(sshd_->port());
  Target t = target(sshd_->port());
  t.identity_files = {key};
  Probe probe(t, options());

  int asked = probe.wait_prompt();
  ASSERT_GE(asked, 0) << probe.history();
  const Prompt first = std::get<Prompt>(probe.events()[size_t(asked)]);
  EXPECT_EQ(first.kind, PromptKind::passphrase);
  EXPECT_FALSE(first.echo);
  EXPECT_EQ(first.text, "Passphrase for " + key + ": ");
  probe.link().answer(first.id, "wrong horse");

  asked = probe.wait_prompt(20, size_t(asked) + 1);
  ASSERT_GE(asked, 0) << probe.history();
  const Prompt second = std::get<Prompt>(probe.events()[size_t(asked)]);
  EXPECT_HAS(second.text, "Wrong passphrase, try again.");
  std::string reply = "correct horse";
  probe.link().answer(second.id, std::move(reply));
  EXPECT_GE(probe.wait_status(LinkState::connected), 0) << probe.history();
  EXPECT_EQ(probe.count<Prompt>(), 2);
}

TEST_F(SshdTest, TheAgentAuthenticatesWithoutPrompts) {
  trust(sshd_->port());
  const std::string sock = dir_.path() + "/agent.sock";
  Child agent({"/usr/bin/ssh-agent", "-D", "-a", sock});
  ASSERT_TRUE(eventually([&] { return access(sock.c_str(), F_OK) == 0; }, 10));
  ASSERT_EQ(shell("SSH_AUTH_SOCK='" + sock + "' ssh-add -q '" + sshd_->client_key() +
                  "' 2>&1 && echo added"),
            "added");
  Target t = target(sshd_->port());
  t.identity_files = {};
  LinkOptions o = options();
  o.agent_socket = sock;
  o.keyboard_interactive = false;
  o.password = false;
  Probe probe(t, o);
  EXPECT_GE(probe.wait_status(LinkState::connected), 0) << probe.history();
  EXPECT_EQ(probe.count<Prompt>(), 0);
}

// --- the remote cadence-mux ---------------------------------------------------------

TEST_F(SshdTest, MuxModeCarriesTheMuxProtocolOverTheChannel) {
  TcpProxy proxy(sshd_->port(), 10);
  trust(proxy.port());
  Probe probe(mux_target(proxy.port()), options());
  const int stream = probe.wait_stream();
  ASSERT_GE(stream, 0) << probe.history();
  ASSERT_GT(stream, 0);
  const auto* before = std::get_if<Status>(&probe.events()[size_t(stream) - 1]);
  EXPECT_TRUE(before && before->state == LinkState::authenticating)
      << "mux mode says connected only once the remote command answered\n"
      << probe.history();

  Result<std::unique_ptr<mux::MuxClient>> client =
      mux::MuxClient::adopt(probe.take_fd(stream), [] {});
  ASSERT_TRUE(client) << client.error().message;
  EXPECT_TRUE(eventually([&] { return client.value()->topology_version() > 0; }))
      << "the Hello round trip and the first PaneList";
  EXPECT_EQ(client.value()->status().state, mux::ConnectionState::connected);
  EXPECT_GE(probe.wait_status(LinkState::connected), 0) << probe.history();
}

TEST_F(SshdTest, AMissingRemoteCommandSaysSoAndIsNotRetried) {
  trust(sshd_->port());
  Target t = mux_target(sshd_->port());
  t.remote_mux_path = dir_.path() + "/not-installed/cadence-mux";
  Probe probe(t, options());
  const int failed = probe.wait_status(LinkState::failed);
  ASSERT_GE(failed, 0) << probe.history();
  EXPECT_EQ(std::get<Status>(probe.events()[size_t(failed)]).message,
            t.remote_mux_path +
                " is not installed on devbox: install cadence there or set "
                "remote_mux_path");
  probe.settle(0.5);
  EXPECT_EQ(probe.link().counters().connect_attempts, 1u);

  t.remote_mux_path = "cadence-mux-which-is-not-on-the-path";
  Probe bare(t, options());
  const int again = bare.wait_status(LinkState::failed);
  ASSERT_GE(again, 0) << bare.history();
  EXPECT_HAS(std::get<Status>(bare.events()[size_t(again)]).message, "is not installed on devbox");
}

TEST_F(SshdTest, ACutLinkReconnectsAndTheRemotePanesAreStillThere) {
  TcpProxy proxy(sshd_->port(), 5);
  trust(proxy.port());
  Probe probe(mux_target(proxy.port()), options());
  const int stream = probe.wait_stream();
  ASSERT_GE(stream, 0) << probe.history();
  mux::RemotePaneId pane = 0;
  {
    Result<std::unique_ptr<mux::MuxClient>> client =
        mux::MuxClient::adopt(probe.take_fd(stream), [] {});
    ASSERT_TRUE(client) << client.error().message;
    client.value()->spawn(0, 10, 40, {}, {"sh", "-c", "echo before-the-cut; exec cat"});
    ASSERT_TRUE(eventually([&] {
      const mux::Topology t = client.value()->topology();
      if (t.panes.empty()) return false;
      pane = t.panes[0].id;
      client.value()->presented();
      auto s = client.value()->screen(pane);
      return s && screen_text(*s).find("before-the-cut") != std::string::npos;
    }));
    const int first_connected = probe.wait_status(LinkState::connected);
    ASSERT_GE(first_connected, 0);

    proxy.command("cut");
    const int dropped = probe.wait_status(LinkState::disconnected, 20, size_t(first_connected));
    ASSERT_GE(dropped, 0) << probe.history();
    const Status& d = std::get<Status>(probe.events()[size_t(dropped)]);
    EXPECT_EQ(d.attempt, 1);
    EXPECT_GE(d.retry_in_ms, 80);
    EXPECT_LE(d.retry_in_ms, 120) << "attempt 1 waits the base, within the jitter";
    EXPECT_HAS(d.message, "reconnecting, attempt 1");
    EXPECT_TRUE(eventually([&] {
      return client.value()->status().state == mux::ConnectionState::lost;
    })) << "the old Stream ends";
  }
  const int second = probe.wait_stream(20, size_t(stream) + 1);
  ASSERT_GE(second, 0) << probe.history();
  Result<std::unique_ptr<mux::MuxClient>> client =
      mux::MuxClient::adopt(probe.take_fd(second), [] {});
  ASSERT_TRUE(client) << client.error().message;
  EXPECT_TRUE(eventually([&] {
    const mux::Topology t = client.value()->topology();
    if (t.panes.empty() || t.panes[0].id != pane) return false;
    client.value()->presented();
    auto s = client.value()->screen(pane);
    return s && screen_text(*s).find("before-the-cut") != std::string::npos;
  })) << "the daemon kept the pane and its output";
  EXPECT_GE(probe.wait_status(LinkState::connected, 20, size_t(second)), 0) << probe.history();
  const LinkCounters c = probe.link().counters();
  EXPECT_EQ(c.connects, 2u);
  EXPECT_GE(c.connect_attempts, 2u);
}

TEST_F(SshdTest, FailedReconnectionsBackOffUntilTheLinkIsBack) {
  TcpProxy proxy(sshd_->port());
  trust(proxy.port());
  LinkOptions o = options();
  o.backoff_base_ms = 50;
  Probe probe(mux_target(proxy.port()), o);
  const int stream = probe.wait_stream();
  ASSERT_GE(stream, 0) << probe.history();
  const int held = probe.take_fd(stream);
  proxy.command("refuse");  // new connections are closed at once
  proxy.command("cut");
  size_t from = size_t(stream);
  for (int n = 1; n <= 4; ++n) {
    const int d = probe.wait_for<Status>(
        [n](const Status& s) { return s.state == LinkState::disconnected && s.attempt == n; }, 20,
        from);
    ASSERT_GE(d, 0) << "attempt " << n << "\n" << probe.history();
    const int nominal = 50 << (n - 1);
    const int retry = std::get<Status>(probe.events()[size_t(d)]).retry_in_ms;
    EXPECT_GE(retry, nominal * 8 / 10) << "attempt " << n;
    EXPECT_LE(retry, nominal * 12 / 10) << "attempt " << n;
    from = size_t(d) + 1;
  }
  EXPECT_EQ(probe.count<Stream>(), 1) << "refused attempts hand out no Stream";
  proxy.command("restore");
  const int second = probe.wait_stream(20, from);
  ASSERT_GE(second, 0) << probe.history();
  close(probe.take_fd(second));
  close(held);
}

TEST_F(SshdTest, MaxReconnectAttemptsEndsTheRetrying) {
  TcpProxy proxy(sshd_->port());
  trust(proxy.port());
  LinkOptions o = options();
  o.backoff_base_ms = 20;
  o.max_reconnect_attempts = 2;
  Probe probe(mux_target(proxy.port()), o);
  const int stream = probe.wait_stream();
  ASSERT_GE(stream, 0) << probe.history();
  const int held = probe.take_fd(stream);
  proxy.command("refuse");
  proxy.command("cut");
  const int failed = probe.wait_status(LinkState::failed);
  ASSERT_GE(failed, 0) << probe.history();
  EXPECT_HAS(std::get<Status>(probe.events()[size_t(failed)]).message,
             "gave up reconnecting to devbox after 2 attempts");
  EXPECT_EQ(probe.link().counters().connect_attempts, 3u) << "the first, then two retries";
  close(held);
}

TEST_F(SshdTest, AHostKeyChangedBeforeAReconnectionFailsIt) {
  trust(sshd_->port());
  TcpProxy proxy(sshd_->port());
  trust(proxy.port());
  Probe probe(mux_target(proxy.port()), options());
  const int stream = probe.wait_stream();
  ASSERT_GE(stream, 0) << probe.history();
  Result<std::unique_ptr<mux::MuxClient>> client =
      mux::MuxClient::adopt(probe.take_fd(stream), [] {});
  ASSERT_TRUE(client);
  ASSERT_GE(probe.wait_status(LinkState::connected), 0) << probe.history();
  sshd_->restart({"--new-host-key"});
  proxy.command("cut");
  const int failed = probe.wait_status(LinkState::failed, 30);
  ASSERT_GE(failed, 0) << probe.history();
  EXPECT_HAS(std::get<Status>(probe.events()[size_t(failed)]).message, "has CHANGED");
  EXPECT_EQ(probe.count<Prompt>(), 0);
}

TEST_F(SshdTest, ReconnectNowSkipsTheWait) {
  TcpProxy proxy(sshd_->port());
  trust(proxy.port());
  LinkOptions o = options();
  o.backoff_base_ms = 60000;  // a minute: only reconnect_now() can make it quick
  o.backoff_cap_ms = 60000;
  Probe probe(mux_target(proxy.port()), o);
  const int stream = probe.wait_stream();
  ASSERT_GE(stream, 0) << probe.history();
  // Held open and silent: the remote command waits for a Hello that never comes.
  const int idle = probe.take_fd(stream);
  proxy.command("cut");
  ASSERT_GE(probe.wait_status(LinkState::disconnected), 0) << probe.history();
  const auto asked = steady_clock::now();
  probe.link().reconnect_now();
  ASSERT_GE(probe.wait_stream(10, size_t(stream) + 1), 0) << probe.history();
  EXPECT_LT(steady_clock::now() - asked, std::chrono::seconds(5));
  close(idle);
}

// --- never waiting ------------------------------------------------------------------

TEST_F(SshdTest, DestroyingTheLinkMidHandshakeReturnsAtOnce) {
  // A server that accepts the TCP connection and never says a word: the Link waits in
  // the key exchange.
  const int silent = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(bind(silent, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(silent, 4), 0);
  getsockname(silent, reinterpret_cast<sockaddr*>(&a), &len);
  Target t = target(ntohs(a.sin_port));
  t.connect_timeout_ms = 60000;
  Probe probe(t, options());
  ASSERT_GE(probe.wait_status(LinkState::connecting), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto start = steady_clock::now();
  probe.destroy_link();
  EXPECT_LT(steady_clock::now() - start, std::chrono::milliseconds(500));
  close(silent);
}

TEST_F(SshdTest, DestroyingTheLinkWhileAPromptWaitsReturnsAtOnce) {
  Probe probe(target(sshd_->port()), options());
  ASSERT_GE(probe.wait_prompt(), 0) << probe.history();
  const auto start = steady_clock::now();
  probe.destroy_link();
  EXPECT_LT(steady_clock::now() - start, std::chrono::milliseconds(500));
}

TEST_F(SshdTest, ANameThatDoesNotResolveFailsWithTheReason) {
  Target t = target(22);
  t.host = "no-such-host.invalid";
  Probe probe(t, options());
  const int failed = probe.wait_status(LinkState::failed);
  ASSERT_GE(failed, 0) << probe.history();
  // "cannot resolve …" where DNS answers at once, "resolving … timed out" where it does not.
  EXPECT_HAS(std::get<Status>(probe.events()[size_t(failed)]).message,
             "cannot connect to devbox (no-such-host.invalid): ");
  EXPECT_HAS(std::get<Status>(probe.events()[size_t(failed)]).message, "resolv");
}

}  // namespace
}  // namespace cadence::ssh::testing
