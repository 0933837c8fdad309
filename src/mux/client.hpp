// The mux client: one connection to a cadence-mux server, for a GUI thread that polls
// once per frame.
//
// A MuxClient runs its own network thread (epoll over the socket, a Waker for requests
// and a ping timer). That thread decodes PDUs, applies each PaneDelta to the back buffer
// of the pane's screen and publishes it by pointer swap; it never touches GL or Wayland
// and never waits for the GUI. The GUI side is every public method here: each takes at
// most a mutex held for a pointer copy or a queue append, never one held across a delta
// apply, so a frame never waits on the network.
//
// A frame, from the GUI's side:
//   1. woken by `wake` (called once per batch of published changes, on the network
//      thread): take_events() for topology and the like, then screen(pane) for each
//      pane it draws;
//   2. copy the rows whose (stable_row, version) changed, draw, present;
//   3. presented(): the server gets credit to send more. Without credit it coalesces,
//      so a slow GUI sees the latest state late, never a queue of stale ones. Call it
//      also after a wake that brought nothing visible to draw (a background tab),
//      or the server stops sending once its credit is spent.
//
// Resizes: one per pane is in flight; a newer size replaces the pending one (and a
// pending size equal to the one in flight is dropped), so a storm costs the server one
// reflow per round trip. The one exception is the end of a drag: a pending size that has
// held for resize_settle_ms goes out at once behind the one in flight (never more than
// two), so the final size settles one round trip after the drag stops rather than up to
// two. Until the server answers, the published screen keeps its old size, which the GUI
// draws clipped or padded.
//
// History: the server sends the viewport (and rows that changed on their way out of it).
// Rows above it come from history(), which answers from a bounded LRU cache of rows
// (filled by lines that scroll off and by fetched pages) and asks the server, in bounded
// pages, for the rows it lacks. A reflow
// on the server bumps the history epoch, which empties the cache without refetching.
//
// A dropped link is a state, not a crash: status() says lost and why, every request
// after that is ignored (input typed meanwhile is dropped, never queued for later) but
// the sizes asked for, which resume() sends, and
// the last published screens stay readable. resume() carries on over a new connection
// to the same server: the client sends what it holds of each pane, and the server sends
// only what changed meanwhile; nothing already held is fetched again.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.hpp"
#include "mux/remote_screen.hpp"
#include "net/pdu.hpp"

namespace cadence::mux {

using RemotePaneId = net::PaneId;
using RemoteTabId = net::TabId;
using RemoteWindowId = net::WindowId;

struct ClientOptions {
  std::string name = "cadence";  // sent in Hello, shown in the server's log
  // Rows of scrollback cached per pane (LRU); older ones are fetched again when shown.
  size_t history_cache_rows = 20000;
  // Interval of the Ping that measures the round trip (the server paces deltas by it).
  int ping_interval_ms = 2000;
  // A waiting resize whose size has held this long (the drag stopped) goes out behind
  // the one in flight instead of after its answer; 0: never (strictly one in flight).
  int resize_settle_ms = 20;
  // Benchmark only: after every resize the server applied, mark every cached history row
  // stale and fetch it again: the behaviour the epoch replaces, kept to measure against.
  bool naive_refetch = false;
};

enum class ConnectionState : uint8_t { connecting, connected, lost };

struct ConnectionStatus {
  ConnectionState state = ConnectionState::connecting;
  std::string reason;   // why it was lost
  std::string server;   // the server's name from its HelloReply
  uint64_t rtt_ns = 0;  // the last measured round trip, 0 before the first Pong
};

// The server's tabs and panes, as of its last PaneList (the client asks for one after
// every tab or pane event, so this follows the server within a round trip).
struct RemoteTab {
  RemoteWindowId window = 0;
  RemoteTabId id = 0;
  RemotePaneId active_pane = 0;
  std::optional<RemotePaneId> zoomed;
  std::string title;
  bool active = false;  // its window's active tab
};

struct RemotePane {
  RemotePaneId id = 0;
  RemoteTabId tab = 0;
  int top = 0, left = 0, rows = 0, cols = 0;  // where the server's layout puts it
  std::string title;
  std::string cwd;
};

struct Topology {
  uint64_t version = 0;         // bumped at each PaneList received
  std::vector<RemoteTab> tabs;  // in tab order
  std::vector<RemotePane> panes;
};

// What take_events() hands the GUI, in the order it happened.
struct ConnectionChanged {
  ConnectionStatus status;
};
struct RequestFailed {
  uint64_t request_id = 0;  // what spawn(), split() or move_pane() returned; 0 for others
  std::string message;
};
using ClientEvent = std::variant<ConnectionChanged, net::TabEvent, net::PaneEvent, net::Spawned,
                                 net::Bell, net::Clipboard, RequestFailed>;

// For the frame log: what a pane is waiting on and what arrived since it was last asked.
struct PaneWaitInfo {
  // CLOCK_MONOTONIC ns of the oldest input or resize sent for this pane and not yet
  // answered; 0 when nothing is awaited. A resize is answered by the delta that applies
  // it; input by the first delta the server took after handling it (the delta's
  // input_serial), whether or not the program has shown anything for it yet.
  uint64_t oldest_awaited_ns = 0;
  // When the oldest wait that deltas since the last call ended had started (0: none):
  // the frame showing those deltas is that late because of the link.
  uint64_t answered_since_ns = 0;
  uint64_t deltas = 0;          // PaneDeltas applied since the last call
  uint64_t bytes = 0;           // their bytes on the wire, headers included
  uint64_t server_version = 0;  // the server's terminal version last applied
  bool resize_pending = false;  // a resize is in flight or waiting to be sent
};

// Scrollback rows as history() finds them in the cache.
struct HistoryRows {
  uint64_t epoch = 0;
  int64_t first_available = -1;  // as RemoteScreen::history_first
  // One per row asked for, in order; null when not cached yet (it has been asked for,
  // and a wake follows its arrival) or before first_available.
  std::vector<std::shared_ptr<const RemoteScreen::Line>> lines;
};

struct ClientCounters {
  uint64_t bytes_received = 0;    // wire bytes, headers included
  uint64_t payload_received = 0;  // the same PDUs' payloads before zstd
  uint64_t bytes_sent = 0;
  uint64_t deltas = 0;
  uint64_t lines_received = 0;  // in deltas and history pages
  uint64_t history_pages = 0;   // LinesReply applied
  uint64_t resizes_sent = 0;
  uint64_t publishes = 0;
  uint64_t full_copies = 0;  // publishes that found no free buffer and copied a screen
};

class MuxClient {
 public:
  using WakeFn = std::function<void()>;

