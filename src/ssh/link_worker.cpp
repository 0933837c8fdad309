// The Link's thread (link_worker.hpp): attempts and reconnection, the TCP connection,
// the key exchange, the host key, the channel and the bridge between the channel and the
// Stream's socketpair. Authentication is in auth.cpp.
#include "ssh/link_worker.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <random>

#include "base/log.hpp"
#include "ssh/backoff.hpp"
#include "ssh/messages.hpp"
#include "ssh/tcp_connect.hpp"

namespace cadence::ssh {
namespace {

constexpr log::Tag kLog("ssh");

// Channel output read but not yet written to the Stream. Past this the channel is not
// read, its window closes, and the server stops sending: back-pressure reaches the far
// end instead of memory growing here.
constexpr size_t kMaxToLocal = 1u << 20;
// The start of a mux-mode command's stderr, kept to explain why it ended.
constexpr size_t kMaxStderr = 4096;
constexpr size_t kChunk = 64 * 1024;
// While waiting on the server in a handshake or a request, the call is repeated at
// least this often even if poll() saw nothing: libssh may hold a whole packet it read
// earlier, which no poll() reports. Only while a step is in progress, never when idle.
constexpr int kPumpSliceMs = 50;

int64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

int64_t ms_from_now(int ms) { return now_ns() + int64_t(ms) * 1000000; }

}  // namespace

LinkWorker::~LinkWorker() { close_session(); }

void LinkWorker::close_session() {
  if (channel_) {
    ssh_channel_free(channel_);
    channel_ = nullptr;
  }
  if (session_) {
    if (ssh_is_connected(session_)) ssh_disconnect(session_);
    ssh_free(session_);
    session_ = nullptr;
  }
  // libssh closes a socket given with SSH_OPTIONS_FD when it fails, but not on a
  // disconnect or ssh_free. So the socket is closed here unless it already was: the
  // number alone cannot say (another thread may have been given it again since), the
  // inode can.
  if (tcp_fd_ >= 0) {
    struct stat st {};
    if (fstat(tcp_fd_, &st) == 0 && st.st_ino == tcp_inode_ && st.st_dev == tcp_device_)
      close(tcp_fd_);
    tcp_fd_ = -1;
  }
  if (local_fd_ >= 0) {
    close(local_fd_);
    local_fd_ = -1;
  }
}

void LinkWorker::status(LinkState state, std::string message, int retry_in_ms) {
  LOG_INFO(kLog, t_.name, ": ", message);
  s_.push(Status{state, attempt_, retry_in_ms, std::move(message)});
}

LinkWorker::Wait LinkWorker::wait(int fd, short events, int64_t deadline_ns) {
  for (;;) {
    if (s_.stop) return Wait::stop;
    pollfd p[2] = {{s_.poke_fd, POLLIN, 0}, {fd, events, 0}};
    int timeout = -1;
    if (deadline_ns >= 0) {
      const int64_t left = deadline_ns - now_ns();
      if (left <= 0) return Wait::timeout;
      timeout = int((left + 999999) / 1000000);
    }
    const int n = poll(p, fd >= 0 ? 2 : 1, timeout);
    if (n < 0 && errno != EINTR) return Wait::stop;  // cannot happen with valid fds
    if (s_.stop) return Wait::stop;
    if (n > 0 && (p[0].revents & POLLIN)) {
      uint64_t count;
      (void)!read(s_.poke_fd, &count, sizeof count);
      return Wait::poked;
    }
    if (n > 0 && fd >= 0 && p[1].revents) return Wait::ready;
  }
}

LinkWorker::Wait LinkWorker::wait_session(int64_t deadline_ns) {
  const int64_t slice = ms_from_now(kPumpSliceMs);
  const bool sliced = deadline_ns < 0 || slice < deadline_ns;
  const short events = POLLIN | ((ssh_get_poll_flags(session_) & SSH_WRITE_PENDING) ? POLLOUT : 0);
  const Wait w = wait(ssh_get_fd(session_), events, sliced ? slice : deadline_ns);
  if (w == Wait::timeout && sliced) return Wait::ready;  // try the call again
  return w;
}

int64_t LinkWorker::deadline_after(int ms) { return ms_from_now(ms); }

LinkWorker::Step LinkWorker::timed_out(const char* what) const {
  return fail(End::transport, std::string(what) + ": no answer from " + t_.name + " in " +
                                  std::to_string(t_.connect_timeout_ms / 1000) + " s");
}

bool LinkWorker::sleep_until(int64_t deadline_ns) {
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(s_.mutex);
      if (std::exchange(s_.reconnect_now, false)) return true;
    }
    const Wait w = wait(-1, 0, deadline_ns);
    if (w == Wait::stop) return false;
    if (w == Wait::timeout) return true;
  }
}

