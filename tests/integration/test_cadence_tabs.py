#!/usr/bin/env python3
"""Tabs and split panes, end to end, in the headless bench.

    test_cadence_tabs.py PATH/TO/cadence

One cadence runs /bin/sh under a real sway; everything is driven by the default key
bindings typed with wtype, and checked three ways: the window's own account of its
layout (--frame-stats), what `stty size` says inside each pane (the pty's real size),
and cadence's own PNG of the frame (the tab bar and the borders are drawn):
  - Ctrl+Shift+E splits side by side, and Alt+x (bound by the test's configuration to
    SplitVertical) one above the other; each pane's pty has exactly its rectangle's
    size, and the rectangles and borders tile the grid;
  - Ctrl+Shift+Arrow moves focus between panes; keys go to the focused pane only;
  - a new pane starts in the directory of the pane it was opened from;
  - Ctrl+Shift+T opens a tab: the tab bar appears (hide_tab_bar_if_only_one_tab is set;
    one row less for the panes, and every
    pane's pty shrinks by that row), the active tab is drawn highlighted;
  - Ctrl+PageUp/PageDown and Alt+N switch tabs; Ctrl+Shift+Z zooms a pane to the whole
    area and back; `exit` in a pane closes it; Ctrl+Shift+W closes the tab.
"""

import os
import sys
import tempfile
import time

import test_cadence_window as w

headless = w.headless
expect = w.expect
wait_for = w.wait_for


def panes_of(stats, tab=None):
    return [p for p in stats["panes"] if tab is None or p["tab"] == tab]


def active_of(stats):
    active = [p for p in stats["panes"] if p["active"]]
    expect(len(active) == 1, f"{len(active)} active panes in {stats['panes']}")
    return active[0]


def wait_stats(term, predicate, what, timeout=20):
    last = {}

    def ready():
        last["s"] = term.stats()
        return last["s"] if predicate(last["s"]) else None

    s = wait_for(ready, timeout, 0.2)
    expect(s is not None, f"{what}; stats say {last.get('s', {}).get('panes')}")
    return s


def pty_size(comp, cwd, name):
    """`stty size` in the focused pane (whose directory is cwd), as (rows, cols)."""
    path = os.path.join(cwd, name)
    text = w.type_until(comp, f"stty size > {name}", path)
    expect(text is not None, f"the focused pane never ran `stty size > {name}`")
    rows, cols = text.decode().split()
    return int(rows), int(cols)


def check_tiling(s):
    """The visible panes and the borders between them cover the pane area exactly once."""
    visible = [p for p in s["panes"] if p["visible"]]
    covered = set()
    for p in visible:
        for r in range(p["row"], p["row"] + p["rows"]):
            for c in range(p["col"], p["col"] + p["cols"]):
                expect((c, r) not in covered, f"cell {c},{r} in two panes: {visible}")
                covered.add((c, r))
    top = 1 if s["tab_bar_row"] == 0 else 0
    rows = s["rows"] - (1 if s["tab_bar_row"] >= 0 else 0)
    area = s["cols"] * rows
    # Each border cell is one not covered by a pane; there are fewer than a full row or
    # column per split.
    uncovered = area - len(covered)
    expect(0 <= uncovered <= (len(visible) - 1) * max(s["cols"], rows),
           f"{uncovered} cells are neither pane nor border")
    for p in visible:
        expect(p["row"] >= top and p["row"] + p["rows"] <= top + rows,
               f"pane {p} outside the pane area")


def tiles(s):
    try:
        check_tiling(s)
        return True
    except w.TestFailure:
        return False


CONFIG = """
local cadence = require 'cadence'
local act = cadence.action
local config = cadence.config_builder()
config.hide_tab_bar_if_only_one_tab = true
config.keys = {
  { key = 'x', mods = 'ALT', action = act.SplitVertical },
}
return config
"""


