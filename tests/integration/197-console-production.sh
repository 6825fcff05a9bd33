#!/bin/bash
# SPDX-License-Identifier: MIT
# The console's production page (issue 17): /console/production for the
# bank branch's producer and the card issuer, in Chinese and English,
# sections to make, failed (with why) and made (to deliver) with the
# deadlines; every form posts with the session's CSRF token (without it
# 403) and answers 303 back with a flash word; a hostile reason is shown
# as text; delivery checks the typed ID number ("does not match"); the
# full ID number is on no page; an auditor gets the 404 page.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/issuerd-lib.sh"
id_env
echo "1..27"

IDN=110101199203030030
check "demo authority" id_demo
APP=$(green_app "Console Prod" "$IDN"); check "a green-card application is submitted" test -n "$APP"
check "tcard-issuerd starts" start_id
declare -A TOK
for op in demo-hr-reviewer-1 demo-approver-1 demo-card-producer-1 demo-card-issuer-1 demo-auditor; do
	login $op; TOK[$op]=$CSRF
done
for op in demo-hr-reviewer-1 demo-approver-1; do
	req POST "/v1/applications/$APP/review" "$T/$op.jar" "${TOK[$op]}" '{"action":"approve"}'
done
check "approved: its card is in production" \
	test "$(sqlite3 "$H/registry.db" "SELECT state FROM production WHERE application = $APP")" = to-make
SERIAL=$(sqlite3 "$H/registry.db" "SELECT serial FROM production WHERE application = $APP")
CARD=$(sqlite3 "$H/registry.db" "SELECT card_no FROM cards WHERE serial = $SERIAL")

page() {
	local m=$1 p=$2 op=$3; shift 3
	curl -s --max-time 20 -X "$m" -b "$T/$op.jar" -c "$T/$op.jar" "$@" -D "$T/hdr" \
		-o "$T/body" -w '%{http_code}' "$URL$p" >"$T/status"
}
body_has() { grep -qF -- "$1" "$T/body"; }
P=demo-card-producer-1 C=demo-card-issuer-1

page GET /console/queue $P
check "the console's header links the production page for a producer" body_has 'href="/console/production"'
page GET /console/production $P
check "the production page is 200" status_is 200
check "with the card to make" body_has "$CARD"
check "in its section, with the make-by deadline" bash -c "grep -qF '待制作' '$T/body' && grep -qF '制作期限' '$T/body'"
check "the masked ID, never the full one" bash -c "grep -qF '****************30' '$T/body' && ! grep -qF '$IDN' '$T/body'"
check "the CSP of the console" grep -qi "^content-security-policy: default-src 'none'" "$T/hdr"
check "no make button until the station's route exists" bash -c "! grep -q '/make\"' '$T/body'"
page GET '/console/production?lang=en' $P
check "in English" bash -c "grep -qF '<h2>To make</h2>' '$T/body' && grep -qF 'make by' '$T/body'"
page GET '/console/production?lang=zh' $P

page POST "/console/production/$SERIAL/fail" $P --data-urlencode 'reason=x'
check "a form without the CSRF token is 403" status_is 403
page POST "/console/production/$SERIAL/fail" $P --data-urlencode "csrf=${TOK[$P]}" \
	--data-urlencode 'reason=<script>alert(1)</script> 卡纸'
check "failed with a reason: 303 back" bash -c "test $(cat "$T/status") = 303 && grep -qi '^location: /console/production?done=failed' '$T/hdr'"
page GET '/console/production?done=failed' $P
check "the flash says so" body_has '已记录制作失败。'
check "the reason is shown as text" bash -c "grep -qF '&lt;script&gt;alert(1)&lt;/script&gt; 卡纸' '$T/body' && ! grep -qF '<script>alert' '$T/body'"
check "in the failed section" body_has '<h2>制作失败</h2>'
page POST "/console/production/$SERIAL/start" $P --data-urlencode "csrf=${TOK[$P]}"
check "started again (303)" status_is 303
page POST "/console/production/$SERIAL/made" $P --data-urlencode "csrf=${TOK[$P]}"
check "made (303)" status_is 303
page GET /console/production $C
check "the card issuer sees it made, with the deliver form" \
	bash -c "grep -qF '发放期限' '$T/body' && grep -qF 'name=\"id_number\"' '$T/body'"
page POST "/console/production/$SERIAL/deliver" $C --data-urlencode "csrf=${TOK[$C]}" \
	--data-urlencode id_number=110101199203030057
check "a wrong ID number is a 409 page" status_is 409
check "that says it does not match" body_has 'does not match'
check "and shows neither number" bash -c "! grep -q -e 110101199203030057 -e '$IDN' '$T/body'"
page POST "/console/production/$SERIAL/deliver" $C --data-urlencode "csrf=${TOK[$C]}" \
	--data-urlencode "id_number=$IDN"
check "the right one delivers (303)" bash -c "test $(cat "$T/status") = 303 && grep -qi 'done=delivered' '$T/hdr'"
req GET "/v1/applications/$APP" "$T/$C.jar"
check "the application is issued" test "$(jq_body 'o["state"]')" = issued
page GET /console/production $C
check "the card left the queue" bash -c "! grep -qF '$CARD' '$T/body'"
page GET /console/production demo-auditor
check "an auditor gets the 404 page" status_is 404
