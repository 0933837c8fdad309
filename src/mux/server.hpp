// The mux server: serves one Session (session.hpp) to any number of clients over a unix
// socket, on one thread.
//
// The thread sleeps in one epoll_wait over the listening socket, each client, the pty
// I/O thread's Waker (a pane has output or exited), a stop Waker, a timerfd for deltas
// held back by pacing (server_flush.cpp) and, in the daemon, a signalfd. Requests are
// handled as they arrive; pane content goes out in one place, flush(), run once per loop
// iteration before sleeping.
//
// Per client and pane the server keeps what that client has (PaneSync): the terminal
// version of its last delta, the history epoch, size, title and cwd it was sent, and the
// last Resize it asked for. A flush sends a pane a PaneDelta only when the terminal moved
// past that version, with only the viewport rows newer than it (all of them after a
// reflow, which moves stable rows), and the cursor, size, modes and changed title/cwd.
// So a pane gets at most one delta per flush, however much output arrived since.
//
// Credit. A client may have kCreditWindow deltas unacknowledged; it returns credit as it
// presents frames (net::Credit counts deltas). Without credit, or while more than
// high_water bytes wait in its socket buffer, nothing is built for it: the terminal keeps
// absorbing output and the next delta carries the state at that moment. Memory per client
// is therefore one socket buffer's worth plus the PaneSync table, whatever the pane
// prints. The answer to a Resize is owed and goes out even without credit (a client has
// at most one Resize per pane in flight, so this is bounded too).
//
// Resize policy with several clients: the last Resize received wins. A pane has one size
// (its program has one); every client is sent that size and draws it clipped or padded
// in its own layout until it asks for another. The client that asked gets resize_id in
// its deltas; the others just see the new size.
//
// Bad input. A PDU the decoder refuses (malformed, oversized, bad serial, a bomb) or
// one a client may not send is a protocol error: it is logged with the client, answered
// with an ErrorPdu when possible, and that connection is closed. The session, its panes
// and every other client go on. A request that fails (spawn of a missing program, an
// unknown pane) is answered with an ErrorPdu and the connection stays.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "base/event_loop.hpp"
#include "base/result.hpp"
#include "mux/connection.hpp"
#include "mux/session.hpp"
#include "pty/io_thread.hpp"
#include "vt/modes.hpp"

namespace cadence::mux {

// How input events become bytes for a program. The encoders live with the window's input
// code (src/ui), above this layer, so the program that runs a server passes them in.
struct InputEncoders {
  std::function<std::string(const net::Mouse&, const vt::Modes&)> mouse;
  std::function<std::string(std::string_view text, bool bracketed)> paste;
  std::function<std::string(bool focused, const vt::Modes&)> focus;
};

inline constexpr uint32_t kCreditWindow = 4;

struct ServerOptions {
  std::string socket_path;
  SessionOptions session;
  InputEncoders input;
  std::string name = "cadence-mux";
  uint32_t credit_window = kCreditWindow;
  // Bytes waiting in a client's buffer above which no delta is built for it and its
  // requests are not read until it catches up.
  size_t high_water = 1u << 20;
  // Bytes read from one client per wake-up, so one cannot starve the others.
  size_t read_budget = 256u << 10;
  uid_t allowed_uid = static_cast<uid_t>(-1);  // -1: the server's own euid
  int signal_fd = -1;                          // readable: stop (the daemon's SIGTERM)
};

struct ServerCounters {
  uint64_t accepted = 0;
  uint64_t refused = 0;          // peers of another uid
  uint64_t protocol_errors = 0;  // connections closed for a bad PDU
  uint64_t clients = 0;          // connected now
  uint64_t deltas = 0;
  uint64_t delta_lines = 0;
  uint64_t resizes = 0;
  uint64_t fetches = 0;
  uint64_t bytes_sent = 0;
  uint64_t max_pending = 0;  // most bytes ever queued for one client
};

class MuxServer {
 public:
  // Binds the socket; the session starts empty.
  static Result<std::unique_ptr<MuxServer>> create(ServerOptions options);
  ~MuxServer();
  MuxServer(const MuxServer&) = delete;
  MuxServer& operator=(const MuxServer&) = delete;

  // Serves until stop() or a stop signal; then closes every client and pane.
  Result<void> run();
  // Any thread.
  void stop();

