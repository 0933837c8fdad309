#!/usr/bin/env python3
"""Runs Debian's foot in the headless bench: the bench's own end-to-end check.

If this fails, the bench (sway, wtype, grim, teardown) is broken on this machine, and every
cadence integration test would fail for reasons that have nothing to do with cadence. It
types a shell command that writes a file, reads the file back, checks a screenshot shows
foot's background and text, and checks teardown leaves no process behind.

foot gets its own config (DejaVu Sans Mono, fixed colours) so the result does not depend on
the user's foot.ini, and the shell is a plain /bin/sh with no rc files.
"""

import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "headless"))
import headless  # noqa: E402

BACKGROUND = (0x10, 0x20, 0x30)
FOOT_INI = """\
[main]
font=DejaVu Sans Mono:size=11
pad=0x0
[colors]
background=102030
foreground=e0e0e0
[bell]
urgent=no
notify=no
"""


class TestFailure(Exception):
    pass


def expect(cond, message):
    if not cond:
        raise TestFailure(message)


def wait_for_file(path, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path):
            with open(path) as f:
                text = f.read()
            if text.endswith("\n"):
                return text
        time.sleep(0.1)
    return None


def run(work):
    ini = os.path.join(work, "foot.ini")
    with open(ini, "w") as f:
        f.write(FOOT_INI)
    out = os.path.join(work, "out.txt")
    shot = os.path.join(work, "foot.png")
    env = {"HOME": work, "ENV": "", "PS1": "$ ", "LC_ALL": "C.UTF-8", "SHELL": "/bin/sh"}

    with headless.Compositor(1280, 720, timeout=60) as comp:
        foot = comp.launch(
            ["foot", "-c", ini, "-a", "cadence-foot-test", "/bin/sh"],
            env=env,
            cwd=work,
            stdout=open(os.path.join(work, "foot.log"), "wb"),
            stderr=open(os.path.join(work, "foot.err"), "wb"),
        )
        win = comp.wait_mapped(pid=foot.pid, timeout=60)
        expect(win.app_id == "cadence-foot-test", f"unexpected app_id {win.app_id!r}")
        expect(win.rect[2:] == (1280, 720), f"a lone tiled window should fill the output: {win}")

        # The command goes through foot's keyboard handling, the pty and the shell. A key can
        # still be lost if focus arrives late on a loaded machine, so clear the line (the tty's
        # VKILL) and type it again rather than fail on the first miss.
        text = None
        for attempt in range(3):
            if attempt:
                comp.key("u", mods=("ctrl",))
            comp.type_text("echo hello from the bench > out.txt", enter=True)
            text = wait_for_file(out, timeout=20)
            if text is not None:
                break
        expect(text is not None, "the typed command did not create out.txt within 3 attempts")
        expect(text == "hello from the bench\n", f"out.txt holds {text!r}")
        if attempt:
            print(f"note: the command needed {attempt + 1} attempts", file=sys.stderr)

        # Screenshot: foot's background fills the window, and the typed line is drawn on it.
        deadline = time.monotonic() + 20
        while True:
            img = comp.screenshot(shot)
            bg = img.background()
            first_rows = (0, 0, 1280, 60)
            inked = img.count_differing(BACKGROUND, first_rows)
            if bg == BACKGROUND and inked > 200 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        expect(img.width == 1280 and img.height == 720, f"screenshot is {img.width}x{img.height}")
        expect(not img.is_blank(), "the screenshot is blank")
        expect(bg == BACKGROUND, f"most common colour is {bg}, not foot's background {BACKGROUND}")
        colours = img.count_distinct_colors()
        expect(colours >= 3, f"only {colours} distinct colours: no text was drawn")
        expect(inked > 200, f"only {inked} non-background pixels in the first lines: no text")
        expect(
            img.count_differing(BACKGROUND, (0, 400, 1280, 320)) == 0,
            "the empty lower half of the terminal is not plain background",
        )
        started = comp.started_pids()

    # The bench raises on leftovers itself; check again from outside, by pid.
    alive = [f"{p} {cmd}" for p, cmd in started.items() if headless._alive(p)]
    expect(not alive, "processes still alive after teardown: " + "; ".join(alive))
    expect(foot.returncode is not None, "foot was not reaped")
    return colours, inked


def main():
    start = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="cadence-foot-test-") as work:
            colours, inked = run(work)
    except (TestFailure, headless.BenchError) as e:
        print(f"FAIL foot-headless: {e}", file=sys.stderr)
        return 1
    print(
        f"PASS foot-headless: typed command ran, screenshot has {colours} colours and "
        f"{inked} text pixels, no process left ({time.monotonic() - start:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
