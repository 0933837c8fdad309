// A window's tabs: their order, which one is active, and each tab's split tree, active
// pane and zoom.
//
// TabSet is the model only: panes are ids here, and whoever owns the panes (the window,
// for local panes) creates and destroys them around these calls. Keeping it free of ptys
// and GL makes every tab and pane operation testable as plain data.
//
// Versions. version() changes on anything that changes what the tab bar shows (a tab
// added, closed, moved or activated, a title, unseen output); each tab has its own
// version for changes to that tab alone. The tab bar's cache is keyed on them, so it is
// rebuilt only when one of them moved.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mux/layout.hpp"

namespace cadence::mux {

using TabId = uint64_t;

struct Tab {
  TabId id = 0;
  Layout layout;
  PaneId active_pane = 0;
  std::optional<PaneId> zoomed;  // shown alone over the whole tab
  std::string user_title;        // set by rename; empty: the active pane's title
  uint64_t version = 1;
  bool unseen_output = false;  // output arrived while the tab was not active

  Tab(TabId tab, PaneId pane) : id(tab), layout(pane), active_pane(pane) {}
};

class TabSet {
 public:
  // A new tab holding one pane, inserted after the active tab; it becomes active.
  Tab& add(TabId tab, PaneId pane);
  bool empty() const { return tabs_.empty(); }
  size_t size() const { return tabs_.size(); }
  const std::vector<Tab>& tabs() const { return tabs_; }
  Tab& active() { return tabs_[active_]; }
  const Tab& active() const { return tabs_[active_]; }
  size_t active_index() const { return active_; }
  Tab* tab_of(PaneId pane);
  Tab* find(TabId tab);

  // Removes a pane from its tab; the tab closes with its last pane. Returns whether the
  // tab closed.
  bool remove_pane(PaneId pane);
  // Closes the active tab; returns the panes it held (for their owner to destroy).
  std::vector<PaneId> close_active();

  // index from 0; negative counts from the end (-1: the last). False when out of range.
  bool activate(int64_t index);
  void activate_relative(int64_t delta);  // wraps around
  bool activate_pane(PaneId pane);        // its tab and the pane within it
  // The active tab moves to `index` (clamped); relative moves do not wrap.
  void move_active(int64_t index);
  void move_active_relative(int64_t delta);
  void rename_active(std::string title);

  // Splits the active pane; the new pane becomes active (and ends any zoom).
  void split_active(PaneId added, SplitAxis axis);
  // Focus moves to the neighbouring pane; false at the edge.
  bool focus(Direction direction, Rect area);
  bool resize_active(Direction direction, int cells, Rect area);
  // Zoom needs more than one pane; returns whether the tab is zoomed now.
  bool toggle_zoom();

  // The panes of the active tab and where they go in `area` (only the zoomed one while
  // zoomed), and the borders between them.
  std::vector<PanePlacement> visible(Rect area) const;
  std::vector<Border> visible_borders(Rect area) const;

  uint64_t version() const { return version_; }
  // Something about this tab that the tab bar shows changed (its title, unseen output).
  void touch(Tab& tab) {
    ++tab.version;
    ++version_;
  }

 private:
  void changed() { ++version_; }
  std::vector<Tab> tabs_;
  size_t active_ = 0;
  uint64_t version_ = 1;
};

}  // namespace cadence::mux
