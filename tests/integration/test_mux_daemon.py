#!/usr/bin/env python3
"""cadence-mux as a daemon, from the outside.

    test_mux_daemon.py PATH/TO/cadence-mux

Runs with its own XDG_RUNTIME_DIR: --daemonize returns once the socket listens, in a
0700 directory with a 0600 socket, a pid file naming the live daemon and a log file; a
second daemon on the same socket is refused by name; `--stdio` carries a Hello to the
daemon and its answers back (the protocol's frames are built here by hand, uncompressed);
`--stdio` with no daemon starts one; SIGTERM shuts the daemon down cleanly, removing the
socket and the pid file; usage errors exit 2. Every process started here is ended by
its pid, and the test fails if one survives.
"""

import os
import signal
import stat
import struct
import subprocess
import sys
import tempfile
import time


class TestFailure(Exception):
    pass


def expect(cond, message, result=None):
    if not cond:
        if result is not None:
            message += (
                f"\n  status {result.returncode}\n  stdout: {result.stdout!r}"
                f"\n  stderr: {result.stderr!r}"
            )
        raise TestFailure(message)


HELLO, HELLO_REPLY, ERROR, PANE_LIST = 1, 2, 3, 11


def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def frame(serial, pdu_type, payload):
    return struct.pack("<IQHB", len(payload), serial, pdu_type, 0) + payload


def hello(name=b"integration test", version=1):
    # No feature bits: the answers come uncompressed, so this script can read them.
    return frame(1, HELLO, varint(version) + struct.pack("<Q", 0) + varint(len(name)) + name)


def frames(data):
    """(serial, type, flags, payload) of each whole frame in data."""
    out = []
    while len(data) >= 15:
        length, serial, pdu_type, flags = struct.unpack("<IQHB", data[:15])
        if len(data) < 15 + length:
            break
        out.append((serial, pdu_type, flags, data[15 : 15 + length]))
        data = data[15 + length :]
    return out


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purposes.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_gone(pid, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.02)
    return False


class Daemons:
    """Every daemon pid seen, so none outlives the test."""

    def __init__(self):
        self.pids = set()

    def note(self, pid_file):
        with open(pid_file) as f:
            pid = int(f.read().strip())
        self.pids.add(pid)
        return pid

    def stop_all(self):
        survivors = []
        for pid in self.pids:
            if alive(pid):
                os.kill(pid, signal.SIGTERM)
                if not wait_gone(pid):
                    os.kill(pid, signal.SIGKILL)
                    survivors.append(pid)
        return survivors


def run(argv, env, stdin=None, timeout=30):
    return subprocess.run(argv, env=env, input=stdin, capture_output=True, timeout=timeout)


def stdio_hello(mux, env):
    """Sends a Hello through --stdio and returns the frames that came back."""
    p = subprocess.Popen(
        [mux, "--stdio"], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        p.stdin.write(hello())
        p.stdin.flush()
        got = b""
        deadline = time.monotonic() + 10
        os.set_blocking(p.stdout.fileno(), False)
        while time.monotonic() < deadline:
            chunk = p.stdout.read()
            if chunk:
                got += chunk
            types = [t for (_, t, _, _) in frames(got)]
            if HELLO_REPLY in types and PANE_LIST in types:
                break
            time.sleep(0.01)
        # The end of stdin ends the session: the bridge closes its side and exits.
        p.stdin.close()
        p.wait(timeout=10)
        return frames(got), p.returncode
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def check(mux):
    runtime = tempfile.mkdtemp(prefix="cadence-mux-it-")
    os.chmod(runtime, 0o700)
    env = dict(os.environ, XDG_RUNTIME_DIR=runtime, CADENCE_LOG="info")
    sock_dir = os.path.join(runtime, "cadence")
    sock = os.path.join(sock_dir, "mux.sock")
    pid_file = os.path.join(sock_dir, "mux.pid")
    daemons = Daemons()
    try:
        r = run([mux, "--no-such-option"], env)
        expect(r.returncode == 2 and b"--no-such-option" in r.stderr, "usage error", r)
        r = run([mux, "--help"], env)
        expect(r.returncode == 0 and r.stdout.startswith(b"usage: cadence-mux"), "--help", r)
        r = run([mux], dict(env, XDG_RUNTIME_DIR=""))
        expect(r.returncode == 1 and b"XDG_RUNTIME_DIR" in r.stderr, "no runtime dir", r)

        r = run([mux, "--daemonize"], env)
        expect(r.returncode == 0, "--daemonize", r)
        expect(os.path.exists(sock), "no socket after --daemonize returned")
        expect(stat.S_IMODE(os.stat(sock_dir).st_mode) == 0o700, "socket directory not 0700")
        expect(stat.S_IMODE(os.stat(sock).st_mode) == 0o600, "socket not 0600")
        pid = daemons.note(pid_file)
        expect(alive(pid), "the pid file does not name a live daemon")
        expect(os.path.exists(os.path.join(sock_dir, "mux.log")), "no log file")

        r = run([mux, "--daemonize"], env)
        expect(r.returncode == 1 and b"already running" in r.stderr, "a second daemon", r)
        expect(alive(pid), "the first daemon died when a second was refused")

        got, status = stdio_hello(mux, env)
        types = [t for (_, t, _, _) in got]
        expect(status == 0, f"--stdio exited with {status}")
        expect(types[:2] == [HELLO_REPLY, PANE_LIST], f"--stdio answers: {types}")
        # The payload ends with the name, then the 8-byte instance id.
        expect(got[0][3][:-8].endswith(b"cadence-mux"), "HelloReply does not name the server")

        # A peer speaking another protocol version is told so and dropped; the daemon stays.
        p = subprocess.run([mux, "--stdio"], env=env, input=hello(version=9),
                           capture_output=True, timeout=20)
        answers = frames(p.stdout)
        expect(answers and answers[0][1] == ERROR and b"version 9" in answers[0][3],
               f"version mismatch answer: {answers}")
        expect(alive(pid), "the daemon died after a bad peer")

        os.kill(pid, signal.SIGTERM)
        expect(wait_gone(pid), "the daemon ignored SIGTERM")
        expect(not os.path.exists(sock), "socket left after SIGTERM")
        expect(not os.path.exists(pid_file), "pid file left after SIGTERM")
        with open(os.path.join(sock_dir, "mux.log")) as f:
            log = f.read()
        expect("shutting down" in log, "the log does not say why it stopped:\n" + log)

        # --stdio with nothing running starts the daemon itself.
        got, status = stdio_hello(mux, env)
        expect(status == 0 and [t for (_, t, _, _) in got][:1] == [HELLO_REPLY],
               "--stdio did not start a daemon")
        pid = daemons.note(pid_file)
        expect(alive(pid), "the daemon --stdio started is not running")
        os.kill(pid, signal.SIGTERM)
        expect(wait_gone(pid), "the started daemon ignored SIGTERM")

        # A path that is not a socket is not ours to replace.
        os.makedirs(sock_dir, exist_ok=True)
        with open(sock, "w") as f:
            f.write("not a socket")
        r = run([mux, "--daemonize"], env)
        expect(r.returncode == 1 and b"not a socket" in r.stderr, "a file at the socket path", r)
        os.unlink(sock)
    finally:
        survivors = daemons.stop_all()
        subprocess.run(["rm", "-rf", runtime])
    expect(not survivors, f"daemons survived: {survivors}")


def main():
    if len(sys.argv) != 2:
        print("usage: test_mux_daemon.py PATH/TO/cadence-mux", file=sys.stderr)
        return 2
    try:
        check(sys.argv[1])
    except TestFailure as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
