// A window's tabs (see tab_set.hpp).
#include "mux/tab_set.hpp"

#include <algorithm>

namespace cadence::mux {

Tab& TabSet::add(TabId tab, PaneId pane) {
  const size_t at = tabs_.empty() ? 0 : active_ + 1;
  tabs_.insert(tabs_.begin() + static_cast<std::ptrdiff_t>(at), Tab(tab, pane));
  active_ = at;
  changed();
  return tabs_[at];
}

Tab* TabSet::tab_of(PaneId pane) {
  for (Tab& t : tabs_) {
    if (t.layout.contains(pane)) return &t;
  }
  return nullptr;
}

Tab* TabSet::find(TabId tab) {
  for (Tab& t : tabs_) {
    if (t.id == tab) return &t;
  }
  return nullptr;
}

bool TabSet::remove_pane(PaneId pane) {
  for (size_t i = 0; i < tabs_.size(); ++i) {
    Tab& t = tabs_[i];
    if (!t.layout.contains(pane)) continue;
    if (t.layout.size() > 1) {
      // The pane that takes the space is the one focus goes to: the first in tree order
      // of what remains is a fair stand-in for "the sibling".
      t.layout.remove(pane);
      if (t.zoomed == pane || t.layout.size() == 1) t.zoomed.reset();
      if (t.active_pane == pane) t.active_pane = t.layout.panes().front();
      touch(t);
      return false;
    }
    tabs_.erase(tabs_.begin() + static_cast<std::ptrdiff_t>(i));
    if (active_ > i || active_ >= tabs_.size()) active_ = active_ == 0 ? 0 : active_ - 1;
    changed();
    return true;
  }
  return false;
}

std::vector<PaneId> TabSet::close_active() {
  if (tabs_.empty()) return {};
  std::vector<PaneId> panes = tabs_[active_].layout.panes();
  tabs_.erase(tabs_.begin() + static_cast<std::ptrdiff_t>(active_));
  // Focus goes to the tab on the left (to the new first tab when the first closed).
  if (active_ > 0) --active_;
  if (active_ >= tabs_.size() && !tabs_.empty()) active_ = tabs_.size() - 1;
  changed();
  return panes;
}

bool TabSet::activate(int64_t index) {
  const auto n = static_cast<int64_t>(tabs_.size());
  if (index < 0) index += n;
  if (index < 0 || index >= n) return false;
  if (static_cast<size_t>(index) != active_) {
    active_ = static_cast<size_t>(index);
    tabs_[active_].unseen_output = false;
    changed();
  }
  return true;
}

void TabSet::activate_relative(int64_t delta) {
  const auto n = static_cast<int64_t>(tabs_.size());
  if (n == 0) return;
  activate(((static_cast<int64_t>(active_) + delta) % n + n) % n);
}

bool TabSet::activate_pane(PaneId pane) {
  for (size_t i = 0; i < tabs_.size(); ++i) {
    if (!tabs_[i].layout.contains(pane)) continue;
    activate(static_cast<int64_t>(i));
    if (tabs_[i].active_pane != pane) {
      tabs_[i].active_pane = pane;
      touch(tabs_[i]);
    }
    return true;
  }
  return false;
}

void TabSet::move_active(int64_t index) {
  if (tabs_.empty()) return;
  const auto last = static_cast<int64_t>(tabs_.size()) - 1;
  const auto to = static_cast<size_t>(std::clamp<int64_t>(index, 0, last));
  if (to == active_) return;
  Tab moving = std::move(tabs_[active_]);
  tabs_.erase(tabs_.begin() + static_cast<std::ptrdiff_t>(active_));
  tabs_.insert(tabs_.begin() + static_cast<std::ptrdiff_t>(to), std::move(moving));
  active_ = to;
  changed();
}

void TabSet::move_active_relative(int64_t delta) {
  move_active(static_cast<int64_t>(active_) + delta);
}

void TabSet::rename_active(std::string title) {
  if (tabs_.empty() || tabs_[active_].user_title == title) return;
  tabs_[active_].user_title = std::move(title);
  touch(tabs_[active_]);
}

void TabSet::split_active(PaneId added, SplitAxis axis) {
  Tab& t = active();
  t.layout.split(t.active_pane, added, axis);
  t.active_pane = added;
  t.zoomed.reset();
  touch(t);
}

bool TabSet::focus(Direction direction, Rect area) {
  Tab& t = active();
  if (t.zoomed) return false;
  const std::optional<PaneId> next = t.layout.neighbor(t.active_pane, direction, area);
  if (!next) return false;
  t.active_pane = *next;
  touch(t);
  return true;
}

bool TabSet::resize_active(Direction direction, int cells, Rect area) {
  Tab& t = active();
  if (t.zoomed) return false;
  return t.layout.resize_pane(t.active_pane, direction, cells, area);
}

bool TabSet::toggle_zoom() {
  Tab& t = active();
  if (t.zoomed) {
    t.zoomed.reset();
  } else if (t.layout.size() > 1) {
    t.zoomed = t.active_pane;
  }
  touch(t);
  return t.zoomed.has_value();
}

std::vector<PanePlacement> TabSet::visible(Rect area) const {
  if (tabs_.empty()) return {};
  const Tab& t = active();
  if (t.zoomed) return {PanePlacement{*t.zoomed, area}};
  return t.layout.place(area);
}

std::vector<Border> TabSet::visible_borders(Rect area) const {
  if (tabs_.empty() || active().zoomed) return {};
  return active().layout.borders(area);
}

}  // namespace cadence::mux
