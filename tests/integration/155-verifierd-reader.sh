#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tcard-verifierd watching a card reader at a service window (setting
# reader), over a real pcscd with vpcd and tcard-vcard: GET /v1/reader
# shows a personalised tcard card VALID with a tap id and the chip's
# signature checked, a PIV card too; a clone is INVALID clone, a blank card
# INVALID not-personalised; a pulled card makes the state empty and the
# next presentation a new tap id (one read per presentation); the
# long-poll (?after=&wait=) returns at the next tap or when the wait runs
# out; another program holding the card, a card that hangs and a card
# pulled mid-read give the state error with a clear message and the next
# card reads again; pcscd stopped while the daemon runs gives the state
# error, /healthz keeps answering, and the reader works again once pcscd is
# back; a missing or wrong staff token is 401, bad queries 400, no reader
# configured 503; SIGTERM while waiting for a card exits 0 promptly. Every
# client runs under a timeout; conditions are polled, never slept for.
# Made-up people only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/verifierd-lib.sh"
. "$(dirname "$0")/pcsc-env.sh"
vd_skip_unless_ready
pcsc_start
trap 'pcsc_stop; tc_cleanup' EXIT
pcsc_demo
ES=$(card baiyun-yunju)
PV=$(card guangzhou-green)

# Personalise a tcard and a PIV card; make a clone of each.
vcard_start 0 "$T/t1.json" --profile tcard || not_ok "tcard inserted"
expect_exit 0 "personalise $ES on a tcard" perso "$ES" "$R0"
vcard_pull 0
vcard_start 1 "$T/p1.json" --profile piv || not_ok "PIV card inserted"
expect_exit 0 "personalise $PV on a PIV card" perso "$PV" "$R1"
vcard_pull 1
expect_exit 0 "clone the tcard's data onto a new chip" \
	"$TC_BIN/tcard-vcard" --clone-from "$T/t1.json" --state "$T/clone.json"
check "publish the bundle" sh -c "'$I' publish --home '$H' --out '$T/b' >/dev/null"

TOK=window-token-0123456789abcdefghijklmnopqr
printf 'desk-1 %s\n' "$TOK" >"$T/tokens"
chmod 600 "$T/tokens"
AUTH="Authorization: Bearer $TOK"
# "PCD 00 00" is a unique part of reader 0's name.
check "the daemon watches reader 0" start_vd w --bundle "$T/b" \
	--staff-tokens "$T/tokens" --reader "PCD 00 00" --reader-timeout 2s
U=$URL_w

# rd [QUERY]: GET /v1/reader into $T/body.
rd() { http GET "$U/v1/reader${1:+?$1}" -H "$AUTH" --max-time 40; }
# field EXPR: a value of the last answer (python on o), "" on error.
field() {
	python3 -c "
import json, sys
o = json.load(open(sys.argv[1]))
v = $1
print('' if v is None else (str(v).lower() if isinstance(v, bool) else v))" "$T/body" 2>/dev/null
}
state_is() { rd && [ "$(field 'o["state"]')" = "$1" ]; }
# next_tap AFTER: long-polls for a tap newer than AFTER; sets TAP.
next_tap() {
	rd "wait=30${1:+&after=$1}"
	TAP=$(field 'o["tap"]["id"]')
	[ -n "$TAP" ] && [ "$TAP" != "$1" ]
}

check "state empty before any card" wait_for 20 state_is empty
rd
body_json "no tap yet: tap null, the reader's name as set" '
assert o["tap"] is None and o["reader"] == "PCD 00 00", o
assert o["message"] is None, o'

# --- a personalised tcard ---
vcard_start 0 "$T/t1.json" || not_ok "tcard presented"
check "a tap comes (long-poll)" next_tap ""
T1=$TAP
check "tap id: 32 lower-case hex digits" sh -c 'echo "$1" | grep -qxE "[0-9a-f]{32}"' - "$T1"
body_json "tcard: VALID, chip checked, card $ES" "
t = o['tap']
assert t['verdict']['result'] == 'VALID', t
assert t['verdict']['card'] == '$ES' and t['verdict']['authentic'] is True, t
assert t['challenge_signed'] is True and t['profile'] == 'tcard', t
assert 1 <= t['apdus'] <= 4 and t['usable'] is True and t['age'] >= 0, t
assert t['at'].endswith('+08:00') and t['verdict']['services'], t"
check "state card while the card stays" wait_for 10 state_is card
rd
check "the card is read once per presentation" test "$(field 'o["tap"]["id"]')" = "$T1"
# A long-poll after the newest tap waits out its time and answers as it is.
t0=$(now_ns)
rd "after=$T1&wait=1"
t1=$(now_ns)
check "long-poll with no new tap: 200 after about 1 s" \
	test "$HTTP_STATUS" = 200 -a $(((t1 - t0) / 1000000)) -ge 900 -a $(((t1 - t0) / 1000000)) -lt 5000
