#!/usr/bin/env python3
"""Side-by-side terminal benchmark: cadence next to foot, alacritty and kitty, headless.

    bench/terminals.py [--cadence build/src/app/cadence] [--runs 3] [--only foot,kitty]
                       [--size-mb 50] [--quick] [--json out.json]

`bench/terminals.py --quick --only foot` is the smoke test: a 5 MB file, one run, done in
well under a minute. docs/benchmarks.md explains every figure; in short:

- Every terminal runs in the same headless sway (tests/headless/headless.py), alone on a
  1280x720 output, at DejaVu Sans Mono 10, with 10k lines of scrollback where it can be
  configured and TERM left to the terminal. A terminal is just a row: cadence is one when
  --cadence names its binary; a row that cannot run says why instead of failing the others.
- Throughput is the wall time the command inside the terminal measures for itself
  (`date +%s%N` around `cat FILE` or `seq`), so the terminal's start-up and exit are not in
  it. The shell waits for a go file before starting the clock: the window is mapped and
  sized first, and the harness does not poll sway while the clock runs. The floor is the
  same command under a bare pty reader (pty.fork, 64 KiB reads, discarded).
- CPU in cat / seq is the user + system time of the process that owns the window (all its
  threads, so llvmpipe's too; not the command's), from just before the go file to the
  result: what the terminal took from the cores the command also needs.
- Peak RSS is VmHWM of the process that owns the window, read after the command has
  finished while the shell holds the terminal open. wait4's ru_maxrss is recorded too, but
  it is the maximum over the terminal and every child it reaped (kitty 0.26 forks a
  prewarmed helper), and it would name the wrong process for a terminal that daemonizes.
- Commits per second and startup come from a separate run with WAYLAND_DEBUG=client (which
  slows clients down): commits of the xdg_toplevel's wl_surface between the clock start and
  stop of the cat, the most in any 1 s, those made while a frame callback was still pending
  ("early"), and the first commit with a buffer attached after launch. libwayland
  stamps its lines with CLOCK_REALTIME in microseconds modulo 2^32, the same clock as
  `date +%s%N` and time.time_ns(), so the three line up.
- cadence alone: key-to-commit latency and idle paints from its --frame-stats file.

Runs alternate terminals within each round (A B C, A B C, ...), each round in a fresh
compositor, and the table shows median, min-max and the ratio to foot. Run benchmarks one
at a time: the figures are only comparable within one invocation on a quiet machine.
"""

import argparse
import datetime
import json
import os
import platform
import pty
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "headless"))
import headless  # noqa: E402

FONT_FAMILY = "DejaVu Sans Mono"
FONT_SIZE = 10
SCROLLBACK = 10000
WIDTH, HEIGHT = 1280, 720
GENERATOR_VERSION = 1  # bump when the generated file changes, so caches are rebuilt


def say(text):
    print(f"bench: {text}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------
# The test file


def _sgr_run(rng, words):
    kind = rng.randrange(4)
    if kind == 0:
        code = str(rng.choice([30, 31, 32, 33, 34, 35, 36, 37, 90, 91, 92, 93, 94, 95, 96, 97]))
        if rng.random() < 0.5:
            code += ";" + str(rng.choice([40, 41, 42, 43, 44, 45, 46, 47]))
    elif kind == 1:
        code = f"{rng.choice((38, 48))};5;{rng.randrange(256)}"
    elif kind == 2:
        code = (
            f"{rng.choice((38, 48))};2;{rng.randrange(256)};{rng.randrange(256)};"
            f"{rng.randrange(256)}"
        )
    else:
        code = str(rng.choice([1, 3, 4, 7, 9]))
    return f"\033[{code}m{' '.join(words)}\033[0m"


# Hiragana, common CJK ideographs and Hangul: all double width.
_WIDE = [chr(c) for c in range(0x3041, 0x3097)] + [chr(c) for c in range(0x4E00, 0x4F00)]
_WIDE += [chr(c) for c in range(0xAC00, 0xAC80)]
_ACCENTED_BASES = "aeiounczAEIOU"
_COMBINING = [chr(c) for c in (0x0300, 0x0301, 0x0302, 0x0303, 0x0308, 0x030A, 0x0327, 0x0331)]
_SYMBOLS = "│─┌┐└┘├┤→←✓✗λπΩ€£°±×÷…•"


def _word(rng):
    r = rng.random()
    if r < 0.70:
        return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(1, 9)))
    if r < 0.80:
        return "".join(rng.choice(_WIDE) for _ in range(rng.randint(1, 4)))
    if r < 0.90:
        return "".join(
            rng.choice(_ACCENTED_BASES) + "".join(rng.choice(_COMBINING) for _ in range(rng.randint(1, 2)))
            for _ in range(rng.randint(1, 5))
        )
    if r < 0.95:
        return "".join(rng.choice(_SYMBOLS) for _ in range(rng.randint(1, 3)))
    return str(rng.randrange(100000))


