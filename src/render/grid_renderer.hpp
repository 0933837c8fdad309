// The cell renderer: the grid drawn by one full-grid rectangle whose fragment shader
// finds each pixel's cell and glyph itself.
//
// Every cell is one texel of a cell texture (glyph tile, colours, flags), so a changed row
// is one glTexSubImage2D of its own texels and an unchanged row costs nothing. Glyphs are
// kept as cell-sized tiles in two atlas textures, 8-bit coverage for text and RGBA for
// colour emoji, so a pixel's offset in its cell is its offset in the tile. A frame is then
// two large triangles for the whole grid, text blended onto its background in the shader,
// then instanced draws of the few things on top: colour glyphs (their own pass, so the
// grid shader has no second texture fetch for them), rectangles (underlines,
// strikethrough, overline, cursor, title bar) and the title bar's text. With a software rasterizer
// (llvmpipe) per-character quads cost the GUI thread the vertex and set-up work of two triangles
// per cell; here the GUI thread hands over one rectangle and the work per pixel stays in the
// rasterizer's own threads (compare the phase totals of --frame-stats).
//
// Glyphs that overhang their cell are clipped to it (the font layer already moves them
// back inside, a pixel of italic overhang aside). When an atlas is full it grows (to
// kMaxAtlasSize), and past that it is emptied and refilled: callers see that as every row
// needing to be set again (take_atlas_reset).
//
// The renderer never reads the terminal: the UI hands it resolved cells (GridCell) for the
// rows that changed. It owns GL objects and must be used on the thread whose context is
// current.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "render/font/atlas_packer.hpp"
#include "render/font/font_set.hpp"

namespace cadence::render {

// Colours are 0xAARRGGBB.
inline constexpr uint32_t kOpaque = 0xff000000u;

namespace cell_flag {
inline constexpr uint16_t bold = 1 << 0;
inline constexpr uint16_t italic = 1 << 1;
inline constexpr uint16_t faint = 1 << 2;
inline constexpr uint16_t strikethrough = 1 << 3;
inline constexpr uint16_t overline = 1 << 4;
inline constexpr uint16_t invisible = 1 << 5;
inline constexpr uint16_t hover_link = 1 << 6;  // hyperlink under the pointer: underlined
}  // namespace cell_flag

enum class Underline : uint8_t { none = 0, single, double_, curly, dotted, dashed };

// One cell, resolved: colours final (palette, inverse, selection and cursor applied).
struct GridCell {
  char32_t cp = 0;  // 0 or ' ': nothing to draw; >= 0x40000000: see clusters
  uint32_t fg = 0;
  uint32_t bg = 0;  // 0 (transparent): the window background shows
  uint32_t underline_color = 0;
  uint16_t flags = 0;
  Underline underline = Underline::none;
  uint8_t width = 1;     // 2: wide, the next cell is its tail (width 0)
  uint32_t cluster = 0;  // index+1 into the row's cluster list, 0 = none
};

struct Overlay {
  enum class Style : uint32_t { solid = 0, curly = 1, dotted = 2, dashed = 3, hollow = 4 };
  float x = 0, y = 0, width = 0, height = 0;  // pixels
  uint32_t color = 0;
  Style style = Style::solid;
};

// A glyph drawn outside the grid (the client-side title bar's text), at pixel x, y (the
// top-left of its cell).
struct OverlayGlyph {
  float x = 0, y = 0;
  char32_t cp = 0;
  uint32_t color = 0;
  uint16_t flags = 0;
};

struct GridGeometry {
  int rows = 0;
  int cols = 0;
  int origin_x = 0;  // pixels from the framebuffer's top-left to the grid's
  int origin_y = 0;
};

struct RendererStats {
  uint64_t rows_uploaded = 0;
  uint64_t glyphs_rasterized = 0;
  uint64_t bytes_uploaded = 0;  // cell rows and glyph tiles sent with glTexSubImage2D
  uint64_t atlas_resets = 0;
  int coverage_atlas_size = 0;
  int color_atlas_size = 0;
};

inline constexpr int kMaxAtlasSize = 4096;

class GridRenderer {
 public:
  static Result<std::unique_ptr<GridRenderer>> create(std::unique_ptr<font::FontSet> fonts);
  ~GridRenderer();
  GridRenderer(const GridRenderer&) = delete;
  GridRenderer& operator=(const GridRenderer&) = delete;

  const font::Metrics& metrics() const { return fonts_->metrics(); }
  font::FontSet& fonts() { return *fonts_; }
  // A new font (size or scale changed): the atlases are emptied; every row must be set again.
  void set_fonts(std::unique_ptr<font::FontSet> fonts);

  // Sets the grid shape; every row must be set again afterwards.
  void set_geometry(const GridGeometry& geometry);
  const GridGeometry& geometry() const { return geometry_; }