check "and it still shows tap $T1" test "$(field 'o["tap"]["id"]')" = "$T1"
# Long-polls park their connections (suspend/resume) and hold no worker
# thread: 24 waiting at once on a daemon of 2 threads, /healthz and the
# lookup page still answer at once, and every long-poll gets its 200.
check "a daemon of 2 worker threads" start_vd w2 --bundle "$T/b" \
	--staff-tokens "$T/tokens" --reader "PCD 00 00" --threads 2
# w2 reads the card in the reader too: the polls wait for a tap after it.
W2TAP=$(curl -s --max-time 20 -H "$AUTH" "$URL_w2/v1/reader?wait=10" |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["tap"]["id"])')
polls=()
for i in $(seq 24); do
	curl -s --max-time 20 -o "$T/poll$i" -w '%{http_code}\n' -H "$AUTH" \
		"$URL_w2/v1/reader?after=$W2TAP&wait=3" >"$T/poll$i.code" &
	polls+=($!)
done
parked() {
	[ "$(curl -s --max-time 5 -H "$AUTH" "$URL_w2/v1/reader" |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["waiting"])')" -ge 24 ]
}
check "24 long-polls parked at once" wait_for 10 parked
t0=$(now_ns)
expect_http 200 "/healthz answers while they wait" GET "$URL_w2/healthz" --max-time 2
expect_http 200 "and the lookup page" GET "$URL_w2/lookup" --max-time 2
t1=$(now_ns)
check "at once ($(((t1 - t0) / 1000000)) ms)" test $(((t1 - t0) / 1000000)) -lt 1500
wait "${polls[@]}"
check "every long-poll got its 200" test "$(cat "$T"/poll*.code | grep -c 200)" = 24
stop_vd w2
check "the 2-thread daemon stopped cleanly" test "$VD_STATUS" = 0
vcard_pull 0
check "card pulled: state empty" wait_for 10 state_is empty
check "the last tap is still shown" test "$(field 'o["tap"]["id"]')" = "$T1"

# --- the same card again: a new tap ---
vcard_start 0 "$T/t1.json" || not_ok "tcard presented again"
check "a second presentation gives a new tap" next_tap "$T1"
T2=$TAP
check "a new tap id" test "$T2" != "$T1"
body_json "the second tap is VALID too" 'assert o["tap"]["verdict"]["result"] == "VALID", o'
vcard_pull 0
check "empty again" wait_for 10 state_is empty

# --- a clone ---
vcard_start 0 "$T/clone.json" || not_ok "clone presented"
check "the clone's tap" next_tap "$T2"
T3=$TAP
body_json "clone: INVALID clone, its credential genuine" '
t = o["tap"]; v = t["verdict"]
assert v["result"] == "INVALID" and v["reason"] == "clone", t
assert v["authentic"] is True, t'
vcard_pull 0
check "empty after the clone" wait_for 10 state_is empty

# --- a blank card ---
vcard_start 0 "$T/blank.json" --profile tcard || not_ok "blank card presented"
check "the blank card's tap" next_tap "$T3"
T4=$TAP
body_json "blank: INVALID not-personalised" '
v = o["tap"]["verdict"]
assert v["result"] == "INVALID" and v["reason"] == "not-personalised", v
assert o["tap"]["challenge_signed"] is False, o'
vcard_pull 0
check "empty after the blank card" wait_for 10 state_is empty

# --- a card that hangs, a card pulled mid-read ---
cp "$T/t1.json" "$T/hang.json"
vcard_start 0 "$T/hang.json" --hang-at 2 || not_ok "hanging card presented"
check "a hanging card: state error within the reader-timeout" wait_for 15 state_is error
body_json "it says no answer in time, and what to do" '
m = o["message"]
assert "no answer in time" in m and "present it again" in m, o'
rd
check "no tap for the hanging card" test "$(field 'o["tap"]["id"]')" = "$T4"
vcard_pull 0
check "the hanging card pulled: state empty" wait_for 15 state_is empty
body_json "last_error keeps the message" 'assert "no answer in time" in o["last_error"]["message"], o'
cp "$T/t1.json" "$T/pull.json"
# It may be gone before vcard_start sees it: the daemon reads at once.
vcard_start 0 "$T/pull.json" --exit-at 3 || true
vcard_wait_gone 0
pulled_seen() {
	state_is empty && field 'o["last_error"]["message"]' | grep -qE 'reading the card: .*(removed|fewer than)'
}
check "pulled mid-read: the error is kept, state empty again" wait_for 15 pulled_seen
body_json "and no tap" 'assert o["tap"]["id"] == "'"$T4"'", o'
vcard_start 0 "$T/t1.json" || not_ok "a good card after the trouble"
check "the next card is read" next_tap "$T4"
T6=$TAP
body_json "VALID" 'assert o["tap"]["verdict"]["result"] == "VALID", o'
vcard_pull 0
check "empty" wait_for 10 state_is empty

