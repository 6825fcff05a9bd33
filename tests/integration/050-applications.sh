#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Applications end to end through the real programs: keys and registry,
# operators for every step, a Youyue application from a JSON file with a
# generated 358x441 PNG (a wrong-size photo refused, the pledge required),
# review through every step with a return and resubmission, a wrong role
# and a four-eyes violation refused, production, issue; a green card
# application found overdue when the clock moves on; the blacklist and an
# employer bar refusing submissions; --help of every new command; the
# audit log verifying; and the ID numbers appearing nowhere: not in
# registry.db (or its WAL) and not in any output. Made-up people only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/apply-lib.sh"
tc_env 2026-03-02T01:00:00Z
H=$T/home
export TCARD_HOME=$H

need_prog "$I" "$K"
need_cmd python3

PW='a long enough passphrase'
: >"$T/all"
log() { cat "$T/out" "$T/err" >>"$T/all"; }
# as NAME CMD...: runs tcard-issuer as operator NAME.
as() { local who=$1; shift; TCARD_PASSPHRASE=$PW expect_exit "$@" --as "$who"; }

ID_WANG=$(mkid 44010619850512123)
ID_EMILY=$(mkid 11010519880420124)
ID_BAD=$(mkid 44010619900101356)
ALL_IDS=("$ID_WANG" "$ID_EMILY" "$ID_BAD")

mkdir -p "$T/files"
mkpng 358 441 "$T/files/photo.png"
mkpng 300 400 "$T/files/small.png"
mkpdf "$T/files/id.pdf" "ID card scan"
mkpdf "$T/files/contract.pdf" "labour contract"
mkpdf "$T/files/tax.pdf" "tax record"
mkpdf "$T/files/proof.pdf" "eligibility proof"
mkpdf "$T/files/degree.pdf" "degree"
printf 'MZ not really a pdf' >"$T/files/fake.pdf"

youyue_app "$T/files/wang.json" "$ID_WANG" 91440101MA5CXQ8N2U 广州云聚新材料科技有限公司 \
	长期从事高分子新材料研发，主持省级重点项目三项。

expect_exit 0 "tcard-keys init" "$K" init
expect_exit 0 "tcard-issuer init" "$I" init
expect_out "schema version [0-9]+" "init reports the schema version"
NP=$PW expect_exit 0 "bootstrap admin" "$I" operator add ada --role admin --passphrase-env NP
# Organisations: the applicant's employer (its unit), a city office.
TCARD_PASSPHRASE=$PW expect_exit 0 "organisation: the employer's unit" \
	"$I" organisation add unit 91440101MA5CXQ8N2U --name '广州云聚新材料科技有限公司' --as ada
TCARD_PASSPHRASE=$PW expect_exit 0 "organisation: a city office" \
	"$I" organisation add city gz-city --name '示例市人力资源和社会保障局' --as ada
for op in clerk:hr-reviewer:gz-city unit1:unit-reviewer:91440101MA5CXQ8N2U \
    hr1:hr-reviewer:gz-city both:hr-reviewer,approver:gz-city appr1:approver:office \
    prod1:card-producer:office iss1:card-issuer:office aud:auditor:office; do
	IFS=: read -r name roles org <<<"$op"
	NP=$PW TCARD_PASSPHRASE=$PW expect_exit 0 "operator $name" \
		"$I" operator add "$name" --role "$roles" --organisation "$org" --as ada --passphrase-env NP
done

# --help of every new command.
for c in apply submit review applications "application show" "application withdraw" \
    issue upgrade convert "blacklist add" "blacklist list" "blacklist remove" \
    "employer-bar add" "employer-bar list"; do
	# shellcheck disable=SC2086
	expect_exit 0 "$c --help" "$I" $c --help
done
expect_out "EXIT STATUS" "pages have EXIT STATUS"

# The ID number is never a command-line value.
as clerk 2 "--id NUMBER is refused" "$I" apply --programme guangdong-youyue --id "$ID_WANG"
expect_err "standard input" "the refusal says how to give it"
log

