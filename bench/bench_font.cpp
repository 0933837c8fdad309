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
//
// Font features (Fira Code, fonts-firacode; features = zero, ss01, ss03, cv01, cv02,
// cv14, onum, case, the kind of list users set: 8 lookups). Substitution runs once per
// glyph rasterized, never per frame, so its cost is set against a rasterization's:
//   open_features/0|1       <= 50 ms   FontSet::open without / with them; with, each face
//                                      opened also reads its GSUB: at most 5 ms more
//   glyph_index/0|1         <= 100 ns  per code point (items/s): face choice and cmap, and
//                                      with features the lookups, at most 50 ns more
//   gsub_apply              <= 100 ns  per glyph (items/s): the 8 lookups alone
//   ascii_features/0|1      <= 10 ms   95 printable ASCII x 4 styles rasterized, without /
//                                      with: within 10% of each other (the lookups cost
//                                      ~2%; the rest is that variants are other shapes)
#include <benchmark/benchmark.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_TRUETYPE_TABLES_H
#include FT_TRUETYPE_TAGS_H

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "base/log.hpp"
#include "render/font/atlas_packer.hpp"
#include "render/font/box_drawing.hpp"
#include "render/font/font_set.hpp"
#include "render/font/gsub.hpp"

namespace {

using namespace cadence::render::font;

const FontSpec kSpec{"DejaVu Sans Mono", 11.0};

std::unique_ptr<FontSet> open_or_die(const FontSpec& spec, double scale) {
  static const bool quiet = (cadence::log::configure("warn"), true);  // open() logs at info
  (void)quiet;
  auto fs = FontSet::open(spec, scale);
  if (!fs) {
    std::fprintf(stderr, "bench_font: %s\n", fs.error().message.c_str());
    std::abort();
  }
  if (fs.value()->primary_family() != spec.family) {
    std::fprintf(stderr, "bench_font: '%s' is not installed\n", spec.family.c_str());
    std::abort();
  }
  return std::move(fs).value();
}
std::unique_ptr<FontSet> open_or_die(double scale) { return open_or_die(kSpec, scale); }

// Fira Code with the features of the header when `with_features`.
FontSpec fira_spec(bool with_features) {
  FontSpec spec{"Fira Code", 11.0, {}};
  if (with_features) {
    const std::vector<std::string> list = {"zero", "ss01", "ss03", "cv01",
                                           "cv02", "cv14", "onum", "case"};
    spec.features = parse_font_features(list).value();
  }
  return spec;
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

void BM_open_features(benchmark::State& state) {
  const FontSpec spec = fira_spec(state.range(0) != 0);
  for (auto _ : state) benchmark::DoNotOptimize(open_or_die(spec, 1.0));
}

void BM_glyph_index(benchmark::State& state) {
  auto fs = open_or_die(fira_spec(state.range(0) != 0), 1.0);
  uint64_t sum = 0;
  for (auto _ : state) {
    for (char32_t c = 0x21; c < 0x7f; ++c) sum += fs->glyph_index(c, FaceStyle::regular);
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 94);
}

void BM_gsub_apply(benchmark::State& state) {
  // The GSUB read from the file as FontSet reads it.
  FT_Library library = nullptr;
  FT_Face face = nullptr;
  const char* file = "/usr/share/fonts/truetype/firacode/FiraCode-Regular.ttf";
  if (FT_Init_FreeType(&library) != 0 || FT_New_Face(library, file, 0, &face) != 0) {
    std::fprintf(stderr, "bench_font: cannot open %s\n", file);
    std::abort();
  }
  FT_ULong length = 0;
  FT_Load_Sfnt_Table(face, TTAG_GSUB, 0, nullptr, &length);
  std::vector<uint8_t> table(length);
  FT_Load_Sfnt_Table(face, TTAG_GSUB, 0, table.data(), &length);
  const auto features = enabled_features(fira_spec(true).features);
  const GlyphSubstitutions subs =
      GlyphSubstitutions::build(table, static_cast<uint32_t>(face->num_glyphs), features, nullptr);
  std::vector<uint32_t> glyphs;
  for (char32_t c = 0x21; c < 0x7f; ++c) glyphs.push_back(FT_Get_Char_Index(face, c));
  FT_Done_Face(face);
  FT_Done_FreeType(library);
  uint64_t sum = 0;
  for (auto _ : state) {
    for (uint32_t g : glyphs) sum += subs.apply(g);
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * glyphs.size()));
  state.counters["lookups"] = static_cast<double>(subs.lookup_count());
}

void BM_ascii_features(benchmark::State& state) {
  auto fs = open_or_die(fira_spec(state.range(0) != 0), 1.0);
  size_t bytes = 0;
  for (auto _ : state) {
    for (FaceStyle style :
         {FaceStyle::regular, FaceStyle::bold, FaceStyle::italic, FaceStyle::bold_italic}) {
      for (char32_t c = 0x20; c < 0x7f; ++c) {
        bytes += fs->rasterize(std::u32string_view(&c, 1), style, 1).pixels.size();
      }
    }
  }
  benchmark::DoNotOptimize(bytes);
  state.counters["substituted"] = static_cast<double>(fs->stats().glyphs_substituted);
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
BENCHMARK(BM_open_features)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_glyph_index)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_gsub_apply)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ascii_features)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_box_drawing_all)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_atlas_pack)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
