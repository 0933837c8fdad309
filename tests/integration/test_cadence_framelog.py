#!/usr/bin/env python3
"""The frame log end to end: stalls of each kind are caused on purpose in cadence under a
real headless sway, and `cadence cli frame-log` must name them.

    test_cadence_framelog.py PATH/TO/cadence

Checks:
  - slow phase: with CADENCE_TEST_HOOKS=slow_phase=draw:60 every paint spends 60 ms in
    its draw phase; the stalls are attributed to cpu:draw. The ring fetched over the
    control socket is then the reference for the readers: the summary's percentiles match
    ones computed here from the same records, --last keeps the frames it should, the
    Chrome trace is valid trace-event JSON whose event count matches the records, and the
    PNG and SVG charts are well-formed;
  - compositor: a window moved to the scratchpad gets no frame callbacks; its frames are
    stalls attributed to the compositor (painted by the watchdog);
  - sync-output: a program holds DEC mode 2026 open for 100 ms, then releases it; that
    frame is a stall attributed to sync-output;
  - flood pacing: during 40 MB of `yes`, paints are held back (flood_held_us), each held
    one starts at least 50 ms after the paint before it, the stalls that causes are put
    down to flood-paced and none to the compositor; a program redrawing eight rows in
    place 500 times a second is never held;
  - control socket: `cadence cli` run inside a cadence pane reaches its own window through
    CADENCE_SOCKET; a garbage request is answered with an error and the connection closed;
  - HUD: Ctrl+Shift+F draws the frame-time HUD (seen in cadence's own PNG), costs one
    paint, adds no paint while idle, and a second Ctrl+Shift+F removes it.
The network cause cannot be caused here (no remote panes exist yet); its attribution is
tested at unit level (tests/framelog).
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "headless"))
sys.path.insert(0, HERE)
import headless  # noqa: E402
import test_cadence_window as tcw  # noqa: E402

expect = tcw.expect
wait_for = tcw.wait_for
CADENCE = None
PHASES = ["snapshot", "tab_bar", "layout", "glyphs", "upload", "draw", "swap"]
# Phase colours of the chart (src/framelog/plot.cpp): snapshot, glyphs, upload, draw, swap.
HUD_COLOURS = {(0x4E, 0x79, 0xA7), (0x76, 0xB7, 0xB2), (0x59, 0xA1, 0x4F), (0xED, 0xC9, 0x48),
               (0xB0, 0x7A, 0xA1)}
TICKER = ["sh", "-c", "while :; do date; sleep 0.1; done"]


class Term:
    """cadence in the bench with extra environment; the control socket's path known."""

    def __init__(self, comp, work, name, command, env=None):
        self.comp = comp
        self.stats_path = os.path.join(work, f"{name}-stats.json")
        self.png_path = os.path.join(work, f"{name}-self.png")
        base = {"HOME": work, "ENV": "", "PS1": "$ ", "LC_ALL": "C.UTF-8", "SHELL": "/bin/sh"}
        base.update(env or {})
        argv = [CADENCE, "--font", tcw.FONT, "--app-id", f"cadence-{name}",
                "--frame-stats", self.stats_path, "--screenshot", self.png_path,
                "-e", *command]
        self.log = open(os.path.join(work, f"{name}.log"), "wb")
        self.proc = comp.launch(argv, env=base, cwd=work, stdout=self.log, stderr=self.log)
        self.window = comp.wait_mapped(pid=self.proc.pid, timeout=60, process=self.proc)
        self.socket = os.path.join(comp.runtime_dir, "cadence", f"control-{self.proc.pid}.sock")
        expect(wait_for(lambda: os.path.exists(self.socket), 10),
               f"no control socket at {self.socket}")

    def stats(self):
        return tcw.stats_of(self.proc, self.stats_path)

    def cli(self, *args, check=True):
        r = self.comp.run([CADENCE, "cli", "frame-log", "--socket", self.socket, *args],
                          timeout=60)
        if check:
            expect(r.returncode == 0, f"cadence cli {' '.join(args)} failed "
                   f"({r.returncode}): {r.stderr.strip()}")
        return r

    def ring(self, path):
        """Fetches the ring into `path` (--dump); returns (header, records)."""
        self.cli("--dump", path)
        return read_dump(path)

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def read_dump(path):
    with open(path) as f:
        lines = [json.loads(line) for line in f if line.strip()]
    expect(lines and lines[0].get("ok") is True, f"{path} has no header line: {lines[:1]}")
    return lines[0], lines[1:]


