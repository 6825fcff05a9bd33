#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Services at the window through a real tcard-verifierd with its SQLite
# ledger: POST /v1/services/SERVICE/redeem with QR e-cards of a demo
# authority, GET .../usage and .../report. Each quota kind exactly at its
# limit (Baiyun gym 2 a month, airport VIP 2 a year, health check 1 a year,
# medical unlimited), month and year rollover in Asia/Shanghai (the clock
# injected with TCARD_NOW across daemon restarts on the same ledger), the
# exclusive pair (union health check or the free health check), Chuxiong's
# party of 3, its chip-only finance refused for an e-card, a green-card
# sub-card refused a main-card service, revoked, suspended and expired
# cards refused, an idempotent retry, concurrent redeems of the last use
# from several clients (exactly one allowed), staff tokens, bad requests,
# the CSV report and tcard-verify --ledger. Made-up people only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/verifierd-lib.sh"
vd_env
L=$T/ledger.db
# Cards are issued on 15 January 2026 (Asia/Shanghai noon).
export TCARD_NOW=2026-01-15T04:00:00Z
vd_demo "demo authority" "$T/b0"
C_DIAMOND=$(card_field 1 1) # Baiyun diamond
C_GOLD=$(card_field 2 1)    # Baiyun gold
C_SILVER=$(card_field 3 1)  # Baiyun silver
C_GOLD2=$(card_field 4 1)   # Baiyun gold
C_CXA=$(card_field 5 1)     # Chuxiong A
C_CXB=$(card_field 6 1)     # Chuxiong B
C_GZB=$(card_field 12 1)    # green card B (1 year)
C_SPOUSE=$(card_field 13 1) # green card A sub-card (spouse)
for c in "$C_DIAMOND" "$C_GOLD" "$C_SILVER" "$C_GOLD2" "$C_CXA" "$C_CXB" \
	"$C_GZB" "$C_SPOUSE"; do
	qr_of "$c" >"$T/qr-$c" || echo "# no QR for $c"
done
check "e-cards for eight cards" test -s "$T/qr-$C_SPOUSE"
unset TCARD_NOW

TOK_GYM=gym-desk-token-0123456789abcdefghijklmnop
TOK_AIR=airport-token-0123456789abcdefghijklmnopq
printf '# windows\ngym-desk-1 %s\nairport-vip sha256:%s\n' "$TOK_GYM" \
	"$(printf %s "$TOK_AIR" | sha256sum | cut -c1-64)" >"$T/tokens"
chmod 600 "$T/tokens"

# phase NAME TIME: a bundle published at TIME and a daemon whose clock
# starts at TIME, on the one ledger; stops the previous phase's daemon.
CUR=
phase() {
	[ -n "$CUR" ] && stop_vd "$CUR"
	TCARD_NOW=$2 "$I" publish --home "$H" --out "$T/b-$1" >/dev/null 2>"$T/pub.err" ||
		{ cat "$T/pub.err"; return 1; }
	TCARD_NOW=$2 start_vd "$1" --bundle "$T/b-$1" --ledger "$L" \
		--staff-tokens "$T/tokens" --timeout 5 || return 1
	CUR=$1
	eval "U=\$URL_$1"
}
# redeem TOKEN SERVICE CARD REQID [PARTY]: POSTs a redeem with the card's QR.
redeem() {
	local party=${5:-1}
	python3 -c '
import json, sys
print(json.dumps({"qr": open(sys.argv[1]).read().strip(),
                  "request_id": sys.argv[2], "party": int(sys.argv[3])}))' \
		"$T/qr-$3" "$4" "$party" >"$T/req.json"
	http POST "$U/v1/services/$2/redeem" -H "Authorization: Bearer $1" \
		-H 'Content-Type: application/json' --data-binary "@$T/req.json"
}
# expect_redeem DESC ALLOWED REASON TOKEN SERVICE CARD REQID [PARTY]
expect_redeem() {
	local d=$1 allowed=$2 reason=$3; shift 3
	redeem "$@"
	if [ "$HTTP_STATUS" != 200 ]; then
		not_ok "$d (HTTP $HTTP_STATUS)"; sed 's/^/# body: /' "$T/body"; return
	fi
	body_json "$d" "
assert o['allowed'] is $allowed, o
assert o['reason'] == ($( [ "$reason" = - ] && echo None || echo "'$reason'")), o"
}
remaining() { python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); q=o["quota"]; print("-" if q is None else q["remaining"])' "$T/body"; }

