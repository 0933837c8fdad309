// Benchmarks for vt/unicode, the per-character cost on the print path.
//
// Every printed code point costs one width() and one Segmenter::feed(), so these
// bound how fast the core can ingest text. Each benchmark reports items/s (one item
// = one code point). The budget each must stay under is in its comment, next to
// what it measured on an AMD EPYC VM core (debugoptimized build); budgets are a few
// times the measurement, so only a real regression (an extra table stage, a lost
// inline fast path, a branch per rule) trips them.
#include "vt/unicode/unicode.hpp"

#include <benchmark/benchmark.h>

#include <string_view>
#include <vector>

namespace {

using namespace cadence::vt::unicode;

// Repeats sample up to about 64 Ki code points: large enough that loop overhead
// is noise, small enough to stay in L2 next to the table.
std::vector<char32_t> text_from(std::u32string_view sample) {
  std::vector<char32_t> out;
  while (out.size() < 64 * 1024) out.insert(out.end(), sample.begin(), sample.end());
  return out;
}

const std::vector<char32_t>& ascii_text() {
  static const auto text = text_from(
      U"drwxr-xr-x  2 user user  4096 Jan  1 12:00 src/vt/unicode "
      U"int width(char32_t cp); // 0, 1 or 2 {}[]()<>|&;:'\"\\ ~!@#$%^*_+-=?/.,`");
  return text;
}

const std::vector<char32_t>& cjk_text() {
  static const auto text = text_from(
      U"終端エミュレータは文字幅を知る必要があります。한국어 텍스트도 넓습니다。"
      U"漢字、ひらがな、カタカナ、全角ＡＢＣ１２３。𠀀𠀁𪜀");
  return text;
}

const std::vector<char32_t>& emoji_text() {
  // Latin with combining marks, emoji with and without skin tones and VS16, ZWJ
  // families, flags, and some CJK: what a chat log or a fancy prompt looks like.
  static const auto text = text_from(
      U"build ok ✅ tests 🟢 200 passed 🎉 cafe\u0301 na\u0308ive "
      U"👩‍👩‍👧 👍🏽 ❤️ 🇫🇷🇩🇪 ⌚ 日本語 "
      U"🏳️‍🌈 👨🏻‍💻 deploy 🚀 done ");
  return text;
}

// Budget: 2 ns per code point (measured 0.7 ns).
void BM_WidthAscii(benchmark::State& state) {
  const auto& text = ascii_text();
  for (auto _ : state) {
    int sum = 0;
    for (char32_t cp : text) sum += width(cp);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_WidthAscii);

// Budget: 4 ns per code point (measured 1.2 ns): three dependent L1 loads.
void BM_WidthCjk(benchmark::State& state) {
  const auto& text = cjk_text();
  for (auto _ : state) {
    int sum = 0;
    for (char32_t cp : text) sum += width(cp);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_WidthCjk);

// Budget: 4 ns per code point (measured 0.9 ns).
void BM_WidthMixedEmoji(benchmark::State& state) {
  const auto& text = emoji_text();
  for (auto _ : state) {
    int sum = 0;
    for (char32_t cp : text) sum += width(cp);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_WidthMixedEmoji);

// Counting clusters is what the screen does per printed code point: feed, and on
// a boundary start a new cell.
void segment(benchmark::State& state, const std::vector<char32_t>& text) {
  for (auto _ : state) {
    Segmenter seg;
    int clusters = 0;
    for (char32_t cp : text) clusters += seg.feed(cp);
    benchmark::DoNotOptimize(clusters);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

// Budget: 2 ns per code point (measured 0.5 ns): the inline ASCII path.
void BM_SegmentAscii(benchmark::State& state) { segment(state, ascii_text()); }
BENCHMARK(BM_SegmentAscii);

// Budget: 6 ns per code point (measured 2.1 ns): the property lookup, then the
// transition load, which carries the state from one code point to the next.
void BM_SegmentCjk(benchmark::State& state) { segment(state, cjk_text()); }
BENCHMARK(BM_SegmentCjk);

// Budget: 6 ns per code point (measured 1.0 ns).
void BM_SegmentMixedEmoji(benchmark::State& state) { segment(state, emoji_text()); }
BENCHMARK(BM_SegmentMixedEmoji);

// Both together, as the print path calls them. Budget: 8 ns per code point
// (measured 1.3 ns).
void BM_WidthAndSegmentMixedEmoji(benchmark::State& state) {
  const auto& text = emoji_text();
  for (auto _ : state) {
    Segmenter seg;
    int cells = 0;
    for (char32_t cp : text)
      if (seg.feed(cp)) cells += width(cp);
    benchmark::DoNotOptimize(cells);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_WidthAndSegmentMixedEmoji);

}  // namespace

BENCHMARK_MAIN();
