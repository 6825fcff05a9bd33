#!/bin/bash
# SPDX-License-Identifier: MIT
# The applicants' portal pages of tcard-issuerd (issue 16, docs/portal.md
# "Pages") through curl, as a browser's forms post them: a demo applicant
# signs in (the cookie tcard_portal as the API's), reads the self-check
# of Youyue (its unit search finds the employer), starts an application
# (category and basic information), fills sections (achievements of 1001
# characters refused on the page with the values kept; "add an entry"),
# uploads the photo and the materials as multipart, is refused when it
# accepts the pledge at once, submits it after 5 seconds ("in progress")
# and, once the unit's reviewer returns it, finds it "to do" with the
# reason as text. Every POST without the csrf field is 403; another
# applicant gets the 404 page for the application; a name with <script>
# registered is shown escaped; the script and stylesheet are files under
# a CSP without inline script.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/issuerd-lib.sh"
id_env

check "demo authority" id_demo
check "tcard-issuerd starts" start_id
APPS=$H/demo-applicants.txt
row() { grep -v '^#' "$APPS" | sed -n "${1}p" | cut -f"$2"; }

# page METHOD PATH JAR [curl args...]: a page; status, headers and body
# kept as req keeps them. Forms are sent as a browser sends them, with
# Origin set.
page() {
	local m=$1 p=$2 jar=$3
	shift 3
	curl -s --max-time 20 -X "$m" -b "$jar" -c "$jar" -H "Origin: $URL" "$@" \
		-D "$T/hdr" -o "$T/body" -w '%{http_code}' "$URL$p" >"$T/status"
}
# csrf_of: the csrf field of the last page.
csrf_of() { sed -n 's/.*name="csrf" value="\([A-Za-z0-9_-]*\)".*/\1/p' "$T/body" | head -1; }
location() { sed -n 's/^[Ll]ocation: \([^\r]*\).*/\1/p' "$T/hdr"; }
has() { grep -qF -- "$1" "$T/body"; }

page GET /portal/ "$T/none.jar"
check "without a session /portal/ goes to the sign-in page (303)" \
	test "$(cat "$T/status"),$(location)" = "303,/portal/login"
page GET /portal/login "$T/none.jar"
check "the sign-in page: a form, the CSP allows only our own script" \
	sh -c "test \"\$(cat '$T/status')\" = 200 && grep -q 'action=\"/portal/login\"' '$T/body' &&
	grep -qi \"^content-security-policy: default-src 'none'; style-src 'self'; script-src 'self'\" '$T/hdr'"
check "the script is a file we serve" \
	sh -c "curl -s '$URL/portal/portal.js' | grep -q 'data-wait\\|dataset.wait'"

# Sign in as applicant K with jar $T/pK.jar.
signin() {
	rm -f "$T/p$1.jar"
	page POST /portal/login "$T/p$1.jar" --data-urlencode "login=$(row "$1" 1)" \
		--data-urlencode "password=${2-$(row "$1" 2)}"
}
curl -s -o /dev/null -w '%{http_code}' -H 'Origin: https://evil.example' \
	--data-urlencode "login=$(row 1 1)" --data-urlencode "password=$(row 1 2)" "$URL/portal/login" >"$T/status"
check "a sign-in posted from another site's page is 403" status_is 403
signin 1 wrong-password-12345
check "a wrong password: the sign-in page again (401) with the message" \
	sh -c "test \"\$(cat '$T/status')\" = 401 && grep -q 'id=\"problem\"' '$T/body'"
signin 1; P1=$T/p1.jar
check "applicant 1 signs in: 303 to my matters" test "$(cat "$T/status"),$(location)" = "303,/portal/"
check "the cookie tcard_portal is HttpOnly and SameSite=Strict" \
	grep -qiE '^set-cookie: tcard_portal=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict' "$T/hdr"
page GET /portal/ "$P1"
check "my matters: four boxes and a new application for Youyue" \
	sh -c "test \"\$(cat '$T/status')\" = 200 && for b in drafts to-do in-progress completed; do grep -q \"id=\\\"box-\$b\\\"\" '$T/body' || exit 1; done &&
	grep -q 'href=\"/portal/apply/guangdong-youyue\"' '$T/body'"
C1=$(csrf_of)
check "the page carries the session's CSRF token" test -n "$C1"