# A photo of the wrong size, a file that is not what its name says.
as clerk 1 "a 300x400 photo is refused" "$I" apply --from "$T/files/wang.json" \
	--photo "$T/files/small.png"
expect_err "300 x 400 pixels; guangdong-youyue needs 358 x 441" "the refusal gives both sizes"
log
as clerk 1 "a fake PDF is refused by its content" "$I" apply --from "$T/files/wang.json" \
	--photo "$T/files/photo.png" --attach other="$T/files/fake.pdf"
expect_err "not a GIF, JPEG, PNG, PDF, DOC or DOCX" "content sniffing"
log
# Submission needs the pledge; a refused submission stores nothing.
as clerk 1 "submission without the pledge is refused" "$I" apply \
	--from "$T/files/wang.json" --photo "$T/files/photo.png" --submit
expect_err "integrity pledge" "the refusal names the pledge"
log
expect_exit 0 "applications after refusals" "$I" applications
check "nothing was stored" test "$(wc -l <"$T/out")" -eq 1
as clerk 0 "apply and submit" "$I" apply --from "$T/files/wang.json" \
	--photo "$T/files/photo.png" --accept-pledge --submit
expect_out "^application 1 submitted: submitted, step unit-review \(单位审核\), role unit-reviewer" \
	"apply says where the application is"
log

# Review: wrong role, return, resubmit, same operator approves, four eyes.
as hr1 1 "the wrong role is refused" "$I" review 1 --approve
expect_err "needs the role unit-reviewer; operator hr1 has hr-reviewer" "the refusal names both roles"
as clerk 1 "the applicant's side may not review" "$I" review 1 --approve
as unit1 0 "return for supplementary material" "$I" review 1 --return "请补充社保缴纳证明"
expect_out "returned: returned, step unit-review .* waiting for the applicant" "returned"
log
as unit1 1 "a returned application is not reviewed" "$I" review 1 --approve
expect_err "resubmitted first" "the refusal says what is needed"
as unit1 1 "the reviewer cannot resubmit (four eyes)" "$I" submit 1
expect_err "four eyes" "four eyes on the applicant's side"
TCARD_NOW=2026-03-03T01:00:00Z as clerk 0 "resubmit with a new file" "$I" submit 1 \
	--attach eligibility-proof="$T/files/degree.pdf"
expect_out "submitted: submitted, step unit-review" "back at the step that returned it"
TCARD_NOW=2026-03-03T02:00:00Z as unit1 0 "the same operator approves the same step" "$I" review 1 --approve
expect_out "step acceptance-review .* role hr-reviewer" "next step"
TCARD_NOW=2026-03-03T03:00:00Z as both 0 "acceptance review" "$I" review 1 --approve
TCARD_NOW=2026-03-03T03:30:00Z as both 1 "four eyes: one operator, two steps" "$I" review 1 --approve
expect_err "four eyes" "the refusal says four eyes"
TCARD_NOW=2026-03-03T04:00:00Z as appr1 1 "months for a fixed term are refused" "$I" review 1 --approve --months 12
TCARD_NOW=2026-03-03T04:00:00Z as appr1 0 "approval" "$I" review 1 --approve --json
check "approved, at the produce step" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["state"] == "approved" and d["step"] == "produce" and d["role"] == "card-producer", d
assert d["applicant"] == "*" * 16 + sys.argv[2][16:], d["applicant"]' "$T/out" "$ID_WANG"
as iss1 1 "issue before production is refused" "$I" issue 1
expect_err "at step produce" "the refusal names the step"
TCARD_NOW=2026-03-04T01:00:00Z as prod1 0 "production recorded" "$I" review 1 --approve
TCARD_NOW=2026-03-04T02:00:00Z as iss1 0 "issue" "$I" issue 1
# The card was allocated at the approval (2026-03-03): its term counts from
# that day, as printed on it and written into its chip (docs/workflow.md).
expect_out "^card 4400 0000 0000 00[0-9]{2} issued: serial 1, guangdong-youyue tier a, valid to 2031-03-02$" \
	"issue prints the grouped number, serial and validity"