def _line(rng):
    """One line of mixed content: mostly plain words, some coloured runs, some very long."""
    n = rng.randint(150, 400) if rng.random() < 0.08 else rng.randint(3, 16)
    parts = []
    i = 0
    while i < n:
        if rng.random() < 0.25:
            k = rng.randint(1, 4)
            parts.append(_sgr_run(rng, [_word(rng) for _ in range(k)]))
            i += k
        else:
            parts.append(_word(rng))
            i += 1
    return " ".join(parts) + "\n"


def mixed_file(size_mb, seed, cache_dir):
    """Path of the deterministic mixed test file, generated once and cached.

    A pool of lines is drawn from the seeded generator and the file is assembled by drawing
    from the pool: a terminal caches nothing across lines, so repetition costs it nothing,
    and 50 MB is written in a few seconds instead of a minute of Python.
    """
    os.makedirs(cache_dir, exist_ok=True)
    path = os.path.join(cache_dir, f"mixed-{size_mb}MB-seed{seed}-v{GENERATOR_VERSION}.txt")
    target = int(size_mb * 1000 * 1000)
    if os.path.exists(path) and os.path.getsize(path) == target:
        return path
    say(f"generating {path}")
    rng = random.Random(seed)
    pool = [_line(rng).encode() for _ in range(20000)]
    tmp = path + f".tmp{os.getpid()}"
    written = 0
    with open(tmp, "wb") as f:
        while written < target:
            chunk = b"".join(rng.choice(pool) for _ in range(2000))
            # Cut on a line boundary at the end so no UTF-8 sequence or escape is split.
            if written + len(chunk) > target:
                chunk = chunk[: target - written]
                cut = chunk.rfind(b"\n") + 1
                chunk = chunk[:cut] + b"\n" * (len(chunk) - cut)
            f.write(chunk)
            written += len(chunk)
    os.replace(tmp, path)
    return path


# --------------------------------------------------------------------------------------
# Terminals


class Terminal:
    """How to start one terminal with our font, scrollback and app_id, running argv."""

    name = None
    binary = None

    def __init__(self, binary=None):
        if binary:
            self.binary = binary
        self.unusable = None  # why this terminal's remaining runs are skipped
        self.skip = {}  # workload -> why its remaining runs are skipped (a hang)

    def available(self):
        """None when the terminal can run, else why not."""
        path = self.binary if os.sep in self.binary else shutil.which(self.binary)
        if not path or not os.path.exists(path):
            return f"{self.binary} not found"
        if not os.access(path, os.X_OK):
            return f"{self.binary} is not executable"
        return None

    def version(self):
        try:
            r = subprocess.run(
                [self.binary, "--version"], capture_output=True, text=True, timeout=10
            )
            return (r.stdout or r.stderr).strip().splitlines()[0]
        except (OSError, subprocess.SubprocessError, IndexError):
            return "unknown"

    def write_config(self, workdir):
        pass

    def argv(self, workdir, app_id, command, extra=()):
        raise NotImplementedError


class Foot(Terminal):
    name, binary = "foot", "foot"

    def write_config(self, workdir):
        self.config = os.path.join(workdir, "foot.ini")
        with open(self.config, "w") as f:
            f.write(
                f"[main]\nfont={FONT_FAMILY}:size={FONT_SIZE}\n"
                f"[scrollback]\nlines={SCROLLBACK}\n"
            )

    def argv(self, workdir, app_id, command, extra=()):
        return [self.binary, "-c", self.config, "--app-id", app_id, *command]


class Alacritty(Terminal):
    name, binary = "alacritty", "alacritty"

    def write_config(self, workdir):
        # 0.11 reads YAML; 0.13 and later would want TOML.
        self.config = os.path.join(workdir, "alacritty.yml")
        with open(self.config, "w") as f:
            f.write(
                f"font:\n  normal:\n    family: {FONT_FAMILY}\n  size: {FONT_SIZE}\n"
                f"scrolling:\n  history: {SCROLLBACK}\n"
                "live_config_reload: false\n"
            )

    def argv(self, workdir, app_id, command, extra=()):
        return [self.binary, "--config-file", self.config, "--class", app_id, "-e", *command]


class Kitty(Terminal):
    name, binary = "kitty", "kitty"

    def write_config(self, workdir):
        self.config = os.path.join(workdir, "kitty.conf")
        with open(self.config, "w") as f:
            f.write(
                f"font_family {FONT_FAMILY}\nfont_size {FONT_SIZE}\n"
                f"scrollback_lines {SCROLLBACK}\n"
                "linux_display_server wayland\n"
                "update_check_interval 0\n"
                "confirm_os_window_close 0\n"
                "enable_audio_bell no\n"
            )

    def argv(self, workdir, app_id, command, extra=()):
        return [self.binary, "--config", self.config, "--class", app_id, *command]


