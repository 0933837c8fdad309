// cadence-mux: the mux server, and the bridge a remote session runs.
//
//   cadence-mux [--socket PATH] [--daemonize] [--pid-file PATH] [--log FILE]
//               [--scrollback N] [--term NAME]
//   cadence-mux --stdio [--socket PATH]
//
// The first form serves the session on PATH (default $XDG_RUNTIME_DIR/cadence/mux.sock)
// until SIGTERM or SIGINT, then closes its clients and panes and removes the socket and
// the pid file. With --daemonize the command returns once the server listens (or with
// the reason it cannot), leaving the server detached in its own session with its log in
// a file. The second form connects stdin and stdout to the server, starting a daemon
// first when none answers: it is what an SSH channel runs on the remote end.
//
// Daemonizing forks before anything else starts: the server runs a pty thread, and a
// process that forks after starting threads keeps only the forking one.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "base/control_socket.hpp"
#include "base/log.hpp"
#include "mux/server.hpp"
#include "mux/unix_socket.hpp"
#include "ui/mouse_encoder.hpp"
#include "ui/paste.hpp"

namespace {

using namespace cadence;

const log::Tag kLog{"mux"};

struct Args {
  std::string socket;
  std::string pid_file;
  std::string log_file;
  std::string term = "xterm-256color";
  size_t scrollback = 10000;
  bool daemonize = false;
  bool stdio = false;
};

void usage(FILE* out) {
  std::fputs(
      "usage: cadence-mux [--socket PATH] [--daemonize] [--pid-file PATH] [--log FILE]\n"
      "                   [--scrollback N] [--term NAME]\n"
      "       cadence-mux --stdio [--socket PATH]\n"
      "Serves windows, tabs and panes to cadence windows on a unix socket (default\n"
      "$XDG_RUNTIME_DIR/cadence/mux.sock); panes live on when windows detach. --stdio\n"
      "connects stdin/stdout to the server, starting one if none is running.\n",
      out);
}

int fail(const std::string& message) {
  std::fprintf(stderr, "cadence-mux: %s\n", message.c_str());
  return 1;
}

mux::InputEncoders input_encoders() {
  mux::InputEncoders e;
  e.paste = [](std::string_view text, bool bracketed) {
    return ui::prepare_paste(text, bracketed);
  };
  e.focus = [](bool focused, const vt::Modes& modes) { return ui::encode_focus(focused, modes); };
  e.mouse = [](const net::Mouse& m, const vt::Modes& modes) {
    ui::MouseEvent event;
    event.col = m.col;
    event.row = m.row;
    // SGR-pixel reports need the pointer in pixels; a client that does not know sends -1,
    // and the cell's corner stands in for it.
    event.x_px = std::max(m.x_px, 0);
    event.y_px = std::max(m.y_px, 0);
    event.mods = m.modifiers & 7;  // shift, alt, ctrl: the same bits on both sides
    switch (m.kind) {
      case net::Mouse::Kind::press: event.kind = ui::MouseEvent::press; break;
      case net::Mouse::Kind::release: event.kind = ui::MouseEvent::release; break;
      case net::Mouse::Kind::motion: event.kind = ui::MouseEvent::motion; break;
      case net::Mouse::Kind::wheel: event.kind = ui::MouseEvent::wheel; break;
    }
    if (m.kind == net::Mouse::Kind::wheel) {
      event.button = 4 + (m.button & 3);
    } else {
      // 0..2 the main buttons, 3..6 the extra ones (the encoder's 8..11); motion with
      // button 255 is motion with nothing held.
      event.button = m.button < 3 ? m.button : 8 + (m.button - 3);
      event.buttons_held = m.kind == net::Mouse::Kind::motion && m.button != 255;
    }
    if (m.kind != net::Mouse::Kind::wheel && m.button > 6 && m.button != 255) return std::string();
    // The wheel over a full-screen program that does not track the mouse: arrow keys,
    // when it asked for them (mode 1007), as a local pane does.
    if (m.kind == net::Mouse::Kind::wheel && modes.mouse == vt::MouseTracking::off)
      return ui::encode_alternate_scroll(event, modes);
    return ui::encode_mouse(event, modes);
  };
  return e;
}

bool write_pid_file(const std::string& path) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  const std::string text = std::to_string(getpid()) + "\n";
  const bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  return ok;
}

