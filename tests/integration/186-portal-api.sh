#!/bin/bash
# SPDX-License-Identifier: MIT
# The applicants' portal API of tcard-issuerd (issue 16, docs/portal.md):
# a demo applicant signs in with the account in demo-applicants.txt (the
# cookie tcard_portal, HttpOnly and SameSite=Strict), keeps a Youyue
# draft from an application file, changes sections (each rule of the form
# checked again: achievements of 1001 characters refused), uploads its
# materials as multipart (a photo measured, a file whose content is not
# its name's type refused, an oversize body 413), reads the pledge and
# is refused when it accepts sooner than its 5 seconds, then submits;
# the unit's reviewer returns it through the staff API and the applicant
# finds it under "to-do" with the reason and no reviewer's name, and
# withdraws it. Another applicant gets 404 for all of it; staff and
# portal sessions are not accepted for each other's routes; CSRF is
# needed on every change; registration, its refusals, the verification
# link written to the notifications outbox and used once, the reset
# request that tells nothing and its link, and the lock after five wrong
# passwords.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/issuerd-lib.sh"
id_env

check "demo authority" id_demo
check "tcard-issuerd starts" start_id
APPS=$H/demo-applicants.txt
check "demo-applicants.txt has a header and three accounts, mode 0600" \
	test "$(grep -c '^# login	password	name	id_type	id_number	employer	employer_code$' "$APPS"),$(grep -vc '^#' "$APPS"),$(stat -c %a "$APPS")" = "1,3,600"
row() { grep -v '^#' "$APPS" | sed -n "${1}p" | cut -f"$2"; }

# plogin K [PASSWORD]: applicant K signs in with the jar $T/pK.jar; on 200
# sets PC (the CSRF token).
plogin() {
	rm -f "$T/p$1.jar"
	req POST /v1/portal/session "$T/p$1.jar" "" \
		"{\"login\":\"$(row "$1" 1)\",\"password\":\"${2-$(row "$1" 2)}\"}"
	PC=
	if status_is 200; then PC=$(jq_body 'o["csrf"]'); fi
}
plogin 1 wrong-password-12345
check "a wrong password is 401" status_is 401
plogin 1; P1=$T/p1.jar; C1=$PC
check "applicant 1 signs in" status_is 200
check "the cookie tcard_portal is HttpOnly and SameSite=Strict" \
	grep -qiE '^set-cookie: tcard_portal=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict' "$T/hdr"
check "the answer names the account, verified" \
	test "$(jq_body 'o["account"]["login"], o["account"]["verified"]')" = "('$(row 1 1)', True)"
req GET /v1/queue "$P1"
check "the portal's session is no staff session (GET /v1/queue 401)" status_is 401
sid=$(awk '$6 == "tcard_portal" { print $7 }' "$P1")
curl -s -o /dev/null -w '%{http_code}' -b "tcard_session=$sid" "$URL/v1/queue" >"$T/status"
check "not even sent as tcard_session (401)" status_is 401
login demo-admin; ADM=$T/demo-admin.jar
req GET /v1/portal/applications "$ADM"
check "a staff session is no portal session (401)" status_is 401