page GET /portal/programmes/guangdong-youyue "$P1"
check "the self-check: clauses, steps, materials with required, the pledge" \
	sh -c "test \"\$(cat '$T/status')\" = 200 && grep -q '诺贝尔奖' '$T/body' && grep -q '单位审核' '$T/body' &&
	grep -q '劳动合同' '$T/body' && grep -q 'id=\"pledge-text\"' '$T/body'"
page GET "/portal/programmes/guangdong-youyue?unit=$(row 1 7)" "$P1"
check "the unit search finds the employer by its credit code" \
	sh -c "test \"\$(cat '$T/status')\" = 200 && grep -q 'id=\"units\"' '$T/body' && grep -q '$(row 1 7)' '$T/body'"
page GET "/portal/programmes/guangdong-youyue?unit=%E4%B8%8D%E5%AD%98%E5%9C%A8%E7%9A%84%E5%8D%95%E4%BD%8D" "$P1"
check "and not a unit that is not registered" \
	sh -c "grep -q 'id=\"units\" class=\"muted\"' '$T/body'"
for prog in $(ls "$TC_TOP/programmes" | sed -n 's/\.json$//p'); do
	page GET "/portal/programmes/$prog" "$P1"; a=$(cat "$T/status")
	page GET "/portal/apply/$prog" "$P1"
	check "$prog: the self-check and the first step's form ($a)" \
		sh -c "test '$a,'\"\$(cat '$T/status')\" = 200,200 && grep -q 'id=\"clause\"' '$T/body'"
done
page GET /portal/programmes/no-such "$P1"
check "an unknown programme is the 404 page" status_is 404

idn=$(row 1 5)
basic=(--data-urlencode "clause=a-1" --data-urlencode "name=$(row 1 3)"
	--data-urlencode "id-type=resident-id" --data-urlencode "id-number=$idn"
	--data-urlencode "nationality=中国" --data-urlencode "birth-date=${idn:6:4}-${idn:10:2}-${idn:12:2}"
	--data-urlencode "id-valid-from=2015-06-01" --data-urlencode "id-valid-to=permanent"
	--data-urlencode "education=博士研究生" --data-urlencode "title=正高级"
	--data-urlencode "political-status=群众" --data-urlencode "employer=$(row 1 6)"
	--data-urlencode "position=首席科学家" --data-urlencode "field=新材料"
	--data-urlencode "employer-address=广州市天河区科韵路1号" --data-urlencode "work-type=full-time"
	--data-urlencode "social-insurance=已参保" --data-urlencode "employer_code=$(row 1 7)")
page POST /portal/apply/guangdong-youyue "$P1" "${basic[@]}"
check "a new application without the csrf field: the 403 page" \
	sh -c "test \"\$(cat '$T/status')\" = 403 && grep -q 'id=\"problem\"' '$T/body'"
page POST /portal/apply/guangdong-youyue "$P1" "${basic[@]}" --data-urlencode "csrf=$C1"
check "a new application: 303 to its page" \
	sh -c "test \"\$(cat '$T/status')\" = 303 && grep -qE '^[Ll]ocation: /portal/applications/[0-9]+\\?done=created' '$T/hdr'"
N=$(location | sed 's|^/portal/applications/\([0-9]*\).*|\1|')
page GET "/portal/applications/$N" "$P1"
check "its page: state draft, the sections, the materials table with upload forms" \
	sh -c "test \"\$(cat '$T/status')\" = 200 && grep -q 'id=\"section-achievements\"' '$T/body' &&
	grep -q 'id=\"upload-labour-contract\"' '$T/body' && grep -q 'enctype=\"multipart/form-data\"' '$T/body'"

long=$(python3 -c 'print("成" * 1001)')
page POST "/portal/applications/$N/sections/achievements" "$P1" --data-urlencode "csrf=$C1" --data-urlencode "text=$long"
check "achievements of 1001 characters: the form again (400) with the rule" \
	sh -c "test \"\$(cat '$T/status')\" = 400 && grep -q 'id=\"problem\"' '$T/body' && grep -q 'achievements' '$T/body'"
check "and the text kept" grep -q "成成成成成成成成成成" "$T/body"
check "the textarea has its maxlength and counter" \
	sh -c "grep -q 'maxlength=\"1000\"' '$T/body' && grep -q 'id=\"achievements-text-count\"' '$T/body'"
page POST "/portal/applications/$N/sections/achievements" "$P1" --data-urlencode "text=x"
check "a section without the csrf field: 403" status_is 403
page POST "/portal/applications/$N/sections/achievements" "$P1" --data-urlencode "csrf=$C1" \
	--data-urlencode "text=二十年新材料研发，主持国家重点研发计划项目。"
