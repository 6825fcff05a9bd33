# SPDX-License-Identifier: MIT
# Helpers for the tcard-issuerd scripts (after lib.sh): a demo authority,
# the daemon started on a free loopback port (it binds port 0 and writes
# the port it got to a file) and stopped by pid at exit, operators' logins
# with a cookie jar each, HTTP requests through curl with the status,
# headers and body kept, and green-card applications made with the CLI.
# Usage: . "$(dirname "$0")/lib.sh"; . "$(dirname "$0")/issuerd-lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/apply-lib.sh"
ISD=$TC_BIN/tcard-issuerd
I=$(demo_cli) # tcard-issuer; demo operators sign in with their TOTP code (lib.sh)

# id_env: a fast scrypt, none of the caller's passphrase, home or clock;
# skips unless the programs and tools are there.
id_env() {
	export TCARD_SCRYPT_LN=12
	unset TCARD_PASSPHRASE TCARD_HOME TCARD_NOW
	if [ ! -x "$ISD" ] || [ ! -x "$TC_BIN/tcard-issuerd-web" ]; then
		echo "1..0 # SKIP $ISD not built"; exit 77
	fi
	for c in curl python3 openssl; do
		command -v $c >/dev/null || { echo "1..0 # SKIP $c missing"; exit 77; }
	done
}

# chromium_env: for the console's browser tests (173, 181): CHROMIUM,
# Debian's chromium (skips without it), and ART, the screenshots'
# directory BUILD/test-logs/SCRIPT/, emptied.
chromium_env() {
	CHROMIUM=$(command -v chromium || true)
	if [ -z "$CHROMIUM" ]; then echo "1..0 # SKIP chromium is not installed"; exit 77; fi
	ART=$TC_BUILD/test-logs/$(basename "$0" .sh)
	rm -rf "$ART"; mkdir -p "$ART"
}

# id_demo: the demo authority in H=$T/h.
id_demo() {
	H=$T/h
	"$I" demo --home "$H" >"$T/cards.txt" 2>"$T/demo.err" ||
		{ cat "$T/demo.err"; return 1; }
}
# pass_of NAME: the demo operator's passphrase.
pass_of() { awk -F'\t' -v n="$1" '$1 == n { print $4 }' "$H/demo-operators.txt"; }
# otp_of NAME: the demo operator's TOTP code now (demo-operators.txt's totp).
otp_of() { demo_otp "$H" "$1"; }

# start_id ARGS...: starts tcard-issuerd on $H (standard error $T/id.err);
# sets ID_PID and URL. Fails when it does not come up in 20 seconds.
start_id() {
	local i
	rm -f "$T/id.port"
	"$ISD" --home "$H" --listen 127.0.0.1:0 --port-file "$T/id.port" "$@" \
		2>"$T/id.err" &
	ID_PID=$!
	tc_daemon "$ID_PID"
	for i in $(seq 200); do
		[ -s "$T/id.port" ] && break
		kill -0 "$ID_PID" 2>/dev/null || break
		sleep 0.1
	done
	if [ ! -s "$T/id.port" ]; then sed 's/^/# err: /' "$T/id.err"; return 1; fi
	URL=http://127.0.0.1:$(cat "$T/id.port")
}
# stop_id: SIGTERM, then waits; the exit status in ID_STATUS.
stop_id() { kill -TERM "$ID_PID" 2>/dev/null; wait "$ID_PID"; ID_STATUS=$?; }
# worker_pid: the pid of the web worker (the monitor's child).
worker_pid() { pgrep -P "$ID_PID" -x tcard-issuerd-w | head -1; }

