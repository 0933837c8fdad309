// The frame log's recording cost, paid on every frame. Target (issue figure, read from
// the output, never a timed test): record() <= 1 us per frame. Attribution and the JSON
// line are reported; they run only when the log is read.
#include <benchmark/benchmark.h>

#include "framelog/frame_log.hpp"

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
  r.phase_us = {200, 50, 30, 800, 8000};
  r.bytes_parsed = 65536;
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

}  // namespace

BENCHMARK_MAIN();
