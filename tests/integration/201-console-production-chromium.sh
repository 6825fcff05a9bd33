#!/bin/bash
# SPDX-License-Identifier: MIT
# The console's production page (issue 17) in a real browser on a phone-
# sized window: headless Chromium (cdp-console-production.py on cdp.py)
# signs in as the bank branch's producer, follows the header's link to
# the page, finds the approved card under "to make" with its make-by
# deadline and the masked ID number, types a failure reason holding
# markup (shown as text under "failed"), starts the card again and marks
# it made; the card issuer types a wrong ID number in the deliver form
# (a 409 page that shows neither number), then the right one: the card
# leaves the queue and the application is issued. The page never needs
# horizontal scrolling at 390 px. Screenshots are kept in
# BUILD/test-logs/201-console-production-chromium/. Made-up people only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/issuerd-lib.sh"
id_env
chromium_env
echo "1..15"
IDN=110101199203030030
P=demo-card-producer-1 C=demo-card-issuer-1

check "demo authority" id_demo
APP=$(green_app "Browser Prod" "$IDN"); check "a green-card application is submitted" test -n "$APP"
check "tcard-issuerd starts" start_id
declare -A TOK
for op in demo-hr-reviewer-1 demo-approver-1; do
	login $op; TOK[$op]=$CSRF
	req POST "/v1/applications/$APP/review" "$T/$op.jar" "${TOK[$op]}" '{"action":"approve"}'
done
SERIAL=$(sqlite3 "$H/registry.db" "SELECT serial FROM production WHERE application = $APP")
CARD=$(sqlite3 "$H/registry.db" "SELECT card_no FROM cards WHERE serial = $SERIAL")
check "approved: its card is in the production queue" test -n "$CARD"

mkdir -p "$T/profile"
python3 - "$T/params.json" <<PY
import json, sys
ops = {n: "%s %s" % (p, s) for n, p, s in (
    ("$P", "$(pass_of $P)", "$(demo_secret "$H" $P)"),
    ("$C", "$(pass_of $C)", "$(demo_secret "$H" $C)"))}
json.dump({"ops": ops, "producer": "$P", "issuer": "$C", "card": "$CARD",
           "serial": "$SERIAL", "reason": "<b>卡纸</b> jam",
           "wrong_id": "110101199203030057", "id_number": "$IDN"},
          open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
PY
check "Chromium uses the production page" bash -c "timeout 200 python3 '$(dirname "$0")/cdp-console-production.py' '$CHROMIUM' '$T/profile' '$URL' '$ART' '$T/params.json' >'$T/seen.json' 2>'$T/cdp.err' ||
	{ grep -v dbus '$T/cdp.err' | tail -n 5 | sed 's/^/# err: /'; exit 1; }"
seen() { python3 -c 'import json, sys; o = json.load(open(sys.argv[1], encoding="utf-8")); sys.exit(not eval(sys.argv[2]))' "$T/seen.json" "$1"; }
check "the header's link leads the producer to the page, in three sections" \
	seen "o['url'].endswith('/console/production') and len(o['h2']) == 3"
check "the card is to make, with its deadline and the masked ID only" \
	seen "o['to_make'] == ['$CARD'] and ('制作期限' in o['to_make_text'] or 'make by' in o['to_make_text']) and '****************30' in o['to_make_text'] and '$IDN' not in o['to_make_text']"
check "no horizontal scrolling on a 390 px phone" seen "not o['overflow']"
check "the typed failure: back on the page with the flash, under failed" \
	seen "'done=failed' in o['after_fail_url'] and o['flash'] != '' and o['failed'] == ['$CARD']"
check "the reason's markup is shown as text" \
	seen "'<b>卡纸</b> jam' in o['failed_text'] and '&lt;b&gt;' in o['failed_html']"
check "started again, then made" seen "o['restarted'] == ['$CARD'] and o['made'] == ['$CARD']"
check "the card issuer finds it to deliver, with its deliver-by deadline" \
	seen "o['issuer_made'] == ['$CARD'] and 'deliver by' in o['issuer_made_text']"
check "a wrong ID number: a 409 page that shows neither number" \
	seen "o['wrong_status'] == 409 and 'does not match' in o['wrong_body'] and '110101199203030057' not in o['wrong_body'] and '$IDN' not in o['wrong_body']"
check "the right one delivers: the card left the queue" \
	seen "'done=delivered' in o['delivered_url'] and '$CARD' not in o['left'] and '$IDN' not in o['final_body']"
login demo-auditor
req GET "/v1/applications/$APP" "$T/demo-auditor.jar"
check "the application is issued" test "$(jq_body 'o["state"]')" = issued
stop_id
