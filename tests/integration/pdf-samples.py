#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Made-up PDFs for tests/integration/175-console-pdf.sh, written by hand
# (no PDF library): a real document of N pages (a black box and "Page K"
# in Helvetica on each), and hostile ones that still pass tcard-issuer's
# sniffing (%PDF- first, %%EOF last): truncated, encrypted with an
# unknown password, a page tree that claims two billion pages and
# contains itself, bytes that are no PDF, and one whose single page makes
# a renderer spin (Form XObjects that draw the previous one 16 times,
# 9 deep: 16^9 rectangles).
# Usage: pdf-samples.py real N OUT | truncated OUT | encrypted OUT |
#        pagebomb OUT | notpdf OUT | spin OUT
import sys


def build(objs, extra=b""):
    out = b"%PDF-1.4\n"
    offs = []
    for i, o in enumerate(objs):
        offs.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += (b"trailer\n<< /Size %d /Root 1 0 R " % (len(objs) + 1) + extra +
            b">>\nstartxref\n%d\n%%%%EOF\n" % x)
    return out


def stream(s, extra=b""):
    return b"<< /Length %d " % len(s) + extra + b">>\nstream\n" + s + b"\nendstream"


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGE = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Contents %d 0 R /Resources %s >>")
FONT = b"<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"
BOX = b"0 0 0 rg 72 600 300 150 re f"


def real(n):
    kids = b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(n))
    objs = [CATALOG, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n)]
    for i in range(n):
        objs.append(PAGE % (4 + 2 * i, FONT))
        objs.append(stream(BOX + b" BT /F1 36 Tf 72 500 Td (Page %d) Tj ET" % (i + 1)))
    return build(objs)


def one_page(resources=b"<< >>", content=BOX):
    return [CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            PAGE % (4, resources), stream(content)]


def spin():
    depth = 9
    objs = one_page(b"<< /XObject << /X%d %d 0 R >> >>" % (depth, 5 + depth),
                    b"/X%d Do" % depth)
    form = b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] "
    objs.append(stream(BOX, form))
    for i in range(1, depth + 1):
        objs.append(stream(b"q /X%d Do Q " % (i - 1) * 16, form +
                           b"/Resources << /XObject << /X%d %d 0 R >> >> " % (i - 1, 4 + i)))
    return build(objs)


def encrypted():
    objs = one_page()
    objs.append(b"<< /Filter /Standard /V 2 /R 3 /Length 128 /P -4 /O <" +
                b"11" * 32 + b"> /U <" + b"22" * 32 + b"> >>")
    return build(objs, b"/Encrypt 5 0 R /ID [<" + b"33" * 16 + b"> <" + b"33" * 16 + b">] ")


def pagebomb():
    objs = one_page()
    objs[1] = b"<< /Type /Pages /Kids [2 0 R 3 0 R 2 0 R] /Count 2000000000 >>"
    return build(objs)


kind = sys.argv[1]
if kind == "real":
    data, out = real(int(sys.argv[2])), sys.argv[3]
else:
    out = sys.argv[2]
    data = {"truncated": lambda: real(12)[:1500] + b"\n%%EOF\n",
            "encrypted": encrypted, "pagebomb": pagebomb, "spin": spin,
            "notpdf": lambda: b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"}[kind]()
open(out, "wb").write(data)
