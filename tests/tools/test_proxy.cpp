// cadence-test-proxy: a userspace link simulator for the remote mux tests and
// benchmarks, since the kernel here has no netem.
//
//   cadence-test-proxy --listen ADDR --connect ADDR [--delay-ms N] [--bandwidth BYTES_PER_S]
//                      [--burst BYTES]
//   ADDR is unix:PATH or tcp:HOST:PORT (HOST numeric or localhost; port 0 picks one).
//
// Every accepted connection is forwarded to the target. Each direction is a queue of
// chunks stamped with the time they may leave (read time + delay, never earlier than the
// chunk before, so a delay lowered at run time cannot reorder bytes) and drained through
// a token bucket of `bandwidth` bytes/s holding at most `burst` bytes (default 20 ms
// worth). A direction stops reading while 8 MiB wait in its queue, so a fast sender is
// slowed to the link instead of filling memory. One thread, one epoll set, and a timerfd
// armed for the next chunk due or the next moment the bucket has enough tokens.
//
// Once listening it prints "listening ADDR" (with the real port) on stdout. Commands on
// stdin, one per line:
//   delay MS | bandwidth BPS (0: unlimited) | burst BYTES
//   cut       close every connection now
//   refuse    accept new connections and close them at once; restore: accept again
//   stats     print "stats up=N down=N connections=N" (bytes delivered client→server,
//             server→client, connections accepted)
//   quit
// SIGUSR1 prints the stats too; SIGTERM, SIGINT and quit print them and exit 0. The end
// of stdin is not a command: the proxy keeps running (benchmarks start it detached).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace {

constexpr size_t kReadSize = 64 * 1024;
constexpr size_t kMaxQueued = 8u << 20;

uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "cadence-test-proxy: %s: %s\n", what.c_str(), std::strerror(errno));
  std::exit(1);
}

struct Address {
  sockaddr_storage storage{};
  socklen_t length = 0;
  bool unix_path = false;
  std::string text;
};

Address parse_address(const std::string& spec) {
  Address a;
  a.text = spec;
  if (spec.rfind("unix:", 0) == 0) {
    auto* un = reinterpret_cast<sockaddr_un*>(&a.storage);
    std::string path = spec.substr(5);
    if (path.empty() || path.size() >= sizeof(un->sun_path)) {
      std::fprintf(stderr, "cadence-test-proxy: bad unix path in %s\n", spec.c_str());
      std::exit(2);
    }
    un->sun_family = AF_UNIX;
    std::memcpy(un->sun_path, path.c_str(), path.size() + 1);
    a.length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
    a.unix_path = true;
    return a;
  }
  if (spec.rfind("tcp:", 0) == 0) {
    std::string rest = spec.substr(4);
    size_t colon = rest.rfind(':');
    if (colon != std::string::npos) {
      std::string host = rest.substr(0, colon);
      if (host == "localhost") host = "127.0.0.1";
      if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
      int port = std::atoi(rest.c_str() + colon + 1);
      auto* v4 = reinterpret_cast<sockaddr_in*>(&a.storage);
      auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.storage);
      if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(static_cast<uint16_t>(port));
        a.length = sizeof(sockaddr_in);
        return a;
      }
      if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(static_cast<uint16_t>(port));
        a.length = sizeof(sockaddr_in6);
        return a;
      }
    }
  }
  std::fprintf(stderr, "cadence-test-proxy: address must be unix:PATH or tcp:HOST:PORT: %s\n",
               spec.c_str());
  std::exit(2);
}

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

struct Chunk {
  uint64_t due_ns = 0;
  std::string data;  // empty with eof: the sender shut down its side
  size_t sent = 0;
  bool eof = false;
};

struct Direction {
  int from = -1, to = -1;
  std::deque<Chunk> queue;
  size_t queued = 0;
  bool read_eof = false;
  bool shut = false;        // the EOF was passed on
  bool want_write = false;  // the last send would have blocked
  uint64_t* delivered = nullptr;
  double tokens = 0;  // this direction's bucket
  uint64_t refilled_ns = 0;
};