# The application file of applicant K: the made-up person of the row,
# the sex and birth date the ID number says, no files (those come by
# upload). Written to $T/appK.json; ACH overrides the achievements.
app_file() {
	python3 - "$(row "$1" 3)" "$(row "$1" 5)" "$(row "$1" 6)" "$(row "$1" 7)" "${2:-长期从事高分子新材料研发。}" >"$T/app$1.json" <<'EOF'
import json, sys
name, idn, emp, code, ach = sys.argv[1:6]
print(json.dumps({
  "format": "talentcard-application/1", "programme": "guangdong-youyue",
  "employer": {"code": code},
  "sections": {
    "category": {"clause": "a-1"},
    "basic": {"name": name, "id-type": "resident-id", "id-number": idn,
      "nationality": "中国", "birth-date": idn[6:10] + "-" + idn[10:12] + "-" + idn[12:14],
      "sex": "男" if int(idn[16]) % 2 else "女",
      "id-valid-from": "2015-06-01", "id-valid-to": "permanent",
      "education": "博士研究生", "title": "正高级", "political-status": "群众",
      "employer": emp, "position": "首席科学家", "field": "新材料",
      "employer-address": "广州市天河区科韵路1号", "work-type": "full-time",
      "social-insurance": "已参保"},
    "contact": {"mobile": "13800138000", "email": "applicant@example.com",
      "wechat": "wx_example", "emergency-mobile": "13900139000",
      "address": "广州市天河区某小区1栋101"},
    "achievements": {"text": ach},
    "family": [{"name": "李华", "relation": "配偶", "birth-date": "1987-02-03",
      "nationality": "中国", "employer": "广州某中学"}],
    "education": [{"from": "2003-09-01", "to": "2012-07-01", "school": "某某大学",
      "school-location": "广州", "major": "材料学", "education": "博士研究生",
      "degree": "博士"}],
    "work": [{"from": "2012-08-01", "to": "present", "employer": emp,
      "location": "广州", "position": "首席科学家", "duties": "研发管理"}]}},
  ensure_ascii=False))
EOF
}
app_file 1
req POST /v1/portal/applications "$P1" "" "$(cat "$T/app1.json")"
check "a draft without the CSRF token is 403" status_is 403
req POST /v1/portal/applications "$P1" "$C1" "$(cat "$T/app1.json")"
check "a draft from the application file (200)" status_is 200
N=$(jq_body 'o["id"]')
check "it is a draft of guangdong-youyue" test "$(jq_body 'o["state"], o["programme"]')" = "('draft', 'guangdong-youyue')"
python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); o["attachments"]=[{"kind":"other","file":"/etc/passwd"}]; print(json.dumps(o))' "$T/app1.json" >"$T/files.json"
req POST /v1/portal/applications "$P1" "$C1" "$(cat "$T/files.json")"
check "a form naming a file is refused: files come by upload (400)" \
	sh -c "grep -q '\"status\":400\|400' '$T/status' && grep -q 'upload files' '$T/body'"

long=$(python3 -c 'print("成" * 1001)')
req PUT "/v1/portal/applications/$N/sections/achievements" "$P1" "$C1" "{\"text\":\"$long\"}"
check "achievements of 1001 characters are refused with the rule (400)" \
	sh -c "test \"\$(cat '$T/status')\" = 400 && grep -q 'achievements' '$T/body'"
# Each rule of the form, refused with the rule and where (the JSON path).
refused() { # refused SECTION VALUE WORD DESC
	req PUT "/v1/portal/applications/$N/sections/$1" "$P1" "$C1" "$2"
	check "$4 (400, naming $3)" sh -c "test \"\$(cat '$T/status')\" = 400 && grep -q '$3' '$T/body'"
}
basic=$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["sections"]["basic"], ensure_ascii=False))' "$T/app1.json")
refused basic "$(echo "$basic" | sed 's/"permanent"/"forever"/')" 'id-valid-to' "an ID validity neither a date nor permanent: refused"
refused basic "$(echo "$basic" | sed 's/"2015-06-01"/"2099-01-01"/')" 'id-valid-from' "an ID validity starting in the future: refused"
refused contact '{"mobile":"12","email":"applicant@example.com","wechat":"wx","emergency-mobile":"13900139000","address":"广州"}' 'mobile' "a mobile number of two digits: refused"
refused contact '{"mobile":"13800138000","email":"not-an-address","wechat":"wx","emergency-mobile":"13900139000","address":"广州"}' 'email' "an e-mail address without @: refused"
req GET "/v1/portal/applications/$N" "$P1"
check "the refusals kept nothing: the validity and the mobile as they were" \
	test "$(jq_body 'o["form"]["basic"]["id-valid-to"], o["form"]["contact"]["mobile"]')" = "('permanent', '13800138000')"
