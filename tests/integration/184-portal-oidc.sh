#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Applicants sign in to the portal through the identity platform (docs/
# oidc.md, "In the office"): tcard-issuerd with the oidc-* settings starts
# its OIDC agent (tcard-issuerd-oidc: no registry, no key store in it),
# which talks to a real provider (tests/oidc/provider.mjs, as test 183
# starts it). With curl's cookie jars: /portal/oidc/start sets the state
# cookie and sends the browser to the provider, its login and consent,
# the callback on issuerd sets tcard_portal, and the portal's session
# names 张三, verified, signed in through an identity. Refused: a callback
# whose state is not the cookie's, one without the cookie, the code used
# again, the provider's error=access_denied; a secret file readable by
# others stops the daemon at start; an issuer whose discovery document
# names another issuer makes /portal/oidc/start 503 with the reason while
# the rest of the daemon serves. A form of such an account with another
# name or ID number than the identity's is refused. Skipped when node is
# absent.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/issuerd-lib.sh"
id_env
need_cmd node
need_prog "$TC_BIN/tcard-issuerd-oidc"

AGENT=$TC_BIN/tcard-issuerd-oidc
check "the OIDC agent has no registry nor key store code" \
	bash -c "! nm '$AGENT' | grep -E ' (tc_keystore_|tc_registry_|tc_app_|tc_applicant_|sqlite3_)'"

# The daemon's port first: the provider knows its redirect URI.
check "the provider listens" oidc_provider

check "demo authority" id_demo
printf '%s\n' "$OIDC_SECRET" >"$T/secret"
chmod 644 "$T/secret"
expect_exit 1 "a client secret file readable by others stops the daemon" \
	"$ISD" --home "$H" --listen 127.0.0.1:0 "${OIDC[@]}"
expect_err "chmod 600" "... saying how to fix its mode"
chmod 600 "$T/secret"
check "tcard-issuerd starts with its OIDC agent" start_id --listen "127.0.0.1:$PORT" "${OIDC[@]}"
agent_up() { pgrep -P "$ID_PID" -x tcard-issuerd-o >/dev/null; }
check "the agent runs as the monitor's child" agent_up

# get URL [JAR]: one GET, no redirect followed; status in $T/status,
# headers $T/hdr, body $T/body, the absolute Location in $T/loc.
get() {
	local a=()
	[ -n "${2:-}" ] && a+=(-b "$2" -c "$2")
	curl -s --max-time 20 "${a[@]}" -D "$T/hdr" -o "$T/body" \
		-w '%{http_code} %{redirect_url}' "$1" >"$T/out"
	cut -d' ' -f1 "$T/out" >"$T/status"
	cut -d' ' -f2- "$T/out" >"$T/loc"
}
# walk JAR: /portal/oidc/start, then the provider (its login and consent
# in one POST) until it redirects to the callback; its URL in $T/cb.
walk() {
	local next i
	: >"$T/cb"
	get "http://127.0.0.1:$PORT/portal/oidc/start" "$1"
	cp "$T/hdr" "$T/start.hdr"
	status_is 303 || return 1
	next=$(cat "$T/loc")
	for i in $(seq 8); do
		if [[ $next == */interaction/* ]] && [[ $next != */login ]]; then
			curl -s --max-time 20 -b "$1" -c "$1" -o /dev/null \
				-w '%{redirect_url}' --data login=zhangsan "$next/login" >"$T/loc"
		else
			get "$next" "$1"
		fi
		next=$(cat "$T/loc")
		[[ $next == "$CB"* ]] && { echo "$next" >"$T/cb"; return 0; }
		[ -n "$next" ] || return 1
	done
	return 1
}
J=$T/a.jar
check "/portal/oidc/start: 303 to the provider, and the login there" walk "$J"
check "... the state cookie: HttpOnly, SameSite=Lax, Path=/portal/oidc/, 10 minutes" \
	grep -qi '^set-cookie: tcard_oidc=[A-Za-z0-9_-]\{43\}; Path=/portal/oidc/; HttpOnly; SameSite=Lax; Max-Age=600' "$T/start.hdr"
