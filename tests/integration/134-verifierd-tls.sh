#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tcard-verifierd over HTTPS: TLS 1.0 and 1.1 handshakes are refused (the
# client is told to allow them, so only the server can refuse), 1.2 and 1.3
# succeed; SIGHUP with a replaced certificate and key makes new connections
# see the new certificate (compared by SHA-256 fingerprint) while a
# connection opened before keeps working; a replacement whose key does not
# match its certificate is refused and the pair in use kept.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/verifierd-lib.sh"
vd_env
vd_demo

# newcert NAME: a self-signed P-256 certificate and key in $T/NAME.{crt,key}.
newcert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj "/CN=127.0.0.1 $1" -addext subjectAltName=IP:127.0.0.1 \
		-keyout "$T/$1.key" -out "$T/$1.crt" >/dev/null 2>&1 && chmod 600 "$T/$1.key"
}
# file_fpr NAME: the SHA-256 fingerprint of $T/NAME.crt.
file_fpr() { openssl x509 -in "$T/$1.crt" -noout -fingerprint -sha256 | cut -d= -f2; }
# served_fpr: the fingerprint of the certificate a new connection gets.
served_fpr() {
	openssl s_client -connect "127.0.0.1:$PORT" </dev/null 2>/dev/null |
		openssl x509 -noout -fingerprint -sha256 2>/dev/null | cut -d= -f2
}
# hello VERSION: a handshake of that version only (s_client -tls1_1 ...),
# with the client's own floor lowered; the negotiated line in $T/hello.
hello() {
	openssl s_client -connect "127.0.0.1:$PORT" "-$1" -cipher 'DEFAULT:@SECLEVEL=0' \
		</dev/null >"$T/hello" 2>&1
	grep -E '^(New|    Protocol)' "$T/hello" | sed 's/^/# /'
}

check "certificate A" newcert a
check "certificate B" newcert b
check "certificate C" newcert c
cp "$T/a.crt" "$T/tls.crt" && cp "$T/a.key" "$T/tls.key"
check "HTTPS daemon" start_vd s --bundle "$B" --tls-cert "$T/tls.crt" --tls-key "$T/tls.key"
PORT=${URL_s##*:}
URL=https://127.0.0.1:$PORT

# --- protocol versions ---
for v in tls1 tls1_1; do
	hello $v
	check "$v: the handshake is refused" grep -q 'Cipher is (NONE)' "$T/hello"
done
hello tls1_2
check "TLS 1.2: the handshake succeeds" grep -qE '^New, TLSv1.2, Cipher is [A-Z]' "$T/hello"
hello tls1_3
check "TLS 1.3: the handshake succeeds" grep -qE '^New, TLSv1.3, Cipher is [A-Z]' "$T/hello"
expect_http 200 "/healthz over TLS (curl, certificate checked)" GET "$URL/healthz" --cacert "$T/a.crt"

# --- reload on SIGHUP ---
A=$(file_fpr a) BF=$(file_fpr b)
got=$(served_fpr)
if [ -n "$got" ] && [ "$got" = "$A" ]; then ok "certificate A is served"
else not_ok "certificate A is served (got '$got')"; fi

# A keep-alive connection opened before the reload, used again after it.
python3 - "$PORT" "$T/ka" <<'EOF' &
import os, socket, ssl, sys, time
port, base = int(sys.argv[1]), sys.argv[2]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
s = ctx.wrap_socket(socket.create_connection(('127.0.0.1', port)))
s.settimeout(10)
req = b'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'
def recv():
    d = s.recv(4096)
    if not d:
        raise EOFError('closed by the server')
    return d
def status():
    try:
        s.sendall(req)
        d = b''
        while b'\r\n\r\n' not in d:
            d += recv()
        head, _, body = d.partition(b'\r\n\r\n')
        n = int([l.split(b':')[1] for l in head.split(b'\r\n') if l.lower().startswith(b'content-length')][0])
        while len(body) < n:
            body += recv()
        return head.split(b' ')[1].decode()
    except Exception as e:
        return repr(e)
first = status()
open(base + '.ready', 'w').write(first)
for _ in range(200):
    if os.path.exists(base + '.go'):
        break
    time.sleep(0.05)
# Within the daemon's idle timeout (10 s).
open(base + '.after', 'w').write(status())
EOF
KA=$!
wait_for 10 test -s "$T/ka.ready"
check "an HTTPS keep-alive connection is open (200)" grep -qx 200 "$T/ka.ready"

cp "$T/b.crt" "$T/tls.crt" && cp "$T/b.key" "$T/tls.key"
kill -HUP "$PID_s"
check "SIGHUP: the new pair is loaded" wait_for 10 grep -q '"event":"tls-loaded"' "$T/s.log"
got=$(served_fpr)
if [ -n "$got" ] && [ "$got" = "$BF" ]; then ok "a new connection sees certificate B"
else not_ok "a new connection sees certificate B (got '$got', A is $A)"; fi
expect_http 200 "curl trusts B now" GET "$URL/healthz" --cacert "$T/b.crt"
touch "$T/ka.go"
wait "$KA"
check "the connection opened before the reload still works" grep -qx 200 "$T/ka.after"

# A key that is not the certificate's: refused, B stays.
cp "$T/c.crt" "$T/tls.crt"
kill -HUP "$PID_s"
check "a mismatched pair is refused" wait_for 10 grep -q '"event":"tls-refused"' "$T/s.log"
got=$(served_fpr)
if [ "$got" = "$BF" ]; then ok "and certificate B is still served"
else not_ok "and certificate B is still served (got '$got')"; fi
# Reloads while handshakes run (a pair in use must not be freed under one).
cp "$T/c.key" "$T/tls.key"
for i in 1 2 3 4 5 6; do
	kill -HUP "$PID_s"
	curl -s -o /dev/null --max-time 5 -k "$URL/healthz" &
	curl -s -o /dev/null --max-time 5 -k "$URL/healthz"
done
wait_for 10 test "$(grep -c '"event":"tls-loaded"' "$T/s.log")" -ge 7
expect_http 200 "after six reloads under load, certificate C answers" GET "$URL/healthz" --cacert "$T/c.crt"
stop_vd s
check "SIGTERM stops it cleanly (exit 0: with ASan, no leak)" test "$VD_STATUS" -eq 0
done_testing
