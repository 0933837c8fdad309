// TerminalView (see view.hpp).
#include "ui/view.hpp"

#include <algorithm>

#include "net/pdu.hpp"
#include "vt/utf8.hpp"

namespace cadence::ui {
namespace {

constexpr uint32_t kOpaque = 0xff000000u;

render::Underline underline_of(vt::UnderlineStyle u) {
  switch (u) {
    case vt::UnderlineStyle::none: return render::Underline::none;
    case vt::UnderlineStyle::single: return render::Underline::single;
    case vt::UnderlineStyle::double_: return render::Underline::double_;
    case vt::UnderlineStyle::curly: return render::Underline::curly;
    case vt::UnderlineStyle::dotted: return render::Underline::dotted;
    case vt::UnderlineStyle::dashed: return render::Underline::dashed;
  }
  return render::Underline::none;
}

}  // namespace

void TerminalView::scroll_by(const vt::Terminal& terminal, int lines) {
  const int max_offset = static_cast<int>(terminal.scrollback_size());
  const int before = offset_;
  offset_ = std::clamp(offset_ + lines, 0, terminal.is_alt_screen() ? 0 : max_offset);
  anchored_total_ = terminal.history_total();
  if (offset_ != before) invalidate();
}

void TerminalView::scroll_to_bottom() {
  if (offset_ == 0) return;
  offset_ = 0;
  invalidate();
}

StableRow TerminalView::stable_row_at(const vt::Terminal& terminal, int view_row) const {
  return StableRow(static_cast<int64_t>(terminal.history_total()) + view_row - offset_);
}

uint32_t TerminalView::palette(const vt::Terminal* t, int index) const {
  return t ? t->palette_color(index) : remote_palette_[static_cast<size_t>(index)];
}

uint32_t TerminalView::color_of(const vt::Terminal* t, vt::Color c, bool foreground) const {
  switch (c.kind()) {
    case vt::Color::Kind::none: {
      int index = foreground != reverse_video_ ? vt::kPaletteForeground : vt::kPaletteBackground;
      return palette(t, index) | kOpaque;
    }
    case vt::Color::Kind::indexed: return palette(t, c.index()) | kOpaque;
    case vt::Color::Kind::rgb:
      return kOpaque | (uint32_t{c.r()} << 16) | (uint32_t{c.g()} << 8) | c.b();
  }
  return kOpaque;
}

void TerminalView::resolve(const vt::Terminal* t, const vt::Style& style, render::GridCell& cell,
                           bool selected) const {
  uint32_t fg = color_of(t, style.fg, true);
  uint32_t bg = color_of(t, style.bg, false);
  bool default_bg = style.bg.is_default() && !reverse_video_;
  if (style.has(vt::attr::inverse)) {
    std::swap(fg, bg);
    default_bg = false;
  }
  if (selected) {
    fg = colors_.selection_foreground;
    bg = colors_.selection_background;
    default_bg = false;
  }
  if (dim_) {
    const uint32_t back = default_bg ? colors_.background : bg;
    uint32_t out = fg & 0xff000000u;
    for (int shift : {0, 8, 16}) {
      const uint32_t f = (fg >> shift) & 0xff;
      const uint32_t b = (back >> shift) & 0xff;
      out |= ((f * (256 - dim_) + b * dim_) >> 8) << shift;
    }
    fg = out;
  }
  cell.fg = fg;
  // The default background is left to the clear colour: fewer rectangles to draw.
  cell.bg = default_bg ? 0 : bg;
  cell.underline_color =
      style.underline_color.is_default() ? 0 : color_of(t, style.underline_color, true);
  uint16_t flags = 0;
  if (style.has(vt::attr::bold)) flags |= render::cell_flag::bold;
  if (style.has(vt::attr::italic)) flags |= render::cell_flag::italic;
  if (style.has(vt::attr::faint)) flags |= render::cell_flag::faint;
  if (style.has(vt::attr::strikethrough)) flags |= render::cell_flag::strikethrough;
  if (style.has(vt::attr::overline)) flags |= render::cell_flag::overline;
  if (style.has(vt::attr::invisible)) flags |= render::cell_flag::invisible;
  if (hover_link_ != 0 && style.link == hover_link_) flags |= render::cell_flag::hover_link;
  cell.flags = flags;
  cell.underline = underline_of(style.underline);
}

void TerminalView::copy_screen_row(const vt::Terminal& t, const vt::Line& line, ViewRow& out,
                                   StableRow stable, const SelectionQuery* selection) {
  out.cells.resize(static_cast<size_t>(cols_));
  out.clusters.clear();
  const bool any_selection = selection && !selection->empty();
  const int n = std::min<int>(cols_, static_cast<int>(line.cells.size()));
  vt::StyleId last_style = 0xffff;
  bool last_selected = false;
  render::GridCell resolved;
  for (int c = 0; c < cols_; ++c) {
    render::GridCell& g = out.cells[static_cast<size_t>(c)];
    const vt::Cell cell = c < n ? line.cells[static_cast<size_t>(c)] : vt::Cell{};
    const bool selected = any_selection && selection->contains(stable, c);
    // Runs of one style are the common case: resolve once per run.
    if (cell.style != last_style || selected != last_selected) {
      resolve(&t, t.style(cell.style), resolved, selected);
      last_style = cell.style;
      last_selected = selected;
    }
    g = resolved;
    g.width = cell.width;
    g.cluster = 0;
    if (cell.is_cluster()) {
      const std::u32string& cps = t.cluster(cell.cp);
      g.cp = cps.empty() ? U'\uFFFD' : cps[0];
      if (cps.size() > 1) {
        out.clusters.push_back(cps);
        g.cluster = static_cast<uint32_t>(out.clusters.size());
      }
    } else {
      g.cp = cell.cp;
    }
  }
}

void TerminalView::copy_history_row(const vt::Terminal& t, const vt::PackedLine& line, ViewRow& out,
                                    StableRow stable, const SelectionQuery* selection) {
  out.cells.assign(static_cast<size_t>(cols_), render::GridCell{});
  out.clusters.clear();
  const bool any_selection = selection && !selection->empty();
  render::GridCell blank;
  resolve(&t, vt::Style{}, blank, false);
  int col = 0;
  std::u32string cps;
  line.for_each_cell([&](std::string_view text, uint8_t width, const vt::Style& style) {
    if (col >= cols_) return;
    render::GridCell& g = out.cells[static_cast<size_t>(col)];
    resolve(&t, style, g, any_selection && selection->contains(stable, col));
    g.width = width == 0 ? 1 : width;
    cps = vt::decode_utf8(text);
    g.cp = cps.empty() ? 0 : cps[0];
    if (cps.size() > 1) {
      out.clusters.push_back(cps);
      g.cluster = static_cast<uint32_t>(out.clusters.size());
    }
    if (width == 2 && col + 1 < cols_) {
      render::GridCell& tail = out.cells[static_cast<size_t>(col + 1)];
      tail = g;
      tail.width = 0;
      tail.cp = 0;
      tail.cluster = 0;
    }
    col += width == 2 ? 2 : 1;
  });
  for (int c = col; c < cols_; ++c) {
    render::GridCell& g = out.cells[static_cast<size_t>(c)];
    g = blank;
    if (any_selection && selection->contains(stable, c)) resolve(&t, vt::Style{}, g, true);
  }
}

int TerminalView::snapshot(const vt::Terminal& t, const SelectionQuery* selection, bool focused,
                           bool cursor_blink_on) {
  const int rows = t.rows();
  if (rows != static_cast<int>(rows_.size()) || t.cols() != cols_) {
    rows_.assign(static_cast<size_t>(rows), ViewRow{});
    cols_ = t.cols();
    all_dirty_ = true;
  }
  if (t.palette_version() != palette_version_ || t.modes().reverse_video != reverse_video_) {
    palette_version_ = t.palette_version();
    reverse_video_ = t.modes().reverse_video;
    all_dirty_ = true;
  }
  if (t.is_alt_screen() && offset_ != 0) {
    offset_ = 0;
    all_dirty_ = true;
  }
  if (offset_ > 0) {
    // Output scrolled lines into history: follow the text, not the position.
    const uint64_t total = t.history_total();
    offset_ += static_cast<int>(total - anchored_total_);
    anchored_total_ = total;
    offset_ = std::min<int>(offset_, static_cast<int>(t.scrollback_size()));
  }
  background_ = color_of(&t, vt::Color(), false);

  // The cursor.
  CursorView cursor;
  cursor.focused = focused;
  cursor.shape = t.cursor_shape();
  cursor.row = t.cursor().row + offset_;
  cursor.col = std::min(t.cursor().col, cols_ - 1);
  cursor.visible = t.modes().cursor_visible && cursor.row < rows && cursor_blink_on;
  if (cursor.visible) {
    const vt::Line& l = t.line(Row(t.cursor().row));
    if (cursor.col < static_cast<int>(l.cells.size()) &&
        l.cells[static_cast<size_t>(cursor.col)].width == 2) {
      cursor.width = 2;
    }
  }
  const int block_row =
      cursor.visible && cursor.shape == vt::CursorShape::block && focused ? cursor.row : -1;
  if (block_row != cursor_row_shown_ || cursor.col != cursor_.col) {
    if (cursor_row_shown_ >= 0 && cursor_row_shown_ < rows) {
      rows_[static_cast<size_t>(cursor_row_shown_)].stable = -1;
    }
    if (block_row >= 0) rows_[static_cast<size_t>(block_row)].stable = -1;
  }
  cursor_ = cursor;

  int copied = 0;
  const int64_t total = static_cast<int64_t>(t.history_total());
  const int64_t history = static_cast<int64_t>(t.scrollback_size());
  for (int r = 0; r < rows; ++r) {
    ViewRow& row = rows_[static_cast<size_t>(r)];
    const int screen_row = r - offset_;
    const int64_t stable = total + screen_row;
    if (screen_row >= 0) {
      const vt::Line& line = t.line(Row(screen_row));
      if (!all_dirty_ && row.stable == stable && row.version == line.version) continue;
      copy_screen_row(t, line, row, StableRow(stable), selection);
      row.version = line.version;
    } else {
      const int64_t index = history + screen_row;
      if (index < 0) {
        row.cells.assign(static_cast<size_t>(cols_), render::GridCell{});
        row.stable = stable;
        row.changed = true;
        ++copied;
        continue;
      }
      const vt::PackedLine& line = t.scrollback_line(static_cast<size_t>(index));
      if (!all_dirty_ && row.stable == stable && row.version == line.version()) continue;
      copy_history_row(t, line, row, StableRow(stable), selection);
      row.version = line.version();
    }
    row.stable = stable;
    row.changed = true;
    ++copied;
  }
  if (!preedit_.empty() && cursor.row < rows) {
    // The pre-edit text covers the cells from the cursor on, underlined, in the default
    // colours; it goes as soon as the input method commits or clears it.
    ViewRow& row = rows_[static_cast<size_t>(cursor.row)];
    render::GridCell base;
    resolve(&t, vt::Style{}, base, false);
    base.underline = render::Underline::single;
    int col = t.cursor().col;
    for (char32_t cp : preedit_) {
      const int w = std::max(1, vt::unicode::width(cp));
      if (col + w > cols_) break;
      render::GridCell& g = row.cells[static_cast<size_t>(col)];
      g = base;
      g.cp = cp;
      g.width = static_cast<uint8_t>(w);
      if (w == 2) {
        render::GridCell& tail = row.cells[static_cast<size_t>(col + 1)];
        tail = base;
        tail.width = 0;
      }
      col += w;
    }
    row.stable = -1;  // copied again next time, without the pre-edit once it is gone
    row.changed = true;
  }
  draw_block_cursor(block_row, t.palette_color(vt::kPaletteCursor) | kOpaque);
  all_dirty_ = false;
  return copied;
}

void TerminalView::draw_block_cursor(int block_row, uint32_t cursor_color) {
  if (block_row >= 0 && block_row < static_cast<int>(rows_.size())) {
    // The block cursor is drawn as its cell in reverse: cursor colour behind, the
    // background colour in front. Only a row copied this time needs it: an unchanged
    // row still has it from the snapshot that drew it, and a cursor that moves re-copies
    // both rows (snapshot).
    ViewRow& row = rows_[static_cast<size_t>(block_row)];
    if (row.changed) {
      for (int k = 0; k < cursor_.width && cursor_.col + k < cols_; ++k) {
        render::GridCell& g = row.cells[static_cast<size_t>(cursor_.col + k)];
        g.bg = cursor_color;
        g.fg = background_;
      }
    }
  }
  cursor_row_shown_ = block_row;
}

namespace {

// How far back a remote view may go: to the first row the server still holds, once known.
int remote_max_back(const mux::RemoteScreen& s) {
  if (s.history_first < 0 || (s.modes & net::mode::alt_screen)) return 0;
  return static_cast<int>(std::max<int64_t>(0, s.top_stable_row - s.history_first));
}

}  // namespace

void TerminalView::scroll_remote(const mux::RemoteScreen& s, int lines) {
  remote_top(s);
  offset_ = std::clamp(offset_ + lines, 0, remote_max_back(s));
  remote_top_ = s.top_stable_row - offset_;
}

int64_t TerminalView::remote_top(const mux::RemoteScreen& s) {
  if (offset_ > 0 && s.history_epoch == remote_epoch_) {
    // Output moved the screen down: the view stays on the rows it showed.
    offset_ = static_cast<int>(std::max<int64_t>(0, s.top_stable_row - remote_top_));
  }
  offset_ = std::clamp(offset_, 0, remote_max_back(s));
  remote_epoch_ = s.history_epoch;
  remote_top_ = s.top_stable_row - offset_;
  return remote_top_;
}

void TerminalView::copy_remote_row(const mux::RemoteScreen& s, const mux::RemoteScreen::Line* line,
                                   int64_t stable, ViewRow& row, const SelectionQuery* selection) {
  row.cells.resize(static_cast<size_t>(cols_));
  row.clusters.clear();
  const bool any_selected = selection && !selection->empty();
  uint32_t last_style = ~0u;
  bool last_selected = false;
  render::GridCell resolved;
  const size_t have = line ? line->cells.size() : 0;
  for (int c = 0; c < cols_; ++c) {
    const mux::RemoteScreen::Cell cell = static_cast<size_t>(c) < have
                                             ? line->cells[static_cast<size_t>(c)]
                                             : mux::RemoteScreen::Cell{};
    const bool selected = any_selected && selection->contains(StableRow(stable), c);
    if (cell.style != last_style || selected != last_selected) {
      resolve(nullptr, s.style(cell.style), resolved, selected);
      last_style = cell.style;
      last_selected = selected;
    }
    render::GridCell& g = row.cells[static_cast<size_t>(c)];
    g = resolved;
    g.cp = cell.cp;
    g.width = cell.width;
    g.cluster = 0;
    if (line && cell.cluster > 0 && cell.cluster <= line->clusters.size()) {
      row.clusters.push_back(line->clusters[cell.cluster - 1]);
      g.cluster = static_cast<uint32_t>(row.clusters.size());
    }
  }
  row.stable = stable;
  row.version = line ? line->version : 0;
  row.changed = true;
}

int TerminalView::snapshot_remote(const mux::RemoteScreen& s, const mux::HistoryRows* history,
                                  const SelectionQuery* selection, bool focused,
                                  bool cursor_blink_on) {
  const int rows = std::min<int>(s.rows, static_cast<int>(s.lines.size()));
  if (rows != static_cast<int>(rows_.size()) || s.cols != cols_) {
    rows_.assign(static_cast<size_t>(std::max(0, rows)), ViewRow{});
    cols_ = s.cols;
    all_dirty_ = true;
  }
  const int64_t top = remote_top(s);
  reverse_video_ = false;
  background_ = color_of(nullptr, vt::Color(), false);

  CursorView cursor;
  cursor.focused = focused;
  cursor.shape = s.cursor.shape;
  cursor.row = s.cursor.row + offset_;
  cursor.col = std::clamp(s.cursor.col, 0, std::max(0, cols_ - 1));
  cursor.visible = s.cursor.visible && s.cursor.row >= 0 && cursor.row < rows && cursor_blink_on;
  if (cursor.visible) {
    const auto& cells = s.lines[static_cast<size_t>(s.cursor.row)].cells;
    if (cursor.col < static_cast<int>(cells.size()) &&
        cells[static_cast<size_t>(cursor.col)].width == 2) {
      cursor.width = 2;
    }
  }
  const int block_row =
      cursor.visible && cursor.shape == vt::CursorShape::block && focused ? cursor.row : -1;
  if (block_row != cursor_row_shown_ || cursor.col != cursor_.col) {
    if (cursor_row_shown_ >= 0 && cursor_row_shown_ < rows) {
      rows_[static_cast<size_t>(cursor_row_shown_)].stable = -1;
    }
    if (block_row >= 0) rows_[static_cast<size_t>(block_row)].stable = -1;
  }
  cursor_ = cursor;

  int copied = 0;
  for (int r = 0; r < rows; ++r) {
    ViewRow& row = rows_[static_cast<size_t>(r)];
    const int64_t stable = top + r;
    const mux::RemoteScreen::Line* line = nullptr;
    if (stable >= s.top_stable_row) {
      line = &s.lines[static_cast<size_t>(stable - s.top_stable_row)];
    } else if (history && history->epoch == s.history_epoch) {
      const int64_t i = stable - top;
      if (i >= 0 && i < static_cast<int64_t>(history->lines.size()))
        line = history->lines[static_cast<size_t>(i)].get();
    }
    const uint64_t version = line ? line->version : 0;
    if (!all_dirty_ && row.stable == stable && row.version == version) continue;
    copy_remote_row(s, line, stable, row, selection);
    ++copied;
  }
  draw_block_cursor(block_row, remote_palette_[vt::kPaletteCursor] | kOpaque);
  all_dirty_ = false;
  return copied;
}

int TerminalView::apply(render::GridRenderer& renderer, int first_row, int first_col) {
  int applied = 0;
  for (size_t r = 0; r < rows_.size(); ++r) {
    ViewRow& row = rows_[r];
    if (!row.changed) continue;
    renderer.set_cells(first_row + static_cast<int>(r), first_col, cols_, row.cells, row.clusters);
    row.changed = false;
    ++applied;
  }
  return applied;
}

void TerminalView::apply_all(render::GridRenderer& renderer, int first_row, int first_col) {
  for (size_t r = 0; r < rows_.size(); ++r) {
    renderer.set_cells(first_row + static_cast<int>(r), first_col, cols_, rows_[r].cells,
                       rows_[r].clusters);
    rows_[r].changed = false;
  }
}

}  // namespace cadence::ui
