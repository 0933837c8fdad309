// The mux server's session (see session.hpp).
#include "mux/session.hpp"

#include <algorithm>
#include <cstdlib>

#include "base/log.hpp"

namespace cadence::mux {
namespace {

const log::Tag kLog{"mux"};

std::vector<std::string> shell_argv() {
  const char* shell = std::getenv("SHELL");
  return {shell && *shell ? shell : "/bin/sh"};
}

Rect area_of(const ServerWindow& w) { return Rect{0, 0, w.cols, w.rows}; }

int clamp_size(int v) { return std::clamp(v, 1, vt::kMaxDimension); }

// A pane id no real pane has, for asking a layout where a new pane would go.
constexpr PaneId kProbe = ~PaneId{0};

}  // namespace

Session::Session(pty::IoThread& io, SessionOptions options)
    : io_(io), options_(std::move(options)) {}

Session::~Session() {
  std::vector<net::PaneId> all = order_;
  for (net::PaneId id : all) destroy_pane(id);
}

Result<ServerPane*> Session::start_pane(net::WindowId window, int rows, int cols,
                                        const std::string& cwd,
                                        const std::vector<std::string>& argv,
                                        const std::vector<std::string>& env) {
  pty::PtyPane::Options o;
  o.spawn.argv =
      argv.empty() ? (options_.default_argv.empty() ? shell_argv() : options_.default_argv) : argv;
  o.spawn.size = pty::WindowSize{clamp_size(rows), clamp_size(cols), 0, 0};
  o.spawn.env = options_.env;
  o.spawn.env.insert(o.spawn.env.end(), env.begin(), env.end());
  o.spawn.cwd = cwd;
  o.terminal.rows = o.spawn.size.rows;
  o.terminal.cols = o.spawn.size.cols;
  o.terminal.scrollback_lines = options_.scrollback_lines;
  // XTGETTCAP's TN says what TERM the program got (the last TERM= wins, as in execve).
  for (const std::vector<std::string>* list :
       {static_cast<const std::vector<std::string>*>(&options_.env), &env}) {
    for (const std::string& e : *list) {
      if (e.starts_with("TERM=")) o.terminal.term_name = e.substr(5);
    }
  }
  Result<std::unique_ptr<pty::PtyPane>> pty = pty::PtyPane::spawn(o);
  if (!pty) return pty.error();
  const net::PaneId id = next_id_++;
  ServerPane* pane = nullptr;
  {
    std::lock_guard<std::mutex> guard(map_mutex_);
    pane = &panes_[id];
    pane->id = id;
    pane->window = window;
    pane->pty = std::move(pty.value());
    order_.push_back(id);
  }
  io_.add(pane->pty.get());
  LOG_INFO(kLog, "pane ", id, " started: ", o.spawn.argv[0], " (pid ", pane->pty->pid(), ")");
  return pane;
}

void Session::destroy_pane(net::PaneId id) {
  auto it = panes_.find(id);
  if (it == panes_.end()) return;
  io_.remove(it->second.pty.get());
  std::unique_ptr<pty::PtyPane> doomed;
  {
    std::lock_guard<std::mutex> guard(map_mutex_);
    doomed = std::move(it->second.pty);
    panes_.erase(it);
    order_.erase(std::remove(order_.begin(), order_.end(), id), order_.end());
  }
  // Closing the master hangs up the program; done outside the map lock.
  doomed.reset();
}

ServerWindow* Session::window_of(net::PaneId pane) {
  ServerPane* p = find(pane);
  if (!p) return nullptr;
  auto it = windows_.find(p->window);
  return it == windows_.end() ? nullptr : &it->second;
}

ServerPane* Session::find(net::PaneId pane) {
  auto it = panes_.find(pane);
  return it == panes_.end() ? nullptr : &it->second;
}

void Session::place_tab(ServerWindow& window, const Tab& tab) {
  for (const PanePlacement& p : tab.layout.place(area_of(window))) {
    ServerPane* pane = find(p.pane);
    if (!pane || p.rect.rows <= 0 || p.rect.cols <= 0) continue;
    Result<void> r = pane->pty->resize(pty::WindowSize{p.rect.rows, p.rect.cols, 0, 0});
    if (!r) LOG_WARN(kLog, "pane ", p.pane, ": resize: ", r.error().message);
    ++pane->changes;
  }
}

Result<net::Spawned> Session::spawn(const net::Spawn& request, Events& events) {
  net::WindowId window_id = request.window;
  if (window_id != 0 && !windows_.count(window_id))
    return make_error("no window " + std::to_string(window_id));
  const bool new_window = window_id == 0;
  int rows = request.rows, cols = request.cols;
  if (new_window) {
    window_id = next_id_++;
  } else {
    rows = windows_.at(window_id).rows;
    cols = windows_.at(window_id).cols;
  }
  Result<ServerPane*> pane =
      start_pane(window_id, rows, cols, request.cwd, request.argv, request.env);
  if (!pane) return pane.error();
  if (new_window) {
    ServerWindow& w = windows_[window_id];
    w.id = window_id;
    w.rows = clamp_size(rows);
    w.cols = clamp_size(cols);
  }
  ServerWindow& w = windows_.at(window_id);
  const net::TabId tab = next_id_++;
  w.tabs.add(tab, pane.value()->id);
  events.push_back(net::TabEvent{net::TabEvent::Kind::added, window_id, tab, {}});
  events.push_back(net::PaneEvent{net::PaneEvent::Kind::added, pane.value()->id, tab, 0});
  return net::Spawned{request.request_id, window_id, tab, pane.value()->id};
}

Result<net::Spawned> Session::split(const net::Split& request, Events& events) {
  ServerWindow* w = window_of(request.pane);
  Tab* tab = w ? w->tabs.tab_of(request.pane) : nullptr;
  if (!tab) return make_error("no pane " + std::to_string(request.pane));
  const SplitAxis axis =
      request.axis == net::SplitAxis::horizontal ? SplitAxis::horizontal : SplitAxis::vertical;
  const double ratio = std::clamp(request.ratio_permille, uint16_t{50}, uint16_t{950}) / 1000.0;
  // The new pane starts at its place in the split, so its program never sees a
  // temporary size: split the pane's current rectangle the way the layout will.
  Rect rect{0, 0, w->cols, w->rows};
  for (const PanePlacement& p : tab->layout.place(area_of(*w))) {
    if (p.pane != request.pane) continue;
    Layout local(request.pane);
    local.split(request.pane, kProbe, axis, ratio);
    for (const PanePlacement& q : local.place(p.rect))
      if (q.pane == kProbe) rect = q.rect;
  }
  Result<ServerPane*> pane = start_pane(w->id, std::max(rect.rows, 1), std::max(rect.cols, 1),
                                        request.cwd, request.argv, {});
  if (!pane) return pane.error();
  const net::PaneId added = pane.value()->id;
  tab->layout.split(request.pane, added, axis, ratio);
  tab->active_pane = added;
  tab->zoomed.reset();
  w->tabs.touch(*tab);
  place_tab(*w, *tab);
  events.push_back(net::PaneEvent{net::PaneEvent::Kind::added, added, tab->id, 0});
  events.push_back(net::TabEvent{net::TabEvent::Kind::relayout, w->id, tab->id, {}});
  return net::Spawned{request.request_id, w->id, tab->id, added};
}

void Session::detach_from_tab(net::PaneId pane, Events& events) {
  ServerWindow* w = window_of(pane);
  if (!w) return;
  Tab* tab = w->tabs.tab_of(pane);
  if (!tab) return;
  const net::TabId tab_id = tab->id;
  const bool tab_closed = w->tabs.remove_pane(pane);
  if (tab_closed) {
    events.push_back(net::TabEvent{net::TabEvent::Kind::closed, w->id, tab_id, {}});
    if (w->tabs.empty()) windows_.erase(w->id);
  } else if (Tab* t = w->tabs.find(tab_id)) {
    place_tab(*w, *t);
    events.push_back(net::TabEvent{net::TabEvent::Kind::relayout, w->id, tab_id, {}});
  }
}

bool Session::close(net::PaneId pane, Events& events) {
  ServerPane* p = find(pane);
  if (!p) return false;
  const net::TabId tab = [&] {
    ServerWindow* w = window_of(pane);
    Tab* t = w ? w->tabs.tab_of(pane) : nullptr;
    return t ? t->id : net::TabId{0};
  }();
  events.push_back(net::PaneEvent{net::PaneEvent::Kind::closed, pane, tab, 0});
  detach_from_tab(pane, events);
  destroy_pane(pane);
  LOG_INFO(kLog, "pane ", pane, " closed");
  return true;
}

void Session::reap(Events& events) {
  std::vector<net::PaneId> exited;
  for (net::PaneId id : order_)
    if (panes_.at(id).pty->exited()) exited.push_back(id);
  for (net::PaneId id : exited) {
    const int status = panes_.at(id).pty->exit_status();
    ServerWindow* w = window_of(id);
    Tab* t = w ? w->tabs.tab_of(id) : nullptr;
    events.push_back(
        net::PaneEvent{net::PaneEvent::Kind::exited, id, t ? t->id : net::TabId{0}, status});
    LOG_INFO(kLog, "pane ", id, " exited with status ", status);
    close(id, events);
  }
}

Result<net::Spawned> Session::move(const net::MovePane& request, Events& events) {
  ServerPane* p = find(request.pane);
  ServerWindow* from = window_of(request.pane);
  if (!p || !from) return make_error("no pane " + std::to_string(request.pane));
  ServerWindow* to = from;
  Tab* target = nullptr;
  if (request.to_tab != 0) {
    for (auto& [id, w] : windows_) {
      if (Tab* t = w.tabs.find(request.to_tab)) {
        to = &w;
        target = t;
      }
    }
    if (!target) return make_error("no tab " + std::to_string(request.to_tab));
    if (target->layout.contains(request.pane))
      return net::Spawned{request.request_id, to->id, target->id, request.pane};
  }
  const net::WindowId to_id = to->id;
  const net::TabId target_id = target ? target->id : 0;
  detach_from_tab(request.pane, events);  // may close `from` (and invalidate pointers)
  auto wit = windows_.find(to_id);
  if (wit == windows_.end()) {
    // The pane was the last of its window and asked for a new tab there: the window
    // lives on with it.
    ServerWindow& w = windows_[to_id];
    w.id = to_id;
    wit = windows_.find(to_id);
  }
  ServerWindow& w = wit->second;
  p->window = to_id;
  net::TabId tab_id = target_id;
  if (target_id == 0) {
    tab_id = next_id_++;
    w.tabs.add(tab_id, request.pane);
    events.push_back(net::TabEvent{net::TabEvent::Kind::added, to_id, tab_id, {}});
  } else {
    Tab* t = w.tabs.find(target_id);
    t->layout.split(t->active_pane, request.pane, SplitAxis::horizontal);
    t->active_pane = request.pane;
    w.tabs.touch(*t);
    events.push_back(net::TabEvent{net::TabEvent::Kind::relayout, to_id, tab_id, {}});
  }
  if (Tab* t = w.tabs.find(tab_id)) place_tab(w, *t);
  return net::Spawned{request.request_id, to_id, tab_id, request.pane};
}

bool Session::activate(net::PaneId pane, Events& events) {
  ServerWindow* w = window_of(pane);
  if (!w) return false;
  Tab* tab = w->tabs.tab_of(pane);
  if (!tab) return false;
  const bool tab_changed = &w->tabs.active() != tab;
  const bool pane_changed = tab->active_pane != pane;
  if (!tab_changed && !pane_changed) return true;
  const TabId tab_id = tab->id;
  w->tabs.activate_pane(pane);
  if (tab_changed)
    events.push_back(net::TabEvent{net::TabEvent::Kind::activated, w->id, tab_id, {}});
  if (pane_changed)
    events.push_back(net::PaneEvent{net::PaneEvent::Kind::focused, pane, tab_id, 0});
  return true;
}

bool Session::rename_tab(net::TabId tab, const std::string& title, Events& events) {
  for (auto& [wid, w] : windows_) {
    if (Tab* t = w.tabs.find(tab)) {
      if (t->user_title == title) return true;
      t->user_title = title;
      w.tabs.touch(*t);
      events.push_back(net::TabEvent{net::TabEvent::Kind::retitled, wid, tab, title});
      return true;
    }
  }
  return false;
}

net::PaneList Session::list() const {
  net::PaneList out;
  for (const auto& [wid, w] : windows_) {
    const Rect area = area_of(w);
    for (size_t i = 0; i < w.tabs.tabs().size(); ++i) {
      const Tab& t = w.tabs.tabs()[i];
      net::TabInfo info;
      info.window = wid;
      info.tab = t.id;
      info.active_pane = t.active_pane;
      info.zoomed = t.zoomed;
      info.title = t.user_title;
      info.active = i == w.tabs.active_index();
      out.tabs.push_back(std::move(info));
      std::vector<PanePlacement> placed =
          t.zoomed ? std::vector<PanePlacement>{{*t.zoomed, area}} : t.layout.place(area);
      for (PaneId id : t.layout.panes()) {
        auto pit = panes_.find(id);
        if (pit == panes_.end()) continue;
        net::PaneInfo p;
        p.pane = id;
        p.tab = t.id;
        for (const PanePlacement& pl : placed) {
          if (pl.pane != id) continue;
          p.top = pl.rect.row;
          p.left = pl.rect.col;
          p.rows = pl.rect.rows;
          p.cols = pl.rect.cols;
        }
        {
          std::lock_guard<std::mutex> guard(pit->second.pty->mutex());
          const vt::Terminal& term = pit->second.pty->terminal();
          p.title = term.title().substr(0, net::kMaxTitleBytes);
          p.cwd = term.cwd().substr(0, net::kMaxTitleBytes);
        }
        out.panes.push_back(std::move(p));
      }
    }
  }
  return out;
}

bool Session::with_terminal(net::PaneId pane, const std::function<void(vt::Terminal&)>& f) {
  std::lock_guard<std::mutex> guard(map_mutex_);
  auto it = panes_.find(pane);
  if (it == panes_.end()) return false;
  std::lock_guard<std::mutex> pane_guard(it->second.pty->mutex());
  f(it->second.pty->terminal());
  return true;
}

}  // namespace cadence::mux
