"""A headless KWin for tests: KWin's virtual backend, driven from Python over D-Bus.

sway 1.7 (tests/headless/headless.py) offers no fractional scale and ignores maximize and
minimize requests; KWin 5.27 does all three and runs headless, so the window code those
need is tested here. The lifecycle (temp dirs, clients, teardown by process group and by
the /proc marker, the subreaper, SIGTERM as an exception) is headless.Bench; what is
KWin's own:

- /usr/bin/kwin_wayland carries a file capability (cap_sys_resource), and exec of such a
  file fails with EPERM where the container cannot grant it. The bench runs a copy in its
  temp dir (a copy has no capability) and KWin does without.
- KWin runs as the caller (it does not refuse root) with an environment built from
  nothing: HOME, XDG_CONFIG_HOME, XDG_DATA_HOME and XDG_CACHE_HOME are in the temp dir,
  so no user's configuration is read and nothing is written outside it.
- Its own session bus: a dbus-daemon with a configuration written here that has no
  service directories, so nothing is ever activated on KWin's behalf outside the bench.
  Clients get its address too (client_env), as do the bench's dbus-send calls.
- kwinrc places every window at (0, 0): a window's position in device pixels is then
  whole at any scale (the output is drawn 1:1, no half-pixel offset), and pointer
  coordinates are window coordinates. kdeglobals sets animations to zero duration, so a
  maximize or minimize is done when KWin says it is, with no animated frames between.
- KWIN_WAYLAND_NO_PERMISSION_CHECKS=1 makes KWin offer its restricted globals to every
  client, among them org_kde_kwin_fake_input, which cadence-test-pointer drives to click.
  KWIN_SCREENSHOT_NO_PERMISSION_CHECKS=1 lets the screenshot D-Bus API answer a caller
  without a desktop file. The bench uses the older org.kde.kwin.Screenshot interface,
  which writes a PNG (to TMPDIR, the bench's temp dir) and returns its path: the newer
  ScreenShot2 wants a pipe passed over D-Bus, which dbus-send cannot pass.
- KWin has no query tool like swaymsg. The bench loads a small KWin script over D-Bus
  (org.kde.kwin.Scripting) that prints one JSON line behind a marker unique to the call;
  KWin writes a script's print() to its log, which the bench reads back. So every
  window state a test checks (geometry, minimized, decorated) is KWin's own.

Only the Python standard library is used (and dbus-send, from the dbus package).
"""

import argparse
import itertools
import json
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import headless  # noqa: E402
from headless import BenchError  # noqa: E402

KWIN_BINARY = "/usr/bin/kwin_wayland"
SOCKET_NAME = "wayland-kwin"

BUS_CONFIG = """\
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""

KWINRC = """\
[Windows]
Placement=ZeroCornered

[Compositing]
AnimationSpeed=0
"""

KDEGLOBALS = """\
[KDE]
AnimationDurationFactor=0
"""

# Wrapped around every query: the result, or the error, as one JSON line behind the marker.
SCRIPT = """\
var result;
try {{
  result = (function () {{
{body}
  }})();
}} catch (e) {{
  result = {{"script_error": String(e)}};
}}
print("{marker} " + JSON.stringify(result));
"""

WINDOWS_JS = """\
    var out = [];
    var list = workspace.clientList();
    for (var i = 0; i < list.length; ++i) {
      var c = list[i];
      if (!c.normalWindow) continue;
      var f = c.frameGeometry, b = c.bufferGeometry;
      out.push({id: String(c.internalId), pid: c.pid, app_id: String(c.resourceClass),
                caption: String(c.caption), frame: [f.x, f.y, f.width, f.height],
                buffer: [b.x, b.y, b.width, b.height], minimized: c.minimized,
                decorated: c.decorationHasAlpha, active: c.active});
    }
    return out;
