#!/usr/bin/env python3
"""Runs cadence in the headless bench and reports what it did: `make run` without a display.

    cadence_demo.py PATH/TO/cadence [--out cadence-demo.png]

First cadence runs with no arguments (the user's shell). If it exits without mapping a
window (no GL ES, no usable font...), its output is shown and nothing else happens; no
screenshot is made up. If it maps a window, that instance is closed and
`cadence -e sh -c DEMO` runs a short colourful command; the most colourful frame seen while
it runs is written to the PNG, whose path is printed.
"""

import argparse
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import headless  # noqa: E402

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

DEMO = r"""
printf '\033[1mcadence\033[0m headless demo\n\n'
for i in 0 1 2 3 4 5 6 7; do printf '\033[4%sm    \033[0m' "$i"; done; printf '\n'
for i in 0 1 2 3 4 5 6 7; do printf '\033[10%sm    \033[0m' "$i"; done; printf '\n\n'
i=16; while [ $i -lt 232 ]; do printf '\033[48;5;%sm  ' "$i"; i=$((i+1));
  [ $(( (i-16) % 36 )) -eq 0 ] && printf '\033[0m\n'; done
printf '\n'; i=0; while [ $i -lt 64 ]; do
  printf '\033[48;2;%s;%s;%sm ' $((i*4)) $((255-i*4)) 128; i=$((i+1)); done; printf '\033[0m\n\n'
printf '\033[31mred \033[32mgreen \033[33myellow \033[34mblue \033[35mmagenta \033[36mcyan\033[0m\n'
printf '\033[1mbold\033[0m \033[3mitalic\033[0m \033[4munderline\033[0m  '
printf 'box: ┌─┐ └─┘  λ → ✓\n'
sleep 3
"""


def say(text):
    print(f"run: {text}", flush=True)


def show(path):
    try:
        with open(path, errors="replace") as f:
            text = f.read()
    except OSError:
        return
    for line in text.rstrip("\n").splitlines():
        print(f"  {line}")


def wait_exit_or_map(comp, proc, timeout):
    """Returns the Window cadence mapped, or None once it has exited without one."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for w in comp.windows():
            if w.pid == proc.pid and w.rect[2] > 0:
                return w
        if proc.poll() is not None:
            return None
        time.sleep(0.1)
    return None


def demo(comp, cadence, out):
    log = os.path.join(comp.tmp, "demo.log")
    with open(log, "wb") as f:
        proc = comp.launch([cadence, "-e", "sh", "-c", DEMO], stdout=f, stderr=f)
    try:
        win = comp.wait_mapped(pid=proc.pid, timeout=30)
    except headless.BenchError as e:
        say(f"the demo window did not appear: {e}")
        show(log)
        return 1
    best, best_colours = None, 0
    while proc.poll() is None:
        img = comp.screenshot()
        colours = img.count_distinct_colors(win.rect)
        if colours > best_colours:
            best, best_colours = img, colours
        time.sleep(0.3)
    if best is None or best_colours < 8:
        say(f"the demo drew only {best_colours} colours; no screenshot written")
        show(log)
        return 1
    best.save(out)
    say(f"demo screenshot ({best.width}x{best.height}, {best_colours} colours): {out}")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cadence")
    parser.add_argument("--out", default=os.path.join(REPO_ROOT, "cadence-demo.png"))
    parser.add_argument("--map-timeout", type=float, default=20.0)
    args = parser.parse_args()
    cadence = os.path.abspath(args.cadence)

    say("no Wayland session (WAYLAND_DISPLAY is unset): running cadence in a headless sway")
    with headless.Compositor(1280, 720, timeout=60) as comp:
        log = os.path.join(comp.tmp, "cadence.log")
        with open(log, "wb") as f:
            proc = comp.launch([cadence], stdout=f, stderr=f)
        win = wait_exit_or_map(comp, proc, args.map_timeout)
        if win is None and proc.poll() is None:
            show(log)
            say(f"cadence neither exited nor mapped a window in {args.map_timeout:.0f} s")
            return 1
        if win is None:
            show(log)
            if proc.returncode == 2:
                say("the terminal window is not built yet, so no demo screenshot is written")
                return 0
            say(f"cadence failed with status {proc.returncode}")
            return proc.returncode or 1
        say(f"cadence mapped a window {win.rect[2]}x{win.rect[3]}; running the demo")
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        return demo(comp, cadence, args.out)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except headless.BenchError as e:
        print(f"run: {e}", file=sys.stderr)
        sys.exit(1)
