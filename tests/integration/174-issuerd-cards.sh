#!/bin/bash
# SPDX-License-Identifier: MIT
# tcard-issuerd's card and audit endpoints: a demo card's page through
# the API agreeing with `tcard-issuer card show --json`; suspend,
# reinstate and revoke by an approver through the API (each step checked
# against card show, the audit log naming the operator), the same refused
# to a card producer with the library's 403 message and to a request
# without the CSRF token; /v1/audit for an auditor equal to `audit list
# --json`, /v1/audit/verify, 404 for a reviewer; the console's card page
# with its forms, a suspend through the form (303 back to the card, PRG),
# search by card number and the audit page.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/issuerd-lib.sh"
id_env
echo "1..54"

check "demo authority" id_demo
check "tcard-issuerd starts" start_id
C=4401110000000012
D=4401110000000020
# show CARD EXPR: a Python expression on `card show --json` (o) and the
# last API body (b).
show() {
	"$I" card show "$1" --home "$H" --json >"$T/show.json" 2>"$T/show.err" || return 1
	python3 -c 'import json, sys; o = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2])); sys.exit(not eval(sys.argv[3]))' \
		"$T/show.json" "$T/body" "$2"
}
AGREE='all(o[k] == b[k] for k in ("card", "serial", "status", "status_reason", "valid_to", "holder", "sub_cards", "changes"))'

login demo-approver-1; AP=$T/demo-approver-1.jar; APC=$CSRF
check "the approver signs in" status_is 200
login demo-card-producer-1; CP=$T/demo-card-producer-1.jar; CPC=$CSRF
check "the card producer signs in" status_is 200
login demo-auditor; AU=$T/demo-auditor.jar
check "the auditor signs in" status_is 200
login demo-hr-reviewer-1; HR=$T/demo-hr-reviewer-1.jar

req GET "/v1/cards/$C" "$AP"
check "GET /v1/cards/C is 200" status_is 200
check "it agrees with card show --json" show $C "$AGREE and b['status'] == 'issued'"
check "the holder is masked" test "$(jq_body 'o["holder"]["id_masked"].startswith("*")')" = True
check "the approver's actions are suspend, reinstate, revoke" \
	test "$(jq_body 'o["actions"]')" = "['suspend', 'reinstate', 'revoke']"
check "no-store" grep -qi '^cache-control: no-store' "$T/hdr"
req GET /v1/cards/4401110000000099 "$AP"
check "an unknown card is 404" status_is 404

req POST "/v1/cards/$C/suspend" "$AP" "" '{"reason":"employer inquiry"}'
check "a suspend without the CSRF token is 403 csrf" \
	bash -c "test $(cat "$T/status") = 403 && grep -q '\"csrf\"' '$T/body'"
req POST "/v1/cards/$C/suspend" "$CP" "$CPC" '{"reason":"employer inquiry"}'
check "a card producer's suspend is 403" status_is 403
check "with the library's message naming the roles" \
	test "$(jq_body '"hr-reviewer" in o["message"] and "card-producer" in o["message"]')" = True
req POST "/v1/cards/$C/suspend" "$AP" "$APC" '{"reason":"employer inquiry","note":"x"}'
check "a member suspend does not take is 400" status_is 400
req POST "/v1/cards/$C/suspend" "$AP" "$APC" '{"reason":"employer inquiry"}'
check "the approver suspends C" status_is 200
check "C is suspended, and card show agrees" show $C "$AGREE and o['status'] == 'suspended' and o['status_reason'] == 'employer inquiry'"
req POST "/v1/cards/$C/suspend" "$AP" "$APC" '{"reason":"again"}'
check "a second suspend is 409 with the library's message" \
	bash -c "test $(cat "$T/status") = 409 && grep -q 'refused' '$T/body'"
