#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A service window with its own card reader: a real pcscd with vpcd and
# tcard-vcard, a Chuxiong A card personalised on a tcard chip, and
# tcard-verifierd watching the reader with a ledger. The tap's id (GET
# /v1/reader) redeems the chip-only financial service (channel chip),
# which the same card's QR e-card is refused (wrong-channel); a clone's
# tap is refused; a tap id is good for one card and tap-max-age seconds;
# tcard-verify --reader --ledger shows what the chip card has left. Made-up
# people only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/verifierd-lib.sh"
. "$(dirname "$0")/pcsc-env.sh"
pcsc_start
trap 'pcsc_stop; tc_cleanup' EXIT
pcsc_demo
SM=$(card chuxiong-xingchu)

vcard_start 0 "$T/t1.json" --profile tcard || not_ok "card inserted"
expect_exit 0 "personalise $SM on a tcard" perso "$SM" "$R0"
vcard_pull 0
check "publish the bundle" sh -c "'$I' publish --home '$H' --out '$T/b' >/dev/null"
TOK=window-token-0123456789abcdefghijklmnopqr
printf 'finance-desk %s\n' "$TOK" >"$T/tokens"
chmod 600 "$T/tokens"
check "the daemon watches reader 0" start_vd w --bundle "$T/b" --ledger "$T/ledger.db" \
	--staff-tokens "$T/tokens" --reader "$R0" --tap-max-age 60
U=$URL_w
AUTH="Authorization: Bearer $TOK"

# tap_id AFTER: waits (long poll) for a tap newer than AFTER; prints its id.
tap_id() {
	curl -s --max-time 40 -H "$AUTH" "$U/v1/reader?wait=30${1:+&after=$1}" |
		python3 -c 'import json, sys
o = json.load(sys.stdin); t = o.get("tap")
print(t["id"] if t else "")'
}
redeem_tap() { # redeem_tap SERVICE TAPID REQID
	http POST "$U/v1/services/$1/redeem" -H "$AUTH" -H 'Content-Type: application/json' \
		--data "{\"tap\": \"$2\", \"request_id\": \"$3\"}"
}

vcard_start 0 "$T/t1.json" || not_ok "the card is presented"
T1=$(tap_id "")
check "the reader read the card: a tap id" test -n "$T1"
expect_http 200 "GET /v1/reader" GET "$U/v1/reader" -H "$AUTH"
body_json "the tap is VALID, the chip signed the challenge" "
t = o['tap']
assert t['id'] == '$T1' and t['challenge_signed'] is True, t
assert t['verdict']['result'] == 'VALID' and t['verdict']['card'] == '$SM', t"
redeem_tap finance "$T1" f1
check "finance by the chip: HTTP 200" test "$HTTP_STATUS" = 200
body_json "allowed, over the chip" 'assert o["allowed"] is True and o["channel"] == "chip", o'
redeem_tap scenic-spots "$T1" f2
body_json "one tap serves several services of the visit" 'assert o["allowed"] is True, o'
producer() { TCARD_PASSPHRASE=$(pass $P) "$I" "$@" --home "$H" --as $P; }
producer qr "$SM" --out - >"$T/qr" 2>/dev/null
python3 -c 'import json, sys; print(json.dumps({"qr": open(sys.argv[1]).read().strip(), "request_id": "f3"}))' \
	"$T/qr" >"$T/qr.json"
expect_http 200 "finance by the e-card" POST "$U/v1/services/finance/redeem" -H "$AUTH" \
	-H 'Content-Type: application/json' --data-binary "@$T/qr.json"
body_json "is refused: wrong-channel" 'assert o["allowed"] is False and o["reason"] == "wrong-channel", o'
vcard_pull 0

# A clone holds the credential but not the chip's key.
expect_exit 0 "clone the card's data onto a new chip" \
	"$TC_BIN/tcard-vcard" --clone-from "$T/t1.json" --state "$T/clone.json"
vcard_start 0 "$T/clone.json" || not_ok "the clone is presented"
T2=$(tap_id "$T1")
check "the clone's tap has a new id" test -n "$T2" -a "$T2" != "$T1"
redeem_tap finance "$T2" f4
body_json "a redeem by the clone's tap is refused as clone" \
	'assert o["allowed"] is False and o["reason"] == "clone", o'
vcard_pull 0
expect_http 404 "an unknown tap id" POST "$U/v1/services/finance/redeem" -H "$AUTH" \
	-H 'Content-Type: application/json' \
	--data '{"tap": "00000000000000000000000000000000", "request_id": "f5"}'

# What the chip card has left, from the ledger.
stop_vd w
vcard_start 0 "$T/t1.json" || not_ok "the card is presented again"
expect_exit 0 "tcard-verify --reader --ledger" tap "$R0" --ledger "$T/ledger.db"
expect_out 'Financial services.*unlimited' "finance: unlimited, by the chip"
expect_out 'Scenic spots.*unlimited' "scenic spots listed"
expect_exit 0 "--ledger --json" tap "$R0" --ledger "$T/ledger.db" --json
check "the JSON has the usage" python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
u = {s["service"]: s for s in o["usage"]}
assert u["finance"]["allowed"] is True, u' "$T/out"
vcard_pull 0
check "the ledger records both chip uses by finance-desk" test \
	"$(sqlite3 "$T/ledger.db" "SELECT count(*) FROM uses WHERE channel = 1 AND window = 'finance-desk'")" = 2
done_testing
