// One row of cells as it lives on the screen.
//
// `version` is the terminal's modification sequence number at the row's last change:
// whoever consumes rows (the renderer, a remote client) remembers the highest version it
// has seen and asks only for rows newer than that.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "vt/cell.hpp"

namespace cadence::vt {

enum class LineSize : uint8_t { normal = 0, double_width, double_top, double_bottom };

struct Line {
  std::vector<Cell> cells;
  uint64_t version = 0;
  // The text continues on the next row: the row ended by autowrap, not by a newline.
  bool wrapped = false;
  LineSize size = LineSize::normal;
  // No cell at or beyond `extent` holds anything but a default blank. Writers that know
  // how far they wrote (printing) raise it to that; every other writer goes through
  // Terminal::touch(), which sets it to the row's width. It lets the two per-scroll
  // costs, finding a row's used part and clearing it for reuse, skip the blank right
  // side of the row instead of scanning it.
  int extent = 0;

  // Every row that scrolls in is reset, so this is on the hot path.
  void reset(int cols, StyleId fill, uint64_t v) {
    // Reusing a row of the same width with a default fill: only the written part needs
    // clearing.
    int end = fill == 0 && static_cast<int>(cells.size()) == cols ? std::min(extent, cols) : cols;
    cells.resize(static_cast<size_t>(cols));
    fill_words(reinterpret_cast<uint64_t*>(cells.data()), static_cast<size_t>(end),
               as_word(Cell{0, fill, 1, 0}));
    extent = fill == 0 ? 0 : cols;
    wrapped = false;
    size = LineSize::normal;
    version = v;
  }
  // Index one past the last cell that holds text or a non-default style.
  int used() const {
    return used_cells(cells.data(), std::min(extent, static_cast<int>(cells.size())));
  }
  // The same for the first `n` cells of any array.
  static int used_cells(const Cell* cells, int n) {
    const uint64_t blank = as_word(Cell{});
    const uint64_t* words = reinterpret_cast<const uint64_t*>(cells);
    // Four cells per step: rows are mostly blank on the right.
    while (n >= 4 && ((words[n - 1] ^ blank) | (words[n - 2] ^ blank) | (words[n - 3] ^ blank) |
                      (words[n - 4] ^ blank)) == 0)
      n -= 4;
    while (n > 0 && words[n - 1] == blank) --n;
    return n;
  }
  // out[0, n) = word: cells as 64-bit words, sixteen bytes a store where SSE2 exists
  // (the compiler's own loop stores one word or one vector per iteration). Lengths vary
  // from row to row, so what is left after the last full block is covered by one more
  // block ending at n, overlapping stores already made, rather than by a loop whose
  // exit would be mispredicted.
  static void fill_words(uint64_t* out, size_t n, uint64_t word) {
#if defined(__SSE2__)
    const __m128i w = _mm_set1_epi64x(static_cast<long long>(word));
    auto store2 = [&](size_t at) { _mm_storeu_si128(reinterpret_cast<__m128i*>(out + at), w); };
    if (n >= 8) {
      for (size_t i = 0; i + 8 <= n; i += 8) {
        store2(i);
        store2(i + 2);
        store2(i + 4);
        store2(i + 6);
      }
      store2(n - 8);
      store2(n - 6);
      store2(n - 4);
      store2(n - 2);
    } else if (n >= 2) {
      store2(0);
      if (n >= 4) store2(2);
      if (n >= 6) store2(4);
      store2(n - 2);
    } else if (n == 1) {
      out[0] = word;
    }
#else
    for (size_t i = 0; i < n; ++i) out[i] = word;
#endif
  }
  static uint64_t as_word(const Cell& cell) {
    uint64_t w;
    std::memcpy(&w, &cell, sizeof w);
    return w;
  }
};

}  // namespace cadence::vt
