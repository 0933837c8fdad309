#!/usr/bin/env python3
"""cadence as a terminal, end to end, in the headless bench.

    test_cadence_window.py PATH/TO/cadence PATH/TO/cadence-test-pointer PATH/TO/cadence-test-ime

Each check starts cadence under a real sway with a real shell on a real pty:
  - typing: a command typed with wtype runs in the shell and writes a file;
  - resize: after sway resizes the window, `stty size` in the shell shows the new grid;
  - paste: text put on the clipboard with wl-copy arrives through Ctrl+Shift+V wrapped in
    bracketed-paste markers, byte for byte;
  - colours: cells printed with known SGR colours have exactly those colours, both in a
    grim screenshot of the compositor's output and in the PNG cadence saves of itself;
  - idle: with nothing changing for 2 s, cadence paints nothing, asks for no frame
    callback and does not wake up at all;
  - exit: the program's exit closes the window, and cadence exits with its status;
  - scrollback: Shift+PgUp scrolls back, and the view stays on its text while output
    arrives; typing returns to the bottom;
  - font size: Ctrl+= and Ctrl+0 change the cell size and the grid the shell sees;
  - watchdog: a window moved to the scratchpad gets no frame callbacks; painting goes
    on through the watchdog and stops again once callbacks return;
  - scale: on an output at scale 2 the buffer is twice the window's size and text is
    rasterized for it (cells twice as large), not stretched;
  - synchronized output: a frame held with DEC mode 2026 is not painted half-drawn, and
    one never released is painted after the timeout;
  - hyperlinks: the OSC 8 link under the pointer is underlined;
  - client-side decorations: with --csd the title bar is drawn, dragging the corner
    resizes the window, dragging the title bar moves it, and the close button closes it;
  - selection: a double click selects a word (URL characters included) and a triple
    click the line, into the primary selection other clients read;
  - mouse reporting: a program that enables SGR mouse mode reads the click at its cell;
  - input methods: through sway's input-method relay (tests/tools/cadence-test-ime),
    pre-edit text is drawn at the cursor without reaching the program, and committed
    text reaches the program as typed;
  - attributes: underline styles, strikethrough, overline, inverse and invisible text are
    drawn where they belong in the cell (checked on cadence's own PNG);
  - cursor styles: block, bar and underline (DECSCUSR) as drawn, hollow when unfocused;
  - middle click and wheel: the middle button pastes the primary selection into the
    program, the wheel scrolls the history;
  - configuration reload: editing the file (saved the way editors do, by rename) applies
    the new colours and font at once; a broken edit keeps the running configuration and
    shows the error; fixing the file recovers without a restart;
  - frame log: --frame-log writes one JSON record per frame, and the frames painted while
    the window was hidden (no frame callbacks) are stalls attributed to the compositor;
  - key repeat: a key held for a second repeats at the compositor's rate;
  - font features: Fira Code with font_features = { 'zero' } draws another 0 than
    without, and 'zero=0' the default one;
  - seats: a seat the compositor adds while cadence runs is bound (hot-plug);
  - bell: a bell in an unfocused window marks it urgent (xdg-activation);
  - configuration: --config FILE sets the colours, font size and program; a broken file
    leaves the defaults in place and its error is shown in the window and on stderr.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "headless"))
import headless  # noqa: E402

FONT = "DejaVu Sans Mono:11"
POINTER = None  # cadence-test-pointer (tests/tools), set by main()
IME = None  # cadence-test-ime (tests/tools), set by main()


def pointer_session(comp):
    """Starts cadence-test-pointer reading commands from a pipe; returns send(), close().

    Positions are logical pixels on the bench's output (sway's or KWin's)."""
    env = comp.client_env()
    proc = subprocess.Popen([POINTER, str(comp.width), str(comp.height)], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def send(*commands):
        proc.stdin.write((" ".join(str(c) for c in commands) + "\n").encode())
        proc.stdin.flush()
        answer = proc.stdout.readline()
        if answer != b"ok\n":
            proc.kill()
            raise TestFailure(f"cadence-test-pointer answered {answer!r}: "
                              f"{proc.stderr.read().decode(errors='replace').strip()}")

    def close():
        proc.stdin.close()
        proc.wait(timeout=10)

    return send, close


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
    """Reads the PNG cadence writes of itself (8-bit RGBA) into headless.Image."""
    try:
        return headless.Image.load_png(path)
    except ValueError as e:
        raise TestFailure(f"{path}: {e}")


def stats_of(proc, path):
    """Asks a running cadence for a fresh stats file (SIGUSR2) and returns it."""
    before = os.stat(path).st_mtime_ns if os.path.exists(path) else 0
    os.kill(proc.pid, signal.SIGUSR2)

    def fresh():
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return None
        if st.st_mtime_ns == before:
            return None
        with open(path) as f:
            return json.load(f)

    stats = wait_for(fresh, 10, 0.02)
    expect(stats is not None, "cadence did not write its stats on SIGUSR2")
    return stats


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
        return stats_of(self.proc, self.stats_path)

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
        # Nothing but background where nothing was printed (blank cells, padding).
        bg = own.pixel(own.width - 1, own.height - 1)
        stray = own.count_differing(bg, (0, own.height // 2, own.width, own.height // 2))
        expect(stray == 0, f"{stray} pixels of ink in the empty lower half")
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


def check_scrollback(comp, cadence, work):
    # 200 lines, then 20 more once the test says so, then 20 more after a key.
    go = os.path.join(work, "go")
    script = (f"seq 1 200; while [ ! -e {go} ]; do sleep 0.05; done; seq 201 220; "
              "read x; seq 221 240; sleep 60")
    term = Cadence(comp, cadence, work, "scroll", ["sh", "-c", script])

    def parsed_at_least(n):
        return wait_for(lambda: (lambda st: st if st["bytes_parsed"] >= n else None)(
            term.stats()), 10)

    try:
        expect(parsed_at_least(692), "seq output never arrived")
        s = None
        for _ in range(3):
            comp.key("Prior", mods=("shift",))
            s = wait_for(lambda: (lambda st: st if st["scroll_offset"] > 0 else None)(
                term.stats()), 3)
            if s:
                break
        expect(s is not None, "Shift+PgUp did not scroll back")
        first = s["scroll_offset"]
        expect(first == s["rows"] - 1, f"a page is {s['rows'] - 1} rows; scrolled {first}")
        # Output while scrolled back: the view stays on its text, 20 rows further up.
        open(go, "w").close()
        expect(parsed_at_least(692 + 80), "the second part never arrived")
        # (A paint in the middle of the 20 lines may show a step on the way: wait for the
        # offset the whole output gives.)
        s = wait_for(lambda: (lambda st: st if st["scroll_offset"] == first + 20 else None)(
            term.stats()), 5) or term.stats()
        expect(s["scroll_offset"] == first + 20,
               f"20 new lines should move the view 20 rows up: {first} -> {s['scroll_offset']}")
        # A key goes to the program and brings the view back to the bottom.
        comp.key("Return")
        expect(parsed_at_least(692 + 160), "the program did not get the key")
        s = wait_for(lambda: (lambda st: st if st["scroll_offset"] == 0 else None)(
            term.stats()), 5)
        expect(s is not None, "typing must return the view to the bottom")
    finally:
        term.close()
    return f"Shift+PgUp scrolled {first} rows, output kept the view on its text, a key returned"


def check_font_size(comp, cadence, work):
    term = Cadence(comp, cadence, work, "font", ["/bin/sh"])
    try:
        before = wait_for(lambda: (lambda st: st if st["paints"] > 0 else None)(term.stats()), 20)
        bigger = None
        for _ in range(3):
            comp.key("equal", mods=("ctrl",))
            bigger = wait_for(lambda: (lambda st: st if st["cell_width"] > before["cell_width"]
                                       else None)(term.stats()), 3)
            if bigger:
                break
        expect(bigger is not None, "Ctrl+= did not enlarge the font")
        expect(bigger["cols"] < before["cols"], "a larger font must give fewer columns")
        size = type_until(comp, "stty size > fsize.txt", os.path.join(work, "fsize.txt"))
        expect(size == f"{bigger['rows']} {bigger['cols']}\n".encode(),
               f"the shell sees {size!r}, cadence draws {bigger['rows']}x{bigger['cols']}")
        comp.key("0", mods=("ctrl",))
        back = wait_for(lambda: (lambda st: st if st["cell_width"] == before["cell_width"]
                                 else None)(term.stats()), 5)
        expect(back is not None, "Ctrl+0 did not restore the font size")
    finally:
        term.close()
    return (f"cell {before['cell_width']}x{before['cell_height']} -> "
            f"{bigger['cell_width']}x{bigger['cell_height']} and back")


def check_watchdog(comp, cadence, work):
    term = Cadence(comp, cadence, work, "hidden",
                   ["sh", "-c", "while :; do date; sleep 0.1; done"])
    try:
        time.sleep(1.0)
        visible = term.stats()
        comp.command(f"[pid={term.proc.pid}] move scratchpad")
        time.sleep(3.0)
        hidden = term.stats()
        fires = hidden["watchdog_fires"] - visible["watchdog_fires"]
        expect(fires >= 2, f"the watchdog fired {fires} times in 3 s without callbacks")
        expect(hidden["paints"] - visible["paints"] >= fires,
               "painting did not go on through the watchdog")
        comp.command(f"[pid={term.proc.pid}] scratchpad show")
        time.sleep(1.0)
        shown = term.stats()
        time.sleep(1.0)
        later = term.stats()
        expect(later["frame_callbacks"] > shown["frame_callbacks"], "callbacks did not return")
        expect(later["watchdog_fires"] == shown["watchdog_fires"],
               "the watchdog kept firing with callbacks back")
    finally:
        term.close()
    return f"{fires} watchdog resumptions in 3 s hidden; none once visible again"


def check_scale(comp, cadence, work):
    base = Cadence(comp, cadence, work, "scale1", ["sh", "-c", "sleep 60"])
    one = base.stats()
    base.close()
    comp.command("output HEADLESS-1 scale 2")
    try:
        term = Cadence(comp, cadence, work, "scale2", ["sh", "-c", "printf 'scaled'; sleep 60"])
        try:
            s = wait_for(lambda: (lambda st: st if st["scale"] == 2 else None)(term.stats()), 10)
            expect(s is not None, "cadence did not take the output's scale 2")
            lw, lh = term.window.rect[2], term.window.rect[3]
            expect((s["buffer_width"], s["buffer_height"]) == (2 * lw, 2 * lh),
                   f"buffer {s['buffer_width']}x{s['buffer_height']} for a {lw}x{lh} window")
            expect(abs(s["cell_width"] - 2 * one["cell_width"]) <= 1 and
                   abs(s["cell_height"] - 2 * one["cell_height"]) <= 1,
                   f"cells {s['cell_width']}x{s['cell_height']} at scale 2, "
                   f"{one['cell_width']}x{one['cell_height']} at 1")
            # Sharp, not stretched: the compositor shows the buffer 1:1 on the output.
            os.kill(term.proc.pid, signal.SIGUSR1)
            expect(wait_for(lambda: os.path.exists(term.png_path), 10), "no PNG at scale 2")
            own = read_png(term.png_path)
            shot = comp.screenshot()
            differ = sum(1 for y in range(0, 60) for x in range(0, 200)
                         if own.pixel(x, y) != shot.pixel(x, y))
            expect(differ == 0, f"{differ} pixels of the text differ between the buffer and "
                   "the output: it was scaled")
        finally:
            term.close()
    finally:
        comp.command("output HEADLESS-1 scale 1")
    return (f"scale 2: buffer {s['buffer_width']}x{s['buffer_height']}, "
            f"cell {s['cell_width']}x{s['cell_height']}")


def check_synchronized_output(comp, cadence, work):
    # Held for 1 s, longer than cadence's 150 ms timeout: drawn anyway, after a hold.
    script = ("printf 'before\\n'; sleep 0.5; printf '\\033[?2026hHALF'; sleep 1; "
              "printf ' DONE\\033[?2026l\\n'; sleep 60")
    term = Cadence(comp, cadence, work, "sync", ["sh", "-c", script])
    try:
        s = wait_for(lambda: (lambda st: st if st["sync_holds"] > 0 else None)(term.stats()), 5)
        expect(s is not None, "no paint was held during synchronized output")
        painted = s["paints"]
        s = wait_for(lambda: (lambda st: st if st["paints"] > painted else None)(term.stats()), 3)
        expect(s is not None, "a frame never released was not painted after the timeout")
    finally:
        term.close()
    return "held while mode 2026 was set, painted after the timeout"


def check_hyperlink_hover(comp, cadence, work):
    script = ("printf '\\033]8;;https://example.com\\033\\\\LINKTEXT\\033]8;;\\033\\\\ PLAIN'; "
              "sleep 60")
    term = Cadence(comp, cadence, work, "link", ["sh", "-c", script])
    try:
        s = wait_for(lambda: (lambda st: st if st["bytes_parsed"] > 0 else None)(term.stats()), 10)
        wx, wy = term.window.rect[0], term.window.rect[1]
        cx = wx + s["origin_x"] + 3 * s["cell_width"] + s["cell_width"] // 2
        cy = wy + s["origin_y"] + s["cell_height"] // 2
        send, close_pointer = pointer_session(comp)
        send("move", cx + 200, cy + 200)
        send("sleep", 100, "move", cx, cy)
        s = wait_for(lambda: (lambda st: st if st["hover_link"] != 0 else None)(term.stats()), 5)
        expect(s is not None, "the pointer over the link did not hover it")
        img = comp.screenshot()
        # The underline: the row of the cell's underline has text colour under the link
        # and none under the plain word after it.
        y0 = wy + s["origin_y"]
        def inked(col0, col1):
            bg = img.pixel(wx + 1, wy + 1)
            return sum(1 for y in range(y0 + s["cell_height"] - 4, y0 + s["cell_height"])
                       for x in range(wx + s["origin_x"] + col0 * s["cell_width"],
                                      wx + s["origin_x"] + col1 * s["cell_width"])
                       if img.pixel(x, y) != bg)
        under_link, under_plain = inked(0, 8), inked(9, 14)
        expect(under_link >= 8 * s["cell_width"] - 2, f"no underline under the link ({under_link})")
        expect(under_plain == 0, "the plain text was underlined too")
        send("move", cx + 300, cy + 300)
        s = wait_for(lambda: (lambda st: st if st["hover_link"] == 0 else None)(term.stats()), 5)
        expect(s is not None, "moving away did not end the hover")
        close_pointer()
    finally:
        term.close()
    return "link underlined under the pointer, not after it left"


def check_client_side_decorations(comp, cadence, work):
    term = Cadence(comp, cadence, work, "csd", ["sh", "-c", "sleep 60"], extra=("--csd",))
    try:
        s = wait_for(lambda: (lambda st: st if st["paints"] > 0 else None)(term.stats()), 10)
        expect(s["csd"] is True, "--csd did not turn on client-side decorations")
        wx, wy, ww, wh = term.window.rect
        img = comp.screenshot()
        bar = img.pixel(wx + ww // 2, wy + 5)
        expect(bar == (0x2E, 0x2E, 0x2E), f"title bar colour {bar}")
        close = img.pixel(wx + ww - 3, wy + 3)
        expect(close == (0xC0, 0x39, 0x2B), f"close button colour {close}")
        expect(s["origin_y"] >= 24, "the grid does not start below the title bar")
        send, close_pointer = pointer_session(comp)
        # Floating, the window can be resized by its bottom-right corner and moved by its
        # title bar: both go through xdg_toplevel requests the compositor carries out.
        wx, wy, ww, wh = comp.resize(600, 400, pid=term.proc.pid).rect
        send("move", wx + ww - 2, wy + wh - 2)
        send("sleep", 100, "press", "left", "sleep", 100, "move", wx + ww + 98, wy + wh + 78,
             "sleep", 200, "release", "left")
        grown = wait_for(lambda: [w for w in comp.windows() if w.pid == term.proc.pid and
                                  w.rect[2] > ww + 50 and w.rect[3] > wh + 40], 10)
        expect(grown, f"dragging the corner did not resize the window: {comp.windows()}")
        wx, wy, ww, wh = grown[0].rect
        send("move", wx + 40, wy + 8)
        send("sleep", 100, "press", "left", "sleep", 100, "move", wx + 240, wy + 158,
             "sleep", 200, "release", "left")
        moved = wait_for(lambda: [w for w in comp.windows() if w.pid == term.proc.pid and
                                  w.rect[0] >= wx + 150 and w.rect[1] >= wy + 100], 10)
        expect(moved, f"dragging the title bar did not move the window: {comp.windows()}")
        wx, wy, ww, wh = moved[0].rect
        drawn = wait_for(lambda: (lambda st: st if st["buffer_width"] == ww else None)(
            term.stats()), 10)
        expect(drawn, f"cadence did not draw at the new width {ww}")
        send("move", wx + ww - 12, wy + 12)
        send("sleep", 100, "click", "left")
        try:
            status = term.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            raise TestFailure("the close button did not close the window")
        expect(status == 0, f"closing the window exited with {status}")
        close_pointer()
    finally:
        term.close()
    return "title bar drawn, corner resized, title bar moved, close button closed the window"


def cell_centre(term, s, col, row):
    wx, wy = term.window.rect[0], term.window.rect[1]
    return (wx + s["origin_x"] + col * s["cell_width"] + s["cell_width"] // 2,
            wy + s["origin_y"] + row * s["cell_height"] + s["cell_height"] // 2)


def check_selection(comp, cadence, work):
    script = "printf 'first line\\nsee https://example.com/a_b?c=1 here\\n'; sleep 60"
    term = Cadence(comp, cadence, work, "select", ["sh", "-c", script])
    send, close_pointer = pointer_session(comp)
    try:
        s = wait_for(lambda: (lambda st: st if st["bytes_parsed"] > 0 else None)(term.stats()), 10)

        def primary():
            r = comp.run(["wl-paste", "--primary", "--no-newline"], timeout=10)
            return r.stdout

        x, y = cell_centre(term, s, 10, 1)  # inside the URL
        send("move", x, y)
        send("click", "left", "click", "left")
        word = wait_for(lambda: (lambda t: t if t == "https://example.com/a_b?c=1" else None)(
            primary()), 5) or primary()
        expect(word == "https://example.com/a_b?c=1", f"double click selected {word!r}")
        send("sleep", 500, "click", "left", "click", "left", "click", "left")
        line = wait_for(lambda: (lambda t: t if t.startswith("see") else None)(primary()), 5)
        expect(line == "see https://example.com/a_b?c=1 here", f"triple click selected {line!r}")
        # Ctrl+Shift+C puts the selection on the clipboard too.
        comp.key("c", mods=("ctrl", "shift"))
        clip = wait_for(lambda: (lambda r: r.stdout if r.stdout == line else None)(
            comp.run(["wl-paste", "--no-newline"], timeout=10)), 5)
        expect(clip == line, "Ctrl+Shift+C did not copy the selection to the clipboard")
    finally:
        close_pointer()
        term.close()
    return "double click took the URL whole, triple click the line, Ctrl+Shift+C copied it"


def check_mouse_reporting(comp, cadence, work):
    report = b"\x1b[<0;5;3M\x1b[<0;5;3m"
    script = (f"printf '\\033[?1000h\\033[?1006h'; stty raw -echo; "
              f"dd bs=1 count={len(report)} of=mouse.bin 2>/dev/null; sleep 60")
    term = Cadence(comp, cadence, work, "mouse", ["sh", "-c", script])
    send, close_pointer = pointer_session(comp)
    try:
        s = wait_for(lambda: (lambda st: st if st["bytes_parsed"] > 0 else None)(term.stats()), 10)
        time.sleep(0.3)  # stty runs before the click arrives
        x, y = cell_centre(term, s, 4, 2)
        send("move", x, y)
        send("click", "left")
        path = os.path.join(work, "mouse.bin")
        got = wait_for(lambda: (lambda b: b if b and len(b) >= len(report) else None)(
            read_text(path)), 10)
        expect(got == report, f"the program read {got!r}, expected {report!r}")
    finally:
        close_pointer()
        term.close()
    return "SGR press and release reported at column 5, row 3"


def check_input_method(comp, cadence, work):
    committed = "日本語"
    script = (f"stty raw -echo; printf 'ready\\r\\n'; "
              f"dd bs=1 count={len(committed.encode())} of=ime.bin 2>/dev/null; sleep 60")
    term = Cadence(comp, cadence, work, "ime", ["sh", "-c", script])
    ime = subprocess.Popen([IME], env=comp.client_env(), stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def send(line):
        ime.stdin.write((line + "\n").encode())
        ime.stdin.flush()
        answer = b""
        while not answer.startswith(b"ok"):
            answer = ime.stdout.readline()
            if not answer:
                raise TestFailure("cadence-test-ime: " + ime.stderr.read().decode(errors="replace"))
        return answer

    try:
        expect(wait_for(lambda: term.stats()["bytes_parsed"] >= 7, 10), "the program did not start")
        # Focus reaches cadence with the first key; the input method then sees it active.
        comp.key("Shift_L")
        send("wait-active")
        s = wait_for(lambda: (lambda st: st if st["text_input"] else None)(term.stats()), 5)
        expect(s is not None, "cadence did not enable text input")
        send("preedit かな")
        s = wait_for(lambda: (lambda st: st if st["preedit_chars"] == 2 else None)(term.stats()), 5)
        expect(s is not None, "the pre-edit text is not shown")
        img = comp.screenshot()
        wx, wy = term.window.rect[0], term.window.rect[1]
        y = wy + s["origin_y"] + s["cell_height"] + s["cell_height"] // 2
        inked = sum(1 for x in range(wx + s["origin_x"], wx + s["origin_x"] + 4 * s["cell_width"])
                    if img.pixel(x, y) != img.pixel(wx + 1, wy + 1))
        expect(inked > 0, "nothing drawn where the pre-edit text should be")
        expect(read_text(os.path.join(work, "ime.bin")) in (None, b""),
               "pre-edit text reached the program")
        send("commit " + committed)
        got = wait_for(lambda: (lambda b: b if b and len(b) >= len(committed.encode()) else None)(
            read_text(os.path.join(work, "ime.bin"))), 10)
        expect(got == committed.encode(), f"the program read {got!r}")
        s = wait_for(lambda: (lambda st: st if st["preedit_chars"] == 0 else None)(term.stats()), 5)
        expect(s is not None, "the pre-edit text stayed after the commit")
    finally:
        ime.kill()
        ime.wait()
        term.close()
    return f"pre-edit shown at the cursor, {committed} committed to the program"


def check_config(comp, cadence, work):
    good = os.path.join(work, "good.lua")
    with open(good, "w") as f:
        f.write("local cadence = require 'cadence'\n"
                "local config = cadence.config_builder()\n"
                "config.font_size = 16\n"
                "config.colors = { background = '#102030' }\n"
                "config.default_prog = { 'sh', '-c', 'printf configured; sleep 60' }\n"
                "return config\n")
    stats_path = os.path.join(work, "config-stats.json")
    log = open(os.path.join(work, "config.log"), "wb")
    proc = comp.launch([cadence, "--config", good, "--frame-stats", stats_path],
                       env={"HOME": work}, cwd=work, stdout=log, stderr=log)
    try:
        win = comp.wait_mapped(pid=proc.pid, timeout=60, process=proc)
        s = wait_for(lambda: (lambda st: st if st["bytes_parsed"] >= 10 else None)(
            stats_of(proc, stats_path)), 10)
        expect(s is not None, "the configured program did not run")
        expect(s["cell_height"] >= 20, f"font_size 16 gave cells {s['cell_width']}x{s['cell_height']}")
        def corner():
            return comp.screenshot().pixel(win.rect[0] + win.rect[2] - 5, win.rect[1] + win.rect[3] - 5)

        bg = wait_for(lambda: (lambda c: c if c == (0x10, 0x20, 0x30) else None)(corner()), 10)
        expect(bg is not None, f"configured background, got {corner()}")
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)

    bad = os.path.join(work, "bad.lua")
    with open(bad, "w") as f:
        f.write("local c = require('cadence').config_builder()\nc.font_szie = 14\nreturn c\n")
    err_path = os.path.join(work, "bad.log")
    proc = comp.launch([cadence, "--config", bad, "-e", "sh", "-c", "sleep 60"],
                       env={"HOME": work}, cwd=work, stdout=subprocess.DEVNULL,
                       stderr=open(err_path, "wb"))
    try:
        win = comp.wait_mapped(pid=proc.pid, timeout=60, process=proc)
        err = (read_text(err_path) or b"").decode()
        expect("bad.lua:2: unknown option 'font_szie' (did you mean 'font_size'?)" in err,
               f"stderr: {err!r}")
        def red_pixels():
            n = comp.screenshot().color_histogram(win.rect).get((0xCD, 0x00, 0x00), 0)
            return n if n > 50 else None

        expect(wait_for(red_pixels, 10), "the error is not shown in the window")
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)
    return "colours, font size and program from --config; a broken file is reported in the window"


def check_font_features(comp, cadence, work):
    """font_features picks glyph variants: Fira Code's slashed zero ('zero')."""
    def zero_ink(name, features):
        config = os.path.join(work, f"{name}.lua")
        with open(config, "w") as f:
            f.write("local c = require('cadence').config_builder()\n"
                    "c.font = 'Fira Code'\nc.font_size = 20\n"
                    f"c.font_features = {{ {features} }}\nreturn c\n")
        term = Cadence(comp, cadence, work, name,
                       ["sh", "-c", "printf '\\033[2J\\033[H0'; sleep 60"],
                       extra=("--config", config, "--font", "Fira Code:20"))
        try:
            s = wait_for(lambda: (lambda st: st if st["bytes_parsed"] > 0 and st["paints"] > 0
                                  else None)(term.stats()), 20)
            expect(s is not None, f"{name}: nothing drawn")
            time.sleep(0.3)
            if os.path.exists(term.png_path):
                os.unlink(term.png_path)
            os.kill(term.proc.pid, signal.SIGUSR1)
            expect(wait_for(lambda: os.path.exists(term.png_path), 10), f"{name}: no PNG")
            img = read_png(term.png_path)
            cw, ch, ox, oy = s["cell_width"], s["cell_height"], s["origin_x"], s["origin_y"]
            # The cell's pixels, as a tuple: the glyph's shape (cursor is one cell right).
            return tuple(img.pixel(ox + x, oy + y) for y in range(ch) for x in range(cw))
        finally:
            term.close()

    plain = zero_ink("zero-plain", "")
    slashed = zero_ink("zero-slashed", "'zero'")
    plain_again = zero_ink("zero-off", "'zero=0'")
    expect(plain != slashed, "'zero' drew the same 0 as no features")
    expect(plain == plain_again, "'zero=0' did not draw the default 0")
    differ = sum(1 for a, b in zip(plain, slashed) if a != b)
    return f"the slashed zero differs from the default in {differ} pixels"


def check_config_reload(comp, cadence, work):
    path = os.path.join(work, "live.lua")

    def save(text):
        # As editors do: write a new file, rename it over the old one.
        with open(path + ".new", "w") as f:
            f.write(text)
        os.rename(path + ".new", path)

    def config(background, size=11):
        return ("local c = require('cadence').config_builder()\n"
                f"c.colors = {{ background = '{background}' }}\nc.font_size = {size}\nreturn c\n")

    save(config("#102030"))
    stats_path = os.path.join(work, "live-stats.json")
    proc = comp.launch([cadence, "--config", path, "--frame-stats", stats_path, "-e", "sh", "-c",
                        "sleep 60"], env={"HOME": work}, cwd=work)
    try:
        win = comp.wait_mapped(pid=proc.pid, timeout=60, process=proc)

        def corner():
            return comp.screenshot().pixel(win.rect[0] + win.rect[2] - 5,
                                           win.rect[1] + win.rect[3] - 5)

        def becomes(colour):
            return wait_for(lambda: corner() == colour, 10, 0.2)

        expect(becomes((0x10, 0x20, 0x30)), f"initial background {corner()}")
        first = stats_of(proc, stats_path)
        save(config("#302010", 14))
        expect(becomes((0x30, 0x20, 0x10)), f"the edit was not applied: {corner()}")
        s = stats_of(proc, stats_path)
        expect(s["config_generation"] == 2, f"generation {s['config_generation']}")
        expect(s["cell_height"] > first["cell_height"], "font_size 14 was not applied")

        save("local c = require('cadence').config_builder()\nc.colours = {}\nreturn c\n")

        def error_shown():
            n = comp.screenshot().color_histogram(win.rect).get((0xCD, 0x00, 0x00), 0)
            return n > 50

        expect(wait_for(error_shown, 10, 0.2), "the broken edit's error is not shown")
        expect(corner() == (0x30, 0x20, 0x10), "a broken edit changed the running configuration")
        expect(stats_of(proc, stats_path)["config_generation"] == 2, "a broken edit was applied")
        save(config("#203010"))
        expect(becomes((0x20, 0x30, 0x10)), f"fixing the file did not recover: {corner()}")
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)
    return "edits applied live (colours, font), a broken edit kept the config, a fix recovered"


def check_frame_log(comp, cadence, work):
    log_path = os.path.join(work, "frames.jsonl")
    term = Cadence(comp, cadence, work, "framelog",
                   ["sh", "-c", "while :; do date; sleep 0.1; done"],
                   extra=("--frame-log", log_path))
    try:
        time.sleep(1.0)
        comp.command(f"[pid={term.proc.pid}] move scratchpad")
        time.sleep(2.5)
        comp.command(f"[pid={term.proc.pid}] scratchpad show")
        time.sleep(0.5)
        term.stats()  # SIGUSR2 flushes the frame log too
        with open(log_path) as f:
            records = [json.loads(line) for line in f if line.strip()]
    finally:
        term.close()
    expect(len(records) >= 10, f"only {len(records)} frame records")
    frames = [r["frame"] for r in records]
    expect(frames == sorted(frames) and len(set(frames)) == len(frames),
           "frame numbers are not increasing")
    for key in ("snapshot_us", "glyphs_us", "draw_us", "swap_us", "delay_us", "stall"):
        expect(key in records[0], f"records lack {key}")
    hidden = [r for r in records if r["stall"] and r.get("cause") == "compositor"]
    expect(len(hidden) >= 2, "frames painted by the watchdog while hidden are not stalls "
           "attributed to the compositor: " + str([r.get("cause") for r in records if r["stall"]]))
    worst = max(r["delay_us"] for r in hidden)
    expect(worst >= 500000, f"a hidden window's stall lasted only {worst} us")
    return (f"{len(records)} frames logged; {len(hidden)} stalls attributed to the compositor "
            f"(longest {worst // 1000} ms)")


def check_key_repeat(comp, cadence, work):
    script = "stty raw -echo; printf 'ready\\r\\n'; dd bs=1 count=200 of=repeat.bin 2>/dev/null"
    term = Cadence(comp, cadence, work, "repeat", ["sh", "-c", script])
    try:
        expect(wait_for(lambda: term.stats()["bytes_parsed"] >= 7, 10), "the program did not start")
        # Press, hold 1.5 s, release: the compositor's delay (600 ms here) then its rate.
        comp._wtype(["-P", "x", "-s", "1500", "-p", "x"])
        path = os.path.join(work, "repeat.bin")
        time.sleep(0.5)
        got = read_text(path) or b""
        s = term.stats()
        expect(not s["repeat_armed"], "the repeat timer is still armed after the release")
    finally:
        term.close()
    got = read_text(path) or got
    expect(set(got) <= {ord("x")}, f"held x produced {got!r}")
    expect(len(got) >= 5, f"a 1.5 s hold produced only {len(got)} characters")
    return f"a 1.5 s hold of x produced {len(got)} characters"


def check_seat_hotplug(comp, cadence, work):
    term = Cadence(comp, cadence, work, "seats", ["sh", "-c", "sleep 60"])
    try:
        first = wait_for(lambda: (lambda s: s if s["paints"] > 0 else None)(term.stats()), 20)
        expect(first is not None, "cadence never painted")
        # sway creates a seat the first time a command names it: a new wl_seat global.
        comp.command("seat cadence-test-seat fallback false")
        s = wait_for(lambda: (lambda st: st if st["seats"] == first["seats"] + 1 else None)(
            term.stats()), 10)
        expect(s is not None, f"a seat added at run time was not bound (seats: "
               f"{first['seats']} -> {term.stats()['seats']})")
    finally:
        term.close()
    return f"seats {first['seats']} -> {s['seats']}"


def check_bell_urgency(comp, cadence, work):
    # sway's default for an activation request on a visible workspace is to focus the
    # window; ask it to mark the window urgent instead, as most users' setups do.
    comp.command("focus_on_window_activation urgent")
    ring = os.path.join(work, "ring")
    ringer = Cadence(comp, cadence, work, "ringer",
                     ["sh", "-c", f"while [ ! -e {ring} ]; do sleep 0.05; done; "
                                  "printf '\\a'; sleep 60"])
    other = None
    try:
        other = Cadence(comp, cadence, work, "other", ["sh", "-c", "sleep 60"])
        comp.command(f"[pid={other.proc.pid}] focus")
        open(ring, "w").close()

        def urgent():
            def walk(node):
                if node.get("pid") == ringer.proc.pid:
                    return node
                for child in node.get("nodes", []) + node.get("floating_nodes", []):
                    found = walk(child)
                    if found:
                        return found
                return None
            node = walk(comp.swaymsg(msg_type="get_tree"))
            return node if node and node.get("urgent") else None

        node = wait_for(urgent, 10, 0.2)
        expect(node is not None, "the bell did not mark the unfocused window urgent")
        expect(not node.get("focused"), "the ringing window was focused after all")
    finally:
        if other:
            other.close()
        ringer.close()
    return "bell in an unfocused window made it urgent"


def check_attributes(comp, cadence, work):
    # Runs of spaces, so only the decoration (or background) can put ink in a cell.
    rows = [
        ("\\033[4m    \\033[0m", "underline"),
        ("\\033[9m    \\033[0m", "strike"),
        ("\\033[53m    \\033[0m", "overline"),
        ("\\033[4:3m        \\033[0m", "curly"),
        ("\\033[4:4m        \\033[0m", "dotted"),
        ("\\033[7m    \\033[0m", "inverse"),
        ("\\033[8mXXXX\\033[0m", "invisible"),
        ("\\033[4:2;58;2;255;0;0m    \\033[0m", "double red"),
    ]
    script = "printf '\\033[2J\\033[H" + "\\n".join(r for r, _ in rows) + "'; sleep 60"
    term = Cadence(comp, cadence, work, "attrs", ["sh", "-c", script])
    try:
        s = wait_for(lambda: (lambda st: st if st["bytes_parsed"] > 0 else None)(term.stats()), 10)
        time.sleep(0.3)
        os.kill(term.proc.pid, signal.SIGUSR1)
        expect(wait_for(lambda: os.path.exists(term.png_path), 10), "no PNG")
        img = read_png(term.png_path)
        cw, ch, ox, oy = s["cell_width"], s["cell_height"], s["origin_x"], s["origin_y"]
        bg = img.pixel(img.width - 3, img.height - 3)
        fg = (0xD8, 0xD8, 0xD8)

        def ink_rows(row, cols=4):
            """The pixel rows of a text row that hold anything but background."""
            found = []
            for y in range(oy + row * ch, oy + (row + 1) * ch):
                if any(img.pixel(x, y) != bg for x in range(ox, ox + cols * cw)):
                    found.append(y - oy - row * ch)
            return found

        def ink_count(row, y, cols=8, colour=None):
            return sum(1 for x in range(ox, ox + cols * cw)
                       if (img.pixel(x, oy + row * ch + y) == colour if colour
                           else img.pixel(x, oy + row * ch + y) != bg))

        under, strike, over = ink_rows(0), ink_rows(1), ink_rows(2)
        expect(under and min(under) > ch // 2, f"underline rows {under}")
        expect(strike and ch // 4 < min(strike) and max(strike) < ch - ch // 4,
               f"strikethrough rows {strike}")
        expect(over and max(over) <= 1, f"overline rows {over}")
        curly = ink_rows(3, 8)
        expect(len(curly) >= 2 and min(curly) > ch // 2, f"curly underline rows {curly}")
        dotted = ink_rows(4, 8)
        expect(dotted and 0 < ink_count(4, dotted[0]) < 8 * cw * 3 // 4,
               f"dotted underline has no gaps: rows {dotted}")
        inverse = img.pixel(ox + cw, oy + 5 * ch + ch // 2)
        expect(inverse == fg, f"inverse cell background {inverse}")
        expect(not ink_rows(6), "invisible text was drawn")
        red = [y for y in range(ch) if ink_count(7, y, 4, (0xFF, 0x00, 0x00)) >= 4 * cw - 1]
        expect(len(red) >= 2 and max(red) - min(red) >= 2,
               f"double underline in the underline colour: rows {red}")
    finally:
        term.close()
    return "underline, strike, overline, curly, dotted, double+colour, inverse, invisible"


def hold_keyboard(comp, seconds):
    """Keeps a virtual keyboard on the seat for a while (wtype holding Shift), so windows
    get and keep keyboard focus: without any keyboard there is no focus to get."""
    return comp.launch(["wtype", "-M", "shift", "-s", str(int(seconds * 1000)), "-m", "shift"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def check_cursor_styles(comp, cadence, work):
    cursor = (0xD8, 0xD8, 0xD8)
    keyboard = hold_keyboard(comp, 30)
    found = {}
    for name, seq in (("block", "2"), ("bar", "6"), ("underline", "4")):
        term = Cadence(comp, cadence, work, f"cursor-{name}",
                       ["sh", "-c", f"printf '\\033[{seq} q'; sleep 60"])
        try:
            s = wait_for(lambda: (lambda st: st if st["focused"] else None)(term.stats()), 5)
            expect(s is not None, "the window never got keyboard focus")
            time.sleep(0.3)
            os.kill(term.proc.pid, signal.SIGUSR1)
            expect(wait_for(lambda: os.path.exists(term.png_path), 10), "no PNG")
            img = read_png(term.png_path)
            cw, ch, ox, oy = s["cell_width"], s["cell_height"], s["origin_x"], s["origin_y"]
            lit = [[img.pixel(ox + x, oy + y) == cursor for x in range(cw)] for y in range(ch)]
            found[name] = sum(map(sum, lit))
            if name == "block":
                expect(found[name] == cw * ch, f"block cursor covers {found[name]} of {cw * ch}")
            elif name == "bar":
                expect(all(row[0] for row in lit) and not any(row[cw - 1] for row in lit),
                       "bar cursor is not a bar at the cell's left")
            else:
                expect(all(lit[ch - 1]) and not any(lit[0]),
                       "underline cursor is not a line at the cell's bottom")
        finally:
            term.close()
    # Unfocused: the block is hollow (a frame around the cell).
    term = Cadence(comp, cadence, work, "cursor-unfocused", ["sh", "-c", "sleep 60"])
    other = None
    try:
        other = Cadence(comp, cadence, work, "cursor-other", ["sh", "-c", "sleep 60"])
        comp.command(f"[pid={other.proc.pid}] focus")
        s = wait_for(lambda: (lambda st: st if not st["focused"] and st["paints"] else None)(
            term.stats()), 5)
        expect(s is not None, "the first window kept keyboard focus")
        time.sleep(0.3)
        os.kill(term.proc.pid, signal.SIGUSR1)
        expect(wait_for(lambda: os.path.exists(term.png_path), 10), "no PNG")
        img = read_png(term.png_path)
        cw, ch, ox, oy = s["cell_width"], s["cell_height"], s["origin_x"], s["origin_y"]
        expect(img.pixel(ox, oy + ch // 2) == cursor and img.pixel(ox + cw // 2, oy + ch // 2) != cursor,
               "the unfocused cursor is not hollow")
    finally:
        if other:
            other.close()
        term.close()
        keyboard.kill()
        keyboard.wait()
    return "block {block}, bar {bar}, underline {underline} px lit; hollow when unfocused".format(
        **found)


def check_middle_click_and_wheel(comp, cadence, work):
    script = ("seq 1 100; printf 'PRIMARY-TEXT\\n'; stty raw -echo; "
              "dd bs=1 count=12 of=middle.bin 2>/dev/null; sleep 60")
    term = Cadence(comp, cadence, work, "middle", ["sh", "-c", script])
    send, close_pointer = pointer_session(comp)
    try:
        s = wait_for(lambda: (lambda st: st if st["bytes_parsed"] >= 305 else None)(term.stats()),
                     10)
        expect(s is not None, "the program did not print")
        time.sleep(0.3)
        # Wheel up three steps: the view goes back into the history, nothing is sent.
        x, y = cell_centre(term, s, 10, 10)
        send("move", x, y)
        send("scroll", -3)
        s = wait_for(lambda: (lambda st: st if st["scroll_offset"] > 0 else None)(term.stats()), 5)
        expect(s is not None, "the wheel did not scroll the history")
        offset = s["scroll_offset"]
        send("scroll", 3)
        s = wait_for(lambda: (lambda st: st if st["scroll_offset"] == 0 else None)(term.stats()), 5)
        expect(s is not None, "the wheel did not scroll back down")
        # Select the word on the last printed line, then middle-click to paste it.
        row = s["rows"] - 2
        px, py = cell_centre(term, s, 3, row)
        send("move", px, py)
        send("click", "left", "click", "left")
        send("sleep", 300, "click", "middle")
        got = wait_for(lambda: (lambda b: b if b and len(b) >= 12 else None)(
            read_text(os.path.join(work, "middle.bin"))), 10)
        expect(got == b"PRIMARY-TEXT", f"middle click pasted {got!r}")
    finally:
        close_pointer()
        term.close()
    return f"wheel scrolled {offset} lines and back; middle click pasted the selection"


def main():
    global POINTER, IME
    if len(sys.argv) != 4:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    cadence = os.path.abspath(sys.argv[1])
    POINTER = os.path.abspath(sys.argv[2])
    IME = os.path.abspath(sys.argv[3])
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="cadence-window-test-") as work:
            with headless.Compositor(1280, 720, timeout=60) as comp:
                for check in (check_typing_resize_paste, check_colours, check_idle,
                              check_exit_status, check_scrollback, check_font_size,
                              check_watchdog, check_scale, check_synchronized_output,
                              check_hyperlink_hover, check_client_side_decorations,
                              check_selection, check_mouse_reporting, check_input_method,
                              check_config, check_font_features, check_config_reload,
                              check_frame_log,
                              check_key_repeat, check_seat_hotplug,
                              check_bell_urgency,
                              check_attributes, check_middle_click_and_wheel,
                              check_cursor_styles):
                    start = time.monotonic()
                    results.append(f"{check.__name__}: {check(comp, cadence, work)} "
                                   f"({time.monotonic() - start:.1f} s)")
                    print("ok   " + results[-1], file=sys.stderr, flush=True)
    except (TestFailure, headless.BenchError, subprocess.TimeoutExpired) as e:
        print(f"FAIL cadence-window: {e}", file=sys.stderr)
        return 1
    print("PASS cadence-window\n  " + "\n  ".join(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
