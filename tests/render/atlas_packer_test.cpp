// AtlasPacker: rectangles never overlap (padding included), stay inside the texture,
// and the packer reports full rather than failing silently.
#include "render/font/atlas_packer.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace cadence::render::font {
namespace {

// True when a and b, each grown by the padding to the right and below, intersect.
bool overlaps_with_padding(const Rect& a, const Rect& b) {
  const int p = AtlasPacker::kPadding;
  return a.x < b.x + b.width + p && b.x < a.x + a.width + p && a.y < b.y + b.height + p &&
         b.y < a.y + a.height + p;
}

std::vector<Rect> fill_until_full(AtlasPacker& packer, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<Rect> placed;
  while (true) {
    // Glyph-like sizes: widths vary a lot, heights within one font's range.
    const int w = 3 + static_cast<int>(rng() % 20);
    const int h = 12 + static_cast<int>(rng() % 10);
    std::optional<Rect> r = packer.allocate(w, h);
    if (!r) break;
    EXPECT_EQ(r->width, w);
    EXPECT_EQ(r->height, h);
    placed.push_back(*r);
  }
  return placed;
}

TEST(AtlasPacker, PacksWithoutOverlapUntilFull) {
  AtlasPacker packer(256, 256);
  const std::vector<Rect> placed = fill_until_full(packer, 1);
  ASSERT_GT(placed.size(), 100u);
  long area = 0;
  for (size_t i = 0; i < placed.size(); ++i) {
    const Rect& a = placed[i];
    area += static_cast<long>(a.width) * a.height;
    ASSERT_GE(a.x, 0);
    ASSERT_GE(a.y, 0);
    ASSERT_LE(a.x + a.width, 256);
    ASSERT_LE(a.y + a.height, 256);
    for (size_t j = i + 1; j < placed.size(); ++j) {
      ASSERT_FALSE(overlaps_with_padding(a, placed[j]))
          << "rect " << i << " (" << a.x << "," << a.y << " " << a.width << "x" << a.height
          << ") touches rect " << j << " (" << placed[j].x << "," << placed[j].y << ")";
    }
  }
  EXPECT_EQ(packer.used_area(), area);
  // Similar heights keep the skyline flat: a packer wasting more than a third of the
  // texture on glyph-like input has regressed.
  EXPECT_GT(packer.fill_ratio(), 0.66) << "fill ratio " << packer.fill_ratio();
  EXPECT_LE(packer.fill_ratio(), 1.0);
}

TEST(AtlasPacker, ResetAllowsReuse) {
  AtlasPacker packer(128, 128);
  const size_t first = fill_until_full(packer, 3).size();
  ASSERT_FALSE(packer.allocate(20, 20).has_value());

  packer.reset(128, 128);
  EXPECT_EQ(packer.used_area(), 0);
  EXPECT_EQ(packer.allocate(20, 20), (Rect{0, 0, 20, 20}));

  // Growing: a bigger texture holds more of the same glyphs.
  packer.reset(256, 256);
  EXPECT_EQ(packer.width(), 256);
  const size_t grown = fill_until_full(packer, 3).size();
  EXPECT_GT(grown, 3 * first);
}

TEST(AtlasPacker, GlyphsAreSeparatedByOnePixel) {
  AtlasPacker packer(21, 10);
  EXPECT_EQ(packer.allocate(10, 10), (Rect{0, 0, 10, 10}));
  // 10 + 1 padding + 10 fills the row exactly: no padding is needed at the texture edge.
  EXPECT_EQ(packer.allocate(10, 10), (Rect{11, 0, 10, 10}));
  EXPECT_FALSE(packer.allocate(1, 1).has_value());
}

TEST(AtlasPacker, RectangleMayFillTheWholeTexture) {
  AtlasPacker packer(16, 16);
  EXPECT_FALSE(packer.allocate(17, 1).has_value());
  EXPECT_FALSE(packer.allocate(1, 17).has_value());
  EXPECT_EQ(packer.allocate(16, 16), (Rect{0, 0, 16, 16}));
  EXPECT_DOUBLE_EQ(packer.fill_ratio(), 1.0);
}

TEST(AtlasPacker, EmptyGlyphTakesNoRoom) {
  AtlasPacker packer(8, 8);
  EXPECT_EQ(packer.allocate(0, 0), (Rect{0, 0, 0, 0}));
  EXPECT_EQ(packer.allocate(8, 8), (Rect{0, 0, 8, 8}));
}

TEST(AtlasPacker, NextRowStartsBelowTheTallestGlyphBeneathIt) {
  AtlasPacker packer(30, 40);
  ASSERT_TRUE(packer.allocate(14, 10));  // x 0..14, padding to 15
  ASSERT_TRUE(packer.allocate(14, 20));  // x 15..29
  // 30 wide spans both: it rests on the taller one.
  std::optional<Rect> r = packer.allocate(30, 5);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->y, 21);
}

}  // namespace
}  // namespace cadence::render::font
