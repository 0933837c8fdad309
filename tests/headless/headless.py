"""A headless Wayland compositor for tests: sway on its headless backend, driven from Python.

Every integration test and `make run` without a display use this bench, so it owns the
details that are easy to get wrong:

- sway refuses to run as root, so it runs as nobody (65534) with a clean environment, and
  its XDG_RUNTIME_DIR is a fresh 0700 directory that uid owns under a 0755 temp dir. Clients
  still run as the caller (root can connect to nobody's socket).
- Everything the bench starts carries that runtime dir in its environment. Teardown kills
  what it launched by process group, then finds anything left by scanning /proc for the
  marker, kills it, and raises if something is still alive: a test that leaks a process
  fails instead of slowing down every run after it.
- PID 1 on the test machines does not reap orphans, so the bench makes itself a child
  subreaper and reaps the orphans of its own clients instead of leaving zombies behind.
- wtype uploads a new keymap on every run, and when it differs from the last run's, the
  first key is often lost (typing text then pressing Return as two runs lost half the
  commands here). Every run therefore starts with a lone Shift press and a short pause.
- A SIGTERM (meson's test timeout) becomes an exception while the bench is up, so the
  teardown still runs: sway lives in its own session and would not die with the test.
- Screenshots are read as PPM (no image library needed) and can be written as PNG with the
  encoder below, so the file and the pixels a test checked are the same frame. PNGs written
  by other programs are read too (every row filter), for KWin's screenshots.

The lifecycle (temp and runtime dirs, servers, clients, teardown and its leak check) is
the `Bench` class; `Compositor` is sway on it, and `kwin.py` (KWin, for what sway 1.7 does
not do: fractional scale, maximize and minimize) is another. Only the Python standard library is used. `python3 headless.py --help` lists a small CLI.
"""

import argparse
import ctypes
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib

NOBODY_UID = 65534
NOBODY_GID = 65534

SWAY_CONFIG = """\
xwayland disable
output HEADLESS-1 resolution {width}x{height} position 0 0
swaybg_command -
default_border none
default_floating_border none
# Tests resize floating windows to exact sizes; sway clamps them to these otherwise.
floating_minimum_size 1 x 1
floating_maximum_size -1 x -1
focus_on_window_activation focus
"""


class BenchError(RuntimeError):
    """Something in the bench itself went wrong (as opposed to the program under test)."""


# --------------------------------------------------------------------------------------
# Images


