// A tab's split tree: which pane sits where, in cells.
//
// Panes are laid out on the cell grid, never between cells, with a one-cell border
// between siblings (as tmux does). That keeps a window's panes one grid of cells: the
// renderer draws the whole window as one grid and a pane is a rectangle of it, so a split
// costs nothing per frame and text stays on the pixel grid of its font.
//
// The tree is binary: a split node divides its rectangle between two children along one
// axis, giving the first child `ratio` of the cells that remain after the border. Ratios
// rather than cell counts are kept so a window resize scales every pane in proportion;
// resize_pane() moves a border by whole cells by adjusting the ratio of the nearest split
// on that axis.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace cadence::mux {

using PaneId = uint64_t;

struct Rect {
  int col = 0;
  int row = 0;
  int cols = 0;
  int rows = 0;
  bool contains(int c, int r) const {
    return c >= col && c < col + cols && r >= row && r < row + rows;
  }
  friend bool operator==(const Rect&, const Rect&) = default;
};

// horizontal: side by side (the new pane to the right); vertical: stacked (below).
enum class SplitAxis : uint8_t { horizontal, vertical };
enum class Direction : uint8_t { left, right, up, down };

struct PanePlacement {
  PaneId pane = 0;
  Rect rect;
};

// A border: a run of cells between two siblings.
struct Border {
  int col = 0;
  int row = 0;
  int length = 0;
  bool vertical = false;  // a column of cells (between side-by-side panes)
};

class Layout {
 public:
  explicit Layout(PaneId first);
  ~Layout();
  Layout(Layout&&) noexcept;
  Layout& operator=(Layout&&) noexcept;

  // Splits `target`'s rectangle; `added` takes the right (horizontal) or bottom half.
  // False when target is not in this layout.
  bool split(PaneId target, PaneId added, SplitAxis axis, double ratio = 0.5);
  // Removes a pane; its sibling takes its space. False when it is the last pane or absent.
  bool remove(PaneId pane);
  bool contains(PaneId pane) const;
  size_t size() const;
  // In tree order: left/top first.
  std::vector<PaneId> panes() const;

  // Each pane's rectangle within `area`, and the borders between them. A pane can get a
  // zero-sized rectangle when the area is too small to show it.
  std::vector<PanePlacement> place(Rect area) const;
  std::vector<Border> borders(Rect area) const;

  // The pane next to `from` in a direction: among the panes touching that side of it,
  // the one sharing the most cells with it along the side. None at the edge.
  std::optional<PaneId> neighbor(PaneId from, Direction direction, Rect area) const;

  // Moves the border on `direction`'s side of the pane by `cells` (right/down grow the
  // left/top child). False when no split on that axis contains the pane.
  bool resize_pane(PaneId pane, Direction direction, int cells, Rect area);

  struct Node;  // public so the implementation's helpers can name it; defined in layout.cpp

 private:
  std::unique_ptr<Node> root_;
};

}  // namespace cadence::mux
