// The mux end to end: scenario benchmarks through cadence-test-proxy, one invocation,
// medians over --runs rounds. Not a Google Benchmark program: each scenario is seconds
// of real processes, links and threads, and what counts are its own figures.
//
//   bench_mux [--runs N] [--only storm,ssh,flood,dispatch] [--proxy PATH] [--mux PATH]
//             [--sshd PATH] [--verbose]
//
// storm     A pane with 10,000 lines of scrollback (lines of 20-200 cells, so reflow
//           re-splits many), its history cached by the client (scrolled through once),
//           then 60 resizes over 1 s alternating 120 and 90 columns; link 50 ms each way
//           (100 ms RTT), 10 Mbit/s. Figures: bytes server->client from the first resize
//           until the link is quiet, time from the last resize to the first frame that
//           shows the server's final screen (checked cell for cell), and the simulated
//           GUI's frame cost (take the published screen, copy changed rows, present; 60
//           Hz). The same run with resize_settle_ms = 0 (strictly one resize in flight,
//           no early send of the drag's last size) and with --naive-refetch, the
//           behaviour the history epoch replaces. Targets: settle <= 150 ms (RTT + 2 frames), >=
//           20x fewer bytes than naive, GUI frame p99 <= 8 ms.
// ssh       With storm: the same storm over SSH, through a private sshd
//           (tests/tools/cadence-test-sshd) behind the same shaped link: the client's
//           stream is an ssh::Link channel running `cadence-mux --socket S --stdio`.
// flood     `cat` of a 50 MB file in a remote pane (cadence-mux as its own process) over
//           the same link. Figures: time until the client shows the end, frames
//           presented and new screens shown meanwhile (the GUI keeps presenting), when
//           the first came and the longest gap between new screens after it, the
//           server's RSS and peak, and whether the
//           final screen equals a local terminal fed the same file. Target: the server's
//           memory stays bounded (its peak does not grow with the 50 MB).
// dispatch  Loopback, no proxy, a raw peer: 300,000 PDUs pipelined (two WriteToPane to
//           a pane that discards its input per Ping); the server answers each Ping with
//           a Pong. Figures: PDUs dispatched per second (in + out), and Ping round trip
//           p50/p99 at a paced 200,000 PDUs/s and idle. Targets: >= 200,000 PDUs/s,
//           p99 < 0.5 ms.
#include <poll.h>
#include <pwd.h>

#include <cstring>
#include <map>
#include <sstream>

#include "base/log.hpp"
#include "mux/connection.hpp"
#include "mux/unix_socket.hpp"
#include "mux_bench.hpp"
#include "ssh/link.hpp"
#include "vt/terminal.hpp"

