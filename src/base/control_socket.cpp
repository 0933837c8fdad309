// The control socket (see control_socket.hpp).
#include "base/control_socket.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "base/clock.hpp"
#include "base/log.hpp"

namespace cadence {
namespace {

const log::Tag kLog{"control"};

Error errno_error(const std::string& what) {
  return make_error(what + ": " + std::strerror(errno));
}

Result<sockaddr_un> address_of(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr.sun_path) {
    return make_error("control socket path '" + path + "' is empty or longer than " +
                      std::to_string(sizeof addr.sun_path - 1) + " bytes");
  }
  std::memcpy(addr.sun_path, path.data(), path.size());
  return addr;
}

}  // namespace

std::string control_error_line(std::string_view message) {
  std::string out = "{\"ok\":false,\"error\":\"";
  for (char c : message) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"}\n";
}

Result<std::unique_ptr<ControlServer>> ControlServer::listen(EventLoop& loop,
                                                             const std::string& path,
                                                             ControlHandler handler,
                                                             ControlLimits limits) {
  Result<sockaddr_un> addr = address_of(path);
  if (!addr) return addr.error();
  if (limits.peer_uid == static_cast<uid_t>(-1)) limits.peer_uid = geteuid();
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno_error("socket");
  // A socket left at our path by a crashed process with our pid is stale; anything that
  // is not a socket is not ours to remove.
  struct stat st {};
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      close(fd);
      return make_error(path + " exists and is not a socket");
    }
    unlink(path.c_str());
  }
  if (bind(fd, reinterpret_cast<const sockaddr*>(&addr.value()), sizeof addr.value()) < 0) {
    Error e = errno_error("bind " + path);
    close(fd);
    return e;
  }
  chmod(path.c_str(), 0600);
  if (::listen(fd, 8) < 0) {
    Error e = errno_error("listen " + path);
    close(fd);
    unlink(path.c_str());
    return e;
  }
  std::unique_ptr<ControlServer> server(
      new ControlServer(loop, path, fd, std::move(handler), limits));
  ControlServer* self = server.get();
  if (Result<void> r = loop.add(fd, EPOLLIN, [self](uint32_t) { self->on_accept(); }); !r) {
    return r.error();
  }
  return server;
}

ControlServer::~ControlServer() {
  std::vector<int> fds;
  for (const auto& [fd, c] : clients_) fds.push_back(fd);
  for (int fd : fds) drop(fd);
  if (fd_ >= 0) {
    loop_.remove(fd_);
    close(fd_);
    unlink(path_.c_str());
  }
}

void ControlServer::on_accept() {
  while (true) {
    const int fd = accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        LOG_WARN(kLog, "accept on ", path_, ": ", std::strerror(errno));
      }
      if (errno == EINTR) continue;
      return;
    }
    ucred cred{};
    socklen_t len = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.uid != limits_.peer_uid) {
      ++refused_;
      LOG_WARN(kLog, "refused a control connection from uid ", cred.uid, " (pid ", cred.pid,
               "): only uid ", limits_.peer_uid, " may connect");
      close(fd);
      continue;
    }
    if (clients_.size() >= limits_.max_clients) {
      ++refused_;
      LOG_WARN(kLog, "refused a control connection: ", limits_.max_clients,
               " clients already connected");
      const std::string line = control_error_line("too many control connections") + "\n";
      ssize_t n = send(fd, line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      (void)n;
      close(fd);
      continue;
    }
    clients_.emplace(fd, Client{});
    if (Result<void> r = loop_.add(fd, EPOLLIN, [this, fd](uint32_t e) { on_client(fd, e); }); !r) {
      LOG_WARN(kLog, r.error().message);
      clients_.erase(fd);
      close(fd);
    }
  }
}

void ControlServer::on_client(int fd, uint32_t events) {
  auto it = clients_.find(fd);
  if (it == clients_.end()) return;
  Client& c = it->second;
  if (events & EPOLLOUT) {
    if (!flush(fd, c)) return drop(fd);
    if (c.out.empty() && c.closing) return drop(fd);
  }
  if (events & EPOLLERR) return drop(fd);
  if ((events & (EPOLLIN | EPOLLHUP)) && c.out.empty() && !c.closing) {
    char buf[4096];
    while (true) {
      const ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n > 0) {
        c.in.append(buf, static_cast<size_t>(n));
        // Read no further than one over-long line needs to be recognised.
        if (c.in.size() > limits_.max_request && c.in.find('\n') == std::string::npos) break;
        continue;
      }
      if (n == 0) {
        // The client is done sending; it may still wait for replies to what it sent.
        c.closing = true;
        break;
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      return drop(fd);
    }
  }
  // Serve buffered requests in turn while replies go out at once; stop at the first
  // reply the socket cannot take whole.
  do {
    serve(fd, c);
    if (!flush(fd, c)) return drop(fd);
  } while (c.out.empty() && c.in.find('\n') != std::string::npos);
  if (c.out.empty() && c.closing) return drop(fd);
  // Waiting to send: only writability matters (requests wait in the buffer, unread).
  (void)loop_.modify(fd, c.out.empty() ? EPOLLIN : EPOLLOUT);
}

void ControlServer::serve(int fd, Client& c) {
  (void)fd;
  while (c.out.empty()) {
    const size_t nl = c.in.find('\n');
    if (nl == std::string::npos) {
      if (c.in.size() > limits_.max_request) {
        queue(c,
              control_error_line("request longer than " + std::to_string(limits_.max_request) +
                                 " bytes"),
              true);
        c.in.clear();
      }
      return;
    }
    if (nl > limits_.max_request) {
      queue(c,
            control_error_line("request longer than " + std::to_string(limits_.max_request) +
                               " bytes"),
            true);
      c.in.clear();
      return;
    }
    std::string line = c.in.substr(0, nl);
    c.in.erase(0, nl + 1);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    ControlReply reply = handler_(line);
    queue(c, std::move(reply.text), reply.close);
  }
}

