// Client-side decoration geometry: what a press at each place on the window means.
#include "ui/decorations.hpp"

#include <gtest/gtest.h>

namespace cadence::ui {
namespace {

DecorationFrame window(double scale = 1.0, bool maximized = false) {
  DecorationFrame f;
  f.buffer_width = static_cast<int>(800 * scale);
  f.buffer_height = static_cast<int>(600 * scale);
  f.scale = scale;
  f.maximized_or_fullscreen = maximized;
  return f;
}

DecorationHit hit(const DecorationFrame& f, double x, double y, uint32_t* edges_out = nullptr) {
  uint32_t edges = 0;
  DecorationHit h = hit_decoration(f, x, y, edges);
  if (edges_out) *edges_out = edges;
  return h;
}

TEST(Decorations, ButtonsFromTheRight) {
  const DecorationFrame f = window();
  EXPECT_EQ(hit(f, 800 - 12, 12), DecorationHit::close);
  EXPECT_EQ(hit(f, 800 - 24 - 12, 12), DecorationHit::maximize);
  EXPECT_EQ(hit(f, 800 - 48 - 12, 12), DecorationHit::minimize);
  EXPECT_EQ(hit(f, 400, 12), DecorationHit::move);
  EXPECT_EQ(hit(f, 400, 300), DecorationHit::none) << "the terminal itself";
}

TEST(Decorations, EdgesResizeUnlessMaximized) {
  uint32_t edges = 0;
  EXPECT_EQ(hit(window(), 2, 300, &edges), DecorationHit::resize);
  EXPECT_EQ(edges, edge::left);
  EXPECT_EQ(hit(window(), 798, 598, &edges), DecorationHit::resize);
  EXPECT_EQ(edges, edge::right | edge::bottom);
  EXPECT_STREQ(decoration_cursor(DecorationHit::resize, edges), "bottom_right_corner");
  EXPECT_EQ(hit(window(1.0, true), 2, 300), DecorationHit::none);
  EXPECT_EQ(hit(window(1.0, true), 798, 2), DecorationHit::close)
      << "maximized, the corner is the close button, not a resize handle";
}

TEST(Decorations, ScaleAppliesToLogicalPointerPositions) {
  const DecorationFrame f = window(2.0);
  EXPECT_EQ(title_bar_px(2.0), 48);
  EXPECT_EQ(hit(f, 800 - 12, 12), DecorationHit::close);
  EXPECT_EQ(hit(f, 400, 30), DecorationHit::none) << "below the 24-pixel logical bar";
}

TEST(Decorations, TitleStopsBeforeTheButtons) {
  render::font::Metrics m;
  m.cell_width = 10;
  m.cell_height = 18;
  std::vector<render::Overlay> overlays;
  std::vector<render::OverlayGlyph> text;
  draw_decorations(window(), std::string(200, 'x'), m, overlays, text);
  ASSERT_FALSE(text.empty());
  for (const render::OverlayGlyph& g : text) EXPECT_LE(g.x + m.cell_width, 800 - 3 * 24);
  EXPECT_GE(overlays.size(), 6u) << "bar, frame, close and its cross, maximize, minimize";
  text.clear();
  draw_decorations(window(), "héllo", m, overlays, text);
  ASSERT_EQ(text.size(), 5u);
  EXPECT_EQ(text[1].cp, U'é');
}

}  // namespace
}  // namespace cadence::ui
