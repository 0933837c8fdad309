#!/usr/bin/env python3
"""cadence's window under KWin: fractional scale, and the title bar's maximize and minimize.

    test_cadence_kwin.py PATH/TO/cadence PATH/TO/cadence-test-pointer

sway 1.7, which the other window tests run under, offers no wp_fractional_scale_v1 and
ignores maximize and minimize requests; headless KWin 5.27 (tests/headless/kwin.py) does
both. Each KWin has one 800x600 output at the scale on its command line:

  - scale 1: the reference cell size and the ink height of a letter;
  - scale 1.5, then 1.25: cadence takes KWin's preferred scale; the buffer is the window's
    logical size times the scale rounded half away from zero (as the fractional-scale
    protocol says, checked again at an odd size KWin sets); cells are that much larger;
    cadence's own PNG has the buffer's size, a full block has whole-pixel edges with
    nothing in between, a letter's ink is that much taller (rasterized at the scale, not
    stretched); and KWin's own screenshot of its output shows the buffer 1:1;
  - client-side decorations at 1.5 (--csd, while KWin offers server-side ones): KWin does
    not decorate the window, the bar is drawn, the maximize button makes the window fill
    the output and a second click restores the earlier size, and the minimize button
    minimizes it, all as KWin itself reports it (a KWin script over D-Bus).

The pointer is cadence-test-pointer on KWin's fake input, in logical pixels.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "headless"))
sys.path.insert(0, HERE)
import headless  # noqa: E402
import kwin  # noqa: E402
import test_cadence_window as tcw  # noqa: E402

from test_cadence_window import TestFailure, expect, wait_for  # noqa: E402

OUTPUT = (800, 600)
ORANGE = (0xFF, 0x80, 0x00)
# Two full blocks in truecolour at cells 0-1, then four H's from cell 3, on row 0.
SCRIPT = ("printf '\\033[2J\\033[H\\033[38;2;255;128;0m\\342\\226\\210\\342\\226\\210"
          "\\033[0m HHHH'; sleep 60")


def round_half_away(value):
    """The fractional-scale protocol's rounding of a toplevel's buffer size."""
    return int(value + 0.5) if value >= 0 else -int(-value + 0.5)


def halfway_size(n, scale):
    """The first logical size from n whose device size ends in exactly half a pixel."""
    for m in range(n, n + 8):
        if (m * scale) % 1 == 0.5:
            return m
    raise ValueError(f"no size from {n} is a half pixel at scale {scale}")


def own_png(term):
    """Asks cadence for the PNG of its current frame (SIGUSR1) and reads it."""
    if os.path.exists(term.png_path):
        os.unlink(term.png_path)
    os.kill(term.proc.pid, signal.SIGUSR1)
    expect(wait_for(lambda: os.path.exists(term.png_path), 10),
           "cadence did not save its frame on SIGUSR1")
    return tcw.read_png(term.png_path)


def painted(term, predicate=lambda s: True, timeout=10):
    """Stats once cadence has painted and `predicate` holds."""
    s = wait_for(lambda: (lambda st: st if st["paints"] > 0 and predicate(st) else None)(
        term.stats()), timeout)
    expect(s is not None, f"cadence never reached the expected state: {term.stats()}")
    return s


def ink_box(img, region, background):
    """(width, height) of the bounding box of everything not `background` in region."""
    x0, y0, w, h = region
    xs, ys = [], []
    for y in range(y0, y0 + h):
        for x in range(x0, x0 + w):
            if img.pixel(x, y) != background:
                xs.append(x)
                ys.append(y)
    expect(xs, f"no ink in {region}")
    return max(xs) - min(xs) + 1, max(ys) - min(ys) + 1


def measure_text(term, s):
    """What the frame shows of SCRIPT: the block's edges and one H's ink, checked sharp."""
    cw, ch, ox, oy = s["cell_width"], s["cell_height"], s["origin_x"], s["origin_y"]
    # Parsed is not yet painted: a frame is taken until it shows the blocks.
    img = wait_for(lambda: (lambda i: i if i.pixel(ox + cw // 2, oy + ch // 2) == ORANGE
                            else None)(own_png(term)), 10, 0.2)
    expect(img is not None, "cadence's frame never showed the full blocks")
    expect((img.width, img.height) == (s["buffer_width"], s["buffer_height"]),
           f"cadence's PNG is {img.width}x{img.height}, its buffer "
           f"{s['buffer_width']}x{s['buffer_height']}")
    bg = img.pixel(img.width - 2, img.height - 2)
    # The two blocks fill their cells exactly: every pixel inside is the colour, and on a
    # line across them (and one down through them) the colour starts and stops at the
    # cell edges with nothing but background around, as drawn at the buffer's resolution.
    inside = img.color_histogram((ox, oy, 2 * cw, ch))
    expect(inside == {ORANGE: 2 * cw * ch}, f"the full blocks' cells hold {inside}")
    across = [img.pixel(x, oy + ch // 2) for x in range(max(0, ox - 2), ox + 2 * cw + 2)]
    down = [img.pixel(ox + cw // 2, y) for y in range(max(0, oy - 2), oy + ch + 2)]
    for name, line, start in (("across", across, max(0, ox - 2)), ("down", down, max(0, oy - 2))):
        colours = set(line)
        expect(colours == {ORANGE, bg}, f"the line {name} the blocks has colours "
               f"{sorted(colours)}: edges blended")
        lit = [start + i for i, p in enumerate(line) if p == ORANGE]
        edge = ox if name == "across" else oy
        size = 2 * cw if name == "across" else ch
        expect((lit[0], lit[-1]) == (edge, edge + size - 1),
               f"the blocks span {lit[0]}..{lit[-1]} {name}, their cells {edge}..{edge + size - 1}")
    h_width, h_height = ink_box(img, (ox + 3 * cw, oy, cw, ch), bg)
    return img, h_width, h_height


def check_reference(bench, cadence, work, ref):
    """Fills ref with the cell size and the H's ink at scale 1."""
    term = tcw.Cadence(bench, cadence, work, "scale1", ["sh", "-c", SCRIPT])
    try:
        s = painted(term, lambda st: st["bytes_parsed"] > 0)
        expect(s["scale"] == 1, f"scale {s['scale']} on a scale-1 output")
        _, h_width, h_height = measure_text(term, s)
    finally:
        term.close()
    ref.update(cell=(s["cell_width"], s["cell_height"]), ink=(h_width, h_height))
    return f"cell {s['cell_width']}x{s['cell_height']}, 'H' ink {h_width}x{h_height} at scale 1"


