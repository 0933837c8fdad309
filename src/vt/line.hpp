// One row of cells as it lives on the screen.
//
// `version` is the terminal's modification sequence number at the row's last change:
// whoever consumes rows (the renderer, a remote client) remembers the highest version it
// has seen and asks only for rows newer than that.
#pragma once

#include <cstdint>
#include <cstring>
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

  // Every row that scrolls in is reset, so this is on the hot path: cells are filled as
  // 64-bit words, which the compiler turns into wide stores.
  void reset(int cols, StyleId fill, uint64_t v) {
    cells.resize(static_cast<size_t>(cols));
    uint64_t word = as_word(Cell{0, fill, 1, 0});
    uint64_t* out = reinterpret_cast<uint64_t*>(cells.data());
    int i = 0;
    for (; i + 4 <= cols; i += 4) out[i] = out[i + 1] = out[i + 2] = out[i + 3] = word;
    for (; i < cols; ++i) out[i] = word;
    wrapped = false;
    size = LineSize::normal;
    version = v;
  }
  // Index one past the last cell that holds text or a non-default style.
  int used() const {
    const uint64_t blank = as_word(Cell{});
    const uint64_t* words = reinterpret_cast<const uint64_t*>(cells.data());
    int n = static_cast<int>(cells.size());
    // Four cells per step: rows are mostly blank on the right.
    while (n >= 4 && ((words[n - 1] ^ blank) | (words[n - 2] ^ blank) | (words[n - 3] ^ blank) |
                      (words[n - 4] ^ blank)) == 0)
      n -= 4;
    while (n > 0 && words[n - 1] == blank) --n;
    return n;
  }
  static uint64_t as_word(const Cell& cell) {
    uint64_t w;
    std::memcpy(&w, &cell, sizeof w);
    return w;
  }
};

}  // namespace cadence::vt