class Image:
    """An RGB image as read from a binary PPM (P6, maxval 255): what grim -t ppm writes."""

    def __init__(self, width, height, data):
        if len(data) != width * height * 3:
            raise ValueError(f"PPM data is {len(data)} bytes, expected {width * height * 3}")
        self.width = width
        self.height = height
        self.data = bytes(data)

    @classmethod
    def from_ppm(cls, blob):
        fields = []
        pos = 0
        # Header: magic, width, height, maxval, separated by whitespace, '#' comments allowed.
        while len(fields) < 4:
            while pos < len(blob) and blob[pos : pos + 1].isspace():
                pos += 1
            if blob[pos : pos + 1] == b"#":
                while pos < len(blob) and blob[pos : pos + 1] != b"\n":
                    pos += 1
                continue
            start = pos
            while pos < len(blob) and not blob[pos : pos + 1].isspace():
                pos += 1
            if start == pos:
                raise ValueError("truncated PPM header")
            fields.append(blob[start:pos])
        if fields[0] != b"P6":
            raise ValueError(f"not a binary PPM (magic {fields[0]!r})")
        width, height, maxval = (int(f) for f in fields[1:])
        if maxval != 255:
            raise ValueError(f"PPM maxval {maxval} is not supported (only 255)")
        pos += 1  # exactly one whitespace byte ends the header
        return cls(width, height, blob[pos : pos + width * height * 3])

    @classmethod
    def load(cls, path):
        with open(path, "rb") as f:
            return cls.from_ppm(f.read())

    @classmethod
    def from_png(cls, blob):
        """Reads an 8-bit, non-interlaced RGB or RGBA PNG (alpha is dropped).

        Every row filter is undone, so this reads what other programs write (KWin's
        screenshots use all five), not only the unfiltered rows of to_png.
        """
        if blob[:8] != b"\x89PNG\r\n\x1a\n":
            raise ValueError("not a PNG")
        pos, idat, header = 8, [], None
        while pos + 12 <= len(blob):
            (length,) = struct.unpack(">I", blob[pos : pos + 4])
            kind = blob[pos + 4 : pos + 8]
            body = blob[pos + 8 : pos + 8 + length]
            if len(body) != length or pos + 12 + length > len(blob):
                raise ValueError(f"truncated PNG chunk {kind!r}")
            (crc,) = struct.unpack(">I", blob[pos + 8 + length : pos + 12 + length])
            if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
                raise ValueError(f"bad CRC in PNG chunk {kind!r}")
            if kind == b"IHDR":
                header = struct.unpack(">IIBBBBB", body)
            elif kind == b"IDAT":
                idat.append(body)
            elif kind == b"IEND":
                break
            pos += 12 + length
        if header is None:
            raise ValueError("PNG without IHDR")
        width, height, depth, colour, _, _, interlace = header
        if depth != 8 or colour not in (2, 6) or interlace != 0:
            raise ValueError(
                f"PNG depth {depth}, colour type {colour}, interlace {interlace}: "
                "only 8-bit RGB or RGBA without interlacing is supported"
            )
        bpp = 3 if colour == 2 else 4
        stride = width * bpp
        raw = zlib.decompress(b"".join(idat))
        if len(raw) != height * (stride + 1):
            raise ValueError(f"PNG data is {len(raw)} bytes, expected {height * (stride + 1)}")
        rgb = bytearray()
        prev = bytearray(stride)
        for y in range(height):
            kind = raw[y * (stride + 1)]
            row = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
            cls._unfilter(kind, row, prev, bpp)
            if bpp == 3:
                rgb += row
            else:
                out = bytearray(width * 3)
                for c in range(3):
                    out[c::3] = row[c::4]
                rgb += out
            prev = row
        return cls(width, height, bytes(rgb))

    @staticmethod
    def _unfilter(kind, row, prev, bpp):
        """Undoes one row's PNG filter in place (prev: the row above, already undone)."""
        n = len(row)
        if kind == 0:
            return
        if kind == 1:  # Sub
            for i in range(bpp, n):
                row[i] = (row[i] + row[i - bpp]) & 0xFF
        elif kind == 2:  # Up
            for i in range(n):
                row[i] = (row[i] + prev[i]) & 0xFF
        elif kind == 3:  # Average
            for i in range(n):
                left = row[i - bpp] if i >= bpp else 0
                row[i] = (row[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif kind == 4:  # Paeth
            for i in range(n):
                a = row[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                row[i] = (row[i] + pred) & 0xFF
        else:
            raise ValueError(f"unknown PNG filter type {kind}")

    @classmethod
    def load_png(cls, path):
        with open(path, "rb") as f:
            return cls.from_png(f.read())

    def to_ppm(self):
        return b"P6\n%d %d\n255\n" % (self.width, self.height) + self.data

    def to_png(self):
        def chunk(kind, body):
            return (
                struct.pack(">I", len(body))
                + kind
                + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
            )

        stride = self.width * 3
        raw = b"".join(
            b"\x00" + self.data[y * stride : (y + 1) * stride] for y in range(self.height)
        )
        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 6))
            + chunk(b"IEND", b"")
        )

    def save(self, path):
        """Writes PNG, or PPM when the path ends in .ppm."""
        blob = self.to_ppm() if path.endswith(".ppm") else self.to_png()
        with open(path, "wb") as f:
            f.write(blob)

    def pixel(self, x, y):
        if not (0 <= x < self.width and 0 <= y < self.height):
            raise IndexError(f"pixel ({x}, {y}) outside {self.width}x{self.height}")
        i = (y * self.width + x) * 3
        return tuple(self.data[i : i + 3])

    def _pixels(self, region):
        """The pixels of region (x, y, w, h), clipped to the image, as 3-byte strings."""
        x, y, w, h = region if region else (0, 0, self.width, self.height)
        x0, y0 = max(0, x), max(0, y)
        x1, y1 = min(self.width, x + w), min(self.height, y + h)
        for row in range(y0, y1):
            line = self.data[(row * self.width + x0) * 3 : (row * self.width + x1) * 3]
            for i in range(0, len(line), 3):
                yield line[i : i + 3]

    def color_histogram(self, region=None):
        counts = {}
        for p in self._pixels(region):
            counts[p] = counts.get(p, 0) + 1
        return {tuple(k): v for k, v in counts.items()}

    def count_distinct_colors(self, region=None):
        return len(set(self._pixels(region)))

    def background(self, region=None):
        """The most common colour: for a terminal, its background."""
        hist = self.color_histogram(region)
        return max(hist, key=hist.get) if hist else None

    def count_differing(self, color, region=None):
        """How many pixels are not exactly `color`."""
        ref = bytes(color)
        return sum(1 for p in self._pixels(region) if p != ref)

    def is_blank(self, region=None):
        return self.count_distinct_colors(region) <= 1


