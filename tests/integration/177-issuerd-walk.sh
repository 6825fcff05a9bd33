#!/bin/bash
# SPDX-License-Identifier: MIT
# The issue's walk through tcard-issuerd (issue 15, done-when): one
# application of each of the four programmes (Guangzhou green card,
# Guangdong Youyue, Baiyun Yunju, Chuxiong Xingchu) through every step to
# an issued card, each step by another operator signed in to the API with
# passphrase and TOTP code, from the unit, industry and district reviews
# to production and the issue (POST /v1/applications/N/issue). Four eyes
# and the role rule come back from the library as 403: a leadership-group
# member who approved one step of the Chuxiong application may not take
# the next; the card issuer may not take the approval step. One step is not through
# the API: Chuxiong's public notice lasts 5 working days, which the test
# cannot wait for, so it is approved with the CLI at a clock past its end
# (TCARD_NOW), as an operator who has taken no other step.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/issuerd-lib.sh"
id_env
echo "1..47"

check "demo authority" id_demo

# mkapp DIR PROGRAMME TIER CLAUSE NAME IDTYPE IDNUMBER EMPLOYER USCC
# MATERIALS...: an application file DIR/app.json, a photo (photo.png, and
# photo.gif for the programmes that take no PNG) and a PDF stub for each
# material.
mkapp() {
	python3 - "$@" <<'PY'
import json, struct, sys, zlib
d, prog, tier, clause, name, idt, idn, emp, uscc = sys.argv[1:10]
mats = sys.argv[10:]
def chunk(t, b):
    return struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b) & 0xffffffff)
raw = b"".join(b"\x00" + bytes([200]) * 358 for _ in range(441))
open(d + "/photo.png", "wb").write(b"\x89PNG\r\n\x1a\n" +
    chunk(b"IHDR", struct.pack(">IIBBBBB", 358, 441, 8, 0, 0, 0, 0)) +
    chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
# A 1 x 1 GIF89a: one white pixel.
open(d + "/photo.gif", "wb").write(bytes.fromhex(
    "474946383961010001008000 00ffffff000000 21f90401000000 00"
    "2c00000000010001000002024401003b".replace(" ", "")))
for m in mats:
    open("%s/%s.pdf" % (d, m), "w").write("%%PDF-1.4\n%% %s of %s\n%%%%EOF\n" % (m, name))
app = {"programme": prog, "tier": tier, "clause": clause,
       "applicant": {"name": name, "id_type": idt, "id_number": idn},
       "employer": {"name": emp, "code": uscc},
       "attachments": [{"material": m, "file": m + ".pdf"} for m in mats]}
if idt == "passport":
    app["applicant"].update({"sex": "female", "birth_date": "1990-03-04"})
    app["work_type"] = "employee"
open(d + "/app.json", "w").write(json.dumps(app, ensure_ascii=False))
PY
}
# take DIR PHOTO: applies DIR/app.json with DIR/PHOTO and submits it as
# demo-clerk; prints the application's number.
take() {
	local out
	out=$(TCARD_PASSPHRASE=$(pass_of demo-clerk) "$I" apply --home "$H" \
		--from "$1/app.json" --photo "$1/$2" --submit --accept-pledge \
		--as demo-clerk 2>"$1/err") || { sed 's/^/# /' "$1/err" >&2; return 1; }
	printf '%s\n' "$out" | sed -n 's/^application \([0-9]*\) .*/\1/p'
}

GREEN=$(green_app "Walk Green" 110101199001010015); check "a green-card application is submitted" test -n "$GREEN"
YY=14 # the demo's Youyue application waiting at unit A's step
mkdir -p "$T/by" "$T/cx"
mkapp "$T/by" baiyun-yunju silver s4 "Walk Baiyun" passport E98765432 \
	广州云聚示例新材料有限公司 91440111MA5D0K7Q3Q application-form id-passport \
	degree qualification contract insurance-or-tax clause-proof
BY=$(take "$T/by" photo.gif); check "a Baiyun Yunju application is submitted" test -n "$BY"
mkapp "$T/cx" chuxiong-xingchu a a2 "步行测试" resident 532301199109130028 \
	楚雄彝州示例绿色硅材料有限公司 91532301MA6K3P7C29 application-form
CX=$(take "$T/cx" photo.png); check "a Chuxiong Xingchu application is submitted" test -n "$CX"

check "tcard-issuerd starts" start_id
# Every operator signs in once (a code signs in once), a jar and token each.
declare -A TOK
for op in demo-unit-reviewer-a-1 demo-industry-reviewer-1 demo-hr-reviewer-1 \
	demo-approver-1 demo-leadership-group-1 demo-leadership-group-2 \
	demo-card-producer-1 demo-card-issuer-1; do
	login $op; TOK[$op]=$CSRF
	check "$op signs in with passphrase and code" status_is 200