def run(comp, cadence, work):
    config = os.path.join(work, "tabs.lua")
    with open(config, "w") as f:
        f.write(CONFIG)
    term = w.Cadence(comp, cadence, work, "tabs", ["/bin/sh"], extra=("--config", config))
    notes = []
    try:
        comp.resize(800, 500, pid=term.proc.pid)
        s = wait_stats(term, lambda s: (s["buffer_width"], s["buffer_height"]) == (800, 500),
                       "cadence never drew at 800x500")
        cols, rows = s["cols"], s["rows"]
        expect(s["tabs"] == 1 and s["tab_bar_row"] == -1, "one tab shows no tab bar")
        expect(pty_size(comp, work, "one.txt") == (rows, cols), "the first pane's pty size")
        os.mkdir(os.path.join(work, "sub"))
        comp.type_text("cd sub", enter=True)

        # Side by side: the new pane (focused) gets the right half.
        comp.key("e", mods=("ctrl", "shift"))
        s = wait_stats(term, lambda s: len(panes_of(s, 0)) == 2, "no second pane after Ctrl+Shift+E")
        left, right = sorted(panes_of(s, 0), key=lambda p: p["col"])
        expect(right["active"], "the new pane is not focused")
        expect(left["cols"] + right["cols"] + 1 == cols and left["rows"] == right["rows"] == rows,
               f"side by side: {left} {right} in {cols}x{rows}")
        check_tiling(s)
        # It started in the directory the left pane was in: the file lands in sub/.
        sub = os.path.join(work, "sub")
        expect(pty_size(comp, sub, "right.txt") == (right["rows"], right["cols"]),
               "the right pane's pty size (or it did not start in the left pane's directory)")
        comp.type_text("cd ..", enter=True)

        # Focus moves left; keys go there.
        comp.key("Left", mods=("ctrl", "shift"))
        s = wait_stats(term, lambda s: active_of(s)["id"] == left["id"], "focus did not move left")
        # The left pane is still in sub/: the file there says the keys went to it.
        expect(pty_size(comp, sub, "left.txt") == (left["rows"], left["cols"]),
               "the left pane's pty size")
        comp.type_text("cd ..", enter=True)

        # One above the other, in the left pane, by the configuration's own binding.
        comp.key("x", mods=("alt",))
        s = wait_stats(term, lambda s: len(panes_of(s, 0)) == 3,
                       "no third pane after Alt+x (bound to SplitVertical in the config)")
        below = active_of(s)
        above = [p for p in panes_of(s, 0) if p["id"] == left["id"]][0]
        expect(below["col"] == above["col"] == 0 and below["row"] == above["row"] + above["rows"] + 1,
               f"stacked: {above} {below}")
        check_tiling(s)
        expect(pty_size(comp, work, "below.txt") == (below["rows"], below["cols"]),
               "the lower pane's pty size")
        notes.append(f"3 panes {above['cols']}x{above['rows']}, {below['cols']}x{below['rows']}, "
                     f"{right['cols']}x{right['rows']} in {cols}x{rows}")

        # A new tab: the tab bar takes the top row; every pane loses it.
        comp.key("t", mods=("ctrl", "shift"))
        s = wait_stats(term, lambda s: s["tabs"] == 2 and s["tab_bar_row"] == 0 and
                       all(p["rows"] < rows for p in s["panes"] if p["tab"] == 0 and
                           p["id"] != below["id"]),
                       "no tab bar after Ctrl+Shift+T")
        expect(s["active_tab"] == 1, "the new tab is not active")
        new = active_of(s)
        expect((new["row"], new["rows"], new["cols"]) == (1, rows - 1, cols),
               f"the new tab's pane is {new}")
        check_tiling(s)
        expect(pty_size(comp, work, "tab2.txt") == (rows - 1, cols), "the new tab's pty size")
        # The tab bar is drawn: the active tab's cells differ from the bar's background.
        shot = os.path.join(work, "tabs-self.png")
        if os.path.exists(shot):
            os.unlink(shot)
        comp.key("s", mods=("ctrl", "shift"))
        expect(wait_for(lambda: os.path.exists(shot), 10), "no screenshot on Ctrl+Shift+S")
        img = w.read_png(shot)
        cw, ch, ox, oy = s["cell_width"], s["cell_height"], s["origin_x"], s["origin_y"]
        spans = s["tab_spans"]
        expect([t for _, _, t in spans] == [0, 1, -1], f"tab bar spans {spans}")

        def bg(col):  # the top-left pixel of a cell in the tab bar: its background
            return img.pixel(ox + col * cw, oy)

        inactive, active, plus = bg(spans[0][0]), bg(spans[1][0]), bg(spans[2][0])
        bar = bg(cols - 1)
        expect(active != inactive and inactive == bar == plus,
               f"tab bar backgrounds: inactive {inactive}, active {active}, bar {bar}")
        # Ink in each tab's cells: the titles are drawn.
        for begin, end, tab in spans[:2]:
            box = (ox + begin * cw, oy, (end - begin) * cw, ch)
            expect(img.count_differing(bg(begin), box) > 20, f"tab {tab} has no text")
        notes.append(f"tab bar drawn (inactive {inactive}, active {active})")

        # Switching tabs.
        comp.key("Prior", mods=("ctrl",))
        s = wait_stats(term, lambda s: s["active_tab"] == 0, "Ctrl+PageUp did not go to tab 1")
        now = {p["id"]: p for p in panes_of(s, 0)}
        expect(now[below["id"]]["active"], "tab 1's focused pane changed")
        expect(now[above["id"]]["rows"] + now[below["id"]]["rows"] + 1 == rows - 1 and
               now[right["id"]]["rows"] == rows - 1,
               f"tab 1's panes do not share the rows below the tab bar: {s['panes']}")
        lower = now[below["id"]]
        expect(pty_size(comp, work, "back.txt") == (lower["rows"], lower["cols"]),
               "the lower pane's pty size after the tab bar appeared")
        comp.key("2", mods=("alt",))
        s = wait_stats(term, lambda s: s["active_tab"] == 1, "Alt+2 did not go to tab 2")
        comp.key("Next", mods=("ctrl",))
        s = wait_stats(term, lambda s: s["active_tab"] == 0, "Ctrl+PageDown did not wrap to tab 1")

        # Zoom the focused pane to the whole area, and back.
        comp.key("z", mods=("ctrl", "shift"))
        s = wait_stats(term, lambda s: [p for p in s["panes"] if p["visible"]] ==
                       [p for p in s["panes"] if p["active"]] and active_of(s)["cols"] == cols,
                       "Ctrl+Shift+Z did not zoom the pane")
        zoomed = active_of(s)
        expect(pty_size(comp, work, "zoom.txt") == (zoomed["rows"], zoomed["cols"]),
               "the zoomed pane's pty size")
        comp.key("z", mods=("ctrl", "shift"))
        s = wait_stats(term, lambda s: sum(p["visible"] for p in s["panes"]) == 3,
                       "Ctrl+Shift+Z did not unzoom")

        # `exit` closes the focused pane; its neighbours take the space.
        comp.type_text("exit", enter=True)
        # (The layout is redone at the next paint: wait until the stats show it.)
        s = wait_stats(term, lambda s: len(panes_of(s, 0)) == 2 and tiles(s),
                       "exit did not close the pane, or the rest did not take its space")
        # Ctrl+Shift+W closes the tab, and with it the tab bar.
        comp.key("w", mods=("ctrl", "shift"))
        s = wait_stats(term, lambda s: s["tabs"] == 1 and s["tab_bar_row"] == -1,
                       "Ctrl+Shift+W did not close the tab")
        expect(len(s["panes"]) == 1 and s["panes"][0]["rows"] == rows,
               f"the remaining tab: {s['panes']}")
        notes.append("switch, zoom, exit and close work")
    finally:
        term.close()
    return "; ".join(notes)


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    cadence = os.path.abspath(sys.argv[1])
    try:
        with tempfile.TemporaryDirectory(prefix="cadence-tabs-test-") as work:
            with headless.Compositor(1280, 720, timeout=60) as comp:
                start = time.monotonic()
                result = run(comp, cadence, work)
    except (w.TestFailure, headless.BenchError) as e:
        print(f"FAIL cadence-tabs: {e}", file=sys.stderr)
        return 1
    print(f"PASS cadence-tabs: {result} ({time.monotonic() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
