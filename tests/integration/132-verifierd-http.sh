#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tcard-verifierd's HTTP layer, spoken raw over a socket (curl would
# normalise what matters here): a query string with hundreds of parameters
# is answered 400 (not left without an answer); a Transfer-Encoding other
# than chunked 501; Transfer-Encoding with Content-Length, two
# Content-Length fields, two Transfer-Encoding fields 400; each closes the
# connection and a request smuggled behind them is never answered;
# /bundle/NAME%00x and an encoded '/' are refused, not served as NAME;
# GET / redirects with a Location; the per-address connection limit is on
# by default and /healthz still answers another address; libmicrohttpd's
# messages about refused connections are rate-limited in the log; and
# promtool finds nothing to say about /metrics.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/verifierd-lib.sh"
vd_env
RAW=$(dirname "$0")/rawhttp.py
vd_demo
check "the daemon starts (default limits)" start_vd a --bundle "$B" \
	--pepper "$H/keys/pepper.key"
A=$URL_a
PORT=${A##*:}

# raw NAME REQUEST [SRC]: the answer as JSON in $T/raw-NAME.
raw() { python3 "$RAW" "$PORT" "$2" ${3:+"$3"} >"$T/raw-$1"; }
# raw_ok NAME DESC PYTHON: PYTHON runs with r = the parsed answer.
raw_ok() {
	if python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))
$3
" "$T/raw-$1" 2>"$T/pyerr"; then ok "$2"
	else not_ok "$2"; sed 's/^/# raw: /' "$T/raw-$1" | cut -c1-600; sed 's/^/# py: /' "$T/pyerr"; fi
}
# The checks of a refusal: one JSON answer of STATUS with error CODE, the
# connection closed by the server.
refused() { # refused NAME STATUS CODE DESC
	raw_ok "$1" "$4" "
assert not r['timeout'], 'no answer within 5 s'
assert len(r['responses']) == 1, r['responses']
a = r['responses'][0]
assert a['status'] == $2, a['status']
assert json.loads(a['body'])['error'] == '$3', a['body']
assert a['headers'].get('connection', '').lower() == 'close', a['headers']
assert r['closed']"
}

# --- hundreds of query parameters ---
Q=$(python3 -c 'print("&".join("p%d=v" % i for i in range(250)))')
raw params "GET /v1/lookup?$Q HTTP/1.1\r\nHost: x\r\n\r\n"
refused params 400 bad-query "250 query parameters: 400 bad-query, not silence"
raw amps "GET /healthz?$(printf '&%.0s' $(seq 1500)) HTTP/1.1\r\nHost: x\r\n\r\n"
refused amps 400 bad-query "1500 empty parameters: 400 bad-query"
Q=$(python3 -c 'print("&".join("p%d=v" % i for i in range(32)))')
raw params32 "GET /v1/lookup?$Q HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
raw_ok params32 "32 parameters reach the lookup, whose parser takes 16" "
a = r['responses'][0]
assert a['status'] == 400, a
assert json.loads(a['body'])['message'] == 'more than 16 parameters', a"

# --- framing (RFC 9112 section 6) ---
SMUGGLED='GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'
raw te-gzip "POST /v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip\r\n\r\nabc"
refused te-gzip 501 unsupported-transfer-coding "Transfer-Encoding: gzip: 501, answered and closed"
raw te-list "POST /v1/verify HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"
refused te-list 501 unsupported-transfer-coding "Transfer-Encoding: gzip, chunked: 501"
raw te-cl "POST /v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nContent-Length: 35\r\n\r\n0\r\n\r\n$SMUGGLED"
refused te-cl 400 bad-framing "Transfer-Encoding and Content-Length: 400 bad-framing"
raw_ok te-cl "the request smuggled behind it is not answered" "
assert r['raw'].count('HTTP/1.1 ') == 1 and '\"ready\"' not in r['raw']"
raw cl-cl "POST /v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 0\r\nContent-Length: 35\r\n\r\n$SMUGGLED"
refused cl-cl 400 bad-framing "two different Content-Length fields: 400 bad-framing"
raw_ok cl-cl "the request smuggled in the second length is not answered" "
assert r['raw'].count('HTTP/1.1 ') == 1 and '\"ready\"' not in r['raw']"
raw cl-same "POST /v1/verify HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}"
refused cl-same 400 bad-framing "a repeated Content-Length: 400"
raw te-te "POST /v1/verify HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
refused te-te 400 bad-framing "two Transfer-Encoding fields: 400"
raw te-10 "POST /v1/verify HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
refused te-10 400 bad-framing "Transfer-Encoding on HTTP/1.0: 400"
# A chunked POST is still fine, and keep-alive after it.
raw chunked "POST /v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
raw_ok chunked "a chunked body is read (400 bad-json) and the next request answered" "
a, b = r['responses']
assert a['status'] == 400 and json.loads(a['body'])['error'] == 'bad-json', a
assert b['status'] == 200 and json.loads(b['body'])['ready'] is True, b"