def check_fractional_scale(bench, cadence, work, ref):
    scale = bench.scale
    term = tcw.Cadence(bench, cadence, work, f"scale{scale}", ["sh", "-c", SCRIPT])
    try:
        s = painted(term, lambda st: st["bytes_parsed"] > 0 and st["scale"] == scale)
        win = bench.window(term.proc.pid)
        lw, lh = win.buffer_rect[2], win.buffer_rect[3]
        want = (round_half_away(lw * scale), round_half_away(lh * scale))
        expect((s["buffer_width"], s["buffer_height"]) == want,
               f"buffer {s['buffer_width']}x{s['buffer_height']} for a {lw}x{lh} window at "
               f"{scale}: expected {want[0]}x{want[1]}")
        cw, ch = ref["cell"]
        expect(abs(s["cell_width"] - scale * cw) <= 1 and abs(s["cell_height"] - scale * ch) <= 1,
               f"cells {s['cell_width']}x{s['cell_height']} at {scale}, {cw}x{ch} at 1")
        img, h_width, h_height = measure_text(term, s)
        iw, ih = ref["ink"]
        expect(abs(h_height - scale * ih) <= 1 and abs(h_width - scale * iw) <= 1,
               f"'H' ink {h_width}x{h_height} at {scale}, {iw}x{ih} at 1: not rasterized "
               "at the scale")

        # KWin's view of the output: the window at (0, 0) shows the buffer pixel for pixel.
        # Resampling on the way would blend the text's edges and the blocks' sides.
        expect(win.buffer_rect[:2] == (0, 0), f"KWin placed the window at {win.buffer_rect}")
        # (The frame saved may reach KWin a moment after the file: a few tries.)
        differ = None
        for _ in range(3):
            shot = bench.screenshot(os.path.join(work, f"kwin-{scale}.png"))
            expect((shot.width, shot.height) == bench.pixel_size,
                   f"KWin's screenshot is {shot.width}x{shot.height}, not {bench.pixel_size}")
            differ = sum(1 for y in range(img.height) for x in range(0, img.width, 2)
                         if img.pixel(x, y) != shot.pixel(x, y))
            if differ == 0:
                break
            time.sleep(0.3)
        expect(differ == 0, f"{differ} pixels differ between cadence's buffer and KWin's "
               "output: the buffer was not shown 1:1")

        # An odd logical size set by KWin: 0.5 pixels are rounded away from zero.
        odd = (halfway_size(lw + 1, scale), halfway_size(lh + 1, scale))
        bench.run_script(f"""
            var list = workspace.clientList();
            for (var i = 0; i < list.length; ++i) {{
              if (list[i].pid == {term.proc.pid})
                list[i].frameGeometry = {{x: 0, y: 0, width: {odd[0]}, height: {odd[1]}}};
            }}
            return true;""")
        want = (round_half_away(odd[0] * scale), round_half_away(odd[1] * scale))
        resized = wait_for(lambda: (lambda st: st if (st["buffer_width"], st["buffer_height"])
                                    == want else None)(term.stats()), 10)
        expect(resized is not None, f"a {odd[0]}x{odd[1]} window at {scale} should have a "
               f"{want[0]}x{want[1]} buffer: {term.stats()['buffer_width']}x"
               f"{term.stats()['buffer_height']}, KWin says {bench.window(term.proc.pid)}")
    finally:
        term.close()
    return (f"scale {scale}: buffer {s['buffer_width']}x{s['buffer_height']} for {lw}x{lh}, "
            f"cell {s['cell_width']}x{s['cell_height']}, 'H' ink {h_width}x{h_height}, shown 1:1; "
            f"{odd[0]}x{odd[1]} -> {want[0]}x{want[1]}")