namespace cadence::mux::bench {
namespace {

constexpr int kDelayMs = 50;               // one way: 100 ms round trip
constexpr long kBytesPerSecond = 1250000;  // 10 Mbit/s

struct Paths {
  std::string proxy;
  std::string mux;
  std::string sshd = CADENCE_TEST_SSHD;  // tests/tools/cadence-test-sshd
};

// The storm's client over SSH: a private sshd (cadence-test-sshd) behind the shaped
// proxy, an ssh::Link whose remote command is `cadence-mux --socket SOCKET --stdio`, so
// the bytes go client -> socketpair -> the link's thread -> TCP through the proxy -> sshd
// -> cadence-mux --stdio -> the benchmark's own server, whose terminal can be read.
struct SshTransport {
  std::unique_ptr<Child> sshd;
  std::unique_ptr<Child> proxy;
  std::unique_ptr<ssh::Link> link;
  std::unique_ptr<MuxClient> client;
};

int port_of(const std::string& line) {
  const size_t colon = line.rfind(':');
  return colon == std::string::npos ? 0 : std::atoi(line.c_str() + colon + 1);
}

SshTransport connect_ssh(const Paths& paths, const std::string& dir, const std::string& socket,
                         ClientOptions options) {
  SshTransport t;
  t.sshd = std::make_unique<Child>(std::vector<std::string>{paths.sshd, "--dir", dir + "/sshd"});
  const int sshd_port = port_of(t.sshd->line());
  t.proxy = std::make_unique<Child>(std::vector<std::string>{
      paths.proxy, "--listen", "tcp:127.0.0.1:0", "--connect",
      "tcp:127.0.0.1:" + std::to_string(sshd_port), "--delay-ms", std::to_string(kDelayMs),
      "--bandwidth", std::to_string(kBytesPerSecond)});
  const int proxy_port = port_of(t.proxy->line());
  if (sshd_port == 0 || proxy_port == 0) {
    std::fprintf(stderr, "bench_mux: sshd (%s) or the proxy did not start\n", paths.sshd.c_str());
    std::exit(1);
  }
  ssh::Target target;
  target.name = "bench";
  target.host = "127.0.0.1";
  target.port = static_cast<uint16_t>(proxy_port);
  const passwd* pw = getpwuid(getuid());
  target.user = pw ? pw->pw_name : "root";
  target.identity_files = {dir + "/sshd/client_ed25519"};
  target.remote_mux_path = paths.mux + " --socket " + socket;
  ssh::LinkOptions lo;
  lo.known_hosts = dir + "/known_hosts";
  lo.agent_socket = "";
  lo.keyboard_interactive = false;
  lo.password = false;
  t.link = ssh::Link::start(
      target, [] {}, lo);
  int fd = -1;
  wait_for(
      [&] {
        for (ssh::LinkEvent& e : t.link->take_events()) {
          if (auto* p = std::get_if<ssh::Prompt>(&e)) t.link->answer(p->id, "yes");  // host key
          if (auto* st = std::get_if<ssh::Stream>(&e)) fd = st->fd;
          if (auto* s = std::get_if<ssh::Status>(&e); s && s->state == ssh::LinkState::failed) {
            std::fprintf(stderr, "bench_mux: ssh: %s\n", s->message.c_str());
            std::exit(1);
          }
        }
        return fd >= 0;
      },
      30);
  if (fd < 0) {
    std::fprintf(stderr, "bench_mux: no SSH stream after 30 s\n");
    std::exit(1);
  }
  Result<std::unique_ptr<MuxClient>> c = MuxClient::adopt(
      fd, [] {}, std::move(options));
  if (!c) {
    std::fprintf(stderr, "bench_mux: %s\n", c.error().message.c_str());
    std::exit(1);
  }
  t.client = std::move(c.value());
  return t;
}

// A deterministic PRNG: the same content in every run.
struct Lcg {
  uint64_t s = 0x2545f4914f6cdd1dull;
  uint64_t next() {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return s >> 33;
  }
  uint64_t below(uint64_t n) { return next() % n; }
};

// Lines of words, some coloured, `min_len`..`max_len` cells, CRLF-terminated.
std::string text_lines(size_t count, int min_len, int max_len, Lcg& rng) {
  static const char* const kWords[] = {
      "build",  "src/mux/server.cpp", "warning:",  "ok",      "the",  "delta", "0x7f3a",
      "reflow", "[42/176]",           "Compiling", "cadence", "epoch"};
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    const int len = min_len + static_cast<int>(rng.below(static_cast<uint64_t>(max_len - min_len)));
    const std::string number = std::to_string(i) + " ";
    out += number;
    int cells = static_cast<int>(number.size());
    while (cells < len) {
      const char* w = kWords[rng.below(12)];
      if (rng.below(6) == 0) {
        out += "\x1b[3" + std::to_string(1 + rng.below(6)) + "m" + w + "\x1b[m ";
      } else {
        out += w;
        out += ' ';
      }
      cells += static_cast<int>(std::strlen(w)) + 1;
    }
    out += "\r\n";
  }
  return out;
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::unique_ptr<MuxClient> connect(const std::string& socket, ClientOptions options = {}) {
  Result<std::unique_ptr<MuxClient>> c = MuxClient::connect(
      socket, [] {}, std::move(options));
  if (!c) {
    std::fprintf(stderr, "bench_mux: %s\n", c.error().message.c_str());
    std::exit(1);
  }
  return std::move(c.value());
}

// Waits until `client` has been quiet (no byte received) for `quiet_s` seconds.
void wait_quiet(MuxClient& client, double quiet_s, double limit_s) {
  uint64_t last = client.counters().bytes_received;
  uint64_t since = monotonic_ns();
  wait_for(
      [&] {
        const uint64_t now = client.counters().bytes_received;
        if (now != last) {
          last = now;
          since = monotonic_ns();
        }
        return monotonic_ns() - since > static_cast<uint64_t>(quiet_s * 1e9);
      },
      limit_s);
}

// ---- storm ----

struct StormResult {
  bool settled = false;
  double settle_ms = 0;
  double bytes = 0;
  double payload = 0;  // the same before zstd
  double frame_p99_us = 0;
  double frame_max_us = 0;
  double resizes_sent = 0;
  double history_rows = 0;
};

StormResult storm(const Paths& paths, bool naive, bool strict = false, bool over_ssh = false) {
  StormResult result;
  TempDir dir;
  const std::string socket = dir.path() + "/mux.sock";
  const std::string proxied = dir.path() + "/proxy.sock";
  const std::string file = dir.path() + "/history.txt";
  Lcg rng;
  write_file(file, text_lines(10000, 20, 200, rng));
  LocalServer server(socket, 20000);
  ClientOptions options;
  options.naive_refetch = naive;
  if (strict) options.resize_settle_ms = 0;
  std::unique_ptr<Proxy> proxy;
  SshTransport ssh_link;
  std::unique_ptr<MuxClient> owned;
  if (over_ssh) {
    ssh_link = connect_ssh(paths, dir.path(), socket, options);
  } else {
    proxy = std::make_unique<Proxy>(paths.proxy, proxied, socket, kDelayMs, kBytesPerSecond);
    if (!proxy->ok()) {
      std::fprintf(stderr, "bench_mux: cadence-test-proxy did not start (%s)\n",
                   paths.proxy.c_str());
      std::exit(1);
    }
    owned = connect(proxied, options);
  }
  std::unique_ptr<MuxClient>& client = over_ssh ? ssh_link.client : owned;
  const net::PaneId pane = spawn(*client, 40, 120, raw_cat_after(file, "filled"));
  Gui gui(*client, pane);
  if (!wait_for(
          [&] {
            auto s = client->screen(pane);
            return s && s->title == "filled";
          },
          120)) {
    std::fprintf(stderr, "bench_mux: the scrollback never arrived\n");
    return result;
  }
  // The user scrolled through the whole history once: every row is cached.
  wait_for(
      [&] {
        auto s = client->screen(pane);
        const int64_t from = std::max<int64_t>(0, s->top_stable_row - 10000);
        HistoryRows h = client->history(pane, from, static_cast<int>(s->top_stable_row - from));
        size_t have = 0;
        for (const auto& l : h.lines) have += l != nullptr;
        result.history_rows = static_cast<double>(have);
        return h.first_available >= 0 &&
               have == static_cast<size_t>(s->top_stable_row - std::max(from, h.first_available));
      },
      120);
  wait_quiet(*client, 0.5, 30);

  const uint64_t bytes0 = client->counters().bytes_received;
  const uint64_t payload0 = client->counters().payload_received;
  const uint64_t resizes0 = client->counters().resizes_sent;
  gui.record(true);
  const int widths[2] = {90, 120};
  const uint64_t t0 = monotonic_ns();
  uint64_t t_last = t0;
  for (int i = 0; i < 60; ++i) {
    sleep_until_ns(t0 + static_cast<uint64_t>(i) * 1000000000ull / 60);
    client->resize(pane, 40, widths[i % 2]);
    t_last = monotonic_ns();
  }
  const int final_cols = widths[59 % 2];
  wait_for(
      [&] {
        auto s = client->screen(pane);
        return s && s->cols == final_cols && !client->take_wait_info(pane).resize_pending;
      },
      300);
  wait_quiet(*client, 1.0, 600);
  gui.record(false);
  result.bytes = static_cast<double>(client->counters().bytes_received - bytes0);
  result.payload = static_cast<double>(client->counters().payload_received - payload0);
  result.resizes_sent = static_cast<double>(client->counters().resizes_sent - resizes0);
  std::vector<uint64_t> costs = gui.costs();
  result.frame_p99_us = static_cast<double>(percentile(costs, 99)) / 1e3;
  result.frame_max_us = static_cast<double>(percentile(costs, 100)) / 1e3;
  std::vector<Gui::Shown> shown = gui.shown();
  server->with_terminal(pane, [&](vt::Terminal& t) {
    // The final screen is the server's state after the last resize it applied: same
    // version, same cells. (Equal cells alone could be an earlier screen at the same
    // width, shown before the last resize was even sent.)
    for (const Gui::Shown& s : shown) {
      if (s.at_ns < t_last || s.screen->server_version != t.version() || !same(*s.screen, t))
        continue;
      result.settled = true;
      result.settle_ms = ms(s.at_ns - t_last);
      break;
    }
  });
  return result;
}

// ---- flood ----

struct FloodResult {
  bool equal = false;
  double seconds = 0;
  double frames = 0;
  double new_screens = 0;
  double first_ms = 0;
  double max_gap_ms = 0;
  double rss_before_mib = 0;
  double rss_after_mib = 0;
  double peak_mib = 0;
  double bytes_mib = 0;
  double deltas = 0;
};

FloodResult flood(const Paths& paths) {
  FloodResult result;
  TempDir dir;
  const std::string socket = dir.path() + "/mux.sock";
  const std::string proxied = dir.path() + "/proxy.sock";
  const std::string file = dir.path() + "/flood.txt";
  Lcg rng;
  std::string content;
  while (content.size() < (50u << 20)) content += text_lines(20000, 10, 300, rng);
  write_file(file, content);

  Child mux({paths.mux, "--socket", socket, "--scrollback", "10000"});
  if (!wait_for([&] { return access(socket.c_str(), F_OK) == 0; }, 10)) {
    std::fprintf(stderr, "bench_mux: cadence-mux did not start (%s)\n", paths.mux.c_str());
    std::exit(1);
  }
  Proxy proxy(paths.proxy, proxied, socket, kDelayMs, kBytesPerSecond);
  std::unique_ptr<MuxClient> client = connect(proxied);
  const std::string script = "stty raw -echo; read x; cat '" + file +
                             "'; printf '\\033]2;flood-done\\007'; exec sleep 100000";
  const net::PaneId pane = spawn(*client, 40, 120, {"sh", "-c", script});
  Gui gui(*client, pane);
  wait_for([&] { return client->screen(pane) != nullptr; }, 30);
  wait_quiet(*client, 0.3, 10);
  result.rss_before_mib = static_cast<double>(memory_kib(mux.pid()).second) / 1024;
  const uint64_t bytes0 = client->counters().bytes_received;
  const uint64_t deltas0 = client->counters().deltas;

  gui.record(true);
  const uint64_t t0 = monotonic_ns();
  client->write(pane, "\n");
  std::shared_ptr<const RemoteScreen> last;
  wait_for(
      [&] {
        last = client->screen(pane);
        return last && last->title == "flood-done";
      },
      600);
  const uint64_t t1 = monotonic_ns();
  gui.record(false);
  result.seconds = static_cast<double>(t1 - t0) / 1e9;
  result.frames = static_cast<double>(gui.frames());
  std::vector<Gui::Shown> shown = gui.shown();
  result.new_screens = static_cast<double>(shown.size());
  // The first new screen comes a round trip after the go; from then on, the gaps say
  // how smoothly the flood is shown.
  if (!shown.empty()) result.first_ms = ms(shown.front().at_ns - t0);
  for (size_t i = 1; i < shown.size(); ++i)
    result.max_gap_ms = std::max(result.max_gap_ms, ms(shown[i].at_ns - shown[i - 1].at_ns));
  const auto [peak, rss] = memory_kib(mux.pid());
  result.peak_mib = static_cast<double>(peak) / 1024;
  result.rss_after_mib = static_cast<double>(rss) / 1024;
  result.bytes_mib = static_cast<double>(client->counters().bytes_received - bytes0) / (1 << 20);
  result.deltas = static_cast<double>(client->counters().deltas - deltas0);

  // The same bytes through a local terminal of the same size.
  vt::Terminal::Options o;
  o.rows = 40;
  o.cols = 120;
  o.scrollback_lines = 10000;
  vt::Terminal local(o);
  for (size_t at = 0; at < content.size(); at += 1 << 16)
    local.feed(std::string_view(content).substr(at, 1 << 16));
  local.feed("\x1b]2;flood-done\x07");
  result.equal = last && same(*last, local);
  return result;
}

// ---- dispatch ----

// A peer that speaks the protocol by hand, on the caller's thread.
class RawPeer {
 public:
  explicit RawPeer(const std::string& socket) {
    Result<int> fd = connect_unix(socket);
    if (!fd) {
      std::fprintf(stderr, "bench_mux: %s\n", fd.error().message.c_str());
      std::exit(1);
    }
    conn_ = std::make_unique<Connection>(fd.value());
  }
  template <typename T>
  void send(const T& pdu) {
    (void)conn_->send(pdu);
  }
  size_t pending() const { return conn_->pending(); }
  // Writes what the socket takes and hands every frame that arrived to f.
  template <typename F>
  void pump(int timeout_ms, F&& f) {
    pump_ns(timeout_ms < 0 ? -1 : static_cast<int64_t>(timeout_ms) * 1000000, f);
  }
  template <typename F>
  void pump_ns(int64_t timeout_ns, F&& f) {
    pollfd p{conn_->fd(), static_cast<short>(POLLIN | (conn_->pending() ? POLLOUT : 0)), 0};
    timespec ts{static_cast<time_t>(timeout_ns / 1000000000),
                static_cast<long>(timeout_ns % 1000000000)};
    if (ppoll(&p, 1, timeout_ns < 0 ? nullptr : &ts, nullptr) <= 0) return;
    if (p.revents & POLLOUT) (void)conn_->flush();
    if (!(p.revents & POLLIN)) return;
    for (int k = 0; k < 64; ++k) {
      Result<Connection::ReadStatus> st = conn_->read(1 << 16);
      if (!st || st->bytes == 0) return;
      for (;;) {
        Result<std::optional<net::Frame>> frame = conn_->next();
        if (!frame || !frame.value()) break;
        f(*frame.value());
      }
      if (!st->more) return;
    }
  }

