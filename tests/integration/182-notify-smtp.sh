#!/bin/bash
# SPDX-License-Identifier: MIT
# tcard-notifyd against a real SMTP server on loopback (Debian's
# python3-aiosmtpd, each message kept as a file): a return made by the
# CLI arrives once, to the form's address, with its reason and without
# the ID number; messages of events committed while no notifier ran
# arrive once when it starts; with the server down the attempt is
# recorded and retried later; a bad --smtp is a usage error (2); SIGTERM
# stops it cleanly; units' and reviewers' addresses, the overdue pass,
# the webhook channel signed with HMAC (docs/notify.md).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/issuerd-lib.sh"
PY=/usr/bin/python3
ND=$TC_BIN/tcard-notifyd
need_prog "$ND" "$TC_BIN/tcard-issuer"
$PY -c 'import aiosmtpd' 2>/dev/null || { echo "1..0 # SKIP python3-aiosmtpd missing"; exit 77; }
command -v sqlite3 >/dev/null || { echo "1..0 # SKIP sqlite3 missing"; exit 77; }
export TCARD_SCRYPT_LN=12
unset TCARD_PASSPHRASE TCARD_HOME TCARD_NOW
MAIL=$T/mail # start_smtp's (issuerd-lib.sh)
mkdir -p "$MAIL"

# mails: a python expression over msgs (the parsed messages, in order).
mails() {
	$PY - "$MAIL" "$1" <<'PY'
import email, email.policy, os, sys
d = sys.argv[1]
msgs = [email.message_from_bytes(open(os.path.join(d, f), "rb").read(), policy=email.policy.default)
        for f in sorted(os.listdir(d))]
print(eval(sys.argv[2]))
PY
}
q() { sqlite3 "$H/registry.db" "$1"; }

check "demo authority" id_demo
check "the demo's events wrote pending rows (approved, issued)" \
	test "$(q "SELECT count(*) FROM outbox WHERE state = 'pending'")" -ge 2
check "the SMTP server starts" start_smtp

# A return by the unit reviewer (the audit refuses an ID number in a
# reason; tc_notify_render masks ID-like runs too: tests/unit).
TCARD_PASSPHRASE=$(pass_of demo-unit-reviewer-a-1) "$I" review 14 --home "$H" \
	--as demo-unit-reviewer-a-1 --return "请补充劳动合同" >/dev/null 2>"$T/rev.err"
check "application 14 returned" test "$(q "SELECT state FROM applications WHERE id = 14")" = returned
check "one returned row for 14, in the event's commit" \
	test "$(q "SELECT count(*) FROM outbox WHERE application_id = 14 AND event = 'returned'")" = 1
rows=$(q "SELECT count(*) FROM outbox")
expect_exit 0 "tcard-notifyd --once delivers" "$ND" --home "$H" --smtp "$(smtp_url)" \
	--from notify@tc.example --once
check "every row arrived once" test "$(mails 'len(msgs)')" = "$rows"
check "every row is marked sent" test "$(q "SELECT count(*) FROM outbox WHERE state = 'sent'")" = "$rows"
check "exactly one message for application 14" \
	test "$(mails 'sum("申请 14 " in str(m["subject"]) for m in msgs)')" = 1
check "to the form's address" \
	test "$(mails '[m["To"].addresses[0].addr_spec for m in msgs if "申请 14 " in str(m["subject"])][0]')" = applicant@example.com
check "the subject says returned" \
	test "$(mails '[("退回" in str(m["subject"])) for m in msgs if "申请 14 " in str(m["subject"])][0]')" = True
check "the body carries the reason and the portal link" \
	test "$(mails '[("请补充劳动合同" in m.get_content() and "/portal/applications/14" in m.get_content()) for m in msgs if "申请 14 " in str(m["subject"])][0]')" = True
check "no message carries an ID number (17 digits and a check character)" \
	test "$(mails 'any(__import__("re").search(r"[0-9]{17}[0-9X]", m.get_content() + str(m["subject"])) for m in msgs)')" = False
check "Message-IDs are unique and name the row" \
	test "$(mails 'len(set(m["Message-ID"] for m in msgs)) == len(msgs) and all(m["Message-ID"].startswith("<outbox-") and m["Message-ID"].endswith("@tc.example>") for m in msgs)')" = True
check "the log names no ID number" sh -c "! grep -qE '[0-9]{17}[0-9X]' '$T/err'"
expect_no "applicant@example.com" "the log names no address" "$T/err"
check "the log has a JSON line per message" \
	test "$(grep -c '"event":"deliver"' "$T/err")" = "$rows"

