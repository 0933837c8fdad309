// GridRenderer (see grid_renderer.hpp).
#include "render/grid_renderer.hpp"

#include <GLES3/gl3.h>

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "base/check.hpp"
#include "base/log.hpp"
#include "shaders.hpp"

namespace cadence::render {
namespace {

const log::Tag kLog{"render"};

constexpr int kInitialCoverageAtlas = 1024;
constexpr int kInitialColorAtlas = 512;

// 0xAARRGGBB → bytes R, G, B, A in memory (what a normalised GL_UNSIGNED_BYTE vec4 reads).
uint32_t to_gl_color(uint32_t argb) {
  const uint32_t a = argb >> 24, r = (argb >> 16) & 0xff, g = (argb >> 8) & 0xff, b = argb & 0xff;
  return r | (g << 8) | (b << 16) | (a << 24);
}

uint32_t with_alpha(uint32_t argb, uint32_t alpha) { return (argb & 0x00ffffffu) | (alpha << 24); }

Result<GLuint> compile(GLenum type, const char* source, const char* name) {
  GLuint shader = glCreateShader(type);
  glShaderSource(shader, 1, &source, nullptr);
  glCompileShader(shader);
  GLint ok = 0;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    char log[2048] = {};
    glGetShaderInfoLog(shader, sizeof log, nullptr, log);
    glDeleteShader(shader);
    return make_error(std::string("shader ") + name + " does not compile: " + log);
  }
  return shader;
}

Result<GLuint> link(const char* vert, const char* frag, const char* name) {
  Result<GLuint> v = compile(GL_VERTEX_SHADER, vert, name);
  if (!v) return v.error();
  Result<GLuint> f = compile(GL_FRAGMENT_SHADER, frag, name);
  if (!f) {
    glDeleteShader(v.value());
    return f.error();
  }
  GLuint program = glCreateProgram();
  glAttachShader(program, v.value());
  glAttachShader(program, f.value());
  glLinkProgram(program);
  glDeleteShader(v.value());
  glDeleteShader(f.value());
  GLint ok = 0;
  glGetProgramiv(program, GL_LINK_STATUS, &ok);
  if (!ok) {
    char log[2048] = {};
    glGetProgramInfoLog(program, sizeof log, nullptr, log);
    glDeleteProgram(program);
    return make_error(std::string("program ") + name + " does not link: " + log);
  }
  return program;
}

font::FaceStyle face_style(uint16_t flags) {
  const bool bold = flags & cell_flag::bold;
  const bool italic = flags & cell_flag::italic;
  if (bold && italic) return font::FaceStyle::bold_italic;
  if (bold) return font::FaceStyle::bold;
  if (italic) return font::FaceStyle::italic;
  return font::FaceStyle::regular;
}

}  // namespace

Result<std::unique_ptr<GridRenderer>> GridRenderer::create(std::unique_ptr<font::FontSet> fonts) {
  std::unique_ptr<GridRenderer> self(new GridRenderer());
  if (Result<void> r = self->init(std::move(fonts)); !r) return r.error();
  return self;
}

