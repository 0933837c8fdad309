// TerminalWindow attached to a mux server (`cadence connect`): its tabs and panes are
// the server's, shown through a mux::MuxClient.
//
// The client's network thread publishes each remote pane's screen; this thread only
// takes the latest one at the start of a frame (paint) and never waits for the network.
// The server's tab and pane list (Topology) is followed here: when its version moves,
// the window's TabSet is rebuilt from it, and each tab's split tree is recovered from the
// panes' rectangles (a guillotine cut: every split tree's rectangles can be cut by one
// full-length border into two groups, recursively), so the local layout code sizes the
// panes and sends their resizes like it resizes local ptys.
//
// Credit: after every presented frame, and after a wake that brought nothing visible,
// the client is told, so the server keeps sending; without it the server coalesces.
#include <variant>

#include "ui/terminal_window_impl.hpp"

namespace cadence::ui::detail {
namespace {

const log::Tag kLog{"ui"};

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

// Rebuilds the split tree of `group` (panes whose rectangles tile a region) below the
// leaf `anchor`, the group's top-left pane, which holds the whole region now.
void rebuild_splits(mux::Layout& layout, std::vector<const mux::RemotePane*> group,
                    mux::PaneId anchor, const std::map<mux::RemotePaneId, mux::PaneId>& ids) {
  if (group.size() < 2) return;
  int left = INT32_MAX, top = INT32_MAX, right = 0, bottom = 0;
  for (const mux::RemotePane* p : group) {
    left = std::min(left, p->left);
    top = std::min(top, p->top);
    right = std::max(right, p->left + p->cols);
    bottom = std::max(bottom, p->top + p->rows);
  }
  // A column (then a row) that no pane crosses divides the group in two.
  for (const bool vertical_cut : {true, false}) {
    const int from = vertical_cut ? left : top;
    const int to = vertical_cut ? right : bottom;
    for (int at = from + 1; at < to; ++at) {
      bool crossed = false;
      bool any_before = false;
      bool any_after = false;
      for (const mux::RemotePane* p : group) {
        const int start = vertical_cut ? p->left : p->top;
        const int end = start + (vertical_cut ? p->cols : p->rows);
        if (start < at && end > at) crossed = true;
        if (end <= at) any_before = true;
        if (start >= at) any_after = true;
      }
      if (crossed || !any_before || !any_after) continue;
      std::vector<const mux::RemotePane*> first;
      std::vector<const mux::RemotePane*> second;
      for (const mux::RemotePane* p : group) {
        ((vertical_cut ? p->left : p->top) < at ? first : second).push_back(p);
      }
      auto top_left = [](const std::vector<const mux::RemotePane*>& g) {
        return *std::min_element(g.begin(), g.end(), [](const auto* a, const auto* b) {
          return std::pair(a->top, a->left) < std::pair(b->top, b->left);
        });
      };
      const mux::PaneId second_anchor = ids.at(top_left(second)->id);
      const int span = to - from;
      // The first group's share of the span without the border, as the server had it.
      int first_extent = 0;
      for (const mux::RemotePane* p : first) {
        const int end = (vertical_cut ? p->left + p->cols : p->top + p->rows) - from;
        first_extent = std::max(first_extent, end);
      }
      const double ratio = span > 1 ? static_cast<double>(first_extent) / (span - 1) : 0.5;
      layout.split(anchor, second_anchor,
                   vertical_cut ? mux::SplitAxis::horizontal : mux::SplitAxis::vertical, ratio);
      rebuild_splits(layout, first, anchor, ids);
      rebuild_splits(layout, second, second_anchor, ids);
      return;
    }
  }
  // Not a guillotine tiling (it should always be): the rest go side by side.
  for (size_t i = 1; i < group.size(); ++i) {
    layout.split(anchor, ids.at(group[i]->id), mux::SplitAxis::horizontal);
  }
}

}  // namespace

Result<void> TerminalWindow::connect_remote() {
  Waker* waker = waker_.get();
  auto client = mux::MuxClient::connect(config_.connect_socket, [waker] { waker->wake(); });
  if (!client) {
    return make_error("cannot attach to the mux server at " + config_.connect_socket + ": " +
                      client.error().message);
  }
  client_ = std::move(client.value());
  LOG_INFO(kLog, "attaching to the mux server at ", config_.connect_socket);
  return {};
}

Pane* TerminalWindow::remote_pane(mux::RemotePaneId id) {
  for (auto& [local, pane] : panes_) {
    if (pane->remote == id) return pane.get();
  }
  return nullptr;
}

void TerminalWindow::sync_remote() {
  for (mux::ClientEvent& event : client_->take_events()) {
    std::visit(Overloaded{
                   [&](const mux::ConnectionChanged& c) {
                     if (c.status.state == mux::ConnectionState::lost) {
                       LOG_WARN(kLog, "the mux server connection was lost: ", c.status.reason);
                       window_->set_title(title_ + " (disconnected)");
                     } else if (c.status.state == mux::ConnectionState::connected) {
                       set_window_title();
                     }
                   },
                   [&](const net::Bell&) {
                     if (!focused_) window_->request_attention();
                     emit_lua("bell");
                   },
                   [&](const net::Clipboard& c) {
                     clipboard_->set(c.selection == net::Clipboard::Selection::primary
                                         ? wayland::SelectionKind::primary
                                         : wayland::SelectionKind::clipboard,
                                     c.data, seats_->last_serial());
                   },
                   [&](const mux::RequestFailed& f) {
                     LOG_WARN(kLog, "the mux server refused a request: ", f.message);
                   },
                   [](const auto&) {},
               },
               event);
  }

  if (client_->topology_version() != topology_seen_) {
    const mux::Topology topology = client_->topology();
    topology_seen_ = topology.version;
    // Local panes here are an SSH domain's console: they give way to the server's.
    const bool any_remote = std::any_of(panes_.begin(), panes_.end(),
                                        [](const auto& p) { return p.second->remote != 0; });
    if (topology.panes.empty()) {
      if (!any_remote && !remote_spawned_) {
        // A server with nothing running: open the first tab there.
        remote_spawned_ = true;
        const mux::Rect area = pane_area();
        client_->spawn(0, area.rows > 0 ? area.rows : 24, area.cols > 0 ? area.cols : 80);
      } else if (any_remote) {
        // Everything was closed on the server: the window goes with its last pane.
        closing_ = true;
        loop_->quit();
        return;
      }
    } else {
      // Panes: new ones get a local id, gone ones are forgotten.
      std::map<mux::RemotePaneId, mux::PaneId> ids;
      for (const mux::RemotePane& rp : topology.panes) {
        Pane* pane = remote_pane(rp.id);
        if (!pane) {
          auto created = std::make_unique<Pane>(colors_);
          created->id = next_id_++;
          created->remote = rp.id;
          created->client = client_.get();
          created->title = rp.title;
          pane = created.get();
          apply_terminal_colors(*pane);
          panes_.emplace(pane->id, std::move(created));
        }
        ids[rp.id] = pane->id;
      }
      std::vector<mux::PaneId> gone;
      for (auto& [local, pane] : panes_) {
        if (pane->remote && !ids.count(pane->remote)) gone.push_back(local);
      }
      for (mux::PaneId local : gone) forget_pane(local);
      // Tabs: rebuilt in the server's order, each split tree from its panes' places.
      mux::TabSet tabs;
      int active_index = -1;
      mux::PaneId active_pane = 0;
      if (!topology.tabs.empty() && remote_window_ == 0) remote_window_ = topology.tabs[0].window;
      for (const mux::RemoteTab& rt : topology.tabs) {
        std::vector<const mux::RemotePane*> group;
        for (const mux::RemotePane& rp : topology.panes) {
          if (rp.tab == rt.id) group.push_back(&rp);
        }
        if (group.empty()) continue;
        const auto* anchor = *std::min_element(group.begin(), group.end(), [](auto* a, auto* b) {
          return std::pair(a->top, a->left) < std::pair(b->top, b->left);
        });
        mux::Tab& tab = tabs.add(rt.id, ids.at(anchor->id));
        rebuild_splits(tab.layout, group, ids.at(anchor->id), ids);
        // Fresh versions: the tab bar's caches must not take this tab for an old one.
        tab.version = ++remote_tab_versions_;
        if (ids.count(rt.active_pane)) tab.active_pane = ids.at(rt.active_pane);
        if (rt.zoomed && ids.count(*rt.zoomed)) tab.zoomed = ids.at(*rt.zoomed);
        tab.user_title = rt.title;
        if (rt.active && active_index < 0) {
          active_index = static_cast<int>(tabs.size()) - 1;
          active_pane = tab.active_pane;
        }
      }
      // Keep the tab this window was looking at when the server still has it.
      if (!tabs_.empty() && tabs.find(tabs_.active().id)) {
        for (size_t i = 0; i < tabs.tabs().size(); ++i) {
          if (tabs.tabs()[i].id == tabs_.active().id) active_index = static_cast<int>(i);
        }
        active_pane = 0;
      }
      tabs_ = std::move(tabs);
      std::vector<mux::PaneId> console;
      for (auto& [local, pane] : panes_) {
        if (!pane->remote) console.push_back(local);
      }
      for (mux::PaneId local : console) forget_pane(local);
      if (active_index >= 0) tabs_.activate(active_index);
      if (active_pane) tabs_.activate_pane(active_pane);
      tab_infos_version_ = ~0ull;
      tab_bar_cols_ = -1;
      layout_dirty_ = true;
      set_window_title();
      dirty_ = true;
    }
  }

  // Screens: a visible pane whose client published something new is drawn again.
  bool visible_news = false;
  for (auto& [local, pane] : panes_) {
    if (!pane->remote) continue;
    std::shared_ptr<const mux::RemoteScreen> screen = client_->screen(pane->remote);
    if (pane->visible && pane->history_missing) {
      // Scrolled back over rows that were on their way: this wake may have brought them.
      visible_news = true;
      dirty_ = true;
    }
    if (!screen || screen->version == pane->screen_drawn) continue;
    if (screen->title != pane->title) {
      pane->title = screen->title;
      if (mux::Tab* tab = tabs_.tab_of(pane->id)) tabs_.touch(*tab);
      set_window_title();
    }
    set_progress(*pane, screen->progress_state, screen->progress_value);
    if (pane->visible) {
      visible_news = true;
      note_dirty(framelog::reason::remote_delta);
      dirty_ = true;
    } else {
      pane->screen_drawn = screen->version;
      if (mux::Tab* tab = tabs_.tab_of(pane->id);
          tab && !tab->unseen_output && tab != &tabs_.active()) {
        tab->unseen_output = true;
        tabs_.touch(*tab);
        dirty_ = true;
      }
    }
  }
  // Nothing to show for it (a background tab): the server still needs its credit back.
  if (!visible_news) client_->presented();
}

void TerminalWindow::remote_pointer(Pane& pane, const wayland::PointerInput& p, int col, int row) {
  using Kind = wayland::PointerInput::Kind;
  if (!pane.screen || !(pane.screen->modes & net::mode::mouse_tracking)) return;
  if (p.kind == Kind::button) {
    buttons_held_ = std::max(0, buttons_held_ + (p.pressed ? 1 : -1));
  }
  net::Mouse m;
  m.pane = pane.remote;
  m.row = row;
  m.col = col;
  const double scale = window_->scale();
  const auto& metrics = renderer_->metrics();
  m.x_px = std::max(0, static_cast<int>(pointer_x_ * scale) - renderer_->geometry().origin_x -
                           pane.rect.col * metrics.cell_width);
  m.y_px = std::max(0, static_cast<int>(pointer_y_ * scale) - renderer_->geometry().origin_y -
                           pane.rect.row * metrics.cell_height);
  m.modifiers = static_cast<uint8_t>(
      p.mods & (wayland::modifier::shift | wayland::modifier::alt | wayland::modifier::ctrl));
  switch (p.kind) {
    case Kind::button:
      if (p.button > 2) return;
      m.kind = p.pressed ? net::Mouse::Kind::press : net::Mouse::Kind::release;
      m.button = static_cast<uint8_t>(p.button);
      break;
    case Kind::motion: m.kind = net::Mouse::Kind::motion; break;
    case Kind::axis:
      if (p.scroll_y == 0) return;
      m.kind = net::Mouse::Kind::wheel;
      m.button = p.scroll_y < 0 ? 0 : 1;
      break;
    default: return;
  }
  client_->mouse(m);
}

void TerminalWindow::note_remote_waits(uint64_t now) {
  if (!client_) return;
  framelog::FrameRecord& rec = frame_rec_;
  for (auto& [local, pane] : panes_) {
    if (!pane->remote || !pane->visible) continue;
    const mux::PaneWaitInfo info = client_->take_wait_info(pane->remote);
    rec.remote_deltas += static_cast<uint32_t>(info.deltas);
    rec.remote_bytes += info.bytes;
    rec.remote_seq = std::max(rec.remote_seq, info.server_version);
    rec.resize_pending = rec.resize_pending || info.resize_pending;
    // Showing the answer to a wait (an input or resize the server handled before taking
    // a delta this frame shows): the content the user asked for is that old, and the
    // frame that shows it is late by that much because of the link. A frame drawn while
    // still waiting is not late for it (it shows nothing of the answer): no share.
    const uint64_t since = info.answered_since_ns;
    if (since != 0 && since < now) {
      rec.network_wait_us =
          std::max(rec.network_wait_us, static_cast<uint32_t>((now - since) / 1000));
      if (dirty_since_ns_ == 0 || since < dirty_since_ns_) dirty_since_ns_ = since;
    }
  }
}

}  // namespace cadence::ui::detail