class Cadence(Terminal):
    name, binary = "cadence", None

    def available(self):
        if not self.binary:
            return "not given (pass --cadence PATH/TO/cadence)"
        return super().available()

    def argv(self, workdir, app_id, command, extra=()):
        return [
            self.binary,
            "--font", f"{FONT_FAMILY}:{FONT_SIZE}",
            "--scrollback", str(SCROLLBACK),
            "--app-id", app_id,
            *extra,
            "-e", *command,
        ]  # fmt: skip


# --------------------------------------------------------------------------------------
# One run of a command inside a terminal


class RunFailed(Exception):
    """The terminal did not produce a result: no window, a hang, a crash."""

    def __init__(self, kind, detail):
        super().__init__(f"{kind}: {detail}")
        self.kind = kind  # "no window", "timeout", "crashed", "no result"
        self.detail = detail


def _wrapper_script(workdir, command):
    """The shell script a terminal runs: wait for go, time the command, hold until done.

    Only `start=...; COMMAND; end=...` is timed; waiting for the go file keeps start-up and
    the window's first configure out of it, and waiting for the done file keeps the terminal
    alive while the harness reads its memory.
    """
    go, done = os.path.join(workdir, "go"), os.path.join(workdir, "done")
    result, size = os.path.join(workdir, "result"), os.path.join(workdir, "size")
    return (
        f"while [ ! -e {go} ]; do sleep 0.02; done; "
        f"stty size > {size} 2>/dev/null; "
        f"start=$(date +%s%N); {command}; end=$(date +%s%N); "
        f"echo $((end-start)) $start $end > {result}.tmp && mv {result}.tmp {result}; "
        f"while [ ! -e {done} ]; do sleep 0.02; done"
    )


def _cpu_seconds(pid):
    """User + system CPU time of a process (all its threads), from /proc/PID/stat."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        # After the command name: state is field 3, utime 14 and stime 15 (1-based).
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def _vm_hwm_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _wait4(pid, timeout):
    """(exit code, ru_maxrss KiB) of our child pid, or None if it is still alive at timeout."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            got, status, usage = os.wait4(pid, os.WNOHANG)
        except ChildProcessError:
            return (None, None)
        if got == pid:
            return (os.waitstatus_to_exitcode(status), usage.ru_maxrss)
        if time.monotonic() > deadline:
            return None
        time.sleep(0.02)


def _kill_group(proc):
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
        if _wait4(proc.pid, 3.0) is not None:
            break
    proc.returncode = -9


def _log_tail(path, lines=8):
    try:
        with open(path, "rb") as f:
            text = f.read()[-20000:].decode(errors="replace").splitlines()
    except OSError:
        return ""
    text = [t for t in text if not re.match(r"^\[\s*\d+\.\d+\]\s", t)]  # protocol lines
    return " | ".join(text[-lines:])


def _wait_window(comp, proc, app_id, timeout, log):
    """The Window with this app_id, or RunFailed("no window").

    Matched by app_id rather than pid, so a terminal that forks still counts; for the same
    reason the launched process exiting is not fatal at once: a daemonizing terminal's
    window may show up a moment after its parent has gone.
    """
    deadline = time.monotonic() + timeout
    exited_at = None
    while True:
        for w in comp.windows():
            if w.app_id == app_id and w.rect[2] > 0 and w.rect[3] > 0:
                return w
        now = time.monotonic()
        if exited_at is None and proc.poll() is not None:
            exited_at = now
        if exited_at is not None and now - exited_at > 2.0:
            raise RunFailed(
                "no window",
                f"exited with status {proc.returncode} before mapping a window: " + _log_tail(log),
            )
        if now > deadline:
            raise RunFailed("no window", f"no window within {timeout:.0f} s: " + _log_tail(log))
        time.sleep(0.05)


_serial = 0


