#!/usr/bin/env python3
"""Generate the per-code-point property table for cadence::vt::unicode.

Reads the Unicode Character Database installed on the build machine (Debian's
unicode-data, /usr/share/unicode by default) and writes a C++ source defining a
three-stage lookup table whose leaves are one packed byte per code point:

    bits 0-3  grapheme break property (the GraphemeBreak enum in unicode.hpp)
    bit  4    Extended_Pictographic
    bits 5-6  cell width, 0, 1 or 2
    bit  7    Emoji_Presentation

Break property and Extended_Pictographic sit together in the low five bits
because that is exactly the input class of the segmenter's transition table.

The data files are read at build time rather than checked in, so a newer UCD is a
package upgrade and a rebuild, not a diff of generated tables.

Why three stages: the best two-stage split over 0..10FFFF is ~31 KiB (128-entry
leaves, 8.5 KiB of index alone), most of an L1 data cache. With a middle level
the index blocks of the empty planes and of long uniform runs are shared too:
512-code-point stage-1 entries and 16-entry leaves come to ~13 KiB for Unicode
15.0, the smallest of all splits, which leaves L1 room for the rest of the hot
path. The extra dependent load is an L1 hit. The shifts are fixed here and in
unicode.hpp; the generated file static_asserts that the two agree.
"""

import argparse
import os
import re
import sys

MAX_CP = 0x10FFFF
NUM_CP = MAX_CP + 1

# Must match detail::kShift1 / kShift2 in unicode.hpp (checked by static_assert in
# the generated file): cp >> SHIFT1 indexes stage 1, (cp >> SHIFT2) & mask the
# stage-2 block, cp & mask the leaf block.
SHIFT1 = 9
SHIFT2 = 4

# Order and values must match enum class GraphemeBreak in unicode.hpp.
GRAPHEME_BREAK = [
    "Other", "CR", "LF", "Control", "Extend", "ZWJ", "Regional_Indicator",
    "Prepend", "SpacingMark", "L", "V", "T", "LV", "LVT",
]

EXT_PICT_BIT = 1 << 4
WIDTH_SHIFT = 5
EMOJI_PRES_BIT = 1 << 7

REQUIRED_FILES = [
    "UnicodeData.txt",
    "EastAsianWidth.txt",
    "DerivedCoreProperties.txt",
    "auxiliary/GraphemeBreakProperty.txt",
    "emoji/emoji-data.txt",
]


def fail(msg):
    sys.stderr.write("gen_unicode_tables.py: error: " + msg + "\n")
    sys.exit(1)


def parse_range(field):
    field = field.strip()
    if ".." in field:
        lo, hi = field.split("..")
        return int(lo, 16), int(hi, 16)
    cp = int(field, 16)
    return cp, cp


