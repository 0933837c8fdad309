// What a pane shows: the rows in view (live screen or scrolled back), resolved to
// colours, and which of them changed since the renderer last got them.
//
// snapshot() is the first phase of the two-phase snapshot (DESIGN.md): it runs under the
// pane's lock and only copies, resolving each changed row's cells into render::GridCell
// (colours, inverse, selection, cursor applied). apply() is the second phase, outside
// the lock: it hands those rows to the renderer, which rasterizes and uploads.
//
// A row is copied again only when what it shows changed: each view row remembers the
// stable row and version it last showed. Whatever changes the look of every row (a
// scroll of the view, a new palette, focus, the selection) calls invalidate().
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/units.hpp"
#include "mux/client.hpp"
#include "mux/remote_screen.hpp"
#include "render/grid_renderer.hpp"
#include "vt/terminal.hpp"

namespace cadence::ui {

struct ColorScheme {
  uint32_t foreground = 0xffd8d8d8;
  uint32_t background = 0xff181818;
  uint32_t cursor = 0xffd8d8d8;
  uint32_t selection_foreground = 0xff181818;
  uint32_t selection_background = 0xffa0c8f0;
};

// Answers "is this cell selected?" for the snapshot; implemented by the selection.
class SelectionQuery {
 public:
  virtual ~SelectionQuery() = default;
  virtual bool empty() const = 0;
  virtual bool contains(StableRow row, int col) const = 0;
};

struct CursorView {
  bool visible = false;  // on screen, in view, not hidden by DECTCEM
  int row = 0;           // view row
  int col = 0;
  int width = 1;
  vt::CursorShape shape = vt::CursorShape::block;
  bool focused = true;
};

class TerminalView {
 public:
  explicit TerminalView(ColorScheme colors = {}) : colors_(colors) {}

  const ColorScheme& colors() const { return colors_; }
  void set_colors(const ColorScheme& colors) {
    colors_ = colors;
    invalidate();
  }

  // Everything must be copied again.
  void invalidate() { all_dirty_ = true; }

  // Scrollback position: 0 is the live screen, N shows N lines of history above it.
  // While scrolled back the view stays on the same text as output arrives.
  int scroll_offset() const { return offset_; }
  void scroll_by(const vt::Terminal& terminal, int lines);  // positive: back in history
  void scroll_to_bottom();
  // The stable row shown at a view row (for selection and hyperlinks).
  StableRow stable_row_at(const vt::Terminal& terminal, int view_row) const;

  // Phase one, under the pane lock. Returns the number of rows copied.
  int snapshot(const vt::Terminal& terminal, const SelectionQuery* selection, bool focused,
               bool cursor_blink_on);
  // Phase one for a remote pane: the latest screen its mux client published (immutable,
  // so no lock). Rows are copied when their (stable row, version) changed; colours come
  // from the configured palette (set_remote_palette).
  //
  // Scrolled back, the view starts at remote_top(): rows above the screen come from
  // `history` (MuxClient::history for [remote_top(), screen.top_stable_row)); a row not
  // cached yet is drawn blank and copied again once it arrives. Returns the number of
  // rows copied.
  int snapshot_remote(const mux::RemoteScreen& screen, const mux::HistoryRows* history,
                      const SelectionQuery* selection, bool focused, bool cursor_blink_on);
  // Remote scrollback: moves the view `lines` back (positive) or forward within the rows
  // the server still holds. While scrolled back the view stays on the same rows as output
  // arrives; a reflow (new history epoch) keeps the distance from the bottom instead.
  void scroll_remote(const mux::RemoteScreen& screen, int lines);
  // The stable row at view row 0 for this screen (and it anchors the view there).
  int64_t remote_top(const mux::RemoteScreen& screen);
  // The stable row shown at a view row, as of the last remote_top().
  StableRow remote_row_at(int view_row) const { return StableRow(remote_top_ + view_row); }
  // The palette remote panes are drawn with: 0..255, then foreground, background, cursor.
  void set_remote_palette(const std::array<uint32_t, vt::kPaletteSize>& palette) {
    if (palette == remote_palette_) return;
    remote_palette_ = palette;
    invalidate();
  }

