#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR for SECONDS each, starting from a small
# corpus of real terminal traffic. Fails on any crash, leak or sanitizer report.
#   tests/tools/run-fuzzers.sh BUILD_DIR SECONDS
set -euo pipefail
build=${1:?build dir}
seconds=${2:-60}
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

corpus=$work/corpus
mkdir -p "$corpus"
# Seeds: escape-heavy samples from our own unit-test vocabulary, plus the vt100-parser
# inputs when the conformance material is present.
printf '\x18\x50\x00\x1b[31mred\x1b[0m\r\n\x1b[?1049hA\x1b[?1049l\xfe\x05\x30' >"$corpus/sgr"
printf '\x0a\x14\x05\x1b]8;id=1;http://x\x07link\x1b]8;;\x07\x1b[2;5r\x1b[?69h\x1b[3;9s\n\n\n' >"$corpus/margins"
printf '\x05\x07\x02\xe4\xb8\xad\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9e\xcc\x81\x1b[5b\xfe\x01\x01' >"$corpus/unicode"
printf '\x09\x09\x09\x1bP$qm\x1b\\\x1b[c\x1b[6n\x1b]4;1;?\x07\x1b]52;c;aGk=\x07' >"$corpus/queries"
# Mux protocol seeds (net_fuzz): a raw Bell frame, and generator-driven streams in each
# compression mode (an odd first byte; see tests/fuzz/net_fuzz.cpp).
printf '\x00\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x34\x00\x00\x07' >"$corpus/net-bell"
printf '\x01\x13\x00\x00\x00\x00\x00\x00\x00\xa7\x42\x00\x00\x00\x00\x00\x00\x33\x11\x22' >"$corpus/net-gen"
printf '\x03\x13\x00\x00\x00\x00\x00\x00\x00\x27\x42\x01\x00\x00\x00\x00\x00\x44\x11\x29' >"$corpus/net-gen-frame"
printf '\x05\x13\x00\x00\x00\x00\x00\x00\x00\x13\x42\x02\x00\x00\x00\x00\x00\x55\x11\x31' >"$corpus/net-gen-stream"
if [ -d "$src/../shared/conformance/public/vt100-parser" ]; then
  i=0
  for f in "$src"/../shared/conformance/public/vt100-parser/*.in; do
    [ -f "$f" ] || continue
    { printf '\x17\x4f\x10'; head -c 4096 "$f"; } >"$corpus/vt100-$i"
    i=$((i + 1))
  done
fi

status=0
for target in "$build"/tests/fuzz/*_fuzz; do
  [ -x "$target" ] || continue
  name=$(basename "$target")
  echo "fuzz: $name for ${seconds}s"
  mkdir -p "$work/$name"
  cp "$corpus"/* "$work/$name"/
  mkdir -p "$src/build-fuzz/crashes"
  if ! "$target" -max_total_time="$seconds" -rss_limit_mb=1024 -max_len=16384 \
      -artifact_prefix="$src/build-fuzz/crashes/" \
      -print_final_stats=1 "$work/$name" >"$work/$name.log" 2>&1; then
    echo "fuzz: $name FAILED"
    tail -60 "$work/$name.log"
    status=1
  else
    grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' "$work/$name.log" | sed "s/^/fuzz: $name /"
  fi
done
exit $status
