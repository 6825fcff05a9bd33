#!/bin/bash
# SPDX-License-Identifier: MIT
# Issue 16's "Done when": one applicant's whole journey in headless
# Chromium (cdp-walk.py on cdp.py, a phone's screen), on real servers
# started here: the OpenID provider (tests/oidc/provider.mjs, as 184),
# tcard-issuerd with its OIDC agent, tcard-notifyd delivering the outbox
# to an SMTP server on loopback (python3-aiosmtpd, as 182). The
# applicant signs in at the provider, reads the self-check, fills every
# section of a Youyue form (the identity's name and masked ID number
# shown read-only), uploads, watches the pledge's countdown and submits;
# the unit's reviewer returns it in the console; the e-mail arrives at
# the form's address with the reason and the portal's link, and no ID
# number; the applicant finds it under "to do" with the reason, fixes
# the work section and resubmits (the pledge again); the reviewer
# approves; the remaining steps are approved through the staff API (hr,
# approver, the bank's production) and the card issued; the office signs
# the e-card (tcard-issuer qr); the applicant, signed in again,
# downloads the e-card's QR code and phone image, and tcard-verify says
# VALID for both, for the card number the page shows. Screenshots in
# BUILD/test-logs/199-portal-walk/. Skipped without node, chromium or
# aiosmtpd. Made-up people only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/issuerd-lib.sh"
id_env
chromium_env
need_cmd node
need_prog "$TC_BIN/tcard-issuerd-oidc" "$TC_BIN/tcard-notifyd" "$TC_BIN/tcard-verify"
PY=/usr/bin/python3
$PY -c 'import aiosmtpd' 2>/dev/null || { echo "1..0 # SKIP python3-aiosmtpd missing"; exit 77; }
# The provider's account (tests/oidc/provider.mjs) and the form's address.
WHO=张三 IDN=11010519491231002X LOGIN=zhangsan MAILTO=zhangsan@example.com

# The daemon's port first: the provider knows its redirect URI.
check "the OpenID provider listens" oidc_provider

check "demo authority" id_demo
printf '%s\n' "$OIDC_SECRET" >"$T/secret"
chmod 600 "$T/secret"
mkdir -p "$H/notify"
echo "http://127.0.0.1:$PORT" >"$H/notify/portal-url"

MAIL=$T/mail
mkdir -p "$MAIL"
check "the SMTP server listens" start_smtp
"$TC_BIN/tcard-notifyd" --home "$H" --smtp "$(smtp_url)" \
	--from notify@tc.example --interval 1 2>"$T/notifyd.err" &
tc_daemon $!

check "tcard-issuerd starts with its OIDC agent" start_id --listen "127.0.0.1:$PORT" "${OIDC[@]}"

# The employer: unit A of the demo, whose reviewer is demo-unit-reviewer-a-1.
read -r EMP CODE < <(grep -v '^#' "$H/demo-applicants.txt" | sed -n 1p | cut -f6,7)
mkpng 358 441 "$T/photo.png"
mkpdf "$T/m.pdf" material
mkdir -p "$T/profile" "$T/profile-desk" "$T/downloads"
UR=demo-unit-reviewer-a-1
# drive DESC PHASE ARGS...: cdp-walk.py's phase, what it saw in
# $T/PHASE.json; the script ends there when it fails (what follows needs it).
drive() {
	local d=$1 ph=$2
	shift 2
	if timeout 150 python3 "$(dirname "$0")/cdp-walk.py" "$ph" "$CHROMIUM" "$T/profile" \
		"$URL" "$ART" "$@" >"$T/$ph.json" 2>"$T/$ph.err"; then
		ok "$d"
	else
		not_ok "$d"
		grep -v dbus "$T/$ph.err" | tail -n 5 | sed 's/^/# err: /'
		done_testing
		exit 1
	fi
}
drive "Chromium walks the applicant to a return and a resubmission" apply \
	"$MAIL" "$WHO" "$IDN" "$LOGIN" "$MAILTO" "$EMP" "$CODE" "$T/photo.png" "$T/m.pdf" \
	"$UR" "$(pass_of $UR) $(demo_secret "$H" $UR)"
