#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tcard-verify accepts a trust list only when it chains to a pinned CA
# (--ca-pin HEX or $TCARD_CA_PIN): another key store's self-consistent
# trust list with a card its signer made is refused without a pin (usage,
# exit 2) and with the first authority's pin (exit 3); --trust-unpinned
# accepts it on request and the verdict says so (text and JSON basis);
# the tap path takes the same options. Made-up people only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/verifierd-lib.sh"
verify_env

# The genuine authority's pin, and a foreign authority's bundle and card.
H=$T/h
check "the genuine authority" demo_bundle "$T/b1"
PIN=$(ca_pin)
H=$T/foreign
check "a foreign authority (another key store)" demo_bundle "$T/b2"
PIN2=$(ca_pin)
check "two different CAs" test "$PIN" != "$PIN2"
C=$(card_field 1 1)
Q=$(qr_line "$C")
check "a card the foreign signer made" test -n "$Q"
TR=$T/b2/trust.cose REV=$T/b2/revocations.cose

expect_exit 2 "the foreign trust list without a pin is refused" "$V" --trust "$TR" --revocations "$REV" "$Q"
expect_err 'no CA pin: give --ca-pin HEX' "and says a pin is needed"
check "nothing VALID is printed" test ! -s "$T/out"
expect_exit 2 "the foreign bundle without a pin is refused" "$V" --bundle "$T/b2" "$Q"
expect_exit 3 "with the genuine authority's pin it is refused" "$V" --trust "$TR" --revocations "$REV" --ca-pin "$PIN" "$Q"
expect_err 'trust list' "as a trust list error"
TCARD_CA_PIN=$PIN expect_exit 3 "\$TCARD_CA_PIN is a pin as well" "$V" --bundle "$T/b2" "$Q"
TCARD_CA_PIN=nothex expect_exit 2 "a malformed \$TCARD_CA_PIN" "$V" --bundle "$T/b2" "$Q"
expect_err 'TCARD_CA_PIN: expected 64 hex digits' "is named"

expect_exit 0 "--trust-unpinned accepts it on request" "$V" --trust "$TR" --revocations "$REV" --trust-unpinned "$Q"
expect_out '^VALID$' "VALID"
expect_out "^trust: +CA NOT PINNED \(--trust-unpinned\).*$PIN2" "and states the CA was not pinned, with its SHA-256"
expect_exit 0 "--trust-unpinned --json" "$V" --bundle "$T/b2" --trust-unpinned --json "$Q"
check "the JSON basis says unpinned" python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
assert o["result"] == "VALID" and o["basis"]["ca"] == "unpinned", o
assert o["basis"]["ca_sha256"] == sys.argv[2], o
' "$T/out" "$PIN2"
expect_exit 0 "its own pin accepts it" "$V" --bundle "$T/b2" --ca-pin "$PIN2" "$Q"
expect_out "^trust: +CA pinned, SHA-256 $PIN2" "as pinned"
TCARD_CA_PIN=$PIN2 expect_exit 0 "so does \$TCARD_CA_PIN" "$V" --bundle "$T/b2" "$Q"
expect_exit 2 "a pin and --trust-unpinned contradict" "$V" --bundle "$T/b2" --ca-pin "$PIN2" --trust-unpinned "$Q"

# The tap path: the same rules before any reader is opened.
expect_exit 2 "--reader without a pin is refused" "$V" --reader nosuchreader --trust "$TR" --revocations "$REV"
expect_err 'no CA pin' "for the same reason"
expect_exit 3 "--reader with the genuine pin: the foreign list is refused" "$V" --reader nosuchreader --trust "$TR" --revocations "$REV" --ca-pin "$PIN"
expect_err 'trust list' "as a trust list error"
done_testing