# The unit's address: told when the resubmitted application reaches it.
UNIT=91440106MA4T8R3H12
TCARD_PASSPHRASE=$(pass_of demo-admin) "$I" organisation set-email "$UNIT" \
	hr@unit-a.example --home "$H" --as demo-admin >/dev/null 2>"$T/se.err"
check "organisation set-email" test "$(q "SELECT email FROM organisations WHERE code = '$UNIT'")" = hr@unit-a.example
check "audited" test "$(q "SELECT count(*) FROM audit WHERE action = 'organisation.set-email'")" = 1
TCARD_PASSPHRASE=$(pass_of demo-admin) "$I" organisation set-email "$UNIT" \
	'not an address' --home "$H" --as demo-admin >"$T/out" 2>"$T/err"
check "a bad address is refused" test $? = 1
TCARD_PASSPHRASE=$(pass_of demo-clerk) "$I" submit 14 --home "$H" --as demo-clerk \
	>/dev/null 2>"$T/sub.err"
check "application 14 resubmitted" test "$(q "SELECT state FROM applications WHERE id = 14")" = submitted
check "a reached-unit row for the unit" \
	test "$(q "SELECT recipient FROM outbox WHERE application_id = 14 AND event = 'reached-unit'")" = hr@unit-a.example

rows=$(q "SELECT count(*) FROM outbox")

# Events committed while no notifier runs: delivered once when one starts.
TCARD_PASSPHRASE=$(pass_of demo-unit-reviewer-b-1) "$I" review 15 --home "$H" \
	--as demo-unit-reviewer-b-1 --reject "不符合条件" >/dev/null 2>&1
check "application 15 rejected, its row pending" \
	test "$(q "SELECT count(*) FROM outbox WHERE application_id = 15 AND state = 'pending'")" = 1
expect_exit 0 "a second pass" "$ND" --home "$H" --smtp "$(smtp_url)" --once
check "the resubmission and the rejection arrived, nothing twice" test "$(mails 'len(msgs)')" = "$((rows + 1))"
check "the unit's message went to the unit" \
	test "$(mails 'sum(m["To"].addresses[0].addr_spec == "hr@unit-a.example" and "贵单位" in str(m["subject"]) for m in msgs)')" = 1
expect_exit 0 "a third pass with nothing due" "$ND" --home "$H" --smtp "$(smtp_url)" --once
check "still no message twice" test "$(mails 'len(msgs)')" = "$((rows + 1))"

# Server down: the attempt is recorded and retried after the backoff.
stop_smtp
q "INSERT INTO outbox (created_at, event, application_id, channel, recipient, language, subject, body, nonce, next_attempt_at) VALUES (0, 'returned', 14, 'email', 'applicant@example.com', 'en', 'retry test', 'retry body', 'aaaaaaaaaaaaaaaa', 0)"
expect_exit 0 "a pass with the server down exits 0" "$ND" --home "$H" --smtp "$(smtp_url)" --once
check "the row stays pending with one attempt and an error" \
	test "$(q "SELECT state, attempts, last_error IS NOT NULL, next_attempt_at > strftime('%s','now') FROM outbox WHERE subject = 'retry test'")" = "pending|1|1|1"
check "the SMTP server starts again" start_smtp
expect_exit 0 "a pass before the backoff sends nothing" "$ND" --home "$H" --smtp "$(smtp_url)" --once
check "not yet" test "$(mails 'len(msgs)')" = "$((rows + 1))"
expect_exit 0 "a pass after the backoff" env TCARD_NOW=$(($(date +%s) + 3600)) \
	"$ND" --home "$H" --smtp "$(smtp_url)" --once
check "the message arrived once it was back" \
	test "$(mails 'sum(str(m["subject"]) == "retry test" for m in msgs)')" = 1
check "and is marked sent with two attempts" \
	test "$(q "SELECT state, attempts FROM outbox WHERE subject = 'retry test'")" = "sent|2"

# The reviewers' overdue reminder: once a day, to those holding the role.
TCARD_PASSPHRASE=$(pass_of demo-admin) "$I" operator set-email demo-hr-reviewer-1 \
	hr1@district.example --home "$H" --as demo-admin >/dev/null 2>&1
check "operator set-email" test "$(q "SELECT email FROM operators WHERE name = 'demo-hr-reviewer-1'")" = hr1@district.example
LATER=$(($(date +%s) + 30 * 86400))
TCARD_NOW=$LATER "$TC_BIN/tcard-issuer" notify overdue --home "$H" >"$T/out" 2>"$T/err"
check "notify overdue writes the reminders" grep -qE '^[1-9][0-9]* overdue reminders written' "$T/out"
ov=$(q "SELECT count(*) FROM outbox WHERE event = 'overdue' AND recipient = 'hr1@district.example'")
check "to the hr reviewer, for the overdue green card application" \
	test "$(q "SELECT count(*) FROM outbox WHERE event = 'overdue' AND application_id = 13")" = 1
