// What the font layer hands the renderer: cell metrics and one glyph's pixels.
//
// Both are plain data so the GL side (the glyph atlas) depends on nothing here but
// this header. Positions are in device pixels relative to the top-left corner of the
// glyph's first cell, y down, which is how the renderer lays out quads; FreeType's
// baseline-relative, y-up numbers never leave font_set.cpp.
#pragma once

#include <cstdint>
#include <vector>

namespace cadence::render::font {

struct Metrics {
  int cell_width = 0;
  int cell_height = 0;
  int baseline = 0;            // from the cell's top to the baseline
  int underline_position = 0;  // from the cell's top to the underline's top row
  int underline_thickness = 1;
  int strikeout_position = 0;  // from the cell's top to the strikeout's top row
  int strikeout_thickness = 1;
};

struct GlyphBitmap {
  int width = 0;
  int height = 0;
  int left = 0;  // from the cell's left edge to the bitmap's left column
  int top = 0;   // from the cell's top edge to the bitmap's top row, y down
  // Colour glyphs (emoji) carry their own colours and are drawn unmodulated by the
  // text colour; the rest are coverage the renderer tints.
  bool color = false;
  // width * height bytes of 8-bit coverage, or width * height * 4 bytes of
  // premultiplied RGBA when color; rows top to bottom, no padding.
  std::vector<uint8_t> pixels;

  bool empty() const { return width == 0 || height == 0; }
};

}  // namespace cadence::render::font
