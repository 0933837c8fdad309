// One row of cells as it lives on the screen.
//
// `version` is the terminal's modification sequence number at the row's last change:
// whoever consumes rows (the renderer, a remote client) remembers the highest version it
// has seen and asks only for rows newer than that.
#pragma once

#include <cstdint>
#include <vector>

#include "vt/cell.hpp"

namespace cadence::vt {

enum class LineSize : uint8_t { normal = 0, double_width, double_top, double_bottom };

struct Line {
  std::vector<Cell> cells;
  uint64_t version = 0;
  // The text continues on the next row: the row ended by autowrap, not by a newline.
  bool wrapped = false;
  LineSize size = LineSize::normal;

  void reset(int cols, StyleId fill, uint64_t v) {
    cells.assign(static_cast<size_t>(cols), Cell{0, fill, 1, 0});
    wrapped = false;
    size = LineSize::normal;
    version = v;
  }
  // Index one past the last cell that holds text or a non-default style.
  int used() const {
    int n = static_cast<int>(cells.size());
    while (n > 0 && cells[n - 1].cp == 0 && cells[n - 1].style == 0) --n;
    return n;
  }
};

}  // namespace cadence::vt