  const std::string& socket_path() const { return options_.socket_path; }
  ServerCounters counters() const;
  // Any thread: f(terminal) under the pane's lock (tests and benchmarks compare against
  // it); false when there is no such pane.
  bool with_terminal(net::PaneId pane, const std::function<void(vt::Terminal&)>& f) {
    return session_->with_terminal(pane, f);
  }

  struct Client;

 private:
  MuxServer(ServerOptions options, int listen_fd);
  Result<void> init();
  void on_accept();
  void on_client(int fd, uint32_t events);
  void on_panes();
  void read_client(Client& c);
  // Handles one PDU; false when the connection must close.
  bool dispatch(Client& c, net::Frame& frame);
  void handle(Client& c, uint64_t serial, net::Ping& ping);
  void handle(Client& c, uint64_t serial, net::Pong& pong);
  void handle(Client& c, uint64_t serial, net::ErrorPdu& error);
  void handle(Client& c, uint64_t serial, net::ListPanes& request);
  void handle(Client& c, uint64_t serial, net::Spawn& request);
  void handle(Client& c, uint64_t serial, net::Split& request);
  void handle(Client& c, uint64_t serial, net::MovePane& request);
  void handle(Client& c, uint64_t serial, net::ClosePane& request);
  void handle(Client& c, uint64_t serial, net::WriteToPane& request);
  void handle(Client& c, uint64_t serial, net::Paste& request);
  void handle(Client& c, uint64_t serial, net::Mouse& event);
  void handle(Client& c, uint64_t serial, net::Focus& event);
  void handle(Client& c, uint64_t serial, net::Resize& request);
  void handle(Client& c, uint64_t serial, net::FetchLines& request);
  void handle(Client& c, uint64_t serial, net::Credit& credit);
  void handle(Client& c, uint64_t serial, net::Clipboard& data);
  void handle(Client& c, uint64_t serial, net::Resume& resume);
  void handle(Client& c, uint64_t serial, net::Activate& request);
  void handle(Client& c, uint64_t serial, net::RenameTab& request);
  // An input PDU for `pane` was handled: the pane's next delta to `c` answers it.
  void note_input(Client& c, uint64_t serial, net::PaneId pane);
  // The pane a request names, or null after answering that there is none.
  ServerPane* pane_for(Client& c, uint64_t serial, net::PaneId id);
  void write_input(Client& c, uint64_t serial, ServerPane& pane, std::string_view bytes);
  void broadcast(const net::Pdu& pdu);
  void broadcast_events(std::vector<net::Pdu>& events);
  void fail_request(Client& c, uint64_t serial, net::ErrorPdu::Code code, std::string message);
  void protocol_error(Client& c, const std::string& message);
  void drop(int fd, const std::string& why);
  // The per-iteration flush: deltas for every client, then their bytes onto the sockets.
  void flush();
  void flush_client(Client& c);
  bool send_delta(Client& c, ServerPane& pane);
  void answer_fetch(Client& c, uint64_t serial, const net::FetchLines& request);
  // The interval between two deltas of one pane to a client while it keeps changing.
  uint64_t pace_ns(const Client& c) const;
  // Wakes the loop at `due` (CLOCK_MONOTONIC ns) unless it is woken earlier already.
  void wake_at(uint64_t due);
  void update_interest(Client& c);

  ServerOptions options_;
  int listen_fd_ = -1;
  std::unique_ptr<EventLoop> loop_;
  std::unique_ptr<Waker> pane_waker_;
  std::unique_ptr<Waker> stop_waker_;
  std::unique_ptr<pty::IoThread> io_;
  std::unique_ptr<Session> session_;
  int pace_fd_ = -1;          // a timerfd for deltas held back by pacing
  uint64_t pace_due_ns_ = 0;  // when it fires; 0: disarmed
  std::unordered_map<int, std::unique_ptr<Client>> clients_;
  uint64_t next_client_ = 1;
  uint64_t instance_ = 0;  // HelloReply::instance: random, for this process
  std::atomic<bool> stopping_{false};

  // Written by the server thread, read by counters() from anywhere.
  struct AtomicCounters {
    std::atomic<uint64_t> accepted{0}, refused{0}, protocol_errors{0}, clients{0}, deltas{0},
        delta_lines{0}, resizes{0}, fetches{0}, bytes_sent{0}, max_pending{0};
  };
  AtomicCounters counters_;
};

}  // namespace cadence::mux
