// The mux protocol codec alone: encode + decode of PaneDelta PDUs, and what each
// compression mode costs and saves on terminal-like traffic.
//
// Targets (issue 7; read from the output, never a timed test): the codec must leave room
// for >= 200,000 small PDUs/s dispatched on loopback, so BM_small_delta should run well
// above that (items_per_second). For the compression modes, compare wire_B_per_pdu (bytes
// on the wire per PDU, headers included) and the time per PDU within one run: streaming
// (one zstd stream per direction, flushed per PDU) is the default because it sends the
// fewest bytes on every scenario here at a time per PDU close to per-PDU frames.
//
// Scenarios, each a sequence of deltas a real session produces:
//   scroll  build-log output: every delta brings 3 new coloured lines at the bottom
//   screen  a 50x160 full-screen program (htop, an editor): 5 of 50 rows change per delta
//   typing  one prompt line that grows by a character per delta (mostly under the
//           compression threshold: the cost of the framing alone)
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "net/codec.hpp"

namespace {

using namespace cadence::net;
using cadence::StableRow;

// A small deterministic PRNG: the same traffic in every run.
struct Lcg {
  uint64_t s = 0x9e3779b97f4a7c15ull;
  uint64_t next() {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return s >> 33;
  }
  uint64_t below(uint64_t n) { return next() % n; }
};

const char* const kFiles[] = {"terminal_csi",  "parser",   "packed_line", "reflow",
                              "grid_renderer", "font_set", "event_loop",  "tab_set",
                              "frame_log",     "codec"};
const char* const kDirs[] = {"src/vt", "src/render", "src/base", "src/mux", "src/net"};
const char* const kLevels[] = {"INFO", "DEBUG", "WARN"};

std::string log_line(Lcg& rng, uint64_t n) {
  char buf[200];
  switch (rng.below(3)) {
    case 0:
      std::snprintf(buf, sizeof buf, "[%llu/2048] Compiling C++ object %s/libcadence.a.p/%s.cpp.o",
                    (unsigned long long)n, kDirs[rng.below(5)], kFiles[rng.below(10)]);
      break;
    case 1:
      std::snprintf(buf, sizeof buf,
                    "2026-11-22T07:%02llu:%02llu.%03llu %s [%s] request id=%llu took %llu us",
                    (unsigned long long)(n / 60 % 60), (unsigned long long)(n % 60),
                    (unsigned long long)rng.below(1000), kLevels[rng.below(3)],
                    kFiles[rng.below(10)], (unsigned long long)(100000 + n),
                    (unsigned long long)rng.below(5000));
      break;
    default:
      std::snprintf(buf, sizeof buf, "-rw-r--r-- 1 user user %6llu Nov 22 07:07 %s/%s.cpp",
                    (unsigned long long)rng.below(100000), kDirs[rng.below(5)],
                    kFiles[rng.below(10)]);
      break;
  }
  return buf;
}

LineCells make_line(StableRow row, uint64_t version, std::string text) {
  LineCells l;
  l.row = row;
  l.version = version;
  const uint32_t cells = static_cast<uint32_t>(text.size());
  l.text = std::move(text);
  // A coloured prefix, plain text, a coloured tail: what ls, compilers and loggers emit.
  if (cells > 20) l.runs = {{8, 1}, {cells - 18, 0}, {10, 2}};
  return l;
}

std::vector<WireStyle> palette() {
  return {WireStyle{}, WireStyle{0x01000002, 0, 0, 1, 0, 0}, WireStyle{0x01000004, 0, 0, 0, 0, 0}};
}

std::vector<PaneDelta> scroll_scenario(size_t count) {
  Lcg rng;
  std::vector<PaneDelta> out;
  int64_t row = 100000;
  for (size_t i = 0; i < count; ++i) {
    PaneDelta d;
    d.pane = 1;
    d.version = 1000 + i;
    d.rows = 50;
    d.cols = 160;
    d.top = StableRow(row - 47);
    d.cursor = {49, 0, 0, true};
    d.styles = palette();
    for (int k = 0; k < 3; ++k, ++row)
      d.lines.push_back(make_line(StableRow(row), d.version, log_line(rng, uint64_t(row))));
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<PaneDelta> screen_scenario(size_t count) {
  Lcg rng;
  std::vector<std::string> screen(50);
  for (size_t r = 0; r < screen.size(); ++r) screen[r] = log_line(rng, r);
  std::vector<PaneDelta> out;
  for (size_t i = 0; i < count; ++i) {
    PaneDelta d;
    d.pane = 2;
    d.version = 5000 + i;
    d.rows = 50;
    d.cols = 160;
    d.cursor = {0, 0, 0, false};
    d.styles = palette();
    std::vector<int> rows;
    for (int k = 0; k < 5; ++k) rows.push_back(static_cast<int>(rng.below(50)));
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    for (int r : rows) {
      // A counter or a percentage changes; the rest of the row stays.
      std::string& s = screen[r];
      size_t at = rng.below(s.size());
      s[at] = static_cast<char>('0' + rng.below(10));
      d.lines.push_back(make_line(StableRow(r), d.version, s));
    }
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<PaneDelta> typing_scenario(size_t count) {
  std::vector<PaneDelta> out;
  std::string prompt = "user@host:~/src/cadence$ ";
  const std::string command = "git log --oneline --graph --decorate --all | head -n 40 ";
  for (size_t i = 0; i < count; ++i) {
    if (prompt.size() > 150) prompt.resize(25);
    prompt += command[i % command.size()];
    PaneDelta d;
    d.pane = 3;
    d.version = 9000 + i;
    d.rows = 50;
    d.cols = 160;
    d.top = StableRow(2000);
    d.cursor = {49, static_cast<int32_t>(prompt.size()), 0, true};
    d.styles = {WireStyle{}};
    LineCells l;
    l.row = StableRow(2049);
    l.version = d.version;
    l.text = prompt;
    d.lines.push_back(std::move(l));
    out.push_back(std::move(d));
  }
  return out;
}

const std::vector<PaneDelta>& scenario(int which) {
  static const std::vector<PaneDelta> kScroll = scroll_scenario(2000);
  static const std::vector<PaneDelta> kScreen = screen_scenario(2000);
  static const std::vector<PaneDelta> kTyping = typing_scenario(2000);
  return which == 0 ? kScroll : which == 1 ? kScreen : kTyping;
}

// Encode + decode of one scenario's deltas in a loop, in one compression mode at the zstd
// level given as the argument (1 and 3; the codec's default is 3). A fresh
// encoder/decoder pair per pass of the scenario, as a new connection would have.
void run(benchmark::State& state, int which, Compression mode) {
  const auto& deltas = scenario(which);
  std::vector<uint8_t> wire;
  uint64_t pdus = 0, wire_bytes = 0, payload_bytes = 0;
  const int level = state.range(0);
  auto enc = std::make_unique<Encoder>(EncoderOptions{mode, 64, level});
  auto dec = std::make_unique<Decoder>();
  size_t i = 0;
  for (auto _ : state) {
    if (i == deltas.size()) {
      wire_bytes += enc->stats().wire_bytes;
      payload_bytes += enc->stats().payload_bytes;
      enc = std::make_unique<Encoder>(EncoderOptions{mode, 64, level});
      dec = std::make_unique<Decoder>();
      i = 0;
    }
    wire.clear();
    if (!enc->encode(deltas[i++], wire).ok()) state.SkipWithError("encode failed");
    dec->feed(wire);
    auto r = dec->next();
    if (!r.ok() || !r->has_value()) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(r);
    ++pdus;
  }
  wire_bytes += enc->stats().wire_bytes;
  payload_bytes += enc->stats().payload_bytes;
  state.SetItemsProcessed(static_cast<int64_t>(pdus));
  state.counters["wire_B_per_pdu"] = double(wire_bytes) / double(pdus);
  state.counters["payload_B_per_pdu"] = double(payload_bytes) / double(pdus);
}

void BM_scroll_none(benchmark::State& s) { run(s, 0, Compression::none); }
void BM_scroll_per_pdu(benchmark::State& s) { run(s, 0, Compression::per_pdu); }
void BM_scroll_streaming(benchmark::State& s) { run(s, 0, Compression::streaming); }
void BM_screen_none(benchmark::State& s) { run(s, 1, Compression::none); }
void BM_screen_per_pdu(benchmark::State& s) { run(s, 1, Compression::per_pdu); }
void BM_screen_streaming(benchmark::State& s) { run(s, 1, Compression::streaming); }
void BM_typing_none(benchmark::State& s) { run(s, 2, Compression::none); }
void BM_typing_per_pdu(benchmark::State& s) { run(s, 2, Compression::per_pdu); }
void BM_typing_streaming(benchmark::State& s) { run(s, 2, Compression::streaming); }
BENCHMARK(BM_scroll_none)->Arg(0);
BENCHMARK(BM_scroll_per_pdu)->Arg(1)->Arg(3);
BENCHMARK(BM_scroll_streaming)->Arg(1)->Arg(3);
BENCHMARK(BM_screen_none)->Arg(0);
BENCHMARK(BM_screen_per_pdu)->Arg(1)->Arg(3);
BENCHMARK(BM_screen_streaming)->Arg(1)->Arg(3);
BENCHMARK(BM_typing_none)->Arg(0);
BENCHMARK(BM_typing_per_pdu)->Arg(1)->Arg(3);
BENCHMARK(BM_typing_streaming)->Arg(1)->Arg(3);

// The dispatch-rate figure: one small delta (one changed 80-cell line) through the
// default codec. Target: well above 200,000 items/s.
void BM_small_delta(benchmark::State& state) {
  PaneDelta d;
  d.pane = 1;
  d.rows = 24;
  d.cols = 80;
  d.top = StableRow(5000);
  d.styles = palette();
  d.lines.push_back(make_line(StableRow(5023), 1, std::string(40, 'x') + " $ make -j2 test"));
  Encoder enc;
  Decoder dec;
  std::vector<uint8_t> wire;
  for (auto _ : state) {
    d.version++;
    d.lines[0].version = d.version;
    wire.clear();
    if (!enc.encode(d, wire).ok()) state.SkipWithError("encode failed");
    dec.feed(wire);
    auto r = dec.next();
    if (!r.ok() || !r->has_value()) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["wire_B_per_pdu"] = double(enc.stats().wire_bytes) / double(enc.stats().pdus);
}
BENCHMARK(BM_small_delta);

}  // namespace

BENCHMARK_MAIN();
