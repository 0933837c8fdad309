#!/usr/bin/env python3
"""cadence windows on SSH domains, end to end, against a real OpenSSH server.

    test_cadence_ssh.py PATH/TO/cadence PATH/TO/cadence-mux PATH/TO/cadence-test-proxy \\
        PATH/TO/cadence-test-sshd

cadence-test-sshd runs Debian's sshd on 127.0.0.1 with a generated host key and one
authorized client key; cadence-test-proxy (20 ms each way) stands between cadence and it
for the mux domain, so the test can cut the connection. HOME is a fresh directory: no
known_hosts, no agent. Under headless sway:
  - `cadence connect ssh:devbox` (multiplexing 'cadence'): the console shows the unknown
    host key's fingerprint and asks; typing yes adds it to ~/.ssh/known_hosts; the
    remote cadence-mux's shell runs what is typed;
  - the proxy cuts the connection: the tab bar's banner says it is reconnecting, the
    link comes back by itself, the same shell answers, and the scrollback printed before
    the cut is still there (Shift+PgUp shows it);
  - `ssh:plain` (multiplexing 'none'): a remote shell in the pane, its size the pane's;
  - a host without cadence-mux, a key the server does not accept, and a server whose
    host key changed each end in a clear message in the console, and nothing hangs.
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


class Sshd:
    def __init__(self, tool, directory, port=0, extra=()):
        args = [tool, "--dir", directory, *extra]
        if port:
            args += ["--port", str(port)]
        self.log = open(os.path.join(directory + ".log"), "ab")
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.log)
        line = self.proc.stdout.readline().decode().strip()
        expect(line.startswith("listening 127.0.0.1:"), f"cadence-test-sshd said {line!r}")
        self.port = int(line.rsplit(":", 1)[1])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=20)


class Proxy:
    def __init__(self, tool, listen_port, port):
        self.proc = subprocess.Popen([tool, "--listen", f"tcp:127.0.0.1:{listen_port}",
                                      "--connect", f"tcp:127.0.0.1:{port}", "--delay-ms", "20"],
                                     stdin=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def command(self, text):
        self.proc.stdin.write((text + "\n").encode())
        self.proc.stdin.flush()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.terminate()
            self.proc.wait(timeout=10)


def alive(pid):
    """Running, not gone and not a zombie (nobody here reaps a window we did not start)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Window:
    def __init__(self, comp, cadence, work, name, domain, config):
        self.stats_path = os.path.join(work, f"{name}-stats.json")
        self.log = open(os.path.join(work, f"{name}.log"), "wb")
        env = {"HOME": os.path.join(work, "home"), "LC_ALL": "C.UTF-8", "SHELL": "/bin/sh",
               "CADENCE_LOG": "info"}
        self.proc = comp.launch([cadence, "connect", domain, "--config", config, "--font", w.FONT,
                                 "--app-id", f"cadence-{name}", "--frame-stats", self.stats_path],
                                env=env, cwd=work, stdout=self.log, stderr=self.log)
        self.window = comp.wait_mapped(pid=self.proc.pid, timeout=60, process=self.proc)

    def stats(self):
        return w.stats_of(self.proc, self.stats_path)

    def text(self):
        return self.stats()["view_text"]

    def wait_text(self, needle, what, timeout=30):
        found = wait_for(lambda: needle in self.text(), timeout, 0.2)
        expect(found, f"{what}: the pane shows {self.text()!r}")

    def wait_prompt(self, what):
        # A shell's prompt: "$ " or a root "# " at the end of a line.
        found = wait_for(lambda: any(line.rstrip().endswith(("$", "#"))
                                     for line in self.text().split("\n")), 30, 0.2)
        expect(found, f"{what}: the pane shows {self.text()!r}")

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                raise w.TestFailure("cadence did not exit on SIGTERM")


def write_config(path, user, key, mux, ports):
    wrong = key.replace("client_ed25519", "other_ed25519")
    common = f"username = '{user}', identity_file = '{key}'"
    with open(path, "w") as f:
        f.write(f"""local act = require('cadence').action
return {{
  keys = {{
    {{ key = 'd', mods = 'CTRL|ALT', action = act.SpawnTab {{ DomainName = 'devbox' }} }},
  }},
  ssh_domains = {{
    {{ name = 'devbox', remote_address = '127.0.0.1:{ports['proxy']}', {common},
      remote_mux_path = '{mux}' }},
    {{ name = 'plain', remote_address = '127.0.0.1:{ports['sshd']}', {common},
      multiplexing = 'none' }},
    {{ name = 'nomux', remote_address = '127.0.0.1:{ports['sshd']}', {common},
      remote_mux_path = '/nonexistent/cadence-mux' }},
    {{ name = 'wrongkey', remote_address = '127.0.0.1:{ports['sshd']}',
      username = '{user}', identity_file = '{wrong}' }},
  }},
}}
""")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", wrong], check=True)


