# SPDX-License-Identifier: MIT
# Helpers for the tcard-verifierd scripts (after lib.sh): a demo authority
# with a published bundle, daemons started on a free loopback port (the
# daemon binds port 0 and writes the port it got to a file), HTTP requests
# through curl with the status, headers and body kept, waiting for a
# condition, and stopping every daemon at exit.
# Usage: . "$(dirname "$0")/lib.sh"; . "$(dirname "$0")/verifierd-lib.sh"
VD=$TC_BIN/tcard-verifierd
I=$(demo_cli) # tcard-issuer; demo operators sign in with their TOTP code (lib.sh)

vd_skip_unless_ready() {
	if [ ! -x "$VD" ]; then echo "1..0 # SKIP $VD not built"; exit 77; fi
	if ! "$I" publish --help >/dev/null 2>&1; then
		echo "1..0 # SKIP tcard-issuer publish is not there yet"; exit 77
	fi
	for c in curl python3 openssl; do
		command -v $c >/dev/null || { echo "1..0 # SKIP $c missing"; exit 77; }
	done
}

# vd_env: the environment every verifierd script starts from: a fast
# scrypt, none of the caller's passphrase, home or clock (a script that
# needs a clock exports TCARD_NOW after this); skips unless ready.
vd_env() {
	export TCARD_SCRYPT_LN=10
	unset TCARD_PASSPHRASE TCARD_HOME TCARD_NOW
	vd_skip_unless_ready
}

# verify_env: vd_env for the tcard-verify scripts: V (skips unless it is
# built), the clock at 2026-11-21T04:00:00Z and no CA pin from the caller.
verify_env() {
	V=$TC_BIN/tcard-verify
	need_prog "$V"
	vd_env
	export TCARD_NOW=2026-11-21T04:00:00Z
	unset TCARD_CA_PIN
}

# vd_demo [DESC [DIR]]: H=$T/h and B=$T/bundle; the demo authority in $H and
# its bundle in DIR ($B by default), one test line DESC ("demo authority and
# bundle" by default); PEPPER (its pepper file) and PIN (its CA's pin).
vd_demo() {
	H=$T/h
	B=$T/bundle
	check "${1:-demo authority and bundle}" demo_bundle "${2:-$B}"
	PEPPER=$H/keys/pepper.key
	PIN=$(ca_pin 2>/dev/null)
}
# ca_pin: the SHA-256 (hex) of the CA certificate of the authority in $H.
ca_pin() { openssl x509 -in "$H/keys/ca.crt" -outform DER | sha256sum | cut -c1-64; }
# qr_of CARD: the e-card text (QR) of CARD, as a card producer makes it.
qr_of() { as_role card-producer qr "$1" --out - 2>/dev/null; }
# qr_line CARD: the same on one line (newlines removed).
qr_line() { qr_of "$1" | tr -d '\n'; }

# lookup_url BASE CARD NAME ID: the /v1/lookup URL, every field encoded.
lookup_url() {
	echo "$1/v1/lookup?card=$(urlenc "$2")&name=$(urlenc "$3")&id=$(urlenc "$4")"
}
# lookup_result_of BASE CARD NAME ID: the result of that lookup ("none"
# when the answer has none).
lookup_result_of() {
	curl -s --max-time 10 "$(lookup_url "$@")" |
		python3 -c 'import json, sys; print(json.load(sys.stdin).get("result", "none"))'
}
# verdict_of BASE QR: "RESULT REASON" (REASON "-" when none) of /v1/verify.
verdict_of() {
	curl -s --max-time 10 -H 'Content-Type: application/json' \
		--data "{\"qr\":\"$2\"}" "$1/v1/verify" |
		python3 -c 'import json, sys; o = json.load(sys.stdin); print(o["result"], o.get("reason") or "-")'
}
# seq_of BASE, gen_of BASE: the revocation list's sequence number and the
# bundle generation in /healthz. seq_is BASE N and gen_changed BASE G are
# predicates for wait_for, evaluated afresh on each try.
seq_of() { healthz_field "$1" 'o["revocations"]["seq"]'; }
gen_of() { healthz_field "$1" 'o["generation"]'; }
seq_is() { test "$(seq_of "$1")" = "$2"; }
gen_changed() { test "$(gen_of "$1")" != "$2"; }

# now_ns: monotonic enough for deadlines.
now_ns() { date +%s%N; }

# wait_for SECONDS CMD...: runs CMD every 50 ms until it succeeds; returns 1
# when SECONDS pass first. The condition is what synchronises, not the time.
wait_for() {
	local end=$(($(now_ns) + $1 * 1000000000)); shift
	until "$@"; do
		[ "$(now_ns)" -lt "$end" ] || return 1
		sleep 0.05
	done
}