def check_client_side_decorations(bench, cadence, work):
    # The premise: KWin decorates a cadence that leaves decorations to it.
    plain = tcw.Cadence(bench, cadence, work, "ssd", ["sh", "-c", "sleep 60"])
    try:
        expect(plain.window.decorated, f"KWin did not decorate cadence without --csd: "
               f"{plain.window}; the --csd check below would prove nothing")
    finally:
        plain.close()
    term = tcw.Cadence(bench, cadence, work, "csd", ["sh", "-c", "sleep 60"], extra=("--csd",))
    send = close_pointer = None
    try:
        s = painted(term)
        expect(s["csd"] is True, "--csd did not turn on client-side decorations")
        win = bench.window(term.proc.pid)
        expect(not win.decorated, f"KWin decorates the window too (a second title bar): {win}")
        img = own_png(term)
        bar = img.pixel(img.width // 2, 5)
        expect(bar == (0x2E, 0x2E, 0x2E), f"title bar colour {bar}")
        close = img.pixel(img.width - 3, 3)
        expect(close == (0xC0, 0x39, 0x2B), f"close button colour {close}")

        scale = bench.scale
        bar_px = round_half_away(24 * scale)  # ui::kTitleBarLogical at this scale

        def button(stats, window, index):
            """The logical centre of the index-th button from the right (0 = close)."""
            x = stats["buffer_width"] - bar_px * index - bar_px // 2
            return (window.rect[0] + int(x / scale), window.rect[1] + int(bar_px / 2 / scale))

        send, close_pointer = tcw.pointer_session(bench)
        before, size_before = win.rect, (s["buffer_width"], s["buffer_height"])
        full = (round_half_away(OUTPUT[0] * scale), round_half_away(OUTPUT[1] * scale))

        x, y = button(s, win, 1)
        send("move", x, y)
        send("sleep", 100, "click", "left")
        maximized = wait_for(lambda: (lambda w: w if w.rect == (0, 0) + OUTPUT else None)(
            bench.window(term.proc.pid)), 10)
        expect(maximized, f"the maximize button did not maximize: {bench.window(term.proc.pid)}")
        s = wait_for(lambda: (lambda st: st if (st["buffer_width"], st["buffer_height"]) == full
                              and st["maximized"] else None)(term.stats()), 10)
        expect(s, f"cadence did not draw maximized at {full}: {term.stats()}")

        x, y = button(s, maximized, 1)
        send("move", x, y)
        send("sleep", 100, "click", "left")
        restored = wait_for(lambda: (lambda w: w if w.rect == before else None)(
            bench.window(term.proc.pid)), 10)
        expect(restored, f"a second click did not restore {before}: "
               f"{bench.window(term.proc.pid)}")
        s = wait_for(lambda: (lambda st: st if (st["buffer_width"], st["buffer_height"])
                              == size_before and not st["maximized"] else None)(term.stats()), 10)
        expect(s, f"cadence did not draw at {size_before} again: {term.stats()}")

        expect(not restored.minimized, "minimized before the minimize button was clicked")
        x, y = button(s, restored, 2)
        send("move", x, y)
        send("sleep", 100, "click", "left")
        minimized = wait_for(lambda: (lambda w: w if w.minimized else None)(
            bench.window(term.proc.pid)), 10)
        expect(minimized, f"the minimize button did not minimize: {bench.window(term.proc.pid)}")
        expect(term.proc.poll() is None, "cadence exited when minimized")
    finally:
        if close_pointer:
            close_pointer()
        term.close()
    return (f"KWin leaves the decoration to cadence; maximized to {full[0]}x{full[1]}, "
            f"restored to {size_before[0]}x{size_before[1]}, minimized")


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    cadence = os.path.abspath(sys.argv[1])
    tcw.POINTER = os.path.abspath(sys.argv[2])
    results = []

    def run(check, *args):
        start = time.monotonic()
        text = check(*args)
        results.append(f"{check.__name__}: {text} ({time.monotonic() - start:.1f} s)")
        print("ok   " + results[-1], file=sys.stderr, flush=True)

    try:
        with tempfile.TemporaryDirectory(prefix="cadence-kwin-test-") as work:
            with kwin.KWin(*OUTPUT, scale=1, timeout=60) as bench:
                ref = {}
                run(check_reference, bench, cadence, work, ref)
            with kwin.KWin(*OUTPUT, scale=1.5, timeout=60) as bench:
                run(check_fractional_scale, bench, cadence, work, ref)
                run(check_client_side_decorations, bench, cadence, work)
            with kwin.KWin(*OUTPUT, scale=1.25, timeout=60) as bench:
                run(check_fractional_scale, bench, cadence, work, ref)
    except (TestFailure, headless.BenchError, subprocess.TimeoutExpired) as e:
        print(f"FAIL cadence-kwin: {e}", file=sys.stderr)
        return 1
    print("PASS cadence-kwin\n  " + "\n  ".join(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
