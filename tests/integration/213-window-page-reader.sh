#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The window page (/window) with the window's card reader (setting
# reader), over a real pcscd with vpcd and tcard-vcard: the scan page
# offers "read the card on the reader"; a personalised card put on the
# reader gives its verdict (VALID, by the chip) with the services and what
# is left; the count form carries the tap id (no QR text) and the use is
# counted on the chip channel; an unknown tap id is refused and counts
# nothing; without a card read lately the page says so. A daemon without a
# reader does not offer the button. Made-up people only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/verifierd-lib.sh"
. "$(dirname "$0")/pcsc-env.sh"
vd_skip_unless_ready
pcsc_start
trap 'pcsc_stop; tc_cleanup' EXIT
pcsc_demo
ES=$(card baiyun-yunju)

vcard_start 0 "$T/t1.json" --profile tcard || not_ok "tcard inserted"
expect_exit 0 "personalise $ES on a tcard" perso "$ES" "$R0"
vcard_pull 0
check "publish the bundle" sh -c "'$I' publish --home '$H' --out '$T/b' >/dev/null"

TOK=window-token-0123456789abcdefghijklmnopqr
printf 'desk-1 %s baiyun-yunju:culture-sports\n' "$TOK" >"$T/tokens"
chmod 600 "$T/tokens"
check "the daemon watches reader 0" start_vd w --bundle "$T/b" --ledger "$T/ledger.db" \
	--staff-tokens "$T/tokens" --reader "PCD 00 00" --reader-timeout 2s
U=$URL_w

http POST "$U/window/session" --data "token=$TOK&lang=en"
SID=$(grep -i '^Set-Cookie: tcard_window=' "$T/hdr" | sed 's/^Set-Cookie: tcard_window=\([^;]*\);.*/\1/I')
CK=(-H "Cookie: tcard_window=$SID")
expect_http 200 "signed in, the gym chosen" GET "$U/window/?service=culture-sports.gym" "${CK[@]}"
CSRF=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/body" | head -1)
check "the page offers the card on the reader" grep -q 'id="usetap"' "$T/body"
form() {
	local path=$1 args=(); shift
	for f in "$@"; do args+=(--data-urlencode "$f"); done
	http POST "$U$path" "${CK[@]}" "${args[@]}"
}
form /window/scan "csrf=$CSRF" tap=newest
check "no card read yet: 404, saying so" sh -c "test '$HTTP_STATUS' = 404 && grep -q 'No card was read' '$T/body'"

vcard_start 0 "$T/t1.json" || not_ok "tcard presented"
tapped() { [ "$(curl -s --max-time 5 -H "Authorization: Bearer $TOK" "$U/v1/reader" |
	python3 -c 'import json, sys; t = json.load(sys.stdin)["tap"]; print(t["id"] if t else "")')" != "" ]; }
check "the reader read the card" wait_for 20 tapped
form /window/scan "csrf=$CSRF" tap=newest
check "the card on the reader: VALID" grep -q 'data-result="VALID"' "$T/body"
check "the services by the chip channel" grep -q 'id="uses" data-channel="chip"' "$T/body"
check "the count form carries the tap id, not a QR text" sh -c "grep -qE 'name=\"tap\" value=\"[0-9a-f]{32}\"' '$T/body' && ! grep -q 'name=\"qr\"' '$T/body'"
TAPID=$(sed -n 's/.*name="tap" value="\([0-9a-f]\{32\}\)".*/\1/p' "$T/body" | head -1)
REQID=$(sed -n '/value="culture-sports.gym"/{n;s/.*name="request_id" value="\([^"]*\)".*/\1/p}' "$T/body" | head -1)
form /window/redeem "csrf=$CSRF" "tap=$TAPID" service=culture-sports.gym "request_id=$REQID"
check "counted: the receipt, one of two left" sh -c "grep -q 'id=\"receipt\" class=\"ok\"' '$T/body' && grep -q 'data-remaining=\"1\"' '$T/body'"
form /window/redeem "csrf=$CSRF" tap=0123456789abcdef0123456789abcdef service=culture-sports.gym request_id=x2
check "an unknown tap id: 404, nothing counted" sh -c "test '$HTTP_STATUS' = 404 && grep -q 'tap the card again' '$T/body'"
DAY=${TCARD_NOW%%T*} # the clock of pcsc_demo (tc_env): 04:00Z, noon in Shanghai
expect_http 200 "the gym's report of today" GET "$U/v1/services/culture-sports/report?from=$DAY&to=$DAY" \
	-H "Authorization: Bearer $TOK"
check "one use, on the chip channel, by desk-1" sh -c "test \$(tail -n +2 '$T/body' | grep -c .) = 1 && grep -q ',$ES,1,chip,desk-1,$REQID' '$T/body' || { sed 's/^/# body: /' '$T/body'; exit 1; }"
vcard_pull 0
stop_vd w
check "the daemon stopped cleanly" test "$VD_STATUS" = 0

check "a daemon without a reader" start_vd n --bundle "$T/b" --ledger "$T/ledger2.db" --staff-tokens "$T/tokens"
http POST "$URL_n/window/session" --data "token=$TOK"
SID=$(grep -i '^Set-Cookie: tcard_window=' "$T/hdr" | sed 's/^Set-Cookie: tcard_window=\([^;]*\);.*/\1/I')
expect_http 200 "its scan page" GET "$URL_n/window/?service=culture-sports.gym" -H "Cookie: tcard_window=$SID"
check "offers no reader button" sh -c "grep -q 'id=\"qr\"' '$T/body' && ! grep -q 'usetap' '$T/body'"
stop_vd n
done_testing
