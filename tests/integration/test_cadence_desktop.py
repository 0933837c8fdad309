#!/usr/bin/env python3
"""Desktop integration end to end under a headless sway.

    test_cadence_desktop.py PATH/TO/cadence PATH/TO/cadence-mux SHELL_INTEGRATION_DIR

  - shell integration: cadence starts bash with shell-integration/bash/cadence.bash;
    after `cd` the window reports the new directory (OSC 7), the prompt marks A, B, C and
    D are recorded, Ctrl+Shift+K / Ctrl+Shift+J move the view between prompts and
    Ctrl+Shift+G puts the last command's output in the primary selection;
  - every `cadence cli` command against the running window: list (table and JSON),
    spawn --cwd, split-pane, send-text (a paste of many parts, and --no-paste), get-text
    (scrollback lines, --escapes), get-marks, activate-pane, set-tab-title, kill-pane,
    reload-config (a good and a broken file), and the errors for an unknown pane, a bad
    option and a request the window does not know;
  - OSC 9;4 progress in list (set, error, removed);
  - OSC 9 / OSC 777 notifications: with no session bus they ring the bell; with a real
    notification daemon (mako on a private D-Bus session bus, when both are installed)
    they reach it (makoctl list);
  - `cadence cli --mux` against a running cadence-mux: list, spawn, split-pane,
    send-text, get-text, kill-pane, and activate-pane refused by name.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import test_cadence_window as tcw

headless = tcw.headless
expect = tcw.expect
wait_for = tcw.wait_for

CADENCE = MUX = SHELL_DIR = None

CONFIG = """
local cadence = require 'cadence'
local config = cadence.config_builder()
config.hide_tab_bar_if_only_one_tab = false
return config
"""


class Window:
    def __init__(self, comp, work, name, command, env=None):
        self.comp = comp
        self.work = work
        self.config = os.path.join(work, f"{name}.lua")
        with open(self.config, "w") as f:
            f.write(CONFIG)
        saved = dict(os.environ)
        os.environ.update(env or {})
        try:
            self.term = tcw.Cadence(comp, CADENCE, work, name, command,
                                    extra=("--config", self.config))
        finally:
            os.environ.clear()
            os.environ.update(saved)
        self.socket = os.path.join(comp.runtime_dir, "cadence",
                                   f"control-{self.term.proc.pid}.sock")
        expect(wait_for(lambda: os.path.exists(self.socket), 10), "no control socket")

    def cli(self, *args, input=None, check=True, socket=True):
        argv = [CADENCE, "cli", args[0]]
        if socket:
            argv += ["--socket", self.socket]
        argv += list(args[1:])
        r = subprocess.run(argv, input=input, capture_output=True, timeout=30,
                           env=self.comp.client_env({"CADENCE_SOCKET": "", "CADENCE_PANE": ""}))
        if check:
            expect(r.returncode == 0, f"cadence cli {' '.join(args)}: {r.returncode} "
                   f"{r.stderr.decode(errors='replace')}")
        return r

    def listing(self):
        doc = json.loads(self.cli("list", "--json").stdout)
        expect(len(doc["windows"]) == 1, f"one window expected: {doc}")
        return doc["windows"][0]

    def panes(self):
        return [p for t in self.listing()["tabs"] for p in t["panes"]]

    def pane(self, pane_id):
        for p in self.panes():
            if p["id"] == pane_id:
                return p
        return None

    def text(self, pane_id, *extra):
        return self.cli("get-text", "--pane", str(pane_id), *extra).stdout.decode(errors="replace")

    def run_line(self, pane_id, line):
        self.cli("send-text", "--pane", str(pane_id), "--no-paste", line + "\n")

    def close(self):
        self.term.close()


def check_shell_integration(comp, work):
    home = os.path.join(work, "home")
    os.makedirs(home, exist_ok=True)
    win = Window(comp, work, "bash", ["bash"], env={"CADENCE_SHELL_INTEGRATION_DIR": SHELL_DIR})
    try:
        pane = win.panes()[0]["id"]
        expect(wait_for(lambda: "133" not in win.text(pane) and
                        any(m.endswith("A") for m in
                            win.cli("get-marks").stdout.decode().splitlines()), 20),
               "bash drew no prompt with an A mark: the integration script did not load; "
               f"screen: {win.text(pane)!r}")
        target = os.path.join(work, "dir with space")
        os.makedirs(target, exist_ok=True)
        win.run_line(pane, f"cd '{target}'")
        expect(wait_for(lambda: win.pane(pane)["cwd"] == target, 10),
               f"cwd after cd: {win.pane(pane)['cwd']!r}, expected {target!r}")
        win.run_line(pane, "false")
        win.run_line(pane, "seq 1 100")
        expect(wait_for(lambda: "100" in win.text(pane), 10), "seq printed nothing")
        marks = win.cli("get-marks").stdout.decode().split()
        kinds = set(marks[1::2])
        expect({"A", "B", "C", "D"} <= kinds, f"marks recorded: {marks}")

        # A new tab opens where the shell is (OSC 7).
        win.cli("spawn")
        tabs = win.listing()["tabs"]
        expect(len(tabs) == 2, f"spawn made {len(tabs)} tabs")
        new = tabs[1]["panes"][0]
        expect(wait_for(lambda: win.pane(new["id"])["cwd"] == target, 10),
               f"the new tab's cwd is {win.pane(new['id'])['cwd']!r}")
        win.cli("kill-pane", "--pane", str(new["id"]))

        # Several prompts above the screen, then jump between them.
        for i in range(4):
            win.run_line(pane, f"seq {i * 1000} {i * 1000 + 60}")
        expect(wait_for(lambda: "3060" in win.text(pane), 10), "the last seq did not finish")
        time.sleep(0.5)
        expect(win.pane(pane)["scroll_offset"] == 0, "the view starts at the bottom")
        comp.key("k", mods=("ctrl", "shift"))
        first = wait_for(lambda: win.pane(pane)["scroll_offset"] or None, 10)
        expect(first, "Ctrl+Shift+K did not scroll to the previous prompt")
        comp.key("k", mods=("ctrl", "shift"))
        second = wait_for(lambda: (win.pane(pane)["scroll_offset"] > first) or None, 10)
        expect(second, "a second Ctrl+Shift+K did not go further back")
        comp.key("j", mods=("ctrl", "shift"))
        expect(wait_for(lambda: win.pane(pane)["scroll_offset"] == first, 10),
               f"Ctrl+Shift+J did not come back to the later prompt: "
               f"{win.pane(pane)['scroll_offset']} vs {first}")

        # The last command's output into the primary selection.
        comp.key("g", mods=("ctrl", "shift"))

        def primary():
            r = comp.run(["wl-paste", "--primary", "--no-newline"], timeout=10)
            return r.stdout if r.returncode == 0 and r.stdout else None

        got = wait_for(primary, 10)
        expect(got is not None and got.split() == [str(n) for n in range(3000, 3061)],
               f"primary selection after Ctrl+Shift+G: {got!r:.200}")
    finally:
        win.close()
    return "cwd, marks A-D, prompt jumps, last output selected"


def check_cli(comp, work):
    win = Window(comp, work, "cli", ["/bin/sh"])
    try:
        r = win.cli("list")
        table = r.stdout.decode()
        expect(table.startswith("WINDOW") and str(win.term.proc.pid) in table,
               f"list table: {table!r}")
        w = win.listing()
        expect(w["id"] == win.term.proc.pid and len(w["tabs"]) == 1, f"list: {w}")
        first = w["tabs"][0]["panes"][0]["id"]

        # spawn --cwd with a command.
        sub = os.path.join(work, "spawned")
        os.makedirs(sub, exist_ok=True)
        r = win.cli("spawn", "--cwd", sub, "--", "sh", "-c", "cat > typed.txt")
        cat_pane = int(r.stdout)
        expect(wait_for(lambda: win.pane(cat_pane) and win.pane(cat_pane)["cwd"] == sub, 10),
               f"spawned pane: {win.pane(cat_pane)}")
        expect(len(win.listing()["tabs"]) == 2, "spawn did not open a tab")

        # A paste in many parts arrives whole and in order.
        text = "".join(f"line {i:05d} of a paste that takes several requests\n" for i in range(600))
        expect(len(text) > 3 * 8192, "the paste must need several parts")
        win.cli("send-text", "--pane", str(cat_pane), input=text.encode())
        out = os.path.join(sub, "typed.txt")
        expect(wait_for(lambda: tcw.read_text(out) == text.encode(), 15),
               f"cat got {len(tcw.read_text(out) or b'')} of {len(text)} bytes")

        # split-pane, horizontal, of the first pane.
        r = win.cli("split-pane", "--horizontal", "--pane", str(first), "--", "/bin/sh")
        split = int(r.stdout)
        tab0 = win.listing()["tabs"][0]
        expect(len(tab0["panes"]) == 2, f"split-pane: {tab0}")
        left = win.pane(first)
        right = win.pane(split)
        expect(left["rows"] == right["rows"] and right["active"],
               f"side by side, the new one active: {left} {right}")

        # get-text: scrollback lines and escapes.
        win.run_line(split, "i=1; while [ $i -le 150 ]; do echo row$i; i=$((i+1)); done")
        expect(wait_for(lambda: "row150" in win.text(split), 10), "the loop printed nothing")
        back = win.text(split, "--start-line", "-200", "--end-line", "-1")
        expect("row1\n" in back and "row20\n" in back, f"scrollback text: {back[:200]!r}")
        win.run_line(split, "printf 'plain \\033[1;31mred\\033[0m\\n'")
        expect(wait_for(lambda: "\x1b[0;1;31mred" in win.text(split, "--escapes"), 10),
               "get-text --escapes has no SGR for the red text: "
               + repr(win.text(split, "--escapes")[-300:]))
        expect("\x1b" not in win.text(split), "plain get-text has escapes")

        # activate-pane, set-tab-title.
        win.cli("activate-pane", str(first))
        expect(win.pane(first)["active"], "activate-pane did not focus the pane")
        tab_id = win.listing()["tabs"][1]["id"]
        win.cli("set-tab-title", "--tab", str(tab_id), "builds")
        expect(win.listing()["tabs"][1]["title"] == "builds", "set-tab-title")

        # Progress from the program (OSC 9;4).
        win.run_line(first, "printf '\\033]9;4;1;42\\033\\\\'")
        expect(wait_for(lambda: (win.pane(first)["progress_state"],
                                 win.pane(first)["progress"]) == (1, 42), 10),
               f"progress: {win.pane(first)}")
        win.run_line(first, "printf '\\033]9;4;2;90\\033\\\\'")
        expect(wait_for(lambda: win.pane(first)["progress_state"] == 2, 10), "error state")
        win.run_line(first, "printf '\\033]9;4;0\\033\\\\'")
        expect(wait_for(lambda: win.pane(first)["progress_state"] == 0, 10), "progress removed")

        # kill-pane.
        win.cli("kill-pane", "--pane", str(cat_pane))
        expect(wait_for(lambda: win.pane(cat_pane) is None, 10), "kill-pane left the pane")

        # reload-config: a good file, then a broken one (the window keeps its config).
        win.cli("reload-config")
        with open(win.config, "w") as f:
            f.write("return { font_szie = 3 }\n")
        r = win.cli("reload-config", check=False)
        expect(r.returncode == 1 and b"did not load" in r.stderr, f"broken reload: {r}")

        # Errors are named; usage errors are 2.
        r = win.cli("get-text", "--pane", "999", check=False)
        expect(r.returncode == 1 and b"no pane 999" in r.stderr, f"unknown pane: {r}")
        r = win.cli("get-text", "--bogus", check=False)
        expect(r.returncode == 2 and b"unknown option" in r.stderr, f"bad option: {r}")
        r = win.cli("activate-pane", check=False)
        expect(r.returncode == 2, "activate-pane without an id")
        expect(win.term.proc.poll() is None, "the window died on the errors")
    finally:
        win.close()
    return "list, spawn, split-pane, send-text, get-text, activate-pane, set-tab-title, " \
           "progress, kill-pane, reload-config, errors"


def check_notifications(comp, work):
    # No session bus: the notification becomes a bell.
    win = Window(comp, work, "bell", ["/bin/sh"], env={"DBUS_SESSION_BUS_ADDRESS": ""})
    try:
        pane = win.panes()[0]["id"]
        win.run_line(pane, "printf '\\033]9;build finished\\033\\\\'")
        expect(wait_for(lambda: win.listing()["notifications"]["bells"] == 1, 10),
               f"no bell for a notification without a bus: {win.listing()['notifications']}")
        # A flood is rate limited.
        win.run_line(pane, "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do printf '\\033]9;n\\033\\\\'; done")
        expect(wait_for(lambda: win.listing()["notifications"]["dropped"] > 0, 10),
               f"a flood of notifications was not limited: {win.listing()['notifications']}")
    finally:
        win.close()
    if not (shutil.which("mako") and shutil.which("makoctl") and shutil.which("dbus-daemon")
            and shutil.which("notify-send")):
        return "bell without a bus; mako/dbus/notify-send not installed: daemon not tested"
    bus = subprocess.run(["dbus-daemon", "--session", "--fork", "--print-address=1",
                          "--print-pid=1", "--nopidfile"], capture_output=True, text=True,
                         timeout=10, env=comp.client_env())
    expect(bus.returncode == 0, f"dbus-daemon: {bus.stderr}")
    address, pid = bus.stdout.split()[:2]
    env = {"DBUS_SESSION_BUS_ADDRESS": address}
    mako = comp.launch(["mako"], env=comp.client_env(env))
    try:
        ctl = lambda *a: subprocess.run(["makoctl", *a], capture_output=True, text=True,
                                        timeout=10, env=comp.client_env(env))
        expect(wait_for(lambda: ctl("list").returncode == 0, 10), "mako did not start")
        win = Window(comp, work, "notify", ["/bin/sh"], env=env)
        try:
            pane = win.panes()[0]["id"]
            win.run_line(pane, "printf '\\033]777;notify;Build;all 42 tests passed\\033\\\\'")
            expect(wait_for(lambda: "all 42 tests passed" in ctl("list").stdout, 10),
                   f"mako did not get the notification: {ctl('list').stdout}")
            n = win.listing()["notifications"]
            expect(n["sent"] == 1 and n["bells"] == 0, f"counters: {n}")
        finally:
            win.close()
    finally:
        mako.terminate()
        mako.wait(timeout=10)
        os.kill(int(pid), signal.SIGTERM)
    return "bell without a bus, flood limited, mako shows OSC 777"


def check_mux(comp, work):
    sock = os.path.join(work, "mux.sock")
    env = comp.client_env()
    mux = subprocess.Popen([MUX, "--socket", sock], env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, start_new_session=True)

    def cli(*args, check=True):
        r = subprocess.run([CADENCE, "cli", "--mux", sock, *args], capture_output=True,
                           timeout=30, env=env)
        if check:
            expect(r.returncode == 0, f"cadence cli --mux {' '.join(args)}: {r.stderr!r}")
        return r

    try:
        expect(wait_for(lambda: os.path.exists(sock), 10), "cadence-mux did not listen")
        pane = int(cli("spawn", "--cwd", work, "--", "/bin/sh").stdout)
        doc = json.loads(cli("list", "--json").stdout)
        panes = [p for t in doc["tabs"] for p in t["panes"]]
        expect([p["id"] for p in panes] == [pane], f"mux list: {doc}")
        expect(str(pane).encode() in cli("list").stdout, "mux list table")
        split = int(cli("split-pane", "--pane", str(pane), "--", "/bin/sh").stdout)
        cli("send-text", "--pane", str(split), "--no-paste", "echo from-the-cli\n")
        expect(wait_for(lambda: b"from-the-cli\n" in
                        cli("get-text", "--pane", str(split)).stdout.replace(b"echo from", b""), 10),
               f"mux get-text: {cli('get-text', '--pane', str(split)).stdout!r}")
        # The split made the new pane active; activate-pane takes it back.
        cli("activate-pane", str(pane))
        doc = json.loads(cli("list", "--json").stdout)
        active = [p["id"] for t in doc["tabs"] for p in t["panes"] if p["active"]]
        expect(active == [pane], f"mux activate-pane {pane}: {doc}")
        cli("set-tab-title", "--pane", str(pane), "built remotely")
        doc = json.loads(cli("list", "--json").stdout)
        expect(doc["tabs"][0]["title"] == "built remotely", f"mux set-tab-title: {doc}")
        cli("kill-pane", "--pane", str(split))
        doc = json.loads(cli("list", "--json").stdout)
        expect([p["id"] for t in doc["tabs"] for p in t["panes"]] == [pane], f"after kill: {doc}")
        r = cli("activate-pane", "4242", check=False)
        expect(r.returncode == 1 and b"no pane 4242" in r.stderr, f"activate-pane 4242: {r}")
        r = cli("get-text", "--pane", "4242", check=False)
        expect(r.returncode == 1 and b"no pane 4242" in r.stderr, f"unknown mux pane: {r}")
    finally:
        mux.terminate()
        mux.wait(timeout=10)
    return "list, spawn, split-pane, send-text, get-text, activate-pane, set-tab-title, kill-pane"


def main():
    global CADENCE, MUX, SHELL_DIR
    if len(sys.argv) != 4:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    CADENCE, MUX, SHELL_DIR = (os.path.abspath(a) for a in sys.argv[1:])
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="cadence-desktop-test-") as work:
            with headless.Compositor(1280, 720, timeout=60) as comp:
                for check in (check_cli, check_shell_integration, check_notifications,
                              check_mux):
                    start = time.monotonic()
                    results.append(f"{check.__name__}: {check(comp, work)} "
                                   f"({time.monotonic() - start:.1f} s)")
                    print("ok   " + results[-1], file=sys.stderr, flush=True)
    except (tcw.TestFailure, headless.BenchError, subprocess.TimeoutExpired) as e:
        print(f"FAIL cadence-desktop: {e}", file=sys.stderr)
        return 1
    print("PASS cadence-desktop\n  " + "\n  ".join(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
