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
