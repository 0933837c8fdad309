// The Link's words and rules that need no server: messages and prompts, the missing
// command rule, the backoff, and secrets being wiped.
#include <gtest/gtest.h>

#include <cstring>

#include "ssh/backoff.hpp"
#include "ssh/messages.hpp"
#include "ssh/secret.hpp"

namespace cadence::ssh {
namespace {

#define EXPECT_HAS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << (haystack)

Target devbox(uint16_t port = 2222) {
  Target t;
  t.name = "devbox";
  t.host = "127.0.0.1";
  t.port = port;
  t.user = "me";
  return t;
}

TEST(SshMessages, KnownHostsNamesCarryTheirPortUnlessItIs22) {
  EXPECT_EQ(known_hosts_name(devbox(22)), "127.0.0.1");
  EXPECT_EQ(known_hosts_name(devbox(2222)), "[127.0.0.1]:2222");
}

TEST(SshMessages, StatusLinesSayWhatIsHappening) {
  EXPECT_EQ(connecting_message(devbox(), 0), "connecting to devbox\u2026");
  EXPECT_EQ(connecting_message(devbox(), 2), "connecting to devbox\u2026 (attempt 2)");
  EXPECT_EQ(authenticating_message(devbox()), "authenticating as me on devbox\u2026");
  EXPECT_EQ(disconnected_message(devbox(), "connection reset", 3, 1500),
            "disconnected from devbox (connection reset) \u2014 reconnecting, attempt 3 in 1.5 s");
  EXPECT_EQ(disconnected_message(devbox(), "", 1, 240),
            "disconnected from devbox \u2014 reconnecting, attempt 1 in 240 ms");
}

TEST(SshMessages, UnknownHostKeyPromptShowsTheFingerprintAndAsksForYes) {
  const std::string p =
      unknown_host_key_prompt(devbox(), "ssh-ed25519", "SHA256:abc", "/home/me/.ssh/known_hosts");
  EXPECT_HAS(p, "devbox ([127.0.0.1]:2222) can't be established");
  EXPECT_HAS(p, "ED25519 key fingerprint is SHA256:abc.");
  EXPECT_HAS(p, "Type yes to trust it and add it to /home/me/.ssh/known_hosts");
  EXPECT_HAS(unknown_host_key_prompt(devbox(), "ecdsa-sha2-nistp256", "SHA256:x", "kh"),
             "ECDSA key fingerprint");
}

TEST(SshMessages, ChangedHostKeyIsAWarningWithTheWayOut) {
  const std::string m =
      changed_host_key_message(devbox(), "ssh-ed25519", "SHA256:new", "/k/known_hosts", false);
  EXPECT_HAS(m, "WARNING: the host key for devbox ([127.0.0.1]:2222) has CHANGED");
  EXPECT_HAS(m, "ED25519 SHA256:new");
  EXPECT_HAS(m, "Refusing to connect");
  EXPECT_HAS(m, "ssh-keygen -R '[127.0.0.1]:2222' -f /k/known_hosts");
  EXPECT_HAS(changed_host_key_message(devbox(), "ssh-rsa", "SHA256:r", "kh", true),
             "another type was recorded");
}

TEST(SshMessages, AuthenticationFailureListsWhatWasTried) {
  EXPECT_EQ(no_accepted_method_message({"agent", "/root/.ssh/id_ed25519", "password"}),
            "no accepted authentication method (tried: agent, /root/.ssh/id_ed25519, password)");
  EXPECT_EQ(no_accepted_method_message({}), "no accepted authentication method (tried: nothing)");
  EXPECT_EQ(passphrase_prompt("/k/id", 1), "Passphrase for /k/id: ");
  EXPECT_HAS(passphrase_prompt("/k/id", 2), "Wrong passphrase, try again.\n");
  EXPECT_EQ(password_prompt(devbox(), 1), "Password for me@devbox: ");
}

TEST(SshMessages, AMissingRemoteCommandIsToldFromOtherEndings) {
  EXPECT_TRUE(remote_command_missing(127, ""));
  EXPECT_TRUE(remote_command_missing(-1, "bash: line 1: cadence-mux: command not found\n"));
  EXPECT_TRUE(remote_command_missing(1, "sh: 1: /opt/x/cadence-mux: No such file or directory"));
  EXPECT_FALSE(remote_command_missing(1, "cadence-mux: no server at /run/x and none could start"));
  EXPECT_FALSE(remote_command_missing(0, ""));
  EXPECT_EQ(missing_mux_message(devbox()),
            "cadence-mux is not installed on devbox: install cadence there or set "
            "remote_mux_path");
  EXPECT_EQ(mux_ended_message(devbox(), 1, "first line\nthe reason\n"),
            "cadence-mux on devbox ended with status 1: the reason");
  EXPECT_EQ(mux_ended_message(devbox(), -1, ""), "cadence-mux on devbox ended");
}

TEST(SshBackoff, DoublesFromTheBaseUpToTheCapWithinTheJitter) {
  EXPECT_EQ(backoff_ms(1, 250, 10000, 0.5), 250);
  EXPECT_EQ(backoff_ms(2, 250, 10000, 0.5), 500);
  EXPECT_EQ(backoff_ms(3, 250, 10000, 0.5), 1000);
  EXPECT_EQ(backoff_ms(6, 250, 10000, 0.5), 8000);
  EXPECT_EQ(backoff_ms(7, 250, 10000, 0.5), 10000) << "capped";
  EXPECT_EQ(backoff_ms(1000, 250, 10000, 0.5), 10000) << "no overflow for large attempts";
  EXPECT_EQ(backoff_ms(1, 250, 10000, 0.0), 200) << "jitter: -20%";
  EXPECT_EQ(backoff_ms(1, 250, 10000, 0.999999), 299) << "jitter: up to +20%";
  EXPECT_EQ(backoff_ms(0, 250, 10000, 0.5), 250) << "attempt 0 counts as the first";
}

bool all_zero(const char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != 0) return false;
  }
  return true;
}

TEST(SshSecret, BytesAreWipedWhenTheSecretGoes) {
  // Short replies live in the string object itself, where a plain move leaves all but
  // the first byte behind.
  std::string reply = "hunter2";
  const char* left_behind = reply.data();
  alignas(Secret) unsigned char storage[sizeof(Secret)];
  auto* s = new (storage) Secret(std::move(reply));
  EXPECT_TRUE(all_zero(left_behind, 7)) << "the moved-from string's buffer is scrubbed";
  EXPECT_STREQ(s->c_str(), "hunter2");
  const char* held = s->c_str();
  s->~Secret();
  EXPECT_TRUE(all_zero(held, 7)) << "the Secret's own bytes are scrubbed";

  std::string long_one(100, 'p');
  const char* heap = long_one.data();
  Secret moved(std::move(long_one));
  EXPECT_EQ(moved.c_str(), heap) << "a long reply is moved, not copied";
  Secret again(std::move(moved));
  EXPECT_STREQ(moved.c_str(), "") << "a moved-from Secret holds nothing";
}

}  // namespace
}  // namespace cadence::ssh
