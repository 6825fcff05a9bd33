#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The window page of tcard-verifierd (/window, issue 18) with a real
# daemon, its SQLite ledger and a staff tokens file with scopes. With curl:
# the sign-in form and its CSP, a wrong token (401, the form again), the
# session cookie's flags, the CSRF token (403 without or wrong), a service
# outside the window's scope neither listed nor countable (404, 403, and
# nothing in the ledger), a second submit of one form a replay, the ID
# number never echoed nor logged, a QR text with markup shown as text,
# sign-out, the idle timeout (--window-idle) and the throttle of sign-ins.
# In headless Chromium (cdp-window.py) on a tablet: sign in, pick the gym,
# type a QR text into the focused field and press Enter, see VALID and the
# services with what is left, count a use, see the receipt with one less
# left; a suspended card shows SUSPENDED; the pages fit a 390 px phone.
# Screenshots in BUILD/test-logs/212-window-page/. Made-up people only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/verifierd-lib.sh"
vd_env
vd_demo "demo authority"
C_GOLD=$(card_field 2 1)   # Baiyun gold
C_SILVER=$(card_field 3 1) # Baiyun silver: suspended below
C_DIAMOND=$(card_field 1 1)
IDN_GOLD=$(card_field 2 6)
for c in "$C_GOLD" "$C_SILVER" "$C_DIAMOND"; do qr_line "$c" >"$T/qr-$c"; done
check "e-cards of three cards" test -s "$T/qr-$C_DIAMOND"
as_role approver suspend "$C_SILVER" --reason 'employer inquiry' >/dev/null 2>&1
check "one card suspended, the bundle republished" demo_bundle "$T/b1"

TOK_GYM=gym-desk-token-0123456789abcdefghijklmnop
TOK_AIR=airport-token-0123456789abcdefghijklmnopq
{
	echo "gym-desk-1 $TOK_GYM baiyun-yunju:culture-sports *:medical"
	echo "airport-vip $TOK_AIR baiyun-yunju:airport-vip"
} >"$T/tokens"
chmod 600 "$T/tokens"
L=$T/ledger.db
check "the daemon starts with a ledger and scoped tokens" start_vd w \
	--bundle "$T/b1" --ledger "$L" --staff-tokens "$T/tokens" --timeout 5 \

U=$URL_w
CSP="default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'"

# --- sign-in ---
expect_http 200 "GET /window: the sign-in form" GET "$U/window?lang=en"
check "with the token field and no cookie" sh -c "grep -q 'name=\"token\"' '$T/body' && ! grep -qi '^Set-Cookie' '$T/hdr'"
header_has "^Content-Security-Policy: $CSP" "the page's CSP"
check "no inline style or script" sh -c "! grep -qiE '<style|<script| style=' '$T/body'"
expect_http 200 "the style sheet" GET "$U/window/window.css"
header_has '^Content-Type: text/css' "as text/css"
expect_http 200 "in Chinese by Accept-Language" GET "$U/window" -H 'Accept-Language: zh-CN,zh;q=0.9'
check "the Chinese form" grep -q '窗口令牌' "$T/body"
expect_http 401 "a wrong token: 401" POST "$U/window/session" --data "token=wrong-token-0123456789abcdefghijklmnopqr&lang=en"
check "the form again, saying so, and no cookie" sh -c "grep -q 'not known' '$T/body' && grep -q 'name=\"token\"' '$T/body' && ! grep -qi '^Set-Cookie' '$T/hdr'"
expect_http 403 "a sign-in posted from another site's page: 403" POST "$U/window/session" \
	-H 'Origin: http://evil.example' --data "token=$TOK_GYM&lang=en"
check "and no cookie" sh -c "! grep -qi '^Set-Cookie' '$T/hdr'"
expect_http 403 "or one a browser marks cross-site: 403" POST "$U/window/session" \
	-H 'Sec-Fetch-Site: cross-site' --data "token=$TOK_GYM&lang=en"
expect_http 303 "the gym desk's token: a session" POST "$U/window/session" --data "token=$TOK_GYM&lang=en"
COOKIE_LINE=$(grep -i '^Set-Cookie: tcard_window=' "$T/hdr" | tr -d '\r')
check "the cookie is HttpOnly, SameSite=Strict, Path=/window, not Secure over http" sh -c "
	echo '$COOKIE_LINE' | grep -q 'HttpOnly' && echo '$COOKIE_LINE' | grep -q 'SameSite=Strict' &&
	echo '$COOKIE_LINE' | grep -q 'Path=/window' && ! echo '$COOKIE_LINE' | grep -q Secure"
