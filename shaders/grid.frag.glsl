#version 300 es
// One fragment of the grid: look up the pixel's cell, then its glyph tile.
//
// u_cells holds one texel per cell: x = the glyph tile's atlas position for this cell
// (x | y << 16; the tail cell of a wide glyph already points at the tile's right half),
// y = foreground and z = background as RGBA bytes (background alpha 0: the default
// background), w = flags (unused here). Tiles are exactly cell-sized, so the pixel's
// offset in its cell is its offset in the tile. Text is blended onto the cell's
// background here, so the draw needs no blending and no other pass per character.
//
// Colour glyphs (emoji) are not drawn here: their cells show the blank tile, and a pass of
// their own blends them on top. A software rasterizer runs both sides of a branch for a
// block of pixels, so a colour path here would cost every pixel a second texture fetch.
precision highp float;
precision highp int;
precision highp usampler2D;

uniform usampler2D u_cells;
uniform mediump sampler2D u_coverage;
uniform vec2 u_cell;         // cell size in pixels
uniform vec4 u_background;   // default background, premultiplied

in vec2 v_pixel;
out vec4 frag;

vec4 unpack_rgba(uint c) {
  return vec4(float(c & 255u), float((c >> 8) & 255u), float((c >> 16) & 255u),
              float(c >> 24)) / 255.0;
}

void main() {
  // Float division and floor: a software rasterizer runs this on 8 pixels at once, and
  // integer division has no vector instruction (it would be done pixel by pixel).
  vec2 cellf = floor(v_pixel / u_cell);
  ivec2 inner = ivec2(v_pixel - cellf * u_cell);
  uvec4 c = texelFetch(u_cells, ivec2(cellf), 0);
  vec4 bg = (c.z >> 24) == 0u ? u_background : unpack_rgba(c.z);
  // Cells without a glyph point at the atlas's first tile, which is kept blank, so this
  // needs no branch for them.
  ivec2 tile = ivec2(int(c.x & 65535u), int(c.x >> 16)) + inner;
  vec4 fg = unpack_rgba(c.y);
  float a = texelFetch(u_coverage, tile, 0).r * fg.a;
  frag = vec4(mix(bg.rgb, fg.rgb, a), bg.a + (1.0 - bg.a) * a);
}
