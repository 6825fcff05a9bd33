#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tcard-verify --bundle DIR: the card's status from the published bundle's
# signed status data. A suspended card is SUSPENDED (exit 1), never VALID,
# and so is a sub-card of a suspended card (the registry cascades the
# suspension, the snapshot carries it); reinstated, both are VALID again;
# a card revoked after the credential was made is INVALID revoked; every
# answer states its status and basis (revocation list, snapshot, pinned
# CA), in text and JSON. Made-up people only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/verifierd-lib.sh"
verify_env
vd_demo
# Line 11 of the demo is a green card A with two sub-cards (lines 12-13
# hold another card and the spouse's sub-card); line 1 a plain card.
M=$(card_field 11 1) S=$(card_field 13 1) O=$(card_field 1 1)
QM=$(qr_line "$M") QS=$(qr_line "$S") QO=$(qr_line "$O")
check "QR texts of the main card, its sub-card and another card" \
	test -n "$QM" -a -n "$QS" -a -n "$QO"
expect_exit 0 "the sub-card verifies" "$V" --bundle "$B" --ca-pin "$PIN" --json "$QS"
check "its principal is the main card" python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
assert o["principal"] == sys.argv[2], o
' "$T/out" "$M"

expect_exit 0 "before suspension the main card is VALID" "$V" --bundle "$B" --ca-pin "$PIN" "$QM"
expect_out '^VALID$' "VALID is printed"
expect_out '^status: +valid$' "with its status"
expect_out 'revocation list 1, current until' "resting on revocation list 1"
expect_out 'lookup snapshot 1 of .*, lists the card' "and on snapshot 1, which lists the card"
expect_out "^trust: +CA pinned, SHA-256 $PIN" "and on the pinned CA"

check "suspend the main card" as_role approver suspend "$M" --reason 'employer inquiry' \
	>/dev/null 2>&1
check "publish again" demo_bundle "$B"

expect_exit 1 "the suspended card is refused" "$V" --bundle "$B" --ca-pin "$PIN" "$QM"
expect_out '^SUSPENDED suspended: the card is suspended \(lookup snapshot 2\)' "as SUSPENDED, from snapshot 2"
expect_out '^status: +suspended$' "its status is suspended"
check "VALID is not printed" sh -c "! grep -q '^VALID' \"$T/out\""
expect_exit 1 "--json" "$V" --bundle "$B" --ca-pin "$PIN" --json "$QM"
check "the JSON says SUSPENDED with its basis" python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
assert o["result"] == "SUSPENDED" and o["reason"] == "suspended", o
assert o["status"] == "suspended" and o["authentic"] is True, o
b = o["basis"]
assert b["ca"] == "pinned" and b["ca_sha256"] == sys.argv[2], b
assert b["revocations"]["seq"] == 2 and b["revocations"]["current"] is True, b
assert b["snapshot"]["seq"] == 2 and b["snapshot"]["card_listed"] is True, b
' "$T/out" "$PIN"
expect_exit 1 "the sub-card of the suspended card is refused" "$V" --bundle "$B" --ca-pin "$PIN" "$QS"
expect_out '^SUSPENDED suspended' "as SUSPENDED too"
expect_exit 0 "another card is still VALID" "$V" --bundle "$B" --ca-pin "$PIN" "$QO"
expect_out '^VALID$' "VALID"

check "reinstate the main card" as_role approver reinstate "$M" >/dev/null 2>&1
check "publish again" demo_bundle "$B"
expect_exit 0 "reinstated, the main card is VALID" "$V" --bundle "$B" --ca-pin "$PIN" "$QM"
expect_exit 0 "and so is its sub-card" "$V" --bundle "$B" --ca-pin "$PIN" "$QS"

check "revoke the other card" as_role approver revoke "$O" --reason contract-ended \
	>/dev/null 2>&1
check "publish again" demo_bundle "$B"
check "the bundle has a delta" test -s "$B/revocations-since-3.cose"
expect_exit 1 "the revoked card is refused" "$V" --bundle "$B" --ca-pin "$PIN" "$QO"
expect_out '^INVALID revoked' "as revoked"
expect_out '^status: +revoked$' "its status is revoked"
# The previous full list with the delta from it: the delta is applied.
cp -r "$B" "$T/b1"
cp "$B/revocations-3.cose" "$T/b1/revocations.cose"
expect_exit 1 "list 3 + the delta to 4: the revoked card is refused" "$V" --bundle "$T/b1" --ca-pin "$PIN" "$QO"
expect_out '^INVALID revoked' "as revoked"
expect_out 'revocation list 4,' "by list 4, reached through the delta"

# A bundle with a changed snapshot is refused, not used without it.
cp -r "$B" "$T/b2"
printf 'x' >>"$T/b2/lookup.cose"
expect_exit 3 "a snapshot that does not verify is an environment error" "$V" --bundle "$T/b2" --ca-pin "$PIN" "$QM"
expect_err 'lookup.cose' "naming the file"
expect_exit 2 "--bundle with --revocations" "$V" --bundle "$B" --revocations "$B/revocations.cose" --ca-pin "$PIN" "$QM"
expect_exit 2 "--bundle with --trust" "$V" --bundle "$B" --trust "$B/trust.cose" --ca-pin "$PIN" "$QM"
expect_exit 3 "a missing bundle" "$V" --bundle "$T/nope" --ca-pin "$PIN" "$QM"
done_testing
