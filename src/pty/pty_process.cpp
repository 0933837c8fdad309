#include "pty/pty_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace cadence::pty {
namespace {

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace

Result<PtyProcess> PtyProcess::spawn(const SpawnOptions& options) {
  if (options.argv.empty()) return make_error("spawn: no command");
  int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) return make_error(errno_text("posix_openpt"));
  if (grantpt(master) != 0 || unlockpt(master) != 0) {
    Error e = make_error(errno_text("grantpt/unlockpt"));
    close(master);
    return e;
  }
  char name[128];
  if (ptsname_r(master, name, sizeof name) != 0) {
    Error e = make_error(errno_text("ptsname"));
    close(master);
    return e;
  }
  winsize ws{};
  ws.ws_row = static_cast<unsigned short>(options.size.rows);
  ws.ws_col = static_cast<unsigned short>(options.size.cols);
  ws.ws_xpixel = static_cast<unsigned short>(options.size.width_px);
  ws.ws_ypixel = static_cast<unsigned short>(options.size.height_px);
  ioctl(master, TIOCSWINSZ, &ws);

  // Everything the child needs is prepared before fork: after it, only async-signal-safe
  // calls are allowed.
  std::vector<char*> argv;
  for (const std::string& a : options.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  pid_t pid = fork();
  if (pid < 0) {
    Error e = make_error(errno_text("fork"));
    close(master);
    return e;
  }
  if (pid == 0) {
    setsid();
    int slave = open(name, O_RDWR);
    if (slave < 0) _exit(127);
    ioctl(slave, TIOCSCTTY, 0);
    dup2(slave, 0);
    dup2(slave, 1);
    dup2(slave, 2);
    if (slave > 2) close(slave);
    // Signals the parent ignores must not stay ignored in the child: every one back to
    // its default. SIGHUP above all, or a program started under nohup would outlive
    // its pane (closing the master hangs it up).
    for (int sig = 1; sig < NSIG; ++sig) {
      if (sig != SIGKILL && sig != SIGSTOP) signal(sig, SIG_DFL);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (const std::string& kv : options.env) putenv(const_cast<char*>(kv.c_str()));
    if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0) {
      // Keep going in the inherited directory rather than failing the whole spawn.
    }
    execvp(argv[0], argv.data());
    const char msg[] = "cadence: cannot execute the command\r\n";
    ssize_t ignored = write(2, msg, sizeof msg - 1);
    (void)ignored;
    _exit(127);
  }
  int flags = fcntl(master, F_GETFL);
  fcntl(master, F_SETFL, flags | O_NONBLOCK);
  return PtyProcess(master, pid);
}

PtyProcess::PtyProcess(PtyProcess&& o) noexcept
    : fd_(o.fd_), pid_(o.pid_), reaped_(o.reaped_), status_(o.status_) {
  o.fd_ = -1;
  o.pid_ = -1;
}

PtyProcess& PtyProcess::operator=(PtyProcess&& o) noexcept {
  if (this != &o) {
    this->~PtyProcess();
    new (this) PtyProcess(std::move(o));
  }
  return *this;
}

PtyProcess::~PtyProcess() {
  if (fd_ >= 0) close(fd_);
  if (pid_ > 0 && !reaped_) {
    int status;
    waitpid(pid_, &status, WNOHANG);
  }
}

Result<void> PtyProcess::resize(const WindowSize& size) {
  if (is_stream()) return {};
  winsize ws{};
  ws.ws_row = static_cast<unsigned short>(size.rows);
  ws.ws_col = static_cast<unsigned short>(size.cols);
  ws.ws_xpixel = static_cast<unsigned short>(size.width_px);
  ws.ws_ypixel = static_cast<unsigned short>(size.height_px);
  if (ioctl(fd_, TIOCSWINSZ, &ws) != 0) return make_error(errno_text("TIOCSWINSZ"));
  return {};
}

int PtyProcess::wait() {
  if (reaped_) return status_;
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0) {
    if (errno != EINTR) return 1;
  }
  reaped_ = true;
  status_ = decode_status(status);
  return status_;
}

bool PtyProcess::try_wait(int& status) {
  if (!reaped_) {
    int raw = 0;
    pid_t r = waitpid(pid_, &raw, WNOHANG);
    if (r != pid_) return false;
    reaped_ = true;
    status_ = decode_status(raw);
  }
  status = status_;
  return true;
}

}  // namespace cadence::pty