# --- a PIV card on the same reader ---
vcard_start 0 "$T/p1.json" || not_ok "PIV card presented"
check "the PIV card's tap" next_tap "$T6"
body_json "PIV: VALID, chip checked, card $PV" "
t = o['tap']
assert t['verdict']['result'] == 'VALID' and t['verdict']['card'] == '$PV', t
assert t['challenge_signed'] is True and t['profile'] == 'piv', t"
T7=$TAP
vcard_pull 0
check "empty after the PIV card" wait_for 10 state_is empty

# --- staff tokens and bad queries ---
expect_http 401 "no token: 401" GET "$U/v1/reader"
header_has '^WWW-Authenticate: Bearer' "with WWW-Authenticate"
expect_http 401 "a wrong token: 401" GET "$U/v1/reader" \
	-H "Authorization: Bearer wrong-token-0123456789abcdefghijklmnop"
expect_http 400 "wait over 30 s: 400" GET "$U/v1/reader?wait=31" -H "$AUTH"
expect_http 400 "a bad tap id: 400" GET "$U/v1/reader?after=XYZ" -H "$AUTH"
expect_http 400 "an unknown parameter: 400" GET "$U/v1/reader?card=1" -H "$AUTH"
expect_http 405 "POST: 405" POST "$U/v1/reader" -H "$AUTH"
expect_http 200 "/metrics" GET "$U/metrics"
check "metrics count the reader endpoint" grep -qE 'tcard_requests_total\{endpoint="reader",result="ok"\} [1-9]' "$T/body"

