#!/bin/bash
# SPDX-License-Identifier: MIT
# tcard-issuerd's staff console at /console/, with curl: sign-in through
# the HTML form (the cookie; a failure that does not say which part was
# wrong), the queue page holding the waiting applications, the
# application page with its form sections and materials (an <img> of the
# photo, links to the files), a review without the form's csrf field
# refused 403, a return and an approve through the form answered 303 to
# the queue with a flash word (PRG), hostile applicant strings and reasons
# shown as text, the CSP and other headers on every page, the 404 page
# for an application that does not exist or is not the operator's, and
# next= refusing anything but a local /console/ path.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/issuerd-lib.sh"
id_env
echo "1..48"

id_demo_ab
X=$(green_app '<script>alert(1)</script>' 110101199003071233 2>"$T/x.err")
check "an applicant named <script>alert(1)</script> applied and submitted" test -n "$X"
check "tcard-issuerd starts" start_id

# page METHOD PATH JAR [curl args...]: a console request, no redirects
# followed; status, headers and body as req.
page() {
	local m=$1 p=$2 jar=$3; shift 3
	curl -s --max-time 20 -X "$m" -b "$jar" -c "$jar" "$@" -D "$T/hdr" \
		-o "$T/body" -w '%{http_code}' "$URL$p" >"$T/status"
}
hdr_has() { grep -qi "^$1" "$T/hdr"; }
body_has() { grep -qF -- "$1" "$T/body"; }
# The headers every console page carries.
page_headers() {
	hdr_has "content-security-policy: default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'" &&
		hdr_has 'x-frame-options: DENY' && hdr_has 'cache-control: no-store' &&
		hdr_has 'referrer-policy: no-referrer' && hdr_has 'x-content-type-options: nosniff'
}
HR=$T/hr.jar; : >"$HR"

page GET /console/queue "$HR"
check "the queue without a session is 303 to sign-in with next=" \
	bash -c "test $(cat "$T/status") = 303 && grep -qi '^location: /console/login?next=%2Fconsole%2Fqueue' '$T/hdr'"
page GET /console/login "$HR"
check "the sign-in page is 200" status_is 200
check "with the operator, passphrase and one-time code fields" \
	bash -c "grep -q 'name=\"operator\"' '$T/body' && grep -q 'name=\"passphrase\"' '$T/body' && grep -q 'name=\"otp\"' '$T/body'"
check "and the page headers" page_headers
check "and a viewport for phones" body_has '<meta name="viewport"'
page GET /console/style.css "$HR"
check "the stylesheet is served" bash -c "test $(cat "$T/status") = 200 && grep -qi '^content-type: text/css' '$T/hdr'"

page POST /console/login "$HR" --data-urlencode operator=demo-hr-reviewer-1 \
	--data-urlencode passphrase=wrong --data-urlencode otp=
check "a wrong passphrase is 401" status_is 401
check "with words that do not tell which part was wrong" \
	body_has '登录失败：账号、口令或动态验证码有误，或账号已被暂时锁定。'
page POST /console/login "$HR" --data-urlencode operator=nobody-at-all \
	--data-urlencode passphrase=wrong --data-urlencode otp=
check "an unknown operator gets the same page" \
	bash -c "test $(cat "$T/status") = 401 && grep -qF '登录失败：账号、口令或动态验证码有误' '$T/body'"

# A sign-in has no CSRF token yet: a browser's POST from another site's
# page is refused by its Origin or Sec-Fetch-Site (with the right
# passphrase and code, so that nothing else refuses it).
page POST /console/login "$T/x.jar" -H 'Origin: http://evil.example' \
	--data-urlencode operator=demo-hr-reviewer-1 \
	--data-urlencode "passphrase=$(pass_of demo-hr-reviewer-1)" --data-urlencode "otp=$(otp_of demo-hr-reviewer-1)"
check "a sign-in posted from another site's page (Origin) is 403" \
	bash -c "test $(cat "$T/status") = 403 && ! grep -qi '^set-cookie: tcard_session=[A-Za-z0-9]' '$T/hdr'"
page POST /console/login "$T/x.jar" -H 'Sec-Fetch-Site: cross-site' \
	--data-urlencode operator=demo-hr-reviewer-1 \
	--data-urlencode "passphrase=$(pass_of demo-hr-reviewer-1)" --data-urlencode "otp=$(otp_of demo-hr-reviewer-1)"
check "and by Sec-Fetch-Site: cross-site" \
	bash -c "test $(cat "$T/status") = 403 && ! grep -qi '^set-cookie: tcard_session=[A-Za-z0-9]' '$T/hdr'"

# A code signs in once (the replay rule): each refused next= with another
# operator.
set -- demo-admin demo-auditor demo-card-producer-1 demo-card-issuer-1 demo-industry-reviewer-1
for n in '//evil.example/' 'https://evil.example/console/' '/console/\evil' '/\evil.example' '/console/../v1/queue'; do
	: >"$T/x.jar"
	page POST /console/login "$T/x.jar" --data-urlencode "operator=$1" \
		--data-urlencode "passphrase=$(pass_of "$1")" --data-urlencode "otp=$(otp_of "$1")" \
		--data-urlencode "next=$n"
	shift
	check "next=$n is refused: the sign-in goes to the queue" \
		bash -c "test $(cat "$T/status") = 303 && grep -qi '^location: /console/queue' '$T/hdr'"
done
page POST /console/login "$HR" -H "Origin: $URL" -H 'Sec-Fetch-Site: same-origin' \
	--data-urlencode operator=demo-hr-reviewer-1 \
	--data-urlencode "passphrase=$(pass_of demo-hr-reviewer-1)" --data-urlencode "otp=$(otp_of demo-hr-reviewer-1)" \
	--data-urlencode "next=/console/applications/$A"
