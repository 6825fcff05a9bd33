#!/bin/bash
# SPDX-License-Identifier: MIT
# tcard-issuerd and organisations (issue 15): the scoping is the library's
# (tc_app_visible). The T51 case through the API: the demo's Youyue
# application of unit A (14, 广州天河) is 404 to unit B's reviewer, with
# its attachments and a review POST, and unit A's reviewer sees and
# approves it; each unit reviewer's queue holds only its unit's
# applications. The unit's supplement (信息补充): CSRF, scoping, a field
# the unit may not change, the change recorded and audited, then an
# approve of the same step. The audited ID reveal: an hr-reviewer gets the
# full number (no-store, an audit entry without it), an auditor 403, the
# console shows it on the answer page only, and no log has it. Search by
# name: each unit's reviewer finds its own applicant only, through the API
# (GET /v1/applications?name=) and the console's search.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/issuerd-lib.sh"
id_env
echo "1..54"

check "demo authority" id_demo
check "tcard-issuerd starts" start_id
UA=demo-unit-reviewer-a-1 UB=demo-unit-reviewer-b-1
login $UA; UAJ=$T/$UA.jar; UAC=$CSRF; check "unit A's reviewer signs in" status_is 200
login $UB; UBJ=$T/$UB.jar; UBC=$CSRF; check "unit B's reviewer signs in" status_is 200

# Unit A's application 14, its attachments.
req GET /v1/applications/14 "$UAJ"; check "unit A's reviewer sees application 14" status_is 200
ATT=$(jq_body 'o["attachments"][0]["id"] if o["attachments"] else 999999')
check "the queue of unit A holds 14 only" bash -c \
	"curl -s -b '$UAJ' '$URL/v1/queue' | python3 -c 'import json,sys; print(sorted(a[\"id\"] for a in json.load(sys.stdin)[\"items\"]))' | grep -qx '\[14\]'"
check "the queue of unit B holds 15 only" bash -c \
	"curl -s -b '$UBJ' '$URL/v1/queue' | python3 -c 'import json,sys; print(sorted(a[\"id\"] for a in json.load(sys.stdin)[\"items\"]))' | grep -qx '\[15\]'"

# Compact lists: the fields asked for, as arrays, in the summary's order.
req GET "/v1/queue?columns=name,id,overdue" "$UAJ"
check "a queue with columns= gives them in the summary's order" \
	test "$(jq_body 'o["columns"] == ["id", "name", "overdue"] and [a[0] for a in o["items"]] == [14] and all(len(a) == 3 and type(a[0]) is int and type(a[1]) is str and a[2] in (True, False) for a in o["items"])')" = True
req GET /v1/applications/14 "$UBJ"; check "unit B's reviewer: 404 for application 14" status_is 404
check "the same answer as a missing application" \
	test "$(jq_body 'o["message"]')" = "no application 14"
req GET /v1/applications/14/attachments/$ATT "$UBJ"
check "unit B's reviewer: 404 for its attachment" status_is 404
req POST /v1/applications/14/review "$UBJ" "$UBC" '{"action":"approve"}'
check "unit B's reviewer: 404 for a review of it" status_is 404
req POST /v1/applications/14/supplement "$UBJ" "$UBC" '{"fields":{"basic.residence":"x"},"reason":"r"}'
check "unit B's reviewer: 404 for a supplement of it" status_is 404
req POST /v1/applications/14/review "$UAJ" "$UAC" '{"action":"approve"}'
check "unit A's reviewer approves it" status_is 200
check "it moves to the acceptance review" test "$(jq_body 'o["step"]')" = acceptance-review
req GET /v1/applications/99999 "$UBJ"; check "a missing application is 404" status_is 404

# The supplement on unit B's application 15.
req GET /v1/applications/15 "$UBJ"; check "unit B's reviewer sees application 15" status_is 200
FIELD=$(jq_body '[s["id"] + "." + f["id"] for s in o["labels"]["sections"] for f in s["fields"] if f["supplement"] and f["type"] in ("text", "address", "long-text")][0]')
NOFIELD=$(jq_body '[s["id"] + "." + f["id"] for s in o["labels"]["sections"] for f in s["fields"] if not f["supplement"] and not s["repeating"]][0]')
check "the labels mark fields the unit may supplement" test -n "$FIELD"
curl -s -b "$UBJ" "$URL/console/applications/15" >"$T/page"
check "the console's application page has the supplement form with that field" \
	bash -c "grep -q 'id=\"supplement\"' '$T/page' && grep -q 'name=\"f.$FIELD\"' '$T/page'"
curl -s -o /dev/null -w '%{http_code}' -b "$UBJ" --data-urlencode "f.$FIELD=x" \
	--data-urlencode "reason=r" "$URL/console/applications/15/supplement" >"$T/status"
check "the console's supplement without the form's csrf is 403" status_is 403
req POST /v1/applications/15/supplement "$UBJ" "" "{\"fields\":{\"$FIELD\":\"补充的值 7\"},\"reason\":\"单位核实\"}"
check "a supplement without the CSRF token is 403" status_is 403
req POST /v1/applications/15/supplement "$UBJ" "$UBC" "{\"fields\":{\"$NOFIELD\":\"x\"},\"reason\":\"r\"}"
check "a field the unit may not change is 409" status_is 409
check "with the library's message" bash -c "grep -q 'not one the unit may supplement' '$T/body'"
req POST /v1/applications/15/supplement "$UBJ" "$UBC" "{\"fields\":{\"$FIELD\":\"补充的值 7\"}}"
check "a supplement needs a reason (400)" status_is 400
req POST /v1/applications/15/supplement "$UBJ" "$UBC" "{\"fields\":{\"$FIELD\":\"补充的值 7\"},\"reason\":\"单位核实\"}"
check "unit B's reviewer supplements application 15" status_is 200
req GET /v1/applications/15 "$UBJ"
check "the form holds the new value" test "$(jq_body 'o["form"]["'"${FIELD%%.*}"'"]["'"${FIELD#*.}"'"]')" = "补充的值 7"
check "the history has the supplement with its reason and field" \
	test "$(jq_body '[(a["reason"], a["detail"]["fields"]) for a in o["actions"] if a["action"] == "supplement"]')" = "[('单位核实', ['$FIELD'])]"
