// Cost of the font layer on the paths a frame can wait on.
//
// The first frame of a window rasterizes at least printable ASCII in the styles on
// screen, and every new code point later costs one rasterize (the atlas caches the
// bitmap after that), so these bound how long a first paint and a burst of new text
// stall. Targets, on one core of the 2-core CI machine (checked by reading the output,
// never by a timed test):
//   open                    <= 50 ms   FontSet::open: fontconfig match x4, faces, metrics
//   ascii_4_styles          <= 10 ms   95 printable ASCII x 4 styles, 11pt at scale 1
//   ascii_4_styles_2x       <= 25 ms   the same at scale 2 (HiDPI)
//   fallback_first          <= 50 ms   one CJK code point on a fresh FontSet: FcFontSort,
//                                      opening the fallback face, rasterizing
//   fallback_cached         <= 50 us   the same code point again (cached face lookup)
//   emoji_cached            <= 500 us  one colour emoji: the 109 px strike scaled down
//   box_drawing_all         <= 2 ms    all 164 procedural glyphs
//   atlas_pack              <= 5 ms    2,000 glyph-sized rectangles into 1024x1024
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>

#include "base/log.hpp"
#include "render/font/atlas_packer.hpp"
#include "render/font/box_drawing.hpp"
#include "render/font/font_set.hpp"

namespace {

using namespace cadence::render::font;

const FontSpec kSpec{"DejaVu Sans Mono", 11.0};

std::unique_ptr<FontSet> open_or_die(double scale) {
  static const bool quiet = (cadence::log::configure("warn"), true);  // open() logs at info
  (void)quiet;
  auto fs = FontSet::open(kSpec, scale);
  if (!fs) {
    std::fprintf(stderr, "bench_font: %s\n", fs.error().message.c_str());
    std::abort();
  }
  return std::move(fs).value();
}

void BM_open(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(open_or_die(1.0));
}

void ascii_4_styles(benchmark::State& state, double scale) {
  auto fs = open_or_die(scale);
  size_t bytes = 0;
  for (auto _ : state) {
    for (FaceStyle style :
         {FaceStyle::regular, FaceStyle::bold, FaceStyle::italic, FaceStyle::bold_italic}) {
      for (char32_t c = 0x20; c < 0x7f; ++c) {
        const GlyphBitmap g = fs->rasterize(std::u32string_view(&c, 1), style, 1);
        bytes += g.pixels.size();
      }
    }
  }
  benchmark::DoNotOptimize(bytes);
  state.counters["glyphs/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * 95 * 4,
                                                  benchmark::Counter::kIsRate);
}
void BM_ascii_4_styles(benchmark::State& state) { ascii_4_styles(state, 1.0); }
void BM_ascii_4_styles_2x(benchmark::State& state) { ascii_4_styles(state, 2.0); }

void BM_fallback_first(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    auto fs = open_or_die(1.0);
    state.ResumeTiming();
    benchmark::DoNotOptimize(fs->rasterize(U"中", FaceStyle::regular, 2));
    state.PauseTiming();
    fs.reset();
    state.ResumeTiming();
  }
}

void BM_fallback_cached(benchmark::State& state) {
  auto fs = open_or_die(1.0);
  (void)fs->rasterize(U"中", FaceStyle::regular, 2);
  for (auto _ : state) benchmark::DoNotOptimize(fs->rasterize(U"中", FaceStyle::regular, 2));
}

void BM_emoji_cached(benchmark::State& state) {
  auto fs = open_or_die(1.0);
  (void)fs->rasterize(U"\U0001F600", FaceStyle::regular, 2);
  for (auto _ : state) {
    benchmark::DoNotOptimize(fs->rasterize(U"\U0001F600", FaceStyle::regular, 2));
  }
}

void BM_box_drawing_all(benchmark::State& state) {
  Metrics m;
  m.cell_width = 9;
  m.cell_height = 18;
  m.baseline = 14;
  for (auto _ : state) {
    for (char32_t cp = 0x2500; cp <= 0x259f; ++cp) {
      benchmark::DoNotOptimize(draw_procedural(cp, m, 1));
    }
    for (char32_t cp = 0xe0b0; cp <= 0xe0b3; ++cp) {
      benchmark::DoNotOptimize(draw_procedural(cp, m, 1));
    }
  }
}

void BM_atlas_pack(benchmark::State& state) {
  std::mt19937 rng(1);
  std::vector<std::pair<int, int>> sizes;
  for (int i = 0; i < 2000; ++i) {
    sizes.emplace_back(3 + static_cast<int>(rng() % 16), 8 + static_cast<int>(rng() % 12));
  }
  AtlasPacker packer(1024, 1024);
  for (auto _ : state) {
    packer.reset(1024, 1024);
    for (const auto& [w, h] : sizes) benchmark::DoNotOptimize(packer.allocate(w, h));
  }
  state.counters["fill"] = packer.fill_ratio();
}

}  // namespace

BENCHMARK(BM_open)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ascii_4_styles)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ascii_4_styles_2x)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_fallback_first)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_fallback_cached)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_emoji_cached)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_box_drawing_all)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_atlas_pack)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
