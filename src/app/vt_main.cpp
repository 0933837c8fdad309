// cadence-vt: the emulation core without a window.
//
//   cadence-vt [--cols N] [--rows N] [--scrollback N] [--dump text|json] [FILE...]
//   cadence-vt --pty [--cols N] [--rows N] [--dump text|json] -- CMD [ARGS...]
//
// The first form feeds files (or stdin) to a fresh terminal and prints its final state.
// The second runs CMD on a pty, feeds its output to the terminal, writes the terminal's
// replies back (so programs that query the terminal work), forwards our stdin to it,
// and exits with CMD's status.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "pty/pty_process.hpp"
#include "vt/dump.hpp"
#include "vt/terminal.hpp"

namespace {

using cadence::vt::Terminal;

void usage(FILE* out) {
  std::fputs(
      "usage: cadence-vt [--cols N] [--rows N] [--scrollback N] [--dump text|json|none] [FILE...]\n"
      "       cadence-vt --pty [--cols N] [--rows N] [--dump text|json|none] -- CMD [ARGS...]\n"
      "Feeds FILEs (or stdin), or the output of CMD on a pty, to a terminal and prints its\n"
      "final state: 'text' is the scrollback then the screen as plain lines, 'json' has\n"
      "cells, colours, attributes, cursor, title and modes. Defaults: 80x24, text.\n",
      out);
}

bool parse_number(const char* text, int min, int max, int& out) {
  char* end = nullptr;
  long v = std::strtol(text, &end, 10);
  if (!end || *end || v < min || v > max) return false;
  out = static_cast<int>(v);
  return true;
}

bool write_all(int fd, const char* data, size_t size) {
  while (size) {
    ssize_t n = write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        pollfd p{fd, POLLOUT, 0};
        poll(&p, 1, 1000);
        continue;
      }
      return false;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Replies go to the pty in --pty mode; otherwise nowhere.
class ReplyWriter : public cadence::vt::TerminalObserver {
 public:
  explicit ReplyWriter(int fd) : fd_(fd) {}
  void on_reply(std::string_view bytes) override {
    if (fd_ >= 0) write_all(fd_, bytes.data(), bytes.size());
  }

 private:
  int fd_;
};

void print_dump(const Terminal& t, const std::string& mode) {
  std::string out;
  if (mode == "text")
    out = cadence::vt::dump_text(t);
  else if (mode == "json")
    out = cadence::vt::dump_json(t, true);
  write_all(STDOUT_FILENO, out.data(), out.size());
}

bool feed_fd(Terminal& t, int fd) {
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n == 0) return true;
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    t.feed(std::string_view(buf, static_cast<size_t>(n)));
  }
}

int run_pty(Terminal& t, const std::vector<std::string>& argv, int rows, int cols,
            const std::string& dump) {
  cadence::pty::SpawnOptions options;
  options.argv = argv;
  options.size = {rows, cols, 0, 0};
  options.env = {"TERM=xterm-256color", "COLORTERM=truecolor", "TERM_PROGRAM=cadence"};
  auto child = cadence::pty::PtyProcess::spawn(options);
  if (!child) {
    std::fprintf(stderr, "cadence-vt: %s\n", child.error().message.c_str());
    return 127;
  }
  ReplyWriter replies(child->fd());
  t.set_observer(&replies);
  bool stdin_open = true;
  char buf[65536];
  for (;;) {
    pollfd fds[2] = {{child->fd(), POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
    int n = poll(fds, stdin_open ? 2 : 1, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t r = read(child->fd(), buf, sizeof buf);
      if (r > 0) {
        t.feed(std::string_view(buf, static_cast<size_t>(r)));
      } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
        break;  // EIO: every slave fd is closed, the child is gone
      }
    }
    if (stdin_open && (fds[1].revents & (POLLIN | POLLHUP))) {
      ssize_t r = read(STDIN_FILENO, buf, sizeof buf);
      if (r > 0)
        write_all(child->fd(), buf, static_cast<size_t>(r));
      else if (r == 0 || errno != EINTR)
        stdin_open = false;
    }
  }
  int status = child->wait();
  t.set_observer(nullptr);
  print_dump(t, dump);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  int rows = 24, cols = 80, scrollback = 10000;
  std::string dump = "text";
  bool pty_mode = false;
  std::vector<std::string> files;
  std::vector<std::string> command;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "cadence-vt: %s needs a value\n", name);
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      usage(stdout);
      return 0;
    } else if (a == "--cols") {
      if (!parse_number(value("--cols"), 1, cadence::vt::kMaxDimension, cols)) {
        std::fprintf(stderr, "cadence-vt: --cols takes 1..%d\n", cadence::vt::kMaxDimension);
        return 2;
      }
    } else if (a == "--rows") {
      if (!parse_number(value("--rows"), 1, cadence::vt::kMaxDimension, rows)) {
        std::fprintf(stderr, "cadence-vt: --rows takes 1..%d\n", cadence::vt::kMaxDimension);
        return 2;
      }
    } else if (a == "--scrollback") {
      if (!parse_number(value("--scrollback"), 0, 10000000, scrollback)) {
        std::fprintf(stderr, "cadence-vt: --scrollback takes 0..10000000\n");
        return 2;
      }
    } else if (a == "--dump") {
      dump = value("--dump");
      if (dump != "text" && dump != "json" && dump != "none") {
        std::fprintf(stderr, "cadence-vt: --dump takes text, json or none\n");
        return 2;
      }
    } else if (a == "--pty") {
      pty_mode = true;
    } else if (a == "--") {
      for (++i; i < argc; ++i) (pty_mode ? command : files).push_back(argv[i]);
    } else if (a.size() > 1 && a[0] == '-') {
      std::fprintf(stderr, "cadence-vt: unknown option '%s'\n", a.c_str());
      usage(stderr);
      return 2;
    } else {
      (pty_mode ? command : files).push_back(a);
    }
  }

  Terminal::Options options;
  options.rows = rows;
  options.cols = cols;
  options.scrollback_lines = static_cast<size_t>(scrollback);
  Terminal terminal(options);

  if (pty_mode) {
    if (command.empty()) {
      std::fprintf(stderr, "cadence-vt: --pty needs a command after --\n");
      return 2;
    }
    return run_pty(terminal, command, rows, cols, dump);
  }
  if (files.empty()) files.push_back("-");
  for (const std::string& f : files) {
    int fd = f == "-" ? STDIN_FILENO : open(f.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      std::fprintf(stderr, "cadence-vt: %s: %s\n", f.c_str(), std::strerror(errno));
      return 1;
    }
    bool ok = feed_fd(terminal, fd);
    if (fd != STDIN_FILENO) close(fd);
    if (!ok) {
      std::fprintf(stderr, "cadence-vt: reading %s: %s\n", f.c_str(), std::strerror(errno));
      return 1;
    }
  }
  print_dump(terminal, dump);
  return 0;
}