std::optional<Secret> LinkWorker::ask(PromptKind kind, std::string text, bool echo) {
  uint64_t id;
  {
    std::lock_guard<std::mutex> lock(s_.mutex);
    id = s_.next_prompt_id++;
  }
  ++s_.prompts;
  LOG_DEBUG(kLog, t_.name, ": prompt ", id, " asked");
  s_.push(Prompt{id, kind, std::move(text), echo});
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(s_.mutex);
      for (auto it = s_.answers.begin(); it != s_.answers.end(); ++it) {
        if (it->id != id) continue;
        Link::Shared::Answer a = std::move(*it);
        s_.answers.erase(it);
        // Answers to prompts no longer asked (a stale id) are dropped with this one.
        s_.answers.clear();
        if (a.cancelled) return std::nullopt;
        return std::move(a.reply);
      }
    }
    if (wait(-1, 0, -1) == Wait::stop) return std::nullopt;
  }
}

bool LinkWorker::session_dead() const {
  return !ssh_is_connected(session_) ||
         (ssh_get_status(session_) & (SSH_CLOSED | SSH_CLOSED_ERROR)) != 0;
}

LinkWorker::Step LinkWorker::session_error(const std::string& what) {
  const char* said = ssh_get_disconnect_message(session_);
  if (said && *said) return fail(End::fatal, t_.name + " closed the connection: " + said);
  std::string error = ssh_get_error(session_);
  if (session_dead()) {
    // libssh's text for a socket that reached its end is about its own state ("Connection
    // not closed yet"); say what happened instead.
    if (error.empty() || error.find("not closed yet") != std::string::npos)
      error = "the connection was closed";
    return fail(End::transport, what.empty() ? error : what + ": " + error);
  }
  return fail(End::fatal, (what.empty() ? "the SSH session" : what) + " failed: " + error);
}

// --- attempts ---------------------------------------------------------------------

void LinkWorker::run() {
  known_hosts_ = o_.known_hosts;  // Link::start filled in the defaults
  agent_socket_ = o_.agent_socket.value_or("");
  std::mt19937_64 random(std::random_device{}());
  const bool mux = t_.multiplexing == config::SshMultiplexing::cadence;
  for (;;) {
    Step st = attempt();
    close_session();
    if (st.end == End::stop || s_.stop) return;
    if (st.end == End::exited) {
      LOG_INFO(kLog, t_.name, ": the shell ended with status ", st.exit_status);
      s_.push(Exit{st.exit_status});
      break;
    }
    if (st.end == End::closed) break;
    if (st.end == End::transport && !ever_connected_) {
      st = fail(End::fatal,
                "cannot connect to " + t_.name + " (" + known_hosts_name(t_) + "): " + st.message);
    } else if (st.end == End::transport && !mux) {
      st = fail(End::fatal, "connection to " + t_.name + " lost: " + st.message);
    } else if (st.end == End::transport && o_.max_reconnect_attempts > 0 &&
               attempt_ >= o_.max_reconnect_attempts) {
      st = fail(End::fatal, "gave up reconnecting to " + t_.name + " after " +
                                std::to_string(attempt_) + " attempts: " + st.message);
    }
    if (st.end == End::fatal) {
      status(LinkState::failed, st.message);
      break;
    }
    ++attempt_;
    const int delay = backoff_ms(attempt_, o_.backoff_base_ms, o_.backoff_cap_ms,
                                 std::uniform_real_distribution<double>(0, 1)(random));
    status(LinkState::disconnected, disconnected_message(t_, st.message, attempt_, delay), delay);
    if (!sleep_until(ms_from_now(delay))) return;
  }
  // Final: idle until destroyed (answers and requests are ignored from here on).
  while (wait(-1, 0, -1) != Wait::stop) {
  }
}

