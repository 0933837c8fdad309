#!/usr/bin/env python3
"""`meson install` into a temporary directory, and the installed cadence run from there.

    test_cadence_install.py BUILD_DIR

  - everything the install promises is there: the three programs, the man pages, the
    desktop entry (valid for desktop-file-validate), the icon, the shell integration
    scripts, the example Lua and the terminfo entry, which infocmp reads;
  - the installed `cadence --version` prints the version, the build options and, under
    a headless sway, the Wayland globals the compositor offered; with the staged
    terminfo directory given as TERMINFO it reports TERM=cadence, without any
    xterm-256color.
"""

import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "headless"))
import headless  # noqa: E402

failures = []


def expect(cond, what):
    if not cond:
        failures.append(what)


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    build = os.path.abspath(sys.argv[1])
    info = subprocess.run(["meson", "introspect", "--buildoptions", build],
                          capture_output=True, text=True, check=True).stdout
    import json
    options = {o["name"]: o["value"] for o in json.loads(info)}
    prefix = options["prefix"]
    with tempfile.TemporaryDirectory(prefix="cadence-install-test-") as dest:
        r = subprocess.run(["meson", "install", "-C", build, "--no-rebuild", "--destdir", dest],
                           capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            print(f"FAIL meson install: {r.stdout[-2000:]}{r.stderr[-2000:]}")
            return 1
        root = dest + prefix
        share = os.path.join(root, options["datadir"])
        for path in ["bin/cadence", "bin/cadence-vt", "bin/cadence-mux"]:
            expect(os.access(os.path.join(root, path), os.X_OK), f"{path} not installed")
        for page in ["man1/cadence.1", "man1/cadence-vt.1", "man1/cadence-mux.1",
                     "man5/cadence.lua.5"]:
            expect(os.path.exists(os.path.join(root, options["mandir"], page)),
                   f"man page {page} not installed")
        desktop = os.path.join(share, "applications", "cadence.desktop")
        expect(os.path.exists(desktop), "no desktop entry")
        if shutil.which("desktop-file-validate"):
            v = subprocess.run(["desktop-file-validate", desktop], capture_output=True, text=True)
            expect(v.returncode == 0 and not v.stdout.strip(),
                   f"desktop-file-validate: {v.stdout}{v.stderr}")
        else:
            failures.append("desktop-file-validate is not installed (desktop-file-utils)")
        with open(desktop) as f:
            text = f.read()
        expect("[Desktop Action new-window]" in text and "Actions=new-window;" in text,
               "the desktop entry has no new-window action")
        expect(os.path.exists(os.path.join(share, "icons/hicolor/scalable/apps/cadence.svg")),
               "no icon")
        for shell in ["bash/cadence.bash", "zsh/cadence.zsh", "fish/cadence.fish"]:
            expect(os.path.exists(os.path.join(share, "cadence/shell-integration", shell)),
                   f"shell integration {shell} not installed")
        expect(os.path.exists(os.path.join(share, "cadence/lua/cadence.lua")), "no example Lua")
        terminfo = os.path.join(share, "terminfo")
        ic = subprocess.run(["infocmp", "-x", "cadence"], capture_output=True, text=True,
                            env=dict(os.environ, TERMINFO=terminfo))
        expect(ic.returncode == 0 and "Smulx" in ic.stdout and "Sync" in ic.stdout,
               f"infocmp of the installed entry: {ic.stderr}")

        cadence = os.path.join(root, "bin/cadence")
        env = dict(os.environ, TERMINFO=terminfo)
        env.pop("WAYLAND_DISPLAY", None)
        plain = subprocess.run([cadence, "--version"], capture_output=True, text=True, env=env,
                               timeout=30)
        out = plain.stdout
        expect(plain.returncode == 0 and out.startswith("cadence "), f"--version: {plain}")
        expect(f"build: {options['buildtype']}" in out, f"--version has no build type: {out}")
        expect("features:" in out and "terminfo" in out, f"--version has no features: {out}")
        expect(f"TERM: cadence from {terminfo}" in out, f"--version's TERM: {out}")
        expect("Wayland: not connected" in out, f"--version without a display: {out}")
        env["TERMINFO"] = os.path.join(dest, "nothing")
        env["TERMINFO_DIRS"] = os.path.join(dest, "nothing")
        bare = subprocess.run([cadence, "--version"], capture_output=True, text=True, env=env,
                              timeout=30).stdout
        if not os.path.exists(os.path.join(prefix, options["datadir"], "terminfo/c/cadence")):
            expect("TERM: xterm-256color" in bare, f"--version without the entry: {bare}")

        with headless.Compositor(640, 480, timeout=60) as comp:
            r = comp.run([cadence, "--version"], timeout=30)
            text = r.stdout if isinstance(r.stdout, str) else r.stdout.decode()
            expect(r.returncode == 0 and "wl_compositor" in text and "xdg_wm_base" in text,
                   f"--version under sway lists no globals: {text}")
    for f in failures:
        print("FAIL", f)
    if failures:
        return 1
    print("PASS cadence-install")
    return 0


if __name__ == "__main__":
    sys.exit(main())
