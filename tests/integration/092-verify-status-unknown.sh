#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tcard-verify never answers plain VALID (exit 0) without a current
# revocation list: without one the answer is UNKNOWN-STATUS no-revocations
# (exit 5), with a list past its next-update UNKNOWN-STATUS
# stale-revocations (exit 5), for --trust with --revocations and for
# --bundle alike; --no-status-check skips the check on request and the
# output says "VALID (status not checked)". A revoked card is refused
# whatever the age of the list. Made-up people only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/verifierd-lib.sh"
verify_env
vd_demo
C=$(card_field 1 1)
Q=$(qr_line "$C")
check "a QR text" test -n "$Q"
TR=$B/trust.cose
REV=$B/revocations.cose

# No revocation list.
expect_exit 5 "no revocation list: not VALID, exit 5" "$V" --trust "$TR" --ca-pin "$PIN" "$Q"
expect_out '^UNKNOWN-STATUS no-revocations: .*whether the card is revoked or suspended is unknown' \
	"says the status is unknown for want of a revocation list"
expect_out '^status: +unknown$' "its status is unknown"
check "VALID is not printed" sh -c "! grep -q '^VALID' \"$T/out\""
expect_out '^name: ' "the claims are still shown"
expect_exit 5 "--json" "$V" --trust "$TR" --ca-pin "$PIN" --json "$Q"
check "the JSON says UNKNOWN-STATUS, status unknown, no list" python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
assert o["result"] == "UNKNOWN-STATUS" and o["reason"] == "no-revocations", o
assert o["status"] == "unknown" and o["basis"]["revocations"] is None, o
' "$T/out"
expect_exit 5 "the stdin path too" "$V" --trust "$TR" --ca-pin "$PIN" --stdin <<<"$Q"

# Skipping the check on request.
expect_exit 0 "--no-status-check: exit 0" "$V" --trust "$TR" --ca-pin "$PIN" --no-status-check "$Q"
expect_out '^VALID \(status not checked\)$' "and says the status was not checked"
expect_out '^status: +not-checked' "its status is not-checked"
expect_exit 0 "--no-status-check --json" "$V" --trust "$TR" --ca-pin "$PIN" --no-status-check --json "$Q"
check "the JSON says VALID with status not-checked" python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
assert o["result"] == "VALID" and o["status"] == "not-checked", o
' "$T/out"
expect_exit 2 "--no-status-check with a revocation list" "$V" --trust "$TR" --ca-pin "$PIN" --no-status-check --revocations "$REV" "$Q"

# A current list, then the same list past its next-update (a day).
expect_exit 0 "a current list: VALID" "$V" --trust "$TR" --ca-pin "$PIN" --revocations "$REV" "$Q"
expect_out '^VALID$' "plain VALID"
LATER=2026-11-23T04:00:00Z
TCARD_NOW=$LATER expect_exit 5 "the list past next-update: exit 5" "$V" --trust "$TR" --ca-pin "$PIN" --revocations "$REV" "$Q"
expect_out '^UNKNOWN-STATUS stale-revocations: .*revocation list \(1\) is out of date' "says the list is out of date"
expect_out 'OUT OF DATE since' "and since when"
TCARD_NOW=$LATER expect_exit 5 "a stale bundle: exit 5" "$V" --bundle "$B" --ca-pin "$PIN" "$Q"
expect_out '^UNKNOWN-STATUS stale-revocations' "UNKNOWN-STATUS too"
TCARD_NOW=$LATER expect_exit 0 "a stale list with --no-status-check is not consulted" "$V" --trust "$TR" --ca-pin "$PIN" --no-status-check "$Q"

# A revoked card is refused even by a stale list.
check "revoke the card" as_role approver revoke "$C" --reason contract-ended >/dev/null 2>&1
check "publish again" demo_bundle "$B"
TCARD_NOW=$LATER expect_exit 1 "revoked, by a stale list: INVALID revoked" "$V" --trust "$TR" --ca-pin "$PIN" --revocations "$REV" "$Q"
expect_out '^INVALID revoked' "as revoked"
done_testing
