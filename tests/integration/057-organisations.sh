#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Organisations, routing, scoping, the unit's supplement and TOTP through
# tcard-issuer (issue 15; RULES Y14, Y15, Y24): organisations added and
# listed (a bad USCC refused), operators in them (a role that does not fit
# refused); an application routed at submission to its employer's unit, an
# unknown employer made a unit; T51: another unit's reviewer neither lists,
# shows, supplements nor approves it ("no application N", as for a missing
# one) while the unit's reviewer does; the supplement records field names,
# not values; TOTP enrolment prints an otpauth:// URI and writes a 0600 QR
# PNG, and from then on --as needs the code ($TCARD_OTP): missing, wrong
# and right, and wrong codes counting toward the lockout; the audit log
# verifies. Made-up people and employers only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/apply-lib.sh"
tc_env 2026-03-02T01:00:00Z
H=$T/home
export TCARD_HOME=$H

need_prog "$I" "$K"
need_cmd python3

PW='a long enough passphrase'
UA=91440106MA4T8R3H12 # 广州天河示例软件技术有限公司
UB=91440305MA5G2L9N48 # 深圳南海示例数据技术有限公司
UC=91440111MA5D0K7Q3Q # 广州云聚示例新材料有限公司: not added by hand
# as NAME STATUS DESC CMD...: runs CMD as operator NAME (passphrase only).
as() { local who=$1; shift; TCARD_PASSPHRASE=$PW expect_exit "$@" --as "$who"; }

ID1=$(mkid 44010619850512123)
ID2=$(mkid 44010619850512135)
mkdir -p "$T/files"
mkpng 358 441 "$T/files/photo.png"
for f in id contract tax proof; do mkpdf "$T/files/$f.pdf" "$f"; done
youyue_app "$T/files/a.json" "$ID1" "$UA" 广州天河示例软件技术有限公司
youyue_app "$T/files/c.json" "$ID2" "$UC" 广州云聚示例新材料有限公司

expect_exit 0 "tcard-keys init" "$K" init
expect_exit 0 "tcard-issuer init" "$I" init
NP=$PW expect_exit 0 "bootstrap admin" "$I" operator add ada --role admin,auditor --passphrase-env NP

# Organisations.
expect_exit 0 "organisation list" "$I" organisation list
expect_out "^talent-office +office " "every registry has the talent office 'office'"
as ada 0 "add unit A" "$I" organisation add unit "$UA" --name 广州天河示例软件技术有限公司
expect_out "^organisation $UA added \(unit\)$" "add says what it did"
as ada 0 "add unit B, typed in lower case with spaces" "$I" organisation add unit " ${UB,,}" --name 深圳南海示例数据技术有限公司
expect_out "^organisation $UB added" "the code is normalised"
as ada 1 "a USCC with a wrong check character is refused" "$I" organisation add unit 91440106MA4T8R3H13 --name x
expect_err "check" "the refusal names the check character"
as ada 1 "a duplicate code is refused" "$I" organisation add unit "$UA" --name y
expect_err "already exists" "the refusal says so"
as ada 2 "an unknown kind is a usage error" "$I" organisation add ministry m1 --name x
as ada 0 "add a city office" "$I" organisation add city gz-city --name 示例市人社局
expect_exit 0 "organisation list --json" "$I" organisation list --json
check "the list has the four organisations with kinds" python3 -c '
import json, sys
d = {o["code"]: o["kind"] for o in json.load(open(sys.argv[1]))}
assert d == {"office": "talent-office", sys.argv[2]: "unit", sys.argv[3]: "unit", "gz-city": "city"}, d' "$T/out" "$UA" "$UB"

# Operators in organisations.
NP=$PW as ada 1 "a unit reviewer in the talent office is refused" "$I" operator add ua --role unit-reviewer --passphrase-env NP
expect_err "does not fit organisation office" "the refusal says why"
NP=$PW as ada 1 "an unknown organisation is refused" "$I" operator add ua --role unit-reviewer --organisation 91440101MA5CXQ8N2U --passphrase-env NP
for op in "ua:unit-reviewer:$UA" "ub:unit-reviewer:$UB" clerk:hr-reviewer:gz-city \
    hr:hr-reviewer:gz-city; do
	IFS=: read -r name roles org <<<"$op"
	NP=$PW as ada 0 "operator $name in $org" "$I" operator add "$name" --role "$roles" \
		--organisation "$org" --passphrase-env NP
done
expect_exit 0 "operator list" "$I" operator list
expect_out "^ub +unit-reviewer +$UB +active" "operator list shows the organisation"

# Routing: submitted applications go to their employer's unit.
as clerk 0 "apply for an employee of unit A" "$I" apply --from "$T/files/a.json" \
	--photo "$T/files/photo.png" --accept-pledge --submit
expect_out "^application 1 submitted: .*step unit-review" "at the unit's step"
as clerk 0 "apply for an employee of an employer not yet known" "$I" apply --from "$T/files/c.json" \
	--photo "$T/files/photo.png" --accept-pledge --submit
expect_exit 0 "organisation list after submission" "$I" organisation list
expect_out "^unit +$UC +广州云聚示例新材料有限公司$" "the unknown employer became a unit, named from the form"

