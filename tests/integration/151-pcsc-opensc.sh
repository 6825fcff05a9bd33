#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# An independent client reads the PIV-personalised emulated card: OpenSC's
# PIV driver recognises it (opensc-tool -n, piv-tool), pkcs15-tool lists
# the card-authentication certificate and reads it; the certificate is
# issued by the talentcard CA (openssl verify), names the card number and
# holds the very key the credential and the registry name; and the card
# still verifies with tcard-verify after OpenSC used it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pcsc-env.sh"
command -v pkcs15-tool >/dev/null || pcsc_skip "opensc (pkcs15-tool) is not installed (scripts/install-deps)"
pcsc_start
pcsc_demo
C=$(card guangzhou-green)
export OPENSC_CONF=/dev/null

vcard_start 1 "$T/p.json" --profile piv || not_ok "PIV card inserted"
expect_exit 0 "personalise $C on the PIV card" perso "$C" "$R1"
expect_exit 0 "opensc-tool -n" timeout 60 opensc-tool -r 1 -n
expect_out 'Personal Identity Verification Card' "OpenSC's PIV driver takes the card"
expect_exit 0 "piv-tool -n" timeout 60 piv-tool -r 1 -n
expect_out 'Personal Identity Verification Card' "piv-tool names it too"
expect_exit 0 "pkcs15-tool --list-certificates" timeout 60 pkcs15-tool -r 1 --list-certificates
expect_out 'Certificate for Card Authentication' "the 9E certificate is listed"
expect_exit 0 "pkcs15-tool -D" timeout 60 pkcs15-tool -r 1 -D
expect_out "talentcard card $C" "the token label names the card number"
expect_out 'Key ref +: 158 \(0x9E\)' "the card-authentication key 9E is listed"
expect_exit 0 "pkcs15-tool --read-certificate 04" timeout 60 pkcs15-tool -r 1 --read-certificate 04
cp "$T/out" "$T/cert.pem"
check "the certificate is PEM" grep -q 'BEGIN CERTIFICATE' "$T/cert.pem"
expect_exit 0 "openssl verify against the talentcard CA" openssl verify -CAfile "$H/keys/ca.crt" "$T/cert.pem"
expect_exit 0 "openssl x509 -subject" openssl x509 -in "$T/cert.pem" -noout -subject
expect_out "talentcard card $C" "the subject names the card number"
openssl x509 -in "$T/cert.pem" -noout -pubkey | openssl pkey -pubin -outform DER | od -An -tx1 | tr -d ' \n' >"$T/certkey"
"$I" chip show "$C" --home "$H" --json >"$T/chip"
check "the certificate holds the key the registry records" \
    sh -c 'grep -q "\"card_key\": \"$(cat "$1")\"" "$2"' - "$T/certkey" "$T/chip"
expect_exit 0 "tcard-verify after OpenSC: VALID" tap "$R1"
done_testing
