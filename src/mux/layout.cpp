// The split tree (see layout.hpp).
#include "mux/layout.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace cadence::mux {

struct Layout::Node {
  // A leaf holds a pane; a split holds two children.
  PaneId pane = 0;
  SplitAxis axis = SplitAxis::horizontal;
  double ratio = 0.5;
  std::unique_ptr<Node> first;
  std::unique_ptr<Node> second;
  Node* parent = nullptr;

  bool leaf() const { return !first; }
};

namespace {

using Node = Layout::Node;

// The cells the first child gets out of `span` (border excluded).
int first_share(int span, double ratio) {
  const int available = span - 1;
  if (available < 2) return std::max(0, available);
  const int share = static_cast<int>(std::lround(available * ratio));
  return std::clamp(share, 1, available - 1);
}

std::pair<Rect, Rect> divide(const Node& n, Rect r) {
  Rect a = r;
  Rect b = r;
  if (n.axis == SplitAxis::horizontal) {
    a.cols = first_share(r.cols, n.ratio);
    b.col = r.col + a.cols + 1;
    b.cols = std::max(0, r.cols - a.cols - 1);
  } else {
    a.rows = first_share(r.rows, n.ratio);
    b.row = r.row + a.rows + 1;
    b.rows = std::max(0, r.rows - a.rows - 1);
  }
  return {a, b};
}

Node* find(Node* n, PaneId pane) {
  if (!n) return nullptr;
  if (n->leaf()) return n->pane == pane ? n : nullptr;
  if (Node* f = find(n->first.get(), pane)) return f;
  return find(n->second.get(), pane);
}

void walk(const Node& n, Rect r, const std::function<void(const Node&, Rect)>& visit) {
  visit(n, r);
  if (n.leaf()) return;
  auto [a, b] = divide(n, r);
  walk(*n.first, a, visit);
  walk(*n.second, b, visit);
}

// The rectangle a node occupies within the area.
Rect rect_of(const Node& root, const Node* target, Rect area) {
  Rect found;
  walk(root, area, [&](const Node& n, Rect r) {
    if (&n == target) found = r;
  });
  return found;
}

// Length of the overlap of [a, a+al) and [b, b+bl).
int overlap(int a, int al, int b, int bl) {
  return std::max(0, std::min(a + al, b + bl) - std::max(a, b));
}

}  // namespace

Layout::Layout(PaneId first) : root_(std::make_unique<Node>()) { root_->pane = first; }
Layout::~Layout() = default;
Layout::Layout(Layout&&) noexcept = default;
Layout& Layout::operator=(Layout&&) noexcept = default;

bool Layout::split(PaneId target, PaneId added, SplitAxis axis, double ratio) {
  Node* leaf = find(root_.get(), target);
  if (!leaf) return false;
  // The leaf becomes the split; its pane moves into the first child.
  auto first = std::make_unique<Node>();
  first->pane = leaf->pane;
  first->parent = leaf;
  auto second = std::make_unique<Node>();
  second->pane = added;
  second->parent = leaf;
  leaf->axis = axis;
  leaf->ratio = std::clamp(ratio, 0.05, 0.95);
  leaf->first = std::move(first);
  leaf->second = std::move(second);
  leaf->pane = 0;
  return true;
}

bool Layout::remove(PaneId pane) {
  Node* leaf = find(root_.get(), pane);
  if (!leaf || !leaf->parent) return false;
  Node* parent = leaf->parent;
  // The sibling replaces the parent in place (keeping the parent's own parent link).
  std::unique_ptr<Node> sibling =
      parent->first.get() == leaf ? std::move(parent->second) : std::move(parent->first);
  if (sibling->first) {
    // Children of the sibling keep pointing at the node object that now lives in
    // `parent`'s slot, so move the sibling's fields into `parent` instead.
    parent->axis = sibling->axis;
    parent->ratio = sibling->ratio;
    parent->pane = 0;
    parent->first = std::move(sibling->first);
    parent->second = std::move(sibling->second);
    parent->first->parent = parent;
    parent->second->parent = parent;
  } else {
    parent->pane = sibling->pane;
    parent->first.reset();
    parent->second.reset();
  }
  return true;
}

bool Layout::contains(PaneId pane) const { return find(root_.get(), pane) != nullptr; }

size_t Layout::size() const { return panes().size(); }

std::vector<PaneId> Layout::panes() const {
  std::vector<PaneId> out;
  walk(*root_, Rect{}, [&](const Node& n, Rect) {
    if (n.leaf()) out.push_back(n.pane);
  });
  return out;
}

std::vector<PanePlacement> Layout::place(Rect area) const {
  std::vector<PanePlacement> out;
  walk(*root_, area, [&](const Node& n, Rect r) {
    if (n.leaf()) out.push_back({n.pane, r});
  });
  return out;
}

std::vector<Border> Layout::borders(Rect area) const {
  std::vector<Border> out;
  walk(*root_, area, [&](const Node& n, Rect r) {
    if (n.leaf()) return;
    auto [a, b] = divide(n, r);
    if (n.axis == SplitAxis::horizontal) {
      if (r.cols > a.cols) out.push_back({r.col + a.cols, r.row, r.rows, true});
    } else {
      if (r.rows > a.rows) out.push_back({r.col, r.row + a.rows, r.cols, false});
    }
  });
  return out;
}

std::optional<PaneId> Layout::neighbor(PaneId from, Direction direction, Rect area) const {
  const std::vector<PanePlacement> placed = place(area);
  const auto self = std::find_if(placed.begin(), placed.end(),
                                 [&](const PanePlacement& p) { return p.pane == from; });
  if (self == placed.end()) return std::nullopt;
  const Rect s = self->rect;
  std::optional<PaneId> best;
  int best_shared = 0;
  for (const PanePlacement& p : placed) {
    if (p.pane == from) continue;
    const Rect& o = p.rect;
    int shared = 0;
    switch (direction) {
      case Direction::left:
        if (o.col + o.cols + 1 == s.col) shared = overlap(o.row, o.rows, s.row, s.rows);
        break;
      case Direction::right:
        if (s.col + s.cols + 1 == o.col) shared = overlap(o.row, o.rows, s.row, s.rows);
        break;
      case Direction::up:
        if (o.row + o.rows + 1 == s.row) shared = overlap(o.col, o.cols, s.col, s.cols);
        break;
      case Direction::down:
        if (s.row + s.rows + 1 == o.row) shared = overlap(o.col, o.cols, s.col, s.cols);
        break;
    }
    if (shared > best_shared) {
      best_shared = shared;
      best = p.pane;
    }
  }
  return best;
}

bool Layout::resize_pane(PaneId pane, Direction direction, int cells, Rect area) {
  const SplitAxis axis = direction == Direction::left || direction == Direction::right
                             ? SplitAxis::horizontal
                             : SplitAxis::vertical;
  Node* n = find(root_.get(), pane);
  while (n && n->parent && n->parent->axis != axis) n = n->parent;
  if (!n || !n->parent) return false;
  Node* split = n->parent;
  const Rect r = rect_of(*root_, split, area);
  const int span = axis == SplitAxis::horizontal ? r.cols : r.rows;
  const int available = span - 1;
  if (available < 2) return false;
  const int now = first_share(span, split->ratio);
  const int delta = direction == Direction::right || direction == Direction::down ? cells : -cells;
  const int wanted = std::clamp(now + delta, 1, available - 1);
  split->ratio = static_cast<double>(wanted) / available;
  return true;
}

}  // namespace cadence::mux
