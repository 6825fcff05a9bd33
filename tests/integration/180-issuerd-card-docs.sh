#!/bin/bash
# SPDX-License-Identifier: MIT
# tcard-issuerd's applications for a card and supporting documents
# (issue 15): an upgrade (Baiyun silver to gold) and a conversion (green
# card B to A) through POST /v1/cards/{card}/upgrade and /convert, each
# 201 with a submitted application that `tcard-issuer show` agrees with;
# refused without the CSRF token (403), for another unit's card (404) and
# for an unknown card (404); the console's card page with the forms and
# an upgrade posted through it (303 to the new application).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/issuerd-lib.sh"
id_env
echo "1..38"

check "demo authority" id_demo
check "tcard-issuerd starts" start_id
S=4401110000000038 # Baiyun silver
B=4401000000000122 # green card B
A=4401110000000012 # Baiyun diamond

login demo-clerk; CL=$T/demo-clerk.jar; CLC=$CSRF
check "the clerk (hr-reviewer) signs in" status_is 200
login demo-unit-reviewer-b-1; UB=$T/demo-unit-reviewer-b-1.jar; UBC=$CSRF
login demo-approver-1; AP=$T/demo-approver-1.jar; APC=$CSRF

# What a card's page offers: the programme's own changes only.
req GET "/v1/cards/$S" "$CL"
check "a Baiyun silver card offers an upgrade, not a conversion" \
	test "$(jq_body '"upgrade" in o["actions"] and "convert" not in o["actions"]')" = True
req GET "/v1/cards/$A" "$CL"
check "a Baiyun diamond card (the top tier) offers neither" \
	test "$(jq_body '"upgrade" not in o["actions"] and "convert" not in o["actions"]')" = True
req GET "/v1/cards/$B" "$CL"
check "a green card B offers a conversion, not an upgrade" \
	test "$(jq_body '"convert" in o["actions"] and "upgrade" not in o["actions"]')" = True

req POST "/v1/cards/$S/upgrade" "$CL" "" '{"tier":"gold","clause":"g3"}'
check "an upgrade without the CSRF token is 403 csrf" \
	bash -c "test $(cat "$T/status") = 403 && grep -q '\"csrf\"' '$T/body'"
req POST "/v1/cards/$S/upgrade" "$CL" "$CLC" '{"tier":"gold","kind":"convert"}'
check "a kind in the body is 400" status_is 400
req POST "/v1/cards/$S/upgrade" "$CL" "$CLC" '{"tier":"gold"}'
check "an upgrade without a clause is 400" status_is 400
req POST /v1/cards/4401110000000099/upgrade "$CL" "$CLC" '{"tier":"gold","clause":"g3"}'
check "an unknown card is 404" status_is 404
req POST "/v1/cards/$S/upgrade" "$UB" "$UBC" '{"tier":"gold","clause":"g3"}'
check "another unit's card is 404" status_is 404
req POST "/v1/cards/$S/upgrade" "$CL" "$CLC" '{"tier":"gold","clause":"g3","draft":true}'
check "the clerk's upgrade is 201" status_is 201
UP=$(jq_body 'o["id"]')
check "it is an upgrade application to gold" \
	test "$(jq_body '(o["kind"], o["tier"], o["clause"], o["card"])')" = "('upgrade', 'gold', 'g3', '$S')"
TCARD_PASSPHRASE=$(pass_of demo-auditor) "$I" application show "$UP" --as demo-auditor --home "$H" --json >"$T/show.json" 2>"$T/show.err"
check "tcard-issuer show agrees" python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
sys.exit(not (o["kind"] == "upgrade" and o["tier"] == "gold" and o["state"] in ("submitted", "draft")))' "$T/show.json"
req POST "/v1/cards/$B/convert" "$CL" "$CLC" '{"clause":"a1-2","draft":true}'
check "the clerk's conversion is 201" status_is 201
check "a draft conversion to A" \
	test "$(jq_body '(o["kind"], o["tier"], o["state"])')" = "('convert', 'a', 'draft')"
req POST "/v1/cards/$A/upgrade" "$AP" "$APC" '{"tier":"gold","clause":"g3"}'
check "an approver's upgrade is 403 (an intake role's)" status_is 403

# Supporting documents: multipart/form-data, a part "args" and files.
printf '%%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%%%EOF\n' >"$T/letter.pdf"
head -c $((4 * 1024 * 1024 + 1)) /dev/zero >"$T/big.pdf"
printf 'not a pdf' >"$T/fake.pdf"
# mreq PATH JAR CSRF ARGS FILE...: a multipart POST.
mreq() {
	local p=$1 jar=$2 csrf=$3 args=$4 a=(); shift 4
	for f; do a+=(-F "document=@$f;type=application/pdf"); done
	curl -s --max-time 20 -X POST -b "$jar" -c "$jar" -H "X-CSRF-Token: $csrf" \
		-F "args=$args;type=application/json" "${a[@]}" -D "$T/hdr" -o "$T/body" \
		-w '%{http_code}' "$URL$p" >"$T/status"
}
C=4401110000000020 # Baiyun gold
mreq "/v1/cards/$C/revoke" "$AP" "$APC" '{"reason":"contract-ended"}' "$T/big.pdf"
check "a document over 4 MiB is 413" status_is 413
mreq "/v1/cards/$C/revoke" "$AP" "$APC" '{"reason":"contract-ended"}' "$T/fake.pdf"
check "a file that is no PDF is 400, the card untouched" \
	bash -c "test $(cat "$T/status") = 400 && grep -q 'unsupported\|not\|format' '$T/body'"
