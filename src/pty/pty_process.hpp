// A child process on a pseudo-terminal.
//
// spawn() opens a pty pair, forks, makes the child a session leader with the pty as its
// controlling terminal, and execs. The parent keeps the master side, non-blocking and
// close-on-exec. The pty thread of a pane and `cadence-vt --pty` both build on this.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/result.hpp"

namespace cadence::pty {

struct WindowSize {
  int rows = 24;
  int cols = 80;
  int width_px = 0;
  int height_px = 0;
};

struct SpawnOptions {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH
  WindowSize size;
  std::vector<std::string> env;  // KEY=VALUE set in the child (on top of ours)
  std::string cwd;               // empty: inherit
};

class PtyProcess {
 public:
  static Result<PtyProcess> spawn(const SpawnOptions& options);
  // A connected stream (a socket: an SSH channel bridged to a socketpair) in place of a
  // pty master: no child, and resizing is the owner's business (PtyPane's hook).
  static PtyProcess adopt_stream(int fd) { return PtyProcess(fd, -1); }
  bool is_stream() const { return pid_ < 0; }

  PtyProcess(PtyProcess&& other) noexcept;
  PtyProcess& operator=(PtyProcess&& other) noexcept;
  PtyProcess(const PtyProcess&) = delete;
  PtyProcess& operator=(const PtyProcess&) = delete;
  // Closes the master (the child gets SIGHUP) and reaps the child if it has exited.
  ~PtyProcess();

  int fd() const { return fd_; }
  pid_t pid() const { return pid_; }
  Result<void> resize(const WindowSize& size);
  // Blocks until the child exits; returns its status as a shell reports it
  // (exit code, or 128 + signal number).
  int wait();
  // Non-blocking: true and the status if the child has exited.
  bool try_wait(int& status);

 private:
  PtyProcess(int fd, pid_t pid) : fd_(fd), pid_(pid) {}
  int fd_ = -1;
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
};

}  // namespace cadence::pty
