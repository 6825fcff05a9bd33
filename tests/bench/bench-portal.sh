#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Benchmark of the applicants' portal of tcard-issuerd (issue 16), run by
# scripts/run-bench (make bench): the demo authority, the daemon on a free
# loopback port, 64 applicants registered and signed in through
# /v1/portal/ (each with one Youyue draft of a made-up person), then wrk
# (2 threads, 64 connections, the 64 cookies handed out in turn) against
# GET /healthz (the reference: the daemon's cheapest answer, which never
# reaches the monitor), GET /v1/portal/applications ("my matters") and GET
# /v1/portal/applications/N (the applicant's own), and /portal/ (the
# pages) when the build serves them; best of two rounds. Then uploads of a
# 4 MiB PDF (each one different) by 8 applicants at a time for the same
# time: uploads and MiB per second, p50 and p99. Prints the ratios to
# /healthz and the monitor's and worker's resident memory before and
# after. wrk and the uploader share the two cores with the daemon.
# Usage: tests/bench/bench-portal.sh BUILD_DIR
#   PB_SECONDS (10), PB_ROUNDS (2), PB_SESSIONS (64)
set -u
. "$(dirname "$0")/daemon-lib.sh"
secs=${PB_SECONDS:-10}
rounds=${PB_ROUNDS:-2}
sess=${PB_SESSIONS:-64}

bench_need bench-portal wrk python3 curl -- \
	"$bin/tcard-issuerd" "$bin/tcard-issuerd-web" "$bin/tcard-issuer"

T=$(mktemp -d "${TMPDIR:-/tmp}/tcard-pbench.XXXXXX")
pid=
cleanup() {
	if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "bench-portal: $*" >&2; exit 1; }
export TCARD_SCRYPT_LN=10
unset TCARD_NOW TCARD_HOME TCARD_PASSPHRASE

"$bin/tcard-issuer" demo --home "$T/h" >/dev/null 2>"$T/demo.err" ||
	fail "demo: $(tail -3 "$T/demo.err")"
"$bin/tcard-issuerd" --home "$T/h" --listen 127.0.0.1:0 --port-file "$T/port" \
	--idle-timeout 1h --sign-in-rate 100000/min --sign-in-burst 100000 2>"$T/d.log" &
pid=$!
bench_wait_port "$T/d.log"
worker=$(pgrep -P "$pid" | head -1)
[ -n "$worker" ] || fail "no web worker under pid $pid"
mem() {
	for p in "monitor $pid" "worker $worker"; do
		set -- $p
		echo "$1 $(awk '/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 } END { print r, h }' "/proc/$2/status")"
	done
}
mem >"$T/mem-before"

# The applicants: registered, signed in, one draft each. The demo's
# accounts are verified; these need not be (drafts and reads only).
python3 - "$url" "$T" "$T/h/demo-applicants.txt" "$sess" <<'PY' || fail "the applicants could not be made"
import json, sys, urllib.request
url, t, apps_file, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
code = [l.rstrip("\n").split("\t") for l in open(apps_file) if not l.startswith("#")][0]
emp, uscc = code[5], code[6]
def post(path, body, cookie=None, csrf=None):
    h = {"Content-Type": "application/json", "Sec-Fetch-Site": "same-origin"}
    if cookie: h["Cookie"] = cookie
    if csrf: h["X-CSRF-Token"] = csrf
    return urllib.request.urlopen(urllib.request.Request(url + path,
        json.dumps(body, ensure_ascii=False).encode(), h))
def rid(k):
    s = "110105" + "19%02d%02d%02d" % (80 + k % 10, 1 + k % 12, 1 + k % 28) + "%03d" % (100 + 2 * k + 1)
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return s + "10X98765432"[sum(int(c) * x for c, x in zip(s, w)) % 11]
with open(t + "/pairs", "w") as pf, open(t + "/sessions.lua", "w") as lf:
    lf.write("local sessions = {\n")
    for k in range(n):
        login, pw = "bench-%d@portal.example" % k, "bench password number %d" % k
        post("/v1/portal/accounts", {"login": login, "password": pw})
        r = post("/v1/portal/session", {"login": login, "password": pw})
        cookie = r.headers["Set-Cookie"].split(";")[0]
        csrf = json.loads(r.read())["csrf"]
        idn = rid(k)
        form = {"format": "talentcard-application/1", "programme": "guangdong-youyue",
            "employer": {"code": uscc},
            "sections": {"category": {"clause": "a-1"},
                "basic": {"name": "测试%d" % k, "id-type": "resident-id", "id-number": idn,
                    "nationality": "中国", "birth-date": idn[6:10] + "-" + idn[10:12] + "-" + idn[12:14],
                    "sex": "男", "employer": emp, "work-type": "full-time"},
                "achievements": {"text": "长期从事新材料研发。"}}}
        app = json.loads(post("/v1/portal/applications", form, cookie, csrf).read())["id"]
        pf.write("%s %s %d\n" % (cookie, csrf, app))
        lf.write('  {"%s", %d},\n' % (cookie, app))
    lf.write("}\n")
PY

