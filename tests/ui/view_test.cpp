// TerminalView: what a pane shows, resolved for the renderer.
#include "ui/view.hpp"

#include <gtest/gtest.h>

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
  EXPECT_EQ(view.snapshot_remote(s, true, true), 2);
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
  view.snapshot_remote(s, true, true);
  EXPECT_EQ(view.snapshot_remote(s, true, true), 0);
  s.lines[0].version = 2;
  s.lines[0].cells[0].cp = U'H';
  EXPECT_EQ(view.snapshot_remote(s, true, true), 1);
  EXPECT_EQ(view.cells(0)[0].cp, U'H');
  // Scrolled: the same content under new stable rows is copied again.
  s.lines[0].stable_row = 101;
  s.lines[1].stable_row = 102;
  EXPECT_EQ(view.snapshot_remote(s, true, true), 2);
}

}  // namespace
}  // namespace cadence::ui
