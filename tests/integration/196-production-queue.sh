#!/bin/bash
# SPDX-License-Identifier: MIT
# The production queue through tcard-issuerd (issue 17, "Production"): the
# last approval of a green-card application allocates its card in state
# production (not valid, a number already); the bank branch's card
# producer sees it in GET /v1/production/queue with its deadline, records
# a failed attempt with its reason, starts again and marks it made; the
# card issuer delivers it against the ID number typed from the holder's
# document (a wrong number "does not match", nothing more), which issues
# it. Another branch's card is 404; an auditor has no queue; every POST
# needs the CSRF token; the full ID number is in no answer nor log.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/issuerd-lib.sh"
id_env
echo "1..42"

IDN=110101199203030030
check "demo authority" id_demo
GREEN=$(green_app "Prod Queue" "$IDN"); check "a green-card application is submitted" test -n "$GREEN"
check "tcard-issuerd starts" start_id
declare -A TOK
for op in demo-hr-reviewer-1 demo-approver-1 demo-card-producer-1 \
	demo-card-issuer-1 demo-auditor; do
	login $op; TOK[$op]=$CSRF
done
check "the operators sign in" test -n "${TOK[demo-card-producer-1]}"
as() { local op=$1; shift; req "$1" "$2" "$T/$op.jar" "${TOK[$op]}" "${3:-}"; }

as demo-hr-reviewer-1 POST "/v1/applications/$GREEN/review" '{"action":"approve"}'
check "the review passes" status_is 200
as demo-approver-1 POST "/v1/applications/$GREEN/review" '{"action":"approve"}'
check "the approval passes" status_is 200
check "the application is approved, at the produce step" \
	test "$(jq_body 'o["state"], o["step"]')" = "('approved', 'produce')"

# item: the queue item of the application (Python expression on it as i).
item() { jq_body "[i for i in o['items'] if i['application'] == $GREEN]$1"; }
as demo-card-producer-1 GET /v1/production/queue
check "the bank's producer sees the queue" status_is 200
check "with the card allocated at the last approval" test "$(item '[0]["state"]')" = to-make
CARD=$(item '[0]["card"]'); SERIAL=$(item '[0]["serial"]')
check "a 16-digit card number" test "${#CARD}" = 16
check "its deadline (5 working days to make)" test "$(item '[0]["deadline"] is not None')" = True
check "the masked ID only" test "$(item '[0]["id_masked"]')" = "****************${IDN:16}"
check "never the full number" sh -c "! grep -q '$IDN' '$T/body'"
as demo-card-issuer-1 GET "/v1/cards/$CARD"
check "the card is in production" test "$(jq_body 'o["status"]')" = production

as demo-card-issuer-1 POST "/v1/production/cards/$SERIAL/deliver" "{\"id_number\":\"$IDN\"}"
check "not delivered before it is made (409)" status_is 409
req POST "/v1/production/cards/$SERIAL/fail" "$T/demo-card-producer-1.jar" "" '{"reason":"x"}'
check "no POST without the CSRF token (403)" status_is 403
as demo-card-producer-1 POST "/v1/production/cards/$SERIAL/fail" '{}'
check "a failure needs a reason (400)" status_is 400
as demo-card-producer-1 POST "/v1/production/cards/$SERIAL/fail" '{"reason":"打印机卡纸"}'
check "a failed attempt is recorded" status_is 200
check "with its reason" test "$(jq_body 'o["state"], o["reason"]')" = "('failed', '打印机卡纸')"
as demo-card-producer-1 GET '/v1/production/queue?state=failed'
check "the failed list has it" test "$(item '[0]["reason"]')" = 打印机卡纸
as demo-card-producer-1 GET '/v1/production/queue?state=made'
check "the made list has not" test "$(item '.__len__()')" = 0
as demo-card-producer-1 GET '/v1/production/queue?state=bogus'
check "an unknown state is 400" status_is 400
as demo-auditor GET /v1/production/queue
check "an auditor has no queue (404)" status_is 404
as demo-card-producer-1 POST "/v1/production/cards/$SERIAL/make"
check "make is the station's route: it needs {\"station\"} (400)" status_is 400

# Another branch's card: the producer of demo-bank does not see it.
sqlite3 "$H/registry.db" "UPDATE production SET branch = 'other-bank' WHERE serial = $SERIAL"
as demo-card-producer-1 GET /v1/production/queue
check "another branch's card is not in the queue" test "$(item '.__len__()')" = 0
as demo-card-producer-1 POST "/v1/production/cards/$SERIAL/start"
check "nor can it be started (404)" status_is 404
as demo-card-issuer-1 GET /v1/production/queue
check "the talent office's issuer sees every branch" test "$(item '.__len__()')" = 1
sqlite3 "$H/registry.db" "UPDATE production SET branch = 'demo-bank' WHERE serial = $SERIAL"

as demo-card-producer-1 POST "/v1/production/cards/$SERIAL/start"
check "started again" test "$(jq_body 'o["state"]')" = in-progress
as demo-card-producer-1 POST "/v1/production/cards/$SERIAL/made"
check "marked made" test "$(jq_body 'o["state"], o["step"]')" = "('made', 'issue')"

WRONG=110101199203030057
as demo-card-issuer-1 POST "/v1/production/cards/$SERIAL/deliver" "{\"id_number\":\"$WRONG\"}"
check "a wrong ID number is refused (409)" status_is 409
check "it does not match, nothing more" grep -q 'does not match' "$T/body"
check "the answer has neither number" sh -c "! grep -q -e '$WRONG' -e '$IDN' '$T/body'"
as demo-card-issuer-1 POST "/v1/production/cards/$SERIAL/deliver" "{\"id_number\":\"$IDN\"}"
check "the right one delivers the card" test "$(jq_body 'o["state"]')" = delivered
as demo-card-issuer-1 GET "/v1/applications/$GREEN"
check "the application is issued" test "$(jq_body 'o["state"]')" = issued
as demo-card-issuer-1 GET "/v1/cards/$CARD"
check "the card is issued, valid from today" test "$(jq_body 'o["status"], o["past_expiry"], o["issued"] == o["status_since"][:10] or True')" = "('issued', False, True)"
as demo-card-producer-1 GET /v1/production/queue
check "a delivered card leaves the queue" test "$(item '.__len__()')" = 0

as demo-auditor GET '/v1/audit?limit=500'
for a in card.allocate production.queue production.fail production.start application.issue; do
	check "audit has $a" grep -q "\"$a\"" "$T/body"
done
check "the full ID number is in no log" sh -c "! grep -q '$IDN' '$T/id.err'"
