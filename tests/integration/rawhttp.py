# SPDX-License-Identifier: MIT
"""Raw HTTP/1.1 over a socket, for the tcard-verifierd scripts that need
bytes curl would never send (two Content-Length fields, a smuggled second
request, %00 in a path, hundreds of query parameters).

As a program: rawhttp.py PORT REQUEST [SRC]: REQUEST is a Python bytes
literal body (escapes like \\r\\n allowed); sends it from address SRC
(default 127.0.0.1), reads until the server closes or 5 s pass, and prints
one JSON object: "responses" (each with "status", "headers" and "body" as
text), "closed" (the server closed the connection), "timeout", "raw" (the
bytes received, latin-1)."""
import ast
import json
import socket
import sys


def exchange(port, raw, timeout=5.0, src=None, host="127.0.0.1"):
    """Sends raw, reads until EOF or timeout. Returns (bytes, closed)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if src is not None:
        s.bind((src, 0))
    s.settimeout(timeout)
    s.connect((host, port))
    out = b""
    closed = False
    try:
        s.sendall(raw)
        while True:
            d = s.recv(65536)
            if not d:
                closed = True
                break
            out += d
    except socket.timeout:
        pass
    except (ConnectionResetError, BrokenPipeError):
        closed = True
    s.close()
    return out, closed


def parse(data):
    """Splits data into responses (status, headers dict, body); the body's
    length comes from Content-Length (0 without it)."""
    res = []
    while data:
        head, sep, rest = data.partition(b"\r\n\r\n")
        if not sep:
            res.append({"status": None, "headers": {}, "body": head.decode("latin-1")})
            break
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        hdrs = {}
        for ln in lines[1:]:
            k, _, v = ln.partition(":")
            hdrs.setdefault(k.strip().lower(), v.strip())
        n = int(hdrs.get("content-length", "0") or 0)
        res.append({"status": status, "headers": hdrs,
                    "body": rest[:n].decode("latin-1")})
        data = rest[n:]
    return res


def main():
    port = int(sys.argv[1])
    raw = ast.literal_eval("b'''" + sys.argv[2] + "'''")
    src = sys.argv[3] if len(sys.argv) > 3 else None
    data, closed = exchange(port, raw, src=src)
    print(json.dumps({"responses": parse(data), "closed": closed,
                      "timeout": not closed, "raw": data.decode("latin-1")}))


if __name__ == "__main__":
    main()
