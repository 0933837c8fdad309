// Cost of one frame in the grid renderer, offscreen on Mesa's surfaceless EGL platform.
//
// During a flood every row changes between frames, and on a machine without a GPU the
// rasterizer (llvmpipe) runs on the same cores that read and parse the output; what a
// frame costs there is taken from the throughput the terminal shows. These time the frame
// the way the window draws it (rows set, upload, draw) into a framebuffer object of the
// benchmark terminal's size, with glFinish so the rasterizer's threads are in the time:
//   BM_frame_scroll    every row new (a flood scrolling the whole screen)
//   BM_frame_static    nothing new: the draw alone (a blinking cursor, a selection change)
//   BM_frame_one_row   one row new (typing at a prompt)
//   BM_quads_scroll    BM_frame_scroll drawn the way the grid shader replaced, for
//                      comparison: an instance per cell background and per glyph, two
//                      instanced draws (glyphs blended), instances rebuilt every frame
// Targets, read from the output (never a timed test): at 1280x720 BM_frame_scroll under
// 10 ms of CPU (a fifth of the 50 ms flood-pacing interval, so a flood leaves the cores
// to parsing), and under BM_quads_scroll's.
// Besides the wall time, cpu_ms/frame counts every thread of the process (the rasterizer
// runs on its own threads). Arguments: width and height in pixels. Figures are read from the
// output, never checked by a timed test; docs/benchmarks.md has the ones measured.
#include <GLES3/gl3.h>
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <random>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/log.hpp"
#include "render/egl_context.hpp"
#include "render/grid_renderer.hpp"

namespace {

using namespace cadence::render;

[[noreturn]] void die(const char* what, const std::string& why) {
  std::fprintf(stderr, "bench_render: %s: %s\n", what, why.c_str());
  std::exit(1);
}

// One context, renderer and framebuffer for the whole run, as a window has.
struct Scene {
  std::unique_ptr<EglContext> egl;
  std::unique_ptr<GridRenderer> renderer;
  std::unique_ptr<OffscreenTarget> target;
  int width = 0, height = 0;
  std::vector<std::vector<GridCell>> lines;  // a pool of varied rows to scroll through
  size_t next_line = 0;

  static Scene& get() {
    static Scene scene;
    return scene;
  }

  Scene() {
    cadence::log::configure("warn");
    auto egl_r = EglContext::create_offscreen();
    if (!egl_r) die("EGL", egl_r.error().message);
    egl = std::move(egl_r.value());
    auto fonts = font::FontSet::open(font::FontSpec{"DejaVu Sans Mono", 10.0}, 1.0);
    if (!fonts) die("fonts", fonts.error().message);
    auto r = GridRenderer::create(std::move(fonts.value()));
    if (!r) die("renderer", r.error().message);
    renderer = std::move(r.value());
    make_lines();
  }

  // Lines like the mixed flood file: words in 16 colours, some on backgrounds, some
  // bold, a few non-ASCII letters; about a fifth of the cells are blank.
  void make_lines() {
    std::mt19937 rng(1);
    const char32_t extra[] = {U'é', U'ü', U'ß', U'λ', U'Ж', U'→', U'│', U'█'};
    const uint32_t palette[] = {0xffcd3131, 0xff0dbc79, 0xffe5e510, 0xff2472c8,
                                0xffbc3fbc, 0xff11a8cd, 0xffe5e5e5, 0xff666666};
    for (int n = 0; n < 512; ++n) {
      std::vector<GridCell> line(400);
      uint32_t fg = 0xffd0d0d0, bg = 0;
      uint16_t flags = 0;
      for (auto& c : line) {
        if (rng() % 8 == 0) {
          fg = palette[rng() % 8];
          bg = rng() % 4 == 0 ? palette[rng() % 8] : 0;
          flags = rng() % 5 == 0 ? cell_flag::bold : 0;
        }
        const unsigned pick = rng() % 100;
        c.cp = pick < 20 ? U' ' : pick < 97 ? U'!' + rng() % 94 : extra[rng() % 8];
        c.fg = fg;
        c.bg = bg;
        c.flags = flags;
      }
      lines.push_back(std::move(line));
    }
  }

  void resize(int w, int h) {
    if (w == width && h == height) return;
    width = w;
    height = h;
    target.reset();
    auto t = OffscreenTarget::create(w, h);
    if (!t) die("framebuffer", t.error().message);
    target = std::move(t.value());
    const font::Metrics& m = renderer->metrics();
    GridGeometry g;
    g.cols = w / m.cell_width;
    g.rows = h / m.cell_height;
    renderer->set_geometry(g);
    for (int row = 0; row < g.rows; ++row) set_next(row);
    frame();  // every glyph on screen rasterized before timing
  }

