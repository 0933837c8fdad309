// Procedural box drawing: glyphs are exactly the cell, lines reach the edges they
// should at the same rows and columns in every glyph (so neighbouring cells join), and
// blocks tile. Each check runs at several cell sizes, odd and even, since centring
// and rounding bugs show at only some of them.
#include "render/font/box_drawing.hpp"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "bitmap_art.hpp"

namespace cadence::render::font {
namespace {

Metrics cell(int w, int h) {
  Metrics m;
  m.cell_width = w;
  m.cell_height = h;
  m.baseline = h * 4 / 5;
  return m;
}

// 11pt DejaVu Sans Mono at scale 1, 1.25 and 2, plus an odd small one and a big one.
const std::vector<Metrics> kSizes = {cell(9, 17), cell(11, 21), cell(18, 34), cell(7, 13),
                                     cell(25, 50)};

GlyphBitmap draw(char32_t cp, const Metrics& m, int cells = 1) {
  return draw_procedural(cp, m, cells);
}

// The rows with any coverage in column x.
std::vector<int> inked_rows(const GlyphBitmap& g, int x) {
  std::vector<int> rows;
  for (int y = 0; y < g.height; ++y) {
    if (coverage_at(g, x, y) != 0) rows.push_back(y);
  }
  return rows;
}

std::vector<int> inked_columns(const GlyphBitmap& g, int y) {
  std::vector<int> cols;
  for (int x = 0; x < g.width; ++x) {
    if (coverage_at(g, x, y) != 0) cols.push_back(x);
  }
  return cols;
}

// Runs of consecutive inked pixels along a column.
int runs_in_column(const GlyphBitmap& g, int x) {
  int runs = 0;
  bool in = false;
  for (int y = 0; y < g.height; ++y) {
    const bool ink = coverage_at(g, x, y) != 0;
    if (ink && !in) ++runs;
    in = ink;
  }
  return runs;
}

int runs_in_row(const GlyphBitmap& g, int y) {
  int runs = 0;
  bool in = false;
  for (int x = 0; x < g.width; ++x) {
    const bool ink = coverage_at(g, x, y) != 0;
    if (ink && !in) ++runs;
    in = ink;
  }
  return runs;
}

TEST(BoxDrawing, EveryGlyphIsExactlyTheCellAndHasInk) {
  for (const Metrics& m : kSizes) {
    for (int cells = 1; cells <= 2; ++cells) {
      for (char32_t cp = 0x2500; cp <= 0xe0b3; ++cp) {
        if (cp == 0x25a0) cp = 0xe0b0;
        ASSERT_TRUE(is_procedural(cp));
        const GlyphBitmap g = draw(cp, m, cells);
        ASSERT_EQ(g.width, cells * m.cell_width) << std::hex << static_cast<int>(cp);
        ASSERT_EQ(g.height, m.cell_height);
        ASSERT_EQ(g.left, 0);
        ASSERT_EQ(g.top, 0);
        ASSERT_FALSE(g.color);
        ASSERT_EQ(g.pixels.size(), static_cast<size_t>(g.width) * g.height);
        int ink = 0;
        for (uint8_t p : g.pixels) ink += p;
        EXPECT_GT(ink, 0) << "U+" << std::hex << static_cast<int>(cp) << " is blank";
      }
    }
  }
}

TEST(BoxDrawing, CoversTheRangesItClaims) {
  EXPECT_FALSE(is_procedural(0x24ff));
  EXPECT_TRUE(is_procedural(0x2500));
  EXPECT_TRUE(is_procedural(0x257f));
  EXPECT_TRUE(is_procedural(0x2580));
  EXPECT_TRUE(is_procedural(0x259f));
  EXPECT_FALSE(is_procedural(0x25a0));
  EXPECT_FALSE(is_procedural(0xe0af));
  EXPECT_TRUE(is_procedural(0xe0b0));
  EXPECT_TRUE(is_procedural(0xe0b3));
  EXPECT_FALSE(is_procedural(0xe0b4));
  EXPECT_FALSE(is_procedural('-'));
}

TEST(BoxDrawing, HorizontalLineSpansWholeCellAtCentre) {
  for (const Metrics& m : kSizes) {
    const GlyphBitmap g = draw(U'─', m);
    const std::vector<int> rows = inked_rows(g, 0);
    ASSERT_FALSE(rows.empty()) << bitmap_art(g);
    // The first and last columns are inked at the same rows, fully: the next cell's
    // line continues it with no gap and no step.
    EXPECT_EQ(inked_rows(g, g.width - 1), rows) << bitmap_art(g);
    for (int x = 0; x < g.width; ++x) {
      EXPECT_EQ(inked_rows(g, x), rows) << "column " << x << bitmap_art(g);
      for (int y : rows) EXPECT_EQ(coverage_at(g, x, y), 255);
    }
    // Centred: the line's middle is within a pixel of the cell's middle.
    const double middle = (rows.front() + rows.back() + 1) / 2.0;
    EXPECT_NEAR(middle, m.cell_height / 2.0, 1.0) << bitmap_art(g);
    EXPECT_EQ(static_cast<int>(rows.size()), std::max(1, m.cell_width / 8));
  }
}

TEST(BoxDrawing, VerticalLineSpansWholeCellAtCentre) {
  for (const Metrics& m : kSizes) {
    const GlyphBitmap g = draw(U'│', m);
    const std::vector<int> cols = inked_columns(g, 0);
    ASSERT_FALSE(cols.empty()) << bitmap_art(g);
    for (int y = 0; y < g.height; ++y) EXPECT_EQ(inked_columns(g, y), cols) << bitmap_art(g);
    const double middle = (cols.front() + cols.back() + 1) / 2.0;
    EXPECT_NEAR(middle, m.cell_width / 2.0, 1.0) << bitmap_art(g);
  }
}

TEST(BoxDrawing, HeavyLineIsTwiceTheLightOne) {
  for (const Metrics& m : kSizes) {
    const GlyphBitmap light = draw(U'─', m);
    const GlyphBitmap heavy = draw(U'━', m);
    EXPECT_EQ(inked_rows(heavy, 0).size(), 2 * inked_rows(light, 0).size()) << bitmap_art(heavy);
  }
}

TEST(BoxDrawing, JunctionsMeetLinesOfNeighbouringCells) {
  // Whatever the glyph, a light line leaving through the right edge is at the rows a
  // plain horizontal line enters the left edge at, and likewise vertically.
  for (const Metrics& m : kSizes) {
    const GlyphBitmap h = draw(U'─', m);
    const GlyphBitmap v = draw(U'│', m);
    for (char32_t cp : {U'┌', U'├', U'┼', U'┬', U'┴', U'└', U'╭', U'╰', U'╶'}) {
      const GlyphBitmap g = draw(cp, m);
      EXPECT_EQ(inked_rows(g, g.width - 1), inked_rows(h, 0))
          << "U+" << std::hex << static_cast<int>(cp) << bitmap_art(g);
    }
    for (char32_t cp : {U'┌', U'├', U'┼', U'┬', U'┐', U'╭', U'╮', U'╷'}) {
      const GlyphBitmap g = draw(cp, m);
      EXPECT_EQ(inked_columns(g, g.height - 1), inked_columns(v, 0))
          << "U+" << std::hex << static_cast<int>(cp) << bitmap_art(g);
    }
  }
}

TEST(BoxDrawing, CornerClosesWithoutNotch) {
  for (const Metrics& m : kSizes) {
    const GlyphBitmap g = draw(U'┌', m);
    const int row = inked_rows(draw(U'─', m), 0).front();
    const int col = inked_columns(draw(U'│', m), 0).front();
    EXPECT_EQ(coverage_at(g, col, row), 255) << bitmap_art(g);  // the corner pixel itself
    EXPECT_EQ(coverage_at(g, 0, 0), 0) << bitmap_art(g);
    EXPECT_EQ(coverage_at(g, 0, g.height - 1), 0) << bitmap_art(g);
    EXPECT_EQ(coverage_at(g, g.width - 1, 0), 0) << bitmap_art(g);
    // Nothing of the corner pokes out to the left of the vertical or above the horizontal.
    EXPECT_TRUE(inked_columns(g, 0).empty() && inked_rows(g, 0).empty()) << bitmap_art(g);
  }
}

TEST(BoxDrawing, DoubleLinesStaySeparateThroughCornersAndCrossings) {
  for (const Metrics& m : kSizes) {
    const GlyphBitmap corner = draw(U'╔', m);
    EXPECT_EQ(runs_in_column(corner, corner.width - 1), 2) << bitmap_art(corner);
    EXPECT_EQ(runs_in_row(corner, corner.height - 1), 2) << bitmap_art(corner);
    EXPECT_EQ(runs_in_row(corner, 0), 0) << bitmap_art(corner);

    const GlyphBitmap cross = draw(U'╬', m);
    EXPECT_EQ(runs_in_column(cross, 0), 2) << bitmap_art(cross);
    EXPECT_EQ(runs_in_row(cross, 0), 2) << bitmap_art(cross);
    // The middle of a double cross is open: four corners, no plus through the centre.
    const std::vector<int> rows = inked_rows(draw(U'═', m), 0);
    const int light = std::max(1, m.cell_width / 8);
    const int gap_row = rows.front() + light;
    ASSERT_EQ(coverage_at(draw(U'═', m), 0, gap_row), 0);
    EXPECT_EQ(runs_in_row(cross, gap_row), 0) << bitmap_art(cross);
    EXPECT_EQ(runs_in_column(cross, cross.width / 2), 0) << bitmap_art(cross);

    // A single line teeing into a double one stops at the near line: the gap between
    // the two stays open all the way across.
    const GlyphBitmap tee = draw(U'╤', m);
    EXPECT_EQ(runs_in_row(tee, gap_row), 0) << bitmap_art(tee);
    EXPECT_EQ(runs_in_row(tee, rows.back()), 1) << bitmap_art(tee);
  }
}

TEST(BoxDrawing, DashedLinesLeaveGapsButKeepTheRow) {
  for (const Metrics& m : kSizes) {
    const GlyphBitmap g = draw(U'┄', m);
    const int row = inked_rows(draw(U'─', m), 0).front();
    EXPECT_EQ(runs_in_row(g, row), 3) << bitmap_art(g);
    EXPECT_EQ(coverage_at(g, 0, row), 255) << bitmap_art(g);
    EXPECT_EQ(runs_in_column(draw(U'┊', m), m.cell_width / 2), 4);
    EXPECT_EQ(runs_in_row(draw(U'╌', m), row), 2);
  }
}

TEST(BoxDrawing, RoundedCornerIsACurveNotASquareCorner) {
  for (const Metrics& m : kSizes) {
    const GlyphBitmap round = draw(U'╭', m);
    const GlyphBitmap square = draw(U'┌', m);
    const int row = inked_rows(draw(U'─', m), 0).front();
    const int col = inked_columns(draw(U'│', m), 0).front();
    // The square corner's corner pixel is where the arc has cut across.
    EXPECT_EQ(coverage_at(square, col, row), 255);
    EXPECT_LT(coverage_at(round, col, row), 255) << bitmap_art(round);
    // Anti-aliased: some pixels are partly covered.
    bool partial = false;
    for (uint8_t p : round.pixels) partial |= p != 0 && p != 255;
    EXPECT_TRUE(partial) << bitmap_art(round);
  }
}

TEST(BoxDrawing, DiagonalsRunCornerToCorner) {
  for (const Metrics& m : kSizes) {
    const GlyphBitmap rising = draw(U'╱', m);
    const int w = rising.width, h = rising.height;
    EXPECT_GT(coverage_at(rising, 0, h - 1), 0) << bitmap_art(rising);
    EXPECT_GT(coverage_at(rising, w - 1, 0), 0) << bitmap_art(rising);
    EXPECT_EQ(coverage_at(rising, 0, 0), 0) << bitmap_art(rising);
    EXPECT_EQ(coverage_at(rising, w - 1, h - 1), 0) << bitmap_art(rising);
    const GlyphBitmap cross = draw(U'╳', m);
    EXPECT_GT(coverage_at(cross, 0, 0), 0) << bitmap_art(cross);
    EXPECT_GT(coverage_at(cross, w - 1, h - 1), 0) << bitmap_art(cross);
  }
}

TEST(BoxDrawing, FullBlockCoversEveryPixel) {
  for (const Metrics& m : kSizes) {
    for (int cells = 1; cells <= 2; ++cells) {
      const GlyphBitmap g = draw(U'█', m, cells);
      ASSERT_EQ(g.width, cells * m.cell_width);
      for (uint8_t p : g.pixels) ASSERT_EQ(p, 255) << bitmap_art(g);
    }
  }
}

TEST(BoxDrawing, LowerHalfBlock) {
  for (const Metrics& m : kSizes) {
    const GlyphBitmap lower = draw(U'▄', m);
    const GlyphBitmap upper = draw(U'▀', m);
    int lower_rows = 0;
    for (int y = 0; y < m.cell_height; ++y) {
      const int v = coverage_at(lower, 0, y);
      ASSERT_TRUE(v == 0 || v == 255);
      // Rows are whole: the lower half is one solid band touching the bottom.
      for (int x = 0; x < m.cell_width; ++x) ASSERT_EQ(coverage_at(lower, x, y), v);
      if (v == 255) ++lower_rows;
      if (y > 0 && coverage_at(lower, 0, y - 1) == 255) {
        ASSERT_EQ(v, 255) << bitmap_art(lower);
      }
      // Upper and lower halves tile the cell: together every pixel exactly once.
      for (int x = 0; x < m.cell_width; ++x) {
        ASSERT_EQ(coverage_at(lower, x, y) + coverage_at(upper, x, y), 255)
            << bitmap_art(lower) << bitmap_art(upper);
      }
    }
    EXPECT_NEAR(lower_rows, m.cell_height / 2.0, 0.5) << bitmap_art(lower);
    EXPECT_EQ(coverage_at(lower, 0, m.cell_height - 1), 255);
  }
}

TEST(BoxDrawing, EighthsGrowByEighths) {
  for (const Metrics& m : kSizes) {
    int previous = 0;
    for (char32_t cp = U'▁'; cp <= U'█'; ++cp) {
      const GlyphBitmap g = draw(cp, m);
      const int rows = static_cast<int>(inked_rows(g, 0).size());
      const int eighths = static_cast<int>(cp - U'▁') + 1;
      EXPECT_NEAR(rows, m.cell_height * eighths / 8.0, 0.5) << bitmap_art(g);
      EXPECT_GE(rows, previous);
      previous = rows;
    }
    const GlyphBitmap left = draw(U'▏', m);
    EXPECT_NEAR(inked_columns(left, 0).size(), m.cell_width / 8.0, 0.5) << bitmap_art(left);
    const GlyphBitmap right = draw(U'▕', m);
    EXPECT_EQ(coverage_at(right, m.cell_width - 1, 0), 255) << bitmap_art(right);
    EXPECT_EQ(coverage_at(right, 0, 0), 0) << bitmap_art(right);
  }
}

TEST(BoxDrawing, QuadrantsTileTheCell) {
  for (const Metrics& m : kSizes) {
    const GlyphBitmap parts[] = {draw(U'▘', m), draw(U'▝', m), draw(U'▖', m), draw(U'▗', m)};
    for (int y = 0; y < m.cell_height; ++y) {
      for (int x = 0; x < m.cell_width; ++x) {
        int sum = 0;
        for (const GlyphBitmap& p : parts) sum += coverage_at(p, x, y);
        ASSERT_EQ(sum, 255) << "pixel " << x << "," << y;
      }
    }
    // Three-quadrant glyphs are unions of single ones.
    const GlyphBitmap three = draw(U'▙', m);  // upper left, lower left, lower right
    for (int y = 0; y < m.cell_height; ++y) {
      for (int x = 0; x < m.cell_width; ++x) {
        ASSERT_EQ(coverage_at(three, x, y), coverage_at(parts[0], x, y) +
                                                coverage_at(parts[2], x, y) +
                                                coverage_at(parts[3], x, y));
      }
    }
  }
}

TEST(BoxDrawing, ShadesAreEvenCoverageLevels) {
  const Metrics& m = kSizes[0];
  int previous = 0;
  for (char32_t cp : {U'░', U'▒', U'▓'}) {
    const GlyphBitmap g = draw(cp, m);
    const int level = g.pixels[0];
    for (uint8_t p : g.pixels) ASSERT_EQ(p, level);
    EXPECT_GT(level, previous);
    EXPECT_LT(level, 255);
    previous = level;
  }
}

TEST(BoxDrawing, PowerlineArrowsPointTheRightWay) {
  for (const Metrics& m : kSizes) {
    const GlyphBitmap right = draw(0xe0b0, m);
    const int w = right.width, h = right.height, mid = h / 2;
    // The base is the left edge, the apex the middle of the right edge.
    for (int y = h / 4; y < h - h / 4; ++y) EXPECT_EQ(coverage_at(right, 0, y), 255);
    EXPECT_EQ(coverage_at(right, w - 1, 0), 0) << bitmap_art(right);
    EXPECT_EQ(coverage_at(right, w - 1, h - 1), 0) << bitmap_art(right);
    EXPECT_GT(coverage_at(right, w - 1, mid), 0) << bitmap_art(right);
    const GlyphBitmap left = draw(0xe0b2, m);
    EXPECT_EQ(coverage_at(left, w - 1, mid), 255) << bitmap_art(left);
    EXPECT_EQ(coverage_at(left, 0, 0), 0) << bitmap_art(left);
    EXPECT_GT(coverage_at(left, 0, mid), 0) << bitmap_art(left);
    // The outline arrow is the chevron only: its inside is empty.
    const GlyphBitmap outline = draw(0xe0b1, m);
    EXPECT_EQ(coverage_at(outline, 0, mid), 0) << bitmap_art(outline);
    EXPECT_GT(coverage_at(outline, w - 1, mid), 0) << bitmap_art(outline);
  }
}

TEST(BoxDrawing, WideCellsStretchLinesAcrossBoth) {
  const Metrics& m = kSizes[0];
  const GlyphBitmap g = draw(U'─', m, 2);
  EXPECT_EQ(g.width, 2 * m.cell_width);
  EXPECT_EQ(inked_rows(g, g.width - 1), inked_rows(draw(U'─', m), 0));
}

}  // namespace
}  // namespace cadence::render::font
