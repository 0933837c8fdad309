#!/usr/bin/env python3
"""A cadence window attached to a mux server, end to end, in the headless bench.

    test_cadence_connect.py PATH/TO/cadence PATH/TO/cadence-mux PATH/TO/cadence-test-proxy \
        PATH/TO/cadence-test-pointer

A real cadence-mux runs on its own socket with a real shell; `cadence connect
unix:SOCKET` runs under sway:
  - the window opens the server's first tab, and what is typed runs in the server's
    shell (the file it writes appears);
  - the window draws the remote pane (ink where the output is, in cadence's own PNG);
  - Shift+PgUp scrolls the remote pane back into the server's scrollback (fetched as it
    comes into view), a double click there selects a number, Shift+PgDn comes back;
  - Ctrl+Shift+E splits the remote pane: the server's new pane appears beside it and
    each pane's size is what the window gave it;
  - closing the window detaches: the server's panes live on, and a second
    `cadence connect` shows them again with the same shells, the pane that was active
    (chosen with Ctrl+Shift+Left) active again, its working directory still the one set
    before the detach;
  - over cadence-test-proxy with 200 ms each way, the frames that show typed keys'
    echoes are stalls attributed to the network, with a wait of at least the round trip.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time

import test_cadence_window as w

headless = w.headless
expect = w.expect
wait_for = w.wait_for


class Remote:
    def __init__(self, comp, cadence, work, name, socket, extra=()):
        self.stats_path = os.path.join(work, f"{name}-stats.json")
        self.png_path = os.path.join(work, f"{name}.png")
        self.log = open(os.path.join(work, f"{name}.log"), "wb")
        env = {"HOME": work, "ENV": "", "PS1": "$ ", "SHELL": "/bin/sh", "LC_ALL": "C.UTF-8"}
        self.proc = comp.launch([cadence, "connect", "unix:" + socket, "--font", w.FONT,
                                 "--app-id", f"cadence-{name}", "--frame-stats", self.stats_path,
                                 "--screenshot", self.png_path, *extra],
                                env=env, cwd=work, stdout=self.log, stderr=self.log)
        self.window = comp.wait_mapped(pid=self.proc.pid, timeout=60, process=self.proc)

    def stats(self):
        return w.stats_of(self.proc, self.stats_path)

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


def panes_when(term, predicate, what):
    s = wait_for(lambda: (lambda st: st if predicate(st) else None)(term.stats()), 20, 0.2)
    expect(s is not None, what)
    return s


def scroll_and_select(comp, term, work):
    """Scrolls back into the server's scrollback, selects a word there, scrolls home."""
    comp.type_text("seq 1 300", enter=True)
    s = panes_when(term, lambda s: s["view_top"].strip().isdigit() and
                   int(s["view_top"]) > 250, "seq 1 300 never filled the remote pane")
    live_top = int(s["view_top"])
    s = None
    for _ in range(3):
        comp.key("Prior", mods=("shift",))
        s = wait_for(lambda: (lambda st: st if st["scroll_offset"] > 0 else None)(term.stats()),
                     3, 0.1)
        if s:
            break
    expect(s is not None, "Shift+PgUp did not scroll the remote pane back")
    # The rows come from the server a page at a time: the view's top row is the line a
    # page above the live screen's once they are there.
    want = live_top - s["scroll_offset"]
    s = panes_when(term, lambda s: s["view_top"] == str(want),
                   f"scrolled back {s['scroll_offset']} rows, the top row never showed {want}")
    send, close_pointer = w.pointer_session(comp)
    try:
        x, y = w.cell_centre(term, s, 1, 0)
        send("move", x, y)
        send("click", "left", "click", "left")
        word = wait_for(lambda: (lambda r: r.stdout if r.stdout == str(want) else None)(
            comp.run(["wl-paste", "--primary", "--no-newline"], timeout=10)), 5)
        expect(word == str(want), "a double click in the remote scrollback did not select "
               f"{want}: {word!r}")
    finally:
        close_pointer()
    comp.key("Next", mods=("shift",))
    s = panes_when(term, lambda s: s["scroll_offset"] == 0, "Shift+PgDn did not come back")
    return f"scrolled back to {want} and selected it"


