// Inside a Link (link.hpp): the state the GUI side and the Link's thread share, and the
// thread's side, LinkWorker. Not part of the library's interface.
//
// The hand-off is in one place per direction. GUI → thread: answers, the latest pty size
// and reconnect_now go into Shared under its mutex, then one eventfd write ("poke"); the
// thread wakes from its single poll(), drains the eventfd and looks. Thread → GUI: events
// are appended under the same mutex, then `wake` is called. The mutex is only ever held
// for a queue operation, never across a libssh call.
//
// LinkWorker is written as straight-line code (connect, check the host key,
// authenticate, open the channel, bridge), each libssh call repeated while it answers
// "again", with wait() between tries: a poll over the session's socket and the eventfd,
// with a deadline. Every wait returns `stop` once the destructor asked, and every step
// passes that straight up, so the thread leaves from wherever it is.
#pragma once

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ssh/link.hpp"
#include "ssh/secret.hpp"

namespace cadence::ssh {

struct Link::Shared {
  Target target;
  LinkOptions options;
  WakeFn wake;
  int poke_fd = -1;  // eventfd, GUI → thread
  std::atomic<bool> stop{false};
  std::thread thread;

  struct Answer {
    uint64_t id = 0;
    bool cancelled = false;
    Secret reply;
  };
  struct PtySize {
    int rows = 0, cols = 0;
  };

  mutable std::mutex mutex;
  std::vector<LinkEvent> events;  // not yet taken
  std::vector<Answer> answers;    // not yet read by the thread
  std::optional<PtySize> pty_size;
  bool reconnect_now = false;
  uint64_t next_prompt_id = 1;

  std::atomic<uint64_t> connect_attempts{0}, connects{0}, bytes_to_remote{0}, bytes_from_remote{0},
      prompts{0}, wakeups{0};

  ~Shared();
  void poke();
  void push(LinkEvent event);  // the Link's thread; calls wake
};

class LinkWorker {
 public:
  explicit LinkWorker(Link::Shared& shared) : s_(shared), t_(shared.target), o_(shared.options) {}
  ~LinkWorker();
  LinkWorker(const LinkWorker&) = delete;
  LinkWorker& operator=(const LinkWorker&) = delete;

  // The thread's body: connects, reconnects as the mode says, returns when stopped.
  void run();

 private:
  enum class End : uint8_t {
    ok,         // go on to the next step
    stop,       // the Link is being destroyed
    transport,  // the connection failed or died: retried after a drop in mux mode
    fatal,      // final: Status failed with the message
    exited,     // pty mode: the shell ended (Exit)
    closed,     // the receiver closed the Stream: nothing more to say
  };
  struct Step {
    End end = End::ok;
    std::string message;
    int exit_status = -1;
    bool ok() const { return end == End::ok; }
  };
  static Step fail(End end, std::string message) { return Step{end, std::move(message), -1}; }

  enum class Wait : uint8_t { ready, poked, timeout, stop };

  // One connection, from the TCP connect to the end of its channel.
  Step attempt();
  Step open_tcp(int64_t deadline_ns, int& fd);
  Step start_session(int fd);
  Step check_host_key();
  Step authenticate();  // auth.cpp
  Step open_channel();
  Step bridge();
  void close_session();

  // Auth steps (auth.cpp). Each returns ok with `done` set when the server let us in.
  Step auth_agent(bool& done);
  Step auth_identity(const std::string& path, bool& done);
  Step auth_keyboard_interactive(bool& done);
  Step auth_password(bool& done);
  // A finished auth call's code as a Step: success and denial are ok (see `done`), partial
  // success refreshes the methods; an error is transport or fatal (session_error).
  Step auth_outcome(int rc, bool& done);

  // Repeats `call` while it returns `again`, waiting for the session's socket between
  // tries, for at most the connect timeout. `rc` gets the last code.
  template <typename F>
  Step pump(F call, int again, int& rc, const char* what);
  static int64_t deadline_after(int ms);  // CLOCK_MONOTONIC ns
  Step timed_out(const char* what) const;
  // Sleeps in poll() over `fd` (if >= 0) for `events`, and the eventfd, until
  // `deadline_ns` (CLOCK_MONOTONIC; < 0: none).
  Wait wait(int fd, short events, int64_t deadline_ns);
  // The session's socket, for what libssh wants now (POLLOUT while output is buffered).
  Wait wait_session(int64_t deadline_ns);
  // Sleeps until `deadline_ns`, stop (false) or reconnect_now().
  bool sleep_until(int64_t deadline_ns);

  // Queues a Prompt and waits for its answer; nullopt when cancelled or stopping.
  std::optional<Secret> ask(PromptKind kind, std::string text, bool echo);
  void status(LinkState state, std::string message, int retry_in_ms = -1);
  // After a libssh error: transport when the connection itself died without the server
  // saying why, fatal otherwise (a refusal, a protocol error, the server's own
  // disconnect message).
  Step session_error(const std::string& what);
  bool session_dead() const;

  Link::Shared& s_;
  const Target& t_;
  const LinkOptions& o_;
  std::string known_hosts_;   // the user's file, resolved
  std::string agent_socket_;  // "" = no agent
  ssh_session session_ = nullptr;
  ssh_channel channel_ = nullptr;
  int local_fd_ = -1;  // our end of the Stream's socketpair
  int tcp_fd_ = -1;    // the connection libssh runs on, and its identity (close_session)
  ino_t tcp_inode_ = 0;
  dev_t tcp_device_ = 0;
  // The channel's end as the server tells it. libssh's own ssh_channel_is_closed()
  // stays false for a close that arrived while output was still buffered, so the
  // callbacks are the reliable word.
  ssh_channel_callbacks_struct channel_callbacks_{};
  bool remote_closed_ = false;
  std::string exit_signal_;  // the signal that ended the remote command, if one did
  int methods_ = 0;          // what the server still accepts (ssh_userauth_list)
  std::vector<std::string> tried_;
  int attempt_ = 0;  // reconnections since the last connect
  bool ever_connected_ = false;
};

template <typename F>
LinkWorker::Step LinkWorker::pump(F call, int again, int& rc, const char* what) {
  const int64_t deadline = deadline_after(t_.connect_timeout_ms);
  for (;;) {
    rc = call();
    if (rc != again) return Step{};
    const Wait w = wait_session(deadline);
    if (w == Wait::stop) return fail(End::stop, "");
    if (w == Wait::timeout) return timed_out(what);
  }
}

}  // namespace cadence::ssh
