#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# The RFC 6238 code of a Base32 secret at a time, for the integration
# tests (the programs never print codes): totp.py SECRET [TIME], TIME in
# epoch seconds, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ as $TCARD_NOW takes it
# (default: $TCARD_NOW, else now). SHA-1, 6 digits, 30 seconds.
import base64, calendar, hashlib, hmac, os, struct, sys, time


def when(text):
    if not text:
        return int(time.time())
    if text.isdigit():
        return int(text)
    fmt = "%Y-%m-%dT%H:%M:%SZ" if "T" in text else "%Y-%m-%d"
    return calendar.timegm(time.strptime(text, fmt))


def code(secret, t):
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", t // 30), hashlib.sha1).digest()
    o = mac[-1] & 15
    return "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7fffffff) % 10**6)


if __name__ == "__main__":
    t = when(sys.argv[2] if len(sys.argv) > 2 else os.environ.get("TCARD_NOW", ""))
    print(code(sys.argv[1], t))