# --- 23:58 on 30 November 2026 in Shanghai (15:58 UTC) ---
check "daemon at 2026-11-30 23:58 +08:00" phase nov 2026-11-30T15:58:00Z
expect_redeem "gym 1 of 2 this month" True - "$TOK_GYM" culture-sports.gym "$C_GOLD" g1
body_json "one left, November's period" '
q = o["quota"]
assert q == {"limit": 2, "used": 1, "remaining": 1, "period": "month",
             "from": "2026-11-01", "to": "2026-11-30"}, q
assert o["card"] and o["name"] and o["tier"] == "gold" and o["channel"] == "qr"'
expect_redeem "gym 2 of 2" True - "$TOK_GYM" culture-sports.gym "$C_GOLD" g2
check "none left" test "$(remaining)" = 0
expect_redeem "a third gym visit in November is refused" False quota-exhausted "$TOK_GYM" culture-sports.gym "$C_GOLD" g3
expect_redeem "the same request id again counts once" True - "$TOK_GYM" culture-sports.gym "$C_GOLD" g2
body_json "as a replay of use 2" 'assert o["replay"] is True and o["use"] == 2, o'
expect_redeem "another gold card still has its two" True - "$TOK_GYM" culture-sports.gym "$C_GOLD2" g4
expect_redeem "a silver card is covered too" True - "$TOK_GYM" culture-sports.gym "$C_SILVER" g5
expect_redeem "a request id reused for another card is refused" False request-id-reused "$TOK_GYM" culture-sports.gym "$C_SILVER" g1
# Medical priority registration: unlimited.
for i in 1 2 3 4 5 6; do redeem "$TOK_GYM" medical "$C_SILVER" "m$i"; done
body_json "unlimited: the sixth medical use is allowed, no quota" '
assert o["allowed"] is True and o["quota"] is None, o'
# Airport VIP: 2 a year, booked 2 h ahead (domestic).
expect_redeem "airport VIP 1 of 2 this year" True - "$TOK_AIR" airport-vip.domestic "$C_DIAMOND" a1
body_json "the booking lead time is shown" 'assert o["book_ahead_minutes"] == 120, o'
expect_redeem "airport VIP 2 of 2" True - "$TOK_AIR" airport-vip.international "$C_DIAMOND" a2
expect_redeem "a third airport VIP use this year is refused" False quota-exhausted "$TOK_AIR" airport-vip.domestic "$C_DIAMOND" a3
body_json "the year's period" 'q = o["quota"]; assert q["period"] == "year" and q["from"] == "2026-01-01" and q["to"] == "2026-12-31", q'
expect_redeem "a gold card is not covered for airport VIP" False not-covered "$TOK_AIR" airport-vip.domestic "$C_GOLD" a4
# The exclusive pair, and a 1-a-year quota exactly at its limit.
expect_redeem "the free health check, 1 of 1 this year" True - "$TOK_GYM" health-check "$C_DIAMOND" h1
expect_redeem "a second free health check this year is refused" False quota-exhausted "$TOK_GYM" health-check "$C_DIAMOND" h2
expect_redeem "the union health check after the free one: exclusive" False exclusive-used "$TOK_GYM" union-health-check.health-check "$C_DIAMOND" h3
body_json "names the other service" 'assert o["exclusive_with"] == "health-check", o'
expect_redeem "a gold card takes the union recuperation" True - "$TOK_GYM" union-health-check.recuperation "$C_GOLD2" h4
# Party size, chip-only finance, sub-cards.
expect_redeem "scenic spots for a party of 3" True - "$TOK_GYM" scenic-spots "$C_CXA" s1 3
expect_redeem "a party of 4 is too large" False party-too-large "$TOK_GYM" scenic-spots "$C_CXA" s2 4
expect_redeem "financial services refuse the e-card" False wrong-channel "$TOK_GYM" finance "$C_CXB" f1
expect_redeem "a spouse sub-card is refused a main-card-only service" False not-covered "$TOK_GYM" duty-free-import "$C_SPOUSE" d1
expect_redeem "and given a service sub-cards have" True - "$TOK_GYM" residence-permit "$C_SPOUSE" d2
expect_redeem "an unknown service" False unknown-service "$TOK_GYM" no-such-service "$C_GOLD" u1
# The last remaining use (card 4 has used one of its two), from eight
# clients at once.
for i in 1 2 3 4 5 6 7 8; do
	python3 -c '
