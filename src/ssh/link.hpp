// One SSH connection to a Target, run on its own thread, for a GUI thread that must
// never wait on it.
//
// The Link's thread does every libssh call, with the session in non-blocking mode: it
// sleeps in one poll(2) over the session's socket, an eventfd the GUI side pokes (for
// answers, resizes, reconnect_now and shutdown) and, once a channel is open, its end of
// the stream socketpair. So the destructor returns promptly at any point, even in the
// middle of a key exchange or while a prompt waits for the user: it sets a flag, pokes
// the eventfd and joins. Name resolution, the one step with no non-blocking form, runs
// on a detached helper thread whose answer is dropped if nobody waits for it any more.
//
// What the GUI sees is a queue of events, in the order they happened, taken with
// take_events() after `wake` (called on the Link's thread after each event, or once
// inside start() when the thread cannot start; it must only schedule work, e.g. poke
// the GUI's own Waker):
//
//   Status{connecting, attempt}        "connecting to devbox…"
//   Prompt{id, text, echo}             unknown host key (fingerprint, yes/no), key
//                                      passphrase, keyboard-interactive, password
//   Status{authenticating}
//   Stream{fd}                         the local end of a socketpair bridged to the
//                                      channel; the receiver owns (and closes) the fd
//   Status{connected}                  pty mode: with the Stream. mux mode: when the
//                                      remote command first writes (its HelloReply),
//                                      which proves it runs
//   Status{disconnected, attempt n,    mux mode, after the link dropped: the Stream's
//          retry_in_ms}                peer end is closed, a retry is scheduled; then
//                                      connecting → … → a new Stream → connected (an
//                                      earlier Stream is dead by then: use the latest)
//   Status{failed, message}            final: nothing follows; the Link idles until
//                                      destroyed
//   Exit{status}                       pty mode: the remote shell ended (final)
//
// Answer a Prompt with answer(id, reply) (the reply is wiped after use; pass it with
// std::move) or cancel(id). Only the reply "yes" accepts an unknown host key, which is
// then added to the user's known_hosts; anything else fails the link. A changed host key
// is never asked about: it fails with a warning, also when found on a reconnect.
//
// Authentication tries, in order: the agent (SSH_AUTH_SOCK), each identity file (an
// encrypted one's passphrase is asked for, up to three times, only once the server has
// said it would accept the key), keyboard-interactive, then password (each prompt asked
// in the pane). No secret is logged, and none is kept after use, so a reconnection asks
// again for what the agent does not hold. An authentication failure is final, never
// retried.
//
// mux mode (multiplexing = 'cadence') runs `remote_mux_path --stdio` without a pty; if
// that ends before writing anything with status 127 or "not found" on its stderr, the
// link fails with "cadence-mux is not installed on HOST: …" and does not retry. A drop
// after a successful connect (the TCP connection dies, the server goes away) retries
// with exponential backoff and jitter (backoff.hpp) until it connects again, or until
// max_reconnect_attempts. pty mode (multiplexing = 'none') requests a pty and the user's
// shell; a drop there is final ("connection lost"): a shell does not survive it.
//
// The receiver ends a session by closing its Stream fd: the channel gets EOF, then
// closes, and the Link says nothing more (destroying the Link does the same at once).
// Threads: every public method may be called from any one thread (the GUI's); none
// waits for the network.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ssh/target.hpp"

namespace cadence::ssh {

enum class LinkState : uint8_t { connecting, authenticating, connected, disconnected, failed };

struct Status {
  LinkState state = LinkState::connecting;
  int attempt = 0;       // 0 for the first connection, n for the n-th reconnection
  int retry_in_ms = -1;  // disconnected: when the next attempt starts; -1 otherwise
  std::string message;   // for a person: "disconnected — reconnecting, attempt 3"
};

enum class PromptKind : uint8_t { host_key, passphrase, keyboard_interactive, password };

struct Prompt {
  uint64_t id = 0;
  PromptKind kind = PromptKind::password;
  std::string text;   // may span lines (a host key prompt shows the fingerprint)
  bool echo = false;  // false: a secret, show no characters
};

struct Stream {
  int fd = -1;  // non-blocking, close-on-exec; owned by whoever took the event
};

struct Exit {
  int status = -1;  // the remote shell's exit status; -1 when the server sent none
};

using LinkEvent = std::variant<Status, Prompt, Stream, Exit>;

struct LinkOptions {
  // pty mode: the terminal type and the size the pty starts with (resize() later).
  std::string term = "xterm-256color";
  int rows = 24;
  int cols = 80;
  // Host key files. "": $HOME/.ssh/known_hosts (settled in start()); the system file
  // is only read.
  std::string known_hosts;
  std::string global_known_hosts = "/etc/ssh/ssh_known_hosts";
  // The agent's socket. nullopt: $SSH_AUTH_SOCK at start(); "": no agent.
  std::optional<std::string> agent_socket;
  bool keyboard_interactive = true;
  bool password = true;
  // Reconnection (mux mode): attempts after a drop, 0 = until destroyed.
  int max_reconnect_attempts = 0;
  int backoff_base_ms = 250;
  int backoff_cap_ms = 10000;
  // TCP keepalive on the connection, so a peer that vanished (a sleeping laptop's Wi-Fi)
  // is noticed within about idle + 3 × interval seconds; unacknowledged data times out
  // after idle + 3 × interval too (TCP_USER_TIMEOUT). 0 disables both.
  int keepalive_idle_s = 15;
  int keepalive_interval_s = 5;
};

struct LinkCounters {
  uint64_t connect_attempts = 0;   // TCP connections started
  uint64_t connects = 0;           // channels that reached their Stream
  uint64_t bytes_to_remote = 0;    // channel payload written
  uint64_t bytes_from_remote = 0;  // channel payload read (stdout and stderr)
  uint64_t prompts = 0;
  uint64_t wakeups = 0;  // returns from the bridge's poll(): an idle channel adds none
};

class Link {
 public:
  using WakeFn = std::function<void()>;

  // Starts the thread and the first connection. Never fails: a problem (no thread, no
  // eventfd) arrives as Status failed.
  static std::unique_ptr<Link> start(Target target, WakeFn wake, LinkOptions options = {});
  // Stops the thread and closes the session; returns promptly in any state. Stream fds
  // in events not taken are closed.
  ~Link();
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  std::vector<LinkEvent> take_events();
  void answer(uint64_t prompt_id, std::string reply);
  void cancel(uint64_t prompt_id);
  // pty mode: the window's size; the latest one is sent (as window-change) once the
  // channel is open. libssh's window-change carries no pixel size, so px_w and px_h are
  // not sent.
  void resize(int rows, int cols, int px_w = 0, int px_h = 0);
  // Skips the wait before the next reconnection attempt.
  void reconnect_now();

  LinkCounters counters() const;
  const Target& target() const;

  struct Shared;

 private:
  Link() = default;
  std::shared_ptr<Shared> shared_;
};

}  // namespace cadence::ssh
