// The mux server's session: its windows, their tabs and panes, and the ptys behind them.
//
// One shared session per server, not one per client: every attached client sees every
// window, tab and pane, so a second window (or a reattach after a detach) shows the same
// panes with their scrollback, and closing a client never closes a pane. A window is a
// TabSet (tab_set.hpp) plus the cell area its layout is computed in; that area comes
// from the Spawn that created the window, and the clients resize panes to what they
// actually show (the last Resize of a pane wins, see server.hpp).
//
// Panes are PtyPanes parsed by the server's IoThread. The session is driven by the server
// thread alone; the map of panes is also guarded by a mutex so that tests and benchmarks
// can look at a pane's terminal from another thread (with_terminal).
//
// Every operation reports what changed as PDUs (PaneEvent, TabEvent) for the server to
// broadcast; the session itself knows nothing of connections.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "mux/tab_set.hpp"
#include "net/pdu.hpp"
#include "pty/io_thread.hpp"
#include "pty/pty_pane.hpp"

namespace cadence::mux {

struct SessionOptions {
  std::vector<std::string> default_argv;  // empty: $SHELL, else /bin/sh
  std::vector<std::string> env;           // NAME=VALUE for every pane (TERM and the like)
  size_t scrollback_lines = 10000;
};

struct ServerPane {
  net::PaneId id = 0;
  net::WindowId window = 0;
  std::unique_ptr<pty::PtyPane> pty;
  // Bumped by the server thread whenever the terminal may have changed (output, a
  // resize): a client whose last look saw this count needs nothing, without taking the
  // pane's lock to find out.
  uint64_t changes = 1;
  // OSC 9;4 as last reported by the program: state 0 none, 1 normal, 2 error,
  // 3 indeterminate, 4 paused; value 0..100.
  int progress_state = 0, progress_value = 0;
};

struct ServerWindow {
  net::WindowId id = 0;
  TabSet tabs;
  int rows = 24, cols = 80;  // the area its layout is placed in
};

class Session {
 public:
  Session(pty::IoThread& io, SessionOptions options);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  using Events = std::vector<net::Pdu>;

  Result<net::Spawned> spawn(const net::Spawn& request, Events& events);
  Result<net::Spawned> split(const net::Split& request, Events& events);
  Result<net::Spawned> move(const net::MovePane& request, Events& events);
  // False when there is no such pane.
  bool close(net::PaneId pane, Events& events);
  // Makes the pane and its tab its window's active ones; false when there is no such
  // pane. Nothing is reported when they already were.
  bool activate(net::PaneId pane, Events& events);
  // Sets a tab's own title; false when there is no such tab.
  bool rename_tab(net::TabId tab, const std::string& title, Events& events);
  // Closes every pane whose program has exited.
  void reap(Events& events);

  net::PaneList list() const;
  ServerPane* find(net::PaneId pane);
  // Panes in creation order (the order the server serves them in).
  const std::vector<net::PaneId>& order() const { return order_; }
  size_t pane_count() const { return panes_.size(); }

  // Any thread: f(vt::Terminal&) under the pane's lock; false when there is no such pane.
  bool with_terminal(net::PaneId pane, const std::function<void(vt::Terminal&)>& f);

 private:
  Result<ServerPane*> start_pane(net::WindowId window, int rows, int cols, const std::string& cwd,
                                 const std::vector<std::string>& argv,
                                 const std::vector<std::string>& env);
  void destroy_pane(net::PaneId pane);
  // Removes a pane from its tab (closing the tab, and the window, when it was the last)
  // and reports it; the pane itself stays.
  void detach_from_tab(net::PaneId pane, Events& events);
  // Resizes every pane of a tab to its place in the window's area.
  void place_tab(ServerWindow& window, const Tab& tab);
  ServerWindow* window_of(net::PaneId pane);

  pty::IoThread& io_;
  SessionOptions options_;
  std::map<net::WindowId, ServerWindow> windows_;
  std::map<net::PaneId, ServerPane> panes_;
  std::vector<net::PaneId> order_;
  mutable std::mutex map_mutex_;  // writers: the server thread; readers: with_terminal
  uint64_t next_id_ = 1;          // panes, tabs and windows share one counter
};

}  // namespace cadence::mux