# req METHOD PATH [JAR [CSRF [BODY]]]: one request; the status in $T/status,
# headers in $T/hdr, the body in $T/body. JAR "-" for none.
req() {
	local m=$1 p=$2 jar=${3:--} csrf=${4:-} body=${5:-} a=()
	[ "$jar" != - ] && a+=(-b "$jar" -c "$jar")
	[ -n "$csrf" ] && a+=(-H "X-CSRF-Token: $csrf")
	[ -n "$body" ] && a+=(-H 'Content-Type: application/json' --data-binary "$body")
	curl -s --max-time 20 -X "$m" "${a[@]}" -D "$T/hdr" -o "$T/body" \
		-w '%{http_code}' "$URL$p" >"$T/status"
}
status_is() { test "$(cat "$T/status")" = "$1"; }
# jq_body EXPR: a Python expression on the JSON body o.
jq_body() { python3 -c 'import json, sys; o = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$T/body" "$1"; }
# login NAME [PASSPHRASE]: POST /v1/session with a jar $T/NAME.jar and the
# operator's current TOTP code (every demo operator is enrolled); on 200
# sets CSRF (the answer's token).
login() {
	local pw=${2-$(pass_of "$1")}
	rm -f "$T/$1.jar"
	req POST /v1/session "$T/$1.jar" "" \
		"{\"operator\":\"$1\",\"passphrase\":\"$pw\",\"otp\":\"$(otp_of "$1" 2>/dev/null)\"}"
	CSRF=
	if status_is 200; then CSRF=$(jq_body 'o["csrf"]'); fi
}

# id_demo_ab: the demo authority (id_demo), then two green-card
# applications applied and submitted, A (Carla Reyes) and B (王晓明), their
# numbers in $A and $B: three tests.
id_demo_ab() {
	check "demo authority" id_demo
	A=$(green_app "Carla Reyes" 110101198506150019); check "application A applied and submitted" test -n "$A"
	B=$(green_app "王晓明" 110101198705050029); check "application B applied and submitted" test -n "$B"
}

# green_app NAME ID: a guangzhou-green application of tier b applied and
# submitted by demo-clerk; prints its number. Its files are in $T/app-NUM/.
green_app() {
	local dir out app
	dir=$(mktemp -d "$T/ga.XXXXXX")
	green_files "$dir" b "$1" "$2" 128 " of ${2: -4}"
	out=$(TCARD_PASSPHRASE=$(pass_of demo-clerk) "$I" apply --home "$H" \
		--from "$dir/app.json" --photo "$dir/photo.png" --submit \
		--as demo-clerk 2>"$dir/err") || { cat "$dir/err" >&2; return 1; }
	app=$(printf '%s\n' "$out" | sed -n 's/^application \([0-9]*\) .*/\1/p')
	[ -n "$app" ] || return 1
	mv "$dir" "$T/app-$app"
	echo "$app"
}

# oidc_provider: the OpenID provider of the tests (tests/oidc/provider.mjs,
# installed by scripts/install-npm when missing; the caller skips without
# node) for the client tc-office with the secret OIDC_SECRET, started
# before tcard-issuerd and stopped at exit: PORT, a free port for the
# daemon, CB its callback (the provider's redirect URI), PP the
# provider's port, ISS its issuer, and OIDC the daemon's options to use
# it (the secret in $T/secret, which the caller writes). Fails when it
# does not listen within 10 seconds.
OIDC_SECRET=oidc-test-secret-0123456789abcdef
oidc_provider() {
	if [ ! -d "$TC_TOP/tests/oidc/node_modules/oidc-provider" ]; then
		"$TC_TOP/scripts/install-npm" >"$T/npm.log" 2>&1 || cat "$T/npm.log"
	fi
	PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	CB=http://127.0.0.1:$PORT/portal/oidc/callback
	node "$TC_TOP/tests/oidc/provider.mjs" --port-file "$T/pport" \
		--client-id tc-office --client-secret "$OIDC_SECRET" \
		--redirect-uri "$CB" >"$T/provider.log" 2>&1 &
	tc_daemon $!
	for _ in $(seq 100); do [ -s "$T/pport" ] && break; sleep 0.1; done
	[ -s "$T/pport" ] || { sed 's/^/# provider: /' "$T/provider.log"; return 1; }
	PP=$(cat "$T/pport")
	ISS=http://127.0.0.1:$PP
	OIDC=(--oidc-issuer "$ISS" --oidc-client-id tc-office
		--oidc-client-secret-file "$T/secret" --oidc-redirect-uri "$CB"
		--oidc-scope "profile identity phone" --oidc-allow-http-loopback yes)
}

# start_smtp: an SMTP server on loopback (Debian's python3-aiosmtpd, for
# the system's python3; the caller skips without it) on a free port, kept
# in $T/smtp.port across restarts (smtp_url), writing each message to
# $MAIL/NNN.eml with a first header X-Rcpt naming its envelope's
# recipients; SMTP_PID, stopped at exit or by stop_smtp.
start_smtp() {
	rm -f "$T/smtp.up"
	/usr/bin/python3 - "$MAIL" "$T/smtp.port" "$T/smtp.up" <<'PY' 2>"$T/smtp.err" &
import os, socket, sys, time
from aiosmtpd.controller import Controller
d, portfile, up = sys.argv[1:4]
if os.path.exists(portfile):
    port = int(open(portfile).read())
else:
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    open(portfile, "w").write(str(port))
class H:
    async def handle_DATA(self, server, session, envelope):
        n = len(os.listdir(d))
        with open(os.path.join(d, "%03d.eml" % n), "wb") as f:
            f.write(("X-Rcpt: %s\r\n" % ",".join(envelope.rcpt_tos)).encode())
            f.write(envelope.original_content)
        return "250 OK"
c = Controller(H(), hostname="127.0.0.1", port=port)
c.start()
open(up, "w").write("up")
try:
    while True: time.sleep(1)
except KeyboardInterrupt:
    pass
PY
	SMTP_PID=$!
	tc_daemon "$SMTP_PID"
	for _ in $(seq 100); do [ -s "$T/smtp.up" ] && return 0; sleep 0.1; done
	sed 's/^/# smtp: /' "$T/smtp.err"; return 1
}
stop_smtp() { kill -TERM "$SMTP_PID"; wait "$SMTP_PID" 2>/dev/null; }
smtp_url() { echo "smtp://127.0.0.1:$(cat "$T/smtp.port")"; }