# --- paths ---
raw nul "GET /bundle/trust.cose%00x HTTP/1.1\r\nHost: x\r\n\r\n"
refused nul 400 bad-path "/bundle/trust.cose%00x: 400 bad-path, not trust.cose"
raw_ok nul "the message names the NUL" "assert 'NUL' in r['responses'][0]['body']"
raw slash "GET /bundle/programmes%2fx.json HTTP/1.1\r\nHost: x\r\n\r\n"
refused slash 400 bad-path "an encoded '/' in a segment: 400 bad-path"
raw healthz-nul "GET /healthz%00 HTTP/1.1\r\nHost: x\r\n\r\n"
refused healthz-nul 400 bad-path "/healthz%00: 400 bad-path"
expect_http 200 "an escaped path that decodes cleanly is served" GET "$A/bundle/trust%2ecose"

# --- GET / ---
expect_http 302 "GET / redirects" GET "$A/"
header_has '^Location: /lookup' "to /lookup, with a Location header"

# --- one address cannot take every connection slot ---
python3 - "$PORT" >"$T/perip" 2>&1 <<'EOF'
import socket, sys, time
port = int(sys.argv[1])
held = []
for i in range(64):          # the default per-ip-connections
    s = socket.create_connection(('127.0.0.1', port))
    held.append(s)
time.sleep(0.5)
refused = 0
for i in range(300):         # beyond it: closed unanswered
    s = socket.create_connection(('127.0.0.1', port))
    s.settimeout(5)
    try:
        s.sendall(b'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
        d = s.recv(100)
    except (ConnectionResetError, BrokenPipeError):
        d = b''
    except socket.timeout:
        d = b'timeout'
    refused += d == b''
    s.close()
# Another address is served meanwhile.
s = socket.socket()
s.bind(('127.0.0.2', 0))
s.settimeout(5)
s.connect(('127.0.0.1', port))
s.sendall(b'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
d = b''
try:
    while True:
        x = s.recv(4096)
        if not x:
            break
        d += x
except socket.timeout:
    pass
print('refused', refused)
print('other', d.split(b'\r\n', 1)[0].decode())
for s in held:
    s.close()
EOF
check "with 64 connections open, more from that address are closed unanswered" \
	grep -qx 'refused 300' "$T/perip"
check "while another address gets /healthz" grep -qx 'other HTTP/1.1 200 OK' "$T/perip"
sed 's/^/# /' "$T/perip" | head -5

# The refusals are not one log line each.
sleep 0.3
n=$(grep -c '"event":"http"' "$T/a.log")
if [ "$n" -le 150 ]; then ok "300 refused connections: $n libmicrohttpd lines in the log"
else not_ok "300 refused connections: $n libmicrohttpd lines in the log (over 150)"; fi
# The next message after a pause first says how many were dropped (a
# Content-Length libmicrohttpd cannot parse: it answers 400 itself).
sleep 0.5
raw cl-bad "POST /v1/verify HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\nabcde"
raw_ok cl-bad "an unparsable Content-Length is answered 400 and closed" "
assert r['closed'] and r['responses'][0]['status'] == 400, r"
sleep 0.3
check "the dropped lines are counted in a log-limited event" \
	grep -qE '"event":"log-limited".*"message":"[0-9]+ libmicrohttpd messages were not logged' "$T/a.log"
http GET "$A/metrics"
check "and in /metrics" grep -qE '^tcard_log_lines_dropped_total\{kind="http"\} [1-9]' "$T/body"

# --- /metrics passes promtool ---
check "the revoked serials gauge" grep -qE '^tcard_bundle_revoked_serials [0-9]+$' "$T/body"
check "the generation is a gauge" grep -qx '# TYPE tcard_bundle_generation gauge' "$T/body"
if command -v promtool >/dev/null; then
	promtool check metrics <"$T/body" >"$T/promtool" 2>&1
	st=$?
	if [ $st -eq 0 ] && [ ! -s "$T/promtool" ]; then ok "promtool check metrics: nothing to report"
	else not_ok "promtool check metrics (exit $st)"; sed 's/^/# promtool: /' "$T/promtool"; fi
else
	echo "# SKIP promtool is not installed (scripts/install-deps installs prometheus)"
fi

stop_vd a
check "SIGTERM stops it cleanly" test "$VD_STATUS" -eq 0
done_testing