def run(comp, cadence, mux, work):
    socket = os.path.join(work, "mux.sock")
    env = dict(os.environ, HOME=work, ENV="", PS1="$ ", SHELL="/bin/sh")
    server_log = open(os.path.join(work, "mux.log"), "wb")
    server = subprocess.Popen([mux, "--socket", socket], env=env, cwd=work,
                              stdout=server_log, stderr=server_log)
    try:
        expect(wait_for(lambda: os.path.exists(socket), 10), "cadence-mux made no socket")
        term = Remote(comp, cadence, work, "first", socket)
        try:
            s = panes_when(term, lambda s: len(s["panes"]) == 1 and s["paints"] > 0,
                           "the server's first pane never showed")
            out = os.path.join(work, "remote.txt")
            text = w.type_until(comp, "echo typed into the server > remote.txt", out)
            expect(text == b"typed into the server\n", f"the remote shell wrote {text!r}")
            # The pane is drawn: the output's rows have ink in cadence's own frame.
            if os.path.exists(term.png_path):
                os.unlink(term.png_path)
            os.kill(term.proc.pid, signal.SIGUSR1)
            expect(wait_for(lambda: os.path.exists(term.png_path), 10), "no PNG")
            img = w.read_png(term.png_path)
            s = term.stats()
            rows_box = (s["origin_x"], s["origin_y"], img.width // 2, 3 * s["cell_height"])
            bg = img.pixel(img.width - 2, img.height - 2)
            expect(img.count_differing(bg, rows_box) > 200, "the remote pane's text is not drawn")
            history = scroll_and_select(comp, term, work)


            comp.key("e", mods=("ctrl", "shift"))
            # (The layout is redone at the next paint: wait until the stats show it.)
            s = panes_when(term, lambda s: len(s["panes"]) == 2 and
                           all(p["visible"] and p["cols"] > 0 for p in s["panes"]),
                           "Ctrl+Shift+E did not split the remote pane")
            left, right = sorted(s["panes"], key=lambda p: p["col"])
            expect(left["cols"] + right["cols"] + 1 == s["cols"],
                   f"the split panes do not share the width: {s['panes']}")
            size = w.type_until(comp, "stty size > split.txt", os.path.join(work, "split.txt"))
            expect(size == f"{right['rows']} {right['cols']}\n".encode(),
                   f"the new remote pane's pty is {size!r}, the window gave it "
                   f"{right['rows']}x{right['cols']}")
            # The left pane becomes the active one: the server is told, so the next
            # attach types into it again.
            comp.key("Left", mods=("ctrl", "shift"))
            panes_when(term, lambda s: any(p["active"] and p["col"] == left["col"]
                                           for p in s["panes"]),
                       "Ctrl+Shift+Left did not activate the left remote pane")
            os.mkdir(os.path.join(work, "kept"))
            comp.type_text("cd kept", enter=True)
            time.sleep(0.5)
        finally:
            term.close()  # a detach: the server keeps the panes

        term = Remote(comp, cadence, work, "again", socket)
        try:
            s = panes_when(term, lambda s: len(s["panes"]) == 2,
                           "reattaching did not bring back both panes")
            where = w.type_until(comp, "pwd > where.txt", os.path.join(work, "kept", "where.txt"))
            expect(where is not None and where.strip().endswith(b"/kept"),
                   f"the reattached pane is not the same shell: {where!r}")
        finally:
            term.close()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            raise w.TestFailure("cadence-mux did not stop on SIGTERM")
    return (f"typed, drawn, {history}, split, detached and reattached to the same shells")


def run_slow_link(comp, cadence, mux, proxy, work):
    """Through a link with 200 ms each way, a typed key's echo arrives a round trip later;
    the frame log names that frame a network stall with the wait's age."""
    socket = os.path.join(work, "slow-mux.sock")
    linked = os.path.join(work, "slow-link.sock")
    env = dict(os.environ, HOME=work, ENV="", PS1="$ ", SHELL="/bin/sh")
    log = open(os.path.join(work, "slow-mux.log"), "wb")
    server = subprocess.Popen([mux, "--socket", socket], env=env, cwd=work, stdout=log, stderr=log)
    link = None
    term = None
    try:
        expect(wait_for(lambda: os.path.exists(socket), 10), "cadence-mux made no socket")
        link = subprocess.Popen([proxy, "--listen", "unix:" + linked, "--connect", "unix:" + socket,
                                 "--delay-ms", "200"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=log)
        expect(wait_for(lambda: os.path.exists(linked), 10), "the proxy made no socket")
        frames = os.path.join(work, "slow-frames.jsonl")
        term = Remote(comp, cadence, work, "slow", linked, extra=("--frame-log", frames))
        panes_when(term, lambda s: len(s["panes"]) == 1 and s["bytes_parsed"] >= 0 and s["paints"] > 1,
                   "the remote pane never showed through the slow link")
        out = os.path.join(work, "slow.txt")
        text = w.type_until(comp, "echo slow > slow.txt", out, timeout=30)
        expect(text == b"slow\n", f"the remote shell wrote {text!r}")
        time.sleep(1.0)
        term.stats()  # flushes the frame log
        import json
        records = [json.loads(line) for line in open(frames) if line.strip()]
        network = [r for r in records if r.get("stall") and r.get("cause") == "network"]
        expect(network, f"no frame was a network stall: causes "
               f"{sorted({r.get('cause') for r in records if r.get('stall')})}")
        waits = sorted(r["network_wait_us"] for r in network)
        # A round trip is at least 400 ms through the proxy; far more would be wrong too.
        expect(waits[0] >= 400000 and waits[-1] < 5000000,
               f"network waits {waits[0]}..{waits[-1]} us for a 400 ms round trip")
        return (f"{len(network)} network stalls, waits {waits[0] // 1000}-{waits[-1] // 1000} ms "
                f"over a 400 ms round trip")
    finally:
        if term:
            term.close()
        if link:
            link.terminate()
            link.wait(timeout=10)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)


def main():
    if len(sys.argv) != 5:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    cadence = os.path.abspath(sys.argv[1])
    mux = os.path.abspath(sys.argv[2])
    proxy = os.path.abspath(sys.argv[3])
    w.POINTER = os.path.abspath(sys.argv[4])
    try:
        with tempfile.TemporaryDirectory(prefix="cadence-connect-test-") as work:
            with headless.Compositor(1280, 720, timeout=60) as comp:
                start = time.monotonic()
                result = run(comp, cadence, mux, work)
                result += "; " + run_slow_link(comp, cadence, mux, proxy, work)
    except (w.TestFailure, headless.BenchError, subprocess.TimeoutExpired) as e:
        print(f"FAIL cadence-connect: {e}", file=sys.stderr)
        return 1
    print(f"PASS cadence-connect: {result} ({time.monotonic() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