# T51: unit B's reviewer neither sees nor acts on unit A's application.
as ub 1 "another unit's application: show" "$I" application show 1
expect_err "no application 1 " "as if it did not exist"
as ub 1 "a missing application: show" "$I" application show 99
expect_err "no application 99 " "the same message for a missing one"
as ub 0 "applications --as ub" "$I" applications
check "unit B's reviewer lists none of it" test "$(wc -l <"$T/out")" -eq 1
as ub 1 "T51: another unit's reviewer cannot approve" "$I" review 1 --approve
expect_err "no application 1 " "not found"
as ub 1 "nor supplement" "$I" supplement 1 --field basic.position=x --reason x
expect_err "no application 1 " "not found"
as ua 0 "applications --as ua" "$I" applications
check "unit A's reviewer lists its application only" test "$(awk 'NR > 1 { print $1 }' "$T/out")" = 1
expect_exit 0 "applications without --as list all (the shell holds the keys)" "$I" applications
check "two applications" test "$(wc -l <"$T/out")" -eq 3

# The unit's supplement.
as ua 1 "the name is not the unit's to change" "$I" supplement 1 --field basic.name=张三 --reason 更正
expect_err "not one the unit may supplement" "refused with the reason"
as ua 1 "nor the employer" "$I" supplement 1 --field basic.employer=另一家公司 --reason 更正
as ua 2 "a supplement needs a reason" "$I" supplement 1 --field basic.position=x
as ua 0 "unit A supplements" "$I" supplement 1 --field basic.position=高级工程师 \
	--field basic.field=先进材料 --reason 单位核实后补充
expect_out "supplemented" "supplement says so"
as ua 0 "application show --json" "$I" application show 1 --json
check "the form has the new values, the supplement is an action at the unit step" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["form"]["basic"]["position"] == "高级工程师", d["form"]["basic"]
acts = [(a["action"], a["operator"]) for a in d["actions"]]
assert ("supplement", "ua") in acts, acts' "$T/out"
as ua 0 "unit A's reviewer approves its unit's step (four eyes: the same step)" "$I" review 1 --approve
expect_out "step acceptance-review" "on to the HR review"
as ua 1 "but not the next step" "$I" review 1 --approve
as hr 0 "the city's HR reviewer takes the next step" "$I" review 1 --approve

# TOTP.
as ada 2 "--qr must be a .png" "$I" operator totp ua --qr "$T/ua.svg"
as ada 0 "enrol ua in TOTP" "$I" operator totp ua --qr "$T/ua.png"
expect_out "^otpauth://totp/talentcard:ua\?secret=[A-Z2-7]{32}&issuer=talentcard" "prints the otpauth:// URI"
SECRET=$(sed -n 's/.*secret=\([A-Z2-7]*\).*/\1/p' "$T/out")
check "the QR code is a PNG, mode 0600" sh -c "head -c 8 '$T/ua.png' | od -An -tx1 | grep -q '89 50 4e 47' && test \"\$(stat -c %a '$T/ua.png')\" = 600"
expect_exit 0 "operator list --json" "$I" operator list --json
check "ua is enrolled" python3 -c '
import json, sys
assert [o["totp"] for o in json.load(open(sys.argv[1])) if o["name"] == "ua"] == [True]' "$T/out"
CODE=$(python3 "$TC_TOP/tests/integration/totp.py" "$SECRET")
TCARD_PASSPHRASE=$PW expect_exit 2 "enrolled: without a code (no TCARD_OTP, no terminal) --as is refused" \
	"$I" applications --as ua </dev/null
TCARD_PASSPHRASE=$PW TCARD_OTP=$CODE expect_exit 0 "with the code it signs in" "$I" applications --as ua
TCARD_PASSPHRASE=wrong-passphrase-1 TCARD_OTP=$CODE expect_exit 1 "the right code does not save a wrong passphrase" \
	"$I" applications --as ua
for i in 1 2 3 4; do
	TCARD_PASSPHRASE=$PW TCARD_OTP=000000 expect_exit 1 "wrong code $i" "$I" applications --as ua
done
expect_err "operator or passphrase wrong" "a wrong code has the message of a wrong passphrase"
TCARD_PASSPHRASE=$PW TCARD_OTP=$CODE expect_exit 1 "five failures lock ua, right code or not" "$I" applications --as ua
expect_exit 0 "operator list" "$I" operator list
expect_out "^ua +unit-reviewer +$UA +locked until " "ua is locked"

# The audit log.
expect_exit 0 "audit verify" "$I" audit verify
expect_out "audit log OK" "the audit log verifies"
expect_exit 0 "audit list" "$I" audit list
check "the routed unit was audited" grep -qE "  clerk  organisation.add  organisation:$UC  " "$T/out"
check "the supplement names the fields, not the values" sh -c "grep -E '  ua  application.supplement  application:1  .*basic.position' '$T/out' | grep -qv 高级工程师"
check "the enrolment is audited" grep -qE "  ada  operator.totp-enrol  ua  " "$T/out"
check "TOTP failures are audited as such" grep -qE "  ua  operator.auth-fail  ua  .*\"factor\":\"totp\"" "$T/out"
expect_no "$SECRET" "the TOTP secret is not in the audit log" "$T/out"
expect_no "$SECRET" "nor in the registry file" "$H/registry.db" "$H/registry.db-wal"
done_testing
