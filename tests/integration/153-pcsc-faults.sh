#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Reader and card trouble gives a clear message and exit 3 (or INVALID when
# the card answers but cannot prove itself), never a crash or a hang: a
# card that hangs (the deadline of --timeout), a one-byte reply, a
# truncated or over-long reply, wrong status words, endless 61XX and 6CXX
# chains, a card pulled mid-tap, an empty reader, waiting for a card that
# never comes, an unknown reader, another program holding the card
# (sharing violation), a bad R-MAC in the secure channel during
# personalisation (which a second run then completes), pcscd going away
# while a card hangs, and no pcscd at all.
# Every client runs under timeout(1): a hang would fail the test.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pcsc-env.sh"
pcsc_start
pcsc_demo
ES=$(card baiyun-yunju)

vcard_start 0 "$T/base.json" --profile tcard || not_ok "base card inserted"
expect_exit 0 "personalise a card to fault with" perso "$ES" "$R0"
vcard_pull 0

# tap_fault DESC STATUS PATTERN FAULT...: a copy of the card with a fault.
tap_fault() {
	local d=$1 want=$2 pat=$3
	shift 3
	cp "$T/base.json" "$T/f.json"
	vcard_start 0 "$T/f.json" "$@" || not_ok "$d: card inserted"
	expect_exit "$want" "$d: exit $want" tap "$R0" --timeout 2
	if [ "$want" -eq 3 ]; then expect_err "$pat" "$d: says '$pat'"
	else expect_out "$pat" "$d: says '$pat'"; fi
	vcard_pull 0
}
tap_fault "a card that hangs" 3 'no answer in time' --hang-at 2
tap_fault "a one-byte reply" 3 'fewer than a status word' --short-at 1
tap_fault "a truncated reply" 3 'gave [0-9]+ bytes, expected' --truncate-at 2
tap_fault "an over-long reply" 3 'more than the [0-9]+ asked for' --long-at 2
tap_fault "an endless 61XX chain" 3 'kept answering 61XX' --loop61-at 2
tap_fault "an endless 6CXX chain" 3 'resend .* more than' --loop6c-at 2
tap_fault "a card pulled mid-tap" 3 'removed' --exit-at 3
tap_fault "6A82 to READ BINARY" 1 '^INVALID not-personalised' --sw-at 2:6A82
tap_fault "6F00 to INTERNAL AUTHENTICATE" 1 '^INVALID clone' --sw-at 3:6F00
tap_fault "an answer to SELECT that is not an FCI" 3 'SELECT answer' --truncate-at 1

expect_exit 3 "an empty reader" tap "$R1"
expect_err 'no card in the reader' "an empty reader says so"
expect_exit 3 "waiting 1 s for a card that never comes" tap "$R1" --wait 1
expect_err 'no card' "the wait says no card came"
expect_exit 3 "an unknown reader" tap "No Such Reader"
expect_err "no reader 'No Such Reader' \\(readers: '$R0', '$R1'\\)" "an unknown reader lists the readers"
expect_exit 3 "personalise on an unknown reader" perso "$ES" "No Such Reader"
expect_exit 2 "a bad --timeout is a usage error" tap "$R0" --timeout 0

# Another program holds the card exclusively.
cp "$T/base.json" "$T/f.json"
vcard_start 0 "$T/f.json" || not_ok "held card inserted"
coproc HOLD { "$TC_BIN/tcard-vcard" --hold-reader "$R0" --timeout 10; }
# bash unsets HOLD and HOLD_PID once the coprocess ends: keep them.
hold_pid=$HOLD_PID hold_in=${HOLD[1]}
read -r line <&"${HOLD[0]}"
check "the card is held exclusively ($line)" test "${line%% *}" = holding
expect_exit 3 "tap on a card held by another program" tap "$R0"
expect_err 'sharing violation' "says sharing violation"
exec {hold_in}>&-
wait "$hold_pid" 2>/dev/null
expect_exit 0 "the card is usable again once released" tap "$R0"
vcard_pull 0

# A bad R-MAC in the secure channel during personalisation.
C2=$(fresh "$(card baiyun-yunju 2)")
vcard_start 0 "$T/mac.json" --profile tcard --bad-mac-at 4 || not_ok "card with a bad MAC inserted"
expect_exit 3 "a bad R-MAC stops personalisation" perso "$C2" "$R0"
expect_err 'R-MAC' "the error names the R-MAC"
expect_err 'personalisation incomplete' "and says the registry is incomplete"
vcard_pull 0
vcard_start 0 "$T/mac.json" || not_ok "card reinserted"
expect_exit 0 "personalise again completes it" perso "$C2" "$R0"
expect_exit 0 "VALID" tap "$R0"
vcard_pull 0

# pcscd (and with it the reader) goes away while a card hangs mid-tap.
cp "$T/base.json" "$T/f.json"
vcard_start 0 "$T/f.json" --hang-at 2 --verbose || not_ok "hanging card inserted"
tap "$R0" --timeout 30 >"$T/gone.out" 2>&1 &
tp=$!
timeout 20 sh -c 'until grep -q "fault: hanging" "$1"; do sleep 0.05; done' - "$T/vcard0.log"
kill "$PCSCD_PID" && wait "$PCSCD_PID" 2>/dev/null
PCSCD_PID=
wait $tp
check "pcscd gone during a tap: exit 3 at once (not the 30 s deadline)" test $? -eq 3
check "it says the connection to pcscd was lost" grep -q 'connection to pcscd was lost' "$T/gone.out"
pcsc_stop

# No pcscd at all.
pcsc_stop
expect_exit 3 "tap without pcscd" tap "$R0"
expect_err 'pcscd is not running' "says pcscd is not running"
expect_exit 3 "personalise without pcscd" perso "$ES" "$R0"
expect_err 'pcscd is not running' "personalise says pcscd is not running"
done_testing