CARD=$(sed -n 's/^card \([0-9 ]*\) issued.*/\1/p' "$T/out" | tr -d ' ')
log
as iss1 1 "a second issue is refused" "$I" issue 1
expect_err "issued already" "the refusal says so"
as clerk 1 "Youyue has no upgrade by application" "$I" upgrade "$CARD" --tier a --clause a-1
expect_err "no upgrade by application" "upgrade refused"

expect_exit 2 "application show without --as is a usage error" "$I" application show 1 --json
TCARD_PASSPHRASE=$PW expect_exit 0 "application show --json" "$I" application show 1 --json --as aud
check "show: steps, actions, attachments" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
acts = [a["action"] for a in d["actions"]]
assert acts == ["create", "submit", "return", "resubmit", "approve", "approve",
                "approve", "approve", "issue"], acts
assert [s["id"] for s in d["steps"]] == ["unit-review", "acceptance-review",
                                         "approval", "produce", "issue"]
kinds = sorted(a["kind"] for a in d["attachments"])
assert kinds == ["contract", "eligibility-proof", "eligibility-proof", "id-document",
                 "photo", "tax-or-social-insurance"], kinds
photo = [a for a in d["attachments"] if a["kind"] == "photo"][0]
assert photo["width"] == 358 and photo["height"] == 441 and photo["media_type"] == "image/png"
assert len(photo["sha256"]) == 64
assert d["state"] == "issued" and d["issued_serial"] == 1
assert "id-number" not in json.dumps(d["form"])' "$T/out"
log
TCARD_PASSPHRASE=$PW expect_exit 0 "application show (text)" "$I" application show 1 --as clerk
expect_out "applicant +resident \*{16}[0-9X]{2} " "text shows the masked number"
log

# Deadlines: a green card application, overdue after 5 working days.
cat >"$T/files/emily.json" <<EOF
{
  "programme": "guangzhou-green", "clause": "a1-1",
  "applicant": {"name": "Emily Carter", "id_type": "resident", "id_number": "$ID_EMILY"},
  "sections": {
    "basic": {"name-zh": "卡特", "sex": "female", "birth-date": "1988-04-20",
              "employer": "花都某某精密制造有限公司", "residence": "广州市花都区新华街1号",
              "nationality": "中国"}
  },
  "attachments": [
    {"material": "application-form", "file": "proof.pdf"},
    {"material": "degree", "file": "degree.pdf"},
    {"material": "id-resident", "file": "id.pdf"},
    {"material": "contract", "file": "contract.pdf"},
    {"material": "residence-proof", "file": "tax.pdf"},
    {"material": "clause-proof", "file": "proof.pdf"}
  ]
}
EOF
as clerk 0 "green card application" "$I" apply --from "$T/files/emily.json" \
	--photo "$T/files/small.png" --submit
expect_out "deadline 2026-03-09" "5 working days after Monday 2 March"
log
TCARD_NOW=2026-03-09T15:59:59Z expect_exit 0 "not overdue on the last day" "$I" applications --overdue
check "empty at 23:59:59 on 9 March" test "$(wc -l <"$T/out")" -eq 1
TCARD_NOW=2026-03-09T16:00:00Z expect_exit 0 "overdue from 10 March" "$I" applications --overdue --json
check "the application is overdue" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d) == 1 and d[0]["id"] == 2 and d[0]["overdue"] is True, d
assert d[0]["deadline"] == "2026-03-09" and d[0]["role"] == "hr-reviewer"' "$T/out"
log
TCARD_NOW=2026-03-10T02:00:00Z expect_exit 0 "text listing marks OVERDUE" "$I" applications
expect_out "^2 .* OVERDUE$" "OVERDUE in the text listing"
log
# A holidays file moves the deadline of the next application.
printf '2026-03-10 holiday\n2026-03-11 holiday\n' >"$H/holidays.txt"
TCARD_NOW=2026-03-10T02:00:00Z expect_exit 0 "list with a holidays file" "$I" applications --state submitted
rm "$H/holidays.txt"
printf '2026-03-10 vacation\n' >"$H/holidays.txt"
expect_exit 3 "a broken holidays file is an environment error" "$I" applications
expect_err "holidays.txt: line 1" "the error names the file and line"
rm "$H/holidays.txt"