TCARD_NOW=$((LATER + 60)) "$TC_BIN/tcard-issuer" notify overdue --home "$H" >"$T/out" 2>"$T/err"
check "a second run the same day writes none" grep -q '^0 overdue reminders written' "$T/out"
check "only to operators with an e-mail" \
	test "$(q "SELECT count(*) FROM outbox WHERE event = 'overdue'")" = "$ov"
expect_exit 0 "a pass on that day" env TCARD_NOW=$((LATER + 120)) \
	"$ND" --home "$H" --smtp "$(smtp_url)" --once
check "the reminder arrived, to the reviewer" \
	test "$(mails 'sum(m["To"].addresses[0].addr_spec == "hr1@district.example" and "超期" in str(m["subject"]) for m in msgs)')" = "$ov"

# The webhook channel: the same message posted as JSON, signed with the key.
mkdir -p "$H/notify"
printf 'email webhook\n' >"$H/notify/channels"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$T/hook.key"
chmod 600 "$T/hook.key"
HOOK=$T/hook
mkdir -p "$HOOK"
$PY - "$HOOK" "$T/hook.key" "$T/hook.port" <<'PY' 2>"$T/hook.err" &
import hashlib, hmac, http.server, os, sys
d, keyfile, portfile = sys.argv[1:4]
key = open(keyfile, "rb").read().strip()
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        want = "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()
        ok = hmac.compare_digest(want, self.headers.get("X-Tcard-Signature", ""))
        n = len(os.listdir(d))
        open(os.path.join(d, "%03d.%s.json" % (n, "good" if ok else "bad")), "wb").write(body)
        self.send_response(204 if ok else 401); self.end_headers()
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(portfile + ".tmp", "w").write(str(s.server_address[1])); os.rename(portfile + ".tmp", portfile)
s.serve_forever()
PY
HOOK_PID=$!
tc_daemon "$HOOK_PID"
for _ in $(seq 100); do [ -s "$T/hook.port" ] && break; sleep 0.1; done
TCARD_PASSPHRASE=$(pass_of demo-unit-reviewer-a-1) "$I" review 14 --home "$H" \
	--as demo-unit-reviewer-a-1 --return "请补充学历证明" >/dev/null 2>&1
check "the return wrote an e-mail row and a webhook row" \
	test "$(q "SELECT group_concat(channel) FROM (SELECT channel FROM outbox WHERE application_id = 14 AND event = 'returned' AND state = 'pending' ORDER BY channel)")" = email,webhook
expect_exit 0 "a notifier with --smtp only leaves the webhook row" env TCARD_NOW=$((LATER + 240)) \
	"$ND" --home "$H" --smtp "$(smtp_url)" --once
check "pending" test "$(q "SELECT count(*) FROM outbox WHERE channel = 'webhook' AND state = 'pending'")" = 1
expect_exit 2 "--webhook without its key is a usage error" "$ND" --home "$H" \
	--webhook "http://127.0.0.1:$(cat "$T/hook.port")/hook" --once
expect_exit 0 "a notifier with --webhook posts it" env TCARD_NOW=$((LATER + 240)) \
	"$ND" --home "$H" --webhook "http://127.0.0.1:$(cat "$T/hook.port")/hook" \
	--webhook-key-file "$T/hook.key" --once
check "one post, its signature good" test "$(ls "$HOOK")" = 000.good.json
check "with the event, the reason and the Message-ID" \
	$PY -c 'import json,sys; o=json.load(open(sys.argv[1])); sys.exit(not (o["event"] == "returned" and o["application"] == 14 and "请补充学历证明" in o["body"] and o["message_id"].startswith("<outbox-")))' "$HOOK/000.good.json"
check "the webhook row is sent" test "$(q "SELECT count(*) FROM outbox WHERE channel = 'webhook' AND state = 'sent'")" = 1
kill "$HOOK_PID"; wait "$HOOK_PID" 2>/dev/null

# Options and signals.
expect_exit 2 "a bad --smtp URL is a usage error" "$ND" --home "$H" --smtp "http://127.0.0.1:1" --once
expect_err "not an smtp://" "and says why"
expect_exit 0 "--help" "$ND" --help
expect_out "usage: tcard-notifyd" "--help prints the usage"
"$ND" --home "$H" --smtp "$(smtp_url)" --interval 1 2>"$T/nd.err" &
NDP=$!
tc_daemon "$NDP"
sleep 1.5
kill -TERM "$NDP"; wait "$NDP"; st=$?
check "SIGTERM stops it with status 0" test "$st" = 0
check "and it logged its stop" grep -q '"event":"stop"' "$T/nd.err"
stop_smtp
done_testing