LinkWorker::Step LinkWorker::attempt() {
  {
    // reconnect_now() only shortens a wait in progress; one asked for earlier is moot.
    std::lock_guard<std::mutex> lock(s_.mutex);
    s_.reconnect_now = false;
  }
  status(LinkState::connecting, connecting_message(t_, attempt_));
  ++s_.connect_attempts;
  int fd = -1;
  Step st = open_tcp(ms_from_now(t_.connect_timeout_ms), fd);
  if (!st.ok()) return st;
  st = start_session(fd);
  if (!st.ok()) return st;
  int rc = SSH_OK;
  st = pump([&] { return ssh_connect(session_); }, SSH_AGAIN, rc, "key exchange");
  if (!st.ok()) return st;
  if (rc != SSH_OK) return session_error("key exchange with " + t_.name);
  st = check_host_key();
  if (!st.ok()) return st;
  status(LinkState::authenticating, authenticating_message(t_));
  st = authenticate();
  if (!st.ok()) return st;
  st = open_channel();
  if (!st.ok()) return st;
  return bridge();
}

LinkWorker::Step LinkWorker::open_tcp(int64_t deadline_ns, int& fd) {
  Result<std::shared_ptr<Resolver>> resolver = Resolver::start(t_.host, t_.port);
  if (!resolver) return fail(End::fatal, resolver.error().message);
  std::optional<Result<std::vector<SocketAddress>>> answer;
  while (!(answer = resolver.value()->take())) {
    const Wait w = wait(resolver.value()->fd(), POLLIN, deadline_ns);
    if (w == Wait::stop) return fail(End::stop, "");
    if (w == Wait::timeout) return fail(End::transport, "resolving " + t_.host + " timed out");
  }
  if (!*answer) return fail(End::transport, answer->error().message);
  std::string errors;
  for (const SocketAddress& a : answer->value()) {
    Result<int> started = start_connect(a);
    if (!started) {
      errors += (errors.empty() ? "" : "; ") + address_text(a) + ": " + started.error().message;
      continue;
    }
    const int s = started.value();
    Wait w;
    while ((w = wait(s, POLLOUT, deadline_ns)) == Wait::poked) {
    }
    if (w == Wait::stop || w == Wait::timeout) {
      close(s);
      if (w == Wait::stop) return fail(End::stop, "");
      return fail(End::transport, "connecting to " + address_text(a) + " timed out");
    }
    if (const int e = connect_result(s); e != 0) {
      close(s);
      errors += (errors.empty() ? "" : "; ") + address_text(a) + ": " + std::strerror(e);
      continue;
    }
    tune_socket(s, o_.keepalive_idle_s, o_.keepalive_interval_s);
    fd = s;
    return Step{};
  }
  return fail(End::transport, errors);
}

