// The frame log's recording cost, paid on every frame. Target (issue figure, read from
// the output, never a timed test): record() <= 1 us per frame, with no allocation (the
// record is a plain struct copied into a ring allocated once). Attribution, the JSON
// line, reading a line back and the readers over a full ring are reported; they run
// only when the log is read (cadence cli, --frame-log).
#include <benchmark/benchmark.h>

#include "framelog/frame_log.hpp"
#include "framelog/plot.hpp"
#include "framelog/summary.hpp"
#include "framelog/trace.hpp"

namespace {

using cadence::framelog::FrameLog;
using cadence::framelog::FrameRecord;

FrameRecord sample(uint64_t i) {
  FrameRecord r;
  r.frame = i;
  r.dirty_ns = i * 16666667;
  r.callback_ns = r.dirty_ns + 1000000;
  r.paint_start_ns = r.callback_ns + 1000;
  r.commit_ns = r.paint_start_ns + 9000000;
  r.phase_us = {200, 0, 20, 50, 30, 800, 8000};
  r.bytes_parsed = 65536;
  r.rows_copied = 40;
  r.rows_uploaded = 40;
  r.reasons = cadence::framelog::reason::pty_output;
  return r;
}

void BM_record(benchmark::State& state) {
  FrameLog log(4096);
  uint64_t i = 0;
  for (auto _ : state) {
    log.record(sample(++i));
    benchmark::DoNotOptimize(log);
  }
}
BENCHMARK(BM_record);

void BM_attribute(benchmark::State& state) {
  const FrameRecord r = sample(3);
  for (auto _ : state) benchmark::DoNotOptimize(cadence::framelog::attribute(r, 16666667));
}
BENCHMARK(BM_attribute);

void BM_json_line(benchmark::State& state) {
  const FrameRecord r = sample(3);
  for (auto _ : state) benchmark::DoNotOptimize(cadence::framelog::to_json_line(r, 16666667));
}
BENCHMARK(BM_json_line);

void BM_parse_json_line(benchmark::State& state) {
  const std::string line = cadence::framelog::to_json_line(sample(3), 16666667);
  for (auto _ : state) benchmark::DoNotOptimize(cadence::framelog::parse_json_line(line));
}
BENCHMARK(BM_parse_json_line);

std::vector<FrameRecord> full_ring() {
  std::vector<FrameRecord> rs;
  for (uint64_t i = 1; i <= FrameLog::kDefaultCapacity; ++i) rs.push_back(sample(i));
  return rs;
}

void BM_summarize_ring(benchmark::State& state) {
  const std::vector<FrameRecord> rs = full_ring();
  for (auto _ : state) benchmark::DoNotOptimize(cadence::framelog::summarize(rs, 16666667));
}
BENCHMARK(BM_summarize_ring)->Unit(benchmark::kMillisecond);

void BM_trace_ring(benchmark::State& state) {
  const std::vector<FrameRecord> rs = full_ring();
  for (auto _ : state) benchmark::DoNotOptimize(cadence::framelog::to_chrome_trace(rs, 16666667));
}
BENCHMARK(BM_trace_ring)->Unit(benchmark::kMillisecond);

// The HUD's cost on a paint while it is shown: the chart of the last 300 frames.
void BM_hud_scene(benchmark::State& state) {
  std::vector<FrameRecord> rs = full_ring();
  rs.resize(300);
  cadence::framelog::PlotOptions o;
  o.width = 320;
  o.height = 90;
  o.compact = true;
  for (auto _ : state) benchmark::DoNotOptimize(cadence::framelog::plot_scene(rs, 16666667, o));
}
BENCHMARK(BM_hud_scene)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
