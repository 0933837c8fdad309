#!/usr/bin/env bash
# What `make run` runs after building: cadence in the current Wayland session, or, when
# there is none, in a headless sway with a report of what it did (cadence_demo.py).
#
#   tests/headless/run-cadence.sh BUILD_DIR [cadence arguments...]
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 BUILD_DIR [cadence arguments...]" >&2
  exit 2
fi
build=$1
shift
cadence=$build/src/app/cadence
if [ ! -x "$cadence" ]; then
  echo "run: $cadence is not built (make build)" >&2
  exit 1
fi

if [ -n "${WAYLAND_DISPLAY:-}" ]; then
  exec "$cadence" "$@"
fi
if [ $# -gt 0 ]; then
  echo "run: no Wayland session; arguments are only passed on in a real session" >&2
fi
exec python3 "$(dirname "$0")/cadence_demo.py" "$cadence"