struct Conn {
  int client = -1, server = -1;
  Direction up, down;                             // client→server, server→client
  uint32_t client_events = 0, server_events = 0;  // what epoll has; 0: not registered
  bool closed = false;
};

class Proxy {
 public:
  Proxy(Address listen_at, Address target) : target_(std::move(target)) {
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    timer_ = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    sigset_t mask;
    sigemptyset(&mask);
    for (int s : {SIGTERM, SIGINT, SIGUSR1}) sigaddset(&mask, s);
    sigprocmask(SIG_BLOCK, &mask, nullptr);
    signal(SIGPIPE, SIG_IGN);
    signals_ = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    listen_ = socket(listen_at.storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (listen_ < 0) die("socket");
    int one = 1;
    setsockopt(listen_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (listen_at.unix_path) unlink(reinterpret_cast<sockaddr_un*>(&listen_at.storage)->sun_path);
    if (bind(listen_, reinterpret_cast<sockaddr*>(&listen_at.storage), listen_at.length) < 0)
      die("bind " + listen_at.text);
    if (listen(listen_, 64) < 0) die("listen");
    std::string shown = listen_at.text;
    if (!listen_at.unix_path) {
      sockaddr_storage bound{};
      socklen_t len = sizeof bound;
      getsockname(listen_, reinterpret_cast<sockaddr*>(&bound), &len);
      uint16_t port = bound.ss_family == AF_INET
                          ? ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port)
                          : ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
      shown = shown.substr(0, shown.rfind(':') + 1) + std::to_string(port);
    }
    add(listen_, EPOLLIN);
    add(STDIN_FILENO, EPOLLIN);
    add(signals_, EPOLLIN);
    add(timer_, EPOLLIN);
    std::printf("listening %s\n", shown.c_str());
    std::fflush(stdout);
  }

  uint64_t delay_ns = 0;
  double rate = 0;  // bytes/s, 0: unlimited
  double burst = 0;

  void run() {
    epoll_event events[64];
    while (!quit_) {
      int n = epoll_wait(epoll_, events, 64, -1);
      if (n < 0 && errno != EINTR) die("epoll_wait");
      for (int i = 0; i < n; ++i) dispatch(events[i].data.fd, events[i].events);
      pump_all();
    }
    print_stats();
  }

 private:
  void add(int fd, uint32_t events) {
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = fd;
    if (epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
  }

  void print_stats() {
    std::printf("stats up=%llu down=%llu connections=%llu\n", (unsigned long long)up_bytes_,
                (unsigned long long)down_bytes_, (unsigned long long)accepted_);
    std::fflush(stdout);
  }

  void dispatch(int fd, uint32_t events) {
    if (fd == listen_) return accept_all();
    if (fd == STDIN_FILENO) return read_commands();
    if (fd == timer_) {
      uint64_t ticks;
      while (read(timer_, &ticks, sizeof ticks) > 0) {
      }
      return;
    }
    if (fd == signals_) {
      signalfd_siginfo si;
      while (read(signals_, &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGUSR1)
          print_stats();
        else
          quit_ = true;
      }
      return;
    }
    for (auto& c : conns_) {
      if (c->closed) continue;
      for (Direction* d : {&c->up, &c->down}) {
        if (fd == d->from && (events & (EPOLLIN | EPOLLHUP | EPOLLERR))) read_into(*c, *d);
        if (fd == d->to && (events & EPOLLOUT)) d->want_write = false;
      }
    }
  }

  void accept_all() {
    for (;;) {
      int fd = accept4(listen_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (fd < 0) return;
      ++accepted_;
      if (refusing_) {
        close(fd);
        continue;
      }
      int server = socket(target_.storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (server < 0 ||
          connect(server, reinterpret_cast<sockaddr*>(&target_.storage), target_.length) < 0) {
        std::fprintf(stderr, "cadence-test-proxy: connect %s: %s\n", target_.text.c_str(),
                     std::strerror(errno));
        if (server >= 0) close(server);
        close(fd);
        continue;
      }
      set_nonblocking(server);
      if (!target_.unix_path) {
        int one = 1;
        setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      }
      auto c = std::make_unique<Conn>();
      c->client = fd;
      c->server = server;
      const uint64_t now = now_ns();
      c->up = Direction{fd, server, {}, 0, false, false, false, &up_bytes_, burst, now};
      c->down = Direction{server, fd, {}, 0, false, false, false, &down_bytes_, burst, now};
      update_interest(*c);
      conns_.push_back(std::move(c));
    }
  }

  void read_into(Conn& c, Direction& d) {
    if (d.read_eof || d.queued >= kMaxQueued) return;
    char buf[kReadSize];
    ssize_t n = read(d.from, buf, sizeof buf);
    if (n < 0) {
      if (errno != EAGAIN && errno != EINTR) close_conn(c);
      return;
    }
    Chunk chunk;
    chunk.due_ns = now_ns() + delay_ns;
    if (!d.queue.empty()) chunk.due_ns = std::max(chunk.due_ns, d.queue.back().due_ns);
    if (n == 0) {
      d.read_eof = true;
      chunk.eof = true;
    } else {
      chunk.data.assign(buf, static_cast<size_t>(n));
      d.queued += static_cast<size_t>(n);
    }
    d.queue.push_back(std::move(chunk));
  }

  void refill(Direction& d, uint64_t now) {
    d.tokens = std::min(burst, d.tokens + double(now - d.refilled_ns) * rate / 1e9);
    d.refilled_ns = now;
  }

  // Sends what is due; returns the time something will next be sendable, or 0.
  uint64_t pump(Conn& c, Direction& d, uint64_t now) {
    while (!d.queue.empty() && !c.closed) {
      Chunk& head = d.queue.front();
      if (head.due_ns > now) return head.due_ns;
      if (head.eof) {
        shutdown(d.to, SHUT_WR);
        d.shut = true;
        d.queue.pop_front();
        continue;
      }
      if (d.want_write) return 0;
      size_t allowed = head.data.size() - head.sent;
      if (rate > 0) {
        refill(d, now);
        // Wait until the bucket holds the rest of the chunk or a full burst, so a slow
        // link sends bursts, not a trickle of one-byte writes.
        double need = std::min(double(allowed), std::max(burst, 1.0));
        if (d.tokens < need) return now + uint64_t((need - d.tokens) / rate * 1e9) + 1;
        allowed = std::min(allowed, size_t(d.tokens));
      }
      ssize_t n = send(d.to, head.data.data() + head.sent, allowed, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) {
          d.want_write = true;
          return 0;
        }
        close_conn(c);
        return 0;
      }
      if (rate > 0) d.tokens -= double(n);
      *d.delivered += uint64_t(n);
      head.sent += size_t(n);
      d.queued -= size_t(n);
      if (head.sent == head.data.size()) d.queue.pop_front();
    }
    return 0;
  }

  void pump_all() {
    uint64_t now = now_ns();
    uint64_t next = 0;
    for (auto& c : conns_) {
      for (Direction* d : {&c->up, &c->down}) {
        uint64_t t = pump(*c, *d, now);
        if (t && (!next || t < next)) next = t;
      }
      if (!c->closed && c->up.shut && c->down.shut) close_conn(*c);
      if (!c->closed) update_interest(*c);
    }
    std::erase_if(conns_, [](const auto& c) { return c->closed; });
    itimerspec its{};
    if (next) {
      its.it_value.tv_sec = time_t(next / 1000000000ull);
      its.it_value.tv_nsec = long(next % 1000000000ull);
    }
    timerfd_settime(timer_, TFD_TIMER_ABSTIME, &its, nullptr);
  }

  // An fd with nothing wanted leaves the epoll set: a hung-up socket reports EPOLLHUP
  // whatever the mask, and would spin the loop while its last bytes wait out the delay.
  void update_interest(Conn& c) {
    for (auto [fd, registered] :
         {std::pair{c.client, &c.client_events}, std::pair{c.server, &c.server_events}}) {
      epoll_event ev{};
      ev.data.fd = fd;
      for (Direction* d : {&c.up, &c.down}) {
        if (d->from == fd && !d->read_eof && d->queued < kMaxQueued) ev.events |= EPOLLIN;
        if (d->to == fd && d->want_write) ev.events |= EPOLLOUT;
      }
      if (ev.events == *registered) continue;
      int op = ev.events == 0 ? EPOLL_CTL_DEL : (*registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD);
      epoll_ctl(epoll_, op, fd, &ev);
      *registered = ev.events;
    }
  }

  void close_conn(Conn& c) {
    if (c.closed) return;
    close(c.client);
    close(c.server);
    c.closed = true;
  }

  void read_commands() {
    char buf[4096];
    ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    if (n <= 0) {
      epoll_ctl(epoll_, EPOLL_CTL_DEL, STDIN_FILENO, nullptr);
      return;
    }
    pending_.append(buf, size_t(n));
    size_t nl;
    while ((nl = pending_.find('\n')) != std::string::npos) {
      std::string line = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      command(line);
    }
  }

  void command(const std::string& line) {
    char word[32] = {};
    double value = 0;
    int fields = std::sscanf(line.c_str(), "%31s %lf", word, &value);
    std::string cmd = fields >= 1 ? word : "";
    if (cmd == "delay" && fields == 2 && value >= 0) {
      delay_ns = uint64_t(value * 1e6);
    } else if (cmd == "bandwidth" && fields == 2 && value >= 0) {
      set_rate(value, 0);
    } else if (cmd == "burst" && fields == 2 && value >= 1) {
      set_rate(rate, value);
    } else if (cmd == "cut") {
      for (auto& c : conns_) close_conn(*c);
    } else if (cmd == "refuse") {
      refusing_ = true;
    } else if (cmd == "restore") {
      refusing_ = false;
    } else if (cmd == "stats") {
      print_stats();
      return;
    } else if (cmd == "quit") {
      quit_ = true;
      return;
    } else if (!cmd.empty()) {
      std::fprintf(stderr, "cadence-test-proxy: unknown command: %s\n", line.c_str());
      return;
    }
    if (!cmd.empty()) {
      std::printf("ok %s\n", cmd.c_str());
      std::fflush(stdout);
    }
  }

 public:
  void set_rate(double bytes_per_s, double burst_bytes) {
    rate = bytes_per_s;
    burst = burst_bytes > 0 ? burst_bytes : std::max(1.0, rate / 50);
    const uint64_t now = now_ns();
    for (auto& c : conns_) {
      for (Direction* d : {&c->up, &c->down}) {
        d->tokens = std::min(d->tokens, burst);
        d->refilled_ns = now;
      }
    }
  }

 private:
  Address target_;
  int epoll_ = -1, timer_ = -1, signals_ = -1, listen_ = -1;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::string pending_;
  uint64_t up_bytes_ = 0, down_bytes_ = 0, accepted_ = 0;
  bool refusing_ = false;
  bool quit_ = false;
};

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: cadence-test-proxy --listen ADDR --connect ADDR [--delay-ms N]\n"
               "                          [--bandwidth BYTES_PER_S] [--burst BYTES]\n"
               "ADDR: unix:PATH or tcp:HOST:PORT\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::string listen_at, target;
  double delay_ms = 0, rate = 0, burst = 0;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) usage();
    std::string v = argv[++i];
    if (a == "--listen")
      listen_at = v;
    else if (a == "--connect")
      target = v;
    else if (a == "--delay-ms")
      delay_ms = std::atof(v.c_str());
    else if (a == "--bandwidth")
      rate = std::atof(v.c_str());
    else if (a == "--burst")
      burst = std::atof(v.c_str());
    else
      usage();
  }
  if (listen_at.empty() || target.empty() || delay_ms < 0 || rate < 0 || burst < 0) usage();
  Proxy proxy(parse_address(listen_at), parse_address(target));
  proxy.delay_ns = uint64_t(delay_ms * 1e6);
  proxy.set_rate(rate, burst);
  proxy.run();
  return 0;
}
