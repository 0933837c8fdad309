#!/usr/bin/env python3
"""cadence as a terminal, end to end, in the headless bench.

    test_cadence_window.py PATH/TO/cadence

Each check starts cadence under a real sway with a real shell on a real pty:
  - typing: a command typed with wtype runs in the shell and writes a file;
  - resize: after sway resizes the window, `stty size` in the shell shows the new grid;
  - paste: text put on the clipboard with wl-copy arrives through Ctrl+Shift+V wrapped in
    bracketed-paste markers, byte for byte;
  - colours: cells printed with known SGR colours have exactly those colours, both in a
    grim screenshot of the compositor's output and in the PNG cadence saves of itself;
  - idle: with nothing changing for 2 s, cadence paints nothing, asks for no frame
    callback and does not wake up at all;
  - exit: the program's exit closes the window, and cadence exits with its status.
"""

import json
import os
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "headless"))
import headless  # noqa: E402

FONT = "DejaVu Sans Mono:11"


class TestFailure(Exception):
    pass


def expect(cond, message):
    if not cond:
        raise TestFailure(message)


def wait_for(predicate, timeout, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None


def read_text(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def read_png(path):
    """Decodes an 8-bit RGBA, non-interlaced PNG (what cadence writes) into headless.Image."""
    with open(path, "rb") as f:
        data = f.read()
    expect(data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG")
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        crc = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])[0]
        expect(zlib.crc32(kind + body) == crc, f"bad CRC in chunk {kind!r}")
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
            expect((depth, ctype) == (8, 6), f"PNG is not 8-bit RGBA: {depth}/{ctype}")
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * 4
    rgb = bytearray()
    for y in range(height):
        row = raw[y * (stride + 1) : (y + 1) * (stride + 1)]
        expect(row[0] == 0, "unexpected PNG filter")
        for x in range(width):
            rgb += row[1 + x * 4 : 1 + x * 4 + 3]
    return headless.Image(width, height, bytes(rgb))


class Cadence:
    """One cadence process in the bench, with its stats file and screenshot path."""

    def __init__(self, comp, cadence, work, name, command, extra=()):
        self.comp = comp
        self.work = work
        self.stats_path = os.path.join(work, f"{name}-stats.json")
        self.png_path = os.path.join(work, f"{name}-self.png")
        env = {"HOME": work, "ENV": "", "PS1": "$ ", "LC_ALL": "C.UTF-8", "SHELL": "/bin/sh"}
        argv = [cadence, "--font", FONT, "--app-id", f"cadence-{name}",
                "--frame-stats", self.stats_path, "--screenshot", self.png_path, *extra,
                "-e", *command]
        self.log = open(os.path.join(work, f"{name}.log"), "wb")
        self.proc = comp.launch(argv, env=env, cwd=work, stdout=self.log, stderr=self.log)
        self.window = comp.wait_mapped(pid=self.proc.pid, timeout=60, process=self.proc)

    def stats(self):
        """Asks for a fresh stats file (SIGUSR2) and returns it."""
        before = os.stat(self.stats_path).st_mtime_ns if os.path.exists(self.stats_path) else 0
        os.kill(self.proc.pid, signal.SIGUSR2)

        def fresh():
            try:
                st = os.stat(self.stats_path)
            except FileNotFoundError:
                return None
            if st.st_mtime_ns == before:
                return None
            with open(self.stats_path) as f:
                return json.load(f)

        stats = wait_for(fresh, 10, 0.02)
        expect(stats is not None, "cadence did not write its stats on SIGUSR2")
        return stats

    def log_tail(self):
        self.log.flush()
        with open(self.log.name, "rb") as f:
            return f.read()[-2000:].decode(errors="replace")

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def type_until(comp, line, path, timeout=20):
    """Types a shell line until the file it writes appears (the first key can be lost)."""
    for attempt in range(3):
        if attempt:
            comp.key("u", mods=("ctrl",))
        comp.type_text(line, enter=True)
        text = wait_for(lambda: read_text(path), timeout)
        if text is not None:
            return text
    return None


def check_typing_resize_paste(comp, cadence, work):
    term = Cadence(comp, cadence, work, "shell", ["/bin/sh"])
    try:
        expect(term.window.app_id == "cadence-shell", f"app_id is {term.window.app_id!r}")
        out = os.path.join(work, "typed.txt")
        text = type_until(comp, "echo hello from cadence > typed.txt", out)
        expect(text == b"hello from cadence\n", f"typed command wrote {text!r}")

        # Resize: sway floats the window at 800x500; the shell must see the grid that fits.
        comp.resize(800, 500, pid=term.proc.pid)

        def resized():
            s = term.stats()
            return s if (s["buffer_width"], s["buffer_height"]) == (800, 500) else None

        s = wait_for(resized, 20, 0.2)
        expect(s is not None, "cadence never drew at 800x500")
        cols = (800 - 2 * s["origin_x"]) // s["cell_width"]
        rows = (500 - 2 * s["origin_y"]) // s["cell_height"]
        expect((s["cols"], s["rows"]) == (cols, rows), f"grid {s['cols']}x{s['rows']}, "
               f"expected {cols}x{rows}")
        size = type_until(comp, "stty size > size.txt", os.path.join(work, "size.txt"))
        expect(size == f"{rows} {cols}\n".encode(), f"stty size says {size!r}, not {rows} {cols}")

        # Paste with bracketed paste on: the program reads exactly the wrapped text.
        payload = "pasted: one\ntwo\tthree \u00e9\u4e2d"
        wrapped = b"\x1b[200~" + payload.encode() + b"\x1b[201~"
        # wl-copy forks a server that keeps the selection; it must not hold our pipes.
        copier = comp.launch(["wl-copy", "--", payload], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        expect(copier.wait(timeout=30) == 0, "wl-copy failed")
        reader = (f"printf '\\033[?2004h'; stty raw -echo; "
                  f"dd bs=1 count={len(wrapped)} of=paste.bin 2>/dev/null; stty sane; "
                  f"printf '\\033[?2004l'")
        comp.type_text(reader, enter=True)
        time.sleep(0.5)  # the shell runs stty before the paste arrives
        got = None
        for _ in range(3):
            comp.key("v", mods=("ctrl", "shift"))
            got = wait_for(lambda: (read_text(os.path.join(work, "paste.bin")) or b"")
                           if len(read_text(os.path.join(work, "paste.bin")) or b"") >= len(wrapped)
                           else None, 10)
            if got:
                break
        expect(got == wrapped, f"the program read {got!r}, expected {wrapped!r}")
    finally:
        term.close()
    return f"typed, resized to {cols}x{rows}, pasted {len(wrapped)} bytes"


def check_colours(comp, cadence, work):
    script = ("printf '\\033[2J\\033[H\\033[41m    \\033[42m    \\033[44m    \\033[0m\\n"
              "\\033[38;2;255;128;0m\\342\\226\\210\\342\\226\\210\\342\\226\\210\\033[0m\\n"
              "\\033[48;5;201m    \\033[0m'; sleep 60")
    term = Cadence(comp, cadence, work, "colours", ["sh", "-c", script])
    try:
        expected = {
            (1, 0): (0xCD, 0x00, 0x00),  # SGR 41: palette 1
            (5, 0): (0x00, 0xCD, 0x00),  # SGR 42: palette 2
            (9, 0): (0x00, 0x00, 0xEE),  # SGR 44: palette 4
            (1, 1): (0xFF, 0x80, 0x00),  # truecolour full blocks, drawn procedurally
            (1, 2): (0xFF, 0x00, 0xFF),  # 256-colour 201
        }
        s = term.stats()
        cw, ch, ox, oy = s["cell_width"], s["cell_height"], s["origin_x"], s["origin_y"]
        wx, wy = term.window.rect[0], term.window.rect[1]

        def centre(col, row):
            return ox + col * cw + cw // 2, oy + row * ch + ch // 2

        def matches(img, dx, dy):
            return all(img.pixel(centre(c, r)[0] + dx, centre(c, r)[1] + dy) == rgb
                       for (c, r), rgb in expected.items())

        shot = wait_for(lambda: (lambda i: i if matches(i, wx, wy) else None)(
            comp.screenshot(os.path.join(work, "colours-grim.png"))), 20, 0.3)
        if shot is None:
            img = comp.screenshot()
            seen = {k: img.pixel(centre(*k)[0] + wx, centre(*k)[1] + wy) for k in expected}
            raise TestFailure(f"grim screenshot colours {seen}, expected {expected}")

        if os.path.exists(term.png_path):
            os.unlink(term.png_path)
        os.kill(term.proc.pid, signal.SIGUSR1)
        expect(wait_for(lambda: os.path.exists(term.png_path), 10),
               "cadence did not save its frame on SIGUSR1")
        own = read_png(term.png_path)
        expect((own.width, own.height) == (s["buffer_width"], s["buffer_height"]),
               f"saved frame is {own.width}x{own.height}")
        seen = {k: own.pixel(*centre(*k)) for k in expected}
        expect(all(seen[k] == v for k, v in expected.items()),
               f"cadence's own PNG colours {seen}, expected {expected}")
        # Both images agree on the whole window, pixel for pixel.
        differ = sum(1 for y in range(0, own.height, 3) for x in range(0, own.width, 3)
                     if own.pixel(x, y) != shot.pixel(x + wx, y + wy))
        expect(differ == 0, f"{differ} sampled pixels differ between grim and cadence's PNG")
    finally:
        term.close()
    return "SGR 16/256/truecolour cells match in grim and in cadence's own PNG"


def check_idle(comp, cadence, work):
    term = Cadence(comp, cadence, work, "idle", ["sh", "-c", "printf 'idle\\n'; sleep 60"])
    try:
        first = wait_for(lambda: (lambda s: s if s["paints"] > 0 else None)(term.stats()), 20)
        expect(first is not None, "cadence never painted")
        time.sleep(1.0)  # the last frame callback arrives
        before = term.stats()
        time.sleep(2.0)
        after = term.stats()
        expect(after["paints"] == before["paints"],
               f"{after['paints'] - before['paints']} paints while idle for 2 s")
        expect(after["frame_callbacks"] == before["frame_callbacks"],
               "frame callbacks while idle: one was requested without a paint")
        # The only wake-up between the two reads is the second SIGUSR2 itself.
        expect(after["wakeups"] - before["wakeups"] == 1,
               f"{after['wakeups'] - before['wakeups'] - 1} wake-ups while idle for 2 s")
        expect(after["watchdog_fires"] == 0, "the watchdog fired in a visible window")
    finally:
        term.close()
    return f"0 paints and 0 wake-ups in 2 s idle (after {before['paints']} paints)"


def check_exit_status(comp, cadence, work):
    env = {"HOME": work}
    proc = comp.launch([cadence, "--font", FONT, "-e", "sh", "-c", "sleep 0.5; exit 3"],
                       env=env, cwd=work)
    try:
        status = proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise TestFailure("cadence did not exit when its program did")
    expect(status == 3, f"cadence exited with {status}, not the program's 3")
    return "exit status 3 passed through"


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    cadence = os.path.abspath(sys.argv[1])
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="cadence-window-test-") as work:
            with headless.Compositor(1280, 720, timeout=60) as comp:
                for check in (check_typing_resize_paste, check_colours, check_idle,
                              check_exit_status):
                    start = time.monotonic()
                    results.append(f"{check.__name__}: {check(comp, cadence, work)} "
                                   f"({time.monotonic() - start:.1f} s)")
    except (TestFailure, headless.BenchError, subprocess.TimeoutExpired) as e:
        for r in results:
            print("ok   " + r, file=sys.stderr)
        print(f"FAIL cadence-window: {e}", file=sys.stderr)
        return 1
    print("PASS cadence-window\n  " + "\n  ".join(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