# seen PHASE EXPR: a Python expression on what the phase saw (o).
seen() { python3 -c 'import json, sys; o = json.load(open(sys.argv[1], encoding="utf-8")); sys.exit(not eval(sys.argv[2]))' "$T/$1.json" "$2"; }
check "signed in at the provider: my matters, as $WHO" \
	seen apply "o['01_after_signin'].endswith('/portal/') and '$WHO' in o['account']"
check "the self-check shows the clause, the materials and the pledge" \
	seen apply "'Nobel' in o['selfcheck'] and 'Labour contract' in o['selfcheck'] and 'pledge-text' in o['selfcheck']"
check "the form shows the identity's name, read-only" \
	seen apply "o['name_field'] == {'read_only': True, 'shown': '$WHO'}"
check "... and its ID number read-only, masked to its last two characters" \
	seen apply "o['id_field']['read_only'] and o['id_field']['shown'] == '*' * 16 + '${IDN: -2}'"
check "every section saved, the counter counted" \
	seen apply "o['after_sections'].endswith('done=saved') and o['counter'] == '22 / 1000'"
check "the photo and four materials uploaded" \
	seen apply "o['after_uploads'].endswith('done=uploaded#materials') and o['mats'].count('uploaded</a>') == 5"
check "the pledge: disabled at first, enabled after its 5 seconds" \
	seen apply "o['08-pledge']['disabled_at_first'] is True and 4.5 <= o['08-pledge']['enabled_after'] <= 7"
check "submitted: in progress" \
	seen apply "o['after_submit'].endswith('/portal/?done=submitted') and '/portal/applications/%s\"' % o['n'] in o['in_progress']"
N=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["n"])' "$T/apply.json")
check "the unit's queue in the console lists it" seen apply "'/console/applications/$N\"' in o['queue']"
check "the reviewer returned it with a reason" seen apply "o['after_return'].endswith('/console/queue?done=returned')"
check "the applicant sees it under to do, with the reason" \
	seen apply "'/portal/applications/$N\"' in o['to_do'] and '请补充工作经历的职责说明' in o['to_do']"
check "the e-mail's link opens the application, the reason shown" \
	seen apply "o['mail_link'] == 'http://127.0.0.1:$PORT/portal/applications/$N' and '请补充工作经历的职责说明' in o['return_reason']"
check "fixed and resubmitted, the pledge watched again" \
	seen apply "o['after_fix'].endswith('done=saved') and o['14-pledge-again']['disabled_at_first'] is True and 4.5 <= o['14-pledge-again']['enabled_after'] <= 7 and o['after_resubmit'].endswith('done=submitted') and '/portal/applications/$N\"' in o['in_progress_again']"
check "the unit's reviewer approved it in the console" \
	seen apply "o['after_approve'].endswith('/console/queue?done=approved')"

# The e-mail of the return, as the SMTP server got it.
mail() {
	$PY - "$MAIL/$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["mail"])' "$T/apply.json")" "$1" <<'PY'
import email, email.policy, re, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
text = str(m["Subject"]) + "\n" + m.get_content()
sys.exit(not eval(sys.argv[2]))
PY
}
check "the return's e-mail went to the form's address (the login is not one)" \
	mail "m['X-Rcpt'] == '$MAILTO' and m['To'].addresses[0].addr_spec == '$MAILTO'"
check "... with the reason and the portal's link" \
	mail "'请补充工作经历的职责说明' in text and '/portal/applications/$N' in text"
check "... and no ID number" mail "'$IDN' not in text and not re.search(r'[0-9]{17}[0-9X]', text)"

