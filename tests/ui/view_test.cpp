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

}  // namespace
}  // namespace cadence::ui