check "the hr reviewer signs in (same Origin): 303 to the local next=" \
	bash -c "test $(cat "$T/status") = 303 && grep -qi '^location: /console/applications/$A' '$T/hdr'"
check "the cookie is HttpOnly and SameSite=Strict" hdr_has 'set-cookie: tcard_session=[A-Za-z0-9_-]*; Path=/; HttpOnly; SameSite=Strict'

page GET /console/queue "$HR"
check "the queue page is 200" status_is 200
check "with the page headers" page_headers
check "it lists A, B and the demo's 13" bash -c "for n in 13 $A $B; do grep -q \"href=\\\"/console/applications/\$n\\\"\" '$T/body' || exit 1; done"
check "with masked ID numbers only" bash -c "grep -qF '****************19' '$T/body' && ! grep -q '110101198506150019' '$T/body'"

page GET "/console/applications/$X" "$HR"
check "the hostile applicant's name is text on the application page" \
	bash -c "grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' '$T/body' && ! grep -q '<script' '$T/body'"
page GET /console/queue "$HR"
check "and in the queue" bash -c "grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' '$T/body' && ! grep -q '<script' '$T/body'"
page GET "/console/applications/$A?lang=en" "$HR"
check "the application page is 200" status_is 200
check "with the page headers" page_headers
check "English by ?lang=en, remembered in a cookie" hdr_has 'set-cookie: tcard_lang=en; Path=/console'
check "the form's sections with the programme's labels" \
	bash -c "grep -q 'id=\"s-basic\"' '$T/body' && grep -qF 'Date of birth' '$T/body'"
check "the photo as an <img> of the attachment route" grep -q '<img class="att" src="/v1/applications/'"$A"'/attachments/[0-9]*"' "$T/body"
check "the PDFs as download links with their file names" bash -c "grep -qF 'degree.pdf' '$T/body' && grep -c 'download>' '$T/body' | grep -qx 7"
check "no full ID number on the page" bash -c "! grep -q 110101198506150019 '$T/body'"
IMG=$(grep -o 'src="/v1/applications/[0-9]*/attachments/[0-9]*"' "$T/body" | head -1 | sed 's/src="//; s/"$//')
page GET "$IMG" "$HR"
check "the <img> source answers the photo's bytes" bash -c "test $(cat "$T/status") = 200 && cmp -s '$T/body' '$T/app-$A/photo.png'"
page GET /console/queue "$HR"
check "the language stays English by the cookie" body_has '<html lang="en">'

page POST "/console/applications/$B/review" "$HR" --data-urlencode action=return --data-urlencode 'reason=x'
check "a review without the csrf field is 403" status_is 403
check "with the monitor's message on a page" bash -c "grep -qi csrf '$T/body' && grep -qi '^content-type: text/html' '$T/hdr'"
page GET "/console/applications/$B" "$HR"
CS=$(sed -n 's/.*name="csrf" value="\([A-Za-z0-9_-]*\)".*/\1/p' "$T/body" | head -1)
HOSTILE='"><img src=x onerror=alert(1)> <script>alert(1)</script>'
page POST "/console/applications/$B/review" "$HR" --data-urlencode "csrf=$CS" \
	--data-urlencode action=return --data-urlencode "reason=$HOSTILE"
check "a return with the csrf field is 303 to the queue with done=returned" \
	bash -c "test $(cat "$T/status") = 303 && grep -qi '^location: /console/queue?done=returned' '$T/hdr'"
page GET "/console/applications/$B" "$HR"
check "the hostile reason comes out as text" \
	bash -c "grep -qF '&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &lt;script&gt;alert(1)&lt;/script&gt;' '$T/body' && ! grep -q '<img src=x' '$T/body' && ! grep -q '<script' '$T/body'"
page POST "/console/applications/$A/review" "$HR" --data-urlencode "csrf=$CS" --data-urlencode action=approve
check "an approve is 303 with done=approved" grep -qi '^location: /console/queue?done=approved' "$T/hdr"
page GET "/console/queue?done=approved" "$HR"
check "the flash message shows on the queue" body_has 'id="flash"'
page POST "/console/applications/$A/review" "$HR" --data-urlencode "csrf=$CS" --data-urlencode action=approve
check "acting on the next step (not the reviewer's role) is a 403 page with the library's message" \
	bash -c "test $(cat "$T/status") = 403 && grep -q 'id=\"problem\"' '$T/body'"

page GET /console/applications/999999 "$HR"
check "an unknown application is the 404 page" bash -c "test $(cat "$T/status") = 404 && grep -q 'id=\"problem\"' '$T/body'"
cp "$T/body" "$T/404a"
LG=$T/lg.jar; : >"$LG"
page POST /console/login "$LG" --data-urlencode operator=demo-leadership-group-1 \
	--data-urlencode "passphrase=$(pass_of demo-leadership-group-1)" --data-urlencode "otp=$(otp_of demo-leadership-group-1)"
page GET "/console/applications/$A?lang=en" "$LG"
check "another operator's application is the same 404 page" \
	bash -c "test $(cat "$T/status") = 404 && diff -q <(sed 's/name=\"csrf\" value=\"[^\"]*\"//; s/demo-[a-z0-9-]*//' '$T/404a') <(sed 's/name=\"csrf\" value=\"[^\"]*\"//; s/demo-[a-z0-9-]*//' '$T/body') >/dev/null"

page POST /console/logout "$HR" --data-urlencode "csrf=$CS"
check "sign-out is 303 to the sign-in page and clears the cookie" \
	bash -c "test $(cat "$T/status") = 303 && grep -qi '^set-cookie: tcard_session=;.*Max-Age=0' '$T/hdr'"
exit $((_failed > 0))