Result<void> GridRenderer::init(std::unique_ptr<font::FontSet> fonts) {
  fonts_ = std::move(fonts);
  Result<GLuint> rect = link(shaders::kRectVert, shaders::kRectFrag, "rect");
  if (!rect) return rect.error();
  rect_program_ = rect.value();
  Result<GLuint> glyph = link(shaders::kGlyphVert, shaders::kGlyphFrag, "glyph");
  if (!glyph) return glyph.error();
  glyph_program_ = glyph.value();
  Result<GLuint> grid = link(shaders::kGridVert, shaders::kGridFrag, "grid");
  if (!grid) return grid.error();
  grid_program_ = grid.value();
  rect_viewport_loc_ = glGetUniformLocation(rect_program_, "u_viewport");
  glyph_viewport_loc_ = glGetUniformLocation(glyph_program_, "u_viewport");
  glyph_rgba_loc_ = glGetUniformLocation(glyph_program_, "u_rgba");
  grid_viewport_loc_ = glGetUniformLocation(grid_program_, "u_viewport");
  grid_rect_loc_ = glGetUniformLocation(grid_program_, "u_grid");
  grid_cell_loc_ = glGetUniformLocation(grid_program_, "u_cell");
  grid_background_loc_ = glGetUniformLocation(grid_program_, "u_background");
  glUseProgram(glyph_program_);
  glUniform1i(glGetUniformLocation(glyph_program_, "u_atlas"), 0);
  glUseProgram(grid_program_);
  glUniform1i(glGetUniformLocation(grid_program_, "u_cells"), 0);
  glUniform1i(glGetUniformLocation(grid_program_, "u_coverage"), 1);

  glGenVertexArrays(1, &deco_vao_);
  glGenBuffers(1, &deco_vbo_);
  glBindVertexArray(deco_vao_);
  glBindBuffer(GL_ARRAY_BUFFER, deco_vbo_);
  {
    const GLsizei stride = sizeof(RectInstance);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 4, GL_FLOAT, GL_FALSE, stride,
                          reinterpret_cast<void*>(offsetof(RectInstance, x)));
    glEnableVertexAttribArray(1);
    glVertexAttribPointer(1, 4, GL_UNSIGNED_BYTE, GL_TRUE, stride,
                          reinterpret_cast<void*>(offsetof(RectInstance, color)));
    glEnableVertexAttribArray(2);
    glVertexAttribIPointer(2, 1, GL_UNSIGNED_INT, stride,
                           reinterpret_cast<void*>(offsetof(RectInstance, style)));
    for (GLuint i = 0; i < 3; ++i) glVertexAttribDivisor(i, 1);
  }
  // Overlay text and colour glyphs: the same instance layout, each its own buffer.
  for (GlyphStream* stream : {&text_, &color_glyphs_}) {
    glGenVertexArrays(1, &stream->vao);
    glGenBuffers(1, &stream->vbo);
    glBindVertexArray(stream->vao);
    glBindBuffer(GL_ARRAY_BUFFER, stream->vbo);
    const GLsizei stride = sizeof(GlyphInstance);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 4, GL_FLOAT, GL_FALSE, stride,
                          reinterpret_cast<void*>(offsetof(GlyphInstance, x)));
    glEnableVertexAttribArray(1);
    glVertexAttribPointer(1, 4, GL_UNSIGNED_SHORT, GL_FALSE, stride,
                          reinterpret_cast<void*>(offsetof(GlyphInstance, u)));
    glEnableVertexAttribArray(2);
    glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, stride,
                          reinterpret_cast<void*>(offsetof(GlyphInstance, color)));
    for (GLuint i = 0; i < 3; ++i) glVertexAttribDivisor(i, 1);
  }
  // The grid rectangle's corners come from gl_VertexID: no attributes.
  glGenVertexArrays(1, &grid_vao_);
  glBindVertexArray(0);

  glGenTextures(1, &cells_texture_);
  glBindTexture(GL_TEXTURE_2D, cells_texture_);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);

  // Tiles are uploaded from tightly packed rows of any width (an 18-pixel tile row is 18
  // bytes): before any upload, or GL reads rows padded to 4 bytes past the end of them.
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  coverage_.rgba = false;
  color_.rgba = true;
  reset_atlas(coverage_, kInitialCoverageAtlas);
  reset_atlas(color_, kInitialColorAtlas);
  if (GLenum e = glGetError(); e != GL_NO_ERROR) {
    return make_error(log::concat("GL error 0x", std::hex, e, " setting up the renderer"));
  }
  return {};
}

GridRenderer::~GridRenderer() {
  GLuint textures[] = {coverage_.texture, color_.texture, cells_texture_};
  glDeleteTextures(3, textures);
  GLuint buffers[] = {deco_vbo_, text_.vbo, color_glyphs_.vbo};
  glDeleteBuffers(3, buffers);
  GLuint vaos[] = {deco_vao_, text_.vao, color_glyphs_.vao, grid_vao_};
  glDeleteVertexArrays(4, vaos);
  for (GLuint program : {rect_program_, glyph_program_, grid_program_}) {
    if (program) glDeleteProgram(program);
  }
}

