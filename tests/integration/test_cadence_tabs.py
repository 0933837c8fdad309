#!/usr/bin/env python3
"""Tabs and split panes, end to end, in the headless bench.

    test_cadence_tabs.py PATH/TO/cadence PATH/TO/cadence-test-pointer

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
    area and back; `exit` in a pane closes it; Ctrl+Shift+W closes the tab;
  - Lua: a key bound to cadence.action_callback opens a tab through
    window:perform_action; format-tab-title's colours and update-status's text are drawn;
    hovering a tab restyles it with no Lua call and no tab bar rebuild; editing a module
    the configuration requires reloads it;
  - tab_bar_at_bottom puts the bar on the last row, and the pane's pty leaves it out.
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


def settled_shot(comp, term, path):
    """cadence's own PNG of a frame, with the stats that describe it: the tab bar can
    change between two reads (output in a background tab marks it), so the stats are
    read on both sides of the screenshot until they agree on the tab bar."""
    for _ in range(5):
        before = term.stats()
        if os.path.exists(path):
            os.unlink(path)
        comp.key("s", mods=("ctrl", "shift"))
        expect(wait_for(lambda: os.path.exists(path), 10), "no screenshot on Ctrl+Shift+S")
        img = w.read_png(path)
        after = term.stats()
        if before["tab_spans"] == after["tab_spans"] and \
                before["tab_bar_misses"] == after["tab_bar_misses"]:
            return img, after
        time.sleep(0.3)
    raise w.TestFailure("the tab bar never held still for a screenshot")


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
config.colors = {
  tab_bar = {
    background = '#101010',
    active_tab = { bg_color = '#2060a0', fg_color = '#ffffff' },
    inactive_tab = { bg_color = '#303030', fg_color = '#c0c0c0' },
    new_tab = { bg_color = '#404040', fg_color = '#c0c0c0' },
  },
}
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
        img, s = settled_shot(comp, term, os.path.join(work, "tabs-self.png"))
        cw, ch, ox, oy = s["cell_width"], s["cell_height"], s["origin_x"], s["origin_y"]
        spans = s["tab_spans"]
        expect([t for _, _, t in spans] == [0, 1, -1], f"tab bar spans {spans}")

        def bg(col):  # the top-left pixel of a cell in the tab bar: its background
            return img.pixel(ox + col * cw, oy)

        inactive, active, plus = bg(spans[0][0]), bg(spans[1][0]), bg(spans[2][0])
        bar = bg(cols - 1)
        expect((inactive, active, plus, bar) ==
               ((0x30, 0x30, 0x30), (0x20, 0x60, 0xA0), (0x40, 0x40, 0x40), (0x10, 0x10, 0x10)),
               f"tab bar backgrounds: inactive {inactive}, active {active}, + {plus}, bar {bar} "
               f"(spans {spans})")
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


LUA_CONFIG = """
local cadence = require 'cadence'
local act = cadence.action
local config = cadence.config_builder()
config.hide_tab_bar_if_only_one_tab = false
config.status_update_interval = 200
-- The colours live in a module next to the file: editing it reloads the configuration.
config.colors = require('theme').colors
-- Inactive tabs are drawn by the callback, in red; the active one keeps the default.
cadence.on('format-tab-title', function(tab, tabs, panes, config, hover, max_width)
  if tab.is_active then return nil end
  return { { Background = { Color = '#aa0000' } }, { Text = ' T' .. (tab.tab_index + 1) .. ' ' } }
end)
cadence.on('update-status', function(window, pane)
  window:set_right_status('STATUS')
end)
config.keys = {
  { key = 'r', mods = 'ALT', action = cadence.action_callback(function(window, pane)
      window:perform_action(act.SpawnTab, pane)
    end) },
}
return config
"""


THEME = """
return {
  colors = {
    tab_bar = {
      background = '#101010',
      active_tab = { bg_color = '#ACTIVE', fg_color = '#ffffff' },
      inactive_tab = { bg_color = '#303030', fg_color = '#c0c0c0' },
      inactive_tab_hover = { bg_color = '#50a050', fg_color = '#ffffff' },
      new_tab = { bg_color = '#404040', fg_color = '#c0c0c0' },
    },
  },
}
"""


def write_theme(work, active):
    # Saved the way editors save: a new file renamed over the old one.
    path = os.path.join(work, "theme.lua")
    with open(path + ".new", "w") as f:
        f.write(THEME.replace("ACTIVE", active))
    os.rename(path + ".new", path)


def run_lua(comp, cadence, work, pointer):
    """format-tab-title, update-status, an action callback, hover and a required module."""
    config = os.path.join(work, "lua.lua")
    with open(config, "w") as f:
        f.write(LUA_CONFIG)
    write_theme(work, "2060a0")
    term = w.Cadence(comp, cadence, work, "tablua", ["/bin/sh"], extra=("--config", config))
    try:
        comp.resize(800, 500, pid=term.proc.pid)
        s = wait_stats(term, lambda s: s["buffer_width"] == 800 and s["tab_bar_row"] == 0,
                       "the tab bar is not shown with one tab and hide_tab_bar... = false")
        # The key bound to a Lua callback opens a tab through window:perform_action.
        comp.key("r", mods=("alt",))
        s = wait_stats(term, lambda s: s["tabs"] == 2, "Alt+r (a Lua callback) opened no tab")
        expect(s["tab_bar_lua_calls"] >= 1, "format-tab-title was never called")

        def shot():
            nonlocal spans
            image, st = settled_shot(comp, term, os.path.join(work, "tablua-self.png"))
            spans = st["tab_spans"]
            return image

        cw, ch, ox, oy = s["cell_width"], s["cell_height"], s["origin_x"], s["origin_y"]
        spans = s["tab_spans"]
        img = shot()

        def bg(col):
            return img.pixel(ox + col * cw, oy)

        expect(bg(spans[0][0]) == (0xAA, 0x00, 0x00),
               f"the inactive tab's callback colour: {bg(spans[0][0])}")
        expect(bg(spans[1][0]) == (0x20, 0x60, 0xA0), f"the active tab: {bg(spans[1][0])}")
        expect(bg(spans[2][0]) == (0x40, 0x40, 0x40), f"the new-tab button: {bg(spans[2][0])}")
        # update-status put text at the right end of the bar.
        status_box = (ox + (s["cols"] - 7) * cw, oy, 7 * cw, ch)
        expect(img.count_differing((0x10, 0x10, 0x10), status_box) > 20,
               "no right status text drawn")

        # Hover over the inactive tab: restyled, and neither Lua nor the cache runs.
        before = term.stats()
        wx, wy = term.window.rect[0], term.window.rect[1]
        pointer("move", wx + ox + (spans[0][0] + 1) * cw, wy + oy + ch // 2)
        time.sleep(0.5)
        img = shot()
        hovered = bg(spans[0][0])
        after = term.stats()
        expect(hovered == (0x50, 0xA0, 0x50), f"the hovered tab is {hovered}")
        expect(after["tab_bar_lua_calls"] == before["tab_bar_lua_calls"],
               f"hover called format-tab-title {after['tab_bar_lua_calls'] - before['tab_bar_lua_calls']} times")
        # Frames painted while hovering and taking the screenshot were cache hits.
        expect(after["tab_bar_misses"] == before["tab_bar_misses"] and
               after["tab_bar_hits"] > before["tab_bar_hits"],
               f"hover rebuilt the tab bar: {before['tab_bar_misses']} -> {after['tab_bar_misses']}")
        pointer("move", wx + ox + 5, wy + oy + 5 * ch)

        # Editing the required module reloads the configuration: the new colour is drawn.
        write_theme(work, "a06020")

        def recoloured():
            nonlocal img
            img = shot()
            return bg(spans[1][0]) == (0xA0, 0x60, 0x20)

        expect(wait_for(recoloured, 15, 0.5),
               f"editing theme.lua did not recolour the active tab: {bg(spans[1][0])}")
        return (f"callback colours, status text, module reload, hover with 0 Lua calls "
                f"({after['tab_bar_hits']} hits, {after['tab_bar_misses']} misses, "
                f"{after['tab_bar_lua_calls']} Lua calls)")
    finally:
        term.close()


def run_bottom_bar(comp, cadence, work):
    """tab_bar_at_bottom puts the bar on the last row and the panes above it."""
    config = os.path.join(work, "bottom.lua")
    with open(config, "w") as f:
        f.write("local c = require('cadence').config_builder()\n"
                "c.tab_bar_at_bottom = true\nc.hide_tab_bar_if_only_one_tab = false\n"
                "return c\n")
    term = w.Cadence(comp, cadence, work, "bottom", ["/bin/sh"], extra=("--config", config))
    try:
        s = wait_stats(term, lambda s: s["paints"] > 0 and s["tab_bar_row"] >= 0 and
                       s["panes"] and s["panes"][0]["rows"] > 0, "no tab bar at the bottom")
        expect(s["tab_bar_row"] == s["rows"] - 1, f"the bar is on row {s['tab_bar_row']} of {s['rows']}")
        pane = s["panes"][0]
        expect((pane["row"], pane["rows"]) == (0, s["rows"] - 1), f"the pane is {pane}")
        expect(pty_size(comp, work, "bottom.txt") == (s["rows"] - 1, s["cols"]),
               "the pane's pty does not leave the last row to the bar")
        return "bar on the last row"
    finally:
        term.close()


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    cadence = os.path.abspath(sys.argv[1])
    w.POINTER = os.path.abspath(sys.argv[2])
    try:
        with tempfile.TemporaryDirectory(prefix="cadence-tabs-test-") as work:
            with headless.Compositor(1280, 720, timeout=60) as comp:
                start = time.monotonic()
                result = run(comp, cadence, work)
                pointer, close_pointer = w.pointer_session(comp)
                try:
                    result += "; " + run_lua(comp, cadence, work, pointer)
                    result += "; " + run_bottom_bar(comp, cadence, work)
                finally:
                    close_pointer()
    except (w.TestFailure, headless.BenchError) as e:
        print(f"FAIL cadence-tabs: {e}", file=sys.stderr)
        return 1
    print(f"PASS cadence-tabs: {result} ({time.monotonic() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
