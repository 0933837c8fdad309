// TerminalView: what a pane shows, resolved for the renderer.
#include "ui/view.hpp"

#include <gtest/gtest.h>

#include "net/pdu.hpp"
#include "ui/remote_text.hpp"

namespace cadence::ui {
namespace {

vt::Terminal make_terminal() {
  vt::Terminal::Options o;
  o.rows = 3;
  o.cols = 10;
  return vt::Terminal(o);
}

ColorScheme scheme() {
  ColorScheme c;
  c.foreground = 0xffc0c0c0;
  c.background = 0xff000000;
  return c;
}

TEST(TerminalView, ResolvesDefaultAndPaletteColours) {
  vt::Terminal t = make_terminal();
  t.set_default_colors(0xc0c0c0, 0x000000, 0xc0c0c0);
  t.feed("a\x1b[38;2;200;100;0mb");
  TerminalView view(scheme());
  EXPECT_EQ(view.snapshot(t, nullptr, true, true), 3);
  EXPECT_EQ(view.cells(0)[0].fg & 0xffffff, 0xc0c0c0u);
  EXPECT_EQ(view.cells(0)[1].fg & 0xffffff, 0xc86400u);
}

TEST(TerminalView, DimmingDrawsTextTowardTheBackgroundAndCopiesRowsAgain) {
  vt::Terminal t = make_terminal();
  t.set_default_colors(0xc0c0c0, 0x000000, 0xc0c0c0);
  t.feed("a\x1b[38;2;200;100;0mb");
  TerminalView view(scheme());
  view.snapshot(t, nullptr, true, true);
  EXPECT_EQ(view.snapshot(t, nullptr, true, true), 0);  // nothing changed
  view.set_dim(0.5);
  EXPECT_EQ(view.snapshot(t, nullptr, true, true), 3);  // every row, dimmed
  EXPECT_EQ(view.cells(0)[0].fg & 0xffffff, 0x606060u);
  EXPECT_EQ(view.cells(0)[1].fg & 0xffffff, 0x643200u);
  view.set_dim(0.5);
  EXPECT_EQ(view.snapshot(t, nullptr, true, true), 0);  // the same dim: no copy
  view.set_dim(0);
  view.snapshot(t, nullptr, true, true);
  EXPECT_EQ(view.cells(0)[0].fg & 0xffffff, 0xc0c0c0u);
}

mux::RemoteScreen remote_screen() {
  mux::RemoteScreen s;
  s.rows = 2;
  s.cols = 4;
  s.styles.resize(2);
  s.styles[1].fg = vt::Color::indexed(1);
  s.lines.resize(2);
  for (int r = 0; r < 2; ++r) {
    auto& line = s.lines[static_cast<size_t>(r)];
    line.stable_row = 100 + r;
    line.version = 1;
    line.cells.resize(4);
  }
  s.top_stable_row = 100;
  s.lines[0].cells[0] = {U'h', 1, 0, 0};
  s.lines[0].cells[1] = {U'i', 1, 1, 0};
  s.lines[1].cells[0] = {U'e', 1, 0, 1};
  s.lines[1].clusters.push_back(U"e\u0301");
  s.cursor.row = 1;
  s.cursor.col = 3;
  return s;
}

std::array<uint32_t, vt::kPaletteSize> palette() {
  std::array<uint32_t, vt::kPaletteSize> p{};
  for (int i = 0; i < vt::kPaletteSize; ++i) p[static_cast<size_t>(i)] = vt::default_palette(i);
  p[1] = 0xcc0000;
  p[vt::kPaletteForeground] = 0xc0c0c0;
  p[vt::kPaletteBackground] = 0x000000;
  p[vt::kPaletteCursor] = 0x00ff00;
  return p;
}

TEST(TerminalView, RemoteScreenRowsResolveThroughTheConfiguredPalette) {
  TerminalView view(scheme());
  view.set_remote_palette(palette());
  const mux::RemoteScreen s = remote_screen();
  EXPECT_EQ(view.snapshot_remote(s, nullptr, nullptr, true, true), 2);
  EXPECT_EQ(view.cells(0)[0].cp, U'h');
  EXPECT_EQ(view.cells(0)[0].fg & 0xffffff, 0xc0c0c0u);
  EXPECT_EQ(view.cells(0)[1].fg & 0xffffff, 0xcc0000u);
  EXPECT_EQ(view.cells(1)[0].cluster, 1u);               // the cluster travels with its row
  EXPECT_EQ(view.cells(1)[3].bg & 0xffffff, 0x00ff00u);  // the block cursor
  EXPECT_EQ(view.cursor().row, 1);
}

TEST(TerminalView, RemoteRowsAreCopiedOnlyWhenTheirVersionMoves) {
  TerminalView view(scheme());
  view.set_remote_palette(palette());
  mux::RemoteScreen s = remote_screen();
  view.snapshot_remote(s, nullptr, nullptr, true, true);
  EXPECT_EQ(view.snapshot_remote(s, nullptr, nullptr, true, true), 0);
  s.lines[0].version = 2;
  s.lines[0].cells[0].cp = U'H';
  EXPECT_EQ(view.snapshot_remote(s, nullptr, nullptr, true, true), 1);
  EXPECT_EQ(view.cells(0)[0].cp, U'H');
  // Scrolled: the same content under new stable rows is copied again.
  s.top_stable_row = 101;
  s.lines[0].stable_row = 101;
  s.lines[1].stable_row = 102;
  EXPECT_EQ(view.snapshot_remote(s, nullptr, nullptr, true, true), 2);
}

// A history row as the client's cache hands it over.
std::shared_ptr<const mux::RemoteScreen::Line> history_line(int64_t stable, char32_t first,
                                                            uint64_t version) {
  auto line = std::make_shared<mux::RemoteScreen::Line>();
  line->stable_row = stable;
  line->version = version;
  line->cells.resize(4);
  line->cells[0] = {first, 1, 0, 0};
  return line;
}

TEST(TerminalView, ScrolledBackARemoteViewShowsCachedHistoryAndFillsInRowsAsTheyArrive) {
  TerminalView view(scheme());
  view.set_remote_palette(palette());
  mux::RemoteScreen s = remote_screen();
  s.history_first = 90;  // rows 90..99 are scrollback
  view.snapshot_remote(s, nullptr, nullptr, true, true);
  view.scroll_remote(s, 1);
  EXPECT_EQ(view.scroll_offset(), 1);
  EXPECT_EQ(view.remote_top(s), 99);
  EXPECT_EQ(view.remote_row_at(1).get(), 100);
  // Row 99 is not cached yet: blank, and the screen's first row moves down.
  mux::HistoryRows h;
  h.epoch = s.history_epoch;
  h.first_available = 90;
  h.lines = {nullptr};
  view.snapshot_remote(s, &h, nullptr, true, true);
  EXPECT_EQ(view.cells(0)[0].cp, 0u);
  EXPECT_EQ(view.cells(1)[0].cp, U'h');
  EXPECT_FALSE(view.cursor().visible);  // the cursor's row is below the view
  // It arrives: only that row is copied again.
  h.lines = {history_line(99, U'x', 7)};
  EXPECT_EQ(view.snapshot_remote(s, &h, nullptr, true, true), 1);
  EXPECT_EQ(view.cells(0)[0].cp, U'x');
  // Never further back than the server holds, never below the live screen.
  view.scroll_remote(s, 100);
  EXPECT_EQ(view.scroll_offset(), 10);
  view.scroll_remote(s, -100);
  EXPECT_EQ(view.scroll_offset(), 0);
}

TEST(TerminalView, ARemoteViewScrolledBackStaysOnItsRowsAsOutputArrives) {
  TerminalView view(scheme());
  mux::RemoteScreen s = remote_screen();
  s.history_first = 0;
  view.scroll_remote(s, 5);
  EXPECT_EQ(view.remote_top(s), 95);
  // Three lines of output scroll the screen: the view keeps showing row 95.
  s.top_stable_row += 3;
  EXPECT_EQ(view.remote_top(s), 95);
  EXPECT_EQ(view.scroll_offset(), 8);
  // A reflow renumbers the rows (new epoch): the distance from the bottom is kept.
  s.history_epoch += 1;
  s.top_stable_row = 60;
  EXPECT_EQ(view.remote_top(s), 52);
  // The alternate screen has no scrollback of its own.
  s.modes |= net::mode::alt_screen;
  EXPECT_EQ(view.remote_top(s), 60);
}

class Selected : public SelectionQuery {
 public:
  bool empty() const override { return false; }
  bool contains(StableRow row, int col) const override { return row.get() == 100 && col == 1; }
};

TEST(TerminalView, RemoteSelectedCellsAreDrawnInTheSelectionColours) {
  TerminalView view(scheme());
  view.set_remote_palette(palette());
  const mux::RemoteScreen s = remote_screen();
  Selected selected;
  view.snapshot_remote(s, nullptr, &selected, true, true);
  EXPECT_EQ(view.cells(0)[1].bg, scheme().selection_background);
  EXPECT_NE(view.cells(0)[0].bg, scheme().selection_background);
}

TEST(RemoteText, SelectsAndCopiesARemoteScreensTextWithClustersWhole) {
  mux::RemoteScreen s = remote_screen();
  s.lines[0].wrapped = true;  // "hi" continues on the next row
  auto screen = std::make_shared<const mux::RemoteScreen>(s);
  RemoteText text(screen, nullptr, 0);
  EXPECT_EQ(text.first_row(), 100);  // no client: no scrollback
  Selection sel;
  sel.begin(text, {StableRow(100), Column(0)}, Selection::Mode::line);
  // Never-written cells at a soft wrap are not text.
  EXPECT_EQ(sel.text(text), "hie\u0301");
  EXPECT_FALSE(sel.invalidated_by(text));
  // The row under the selection is redrawn: a newer version.
  s.lines[1].version = 5;
  EXPECT_TRUE(
      sel.invalidated_by(RemoteText(std::make_shared<const mux::RemoteScreen>(s), nullptr, 0)));
}

}  // namespace
}  // namespace cadence::ui
