#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A card pulled at every APDU of personalisation, on both profiles: for
# each N from 1 to the number of APDUs a whole personalisation takes, a
# blank chip is pulled when APDU N reaches it (tcard-vcard --exit-at N:
# the command is never executed). Each time personalise fails with exit 3
# and says what happened, the registry says "incomplete" (or has no record
# when the pull came before it was written), the chip is INVALID
# not-personalised at a service window, and running personalise again on
# the same chip completes it: VALID. Each N uses a fresh card number (a
# reissue), as a card number is never written to a second chip. Then the
# answer to the very last APDU is lost (--die-after): the chip is
# complete but the registry still says incomplete, and the next run finds
# the chip complete and records it without personalising it again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pcsc-env.sh"
pcsc_start
pcsc_demo

pull_profile() {
	local profile=$1 slot=$2 base=$3 reader c k n st
	reader=$PCSC_READER0
	[ "$slot" -eq 1 ] && reader=$PCSC_READER1
	# Reference: how many APDUs a whole personalisation takes.
	c=$(fresh "$base")
	vcard_start "$slot" "$T/$profile-ref.json" --profile "$profile" || not_ok "$profile: reference card inserted"
	expect_exit 0 "$profile: reference personalisation of $c" perso "$c" "$reader" --json
	k=$(jget apdus)
	check "$profile: a personalisation takes $k APDUs (at most 40)" test "${k:-99}" -le 40
	vcard_pull "$slot"
	for n in $(seq 1 "${k:-0}"); do
		c=$(fresh "$c")
		st=$T/$profile-pull-$n.json
		vcard_start "$slot" "$st" --profile "$profile" --exit-at "$n" || not_ok "$profile #$n: card inserted"
		expect_exit 3 "$profile: pulled at APDU $n of $k: personalise fails (exit 3)" perso "$c" "$reader" --json
		check "$profile #$n: the failure is reported as card trouble" \
		    grep -qE '"error": "card-(removed|error)"' "$T/out"
		check "$profile #$n: the registry is not done" \
		    grep -qE '"registry": "(incomplete|none)"' "$T/out"
		vcard_wait_gone "$slot"
		"$I" chip show "$c" --home "$H" --json >"$T/chip" 2>/dev/null
		check "$profile #$n: chip show agrees (incomplete or no record)" \
		    sh -c '! grep -q "\"state\": \"done\"" "$1"' - "$T/chip"
		vcard_start "$slot" "$st" --profile "$profile" || not_ok "$profile #$n: card reinserted"
		expect_exit 1 "$profile #$n: the pulled chip does not verify" tap "$reader"
		expect_out '^INVALID not-personalised' "$profile #$n: INVALID not-personalised"
		expect_exit 0 "$profile #$n: personalise again completes it" perso "$c" "$reader" --json
		expect_exit 0 "$profile #$n: the completed chip is VALID" tap "$reader"
		expect_exit 0 "$profile #$n: chip show" "$I" chip show "$c" --home "$H" --json
		check "$profile #$n: the registry says done" test "$(jget state)" = done
		vcard_pull "$slot"
	done
	# The answer to the last APDU is lost: the chip is complete.
	c=$(fresh "$c")
	st=$T/$profile-lost.json
	vcard_start "$slot" "$st" --profile "$profile" --die-after "$k" || not_ok "$profile lost: card inserted"
	expect_exit 3 "$profile: the last answer lost: personalise fails" perso "$c" "$reader" --json
	check "$profile lost: the registry says incomplete" grep -q '"registry": "incomplete"' "$T/out"
	vcard_wait_gone "$slot"
	vcard_start "$slot" "$st" --profile "$profile" || not_ok "$profile lost: card reinserted"
	expect_exit 0 "$profile lost: personalise again" perso "$c" "$reader" --json
	check "$profile lost: it found the chip complete" test "$(jget was_complete)" = true
	expect_exit 0 "$profile lost: VALID" tap "$reader"
	vcard_pull "$slot"
}

pull_profile tcard 0 "$(card baiyun-yunju)"
pull_profile piv 1 "$(card guangzhou-green)"
done_testing