def run(comp, cadence, mux, proxy_tool, sshd_tool, work):
    home = os.path.join(work, "home")
    os.makedirs(home)
    sshd_dir = os.path.join(work, "sshd")
    sshd = Sshd(sshd_tool, sshd_dir)
    proxy_port = free_port()
    proxy = Proxy(proxy_tool, proxy_port, sshd.port)
    results = []
    try:
        user = subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
        config = os.path.join(work, "cadence.lua")
        write_config(config, user, os.path.join(sshd_dir, "client_ed25519"), mux,
                     {"proxy": proxy_port, "sshd": sshd.port})
        known_hosts = os.path.join(home, ".ssh", "known_hosts")

        # --- mux domain: host key prompt, commands, a cut and the reconnection.
        term = Window(comp, cadence, work, "devbox", "ssh:devbox", config)
        try:
            term.wait_text("SHA256:", "the unknown host key was not shown with its fingerprint")
            comp.type_text("yes", enter=True)
            expect(wait_for(lambda: os.path.exists(known_hosts), 20),
                   "answering yes did not add the host key to known_hosts")
            # The console gives way to the server's first pane and its shell's prompt.
            term.wait_prompt("the remote shell's prompt never showed")
            out = os.path.join(work, "over-ssh.txt")
            text = w.type_until(comp, f"echo typed over ssh > {out}", out)
            expect(text == b"typed over ssh\n", f"the remote shell wrote {text!r}")
            comp.type_text("seq 1 200; echo before-the-cut", enter=True)
            term.wait_text("before-the-cut", "seq's output never showed")
            proxy.command("cut")
            s = wait_for(lambda: (lambda st: st if "reconnecting" in st["view_text"] or
                                  st.get("banner", "") else None)(term.stats()), 20, 0.1)
            banner = term.stats().get("banner", "")
            expect(s is not None and "reconnect" in banner,
                   f"no banner said the link was down: {banner!r}")
            expect(wait_for(lambda: term.stats().get("banner", "x") == "", 30, 0.2),
                   f"the link never came back: {term.stats().get('banner')!r}")
            out2 = os.path.join(work, "after-cut.txt")
            text = w.type_until(comp, f"echo same shell > {out2}", out2)
            expect(text == b"same shell\n", f"after the reconnection the shell wrote {text!r}")
            # The scrollback from before the cut is still there.
            comp.key("Prior", mods=("shift",))
            term.wait_text("150", "Shift+PgUp after the reconnection did not show seq's lines")
            results.append("host key accepted, typed, cut, reconnected, scrollback intact")
        finally:
            term.close()

        # --- pty mode.
        term = Window(comp, cadence, work, "plain", "ssh:plain", config)
        try:
            # Straight to sshd's port this time: another known_hosts entry ([host]:port).
            term.wait_text("SHA256:", "the host key on sshd's own port was not asked about")
            comp.type_text("yes", enter=True)
            term.wait_prompt("the remote shell's prompt never showed")
            out = os.path.join(work, "plain.txt")
            text = w.type_until(comp, f"stty size > {out}", out)
            s = term.stats()
            pane = s["panes"][0]
            expect(text == f"{pane['rows']} {pane['cols']}\n".encode(),
                   f"the remote pty is {text!r}, the pane {pane['rows']}x{pane['cols']}")
            # A new tab in a pty-mode window is another shell on the host.
            comp.key("t", mods=("ctrl", "shift"))
            expect(wait_for(lambda: term.stats()["tabs"] == 2, 10), "Ctrl+Shift+T opened no tab")
            term.wait_prompt("the second tab's remote shell never showed its prompt")
            out = os.path.join(work, "second-tab.txt")
            text = w.type_until(comp, f"echo second tab > {out}", out)
            expect(text == b"second tab\n", f"the second tab's shell wrote {text!r}")
            # SpawnTab { DomainName = 'devbox' } from here: a window of its own.
            comp.key("d", mods=("ctrl", "alt"))
            other = comp.wait_mapped(app_id="cadence", timeout=30)
            os.kill(other.pid, signal.SIGTERM)
            # Gone before sshd is stopped, so its session cannot start anything later.
            expect(wait_for(lambda: not alive(other.pid), 10),
                   "the SpawnTab window did not exit on SIGTERM")
            results.append("a plain remote shell sized like its pane, a second tab, "
                           "SpawnTab on another domain in a window of its own")
        finally:
            term.close()

        # --- failures, each a message and no hang.
        for domain, needle, what in (
                ("nomux", "not installed", "a host without cadence-mux"),
                ("wrongkey", "authentication", "a key the server refuses")):
            term = Window(comp, cadence, work, domain, "ssh:" + domain, config)
            try:
                term.wait_text(needle, f"{what}: no clear message")
                expect(term.proc.poll() is None, f"{what}: cadence exited")
            finally:
                term.close()
        results.append("cadence-mux missing and a refused key explained")

        sshd.stop()
        sshd = Sshd(sshd_tool, sshd_dir, port=sshd.port, extra=["--new-host-key"])
        term = Window(comp, cadence, work, "changed", "ssh:plain", config)
        try:
            term.wait_text("CHANGED", "a changed host key was not refused with a warning")
        finally:
            term.close()
        results.append("a changed host key refused")
    finally:
        proxy.stop()
        sshd.stop()
    return "; ".join(results)


def main():
    if len(sys.argv) != 5:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    cadence, mux, proxy, sshd = (os.path.abspath(a) for a in sys.argv[1:5])
    if not os.path.exists("/usr/sbin/sshd"):
        print("FAIL cadence-ssh: /usr/sbin/sshd is missing (openssh-server; make deps)",
              file=sys.stderr)
        return 1
    try:
        with tempfile.TemporaryDirectory(prefix="cadence-ssh-test-") as work:
            with headless.Compositor(1280, 720, timeout=60) as comp:
                start = time.monotonic()
                result = run(comp, cadence, mux, proxy, sshd, work)
    except (w.TestFailure, headless.BenchError, subprocess.TimeoutExpired) as e:
        print(f"FAIL cadence-ssh: {e}", file=sys.stderr)
        return 1
    print(f"PASS cadence-ssh: {result} ({time.monotonic() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