done
APPROVE='{"action":"approve"}'
# step OP APP DESC [JSON]: OP approves (or JSON) application APP's step.
step() {
	local body=${4:-$APPROVE}
	req POST "/v1/applications/$2/review" "$T/$1.jar" "${TOK[$1]}" "$body"
	check "$3" status_is 200
	if ! status_is 200; then sed 's/^/# /' "$T/body"; fi
}
issue() {
	req POST "/v1/applications/$2/issue" "$T/$1.jar" "${TOK[$1]}"
	check "$3" status_is 200
	if ! status_is 200; then sed 's/^/# /' "$T/body"; fi
}
# produced_issued NAME APP: the bank produces APP's card and the card
# issuer issues it (checks named after NAME).
produced_issued() {
	step demo-card-producer-1 "$2" "$1: the bank produces the card"
	issue demo-card-issuer-1 "$2" "$1: the card issuer issues it"
	check "$1: issued" test "$(jq_body 'o["state"]')" = issued
}
# refused_step OP APP DESC: OP may not approve APP's step (403).
refused_step() {
	req POST "/v1/applications/$2/review" "$T/$1.jar" "${TOK[$1]}" "$APPROVE"
	check "$3" status_is 403
}
state_is() { req GET "/v1/applications/$1" "$T/demo-card-issuer-1.jar"; test "$(jq_body 'o["state"]')" = "$2"; }

# Guangzhou green card: review (district HR), approval, production, issue.
step demo-hr-reviewer-1 "$GREEN" "green: the district's hr-reviewer passes the review"
step demo-approver-1 "$GREEN" "green: the approver approves"
produced_issued green "$GREEN"
check "green: with a card number" test "$(jq_body 'o["state"], len(o["card"]["card"])')" = "('issued', 16)"

# Guangdong Youyue: the employer's unit, acceptance, approval, production, issue.
step demo-unit-reviewer-a-1 "$YY" "youyue: unit A's reviewer passes the unit review"
step demo-hr-reviewer-1 "$YY" "youyue: the hr-reviewer passes the acceptance review"
step demo-approver-1 "$YY" "youyue: the approver approves"
produced_issued youyue "$YY"

# Baiyun Yunju: industry preliminary review, district second review, approval.
step demo-industry-reviewer-1 "$BY" "baiyun: the industry department's preliminary review"
step demo-hr-reviewer-1 "$BY" "baiyun: the district's second review"
refused_step demo-card-issuer-1 "$BY" "baiyun: the card issuer (who sees it) may not approve the approval step (403)"
check "with the library's message naming the role" grep -q 'needs the role' "$T/body"
step demo-approver-1 "$BY" "baiyun: the approver approves"
produced_issued baiyun "$BY"

# Chuxiong Xingchu: industry review, the leadership group's approval,
# consultation and public notice, production, issue.
step demo-industry-reviewer-1 "$CX" "chuxiong: the industry department's review"
step demo-leadership-group-1 "$CX" "chuxiong: a leadership-group member approves"
refused_step demo-leadership-group-1 "$CX" "chuxiong: the same member may not take the consultation too (403)"
check "four eyes, in the library's words" grep -q 'four eyes' "$T/body"
step demo-leadership-group-2 "$CX" "chuxiong: another member passes the consultation"
refused_step demo-leadership-group-2 "$CX" "chuxiong: nor the public notice after the consultation (403)"
LATER=$(python3 -c 'import datetime; print((datetime.datetime.utcnow() + datetime.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%SZ"))')
TCARD_NOW=$LATER TCARD_PASSPHRASE=$(pass_of demo-leadership-group-3) expect_exit 0 \
	"chuxiong: a third member closes the public notice after its 5 working days (CLI)" \
	"$I" review "$CX" --approve --as demo-leadership-group-3 --home "$H"
produced_issued chuxiong "$CX"

req GET "/v1/applications/$CX" "$T/demo-card-issuer-1.jar"
check "the history names a different operator at every step" \
	test "$(jq_body 'len({a["step"]: a["operator"] for a in o["actions"] if a["action"] in ("approve", "issue")}), len(set(a["operator"] for a in o["actions"] if a["action"] in ("approve", "issue")))')" = "(6, 6)"
login demo-auditor; AJ=$T/demo-auditor.jar
req GET '/v1/audit?limit=500' "$AJ"
check "the audit log has the four issues" \
	test "$(jq_body 'len([e for e in o["entries"] if e["action"] == "application.issue"]) - 12')" = 4
req GET /v1/audit/verify "$AJ"; check "and its hash chain verifies" test "$(jq_body 'o["ok"]')" = True
req GET /v1/queue "$T/demo-card-issuer-1.jar"
check "the card issuer's queue is empty" test "$(jq_body 'len(o["items"])')" = 0
stop_id
check "the daemon stops cleanly" test "$ID_STATUS" = 0