void ControlServer::queue(Client& c, std::string text, bool close) {
  if (text.empty() || text.back() != '\n') text += '\n';
  if (c.out.size() + text.size() + 1 > limits_.max_output) {
    text = control_error_line("reply of " + std::to_string(text.size()) +
                              " bytes is over the limit of " + std::to_string(limits_.max_output));
    close = true;
  }
  c.out += text;
  c.out += '\n';  // the empty line that ends a reply
  if (close) {
    c.closing = true;
    c.in.clear();
  }
}

bool ControlServer::flush(int fd, Client& c) {
  while (c.out_offset < c.out.size()) {
    const ssize_t n = send(fd, c.out.data() + c.out_offset, c.out.size() - c.out_offset,
                           MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      c.out_offset += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    return false;
  }
  c.out.clear();
  c.out_offset = 0;
  return true;
}

void ControlServer::drop(int fd) {
  loop_.remove(fd);
  close(fd);
  clients_.erase(fd);
}

std::string control_dir() {
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  if (!runtime || !*runtime) return "";
  return std::string(runtime) + "/cadence";
}

Result<void> prepare_control_dir(const std::string& dir) {
  if (mkdir(dir.c_str(), 0700) < 0 && errno != EEXIST) return errno_error("mkdir " + dir);
  struct stat st {};
  if (lstat(dir.c_str(), &st) < 0) return errno_error("stat " + dir);
  if (!S_ISDIR(st.st_mode)) return make_error(dir + " is not a directory");
  if (st.st_uid != geteuid()) return make_error(dir + " belongs to another user");
  if (st.st_mode & 077) {
    // Ours but open to others (made by hand?): close it rather than refuse to start.
    if (chmod(dir.c_str(), 0700) < 0) return errno_error("chmod 0700 " + dir);
  }
  return {};
}

std::string control_socket_path(const std::string& dir, pid_t pid) {
  return dir + "/control-" + std::to_string(pid) + ".sock";
}

Result<std::string> control_request(const std::string& path, std::string_view request,
                                    size_t max_reply, int timeout_ms) {
  Result<sockaddr_un> addr = address_of(path);
  if (!addr) return addr.error();
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return errno_error("socket");
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  if (connect(fd, reinterpret_cast<const sockaddr*>(&addr.value()), sizeof addr.value()) < 0) {
    return errno_error("connect " + path);
  }
  const uint64_t deadline = monotonic_ns() + static_cast<uint64_t>(timeout_ms) * 1000000ull;
  auto wait = [&](short events) -> Result<void> {
    const uint64_t now = monotonic_ns();
    if (now >= deadline)
      return make_error("no reply from " + path + " within " + std::to_string(timeout_ms) + " ms");
    pollfd p{fd, events, 0};
    const int left = static_cast<int>((deadline - now + 999999) / 1000000);
    if (poll(&p, 1, left) < 0 && errno != EINTR) return errno_error("poll");
    return {};
  };
  std::string out(request);
  out += '\n';
  size_t sent = 0;
  while (sent < out.size()) {
    const ssize_t n = send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (Result<void> r = wait(POLLOUT); !r) return r.error();
    } else {
      return errno_error("send to " + path);
    }
  }
  std::string reply;
  char buf[65536];
  while (true) {
    // A reply ends with an empty line; no line inside one is empty.
    if (reply.size() >= 2 && reply.compare(reply.size() - 2, 2, "\n\n") == 0) {
      reply.pop_back();
      return reply;
    }
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      reply.append(buf, static_cast<size_t>(n));
      if (reply.size() > max_reply) {
        return make_error("reply from " + path + " is over " + std::to_string(max_reply) +
                          " bytes");
      }
    } else if (n == 0) {
      if (reply.empty()) return make_error(path + " closed the connection without a reply");
      return make_error(path + " closed the connection in the middle of a reply");
    } else if (errno == EAGAIN || errno == EINTR) {
      if (Result<void> r = wait(POLLIN); !r) return r.error();
    } else {
      return errno_error("recv from " + path);
    }
  }
}

Result<std::string> find_control_socket(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (!d) return errno_error("no running cadence found: " + dir);
  std::vector<std::pair<int64_t, std::string>> candidates;
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (!name.starts_with("control-") || !name.ends_with(".sock")) continue;
    const std::string digits = name.substr(8, name.size() - 8 - 5);
    if (digits.empty() || !std::all_of(digits.begin(), digits.end(), ::isdigit)) continue;
    const pid_t pid = static_cast<pid_t>(std::strtol(digits.c_str(), nullptr, 10));
    // A socket whose process is gone is stale (a crash left it behind).
    if (kill(pid, 0) < 0 && errno == ESRCH) continue;
    const std::string path = dir + "/" + name;
    struct stat st {};
    if (lstat(path.c_str(), &st) < 0 || !S_ISSOCK(st.st_mode)) continue;
    candidates.emplace_back(
        static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec, path);
  }
  closedir(d);
  std::sort(candidates.begin(), candidates.end(), std::greater<>());
  for (const auto& [mtime, path] : candidates) {
    Result<sockaddr_un> addr = address_of(path);
    if (!addr) continue;
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    const bool ok =
        connect(fd, reinterpret_cast<const sockaddr*>(&addr.value()), sizeof addr.value()) == 0;
    close(fd);
    if (ok) return path;
  }
  return make_error("no running cadence found: no live control socket in " + dir);
}

}  // namespace cadence