# A draft may lack entries; submission may not: at least one family member
# and one education entry (003 2.1.4.5, 2.1.4.6).
req PUT "/v1/portal/applications/$N/sections/family" "$P1" "$C1" '[]'
check "a draft without a family member is kept (200)" status_is 200
req PUT "/v1/portal/applications/$N/sections/achievements" "$P1" "$C1" '{"text":"二十年新材料研发，主持国家重点研发计划项目。"}'
check "a section is changed (200)" status_is 200
req GET "/v1/portal/applications/$N" "$P1"
check "the page shows the new achievements, box drafts" \
	test "$(jq_body 'o["form"]["achievements"]["text"][:2], o["box"]')" = "('二十', 'drafts')"

# Uploads: multipart with the file part "document".
up() { # up FILE KIND-OR-MATERIAL-FIELD=VALUE [JAR [CSRF]]
	curl -s --max-time 30 -b "${3:-$P1}" -H "X-CSRF-Token: ${4:-$C1}" \
		-F "document=@$1" -F "$2" -D "$T/hdr" -o "$T/body" -w '%{http_code}' \
		"$URL/v1/portal/applications/$N/attachments" >"$T/status"
}
mkpng 358 440 "$T/small.png"; up "$T/small.png" kind=photo
check "a photo of 358 x 440 is refused with its size (400)" \
	sh -c "test \"\$(cat '$T/status')\" = 400 && grep -q '358 x 441' '$T/body'"
mkpng 358 441 "$T/photo.png"; up "$T/photo.png" kind=photo
check "the 358 x 441 photo is kept" status_is 200
cp "$T/photo.png" "$T/fake.pdf"; up "$T/fake.pdf" kind=id-document
check "a PNG named .pdf is refused: content, not name (400)" \
	sh -c "test \"\$(cat '$T/status')\" = 400 && grep -q 'png' '$T/body'"
head -c 5000000 /dev/zero >"$T/big.pdf"; up "$T/big.pdf" kind=id-document
check "a 5 MB upload is 413" status_is 413
for m in kind=id-document material=labour-contract material=tax-or-insurance kind=eligibility-proof; do
	mkpdf "$T/m.pdf" "$m"; up "$T/m.pdf" "$m"
	check "material $m uploaded" status_is 200
done
ATT=$(jq_body 'o["attachment"]')
curl -s -b "$P1" -o "$T/back.pdf" -w '%{http_code}' "$URL/v1/portal/applications/$N/attachments/$ATT" >"$T/status"
check "the applicant reads its file back, the same bytes" sh -c "test \"\$(cat '$T/status')\" = 200 && cmp -s '$T/back.pdf' '$T/m.pdf'"

req GET "/v1/portal/applications/$N/ecard/phone.png" "$P1"
check "a draft has no e-card yet (404, saying so)" \
	sh -c "test \"\$(cat '$T/status')\" = 404 && grep -q 'has no card yet' '$T/body'"
req GET "/v1/portal/applications/$N/ecard/card.pdf" "$P1"
check "an e-card is qr.png or phone.png (404)" status_is 404

# Another applicant sees none of it.
plogin 2; P2=$T/p2.jar; C2=$PC
for p in "/v1/portal/applications/$N" "/v1/portal/applications/$N/attachments/$ATT" "/v1/portal/applications/$N/pledge"; do
	req GET "$p" "$P2"; check "applicant 2: GET ${p#/v1/portal/applications/} is 404" status_is 404