# The blacklist and employer bars.
printf '%s\n' "$ID_BAD" | TCARD_PASSPHRASE=$PW expect_exit 0 "blacklist add" \
	"$I" blacklist add --id-type resident --id - --reason "伪造学历证明" \
	--programme guangzhou-green --source "002 十一(六)" --as ada
expect_out "^resident \*{16}[0-9X]{2} added to the blacklist$" "masked in the answer"
log
printf '%s\n' "$ID_BAD" | TCARD_PASSPHRASE=$PW expect_exit 1 "blacklist add by a non-admin" \
	"$I" blacklist add --id-type resident --id - --reason x --as clerk
expect_exit 0 "blacklist list" "$I" blacklist list --json
check "one active entry" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d) == 1 and d[0]["active"] and d[0]["source"] == "002 十一(六)", d' "$T/out"
log
BAD=$(mktemp "$T/files/bad.XXXX.json")
sed -e "s/$ID_EMILY/$ID_BAD/" -e 's/Emily Carter/陈静/' -e 's/1988-04-20/1990-01-01/' "$T/files/emily.json" >"$BAD"
as clerk 1 "a blacklisted person's application is refused" "$I" apply --from "$BAD" \
	--photo "$T/files/small.png" --submit
expect_err "refused by rule blacklist \(guangzhou-green 002 十一\(六\)\)" "the refusal cites the rule"
log
printf '%s\n' "$ID_BAD" | TCARD_PASSPHRASE=$PW expect_exit 0 "blacklist remove" \
	"$I" blacklist remove --id-type resident --id - --reason "复核撤销" --as ada
TCARD_PASSPHRASE=$PW expect_exit 0 "employer-bar add" "$I" employer-bar add \
	--employer "花都某某精密制造有限公司" --years 3 --reason "协助伪造材料" \
	--programme guangzhou-green --source "002 十一(六)" --as ada
expect_out "from 2026-03-02 until 2029-03-02" "3 years from today"
as clerk 1 "the barred employer's staff are refused" "$I" apply --from "$BAD" \
	--photo "$T/files/small.png" --submit
expect_err "rule employer-bar" "the refusal names the bar"
log
expect_exit 0 "employer-bar list" "$I" employer-bar list
expect_out "2026-03-02 2029-03-02 active" "the bar is listed as active"
as clerk 0 "the draft may still be kept" "$I" apply --from "$BAD" --photo "$T/files/small.png"
expect_out "created: draft" "kept as a draft"
as clerk 0 "withdraw the draft" "$I" application withdraw 3 --reason "申请人撤回"
log

# Usage errors are exit 2.
as both 2 "two decisions at once" "$I" review 2 --approve --reject x
expect_exit 2 "no --as" "$I" review 2 --approve
expect_exit 2 "bad state name" "$I" applications --state pending
TCARD_PASSPHRASE=$PW expect_exit 1 "an unknown application" "$I" application show 99 --as aud

# The audit log: everything is in it, and it verifies.
expect_exit 0 "audit verify" "$I" audit verify
expect_out "^audit log OK" "the audit log verifies"
expect_exit 0 "audit list" "$I" audit list
cp "$T/out" "$T/audit"
log
for a in application.create application.attach application.submit application.return \
    application.resubmit application.approve application.issue card.issue serial.reserve \
    blacklist.add blacklist.remove employer.bar application.withdraw; do
	check "audit has $a" grep -q "  $a  " "$T/audit"
done
check "review entries name the operator" grep -qE "  both  application.approve  application:1  " "$T/audit"

# No ID number anywhere: database files, outputs, audit.
for id in "${ALL_IDS[@]}"; do
	expect_no "$id" "ID ${id:0:4}... not in registry.db*" "$H"/registry.db*
	expect_no "${id:0:17}" "its first 17 characters not in registry.db*" "$H"/registry.db*
	expect_no "$id" "ID ${id:0:4}... not in any output" "$T/all"
done
done_testing