void GridRenderer::set_fonts(std::unique_ptr<font::FontSet> fonts) {
  fonts_ = std::move(fonts);
  clear_glyphs();
  reset_atlas(coverage_, coverage_.size);
  reset_atlas(color_, color_.size);
  atlas_reset_ = true;
}

void GridRenderer::reset_atlas(Atlas& atlas, int size) {
  if (atlas.texture == 0) glGenTextures(1, &atlas.texture);
  atlas.size = size;
  atlas.packer.reset(size, size);
  glBindTexture(GL_TEXTURE_2D, atlas.texture);
  // 1:1 texel-to-pixel placement: nearest sampling reproduces the rasterized coverage
  // exactly, where linear filtering would smear it at any subpixel offset.
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  if (atlas.rgba) {
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, size, size, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    stats_.color_atlas_size = size;
  } else {
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, size, size, 0, GL_RED, GL_UNSIGNED_BYTE, nullptr);
    stats_.coverage_atlas_size = size;
    // The blank tile every cell without a glyph points at (two cells wide, for the tail
    // of a wide one), so the grid shader needs no "has a glyph" branch.
    const font::Metrics& m = fonts_->metrics();
    const int w = 2 * m.cell_width, h = m.cell_height;
    std::optional<font::Rect> r = atlas.packer.allocate(w, h);
    CADENCE_CHECK(r.has_value());
    tile_scratch_.assign(static_cast<size_t>(w) * h, 0);
    glTexSubImage2D(GL_TEXTURE_2D, 0, r->x, r->y, w, h, GL_RED, GL_UNSIGNED_BYTE,
                    tile_scratch_.data());
    blank_tile_ = static_cast<uint32_t>(r->x) | (static_cast<uint32_t>(r->y) << 16);
  }
}

void GridRenderer::clear_glyphs() {
  glyph_cache_.clear();
  cluster_cache_.clear();
}

bool GridRenderer::place(Atlas& atlas, const font::GlyphBitmap& bitmap, int cells,
                         AtlasEntry& entry) {
  const font::Metrics& m = fonts_->metrics();
  const int tw = m.cell_width * cells, th = m.cell_height;
  std::optional<font::Rect> r = atlas.packer.allocate(tw, th);
  if (!r) return false;
  // The bitmap goes into a cell-sized tile at its offset; what falls outside is clipped.
  const int bpp = atlas.rgba ? 4 : 1;
  tile_scratch_.assign(static_cast<size_t>(tw) * th * bpp, 0);
  for (int y = 0; y < bitmap.height; ++y) {
    const int ty = bitmap.top + y;
    if (ty < 0 || ty >= th) continue;
    const int x0 = std::max(0, -bitmap.left);
    const int x1 = std::min(bitmap.width, tw - bitmap.left);
    if (x1 <= x0) continue;
    std::copy_n(bitmap.pixels.data() + (static_cast<size_t>(y) * bitmap.width + x0) * bpp,
                static_cast<size_t>(x1 - x0) * bpp,
                tile_scratch_.data() + (static_cast<size_t>(ty) * tw + bitmap.left + x0) * bpp);
  }
  glBindTexture(GL_TEXTURE_2D, atlas.texture);
  glTexSubImage2D(GL_TEXTURE_2D, 0, r->x, r->y, tw, th, atlas.rgba ? GL_RGBA : GL_RED,
                  GL_UNSIGNED_BYTE, tile_scratch_.data());
  stats_.bytes_uploaded += tile_scratch_.size();
  entry.u = static_cast<uint16_t>(r->x);
  entry.v = static_cast<uint16_t>(r->y);
  return true;
}