done
req GET "/v1/portal/applications/$N/ecard/qr.png" "$P2"
check "applicant 2: nor its e-card (404)" status_is 404
req PUT "/v1/portal/applications/$N/sections/achievements" "$P2" "$C2" '{"text":"x"}'
check "applicant 2 cannot change it (404)" status_is 404
req POST "/v1/portal/applications/$N/submit" "$P2" "$C2" '{"pledge":true}'
check "nor submit it (404)" status_is 404
req GET /v1/portal/applications "$P2"
check "applicant 2's list is empty" test "$(jq_body 'len(o["items"])')" = 0
app_file 2
req POST /v1/portal/applications "$P2" "$C2" "$(cat "$T/app2.json")"
check "applicant 2 keeps a draft for itself" status_is 200
req POST /v1/portal/applications "$P2" "$C2" "$(cat "$T/app1.json")"
check "but not for another person: an account applies for its holder (409)" \
	sh -c "test \"\$(cat '$T/status')\" = 409 && grep -q 'holder only' '$T/body'"

# The pledge: shown, then accepted no sooner than 5 seconds.
req POST "/v1/portal/applications/$N/submit" "$P1" "$C1" '{"pledge":true}'
check "accepting a pledge never shown is refused (409)" \
	sh -c "test \"\$(cat '$T/status')\" = 409 && grep -q 'not shown' '$T/body'"
req GET "/v1/portal/applications/$N/pledge" "$P1"
check "the pledge: its text and 5 seconds" test "$(jq_body 'o["required"], o["read_seconds"], len(o["text"]["zh"]) > 0')" = "(True, 5, True)"
req POST "/v1/portal/applications/$N/submit" "$P1" "$C1" '{"pledge":true}'
check "accepted at once: refused, the time it was shown in the message (409)" \
	sh -c "test \"\$(cat '$T/status')\" = 409 && grep -q 'ms after it was shown; it must be read for 5 seconds' '$T/body'"
sleep 5.2
req POST "/v1/portal/applications/$N/submit" "$P1" "$C1" '{"pledge":true}'
check "after 5 seconds, without a family member: incomplete (400, naming family)" \
	sh -c "test \"\$(cat '$T/status')\" = 400 && grep -q 'incomplete' '$T/body' && grep -q 'family' '$T/body'"
req PUT "/v1/portal/applications/$N/sections/family" "$P1" "$C1" \
	'[{"name":"李华","relation":"配偶","birth-date":"1987-02-03","nationality":"中国","employer":"广州某中学"}]'
check "the family member is given back (200)" status_is 200
req POST "/v1/portal/applications/$N/submit" "$P1" "$C1" '{"pledge":true}'
check "after 5 seconds it is submitted" test "$(cat "$T/status"),$(jq_body 'o["state"]')" = "200,submitted"
req GET /v1/portal/applications "$P1"
check "my matters: in progress" test "$(jq_body '[(a["id"], a["box"]) for a in o["items"]]')" = "[($N, 'in-progress')]"

# The unit's reviewer returns it; the applicant sees why, not who.
unit=$(awk -F'\t' -v c="$(row 1 7)" '$3 == c && $2 == "unit-reviewer" { print $1; exit }' "$H/demo-operators.txt")
check "the employer's unit has a reviewer ($unit)" test -n "$unit"
login "$unit"; U=$T/$unit.jar; UC=$CSRF
req GET "/v1/applications/$N" "$U"
check "the unit's reviewer sees the application" status_is 200
req POST "/v1/applications/$N/review" "$U" "$UC" '{"action":"return","reason":"劳动合同页不全，请补充完整"}'
check "and returns it" status_is 200
req GET "/v1/portal/applications/$N" "$P1"
check "the applicant finds it under to-do" test "$(jq_body 'o["state"], o["box"]')" = "('returned', 'to-do')"
check "with the reviewer's reason" test "$(jq_body '[a["reason"] for a in o["actions"] if a["action"] == "return"][0]')" = "劳动合同页不全，请补充完整"
check "and no operator's name" test "$(jq_body 'sorted(set(a["operator"] for a in o["actions"]))')" = "['']"
req POST "/v1/portal/applications/$N/withdraw" "$P1" "" '{}'
check "withdraw without the CSRF token is 403" status_is 403
req POST "/v1/portal/applications/$N/withdraw" "$P1" "$C1" '{"reason":"另行申请"}'
check "the applicant withdraws it" test "$(cat "$T/status"),$(jq_body 'o["state"]')" = "200,withdrawn"
req GET /v1/portal/applications "$P1"
check "my matters: completed" test "$(jq_body '[a["box"] for a in o["items"]]')" = "['completed']"
"$I" audit list --home "$H" >"$T/audit" 2>&1
check "the audit log has the pledge's reading time" \
	grep -qE 'application\.pledge.*shown_ms.*(5[0-9]{3}|[6-9][0-9]{3})' "$T/audit"