def stalls(records):
    return [r for r in records if r["stall"]]


def nearest_rank(values, p):
    """The smallest value with at least p% of the values at or below it."""
    if not values:
        return 0
    ordered = sorted(values)
    rank = -(-p * len(ordered) // 100)  # ceil without floats
    return ordered[max(rank, 1) - 1]


def check_slow_phase(comp, work):
    term = Term(comp, work, "slowdraw", TICKER, env={"CADENCE_TEST_HOOKS": "slow_phase=draw:60"})
    try:
        time.sleep(2.5)
        ring_path = os.path.join(work, "slow-ring.jsonl")
        header, records = term.ring(ring_path)
    finally:
        term.close()
    expect(len(records) >= 10, f"only {len(records)} frames in the ring")
    expect(all(r["draw_us"] >= 60000 for r in records),
           f"a frame's draw phase was under the injected 60 ms: "
           f"{min(r['draw_us'] for r in records)} us")
    slow = stalls(records)
    causes = sorted({r["cause"] for r in slow})
    expect(len(slow) >= 5, f"only {len(slow)} stalls with a 60 ms draw phase")
    expect(causes == ["cpu:draw"], f"stalls attributed to {causes}, not cpu:draw")
    for key in ["frame", "dirty_ns", "callback_ns", "paint_start_ns", "commit_ns",
                "presented_ns", "why", "callback_outstanding", "callback_wait_us",
                "rows_uploaded", "bytes_uploaded", "glyphs_rasterized", "bytes_parsed",
                "tab_bar", "lua_calls", "remote_deltas", "network_wait_us", "resize_pending"] + \
            [p + "_us" for p in PHASES] + [p + "_end_ns" for p in PHASES]:
        expect(key in records[0], f"records lack {key}")
    # Phase end times are in the order the paint ran them, inside the paint.
    r = records[-1]
    ends = [r[p + "_end_ns"] for p in ("snapshot", "glyphs", "layout", "upload", "draw", "swap")]
    expect(ends == sorted(ends) and r["paint_start_ns"] <= ends[0] and ends[-1] == r["commit_ns"],
           f"phase end times out of order: {ends}")
    # sway's headless backend discards presentation feedback, so presented_ns is mostly 0
    # here; where a time did come it must follow its commit.
    presented = [r for r in records if r["presented_ns"]]
    expect(all(r["presented_ns"] >= r["commit_ns"] for r in presented),
           "a presentation time before its commit")

    readers = check_readers(comp, work, ring_path, header, records)
    return (f"{len(slow)} of {len(records)} frames stalled, all cpu:draw; {readers}")


def check_readers(comp, work, ring_path, header, records):
    """The summary, --last, the trace and the charts, from a recorded ring."""
    def cli(*args):
        r = comp.run([CADENCE, "cli", "frame-log", "--from", ring_path, *args], timeout=60)
        expect(r.returncode == 0, f"cadence cli --from {' '.join(args)}: {r.stderr.strip()}")
        return r.stdout

    summary = json.loads(cli("--summary", "--json"))
    expect(summary["frames"] == len(records), f"summary of {summary['frames']} frames, "
           f"ring has {len(records)}")
    for phase in PHASES + ["frame"]:
        if phase == "frame":
            values = [(r["commit_ns"] - r["paint_start_ns"]) // 1000 for r in records]
        else:
            values = [r[phase + "_us"] for r in records]
        for p in (50, 90, 99):
            want = nearest_rank(values, p)
            got = summary[f"{phase}_p{p}_us"]
            expect(got == want, f"{phase} p{p}: summary says {got}, reference {want}")
        expect(summary[f"{phase}_max_us"] == max(values), f"{phase} max differs")
    expect(summary["stalls"] == len(stalls(records)), "stall count differs")
    expect(abs(summary["refresh_us"] - header["refresh_ns"] / 1000) < 0.01,
           "the summary did not use the window's refresh interval")
    span = (max(r["commit_ns"] for r in records) - min(r["commit_ns"] for r in records)) / 1e9
    expect(abs(summary["fps"] - (len(records) - 1) / span) < 0.01, "frames per second differs")

    recent = [r for r in records if r["commit_ns"] >= header["now_ns"] - 1_000_000_000]
    last = json.loads(cli("--summary", "--json", "--last", "1"))
    expect(last["frames"] == len(recent), f"--last 1 kept {last['frames']} frames, "
           f"expected {len(recent)}")
    text = cli("--summary")
    expect("frames/s" in text and "cpu:draw" in text, f"summary text: {text}")

    trace_path = os.path.join(work, "trace.json")
    svg_path = os.path.join(work, "frames.svg")
    png_path = os.path.join(work, "frames.png")
    cli("--trace", trace_path, "--svg", svg_path, "--plot", png_path, "--summary")
    with open(trace_path) as f:
        trace = json.load(f)
    events = trace["traceEvents"]
    for e in events:
        expect(e["ph"] in ("M", "X", "i") and isinstance(e["pid"], int) and
               isinstance(e["tid"], int) and isinstance(e["name"], str), f"bad event {e}")
        if e["ph"] in ("X", "i"):
            expect(isinstance(e["ts"], (int, float)) and e["ts"] >= 0, f"bad ts in {e}")
        if e["ph"] == "X":
            expect(isinstance(e["dur"], (int, float)) and e["dur"] >= 0, f"bad dur in {e}")
    tracks = {e["args"]["name"] for e in events if e["name"] == "thread_name"}
    expect({f"GUI: {p}" for p in PHASES} <= tracks, f"tracks: {sorted(tracks)}")
    # Counted independently from the records: a slice per frame and per timed phase, per
    # callback wait, sync hold and presentation, an instant per stall, plus metadata.
    want = 1 + 2 * len(tracks)
    for r in records:
        want += 1 + sum(1 for p in PHASES if r[p + "_end_ns"])
        want += 1 if r["callback_ns"] > r["dirty_ns"] > 0 else 0
        want += 1 if r["sync_held_us"] else 0
        want += 1 if r["presented_ns"] > r["commit_ns"] > 0 else 0
        want += 1 if r["stall"] else 0
    expect(len(events) == want, f"trace has {len(events)} events, records make {want}")
    instants = [e for e in events if e["ph"] == "i"]
    expect(all(e["name"] == "stall: cpu:draw" and e["args"]["cause"] == "cpu:draw"
               for e in instants), "stall instants do not carry the cause")

    svg = ET.parse(svg_path).getroot()
    expect(svg.tag.endswith("svg"), "the SVG chart's root is not <svg>")
    labels = " ".join(t.text or "" for t in svg.iter() if t.tag.endswith("text"))
    expect("cpu:draw" in labels and "refresh" in labels, f"SVG labels: {labels}")
    img = tcw.read_png(png_path)
    expect((img.width, img.height) == (1200, 420), f"PNG is {img.width}x{img.height}")
    draw_colour = (0xED, 0xC9, 0x48)
    expect(draw_colour in img.color_histogram(), "the PNG chart has no draw-phase bars")
    return (f"summary percentiles match, --last 1 kept {len(recent)}, trace of {len(events)} "
            f"events valid, charts written")


def check_compositor(comp, work):
    term = Term(comp, work, "hidden", TICKER)
    try:
        time.sleep(1.0)
        comp.command(f"[pid={term.proc.pid}] move scratchpad")
        time.sleep(2.5)
        comp.command(f"[pid={term.proc.pid}] scratchpad show")
        time.sleep(0.5)
        _, records = term.ring(os.path.join(work, "hidden-ring.jsonl"))
    finally:
        term.close()
    hidden = [r for r in stalls(records) if r["cause"] == "compositor"]
    expect(len(hidden) >= 2, "frames painted while hidden are not compositor stalls: "
           + str([r["cause"] for r in stalls(records)]))
    expect(all(r["callback_outstanding"] for r in hidden),
           "a compositor stall without an outstanding callback")
    watchdog = [r for r in hidden if r["watchdog"]]
    expect(watchdog, "no compositor stall was painted by the watchdog")
    worst = max(r["callback_wait_us"] for r in hidden)
    expect(worst >= 500000, f"the longest callback wait was only {worst} us")
    return (f"{len(hidden)} compositor stalls ({len(watchdog)} through the watchdog, "
            f"longest wait {worst // 1000} ms)")


def check_sync_output(comp, work):
    script = ("sleep 1; for i in 1 2 3; do printf '\\033[?2026hHELD'; sleep 0.1; "
              "printf ' DONE\\033[?2026l\\n'; sleep 0.5; done; sleep 60")
    term = Term(comp, work, "syncout", ["sh", "-c", script])
    try:
        time.sleep(3.5)
        _, records = term.ring(os.path.join(work, "sync-ring.jsonl"))
    finally:
        term.close()
    held = [r for r in stalls(records) if r["cause"] == "sync-output"]
    expect(len(held) >= 2, "mode 2026 holds are not sync-output stalls: "
           + str([(r["cause"], r["sync_held_us"]) for r in stalls(records)]))
    expect(all(80000 <= r["sync_held_us"] <= 150000 + 50000 for r in held),
           f"hold times {[r['sync_held_us'] for r in held]} do not match the 100 ms hold")
    expect(all("sync_end" in r["why"] for r in held), "a released frame does not say sync_end")
    return f"{len(held)} holds of ~100 ms attributed to sync-output"


def check_flood_pacing(comp, work):
    # 40 MB of `yes`: thousands of lines per frame, far more than the pane shows.
    flood = "sleep 1; yes 'a line of flood output' | head -c 40000000; sleep 60"
    term = Term(comp, work, "flood", ["sh", "-c", flood])
    try:
        wait_for(lambda: term.stats()["bytes_parsed"] >= 40000000, 30)
        _, records = term.ring(os.path.join(work, "flood-ring.jsonl"))
    finally:
        term.close()
    paced = [(prev, r) for prev, r in zip(records, records[1:]) if r["flood_held_us"] > 0]
    expect(len(paced) >= 5, f"only {len(paced)} frames were held by flood pacing")
    # The rule: a paint held back starts at least flood_frame_interval (50 ms) after the
    # paint before it, however loaded the machine.
    gaps = [(r["paint_start_ns"] - prev["paint_start_ns"]) // 1000 for prev, r in paced]
    expect(min(gaps) >= 50000 - 1000, f"paced paints only {min(gaps)} us apart")
    causes = {}
    for _, r in paced:
        if r["stall"]:
            causes[r["cause"]] = causes.get(r["cause"], 0) + 1
    expect(causes.get("flood-paced", 0) >= 1, f"no stall was put down to flood pacing: {causes}")
    expect("compositor" not in causes, f"frames flood pacing held were blamed on the "
           f"compositor: {causes}")

    # Output that redraws in place (no scrolling) is not a flood: never held.
    redraw = ("import sys, time\n"
              "end = time.monotonic() + 2.5\n"
              "i = 0\n"
              "while time.monotonic() < end:\n"
              "    i += 1\n"
              "    sys.stdout.write('\\033[H' + ''.join(f'frame {i} row {r}\\n' for r in range(8)))\n"
              "    sys.stdout.flush()\n"
              "    time.sleep(0.002)\n"
              "time.sleep(60)\n")
    term = Term(comp, work, "redraw", ["sh", "-c", f"sleep 1; exec {sys.executable} -c \"$0\"", redraw])
    try:
        time.sleep(3)
        _, records = term.ring(os.path.join(work, "redraw-ring.jsonl"))
    finally:
        term.close()
    drawn = [r for r in records if r["bytes_parsed"] > 0]
    expect(len(drawn) >= 10, f"only {len(drawn)} frames showed the redraws")
    held = [r["flood_held_us"] for r in records if r["flood_held_us"] > 0]
    expect(not held, f"in-place redraws were held by flood pacing: {held}")
    return (f"flood: {len(paced)} paints held, at least {min(gaps) / 1000:.1f} ms apart, "
            f"stalls {causes}; in-place redraws: {len(drawn)} frames, none held")


def check_control_socket(comp, work):
    inside = os.path.join(work, "inside.jsonl")
    # The program inside the pane asks without --socket: CADENCE_SOCKET leads it home.
    script = f"sleep 1; '{CADENCE}' cli frame-log --dump '{inside}' 2>'{inside}.err'; sleep 60"
    term = Term(comp, work, "inside", ["sh", "-c", script])
    try:
        got = wait_for(lambda: os.path.exists(inside) and os.path.getsize(inside) > 0, 15)
        expect(got, "cadence cli inside the pane wrote nothing: "
               + (open(inside + ".err").read() if os.path.exists(inside + ".err") else ""))
        time.sleep(0.3)
        header, records = read_dump(inside)
        expect(header["pid"] == term.proc.pid, f"the pane reached pid {header['pid']}, "
               f"not its own window {term.proc.pid}")
        expect(len(records) >= 1, "no records from inside the pane")

        # Garbage gets an error line and a closed connection; cadence keeps running.
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(5)
        s.connect(term.socket)
        s.sendall(b"\x00\xffnonsense\n")
        reply = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            reply += chunk
        s.close()
        answer = json.loads(reply.split(b"\n")[0])
        expect(answer["ok"] is False and "unknown request" in answer["error"],
               f"garbage answered with {reply!r}")
        expect(term.proc.poll() is None, "cadence died on a garbage request")
        r = term.cli("--summary")
        expect("frames" in r.stdout, "no summary after the garbage request")

        # A resize is a reason the frame log reads off the window itself.
        comp.resize(700, 400, pid=term.proc.pid)
        time.sleep(0.5)
        _, records = term.ring(os.path.join(work, "inside-ring.jsonl"))
        expect(any("resize" in r["why"] for r in records[1:]),
               "no frame after the resize says why: " + str([r["why"] for r in records]))
    finally:
        term.close()
    expect(not os.path.exists(term.socket), "the control socket outlived its window")
    return "CADENCE_SOCKET reached its own window; garbage refused; socket removed at exit"


def check_hud(comp, work):
    term = Term(comp, work, "hud", ["sh", "-c", "printf 'hud test\\n'; sleep 60"])
    try:
        wait_for(lambda: term.stats()["paints"] > 0, 20)
        time.sleep(1.0)  # the last callback arrives; the window is idle

        def paints_for(key, mods=()):
            before = term.stats()["paints"]
            comp.key(key, mods=mods)
            time.sleep(1.5)
            return term.stats()["paints"] - before

        # Each wtype run is a new virtual keyboard, whose focus changes paint by
        # themselves: a lone Shift shows how many; the toggle may add exactly one.
        baseline = paints_for("Shift_L")
        toggle = paints_for("f", ("ctrl", "shift"))
        expect(toggle == baseline + 1,
               f"showing the HUD made {toggle} paints; a key alone makes {baseline}")
        idle = term.stats()["paints"]
        time.sleep(1.5)
        expect(term.stats()["paints"] == idle, "the HUD painted while idle")
        _, records = term.ring(os.path.join(work, "hud-ring.jsonl"))
        expect("input" in records[-1]["why"], f"the toggle's frame says {records[-1]['why']}")

        def saved_frame():
            if os.path.exists(term.png_path):
                os.unlink(term.png_path)
            os.kill(term.proc.pid, signal.SIGUSR1)
            expect(wait_for(lambda: os.path.exists(term.png_path) and
                            os.path.getsize(term.png_path) > 0, 10), "no frame saved")
            time.sleep(0.2)
            return tcw.read_png(term.png_path)

        img = saved_frame()
        w = img.width
        region = (w - w // 3, 0, w // 3, img.height // 3)
        colours = HUD_COLOURS & set(img.color_histogram(region))
        expect(len(colours) >= 2, "the saved frame's top right shows no HUD bars")
        comp.key("f", mods=("ctrl", "shift"))
        time.sleep(0.5)
        img = saved_frame()
        left = HUD_COLOURS & set(img.color_histogram(region))
        expect(not left, f"the HUD is still drawn after the second Ctrl+Shift+F: {left}")
    finally:
        term.close()
    return "HUD drawn with one paint, none while idle, removed by the second toggle"


def main():
    global CADENCE
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[3].strip(), file=sys.stderr)
        return 2
    CADENCE = os.path.abspath(sys.argv[1])
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="cadence-framelog-test-") as work:
            with headless.Compositor(1280, 720, timeout=60) as comp:
                for check in (check_slow_phase, check_compositor, check_sync_output,
                              check_flood_pacing, check_control_socket, check_hud):
                    start = time.monotonic()
                    results.append(f"{check.__name__}: {check(comp, work)} "
                                   f"({time.monotonic() - start:.1f} s)")
                    print("ok   " + results[-1], file=sys.stderr, flush=True)
    except (tcw.TestFailure, headless.BenchError, subprocess.TimeoutExpired) as e:
        print(f"FAIL cadence-framelog: {e}", file=sys.stderr)
        return 1
    print("PASS cadence-framelog\n  " + "\n  ".join(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