// Forks twice and returns in the grandchild (a daemon with no controlling terminal),
// with `ready_fd` to report on. The original process waits for that report and exits
// with it, so `cadence-mux --daemonize` returns once the socket accepts connections.
int daemonize(int& ready_fd) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) < 0) return fail(std::string("pipe: ") + std::strerror(errno));
  const pid_t child = fork();
  if (child < 0) return fail(std::string("fork: ") + std::strerror(errno));
  if (child > 0) {
    close(pipe_fds[1]);
    std::string report;
    char buf[512];
    ssize_t n;
    while ((n = read(pipe_fds[0], buf, sizeof buf)) > 0) report.append(buf, static_cast<size_t>(n));
    int status = 0;
    waitpid(child, &status, 0);
    if (report.rfind("ok", 0) == 0) std::_Exit(0);
    std::fprintf(stderr, "cadence-mux: %s\n",
                 report.empty() ? "the server exited before listening" : report.c_str());
    std::_Exit(1);
  }
  close(pipe_fds[0]);
  setsid();
  const pid_t grandchild = fork();
  if (grandchild < 0) std::_Exit(1);
  if (grandchild > 0) std::_Exit(0);
  ready_fd = pipe_fds[1];
  return 0;
}

void report(int ready_fd, const std::string& text) {
  if (ready_fd < 0) return;
  (void)!write(ready_fd, text.data(), text.size());
  close(ready_fd);
}