 private:
  std::unique_ptr<Connection> conn_;
};

struct DispatchResult {
  double pdus_per_s = 0;
  double loaded_p50_us = 0, loaded_p99_us = 0;
  double idle_p50_us = 0, idle_p99_us = 0;
};

DispatchResult dispatch() {
  DispatchResult result;
  TempDir dir;
  const std::string socket = dir.path() + "/mux.sock";
  LocalServer server(socket, 1000);
  RawPeer peer(socket);
  peer.send(net::Hello{net::kProtocolVersion, 0, "bench"});
  peer.send(net::Spawn{1, 0, 24, 80, {}, {"sh", "-c", "stty raw -echo; exec cat >/dev/null"}, {}});
  net::PaneId pane = 0;
  wait_for(
      [&] {
        peer.pump(10, [&](net::Frame& f) {
          if (auto* s = std::get_if<net::Spawned>(&f.pdu)) pane = s->pane;
        });
        return pane != 0;
      },
      10);
  std::vector<uint64_t> rtts;
  uint64_t pongs = 0;
  auto on_frame = [&](net::Frame& f) {
    if (auto* p = std::get_if<net::Pong>(&f.pdu)) {
      ++pongs;
      rtts.push_back(monotonic_ns() - p->echoed_ns);
    }
  };

  // Throughput: everything pipelined.
  constexpr uint64_t kPdus = 300000;
  const uint64_t t0 = monotonic_ns();
  for (uint64_t i = 0; i < kPdus;) {
    for (int k = 0; k < 256 && i < kPdus; ++k, ++i) {
      if (i % 3 == 2) {
        peer.send(net::Ping{monotonic_ns(), 0});
      } else {
        peer.send(net::WriteToPane{pane, "x"});
      }
    }
    peer.pump(0, on_frame);
  }
  wait_for(
      [&] {
        peer.pump(5, on_frame);
        return pongs == kPdus / 3;
      },
      60);
  const double seconds = static_cast<double>(monotonic_ns() - t0) / 1e9;
  result.pdus_per_s = static_cast<double>(kPdus + pongs) / seconds;

  // Latency at a paced 200,000 PDUs/s for one second: 200 PDUs a millisecond, two of
  // them Pings.
  rtts.clear();
  pongs = 0;
  const uint64_t start = monotonic_ns();
  for (int ms_i = 0; ms_i < 1000; ++ms_i) {
    for (int k = 0; k < 200; ++k) {
      if (k % 100 == 0) {
        peer.send(net::Ping{monotonic_ns(), 0});
      } else {
        peer.send(net::WriteToPane{pane, "x"});
      }
    }
    // Sleep in poll until the next millisecond, not in a spin: a busy client would take
    // a CPU from the server on this two-CPU machine and measure that instead.
    const uint64_t until = start + static_cast<uint64_t>(ms_i + 1) * 1000000;
    for (uint64_t now = monotonic_ns(); now < until; now = monotonic_ns())
      peer.pump_ns(static_cast<int64_t>(until - now), on_frame);
  }
  wait_for(
      [&] {
        peer.pump(5, on_frame);
        return pongs == 2000;
      },
      30);
  result.loaded_p50_us = static_cast<double>(percentile(rtts, 50)) / 1e3;
  result.loaded_p99_us = static_cast<double>(percentile(rtts, 99)) / 1e3;

  // Idle: one Ping at a time.
  rtts.clear();
  for (int i = 0; i < 2000; ++i) {
    pongs = 0;
    peer.send(net::Ping{monotonic_ns(), 0});
    while (pongs == 0) peer.pump(100, on_frame);
  }
  result.idle_p50_us = static_cast<double>(percentile(rtts, 50)) / 1e3;
  result.idle_p99_us = static_cast<double>(percentile(rtts, 99)) / 1e3;
  return result;
}

// ---- main ----

std::string beside_exe(const std::string& relative) {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return relative;
  std::string exe(buf, static_cast<size_t>(n));
  return exe.substr(0, exe.rfind('/')) + "/" + relative;
}

template <typename T, typename F>
double med(const std::vector<T>& runs, F field) {
  std::vector<double> v;
  for (const T& r : runs) v.push_back(field(r));
  return median(v);
}

}  // namespace
}  // namespace cadence::mux::bench

