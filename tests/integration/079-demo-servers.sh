#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make run's servers (scripts/demo): after the demo authority it starts
# tcard-issuerd in the background on TCARD_DEMO_OFFICE_LISTEN and
# tcard-verifierd on TCARD_DEMO_LISTEN; the console answers on the office's
# port, the printed reviewer's login is the one in demo-operators.txt and
# signs in with the operator's current code, SIGTERM to the script stops
# both servers, and TCARD_DEMO_NO_SERVE=1 starts neither. Made-up people
# only.
. "$(dirname "$0")/lib.sh"
need_prog "$TC_BUILD/bin/tcard-issuer" "$TC_BUILD/bin/tcard-issuerd" \
	"$TC_BUILD/bin/tcard-issuerd-web" "$TC_BUILD/bin/tcard-verifierd"
need_cmd curl python3 openssl
unset TCARD_PASSPHRASE TCARD_HOME TCARD_NOW

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
VP=$(free_port) OP=$(free_port)
while [ "$OP" = "$VP" ]; do OP=$(free_port); done
H=$T/demo
export TCARD_DEMO_HOME=$H TCARD_DEMO_LISTEN=127.0.0.1:$VP TCARD_DEMO_OFFICE_LISTEN=127.0.0.1:$OP

"$TC_TOP/scripts/demo" "$TC_BUILD" >"$T/demo.out" 2>&1 &
DEMO=$!
trap 'kill -TERM "$DEMO" 2>/dev/null; wait "$DEMO" 2>/dev/null; rm -rf "$T"' EXIT
up() { curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$VP/healthz"; }
for _ in $(seq 600); do
	up && break
	kill -0 "$DEMO" 2>/dev/null || break
	sleep 0.2
done
check "the demo serves the verifier" up
code() { curl -s -o "$T/body" -w '%{http_code}' --max-time 5 "http://127.0.0.1:$OP$1"; }
check "tcard-issuerd answers /healthz on the office's port" test "$(code /healthz)" = 200
check "the console answers on the office's port" test "$(code /console/login)" = 200
check "with its login page" grep -qi '<form' "$T/body"
check "the console's URL is printed" grep -qF "Staff console:  http://127.0.0.1:$OP/console/" "$T/demo.out"
OPN=$(awk '$1 == "operator" { print $2; exit }' "$T/demo.out")
OPW=$(awk '$1 == "passphrase" { print $2; exit }' "$T/demo.out")
check "a reviewer is printed" test -n "$OPN" -a -n "$OPW"
check "a unit or HR reviewer" bash -c "grep -v '^#' '$H/demo-operators.txt' | awk -F'\t' -v n='$OPN' '\$1 == n' | grep -qE '(unit|hr)-reviewer'"
check "the printed passphrase is the operator's" bash -c "grep -v '^#' '$H/demo-operators.txt' | awk -F'\t' -v n='$OPN' '\$1 == n' | grep -qF '$OPW'"
# Every demo operator is enrolled: the printed hint gives the code, which
# the printed login needs (the code here from the operator's secret).
check "how to get a one-time code is printed" grep -qE 'oathtool --totp|python3 -c' "$T/demo.out"
curl -s -o "$T/body" -w '%{http_code}' --max-time 10 -H 'Content-Type: application/json' \
	--data "{\"operator\":\"$OPN\",\"passphrase\":\"$OPW\",\"otp\":\"$(demo_otp "$H" "$OPN")\"}" \
	"http://127.0.0.1:$OP/v1/session" >"$T/status"
check "the printed login signs in" test "$(cat "$T/status")" = 200
# The portal's demo applicant, as printed.
AL=$(sed -n 's/^  login        //p' "$T/demo.out"); AW=$(sed -n 's/^  password     //p' "$T/demo.out")
check "an applicant's login is printed, one of demo-applicants.txt" \
	bash -c "test -n '$AL' && grep -v '^#' '$H/demo-applicants.txt' | grep -qF '$AL	$AW	'"
curl -s -o "$T/body" -w '%{http_code}' --max-time 10 -H 'Content-Type: application/json' \
	--data "{\"login\":\"$AL\",\"password\":\"$AW\"}" \
	"http://127.0.0.1:$OP/v1/portal/session" >"$T/status"
check "the printed applicant signs in to the portal" test "$(cat "$T/status")" = 200
check "the office's log is a file in the home" test -s "$H/issuerd.log"
check "no passphrase in the office's log" bash -c "! grep -qF '$OPW' '$H/issuerd.log'"
check "the notifier runs, without --smtp its messages pending (its log in the home)" \
	grep -q '"event":"idle"' "$H/notifyd.log"
kill -TERM "$DEMO"
for _ in $(seq 100); do kill -0 "$DEMO" 2>/dev/null || break; sleep 0.1; done
check "SIGTERM ends the demo" bash -c "! kill -0 $DEMO 2>/dev/null"
check "and the verifier" bash -c "! curl -s -o /dev/null --max-time 2 http://127.0.0.1:$VP/healthz"
check "and tcard-issuerd" bash -c "! curl -s -o /dev/null --max-time 2 http://127.0.0.1:$OP/healthz"
check "and the notifier" grep -q '"event":"stop"' "$H/notifyd.log"

TCARD_DEMO_NO_SERVE=1 "$TC_TOP/scripts/demo" "$TC_BUILD" >"$T/demo2.out" 2>&1
check "TCARD_DEMO_NO_SERVE=1 ends with status 0" test $? = 0
check "and starts no server" bash -c "! grep -q 'Staff console' '$T/demo2.out' && ! curl -s -o /dev/null --max-time 2 http://127.0.0.1:$OP/healthz"
done_testing
