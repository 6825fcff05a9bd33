#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Pull-safety of a make at a station (docs/station.md, "Pull-safety"):
# the card pulled at several APDUs of the personalisation (tcard-vcard
# --exit-at N, the emulator leaves vpcd when APDU N reaches it), and the
# station killed by pid in the middle of a batch (the card hangs at an APDU:
# tcard-vcard --hang-at, the station blocked on it gets SIGKILL). Each
# time the job fails, the registry says incomplete (or has no record when
# the chip was not yet started) and tcard-verify --reader does not say
# VALID. A second station, with another certificate, then makes the same
# card on the same chip again: done, a later attempt, and the card taps
# VALID once delivered.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/issuerd-lib.sh"
. "$(dirname "$0")/pcsc-env.sh"
. "$(dirname "$0")/station-lib.sh"
st_env
S1=DEMO-01 S2=DEMO-02

bail "the office: 2 approved cards, two station certificates, TLS" st_office 2 $S1 $S2

# chip_state CARD: the registry's record of the card's chip (chip show).
chip_state() {
	"$I" chip show "$1" --home "$H" --json 2>/dev/null |
		python3 -c 'import json,sys
try: print(json.load(sys.stdin)["state"])
except Exception: print("none")'
}
# again SERIAL NAME: make (after start when the item is not to make).
again() {
	make_card "$1" "$2" && return 0
	as $P POST "/v1/production/cards/$1/start"
	make_card "$1" "$2"
}
# not_valid DESC: the card in reader 0 does not tap VALID.
not_valid() {
	tap_card
	! grep -q '^VALID' "$T/out"
}

# 1. Card 1: the card pulled at APDU N, for several N (a first make takes 7
# APDUs on tcard; a resumed one fewer).
ST1=$T/c1.json
n_fail=0
for n in 1 3 5; do
	vcard_start 0 "$ST1" --profile tcard --exit-at $n || not_ok "card 1 inserted (pull at $n)"
	st_start $S1 || not_ok "station 1 starts"
	if again "${SERIALS[1]}" $S1; then
		J=$JOB
		job_wait "$J" failed 60 >/dev/null
		s=$(jobf state)
		if [ "$s" = done ]; then
			# The personalisation took fewer than n APDUs.
			ok "pulled at APDU $n: the make ended before it (done)"
			st_stop $S1
			vcard_pull 0
			break
		fi
		n_fail=$((n_fail + 1))
		check "pulled at APDU $n: the job failed" test "$s" = failed
		check "pulled at APDU $n: the job says why" test -n "$(jobf error)"
	else
		not_ok "pulled at APDU $n: the make was accepted ($(cat "$T/status"))"
	fi
	st_stop $S1
	vcard_wait_gone 0
	c=$(chip_state "${CARDS[1]}")
	check "pulled at APDU $n: the registry is not done ($c)" test "$c" != done
	vcard_start 0 "$ST1" --profile tcard || not_ok "card 1 back in the reader"
	check "pulled at APDU $n: the card does not tap VALID" not_valid
	vcard_pull 0
done

# The second station resumes card 1.
vcard_start 0 "$ST1" --profile tcard || not_ok "card 1 in the reader"
check "station 2 starts" st_start $S2
check "made again on station 2" again "${SERIALS[1]}" $S2
check "done" job_wait "$JOB" done 90
check "a later attempt ($(jobf attempt), after $n_fail failed)" test "$(jobf attempt)" -gt 1
check "the job is station 2's" test "$(jobf station)" = $S2
st_stop $S2
check "the registry says done" test "$(chip_state "${CARDS[1]}")" = done
vcard_pull 0

# 2. Card 2: the station killed in the middle of a batch.
ST2=$T/c2.json
vcard_start 0 "$ST2" --profile tcard --hang-at 4 || not_ok "card 2 inserted (hangs at APDU 4)"
check "station 1 starts" st_start $S1
check "the producer makes card 2 on station 1" make_card "${SERIALS[2]}" $S1
J=$JOB
# The station is in its batch when the card stops answering: kill it then.
hung=1
for _ in $(seq 100); do
	grep -q "job $J: batch" "$T/st-$S1/log" && { hung=0; break; }
	sleep 0.1
done
sleep 1
check "station 1 is running the job's batches" test $hung = 0
kill -KILL "${ST_PID[$S1]}"; wait "${ST_PID[$S1]}" 2>/dev/null
check "the job fails (the relay's deadline)" job_wait "$J" failed 90
check "card 2's registry record is not done" test "$(chip_state "${CARDS[2]}")" != done
vcard_pull 0
vcard_start 0 "$ST2" --profile tcard || not_ok "card 2 back (answering)"
check "card 2 does not tap VALID" not_valid
check "station 2 starts" st_start $S2
check "made again on station 2" again "${SERIALS[2]}" $S2
check "done" job_wait "$JOB" done 90
check "attempt 2" test "$(jobf attempt)" = 2
st_stop $S2
check "the registry says done" test "$(chip_state "${CARDS[2]}")" = done
# No printer here: the station reported the face failed ("no printer
# configured"); the producer marks the card made by hand, as after a
# print elsewhere.
as $P POST "/v1/production/cards/${SERIALS[2]}/start"
as $P POST "/v1/production/cards/${SERIALS[2]}/made"
as demo-card-issuer-1 POST "/v1/production/cards/${SERIALS[2]}/deliver" "{\"id_number\":\"${IDNS[2]}\"}"
check "card 2, marked made by hand, is delivered" status_is 200
tap_card --json
check "card 2 taps VALID" grep -q '"result": *"VALID"' "$T/out"
vcard_pull 0
st_logs
done_testing
