#!/usr/bin/env python3
"""Compares cadence-vt's text dump with vt100-parser's xterm screen dumps.

Each tNNNN-name.in in the vt100-parser material is raw output of a program, and
tNNNN-name.text the plain text xterm shows after it (80x24, scrollback then screen;
cells never written are dropped at the end of a row, spaces that were printed stay;
trailing blank lines dropped): exactly what `cadence-vt --dump text` prints, so the two
are compared byte for byte.

Decisions:
- A case with a .note has it printed with the result: the note says how its .text was
  made (t0057: the .text assumes CSI 3 J clears all history, which xterm only nearly
  does). A case with a .note and no .text is skipped with the note as the reason.
- A case with neither (only an .html rendering of colours) is skipped: plain text is
  all this runner compares.
- Inputs recorded with script(1) begin with a "Script started on ..." line and end with
  "Script done on ...", which script wrote to the file, not to the terminal; vt100.py
  drops them unless told otherwise, and so does this runner.
- A case with a .text-xterm besides its .text (t0084, CBT) is compared with .text, the
  expectation vt100-parser itself tests against; whether cadence matches .text-xterm
  is only reported. .text-xterm records an xterm quirk: CBT moves the cursor but keeps
  a pending wrap, so the next character lands on the following row.

Exit status: 0 when the failing cases are exactly those listed under
"vt100-parser:" in the known-failures file, 1 otherwise (a new failure, or a listed case
that now passes), 77 (meson's "skipped") when the material is not there.
"""

import argparse
import difflib
import pathlib
import subprocess
import sys

SUITE = "vt100-parser"
SKIP_EXIT = 77
DIFF_LINES = 40


def read_known(path):
    known = set()
    if not path:
        return known
    for raw in pathlib.Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        cut = line.find("  #")
        if cut < 0:
            cut = line.find(" # ")
        name = (line[:cut] if cut >= 0 else line).strip()
        if name.startswith(SUITE + ":"):
            known.add(name)
    return known


def strip_script_frame(data):
    """Drops script(1)'s own header and footer lines from a typescript."""
    if data.startswith(b"Script started on "):
        data = data[data.find(b"\n") + 1:] if b"\n" in data else b""
    body = data.rstrip(b"\n")
    last = body.rfind(b"\n")
    if body[last + 1:].startswith(b"Script done on "):
        data = data[:last + 1]
    return data


def run_case(cadence_vt, infile):
    proc = subprocess.run(
        [cadence_vt, "--cols", "80", "--rows", "24", "--dump", "text"],
        input=strip_script_frame(infile.read_bytes()),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    if proc.returncode != 0:
        return None, proc.stderr.decode("utf-8", "replace")
    return proc.stdout, None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cadence-vt", required=True)
    parser.add_argument("--known-failures")
    parser.add_argument("dir")
    args = parser.parse_args()

    root = pathlib.Path(args.dir)
    if not root.is_dir():
        print(f"conformance-{SUITE}: skipped: {root} does not exist (the conformance "
              "material lives outside the repository, in ../shared/conformance; set "
              "-Dconformance_dir to point elsewhere)")
        return SKIP_EXIT

    known = read_known(args.known_failures)
    passed, failed, skipped = [], [], []
    for infile in sorted(root.glob("t*.in")):
        stem = infile.name[:-3]
        name = f"{SUITE}:{stem}"
        note = root / f"{stem}.note"
        expected_file = root / f"{stem}.text"
        xterm_file = root / f"{stem}.text-xterm"
        note_text = note.read_text(encoding="utf-8").strip() if note.exists() else ""
        if not expected_file.exists():
            reason = note_text.replace("\n", " ") if note_text else \
                "no plain-text expectation (only an HTML rendering of colours)"
            skipped.append((name, reason))
            continue
        expected = expected_file.read_bytes()
        actual, error = run_case(args.cadence_vt, infile)
        if actual is None:
            failed.append((name, f"cadence-vt failed: {error.strip()}"))
            continue
        if xterm_file.exists():
            same = "matches" if actual == xterm_file.read_bytes() else "differs from"
            print(f"info  {name}: cadence {same} {xterm_file.name} (xterm's own output)")
        if actual == expected:
            passed.append(name)
            if note_text:
                print(f"pass  {name} (note: {note_text.splitlines()[0]} ...)")
            continue
        diff = list(difflib.unified_diff(
            expected.decode("utf-8", "replace").splitlines(),
            actual.decode("utf-8", "replace").splitlines(),
            fromfile=expected_file.name, tofile="cadence-vt", lineterm=""))
        if len(diff) > DIFF_LINES:
            diff = diff[:DIFF_LINES] + [f"... ({len(diff) - DIFF_LINES} more diff lines)"]
        failed.append((name, "\n".join(diff)))

    unexpected = 0
    for name, detail in failed:
        is_known = name in known
        if not is_known:
            unexpected += 1
        print(f"{'KNOWN' if is_known else 'FAIL '} {name}")
        for line in detail.splitlines():
            print(f"    {line}")
    failing = {name for name, _ in failed}
    all_cases = {name for name in passed} | failing | {name for name, _ in skipped}
    for name in sorted(known - failing):
        print(f"STALE {name}: {'now passes' if name in all_cases else 'no such case'}, "
              "remove it from known-failures.txt")
        unexpected += 1
    for name, reason in skipped:
        print(f"skip  {name}: {reason}")

    print(f"cases: {len(passed)} passed, {len(failed)} failing "
          f"({len(failing & known)} known), {len(skipped)} skipped")
    print(f"conformance-{SUITE}: {len(passed)} passed, {unexpected} failed, {len(skipped)} skipped")
    return 0 if unexpected == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