mreq "/v1/cards/$C/revoke" "$AP" "" '{"reason":"contract-ended"}' "$T/letter.pdf"
check "a revoke with a document without the CSRF token is 403" status_is 403
mreq "/v1/cards/$C/revoke" "$AP" "$APC" '{"reason":"contract-ended"}' "$T/letter.pdf"
check "the approver revokes C with a PDF document" status_is 200
check "the card is revoked" test "$(jq_body 'o["status"]')" = revoked
check "the card page lists the document" \
	test "$(jq_body '[(d["action"], d["media_type"], d["name"], d["size"]) for d in o["documents"]]')" = "[('revoke', 'application/pdf', 'letter.pdf', $(stat -c %s "$T/letter.pdf"))]"
DOC=$(jq_body 'o["documents"][0]["id"]')
req GET "/v1/cards/$C/documents/$DOC" "$AP"
check "the document downloads as it was sent" cmp -s "$T/body" "$T/letter.pdf"
check "as application/pdf" grep -qi '^content-type: application/pdf' "$T/hdr"
"$I" audit list --home "$H" --json >"$T/audit.json" 2>/dev/null
check "the audit log has the document added and read" python3 -c '
import json, sys
acts = [x["action"] for x in json.load(open(sys.argv[1])) if x["subject"] == "card:" + sys.argv[2]]
sys.exit(acts[-3:] != ["card.revoke", "card.document", "card.document-read"])' "$T/audit.json" $C
req GET "/v1/cards/$C/documents/$DOC" "$UB"
check "another unit's reviewer cannot read it (404)" status_is 404
mreq "/v1/cards/$S/upgrade" "$CL" "$CLC" '{"tier":"gold","clause":"g4","draft":true}' "$T/letter.pdf"
check "an upgrade with a document is 201" status_is 201
UP2=$(jq_body 'o["id"]')
req GET "/v1/applications/$UP2" "$CL"
check "the document is an attachment of the application" \
	test "$(jq_body '[(a["kind"], a["name"]) for a in o["attachments"]]')" = "[('other', 'letter.pdf')]"

# page METHOD PATH JAR [curl args...]: a console request, no redirects.
page() {
	local m=$1 p=$2 jar=$3; shift 3
	curl -s --max-time 20 -X "$m" -b "$jar" -c "$jar" "$@" -D "$T/hdr" \
		-o "$T/body" -w '%{http_code}' "$URL$p" >"$T/status"
}
page GET "/console/cards/$S" "$AP"
check "the approver's card page has no upgrade form" \
	bash -c "test $(cat "$T/status") = 200 && ! grep -q 'id=\"upgrade\"' '$T/body'"
page POST "/console/cards/$B/convert" "$CL" --data-urlencode "clause=a1-2"
check "a console form without its csrf field is 403" status_is 403
page POST "/console/cards/$B/convert" "$CL" --data-urlencode "csrf=$CLC" --data-urlencode "clause=a1-2" --data-urlencode "draft=1"
check "a conversion through the form is 303 to the application" \
	bash -c "test $(cat "$T/status") = 303 && grep -qi '^location: /console/applications/[0-9]' '$T/hdr'"
page GET "/console/cards/$C" "$AP"
check "the console's card page lists the document, escaped, with its link" \
	bash -c "test \$(grep -c 'id=\"documents\"' '$T/body') = 1 && grep -q 'href=\"/v1/cards/$C/documents/$DOC\">letter.pdf<' '$T/body'"
D=4401110000000046 # Baiyun gold
page GET "/console/cards/$D" "$AP"
check "its forms are multipart with a file input" \
	bash -c "grep -q 'enctype=\"multipart/form-data\" class=\"card-action\" id=\"suspend\"' '$T/body' && grep -q 'type=\"file\" name=\"document\"' '$T/body'"
page POST "/console/cards/$D/suspend" "$AP" -F "csrf=$APC" -F "reason=inquiry" -F "document=@$T/letter.pdf;filename=x<b>.pdf;type=application/pdf"
check "a suspend with a document through the form is 303 back to the card" \
	bash -c "test $(cat "$T/status") = 303 && grep -qi '^location: /console/cards/$D?done=suspended' '$T/hdr'"
page GET "/console/cards/$D?done=suspended" "$AP"
check "the document's name is shown as text" grep -qF "x&lt;b&gt;.pdf" "$T/body"
page POST "/console/cards/$D/reinstate" "$AP" -F "note=x" -F "document=@$T/letter.pdf;type=application/pdf"
check "a multipart form without its csrf field is 403" status_is 403
check "no full ID number in the logs" bash -c "! grep -qE '[0-9]{17}[0-9Xx]' '$T/id.err'"
