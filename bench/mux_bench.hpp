// Pieces the mux scenario benchmarks (bench_mux.cpp) are built from: scratch
// directories, cadence-test-proxy and cadence-mux as child processes, a server in this
// process, a simulated GUI thread, percentiles and the screen comparison.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.hpp"
#include "mux/client.hpp"
#include "mux/server.hpp"

namespace cadence::mux::bench {

inline double ms(uint64_t ns) { return static_cast<double>(ns) / 1e6; }

// Nearest-rank percentile (p in 0..100) of unsorted samples; 0 for none.
inline uint64_t percentile(std::vector<uint64_t> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(p / 100.0 * static_cast<double>(v.size()) + 0.999999);
  return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

template <typename F>
bool wait_for(F done, double seconds) {
  const uint64_t deadline = monotonic_ns() + static_cast<uint64_t>(seconds * 1e9);
  while (monotonic_ns() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return done();
}

inline void sleep_until_ns(uint64_t t) {
  const uint64_t now = monotonic_ns();
  if (t > now) std::this_thread::sleep_for(std::chrono::nanoseconds(t - now));
}

class TempDir {
 public:
  TempDir() {
    char templ[] = "/tmp/cadence-bench-mux-XXXXXX";
    path_ = mkdtemp(templ);
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A child process with a pipe to its stdin and one from its stdout.
class Child {
 public:
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
    in_ = fdopen(in[1], "w");
    out_ = fdopen(out[0], "r");
  }
  ~Child() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    if (in_) std::fclose(in_);
    if (out_) std::fclose(out_);
  }
  pid_t pid() const { return pid_; }
  void say(const std::string& line) {
    std::fprintf(in_, "%s\n", line.c_str());
    std::fflush(in_);
  }
  std::string line() {
    char buf[512];
    return std::fgets(buf, sizeof buf, out_) ? std::string(buf) : std::string();
  }

 private:
  pid_t pid_ = -1;
  FILE* in_ = nullptr;
  FILE* out_ = nullptr;
};

// cadence-test-proxy with a one-way delay and a bandwidth (bytes/s) in each direction.
class Proxy {
 public:
  Proxy(const std::string& exe, const std::string& listen, const std::string& target, int delay_ms,
        long bytes_per_second)
      : child_({exe, "--listen", "unix:" + listen, "--connect", "unix:" + target, "--delay-ms",
                std::to_string(delay_ms), "--bandwidth", std::to_string(bytes_per_second)}) {
    ok_ = child_.line().rfind("listening", 0) == 0;
  }
  bool ok() const { return ok_; }

 private:
  Child child_;
  bool ok_ = false;
};

// The server on a thread of this process (so a benchmark can read its terminals).
class LocalServer {
 public:
  LocalServer(const std::string& socket, size_t scrollback) {
    ServerOptions o;
    o.socket_path = socket;
    o.session.scrollback_lines = scrollback;
    o.session.env = {"TERM=xterm-256color"};
    Result<std::unique_ptr<MuxServer>> s = MuxServer::create(std::move(o));
    if (!s) {
      std::fprintf(stderr, "bench_mux: %s\n", s.error().message.c_str());
      std::exit(1);
    }
    server_ = std::move(s.value());
    thread_ = std::thread([this] { (void)server_->run(); });
  }
  ~LocalServer() {
    server_->stop();
    thread_.join();
  }
  MuxServer& operator*() { return *server_; }
  MuxServer* operator->() { return server_.get(); }

 private:
  std::unique_ptr<MuxServer> server_;
  std::thread thread_;
};

// A pane's program that passes bytes through raw, after printing FILE if given.
inline std::vector<std::string> raw_cat_after(const std::string& file, const std::string& title) {
  std::string script = "stty raw -echo; ";
  if (!file.empty()) script += "cat '" + file + "'; ";
  script += "printf '\\033]2;" + title + "\\007'; exec cat";
  return {"sh", "-c", script};
}

inline net::PaneId spawn(MuxClient& client, int rows, int cols, std::vector<std::string> argv) {
  const uint64_t id = client.spawn(0, rows, cols, {}, std::move(argv));
  net::PaneId pane = 0;
  wait_for(
      [&] {
        for (ClientEvent& e : client.take_events())
          if (auto* s = std::get_if<net::Spawned>(&e); s && s->request_id == id) pane = s->pane;
        return pane != 0;
      },
      30);
  return pane;
}

// What the window does each frame, on its own thread at `hz`: take the latest screen,
// copy the rows whose (stable_row, version) changed (resolving styles, as the view
// does), present. Frame cost is that work; new screens are kept while recording.
class Gui {
 public:
  struct Shown {
    uint64_t at_ns;
    std::shared_ptr<const RemoteScreen> screen;
  };

  Gui(MuxClient& client, net::PaneId pane, int hz = 60)
      : client_(client), pane_(pane), period_ns_(1000000000ull / static_cast<uint64_t>(hz)) {
    thread_ = std::thread([this] { run(); });
  }
  ~Gui() {
    stop_.store(true);
    thread_.join();
  }
  // Frames from now on are timed and new screens kept.
  void record(bool on) {
    std::lock_guard<std::mutex> guard(mutex_);
    recording_ = on;
    if (on) {
      costs_.clear();
      shown_.clear();
      frames_ = 0;
    }
  }
  std::vector<uint64_t> costs() {
    std::lock_guard<std::mutex> guard(mutex_);
    return costs_;
  }
  std::vector<Shown> shown() {
    std::lock_guard<std::mutex> guard(mutex_);
    return shown_;
  }
  uint64_t frames() {
    std::lock_guard<std::mutex> guard(mutex_);
    return frames_;
  }

 private:
  struct Row {
    int64_t stable = -1;
    uint64_t version = 0;
    std::vector<uint64_t> cells;  // fg, bg and code point folded: what the view would store
  };

  void run() {
    uint64_t next = monotonic_ns();
    uint64_t last_version = 0;
    while (!stop_.load()) {
      next += period_ns_;
      sleep_until_ns(next);
      const uint64_t start = monotonic_ns();
      std::shared_ptr<const RemoteScreen> s = client_.screen(pane_);
      const bool fresh = s && s->version != last_version;
      if (fresh) {
        last_version = s->version;
        rows_.resize(s->lines.size());
        for (size_t r = 0; r < s->lines.size(); ++r) {
          const RemoteScreen::Line& line = s->lines[r];
          Row& row = rows_[r];
          if (row.stable == line.stable_row && row.version == line.version) continue;
          row.stable = line.stable_row;
          row.version = line.version;
          row.cells.resize(line.cells.size());
          for (size_t c = 0; c < line.cells.size(); ++c) {
            const vt::Style& st = s->style(line.cells[c].style);
            row.cells[c] = (uint64_t{st.fg.bits() ^ st.bg.bits()} << 32) | line.cells[c].cp;
          }
        }
      }
      const uint64_t cost = monotonic_ns() - start;
      client_.presented();
      std::lock_guard<std::mutex> guard(mutex_);
      if (!recording_) continue;
      ++frames_;
      costs_.push_back(cost);
      if (fresh) shown_.push_back(Shown{start, s});
    }
  }

  MuxClient& client_;
  net::PaneId pane_;
  uint64_t period_ns_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::vector<Row> rows_;
  std::mutex mutex_;
  bool recording_ = false;
  std::vector<uint64_t> costs_;
  std::vector<Shown> shown_;
  uint64_t frames_ = 0;
};

// Cell-by-cell equality of a remote screen with a terminal (code points, clusters,
// widths, styles, stable rows).
inline bool same(const RemoteScreen& s, const vt::Terminal& t) {
  if (s.rows != t.rows() || s.cols != t.cols()) return false;
  for (int r = 0; r < t.rows(); ++r) {
    const vt::Line& line = t.line(Row(r));
    const RemoteScreen::Line& rl = s.lines[static_cast<size_t>(r)];
    if (rl.stable_row != t.stable_row(Row(r)).get()) return false;
    for (int c = 0; c < t.cols(); ++c) {
      const vt::Cell& want = line.cells[static_cast<size_t>(c)];
      const RemoteScreen::Cell& got = rl.cells[static_cast<size_t>(c)];
      if (want.width != got.width || !(t.style(want.style) == s.style(got.style))) return false;
      if (want.is_cluster()) {
        const std::u32string& cps = t.cluster(want.cp);
        if (got.cluster == 0 || rl.clusters[got.cluster - 1] != cps) return false;
      } else if (want.cp != got.cp) {
        return false;
      }
    }
  }
  return true;
}

// VmHWM and VmRSS of a process, in KiB.
inline std::pair<long, long> memory_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  long hwm = 0, rss = 0;
  while (in >> key) {
    if (key == "VmHWM:") in >> hwm;
    if (key == "VmRSS:") in >> rss;
  }
  return {hwm, rss};
}

}  // namespace cadence::mux::bench
