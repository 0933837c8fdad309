// Name resolution and TCP connection that never hold up the Link's thread.
//
// getaddrinfo has no non-blocking form and can take seconds on a bad network, which
// would make a Link's destructor wait for it. So a Resolver runs it on a detached helper
// thread and reports through an eventfd the Link polls along with everything else; a
// Link that goes away simply stops waiting, and the helper's result dies with the last
// reference to the shared state. The connection itself is a non-blocking connect(),
// tried address by address.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace cadence::ssh {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
};

class Resolver {
 public:
  // Starts resolving host:port (TCP).
  static Result<std::shared_ptr<Resolver>> start(const std::string& host, uint16_t port);
  ~Resolver();
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  // Readable once the answer is in.
  int fd() const { return fd_; }
  // The answer, once fd() was readable: the addresses, or getaddrinfo's error.
  std::optional<Result<std::vector<SocketAddress>>> take();

 private:
  explicit Resolver(int fd) : fd_(fd) {}
  int fd_ = -1;
  std::mutex mutex_;
  std::optional<Result<std::vector<SocketAddress>>> answer_;
};

// A non-blocking TCP socket with connect() started on `a` (in progress or done); the
// caller polls it for POLLOUT and asks connect_result(). Errors name the call.
Result<int> start_connect(const SocketAddress& a);
// 0 when connected, else the errno that failed it.
int connect_result(int fd);
// "127.0.0.1:2222" or "[::1]:2222".
std::string address_text(const SocketAddress& a);
// TCP_NODELAY (keystrokes are small), and keepalive as LinkOptions asks.
void tune_socket(int fd, int keepalive_idle_s, int keepalive_interval_s);

}  // namespace cadence::ssh
