// Cost of one frame in the grid renderer, offscreen on Mesa's surfaceless EGL platform.
//
// During a flood every row changes between frames, and on a machine without a GPU the
// rasterizer (llvmpipe) runs on the same cores that read and parse the output; what a
// frame costs there is taken from the throughput the terminal shows. These time the frame
// the way the window draws it (rows set, upload, draw) into a framebuffer object of the
// benchmark terminal's size, with glFinish so the rasterizer's threads are in the time:
//   frame_scroll      every row new (a flood scrolling the whole screen)
//   frame_static      nothing new: the draw alone (a blinking cursor, a selection change)
//   frame_one_row     one row new (typing at a prompt)
// Besides the wall time, cpu_ms/frame counts every thread of the process (the rasterizer
// runs on its own threads). Arguments: width and height in pixels. Figures are read from the
// output, never checked by a timed test; docs/benchmarks.md has the ones measured.
#include <GLES3/gl3.h>
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <random>
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

void frame_scroll(benchmark::State& state) { run(state, -1); }
void frame_static(benchmark::State& state) { run(state, 0); }
void frame_one_row(benchmark::State& state) { run(state, 1); }

BENCHMARK(frame_scroll)
    ->Args({1280, 720})
    ->Args({2560, 1440})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(frame_static)->Args({1280, 720})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(frame_one_row)->Args({1280, 720})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
