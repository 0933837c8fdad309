// Text pictures of glyph bitmaps, so a failing test shows the glyph it looked at.
#pragma once

#include <string>

#include "render/font/glyph_bitmap.hpp"

namespace cadence::render::font {

// One line per row: ' ' empty, '#' full, '+' partial. Colour bitmaps use alpha.
inline std::string bitmap_art(const GlyphBitmap& g) {
  std::string out = "\n";
  const int bpp = g.color ? 4 : 1;
  for (int y = 0; y < g.height; ++y) {
    out += '|';
    for (int x = 0; x < g.width; ++x) {
      const int v = g.pixels[(static_cast<size_t>(y) * g.width + x) * bpp + (bpp - 1)];
      out += v == 0 ? ' ' : v == 255 ? '#' : '+';
    }
    out += "|\n";
  }
  return out;
}

inline int coverage_at(const GlyphBitmap& g, int x, int y) {
  return g.pixels[static_cast<size_t>(y) * g.width + x];
}

}  // namespace cadence::render::font