  // Phase two, outside the lock: the changed rows go to the renderer at the pane's place
  // in the window's grid. Returns the number of rows handed over.
  int apply(render::GridRenderer& renderer, int first_row = 0, int first_col = 0);
  // Hands every row to the renderer again (after an atlas reset or a layout change).
  void apply_all(render::GridRenderer& renderer, int first_row = 0, int first_col = 0);
  int cols() const { return cols_; }

  // Text drawn `amount` (0..1) of the way toward the background: how an inactive pane is
  // dimmed when the configuration asks for it.
  void set_dim(double amount) {
    const auto fixed = static_cast<uint32_t>(std::clamp(amount, 0.0, 1.0) * 256);
    if (fixed == dim_) return;
    dim_ = fixed;
    invalidate();
  }

  // The OSC 8 hyperlink under the pointer (0: none): its cells are drawn underlined.
  void set_hover_link(uint32_t link) {
    if (link == hover_link_) return;
    hover_link_ = link;
    invalidate();
  }
  uint32_t hover_link() const { return hover_link_; }

  // An input method's pre-edit text, drawn underlined from the cursor (empty: none).
  void set_preedit(std::u32string text) {
    if (text == preedit_) return;
    preedit_ = std::move(text);
    invalidate();
  }
  const std::u32string& preedit() const { return preedit_; }

  const CursorView& cursor() const { return cursor_; }
  uint32_t background() const { return background_; }
  // The text rows showed at the last snapshot (tests and debugging).
  int rows() const { return static_cast<int>(rows_.size()); }
  const std::vector<render::GridCell>& cells(int row) const {
    return rows_[static_cast<size_t>(row)].cells;
  }

 private:
  struct ViewRow {
    std::vector<render::GridCell> cells;
    std::vector<std::u32string> clusters;
    int64_t stable = -1;
    uint64_t version = 0;
    bool changed = false;
  };
  void copy_screen_row(const vt::Terminal& t, const vt::Line& line, ViewRow& out, StableRow stable,
                       const SelectionQuery* selection);
  void copy_history_row(const vt::Terminal& t, const vt::PackedLine& line, ViewRow& out,
                        StableRow stable, const SelectionQuery* selection);
  // t: the local terminal whose palette colours use; null for a remote pane (the
  // configured palette, set_remote_palette).
  void resolve(const vt::Terminal* t, const vt::Style& style, render::GridCell& cell,
               bool selected) const;
  uint32_t color_of(const vt::Terminal* t, vt::Color c, bool foreground) const;
  uint32_t palette(const vt::Terminal* t, int index) const;

  ColorScheme colors_;
  std::vector<ViewRow> rows_;
  int cols_ = 0;
  int offset_ = 0;
  // While scrolled back: the history_total() at the time, so new output moves offset_.
  uint64_t anchored_total_ = 0;
  bool all_dirty_ = true;
  uint64_t palette_version_ = ~0ull;
  bool reverse_video_ = false;
  CursorView cursor_;
  int cursor_row_shown_ = -1;
  uint32_t background_ = 0;
  uint32_t hover_link_ = 0;
  uint32_t dim_ = 0;  // in 1/256ths
  std::array<uint32_t, vt::kPaletteSize> remote_palette_{};
  // Remote scrollback: the stable row at view row 0 and the epoch it was taken in.
  int64_t remote_top_ = 0;
  uint64_t remote_epoch_ = 0;
  void copy_remote_row(const mux::RemoteScreen& s, const mux::RemoteScreen::Line* line,
                       int64_t stable, ViewRow& row, const SelectionQuery* selection);
  // Applies the block cursor to its row when that row was copied this time.
  void draw_block_cursor(int block_row, uint32_t cursor_color);
  std::u32string preedit_;
};

}  // namespace cadence::ui