page() {
	cat "$T/sessions.lua"
	cat <<EOF
local fmt = "$1"
local reqs, k = {}, 0
init = function(args)
  for _, s in ipairs(sessions) do
    reqs[#reqs + 1] = wrk.format("GET", string.format(fmt, s[2]), {["Cookie"] = s[1]})
  end
end
EOF
	bench_lua_tail
}
page /healthz >"$T/healthz.lua"
page /v1/portal/applications >"$T/mine.lua"
page /v1/portal/applications/%d >"$T/app.lua"
page /portal/ >"$T/pages.lua"
pages=0
curl -s -o /dev/null -w '%{http_code}' -b "$(head -1 "$T/pairs" | cut -d' ' -f1)" "$url/portal/" | grep -q 200 && pages=1

run() {
	wrk -t2 -c"$sess" -d"${secs}s" --timeout 10s -s "$T/$1.lua" "$url$2" >"$T/wrk.out" 2>&1
	echo "$1 $(sed -n 's/^RESULT //p' "$T/wrk.out")" >>"$T/results"
}
: >"$T/results"
wrk -t2 -c"$sess" -d2s -s "$T/app.lua" "$url/" >/dev/null 2>&1
for _ in $(seq "$rounds"); do
	run healthz /healthz
	run mine /v1/portal/applications
	run app /v1/portal/applications
	[ "$pages" = 1 ] && run pages /portal/
done

# Uploads: 8 at a time for secs seconds, each a different 4 MiB PDF to an
# application with room (64 files at most per application).
python3 - "$url" "$T/pairs" "$secs" >"$T/uploads" <<'PY' || fail "the uploads failed"
import os, sys, time, threading, http.client, urllib.parse
url, pairs, secs = sys.argv[1], [l.split() for l in open(sys.argv[2])], float(sys.argv[3])
u = urllib.parse.urlparse(url)
size = 4 * 1024 * 1024 - 4096
lock, lat, errors, k = threading.Lock(), [], [0], [0]
def one(cookie, csrf, app):
    body_pdf = b"%PDF-1.4\n%" + os.urandom(size) + b"\n%%EOF\n"
    b = b"----tcardbench"
    body = (b"--" + b + b'\r\nContent-Disposition: form-data; name="kind"\r\n\r\nother\r\n--' + b +
        b'\r\nContent-Disposition: form-data; name="document"; filename="m.pdf"\r\nContent-Type: application/pdf\r\n\r\n' +
        body_pdf + b"\r\n--" + b + b"--\r\n")
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    t0 = time.monotonic()
    c.request("POST", "/v1/portal/applications/%s/attachments" % app, body,
        {"Cookie": cookie, "X-CSRF-Token": csrf,
         "Content-Type": "multipart/form-data; boundary=" + b.decode()})
    r = c.getresponse(); r.read(); c.close()
    return time.monotonic() - t0, r.status, len(body_pdf)
def worker(i):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        with lock:
            j = k[0]; k[0] += 1
        cookie, csrf, app = pairs[j % len(pairs)]
        d, st, n = one(cookie, csrf, app)
        with lock:
            if st == 200: lat.append((d, n))
            else: errors[0] += 1
t0 = time.monotonic()
ts = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
[t.start() for t in ts]; [t.join() for t in ts]
wall = time.monotonic() - t0
ds = sorted(d for d, _ in lat)
mb = sum(n for _, n in lat) / 1048576.0
print("%d %.2f %.1f %.1f %.1f %d" % (len(ds), wall, mb, 1000 * ds[len(ds) // 2] if ds else 0,
    1000 * ds[min(len(ds) - 1, int(len(ds) * 0.99))] if ds else 0, errors[0]))
PY
mem >"$T/mem-after"
kill -0 "$pid" 2>/dev/null || fail "the daemon died: $(tail -5 "$T/d.log")"

python3 - "$T" "$secs" "$rounds" "$sess" <<'PY'
import sys
t, secs, rounds, sess = sys.argv[1:5]
best = {}
for line in open(t + "/results"):
    f = line.split()
    if len(f) < 6 or f[1] in ("", "nan"):
        continue
    name, rps, p50, p99, err = f[0], float(f[1]), int(f[2]), int(f[3]), int(f[4])
    if name not in best or rps > best[name][0]:
        best[name] = (rps, p50, p99, err)
print("tcard-issuerd portal: the demo authority, %s applicants each with one draft, wrk -t2 -c%s, %s s per run, best of %s rounds" % (sess, sess, secs, rounds))
print("| | req/s | p50 | p99 | ratio to /healthz |")
print("|---|---|---|---|---|")
h = best.get("healthz")
for key, label in [("healthz", "GET /healthz (reference)"), ("mine", "GET /v1/portal/applications"),
                   ("app", "GET /v1/portal/applications/N"), ("pages", "GET /portal/ (page)")]:
    b = best.get(key)
    if not b:
        continue
    print("| %s | %.0f | %.2f ms | %.2f ms | %s |%s" % (label, b[0], b[1] / 1000.0, b[2] / 1000.0,
        "%.3f" % (b[0] / h[0]) if h else "", " %d errors or non-2xx" % b[3] if b[3] else ""))
n, wall, mb, p50, p99, err = open(t + "/uploads").read().split()
print("uploads of a 4 MiB PDF, 8 at a time for %s s: %s uploads, %.2f uploads/s, %.1f MiB/s, p50 %s ms, p99 %s ms%s" % (
    wall, n, int(n) / float(wall), float(mb) / float(wall), p50, p99, ", %s refused" % err if err != "0" else ""))
def memline(path):
    out = []
    for line in open(path):
        f = line.split()
        if len(f) >= 3:
            out.append("%s %.1f MB resident (peak %.1f MB)" % (f[0], int(f[1]) / 1024.0, int(f[2]) / 1024.0))
    return ", ".join(out)
print("memory before: " + memline(t + "/mem-before"))
print("memory after:  " + memline(t + "/mem-after"))
PY
