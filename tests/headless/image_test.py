#!/usr/bin/env python3
"""Unit test of the bench's image code: the PPM reader, the colour helpers, the PNG writer
and reader.

The integration tests judge screenshots with these helpers, so a bug here would make them
pass or fail for the wrong reason. No compositor is needed.
"""

import os
import random
import struct
import sys
import unittest
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from headless import Image  # noqa: E402


def make_ppm(width, height, pixels, comment=False):
    header = b"P6\n"
    if comment:
        header += b"# written by a test\n"
    header += b"%d %d\n255\n" % (width, height)
    return header + b"".join(bytes(p) for p in pixels)


def decode_png(blob):
    """Just enough of PNG to read back what Image.to_png writes (8-bit RGB, filter 0)."""
    assert blob[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(blob):
        (length,) = struct.unpack(">I", blob[pos : pos + 4])
        kind = blob[pos + 4 : pos + 8]
        body = blob[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", blob[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, f"bad CRC in {kind}"
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 2)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * 3 + 1
    rows = [raw[y * stride : (y + 1) * stride] for y in range(height)]
    assert all(r[0] == 0 for r in rows)
    return width, height, b"".join(r[1:] for r in rows)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def encode_png(width, height, rows, colour=6, filters=(0,), depth=8, interlace=0, idat_parts=1):
    """A PNG whose row y is filtered with filters[y % len(filters)] (the encoder side of
    each filter, written out here independently of the reader under test)."""
    bpp = 4 if colour == 6 else 3
    raw, prev = b"", bytes(width * bpp)
    for y, row in enumerate(rows):
        kind = filters[y % len(filters)]
        out = bytearray()
        for i, x in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            pred = (0, a, b, (a + b) // 2, paeth(a, b, c))[kind]
            out.append((x - pred) & 0xFF)
        raw += bytes([kind]) + bytes(out)
        prev = row

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    data = zlib.compress(raw)
    step = -(-len(data) // idat_parts)
    idats = b"".join(chunk(b"IDAT", data[i : i + step]) for i in range(0, len(data), step))
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, interlace)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + idats + chunk(b"IEND", b"")


RED, GREEN, BLUE, BLACK = (255, 0, 0), (0, 255, 0), (0, 0, 255), (0, 0, 0)


class ImageTest(unittest.TestCase):
    def test_reads_pixels_in_row_order(self):
        img = Image.from_ppm(make_ppm(2, 2, [RED, GREEN, BLUE, BLACK]))
        self.assertEqual((img.width, img.height), (2, 2))
        self.assertEqual(img.pixel(0, 0), RED)
        self.assertEqual(img.pixel(1, 0), GREEN)
        self.assertEqual(img.pixel(0, 1), BLUE)
        self.assertEqual(img.pixel(1, 1), BLACK)

    def test_header_comment_is_skipped(self):
        img = Image.from_ppm(make_ppm(1, 1, [GREEN], comment=True))
        self.assertEqual(img.pixel(0, 0), GREEN)

    def test_pixel_data_may_start_with_whitespace_bytes(self):
        # A first pixel of (10, 32, 9) is "\n \t": only one byte after maxval is header.
        img = Image.from_ppm(make_ppm(1, 1, [(10, 32, 9)]))
        self.assertEqual(img.pixel(0, 0), (10, 32, 9))

    def test_rejects_other_formats_and_short_data(self):
        with self.assertRaises(ValueError):
            Image.from_ppm(b"P3\n1 1\n255\n0 0 0\n")
        with self.assertRaises(ValueError):
            Image.from_ppm(b"P6\n2 2\n255\n" + bytes(5))
        with self.assertRaises(ValueError):
            Image.from_ppm(b"P6\n1 1\n65535\n" + bytes(6))

    def test_pixel_outside_raises(self):
        img = Image.from_ppm(make_ppm(1, 1, [RED]))
        with self.assertRaises(IndexError):
            img.pixel(1, 0)

    def test_colour_counts_and_regions(self):
        # 4x2: left half red, right half blue, one green pixel at (3, 1).
        pixels = [RED, RED, BLUE, BLUE, RED, RED, BLUE, GREEN]
        img = Image.from_ppm(make_ppm(4, 2, pixels))
        self.assertEqual(img.count_distinct_colors(), 3)
        self.assertEqual(img.count_distinct_colors((0, 0, 2, 2)), 1)
        self.assertTrue(img.is_blank((0, 0, 2, 2)))
        self.assertFalse(img.is_blank())
        self.assertEqual(img.background(), RED)  # 4 red, 3 blue
        self.assertEqual(img.count_differing(BLUE, (2, 0, 2, 2)), 1)
        self.assertEqual(img.color_histogram((2, 0, 10, 10)), {BLUE: 3, GREEN: 1})

    def test_png_round_trip(self):
        pixels = [
            (x * 40 % 256, y * 70 % 256, (x + y) * 13 % 256) for y in range(3) for x in range(5)
        ]
        img = Image.from_ppm(make_ppm(5, 3, pixels))
        width, height, data = decode_png(img.to_png())
        self.assertEqual((width, height), (5, 3))
        self.assertEqual(data, img.data)

    def test_png_reader_reads_back_the_writer(self):
        pixels = [(x * 51 % 256, y * 97 % 256, (x * y) % 256) for y in range(4) for x in range(6)]
        img = Image.from_ppm(make_ppm(6, 4, pixels))
        back = Image.from_png(img.to_png())
        self.assertEqual((back.width, back.height, back.data), (6, 4, img.data))

    def test_png_reader_undoes_every_filter(self):
        # Random bytes from a few evenly spaced values (and one near the top, so sums
        # overflow): Paeth's ties, where the order of its comparisons decides, happen a
        # dozen times each, so a wrong predictor or tie order shows.
        rng = random.Random(7)
        width, height = 16, 12
        rows = [bytes(rng.choice((0, 5, 10, 15, 20, 250)) for _ in range(width * 4))
                for y in range(height)]
        expected = b"".join(row[i : i + 3] for row in rows for i in range(0, len(row), 4))
        for kind in range(5):
            with self.subTest(filter=kind):
                img = Image.from_png(encode_png(width, height, rows, filters=(kind,)))
                self.assertEqual(img.data, expected)
        mixed = Image.from_png(encode_png(width, height, rows, filters=(4, 1, 0, 3, 2),
                                          idat_parts=3))
        self.assertEqual(mixed.data, expected)

    def test_png_reader_reads_rgb(self):
        rows = [bytes([10, 20, 30, 40, 50, 60]), bytes([70, 80, 90, 100, 110, 120])]
        img = Image.from_png(encode_png(2, 2, rows, colour=2, filters=(1, 4)))
        self.assertEqual(img.pixel(1, 0), (40, 50, 60))
        self.assertEqual(img.pixel(0, 1), (70, 80, 90))

    def test_png_reader_rejects_what_it_cannot_read(self):
        rows = [bytes(8)]
        good = encode_png(2, 1, rows)
        self.assertEqual(Image.from_png(good).data, bytes(6))
        unknown_filter = good.replace(zlib.compress(b"\x00" + bytes(8)),
                                      zlib.compress(b"\x05" + bytes(8)))
        # The CRC covers the changed IDAT, so recompute it: only the filter byte is wrong.
        start = unknown_filter.index(b"IDAT") - 4
        (length,) = struct.unpack(">I", unknown_filter[start : start + 4])
        body = unknown_filter[start + 4 : start + 8 + length]
        unknown_filter = (unknown_filter[: start + 8 + length]
                          + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
                          + unknown_filter[start + 12 + length :])
        for blob, why in (
            (b"GIF89a" + good[6:], "not a PNG"),
            (good[:-20], "truncated"),
            (good[:30] + bytes([good[30] ^ 1]) + good[31:], "bad CRC"),
            (encode_png(2, 1, rows, interlace=1), "interlaced"),
            (encode_png(2, 1, rows, depth=16), "16-bit"),
            (unknown_filter, "filter type 5"),
        ):
            with self.subTest(why=why):
                with self.assertRaises(ValueError):
                    Image.from_png(blob)

    def test_ppm_round_trip(self):
        img = Image.from_ppm(make_ppm(2, 1, [RED, BLUE]))
        self.assertEqual(Image.from_ppm(img.to_ppm()).data, img.data)


if __name__ == "__main__":
    unittest.main()
