// Terminal: construction, feeding, printing, C0/C1 controls and escape sequences.
// Control sequences are in terminal_csi.cpp, strings (OSC/DCS) in terminal_osc.cpp,
// editing and scrolling in terminal_edit.cpp, resizing in reflow.cpp.
#include "vt/terminal.hpp"

#include <algorithm>

#include "base/check.hpp"
#include "vt/ascii.hpp"
#include "vt/utf8.hpp"

namespace cadence::vt {
namespace {

// DEC special graphics for 0x5f..0x7e (the line-drawing set).
constexpr char32_t kDecGraphics[32] = {
    0x00a0, 0x25c6, 0x2592, 0x2409, 0x240c, 0x240d, 0x240a, 0x00b0, 0x00b1, 0x2424, 0x240b,
    0x2518, 0x2510, 0x250c, 0x2514, 0x253c, 0x23ba, 0x23bb, 0x2500, 0x23bc, 0x23bd, 0x251c,
    0x2524, 0x2534, 0x252c, 0x2502, 0x2264, 0x2265, 0x03c0, 0x2260, 0x00a3, 0x00b7,
};

int clamp_dimension(int v) { return std::clamp(v, 1, kMaxDimension); }

}  // namespace

Terminal::Terminal(Options options) : options_(options) {
  rows_ = clamp_dimension(options.rows);
  cols_ = clamp_dimension(options.cols);
  for (Screen* s : {&primary_, &alt_}) {
    s->lines.resize(static_cast<size_t>(rows_));
    for (Line& l : s->lines) l.reset(cols_, 0, seq_);
  }
  scroll_bottom_ = rows_ - 1;
  margin_right_ = cols_ - 1;
  palette_.assign(kPaletteSize, -1);
  ++palette_version_;
  reset_tabs();
}

Terminal::~Terminal() = default;

void Terminal::feed(std::string_view bytes) {
  ++seq_;
  parser_.feed(bytes.data(), bytes.size());
}

void Terminal::set_default_cursor(CursorShape shape, bool blinking) {
  default_cursor_shape_ = shape;
  default_cursor_blink_ = blinking;
  if (!cursor_style_from_program_) {
    cursor_shape_ = shape;
    cursor_blink_style_ = blinking;
  }
  ++seq_;
}

void Terminal::reset() {
  ++seq_;
  parser_.reset();
  set_alt_screen(false, false, false);
  modes_ = Modes{};
  cursor_ = CursorState{};
  primary_.has_saved = alt_.has_saved = false;
  pen_id_valid_ = false;
  cursor_shape_ = default_cursor_shape_;
  cursor_blink_style_ = default_cursor_blink_;
  cursor_style_from_program_ = false;
  scroll_top_ = 0;
  scroll_bottom_ = rows_ - 1;
  margin_left_ = 0;
  margin_right_ = cols_ - 1;
  reset_tabs();
  clear_screen(primary_);
  clear_screen(alt_);
  title_.clear();
  icon_title_.clear();
  title_stack_.clear();
  current_link_ = 0;
  palette_.assign(kPaletteSize, -1);
  ++palette_version_;
  kitty_flags_primary_.clear();
  kitty_flags_alt_.clear();
  conformance_level_ = 65;
  forget_last_cell();
  last_printed_ = 0;
}

// The pen's style id, and the id erased cells get: the pen's background only (xterm's
// "background colour erase"), without attributes or a link. Both are interned once per
// pen change, not per cell or per scrolled line.
StyleId Terminal::intern_pen() {
  Style pen = cursor_.pen;
  pen.link = current_link_;
  Style erase;
  erase.bg = pen.bg;
  if (!styles_.intern(pen, pen_id_) || !styles_.intern(erase, erase_id_)) {
    compact_tables();
    if (!styles_.intern(pen, pen_id_)) pen_id_ = 0;
    if (!styles_.intern(erase, erase_id_)) erase_id_ = 0;
  }
  pen_id_valid_ = true;
  return pen_id_;
}

std::string Terminal::cell_text(const Cell& cell) const {
  std::string out;
  if (cell.cp == 0 || cell.is_wide_tail()) return out;
  if (cell.is_cluster()) {
    if (clusters_.contains(cell.cp))
      for (char32_t cp : clusters_.get(cell.cp)) append_utf8(out, cp);
    return out;
  }
  append_utf8(out, cell.cp);
  return out;
}

std::string Terminal::row_text(Row row) const {
  std::string out;
  const Line& line = active().row(row.get());
  for (const Cell& cell : line.cells) {
    if (cell.is_wide_tail()) continue;
    if (cell.cp == 0)
      out.push_back(' ');
    else
      out += cell_text(cell);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

const Hyperlink* Terminal::hyperlink(uint32_t id) const {
  return id >= 1 && id <= links_.size() ? &links_[id - 1] : nullptr;
}

int Terminal::kitty_keyboard_flags() const {
  const std::vector<int>& stack = is_alt_screen() ? kitty_flags_alt_ : kitty_flags_primary_;
  return stack.empty() ? 0 : stack.back();
}

size_t Terminal::scrollback_heap_bytes() const {
  size_t total = 0;
  for (const PackedLine& l : scrollback_) total += l.heap_bytes();
  total += recent_.heap_bytes();
  return total;
}

// ---- printing ----

// The hot path: printable ASCII straight from the input. Whole runs are copied into the
// row at once; anything that needs per-character care (a character set other than
// ASCII, insert mode, a character that joins the previous cluster) takes print().
void Terminal::print_ascii(const char* text, size_t length) {
  const Charsets& cs = cursor_.charsets;
  if (cs.g[cs.gl] != 'B' || cs.single_shift >= 0 || modes_.insert) [[unlikely]] {
    for (size_t i = 0; i < length; ++i) print(static_cast<unsigned char>(text[i]));
    return;
  }
  size_t i = 0;
  // Only the first character can extend the previous cluster, and only after a
  // Prepend; print() sorts that out.
  if (last_cell_valid_ && modes_.grapheme_clustering && !segmenter_.breaks_before_ascii())
      [[unlikely]] {
    print(static_cast<unsigned char>(text[0]));
    if (++i == length) return;
  }
  const uint64_t upper = (uint64_t{pen_id()} << 32) | (uint64_t{1} << 48);
  while (i < length) {
    resolve_pending_wrap();
    const int right = right_edge();
    int col = std::min(cursor_.col, right);
    size_t n = std::min<size_t>(static_cast<size_t>(right - col + 1), length - i);
    if (!modes_.autowrap && n < length - i) [[unlikely]] {
      // Without autowrap everything past the margin lands on the last column, so only
      // the run's last character survives there.
      Line& line = touch(cursor_.row);
      fix_wide_boundary(line, col);
      fix_wide_boundary(line, right);
      ascii::widen(reinterpret_cast<uint64_t*>(line.cells.data() + col),
                   reinterpret_cast<const unsigned char*>(text + i), n - 1, upper);
      line.cells[right] = Cell{static_cast<unsigned char>(text[length - 1]),
                               static_cast<StyleId>(upper >> 32), 1, 0};
      cursor_.col = right;
      last_cell_row_ = cursor_.row;
      last_cell_col_ = right;
      break;
    }
    const int end = col + static_cast<int>(n);
    // +1: mending a wide character cut at the run's end may blank the cell after it.
    Line& line = touch_upto(cursor_.row, end + 1);
    // Only a wide character's halves need mending; a narrow cell is simply overwritten.
    if (line.cells[col].width != 1) fix_wide_boundary(line, col);
    if (line.cells[end - 1].width != 1) fix_wide_boundary(line, end - 1);
    // Cells as 64-bit words (cell.hpp's layout): code point | style << 32 | width << 48.
    ascii::widen(reinterpret_cast<uint64_t*>(line.cells.data() + col),
                 reinterpret_cast<const unsigned char*>(text + i), n, upper);
    i += n;
    last_cell_row_ = cursor_.row;
    last_cell_col_ = end - 1;
    if (end > right) {
      cursor_.col = right;
      cursor_.pending_wrap = modes_.autowrap;
    } else {
      cursor_.col = end;
    }
  }
  last_printed_ = static_cast<unsigned char>(text[length - 1]);
  last_printed_width_ = 1;
  last_cell_valid_ = true;
  segmenter_.reset();
  segmenter_.feed(last_printed_);
}

// Room on a normal row, no wrap pending, no insert mode.
[[gnu::always_inline]] inline bool Terminal::put_char_fast(char32_t cp, int width) {
  if (!cursor_.pending_wrap && !modes_.insert) [[likely]] {
    Line& line = active_->row(cursor_.row);
    const int right = cursor_.col <= right_margin() ? right_margin() : cols_ - 1;
    const int col = cursor_.col;
    if (line.size == LineSize::normal && col + width - 1 <= right) [[likely]] {
      const StyleId style = pen_id();
      line.version = seq_;
      // +1: mending a wide character cut by this one may blank the cell after it.
      line.extent = std::max(line.extent, col + width + 1);
      Cell* cells = line.cells.data();
      if (cells[col].width != 1) fix_wide_boundary(line, col);
      if (width == 2 && cells[col + 1].width != 1) fix_wide_boundary(line, col + 1);
      cells[col] = Cell{cp, style, static_cast<uint8_t>(width), 0};
      if (width == 2) cells[col + 1] = Cell{0, style, 0, 0};
      last_cell_valid_ = true;
      last_cell_row_ = cursor_.row;
      last_cell_col_ = col;
      last_printed_ = cp;
      last_printed_width_ = width;
      if (col + width > right) {
        cursor_.col = right;
        cursor_.pending_wrap = modes_.autowrap;
      } else {
        cursor_.col = col + width;
      }
      return true;
    }
  }
  return false;
}

// One code point after character-set mapping: it joins the cluster before it or takes
// cells of its own.
[[gnu::always_inline]] inline void Terminal::print_mapped(char32_t cp) {
  const unicode::Properties props(cp);
  if (modes_.grapheme_clustering && last_cell_valid_) {
    if (!segmenter_.feed(props)) {
      attach_to_previous(cp);
      return;
    }
  } else {
    segmenter_.reset();
    segmenter_.feed(props);
  }
  const int width = props.width();
  if (width == 0) {
    attach_to_previous(cp);
    return;
  }
  if (!put_char_fast(cp, width)) [[unlikely]]
    put_char_slow(cp, width);
}

void Terminal::print(char32_t cp) {
  Charsets& cs = cursor_.charsets;
  bool via_gr = cs.gr >= 0 && cp > 0xa0 && cp < 0xff && !parser_.utf8();
  if (cp < 0x80 || via_gr) {
    char set;
    if (via_gr) {
      set = cs.g[cs.gr];
      cp -= 0x80;
    } else {
      set = cs.single_shift >= 0 ? cs.g[cs.single_shift] : cs.g[cs.gl];
      cs.single_shift = -1;
    }
    if (set == '0' && cp >= 0x5f && cp <= 0x7e)
      cp = kDecGraphics[cp - 0x5f];
    else if (set == 'A' && cp == '#')
      cp = 0x00a3;
  }
  print_mapped(cp);
}

// Runs of decoded text: per character, print() without its character-set mapping. The
// sets are checked once per run; with the default ones (ASCII in GL, no single shift,
// nothing mapped through GR) there is nothing to map.
void Terminal::print_codepoints(const char32_t* cps, size_t count) {
  const Charsets& cs = cursor_.charsets;
  if (cs.g[cs.gl] != 'B' || cs.single_shift >= 0 || (cs.gr >= 0 && !parser_.utf8())) [[unlikely]] {
    for (size_t i = 0; i < count; ++i) print(cps[i]);
    return;
  }
  size_t i = 0;
  while (i < count) {
    i = print_row_run(cps, i, count);
    // What the run stopped at (a wrap, a cluster continuation, a wide character to
    // mend) takes the general path.
    if (i < count) print_mapped(cps[i++]);
  }
}

// Writes cps[i..] while each code point fits on the cursor's row, either in cells of its
// own (without mending a wide character) or joining the cluster of a cell this run
// wrote through a cached cluster step; returns where it stopped. The row, column and
// segmenter live in locals for the loop, and cells are stored as 64-bit words: stores
// through Cell's byte-sized fields may alias any member, which made the compiler reload
// the terminal's state after every character.
size_t Terminal::print_row_run(const char32_t* cps, size_t i, size_t count) {
  if (cursor_.pending_wrap || modes_.insert) return i;
  Line& line = active_->row(cursor_.row);
  if (line.size != LineSize::normal) return i;
  const int right = cursor_.col <= right_margin() ? right_margin() : cols_ - 1;
  const bool clustering = modes_.grapheme_clustering;
  const uint64_t style = uint64_t{pen_id()} << 32;
  uint64_t* cells = reinterpret_cast<uint64_t*>(line.cells.data());
  unicode::Segmenter segmenter = segmenter_;
  bool joinable = clustering && last_cell_valid_;
  int col = cursor_.col;
  int last_col = -1;  // the cell this run wrote last
  int reach = 0;      // Line::extent needed: one past what a cluster step may touch
  for (; i < count; ++i) {
    const char32_t cp = cps[i];
    const unicode::Properties props = property_cache_(cp);
    const int width = props.width();
    unicode::Segmenter next = segmenter;
    if (!joinable) next.reset();
    const bool starts_cluster = next.feed(props) || !joinable;
    if (!starts_cluster || width == 0) {
      // Joins the last cell (attach_to_previous): here only when this run wrote that
      // cell and the step is cached, and not for VS16 widening a narrow character.
      if (last_col < 0) break;
      const char32_t from = static_cast<char32_t>(cells[last_col]);
      const ClusterStep& step = cluster_steps_[(from * 31 + cp) & (kClusterSteps - 1)];
      if (step.from != from || step.mark != cp || step.to == 0) break;
      if (cp == 0xfe0f && col - last_col == 1) break;
      segmenter = next;
      cells[last_col] = (cells[last_col] & 0xffffffff00000000ull) | step.to;
      reach = std::max(reach, last_col + 3);
      continue;
    }
    if (col + width - 1 > right) break;
    // A wide character's half in the way needs mending (fix_wide_boundary).
    if (((cells[col] >> 48) & 0xff) != 1) break;
    if (width == 2 && ((cells[col + 1] >> 48) & 0xff) != 1) break;
    segmenter = next;
    cells[col] = style | (uint64_t{static_cast<uint8_t>(width)} << 48) | cp;
    if (width == 2) cells[col + 1] = style;  // the right half: no code point, width 0
    last_col = col;
    col += width;
    joinable = clustering;
    if (col > right) {
      ++i;
      // A mark after the last column still joins its cell: the next run or the
      // general path sees it with the wrap pending.
      break;
    }
  }
  if (last_col < 0) return i;
  line.version = seq_;
  // +1: as put_char, room for the cell a cut wide character would have blanked.
  line.extent = std::max({line.extent, col + 1, reach});
  segmenter_ = segmenter;
  last_cell_valid_ = true;
  last_cell_row_ = cursor_.row;
  last_cell_col_ = last_col;
  last_printed_ = static_cast<char32_t>(cells[last_col]);
  last_printed_width_ = col - last_col;
  if (col > right) {
    cursor_.col = right;
    cursor_.pending_wrap = modes_.autowrap;
  } else {
    cursor_.col = col;
  }
  return i;
}

void Terminal::put_char(char32_t cp, int width) {
  if (!put_char_fast(cp, width)) put_char_slow(cp, width);
}

void Terminal::put_char_slow(char32_t cp, int width) {
  resolve_pending_wrap();
  int right = right_edge();
  cursor_.col = std::min(cursor_.col, right);
  if (width == 2 && cursor_.col == right) {
    if (modes_.autowrap && right > left_margin()) {
      // No room for both halves: the character moves to the next row, as xterm does.
      touch(cursor_.row).cells[cursor_.col] = Cell{0, pen_id(), 1, 0};
      wrap_line();
      right = right_edge();
    } else {
      width = 1;  // squeezed: better half a glyph than none
    }
  }
  if (modes_.insert) insert_cells(width);
  StyleId style = pen_id();
  int col = cursor_.col;
  Line& line = touch_upto(cursor_.row, col + width + 1);
  fix_wide_boundary(line, col);
  if (width == 2) fix_wide_boundary(line, col + 1);
  line.cells[col] = Cell{cp, style, static_cast<uint8_t>(width), 0};
  if (width == 2) line.cells[col + 1] = Cell{0, style, 0, 0};
  last_cell_valid_ = true;
  last_cell_row_ = cursor_.row;
  last_cell_col_ = col;
  last_printed_ = cp;
  last_printed_width_ = width;
  col += width;
  if (col > right) {
    cursor_.col = right;
    cursor_.pending_wrap = modes_.autowrap;
  } else {
    cursor_.col = col;
  }
}

// A code point that continues the grapheme cluster of the last written cell (or, with
// nothing written since the cursor moved, of the cell left of the cursor).
void Terminal::attach_to_previous(char32_t cp) {
  int row = last_cell_row_;
  int col = last_cell_col_;
  if (!last_cell_valid_) {
    row = cursor_.row;
    col = cursor_.pending_wrap ? cursor_.col : cursor_.col - 1;
    if (col < 0) return;
  }
  Line& line = active_->row(row);
  if (col >= static_cast<int>(line.cells.size())) return;
  if (line.cells[col].is_wide_tail() && col > 0) --col;
  Cell& cell = line.cells[col];
  if (cell.cp == 0) return;
  // Text with combining marks attaches the same few marks to the same few bases over
  // and over: remember recent (cluster so far, mark) -> cluster steps, so the common
  // case neither builds a string nor hashes one.
  ClusterStep& step = cluster_steps_[(cell.cp * 31 + cp) & (kClusterSteps - 1)];
  char32_t id = 0;
  if (step.from == cell.cp && step.mark == cp && step.to != 0) {
    id = step.to;
  } else {
    std::u32string cluster;
    if (cell.is_cluster()) {
      if (!clusters_.contains(cell.cp)) return;
      cluster = clusters_.get(cell.cp);
    } else {
      cluster.assign(1, cell.cp);
    }
    if (cluster.size() >= 32) return;  // a cluster this long is an attack, not text
    cluster.push_back(cp);
    id = clusters_.intern(cluster);
    if (!id) {
      compact_tables();
      id = clusters_.intern(cluster);
      if (!id) return;
    } else {
      step = ClusterStep{cell.cp, cp, id};
    }
  }
  // +3: the cell, the right half VS16 may add, and the cell a cut wide character left.
  Line& target = touch_upto(row, col + 3);
  Cell& c = target.cells[col];
  c.cp = id;
  // REP repeats the preceding character, which here is the whole cluster.
  last_printed_ = id;
  // VS16 asks for emoji presentation: a narrow base becomes wide when there is room.
  if (cp == 0xfe0f && c.width == 1 && col + 1 <= right_margin()) {
    fix_wide_boundary(target, col + 1);
    target.cells[col + 1] = Cell{0, c.style, 0, 0};
    c.width = 2;
    if (row == cursor_.row && cursor_.col == col + 1 && !cursor_.pending_wrap) {
      if (col + 2 > right_margin()) {
        cursor_.col = right_margin();
        cursor_.pending_wrap = modes_.autowrap;
      } else {
        cursor_.col = col + 2;
      }
    }
  }
  last_printed_width_ = c.width;
  last_cell_valid_ = true;
  last_cell_row_ = row;
  last_cell_col_ = col;
}

// A character is about to be printed: a pending wrap happens now (or, without
// autowrap, is forgotten and the character overwrites the last column).
void Terminal::resolve_pending_wrap() {
  if (!cursor_.pending_wrap) return;
  if (modes_.autowrap)
    wrap_line();
  else
    cursor_.pending_wrap = false;
}

void Terminal::wrap_line() {
  touch(cursor_.row).wrapped = true;
  cursor_.pending_wrap = false;
  if (cursor_.row == scroll_bottom_)
    scroll_up(scroll_top_, scroll_bottom_, 1);
  else if (cursor_.row < rows_ - 1)
    ++cursor_.row;
  cursor_.col = left_margin();
}

// ---- controls ----

void Terminal::execute(uint8_t c) {
  switch (c) {
    case 0x05:  // ENQ: no answerback message
      break;
    case 0x07: observer_->on_bell(); break;
    case 0x08: backspace(); break;
    case 0x09: tab_forward(1); break;
    case 0x0a:
    case 0x0b:
    case 0x0c: linefeed(); break;
    case 0x0d: carriage_return(); break;
    case 0x0e:  // SO: G1 into GL
      cursor_.charsets.gl = 1;
      break;
    case 0x0f:  // SI: G0 into GL
      cursor_.charsets.gl = 0;
      break;
    case 0x84:  // IND
      index();
      break;
    case 0x85:  // NEL
      index();
      carriage_return();
      break;
    case 0x88:  // HTS
      if (cursor_.col < cols_) tabs_[cursor_.col] = true;
      break;
    case 0x8d:  // RI
      reverse_index();
      break;
    case 0x8e:  // SS2
      cursor_.charsets.single_shift = 2;
      break;
    case 0x8f:  // SS3
      cursor_.charsets.single_shift = 3;
      break;
    case 0x9a:  // DECID: answers like DA1
      reply("\x1b[?62;22c");
      break;
    default: break;
  }
  if (c != 0x0e && c != 0x0f && c != 0x8e && c != 0x8f && c != 0x07) forget_last_cell();
}

void Terminal::esc_dispatch(const Params& params, uint8_t final) {
  forget_last_cell();
  char inter = params.intermediate();
  if (inter == 0) {
    switch (final) {
      case '7': save_cursor(); return;
      case '8': restore_cursor(); return;
      case 'c': reset(); return;
      case '=': modes_.keypad_application = true; return;
      case '>': modes_.keypad_application = false; return;
      case 'n': cursor_.charsets.gl = 2; return;
      case 'o': cursor_.charsets.gl = 3; return;
      case '~':  // LS1R
        cursor_.charsets.gr = 1;
        return;
      case '}':  // LS2R
        cursor_.charsets.gr = 2;
        return;
      case '|':  // LS3R
        cursor_.charsets.gr = 3;
        return;
      default: return;
    }
  }
  if (params.intermediate_count == 1) {
    switch (inter) {
      case '(':
      case ')':
      case '*':
      case '+': {
        int slot = inter == '(' ? 0 : inter == ')' ? 1 : inter == '*' ? 2 : 3;
        if (final == '0' || final == 'B' || final == 'A')
          cursor_.charsets.g[slot] = static_cast<char>(final);
        return;
      }
      case '#':
        if (final == '8') {
          fill_screen_with_e();
        } else if (final >= '3' && final <= '6') {
          Line& line = touch(cursor_.row);
          line.size = final == '3'   ? LineSize::double_top
                      : final == '4' ? LineSize::double_bottom
                      : final == '6' ? LineSize::double_width
                                     : LineSize::normal;
        }
        return;
      default: return;
    }
  }
}

uint32_t default_palette(int index) {
  static constexpr uint32_t kBase[16] = {
      0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
      0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
  };
  if (index < 16) return kBase[index < 0 ? 0 : index];
  if (index < 232) {
    int i = index - 16;
    auto level = [](int v) { return v ? 55 + v * 40 : 0; };
    return static_cast<uint32_t>(level(i / 36) << 16 | level((i / 6) % 6) << 8 | level(i % 6));
  }
  if (index < 256) {
    uint32_t v = static_cast<uint32_t>(8 + (index - 232) * 10);
    return v << 16 | v << 8 | v;
  }
  return 0;
}

}  // namespace cadence::vt