check "achievements saved: 303 back" test "$(cat "$T/status"),$(location)" = "303,/portal/applications/$N?done=saved"
page POST "/portal/applications/$N/sections/contact" "$P1" --data-urlencode "csrf=$C1" \
	--data-urlencode "mobile=13800138000" --data-urlencode "email=applicant@example.com" \
	--data-urlencode "wechat=wx_example" --data-urlencode "emergency-mobile=13900139000" \
	--data-urlencode "address=广州市天河区某小区1栋101"
check "contact saved" status_is 303
fam=(--data-urlencode "csrf=$C1" --data-urlencode "entries=1" --data-urlencode "0.name=李华"
	--data-urlencode "0.relation=配偶" --data-urlencode "0.birth-date=1987-02-03"
	--data-urlencode "0.nationality=中国" --data-urlencode "0.employer=广州某中学")
page POST "/portal/applications/$N/sections/family" "$P1" "${fam[@]}" --data-urlencode "add=1"
check "add an entry: the form with a second, empty entry, the first kept" \
	sh -c "test \"\$(cat '$T/status')\" = 200 && grep -q 'name=\"1.name\"' '$T/body' && grep -q 'value=\"李华\"' '$T/body'"
page POST "/portal/applications/$N/sections/family" "$P1" "${fam[@]}"
check "family saved" status_is 303
page POST "/portal/applications/$N/sections/education" "$P1" --data-urlencode "csrf=$C1" \
	--data-urlencode "entries=1" --data-urlencode "0.from=2003-09-01" --data-urlencode "0.to=2012-07-01" \
	--data-urlencode "0.school=某某大学" --data-urlencode "0.school-location=广州" \
	--data-urlencode "0.major=材料学" --data-urlencode "0.education=博士研究生" --data-urlencode "0.degree=博士"
check "education saved" status_is 303
page POST "/portal/applications/$N/sections/work" "$P1" --data-urlencode "csrf=$C1" \
	--data-urlencode "entries=1" --data-urlencode "0.from=2012-08-01" --data-urlencode "0.to=present" \
	--data-urlencode "0.employer=$(row 1 6)" --data-urlencode "0.location=广州" \
	--data-urlencode "0.position=首席科学家" --data-urlencode "0.duties=研发管理"
check "work saved" status_is 303
page GET "/portal/applications/$N/sections/basic" "$P1"
check "the basic information's form holds the values kept" grep -q 'value="首席科学家"' "$T/body"
# As the form sends it: the ID number's input empty (not kept in the form).
edit=("${basic[@]/id-number=$idn/id-number=}")
edit=("${edit[@]/position=首席科学家/position=研究院院长}")
page POST "/portal/applications/$N/sections/basic" "$P1" --data-urlencode "csrf=$C1" \
	"${edit[@]}"
check "the basic information changed (the ID number is the application's, not resent)" status_is 303
page GET "/portal/applications/$N" "$P1"
check "the page shows the family member and the new position" \
	sh -c "grep -q '李华' '$T/body' && grep -q '研究院院长' '$T/body'"

# up FILE FIELD=VALUE [CSRF]: an upload from the materials table.
up() {
	page POST "/portal/applications/$N/attachments" "$P1" -F "csrf=${3-$C1}" -F "$2" -F "document=@$1"
}
mkpng 358 441 "$T/photo.png"
up "$T/photo.png" kind=photo ""
check "an upload without the csrf field: 403" status_is 403
mkpng 358 440 "$T/small.png"; up "$T/small.png" kind=photo
check "a photo of 358 x 440: the 400 page with the library's message" \
	sh -c "test \"\$(cat '$T/status')\" = 400 && grep -q '358 x 441' '$T/body'"
up "$T/photo.png" kind=photo
check "the photo uploaded: 303 back to the materials" \
	test "$(cat "$T/status"),$(location)" = "303,/portal/applications/$N?done=uploaded#materials"
for m in id-document labour-contract tax-or-insurance eligibility-proof; do
	mkpdf "$T/m.pdf" "$m"; up "$T/m.pdf" "material=$m"
	check "material $m uploaded" status_is 303
done
page GET "/portal/applications/$N" "$P1"
check "the table says uploaded" test "$(grep -c '已上传\|uploaded</a>' "$T/body")" -ge 5

