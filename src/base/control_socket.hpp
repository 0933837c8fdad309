// A control socket: a small unix-socket server on the GUI thread's EventLoop, and the
// client calls `cadence cli` makes to it.
//
// The server must never hold up a frame, so everything is non-blocking: a request is read
// as far as it has arrived, a reply is queued and written as the client takes it
// (EPOLLOUT), and a client that stops reading only fills its own bounded buffer. Every
// size is bounded (ControlLimits) and each limit answers with an error line and closes
// the connection rather than growing. Only the user who runs cadence may talk to it: the
// directory is 0700, the socket 0600, and each connection's peer uid is checked with
// SO_PEERCRED (a connection from anyone else is logged and closed unanswered).
//
// Protocol: one request per line; the reply is one or more non-empty lines followed by an
// empty line, so a client knows where a reply ends without a length header. A request the
// handler does not understand gets a one-line error reply and the connection is closed.
// Sockets live at $XDG_RUNTIME_DIR/cadence/control-<pid>.sock.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/event_loop.hpp"
#include "base/result.hpp"

namespace cadence {

struct ControlLimits {
  size_t max_request = 4096;                // bytes of one request line
  size_t max_output = 32u << 20;            // bytes queued for one client
  size_t max_clients = 8;                   // connections at once
  uid_t peer_uid = static_cast<uid_t>(-1);  // the uid allowed in; -1: our own (geteuid)
};

struct ControlReply {
  std::string text;    // complete lines, each ending in '\n'; never an empty line
  bool close = false;  // close the connection once it is sent (an error reply)
};
using ControlHandler = std::function<ControlReply(std::string_view request)>;

// `{"ok":false,"error":MESSAGE}` as a reply line.
std::string control_error_line(std::string_view message);

class ControlServer {
 public:
  static Result<std::unique_ptr<ControlServer>> listen(EventLoop& loop, const std::string& path,
                                                       ControlHandler handler,
                                                       ControlLimits limits = {});
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  const std::string& path() const { return path_; }
  size_t clients() const { return clients_.size(); }
  uint64_t refused() const { return refused_; }

 private:
  struct Client {
    std::string in;
    std::string out;
    size_t out_offset = 0;
    bool closing = false;
  };
  ControlServer(EventLoop& loop, std::string path, int fd, ControlHandler handler,
                ControlLimits limits)
      : loop_(loop),
        path_(std::move(path)),
        fd_(fd),
        handler_(std::move(handler)),
        limits_(limits) {}
  void on_accept();
  void on_client(int fd, uint32_t events);
  // Handles the complete lines buffered while nothing is waiting to be sent.
  void serve(int fd, Client& c);
  // Writes what the socket takes; false when the client is gone.
  bool flush(int fd, Client& c);
  void queue(Client& c, std::string text, bool close);
  void drop(int fd);

  EventLoop& loop_;
  std::string path_;
  int fd_ = -1;
  ControlHandler handler_;
  ControlLimits limits_;
  std::unordered_map<int, Client> clients_;
  uint64_t refused_ = 0;
};

// $XDG_RUNTIME_DIR/cadence, or "" when XDG_RUNTIME_DIR is not set.
std::string control_dir();
// Creates `dir` with mode 0700, or checks that an existing one belongs to us and is
// private (an error otherwise: a socket there could be reached by others).
Result<void> prepare_control_dir(const std::string& dir);
std::string control_socket_path(const std::string& dir, pid_t pid);

// Client side. Sends one request and returns the reply without its closing empty line.
// Fails on connect errors, a reply over max_reply bytes, or no complete reply within
// timeout_ms.
Result<std::string> control_request(const std::string& path, std::string_view request,
                                    size_t max_reply, int timeout_ms);
// The newest control-<pid>.sock in `dir` whose process is alive and that accepts a
// connection.
Result<std::string> find_control_socket(const std::string& dir);

}  // namespace cadence