"""


class KWinWindow:
    """A window as KWin reports it; rects are (x, y, width, height) in logical pixels."""

    def __init__(self, info):
        self.id = info["id"]
        self.pid = info["pid"]
        self.app_id = info["app_id"]
        self.caption = info["caption"]
        # The frame (what KWin places and maximizes, decoration included) and the
        # surface's buffer within it; the same rect when KWin draws no decoration.
        self.rect = tuple(info["frame"])
        self.buffer_rect = tuple(info["buffer"])
        self.minimized = info["minimized"]
        # Whether KWin decorates the window (server-side). KWin 5.27 tells scripts this
        # only through decorationHasAlpha, which is false for an undecorated window and
        # true for a decorated one whose decoration is translucent, as the one KWin falls
        # back to without Breeze (Aurorae) is. A test relying on it checks that premise.
        self.decorated = info["decorated"]
        self.active = info["active"]

    def __repr__(self):
        return (f"KWinWindow(app_id={self.app_id!r}, pid={self.pid}, rect={self.rect}, "
                f"minimized={self.minimized}, decorated={self.decorated})")


class KWin(headless.Bench):
    """KWin on its virtual backend with one output of width x height logical pixels at
    `scale`. Use as a context manager:

    with KWin(800, 600, scale=1.5) as kwin:
        proc = kwin.launch(["cadence"])
        win = kwin.wait_mapped(pid=proc.pid)
        print(win.rect, kwin.windows(), kwin.screenshot().width)
    """

    def __init__(self, width=800, height=600, scale=1.0, timeout=30.0, keep=None,
                 verbose=False):
        super().__init__(timeout=timeout, keep=keep, verbose=verbose)
        self.width = width
        self.height = height
        self.scale = scale
        self.wayland_display = SOCKET_NAME
        self.bus_address = None
        self._kwin = None
        self._queries = itertools.count(1)

    @property
    def pixel_size(self):
        """The output's size in device pixels."""
        return round(self.width * self.scale), round(self.height * self.scale)

    # ---- lifecycle

    def start(self):
        missing = [t for t in (KWIN_BINARY, "dbus-daemon", "dbus-send") if not shutil.which(t)]
        if missing:
            raise BenchError(
                f"missing {', '.join(missing)}: install kwin-wayland and dbus with "
                ".ci/install-deps.sh"
            )
        self._prepare("cadence-kwin-")
        config_home = os.path.join(self.tmp, "config")
        os.mkdir(config_home, 0o700)
        for name, text in (("kwinrc", KWINRC), ("kdeglobals", KDEGLOBALS)):
            with open(os.path.join(config_home, name), "w") as f:
                f.write(text)
        binary = os.path.join(self.tmp, "kwin_wayland")
        shutil.copyfile(KWIN_BINARY, binary)  # the copy has no file capability
        os.chmod(binary, 0o755)

        base_env = {
            "PATH": "/usr/bin:/bin",
            "HOME": self.home,
            "XDG_CONFIG_HOME": config_home,
            "XDG_DATA_HOME": os.path.join(self.home, "data"),
            "XDG_CACHE_HOME": os.path.join(self.home, "cache"),
            "XDG_RUNTIME_DIR": self.runtime_dir,
            "TMPDIR": self.tmp,
            "LANG": "C.UTF-8",
        }
        bus_socket = os.path.join(self.tmp, "bus")
        bus_config = os.path.join(self.tmp, "bus.conf")
        with open(bus_config, "w") as f:
            f.write(BUS_CONFIG.format(socket=bus_socket))
        self.bus_address = f"unix:path={bus_socket}"
        bus = self._start_server(
            "dbus", ["dbus-daemon", f"--config-file={bus_config}", "--nofork", "--nosyslog"],
            env=base_env)
        self._wait_until(lambda: os.path.exists(bus_socket) and self._bus_answers(),
                         bus, "dbus", "the session bus")

        kwin_env = dict(base_env,
                        DBUS_SESSION_BUS_ADDRESS=self.bus_address,
                        QT_QPA_PLATFORM="offscreen",
                        KWIN_WAYLAND_NO_PERMISSION_CHECKS="1",
                        KWIN_SCREENSHOT_NO_PERMISSION_CHECKS="1")
        argv = [binary, "--virtual", "--no-lockscreen", "--no-global-shortcuts",
                "--no-kactivities", "--socket", SOCKET_NAME,
                "--width", str(self.width), "--height", str(self.height),
                "--scale", repr(float(self.scale))]
        self._kwin = self._start_server("kwin", argv, env=kwin_env)
        socket = os.path.join(self.runtime_dir, SOCKET_NAME)
        self._wait_until(lambda: os.path.exists(socket) and self._scripting_answers(),
                         self._kwin, "kwin", "KWin")
        self._log("ready:", SOCKET_NAME, self.bus_address)

    def _wait_until(self, ready, proc, log_name, what):
        deadline = time.monotonic() + self.timeout
        while not ready():
            if proc.poll() is not None:
                raise BenchError(f"{what} exited with status {proc.returncode} while starting\n"
                                 + self.log_tail(log_name))
            if time.monotonic() > deadline:
                raise BenchError(f"{what} did not become ready within {self.timeout:.0f} s\n"
                                 + self.log_tail(log_name))
            time.sleep(0.05)

    def _bus_answers(self):
        return self._dbus("org.freedesktop.DBus", "/", "org.freedesktop.DBus.GetId",
                          check=False) is not None

    def _scripting_answers(self):
        return self._dbus("org.kde.KWin", "/Scripting", "org.kde.kwin.Scripting.isScriptLoaded",
                          "string:cadence-probe", check=False) is not None

    def _client_vars(self):
        return {"WAYLAND_DISPLAY": self.wayland_display,
                "DBUS_SESSION_BUS_ADDRESS": self.bus_address}

    # ---- D-Bus

    def _dbus(self, dest, path, method, *args, check=True):
        """Calls a method with dbus-send; returns its reply's values as strings (None on
        failure when check is False)."""
        argv = ["dbus-send", "--session", "--print-reply=literal", f"--dest={dest}", path,
                method, *args]
        try:
            out = self._tool(argv)
        except BenchError:
            if check:
                raise
            return None
        return out.decode(errors="replace").split()

    def run_script(self, body):
        """Runs JavaScript in KWin (the body of a function; what it returns comes back
        decoded from JSON)."""
        n = next(self._queries)
        marker = f"cadence-kwin-query-{os.getpid()}-{n}"
        path = os.path.join(self.tmp, f"query-{n}.js")
        with open(path, "w") as f:
            f.write(SCRIPT.format(body=body, marker=marker))
        name = f"cadence-query-{n}"
        reply = self._dbus("org.kde.KWin", "/Scripting", "org.kde.kwin.Scripting.loadScript",
                           f"string:{path}", f"string:{name}")
        script_id = int(reply[-1])
        if script_id < 0:
            raise BenchError(f"KWin did not load the script {path}")
        try:
            self._dbus("org.kde.KWin", f"/{script_id}", "org.kde.kwin.Script.run")
            line = self._wait_log_line("kwin", marker + " ")
        finally:
            self._dbus("org.kde.KWin", "/Scripting", "org.kde.kwin.Scripting.unloadScript",
                       f"string:{name}", check=False)
        result = json.loads(line.split(marker + " ", 1)[1])
        if isinstance(result, dict) and "script_error" in result:
            raise BenchError(f"KWin script failed: {result['script_error']}")
        return result

    def _wait_log_line(self, log_name, needle):
        deadline = time.monotonic() + self.timeout
        path = os.path.join(self.tmp, f"{log_name}.log")
        while True:
            with open(path, "rb") as f:
                for raw in f.read().decode(errors="replace").splitlines():
                    if needle in raw:
                        return raw
            if self._kwin.poll() is not None:
                raise BenchError(f"KWin exited with status {self._kwin.returncode}\n"
                                 + self.log_tail("kwin"))
            if time.monotonic() > deadline:
                raise BenchError(f"KWin's script printed nothing within {self.timeout:.0f} s\n"
                                 + self.log_tail("kwin"))
            time.sleep(0.02)

    # ---- windows

    def windows(self):
        return [KWinWindow(w) for w in self.run_script(WINDOWS_JS)]

    def window(self, pid):
        """The window of this pid as KWin sees it now, or None."""
        for w in self.windows():
            if w.pid == pid:
                return w
        return None

    # ---- output

    def screenshot(self, path=None):
        """The output as KWin composited it, in device pixels (pointer not drawn); writes
        PNG (or .ppm) to path if given; returns a headless.Image."""
        # The effect behind the API loads with the compositor, a moment after the bus name.
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._dbus("org.kde.KWin", "/Screenshot",
                               "org.kde.kwin.Screenshot.screenshotScreen", "int32:0",
                               "boolean:false", check=time.monotonic() > deadline)
            if reply:
                break
            time.sleep(0.1)
        png = reply[-1]
        try:
            img = headless.Image.load_png(png)
        finally:
            if os.path.dirname(png) == self.tmp:
                os.unlink(png)
        if path:
            img.save(path)
        return img


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="kwin.py", description="Start a headless KWin and wait (Ctrl-C stops it).")
    parser.add_argument("--size", type=headless._parse_size, default=(800, 600),
                        help="output size in logical pixels")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    width, height = args.size
    with KWin(width, height, scale=args.scale, verbose=args.verbose) as kwin:
        kwin.serve(kwin._kwin)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as e:
        print(f"kwin: {e}", file=sys.stderr)
        sys.exit(1)