def property_lines(path):
    """Yield (lo, hi, [fields...]) for every data line of a UCD property file."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            data = line.split("#", 1)[0].strip()
            if not data:
                continue
            fields = [x.strip() for x in data.split(";")]
            lo, hi = parse_range(fields[0])
            yield lo, hi, fields[1:]


def load_general_category(ucd):
    """General_Category per code point; unlisted code points are Cn."""
    gc = ["Cn"] * NUM_CP
    first = None
    with open(os.path.join(ucd, "UnicodeData.txt"), encoding="utf-8") as f:
        for line in f:
            fields = line.rstrip("\n").split(";")
            if len(fields) < 3:
                continue
            cp = int(fields[0], 16)
            name, cat = fields[1], fields[2]
            # Large blocks (CJK, Hangul syllables, private use) appear as a
            # <..., First> / <..., Last> pair instead of one line per code point.
            if name.endswith(", First>"):
                first = cp
                continue
            if name.endswith(", Last>"):
                if first is None:
                    fail("UnicodeData.txt: range end without start at %04X" % cp)
                for c in range(first, cp + 1):
                    gc[c] = cat
                first = None
                continue
            gc[cp] = cat
    return gc


def load_east_asian_width(ucd):
    """East_Asian_Width per code point, honouring the file's stated defaults.

    Code points not listed take a default. Since Unicode 15.1 the defaults are
    machine-readable "# @missing:" lines, later lines overriding earlier ones for
    their range. Up to 15.0 only the catch-all "N" is an @missing line and the
    ranges defaulting to "W" (unassigned CJK ideographs, planes 2 and 3) are
    stated in the header prose, so those are read from there as well. Both
    sources agree where both exist, and the explicit data lines win over either.
    """
    path = os.path.join(ucd, "EastAsianWidth.txt")
    eaw = [None] * NUM_CP
    missing = []  # (lo, hi, value) in file order
    header_w = []
    collecting_w = False
    explicit = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"#\s*@missing:\s*([0-9A-Fa-f.]+)\s*;\s*(\w+)", line)
            if m:
                lo, hi = parse_range(m.group(1))
                missing.append((lo, hi, m.group(2)))
                continue
            if line.startswith("#"):
                # Header prose: a bullet saying 'default to "W"' is followed by
                # "U+XXXX..U+YYYY" lines; a bare "#" ends the list.
                if 'default to "W"' in line:
                    collecting_w = True
                elif collecting_w:
                    r = re.search(r"U\+([0-9A-Fa-f]+)\.\.U\+([0-9A-Fa-f]+)", line)
                    if r:
                        header_w.append((int(r.group(1), 16), int(r.group(2), 16)))
                    elif line.strip() == "#":
                        collecting_w = False
                continue
            data = line.split("#", 1)[0].strip()
            if not data:
                continue
            collecting_w = False
            rng, val = data.split(";")
            lo, hi = parse_range(rng)
            explicit.append((lo, hi, val.strip()))

    if not missing:
        missing.append((0, MAX_CP, "N"))
    # The first @missing line is the catch-all. The header's W ranges and any
    # further @missing lines both refine it, so applying them in this order gives
    # the same result whichever form the file uses.
    lo, hi, val = missing[0]
    for c in range(lo, hi + 1):
        eaw[c] = val
    for lo, hi in header_w:
        for c in range(lo, hi + 1):
            eaw[c] = "W"
    for lo, hi, val in missing[1:]:
        for c in range(lo, hi + 1):
            eaw[c] = val
    if not header_w and not any(v == "W" for _, _, v in missing[1:]):
        fail("EastAsianWidth.txt: found no default-W ranges (neither @missing lines nor "
             "header prose); the file format has changed, update load_east_asian_width")
    for lo, hi, val in explicit:
        for c in range(lo, hi + 1):
            eaw[c] = val
    return eaw


def load_binary_property(path, name):
    result = bytearray(NUM_CP)
    found = False
    for lo, hi, fields in property_lines(path):
        if fields[0] == name:
            found = True
            for c in range(lo, hi + 1):
                result[c] = 1
    if not found:
        fail("%s: property %s not found" % (path, name))
    return result


def load_grapheme_break(ucd):
    path = os.path.join(ucd, "auxiliary", "GraphemeBreakProperty.txt")
    index = {name: i for i, name in enumerate(GRAPHEME_BREAK)}
    gb = bytearray(NUM_CP)  # 0 == Other, the @missing default
    for lo, hi, fields in property_lines(path):
        value = fields[0]
        if value not in index:
            fail("GraphemeBreakProperty.txt: unknown value %r at %04X; the enum in "
                 "unicode.hpp and GRAPHEME_BREAK here need the new value" % (value, lo))
        for c in range(lo, hi + 1):
            gb[c] = index[value]
    return gb


def cell_width(cp, gc, eaw, default_ignorable, emoji_pres):
    """The terminal cell width of one code point, wcwidth-style.

    Order matters where the sets overlap:
    - combining marks (Mn, Me) are zero even when East_Asian_Width is W
      (U+302A..302D, U+3099..309A): they draw on the preceding cell;
    - W/F beats Default_Ignorable, so the Hangul fillers U+115F and U+3164 keep
      their two cells: a conjoining jamo sequence L V T then occupies 2 + 0 + 0,
      the same as the precomposed syllable it spells;
    - soft hyphen is Cf and Default_Ignorable but is shown as a hyphen by
      terminals, so it stays 1 as in every wcwidth.
    """
    cat = gc[cp]
    if cat == "Cc":
        return 0
    if cp == 0x00AD:
        return 1
    if cat in ("Mn", "Me", "Cf"):
        return 0
    if 0x200B <= cp <= 0x200F:
        return 0
    if 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF:
        return 0
    # Hangul medial vowels and final consonants combine with the preceding
    # leading consonant (width 2) into one syllable.
    if 0x1160 <= cp <= 0x11FF or 0xD7B0 <= cp <= 0xD7FF:
        return 0
    if eaw[cp] in ("W", "F"):
        return 2
    if emoji_pres[cp]:
        return 2
    if default_ignorable[cp]:
        return 0
    return 1


def build_props(ucd):
    gc = load_general_category(ucd)
    eaw = load_east_asian_width(ucd)
    default_ignorable = load_binary_property(
        os.path.join(ucd, "DerivedCoreProperties.txt"), "Default_Ignorable_Code_Point")
    emoji_data = os.path.join(ucd, "emoji", "emoji-data.txt")
    ext_pict = load_binary_property(emoji_data, "Extended_Pictographic")
    emoji_pres = load_binary_property(emoji_data, "Emoji_Presentation")
    gb = load_grapheme_break(ucd)

    # The segmenter tracks "inside a Regional_Indicator pair" and "inside an
    # Extended_Pictographic sequence" as one mode, not two flags (unicode.cpp).
    ri = GRAPHEME_BREAK.index("Regional_Indicator")
    both = [cp for cp in range(NUM_CP) if ext_pict[cp] and gb[cp] == ri]
    if both:
        fail("U+%04X is both Regional_Indicator and Extended_Pictographic; the "
             "segmenter modes in unicode.cpp assume no code point is" % both[0])

    props = bytearray(NUM_CP)
    for cp in range(NUM_CP):
        w = cell_width(cp, gc, eaw, default_ignorable, emoji_pres)
        v = gb[cp] | (w << WIDTH_SHIFT)
        if ext_pict[cp]:
            v |= EXT_PICT_BIT
        if emoji_pres[cp]:
            v |= EMOJI_PRES_BIT
        props[cp] = v
    return props


def dedupe_blocks(seq, block):
    """Split seq into blocks of `block` items and share identical ones.

    Returns (flat list of unique blocks' items, list of block numbers per input block).
    """
    unique = {}
    flat = []
    index = []
    for start in range(0, len(seq), block):
        chunk = tuple(seq[start:start + block])
        n = unique.get(chunk)
        if n is None:
            n = len(unique)
            unique[chunk] = n
            flat.extend(chunk)
        index.append(n)
    return flat, index


def ctype_for(values):
    m = max(values)
    if m < 1 << 8:
        return "uint8_t", 1
    if m < 1 << 16:
        return "uint16_t", 2
    fail("table index does not fit 16 bits")


def emit_array(out, ctype, name, values):
    out.append("const std::%s %s[%d] = {" % (ctype, name, len(values)))
    per_line = 16
    for i in range(0, len(values), per_line):
        out.append("    " + ", ".join(str(v) for v in values[i:i + per_line]) + ",")
    out.append("};")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ucd", default="/usr/share/unicode",
                    help="directory holding the Unicode Character Database "
                         "(default: /usr/share/unicode)")
    ap.add_argument("-o", "--output", required=True, help="C++ file to write")
    args = ap.parse_args()

    missing = [f for f in REQUIRED_FILES if not os.path.isfile(os.path.join(args.ucd, f))]
    if missing:
        fail("Unicode data not found in %s (missing: %s). Install the Unicode "
             "Character Database (Debian/Ubuntu: apt install unicode-data) or pass "
             "--ucd DIR." % (args.ucd, ", ".join(missing)))

    props = build_props(args.ucd)

    leaf_block = 1 << SHIFT2
    mid_block = 1 << (SHIFT1 - SHIFT2)
    leaves, leaf_index = dedupe_blocks(props, leaf_block)
    mids, mid_index = dedupe_blocks(leaf_index, mid_block)
    stage1 = mid_index
    t1, s1 = ctype_for(stage1)
    t2, s2 = ctype_for(mids)
    total = len(stage1) * s1 + len(mids) * s2 + len(leaves)

    # Must match the extern declarations in unicode.hpp; a mismatch is a compile
    # error because this file includes that header.
    if (t1, t2) != ("uint8_t", "uint16_t"):
        fail("index types changed to stage1=%s stage2=%s; update unicode.hpp" % (t1, t2))

    version = "unknown"
    with open(os.path.join(args.ucd, "EastAsianWidth.txt"), encoding="utf-8") as f:
        m = re.match(r"#\s*EastAsianWidth-([0-9.]+)\.txt", f.readline())
        if m:
            version = m.group(1)

    out = [
        "// Generated at build time by gen_unicode_tables.py from the Unicode Character",
        "// Database %s (%s). Do not edit; rebuild instead." % (version, args.ucd),
        "//",
        "// Sizes: stage 1 %d B, stage 2 %d B, leaves %d B, total %d B."
        % (len(stage1) * s1, len(mids) * s2, len(leaves), total),
        "#include \"vt/unicode/unicode.hpp\"",
        "",
        "namespace cadence::vt::unicode::detail {",
        "",
        "static_assert(kShift1 == %d && kShift2 == %d," % (SHIFT1, SHIFT2),
        "              \"unicode.hpp and gen_unicode_tables.py disagree on the table shape\");",
        "static_assert(kWidthShift == %d && kExtPictBit == %d && kEmojiPresentationBit == %d);"
        % (WIDTH_SHIFT, EXT_PICT_BIT, EMOJI_PRES_BIT),
        "",
        "const std::size_t kTableBytes = %d;" % total,
        "",
    ]
    emit_array(out, t1, "kStage1", stage1)
    out.append("")
    emit_array(out, t2, "kStage2", mids)
    out.append("")
    emit_array(out, "uint8_t", "kLeaves", list(leaves))
    out.append("")
    out.append("}  // namespace cadence::vt::unicode::detail")
    out.append("")

    tmp = args.output + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    os.replace(tmp, args.output)
    print("unicode tables: stage1 %d B + stage2 %d B + leaves %d B = %d B"
          % (len(stage1) * s1, len(mids) * s2, len(leaves), total))


if __name__ == "__main__":
    main()