  void set_next(int row) {
    const auto& line = lines[next_line++ % lines.size()];
    renderer->set_row(row, std::span(line.data(), static_cast<size_t>(renderer->geometry().cols)));
  }

  void frame() {
    renderer->draw(width, height, 0xff101010);
    glFinish();
  }
};

// The design the grid shader replaced: cells as instanced quads, backgrounds in one draw
// (cells with the default background left to the clear) and glyphs in a second, blended
// one, reading cell-sized tiles of its own coverage atlas. Kept minimal (flat colours, one
// texel fetch per glyph pixel) so the comparison favours it.
class QuadRenderer {
 public:
  explicit QuadRenderer(font::FontSet& fonts) : fonts_(fonts), m_(fonts.metrics()) {
    bg_program_ = program(kBgVert, kBgFrag);
    glyph_program_ = program(kGlyphVert, kGlyphFrag);
    glGenTextures(1, &atlas_);
    glBindTexture(GL_TEXTURE_2D, atlas_);
    glTexStorage2D(GL_TEXTURE_2D, 1, GL_R8, kAtlas, kAtlas);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    for (Stream* s : {&bg_, &glyphs_}) {
      glGenVertexArrays(1, &s->vao);
      glGenBuffers(1, &s->vbo);
      glBindVertexArray(s->vao);
      glBindBuffer(GL_ARRAY_BUFFER, s->vbo);
      const GLsizei stride = sizeof(Instance);
      glEnableVertexAttribArray(0);
      glVertexAttribPointer(0, 4, GL_FLOAT, GL_FALSE, stride, nullptr);
      glEnableVertexAttribArray(1);
      glVertexAttribPointer(1, 2, GL_UNSIGNED_SHORT, GL_FALSE, stride,
                            reinterpret_cast<void*>(offsetof(Instance, u)));
      glEnableVertexAttribArray(2);
      glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, stride,
                            reinterpret_cast<void*>(offsetof(Instance, color)));
      for (GLuint i = 0; i < 3; ++i) glVertexAttribDivisor(i, 1);
    }
    glBindVertexArray(0);
  }

  void set_geometry(int rows, int cols) {
    rows_ = rows;
    cols_ = cols;
    bg_rows_.assign(static_cast<size_t>(rows), {});
    glyph_rows_.assign(static_cast<size_t>(rows), {});
  }

  void set_row(int row, std::span<const GridCell> cells) {
    auto& bg = bg_rows_[static_cast<size_t>(row)];
    auto& glyphs = glyph_rows_[static_cast<size_t>(row)];
    bg.clear();
    glyphs.clear();
    const float cw = static_cast<float>(m_.cell_width), ch = static_cast<float>(m_.cell_height);
    const float y = static_cast<float>(row) * ch;
    for (int col = 0; col < cols_ && col < static_cast<int>(cells.size()); ++col) {
      const GridCell& c = cells[static_cast<size_t>(col)];
      const float x = static_cast<float>(col) * cw;
      if (c.bg >> 24) bg.push_back({x, y, cw, ch, 0, 0, rgba(c.bg)});
      if (c.cp == 0 || c.cp == U' ') continue;
      const auto [u, v] = tile(c.cp, c.flags);
      glyphs.push_back({x, y, cw, ch, u, v, rgba(c.fg)});
    }
  }

  void draw(int width, int height) {
    glViewport(0, 0, width, height);
    glClearColor(0.06f, 0.06f, 0.06f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    gather(bg_rows_, upload_);
    glDisable(GL_BLEND);
    glUseProgram(bg_program_);
    glUniform2f(glGetUniformLocation(bg_program_, "u_viewport"), static_cast<float>(width),
                static_cast<float>(height));
    stream(bg_, upload_);
    gather(glyph_rows_, upload_);
    glEnable(GL_BLEND);
    glBlendFunc(GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
    glUseProgram(glyph_program_);
    glUniform2f(glGetUniformLocation(glyph_program_, "u_viewport"), static_cast<float>(width),
                static_cast<float>(height));
    glUniform2f(glGetUniformLocation(glyph_program_, "u_cell"), static_cast<float>(m_.cell_width),
                static_cast<float>(m_.cell_height));
    glBindTexture(GL_TEXTURE_2D, atlas_);
    stream(glyphs_, upload_);
    glBindVertexArray(0);
  }

 private:
  struct Instance {
    float x, y, w, h;
    uint16_t u, v;
    uint32_t color;
  };
  struct Stream {
    GLuint vao = 0, vbo = 0;
    size_t capacity = 0;
  };
  static constexpr int kAtlas = 1024;
  static constexpr const char* kBgVert = R"(#version 300 es
uniform vec2 u_viewport;
layout(location = 0) in vec4 a_rect;
layout(location = 2) in vec4 a_color;
flat out vec4 v_color;
void main() {
  vec2 corner = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1));
  vec2 ndc = (a_rect.xy + corner * a_rect.zw) / u_viewport * 2.0 - 1.0;
  v_color = a_color;
  gl_Position = vec4(ndc.x, -ndc.y, 0.0, 1.0);
})";
  static constexpr const char* kBgFrag = R"(#version 300 es