const GridRenderer::AtlasEntry* GridRenderer::glyph(char32_t cp, std::u32string_view cluster,
                                                    uint16_t flags, int cells) {
  const uint32_t style = static_cast<uint32_t>(face_style(flags));
  AtlasEntry* cached = nullptr;
  uint64_t key = 0;
  std::u32string cluster_key;
  if (cluster.empty()) {
    key = uint64_t{cp} | (uint64_t{style} << 32) | (uint64_t(cells) << 36);
    auto it = glyph_cache_.find(key);
    if (it != glyph_cache_.end()) return &it->second;
  } else {
    // The cluster's code points, then style and width in one value past Unicode's range.
    cluster_key.resize(cluster.size() + 1);
    std::copy(cluster.begin(), cluster.end(), cluster_key.begin());
    cluster_key.back() = static_cast<char32_t>(0x110000 + style * 4 + cells);
    auto it = cluster_cache_.find(cluster_key);
    if (it != cluster_cache_.end()) return &it->second;
  }
  const std::u32string_view text = cluster.empty() ? std::u32string_view(&cp, 1) : cluster;
  font::GlyphBitmap bitmap = fonts_->rasterize(text, static_cast<font::FaceStyle>(style), cells);
  ++stats_.glyphs_rasterized;
  AtlasEntry entry;
  entry.color = bitmap.color;
  entry.ink = !bitmap.empty();
  if (entry.ink) {
    Atlas& atlas = bitmap.color ? color_ : coverage_;
    if (!place(atlas, bitmap, cells, entry)) {
      // Full: grow while we may, else start over. Either way every cached position is
      // stale, so the cache goes and the caller re-sets its rows (take_atlas_reset).
      const int size = std::min(atlas.size * 2, kMaxAtlasSize);
      LOG_DEBUG(kLog, atlas.rgba ? "colour" : "coverage", " atlas full at ", atlas.size, "px; now ",
                size, "px");
      clear_glyphs();
      reset_atlas(atlas, size);
      atlas_reset_ = true;
      ++stats_.atlas_resets;
      if (!place(atlas, bitmap, cells, entry)) entry.ink = false;
    }
  }
  if (cluster.empty()) {
    cached = &glyph_cache_.emplace(key, entry).first->second;
  } else {
    cached = &cluster_cache_.emplace(std::move(cluster_key), entry).first->second;
  }
  return cached;
}

void GridRenderer::set_geometry(const GridGeometry& geometry) {
  geometry_ = geometry;
  cells_.assign(static_cast<size_t>(geometry.rows) * geometry.cols,
                CellTexel{blank_tile_, 0, 0, 0});
  decos_.assign(static_cast<size_t>(geometry.rows), {});
  color_rows_.assign(static_cast<size_t>(geometry.rows), {});
  row_dirty_.assign(static_cast<size_t>(geometry.rows), 1);
  decos_dirty_ = true;
  buffers_stale_ = true;
}

void GridRenderer::set_row(int row, std::span<const GridCell> cells,
                           std::span<const std::u32string> clusters) {
  set_cells(row, 0, geometry_.cols, cells, clusters);
}