int main(int argc, char** argv) {
  using namespace cadence::mux::bench;
  cadence::log::configure("warn");
  int runs = 3;
  bool verbose = false;
  std::string only = "storm,flood,dispatch";
  Paths paths{beside_exe("../tests/tools/cadence-test-proxy"),
              beside_exe("../src/app/cadence-mux")};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--verbose") {
      verbose = true;
      continue;
    }
    if (i + 1 >= argc) break;
    if (a == "--runs")
      runs = std::max(1, std::atoi(argv[++i]));
    else if (a == "--only")
      only = argv[++i];
    else if (a == "--proxy")
      paths.proxy = argv[++i];
    else if (a == "--mux")
      paths.mux = argv[++i];
    else if (a == "--sshd")
      paths.sshd = argv[++i];
  }
  signal(SIGPIPE, SIG_IGN);
  setenv("CADENCE_LOG", "warn", 1);  // the cadence-mux this starts
  std::printf("bench_mux: %d run(s), medians; link %d ms each way, %.0f Mbit/s\n\n", runs, kDelayMs,
              kBytesPerSecond * 8 / 1e6);

  if (only.find("storm") != std::string::npos) {
    const bool with_ssh = only.find("ssh") != std::string::npos;
    std::vector<StormResult> smart, strict, naive, over_ssh, over_ssh_naive;
    for (int i = 0; i < runs; ++i) {
      smart.push_back(storm(paths, false));
      strict.push_back(storm(paths, false, true));
      naive.push_back(storm(paths, true));
      if (with_ssh) {
        over_ssh.push_back(storm(paths, false, false, true));
        over_ssh_naive.push_back(storm(paths, true, false, true));
      }
      if (verbose) {
        std::printf(
            "run %d: settle %.0f / %.0f / %.0f ms, bytes %.0f / %.0f, resizes %.0f / %.0f / "
            "%.0f\n",
            i + 1, smart.back().settle_ms, strict.back().settle_ms, naive.back().settle_ms,
            smart.back().bytes, naive.back().bytes, smart.back().resizes_sent,
            strict.back().resizes_sent, naive.back().resizes_sent);
      }
    }
    std::printf(
        "| resize storm | settle [ms] | bytes server->client | before zstd | GUI frame p99 [us] "
        "| GUI frame max [us] | resizes sent | settled runs |\n");
    std::printf("|---|---|---|---|---|---|---|---|\n");
    for (auto* set : {&smart, &strict, &naive, &over_ssh, &over_ssh_naive}) {
      if (set->empty()) continue;
      int settled = 0;
      for (const StormResult& r : *set) settled += r.settled;
      std::printf("| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %d/%d |\n",
                  set == &smart      ? "epoch (default)"
                  : set == &strict   ? "epoch, resize_settle_ms = 0"
                  : set == &naive    ? "--naive-refetch"
                  : set == &over_ssh ? "over SSH: epoch (default)"
                                     : "over SSH: --naive-refetch",
                  med(*set, [](const StormResult& r) { return r.settle_ms; }),
                  med(*set, [](const StormResult& r) { return r.bytes; }),
                  med(*set, [](const StormResult& r) { return r.payload; }),
                  med(*set, [](const StormResult& r) { return r.frame_p99_us; }),
                  med(*set, [](const StormResult& r) { return r.frame_max_us; }),
                  med(*set, [](const StormResult& r) { return r.resizes_sent; }), settled, runs);
    }
    const double ratio = med(naive, [](const StormResult& r) { return r.bytes; }) /
                         std::max(1.0, med(smart, [](const StormResult& r) { return r.bytes; }));
    std::printf("\nnaive / epoch bytes: %.1fx (history rows cached before the storm: %.0f)\n\n",
                ratio, med(smart, [](const StormResult& r) { return r.history_rows; }));
  }
  if (only.find("flood") != std::string::npos) {
    std::vector<FloodResult> v;
    for (int i = 0; i < runs; ++i) v.push_back(flood(paths));
    int equal = 0;
    for (const FloodResult& r : v) equal += r.equal;
    std::printf(
        "| flood 50 MB | time to last screen [s] | frames presented | new screens | first after "
        "[ms] | longest gap after [ms] | deltas | MiB server->client | server RSS before/after "
        "[MiB] | server peak [MiB] | final screen = local |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
    std::printf(
        "| cat | %.2f | %.0f | %.0f | %.0f | %.0f | %.0f | %.2f | %.1f / %.1f | %.1f | %d/%d |\n\n",
        med(v, [](const FloodResult& r) { return r.seconds; }),
        med(v, [](const FloodResult& r) { return r.frames; }),
        med(v, [](const FloodResult& r) { return r.new_screens; }),
        med(v, [](const FloodResult& r) { return r.first_ms; }),
        med(v, [](const FloodResult& r) { return r.max_gap_ms; }),
        med(v, [](const FloodResult& r) { return r.deltas; }),
        med(v, [](const FloodResult& r) { return r.bytes_mib; }),
        med(v, [](const FloodResult& r) { return r.rss_before_mib; }),
        med(v, [](const FloodResult& r) { return r.rss_after_mib; }),
        med(v, [](const FloodResult& r) { return r.peak_mib; }), equal, runs);
  }
  if (only.find("dispatch") != std::string::npos) {
    std::vector<DispatchResult> v;
    for (int i = 0; i < runs; ++i) v.push_back(dispatch());
    std::printf(
        "| dispatch (loopback) | PDUs/s (in + out) | RTT p50 / p99 at 200k PDUs/s [us] | RTT p50 / "
        "p99 idle [us] |\n");
    std::printf("|---|---|---|---|\n");
    std::printf("| WriteToPane + Ping/Pong | %.0f | %.0f / %.0f | %.0f / %.0f |\n",
                med(v, [](const DispatchResult& r) { return r.pdus_per_s; }),
                med(v, [](const DispatchResult& r) { return r.loaded_p50_us; }),
                med(v, [](const DispatchResult& r) { return r.loaded_p99_us; }),
                med(v, [](const DispatchResult& r) { return r.idle_p50_us; }),
                med(v, [](const DispatchResult& r) { return r.idle_p99_us; }));
  }
  return 0;
}