  // Connects to a server's unix socket and starts the network thread; the Hello, the
  // first PaneList and the first deltas follow asynchronously (status() and wake tell).
  static Result<std::unique_ptr<MuxClient>> connect(const std::string& socket_path, WakeFn wake,
                                                    ClientOptions options = {});
  // The same over a descriptor that is already connected (a socketpair, an SSH channel
  // bridged to `cadence-mux --stdio`); the client owns it from here on.
  static Result<std::unique_ptr<MuxClient>> adopt(int fd, WakeFn wake, ClientOptions options = {});

  // Carries on over a new connected descriptor to the same server (the transport was set
  // up again, e.g. by an SSH reconnect); the client owns it from here on. Allowed in any
  // state; a live connection is closed first. Screens, history and the topology stay
  // as they are until the server's answers update them. A different server process (the
  // daemon restarted) is noticed from its Hello and everything is fetched afresh.
  void resume(int fd);

  // Stops the network thread and closes the connection: a detach. The server keeps the
  // panes running.
  ~MuxClient();
  MuxClient(const MuxClient&) = delete;
  MuxClient& operator=(const MuxClient&) = delete;

  ConnectionStatus status() const;
  Topology topology() const;
  // Its version alone: a poll that finds it unchanged copies nothing.
  uint64_t topology_version() const;
  std::vector<ClientEvent> take_events();

  // Requests. Each returns at once; the answer comes as an event (Spawned, RequestFailed)
  // and through the topology. Ignored once the connection is lost.
  // window 0: a new window. Empty argv: the server's default shell.
  uint64_t spawn(RemoteWindowId window, int rows, int cols, std::string cwd = {},
                 std::vector<std::string> argv = {}, std::vector<std::string> env = {});
  uint64_t split(RemotePaneId pane, net::SplitAxis axis, uint16_t ratio_permille = 500,
                 std::string cwd = {}, std::vector<std::string> argv = {});
  void close_pane(RemotePaneId pane);
  uint64_t move_pane(RemotePaneId pane, RemoteTabId to_tab);  // 0: a new tab
  void list_panes();
  // The window shows this pane (and its tab): the server makes them active, so another
  // attach finds them.
  void activate(RemotePaneId pane);
  // A tab's own title (empty: its active pane's again), for every attached window.
  void rename_tab(RemoteTabId tab, std::string title);

  // Input for a pane's program: bytes already encoded for the terminal's modes
  // (RemoteScreen::modes), text to paste, pointer events in pane cells (the server
  // encodes them under the mode in force; motion with no button held is button 255),
  // focus.
  void write(RemotePaneId pane, std::string_view bytes);
  void paste(RemotePaneId pane, std::string_view text);
  void mouse(const net::Mouse& event);
  void focus(RemotePaneId pane, bool focused);
  void resize(RemotePaneId pane, int rows, int cols, int pixel_width = 0, int pixel_height = 0);

  // The latest published screen of a pane; null before its first delta or for a pane
  // the client does not know.
  std::shared_ptr<const RemoteScreen> screen(RemotePaneId pane) const;
  // Scrollback rows [first, first + count) from the cache; missing ones are requested.
  HistoryRows history(RemotePaneId pane, int64_t first, int count);
  // The URI of an OSC 8 link id (vt::Style::link) of a pane; empty when unknown.
  std::string link_uri(RemotePaneId pane, uint32_t id) const;

  // A frame was shown: return credit for everything applied so far.
  void presented();
  // Wait info for the frame log; the counts restart at each call.
  PaneWaitInfo take_wait_info(RemotePaneId pane);
  ClientCounters counters() const;

  struct Impl;

 private:
  explicit MuxClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cadence::mux