CBURL=$(cat "$T/cb")
STATE=$(python3 -c 'import sys, urllib.parse as u; print(u.parse_qs(u.urlsplit(sys.argv[1]).query)["state"][0])' "$CBURL")
check "the provider redirects back with a code and this login's state" \
	test "$(awk '$6 == "tcard_oidc" { print $7 }' "$J")" = "$STATE"

get "$CBURL" "$J"
to_portal() { status_is 303 && grep -qi '^location: /portal/' "$T/hdr"; }
check "the callback: 303 to /portal/" to_portal
check "... sets tcard_portal (HttpOnly, SameSite=Strict)" grep -qi '^set-cookie: tcard_portal=.*; Path=/; HttpOnly; SameSite=Strict' "$T/hdr"
check "... and clears tcard_oidc" grep -qi '^set-cookie: tcard_oidc=; Path=/portal/oidc/; .*Max-Age=0' "$T/hdr"
req GET /v1/portal/session "$J"
check "the portal's session names 张三, verified, an identity's account" \
	test "$(jq_body 'o["account"]["name"], o["account"]["verified"], o["account"]["identity"], o["account"]["login"][:5]')" = "('张三', True, True, 'oidc:')"
ACCT=$(jq_body 'o["account"]["id"]')

# The same code again, with the state back in a cookie: the state is gone.
curl -s --max-time 20 -H "Cookie: tcard_oidc=$STATE" -D "$T/hdr" -o "$T/body" \
	-w '%{http_code}' "$CBURL" >"$T/status"
check "the code used again is refused (400, the state ended)" status_is 400
expect_no "$(python3 -c 'import sys, urllib.parse as u; print(u.parse_qs(u.urlsplit(sys.argv[1]).query)["code"][0])' "$CBURL")" \
	"... the answer does not show the code" "$T/body"

# A second sign-in: the same account.
J2=$T/b.jar
walk "$J2"; get "$(cat "$T/cb")" "$J2"
req GET /v1/portal/session "$J2"
check "signing in again finds the same account" test "$(jq_body 'o["account"]["id"]')" = "$ACCT"

# The state is not the cookie's (a login started in another browser).
J3=$T/c.jar
walk "$J3"
OTHER=$(python3 -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("="))')
BAD=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); q = u.parse_qs(p.query); q["state"] = [sys.argv[2]]; print(u.urlunsplit(p._replace(query=u.urlencode(q, doseq=True))))' "$(cat "$T/cb")" "$OTHER")
get "$BAD" "$J3"
check "a callback whose state is not the cookie's is 400" status_is 400
check "... naming the state" grep -q 'state' "$T/body"
check "... and sets no session" bash -c "! grep -qi '^set-cookie: tcard_portal' '$T/hdr'"
walk "$J3"
get "$(cat "$T/cb")"
check "a callback without the state cookie is 400" status_is 400
check "... saying no sign-in was started in this browser" grep -q 'tcard_oidc cookie' "$T/body"
get "$CB?error=access_denied&state=$STATE" "$J3"
check "the provider's error=access_denied is 401" status_is 401
check "... naming it" grep -q 'access_denied' "$T/body"

# The form of an identity's account: its name and ID number are the
# identity's (003: not to be changed).
APPS=$H/demo-applicants.txt
row1() { grep -v '^#' "$APPS" | sed -n 1p | cut -f"$1"; }
# form NAME ID: a guangdong-youyue application file into $T/form.json.
form() {
	python3 - "$1" "$2" "$(row1 6)" "$(row1 7)" >"$T/form.json" <<'PY'
import json, sys
name, idn, emp, code = sys.argv[1:5]
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
      "social-insurance": "已参保"}}}, ensure_ascii=False))
