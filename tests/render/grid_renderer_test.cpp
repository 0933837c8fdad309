// The grid renderer drawn for real, offscreen: Mesa's surfaceless EGL platform and
// llvmpipe, into a framebuffer object read back pixel by pixel. Covers what the window
// tests cannot place exactly: each cell's background and text colour, a wide glyph's
// two halves, colour emoji (drawn by their own pass over the cell backgrounds), faint
// text, and a row rewritten in segments (a window of several panes) keeping the other
// segments' glyphs.
#include "render/grid_renderer.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <vector>

#include "base/log.hpp"
#include "render/egl_context.hpp"

namespace cadence::render {
namespace {

constexpr uint32_t kBackground = 0xff000000;  // the default background: opaque black
constexpr int kCols = 8, kRows = 2;

struct Rgb {
  int r = 0, g = 0, b = 0;
  bool operator==(const Rgb&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Rgb& c) {
  return os << "rgb(" << c.r << "," << c.g << "," << c.b << ")";
}

// One context for the whole run, never terminated: Mesa unloads its driver at
// eglTerminate, and what the driver still held then looks leaked to LeakSanitizer, with no
// module left to name it by.
EglContext* shared_context() {
  static EglContext* context = [] {
    log::configure("warn");
    auto egl = EglContext::create_offscreen();
    return egl ? egl.value().release() : nullptr;
  }();
  return context;
}

class GridRendererTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(shared_context(), nullptr) << "no offscreen EGL context (Mesa's surfaceless "
                                            "platform, packages libegl-mesa0 libgl1-mesa-dri)";
    auto fonts = font::FontSet::open(font::FontSpec{"DejaVu Sans Mono", 12.0}, 1.0);
    ASSERT_TRUE(fonts) << fonts.error().message;
    auto renderer = GridRenderer::create(std::move(fonts.value()));
    ASSERT_TRUE(renderer) << renderer.error().message;
    r_ = std::move(renderer.value());
    cw_ = r_->metrics().cell_width;
    ch_ = r_->metrics().cell_height;
    width_ = kCols * cw_;
    height_ = kRows * ch_;
    auto target = OffscreenTarget::create(width_, height_);
    ASSERT_TRUE(target) << target.error().message;
    target_ = std::move(target.value());
    r_->set_geometry(GridGeometry{kRows, kCols, 0, 0});
    blank_row(0);
    blank_row(1);
  }

  void TearDown() override {
    r_.reset();
    target_.reset();
  }

  void blank_row(int row) { r_->set_row(row, std::vector<GridCell>(kCols)); }

  static GridCell cell(char32_t cp, uint32_t fg, uint32_t bg = 0, uint8_t width = 1) {
    GridCell c;
    c.cp = cp;
    c.fg = fg;
    c.bg = bg;
    c.width = width;
    return c;
  }

  // Row 0: a wide glyph in columns 1-2 on `bg`, nothing else.
  void show_wide(char32_t cp, uint32_t bg = 0) {
    std::vector<GridCell> row(kCols);
    row[1] = cell(cp, 0xffffffff, bg, 2);
    row[2] = cell(0, 0xffffffff, bg, 0);
    r_->set_row(0, row);
    draw();
  }

  void draw() {
    r_->draw(width_, height_, kBackground);
    pixels_ = r_->read_pixels(width_, height_);
  }

  Rgb at(int x, int y) const {
    const size_t i = (static_cast<size_t>(y) * width_ + x) * 4;
    return {pixels_[i], pixels_[i + 1], pixels_[i + 2]};
  }

  // Pixels of cell (col, row) that are not `bg`, and how many of those are coloured
  // (channels differing by more than 40, which grey text never is).
  struct Ink {
    int inked = 0;
    int colored = 0;
  };
  Ink ink(int col, int row, Rgb bg) const {
    Ink out;
    for (int y = row * ch_; y < (row + 1) * ch_; ++y) {
      for (int x = col * cw_; x < (col + 1) * cw_; ++x) {
        const Rgb p = at(x, y);
        if (p == bg) continue;
        ++out.inked;
        const int lo = std::min({p.r, p.g, p.b}), hi = std::max({p.r, p.g, p.b});
        if (hi - lo > 40) ++out.colored;
      }
    }
    return out;
  }