import json, sys
print(json.dumps({"qr": open(sys.argv[1]).read().strip(), "request_id": sys.argv[2]}))' \
		"$T/qr-$C_GOLD2" "race$i" >"$T/race$i.json"
done
racers=()
for i in 1 2 3 4 5 6 7 8; do
	curl -s --max-time 30 -X POST "$U/v1/services/culture-sports.gym/redeem" \
		-H "Authorization: Bearer $TOK_GYM" -H 'Content-Type: application/json' \
		--data-binary "@$T/race$i.json" -o "$T/race$i.out" &
	racers+=($!)
done
wait "${racers[@]}"
n_allowed=$(cat "$T"/race?.out | grep -c '"allowed":true')
n_refused=$(cat "$T"/race?.out | grep -c '"reason":"quota-exhausted"')
check "eight clients race for the last use: exactly one allowed ($n_allowed), seven refused ($n_refused)" \
	test "$n_allowed" = 1 -a "$n_refused" = 7

# --- staff tokens and bad requests ---
redeem wrong-token-0123456789abcdefghijklmnopqrstuv culture-sports.gym "$C_GOLD" x1
check "a wrong token: 401" test "$HTTP_STATUS" = 401
header_has '^WWW-Authenticate: Bearer' "with WWW-Authenticate"
expect_http 401 "no token: 401" POST "$U/v1/services/medical/redeem" -H 'Content-Type: application/json' --data-binary "@$T/req.json"
expect_http 401 "usage needs a token" GET "$U/v1/services/medical/usage?card=$C_GOLD"
expect_http 401 "the report needs a token" GET "$U/v1/services/medical/report?from=2026-11-01&to=2026-11-30"
expect_http 400 "a redeem without a request id" POST "$U/v1/services/medical/redeem" \
	-H "Authorization: Bearer $TOK_GYM" -H 'Content-Type: application/json' --data '{"qr":"TC1:X"}'
body_json "says what is missing" 'assert o["error"] == "bad-json" and "request_id" in o["message"], o'
expect_http 400 "qr and tap together" POST "$U/v1/services/medical/redeem" \
	-H "Authorization: Bearer $TOK_GYM" -H 'Content-Type: application/json' \
	--data '{"qr":"TC1:X","tap":"00112233445566778899aabbccddeeff","request_id":"b1"}'
expect_http 400 "a party of 0" POST "$U/v1/services/medical/redeem" \
	-H "Authorization: Bearer $TOK_GYM" -H 'Content-Type: application/json' \
	--data '{"qr":"TC1:X","party":0,"request_id":"b2"}'
expect_http 400 "not JSON" POST "$U/v1/services/medical/redeem" \
	-H "Authorization: Bearer $TOK_GYM" -H 'Content-Type: application/json' --data '{"qr":'
expect_http 415 "not application/json" POST "$U/v1/services/medical/redeem" \
	-H "Authorization: Bearer $TOK_GYM" --data 'qr=x'
expect_http 404 "a tap id the reader never saw" POST "$U/v1/services/medical/redeem" \
	-H "Authorization: Bearer $TOK_GYM" -H 'Content-Type: application/json' \
	--data '{"tap":"00112233445566778899aabbccddeeff","request_id":"b3"}'