SID=$(echo "$COOKIE_LINE" | sed 's/^Set-Cookie: tcard_window=\([^;]*\);.*/\1/I')
check "a 43-character session id" test "${#SID}" = 43
header_has '^Location: /window/' "to the window's home"
CK=(-H "Cookie: tcard_window=$SID")
expect_http 200 "GET /window/ signed in" GET "$U/window/?lang=en" "${CK[@]}"
CSRF=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/body" | head -1)
check "a CSRF token in the page's forms" test "${#CSRF}" = 43
check "the gym and medical are listed" sh -c "grep -q 'data-service=\"culture-sports.gym\"' '$T/body' && grep -q 'data-service=\"medical\"' '$T/body'"
check "airport VIP (outside the scope) is not" sh -c "! grep -q 'airport-vip' '$T/body'"
expect_http 404 "choosing airport VIP: 404" GET "$U/window/?service=airport-vip.domestic" "${CK[@]}"
expect_http 401 "GET /window/ without the cookie: 401" GET "$U/window/"
expect_http 200 "the gym chosen" GET "$U/window/?service=culture-sports.gym" "${CK[@]}"
check "the scan field has autofocus" grep -q 'id="qr" name="qr"[^>]*autofocus' "$T/body"

# --- scan ---
form() { # form PATH FIELDS...: POSTs the url-encoded fields with the cookie
	local path=$1 args=(); shift
	for f in "$@"; do args+=(--data-urlencode "$f"); done
	http POST "$U$path" "${CK[@]}" "${args[@]}"
}
form /window/scan "qr@$T/qr-$C_GOLD"
check "a scan without the CSRF token: 403" test "$HTTP_STATUS" = 403
form /window/scan "csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" "qr@$T/qr-$C_GOLD"
check "with a wrong one: 403" test "$HTTP_STATUS" = 403
form /window/scan "csrf=$CSRF" "qr@$T/qr-$C_GOLD"
check "a scan: 200" test "$HTTP_STATUS" = 200
check "VALID, with the gym's count form" sh -c "grep -q 'data-result=\"VALID\"' '$T/body' && grep -q 'name=\"service\" value=\"culture-sports.gym\"' '$T/body'"
check "no airport VIP on the verdict" sh -c "! grep -q 'airport-vip' '$T/body'"
REQID=$(sed -n '/value="culture-sports.gym"/{n;s/.*name="request_id" value="\([^"]*\)".*/\1/p}' "$T/body" | head -1)
check "a request id made by the page" test -n "$REQID"
form /window/scan "csrf=$CSRF" "qr@$T/qr-$C_GOLD" "id=110101190001011234"
check "a wrong ID number: INVALID" grep -q 'data-result="INVALID"' "$T/body"
check "the ID number is not echoed" sh -c "! grep -q '110101190001011234' '$T/body'"
form /window/scan "csrf=$CSRF" "qr@$T/qr-$C_GOLD" "id=$IDN_GOLD"
check "the holder's ID number: VALID" grep -q 'data-result="VALID"' "$T/body"
check "and not echoed either" sh -c "! grep -q '$IDN_GOLD' '$T/body'"
form /window/scan "csrf=$CSRF" 'qr=TC1:<b>x</b>"onfocus=alert(1)'
check "markup in a QR text: INVALID, shown as text" sh -c "grep -q 'data-result=\"INVALID\"' '$T/body' && ! grep -q '<b>x' '$T/body'"

