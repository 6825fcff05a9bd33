#!/bin/bash
# SPDX-License-Identifier: MIT
# tcard-issuerd's processes and sessions: the monitor and its web worker
# (no key or registry code in the worker, no HTTP server in the monitor,
# no new privileges, the worker's user when run as root), login good and
# bad (an enrolled operator without a code, a code used before), lockout
# after five failures, the cookie's attributes, CSRF missing
# or wrong refused with 403, logout then 401, idle expiry, /healthz and
# /metrics, and the worker's death stopping the monitor.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/issuerd-lib.sh"
id_env
echo "1..53"

check "demo authority" id_demo
WEB=$TC_BIN/tcard-issuerd-web
check "the web worker has no key store, registry, application or SQLite code" \
	bash -c "! nm '$WEB' | grep -E ' (tc_keystore_|tc_registry_|tc_app_|sqlite3_)'"
check "the monitor has no libmicrohttpd code" bash -c "! nm '$ISD' | grep -E ' U? ?MHD_'"
# The shared libraries each loads: only in a normal build. A sanitizer
# build links without --as-needed, so every library of the link is loaded
# there whether used or not (the nm checks above hold in both).
if nm "$WEB" | grep -q ' __asan_init'; then
	ok "# SKIP the web worker does not even load SQLite: checked in the normal build (ASan links every library)"
	ok "# SKIP the monitor does not load libmicrohttpd: checked in the normal build (ASan links every library)"
else
	check "the web worker does not even load SQLite" bash -c "! ldd '$WEB' | grep -q libsqlite3"
	check "the monitor does not load libmicrohttpd" bash -c "! ldd '$ISD' | grep -q libmicrohttpd"
fi
check "tcard-issuerd starts" start_id
req GET /healthz; check "/healthz answers 200" status_is 200
W=$(worker_pid)
check "the web worker runs" test -n "$W"
check "the web worker has no new privileges" grep -qE '^NoNewPrivs:[[:space:]]+1' "/proc/$W/status"
if [ "$(id -u)" = 0 ]; then
	check "run as root, the web worker is nobody" \
		test "$(awk '/^Uid:/ { print $2 }' "/proc/$W/status")" = "$(id -u nobody)"
else
	ok "# SKIP the worker's user is checked when the test runs as root (it runs as $(id -un))"
fi
check "the monitor keeps its user" test "$(awk '/^Uid:/ { print $2 }' "/proc/$ID_PID/status")" = "$(id -u)"

login demo-hr-reviewer-1 "not the passphrase"
check "a wrong passphrase is 401" status_is 401
check "with the library's message" grep -q 'operator or passphrase wrong' "$T/body"
check "and no cookie" bash -c "! grep -qi '^set-cookie' '$T/hdr'"
login demo-hr-reviewer-1
check "the right passphrase is 200" status_is 200
check "the cookie is HttpOnly, SameSite=Strict, Path=/, no Secure over HTTP" \
	grep -qiE '^set-cookie: tcard_session=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict.$' "$T/hdr"
check "the answer has a CSRF token, the operator and roles" \
	test "$(jq_body 'len(o["csrf"]), o["operator"], o["roles"]')" = "(43, 'demo-hr-reviewer-1', ['hr-reviewer'])"
check "no-store" grep -qi '^cache-control: no-store' "$T/hdr"
J=$T/demo-hr-reviewer-1.jar
# One code, twice (the replay rule): the second sign-in is refused.
USED=$(otp_of demo-leadership-group-2)
LG2="{\"operator\":\"demo-leadership-group-2\",\"passphrase\":\"$(pass_of demo-leadership-group-2)\",\"otp\":\"$USED\"}"
req POST /v1/session - "" "$LG2"; check "a code signs in once (200)" status_is 200
req POST /v1/session - "" "$LG2"; check "the same code again is 401 (replay)" status_is 401
req POST /v1/session - "" "{\"operator\":\"demo-leadership-group-3\",\"passphrase\":\"$(pass_of demo-leadership-group-3)\"}"
check "an enrolled operator without a code is 401" status_is 401
check "with the one message that names no factor" grep -q 'operator or passphrase wrong' "$T/body"
req GET /v1/session "$J"; check "GET /v1/session says who" test "$(jq_body 'o["operator"]')" = demo-hr-reviewer-1
req DELETE /v1/session "$J"; check "logout without the CSRF token is 403" status_is 403
req DELETE /v1/session "$J" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
check "logout with a wrong CSRF token is 403" status_is 403
req DELETE /v1/session "$J" "$CSRF"; check "logout with the token is 200" status_is 200
req GET /v1/queue "$J"; check "after logout the session is 401" status_is 401

req GET /v1/queue; check "no cookie is 401" status_is 401

