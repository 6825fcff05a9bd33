#!/bin/bash
# SPDX-License-Identifier: MIT
# tcard-issuerd's work API: a reviewer's queue, the application page, an
# attachment's bytes (equal to the file applied with, each read audited),
# an approve and a return through the API with the audit log naming the
# operator, four eyes and role refusals coming back from the library as
# 403 with its message, 404 for an application the operator may not see,
# CSRF on a review, no-store on personal answers.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/issuerd-lib.sh"
id_env
echo "1..45"

id_demo_ab
check "tcard-issuerd starts" start_id

login demo-hr-reviewer-1; HR=$T/demo-hr-reviewer-1.jar; HRC=$CSRF
check "the hr reviewer signs in" status_is 200
req GET /v1/queue "$HR"; check "GET /v1/queue is 200" status_is 200
check "the queue holds A, B and the demo's 13 at the review step" \
	test "$(jq_body 'sorted(a["id"] for a in o["items"] if a["step"] == "review")')" = "[13, $A, $B]"
check "with a deadline and the overdue flag" \
	test "$(jq_body 'all(a["deadline"] and a["overdue"] in (True, False) for a in o["items"])')" = True
check "no-store" grep -qi '^cache-control: no-store' "$T/hdr"
check "the ID number is masked" test "$(jq_body '[a["applicant"] for a in o["items"] if a["id"] == '"$A"'][0]')" = "****************19"

# Paging (issue 15): pages of 2 walked by "next" give the whole queue, in
# order of deadline then id, and "prev" walks back.
jq_body '[a["id"] for a in o["items"]]' >"$T/queue-all"
check "the whole queue is in order of deadline (none last), then id" \
	test "$(jq_body 'o["items"] == sorted(o["items"], key=lambda a: (a["deadline"] or "~", a["id"])) and o["next"] is None and o["prev"] is None')" = True
req GET "/v1/queue?limit=2" "$HR"
check "a page of 2 has 2 items, a next and no prev" \
	test "$(jq_body 'len(o["items"]), o["next"] is not None, o["prev"]')" = "(2, True, None)"
jq_body '[a["id"] for a in o["items"]]' >"$T/page1"
ids=$(jq_body '[a["id"] for a in o["items"]]' | tr -d '[]')
next=$(jq_body 'o["next"]'); pages=1
while [ "$next" != None ] && [ "$pages" -lt 50 ]; do
	req GET "/v1/queue?limit=2&after=$next" "$HR"
	ids="$ids, $(jq_body '[a["id"] for a in o["items"]]' | tr -d '[]')"
	[ "$pages" = 1 ] && prev=$(jq_body 'o["prev"]')
	next=$(jq_body 'o["next"]'); pages=$((pages + 1))
done
check "walking next pages gives the whole queue once" test "[$ids]" = "$(cat "$T/queue-all")"
req GET "/v1/queue?limit=2&before=$prev" "$HR"
check "prev of the second page is the first page, with no prev" \
	test "$(jq_body '[a["id"] for a in o["items"]], o["prev"]')" = "($(cat "$T/page1"), None)"
for q in 'limit=0' 'limit=201' 'limit=x' 'after=x' 'after=2026-01-01.0' 'before=none' \
	'after=none.1&before=none.2'; do
	req GET "/v1/queue?$q" "$HR"; check "GET /v1/queue?$q is 400" status_is 400
done

req GET "/v1/applications/$A" "$HR"; check "the application page is 200" status_is 200
check "it has form sections, materials, steps and history" \
	test "$(jq_body '"basic" in o["form"], len(o["attachments"]), o["steps"][0]["id"], [a["action"] for a in o["actions"]]')" = "(True, 7, 'review', ['create', 'submit'])"
check "no full ID number in the page" bash -c "! grep -q 110101198506150019 '$T/body'"
ATT=$(jq_body '[a["id"] for a in o["attachments"] if a["material"] == "degree"][0]')
req GET "/v1/applications/$A/attachments/$ATT" "$HR"
check "an attachment is 200" status_is 200
check "its bytes are the file applied with" cmp -s "$T/body" "$T/app-$A/degree.pdf"
check "with its content type" grep -qi '^content-type: application/pdf' "$T/hdr"
check "as an attachment" grep -qi '^content-disposition: attachment; filename="degree.pdf"' "$T/hdr"
check "no-store" grep -qi '^cache-control: no-store' "$T/hdr"
"$I" audit list --home "$H" --json >"$T/audit.json" 2>/dev/null
check "the read is in the audit log with the operator" python3 -c '
import json, sys
e = [x for x in json.load(open(sys.argv[1])) if x["action"] == "application.attachment-read"]
sys.exit(not (e and e[-1]["operator"] == "demo-hr-reviewer-1" and e[-1]["subject"] == "application:" + sys.argv[2]))' "$T/audit.json" "$A"
req GET "/v1/applications/$B/attachments/$ATT" "$HR"
check "A's attachment under B's number is 404" status_is 404

req POST "/v1/applications/$A/review" "$HR" "" '{"action":"approve"}'
check "a review without the CSRF token is 403" status_is 403
req POST "/v1/applications/$A/review" "$HR" "$HRC" '{"action":"approve"}'
check "the hr reviewer approves A" status_is 200
check "A is at the approval step" test "$(jq_body 'o["step"]')" = approval
req POST "/v1/applications/$B/review" "$HR" "$HRC" '{"action":"return","reason":"请补充社保证明 (insurance records)"}'
check "the hr reviewer returns B with a reason" status_is 200
check "B is returned" test "$(jq_body 'o["state"]')" = returned
"$I" audit list --home "$H" --json >"$T/audit.json" 2>/dev/null
check "the audit log has the approve and the return by the hr reviewer" python3 -c '
import json, sys
ops = {(x["operator"], x["action"], x["subject"]) for x in json.load(open(sys.argv[1]))}
sys.exit(not {("demo-hr-reviewer-1", "application.approve", "application:" + sys.argv[2]),
              ("demo-hr-reviewer-1", "application.return", "application:" + sys.argv[3])} <= ops)' "$T/audit.json" "$A" "$B"

req POST "/v1/applications/$A/review" "$HR" "$HRC" '{"action":"approve"}'
check "the hr reviewer may not act at the approval step: 403" status_is 403
check "with the library's message" grep -q 'forbidden\|role' "$T/body"
login demo-clerk; CL=$T/demo-clerk.jar
req POST "/v1/applications/13/review" "$CL" "$CSRF" '{"action":"approve"}'
check "the clerk who applied for 13 may not review it (four eyes): 403" status_is 403
check "with the library's four-eyes message" grep -q 'one operator may act on one step of an application only (four eyes)' "$T/body"
login demo-leadership-group-1
req GET "/v1/applications/$A" "$T/demo-leadership-group-1.jar"
check "an application of a programme none of whose steps is the operator's is 404" status_is 404
req GET "/v1/applications/$A/attachments/$ATT" "$T/demo-leadership-group-1.jar"
check "and so are its files" status_is 404
req GET "/v1/applications/999999" "$T/demo-leadership-group-1.jar"
check "the same answer as an application that does not exist" status_is 404
req POST "/v1/applications/$A/review" "$T/demo-leadership-group-1.jar" "$CSRF" '{"action":"approve"}'
check "a review of it is 404 too" status_is 404
exit $((_failed > 0))
