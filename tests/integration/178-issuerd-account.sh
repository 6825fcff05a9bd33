#!/bin/bash
# SPDX-License-Identifier: MIT
# tcard-issuerd: an operator's own account (issue 15). An operator added
# without TOTP signs in with the passphrase alone; changes the passphrase
# (CSRF, the old one, the library's rules for the new one); enrols in TOTP
# with the passphrase only (the otpauth:// URI, its QR as a PNG from the
# worker's route, for this session only); from then on a sign-in needs a
# code, a code from that secret works, and enrolling again needs the
# current code. The console's account page and its enrolment answer page
# (the URI as text, the QR as an <img> of the route). No log line holds
# the secret or a passphrase.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/issuerd-lib.sh"
id_env
echo "1..34"

check "demo authority" id_demo
P1="first passphrase of acct"
P2="second passphrase of acct"
NEWPASS=$P1 TCARD_PASSPHRASE=$(pass_of demo-admin) expect_exit 0 "an operator without TOTP is added" \
	"$I" operator add acct-hr --role hr-reviewer --organisation demo-district \
	--passphrase-env NEWPASS --as demo-admin --home "$H"
NEWPASS=$P1 TCARD_PASSPHRASE=$(pass_of demo-admin) expect_exit 0 "and another, for the console" \
	"$I" operator add acct-two --role approver --passphrase-env NEWPASS --as demo-admin --home "$H"
export NEWPASS=
check "tcard-issuerd starts" start_id
J=$T/acct.jar
sign_in() { # PASSPHRASE [OTP]
	rm -f "$J"
	req POST /v1/session "$J" "" "{\"operator\":\"acct-hr\",\"passphrase\":\"$1\"${2:+,\"otp\":\"$2\"}}"
	CSRF=
	if status_is 200; then CSRF=$(jq_body 'o["csrf"]'); fi
}
sign_in "$P1"; check "not enrolled: the passphrase alone signs in" status_is 200
req GET /v1/session "$J"; check "whoami says not enrolled" test "$(jq_body 'o["totp"]')" = False

req POST /v1/session/passphrase "$J" "" "{\"passphrase\":\"$P1\",\"new_passphrase\":\"$P2\"}"
check "a passphrase change without the CSRF token is 403" status_is 403
req POST /v1/session/passphrase "$J" "$CSRF" "{\"passphrase\":\"wrong one\",\"new_passphrase\":\"$P2\"}"
check "with a wrong current passphrase 403" status_is 403
req POST /v1/session/passphrase "$J" "$CSRF" "{\"passphrase\":\"$P1\",\"new_passphrase\":\"short\"}"
check "a new passphrase the library refuses is 400" status_is 400
check "with the library's reason" grep -q 'new passphrase' "$T/body"
req POST /v1/session/passphrase "$J" "$CSRF" "{\"passphrase\":\"$P1\",\"new_passphrase\":\"$P2\"}"
check "the passphrase is changed" status_is 200
sign_in "$P1"; check "the old passphrase no longer signs in" status_is 401
sign_in "$P2"; check "the new one does" status_is 200

req GET /console/account/totp.png "$J"; check "no QR before an enrolment (404)" status_is 404
req POST /v1/session/totp "$J" "" "{\"passphrase\":\"$P2\"}"
check "an enrolment without the CSRF token is 403" status_is 403
req POST /v1/session/totp "$J" "$CSRF" "{\"passphrase\":\"$P2\"}"
check "not enrolled: the passphrase alone enrols" status_is 200
URI=$(jq_body 'o["uri"]')
check "the answer is an otpauth URI for the operator" bash -c "case '$URI' in otpauth://totp/talentcard:acct-hr\?secret=*) true ;; *) false ;; esac"
check "no-store" grep -qi '^cache-control: no-store' "$T/hdr"
SECRET=$(printf '%s' "$URI" | sed -n 's/.*[?&]secret=\([A-Z2-7]*\).*/\1/p')
req GET /console/account/totp.png "$J"
check "its QR image comes from the worker's route as a PNG" \
	bash -c "status_is() { test \"\$(cat '$T/status')\" = 200; }; status_is && grep -qi '^content-type: image/png' '$T/hdr' && head -c 8 '$T/body' | od -An -tx1 | grep -q '89 50 4e 47'"
req GET /console/account/totp.png -; check "not to another session (401 without one)" status_is 401

sign_in "$P2"; check "enrolled: the passphrase alone is 401" status_is 401
CODE=$(python3 "$TC_TOP/tests/integration/totp.py" "$SECRET")
sign_in "$P2" "$CODE"; check "a code from the new secret signs in" status_is 200
req POST /v1/session/totp "$J" "$CSRF" "{\"passphrase\":\"$P2\"}"
check "enrolling again without the current code is 403" status_is 403

# The console.
curl -s -b "$J" "$URL/console/account" >"$T/page"
check "the console's account page has both forms, with a code field when enrolled" \
	bash -c "grep -q 'id=\"totp-enrol\"' '$T/page' && grep -q 'id=\"passphrase-change\"' '$T/page' && grep -q 'name=\"otp\"' '$T/page'"
curl -s -b "$J" -o /dev/null -w '%{http_code}' --data-urlencode "passphrase=$P2" \
	"$URL/console/account/totp" >"$T/status"
check "the console's enrolment without the form's csrf is 403" status_is 403
curl -s -b "$J" -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$CSRF" \
	--data-urlencode "passphrase=$P2" --data-urlencode "new_passphrase=a new one here" \
	--data-urlencode "new_passphrase2=another one here" "$URL/console/account/passphrase" >"$T/status"
check "the console refuses two different new passphrases (400)" status_is 400
curl -s -b "$J" -o /dev/null -w '%{http_code}' -H 'Accept-Language: en' "$URL/console/queue" >"$T/status"
check "the session still works" status_is 200

# The console's enrolment of an operator not yet enrolled: the URI as
# text, the QR as an <img> of the worker's route.
J2=$T/two.jar
req POST /v1/session "$J2" "" "{\"operator\":\"acct-two\",\"passphrase\":\"$P1\"}"
C2=$(jq_body 'o["csrf"]')
curl -s -b "$J2" --data-urlencode "csrf=$C2" --data-urlencode "passphrase=$P1" \
	-D "$T/hdr" "$URL/console/account/totp" >"$T/page"
check "the console's enrolment page shows the URI as text" \
	grep -q '<code id="totp-uri">otpauth://totp/talentcard:acct-two?secret=' "$T/page"
check "and the QR as an <img> of the worker's route" \
	grep -q '<img id="totp-qr" src="/console/account/totp.png"' "$T/page"
check "under the CSP (img-src 'self', no data: URI) and no-store" \
	bash -c "grep -qi \"^content-security-policy: .*img-src 'self'\" '$T/hdr' && grep -qi '^cache-control: no-store' '$T/hdr' && ! grep -q 'data:' '$T/page'"
req GET /console/account/totp.png "$J2"
check "that route answers the PNG to this session" bash -c "test \"\$(cat '$T/status')\" = 200 && head -c 4 '$T/body' | grep -q PNG"
SECRET2=$(sed -n 's/.*secret=\([A-Z2-7]*\).*/\1/p' "$T/page" | head -1)

stop_id
check "the daemon stops cleanly" test "$ID_STATUS" = 0
check "no log line has the secrets" bash -c "! grep -qE '$SECRET|$SECRET2' '$T/id.err'"
check "nor a passphrase" bash -c "! grep -qE 'passphrase of acct' '$T/id.err'"