int serve(const Args& args) {
  int ready_fd = -1;
  if (args.daemonize) {
    if (int r = daemonize(ready_fd); r != 0) return r;
    const char* home = std::getenv("HOME");
    if (chdir(home && *home ? home : "/") < 0) (void)!chdir("/");
    const int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    const int log_fd = open(args.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (null_fd >= 0) {
      dup2(null_fd, 0);
      dup2(null_fd, 1);
    }
    dup2(log_fd >= 0 ? log_fd : null_fd, 2);
  }

  // Stop signals arrive through the server's loop; a client that vanished mid-write is
  // an error on that write, not a SIGPIPE.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  const int signal_fd = signalfd(-1, &stop_signals, SFD_NONBLOCK | SFD_CLOEXEC);

  mux::ServerOptions options;
  options.socket_path = args.socket;
  options.session.scrollback_lines = args.scrollback;
  options.session.env = {"TERM=" + args.term, "COLORTERM=truecolor", "TERM_PROGRAM=cadence",
                         "CADENCE_MUX_SOCKET=" + args.socket};
  options.input = input_encoders();
  options.signal_fd = signal_fd;
  Result<std::unique_ptr<mux::MuxServer>> server = mux::MuxServer::create(std::move(options));
  if (!server) {
    report(ready_fd, server.error().message);
    return fail(server.error().message);
  }
  const bool pid_written = write_pid_file(args.pid_file);
  if (!pid_written) LOG_WARN(kLog, "cannot write the pid file ", args.pid_file);
  report(ready_fd, "ok\n");
  Result<void> r = server.value()->run();
  server.value().reset();
  if (pid_written) unlink(args.pid_file.c_str());
  if (!r) return fail(r.error().message);
  return 0;
}

// Starts a daemon on the socket and waits until it listens.
bool start_daemon(const Args& args) {
  const pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    const char* argv[] = {"cadence-mux", "--daemonize", "--socket", args.socket.c_str(), nullptr};
    execv("/proc/self/exe", const_cast<char**>(argv));
    std::_Exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// Copies stdin to the socket and the socket to stdout until the server closes the
// connection; the end of stdin is passed on as a half-close.
int bridge(const Args& args) {
  signal(SIGPIPE, SIG_IGN);
  Result<int> fd = mux::connect_unix(args.socket);
  if (!fd) {
    if (!start_daemon(args)) return fail("no server at " + args.socket + " and none could start");
    fd = mux::connect_unix(args.socket);
    if (!fd) return fail(fd.error().message);
  }
  const int sock = fd.value();
  std::string to_sock, to_out;
  bool in_open = true;
  bool sock_open = true;
  char buf[64 * 1024];
  while (sock_open || !to_out.empty()) {
    pollfd p[4];
    int n = 0;
    int in_i = -1, sock_i = -1, out_i = -1;
    if (in_open && to_sock.size() < sizeof buf) {
      in_i = n;
      p[n++] = {0, POLLIN, 0};
    }
    if (sock_open) {
      sock_i = n;
      p[n++] = {sock,
                static_cast<short>((to_out.size() < sizeof buf ? POLLIN : 0) |
                                   (to_sock.empty() ? 0 : POLLOUT)),
                0};
    }
    if (!to_out.empty()) {
      out_i = n;
      p[n++] = {1, POLLOUT, 0};
    }
    if (poll(p, static_cast<nfds_t>(n), -1) < 0) {
      if (errno == EINTR) continue;
      return fail(std::string("poll: ") + std::strerror(errno));
    }
    if (in_i >= 0 && (p[in_i].revents & (POLLIN | POLLHUP))) {
      const ssize_t got = read(0, buf, sizeof buf);
      if (got > 0) {
        to_sock.append(buf, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        in_open = false;
        if (to_sock.empty()) shutdown(sock, SHUT_WR);
      }
    }
    if (sock_i >= 0) {
      const short re = p[sock_i].revents;
      if (re & POLLOUT) {
        const ssize_t put = send(sock, to_sock.data(), to_sock.size(), MSG_NOSIGNAL);
        if (put > 0) to_sock.erase(0, static_cast<size_t>(put));
        if (put < 0 && errno != EAGAIN && errno != EINTR) sock_open = false;
        if (!in_open && to_sock.empty()) shutdown(sock, SHUT_WR);
      }
      if (re & (POLLIN | POLLHUP | POLLERR)) {
        const ssize_t got = read(sock, buf, sizeof buf);
        if (got > 0) {
          to_out.append(buf, static_cast<size_t>(got));
        } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
          sock_open = false;
        }
      }
    }
    if (out_i >= 0 && (p[out_i].revents & (POLLOUT | POLLERR | POLLHUP))) {
      // At most PIPE_BUF: POLLOUT promises that much room, so a blocking stdout never
      // blocks here.
      const ssize_t put = write(1, to_out.data(), std::min<size_t>(to_out.size(), PIPE_BUF));
      if (put > 0) {
        to_out.erase(0, static_cast<size_t>(put));
      } else if (put < 0 && errno != EAGAIN && errno != EINTR) {
        break;  // stdout is gone: nobody to bridge for
      }
    }
  }
  close(sock);
  return 0;
}

bool parse_size(const char* text, size_t& out) {
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (!end || *end || v > (1ull << 24)) return false;
  out = static_cast<size_t>(v);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  log::configure_from_env();
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        usage(stderr);
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--socket") {
      args.socket = value();
    } else if (a == "--pid-file") {
      args.pid_file = value();
    } else if (a == "--log") {
      args.log_file = value();
    } else if (a == "--term") {
      args.term = value();
    } else if (a == "--scrollback") {
      if (!parse_size(value(), args.scrollback)) {
        usage(stderr);
        return 2;
      }
    } else if (a == "--daemonize") {
      args.daemonize = true;
    } else if (a == "--stdio") {
      args.stdio = true;
    } else if (a == "-h" || a == "--help") {
      usage(stdout);
      return 0;
    } else {
      std::fprintf(stderr, "cadence-mux: unknown option '%s'\n", a.c_str());
      usage(stderr);
      return 2;
    }
  }
  if (args.socket.empty()) {
    Result<std::string> path = mux::default_socket_path();
    if (!path) return fail(path.error().message);
    if (Result<void> r = prepare_control_dir(control_dir()); !r) return fail(r.error().message);
    args.socket = path.value();
  }
  if (args.pid_file.empty()) args.pid_file = mux::pid_file_for(args.socket);
  if (args.log_file.empty()) {
    std::string base = args.socket;
    if (base.size() > 5 && base.compare(base.size() - 5, 5, ".sock") == 0)
      base.resize(base.size() - 5);
    args.log_file = base + ".log";
  }
  return args.stdio ? bridge(args) : serve(args);
}