# Registration, reset, lock.
req POST /v1/portal/accounts - "" '{"login":"new@example.com","password":"short"}'
check "a short password is refused with the rule (409)" \
	sh -c "test \"\$(cat '$T/status')\" = 409 && grep -q 'at least 12' '$T/body'"
req POST /v1/portal/accounts - "" '{"login":"not a login","password":"a long enough password"}'
check "a login that is neither e-mail nor mobile is refused (400)" status_is 400
req POST /v1/portal/accounts - "" '{"login":"New@Example.com","password":"a long enough password","language":"en"}'
check "an account is registered, unverified" test "$(cat "$T/status"),$(jq_body 'o["verified"]')" = "200,False"
fresh=$(cat "$T/body")
req POST /v1/portal/accounts - "" '{"login":"new@example.com","password":"another long password"}'
check "the same login (any case) again: the very same answer, telling nothing" \
	test "$(cat "$T/status")" = 200 -a "$(cat "$T/body")" = "$fresh"
check "... its owner gets a link to set a new password instead" \
	test "$(sqlite3 "$H/registry.db" "SELECT recipient FROM outbox WHERE event = 'password-reset'")" = "new@example.com"
req POST /v1/portal/session - "" '{"login":"new@example.com","password":"another long password"}'
check "... and the second password is not the account's (401)" status_is 401
req POST /v1/portal/session "$T/new.jar" "" '{"login":"new@example.com","password":"a long enough password"}'
check "the new account signs in" test "$(cat "$T/status"),$(jq_body 'o["account"]["verified"]')" = "200,False"
NC=$(jq_body 'o["csrf"]')
app_file 3
req POST /v1/portal/applications "$T/new.jar" "$NC" "$(cat "$T/app3.json")"
N3=$(jq_body 'o["id"]')
req GET "/v1/portal/applications/$N3/pledge" "$T/new.jar"; sleep 5.1
req POST "/v1/portal/applications/$N3/submit" "$T/new.jar" "$NC" '{"pledge":true}'
check "an unverified account cannot submit (409)" \
	sh -c "test \"\$(cat '$T/status')\" = 409 && grep -q 'confirm' '$T/body'"
req POST /v1/portal/accounts/verify - "" '{"token":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}'
check "an unknown verification token is 404" status_is 404
# The verification link went into the notifications outbox with the
# registration (tcard-notifyd delivers it: tests/integration/182).
outbox() { sqlite3 "$H/registry.db" "SELECT $1 FROM outbox WHERE event = '$2' ORDER BY id"; }
check "registering wrote one message to the login, in English" \
	test "$(outbox "recipient || ' ' || language || ' ' || channel" account-verify)" = "new@example.com en email"