body_json "unknown-tap" 'assert o["error"] == "unknown-tap", o'
expect_http 200 "a tampered QR text is answered" POST "$U/v1/services/medical/redeem" \
	-H "Authorization: Bearer $TOK_GYM" -H 'Content-Type: application/json' \
	--data "{\"qr\":\"$(python3 -c 'import sys; t = open(sys.argv[1]).read().strip(); i = len(t) // 2; print(t[:i] + ("A" if t[i] != "A" else "B") + t[i + 1:])' "$T/qr-$C_GOLD")\",\"request_id\":\"b4\"}"
body_json "and refused as not genuine" 'assert o["allowed"] is False and o["reason"] in ("bad-signature", "malformed"), o'
expect_http 405 "GET on redeem" GET "$U/v1/services/medical/redeem" -H "Authorization: Bearer $TOK_GYM"
expect_http 404 "a bad service id in the path" GET "$U/v1/services/Bad%20Id/usage?card=$C_GOLD"

# --- usage and report ---
expect_http 200 "usage of the gym by card 2" GET "$U/v1/services/culture-sports.gym/usage?card=$C_GOLD" \
	-H "Authorization: Bearer $TOK_AIR"
body_json "two uses, none left, by gym-desk-1" '
assert o["would_allow"] is False and o["reason"] == "quota-exhausted", o
assert o["quota"]["remaining"] == 0 and len(o["uses"]) == 2, o
assert {u["window"] for u in o["uses"]} == {"gym-desk-1"}
assert [u["request_id"] for u in o["uses"]] == ["g1", "g2"]'
expect_http 400 "usage with a bad check digit" GET "$U/v1/services/medical/usage?card=4401110000000021" \
	-H "Authorization: Bearer $TOK_AIR"
expect_http 200 "the November report of the gym" GET \
	"$U/v1/services/culture-sports/report?from=2026-11-01&to=2026-11-30" -H "Authorization: Bearer $TOK_AIR"
header_has '^Content-Type: text/csv' "as CSV"
rows=$(tail -n +2 "$T/body" | grep -c .)
check "the header and November's 5 gym uses ($rows)" test "$rows" = 5 -a \
	"$(head -1 "$T/body" | tr -d '\r')" = "use,at,programme,service,card,party,channel,window,request_id"
check "the rows carry Shanghai times and no name" sh -c \
	"tail -n +2 '$T/body' | grep -q '2026-11-30T23:5[89]:..+08:00' && ! grep -q '李' '$T/body'"
expect_http 400 "a report without dates" GET "$U/v1/services/culture-sports/report" -H "Authorization: Bearer $TOK_AIR"
expect_http 400 "a report of 2026-02-30" GET "$U/v1/services/culture-sports/report?from=2026-02-30&to=2026-03-01" \
	-H "Authorization: Bearer $TOK_AIR"

# --- 00:00:30 on 1 December in Shanghai: the month rolls over ---
check "daemon at 2026-12-01 00:00:30 +08:00" phase dec 2026-11-30T16:00:30Z
expect_redeem "the gym again in December" True - "$TOK_GYM" culture-sports.gym "$C_GOLD" g6
body_json "December's period" 'q = o["quota"]; assert q["from"] == "2026-12-01" and q["used"] == 1, q'
expect_redeem "airport VIP still used up in 2026" False quota-exhausted "$TOK_AIR" airport-vip.domestic "$C_DIAMOND" a5

# --- 00:00:30 on 1 January 2027: the year rolls over ---
check "daemon at 2027-01-01 00:00:30 +08:00" phase jan 2026-12-31T16:00:30Z
expect_redeem "airport VIP again in 2027" True - "$TOK_AIR" airport-vip.domestic "$C_DIAMOND" a6
expect_redeem "the union health check is free again in 2027" True - "$TOK_GYM" union-health-check.health-check "$C_DIAMOND" h5

