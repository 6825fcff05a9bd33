#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Load for tests/integration/162-verifierd-binding-budget.sh: many clients,
# each bound to its own loopback address (127.0.0.2, 127.0.0.3, ...), POST
# /v1/verify with an ID number (a scrypt each) as fast as they are
# answered, while one more client measures GET /healthz and a plain
# /v1/verify (no ID number) every 50 ms and the daemon's resident size is
# sampled from /proc. Stops by itself after the given seconds; prints one
# JSON object: latencies, resident sizes, the statuses seen.
# Usage: binding-load.py PORT PID QRFILE ID ADDRESSES PER-ADDRESS SECONDS
import http.client
import json
import statistics
import sys
import threading
import time

port, pid = int(sys.argv[1]), int(sys.argv[2])
qr = open(sys.argv[3], encoding="ascii").read().strip()
idno = sys.argv[4]
naddr, per, secs = int(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7])
end = time.monotonic() + secs
with_id = json.dumps({"qr": qr, "id": idno})
plain = json.dumps({"qr": qr})
hdrs = {"Content-Type": "application/json"}
lock = threading.Lock()
statuses = {}
busy_without_retry = 0
busy_codes = set()


def rss_kib(field):
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def hammer(addr):
    global busy_without_retry
    conn = None
    while time.monotonic() < end:
        try:
            if conn is None:
                conn = http.client.HTTPConnection(
                    "127.0.0.1", port, timeout=20, source_address=(addr, 0))
            conn.request("POST", "/v1/verify", with_id, hdrs)
            r = conn.getresponse()
            body = r.read()
            with lock:
                statuses[r.status] = statuses.get(r.status, 0) + 1
                if r.status in (429, 503):
                    if not r.getheader("Retry-After"):
                        busy_without_retry += 1
                    try:
                        busy_codes.add(json.loads(body)["error"])
                    except (ValueError, KeyError):
                        busy_codes.add("?")
        except (OSError, http.client.HTTPException):
            with lock:
                statuses["error"] = statuses.get("error", 0) + 1
            if conn is not None:
                conn.close()
            conn = None
            time.sleep(0.01)
    if conn is not None:
        conn.close()


def timed(method, path, body=None):
    t = time.monotonic()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    c.request(method, path, body, hdrs if body else {})
    r = c.getresponse()
    r.read()
    c.close()
    return r.status, (time.monotonic() - t) * 1000


base = rss_kib("VmRSS")
threads = [threading.Thread(target=hammer, args=(f"127.0.0.{2 + i}",),
                            daemon=True)
           for i in range(naddr) for _ in range(per)]
for t in threads:
    t.start()
health, verify, bad, rss_max = [], [], [], base
time.sleep(0.3)  # the load first
while time.monotonic() < end:
    s, ms = timed("GET", "/healthz")
    health.append(ms)
    if s != 200:
        bad.append(("healthz", s))
    s, ms = timed("POST", "/v1/verify", plain)
    verify.append(ms)
    if s != 200:
        bad.append(("verify", s))
    rss_max = max(rss_max, rss_kib("VmRSS"))
    time.sleep(0.05)
for t in threads:
    t.join(timeout=30)


def pct(v, p):
    v = sorted(v)
    return round(v[min(len(v) - 1, int(len(v) * p))], 1) if v else None


print(json.dumps({
    "healthz_p50_ms": pct(health, 0.5), "healthz_p90_ms": pct(health, 0.9),
    "healthz_n": len(health),
    "verify_p50_ms": pct(verify, 0.5), "verify_p90_ms": pct(verify, 0.9),
    "rss_base_kib": base, "rss_max_kib": rss_max,
    "hwm_kib": rss_kib("VmHWM"),
    "statuses": {str(k): v for k, v in statuses.items()},
    "busy_without_retry_after": busy_without_retry,
    "busy_codes": sorted(busy_codes),
    "bad": bad[:10],
    "alive": sum(t.is_alive() for t in threads),
    "mean_healthz_ms": round(statistics.mean(health), 1) if health else None,
}))
