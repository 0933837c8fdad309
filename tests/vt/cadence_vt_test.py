"""cadence-vt end to end: files and stdin, dumps, and --pty with replies going back.

Usage: cadence_vt_test.py PATH_TO_CADENCE_VT
"""
import json
import subprocess
import sys
import tempfile

VT = sys.argv[1]
failures = []
checks = 0


def check(name, cond, detail=""):
    global checks
    checks += 1
    if not cond:
        failures.append(f"{name}: {detail}")


def run(args, stdin=b"", timeout=30):
    return subprocess.run([VT] + args, input=stdin, capture_output=True, timeout=timeout)


# Text dump of stdin: blank cells at a row's end and trailing blank lines are dropped,
# spaces the program printed are kept (as xterm keeps them).
r = run(["--cols", "20", "--rows", "4"], b"one  \r\n\x1b[31mtwo\x1b[0m\x1b[5Cx\x1b[1D\x1b[K\r\n\r\n")
check("stdin text dump", r.returncode == 0 and r.stdout == b"one  \ntwo\n", repr(r.stdout))

# Files, in order, into one terminal.
with tempfile.NamedTemporaryFile() as a, tempfile.NamedTemporaryFile() as b:
    a.write(b"abc")
    a.flush()
    b.write(b"\x1b[2Ddef")
    b.flush()
    r = run(["--cols", "10", a.name, b.name])
    check("files in order", r.stdout == b"adef\n", repr(r.stdout))

# JSON: cells with colours, cursor, title, modes.
r = run(["--dump", "json", "--cols", "10", "--rows", "3"],
        b"\x1b]2;T\x07\x1b[?2004h\x1b[1;38;2;1;2;3mX")
doc = json.loads(r.stdout)
cell = doc["screen"][0]["cells"][0]
check("json cell", cell["text"] == "X" and cell["fg"] == "#010203" and "bold" in cell["attrs"], cell)
check("json cursor", doc["cursor"]["row"] == 0 and doc["cursor"]["col"] == 1, doc["cursor"])
check("json title", doc["title"] == "T", doc["title"])
check("json modes", "bracketed_paste" in doc["modes"], doc["modes"])

# Bad options are refused clearly.
r = run(["--cols", "0"])
check("bad cols", r.returncode == 2 and b"--cols" in r.stderr, r.stderr)
r = run(["--frobnicate"])
check("unknown option", r.returncode == 2 and b"unknown option" in r.stderr, r.stderr)
r = run(["/nonexistent/file"])
check("missing file", r.returncode == 1 and b"/nonexistent/file" in r.stderr, r.stderr)

# --pty: the window size reaches the program, its exit status is ours.
r = run(["--pty", "--cols", "50", "--rows", "7", "--", "sh", "-c", "stty size; exit 3"])
check("pty size and status", r.returncode == 3 and b"7 50" in r.stdout, (r.returncode, r.stdout))

# --pty: a program that queries the terminal gets the answer back on its stdin.
probe = (
    "import os,sys,termios,tty\n"
    "fd=sys.stdin.fileno(); tty.setraw(fd)\n"
    "os.write(1,b'\\x1b[3;5H\\x1b[6n')\n"
    "reply=b''\n"
    "while not reply.endswith(b'R'): reply+=os.read(fd,1)\n"
    "termios.tcsetattr(fd,termios.TCSANOW,termios.tcgetattr(fd))\n"
    "os.write(1,b'\\r\\ngot '+reply[1:]+b'\\r\\n')\n"
)
r = run(["--pty", "--cols", "40", "--rows", "6", "--", sys.executable, "-c", probe])
check("pty replies", r.returncode == 0 and b"got [3;5R" in r.stdout, (r.returncode, r.stdout))

# --pty: stdin is forwarded to the program.
r = run(["--pty", "--", "sh", "-c", "read line; echo \"read:$line\""], b"hello\n")
check("pty stdin", b"read:hello" in r.stdout, r.stdout)

r = run(["--pty", "--", "/nonexistent/program"])
check("pty exec failure", r.returncode == 127, r.returncode)

for f in failures:
    print("FAIL", f)
passed = checks - len(failures)
print(f"cadence-vt: {passed} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