# demo_bundle DIR: a demo authority in $H (once) and its bundle in DIR;
# sets CARDS (the demo's card lines) and the operator helpers.
demo_bundle() {
	if [ ! -d "$H" ]; then
		"$I" demo --home "$H" >"$T/cards.txt" 2>"$T/demo.err" ||
			{ cat "$T/demo.err"; return 1; }
	fi
	"$I" publish --home "$H" --out "$1" >"$T/publish.out" 2>"$T/publish.err" ||
		{ cat "$T/publish.err"; return 1; }
}
# op ROLE: the first operator line (name, roles, passphrase) with ROLE.
op() { grep -E "^[^#].*	$1(	|,)" "$H/demo-operators.txt" | head -1; }
as_role() { # as_role ROLE CMD...: runs tcard-issuer CMD as an operator of ROLE
	local line; line=$(op "$1"); shift
	TCARD_PASSPHRASE=$(echo "$line" | cut -f4) "$I" "$@" --home "$H" \
		--as "$(echo "$line" | cut -f1)"
}
# card_field N FIELD: field (1 card, 2 programme, 3 tier, 4 name, 5 type,
# 6 ID) of the demo's card line N, spaces removed from the card number.
card_field() {
	awk -F'\t' -v n="$1" -v f="$2" 'NR == n { v = $f; if (f == 1) gsub(/ /, "", v); print v }' \
		"$T/cards.txt"
}

# start_vd NAME ARGS...: starts a daemon (log $T/NAME.log, standard error
# $T/NAME.err) on a free port; sets PID_NAME and URL_NAME. Fails when it
# does not come up within 20 seconds or dies. Without --state-dir or
# --cache-dir among ARGS, its rollback floor goes to $T/NAME.state (never
# the system's default state directory).
start_vd() {
	local name=$1 pid state=(); shift
	rm -f "$T/$name.port"
	case " $* " in
	*" --state-dir "* | *" --cache-dir "*) ;;
	*) state=(--state-dir "$T/$name.state") ;;
	esac
	"$VD" --listen 127.0.0.1:0 --port-file "$T/$name.port" \
		--log "$T/$name.log" "${state[@]}" "$@" 2>"$T/$name.err" &
	pid=$!
	tc_daemon "$pid"
	printf -v "PID_$name" %s "$pid"
	if ! wait_for 20 _vd_up "$pid" "$T/$name.port"; then
		sed 's/^/# err: /' "$T/$name.err"
		return 1
	fi
	[ -s "$T/$name.port" ] || return 1
	printf -v "URL_$name" %s "http://127.0.0.1:$(cat "$T/$name.port")"
}
_vd_up() { [ -s "$2" ] || ! kill -0 "$1" 2>/dev/null; }

# stop_vd NAME: SIGTERM, then waits; the exit status is in VD_STATUS.
stop_vd() {
	local pid_var="PID_$1"
	kill -TERM "${!pid_var}" 2>/dev/null
	wait "${!pid_var}"
	VD_STATUS=$?
}

# http METHOD URL [CURL ARGS...]: the status goes to $T/status (and
# HTTP_STATUS), the headers to $T/hdr, the body to $T/body.
http() {
	local m=$1 u=$2; shift 2
	HTTP_STATUS=$(curl -s -X "$m" -o "$T/body" -D "$T/hdr" -w '%{http_code}' \
		--max-time 30 "$@" "$u")
	echo "$HTTP_STATUS" >"$T/status"
}
# expect_http STATUS DESC METHOD URL [ARGS...]
expect_http() {
	local want=$1 d=$2; shift 2
	http "$@"
	if [ "$HTTP_STATUS" = "$want" ]; then ok "$d"
	else not_ok "$d (HTTP $HTTP_STATUS, wanted $want)"; sed 's/^/# body: /' "$T/body"; fi
}
# body_json DESC PYTHON: PYTHON is run with o = the parsed body.
body_json() {
	local d=$1 code=$2
	if python3 -c "
import json, sys
o = json.load(open(sys.argv[1], encoding='utf-8'))
$code
" "$T/body" 2>"$T/pyerr"; then ok "$d"
	else not_ok "$d"; sed 's/^/# body: /' "$T/body"; sed 's/^/# py: /' "$T/pyerr"; fi
}
# header_has REGEX DESC
header_has() {
	if grep -qiE -- "$1" "$T/hdr"; then ok "$2"
	else not_ok "$2 (no /$1/ in headers)"; sed 's/^/# hdr: /' "$T/hdr"; fi
}
# urlenc TEXT: percent-encoded for a query string.
urlenc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
# healthz_field URL EXPR: a value of /healthz (python expression on o).
healthz_field() {
	curl -s --max-time 10 "$1/healthz" | python3 -c "
import json, sys
o = json.load(sys.stdin)
print($2)" 2>/dev/null
}

# rollback_bundles DIR: the two bundles of a rollback test (135, 136), four
# test lines: the older one, published an hour ago with card $C valid in
# it, in DIR and copied to $T/old; QR, the card's e-card; then $C revoked
# and the newer bundle published to DIR.
rollback_bundles() {
	check "the older bundle (an hour ago)" _rb_older "$1"
	cp -a "$1" "$T/old"
	QR=$(qr_line "$C")
	check "an e-card of the card" test -n "$QR"
	check "revoke the card" _rb_revoke
	check "the newer bundle" demo_bundle "$1"
}
_rb_older() { TCARD_NOW=$(($(date +%s) - 3600)) "$I" publish --home "$H" --out "$1" >/dev/null 2>&1; }
_rb_revoke() { as_role approver revoke "$C" --reason contract-ended >"$T/out" 2>&1; }
