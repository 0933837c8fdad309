// What the real-sshd tests share: a private sshd (tests/tools/cadence-test-sshd), the
// latency proxy in front of it, keys made with ssh-keygen, and a Link whose events the
// test waits on the way a window would take them.
//
// Usage, for any test that needs an SSH server:
//
//   TempDir dir;
//   Sshd sshd(dir.path() + "/sshd");             // generated host and client keys
//   Sshd other(dir.path() + "/b", {"--authorized-key", "/path/key.pub"});
//   sshd.port();                                  // 127.0.0.1:port
//   sshd.client_key();                            // the generated key's private half
//   sshd.restart({"--new-host-key"});             // same port, another host key
//
// Paths come from meson through the environment: CADENCE_TEST_SSHD (the script),
// CADENCE_TEST_PROXY and CADENCE_MUX (the built programs).
#pragma once

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ssh/link.hpp"

namespace cadence::ssh::testing {

inline std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

inline bool sshd_installed() { return access("/usr/sbin/sshd", X_OK) == 0; }

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Runs a shell command; its stdout, trailing newline removed.
inline std::string shell(const std::string& command) {
  std::string out;
  if (FILE* p = popen(command.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
  }
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// A new ed25519 key pair at `path` (and path.pub), with `passphrase` ("" = none).
inline void make_key(const std::string& path, const std::string& passphrase = "") {
  shell("rm -f '" + path + "' '" + path + ".pub'; ssh-keygen -q -t ed25519 -C test -N '" +
        passphrase + "' -f '" + path + "'");
}

// "SHA256:…" of a public key file, as ssh-keygen prints it.
inline std::string fingerprint(const std::string& pub) {
  return shell("ssh-keygen -l -E sha256 -f '" + pub + "' | cut -d' ' -f2");
}

class TempDir {
 public:
  TempDir() {
    char templ[] = "/tmp/cadence-ssh-test-XXXXXX";
    path_ = mkdtemp(templ);
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A child process with its stdin and stdout on pipes; killed (SIGTERM) and reaped when
// destroyed.
class Child {
 public:
  Child() = default;
  explicit Child(const std::vector<std::string>& argv) {
    int in[2], out[2];
    if (pipe(in) < 0 || pipe(out) < 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      close(in[1]);
      close(out[0]);
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    input_ = fdopen(in[1], "w");
    output_ = fdopen(out[0], "r");
  }
  ~Child() { stop(); }
  Child(Child&& o) noexcept { *this = std::move(o); }
  Child& operator=(Child&& o) noexcept {
    stop();
    std::swap(pid_, o.pid_);
    std::swap(input_, o.input_);
    std::swap(output_, o.output_);
    return *this;
  }

  std::string read_line() {
    char line[512];
    if (!output_ || !std::fgets(line, sizeof line, output_)) return "";
    std::string s = line;
    if (!s.empty() && s.back() == '\n') s.pop_back();
    return s;
  }
  void send(const std::string& line) {
    if (!input_) return;
    std::fprintf(input_, "%s\n", line.c_str());
    std::fflush(input_);
  }
  // Closes its stdin (the sshd script stops at once on that), then SIGTERM and reap.
  void stop() {
    if (input_) std::fclose(input_);
    input_ = nullptr;
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
    if (output_) std::fclose(output_);
    output_ = nullptr;
  }

 private:
  pid_t pid_ = -1;
  FILE* input_ = nullptr;
  FILE* output_ = nullptr;
};

// tests/tools/cadence-test-sshd in `dir`.
class Sshd {
 public:
  explicit Sshd(std::string dir, std::vector<std::string> extra = {}) : dir_(std::move(dir)) {
    start(std::move(extra));
  }
  bool ready() const { return port_ > 0; }
  int port() const { return port_; }
  const std::string& dir() const { return dir_; }
  std::string client_key() const { return dir_ + "/client_ed25519"; }
  std::string host_key_pub() const { return dir_ + "/host_ed25519.pub"; }
  std::string log() const { return read_file(dir_ + "/sshd.log"); }

  void stop() { child_.stop(); }
  // Stops sshd and starts it again on the same port.
  void restart(std::vector<std::string> extra = {}) {
    child_.stop();
    extra.push_back("--port");
    extra.push_back(std::to_string(port_));
    start(std::move(extra));
  }

 private:
  void start(std::vector<std::string> extra) {
    const std::string script = env_or_empty("CADENCE_TEST_SSHD");
    if (script.empty()) {
      ADD_FAILURE() << "CADENCE_TEST_SSHD is not set (meson test sets it)";
      return;
    }
    std::vector<std::string> argv = {"/usr/bin/env", "python3", script, "--dir", dir_};
    argv.insert(argv.end(), extra.begin(), extra.end());
    child_ = Child(argv);
    const std::string line = child_.read_line();
    const std::string prefix = "listening 127.0.0.1:";
    port_ = line.rfind(prefix, 0) == 0 ? std::atoi(line.c_str() + prefix.size()) : 0;
    if (!port_) ADD_FAILURE() << "cadence-test-sshd did not start: '" << line << "'";
  }

  std::string dir_;
  Child child_;
  int port_ = 0;
};

// cadence-test-proxy from a TCP port of its own to `target_port`.
class TcpProxy {
 public:
  TcpProxy(int target_port, int delay_ms = 0) {
    const std::string exe = env_or_empty("CADENCE_TEST_PROXY");
    if (exe.empty()) {
      ADD_FAILURE() << "CADENCE_TEST_PROXY is not set (meson test sets it)";
      return;
    }
    child_ = Child({exe, "--listen", "tcp:127.0.0.1:0", "--connect",
                    "tcp:127.0.0.1:" + std::to_string(target_port), "--delay-ms",
                    std::to_string(delay_ms)});
    const std::string line = child_.read_line();
    const size_t colon = line.rfind(':');
    port_ = line.rfind("listening", 0) == 0 && colon != std::string::npos
                ? std::atoi(line.c_str() + colon + 1)
                : 0;
    if (!port_) ADD_FAILURE() << "cadence-test-proxy did not start: '" << line << "'";
  }
  int port() const { return port_; }
  void command(const std::string& line) { child_.send(line); }

 private:
  Child child_;
  int port_ = 0;
};

// A Link and everything it said, taken as a window takes it: woken by `wake`, then
// take_events().
class Probe {
 public:
  Probe(Target target, LinkOptions options) {
    link_ = Link::start(
        std::move(target),
        [this] {
          std::lock_guard<std::mutex> lock(mutex_);
          woken_ = true;
          cv_.notify_all();
        },
        std::move(options));
  }
  ~Probe() {
    link_.reset();
    for (LinkEvent& e : events_) {
      if (auto* s = std::get_if<Stream>(&e); s && s->fd >= 0) close(s->fd);
    }
  }

  Link& link() { return *link_; }
  void destroy_link() { link_.reset(); }
  const std::vector<LinkEvent>& events() const { return events_; }

  // Takes events until one of type T satisfies `match`, or `seconds` pass. Returns its
  // index in events(), -1 on timeout. Search starts at `from`.
  template <typename T>
  int wait_for(std::function<bool(const T&)> match, double seconds = 20, size_t from = 0) {
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::milliseconds(static_cast<int>(seconds * 1000));
    for (;;) {
      for (size_t i = from; i < events_.size(); ++i) {
        if (const T* e = std::get_if<T>(&events_[i]); e && match(*e)) return int(i);
      }
      std::unique_lock<std::mutex> lock(mutex_);
      if (!woken_ && !cv_.wait_until(lock, deadline, [this] { return woken_; })) return -1;
      woken_ = false;
      lock.unlock();
      for (LinkEvent& e : link_->take_events()) events_.push_back(std::move(e));
    }
  }
  int wait_status(LinkState state, double seconds = 20, size_t from = 0) {
    return wait_for<Status>([state](const Status& s) { return s.state == state; }, seconds, from);
  }
  int wait_prompt(double seconds = 20, size_t from = 0) {
    return wait_for<Prompt>([](const Prompt&) { return true; }, seconds, from);
  }
  int wait_stream(double seconds = 20, size_t from = 0) {
    return wait_for<Stream>([](const Stream&) { return true; }, seconds, from);
  }
  // Takes whatever arrives within `seconds`.
  void settle(double seconds) {
    wait_for<Exit>([](const Exit&) { return false; }, seconds, events_.size());
  }
  // Takes the fd out of the Stream event at `index` (the test owns it from then on).
  int take_fd(int index) {
    Stream& s = std::get<Stream>(events_[size_t(index)]);
    return std::exchange(s.fd, -1);
  }

  template <typename T>
  int count() const {
    int n = 0;
    for (const LinkEvent& e : events_) n += std::holds_alternative<T>(e);
    return n;
  }
  // Every Status message so far, one per line (for failure output).
  std::string history() const {
    std::string out;
    for (const LinkEvent& e : events_) {
      if (const auto* s = std::get_if<Status>(&e)) out += "status: " + s->message + "\n";
      if (const auto* p = std::get_if<Prompt>(&e)) out += "prompt: " + p->text + "\n";
      if (std::holds_alternative<Stream>(e)) out += "stream\n";
      if (const auto* x = std::get_if<Exit>(&e)) out += "exit " + std::to_string(x->status) + "\n";
    }
    return out;
  }

 private:
  std::unique_ptr<Link> link_;
  std::vector<LinkEvent> events_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool woken_ = false;
};

// Reads from `fd` until the text read contains `needle` or `seconds` pass; returns all
// that was read.
inline std::string read_until(int fd, const std::string& needle, double seconds = 10) {
  std::string got;
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(static_cast<int>(seconds * 1000));
  while (got.find(needle) == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, int(left)) <= 0) continue;
    char buf[4096];
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    got.append(buf, size_t(n));
  }
  return got;
}

inline void write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n > 0) {
      done += size_t(n);
    } else {
      pollfd p{fd, POLLOUT, 0};
      poll(&p, 1, 1000);
    }
  }
}

}  // namespace cadence::ssh::testing
