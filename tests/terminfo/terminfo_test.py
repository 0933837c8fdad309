"""The cadence terminfo entry against the emulation core.

Usage: terminfo_test.py CADENCE_VT TERMINFO_SOURCE

The entry is compiled with tic into a temporary directory and read back two ways:
`infocmp -1 -x cadence` lists every capability it holds, and Python's curses (ncurses
underneath) gives each capability's string and expands its parameters with tparm, as a
program using the entry would. Every listed capability must have a check here that feeds
its expansion to cadence-vt and looks at what the terminal did (the JSON dump: cells,
colours, attributes, cursor, modes, title), or, for queries, runs a small program on
cadence-vt's pty that sends the capability and reads the core's answer. A capability
without a check fails the test, so the entry cannot grow a promise nobody verified.

Key capabilities (k*, and km, PS/PE) describe what cadence sends rather than what it
does with what it receives; tests/ui/terminfo_keys_test.cpp checks those against the key,
mouse, focus and paste encoders. The few left unchecked are in UNCHECKED with the reason.
"""
import curses
import json
import os
import subprocess
import sys
import tempfile

VT = sys.argv[1]
SOURCE = sys.argv[2]

# Capabilities no check here can observe, and why.
UNCHECKED = {
    # cadence-vt reports no bell; the window's bell handling is tested under sway.
    "bel": "a bell has no trace in the terminal's state",
    # OSC 52 writes go to the window's clipboard, which cadence-vt does not have; the
    # window tests cover clipboard writes.
    "Ms": "clipboard writes leave the core through the observer only",
    # "No pad character": a statement that padding is not needed, nothing to observe.
    "npc": "states an absence (no padding)",
}
# Checked against the encoders by tests/ui/terminfo_keys_test.cpp.
INPUT_CAPS_PREFIX = "k"
INPUT_CAPS = {"km", "PS", "PE"}

ESC = "\x1b"
failures = []
failed_caps = set()


def fail(name, detail):
    failures.append(f"{name}: {detail}")
    failed_caps.add(name)


def vt(data, rows=6, cols=20, scrollback=100):
    r = subprocess.run(
        [VT, "--dump", "json", "--rows", str(rows), "--cols", str(cols), "--scrollback",
         str(scrollback)],
        input=data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data,
        capture_output=True, timeout=30)
    if r.returncode != 0:
        raise RuntimeError(f"cadence-vt failed: {r.stderr!r}")
    return json.loads(r.stdout)


def rows_text(doc, key="screen"):
    out = []
    for row in doc[key]:
        out.append("".join(c["text"] or " " for c in row["cells"]).rstrip())
    return out


def cell(doc, row, col):
    cells = doc["screen"][row]["cells"]
    # Wide cells are listed once; every cell this test writes is narrow.
    return cells[col] if col < len(cells) else {"text": "", "attrs": []}


def cursor(doc):
    return (doc["cursor"]["row"], doc["cursor"]["col"])


