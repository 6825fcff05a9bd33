#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A card made at a bank branch's station (issue 17, docs/station.md): real
# pcscd with vpcd and tcard-vcard, tcard-issuerd over TLS with the demo
# authority's keys, two approved green-card applications in the
# branch's production queue, a station certificate from tcard-keys
# station-cert, a real unprivileged cupsd with a file printer, and
# tcard-station between them. The producer (session and CSRF, as 197)
# makes the first card on the station: the station personalises the
# emulated tcard and prints its face. Then: the job says done in at most 4
# round trips, attempt 1; the printer's file is the face PDF (the pages
# and text the office gives the station, ID-1 with bleed), and the QR code
# on its back, read with zbarimg, verifies as the card's credential; the
# production item is made with the CUPS job and its state; the card taps
# VALID with tcard-verify --reader and is delivered. The second card is
# made on a PIV emulation, also in at most 4 round trips. The station's
# directory holds only its
# own key and certificate, its process no file of the authority's home,
# its binary no symbol of the key store, registry or key provider, and
# its log no ID number; it stops on SIGTERM with status 0. First, bad
# settings (a wait out of range, http, a key readable by others) are
# refused with exit 2 and a message naming the line and the setting.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/issuerd-lib.sh"
. "$(dirname "$0")/pcsc-env.sh"
. "$(dirname "$0")/station-lib.sh"
st_env
need_cmd pdfinfo
S1=DEMO-01

# The program itself: --help, and settings refused before anything starts.
expect_exit 0 "tcard-station --help" "$ST" --help
expect_out '^usage: tcard-station --config FILE' "prints its usage"
mkdir -p "$T/bad"
printf 'office https://127.0.0.1:1\noffice-ca /dev/null\ncert /dev/null\nkey %s\nreader r\nwait 25000\n' "$T/bad/k" >"$T/bad/wait.conf"
expect_exit 2 "a wait of 25000 seconds is refused" "$ST" --config "$T/bad/wait.conf"
expect_err 'wait.conf: line 6: wait: ' "naming the file, the line and the setting"
printf 'office http://127.0.0.1:1\n' >"$T/bad/http.conf"
expect_exit 2 "an office without https is refused" "$ST" --config "$T/bad/http.conf"
expect_err 'line 1: office: ' "naming the line and the setting"
printf 'office https://127.0.0.1:1\noffice-ca /dev/null\ncert /dev/null\nkey %s\nreader r\n' "$T/bad/k" >"$T/bad/key.conf"
(umask 022; echo key >"$T/bad/k")
expect_exit 2 "a station key readable by others is refused" "$ST" --config "$T/bad/key.conf"
expect_err 'chmod 600' "saying how to fix it"

bail "the office: 2 approved cards, a station certificate, TLS" st_office 2 $S1
bail "cupsd with the card printer" st_cupsd
check "the station's key is mode 600" test "$(stat -c %a "$T/st-$S1/station.key")" = 600

# 1. tcard.
vcard_start 0 "$T/c1.json" --profile tcard || not_ok "a blank tcard inserted"
check "tcard-station starts" st_start $S1
T0=$(date +%s.%N)
check "the producer makes card 1 on the station (201)" make_card "${SERIALS[1]}" $S1
J1=$JOB
check "the make answer names card, station and a job id" \
	test "$(jq_body 'o["card"], o["station"]')" = "('${CARDS[1]}', '$S1')"
check "the job is done" job_wait "$J1" done 90
T1=$(date +%s.%N)
RT=$(jobf round_trips)
echo "# tcard: $RT round trips, $(python3 -c "print('%.3f' % ($T1 - $T0))") s from make to done"
check "tcard: at most 4 round trips ($RT)" test "${RT:-99}" -le 4
check "attempt 1" test "$(jobf attempt)" = 1
check "no error" test -z "$(jobf error)"

# The print: the queue item made, with the CUPS job and its state.
made() {
	as $P GET '/v1/production/queue?state=failed'
	python3 -c 'import json,sys
i = [i for i in json.load(open(sys.argv[1]))["items"] if str(i["serial"]) == sys.argv[2]]
if i: print("# item failed: %s" % i[0].get("reason")); sys.exit(2)' "$T/body" "$1" || return 2
	as $P GET '/v1/production/queue?state=made'
	python3 -c 'import json,sys
i = [i for i in json.load(open(sys.argv[1]))["items"] if str(i["serial"]) == sys.argv[2]]
sys.exit(not (i and i[0]["print_state"] == "completed" and int(i[0]["print_job"]) > 0))' "$T/body" "$1"
}
# made_wait SERIAL: made() within 30 s; a failed item ends the wait.
made_wait() {
	local r
	for _ in $(seq 150); do
		made "$1"; r=$?
		[ $r = 0 ] && return 0
		[ $r = 2 ] && return 1
		sleep 0.2
	done
	return 1
}
check "the production item is made, its CUPS job completed" made_wait "${SERIALS[1]}"
job_wait "$J1" done 5 >/dev/null
check "the job shows the print job and its state" \
	test "$(jobf print_state)" = completed -a "$(jobf print_job)" -gt 0