# --------------------------------------------------------------------------------------
# Processes


def _read_proc(pid, name):
    try:
        with open(f"/proc/{pid}/{name}", "rb") as f:
            return f.read()
    except OSError:
        return None


def _proc_state(pid):
    """(state letter, ppid) from /proc/PID/stat, or None when the process is gone."""
    stat = _read_proc(pid, "stat")
    if stat is None:
        return None
    # The command name is in parentheses and may itself contain ') '.
    rest = stat[stat.rfind(b")") + 2 :].split()
    return rest[0].decode(), int(rest[1])


def _alive(pid):
    state = _proc_state(pid)
    return state is not None and state[0] not in ("Z", "X")


def _cmdline(pid):
    raw = _read_proc(pid, "cmdline") or b""
    return raw.replace(b"\0", b" ").decode(errors="replace").strip() or f"[pid {pid}]"


def _all_pids():
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _become_subreaper():
    # Orphans of our clients (a shell whose terminal died first) are reparented to us, not
    # to a PID 1 that never reaps them, so teardown can collect them.
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_CHILD_SUBREAPER = 36
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _signal_group_or_pid(pid, sig):
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass
    except PermissionError:
        pass
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


# --------------------------------------------------------------------------------------
# What every bench shares


class Bench:
    """A private temp dir and runtime dir, servers and clients started in their own
    sessions, and a teardown that leaves nothing alive. A compositor bench is a subclass:
    its start() calls _prepare() and _start_server(), and _client_vars() says how a client
    reaches it. Use it as a context manager.

    close() stops the clients first (so they see an orderly exit, not a vanished
    compositor), then the servers in the reverse of their start order, then anything else
    whose environment carries the runtime dir (a shell, a swaybg, a forked daemon), and
    raises if something is still alive.
    """

    def __init__(self, timeout=30.0, keep=None, verbose=False):
        self.timeout = timeout
        # CADENCE_HEADLESS_KEEP=1 keeps the temp dir (server logs, client logs) for debugging.
        self.keep = keep if keep is not None else bool(os.environ.get("CADENCE_HEADLESS_KEEP"))
        self.verbose = verbose
        self.tmp = None
        self.home = None
        self.runtime_dir = None
        self._servers = []  # (name, Popen, log file) in start order
        self._clients = []
        self._seen = {}  # pid -> command line of every marked process ever observed alive
        self._closed = False
        self._old_sigterm = None

    # ---- lifecycle

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.close(check=False)
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        # A leak found during teardown must not hide the exception that ended the test.
        self.close(check=exc_type is None)
        return False

    def start(self):
        raise NotImplementedError

    def _log(self, *args):
        if self.verbose:
            print("headless:", *args, file=sys.stderr, flush=True)

    def _prepare(self, prefix, owner=None):
        """The temp dir with home/ and run/ (0700, owned by `owner` (uid, gid) if given)."""
        _become_subreaper()
        self._catch_sigterm()
        self.tmp = tempfile.mkdtemp(prefix=prefix)
        os.chmod(self.tmp, 0o755)
        self.home = os.path.join(self.tmp, "home")
        self.runtime_dir = os.path.join(self.tmp, "run")
        os.mkdir(self.home, 0o700)
        os.mkdir(self.runtime_dir, 0o700)
        if owner is not None:
            for d in (self.home, self.runtime_dir):
                os.chown(d, *owner)
        os.chmod(self.runtime_dir, 0o700)

    def _catch_sigterm(self):
        def on_sigterm(signum, frame):
            raise SystemExit(128 + signum)

        try:
            if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
                self._old_sigterm = signal.signal(signal.SIGTERM, on_sigterm)
        except ValueError:
            pass  # not the main thread: the caller owns signal handling

    def _start_server(self, name, argv, env=None):
        """Starts one of the bench's own long-lived processes, logging to TMP/NAME.log."""
        log = open(os.path.join(self.tmp, f"{name}.log"), "wb")
        self._log("starting", " ".join(argv))
        proc = subprocess.Popen(
            argv,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._servers.append((name, proc, log))
        return proc

    def log_tail(self, name, lines=30):
        """The last lines of a server's log, for an error message."""
        try:
            with open(os.path.join(self.tmp, f"{name}.log"), "rb") as f:
                text = f.read().decode(errors="replace").splitlines()
        except (OSError, TypeError):
            return f"(no {name} log)"
        return f"--- {name} log (last lines) ---\n" + "\n".join(text[-lines:])

    # ---- clients

    def _client_vars(self):
        """What a client needs to reach this bench's servers (WAYLAND_DISPLAY, ...)."""
        return {}

    def serve(self, server):
        """The CLIs' `shell`: prints the exports a client needs, then waits until `server`
        (the compositor's Popen) ends, Ctrl-C or SIGTERM."""
        env = self.client_env()
        for k in ("XDG_RUNTIME_DIR", *self._client_vars()):
            print(f"export {k}={env[k]}")
        print("# Ctrl-C stops the compositor", flush=True)
        try:
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
            while server.poll() is None:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass

    def client_env(self, extra=None):
        """The environment a client of this compositor needs, on top of ours."""
        env = dict(os.environ)
        # A client must not reach the developer's real session by accident.
        for k in ("WAYLAND_SOCKET", "DISPLAY"):
            env.pop(k, None)
        env.update(XDG_RUNTIME_DIR=self.runtime_dir, LIBGL_ALWAYS_SOFTWARE="1")
        env.update(self._client_vars())
        if extra:
            env.update(extra)
        return env

    def launch(self, argv, env=None, cwd=None, stdout=None, stderr=None):
        """Starts a client in its own session (process group) and returns its Popen."""
        proc = subprocess.Popen(
            argv,
            env=self.client_env(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
        )
        self._clients.append(proc)
        self._log("launched", proc.pid, " ".join(argv))
        return proc

    def run(self, argv, env=None, cwd=None, timeout=None, check=False):
        """Runs a short-lived client to completion; returns CompletedProcess (text output)."""
        proc = self.launch(
            argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            out, err = proc.communicate(timeout=timeout or self.timeout)
        except subprocess.TimeoutExpired:
            _signal_group_or_pid(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            raise BenchError(f"{argv[0]} did not finish within {timeout or self.timeout:.0f} s")
        result = subprocess.CompletedProcess(
            argv, proc.returncode, out.decode(errors="replace"), err.decode(errors="replace")
        )
        if check and result.returncode != 0:
            raise BenchError(
                f"{' '.join(argv)} failed with status {result.returncode}: {result.stderr.strip()}"
            )
        return result

    def _tool(self, argv, timeout=None):
        """Runs one of the bench's own helpers (swaymsg, grim, dbus-send) and checks it."""
        try:
            r = subprocess.run(
                argv,
                env=self.client_env(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                timeout=timeout or self.timeout,
            )
        except subprocess.TimeoutExpired:
            raise BenchError(f"{argv[0]} did not finish within {timeout or self.timeout:.0f} s")
        if r.returncode != 0:
            raise BenchError(
                f"{' '.join(argv)} failed with status {r.returncode}: "
                + r.stderr.decode(errors="replace").strip()
            )
        return r.stdout

    def windows(self):
        """The compositor's mapped windows, each with app_id, pid and rect (x, y, w, h)."""
        raise NotImplementedError

    def _client_by_pid(self, pid):
        for proc in self._clients:
            if proc.pid == pid:
                return proc
        return None

    def wait_mapped(self, app_id=None, pid=None, timeout=None, process=None):
        """Polls windows() until one with this app_id and/or pid is mapped; returns it.

        `process` (a Popen from launch) makes the wait fail as soon as the client exits.
        """
        if app_id is None and pid is None:
            raise ValueError("wait_mapped needs an app_id or a pid")
        if process is None and pid is not None:
            process = self._client_by_pid(pid)
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            self._note_marked()
            for w in self.windows():
                if (app_id is None or w.app_id == app_id) and (pid is None or w.pid == pid):
                    if w.rect[2] > 0 and w.rect[3] > 0:
                        return w
            if process is not None and process.poll() is not None:
                raise BenchError(
                    f"client {process.args[0]} exited with status {process.returncode} "
                    "before mapping a window"
                )
            if time.monotonic() > deadline:
                want = " and ".join(
                    s for s in (app_id and f"app_id={app_id}", pid and f"pid={pid}") if s
                )
                raise BenchError(
                    f"no window with {want} within {timeout or self.timeout:.0f} s; "
                    f"mapped: {self.windows()}"
                )
            time.sleep(0.1)

    # ---- teardown

    def _marked_pids(self):
        """Live processes whose environment names our runtime dir, other than ourselves."""
        if not self.runtime_dir:
            return []
        marker = b"XDG_RUNTIME_DIR=" + self.runtime_dir.encode()
        me = os.getpid()
        pids = []
        for pid in _all_pids():
            if pid == me:
                continue
            env = _read_proc(pid, "environ")
            if env and marker in env.split(b"\0") and _alive(pid):
                pids.append(pid)
        return pids

    def _note_marked(self):
        for pid in self._marked_pids():
            self._seen.setdefault(pid, _cmdline(pid))

    def _wait_gone(self, pids, timeout):
        deadline = time.monotonic() + timeout
        while True:
            self._reap()
            live = [p for p in pids if _alive(p)]
            if not live or time.monotonic() > deadline:
                return live
            time.sleep(0.05)

    def _reap(self):
        servers = [proc for _, proc, _ in self._servers]
        for proc in self._clients + servers:
            proc.poll()
        me = os.getpid()
        server_pids = {proc.pid for proc in servers}
        for pid in list(self._seen):
            state = _proc_state(pid)
            if state and state[0] == "Z" and state[1] == me and not self._client_by_pid(pid):
                if pid not in server_pids:
                    try:
                        os.waitpid(pid, os.WNOHANG)
                    except ChildProcessError:
                        pass

    def _terminate(self, pids, grace):
        """SIGTERM (to each process group too), then SIGKILL what outlives the grace period."""
        for p in pids:
            _signal_group_or_pid(p, signal.SIGTERM)
        live = self._wait_gone(pids, grace)
        for p in live:
            _signal_group_or_pid(p, signal.SIGKILL)
        return self._wait_gone(live, 5.0)

    def close(self, check=True):
        if self._closed:
            return
        self._closed = True
        self._note_marked()
        clients = [p.pid for p in self._clients if p.poll() is None]
        self._terminate(clients, grace=5.0)
        for p in self._clients:
            try:
                p.wait(timeout=5.0)
            except subprocess.TimeoutExpired:
                pass
        for _, proc, _ in reversed(self._servers):
            if proc.poll() is None:
                self._terminate([proc.pid], grace=5.0)
                try:
                    proc.wait(timeout=5.0)
                except subprocess.TimeoutExpired:
                    pass
        # Anything the clients or servers spawned that outlived them.
        self._note_marked()
        stray = self._marked_pids()
        if stray:
            self._log("killing stray processes", stray)
            self._terminate(stray, grace=2.0)
        self._reap()
        survivors = [p for p in set(self._marked_pids()) | set(self._seen) if _alive(p)]
        survivors = [p for p in survivors if _proc_state(p) is not None]
        for _, _, log in self._servers:
            log.close()
        if self._old_sigterm is not None:
            signal.signal(signal.SIGTERM, self._old_sigterm)
            self._old_sigterm = None
        if self.tmp and not self.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)
        elif self.tmp:
            print(f"headless: kept {self.tmp}", file=sys.stderr)
        if survivors and check:
            raise BenchError(
                "processes started by the bench are still alive after teardown: "
                + "; ".join(f"{p} {self._seen.get(p) or _cmdline(p)}" for p in survivors)
            )

    def started_pids(self):
        """Every process of this bench seen alive so far (pid -> command line)."""
        self._note_marked()
        return dict(self._seen)


# --------------------------------------------------------------------------------------
# sway


class Window:
    """A mapped view as sway reports it."""

    def __init__(self, node):
        self.con_id = node["id"]
        self.app_id = node.get("app_id")
        self.pid = node.get("pid")
        self.name = node.get("name")
        self.floating = node.get("type") == "floating_con"
        r = node["rect"]
        self.rect = (r["x"], r["y"], r["width"], r["height"])

    def __repr__(self):
        return f"Window(app_id={self.app_id!r}, pid={self.pid}, rect={self.rect})"


class Compositor(Bench):
    """sway on the headless backend. Use as a context manager:

    with Compositor(1280, 720) as comp:
        proc = comp.launch(["foot"])
        win = comp.wait_mapped(pid=proc.pid)
        comp.type_text("ls"); comp.key("Return")
        img = comp.screenshot("out.png")
    """

    def __init__(self, width=1280, height=720, timeout=30.0, keep=None, verbose=False):
        super().__init__(timeout=timeout, keep=keep, verbose=verbose)
        self.width = width
        self.height = height
        self.wayland_display = None
        self.swaysock = None
        self._sway = None

    def start(self):
        missing = [t for t in ("sway", "swaymsg", "wtype", "grim") if not shutil.which(t)]
        if missing:
            raise BenchError(
                f"missing {', '.join(missing)}: install them with .ci/install-deps.sh"
            )
        as_root = os.geteuid() == 0
        self._prepare("cadence-headless-", owner=(NOBODY_UID, NOBODY_GID) if as_root else None)
        config = os.path.join(self.tmp, "sway.conf")
        with open(config, "w") as f:
            f.write(SWAY_CONFIG.format(width=self.width, height=self.height))
        os.chmod(config, 0o644)

        argv = []
        if as_root:
            argv += ["setpriv", f"--reuid={NOBODY_UID}", f"--regid={NOBODY_GID}", "--clear-groups"]
        argv += [
            "env", "-i",
            "PATH=/usr/bin:/bin",
            f"HOME={self.home}",
            f"XDG_RUNTIME_DIR={self.runtime_dir}",
            "WLR_BACKENDS=headless",
            "WLR_LIBINPUT_NO_DEVICES=1",
            "WLR_RENDERER=pixman",
            "sway", "-c", config,
        ]  # fmt: skip
        self._sway = self._start_server("sway", argv)
        self._wait_ready()
        self._log("ready:", self.wayland_display, self.swaysock)

    def _wait_ready(self):
        deadline = time.monotonic() + self.timeout
        while True:
            if self._sway.poll() is not None:
                raise BenchError(
                    f"sway exited with status {self._sway.returncode} while starting\n"
                    + self.sway_log_tail()
                )
            if self.wayland_display is None or self.swaysock is None:
                try:
                    names = os.listdir(self.runtime_dir)
                except OSError:
                    names = []
                for n in sorted(names):
                    if n.startswith("wayland-") and not n.endswith(".lock"):
                        self.wayland_display = n
                    elif n.startswith("sway-ipc.") and n.endswith(".sock"):
                        self.swaysock = os.path.join(self.runtime_dir, n)
            if self.wayland_display and self.swaysock:
                r = subprocess.run(
                    ["swaymsg", "-s", self.swaysock, "-t", "get_version"],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    timeout=self.timeout,
                )
                if r.returncode == 0:
                    return
            if time.monotonic() > deadline:
                raise BenchError(
                    f"sway did not become ready within {self.timeout:.0f} s\n"
                    + self.sway_log_tail()
                )
            time.sleep(0.05)

    def sway_log_tail(self, lines=30):
        return self.log_tail("sway", lines)

    def _client_vars(self):
        return {"WAYLAND_DISPLAY": self.wayland_display, "SWAYSOCK": self.swaysock}

    def swaymsg(self, *args, msg_type=None):
        argv = ["swaymsg", "-s", self.swaysock, "-r"]
        if msg_type:
            argv += ["-t", msg_type]
        out = self._tool(argv + list(args))
        return json.loads(out) if out.strip() else None

    def command(self, text):
        """Runs a sway command; raises if sway reports a failure."""
        for reply in self.swaymsg(text) or []:
            if not reply.get("success", False):
                raise BenchError(f"sway command {text!r} failed: {reply.get('error')}")

    # ---- windows

    def windows(self):
        found = []

        def walk(node):
            if node.get("type") in ("con", "floating_con") and (
                node.get("app_id") is not None or node.get("pid")
            ):
                if not node.get("nodes") and not node.get("floating_nodes"):
                    found.append(Window(node))
            for child in node.get("nodes", []) + node.get("floating_nodes", []):
                walk(child)

        walk(self.swaymsg(msg_type="get_tree"))
        return found

    def resize(self, width, height, app_id=None, pid=None, timeout=None):
        """Makes the window floating at (0, 0) with this size; returns it once sway agrees."""
        crit = []
        if app_id is not None:
            crit.append(f'app_id="{app_id}"')
        if pid is not None:
            crit.append(f"pid={pid}")
        sel = f"[{' '.join(crit)}] " if crit else ""
        command = (f"{sel}floating enable, resize set width {width} px height {height} px, "
                   "move position 0 0")
        self.command(command)
        deadline = time.monotonic() + (timeout or self.timeout)
        # A window still settling after being mapped can lose the command: sway reports the
        # new size, then completes the tiled configure it had in flight and goes back to the
        # old one. So the size must hold for a moment, and the command is said again until
        # it does.
        again = time.monotonic() + 2
        reached = None
        while True:
            for w in self.windows():
                if (app_id is None or w.app_id == app_id) and (pid is None or w.pid == pid):
                    if w.rect[2:] == (width, height):
                        if reached is None:
                            reached = time.monotonic()
                        elif time.monotonic() - reached > 0.5:
                            return w
                    else:
                        reached = None
            if time.monotonic() > deadline:
                raise BenchError(f"window did not reach {width}x{height}: {self.windows()}")
            if time.monotonic() > again:
                self.command(command)
                again = time.monotonic() + 2
            time.sleep(0.05)

    # ---- input

    # Pause after the warm-up Shift, in ms: long enough for the client to take the new keymap
    # on a loaded machine, short enough not to matter for a test's runtime.
    WARMUP_MS = 100

    def _wtype(self, args, stdin_text=None):
        argv = ["wtype", "-M", "shift", "-m", "shift", "-s", str(self.WARMUP_MS)] + args
        try:
            r = subprocess.run(
                argv,
                env=self.client_env(),
                input=stdin_text.encode() if stdin_text is not None else None,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                timeout=self.timeout,
            )
        except subprocess.TimeoutExpired:
            raise BenchError(f"wtype did not finish within {self.timeout:.0f} s")
        if r.returncode != 0:
            raise BenchError(f"wtype failed: {r.stderr.decode(errors='replace').strip()}")

    def type_text(self, text, enter=False):
        """Types text into the focused window (read from stdin, so a leading '-' is text)."""
        self._wtype(["-"] + (["-k", "Return"] if enter else []), stdin_text=text)

    def key(self, name, mods=()):
        """Presses one named key (xkb name: Return, Left, F1, c) with modifiers held."""
        args = []
        for m in mods:
            args += ["-M", m]
        args += ["-k", name]
        for m in reversed(mods):
            args += ["-m", m]
        self._wtype(args)

    # ---- output

    def screenshot(self, path=None):
        """Captures the whole output; writes PNG (or .ppm) to path if given; returns an Image."""
        ppm = os.path.join(self.tmp, "shot.ppm")
        self._tool(["grim", "-t", "ppm", ppm])
        img = Image.load(ppm)
        os.unlink(ppm)
        if path:
            img.save(path)
        return img


# --------------------------------------------------------------------------------------
# CLI


def _parse_size(text):
    try:
        w, h = text.lower().split("x")
        return int(w), int(h)
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must be WIDTHxHEIGHT, not {text!r}")


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="headless.py", description="Run Wayland clients in a headless sway."
    )
    parser.add_argument("--size", type=_parse_size, default=(1280, 720), help="output size")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for things")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="cmd", required=True)

    shot = sub.add_parser("shot", help="start CMD, wait for its window, write a screenshot")
    shot.add_argument("--out", default="shot.png", help="PNG (or .ppm) to write")
    shot.add_argument("--app-id", help="wait for this app_id instead of CMD's pid")
    shot.add_argument("--settle", type=float, default=1.0, help="seconds to wait after mapping")
    shot.add_argument("argv", nargs=argparse.REMAINDER)

    run = sub.add_parser("run", help="run CMD to completion inside the bench, pass its status")
    run.add_argument("argv", nargs=argparse.REMAINDER)

    sub.add_parser("shell", help="start the bench, print its environment, wait for Ctrl-C")

    args = parser.parse_args(argv)
    cmd_argv = list(getattr(args, "argv", []))
    if cmd_argv[:1] == ["--"]:
        cmd_argv = cmd_argv[1:]
    if args.cmd in ("shot", "run") and not cmd_argv:
        parser.error(f"{args.cmd}: give a command after --")
    width, height = args.size

    with Compositor(width, height, timeout=args.timeout, verbose=args.verbose) as comp:
        if args.cmd == "shot":
            proc = comp.launch(cmd_argv)
            if args.app_id:
                win = comp.wait_mapped(app_id=args.app_id, process=proc)
            else:
                win = comp.wait_mapped(pid=proc.pid)
            time.sleep(args.settle)
            img = comp.screenshot(args.out)
            print(
                f"{args.out}: {img.width}x{img.height}, {img.count_distinct_colors()} colours, "
                f"window {win.rect}"
            )
            return 0
        if args.cmd == "run":
            proc = comp.launch(cmd_argv)
            try:
                return proc.wait(timeout=args.timeout)
            except subprocess.TimeoutExpired:
                print(
                    f"headless: {cmd_argv[0]} still running after {args.timeout:.0f} s",
                    file=sys.stderr,
                )
                return 124
        if args.cmd == "shell":
            comp.serve(comp._sway)
            return 0
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as e:
        print(f"headless: {e}", file=sys.stderr)
        sys.exit(1)