tok=$(outbox body account-verify | sed -n 's|.*/portal/verify?token=\([A-Za-z0-9_-]\{43\}\).*|\1|p')
check "its link carries a token" test ${#tok} -eq 43
req POST /v1/portal/accounts/verify - "" "{\"token\":\"$tok\"}"
check "the link's token verifies the account" test "$(cat "$T/status"),$(jq_body 'o["verified"]')" = "200,True"
req POST /v1/portal/accounts/verify - "" "{\"token\":\"$tok\"}"
check "once only (404 the second time)" status_is 404
req GET "/v1/portal/applications/$N3/pledge" "$T/new.jar"; sleep 5.1
req POST "/v1/portal/applications/$N3/submit" "$T/new.jar" "$NC" '{"pledge":true}'
check "verified, it passes that gate: refused now only as incomplete (400: the photo, the materials)" \
	sh -c "test \"\$(cat '$T/status')\" = 400 && grep -q 'incomplete (5 missing): photo; material id-document' '$T/body'"
req POST /v1/portal/accounts/reset-request - "" '{"login":"nobody@example.com"}'; a=$(cat "$T/body")
req POST /v1/portal/accounts/reset-request - "" '{"login":"new@example.com"}'; b=$(cat "$T/body")
check "a reset request answers the same with or without an account" test "$a" = "$b"
check "and writes a message only for the account (the second to it)" \
	test "$(outbox recipient password-reset | tr '\n' ' ')" = "new@example.com new@example.com "
tok=$(outbox body password-reset | sed -n 's|.*/portal/reset?token=\([A-Za-z0-9_-]\{43\}\).*|\1|p' | tail -1)
req POST /v1/portal/accounts/reset - "" "{\"token\":\"$tok\",\"password\":\"a brand new password\"}"
check "the reset link sets a new password" status_is 200
req POST /v1/portal/session "$T/new2.jar" "" '{"login":"new@example.com","password":"a brand new password"}'
check "which signs in" status_is 200
check "the messages hold no ID number" test "$(sqlite3 "$H/registry.db" "SELECT count(*) FROM outbox WHERE body LIKE '%$(row 3 5)%' OR body LIKE '%$(row 1 5)%'")" = 0
for i in 1 2 3 4 5; do plogin 3 "wrong-password-$i-xyz"; done
plogin 3
check "after five wrong passwords the right one is refused too (locked)" status_is 401

req DELETE /v1/portal/session "$P1" "$C1"
check "sign out" status_is 200
req GET /v1/portal/applications "$P1"
check "the session is gone (401)" status_is 401
check "no full ID number in the daemon's log" test "$(grep -c "$(row 1 5)\|$(row 2 5)" "$T/id.err")" = 0
stop_id
check "SIGTERM stops it cleanly" test "$ID_STATUS" -eq 0

# Password checks are throttled per client address (each costs an scrypt
# in the monitor): 3 at once here, then 429 with Retry-After, for the
# portal's and the staff's sign-in alike; nothing else is slowed.
check "tcard-issuerd starts with --sign-in-rate 1/h --sign-in-burst 3" \
	start_id --sign-in-rate 1/h --sign-in-burst 3
for i in 1 2 3; do plogin 1 "wrong-password-$i-abc"; done
check "three wrong passwords: 401" status_is 401
plogin 1
check "the fourth attempt from this address is 429, the password not checked" status_is 429
check "... with Retry-After" grep -qiE '^retry-after: [0-9]+' "$T/hdr"
check "... saying why" grep -q 'too many sign-in' "$T/body"
req POST /v1/session - "" '{"operator":"demo-admin","passphrase":"x","otp":"000000"}'
check "the staff's sign-in from the address too (429)" status_is 429
curl -s -o "$T/body" -D "$T/hdr" -w '%{http_code}' -H "Origin: $URL" \
	--data-urlencode "login=$(row 2 1)" --data-urlencode "password=x" "$URL/portal/login" >"$T/status"
check "and the sign-in page (429, a page)" \
	sh -c "test \"\$(cat '$T/status')\" = 429 && grep -q 'Too many attempts' '$T/body'"
req GET /healthz
check "other requests are served (200)" status_is 200
req POST /v1/portal/accounts/reset-request - "" '{"login":"x@example.com"}'
check "a reset request is throttled too (429)" status_is 429
stop_id
done_testing
