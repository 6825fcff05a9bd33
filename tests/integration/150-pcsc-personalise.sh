#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Physical cards over real PC/SC: a private pcscd with the vpcd reader and
# tcard-vcard emulating a tcard applet and a PIV card. Personalisation
# with both profiles (ES256 and SM2 programmes), within 40 APDUs; tap
# verification VALID within 4 APDUs; a blank card is not-personalised; a
# clone (the data copied onto another chip) is refused on both platforms;
# running personalise again on a done chip only checks it; a card number
# is never written to a second chip and a chip never carries a second
# card; a revoked card's chip is refused with the revocation list; the
# registry and the audit log record it all. Made-up people only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pcsc-env.sh"
pcsc_start
pcsc_demo

ES=$(card baiyun-yunju)
SM=$(card chuxiong-xingchu)
PV=$(card guangzhou-green)

# tcard, ES256 programme.
vcard_start 0 "$T/t1.json" --profile tcard || not_ok "card t1 inserted"
expect_exit 1 "a blank tcard is INVALID" tap "$R0"
expect_out '^INVALID not-personalised' "reason not-personalised"
expect_exit 0 "personalise $ES on a tcard" perso "$ES" "$R0" --json
expect_out '"result": "done"' "personalise says done"
check "tcard personalisation in at most 40 APDUs ($(jget apdus))" test "$(jget apdus)" -le 40
check "profile auto found tcard" test "$(jget profile)" = tcard
UID_T1=$(jget uid)
expect_exit 0 "chip show $ES" "$I" chip show "$ES" --home "$H" --json
check "the registry says done" test "$(jget state)" = done
check "the registry has the chip's uid" test "$(jget uid)" = "$UID_T1"
check "the registry has the chip's public key" test -n "$(jget card_key)"
expect_exit 0 "tap on the tcard is VALID" tap "$R0" --json
check "VALID" test "$(jget result)" = VALID
check "the tap read card $ES" test "$(jget card)" = "$ES"
check "the chip signed a fresh challenge" test "$(jget chip.challenge_signed)" = true
check "tap verification in at most 4 APDUs ($(jget chip.apdus))" test "$(jget chip.apdus)" -le 4
expect_exit 0 "tap in text" tap "$R0"
expect_out '^VALID$' "text output says VALID"
expect_out 'signed a fresh challenge' "text output shows the chip's proof"
expect_exit 0 "personalise $ES again on the same chip only checks it" perso "$ES" "$R0" --json
check "was_complete" test "$(jget was_complete)" = true
OTHER=$(card baiyun-yunju 2)
expect_exit 1 "a chip never carries a second card" perso "$OTHER" "$R0"
expect_err 'carries card' "the refusal names the card the chip carries"
vcard_pull 0

# A second tcard for the same card number is refused; SM2 programme on it.
vcard_start 0 "$T/t2.json" --profile tcard || not_ok "card t2 inserted"
expect_exit 1 "a card number is never written to a second chip" perso "$ES" "$R0"
expect_err 'personalised on chip' "the refusal names the first chip"
expect_exit 0 "personalise the SM2 card $SM on a tcard" perso "$SM" "$R0" --json
expect_exit 0 "tap on the SM2 tcard is VALID" tap "$R0" --json
check "SM2 card VALID" test "$(jget result)" = VALID
check "SM2 card signed the challenge" test "$(jget chip.challenge_signed)" = true
vcard_pull 0

# PIV.
vcard_start 1 "$T/p1.json" --profile piv || not_ok "card p1 inserted"
expect_exit 1 "a blank PIV card is INVALID" tap "$R1"
expect_out '^INVALID not-personalised' "reason not-personalised (PIV)"
expect_exit 0 "personalise $PV on a PIV card" perso "$PV" "$R1" --json
check "PIV personalisation in at most 40 APDUs ($(jget apdus))" test "$(jget apdus)" -le 40
check "profile auto found piv" test "$(jget profile)" = piv
expect_exit 0 "tap on the PIV card is VALID" tap "$R1" --json
check "PIV VALID" test "$(jget result)" = VALID
check "PIV tap in at most 4 APDUs ($(jget chip.apdus))" test "$(jget chip.apdus)" -le 4
# The tap path takes the card's status from the bundle as the QR path does.
appr() { TCARD_PASSPHRASE=$(pass demo-approver-1) "$I" "$@" --as demo-approver-1 --home "$H"; }
btap() { timeout 60 "$V" --bundle "$T/bundle" --ca-pin "$PIN" --reader "$R1" "$@"; }
expect_exit 0 "suspend $PV" appr suspend "$PV" --reason 'employer inquiry'
expect_exit 0 "publish a bundle" "$I" publish --home "$H" --out "$T/bundle"
expect_exit 1 "tap --bundle: the suspended card's chip is refused" btap
expect_out '^SUSPENDED suspended' "as SUSPENDED"
expect_out 'signed a fresh challenge' "though the chip itself is genuine"
expect_exit 0 "reinstate $PV" appr reinstate "$PV"
expect_exit 0 "publish again" "$I" publish --home "$H" --out "$T/bundle"
expect_exit 0 "tap --bundle: reinstated, VALID" btap --json
check "VALID with status valid" test "$(jget result)/$(jget status)" = VALID/valid
vcard_pull 1

# Clones: the data of a personalised card copied onto another chip.
for src in t1 p1; do
	expect_exit 0 "clone the data of $src onto a new chip" \
	    "$TC_BIN/tcard-vcard" --clone-from "$T/$src.json" --state "$T/clone-$src.json"
	vcard_start 1 "$T/clone-$src.json" || not_ok "clone of $src inserted"
	expect_exit 1 "the clone of $src is refused" tap "$R1" --json
	check "clone of $src: INVALID" test "$(jget result)" = INVALID
	check "clone of $src: reason clone" test "$(jget reason)" = clone
	check "clone of $src: its credential itself is genuine" test "$(jget authentic)" = true
	vcard_pull 1
done

# A revoked card (reissued as damaged): its chip is refused with the list.
NEWES=$(fresh "$ES")
check "card $ES reissued as $NEWES" test -n "$NEWES"
expect_exit 0 "write the revocation list" "$I" revocations --out "$T/rev.cose" --home "$H"
vcard_start 0 "$T/t1.json" || not_ok "card t1 inserted again"
expect_exit 1 "the revoked card's chip is refused" tap "$R0" --revocations "$T/rev.cose"
expect_out '^INVALID revoked' "reason revoked"
vcard_pull 0

expect_exit 0 "audit list" "$I" audit list --home "$H" --limit 1000
check "audit: chip.personalise.start entries" test "$(grep -c 'chip\.personalise\.start' "$T/out")" -ge 3
check "audit: chip.personalise.done entries" test "$(grep -c 'chip\.personalise\.done' "$T/out")" -ge 3
expect_exit 0 "audit verify" "$I" audit verify --home "$H"
expect_no "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["id"])' "$T/cards.json")" \
    "no ID number in the card states" "$T"/t1.json "$T"/p1.json
done_testing