for i in 1 2 3 4 5; do login demo-approver-1 "wrong $i"; done
login demo-approver-1
check "after five failures the right passphrase is refused (locked)" status_is 401
TCARD_PASSPHRASE=$(pass_of demo-approver-1) expect_exit 1 "the CLI sees the same lockout" \
	"$I" application show 13 --home "$H" --as demo-approver-1
expect_err 'operator or passphrase wrong' "with the same message"

req POST /v1/session - "" '{"operator":"x","passphrase":"y","extra":1}'
check "an unknown member in the login body is 400" status_is 400
curl -s -o "$T/body" -w '%{http_code}' --max-time 20 -H 'Content-Type: application/json' \
	-H 'Origin: http://evil.example' \
	--data "{\"operator\":\"demo-clerk\",\"passphrase\":\"$(pass_of demo-clerk)\",\"otp\":\"$(otp_of demo-clerk)\"}" \
	"$URL/v1/session" >"$T/status"
check "a sign-in from another site's page (Origin) is 403" status_is 403
check "saying why" grep -q '"error":"cross-site"' "$T/body"
req POST /v1/session - "" 'not json'
check "a body that is not JSON is 400" status_is 400
req GET /metrics; check "/metrics counts the session endpoint" grep -q 'endpoint="session"' "$T/body"
check "no session id in the logs" bash -c "! grep -qE 'tcard_session=|\"session\":\"[A-Za-z0-9_-]{43}' '$T/id.err'"
check "the monitor logs each op with the operator" grep -q '"message":"login operator=demo-hr-reviewer-1' "$T/id.err"

stop_id
check "tcard-issuerd starts again with --idle-timeout 2" start_id --idle-timeout 2
# Another reviewer: the hr reviewer's code of this step is spent (a code
# signs in once).
login demo-clerk
req GET /v1/queue "$T/demo-clerk.jar"
check "a fresh session is 200" status_is 200
sleep 3
req GET /v1/queue "$T/demo-clerk.jar"
check "a session idle for longer than --idle-timeout is 401" status_is 401

kill -KILL "$(worker_pid)"
wait "$ID_PID"; st=$?
check "when the worker dies the monitor exits non-zero" test "$st" -ne 0
check "and says why" grep -q 'the web worker' "$T/id.err"
start_id
stop_id
check "SIGTERM stops both with status 0" test "$ID_STATUS" = 0

# The configuration file: read with --config, an option overrides it, a
# bad line is refused with the file, line and key.
printf '# office\nhome /nonexistent\nidle-timeout 2m\nuser nobody\n' >"$T/id.conf"
check "tcard-issuerd starts with --config (--home overriding the file's)" start_id --config "$T/id.conf"
check "the file's idle-timeout is used" grep -q 'sessions idle 120s' "$T/id.err"
stop_id
printf 'home %s\nidle-timeout 9d\n' "$H" >"$T/bad.conf"
"$ISD" --config "$T/bad.conf" --listen 127.0.0.1:0 2>"$T/bad.err"
check "a bad setting in the file is a usage error" test $? = 2
check "naming the file, the line and the key" grep -q "bad.conf: line 2: idle-timeout" "$T/bad.err"

# HTTPS: the monitor reads the pair and hands it to the worker over the
# RPC; the worker (nobody when root, no Landlock rule) cannot open the key
# file (mode 600, the monitor's user's) and serves TLS all the same; the
# cookie gets Secure.
mkdir "$T/tls"; chmod 755 "$T" "$T/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$T/tls/key.pem" -out "$T/tls/cert.pem" -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 2>/dev/null
chmod 600 "$T/tls/key.pem"
check "tcard-issuerd starts with TLS" start_id --tls-cert "$T/tls/cert.pem" --tls-key "$T/tls/key.pem"
W=$(worker_pid)
check "the web worker is not given the TLS files' names" \
	bash -c "! tr '\\0' ' ' </proc/$W/cmdline | grep -q pem"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	check "the worker's user cannot read the TLS key" \
		bash -c "! setpriv --reuid=nobody --regid=nogroup --clear-groups cat '$T/tls/key.pem' >/dev/null 2>&1"
else
	ok "# SKIP the key's unreadability by the worker's user is checked when run as root"
fi
curl -s --max-time 20 --cacert "$T/tls/cert.pem" -D "$T/hdr" -o "$T/body" \
	-H 'Content-Type: application/json' \
	--data "{\"operator\":\"demo-auditor\",\"passphrase\":\"$(pass_of demo-auditor)\",\"otp\":\"$(otp_of demo-auditor)\"}" \
	"https://127.0.0.1:$(cat "$T/id.port")/v1/session"
check "under TLS the cookie is Secure" grep -qiE '^set-cookie: tcard_session=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict; Secure' "$T/hdr"
kill -HUP "$ID_PID"
reloaded() { grep -q 'certificate and key read again' "$T/id.err"; }
for i in $(seq 50); do reloaded && break; sleep 0.1; done
check "SIGHUP to the monitor makes the worker read the pair again" reloaded
stop_id
exit $((_failed > 0))