  std::unique_ptr<GridRenderer> r_;
  std::unique_ptr<OffscreenTarget> target_;
  int cw_ = 0, ch_ = 0, width_ = 0, height_ = 0;
  std::vector<uint8_t> pixels_;
};

TEST_F(GridRendererTest, FullBlockFillsItsCellExactlyInTheTextColour) {
  std::vector<GridCell> row(kCols);
  row[2] = cell(U'█', 0xffff0000, 0xff0000ff);
  row[3] = cell(U' ', 0xffffffff, 0xff00ff00);
  r_->set_row(0, row);
  draw();
  for (int y = 0; y < ch_; ++y) {
    for (int x = 2 * cw_; x < 3 * cw_; ++x) ASSERT_EQ(at(x, y), (Rgb{255, 0, 0})) << x << "," << y;
    for (int x = 3 * cw_; x < 4 * cw_; ++x) ASSERT_EQ(at(x, y), (Rgb{0, 255, 0})) << x << "," << y;
    ASSERT_EQ(at(cw_ + cw_ / 2, y), (Rgb{0, 0, 0})) << "the default background";
  }
}

TEST_F(GridRendererTest, WideGlyphInksBothOfItsCells) {
  show_wide(U'語');
  const Rgb black{0, 0, 0};
  EXPECT_GT(ink(1, 0, black).inked, 10);
  EXPECT_GT(ink(2, 0, black).inked, 10);
  EXPECT_EQ(ink(0, 0, black).inked, 0);
  EXPECT_EQ(ink(3, 0, black).inked, 0);
  // White on black, each pixel of the two cells is the glyph's coverage there: the head
  // shows the bitmap's left half and the tail its right half.
  const font::GlyphBitmap bitmap = r_->fonts().rasterize(U"語", font::FaceStyle::regular, 2);
  ASSERT_FALSE(bitmap.color);
  int wrong = 0;
  for (int y = 0; y < ch_; ++y) {
    for (int gx = 0; gx < 2 * cw_; ++gx) {
      const int bx = gx - bitmap.left, by = y - bitmap.top;
      const int expected = bx >= 0 && bx < bitmap.width && by >= 0 && by < bitmap.height
                               ? bitmap.pixels[static_cast<size_t>(by) * bitmap.width + bx]
                               : 0;
      if (std::abs(at(cw_ + gx, y).r - expected) > 2) ++wrong;
    }
  }
  EXPECT_EQ(wrong, 0) << "pixels of the wide glyph that are not its bitmap's";
}

TEST_F(GridRendererTest, ColourEmojiIsDrawnOverTheCellBackground) {
  show_wide(U'😀', 0xff0000ff);
  const Rgb blue{0, 0, 255};
  const Ink left = ink(1, 0, blue), right = ink(2, 0, blue);
  EXPECT_GT(left.colored, 20) << "no colour in the emoji's left half";
  EXPECT_GT(right.colored, 20) << "no colour in the emoji's right half";
  // The emoji is round: its cells' corners show the blue background behind it.
  EXPECT_EQ(at(cw_, 0), blue);
  EXPECT_EQ(at(3 * cw_ - 1, ch_ - 1), blue);
  EXPECT_EQ(ink(3, 0, Rgb{0, 0, 0}).inked, 0) << "the emoji spilled past its two cells";

  // Rewriting the row without it removes it.
  blank_row(0);
  draw();
  EXPECT_EQ(ink(1, 0, Rgb{0, 0, 0}).inked, 0);
  EXPECT_EQ(ink(2, 0, Rgb{0, 0, 0}).inked, 0);
}

TEST_F(GridRendererTest, FaintTextAndFaintEmojiAreDimmer) {
  std::vector<GridCell> row(kCols);
  row[0] = cell(U'█', 0xffffffff);
  row[1] = cell(U'█', 0xffffffff);
  row[1].flags = cell_flag::faint;
  row[2] = cell(U'😀', 0xffffffff, 0, 2);
  row[3] = cell(0, 0xffffffff, 0, 0);
  row[4] = cell(U'😀', 0xffffffff, 0, 2);
  row[4].flags = cell_flag::faint;
  row[5] = cell(0, 0xffffffff, 0, 0);
  r_->set_row(0, row);
  draw();
  const int mid_x = cw_ / 2, mid_y = ch_ / 2;
  EXPECT_EQ(at(mid_x, mid_y), (Rgb{255, 255, 255}));
  const Rgb faint = at(cw_ + mid_x, mid_y);
  EXPECT_GT(faint.r, 100);
  EXPECT_LT(faint.r, 160) << "faint text is drawn at half alpha over black";
  // The same pixel of the emoji, at full and at half alpha over black.
  const Rgb full = at(3 * cw_, mid_y), half = at(5 * cw_, mid_y);
  ASSERT_GT(full.r + full.g + full.b, 200);
  EXPECT_NEAR(half.r, full.r / 2, 3);
  EXPECT_NEAR(half.g, full.g / 2, 3);
  EXPECT_NEAR(half.b, full.b / 2, 3);
}

TEST_F(GridRendererTest, SettingOneSegmentKeepsTheOthersGlyphs) {
  // Two panes side by side share row 0: columns 0-3 and 4-7.
  std::vector<GridCell> left(4), right(4);
  left[0] = cell(U'😀', 0xffffffff, 0, 2);
  left[1] = cell(0, 0xffffffff, 0, 0);
  right[0] = cell(U'😀', 0xffffffff, 0, 2);
  right[1] = cell(0, 0xffffffff, 0, 0);
  right[2] = cell(U'█', 0xff00ff00);
  r_->set_cells(0, 0, 4, left);
  r_->set_cells(0, 4, 4, right);
  draw();
  const Rgb black{0, 0, 0};
  ASSERT_GT(ink(0, 0, black).colored, 20);
  ASSERT_GT(ink(4, 0, black).colored, 20);
  // The left pane scrolls its emoji away; the right pane's stays, and so does its block.
  r_->set_cells(0, 0, 4, std::vector<GridCell>(4));
  draw();
  EXPECT_EQ(ink(0, 0, black).inked, 0);
  EXPECT_GT(ink(4, 0, black).colored, 20);
  EXPECT_EQ(at(6 * cw_ + 1, 1), (Rgb{0, 255, 0}));
}

TEST_F(GridRendererTest, AWideHeadWithoutItsTailDrawsOnlyItsOwnCell) {
  // A segment ending on a wide glyph's head (its tail outside it) draws only the left half.
  std::vector<GridCell> seg(2);
  seg[1] = cell(U'😀', 0xffffffff, 0, 2);
  r_->set_cells(1, 0, 2, seg);
  draw();
  const Rgb black{0, 0, 0};
  EXPECT_GT(ink(1, 1, black).colored, 20);
  EXPECT_EQ(ink(2, 1, black).inked, 0);
}

}  // namespace
}  // namespace cadence::render
