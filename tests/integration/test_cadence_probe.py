#!/usr/bin/env python3
"""cadence's command line and its startup probe, in the headless bench.

    test_cadence_probe.py PATH/TO/cadence

Checks what a user sees first: --help and usage errors, the message without a Wayland
session, `--version` listing the compositor's globals, and `--probe`, the check of Wayland
and OpenGL ES 3 that opens no window. The bench sets LIBGL_ALWAYS_SOFTWARE=1, so the
renderer is Mesa's llvmpipe whatever the machine has.
"""

import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "headless"))
import headless  # noqa: E402


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


def run_plain(argv, env):
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)


def check_command_line(cadence):
    env = dict(os.environ)
    r = run_plain([cadence, "--help"], env)
    expect(r.returncode == 0 and r.stdout.startswith("usage: cadence"), "--help", r)
    expect("--version" in r.stdout, "--help does not list --version", r)

    r = run_plain([cadence, "--no-such-option"], env)
    expect(r.returncode == 2, "an unknown option must exit with status 2", r)
    expect("unknown option '--no-such-option'" in r.stderr, "unknown option not named", r)
    expect("usage: cadence" in r.stderr, "usage not shown after a usage error", r)

    r = run_plain([cadence, "stray-argument"], env)
    expect(r.returncode == 2 and "stray-argument" in r.stderr, "stray argument", r)

    r = run_plain([cadence, "-e"], env)
    expect(r.returncode == 2 and "needs a command" in r.stderr, "-e without a command", r)

    for bad in ("Mono:0", "Mono:abc", "Mono:-3"):
        r = run_plain([cadence, "--font", bad], env)
        expect(r.returncode == 2 and "--font" in r.stderr, f"--font {bad} must be refused", r)

    r = run_plain([cadence, "--scrollback", "lots"], env)
    expect(r.returncode == 2 and "--scrollback" in r.stderr, "bad --scrollback", r)


def check_without_display(cadence):
    with tempfile.TemporaryDirectory(prefix="cadence-nodisplay-") as empty:
        env = dict(os.environ)
        for k in ("WAYLAND_DISPLAY", "WAYLAND_SOCKET"):
            env.pop(k, None)
        env["XDG_RUNTIME_DIR"] = empty
        r = run_plain([cadence], env)
        expect(r.returncode == 1, "without a compositor cadence must exit with status 1", r)
        expect("cannot connect to the Wayland compositor" in r.stderr, "unclear error", r)
        expect(empty in r.stderr, "the error does not name the socket it tried", r)

        env.pop("XDG_RUNTIME_DIR")
        r = run_plain([cadence], env)
        expect(r.returncode == 1 and "XDG_RUNTIME_DIR" in r.stderr, "no XDG_RUNTIME_DIR", r)

        r = run_plain([cadence, "--version"], env)
        expect(r.returncode == 0 and r.stdout.startswith("cadence "), "--version offline", r)
        expect("not connected" in r.stdout, "--version offline must say it is not connected", r)


def check_in_bench(cadence):
    with headless.Compositor(1280, 720, timeout=60) as comp:
        r = comp.run([cadence, "--version"], timeout=60)
        expect(r.returncode == 0, "--version in the bench", r)
        expect(re.match(r"cadence \d+\.\d+\.\d+\n", r.stdout), "no version line", r)
        for interface in ("wl_compositor", "xdg_wm_base", "wl_seat", "wl_shm"):
            expect(
                re.search(rf"^\s+{interface}\s+v\d+\s+used at v\d+$", r.stdout, re.M),
                f"--version does not list {interface} with its version",
                r,
            )
        expect(
            re.search(r"^\s+zwlr_layer_shell_v1\s+v\d+$", r.stdout, re.M),
            "--version must list globals cadence does not use too",
            r,
        )

        r = comp.run([cadence, "--probe"], timeout=90)
        expect(re.search(r"^GL ES 3\.\d context: OpenGL ES 3\.", r.stdout, re.M), "no GL ES 3", r)
        expect(re.search(r"renderer \S*llvmpipe", r.stdout), "renderer is not llvmpipe", r)
        expect(re.search(r"^EGL 1\.\d", r.stdout, re.M), "no EGL version", r)
        expect(re.search(r"connected to WAYLAND_DISPLAY=wayland-\d+", r.stdout), "no display", r)
        expect(r.returncode == 0, "--probe in the bench must succeed", r)
        return r.stdout


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    cadence = os.path.abspath(sys.argv[1])
    try:
        check_command_line(cadence)
        check_without_display(cadence)
        probe = check_in_bench(cadence)
    except (TestFailure, headless.BenchError, subprocess.TimeoutExpired) as e:
        print(f"FAIL cadence-probe: {e}", file=sys.stderr)
        return 1
    print("PASS cadence-probe\n" + probe)
    return 0


if __name__ == "__main__":
    sys.exit(main())
