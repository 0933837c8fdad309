"""cadence-test-proxy measured through itself: delay, bandwidth, cut/refuse/restore, stats.

Timing on a shared machine is noisy, so each check asserts its lower bound strictly (the
proxy must never deliver early or faster than the limit) and its upper bound loosely.

Usage: test_proxy_test.py PATH_TO_CADENCE_TEST_PROXY
"""
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

PROXY = sys.argv[1]
failures = []
checks = 0


def check(name, cond, detail=""):
    global checks
    checks += 1
    if not cond:
        failures.append(f"{name}: {detail}")


class EchoServer:
    """Echoes every byte back; 'sink' mode counts bytes and answers with the count at EOF."""

    def __init__(self, path, sink=False):
        if isinstance(path, tuple):
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        else:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.address = self.sock.getsockname()
        self.sock.listen(16)
        self.sink = sink
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.handle, args=(conn,), daemon=True).start()

    def handle(self, conn):
        total = 0
        with conn:
            while True:
                try:
                    data = conn.recv(65536)
                except OSError:
                    return
                if not data:
                    break
                total += len(data)
                if not self.sink:
                    try:
                        conn.sendall(data)
                    except OSError:
                        return
            if self.sink:
                conn.sendall(str(total).encode())


class Proxy:
    def __init__(self, listen, target, *args):
        self.p = subprocess.Popen(
            [PROXY, "--listen", listen if ":" in listen else f"unix:{listen}",
             "--connect", target if ":" in target else f"unix:{target}", *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.p.stdout.readline()
        assert line.startswith("listening "), line
        shown = line.split()[1]
        if shown.startswith("tcp:"):
            host, port = shown[4:].rsplit(":", 1)
            self.path, self.family = (host, int(port)), socket.AF_INET
        else:
            self.path, self.family = shown[5:], socket.AF_UNIX

    def command(self, text):
        self.p.stdin.write(text + "\n")
        self.p.stdin.flush()
        reply = self.p.stdout.readline().strip()
        return reply

    def connect(self):
        s = socket.socket(self.family, socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect(self.path)
        return s

    def stop(self):
        self.p.send_signal(15)
        out, _ = self.p.communicate(timeout=10)
        return out, self.p.returncode


def rtt(sock, size=64):
    payload = os.urandom(size)
    start = time.monotonic()
    sock.sendall(payload)
    got = b""
    while len(got) < size:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        got += chunk
    return time.monotonic() - start, got == payload


def closed_within(sock, seconds):
    sock.settimeout(seconds)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


with tempfile.TemporaryDirectory() as tmp:
    echo_path = os.path.join(tmp, "echo.sock")
    sink_path = os.path.join(tmp, "sink.sock")
    EchoServer(echo_path)
    EchoServer(sink_path, sink=True)

    # Ping-pong: each round trip crosses the proxy twice, so RTT >= 2 x delay, always.
    delay = 0.050
    proxy = Proxy(os.path.join(tmp, "p1.sock"), echo_path, "--delay-ms", "50")
    s = proxy.connect()
    rtts = []
    for _ in range(10):
        t, same = rtt(s)
        rtts.append(t)
        check("echo through the proxy is intact", same)
    check("no round trip is shorter than 2 x delay", min(rtts) >= 2 * delay, rtts)
    check("round trips are about 2 x delay", statistics.median(rtts) < 2 * delay + 0.4, rtts)

    # The delay changes at run time, for data read from then on.
    check("delay command acknowledged", proxy.command("delay 150") == "ok delay")
    t, _ = rtt(s)
    check("a raised delay applies", t >= 0.300, t)
    proxy.command("delay 0")
    t, _ = rtt(s)
    check("a lowered delay applies", t < 0.300 + 0.4, t)

    # A cut closes live connections; refuse closes new ones at once; restore undoes it.
    check("cut acknowledged", proxy.command("cut") == "ok cut")
    check("cut closes the connection", closed_within(s, 5))
    s.close()
    proxy.command("refuse")
    r = proxy.connect()
    check("a refused connection is closed at once", closed_within(r, 5))
    r.close()
    proxy.command("restore")
    s = proxy.connect()
    t, same = rtt(s)
    check("restore accepts connections again", same)
    s.close()
    out, code = proxy.stop()
    check("proxy exits cleanly on SIGTERM", code == 0, code)
    check("exit prints the stats", "stats up=" in out and "connections=3" in out, out)

    # TCP on loopback works alike, and port 0 picks a free port.
    tcp_echo = EchoServer(("127.0.0.1", 0))
    proxy = Proxy("tcp:127.0.0.1:0", "tcp:127.0.0.1:%d" % tcp_echo.address[1], "--delay-ms", "20")
    check("the picked port is reported", proxy.path[1] != 0, proxy.path)
    s = proxy.connect()
    t, same = rtt(s, 100_000)
    check("TCP echo through the proxy is intact", same)
    check("TCP round trip is no shorter than 2 x delay", t >= 0.040, t)
    s.close()
    proxy.stop()

    # Bulk transfer under a bandwidth limit: time >= (size - burst) / rate, and the
    # stats count every byte each way.
    rate, burst, size = 200_000, 4_000, 300_000
    proxy = Proxy(os.path.join(tmp, "p2.sock"), sink_path, "--bandwidth", str(rate),
                  "--burst", str(burst))
    s = proxy.connect()
    start = time.monotonic()
    s.sendall(os.urandom(size))
    s.shutdown(socket.SHUT_WR)
    reply = b""
    while True:
        chunk = s.recv(100)
        if not chunk:
            break
        reply += chunk
    elapsed = time.monotonic() - start
    s.close()
    check("the target got every byte", reply == str(size).encode(), reply)
    check("bulk transfer is no faster than the limit", elapsed >= (size - burst) / rate,
          elapsed)
    check("bulk transfer is about the limit", elapsed < size / rate * 2 + 1.0, elapsed)
    stats = proxy.command("stats")
    check("stats count both directions", stats.startswith(
        f"stats up={size} down={len(reply)} connections=1"), stats)

    # The limit changes at run time.
    proxy.command("bandwidth 100000")
    s = proxy.connect()
    start = time.monotonic()
    s.sendall(os.urandom(100_000))
    s.shutdown(socket.SHUT_WR)
    while s.recv(100):
        pass
    elapsed = time.monotonic() - start
    check("a lowered bandwidth applies", elapsed >= (100_000 - burst) / 100_000, elapsed)
    s.close()
    check("quit acknowledged", proxy.command("quit").startswith("stats up="))
    proxy.p.wait(timeout=10)

for f in failures:
    print("FAIL", f)
passed = checks - len(failures)
print(f"cadence-test-proxy: {passed} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