check "the printer's file is a PDF" sh -c 'head -c 5 "$1" | grep -q "%PDF-"' - "$PRINTED"
check "of ID-1 size with bleed (253.98 x 164.35 pt)" \
	sh -c 'pdfinfo "$1" | grep -qE "^Page size: +253\.98[0-9]* x 164\.35[0-9]* pts"' - "$PRINTED"
curl -s --max-time 20 --cert "$T/st-$S1/station.crt" --key "$T/st-$S1/station.key" \
	-o "$T/face.pdf" -w '%{http_code}' "$URL/v1/station/jobs/$J1/face.pdf" >"$T/status"
check "the station's face route gives the face (200)" status_is 200
check "the printed file is that face (the same two pages, the same text)" sh -c \
	'test "$(pdfinfo "$1" | grep "^Pages:")" = "$(pdfinfo "$2" | grep "^Pages:")" &&
	 test "$(pdftotext "$1" - | md5sum)" = "$(pdftotext "$2" - | md5sum)"' - "$T/face.pdf" "$PRINTED"
# The back's QR code: the card's credential, signed by the office for the
# print, which a service window verifies.
pdftoppm -r 300 -f 2 -l 2 -png "$PRINTED" "$T/back" 2>/dev/null
zbarimg -q --raw "$T/back"*.png >"$T/back.txt" 2>/dev/null
qr_verify() {
	local pin
	"$K" export-trust --home "$H" --out "$T/trust.cose" >/dev/null 2>&1
	pin=$("$K" list --home "$H" | awk '$1 == "sha256" { print $2; exit }')
	"$I" revocations --home "$H" --out "$T/rev.cose" >/dev/null 2>&1
	"$V" --trust "$T/trust.cose" --ca-pin "$pin" --revocations "$T/rev.cose" \
		--json "$(tr -d '\n' <"$T/back.txt")" >"$T/qrv" 2>&1
	python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); sys.exit(not (o["card"] == sys.argv[2] and o["result"] == "VALID"))' "$T/qrv" "$1"
}
check "the printed back's QR verifies as card 1's credential" qr_verify "${CARDS[1]}"
curl -s --max-time 20 -o /dev/null -w '%{http_code}' "$URL/v1/station/jobs/$J1/face.pdf" >"$T/status"
check "without the station certificate it is refused (403)" status_is 403

# What the station holds.
SP=${ST_PID[$S1]}
check "the station's directory holds its settings, key, certificate and log only" \
	test "$(cd "$T/st-$S1" && ls | tr '\n' ' ')" = "log station.conf station.crt station.key "
check "one private key there: the station's" \
	test "$(grep -l 'PRIVATE KEY' "$T/st-$S1"/* | xargs -n1 basename)" = station.key
check "the station key is the certificate's" test \
	"$(openssl pkey -in "$T/st-$S1/station.key" -pubout 2>/dev/null)" = \
	"$(openssl x509 -in "$T/st-$S1/station.crt" -noout -pubkey 2>/dev/null)"
check "the certificate names the station" \
	sh -c 'openssl x509 -in "$1" -noout -subject | grep -q "talentcard station $2"' - "$T/st-$S1/station.crt" $S1
check "the station process has no file of the authority's home open" \
	bash -c "! ls -l /proc/$SP/fd 2>/dev/null | grep -qF '$H'"
check "its binary has no key store, registry, key provider or SQLite symbol" no_key_symbols
expect_no "${IDNS[1]}" "the station's log has no ID number" "$T/st-$S1/log"
check "the station logged its batches" grep -q "job $J1: batch 1:" "$T/st-$S1/log"
st_stop $S1
check "SIGTERM stops the station with status 0" test "$ST_STATUS" = 0
check "it said so" grep -q 'stopped' "$T/st-$S1/log"

# The card taps VALID, and is delivered.
tap_card --json
check "tcard-verify --reader: card 1 is VALID" \
	python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); sys.exit(not (o["result"] == "VALID" and o["card"] == sys.argv[2]))' "$T/out" "${CARDS[1]}"
as demo-card-issuer-1 POST "/v1/production/cards/${SERIALS[1]}/deliver" "{\"id_number\":\"${IDNS[1]}\"}"
check "the card issuer delivers card 1 (made)" status_is 200
vcard_pull 0

# 2. PIV.
vcard_start 0 "$T/c2.json" --profile piv || not_ok "a blank PIV card inserted"
check "tcard-station starts again" st_start $S1
check "the producer makes card 2 on the station" make_card "${SERIALS[2]}" $S1
J2=$JOB
check "the PIV job is done" job_wait "$J2" done 90
RT2=$(jobf round_trips)
echo "# PIV: $RT2 round trips"
check "PIV: at most 4 round trips ($RT2)" test "${RT2:-99}" -le 4
check "card 2 is made, its face printed" made_wait "${SERIALS[2]}"
st_stop $S1
tap_card --json
check "tcard-verify --reader: the PIV card 2 is VALID" \
	python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); sys.exit(not (o["result"] == "VALID" and o["card"] == sys.argv[2]))' "$T/out" "${CARDS[2]}"
as demo-card-issuer-1 POST "/v1/production/cards/${SERIALS[2]}/deliver" "{\"id_number\":\"${IDNS[2]}\"}"
check "card 2 delivered" status_is 200
vcard_pull 0
expect_no "${IDNS[2]}" "no ID number in tcard-issuerd's log" "$T/id.err"
st_logs
done_testing