void GridRenderer::set_cells(int row, int first_col, int count, std::span<const GridCell> cells,
                             std::span<const std::u32string> clusters) {
  if (row < 0 || row >= geometry_.rows) return;
  const font::Metrics& m = fonts_->metrics();
  const int cols = geometry_.cols;
  first_col = std::clamp(first_col, 0, cols);
  const int end_col = std::clamp(first_col + count, first_col, cols);
  const float cw = static_cast<float>(m.cell_width);
  const float ch = static_cast<float>(m.cell_height);
  const float y0 = static_cast<float>(geometry_.origin_y + row * m.cell_height);
  CellTexel* out = cells_.data() + static_cast<size_t>(row) * cols;
  std::vector<RectInstance>& decos = decos_[static_cast<size_t>(row)];
  // The segment's own decorations go; other segments' stay.
  const float seg_x0 = static_cast<float>(geometry_.origin_x) + first_col * cw - 0.5f;
  const float seg_x1 = static_cast<float>(geometry_.origin_x) + end_col * cw - 0.5f;
  if (std::erase_if(decos, [&](const RectInstance& d) { return d.x >= seg_x0 && d.x < seg_x1; }))
    decos_dirty_ = true;
  std::vector<GlyphInstance>& colored = color_rows_[static_cast<size_t>(row)];
  if (std::erase_if(colored, [&](const GlyphInstance& g) { return g.x >= seg_x0 && g.x < seg_x1; }))
    color_dirty_ = true;
  const float t = static_cast<float>(std::max(1, m.underline_thickness));
  const GridCell blank{};
  // The glyph whose tile a wide character's tail cell shows the right half of.
  const AtlasEntry* wide_head = nullptr;
  for (int col = first_col; col < end_col; ++col) {
    const size_t index = static_cast<size_t>(col - first_col);
    const GridCell& c = index < cells.size() ? cells[index] : blank;
    uint32_t fg = c.fg;
    if (c.flags & cell_flag::faint) fg = with_alpha(fg, (fg >> 24) / 2);
    CellTexel& texel = out[col];
    texel = CellTexel{blank_tile_, to_gl_color(fg), c.bg >> 24 ? to_gl_color(c.bg) : 0u, 0};
    if (c.width == 0) {
      // The tail of a wide character: the right half of the head's tile (a colour
      // glyph's quad already spans both cells).
      if (wide_head && wide_head->ink && !wide_head->color) {
        texel.tile =
            (wide_head->u + static_cast<uint32_t>(m.cell_width)) | (uint32_t{wide_head->v} << 16);
        texel.fg = out[col - 1].fg;
      }
      wide_head = nullptr;
      continue;
    }
    wide_head = nullptr;
    const bool drawn = c.cp != 0 && c.cp != U' ' && !(c.flags & cell_flag::invisible);
    if (drawn) {
      std::u32string_view cluster;
      if (c.cluster > 0 && c.cluster <= clusters.size()) cluster = clusters[c.cluster - 1];
      const int width = std::clamp<int>(c.width, 1, 2);
      const AtlasEntry* e = glyph(c.cp, cluster, c.flags, width);
      if (e->ink && e->color) {
        // Both cells when its tail follows in this segment, else only the left half.
        const bool tail = width == 2 && index + 1 < cells.size() && col + 1 < end_col &&
                          cells[index + 1].width == 0;
        const uint16_t w = static_cast<uint16_t>(m.cell_width * (tail ? 2 : 1));
        colored.push_back({static_cast<float>(geometry_.origin_x) + col * cw, y0,
                           static_cast<float>(w), ch, e->u, e->v, w,
                           static_cast<uint16_t>(m.cell_height), to_gl_color(fg)});
        color_dirty_ = true;
      } else if (e->ink) {
        texel.tile = e->u | (uint32_t{e->v} << 16);
      }
      if (width == 2) wide_head = e;
    }
    const float x0 = static_cast<float>(geometry_.origin_x) + col * cw;
    const float width = cw * std::max<int>(1, c.width);
    const uint32_t deco_color = to_gl_color(c.underline_color >> 24 ? c.underline_color : fg);
    const float uy = y0 + static_cast<float>(m.underline_position);
    Underline u = c.underline;
    if (u == Underline::none && (c.flags & cell_flag::hover_link)) u = Underline::single;
    switch (u) {
      case Underline::none: break;
      case Underline::single: decos.push_back({x0, uy, width, t, deco_color, 0}); break;
      case Underline::double_:
        decos.push_back({x0, uy, width, t, deco_color, 0});
        decos.push_back({x0, std::min(uy + 2 * t, y0 + ch - t), width, t, deco_color, 0});
        break;
      case Underline::curly:
        decos.push_back({x0, std::min(uy - t, y0 + ch - 3 * t), width, 3 * t, deco_color, 1});
        break;
      case Underline::dotted: decos.push_back({x0, uy, width, t, deco_color, 2}); break;
      case Underline::dashed: decos.push_back({x0, uy, width, t, deco_color, 3}); break;
    }
    if (c.flags & cell_flag::strikethrough) {
      const float st = static_cast<float>(std::max(1, m.strikeout_thickness));
      decos.push_back(
          {x0, y0 + static_cast<float>(m.strikeout_position), width, st, to_gl_color(fg), 0});
    }
    if (c.flags & cell_flag::overline) decos.push_back({x0, y0, width, t, to_gl_color(fg), 0});
  }
  if (!decos.empty()) decos_dirty_ = true;
  row_dirty_[static_cast<size_t>(row)] = 1;
}

