# SPDX-License-Identifier: MIT
"""Reads an 8-bit RGB or RGBA PNG with zlib and struct only, for the
integration scripts that look at rendered pixels (175, 191):

    import pngread
    w, h, bpp, rows = pngread.read("face.png")   # rows: unfiltered bytearrays

As a program: pngread.py FILE R G B prints how many pixels are within 3
levels of the colour R G B on every channel.
"""
import struct
import sys
import zlib


def read(path):
    """(width, height, bytes per pixel, rows) of the PNG at path, the rows
    with the filters (None, Sub, Up, Average, Paeth) undone."""
    b = open(path, "rb").read()
    assert b[:8] == b"\x89PNG\r\n\x1a\n", "signature"
    i, idat, w = 8, b"", 0
    while i < len(b):
        n, t = struct.unpack(">I4s", b[i:i + 8])
        d = b[i + 8:i + 8 + n]
        if t == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", d[:10])
        elif t == b"IDAT":
            idat += d
        i += 12 + n
    assert depth == 8 and ctype in (2, 6), ("not 8-bit RGB(A)", depth, ctype)
    raw = zlib.decompress(idat)
    bpp = 3 if ctype == 2 else 4
    stride = 1 + w * bpp
    assert len(raw) == h * stride
    prev, rows = bytearray(w * bpp), []
    for y in range(h):
        f, line = raw[y * stride], bytearray(raw[y * stride + 1:(y + 1) * stride])
        for x in range(len(line)):
            a = line[x - bpp] if x >= bpp else 0
            c = prev[x - bpp] if x >= bpp else 0
            up = prev[x]
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + up) & 255
            elif f == 3:
                line[x] = (line[x] + (a + up) // 2) & 255
            elif f == 4:
                p = a + up - c
                pa, pb, pc = abs(p - a), abs(p - up), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else up if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows


def count_colour(path, rgb, tolerance=3):
    """How many pixels are within tolerance of rgb on every channel."""
    _, _, bpp, rows = read(path)
    return sum(1 for line in rows for x in range(0, len(line), bpp)
               if all(abs(line[x + k] - rgb[k]) <= tolerance for k in range(3)))


if __name__ == "__main__":
    print(count_colour(sys.argv[1], [int(v) for v in sys.argv[2:5]]))