LinkWorker::Step LinkWorker::start_session(int fd) {
  session_ = ssh_new();
  if (!session_) {
    close(fd);
    return fail(End::fatal, "cannot create an SSH session");
  }
  const int port = t_.port;
  const int no = 0;
  const bool ok =
      ssh_options_set(session_, SSH_OPTIONS_HOST, t_.host.c_str()) == SSH_OK &&
      ssh_options_set(session_, SSH_OPTIONS_PORT, &port) == SSH_OK &&
      ssh_options_set(session_, SSH_OPTIONS_USER, t_.user.c_str()) == SSH_OK &&
      ssh_options_set(session_, SSH_OPTIONS_KNOWNHOSTS, known_hosts_.c_str()) == SSH_OK &&
      ssh_options_set(session_, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, o_.global_known_hosts.c_str()) ==
          SSH_OK &&
      // resolve() already read ~/.ssh/config; libssh must not apply it a second time.
      ssh_options_set(session_, SSH_OPTIONS_PROCESS_CONFIG, &no) == SSH_OK &&
      (agent_socket_.empty() ||
       ssh_options_set(session_, SSH_OPTIONS_IDENTITY_AGENT, agent_socket_.c_str()) == SSH_OK) &&
      ssh_options_set(session_, SSH_OPTIONS_FD, &fd) == SSH_OK;
  if (!ok) {
    close(fd);
    return fail(End::fatal, std::string("SSH options: ") + ssh_get_error(session_));
  }
  ssh_set_blocking(session_, 0);
  struct stat st {};
  fstat(fd, &st);
  tcp_fd_ = fd;
  tcp_inode_ = st.st_ino;
  tcp_device_ = st.st_dev;
  return Step{};
}

LinkWorker::Step LinkWorker::check_host_key() {
  ssh_key key = nullptr;
  if (ssh_get_server_publickey(session_, &key) != SSH_OK)
    return session_error("reading " + t_.name + "'s host key");
  unsigned char* hash = nullptr;
  size_t hash_len = 0;
  std::string fingerprint = "?";
  if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hash_len) == SSH_OK) {
    if (char* f = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hash_len)) {
      fingerprint = f;
      ssh_string_free_char(f);
    }
    ssh_clean_pubkey_hash(&hash);
  }
  const char* type_name = ssh_key_type_to_char(ssh_key_type(key));
  const std::string type = type_name ? type_name : "unknown";
  ssh_key_free(key);

  switch (ssh_session_is_known_server(session_)) {
    case SSH_KNOWN_HOSTS_OK: return Step{};
    case SSH_KNOWN_HOSTS_CHANGED:
      return fail(End::fatal, changed_host_key_message(t_, type, fingerprint, known_hosts_, false));
    case SSH_KNOWN_HOSTS_OTHER:
      return fail(End::fatal, changed_host_key_message(t_, type, fingerprint, known_hosts_, true));
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND: break;
    case SSH_KNOWN_HOSTS_ERROR:
    default:
      return fail(End::fatal,
                  "cannot check the host key of " + t_.name + ": " + ssh_get_error(session_));
  }
  std::optional<Secret> reply =
      ask(PromptKind::host_key, unknown_host_key_prompt(t_, type, fingerprint, known_hosts_), true);
  if (s_.stop) return fail(End::stop, "");
  if (!reply || reply->str() != "yes")
    return fail(End::fatal, "the host key of " + t_.name + " (" + fingerprint +
                                ") was not accepted; not connecting");
  if (ssh_session_update_known_hosts(session_) != SSH_OK)
    return fail(End::fatal, "cannot add " + t_.name + "'s host key to " + known_hosts_ + ": " +
                                ssh_get_error(session_));
  LOG_INFO(kLog, t_.name, ": host key ", fingerprint, " added to ", known_hosts_);
  return Step{};
}