req POST "/v1/cards/$C/reinstate" "$AP" "$APC" '{"note":"inquiry closed"}'
check "the approver reinstates C" status_is 200
check "C is issued, and card show agrees" show $C "$AGREE and o['status'] == 'issued'"
req POST "/v1/cards/$C/revoke" "$AP" "$APC" '{"reason":"contract-ended"}'
check "the approver revokes C" status_is 200
check "C is revoked, and card show agrees" show $C "$AGREE and o['status'] == 'revoked' and o['status_reason'] == 'contract-ended'"
req POST "/v1/cards/$C/explode" "$AP" "$APC" '{}'
check "an unknown action is 404" status_is 404
"$I" audit list --home "$H" --json >"$T/audit.json" 2>/dev/null
check "the audit log has the suspend, reinstate and revoke by the approver" python3 -c '
import json, sys
ops = [(x["operator"], x["action"]) for x in json.load(open(sys.argv[1])) if x["subject"] == "card:" + sys.argv[2]]
sys.exit(ops[-3:] != [("demo-approver-1", "card.suspend"), ("demo-approver-1", "card.reinstate"), ("demo-approver-1", "card.revoke")])' "$T/audit.json" $C
req GET "/v1/cards/$C" "$AP"
check "the card's history on the API names the approver" \
	test "$(jq_body '[(h["operator"], h["action"]) for h in o["history"]][-1]')" = "('demo-approver-1', 'card.revoke')"

# A sub-card for a child of green card A's holder, as `subcard add`.
G=4401000000000114
login demo-card-issuer-1; CI=$T/demo-card-issuer-1.jar; CIC=$CSRF
SUB='{"relation":"child","id_type":"resident","id_number":"110101201506010029","name":"Luca Bianchi"}'
req POST "/v1/cards/$G/subcards" "$AP" "$APC" "$SUB"
check "an approver's sub-card is 403 (the counter's work)" status_is 403
req POST "/v1/cards/$G/subcards" "$CI" "$CIC" "$SUB"
check "a sub-card without the relative's photo is 400 (every printed card has one)" status_is 400
check "the refusal names the photo" grep -q "photo is missing" "$T/body"
# The relative's photo is a document of the request (multipart), a PNG.
python3 -c '
import struct, sys, zlib
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
raw = b"".join(b"\x00" + b"\xc8" * 358 for _ in range(441))
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" +
    chunk(b"IHDR", struct.pack(">IIBBBBB", 358, 441, 8, 0, 0, 0, 0)) +
    chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))' "$T/luca.png"
curl -s --max-time 20 -X POST -b "$CI" -c "$CI" -H "X-CSRF-Token: $CIC" \
	-F "args=$SUB;type=application/json" -F "document=@$T/luca.png;type=image/png" \
	-D "$T/hdr" -o "$T/body" -w '%{http_code}' "$URL/v1/cards/$G/subcards" >"$T/status"
check "the card issuer adds a sub-card" status_is 200
check "the answer names the new sub-card, its holder masked" \
	test "$(jq_body '[s["holder"]["id_masked"] for s in o["sub_cards"] if s["card"] == o["result"]["new_card"]]')" = "['****************29']"
NEWSUB=$(jq_body 'o["result"]["new_card"]')
check "the photo is not a document of the main card" \
	test "$(jq_body '[d["action"] for d in o.get("documents", [])]')" = "[]"
check "card show agrees" show $G "$AGREE and len(o['sub_cards']) == 3"
check "the relative's full number is not in the answer" bash -c "! grep -q 110101201506010029 '$T/body'"
req GET "/v1/cards/$NEWSUB" "$CI"
check "the photo is the sub-card's document \"photo\"" \
	test "$(jq_body '[(d["action"], d["media_type"]) for d in o["documents"]]')" = "[('photo', 'image/png')]"
