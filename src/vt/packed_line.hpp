// A line as the scrollback keeps it: text and styles inline in one allocation.
//
// Scrollback is where a terminal's memory goes, so lines are packed when they leave the
// screen: the text as UTF-8 (one byte per ASCII cell) and the styles as runs that store
// only their non-default fields. A typical coloured 200-column line takes about 2.1
// bytes per cell (bench/bench_vt.cpp measures it), against 8 for a live row.
//
// Text encoding, cell by cell up to used():
//   0x00                 a blank cell (never written)
//   0x01 <cluster>       a wide cell; its right half is implied
//   <cp> (0x02 <cp>)*    a cell's grapheme cluster, extra code points prefixed by 0x02
// These markers cannot collide with text: control characters never enter a cell.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "vt/line.hpp"
#include "vt/style_table.hpp"

namespace cadence::vt {

class PackedLine {
 public:
  PackedLine() = default;
  PackedLine(PackedLine&&) noexcept = default;
  PackedLine& operator=(PackedLine&&) noexcept = default;

  static PackedLine pack(const Line& line, const StyleTable& styles, const ClusterTable& clusters) {
    return pack(line.cells.data(), line.used(), line.version, line.wrapped, styles, clusters);
  }
  // The same from the first `count` cells of an array (trailing blanks are dropped).
  static PackedLine pack(const Cell* cells, int count, uint64_t version, bool wrapped,
                         const StyleTable& styles, const ClusterTable& clusters);

  // Writes the line into `out` (resized to max(cols, used())); styles and clusters are
  // interned into the tables. Returns false if a table was full (the cell then falls
  // back to the default style or U+FFFD).
  bool unpack(Line& out, int cols, StyleTable& styles, ClusterTable& clusters) const;

  // Calls f(cluster_utf8, width, style) for each cell up to used(); wide tails skipped.
  template <typename F>
  void for_each_cell(F&& f) const;

  int used() const { return used_; }
  bool wrapped() const { return flags_ & kWrapped; }
  void set_wrapped(bool w) { flags_ = w ? (flags_ | kWrapped) : (flags_ & ~kWrapped); }
  uint64_t version() const { return version_; }
  void set_version(uint64_t v) { version_ = v; }
  // Plain UTF-8 text, blanks as spaces, trailing blanks dropped.
  std::string text() const;
  // Heap bytes held (the allocation, not counting this object).
  size_t heap_bytes() const { return size_; }

 private:
  static constexpr uint8_t kWrapped = 1;
  std::unique_ptr<uint8_t[]> data_;
  uint64_t version_ = 0;
  uint32_t size_ = 0;
  uint32_t text_size_ = 0;
  uint16_t used_ = 0;
  uint8_t flags_ = 0;
};

// Decodes one cell's text from the packed stream; used by the template below.
namespace packed {
struct CellRef {
  const char* text;
  uint32_t length;
  uint8_t width;  // 0 = blank, 1, 2
};
// Reads the cell at `pos` in text [pos, end); returns the next position.
uint32_t next_cell(const uint8_t* data, uint32_t pos, uint32_t end, CellRef& cell);
// Reads one style run at `pos`; returns the next position.
uint32_t next_run(const uint8_t* data, uint32_t pos, uint32_t& cells, Style& style);
}  // namespace packed

template <typename F>
void PackedLine::for_each_cell(F&& f) const {
  uint32_t tpos = 0;
  uint32_t rpos = text_size_;
  uint32_t run_left = 0;
  Style style;
  int col = 0;
  while (col < used_ && tpos < text_size_) {
    packed::CellRef cell;
    tpos = packed::next_cell(data_.get(), tpos, text_size_, cell);
    Style lead;
    for (int k = 0; k < (cell.width == 2 ? 2 : 1); ++k) {
      while (run_left == 0 && rpos < size_)
        rpos = packed::next_run(data_.get(), rpos, run_left, style);
      if (run_left) --run_left;
      if (k == 0) lead = style;
    }
    f(std::string_view(cell.text, cell.length), cell.width, lead);
    col += cell.width == 2 ? 2 : 1;
  }
}

}  // namespace cadence::vt