LinkWorker::Step LinkWorker::open_channel() {
  channel_ = ssh_channel_new(session_);
  if (!channel_) return session_error("opening a channel");
  remote_closed_ = false;
  exit_signal_.clear();
  channel_callbacks_ = {};
  channel_callbacks_.userdata = this;
  channel_callbacks_.channel_close_function = [](ssh_session, ssh_channel, void* self) {
    static_cast<LinkWorker*>(self)->remote_closed_ = true;
  };
  channel_callbacks_.channel_exit_signal_function = [](ssh_session, ssh_channel, const char* signal,
                                                       int, const char*, const char*, void* self) {
    static_cast<LinkWorker*>(self)->exit_signal_ = signal ? signal : "?";
  };
  ssh_callbacks_init(&channel_callbacks_);
  ssh_set_channel_callbacks(channel_, &channel_callbacks_);
  int rc = SSH_OK;
  Step st =
      pump([&] { return ssh_channel_open_session(channel_); }, SSH_AGAIN, rc, "opening a channel");
  if (!st.ok()) return st;
  if (rc != SSH_OK) return session_error("opening a session channel on " + t_.name);
  const bool mux = t_.multiplexing == config::SshMultiplexing::cadence;
  if (mux) {
    const std::string command = t_.remote_mux_path + " --stdio";
    st = pump([&] { return ssh_channel_request_exec(channel_, command.c_str()); }, SSH_AGAIN, rc,
              "starting the remote command");
    if (!st.ok()) return st;
    if (rc != SSH_OK) return session_error("running `" + command + "` on " + t_.name);
  } else {
    int rows = o_.rows, cols = o_.cols;
    {
      std::lock_guard<std::mutex> lock(s_.mutex);
      if (s_.pty_size) {
        rows = s_.pty_size->rows;
        cols = s_.pty_size->cols;
        s_.pty_size.reset();
      }
    }
    st = pump([&] { return ssh_channel_request_pty_size(channel_, o_.term.c_str(), cols, rows); },
              SSH_AGAIN, rc, "requesting a pty");
    if (!st.ok()) return st;
    if (rc != SSH_OK) return session_error("requesting a pty on " + t_.name);
    st = pump([&] { return ssh_channel_request_shell(channel_); }, SSH_AGAIN, rc,
              "starting the shell");
    if (!st.ok()) return st;
    if (rc != SSH_OK) return session_error("starting a shell on " + t_.name);
  }

  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair) < 0)
    return fail(End::fatal, std::string("socketpair: ") + std::strerror(errno));
  local_fd_ = pair[0];
  attempt_ = 0;
  ever_connected_ = true;
  ++s_.connects;
  s_.push(Stream{pair[1]});
  if (!mux) status(LinkState::connected, connected_message(t_));
  return Step{};
}

// --- the bridge ---------------------------------------------------------------------