PY
}
req GET /v1/portal/session "$J"
PC=$(jq_body 'o["csrf"]')
form 李四 11010519491231002X
req POST /v1/portal/applications "$J" "$PC" "$(cat "$T/form.json")"
check "a form with another name than the identity's is refused (409)" status_is 409
check "... saying the name is the identity's" grep -q "identity you signed in with" "$T/body"
form 张三 110105198001010016
req POST /v1/portal/applications "$J" "$PC" "$(cat "$T/form.json")"
check "a form with another ID number than the identity's is refused (409)" status_is 409
check "... an account applies for its holder only" grep -q "holder only" "$T/body"
form 张三 11010519491231002X
req POST /v1/portal/applications "$J" "$PC" "$(cat "$T/form.json")"
check "the identity's own name and number: no such refusal" bash -c "! grep -q 'identity you signed in with\|holder only' '$T/body'"
req GET /v1/portal/session "$J"
check "the account shows the identity's ID document, the number masked" \
	test "$(jq_body 'o["account"]["id_document"]["type"], o["account"]["id_document"]["masked"]')" = "('resident', '****************2X')"
# A form without the name and the ID number: the identity's are taken.
python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); b=o["sections"]["basic"]; [b.pop(k) for k in ("name","id-type","id-number")]; print(json.dumps(o, ensure_ascii=False))' "$T/form.json" >"$T/form2.json"
req POST /v1/portal/applications "$J" "$PC" "$(cat "$T/form2.json")"
check "a form without name and ID number makes a draft (200)" status_is 200
check "... of the identity's name and number" \
	test "$(jq_body 'o["name"], o["applicant"]')" = "('张三', '****************2X')"
curl -s -b "$J" -o "$T/apply.html" "$URL/portal/apply/guangdong-youyue?lang=en"
check "the form shows the name read-only, not sent" \
	grep -q '<input type="text" readonly id="basic-name" value="张三">' "$T/apply.html"
check "and the ID number masked, read-only" \
	grep -q '<input type="text" readonly id="basic-id-number" value="\*\{16\}2X">' "$T/apply.html"
expect_no 11010519491231002X "the form page never shows the ID number" "$T/apply.html"
check "the agent runs under Landlock (read-only CA certificates, resolver files, libraries)" \
	grep -q 'the OIDC agent runs as uid [0-9]*, no new privileges, landlock on' "$T/id.err"
# The agent dies: the next sign-in starts another and goes on.
AG=$(pgrep -P "$ID_PID" -x tcard-issuerd-o | head -1)
check "the OIDC agent runs ($AG)" test -n "$AG"
kill -KILL "$AG"
J4=$T/d.jar
check "after the agent was killed, a sign-in still reaches the provider" walk "$J4"
check "... through a new agent" grep -q 'starting the OIDC agent again' "$T/id.err"
get "$(cat "$T/cb")" "$J4"
check "... and completes (303 to /portal/, tcard_portal set)" \
	sh -c "test \"\$(cat '$T/status')\" = 303 && grep -qi '^set-cookie: tcard_portal' '$T/hdr'"
expect_no 11010519491231002X "the daemon's log never shows the ID number" "$T/id.err"
stop_id

# An issuer whose discovery document names another: start is 503.
WRONG=(--oidc-issuer "http://localhost:$PP" --oidc-client-id tc-office
	--oidc-client-secret-file "$T/secret" --oidc-redirect-uri "$CB"
	--oidc-allow-http-loopback yes)
check "tcard-issuerd starts with a wrong issuer" start_id "${WRONG[@]}"
req GET /portal/oidc/start
check "/portal/oidc/start is 503 with a wrong issuer" status_is 503
check "... saying the issuer is not the configured one" grep -q 'issuer' "$T/body"
req GET /healthz
check "... while the daemon serves the rest (/healthz 200)" status_is 200
req POST /v1/portal/session - "" '{"login":"nobody@example.com","password":"not the password"}'
check "... and the portal's password sign-in (401 for a wrong one)" status_is 401
stop_id

done_testing