def run_terminal(comp, term, base_dir, command, timeout, debug=False):
    """Runs `sh -c WRAPPER(command)` in term; returns a dict of what was measured."""
    global _serial
    _serial += 1
    workdir = os.path.join(base_dir, f"run{_serial}-{term.name}")
    os.mkdir(workdir)
    app_id = f"bench-{term.name}-{_serial}"
    argv = term.argv(workdir, app_id, ["sh", "-c", _wrapper_script(workdir, command)])
    log = os.path.join(workdir, "log")
    env = {"WAYLAND_DEBUG": "client"} if debug else {}
    launch_us = time.time_ns() // 1000
    with open(log, "wb") as f:
        proc = comp.launch(argv, env=env, stdout=f, stderr=f)
    out = {"launch_us": launch_us}
    try:
        win = _wait_window(comp, proc, app_id, min(timeout, 60), log)
        # Let the first configure land so the shell sees the final size.
        time.sleep(0.3)
        cpu_before = _cpu_seconds(win.pid)
        open(os.path.join(workdir, "go"), "w").close()
        result = os.path.join(workdir, "result")
        deadline = time.monotonic() + timeout
        while not os.path.exists(result):
            if proc.poll() is not None:
                raise RunFailed(
                    "crashed", f"exited with status {proc.returncode} during the run; "
                    + _log_tail(log)
                )
            if time.monotonic() > deadline:
                raise RunFailed("timeout", f"no result within {timeout:.0f} s")
            time.sleep(0.02)
        cpu_after = _cpu_seconds(win.pid)
        if cpu_before is not None and cpu_after is not None:
            out["cpu_s"] = cpu_after - cpu_before
        with open(result) as f:
            elapsed_ns, start_ns, end_ns = (int(x) for x in f.read().split())
        out.update(seconds=elapsed_ns / 1e9, start_us=start_ns // 1000, end_us=end_ns // 1000)
        try:
            with open(os.path.join(workdir, "size")) as f:
                rows, cols = (int(x) for x in f.read().split())
                out["grid"] = f"{cols}x{rows}"
        except (OSError, ValueError):
            pass
        out["window_pid"] = win.pid
        out["vm_hwm_kib"] = _vm_hwm_kib(win.pid)
        open(os.path.join(workdir, "done"), "w").close()
        waited = _wait4(proc.pid, 15.0)
        if waited is None:
            raise RunFailed("timeout", "did not exit within 15 s after its command ended")
        proc.returncode, out["ru_maxrss_kib"] = waited
        out["forked"] = win.pid != proc.pid
        if debug:
            out.update(parse_wayland_debug(log, launch_us, out["start_us"], out["end_us"]))
        return out
    finally:
        if proc.returncode is None:
            _kill_group(proc)
        _clean_up_after(comp)


def _clean_up_after(comp):
    """Kills whatever a run left behind (other than sway) and waits for its window to go."""
    sway = comp._sway.pid if comp._sway else None
    stray = [p for p in comp._marked_pids() if p != sway]
    if stray:
        say(f"killing processes left behind: {', '.join(headless._cmdline(p) for p in stray)}")
        comp._terminate(stray, grace=2.0)
    deadline = time.monotonic() + 5
    while comp.windows() and time.monotonic() < deadline:
        time.sleep(0.05)


# --------------------------------------------------------------------------------------
# WAYLAND_DEBUG=client logs

# "[stamp]  -> iface@id.request(args)" for requests, "[stamp] iface@id.event(args)" for events.
_MESSAGE = re.compile(r"^\[\s*(\d+)\.(\d+)\]\s+(->\s+)?(\w+)@(\d+)\.(\w+)\((.*)\)\s*$")


def _unwrap(stamp_us, ref_us):
    """An absolute CLOCK_REALTIME time in µs from libwayland's stamp (µs modulo 2^32)."""
    delta = (stamp_us - ref_us) % (1 << 32)
    if delta >= 1 << 31:
        delta -= 1 << 32
    return ref_us + delta


def parse_wayland_debug(path, launch_us, start_us, end_us):
    """Commit rate of the toplevel surface during [start, end] and launch-to-first-frame.

    Also counts early commits: a commit made while a frame callback that an earlier commit
    asked for has not been answered. A terminal paced by frame callbacks makes none; it is
    a sharper sign of over-painting than the rate, which a slow terminal keeps low anyway.
    """
    main = set()  # wl_surface ids that back an xdg_toplevel
    xdg_of = {}  # xdg_surface id -> wl_surface id
    pending_buffer = {}  # wl_surface id -> a non-nil buffer was attached since last commit
    requested = set()  # frame callbacks asked for since the main surface's last commit
    armed = set()  # frame callbacks committed and not yet done
    first_frame = None
    commits = []
    early = []
    with open(path, "rb") as f:
        for raw in f:
            m = _MESSAGE.match(raw.decode(errors="replace"))
            if not m:
                continue
            stamp = int(m.group(1)) * 1000 + int(m.group(2))
            is_request = m.group(3) is not None
            iface, oid, req, args = m.group(4), int(m.group(5)), m.group(6), m.group(7)
            if not is_request:
                if iface == "wl_callback" and req == "done":
                    armed.discard(oid)
                continue
            if iface == "xdg_wm_base" and req == "get_xdg_surface":
                ids = re.findall(r"(\w+)@(\d+)", args)
                xdg_of[int(ids[0][1])] = int(ids[1][1])
            elif iface == "xdg_surface" and req == "get_toplevel":
                if oid in xdg_of:
                    main.add(xdg_of[oid])
            elif iface == "wl_surface" and oid in main:
                if req == "attach":
                    pending_buffer[oid] = not args.startswith("nil")
                elif req == "frame":
                    requested.add(int(re.search(r"@(\d+)", args).group(1)))
                elif req == "commit":
                    t = _unwrap(stamp, launch_us)
                    if first_frame is None and pending_buffer.get(oid):
                        first_frame = t
                    pending_buffer[oid] = False
                    commits.append(t)
                    if armed:
                        early.append(t)
                    armed |= requested
                    requested.clear()
                elif req == "destroy":
                    main.discard(oid)
    # A flood shorter than a second has only one window, and its count is the answer.
    during = [t for t in commits if start_us <= t <= end_us]
    duration = (end_us - start_us) / 1e6
    max_1s = 0
    j = 0
    for i, t in enumerate(during):
        while during[j] < t - 1_000_000:
            j += 1
        max_1s = max(max_1s, i - j + 1)
    return {
        "commits_during": len(during),
        "early_commits": sum(1 for t in early if start_us <= t <= end_us),
        "commits_per_s": len(during) / duration if duration > 0 else None,
        "max_commits_1s": max_1s,
        "debug_seconds": duration,
        "startup_ms": (first_frame - launch_us) / 1000 if first_frame else None,
    }


# --------------------------------------------------------------------------------------
# The floor: a bare pty reader


def run_pty_floor(base_dir, command, timeout):
    global _serial
    _serial += 1
    workdir = os.path.join(base_dir, f"run{_serial}-pty")
    os.mkdir(workdir)
    open(os.path.join(workdir, "go"), "w").close()
    open(os.path.join(workdir, "done"), "w").close()
    script = _wrapper_script(workdir, command)
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execvp("sh", ["sh", "-c", script])
        finally:
            os._exit(127)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                if not os.read(fd, 65536):
                    break
            except OSError:  # EIO once the last writer has closed the pty
                break
            if time.monotonic() > deadline:
                raise RunFailed("timeout", f"no result within {timeout:.0f} s")
    finally:
        os.close(fd)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
    try:
        with open(os.path.join(workdir, "result")) as f:
            elapsed_ns = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        raise RunFailed("no result", "the command wrote no result")
    return {"seconds": elapsed_ns / 1e9}


# --------------------------------------------------------------------------------------
# cadence only: --frame-stats


def _read_stats(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise RunFailed("no result", f"no readable --frame-stats file ({e})")


def _percentile(values, p):
    s = sorted(values)
    if not s:
        return None
    k = (len(s) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def _run_cadence_stats(comp, term, base_dir, command, timeout, interact=None):
    """Runs cadence with --frame-stats, lets `interact` drive it, returns the stats."""
    global _serial
    _serial += 1
    workdir = os.path.join(base_dir, f"run{_serial}-cadence-stats")
    os.mkdir(workdir)
    stats = os.path.join(workdir, "stats.json")
    app_id = f"bench-cadence-{_serial}"
    argv = term.argv(workdir, app_id, command, extra=["--frame-stats", stats])
    log = os.path.join(workdir, "log")
    with open(log, "wb") as f:
        proc = comp.launch(argv, stdout=f, stderr=f)
    try:
        # Without input to send there is no window to wait for: a run that exits after a
        # second must not race the harness's polling. Its stats say whether it painted.
        if interact:
            _wait_window(comp, proc, app_id, min(timeout, 60), log)
            interact(comp, proc, stats)
        waited = _wait4(proc.pid, timeout)
        if waited is None:
            raise RunFailed("timeout", f"did not exit within {timeout:.0f} s")
        proc.returncode = waited[0]
        return _read_stats(stats)
    finally:
        if proc.returncode is None:
            _kill_group(proc)
        _clean_up_after(comp)


def run_cadence_latency(comp, term, base_dir, timeout, chars=200):
    """Types `chars` characters into `cat` in cadence; key_to_commit_us p50/p99 in ms."""
    text = "".join(random.Random(7).choice("abcdefghijklmnopqrstuvwxyz") for _ in range(chars))

    def interact(comp, proc, stats_path):
        time.sleep(0.5)
        # 30 ms apart: each key gets a frame of its own at 60 Hz, so this measures latency
        # rather than how keys typed faster than the frame rate get batched.
        comp._wtype(["-d", "30", "-"], stdin_text=text)
        comp.key("Return")
        comp.key("d", mods=("ctrl",))

    stats = _run_cadence_stats(comp, term, base_dir, ["cat"], timeout, interact)
    lat = stats.get("key_to_commit_us") or []
    if not lat:
        raise RunFailed("no result", "key_to_commit_us is empty")
    return {
        "key_p50_ms": _percentile(lat, 50) / 1000,
        "key_p99_ms": _percentile(lat, 99) / 1000,
        "key_events": len(lat),
        "first_frame_ms": stats.get("first_frame_us", 0) / 1000 or None,
    }


def _stats_now(proc, path, timeout=10):
    """Asks a running cadence for its stats (SIGUSR2) and returns the fresh file."""
    before = os.stat(path).st_mtime_ns if os.path.exists(path) else 0
    os.kill(proc.pid, signal.SIGUSR2)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path) and os.stat(path).st_mtime_ns != before:
            return _read_stats(path)
        time.sleep(0.02)
    raise RunFailed("no result", "cadence did not write its stats on SIGUSR2")


def run_cadence_idle(comp, term, base_dir, timeout):
    """What cadence does in 2 s at an idle prompt: paints, commits, frame callbacks and
    wake-ups, read from two SIGUSR2 stats snapshots of one run (the second SIGUSR2 is the
    one wake-up expected between them)."""
    got = {}

    def interact(comp, proc, stats_path):
        time.sleep(1.0)  # start-up paints and the last frame callback settle
        got["before"] = _stats_now(proc, stats_path)
        time.sleep(2.0)
        got["after"] = _stats_now(proc, stats_path)

    _run_cadence_stats(comp, term, base_dir, ["sh", "-c", "printf '$ '; sleep 4"], timeout,
                       interact)
    diff = {k: got["after"].get(k, 0) - got["before"].get(k, 0)
            for k in ("paints", "commits", "frame_callbacks", "wakeups")}
    return {
        "idle_paints_2s": diff["paints"],
        "idle_commits_2s": diff["commits"],
        "idle_wakeups_2s": diff["wakeups"] - 1,
        "watchdog_fires": got["after"].get("watchdog_fires"),
    }


# --------------------------------------------------------------------------------------
# Running everything and the table

# (key, column header, format). The first group is measured for every terminal, the
# second only for cadence, from its --frame-stats file.
METRICS = [
    ("cat_s", "cat {size} MB [s]", "{:.2f}"),
    ("seq_s", "seq 1 {seq} [s]", "{:.2f}"),
    ("cat_cpu_s", "CPU in cat [s]", "{:.2f}"),
    ("seq_cpu_s", "CPU in seq [s]", "{:.2f}"),
    ("rss_mib", "peak RSS [MiB]", "{:.0f}"),
    ("commits_per_s", "commits/s in flood", "{:.1f}"),
    ("max_commits_1s", "max commits in 1 s", "{:.0f}"),
    ("early_commits", "early commits", "{:.0f}"),
    ("startup_ms", "first frame [ms]", "{:.0f}"),
]
CADENCE_METRICS = [
    ("key_p50_ms", "key to commit p50 [ms]", "{:.1f}"),
    ("key_p99_ms", "key to commit p99 [ms]", "{:.1f}"),
    ("idle_paints_2s", "paints in 2 s idle", "{:.0f}"),
    ("idle_wakeups_2s", "wake-ups in 2 s idle", "{:.0f}"),
]


class Results:
    def __init__(self, names):
        self.names = names
        self.values = {n: {} for n in names}  # name -> metric -> [values]
        self.failures = {n: {} for n in names}  # name -> metric -> [reasons]
        self.extra = {n: {} for n in names}  # name -> run info (grid, forked, ...)
        self.notes = []  # details of failures, printed under the table
        self.raw = []

    def add(self, name, metric, value):
        if value is not None:
            self.values[name].setdefault(metric, []).append(value)

    def fail(self, name, metrics, reason, detail=None):
        for m in metrics:
            self.failures[name].setdefault(m, []).append(reason)
        if detail:
            note = f"{name}: {reason}: {detail}"
            if note not in self.notes:
                self.notes.append(note)


def run_round(rnd, terms, args, data_file, res):
    base = tempfile.mkdtemp(prefix=f"cadence-bench-r{rnd}-")
    os.chmod(base, 0o755)
    seq_cmd = f"seq 1 {args.seq}"
    cat_cmd = f"cat {data_file}"
    try:
        with headless.Compositor(WIDTH, HEIGHT, timeout=30.0, verbose=args.verbose) as comp:
            workloads = [
                ("cat", cat_cmd, False, ["cat_s", "rss_mib"]),
                ("seq", seq_cmd, False, ["seq_s"]),
                ("debug", cat_cmd, True,
                 ["commits_per_s", "max_commits_1s", "early_commits", "startup_ms"]),
            ]
            for wname, command, debug, metrics in workloads:
                for term in terms:
                    why = term.unusable or term.skip.get(wname)
                    if why:
                        res.fail(term.name, metrics, why)
                        continue
                    say(f"round {rnd}: {term.name} {wname}")
                    try:
                        out = run_terminal(comp, term, base, command, args.timeout, debug=debug)
                    except RunFailed as e:
                        say(f"  {term.name}: {e}")
                        res.fail(term.name, metrics, e.kind, e.detail)
                        res.raw.append({"round": rnd, "terminal": term.name, "workload": wname,
                                        "failed": str(e)})
                        # A terminal without a window will not get one next round, and a
                        # hang would cost the whole timeout again: skip what is left.
                        if e.kind == "no window":
                            term.unusable = e.kind
                        elif e.kind == "timeout":
                            term.skip[wname] = e.kind
                        continue
                    res.raw.append({"round": rnd, "terminal": term.name, "workload": wname, **out})
                    if "grid" in out:
                        res.extra[term.name]["grid"] = out["grid"]
                    res.extra[term.name]["forked"] = out.get("forked")
                    if wname in ("cat", "seq"):
                        res.add(term.name, f"{wname}_cpu_s", out.get("cpu_s"))
                    if wname == "cat":
                        res.add(term.name, "cat_s", out["seconds"])
                        hwm = out.get("vm_hwm_kib")
                        res.add(term.name, "rss_mib", hwm / 1024 if hwm else None)
                    elif wname == "seq":
                        res.add(term.name, "seq_s", out["seconds"])
                    else:
                        for m in metrics:
                            res.add(term.name, m, out.get(m))
                        say(f"  {out.get('commits_during')} commits "
                            f"({out.get('early_commits')} early) in "
                            f"{out.get('debug_seconds', 0):.2f} s")
            for wname, command, key in (("cat", cat_cmd, "cat_s"), ("seq", seq_cmd, "seq_s")):
                say(f"round {rnd}: bare pty {wname}")
                try:
                    out = run_pty_floor(base, command, args.timeout)
                    res.add("pty", key, out["seconds"])
                    res.raw.append({"round": rnd, "terminal": "pty", "workload": wname, **out})
                except RunFailed as e:
                    res.fail("pty", [key], e.kind, e.detail)
            for term in terms:
                if term.name != "cadence":
                    continue
                for label, fn, metrics in (
                    ("latency", run_cadence_latency, ["key_p50_ms", "key_p99_ms"]),
                    ("idle", run_cadence_idle, ["idle_paints_2s", "idle_wakeups_2s"]),
                ):
                    if term.unusable:
                        res.fail("cadence", metrics, term.unusable)
                        continue
                    say(f"round {rnd}: cadence {label}")
                    try:
                        out = fn(comp, term, base, args.timeout)
                    except (RunFailed, headless.BenchError) as e:
                        say(f"  cadence: {e}")
                        res.fail("cadence", metrics, getattr(e, "kind", "failed"),
                                 getattr(e, "detail", str(e)))
                        continue
                    res.raw.append({"round": rnd, "terminal": "cadence", "workload": label, **out})
                    for m in metrics:
                        res.add("cadence", m, out.get(m))
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
        else:
            say(f"kept {base}")


def _cell(res, name, key, fmt, ref):
    vals = res.values.get(name, {}).get(key)
    fails = res.failures.get(name, {}).get(key, [])
    if not vals:
        if fails:
            return ", ".join(sorted(set(fails)))
        return "–"
    med = statistics.median(vals)
    text = fmt.format(med)
    if len(vals) > 1:
        text += f" ({fmt.format(min(vals))}–{fmt.format(max(vals))})"
    if ref and name != ref:
        rvals = res.values.get(ref, {}).get(key)
        if rvals and statistics.median(rvals):
            text += f" ×{med / statistics.median(rvals):.2f}"
    if fails:
        text += f" [{len(fails)} failed: {', '.join(sorted(set(fails)))}]"
    return text


def _markdown(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return lines


def table(res, args, terms):
    """One row per terminal (and the bare pty floor), then cadence's own figures."""
    names = [t.name for t in terms]
    ref = "foot" if "foot" in names else None
    headers = ["terminal"] + [h.format(size=args.size_mb, seq=args.seq) for _, h, _ in METRICS]
    headers.append("grid")
    rows = []
    for n in names + ["pty"]:
        label = "bare pty (floor)" if n == "pty" else n
        cells = [_cell(res, n, key, fmt, ref) for key, _, fmt in METRICS]
        if n == "pty":
            cells = [c if c != "–" else "" for c in cells] + [""]
        else:
            cells.append(res.extra[n].get("grid", "?"))
        rows.append([label] + cells)
    lines = _markdown(headers, rows)
    if "cadence" in names:
        lines.append("")
        lines += _markdown(
            ["cadence only"] + [h for _, h, _ in CADENCE_METRICS],
            [["cadence"] + [_cell(res, "cadence", k, f, None) for k, _, f in CADENCE_METRICS]],
        )
    lines.append("")
    for n in names:
        peak = res.values[n].get("max_commits_1s")
        # 60 Hz callbacks land 60 or 61 commits in a sliding second; 10 % over is not jitter.
        if peak and max(peak) > 66:
            lines.append(f"- {n} committed {max(peak):.0f} times within one second: more "
                         "often than the output's ~60 Hz frame callbacks.")
        if res.extra[n].get("forked"):
            lines.append(f"- {n}: the window belongs to a process other than the one "
                         "launched; its RSS is that process's VmHWM.")
    lines.extend(f"- {note}" for note in res.notes)
    return "\n".join(lines).rstrip()


def main(argv=None):
    p = argparse.ArgumentParser(
        description="Compare terminals (and cadence) in a headless sway.",
        epilog="Smoke test: bench/terminals.py --quick --only foot",
    )
    p.add_argument("--cadence", help="path of the built cadence binary (adds the cadence row)")
    p.add_argument("--runs", type=int, default=3, help="rounds; medians are over these")
    p.add_argument("--only", help="comma-separated terminals: foot,alacritty,kitty,cadence")
    p.add_argument("--size-mb", type=float, default=50, help="size of the mixed file")
    p.add_argument("--seq", type=int, default=3000000, help="N in `seq 1 N`")
    p.add_argument("--seed", type=int, default=1, help="seed of the mixed file")
    p.add_argument("--quick", action="store_true", help="5 MB, seq 1 300000, one run")
    p.add_argument("--timeout", type=float, default=180, help="seconds before a run is killed")
    p.add_argument("--json", help="also write every run and the medians here")
    p.add_argument("--cache-dir", default=os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "cadence-bench"))
    p.add_argument("--keep", action="store_true", help="keep the per-run logs")
    p.add_argument("-v", "--verbose", action="store_true")
    args = p.parse_args(argv)
    if args.quick:
        args.size_mb, args.runs, args.seq = 5, 1, 300000
    if args.size_mb == int(args.size_mb):
        args.size_mb = int(args.size_mb)

    all_terms = [Foot(), Alacritty(), Kitty(), Cadence(args.cadence)]
    if args.only:
        wanted = [w.strip() for w in args.only.split(",") if w.strip()]
        unknown = set(wanted) - {t.name for t in all_terms}
        if unknown:
            p.error(f"unknown terminal(s): {', '.join(sorted(unknown))}")
        all_terms = [t for t in all_terms if t.name in wanted]
    res = Results([t.name for t in all_terms] + ["pty"])
    versions = {}
    for t in all_terms:
        why = t.available()
        if why:
            t.unusable = "not run"
            res.notes.append(f"{t.name}: not run: {why}")
        versions[t.name] = t.version() if not why else "–"

    data_file = mixed_file(args.size_mb, args.seed, args.cache_dir)
    config_dir = tempfile.mkdtemp(prefix="cadence-bench-config-")
    os.chmod(config_dir, 0o755)
    started = datetime.datetime.now().astimezone()
    load_before = os.getloadavg()[0]
    try:
        for t in all_terms:
            t.write_config(config_dir)
        for rnd in range(1, args.runs + 1):
            try:
                run_round(rnd, all_terms, args, data_file, res)
            except headless.BenchError as e:
                # The compositor itself failed (or a leak was found at teardown): report it,
                # keep the figures already taken and go on with a fresh one next round.
                say(f"round {rnd}: {e}")
    finally:
        shutil.rmtree(config_dir, ignore_errors=True)

    uname = platform.uname()
    load_after = os.getloadavg()[0]
    header = (
        f"{started:%Y-%m-%d %H:%M %Z}, {os.cpu_count()} CPUs, {uname.system} {uname.release}; "
        f"sway headless (pixman) {WIDTH}x{HEIGHT}, {FONT_FAMILY} {FONT_SIZE}; "
        f"median (min–max) ×ratio to foot over {args.runs} run(s); "
        f"1-minute load {load_before:.2f} before, {load_after:.2f} after"
    )
    print(header)
    print("; ".join(f"{k}: {v}" for k, v in versions.items()))
    print()
    print(table(res, args, all_terms))
    if args.json:
        summary = {}
        for n in res.names:
            summary[n] = {
                k: {"median": statistics.median(v), "min": min(v), "max": max(v), "n": len(v)}
                for k, v in res.values[n].items()
            }
        with open(args.json, "w") as f:
            json.dump({
                "date": started.isoformat(),
                "machine": {"cpus": os.cpu_count(), "kernel": uname.release,
                            "load_before": load_before, "load_after": load_after},
                "options": {"runs": args.runs, "size_mb": args.size_mb, "seq": args.seq,
                            "seed": args.seed},
                "versions": versions,
                "summary": summary,
                "failures": res.failures,
                "extra": res.extra,
                "runs": res.raw,
            }, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