def query(data, reply_end, timeout=3.0):
    """Runs a program on cadence-vt's pty that writes `data` and returns what came back
    until `reply_end` (a byte string the reply ends with) or the timeout."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "reply")
        script = (
            "import os, select, sys, tty\n"
            "fd = sys.stdin.fileno()\n"
            "tty.setraw(fd)\n"
            f"os.write(1, {data.encode('latin-1')!r})\n"
            "buf = b''\n"
            f"while not buf.endswith({reply_end!r}):\n"
            f"    if not select.select([fd], [], [], {timeout})[0]: break\n"
            "    buf += os.read(fd, 4096)\n"
            f"open({out!r}, 'wb').write(buf)\n")
        r = subprocess.run([VT, "--pty", "--dump", "none", "--", sys.executable, "-c", script],
                           capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            raise RuntimeError(f"query program failed: {r.stderr!r}")
        with open(out, "rb") as f:
            return f.read()


def cap(name):
    s = curses.tigetstr(name)
    if s is None:
        raise KeyError(name)
    return s.decode("latin-1")


def tp_string(name, value):
    # curses.tparm takes numbers only; a capability with one string parameter (%p1%s)
    # is expanded here.
    s = cap(name)
    if s.count("%") != 2 or "%p1%s" not in s:
        raise ValueError(f"{name} is not a one-string-parameter capability: {s!r}")
    return s.replace("%p1%s", value)


def tp(name, *params):
    return curses.tparm(curses.tigetstr(name), *params).decode("latin-1")


def check(*names):
    def register(fn):
        for n in names:
            CHECKS[n] = fn
        return fn
    return register


CHECKS = {}
AT = ESC + "[3;6H"  # a known starting point: row 2, column 5 (0-based)

# ---- numbers and booleans


@check("cols", "lines")
def _size(name):
    doc = subprocess.run([VT, "--dump", "json"], input=b"", capture_output=True, timeout=30)
    d = json.loads(doc.stdout)
    expected = (curses.tigetnum("lines"), curses.tigetnum("cols"))
    if (d["rows"], d["cols"]) != expected:
        fail(name, f"the core's default size is {d['rows']}x{d['cols']}, entry says {expected}")


@check("it")
def _it(name):
    n = curses.tigetnum("it")
    doc = vt("\tX")
    if cursor(doc) != (0, n + 1):
        fail(name, f"first tab stop not at {n}: {cursor(doc)}")


@check("am")
def _am(name):
    doc = vt("a" * 21)
    if rows_text(doc)[:2] != ["a" * 20, "a"]:
        fail(name, rows_text(doc))


@check("xenl")
def _xenl(name):
    doc = vt("a" * 20)
    if cursor(doc) != (0, 19):
        fail(name, f"cursor after a full row: {cursor(doc)}")
    doc = vt("a" * 20 + "\r\nb")
    if rows_text(doc)[:3] != ["a" * 20, "b", ""]:
        fail(name, f"newline after a full row moved twice: {rows_text(doc)}")


@check("bce")
def _bce(name):
    doc = vt("abc" + tp("setab", 4) + "\r" + cap("el"))
    c = cell(doc, 0, 10)
    if c.get("bg") != 4:
        fail(name, f"erased cell has no background colour: {c}")


@check("AX")
def _ax(name):
    doc = vt(tp("setaf", 1) + ESC + "[39mx")
    if "fg" in cell(doc, 0, 0):
        fail(name, "SGR 39 did not restore the default foreground")


@check("XT", "TS", "tsl", "fsl", "hs")
def _title(name):
    for start in (cap("tsl"), cap("TS")):
        doc = vt(start + "hello" + cap("fsl"))
        if doc["title"] != "hello":
            fail(name, f"title {doc['title']!r} after {start!r}")


@check("dsl")
def _dsl(name):
    doc = vt(cap("tsl") + "x" + cap("fsl") + cap("dsl"))
    if doc["title"] != "":
        fail(name, f"title {doc['title']!r} after dsl")


@check("msgr")
def _msgr(name):
    doc = vt(cap("smso") + "a" + tp("cup", 3, 7) + "b")
    if cell(doc, 3, 7).get("text") != "b" or "inverse" not in cell(doc, 3, 7)["attrs"]:
        fail(name, "moving in standout mode lost the mode or misplaced text")
    if rows_text(doc)[0] != "a":
        fail(name, f"moving in standout mode wrote cells: {rows_text(doc)}")


@check("mir")
def _mir(name):
    doc = vt("abcdef\r\nxyz" + cap("smir") + tp("cup", 0, 1) + "Q")
    if rows_text(doc)[:2] != ["aQbcdef", "xyz"]:
        fail(name, rows_text(doc))


# ---- cursor motion


def moves(name, data, expected, start=AT):
    doc = vt(start + data)
    if cursor(doc) != expected:
        fail(name, f"cursor {cursor(doc)}, expected {expected}")


@check("cr")
def _cr(name):
    doc = vt("abc" + cap("cr") + "X")
    if rows_text(doc)[0] != "Xbc":
        fail(name, rows_text(doc)[0])


check("cub")(lambda n: moves(n, tp("cub", 3), (2, 2)))
check("cub1")(lambda n: moves(n, cap("cub1"), (2, 4)))
check("cud")(lambda n: moves(n, tp("cud", 2), (4, 5)))
check("cud1")(lambda n: moves(n, cap("cud1"), (3, 5)))
check("cuf")(lambda n: moves(n, tp("cuf", 4), (2, 9)))
check("cuf1")(lambda n: moves(n, cap("cuf1"), (2, 6)))
check("cup")(lambda n: moves(n, tp("cup", 4, 11), (4, 11)))
check("cuu")(lambda n: moves(n, tp("cuu", 2), (0, 5)))
check("cuu1")(lambda n: moves(n, cap("cuu1"), (1, 5)))
check("home")(lambda n: moves(n, cap("home"), (0, 0)))
check("hpa")(lambda n: moves(n, tp("hpa", 13), (2, 13)))
check("vpa")(lambda n: moves(n, tp("vpa", 4), (4, 5)))
check("nel")(lambda n: moves(n, cap("nel"), (3, 0)))
check("sc", "rc")(lambda n: moves(n, cap("sc") + tp("cup", 0, 0) + "xx" + cap("rc"), (2, 5)))

# ---- queries and their reply formats


@check("u7", "u6")
def _cpr(name):
    reply = query(tp("cup", 4, 9) + cap("u7"), b"R").decode("latin-1")
    # u6 describes the report: CSI row;col R, one-based (%i).
    expected = ESC + "[5;10R"
    if reply != expected:
        fail(name, f"cursor report {reply!r}, expected {expected!r}")
    fmt = cap("u6")
    if fmt != ESC + "[%i%d;%dR":
        fail(name, f"u6 {fmt!r} does not describe the report")


@check("u9", "u8")
def _da(name):
    reply = query(cap("u9"), b"c").decode("latin-1")
    # u8 is the answer's shape: CSI ? then digits and semicolons, then c.
    body = reply[3:-1] if reply.startswith(ESC + "[?") and reply.endswith("c") else None
    if body is None or not body or any(ch not in "0123456789;" for ch in body):
        fail(name, f"device attributes answer {reply!r} does not match u8 {cap('u8')!r}")


@check("initc", "ccc")
def _initc(name):
    reply = query(tp("initc", 3, 1000, 500, 0) + ESC + "]4;3;?" + ESC + "\\", b"\\")
    if b"rgb:ffff/7f7f/0000" not in reply and b"rgb:ff/7f/00" not in reply:
        fail(name, f"palette 3 after initc: {reply!r}")


@check("oc")
def _oc(name):
    reply = query(tp("initc", 3, 1000, 500, 0) + cap("oc") + ESC + "]4;3;?" + ESC + "\\", b"\\")
    if b"7f7f/0000" in reply or b"4;3;" not in reply:
        fail(name, f"palette 3 not reset by oc: {reply!r}")


@check("rs1")
def _rs1(name):
    reply = query("junk" + tp("initc", 3, 1000, 500, 0) + cap("rs1") + ESC + "]4;3;?" + ESC +
                  "\\", b"\\")
    if b"7f7f/0000" in reply or b"4;3;" not in reply:
        fail(name, f"palette 3 not reset by rs1: {reply!r}")
    doc = vt("junk" + cap("smir") + cap("rs1"))
    if rows_text(doc)[0] != "" or "insert" in doc["modes"]:
        fail(name, "rs1 left the screen or the modes as they were")


@check("Cs", "Cr")
def _cursor_color(name):
    reply = query(tp_string("Cs", "#102030") + ESC + "]12;?" + ESC + "\\", b"\\")
    if b"1010/2020/3030" not in reply and b"10/20/30" not in reply:
        fail(name, f"cursor colour after Cs: {reply!r}")
    reply = query(tp_string("Cs", "#102030") + cap("Cr") + ESC + "]12;?" + ESC + "\\", b"\\")
    if b"1010/2020/3030" in reply or b"]12;" not in reply:
        fail(name, f"cursor colour not reset by Cr: {reply!r}")


@check("fullkbd")
def _fullkbd(name):
    reply = query(ESC + "[>1u" + ESC + "[?u", b"u")
    if reply != b"\x1b[?1u":
        fail(name, f"kitty keyboard flags after CSI > 1 u: {reply!r}")

# ---- tabs


@check("ht")
def _ht(name):
    doc = vt(cap("ht") + cap("ht") + "X")
    if cell(doc, 0, 16).get("text") != "X":
        fail(name, rows_text(doc)[0])


@check("hts")
def _hts(name):
    doc = vt(tp("hpa", 3) + cap("hts") + "\r" + cap("ht") + "X")
    if cell(doc, 0, 3).get("text") != "X":
        fail(name, rows_text(doc)[0])


@check("tbc")
def _tbc(name):
    doc = vt(cap("tbc") + "\r" + cap("ht"))
    if cursor(doc) != (0, 19):
        fail(name, f"tab after clearing every stop went to {cursor(doc)}")


@check("cbt")
def _cbt(name):
    moves(name, tp("hpa", 12) + cap("cbt"), (0, 8), start="")

# ---- erasing and editing

LINES = "0123456789\r\nabcdefghij\r\nABCDEFGHIJ\r\nklmnopqrst"


def edits(name, data, expected, start_text=LINES):
    doc = vt(start_text + data)
    got = rows_text(doc)[:len(expected)]
    if got != expected:
        fail(name, f"{got}, expected {expected}")


check("clear")(lambda n: (edits(n, cap("clear"), ["", "", "", ""]),
                          moves(n, cap("clear"), (0, 0))))
check("ed")(lambda n: edits(n, tp("cup", 1, 3) + cap("ed"), ["0123456789", "abc", "", ""]))
check("el")(lambda n: edits(n, tp("cup", 1, 3) + cap("el"), ["0123456789", "abc", "ABCDEFGHIJ"]))
check("el1")(lambda n: edits(n, tp("cup", 1, 3) + cap("el1"),
                             ["0123456789", "    efghij", "ABCDEFGHIJ"]))
check("ech")(lambda n: edits(n, tp("cup", 1, 3) + tp("ech", 2), ["0123456789", "abc  fghij"]))
check("dch")(lambda n: edits(n, tp("cup", 1, 3) + tp("dch", 2), ["0123456789", "abcfghij"]))
check("dch1")(lambda n: edits(n, tp("cup", 1, 3) + cap("dch1"), ["0123456789", "abcefghij"]))
check("ich")(lambda n: edits(n, tp("cup", 1, 3) + tp("ich", 2), ["0123456789", "abc  defghij"]))
check("dl")(lambda n: edits(n, tp("cup", 1, 3) + tp("dl", 2), ["0123456789", "klmnopqrst", ""]))
check("dl1")(lambda n: edits(n, tp("cup", 1, 3) + cap("dl1"),
                             ["0123456789", "ABCDEFGHIJ", "klmnopqrst"]))
check("il")(lambda n: edits(n, tp("cup", 1, 3) + tp("il", 2),
                            ["0123456789", "", "", "abcdefghij", "ABCDEFGHIJ"]))
check("il1")(lambda n: edits(n, tp("cup", 1, 3) + cap("il1"), ["0123456789", "", "abcdefghij"]))
check("rep")(lambda n: edits(n, tp("rep", ord("x"), 4), ["xxxx"], start_text=""))


@check("smir", "rmir")
def _insert(name):
    edits(name, "\r" + cap("smir") + "XY" + cap("rmir") + "Z", ["XYZ123456789"],
          start_text="0123456789")
    doc = vt(cap("smir"))
    if "insert" not in doc["modes"]:
        fail(name, doc["modes"])


@check("E3")
def _e3(name):
    doc = vt("\r\n".join(str(i) for i in range(20)) + cap("E3"))
    if doc["scrollback"]:
        fail(name, f"{len(doc['scrollback'])} lines of scrollback left")

# ---- scrolling and margins


@check("csr")
def _csr(name):
    doc = vt(LINES + tp("csr", 1, 2) + tp("cup", 2, 0) + "\n")
    got = rows_text(doc)[:4]
    if got != ["0123456789", "ABCDEFGHIJ", "", "klmnopqrst"]:
        fail(name, got)


check("ind")(lambda n: edits(n, tp("cup", 5, 0) + cap("ind"),
                             ["abcdefghij", "ABCDEFGHIJ", "klmnopqrst"]))
check("indn")(lambda n: edits(n, tp("indn", 2), ["ABCDEFGHIJ", "klmnopqrst", ""]))
check("ri")(lambda n: edits(n, cap("home") + cap("ri"), ["", "0123456789", "abcdefghij"]))
check("rin")(lambda n: edits(n, tp("rin", 2), ["", "", "0123456789"]))


@check("smglr", "mgc")
def _smglr(name):
    doc = vt(tp("smglr", 2, 5) + tp("cup", 0, 2) + "abcdefg")
    if rows_text(doc)[:2] != ["  abcd", "  efg"] or "left_right_margins" not in doc["modes"]:
        fail(name, f"{rows_text(doc)[:2]} {doc['modes']}")
    doc = vt(tp("smglr", 2, 5) + cap("mgc") + tp("cup", 0, 2) + "abcdefg")
    if rows_text(doc)[0] != "  abcdefg" or "left_right_margins" in doc["modes"]:
        fail(name, f"mgc: {rows_text(doc)[:2]} {doc['modes']}")


@check("smglp")
def _smglp(name):
    doc = vt(tp("smglp", 3) + tp("cup", 0, 3) + "x" + "\r" + "y")
    if rows_text(doc)[0] != "   y":
        fail(name, rows_text(doc)[0])


@check("smgrp")
def _smgrp(name):
    doc = vt(tp("smgrp", 4) + tp("cup", 0, 0) + "abcdefg")
    if rows_text(doc)[:2] != ["abcde", "fg"]:
        fail(name, rows_text(doc)[:2])

# ---- modes


def mode_toggle(name, on, off, mode):
    if mode not in vt(cap(on))["modes"]:
        fail(name, f"{on} did not set {mode}")
    if mode in vt(cap(on) + cap(off))["modes"]:
        fail(name, f"{off} did not clear {mode}")




@check("smam", "rmam")
def _autowrap(name):
    # Autowrap is on from the start, so the toggle runs the other way round.
    if "autowrap" in vt(cap("rmam"))["modes"]:
        fail(name, "rmam left autowrap on")
    if "autowrap" not in vt(cap("rmam") + cap("smam"))["modes"]:
        fail(name, "smam did not turn autowrap back on")
    edits(name, cap("rmam") + "a" * 25, ["a" * 20, ""], start_text="")


check("smkx", "rmkx")(lambda n: (
    mode_toggle(n, "smkx", "rmkx", "cursor_keys_application"),
    mode_toggle(n, "smkx", "rmkx", "keypad_application")))
check("Sync")(lambda n: (
    "synchronized_output" not in vt(tp("Sync", 1))["modes"] and fail(n, "Sync(1) did not begin"),
    "synchronized_output" in vt(tp("Sync", 1) + tp("Sync", 2))["modes"] and fail(n, "Sync(2)")))
check("BE", "BD")(lambda n: mode_toggle(n, "BE", "BD", "bracketed_paste"))
check("fe", "fd")(lambda n: mode_toggle(n, "fe", "fd", "focus_events"))
check("XM")(lambda n: (
    not {"mouse_normal", "mouse_sgr"} <= set(vt(tp("XM", 1))["modes"]) and fail(n, "XM(1)"),
    {"mouse_normal", "mouse_sgr"} & set(vt(tp("XM", 1) + tp("XM", 0))["modes"]) and
    fail(n, "XM(0)")))


@check("smcup", "rmcup")
def _alt(name):
    doc = vt("primary" + tsl_title("one") + cap("smcup") + "alt" + tsl_title("two"))
    if "alt_screen" not in doc["modes"] or rows_text(doc)[0].strip() != "alt":
        fail(name, f"smcup: {rows_text(doc)[0]!r} {doc['modes']}")
    doc = vt("primary" + tsl_title("one") + cap("smcup") + "alt" + tsl_title("two") +
             cap("rmcup"))
    if "alt_screen" in doc["modes"] or rows_text(doc)[0] != "primary":
        fail(name, f"rmcup: {rows_text(doc)[0]!r} {doc['modes']}")
    if doc["title"] != "one":
        fail(name, f"the title pushed by smcup was not restored: {doc['title']!r}")


def tsl_title(t):
    return cap("tsl") + t + cap("fsl")


@check("civis", "cnorm", "cvvis")
def _cursor_vis(name):
    if vt(cap("civis"))["cursor"]["visible"]:
        fail(name, "civis")
    d = vt(cap("civis") + cap("cnorm"))["cursor"]
    if not d["visible"]:
        fail(name, "cnorm")
    d = vt(cap("cvvis"))["cursor"]
    if not d["visible"] or not d["blink"]:
        fail(name, f"cvvis: {d}")
    d = vt(cap("cvvis") + cap("cnorm"))["cursor"]
    if d["blink"]:
        fail(name, f"cnorm left the cursor blinking: {d}")


@check("is2", "rs2")
def _soft_reset(name):
    for c in ("is2", "rs2"):
        doc = vt(cap("smir") + cap("smkx") + ESC + "[?6h" + "x" + cap(c))
        left = {"insert", "keypad_application", "origin"} & set(doc["modes"])
        if left:
            fail(name, f"{c} left {left} on")

# ---- character sets

DEC_GRAPHICS = {
    "`": "◆", "a": "▒", "f": "°", "g": "±", "i": "␋", "j": "┘", "k": "┐", "l": "┌",
    "m": "└", "n": "┼", "o": "⎺", "p": "⎻", "q": "─", "r": "⎼", "s": "⎽", "t": "├",
    "u": "┤", "v": "┴", "w": "┬", "x": "│", "y": "≤", "z": "≥", "{": "π", "|": "≠",
    "}": "£", "~": "·",
}


@check("acsc", "smacs", "rmacs")
def _acs(name):
    pairs = cap("acsc")
    keys = "".join(pairs[i + 1] for i in range(0, len(pairs), 2))
    doc = vt(cap("smacs") + keys + cap("rmacs") + "q", cols=40)
    row = doc["screen"][0]["cells"]
    for i, k in enumerate(keys):
        want = DEC_GRAPHICS.get(k)
        if want is None or row[i]["text"] != want:
            fail(name, f"ACS {k!r} drew {row[i]['text']!r}, expected {want!r}")
    if row[len(keys)]["text"] != "q":
        fail(name, "rmacs did not return to ASCII")

# ---- attributes and colours


def attr_check(name, on, attr, off=None):
    doc = vt(cap(on) + "a" + (cap(off) + "b" if off else ""))
    if attr not in cell(doc, 0, 0)["attrs"]:
        fail(name, f"{on}: {cell(doc, 0, 0)}")
    if off and attr in cell(doc, 0, 1)["attrs"]:
        fail(name, f"{off} left {attr} on")


check("blink")(lambda n: attr_check(n, "blink", "blink"))
check("bold")(lambda n: attr_check(n, "bold", "bold"))
check("dim")(lambda n: attr_check(n, "dim", "faint"))
check("invis")(lambda n: attr_check(n, "invis", "invisible"))
check("rev")(lambda n: attr_check(n, "rev", "inverse"))
check("sitm", "ritm")(lambda n: attr_check(n, "sitm", "italic", "ritm"))
check("smso", "rmso")(lambda n: attr_check(n, "smso", "inverse", "rmso"))
check("smxx", "rmxx")(lambda n: attr_check(n, "smxx", "strikethrough", "rmxx"))
check("Smol", "Rmol")(lambda n: attr_check(n, "Smol", "overline", "Rmol"))


@check("smul", "rmul")
def _ul(name):
    doc = vt(cap("smul") + "a" + cap("rmul") + "b")
    if cell(doc, 0, 0).get("underline") != "single" or "underline" in cell(doc, 0, 1):
        fail(name, doc["screen"][0])


@check("sgr0")
def _sgr0(name):
    doc = vt(cap("bold") + cap("rev") + tp("setaf", 2) + cap("smacs") + cap("sgr0") + "q")
    c = cell(doc, 0, 0)
    if c["attrs"] or "fg" in c or c["text"] != "q":
        fail(name, c)


@check("sgr")
def _sgr(name):
    # p1 standout, p2 underline, p3 reverse, p4 blink, p5 dim, p6 bold, p7 invisible,
    # p8 protect, p9 alternate character set.
    doc = vt(tp("sgr", 0, 1, 0, 1, 0, 1, 0, 0, 1) + "q" + tp("sgr", 0, 0, 0, 0, 0, 0, 0, 0, 0) +
             "q")
    a, b = cell(doc, 0, 0), cell(doc, 0, 1)
    if set(a["attrs"]) != {"blink", "bold"} or a.get("underline") != "single" or a["text"] != "─":
        fail(name, f"sgr with underline, blink, bold, acs: {a}")
    if b["attrs"] or "underline" in b or b["text"] != "q":
        fail(name, f"sgr with nothing: {b}")
    doc = vt(tp("sgr", 1, 0, 0, 0, 1, 0, 1, 0, 0) + "x")
    if set(cell(doc, 0, 0)["attrs"]) != {"inverse", "faint", "invisible"}:
        fail(name, f"sgr standout, dim, invisible: {cell(doc, 0, 0)}")


@check("setaf", "setab", "colors", "pairs", "op")
def _colors(name):
    n = curses.tigetnum("colors")
    for i in (0, 7, 8, 15, 16, 200, n - 1):
        doc = vt(tp("setaf", i) + tp("setab", (i + 1) % n) + "x" + cap("op") + "y")
        a, b = cell(doc, 0, 0), cell(doc, 0, 1)
        if a.get("fg") != i or a.get("bg") != (i + 1) % n:
            fail(name, f"colour {i}: {a}")
        if "fg" in b or "bg" in b:
            fail(name, f"op left colours: {b}")
    if curses.tigetnum("pairs") < n * n:
        fail(name, "pairs is smaller than every foreground/background combination")


@check("RGB", "Tc", "setrgbf", "setrgbb")
def _rgb(name):
    if cap("RGB") != "8/8/8" or curses.tigetflag("Tc") != 1:
        fail(name, "RGB/Tc do not promise 8 bits per channel")
    doc = vt(tp("setrgbf", 1, 2, 3) + tp("setrgbb", 250, 128, 0) + "x")
    c = cell(doc, 0, 0)
    if c.get("fg") != "#010203" or c.get("bg") != "#fa8000":
        fail(name, c)


@check("Smulx")
def _smulx(name):
    styles = {0: None, 1: "single", 2: "double", 3: "curly", 4: "dotted", 5: "dashed"}
    for n, style in styles.items():
        doc = vt(cap("smul") + tp("Smulx", n) + "x")
        if cell(doc, 0, 0).get("underline") != style:
            fail(name, f"Smulx {n}: {cell(doc, 0, 0)}")


@check("Setulc")
def _setulc(name):
    doc = vt(cap("smul") + tp("Setulc", 0x10A0FF) + "x")
    if cell(doc, 0, 0).get("underline_color") != "#10a0ff":
        fail(name, cell(doc, 0, 0))


@check("Ss", "Se")
def _ss(name):
    shapes = {1: ("block", True), 2: ("block", False), 3: ("underline", True),
              4: ("underline", False), 5: ("bar", True), 6: ("bar", False)}
    for n, (shape, blink) in shapes.items():
        d = vt(tp("Ss", n))["cursor"]
        if (d["style"], d["blink"]) != (shape, blink):
            fail(name, f"Ss {n}: {d}")
    d = vt(tp("Ss", 5) + cap("Se"))["cursor"]
    if (d["style"], d["blink"]) != ("block", False):
        fail(name, f"Se: {d}")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run(["tic", "-x", "-o", tmp, SOURCE], capture_output=True, text=True)
        if r.returncode != 0:
            print(f"tic refused {SOURCE}: {r.stderr}")
            return 1
        env = dict(os.environ, TERMINFO=tmp)
        r = subprocess.run(["infocmp", "-1", "-x", "cadence"], capture_output=True, text=True,
                           env=env)
        if r.returncode != 0:
            print(f"infocmp cannot read the compiled entry: {r.stderr}")
            return 1
        names = []
        for line in r.stdout.splitlines():
            line = line.strip()
            if not line or line.startswith("#") or "|" in line:
                continue
            token = line.rstrip(",")
            names.append(token.split("=")[0].split("#")[0])
        os.environ["TERMINFO"] = tmp
        curses.setupterm("cadence", sys.stdout.fileno() if sys.stdout.isatty() else 1)
        ran = set()
        for n in names:
            if n in UNCHECKED:
                continue
            if n.startswith(INPUT_CAPS_PREFIX) or n in INPUT_CAPS:
                continue
            fn = CHECKS.get(n)
            if fn is None:
                fail(n, "no check for this capability")
                continue
            if fn in ran:
                continue
            ran.add(fn)
            try:
                fn(n)
            except Exception as e:  # a check that cannot run is a failure, with its cause
                fail(n, f"{type(e).__name__}: {e}")
        stale = [n for n in UNCHECKED if n not in names]
        for n in stale:
            fail(n, "listed as unchecked but not in the entry")
        print(f"{len(names)} capabilities, {len(ran)} checks run, "
              f"{len(UNCHECKED)} unchecked: {', '.join(sorted(UNCHECKED))}")
    for f in failures:
        print("FAIL", f)
    print(f"{len(names) - len(failed_caps)} passed, {len(failed_caps)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