# --- redeem ---
form /window/redeem "csrf=$CSRF" "qr@$T/qr-$C_GOLD" service=culture-sports.gym "request_id=$REQID"
check "count a use: the receipt" sh -c "grep -q 'id=\"receipt\" class=\"ok\"' '$T/body' && grep -q 'data-remaining=\"1\"' '$T/body'"
USE=$(sed -n 's/.*data-use="\([0-9]*\)".*/\1/p' "$T/body" | head -1)
form /window/redeem "csrf=$CSRF" "qr@$T/qr-$C_GOLD" service=culture-sports.gym "request_id=$REQID"
check "the same form again: a replay of use $USE" sh -c "grep -q 'data-use=\"$USE\" data-replay=\"1\"' '$T/body' && grep -q 'data-remaining=\"1\"' '$T/body'"
form /window/redeem "qr@$T/qr-$C_GOLD" service=culture-sports.gym request_id=nocsrf1
check "a redeem without the CSRF token: 403" test "$HTTP_STATUS" = 403
form /window/redeem "csrf=$CSRF" "qr@$T/qr-$C_DIAMOND" service=airport-vip.domestic request_id=air1
check "airport VIP by the gym's session: 403" test "$HTTP_STATUS" = 403
DAY=$(date -u -d '+8 hours' +%F)
expect_http 200 "the airport's report of today" GET "$U/v1/services/airport-vip/report?from=$DAY&to=$DAY" -H "Authorization: Bearer $TOK_AIR"
check "has no use: nothing was counted" test "$(tail -n +2 "$T/body" | grep -c .)" = 0
expect_http 200 "the gym's report of today" GET "$U/v1/services/culture-sports/report?from=$DAY&to=$DAY&programme=baiyun-yunju" -H "Authorization: Bearer $TOK_GYM"
check "has the page's one use, by window gym-desk-1, with the page's request id" sh -c "test \$(tail -n +2 '$T/body' | grep -c .) = 1 && grep -q 'gym-desk-1,$REQID' '$T/body'"
form /window/redeem "csrf=$CSRF" "qr@$T/qr-$C_SILVER" service=medical request_id=sus1
check "a suspended card is refused at redeem" grep -q 'data-result="SUSPENDED"' "$T/body"
form /window/redeem "csrf=$CSRF" "qr@$T/qr-$C_GOLD" service=culture-sports.gym request_id=g2
form /window/redeem "csrf=$CSRF" "qr@$T/qr-$C_GOLD" service=culture-sports.gym request_id=g3
check "a third gym visit this month: refused, quota exhausted" grep -q 'data-refused="quota-exhausted"' "$T/body"

# --- the browser ---
if CHROMIUM=$(command -v chromium); then
	ART=$TC_BUILD/test-logs/212-window-page
	rm -rf "$ART"; mkdir -p "$ART" "$T/profile"
	python3 - "$T/params.json" <<PY
import json, sys
json.dump({"token": "$TOK_GYM", "service": "culture-sports.gym",
           "qr_valid": open("$T/qr-$C_DIAMOND").read().strip(),
           "qr_suspended": open("$T/qr-$C_SILVER").read().strip()},
          open(sys.argv[1], "w"))
PY
	check "Chromium uses the window page" bash -c "timeout 200 python3 '$(dirname "$0")/cdp-window.py' '$CHROMIUM' '$T/profile' '$U' '$ART' '$T/params.json' >'$T/seen.json' 2>'$T/cdp.err' ||
		{ grep -v dbus '$T/cdp.err' | tail -n 25 | sed 's/^/# err: /'; exit 1; }"
	seen() {
		if python3 -c 'import json, sys; o = json.load(open(sys.argv[1], encoding="utf-8")); sys.exit(not eval(sys.argv[2]))' "$T/seen.json" "$1" 2>/dev/null; then
			ok "$2"
		else not_ok "$2"; sed 's/^/# seen: /' "$T/seen.json"; fi
	}
	seen "o['signin_focus'] == 'token' and o['after_signin_url'].endswith('/window/')" "signed in with the token, the token field focused"
	seen "'culture-sports.gym' in o['listed'] and 'medical' in o['listed'] and not any('airport' in s for s in o['listed'])" "the window's services, and only those"
	seen "o['chosen'] == 'culture-sports.gym' and 'fitness centre' in o['chosen_name'] and o['scan_focus'] == 'qr'" "the gym chosen, by its name, the QR field has the focus"
	seen "o['result'] == 'VALID' and o['verdict'] == 'VALID' and o['name'] and o['tier']" "typed and Enter: VALID, the holder and tier"
	seen "any(u['service'] == 'culture-sports.gym' and u['remaining'] == '2' for u in o['uses']) and any(u['service'] == 'medical' and u['remaining'] == 'unlimited' and u['countable'] for u in o['uses'])" "the services with what is left"
	seen "o['receipt'].get('class') == 'ok' and o['receipt'].get('data-use') and o['receipt_left'].get('data-remaining') == '1' and o['receipt_left'].get('data-used') == '1'" "a use counted: the receipt with its use number, 1 of 2 left"
	seen "any(u['service'] == 'culture-sports.gym' and u['remaining'] == '1' for u in o['uses_after'])" "scanned again: one gym visit left"
	seen "o['back_focus'] == 'qr'" "back to scan, the field focused again"
	seen "o['suspended_result'] == 'SUSPENDED' and o['suspended_verdict'] == 'SUSPENDED' and not o['suspended_uses']" "a suspended card: SUSPENDED, nothing to count"
	seen "not o['phone_home_overflow'] and not o['phone_verdict_overflow'] and o['phone_result'] == 'VALID'" "no horizontal scrolling on a 390 px phone"
	seen "o['zh_heading'] == '选择服务'" "in Chinese with ?lang=zh"
	seen "o['signed_out_form'] and '/window' in o['signed_out_url']" "signed out: the sign-in form"
	check "screenshots of the pages" test -s "$ART/3-verdict.png" -a -s "$ART/4-receipt.png" -a -s "$ART/5-suspended.png"