req GET "/v1/audit?after=0&limit=5" "$AU"
check "GET /v1/audit is 200 for the auditor" status_is 200
"$I" audit list --home "$H" --json >"$T/audit.json" 2>/dev/null
check "its entries are audit list --json's" python3 -c '
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
sys.exit(b["entries"] != a[:5] or b["last"] != a[-1]["seq"])' "$T/audit.json" "$T/body"
req GET "/v1/audit?after=3&limit=2" "$AU"
check "after and limit page it" test "$(jq_body '[e["seq"] for e in o["entries"]]')" = "[4, 5]"
req GET "/v1/audit?limit=100000" "$AU"
check "a limit over 500 is 400" status_is 400
req GET /v1/audit/verify "$AU"
check "GET /v1/audit/verify says the chain is OK" test "$(jq_body 'o["ok"] and o["entries"] > 0')" = True
req GET /v1/audit "$HR"
check "GET /v1/audit is 404 for a reviewer" status_is 404
req GET /v1/audit/verify "$AP"
check "and /v1/audit/verify for an approver" status_is 404

# page METHOD PATH JAR [curl args...]: a console request, no redirects.
page() {
	local m=$1 p=$2 jar=$3; shift 3
	curl -s --max-time 20 -X "$m" -b "$jar" -c "$jar" "$@" -D "$T/hdr" \
		-o "$T/body" -w '%{http_code}' "$URL$p" >"$T/status"
}
page GET "/console/cards/$D" "$AP"
check "the console's card page is 200" status_is 200
check "it shows the holder and status" \
	bash -c "grep -q 'id=\"holder\">李志明<' '$T/body' && grep -q 'id=\"status\">issued<' '$T/body'"
check "with the suspend and revoke forms" \
	bash -c "grep -q 'id=\"suspend\" action=\"/console/cards/$D/suspend\"' '$T/body' && grep -q 'id=\"revoke\"' '$T/body'"
check "and the console's headers" bash -c "grep -qi \"^content-security-policy: default-src 'none'\" '$T/hdr' && grep -qi '^x-frame-options: DENY' '$T/hdr' && grep -qi '^cache-control: no-store' '$T/hdr'"
page POST "/console/cards/$D/suspend" "$AP" --data-urlencode "reason=lost at <b>work</b>"
check "a form without its csrf field is 403" status_is 403
page POST "/console/cards/$D/suspend" "$AP" --data-urlencode "csrf=$APC" --data-urlencode "reason=<b>employer</b> inquiry"
check "a suspend through the form is 303 back to the card" \
	bash -c "test $(cat "$T/status") = 303 && grep -qi '^location: /console/cards/$D?done=suspended' '$T/hdr'"
req GET "/v1/cards/$D" "$AP"
check "the card is suspended, and card show agrees" show $D "$AGREE and o['status'] == 'suspended'"
page GET "/console/cards/$D?done=suspended" "$AP"
check "the page shows the reason as text" grep -qF '&lt;b&gt;employer&lt;/b&gt; inquiry' "$T/body"
page GET "/console/search?q=4401+1100+0000+0020" "$AP"
check "search by card number is 303 to the card" \
	bash -c "test $(cat "$T/status") = 303 && grep -qi '^location: /console/cards/$D' '$T/hdr'"
page GET "/console/cards/$G" "$CI"
check "the card issuer's page of A offers the sub-card form, not suspend" \
	bash -c "grep -q 'id=\"subcards\" action=\"/console/cards/$G/subcards\"' '$T/body' && ! grep -q 'id=\"suspend\"' '$T/body'"
page GET /console/audit "$AU"
check "the audit page is 200 for the auditor, the chain verified" \
	bash -c "test $(cat "$T/status") = 200 && grep -q 'id=\"verify\"' '$T/body' && grep -q 'id=\"next\"' '$T/body'"
page GET /console/audit "$HR"
check "and 404 for a reviewer" status_is 404
check "no full ID number in the logs" bash -c "! grep -qE '[0-9]{17}[0-9Xx]' '$T/id.err'"