# --- pcscd stopped while the daemon runs, then back ---
kill "$PCSCD_PID" && wait "$PCSCD_PID" 2>/dev/null
PCSCD_PID=
check "pcscd gone: state error" wait_for 20 state_is error
body_json "the message says pcscd is not running" '
assert "pcscd" in o["message"], o
assert o["last_error"]["message"] == o["message"], o'
expect_http 200 "/healthz still answers" GET "$U/healthz"
body_json "and the bundle is still in use" 'assert o["ready"] is True, o'
rd
check "the last tap is still known" test "$(field 'o["tap"]["id"]')" = "$T7"
pcsc_stop
pcsc_start
trap 'pcsc_stop; tc_cleanup' EXIT
check "pcscd back: state empty" wait_for 20 state_is empty
vcard_start 0 "$T/t1.json" || not_ok "a card after pcscd came back"
check "the reader reads again" next_tap "$T7"
body_json "VALID after pcscd came back" 'assert o["tap"]["verdict"]["result"] == "VALID", o'
vcard_pull 0
check "the log has the trouble" grep -q '"event":"reader-error"' "$T/w.log"
check "and the recovery" grep -q '"event":"reader".*works again' "$T/w.log"
check "and the taps" test "$(grep -c '"event":"tap"' "$T/w.log")" -ge 7
NAME=$(python3 -c 'import json,sys
print([c["name"] for c in json.load(open(sys.argv[1])) if c["card"]==sys.argv[2]][0])' "$T/cards.json" "$ES")
expect_no "$NAME" "the log never names the holder" "$T/w.log"
expect_no "$ES" "the log never has the full card number" "$T/w.log"
check "the log has the masked card number" grep -q "${ES:0:6}\*\*\*\*\*\*${ES:12:4}" "$T/w.log"

# --- SIGTERM while waiting for a card ---
check "state empty before SIGTERM" wait_for 10 state_is empty
t0=$(now_ns)
stop_vd w
t1=$(now_ns)
check "SIGTERM while waiting: exit 0 ($VD_STATUS)" test "$VD_STATUS" = 0
check "promptly ($(((t1 - t0) / 1000000)) ms, under 3 s)" test $(((t1 - t0) / 1000000)) -lt 3000

# --- another program holds the card: error, then it is read ---
vcard_start 1 "$T/p1.json" || not_ok "a card in reader 1"
coproc HOLD { "$TC_BIN/tcard-vcard" --hold-reader "$R1" --timeout 20; }
# Kept now: bash unsets HOLD and HOLD_PID as soon as the holder ends.
hold_pid=$HOLD_PID hold_in=${HOLD[1]}
read -r line <&"${HOLD[0]}"
check "another program holds the card ($line)" test "${line%% *}" = holding
check "a daemon watching reader 1" start_vd s --bundle "$T/b" \
	--staff-tokens "$T/tokens" --reader "$R1" --reader-profile piv
U=$URL_s
check "state error while the card is held" wait_for 15 state_is error
body_json "the message says sharing violation" 'assert "sharing violation" in o["message"] and o["tap"] is None, o'
exec {hold_in}>&-
wait "$hold_pid" 2>/dev/null
check "once released, the card is read" next_tap ""
body_json "VALID, profile piv" 'assert o["tap"]["verdict"]["result"] == "VALID" and o["tap"]["profile"] == "piv", o'
check "the trouble was logged once, not at every retry" \
	test "$(grep -c '"event":"reader-error"' "$T/s.log")" -eq 1
check "and its end" grep -q '"event":"reader".*works again (card)' "$T/s.log"

# SIGTERM during a long-poll: the poll is answered, the daemon stops.
timeout 40 curl -s -o "$T/lp.body" -w '%{http_code}' -H "$AUTH" \
	"$U/v1/reader?wait=30&after=$TAP" >"$T/lp.status" &
cp_pid=$!
# The waiting request holds its worker thread and the connections that
# thread serves: each probe is a new connection and gives up after 1 s.
waiting() {
	curl -s --max-time 1 -o "$T/body" -H "$AUTH" "$U/v1/reader" &&
		[ "$(field 'o["waiting"]')" = 1 ]
}
check "a long-poll is waiting" wait_for 10 waiting
t0=$(now_ns)
stop_vd s
t1=$(now_ns)
wait "$cp_pid"
check "SIGTERM during a long-poll: exit 0 ($VD_STATUS)" test "$VD_STATUS" = 0
check "promptly ($(((t1 - t0) / 1000000)) ms, under 3 s)" test $(((t1 - t0) / 1000000)) -lt 3000
check "the long-poll was answered: 200" test "$(cat "$T/lp.status")" = 200
vcard_pull 1

# --- a stale revocation list: the policy as for /v1/verify ---
vcard_start 0 "$T/t1.json" || not_ok "a card for the stale list"
for pol in fail warn; do
	# Two days on, the list (next update a day after the demo) is stale.
	TCARD_NOW=2026-11-23T12:00:00Z check "a daemon two days on, stale-policy $pol" \
		start_vd st --bundle "$T/b" --staff-tokens "$T/tokens" --reader "$R0" \
		--stale-policy $pol
	U=$URL_st
	check "stale-policy $pol: the card is read" next_tap ""
	if [ $pol = fail ]; then
		body_json "stale-policy fail: UNKNOWN-STATUS stale-revocations" '
v = o["tap"]["verdict"]
assert v["result"] == "UNKNOWN-STATUS" and v["reason"] == "stale-revocations", v'
	else
		body_json "stale-policy warn: VALID with a warning" '
v = o["tap"]["verdict"]
assert v["result"] == "VALID" and "out of date" in v["warning"], v'
	fi
	stop_vd st
	check "and it stops cleanly ($VD_STATUS)" test "$VD_STATUS" = 0
done
vcard_pull 0

# --- no reader configured: 503 ---
check "a daemon without a reader" start_vd nr --bundle "$T/b" --staff-tokens "$T/tokens"
expect_http 503 "no reader: 503" GET "$URL_nr/v1/reader" -H "$AUTH"
body_json "it says no reader is configured" 'assert o["error"] == "unavailable" and "reader" in o["message"], o'
expect_http 401 "still 401 without a token" GET "$URL_nr/v1/reader"
stop_vd nr
check "the daemon without a reader stops cleanly ($VD_STATUS)" test "$VD_STATUS" = 0
mkdir -p "$T/noprof"
expect_exit 3 "no card profiles: exit 3" env TCARD_PROFILES="$T/noprof" \
	"$VD" --bundle "$T/b" --reader "$R0" --listen 127.0.0.1:0 --log off \
	--state-dir "$T/noprof.state"
expect_err 'card profiles' "says the profiles are missing"
expect_exit 2 "a bad reader-profile is a usage error" "$VD" --bundle "$T/b" --reader-profile emv --check
done_testing
