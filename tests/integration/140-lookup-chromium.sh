#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The public lookup page in a real browser: headless Chromium (Debian's
# chromium, driven over --remote-debugging-pipe by cdp-lookup.py) with
# JavaScript disabled and a phone-sized screen opens /lookup of a
# tcard-verifierd on a free loopback port, taps and types the card number,
# name and ID number of a demo card, taps the button and reads the answer:
# valid for the holder's own details, no-match for a wrong name; the page
# fits the phone's width. Made-up people only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/verifierd-lib.sh"
vd_env
CHROMIUM=$(command -v chromium || true)
if [ -z "$CHROMIUM" ]; then echo "1..0 # SKIP chromium is not installed"; exit 77; fi
vd_demo
check "the daemon" start_vd a --bundle "$B" --pepper "$H/keys/pepper.key"
C=$(card_field 5 1) N=$(card_field 5 4) ID=$(card_field 5 6)
SPACED=$(echo "$C" | sed 's/\(....\)/\1 /g')

browse() { # browse TAG CARD NAME ID: the answer's JSON in $T/TAG.json
	mkdir -p "$T/profile-$1"
	timeout 120 python3 "$(dirname "$0")/cdp-lookup.py" "$CHROMIUM" \
		"$T/profile-$1" "$URL_a/lookup" "$2" "$3" "$4" >"$T/$1.json" 2>"$T/$1.err" ||
		{ grep -v dbus "$T/$1.err" | tail -n 5 | sed 's/^/# err: /'; return 1; }
}
check "Chromium fills in the form (the holder's details)" browse valid "$SPACED" "$N" "$ID"
check "the page answers valid" python3 -c '
import json, sys
o = json.load(open(sys.argv[1], encoding="utf-8"))
assert o["result"] == "valid", o
assert "有效" in o["text"] and "Valid" in o["text"]
assert not o["overflow"], "wider than a phone"
' "$T/valid.json"
check "Chromium fills in a wrong name" browse wrong "$C" "某某某" "$ID"
check "the page answers no match" python3 -c '
import json, sys
o = json.load(open(sys.argv[1], encoding="utf-8"))
assert o["result"] == "no-match", o
assert "No match" in o["text"]
' "$T/wrong.json"
check "the form went to /lookup by POST" wait_for 5 grep -q '"method":"POST","path":"/lookup","endpoint":"page","status":200,"result":"valid"' "$T/a.log"
expect_no "$ID" "the ID number is in no log line" "$T/a.log"
done_testing