void GridRenderer::ensure_buffers() {
  glBindTexture(GL_TEXTURE_2D, cells_texture_);
  const int rows = geometry_.rows;
  const int cols = geometry_.cols;
  if (rows <= 0 || cols <= 0) return;
  if (buffers_stale_) {
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA32UI, cols, rows, 0, GL_RGBA_INTEGER, GL_UNSIGNED_INT,
                 cells_.data());
    stats_.rows_uploaded += static_cast<uint64_t>(rows);
    stats_.bytes_uploaded += cells_.size() * sizeof(CellTexel);
    std::fill(row_dirty_.begin(), row_dirty_.end(), 0);
    buffers_stale_ = false;
    return;
  }
  // Each run of consecutive changed rows is one glTexSubImage2D.
  for (int r = 0; r < rows;) {
    if (!row_dirty_[static_cast<size_t>(r)]) {
      ++r;
      continue;
    }
    int end = r;
    while (end < rows && row_dirty_[static_cast<size_t>(end)]) {
      row_dirty_[static_cast<size_t>(end++)] = 0;
    }
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, r, cols, end - r, GL_RGBA_INTEGER, GL_UNSIGNED_INT,
                    cells_.data() + static_cast<size_t>(r) * cols);
    stats_.rows_uploaded += static_cast<uint64_t>(end - r);
    stats_.bytes_uploaded += static_cast<uint64_t>(end - r) * cols * sizeof(CellTexel);
    r = end;
  }
}

void GridRenderer::upload() { ensure_buffers(); }