precision mediump float;
flat in vec4 v_color;
out vec4 frag;
void main() { frag = v_color; })";
  static constexpr const char* kGlyphVert = R"(#version 300 es
uniform vec2 u_viewport;
uniform vec2 u_cell;
layout(location = 0) in vec4 a_rect;
layout(location = 1) in vec2 a_uv;
layout(location = 2) in vec4 a_color;
out vec2 v_texel;
flat out vec4 v_color;
void main() {
  vec2 corner = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1));
  vec2 ndc = (a_rect.xy + corner * a_rect.zw) / u_viewport * 2.0 - 1.0;
  v_texel = a_uv + corner * u_cell;
  v_color = a_color;
  gl_Position = vec4(ndc.x, -ndc.y, 0.0, 1.0);
})";
  static constexpr const char* kGlyphFrag = R"(#version 300 es
precision mediump float;
uniform sampler2D u_atlas;
in vec2 v_texel;
flat in vec4 v_color;
out vec4 frag;
void main() {
  float a = texelFetch(u_atlas, ivec2(v_texel), 0).r * v_color.a;
  frag = vec4(v_color.rgb * a, a);
})";

  static uint32_t rgba(uint32_t argb) {  // 0xAARRGGBB to bytes R, G, B, A
    return ((argb >> 16) & 0xff) | (argb & 0xff00) | ((argb & 0xff) << 16) | (argb & 0xff000000);
  }

  static GLuint program(const char* vs, const char* fs) {
    auto compile = [](GLenum kind, const char* src) {
      const GLuint sh = glCreateShader(kind);
      glShaderSource(sh, 1, &src, nullptr);
      glCompileShader(sh);
      GLint ok = 0;
      glGetShaderiv(sh, GL_COMPILE_STATUS, &ok);
      if (!ok) {
        char log[1024] = {};
        glGetShaderInfoLog(sh, sizeof log, nullptr, log);
        die("quad shader", log);
      }
      return sh;
    };
    const GLuint p = glCreateProgram();
    glAttachShader(p, compile(GL_VERTEX_SHADER, vs));
    glAttachShader(p, compile(GL_FRAGMENT_SHADER, fs));
    glLinkProgram(p);
    GLint ok = 0;
    glGetProgramiv(p, GL_LINK_STATUS, &ok);
    if (!ok) die("quad program", "does not link");
    return p;
  }

  // A cell-sized tile per (code point, bold), rasterized on first use.
  std::pair<uint16_t, uint16_t> tile(char32_t cp, uint16_t flags) {
    const bool bold = flags & cell_flag::bold;
    const uint64_t key = (uint64_t{cp} << 1) | (bold ? 1 : 0);
    if (auto it = tiles_.find(key); it != tiles_.end()) return it->second;
    const int per_row = kAtlas / m_.cell_width;
    const int n = static_cast<int>(tiles_.size());
    const auto u = static_cast<uint16_t>((n % per_row) * m_.cell_width);
    const auto v = static_cast<uint16_t>((n / per_row) * m_.cell_height);
    if (v + m_.cell_height > kAtlas) die("quad atlas", "full");
    std::vector<uint8_t> cell(static_cast<size_t>(m_.cell_width * m_.cell_height), 0);
    const font::GlyphBitmap b = fonts_.rasterize(
        std::u32string_view(&cp, 1), bold ? font::FaceStyle::bold : font::FaceStyle::regular, 1);
    for (int y = 0; y < b.height && !b.color; ++y) {
      for (int x = 0; x < b.width; ++x) {
        const int cx = b.left + x, cy = b.top + y;
        if (cx < 0 || cy < 0 || cx >= m_.cell_width || cy >= m_.cell_height) continue;
        cell[static_cast<size_t>(cy * m_.cell_width + cx)] =
            b.pixels[static_cast<size_t>(y * b.width + x)];
      }
    }
    glBindTexture(GL_TEXTURE_2D, atlas_);
    glTexSubImage2D(GL_TEXTURE_2D, 0, u, v, m_.cell_width, m_.cell_height, GL_RED, GL_UNSIGNED_BYTE,
                    cell.data());
    return tiles_[key] = {u, v};
  }

  static void gather(const std::vector<std::vector<Instance>>& rows, std::vector<Instance>& out) {
    out.clear();
    for (const auto& r : rows) out.insert(out.end(), r.begin(), r.end());
  }

  static void stream(Stream& s, const std::vector<Instance>& data) {
    glBindVertexArray(s.vao);
    glBindBuffer(GL_ARRAY_BUFFER, s.vbo);
    const size_t bytes = data.size() * sizeof(Instance);
    if (bytes > s.capacity) {
      s.capacity = bytes * 2;
      glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(s.capacity), nullptr, GL_STREAM_DRAW);
    }
    glBufferSubData(GL_ARRAY_BUFFER, 0, static_cast<GLsizeiptr>(bytes), data.data());
    glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, static_cast<GLsizei>(data.size()));
  }

  font::FontSet& fonts_;
  font::Metrics m_;
  GLuint bg_program_ = 0, glyph_program_ = 0, atlas_ = 0;
  Stream bg_, glyphs_;
  int rows_ = 0, cols_ = 0;
  std::vector<std::vector<Instance>> bg_rows_, glyph_rows_;
  std::vector<Instance> upload_;
  std::unordered_map<uint64_t, std::pair<uint16_t, uint16_t>> tiles_;
};

