#!/usr/bin/env bash
# Runs every benchmark in BUILD_DIR/bench and prints medians of 3 repetitions.
# Figures on this shared machine are noisy: compare within one run, not across runs.
#   bench/run.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build}
status=0
for b in "$build"/bench/bench_*; do
  [ -x "$b" ] || continue
  # Not a Google Benchmark program: minutes of scenarios with a table of its own.
  [ "$(basename "$b")" = bench_mux ] && continue
  echo "== $(basename "$b")"
  "$b" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
       --benchmark_display_aggregates_only=true 2>/dev/null | grep -E '^(Benchmark|-+$|BM_.*_median)' || status=1
done
exit $status
