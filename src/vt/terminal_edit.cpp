// Cursor movement, scrolling, erasing, inserting and deleting, screen switching.
//
// Versions and scrolling: when lines scroll into the history, history_total() grows by
// the same amount, so the rows that stayed keep their stable index and their version;
// only the new blank rows are touched. Any other scroll (a region, the alternate screen,
// margins) moves content between stable rows, so every row it moves is touched.
#include <algorithm>

#include "vt/terminal.hpp"

namespace cadence::vt {

void Terminal::move_to(int row, int col) {
  cursor_.row = std::clamp(row, 0, rows_ - 1);
  cursor_.col = std::clamp(col, 0, cols_ - 1);
  cursor_.pending_wrap = false;
  forget_last_cell();
}

void Terminal::move_to_origin_relative(int row, int col) {
  if (cursor_.origin) {
    row = std::clamp(row + scroll_top_, scroll_top_, scroll_bottom_);
    col = std::clamp(col + left_margin(), left_margin(), right_margin());
  }
  move_to(row, col);
}

void Terminal::cursor_up(int n, bool clamp_to_margin) {
  int limit = clamp_to_margin && cursor_.row >= scroll_top_ ? scroll_top_ : 0;
  move_to(std::max(cursor_.row - n, limit), cursor_.col);
}

void Terminal::cursor_down(int n, bool clamp_to_margin) {
  int limit = clamp_to_margin && cursor_.row <= scroll_bottom_ ? scroll_bottom_ : rows_ - 1;
  move_to(std::min(cursor_.row + n, limit), cursor_.col);
}

// BS, CUB and HPB, as xterm's CursorBack. With a pending wrap the cursor is still in
// the last column, so going back one column lands in the one before it. Reverse
// wraparound (with autowrap on) changes two things: a pending wrap counts as the first
// step back, and the left margin is no boundary. Mode 45 continues at the right margin
// of the row above only while that row was soft-wrapped into this one, and stops at the
// top margin (xterm since 2023; earlier versions crossed any row). Mode 1045 crosses any
// row and goes on from the top margin to the bottom one.
void Terminal::cursor_left(int n) {
  bool rev = modes_.autowrap && modes_.reverse_wraparound;
  bool rev_any = modes_.autowrap && modes_.reverse_wraparound_extended;
  int left = cursor_.col >= left_margin() ? left_margin() : 0;
  int row = cursor_.row;
  int col = cursor_.col;
  if (n > 0 && (rev || rev_any) && cursor_.pending_wrap) --n;
  while (n > 0) {
    if (col > left) {
      int step = std::min(n, col - left);
      col -= step;
      n -= step;
      continue;
    }
    if (rev_any) {
      if (row == scroll_top_)
        row = scroll_bottom_;
      else if (row > 0)
        --row;
      else
        break;
    } else if (rev && row > scroll_top_ && active().row(row - 1).wrapped) {
      --row;
    } else {
      break;
    }
    col = right_margin();
    --n;
  }
  move_to(row, col);
}

void Terminal::cursor_right(int n) {
  move_to(cursor_.row, std::min(cursor_.col + n, right_edge()));
}

void Terminal::index() {
  cursor_.pending_wrap = false;
  bool in_columns = cursor_.col >= left_margin() && cursor_.col <= right_margin();
  if (cursor_.row == scroll_bottom_) {
    if (in_columns) scroll_up(scroll_top_, scroll_bottom_, 1);
  } else if (cursor_.row < rows_ - 1) {
    ++cursor_.row;
  }
  forget_last_cell();
}

void Terminal::linefeed() {
  index();
  if (modes_.newline) carriage_return();
}

void Terminal::reverse_index() {
  cursor_.pending_wrap = false;
  bool in_columns = cursor_.col >= left_margin() && cursor_.col <= right_margin();
  if (cursor_.row == scroll_top_) {
    if (in_columns) scroll_down(scroll_top_, scroll_bottom_, 1);
  } else if (cursor_.row > 0) {
    --cursor_.row;
  }
  forget_last_cell();
}

void Terminal::carriage_return() {
  cursor_.col = cursor_.col >= left_margin() ? left_margin() : 0;
  cursor_.pending_wrap = false;
  forget_last_cell();
}

void Terminal::backspace() { cursor_left(1); }

// HT and CHT. As in xterm, a tab that cannot move the cursor (it is already at the right
// edge) leaves a pending wrap in place: the next character still goes to the next row.
void Terminal::tab_forward(int n) {
  int right = right_edge();
  int col = cursor_.col;
  while (n-- > 0 && col < right) {
    ++col;
    while (col < right && !tabs_[col]) ++col;
  }
  if (col != cursor_.col) cursor_.pending_wrap = false;
  cursor_.col = col;
  forget_last_cell();
}

void Terminal::tab_backward(int n) {
  int left = cursor_.col >= left_margin() ? left_margin() : 0;
  int col = cursor_.col;
  while (n-- > 0 && col > left) {
    --col;
    while (col > left && !tabs_[col]) --col;
  }
  cursor_.col = col;
  cursor_.pending_wrap = false;
  forget_last_cell();
}

void Terminal::reset_tabs() {
  tabs_.assign(static_cast<size_t>(cols_), false);
  for (int c = 8; c < cols_; c += 8) tabs_[c] = true;
}

void Terminal::pack_recent() const {
  if (recent_.empty()) return;
  recent_.for_each([&](const LineRing::Entry& e) {
    scrollback_.push_back(
        PackedLine::pack(e.cells, e.count, e.version, e.wrapped, styles_, clusters_));
  });
  recent_.release();
}

void Terminal::push_to_scrollback(Line& line) {
  ++history_total_;
  if (options_.scrollback_lines == 0) return;
  if (scrollback_size() >= options_.scrollback_lines) {
    if (!scrollback_.empty()) {
      scrollback_.pop_front();
    } else {
      recent_.pop_front();  // it leaves before anyone needed it packed
    }
  }
  const int used = line.used();
  while (!recent_.push(line, used)) {
    // The unpacked part is at its byte limit: the oldest of it is packed to make room.
    LineRing::Entry e = recent_.front();
    scrollback_.push_back(
        PackedLine::pack(e.cells, e.count, e.version, e.wrapped, styles_, clusters_));
    recent_.pop_front();
  }
  // Everything past `used` is blank already, so the reset that follows clears less.
  line.extent = std::min(line.extent, used);
}

void Terminal::scroll_up(int top, int bottom, int n) {
  int requested = n;
  n = std::min(n, bottom - top + 1);
  if (n <= 0) return;
  forget_last_cell();
  StyleId fill = erase_id();
  Screen& s = active();
  if (!full_width_margins()) {
    int left = left_margin(), right = right_margin();
    for (int r = top; r <= bottom; ++r) {
      Line& dst = touch(r);
      if (r + n <= bottom) {
        const Line& src = s.row(r + n);
        std::copy(src.cells.begin() + left, src.cells.begin() + right + 1,
                  dst.cells.begin() + left);
      } else {
        std::fill(dst.cells.begin() + left, dst.cells.begin() + right + 1, Cell{0, fill, 1, 0});
      }
      fix_wide_boundary(dst, left);
      fix_wide_boundary(dst, right);
    }
    return;
  }
  bool to_history = top == 0 && &s == &primary_;
  if (to_history) {
    for (int i = 0; i < n; ++i) push_to_scrollback(s.row(i));
    // Scrolling by more than the region scrolls blank rows through it, and xterm keeps
    // those in the history too: after SU 30 on 24 rows, the old screen is 30 rows up.
    if (requested > n) {
      size_t extra = static_cast<size_t>(requested - n);
      size_t kept = std::min(extra, options_.scrollback_lines);
      history_total_ += extra - kept;
      Line blank;
      for (size_t i = 0; i < kept; ++i) {
        blank.reset(cols_, fill, seq_);
        push_to_scrollback(blank);
      }
    }
  }
  if (top == 0 && bottom == rows_ - 1) {
    // The whole screen: turn the ring.
    for (int i = 0; i < n; ++i) {
      s.row(0).reset(cols_, fill, seq_);
      s.top = (s.top + 1) % rows_;
    }
    if (!to_history)
      for (int r = 0; r < rows_; ++r) touch(r);
    return;
  }
  for (int r = top; r + n <= bottom; ++r) {
    std::swap(s.row(r), s.row(r + n));
    s.row(r).version = seq_;
  }
  for (int r = bottom - n + 1; r <= bottom; ++r) s.row(r).reset(cols_, fill, seq_);
  // Rows below a region that fed the history stay where they are on screen, but every
  // stable row moved up under them: to a consumer keyed by stable row they are new.
  if (to_history)
    for (int r = bottom + 1; r < rows_; ++r) s.row(r).version = seq_;
}

void Terminal::scroll_down(int top, int bottom, int n) {
  n = std::min(n, bottom - top + 1);
  if (n <= 0) return;
  forget_last_cell();
  StyleId fill = erase_id();
  Screen& s = active();
  if (!full_width_margins()) {
    int left = left_margin(), right = right_margin();
    for (int r = bottom; r >= top; --r) {
      Line& dst = touch(r);
      if (r - n >= top) {
        const Line& src = s.row(r - n);
        std::copy(src.cells.begin() + left, src.cells.begin() + right + 1,
                  dst.cells.begin() + left);
      } else {
        std::fill(dst.cells.begin() + left, dst.cells.begin() + right + 1, Cell{0, fill, 1, 0});
      }
      fix_wide_boundary(dst, left);
      fix_wide_boundary(dst, right);
    }
    return;
  }
  for (int r = bottom; r - n >= top; --r) {
    std::swap(s.row(r), s.row(r - n));
    s.row(r).version = seq_;
  }
  for (int r = top; r < top + n; ++r) s.row(r).reset(cols_, fill, seq_);
}

// Writing over half of a wide character destroys the other half too.
void Terminal::fix_wide_boundary(Line& line, int col) {
  int n = static_cast<int>(line.cells.size());
  if (col < 0 || col >= n) return;
  Cell& cell = line.cells[col];
  if (cell.is_wide_tail()) {
    cell = Cell{0, cell.style, 1, 0};
    if (col > 0 && line.cells[col - 1].width == 2)
      line.cells[col - 1] = Cell{0, line.cells[col - 1].style, 1, 0};
  } else if (cell.width == 2) {
    if (col + 1 < n && line.cells[col + 1].is_wide_tail())
      line.cells[col + 1] = Cell{0, cell.style, 1, 0};
    cell = Cell{0, cell.style, 1, 0};
  }
}

void Terminal::erase_cells(int row, int from, int to, bool selective) {
  from = std::max(from, 0);
  to = std::min(to, cols_);
  if (from >= to) return;
  Line& line = touch(row);
  fix_wide_boundary(line, from);
  fix_wide_boundary(line, to - 1);
  StyleId fill = erase_id();
  for (int c = from; c < to; ++c) {
    if (selective && styles_.get(line.cells[c].style).has(attr::protect)) continue;
    line.cells[c] = Cell{0, fill, 1, 0};
  }
  // A row erased to its end no longer continues onto the next one.
  if (to == cols_) line.wrapped = false;
}

void Terminal::erase_display(int mode, bool selective) {
  cursor_.pending_wrap = false;
  switch (mode) {
    case 0:
      erase_cells(cursor_.row, cursor_.col, cols_, selective);
      for (int r = cursor_.row + 1; r < rows_; ++r) erase_cells(r, 0, cols_, selective);
      break;
    case 1:
      for (int r = 0; r < cursor_.row; ++r) erase_cells(r, 0, cols_, selective);
      erase_cells(cursor_.row, 0, cursor_.col + 1, selective);
      break;
    case 2:
      for (int r = 0; r < rows_; ++r) erase_cells(r, 0, cols_, selective);
      break;
    case 3:
      scrollback_.clear();
      recent_.release();
      // Cached copies of the history (a remote client's) must go too.
      ++history_epoch_;
      break;
    default: break;
  }
}

void Terminal::erase_line(int mode, bool selective) {
  cursor_.pending_wrap = false;
  switch (mode) {
    case 0: erase_cells(cursor_.row, cursor_.col, cols_, selective); break;
    case 1: erase_cells(cursor_.row, 0, cursor_.col + 1, selective); break;
    case 2: erase_cells(cursor_.row, 0, cols_, selective); break;
    default: break;
  }
}

void Terminal::insert_cells(int n) {
  int left = left_margin(), right = right_margin();
  if (cursor_.col < left || cursor_.col > right) return;
  cursor_.pending_wrap = false;
  Line& line = touch(cursor_.row);
  int col = cursor_.col;
  n = std::min(n, right - col + 1);
  fix_wide_boundary(line, col);
  fix_wide_boundary(line, right);
  std::copy_backward(line.cells.begin() + col, line.cells.begin() + right + 1 - n,
                     line.cells.begin() + right + 1);
  StyleId fill = erase_id();
  std::fill(line.cells.begin() + col, line.cells.begin() + col + n, Cell{0, fill, 1, 0});
  fix_wide_boundary(line, right);
  if (line.cells[right].width == 2) line.cells[right] = Cell{0, line.cells[right].style, 1, 0};
  line.wrapped = false;
}

void Terminal::delete_cells(int n) {
  int left = left_margin(), right = right_margin();
  if (cursor_.col < left || cursor_.col > right) return;
  cursor_.pending_wrap = false;
  Line& line = touch(cursor_.row);
  int col = cursor_.col;
  n = std::min(n, right - col + 1);
  fix_wide_boundary(line, col);
  fix_wide_boundary(line, col + n - 1);
  fix_wide_boundary(line, right);
  std::copy(line.cells.begin() + col + n, line.cells.begin() + right + 1, line.cells.begin() + col);
  StyleId fill = erase_id();
  std::fill(line.cells.begin() + right + 1 - n, line.cells.begin() + right + 1,
            Cell{0, fill, 1, 0});
  line.wrapped = false;
}

void Terminal::insert_lines(int n) {
  if (cursor_.row < scroll_top_ || cursor_.row > scroll_bottom_) return;
  if (cursor_.col < left_margin() || cursor_.col > right_margin()) return;
  scroll_down(cursor_.row, scroll_bottom_, n);
  cursor_.col = left_margin();
  cursor_.pending_wrap = false;
}

void Terminal::delete_lines(int n) {
  if (cursor_.row < scroll_top_ || cursor_.row > scroll_bottom_) return;
  if (cursor_.col < left_margin() || cursor_.col > right_margin()) return;
  // Deleted lines are gone, not history: scroll as if the region did not start at row 0.
  int top = cursor_.row;
  Screen& s = active();
  if (top == 0 && &s == &primary_ && full_width_margins()) {
    int count = std::min(n, scroll_bottom_ - top + 1);
    for (int r = top; r + count <= scroll_bottom_; ++r) {
      std::swap(s.row(r), s.row(r + count));
      s.row(r).version = seq_;
    }
    StyleId fill = erase_id();
    for (int r = scroll_bottom_ - count + 1; r <= scroll_bottom_; ++r)
      s.row(r).reset(cols_, fill, seq_);
  } else {
    scroll_up(top, scroll_bottom_, n);
  }
  cursor_.col = left_margin();
  cursor_.pending_wrap = false;
}

void Terminal::fill_screen_with_e() {
  StyleId fill = 0;
  for (int r = 0; r < rows_; ++r) {
    Line& line = touch(r);
    line.reset(cols_, fill, seq_);
    for (Cell& c : line.cells) c.cp = 'E';
    line.extent = cols_;
  }
  scroll_top_ = 0;
  scroll_bottom_ = rows_ - 1;
  modes_.left_right_margins = false;
  margin_left_ = 0;
  margin_right_ = cols_ - 1;
  cursor_.origin = false;
  move_to(0, 0);
}

void Terminal::clear_screen(Screen& screen) {
  for (Line& l : screen.lines) l.reset(cols_, 0, seq_);
  screen.top = 0;
}

void Terminal::set_alt_screen(bool on, bool clear_alt, bool save) {
  if (on == is_alt_screen()) {
    if (on && clear_alt) clear_screen(alt_);
    return;
  }
  forget_last_cell();
  if (on) {
    if (save) save_cursor();
    active_ = &alt_;
    if (clear_alt) clear_screen(alt_);
  } else {
    if (clear_alt) clear_screen(alt_);
    active_ = &primary_;
    if (save) restore_cursor();
  }
  modes_.alt_screen = on;
  for (int r = 0; r < rows_; ++r) touch(r);
}

void Terminal::save_cursor() {
  active().saved = cursor_;
  active().saved.autowrap = modes_.autowrap;
  active().has_saved = true;
}

void Terminal::restore_cursor() {
  Screen& s = active();
  if (s.has_saved) {
    cursor_ = s.saved;
    modes_.autowrap = s.saved.autowrap;
  } else {
    cursor_ = CursorState{};
  }
  cursor_.row = std::clamp(cursor_.row, 0, rows_ - 1);
  cursor_.col = std::clamp(cursor_.col, 0, cols_ - 1);
  pen_id_valid_ = false;
  forget_last_cell();
}

void Terminal::soft_reset() {
  modes_.insert = false;
  cursor_.origin = false;
  modes_.origin = false;
  modes_.autowrap = true;
  modes_.cursor_visible = true;
  modes_.cursor_keys_application = false;
  modes_.keypad_application = false;
  modes_.left_right_margins = false;
  scroll_top_ = 0;
  scroll_bottom_ = rows_ - 1;
  margin_left_ = 0;
  margin_right_ = cols_ - 1;
  cursor_.pen = Style{};
  cursor_.charsets = Charsets{};
  cursor_.pending_wrap = false;
  pen_id_valid_ = false;
  current_link_ = 0;
  primary_.has_saved = alt_.has_saved = false;
}

}  // namespace cadence::vt