void GridRenderer::draw(int width, int height, uint32_t background) {
  glViewport(0, 0, width, height);
  const float a = static_cast<float>(background >> 24) / 255.0f;
  const float bg[4] = {static_cast<float>((background >> 16) & 0xff) / 255.0f * a,
                       static_cast<float>((background >> 8) & 0xff) / 255.0f * a,
                       static_cast<float>(background & 0xff) / 255.0f * a, a};
  glDisable(GL_BLEND);
  glClearColor(bg[0], bg[1], bg[2], bg[3]);
  glClear(GL_COLOR_BUFFER_BIT);
  ensure_buffers();

  const float vw = static_cast<float>(width), vh = static_cast<float>(height);
  const font::Metrics& m = fonts_->metrics();
  if (geometry_.rows > 0 && geometry_.cols > 0) {
    glUseProgram(grid_program_);
    glUniform2f(grid_viewport_loc_, vw, vh);
    glUniform4f(grid_rect_loc_, static_cast<float>(geometry_.origin_x),
                static_cast<float>(geometry_.origin_y),
                static_cast<float>(geometry_.cols * m.cell_width),
                static_cast<float>(geometry_.rows * m.cell_height));
    glUniform2f(grid_cell_loc_, static_cast<float>(m.cell_width),
                static_cast<float>(m.cell_height));
    glUniform4fv(grid_background_loc_, 1, bg);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, cells_texture_);
    glActiveTexture(GL_TEXTURE1);
    glBindTexture(GL_TEXTURE_2D, coverage_.texture);
    glActiveTexture(GL_TEXTURE2);
    glBindTexture(GL_TEXTURE_2D, color_.texture);
    glActiveTexture(GL_TEXTURE0);
    glBindVertexArray(grid_vao_);
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
  }

  // Colour glyphs, decorations and overlays are few: gathered and uploaded whole,
  // blended on top.
  glEnable(GL_BLEND);
  glBlendFunc(GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  if (color_dirty_) {
    color_upload_.clear();
    for (const auto& row : color_rows_) {
      color_upload_.insert(color_upload_.end(), row.begin(), row.end());
    }
    color_dirty_ = false;
  }
  if (!color_upload_.empty()) {
    glUseProgram(glyph_program_);
    glUniform2f(glyph_viewport_loc_, vw, vh);
    glUniform1i(glyph_rgba_loc_, 1);
    glBindTexture(GL_TEXTURE_2D, color_.texture);
    draw_stream(color_glyphs_, color_upload_.data(), color_upload_.size());
  }
  if (decos_dirty_) {
    deco_rows_.clear();
    for (const auto& row : decos_) deco_rows_.insert(deco_rows_.end(), row.begin(), row.end());
  }
  deco_upload_.assign(deco_rows_.begin(), deco_rows_.end());
  for (const Overlay& o : overlays_) {
    deco_upload_.push_back(
        {o.x, o.y, o.width, o.height, to_gl_color(o.color), static_cast<uint32_t>(o.style)});
  }
  if (!deco_upload_.empty()) {
    glUseProgram(rect_program_);
    glUniform2f(rect_viewport_loc_, vw, vh);
    draw_stream(deco_vao_, deco_vbo_, deco_capacity_, deco_upload_.data(), deco_upload_.size(),
                sizeof(RectInstance));
  }
  decos_dirty_ = false;

  if (!overlay_text_.empty()) {
    text_upload_.clear();
    for (const OverlayGlyph& g : overlay_text_) {
      const AtlasEntry* e = glyph(g.cp, {}, g.flags, 1);
      if (!e->ink || e->color) continue;
      const uint16_t w = static_cast<uint16_t>(m.cell_width);
      const uint16_t h = static_cast<uint16_t>(m.cell_height);
      text_upload_.push_back({g.x, g.y, static_cast<float>(w), static_cast<float>(h), e->u, e->v, w,
                              h, to_gl_color(g.color)});
    }
    if (!text_upload_.empty()) {
      glUseProgram(glyph_program_);
      glUniform2f(glyph_viewport_loc_, vw, vh);
      glUniform1i(glyph_rgba_loc_, 0);
      glBindTexture(GL_TEXTURE_2D, coverage_.texture);
      draw_stream(text_, text_upload_.data(), text_upload_.size());
    }
  }
  glBindVertexArray(0);
}

void GridRenderer::draw_stream(GlyphStream& stream, const GlyphInstance* glyphs, size_t count) {
  draw_stream(stream.vao, stream.vbo, stream.capacity, glyphs, count, sizeof(GlyphInstance));
}

void GridRenderer::draw_stream(unsigned vao, unsigned vbo, size_t& capacity, const void* data,
                               size_t count, size_t size) {
  glBindVertexArray(vao);
  glBindBuffer(GL_ARRAY_BUFFER, vbo);
  const size_t bytes = count * size;
  if (bytes > capacity) {
    capacity = std::max(bytes, capacity * 2);
    glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(capacity), nullptr, GL_DYNAMIC_DRAW);
  }
  glBufferSubData(GL_ARRAY_BUFFER, 0, static_cast<GLsizeiptr>(bytes), data);
  glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, static_cast<GLsizei>(count));
}

std::vector<uint8_t> GridRenderer::read_pixels(int width, int height) const {
  std::vector<uint8_t> pixels(static_cast<size_t>(width) * height * 4);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  // GL's origin is the bottom-left; images are top-down. Colours are premultiplied.
  const size_t stride = static_cast<size_t>(width) * 4;
  std::vector<uint8_t> out(pixels.size());
  for (int y = 0; y < height; ++y) {
    const uint8_t* src = pixels.data() + static_cast<size_t>(height - 1 - y) * stride;
    uint8_t* dst = out.data() + static_cast<size_t>(y) * stride;
    for (size_t i = 0; i < stride; i += 4) {
      const uint8_t a = src[i + 3];
      for (int k = 0; k < 3; ++k) {
        dst[i + k] = a == 0 ? 0 : static_cast<uint8_t>(std::min(255, src[i + k] * 255 / a));
      }
      dst[i + 3] = a;
    }
  }
  return out;
}

}  // namespace cadence::render