else
	echo "# chromium is not installed: the browser part is skipped"
fi

# --- the gym's count in the browser: a second window, its own session ---
expect_http 303 "the gym desk signs in again" POST "$U/window/session" --data "token=$TOK_GYM"
SID2=$(grep -i '^Set-Cookie: tcard_window=' "$T/hdr" | sed 's/^Set-Cookie: tcard_window=\([^;]*\);.*/\1/I')
check "another session id" test -n "$SID2" -a "$SID2" != "$SID"

# --- sign-out and expiry ---
form /window/signout "csrf=$CSRF"
check "sign out: 303" test "$HTTP_STATUS" = 303
header_has '^Set-Cookie: tcard_window=;.*Max-Age=0' "the cookie is cleared"
expect_http 401 "the old session is gone" GET "$U/window/" "${CK[@]}"
CK=(-H "Cookie: tcard_window=$SID2")
expect_http 200 "the second session works" GET "$U/window/" "${CK[@]}"
check "a daemon whose window sessions end after 2 idle seconds" start_vd idle \
	--bundle "$T/b1" --ledger "$T/ledger2.db" --staff-tokens "$T/tokens" --window-idle 2
http POST "$URL_idle/window/session" --data "token=$TOK_GYM"
SID3=$(grep -i '^Set-Cookie: tcard_window=' "$T/hdr" | sed 's/^Set-Cookie: tcard_window=\([^;]*\);.*/\1/I')
expect_http 200 "signed in there" GET "$URL_idle/window/" -H "Cookie: tcard_window=$SID3"
sleep 1
expect_http 200 "a second later, still" GET "$URL_idle/window/" -H "Cookie: tcard_window=$SID3"
sleep 3
expect_http 401 "idle for longer than --window-idle: signed out" GET "$URL_idle/window/" -H "Cookie: tcard_window=$SID3"
stop_vd idle
check "a daemon whose window sessions last 3 seconds at most" start_vd life \
	--bundle "$T/b1" --ledger "$T/ledger3.db" --staff-tokens "$T/tokens" --window-lifetime 3
http POST "$URL_life/window/session" --data "token=$TOK_GYM"
SID4=$(grep -i '^Set-Cookie: tcard_window=' "$T/hdr" | sed 's/^Set-Cookie: tcard_window=\([^;]*\);.*/\1/I')
ok4=1
for i in 1 2; do
	sleep 1
	http GET "$URL_life/window/" -H "Cookie: tcard_window=$SID4"
	[ "$HTTP_STATUS" = 200 ] || ok4=0
done
check "busy for 2 seconds: still signed in" test "$ok4" = 1
sleep 2
expect_http 401 "past --window-lifetime, however busy: signed out" GET "$URL_life/window/" -H "Cookie: tcard_window=$SID4"
stop_vd life

# --- the throttle, the log ---
for i in $(seq 1 40); do http POST "$U/window/session" --data "token=wrong-$i-0123456789abcdefghijklmnopqrstuvw"; done
check "wrong tokens from one address are throttled (429)" test "$HTTP_STATUS" = 429
header_has '^Retry-After: [0-9]' "with Retry-After"
expect_http 200 "metrics" GET "$U/metrics"
check "count the window page's requests" grep -qE '^tcard_requests_total\{endpoint="window",result="unauthorized"\} [1-9]' "$T/body"
stop_vd w
check "the daemon stopped cleanly" test "$VD_STATUS" = 0
check "the log holds no ID number, token or session id" sh -c "! grep -qE '$IDN_GOLD|110101190001011234|$TOK_GYM|$SID' '$T'/w.log '$T'/w.err"
done_testing
