#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Two readers used at once, as two stations of a branch: a tcard in the
# first and a PIV card in the second are personalised by two processes at
# the same time (one registry), then both are verified at the same time;
# then each card moves to the other reader and still verifies.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pcsc-env.sh"
pcsc_start
pcsc_demo
A=$(card baiyun-yunju)
B=$(card guangzhou-green)

vcard_start 0 "$T/a.json" --profile tcard || not_ok "card a inserted"
vcard_start 1 "$T/b.json" --profile piv || not_ok "card b inserted"
perso "$A" "$R0" >"$T/pa.out" 2>"$T/pa.err" &
pa=$!
perso "$B" "$R1" >"$T/pb.out" 2>"$T/pb.err" &
pb=$!
wait $pa; sa=$?
wait $pb; sb=$?
check "personalise $A in reader 0 (at the same time)" test $sa -eq 0
check "personalise $B in reader 1 (at the same time)" test $sb -eq 0
[ $sa -eq 0 ] || sed 's/^/# a: /' "$T/pa.err"
[ $sb -eq 0 ] || sed 's/^/# b: /' "$T/pb.err"
tap "$R0" >"$T/va.out" 2>&1 &
pa=$!
tap "$R1" >"$T/vb.out" 2>&1 &
pb=$!
wait $pa; sa=$?
wait $pb; sb=$?
check "verify reader 0 (at the same time): VALID" sh -c 'test $1 -eq 0 && grep -q "^VALID" "$2"' - $sa "$T/va.out"
check "verify reader 1 (at the same time): VALID" sh -c 'test $1 -eq 0 && grep -q "^VALID" "$2"' - $sb "$T/vb.out"
check "reader 0 had card $A" grep -q "card: *${A:0:4} ${A:4:4} ${A:8:4} ${A:12:4}" "$T/va.out"
check "reader 1 had card $B" grep -q "card: *${B:0:4} ${B:4:4} ${B:8:4} ${B:12:4}" "$T/vb.out"
vcard_pull 0
vcard_pull 1
vcard_start 0 "$T/b.json" || not_ok "card b in reader 0"
vcard_start 1 "$T/a.json" || not_ok "card a in reader 1"
expect_exit 0 "card b verifies in reader 0" tap "$R0"
expect_exit 0 "card a verifies in reader 1" tap "$R1"
expect_exit 0 "both chips are done in the registry" sh -c \
    '"$1" chip show "$2" --home "$4" | grep -q "state: *done" && "$1" chip show "$3" --home "$4" | grep -q "state: *done"' \
    - "$I" "$A" "$B" "$H"
done_testing