# --- revoked, suspended, expired ---
TCARD_NOW=2026-12-31T16:01:00Z as_role approver revoke "$C_GOLD2" --reason contract-ended >/dev/null 2>&1
TCARD_NOW=2026-12-31T16:01:00Z as_role approver suspend "$C_SILVER" --reason 'employer inquiry' >/dev/null 2>&1
check "a card revoked and one suspended, republished" phase jan2 2026-12-31T16:02:00Z
expect_redeem "a revoked card is refused" False revoked "$TOK_GYM" medical "$C_GOLD2" r1
expect_redeem "a suspended card is refused" False suspended "$TOK_GYM" medical "$C_SILVER" r2
expect_redeem "a live card is still served" True - "$TOK_GYM" medical "$C_GOLD" r3
check "daemon in 2027-03, after the 1-year green card B expired" phase mar 2027-03-01T04:00:00Z
expect_redeem "an expired card is refused" False expired "$TOK_GYM" housing-fund "$C_GZB" e1
stop_vd "$CUR"
check "the daemon stopped cleanly" test "$VD_STATUS" = 0

# --- the ledger file, and tcard-verify --ledger ---
# (the November bundle: its status data is current on 2026-11-30)
PIN=$(ca_pin)
check "the ledger passes PRAGMA integrity_check" test \
	"$(sqlite3 "$L" 'PRAGMA integrity_check')" = ok
check "no name in the ledger" sh -c "! sqlite3 '$L' .dump | grep -q '李'"
TCARD_NOW=2026-11-30T16:00:30Z expect_exit 0 "tcard-verify --ledger" "$TC_BIN/tcard-verify" \
	--bundle "$T/b-nov" --ca-pin "$PIN" --ledger "$L" "$(cat "$T/qr-$C_GOLD")"
expect_out '^VALID$' "the card is valid"
expect_out 'gym.*1 of 2 left this month' "the gym: one of two left in December"
expect_out 'Medical.*unlimited' "medical: unlimited"
TCARD_NOW=2026-11-30T16:00:30Z expect_exit 0 "tcard-verify --ledger --json" "$TC_BIN/tcard-verify" \
	--bundle "$T/b-nov" --ca-pin "$PIN" --ledger "$L" --json "$(cat "$T/qr-$C_GOLD")"
check "the JSON lists what remains" python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
u = {s["service"]: s for s in o["usage"]}
assert u["culture-sports.gym"]["remaining"] == 1 and u["culture-sports.gym"]["limit"] == 2, u
assert u["medical"]["remaining"] is None' "$T/out"
expect_exit 3 "--ledger with a missing file" "$TC_BIN/tcard-verify" \
	--bundle "$T/b-nov" --ca-pin "$PIN" --ledger "$T/none.db" "$(cat "$T/qr-$C_GOLD")"
check "and no file was made" test ! -e "$T/none.db"

# --- without a ledger or tokens ---
export TCARD_NOW=2026-12-31T16:03:00Z
check "a daemon without ledger or tokens" start_vd bare --bundle "$T/b-jan2"
expect_http 503 "staff endpoints are off" POST "$URL_bare/v1/services/medical/redeem" \
	-H "Authorization: Bearer $TOK_GYM" -H 'Content-Type: application/json' --data-binary "@$T/req.json"
body_json "and it says why" 'assert "staff-tokens" in o["message"], o'
check "a daemon with tokens but no ledger" start_vd noled --bundle "$T/b-jan2" --staff-tokens "$T/tokens"
expect_http 503 "services are off" POST "$URL_noled/v1/services/medical/redeem" \
	-H "Authorization: Bearer $TOK_GYM" -H 'Content-Type: application/json' --data-binary "@$T/req.json"
body_json "no ledger" 'assert "ledger" in o["message"], o'
chmod 644 "$T/tokens"
expect_exit 3 "a tokens file others may read is refused" "$VD" --bundle "$T/b-jan2" --staff-tokens "$T/tokens" --check
expect_err 'chmod 600' "saying what to do"
chmod 600 "$T/tokens"
printf 'desk short\n' >"$T/badtok"; chmod 600 "$T/badtok"
expect_exit 3 "a token under 32 characters is refused" "$VD" --bundle "$T/b-jan2" --staff-tokens "$T/badtok" --check
expect_err 'line 1: the token of window .desk. must be 32' "naming the line and window"
unset TCARD_NOW
check "the log holds no holder name" sh -c "! grep -q '李' '$T'/*.log"
done_testing
