// Resolution on a helper thread and non-blocking connect (tcp_connect.hpp).
#include "ssh/tcp_connect.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace cadence::ssh {

Result<std::shared_ptr<Resolver>> Resolver::start(const std::string& host, uint16_t port) {
  const int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) return make_error(std::string("eventfd: ") + std::strerror(errno));
  std::shared_ptr<Resolver> r(new Resolver(fd));
  try {
    std::thread([r, host, port] {
      addrinfo hints{};
      hints.ai_family = AF_UNSPEC;
      hints.ai_socktype = SOCK_STREAM;
      addrinfo* list = nullptr;
      const std::string service = std::to_string(port);
      const int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &list);
      Result<std::vector<SocketAddress>> answer = make_error("");
      if (rc != 0) {
        answer = make_error("cannot resolve " + host + ": " + gai_strerror(rc));
      } else {
        std::vector<SocketAddress> out;
        for (addrinfo* a = list; a; a = a->ai_next) {
          if (a->ai_addrlen > sizeof(sockaddr_storage)) continue;
          SocketAddress s;
          std::memcpy(&s.storage, a->ai_addr, a->ai_addrlen);
          s.length = a->ai_addrlen;
          out.push_back(s);
        }
        freeaddrinfo(list);
        answer = out.empty() ? Result<std::vector<SocketAddress>>(
                                   make_error("cannot resolve " + host + ": no address"))
                             : Result<std::vector<SocketAddress>>(std::move(out));
      }
      {
        std::lock_guard<std::mutex> lock(r->mutex_);
        r->answer_ = std::move(answer);
      }
      const uint64_t one = 1;
      (void)!write(r->fd_, &one, sizeof one);
    }).detach();
  } catch (const std::system_error& e) {
    return make_error(std::string("cannot start the resolver thread: ") + e.what());
  }
  return r;
}

Resolver::~Resolver() { close(fd_); }

std::optional<Result<std::vector<SocketAddress>>> Resolver::take() {
  std::lock_guard<std::mutex> lock(mutex_);
  return std::exchange(answer_, std::nullopt);
}

Result<int> start_connect(const SocketAddress& a) {
  const int fd = socket(a.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return make_error(std::string("socket: ") + std::strerror(errno));
  if (connect(fd, reinterpret_cast<const sockaddr*>(&a.storage), a.length) < 0 &&
      errno != EINPROGRESS) {
    const int e = errno;
    close(fd);
    return make_error(std::strerror(e));
  }
  return fd;
}

int connect_result(int fd) {
  int error = 0;
  socklen_t len = sizeof error;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0) return errno;
  return error;
}

std::string address_text(const SocketAddress& a) {
  char host[INET6_ADDRSTRLEN] = "?";
  uint16_t port = 0;
  if (a.storage.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&a.storage);
    inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
    port = ntohs(in->sin_port);
    return std::string(host) + ":" + std::to_string(port);
  }
  const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&a.storage);
  inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
  port = ntohs(in6->sin6_port);
  return "[" + std::string(host) + "]:" + std::to_string(port);
}

void tune_socket(int fd, int keepalive_idle_s, int keepalive_interval_s) {
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (keepalive_idle_s <= 0 || keepalive_interval_s <= 0) return;
  const int count = 3;
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &keepalive_idle_s, sizeof keepalive_idle_s);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &keepalive_interval_s, sizeof keepalive_interval_s);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
  const unsigned user_timeout_ms =
      unsigned(keepalive_idle_s + count * keepalive_interval_s) * 1000u;
  setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout_ms, sizeof user_timeout_ms);
}

}  // namespace cadence::ssh
