// What the mux end-to-end tests share: a server in this process on a socket in a fresh
// directory, clients that present like a GUI, cadence-test-proxy between them when a
// test wants a slow link, and the cell-by-cell comparison of a client's screen with the
// server's terminal.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mux/client.hpp"
#include "mux/server.hpp"
#include "ui/mouse_encoder.hpp"
#include "ui/paste.hpp"

namespace cadence::mux::testing {

// A program that passes bytes through unchanged: what the tests write comes back as
// output, escape sequences included ("ready" says the pty is raw).
inline std::vector<std::string> raw_cat() {
  return {"sh", "-c", "stty raw -echo; printf ready; exec cat"};
}

// Polls `done` until it holds or `seconds` pass.
template <typename F>
bool eventually(F done, double seconds = 10) {
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(static_cast<int>(seconds * 1000));
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return done();
}

// A scratch directory removed with everything in it.
class TempDir {
 public:
  TempDir() {
    char templ[] = "/tmp/cadence-mux-test-XXXXXX";
    path_ = mkdtemp(templ);
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The server on its own thread.
class ServerThread {
 public:
  explicit ServerThread(const std::string& socket, size_t scrollback = 2000) {
    ServerOptions o;
    o.socket_path = socket;
    o.session.scrollback_lines = scrollback;
    o.session.env = {"TERM=xterm-256color"};
    o.input.paste = [](std::string_view text, bool bracketed) {
      return ui::prepare_paste(text, bracketed);
    };
    o.input.focus = [](bool focused, const vt::Modes& modes) {
      return ui::encode_focus(focused, modes);
    };
    Result<std::unique_ptr<MuxServer>> s = MuxServer::create(std::move(o));
    if (!s) {
      ADD_FAILURE() << s.error().message;
      return;
    }
    server_ = std::move(s.value());
    thread_ = std::thread([this] { (void)server_->run(); });
  }
  ~ServerThread() {
    if (!server_) return;
    server_->stop();
    thread_.join();
  }
  MuxServer& operator*() { return *server_; }
  MuxServer* operator->() { return server_.get(); }

 private:
  std::unique_ptr<MuxServer> server_;
  std::thread thread_;
};

// cadence-test-proxy between a socket it listens on and the server's.
class Proxy {
 public:
  Proxy(const std::string& listen, const std::string& target, int delay_ms) {
    const char* exe = std::getenv("CADENCE_TEST_PROXY");
    if (!exe || !*exe) {
      ADD_FAILURE() << "CADENCE_TEST_PROXY is not set (meson test sets it to cadence-test-proxy)";
      return;
    }
    int in[2], out[2];
    if (pipe(in) < 0 || pipe(out) < 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      close(in[1]);
      close(out[0]);
      const std::string delay = std::to_string(delay_ms);
      execl(exe, exe, "--listen", ("unix:" + listen).c_str(), "--connect",
            ("unix:" + target).c_str(), "--delay-ms", delay.c_str(), nullptr);
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    commands_ = fdopen(in[1], "w");
    output_ = fdopen(out[0], "r");
    char line[256];
    ready_ = std::fgets(line, sizeof line, output_) && std::string(line).rfind("listening", 0) == 0;
    if (!ready_) ADD_FAILURE() << "cadence-test-proxy did not start";
  }
  ~Proxy() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    if (commands_) std::fclose(commands_);
    if (output_) std::fclose(output_);
  }
  bool ready() const { return ready_; }
  void command(const std::string& line) {
    std::fprintf(commands_, "%s\n", line.c_str());
    std::fflush(commands_);
  }

 private:
  pid_t pid_ = -1;
  FILE* commands_ = nullptr;
  FILE* output_ = nullptr;
  bool ready_ = false;
};

// A client with a GUI's habits: it takes what was published and returns credit.
struct TestClient {
  std::unique_ptr<MuxClient> client;

  explicit TestClient(const std::string& socket, ClientOptions options = {}) {
    Result<std::unique_ptr<MuxClient>> c = MuxClient::connect(
        socket, [] {}, std::move(options));
    if (!c) {
      ADD_FAILURE() << c.error().message;
      return;
    }
    client = std::move(c.value());
  }
  MuxClient* operator->() { return client.get(); }

  // Events so far, kept until a test looks at them.
  std::vector<ClientEvent> backlog;
  std::vector<ClientEvent>& events() {
    for (ClientEvent& e : client->take_events()) backlog.push_back(std::move(e));
    return backlog;
  }
  // The pane a Spawn or Split request made, once its answer came (0 after 10 s).
  net::PaneId answer(uint64_t request) {
    net::PaneId pane = 0;
    eventually([&] {
      for (ClientEvent& e : events())
        if (auto* s = std::get_if<net::Spawned>(&e); s && s->request_id == request) pane = s->pane;
      return pane != 0;
    });
    return pane;
  }

  // Spawns a pane in a new window and waits for its Spawned answer.
  net::PaneId spawn(int rows, int cols, std::vector<std::string> argv) {
    return answer(client->spawn(0, rows, cols, {}, std::move(argv)));
  }

  // A raw_cat() pane, once the pty is raw: bytes written before that would be echoed
  // and cooked by the line discipline.
  net::PaneId spawn_raw(int rows, int cols) {
    const net::PaneId pane = spawn(rows, cols, raw_cat());
    const bool ready = eventually([&] {
      std::shared_ptr<const RemoteScreen> s = screen(pane);
      if (!s || s->lines.empty() || s->cols < 5) return false;
      std::string text;
      for (int c = 0; c < 5; ++c) text += static_cast<char>(s->lines[0].cells[c].cp);
      return text == "ready";
    });
    if (!ready) ADD_FAILURE() << "pane " << pane << " never said ready";
    return pane;
  }

  std::shared_ptr<const RemoteScreen> screen(net::PaneId pane) {
    client->presented();
    return client->screen(pane);
  }
};

// Cell-by-cell equality of what a client shows with the server's terminal; an empty
// string when equal, else the first difference.
inline std::string compare(const RemoteScreen& s, const vt::Terminal& t) {
  auto where = [](int r, int c) {
    return "row " + std::to_string(r) + " col " + std::to_string(c);
  };
  if (s.rows != t.rows() || s.cols != t.cols())
    return "size " + std::to_string(s.rows) + "x" + std::to_string(s.cols) + " vs " +
           std::to_string(t.rows()) + "x" + std::to_string(t.cols());
  if (s.top_stable_row != t.stable_row(Row(0)).get()) return "top stable row differs";
  if (s.cursor.row != t.cursor().row || s.cursor.col != std::min(t.cursor().col, t.cols() - 1))
    return "cursor differs";
  if (s.cursor.visible != t.modes().cursor_visible) return "cursor visibility differs";
  for (int r = 0; r < t.rows(); ++r) {
    const vt::Line& line = t.line(Row(r));
    const RemoteScreen::Line& rl = s.lines[static_cast<size_t>(r)];
    if (rl.stable_row != t.stable_row(Row(r)).get())
      return "stable row of row " + std::to_string(r);
    for (int c = 0; c < t.cols(); ++c) {
      const vt::Cell& want = line.cells[static_cast<size_t>(c)];
      const RemoteScreen::Cell& got = rl.cells[static_cast<size_t>(c)];
      if (want.width != got.width) return where(r, c) + ": width";
      if (!(t.style(want.style) == s.style(got.style))) return where(r, c) + ": style";
      if (want.is_cluster()) {
        const std::u32string& cps = t.cluster(want.cp);
        std::u32string have(1, got.cp);
        if (got.cluster) have = rl.clusters[got.cluster - 1];
        if (cps != have) return where(r, c) + ": cluster";
      } else if (want.cp != got.cp || got.cluster != 0) {
        return where(r, c) + ": code point " + std::to_string(want.cp) + " vs " +
               std::to_string(got.cp);
      }
    }
  }
  return {};
}

// Waits until the client shows the server's terminal as it is once everything written
// to the pane so far went through it, and returns compare()'s verdict. The pane runs
// raw_cat(), so a title written after the rest comes back after it: once the server's
// terminal has that title, it has parsed everything before it.
inline std::string sync(MuxServer& server, TestClient& client, net::PaneId pane,
                        double seconds = 20) {
  static int round = 0;
  const std::string marker = "sync-" + std::to_string(++round);
  client->write(pane, "\x1b]2;" + marker + "\x07");
  std::string verdict = "never synced";
  eventually(
      [&] {
        std::shared_ptr<const RemoteScreen> s = client.screen(pane);
        if (!s || s->title != marker) return false;
        bool done = false;
        server.with_terminal(pane, [&](vt::Terminal& t) {
          if (s->server_version != t.version()) return;
          verdict = compare(*s, t);
          done = true;
        });
        return done;
      },
      seconds);
  return verdict;
}

}  // namespace cadence::mux::testing
