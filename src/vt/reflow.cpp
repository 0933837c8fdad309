// Resizing: reflow of soft-wrapped lines on the primary screen, and table compaction.
//
// The primary screen and its scrollback are one sequence of rows; rows ending in an
// autowrap are joined into logical lines and split again at the new width. Decisions:
// - The first row on screen stays first: the screen keeps showing the text it showed,
//   and the cursor keeps its place in its logical line.
// - Rows that reflow does not change (one-row lines that fit the new width, the common
//   case in a scrollback, and every row when only the height changes) are neither
//   unpacked nor re-versioned, so a resize costs what actually changed and a remote
//   client is sent only rows it does not have. A reflow moves stable rows (joined and
//   split lines change the count above), so it bumps history_epoch(): a consumer keyed by
//   stable row must then take the rows again, versions alone no longer identify them.
// - The alternate screen is cut or padded and all its rows are re-versioned: its stable
//   rows follow the primary screen's history, which the same resize may have moved.
// - Shrinking the height drops blank rows below the cursor first, then moves rows from
//   the top into the scrollback; growing it brings rows back from the scrollback.
// - The alternate screen never reflows and never feeds the scrollback.
#include <algorithm>
#include <unordered_map>

#include "vt/terminal.hpp"

namespace cadence::vt {
namespace {

bool is_blank(const Line& line) { return line.used() == 0; }

// Splits `cells` (one logical line) into rows of `cols`, never across a wide character.
void split_logical(const std::vector<Cell>& cells, int cols, uint64_t version,
                   std::vector<Line>& out) {
  size_t i = 0;
  do {
    Line row;
    row.cells.assign(static_cast<size_t>(cols), Cell{});
    row.extent = cols;
    row.version = version;
    int c = 0;
    while (i < cells.size() && c < cols) {
      const Cell& cell = cells[i];
      if (cell.width == 2) {
        size_t span = i + 1 < cells.size() && cells[i + 1].is_wide_tail() ? 2 : 1;
        if (cols == 1) {
          // A one-column screen cannot hold it at all: keep the character, narrowed.
          row.cells[c++] = Cell{cell.cp, cell.style, 1, 0};
          i += span;
          continue;
        }
        if (c + 1 >= cols) break;  // the wide character goes to the next row whole
        row.cells[c] = cell;
        row.cells[c + 1] = Cell{0, cell.style, 0, 0};
        c += 2;
        i += span;
        continue;
      }
      // A right half whose left half was lost (cut by an earlier narrowing) is a blank.
      row.cells[c++] = cell.is_wide_tail() ? Cell{0, cell.style, 1, 0} : cell;
      ++i;
    }
    row.wrapped = i < cells.size();
    out.push_back(std::move(row));
  } while (i < cells.size());
}

}  // namespace

void Terminal::resize(int rows, int cols) {
  rows = std::clamp(rows, 1, kMaxDimension);
  cols = std::clamp(cols, 1, kMaxDimension);
  if (rows == rows_ && cols == cols_) return;
  ++seq_;
  forget_last_cell();
  bool was_alt = is_alt_screen();
  CursorState alt_cursor = cursor_;
  // The primary screen is reflowed with its own cursor: the live one when it is active,
  // the one saved by 1049 otherwise.
  if (was_alt) {
    cursor_ = primary_.has_saved ? primary_.saved : CursorState{};
    active_ = &primary_;
  }
  resize_primary(rows, cols);
  if (was_alt) {
    if (primary_.has_saved) {
      int r = cursor_.row, c = cursor_.col;
      primary_.saved.row = r;
      primary_.saved.col = c;
    }
    active_ = &alt_;
    cursor_ = alt_cursor;
  }
  resize_alt(rows, cols);
  rows_ = rows;
  cols_ = cols;
  cursor_.row = std::clamp(cursor_.row, 0, rows_ - 1);
  cursor_.col = std::clamp(cursor_.col, 0, cols_ - 1);
  if (cursor_.col < cols_ - 1) cursor_.pending_wrap = false;
  scroll_top_ = 0;
  scroll_bottom_ = rows_ - 1;
  margin_left_ = 0;
  margin_right_ = cols_ - 1;
  std::vector<bool> old_tabs = tabs_;
  reset_tabs();
  for (int c = 0; c < cols_ && c < static_cast<int>(old_tabs.size()); ++c) tabs_[c] = old_tabs[c];
  // No blanket touch of the screen: every row whose cells changed already carries seq_
  // (split, pulled back, new blank, alternate screen), and a row that kept its cells
  // keeps its version, so a consumer that has it (a remote client) is not sent it again.
}

void Terminal::resize_alt(int rows, int cols) {
  std::vector<Line> lines(static_cast<size_t>(rows));
  for (int r = 0; r < rows; ++r) {
    if (r < rows_) {
      lines[r] = std::move(alt_.row(r));
      lines[r].cells.resize(static_cast<size_t>(cols), Cell{});
      if (cols < cols_) fix_wide_boundary(lines[r], cols - 1);
      lines[r].version = seq_;
    } else {
      lines[r].reset(cols, 0, seq_);
    }
  }
  alt_.lines = std::move(lines);
  alt_.top = 0;
  if (is_alt_screen()) {
    cursor_.row = std::min(cursor_.row, rows - 1);
    cursor_.col = std::min(cursor_.col, cols - 1);
  }
  alt_.saved.row = std::min(alt_.saved.row, rows - 1);
  alt_.saved.col = std::min(alt_.saved.col, cols - 1);
}

void Terminal::resize_primary(int rows, int cols) {
  pack_recent();
  const bool reflow = cols != cols_;
  size_t old_sb = scrollback_.size();

  // 1. The working list: the scrollback's trailing wrapped chain (it continues onto the
  //    screen) unpacked, then the screen rows. `anchor` is the first screen row.
  std::vector<Line> work;
  size_t keep_sb = scrollback_.size();
  if (reflow)
    while (keep_sb > 0 && scrollback_[keep_sb - 1].wrapped()) --keep_sb;
  for (size_t i = keep_sb; i < scrollback_.size(); ++i) {
    Line l;
    scrollback_[i].unpack(l, cols_, styles_, clusters_);
    work.push_back(std::move(l));
  }
  scrollback_.resize(keep_sb);
  size_t anchor = work.size();
  for (int r = 0; r < rows_; ++r) work.push_back(std::move(primary_.row(r)));
  size_t cursor_index = anchor + static_cast<size_t>(cursor_.row);
  int cursor_offset = cursor_.col + (cursor_.pending_wrap ? 1 : 0);

  // 2. Reflow the scrollback rows that need it (joined wrapped chains, long rows).
  if (reflow && keep_sb > 0) {
    std::deque<PackedLine> rebuilt;
    std::vector<Cell> cells;
    std::vector<Line> split;
    Line tmp;
    size_t i = 0;
    while (i < scrollback_.size()) {
      size_t j = i;
      while (j < scrollback_.size() && scrollback_[j].wrapped()) ++j;
      // rows i..j form one logical line (j is its last row)
      if (j == i && scrollback_[i].used() <= cols) {
        rebuilt.push_back(std::move(scrollback_[i]));
        ++i;
        continue;
      }
      cells.clear();
      for (size_t k = i; k <= j; ++k) {
        scrollback_[k].unpack(tmp, cols_, styles_, clusters_);
        int n = k == j ? tmp.used() : static_cast<int>(tmp.cells.size());
        cells.insert(cells.end(), tmp.cells.begin(), tmp.cells.begin() + n);
      }
      split.clear();
      split_logical(cells, cols, seq_, split);
      for (Line& l : split) rebuilt.push_back(PackedLine::pack(l, styles_, clusters_));
      i = j + 1;
    }
    scrollback_ = std::move(rebuilt);
  }

  // 3. Reflow the working list, tracking the anchor and the cursor.
  std::vector<Line> out;
  size_t new_anchor = 0, new_cursor_row = 0;
  int new_cursor_col = 0;
  bool new_pending = false;
  if (reflow) {
    std::vector<Cell> cells;
    size_t i = 0;
    while (i < work.size()) {
      size_t j = i;
      while (j + 1 < work.size() && work[j].wrapped) ++j;
      if (i <= anchor && anchor <= j) new_anchor = out.size();
      bool has_cursor = i <= cursor_index && cursor_index <= j;
      if (j == i && work[i].used() <= cols && !has_cursor) {
        Line& l = work[i];
        if (static_cast<int>(l.cells.size()) != cols) {
          l.cells.resize(static_cast<size_t>(cols), Cell{});
        }
        out.push_back(std::move(l));
        ++i;
        continue;
      }
      cells.clear();
      int offset = 0;
      for (size_t k = i; k <= j; ++k) {
        int n = k == j ? work[k].used() : static_cast<int>(work[k].cells.size());
        if (k == cursor_index) offset = static_cast<int>(cells.size()) + cursor_offset;
        cells.insert(cells.end(), work[k].cells.begin(), work[k].cells.begin() + n);
      }
      size_t first = out.size();
      bool unchanged = j == i && static_cast<int>(work[i].cells.size()) <= cols;
      split_logical(cells, cols, unchanged ? work[i].version : seq_, out);
      if (has_cursor) {
        int total = static_cast<int>(cells.size());
        int row = offset / cols, col = offset % cols;
        if (offset > 0 && col == 0 && offset >= total) {
          // The cursor sat just past the text's last column: keep it there, wrap pending.
          row -= 1;
          col = cols - 1;
          new_pending = true;
        }
        while (first + static_cast<size_t>(row) >= out.size()) {
          out.back().wrapped = true;
          Line blank;
          blank.reset(cols, 0, seq_);
          out.push_back(std::move(blank));
        }
        new_cursor_row = first + static_cast<size_t>(row);
        new_cursor_col = col;
      }
      i = j + 1;
    }
  } else {
    out = std::move(work);
    new_anchor = anchor;
    new_cursor_row = cursor_index;
    new_cursor_col = cursor_.col;
    new_pending = cursor_.pending_wrap;
  }

  // 4. Rows above the anchor were history before the resize and are history again.
  for (size_t i = 0; i < new_anchor; ++i) {
    scrollback_.push_back(PackedLine::pack(out[i], styles_, clusters_));
  }
  size_t first_screen = new_anchor;
  // Drop blank rows below the cursor that do not fit.
  size_t end = out.size();
  size_t needed = static_cast<size_t>(rows);
  while (end > first_screen + needed && end - 1 > new_cursor_row && is_blank(out[end - 1])) --end;
  // Still too many: move rows from the top into the scrollback, never past the cursor.
  while (end - first_screen > needed && first_screen < new_cursor_row) {
    scrollback_.push_back(PackedLine::pack(out[first_screen], styles_, clusters_));
    ++first_screen;
  }
  if (end - first_screen > needed) end = first_screen + needed;  // below the cursor: lost

  // 5. Growing taller brings rows back from the scrollback.
  std::vector<Line> screen;
  size_t content = end - first_screen;
  size_t pull = 0;
  if (rows > rows_ && content < needed) {
    pull = std::min({needed - content, scrollback_.size(), static_cast<size_t>(rows - rows_)});
  }
  for (size_t k = 0; k < pull; ++k) {
    Line l;
    scrollback_[scrollback_.size() - pull + k].unpack(l, cols, styles_, clusters_);
    l.cells.resize(static_cast<size_t>(cols));
    l.version = seq_;
    screen.push_back(std::move(l));
  }
  scrollback_.resize(scrollback_.size() - pull);
  for (size_t i = first_screen; i < end; ++i) screen.push_back(std::move(out[i]));
  while (screen.size() < needed) {
    Line blank;
    blank.reset(cols, 0, seq_);
    screen.push_back(std::move(blank));
  }
  while (scrollback_.size() > options_.scrollback_lines) scrollback_.pop_front();

  cursor_.row = static_cast<int>(new_cursor_row - first_screen + pull);
  cursor_.col = std::min(new_cursor_col, cols - 1);
  cursor_.pending_wrap = new_pending;
  primary_.lines = std::move(screen);
  primary_.top = 0;
  history_total_ += scrollback_.size();
  history_total_ -= std::min<uint64_t>(history_total_, old_sb);
  if (reflow) ++history_epoch_;
}

// Rebuilds the style and cluster tables from what the screens still use. Runs only when
// a table is full, which takes a program emitting tens of thousands of distinct colours.
void Terminal::compact_tables() {
  // Unpacked history refers to the tables being rebuilt.
  pack_recent();
  StyleTable styles;
  ClusterTable clusters;
  std::unordered_map<StyleId, StyleId> style_map;
  std::unordered_map<char32_t, char32_t> cluster_map;
  for (Screen* s : {&primary_, &alt_}) {
    for (Line& line : s->lines) {
      for (Cell& cell : line.cells) {
        auto it = style_map.find(cell.style);
        if (it == style_map.end()) {
          StyleId id = 0;
          if (!styles.intern(styles_.get(cell.style), id)) id = 0;
          it = style_map.emplace(cell.style, id).first;
        }
        cell.style = it->second;
        if (cell.is_cluster()) {
          auto cit = cluster_map.find(cell.cp);
          if (cit == cluster_map.end()) {
            char32_t id = clusters_.contains(cell.cp) ? clusters.intern(clusters_.get(cell.cp)) : 0;
            cit = cluster_map.emplace(cell.cp, id ? id : U'\uFFFD').first;
          }
          cell.cp = cit->second;
        }
      }
    }
  }
  styles_ = std::move(styles);
  clusters_ = std::move(clusters);
  cluster_steps_.fill(ClusterStep{});
  pen_id_valid_ = false;
  forget_last_cell();
}

}  // namespace cadence::vt