LinkWorker::Step LinkWorker::bridge() {
  const bool mux = t_.multiplexing == config::SshMultiplexing::cadence;
  std::string to_local;  // channel output not yet written to the Stream
  std::string err_head;  // mux mode: the start of the command's stderr
  bool got_stdout = false;
  bool remote_eof = false;
  bool local_eof = false;   // the receiver's side ended: EOF sent to the channel
  bool local_gone = false;  // writing to the receiver failed: it closed the Stream
  std::string buf(kChunk, '\0');

  for (;;) {
    if (!mux) {
      std::optional<Link::Shared::PtySize> size;
      {
        std::lock_guard<std::mutex> lock(s_.mutex);
        size = std::exchange(s_.pty_size, std::nullopt);
      }
      if (size) ssh_channel_change_pty_size(channel_, size->cols, size->rows);
    }

    // Channel → Stream. Reading also lets libssh process what arrived (window changes,
    // the channel's end, a dead socket), so it runs on every wake.
    while (!remote_eof && to_local.size() < kMaxToLocal) {
      const int n = ssh_channel_read_nonblocking(channel_, buf.data(), kChunk, 0);
      if (n == SSH_EOF) {
        remote_eof = true;
      } else if (n > 0) {
        s_.bytes_from_remote += n;
        if (!local_gone) to_local.append(buf.data(), size_t(n));
        if (!got_stdout) {
          got_stdout = true;
          if (mux) status(LinkState::connected, connected_message(t_));
        }
        continue;
      }
      break;
    }
    for (;;) {
      const int n = ssh_channel_read_nonblocking(channel_, buf.data(), kChunk, 1);
      if (n <= 0) break;
      s_.bytes_from_remote += n;
      if (err_head.size() < kMaxStderr)
        err_head.append(buf.data(), std::min(size_t(n), kMaxStderr - err_head.size()));
      if (!mux && !local_gone) to_local.append(buf.data(), size_t(n));
    }
    while (!to_local.empty() && !local_gone) {
      const ssize_t w = send(local_fd_, to_local.data(), to_local.size(), MSG_NOSIGNAL);
      if (w > 0) {
        to_local.erase(0, size_t(w));
      } else if (w < 0 && errno == EINTR) {
        continue;
      } else {
        if (w < 0 && errno != EAGAIN) {
          local_gone = true;
          to_local.clear();
        }
        break;
      }
    }

    // Stream → channel, only as far as the channel's window and only when libssh has
    // sent what it holds, so a fast writer is slowed to the link.
    const bool flushing = (ssh_get_poll_flags(session_) & SSH_WRITE_PENDING) != 0;
    const uint32_t window = channel_ ? ssh_channel_window_size(channel_) : 0;
    const bool can_send = !local_eof && !local_gone && !flushing && window > 0;
    if (can_send) {
      const ssize_t r = recv(local_fd_, buf.data(), std::min<size_t>(kChunk, window), 0);
      if (r > 0) {
        const int w = ssh_channel_write(channel_, buf.data(), uint32_t(r));
        if (w < 0) return session_error("");
        s_.bytes_to_remote += uint64_t(r);
        continue;  // more may be waiting; poll() is for when nothing is
      }
      if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
        local_eof = true;
        ssh_channel_send_eof(channel_);
      }
    }
    if (flushing) ssh_blocking_flush(session_, 0);

    if (session_dead()) return session_error("");
    if (local_gone) return fail(End::closed, "");
    // The end: EOF read (after everything before it), or a close without EOF once
    // nothing is left in libssh's buffers, and everything read passed on.
    const bool ended = remote_eof || (remote_closed_ && ssh_channel_poll(channel_, 0) <= 0 &&
                                      ssh_channel_poll(channel_, 1) <= 0);
    if (ended && to_local.empty()) {
      // The command or shell ended. Its status comes before the channel's close, a
      // packet or two after the end of its output: wait a moment for the close.
      const int64_t deadline = ms_from_now(2000);
      while (!remote_closed_ && !session_dead()) {
        // After EOF, reading no longer makes libssh process packets; asking for the
        // status does (without waiting, the session being non-blocking).
        ssh_channel_get_exit_status(channel_);
        if (remote_closed_) break;
        const Wait w = wait_session(deadline);
        if (w == Wait::stop) return fail(End::stop, "");
        if (w == Wait::timeout) break;
      }
      const int exit_status = ssh_channel_get_exit_status(channel_);
      if (!exit_signal_.empty())
        LOG_INFO(kLog, t_.name, ": the remote command was killed by SIG", exit_signal_);
      if (!mux) {
        Step st = fail(End::exited, "");
        st.exit_status = exit_status;
        return st;
      }
      if (local_eof) return fail(End::closed, "");
      // Ending before its first answer, the command cannot work here: retrying would
      // only fail again. Ending after it, it ran: the server restarted or shut the
      // session, and the daemon behind it may well be alive, so it counts as a drop.
      if (!got_stdout && remote_command_missing(exit_status, err_head))
        return fail(End::fatal, missing_mux_message(t_));
      return fail(got_stdout ? End::transport : End::fatal,
                  mux_ended_message(t_, exit_status, err_head));
    }

    pollfd p[3];
    p[0] = {s_.poke_fd, POLLIN, 0};
    p[1] = {ssh_get_fd(session_),
            short(POLLIN | ((ssh_get_poll_flags(session_) & SSH_WRITE_PENDING) ? POLLOUT : 0)), 0};
    short local_events = 0;
    if (!to_local.empty() && !local_gone) local_events |= POLLOUT;
    if (!local_eof && !local_gone && ssh_channel_window_size(channel_) > 0 &&
        !(ssh_get_poll_flags(session_) & SSH_WRITE_PENDING))
      local_events |= POLLIN;
    // A descriptor polled for nothing still reports a hang-up; leave it out instead.
    p[2] = {local_events ? local_fd_ : -1, local_events, 0};
    const int n = poll(p, 3, -1);
    ++s_.wakeups;
    if (s_.stop) return fail(End::stop, "");
    if (n > 0 && (p[0].revents & POLLIN)) {
      uint64_t count;
      (void)!read(s_.poke_fd, &count, sizeof count);
    }
  }
}

}  // namespace cadence::ssh