req POST /v1/applications/15/review "$UBJ" "$UBC" '{"action":"approve"}'
check "and approves the same step (four eyes: one step)" status_is 200

# The reveal.
HRN=demo-hr-reviewer-1
login $HRN; HRJ=$T/$HRN.jar; HRC=$CSRF; check "an hr-reviewer signs in" status_is 200
login demo-auditor; AUJ=$T/demo-auditor.jar; AUC=$CSRF; check "the auditor signs in" status_is 200
req GET /v1/applications/13 "$HRJ"; MASKED=$(jq_body 'o["applicant"]')
check "the application page has the masked number only" bash -c "case '$MASKED' in *'*'*) true ;; *) false ;; esac"
req POST /v1/applications/13/reveal-id "$HRJ"; check "a reveal without the CSRF token is 403" status_is 403
req POST /v1/applications/13/reveal-id "$HRJ" "$HRC"; check "the hr-reviewer reveals the number" status_is 200
FULL=$(jq_body 'o["id_number"]')
check "the full number ends as the masked one" test "${FULL: -2}" = "${MASKED: -2}" -a "${#FULL}" = "${#MASKED}"
check "no-store" grep -qi '^cache-control: no-store' "$T/hdr"
req POST /v1/applications/13/reveal-id "$AUJ" "$AUC"; check "the auditor gets 403" status_is 403
req POST /v1/applications/14/reveal-id "$UBJ" "$UBC"; check "unit B's reviewer gets 404 for unit A's" status_is 404
req GET '/v1/audit?limit=500' "$AUJ"
check "the reveal is audited, without the number" \
	test "$(jq_body '[(e["operator"], e["subject"]) for e in o["entries"] if e["action"] == "application.id-reveal"]')" = "[('$HRN', 'application:13')]"
check "the supplement is audited" \
	test "$(jq_body 'len([e for e in o["entries"] if e["action"] == "application.supplement" and e["operator"] == "'$UB'"])')" = 1
check "no audit entry holds the number" bash -c "! grep -q '$FULL' '$T/body'"
# The console: a POST button, the number on the answer page only.
curl -s -b "$HRJ" "$URL/console/applications/13" >"$T/page"
check "the console's application page has the reveal button, not the number" \
	bash -c "grep -q 'id=\"reveal\"' '$T/page' && ! grep -q '$FULL' '$T/page'"
curl -s -b "$HRJ" --data-urlencode "csrf=$HRC" "$URL/console/applications/13/reveal-id" -D "$T/hdr" >"$T/page"
check "the console's reveal shows it on its answer page, no-store" \
	bash -c "grep -q 'id=\"id-number\">$FULL<' '$T/page' && grep -qi '^cache-control: no-store' '$T/hdr'"
curl -s -b "$UBJ" "$URL/console/applications/15" >"$T/page"
check "the console offers no supplement past the unit's step" bash -c "! grep -q 'id=\"supplement\"' '$T/page'"

# Search by name: application 14's applicant, by the first character
# and by the whole name.
req GET /v1/applications/14 "$UAJ"
NAME=$(jq_body 'o["name"]')
Q1=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1][0]))' "$NAME")
QN=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$NAME")
req GET "/v1/applications?name=$Q1" "$UAJ"
check "unit A's reviewer finds 14 by its applicant's first character" \
	test "$(jq_body '14 in [a["id"] for a in o["items"]] and all(a["name"][0] == "'"${NAME:0:1}"'" for a in o["items"])')" = True
req GET "/v1/applications?name=$QN" "$UBJ"
check "unit B's reviewer does not find it by the whole name" \
	test "$(jq_body '14 in [a["id"] for a in o["items"]]')" = False
req GET "/v1/applications" "$UAJ"
check "a search without name= is 400" status_is 400
req GET "/v1/applications?name=%01" "$UAJ"
check "a name with a control character is 400" status_is 400
# Compact lists: a search with the fields asked for, and the refusals.
req GET "/v1/applications?name=$QN&columns=id,deadline" "$UAJ"
check "a search with columns= too" \
	test "$(jq_body 'o["columns"] == ["id", "deadline"] and [a[0] for a in o["items"]] == [14] and o["more"] is False')" = True
req GET "/v1/queue?columns=id,secret" "$UAJ"
check "an unknown column is 400 naming it" bash -c \
	"grep -q '^400' '$T/status' && grep -q 'secret..\? is not a field' '$T/body'"
req GET "/v1/queue?columns=id,id" "$UAJ"
check "a repeated column is 400" status_is 400
curl -s -b "$UAJ" "$URL/console/search?q=$QN" >"$T/page"
check "the console's search by name lists 14 for unit A" \
	grep -q 'href="/console/applications/14"' "$T/page"
curl -s -b "$UBJ" "$URL/console/search?q=$QN" >"$T/page"
check "and nothing for unit B" bash -c \
	"grep -q 'id=\"empty\"' '$T/page' && ! grep -q 'href=\"/console/applications/14\"' '$T/page'"

stop_id
check "no log line has the full number" bash -c "! grep -q '$FULL' '$T/id.err'"
check "nor the supplemented value" bash -c "! grep -q '补充的值' '$T/id.err'"
