#!/usr/bin/env python3
"""`cadence cli frame-log` on saved rings (--from), with no compositor: the figures it
prints are checked against values worked out here, and bad input is refused with an
error that says where, and the right exit status.

    cli_test.py PATH/TO/cadence
"""

import json
import os
import subprocess
import sys
import tempfile

CADENCE = None
MS = 1_000_000
REFRESH = 16_666_667


def run(*args):
    return subprocess.run([CADENCE, "cli", "frame-log", *args], capture_output=True, text=True,
                          env={"PATH": os.environ.get("PATH", "/usr/bin")}, timeout=60)


def frame(i, draw_us, callback_ms=1):
    dirty = 1000 * MS + i * REFRESH
    start = dirty + callback_ms * MS
    return {"frame": i, "dirty_ns": dirty, "callback_ns": dirty + callback_ms * MS,
            "paint_start_ns": start, "draw_us": draw_us, "draw_end_ns": start + draw_us * 1000,
            "commit_ns": start + draw_us * 1000}


class Failure(Exception):
    pass


def expect(cond, message):
    if not cond:
        raise Failure(message)


def main():
    global CADENCE
    CADENCE = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="cadence-cli-test-") as work:
        records = [frame(i, i) for i in range(1, 101)]
        records[10] = frame(11, 11, callback_ms=90)  # a compositor stall
        ring = os.path.join(work, "ring.jsonl")
        with open(ring, "w") as f:
            f.write(json.dumps({"ok": True, "pid": 1, "refresh_ns": REFRESH,
                                "now_ns": records[-1]["commit_ns"]}) + "\n")
            for r in records:
                f.write(json.dumps(r) + "\n")

        r = run("--from", ring, "--summary", "--json")
        expect(r.returncode == 0, f"--summary --json failed: {r.stderr}")
        s = json.loads(r.stdout)
        # Draw times 1..100 us: nearest rank gives the p-th smallest.
        expect((s["draw_p50_us"], s["draw_p90_us"], s["draw_p99_us"], s["draw_max_us"]) ==
               (50, 90, 99, 100), f"draw percentiles {s}")
        expect(s["frames"] == 100 and s["stalls"] == 1, f"frames/stalls {s}")
        expect(s["stalls_by_cause"] == ["compositor=1"], f"causes {s['stalls_by_cause']}")

        # --last: frames 16.67 ms apart, the last 0.1 s holds the newest six.
        r = run("--from", ring, "--summary", "--json", "--last", "0.1")
        expect(json.loads(r.stdout)["frames"] == 6, f"--last 0.1: {r.stdout}")

        # Dump and read back: the same records.
        dump = os.path.join(work, "dump.jsonl")
        r = run("--from", ring, "--dump", dump)
        expect(r.returncode == 0, f"--dump failed: {r.stderr}")
        with open(dump) as f:
            lines = [json.loads(line) for line in f]
        expect(lines[0]["ok"] is True and len(lines) == 101, "dump lost its header or records")
        expect([x["draw_us"] for x in lines[1:]] == [x["draw_us"] for x in records],
               "dump changed the records")

        trace = os.path.join(work, "trace.json")
        r = run("--from", dump, "--trace", trace)
        expect(r.returncode == 0, f"--trace failed: {r.stderr}")
        with open(trace) as f:
            events = json.load(f)["traceEvents"]
        slices = [e for e in events if e["ph"] == "X"]
        # Per frame: the frame, its draw phase, its callback wait.
        expect(len(slices) == 300, f"{len(slices)} slices for 100 frames")
        expect([e["name"] for e in events if e["ph"] == "i"] == ["stall: compositor"],
               "stall instants")

        # Bad input: named by file and line, exit 1, nothing written.
        bad = os.path.join(work, "bad.jsonl")
        with open(bad, "w") as f:
            f.write(json.dumps(records[0]) + "\n" + json.dumps(records[1]) + "\n")
            f.write('{"frame":3,"draw_us":}\n')
        out = os.path.join(work, "never.svg")
        r = run("--from", bad, "--svg", out)
        expect(r.returncode == 1 and f"{bad}:3:" in r.stderr, f"bad line: {r.returncode} "
               f"{r.stderr}")
        expect(not os.path.exists(out), "a chart was written from a broken file")
        r = run("--from", os.path.join(work, "missing.jsonl"))
        expect(r.returncode == 1 and "cannot read" in r.stderr, f"missing file: {r.stderr}")
        r = run("--socket", os.path.join(work, "nobody.sock"))
        expect(r.returncode == 1 and "connect" in r.stderr, f"dead socket: {r.stderr}")
        r = run()
        expect(r.returncode == 1 and "no running cadence" in r.stderr,
               f"no XDG_RUNTIME_DIR: {r.stderr}")

        # Usage errors: exit 2.
        for args in (["--last", "0"], ["--last", "x"], ["--bogus"], ["--trace"],
                     ["--trace", trace, "--json"], ["--from", ring, "--socket", "s"]):
            r = run(*args)
            expect(r.returncode == 2, f"{args}: exit {r.returncode}, {r.stderr}")
        r = subprocess.run([CADENCE, "cli", "nonsense"], capture_output=True, text=True)
        expect(r.returncode == 2 and "unknown command" in r.stderr, "unknown command")
    print("PASS cadence-cli: summary, --last, dump, trace and every error checked")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failure as e:
        print(f"FAIL cadence-cli: {e}", file=sys.stderr)
        sys.exit(1)