page GET "/portal/applications/$N/pledge" "$P1"
check "the pledge page: its text, the accept button waits 5 seconds" \
	sh -c "test \"\$(cat '$T/status')\" = 200 && grep -q 'id=\"pledge-text\"' '$T/body' && grep -q 'data-wait=\"5\"' '$T/body'"
page POST "/portal/applications/$N/pledge" "$P1" --data-urlencode "csrf=$C1" --data-urlencode "pledge=1"
check "accepted at once: refused on the page (409) with the time it was shown" \
	sh -c "test \"\$(cat '$T/status')\" = 409 && grep -q 'ms after it was shown' '$T/body'"

check "the refusal shows the pledge again, its time started anew" grep -q 'data-wait="5"' "$T/body"
sleep 5.2
page POST "/portal/applications/$N/pledge" "$P1" --data-urlencode "csrf=$C1" --data-urlencode "pledge=1"
check "after 5 seconds it is submitted: 303 to my matters" \
	test "$(cat "$T/status"),$(location)" = "303,/portal/?done=submitted"
page GET /portal/ "$P1"
check "my matters: in progress, with its step" \
	sh -c "sed -n '/id=\"box-in-progress\"/,/<\/section>/p' '$T/body' | grep -q 'applications/$N\"' &&
	grep -q '单位审核\|Employer review' '$T/body'"
unit=$(awk -F'\t' -v c="$(row 1 7)" '$3 == c && $2 == "unit-reviewer" { print $1; exit }' "$H/demo-operators.txt")
login "$unit"
req POST "/v1/applications/$N/review" "$T/$unit.jar" "$CSRF" '{"action":"return","reason":"劳动合同页不全 <b>请补充</b>"}'
check "the unit's reviewer returns it" status_is 200
page GET /portal/ "$P1"
check "my matters: to do, with the reason as text" \
	sh -c "sed -n '/id=\"box-to-do\"/,/<\/section>/p' '$T/body' | grep -qF '劳动合同页不全 &lt;b&gt;请补充&lt;/b&gt;'"
page GET "/portal/applications/$N" "$P1"
check "its page: the reason, and it may be changed again" \
	sh -c "grep -q 'id=\"return-reason\"' '$T/body' && grep -q 'id=\"edit-contact\"' '$T/body'"

signin 2; P2=$T/p2.jar
page GET "/portal/applications/$N" "$P2"
check "applicant 2: the 404 page for applicant 1's application" \
	sh -c "test \"\$(cat '$T/status')\" = 404 && grep -q 'id=\"problem\"' '$T/body'"
page GET "/portal/applications/$N/sections/family" "$P2"
check "and for its sections" status_is 404
page GET /portal/ "$P2"; C2=$(csrf_of)
page POST "/portal/applications/$N/withdraw" "$P2" --data-urlencode "csrf=$C2"
check "applicant 2 cannot withdraw it (404)" status_is 404
page GET /portal/no/such/page "$P1"
check "an unknown portal path is the 404 page" \
	sh -c "test \"\$(cat '$T/status')\" = 404 && grep -q '<html' '$T/body'"

# A name with markup is shown as text.
page POST /portal/register "$T/x.jar" --data-urlencode "login=script@example.com" \
	--data-urlencode 'name=<script>alert(1)</script>' --data-urlencode "password=a long enough password"
check "registered: 303 to the sign-in page" test "$(cat "$T/status"),$(location)" = "303,/portal/login?done=registered"
page POST /portal/login "$T/x.jar" --data-urlencode "login=script@example.com" --data-urlencode "password=a long enough password"
page GET /portal/ "$T/x.jar"
check "the name is escaped in the page" \
	sh -c "grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' '$T/body' && ! grep -qF '<script>alert' '$T/body'"
page POST /portal/register "$T/x.jar" --data-urlencode "login=short@example.com" --data-urlencode "password=short"
check "a short password: the form again with the rule, the login kept" \
	sh -c "test \"\$(cat '$T/status')\" = 409 && grep -q 'at least 12' '$T/body' && grep -q 'value=\"short@example.com\"' '$T/body'"

page POST /portal/logout "$P1"
check "sign-out without the csrf field: 403" status_is 403
page POST /portal/logout "$P1" --data-urlencode "csrf=$C1"
check "sign out: 303 to the sign-in page, the cookie cleared" \
	sh -c "test \"\$(cat '$T/status')\" = 303 && grep -qi '^set-cookie: tcard_portal=;' '$T/hdr'"
stop_id
check "SIGTERM stops it cleanly" test "$ID_STATUS" -eq 0
done_testing
