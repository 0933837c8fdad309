// Throughput of the emulation core alone (no pty, no rendering), and scrollback memory.
//
// Targets, on one core of the 2-core CI machine (issue figures, checked by reading the
// output, never by a timed test):
//   ascii            >= 500 MB/s
//   sgr_heavy        >= 150 MB/s   (compiler/ls-like coloured output)
//   unicode          >= 100 MB/s   (CJK, emoji, combining marks)
//   cursor_motion    reported      (vim-like redraws: CUP + short runs + SGR)
//   region_scroll    reported      (scrolling inside DECSTBM, as in a pager's body)
//   utf8_decode      reported      (the parser's UTF-8 path: printable non-ASCII text)
//   bytes_per_cell   <= 4          (100,000 lines x 200 columns of coloured text)
// docs/benchmarks.md ("The emulation core") has the last side-by-side measurement
// against the code before the run paths, with its date and commit.
#include <benchmark/benchmark.h>

#include <random>
#include <string>

#include "vt/terminal.hpp"

namespace {

using cadence::vt::Terminal;

constexpr size_t kChunk = 64 * 1024;  // what a pty read hands the parser at once

std::string make_ascii(size_t size) {
  std::mt19937 rng(1);
  std::string out;
  while (out.size() < size) {
    int len = 20 + static_cast<int>(rng() % 100);
    for (int i = 0; i < len; ++i) out.push_back(static_cast<char>(' ' + rng() % 95));
    out += "\r\n";
  }
  return out;
}

std::string make_sgr(size_t size) {
  std::mt19937 rng(2);
  static const char* kWords[] = {"error:",     "warning:",  "note:", "src/vt/terminal.cpp:42:7",
                                 "drwxr-xr-x", "README.md", "main",  "return",
                                 "int",        "->"};
  std::string out;
  while (out.size() < size) {
    int words = 4 + static_cast<int>(rng() % 10);
    for (int w = 0; w < words; ++w) {
      switch (rng() % 4) {
        case 0: out += "\x1b[1;31m"; break;
        case 1: out += "\x1b[38;5;" + std::to_string(rng() % 256) + "m"; break;
        case 2: out += "\x1b[38;2;" + std::to_string(rng() % 256) + ";100;200m"; break;
        default: out += "\x1b[0m"; break;
      }
      out += kWords[rng() % 10];
      out += ' ';
    }
    out += "\x1b[0m\r\n";
  }
  return out;
}

std::string make_unicode(size_t size) {
  std::mt19937 rng(3);
  static const char* kPieces[] = {"中文字符",
                                  "日本語のテキスト",
                                  "한국어",
                                  "e\u0301",
                                  "\U0001F600",
                                  "\U0001F468\u200D\U0001F469\u200D\U0001F467",
                                  "\u2764\uFE0F",
                                  "Ünïcödé",
                                  " ",
                                  "\U0001F1E9\U0001F1EA"};
  std::string out;
  while (out.size() < size) {
    int n = 5 + static_cast<int>(rng() % 15);
    for (int i = 0; i < n; ++i) out += kPieces[rng() % 10];
    out += "\r\n";
  }
  return out;
}

std::string make_utf8_text(size_t size) {
  std::string out;
  const char* sentence = "Größenänderung überprüft: café, naïve, Ελληνικά, кириллица. ";
  while (out.size() < size) {
    out += sentence;
    if (out.size() % 7 == 0) out += "\r\n";
  }
  return out;
}

std::string make_cursor_motion(size_t size) {
  std::mt19937 rng(4);
  std::string out;
  while (out.size() < size) {
    out += "\x1b[" + std::to_string(1 + rng() % 50) + ";" + std::to_string(1 + rng() % 180) + "H";
    out += (rng() % 2) ? "\x1b[38;5;141m" : "\x1b[0m";
    out += "fn draw(&mut self)";
    if (rng() % 8 == 0) out += "\x1b[K";
  }
  return out;
}

std::string make_region_scroll(size_t size) {
  std::string out = "\x1b[2;49r\x1b[49;1H";
  int i = 0;
  while (out.size() < size) out += "scrolling body line " + std::to_string(i++) + "\n\r";
  return out;
}

void run(benchmark::State& state, const std::string& data) {
  Terminal::Options o;
  o.rows = 50;
  o.cols = 200;
  o.scrollback_lines = 10000;
  Terminal t(o);
  for (auto _ : state) {
    for (size_t off = 0; off < data.size(); off += kChunk)
      t.feed(std::string_view(data).substr(off, kChunk));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}

constexpr size_t kSize = 16 << 20;

void BM_ascii(benchmark::State& s) {
  static const std::string d = make_ascii(kSize);
  run(s, d);
}
void BM_sgr_heavy(benchmark::State& s) {
  static const std::string d = make_sgr(kSize);
  run(s, d);
}
void BM_unicode(benchmark::State& s) {
  static const std::string d = make_unicode(kSize);
  run(s, d);
}
void BM_utf8_decode(benchmark::State& s) {
  static const std::string d = make_utf8_text(kSize);
  run(s, d);
}
void BM_cursor_motion(benchmark::State& s) {
  static const std::string d = make_cursor_motion(kSize);
  run(s, d);
}
void BM_region_scroll(benchmark::State& s) {
  static const std::string d = make_region_scroll(kSize);
  run(s, d);
}

// 100,000 lines x 200 columns of typical coloured text, all in the scrollback: heap
// bytes of the packed lines plus the container's per-line cost, per cell.
void BM_bytes_per_cell(benchmark::State& state) {
  constexpr int kLines = 100000, kCols = 200;
  double per_cell = 0;
  for (auto _ : state) {
    Terminal::Options o;
    o.rows = 50;
    o.cols = kCols;
    o.scrollback_lines = kLines;
    Terminal t(o);
    std::mt19937 rng(5);
    std::string line;
    for (int i = 0; i < kLines + 50; ++i) {
      line.clear();
      int col = 0;
      while (col < kCols - 12) {
        int n = 3 + static_cast<int>(rng() % 9);
        line += "\x1b[" + std::to_string(31 + rng() % 7) + "m";
        for (int k = 0; k < n; ++k) line.push_back(static_cast<char>('a' + rng() % 26));
        line += "\x1b[0m ";
        col += n + 1;
      }
      while (col++ < kCols) line.push_back('.');
      t.feed(line);
    }
    // History at rest: the pty thread packs what scrolled off once output pauses.
    t.compact_history();
    size_t bytes =
        t.scrollback_heap_bytes() + t.scrollback_size() * sizeof(cadence::vt::PackedLine);
    per_cell = static_cast<double>(bytes) / (static_cast<double>(t.scrollback_size()) * kCols);
  }
  state.counters["bytes_per_cell"] = per_cell;
}

}  // namespace

BENCHMARK(BM_ascii)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_sgr_heavy)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_unicode)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_utf8_decode)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_cursor_motion)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_region_scroll)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_bytes_per_cell)->Unit(benchmark::kMillisecond)->Iterations(1);

BENCHMARK_MAIN();