  // Replaces one row's cells. `clusters` holds the code points of multi-code-point
  // cells (GridCell::cluster - 1 indexes it).
  void set_row(int row, std::span<const GridCell> cells,
               std::span<const std::u32string> clusters = {});
  // Replaces `count` cells of a row from first_col (cells past the span's end are blank),
  // leaving the rest of the row as it was: a window of several panes sets each pane's
  // part of a row on its own.
  void set_cells(int row, int first_col, int count, std::span<const GridCell> cells,
                 std::span<const std::u32string> clusters = {});
  void set_overlays(std::vector<Overlay> overlays) { overlays_ = std::move(overlays); }
  // Drawn after the overlays, so text sits on a title bar drawn as an overlay.
  void set_overlay_text(std::vector<OverlayGlyph> glyphs) { overlay_text_ = std::move(glyphs); }

  // True once after the atlas was emptied: callers must set every row again.
  bool take_atlas_reset() { return std::exchange(atlas_reset_, false); }

  // Sends the rows set since the last upload to the GPU. draw() does it too; calling it
  // first lets the caller time the upload apart from the drawing (the frame log does).
  void upload();
  // Draws into the current framebuffer of size width×height.
  void draw(int width, int height, uint32_t background);
  // Reads back the framebuffer just drawn (RGBA, top row first, straight alpha).
  std::vector<uint8_t> read_pixels(int width, int height) const;

  const RendererStats& stats() const { return stats_; }

 private:
  GridRenderer() = default;
  Result<void> init(std::unique_ptr<font::FontSet> fonts);

  struct RectInstance {
    float x, y, w, h;
    uint32_t color;  // 0xAARRGGBB, uploaded as BGRA-normalised bytes
    uint32_t style;
  };
  struct GlyphInstance {
    float x, y, w, h;
    uint16_t u, v, uw, vh;
    uint32_t color;
  };
  // A glyph's tile: cells × cell size at (u, v) in its atlas; ink = false for a glyph
  // that draws nothing (space, an empty bitmap).
  struct AtlasEntry {
    uint16_t u = 0, v = 0;
    bool ink = false;
    bool color = false;
  };
  // One cell as the grid shader reads it (RGBA32UI texel).
  struct CellTexel {
    uint32_t tile;  // x | y << 16: this cell's part of its glyph's tile
    uint32_t fg;    // RGBA bytes
    uint32_t bg;    // RGBA bytes, alpha 0: default background
    uint32_t unused;
  };
  // A vertex array and its instance buffer, for draw_stream().
  struct GlyphStream {
    unsigned vao = 0, vbo = 0;
    size_t capacity = 0;
  };
  struct Atlas {
    unsigned texture = 0;
    int size = 0;
    bool rgba = false;
    font::AtlasPacker packer{1, 1};
  };

  const AtlasEntry* glyph(char32_t cp, std::u32string_view cluster, uint16_t flags, int cells);
  bool place(Atlas& atlas, const font::GlyphBitmap& bitmap, int cells, AtlasEntry& entry);
  void reset_atlas(Atlas& atlas, int size);
  void clear_glyphs();
  void ensure_buffers();
  // Uploads `instances` into `vbo` (growing it) and draws them with the bound program.
  void draw_stream(unsigned vao, unsigned vbo, size_t& capacity, const void* data, size_t count,
                   size_t size);
  void draw_stream(GlyphStream& stream, const GlyphInstance* glyphs, size_t count);

  std::unique_ptr<font::FontSet> fonts_;
  GridGeometry geometry_;
  unsigned rect_program_ = 0;
  unsigned glyph_program_ = 0;
  unsigned grid_program_ = 0;
  int rect_viewport_loc_ = -1;
  int glyph_viewport_loc_ = -1;
  int glyph_rgba_loc_ = -1;
  int grid_viewport_loc_ = -1;
  int grid_rect_loc_ = -1;
  int grid_cell_loc_ = -1;
  int grid_background_loc_ = -1;
  unsigned grid_vao_ = 0;
  unsigned cells_texture_ = 0;
  unsigned deco_vao_ = 0, deco_vbo_ = 0;
  size_t deco_capacity_ = 0;

  std::vector<CellTexel> cells_;                  // rows*cols, row-major
  std::vector<std::vector<RectInstance>> decos_;  // per row
  std::vector<RectInstance> deco_rows_;           // every row's decorations, gathered when dirty
  std::vector<RectInstance> deco_upload_;         // those plus this frame's overlays
  std::vector<uint8_t> tile_scratch_;
  uint32_t blank_tile_ = 0;
  std::vector<Overlay> overlays_;
  std::vector<OverlayGlyph> overlay_text_;
  std::vector<GlyphInstance> text_upload_;
  GlyphStream text_;
  std::vector<std::vector<GlyphInstance>> color_rows_;  // per row: its colour glyphs
  std::vector<GlyphInstance> color_upload_;             // every row's, gathered when dirty
  GlyphStream color_glyphs_;
  bool color_dirty_ = true;
  std::vector<uint8_t> row_dirty_;  // per row: its slots must be uploaded
  bool decos_dirty_ = true;
  bool buffers_stale_ = true;  // the buffers must be reallocated (geometry changed)

  Atlas coverage_;
  Atlas color_;
  std::unordered_map<uint64_t, AtlasEntry> glyph_cache_;
  std::unordered_map<std::u32string, AtlasEntry> cluster_cache_;
  bool atlas_reset_ = false;
  RendererStats stats_;
};

}  // namespace cadence::render