# The remaining steps through the staff API, each by its operator.
APPROVE='{"action":"approve"}'
# act OP PATH [BODY]: OP signs in (passphrase and TOTP) and POSTs BODY.
act() {
	login "$1" && req POST "$2" "$T/$1.jar" "$CSRF" "${3:-}" && status_is 200 ||
		{ sed 's/^/# /' "$T/body"; return 1; }
}
check "the hr reviewer passes the acceptance review" act demo-hr-reviewer-1 "/v1/applications/$N/review" "$APPROVE"
check "the approver approves" act demo-approver-1 "/v1/applications/$N/review" "$APPROVE"
check "the bank produces the card" act demo-card-producer-1 "/v1/applications/$N/review" "$APPROVE"
check "the card issuer issues it" act demo-card-issuer-1 "/v1/applications/$N/issue"
CARD=$(jq_body 'o["card"]["card"]')
check "issued, with a card number" test "$(jq_body 'o["state"]'):${#CARD}" = issued:16
TCARD_PASSPHRASE=$(pass_of demo-card-producer-1) expect_exit 0 "the office signs the e-card" \
	"$I" qr "$CARD" --home "$H" --out "$T/office-qr.png" --as demo-card-producer-1

drive "Chromium: the applicant downloads the e-card" ecard "$N" "$T/downloads" "$LOGIN"
check "completed; the page shows the card's number, valid" \
	seen ecard "'/portal/applications/$N\"' in o['completed'] and o['card_no'].replace(' ', '') == '$CARD' and o['card_status'] == 'valid'"
check "the QR code shown on the page loaded" seen ecard "o['qr_width'] > 0"
png_size() { python3 -c 'import struct, sys; d = open(sys.argv[1], "rb").read(24); print("%dx%d" % struct.unpack(">II", d[16:24]) if d[:8] == b"\x89PNG\r\n\x1a\n" else "not a PNG")' "$1"; }
PHONE=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["phone_png"])' "$T/ecard.json")
QR=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["qr_png"])' "$T/ecard.json")
check "the phone image is a 1080 x 1920 PNG" test "$(png_size "$PHONE")" = 1080x1920
"$TC_BIN/tcard-keys" export-trust --home "$H" --out "$T/trust.cose" >/dev/null 2>&1
"$I" revocations --home "$H" --out "$T/rev.cose" >/dev/null 2>&1
PIN=$("$TC_BIN/tcard-keys" list --home "$H" | awk '$1 == "sha256" { print $2; exit }')
# verify DESC PNG: tcard-verify --image PNG, pinned, with the revocation list.
verify() {
	expect_exit 0 "$1" "$TC_BIN/tcard-verify" --trust "$T/trust.cose" --ca-pin "$PIN" \
		--revocations "$T/rev.cose" --image "$2" --json
}
valid_for_card() {
	python3 -c 'import json, sys; o = json.load(open(sys.argv[1])); sys.exit(not (o["result"] == "VALID" and o["card"] == sys.argv[2]))' "$T/out" "$CARD"
}
verify "tcard-verify reads the downloaded QR code" "$QR"
check "... VALID, for the card number the page shows" valid_for_card
verify "tcard-verify reads the phone image's QR code" "$PHONE"
check "... VALID, the same card" valid_for_card
check "screenshots of every page kept, none wider than its screen" bash -c "test \$(ls '$ART'/*.png | wc -l) -ge 18 &&
	python3 -c 'import json,sys; w = [n for f in sys.argv[1:] for n, x in json.load(open(f))[\"overflow\"] if x]; print(\"# too wide:\", w) if w else None; sys.exit(bool(w))' '$T/apply.json' '$T/ecard.json'"
expect_no "$IDN" "the daemons' logs never show the ID number" "$T/id.err" "$T/notifyd.err"
stop_id
check "tcard-issuerd stops cleanly" test "$ID_STATUS" = 0
done_testing
