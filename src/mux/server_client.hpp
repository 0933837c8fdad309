// What the mux server keeps per connected client (see server.hpp): its connection, its
// Hello, its credit, and per pane what it has been sent.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "mux/connection.hpp"
#include "mux/server.hpp"

namespace cadence::mux {

struct MuxServer::Client {
  // What this client has of one pane. Everything a delta compares against lives here;
  // nothing else is kept per client, so a client costs the same however much its panes
  // print.
  struct PaneSync {
    bool synced = false;        // has had a delta
    uint64_t version = 0;       // the terminal version of the last delta
    uint64_t epoch = 0;         // the history epoch of the last delta
    uint64_t seen_changes = 0;  // ServerPane::changes when last looked at
    int64_t top = 0;            // the viewport it was sent: top stable row, rows,
    int rows = 0;               // and whether it was the alternate screen
    bool alt = false;
    uint64_t sent_ns = 0;  // when its last delta went out
    std::string title;
    std::string cwd;
    int progress_state = -1;  // as last sent; -1: never
    int progress_value = 0;
    uint64_t resize_id = 0;          // the last Resize it sent for this pane
    bool answer_owed = false;        // that Resize has not been answered yet
    uint64_t input_serial = 0;       // its last input PDU for this pane handled here
    uint64_t input_serial_sent = 0;  // as the last delta told it
  };

  uint64_t id = 0;
  pid_t pid = 0;
  std::unique_ptr<Connection> conn;
  bool hello = false;
  uint64_t features = 0;
  std::string name;
  uint32_t in_flight = 0;  // deltas sent and not yet credited
  uint64_t rtt_ns = 0;     // as the client last measured it (Ping::last_rtt_ns)
  size_t next_pane = 0;    // where the next flush starts, so no pane starves
  bool reading = false;    // EPOLLIN interest
  bool writing = false;    // EPOLLOUT interest
  bool closing = false;
  std::string close_reason;
  std::unordered_map<uint64_t, PaneSync> panes;
};

}  // namespace cadence::mux