double process_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

void run(benchmark::State& state, int rows_changed) {
  Scene& s = Scene::get();
  s.resize(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  const int rows = s.renderer->geometry().rows;
  if (rows_changed < 0) rows_changed = rows;
  const double cpu0 = process_cpu_ms();
  for (auto _ : state) {
    for (int row = 0; row < rows_changed; ++row) s.set_next(row);
    s.frame();
  }
  // The rasterizer's threads are the process's too: CPU per frame is what a frame takes
  // from the cores the parser needs, whatever the wall time on a shared machine.
  state.counters["cpu_ms/frame"] =
      (process_cpu_ms() - cpu0) / static_cast<double>(std::max<int64_t>(state.iterations(), 1));
  state.counters["rows"] = rows;
  state.counters["cols"] = s.renderer->geometry().cols;
  state.counters["Mpixel/s"] = benchmark::Counter(
      static_cast<double>(s.width) * s.height * static_cast<double>(state.iterations()) / 1e6,
      benchmark::Counter::kIsRate);
}

void BM_quads_scroll(benchmark::State& state) {
  Scene& s = Scene::get();
  s.resize(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  const int rows = s.renderer->geometry().rows, cols = s.renderer->geometry().cols;
  QuadRenderer quads(s.renderer->fonts());
  quads.set_geometry(rows, cols);
  auto next = [&](int row) {
    const auto& line = s.lines[s.next_line++ % s.lines.size()];
    quads.set_row(row, std::span(line.data(), static_cast<size_t>(cols)));
  };
  for (int row = 0; row < rows; ++row) next(row);
  quads.draw(s.width, s.height);  // every glyph on screen rasterized before timing
  glFinish();
  const double cpu0 = process_cpu_ms();
  for (auto _ : state) {
    for (int row = 0; row < rows; ++row) next(row);
    quads.draw(s.width, s.height);
    glFinish();
  }
  state.counters["cpu_ms/frame"] =
      (process_cpu_ms() - cpu0) / static_cast<double>(std::max<int64_t>(state.iterations(), 1));
  state.counters["rows"] = rows;
  state.counters["cols"] = cols;
}

void BM_frame_scroll(benchmark::State& state) { run(state, -1); }
void BM_frame_static(benchmark::State& state) { run(state, 0); }
void BM_frame_one_row(benchmark::State& state) { run(state, 1); }

BENCHMARK(BM_frame_scroll)
    ->Args({1280, 720})
    ->Args({2560, 1440})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_frame_static)->Args({1280, 720})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_frame_one_row)->Args({1280, 720})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_quads_scroll)
    ->Args({1280, 720})
    ->Args({2560, 1440})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
