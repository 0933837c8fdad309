// Box drawing, block elements and Powerline arrows, drawn rather than taken from a font.
//
// Font glyphs for these rarely fill the cell exactly: their lines stop short of the
// cell edge or sit off-centre, so a TUI's frame shows gaps and steps between cells, and
// a fallback font of another size makes it worse. Drawing them procedurally gives
// bitmaps exactly the cell's size (left = 0, top = 0, width = cells * cell_width,
// height = cell_height) whose lines touch every edge they should, at any size.
//
// Line weights scale with the cell: light = max(1, cell_width / 8), heavy = 2 x light,
// double = two light lines with a light-wide gap. Every line is centred with the same
// integer rounding in every cell, so a horizontal line continues from one cell to the
// next at the same rows and a vertical one at the same columns. Curves, diagonals and
// triangles are anti-aliased by supersampling; straight lines and blocks are exact
// pixel rectangles so their edges are sharp.
#pragma once

#include "render/font/glyph_bitmap.hpp"

namespace cadence::render::font {

// U+2500-U+257F box drawing, U+2580-U+259F block elements, U+E0B0-U+E0B3 Powerline.
bool is_procedural(char32_t cp);

// The glyph for cp (is_procedural(cp) must hold) filling `cells` cells (1 or 2).
GlyphBitmap draw_procedural(char32_t cp, const Metrics& metrics, int cells);

}  // namespace cadence::render::font
