#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The PIV clients packaged in Debian 12 read the PIV-personalised emulated
# card (docs/card-pcsc.md, "PIV clients"): yubico-piv-tool (libykpiv),
# OpenSC's piv-tool, pkcs15-tool and pkcs11-tool over opensc-pkcs11,
# GnuTLS's p11tool over opensc-pkcs11, and ykcs11 (through pkcs11-tool and
# p11tool); two of them sign with key 9E. What each reads is checked against the registry and the CA:
# the 9E certificate verifies against the talentcard CA, names the card
# number, holds the key the registry records, and is the same certificate
# (same serial) whichever client read it; the card's GUID is the registry's
# chip uid. A client that cannot work with a non-Yubico card for a reason
# outside our control is a skip with that reason (CACKey, CoolKey, ykman;
# ykcs11 on a reader whose name does not start with "Yubico"). The card still
# verifies with tcard-verify after all of them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pcsc-env.sh"
command -v pkcs11-tool >/dev/null || pcsc_skip "opensc is not installed (scripts/install-deps)"
OP=/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so
YK=/usr/lib/x86_64-linux-gnu/libykcs11.so
CACKEY=/usr/lib/pkcs11/libcackey.so
COOLKEY=/usr/lib/pkcs11/libcoolkeypk11.so
export OPENSC_CONF=/dev/null

# skip DESC REASON: a TAP test that could not run, with its reason.
skip() { _n=$((_n + 1)); echo "ok $_n - $1 # SKIP $2"; }
# limited DESC REASON CHECK...: a client that cannot read this card for
# REASON, outside talentcard: a skip with the reason while CHECK still
# shows it, a failure once it does not (the client changed: update
# docs/card-piv.md and this test).
limited() {
	local d=$1 why=$2
	shift 2
	if "$@"; then skip "$d" "$why"
	else not_ok "$d: no longer \"$why\" (update docs/card-piv.md and this test)"; fi
}
# lacks PATTERN FILE: FILE has no line matching PATTERN.
lacks() { ! grep -q -- "$1" "$2"; }
# der FILE.pem: the certificate's DER as hex, to compare what clients read.
der() { openssl x509 -in "$1" -outform DER | od -An -tx1 | tr -d ' \n'; }
# same_cert DESC FILE.pem: FILE is the certificate yubico-piv-tool or
# OpenSC read first ($T/ref.pem).
same_cert() { check "$1" test "$(der "$2")" = "$(der "$T/ref.pem")"; }

pcsc_start
pcsc_demo
C=$(card guangzhou-green)
vcard_start 1 "$T/p.json" --profile piv || not_ok "PIV card inserted"
expect_exit 0 "personalise $C on the PIV card" perso "$C" "$R1"
"$I" chip show "$C" --home "$H" --json >"$T/chip"
KEY=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["card_key"])' "$T/chip")
UID_=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["uid"])' "$T/chip")
# The uncompressed point 04||X||Y ends the registry's SubjectPublicKeyInfo.
POINT=${KEY: -130}

# check_cert DESC FILE.pem: verifies against the CA, names the card, holds
# the registry's key.
check_cert() {
	local who=$1 f=$2
	check "$who: the certificate is PEM" grep -q 'BEGIN CERTIFICATE' "$f"
	expect_exit 0 "$who: openssl verify against the talentcard CA" \
		openssl verify -CAfile "$H/keys/ca.crt" "$f"
	expect_exit 0 "$who: openssl x509 -subject" openssl x509 -in "$f" -noout -subject
	expect_out "CN *= *talentcard card $C\$" "$who: the subject names the card number"
	check "$who: the certificate holds the key the registry records" test \
		"$(openssl x509 -in "$f" -noout -pubkey | openssl pkey -pubin -outform DER |
			od -An -tx1 | tr -d ' \n')" = "$KEY"
}

# yubico-piv-tool (libykpiv): connects with T=1 only and sends SELECT
# without Le; before the emulator answered as a T=1 card it stopped at
# "Failed selecting application: 6137".
if command -v yubico-piv-tool >/dev/null; then
	expect_exit 0 "yubico-piv-tool -a status" timeout 60 yubico-piv-tool -r "$R1" -a status
	expect_out "^CHUID:[[:space:]]+[0-9a-f]+" "yubico-piv-tool: the CHUID is read"
	expect_out "^Slot 9e:" "yubico-piv-tool: slot 9E holds a certificate"
	expect_out "Subject DN:[[:space:]]+CN=talentcard card $C\$" "yubico-piv-tool: its subject names the card number"
	expect_out "PIN tries left:[[:space:]]+3" "yubico-piv-tool: the PIN retry counter"
	expect_exit 0 "yubico-piv-tool -a read-certificate -s 9e" \
		timeout 60 yubico-piv-tool -r "$R1" -a read-certificate -s 9e
	cp "$T/out" "$T/ref.pem"
	check_cert "yubico-piv-tool" "$T/ref.pem"
	expect_exit 0 "yubico-piv-tool -a test-signature -s 9e" \
		timeout 60 yubico-piv-tool -r "$R1" -a test-signature -s 9e -i "$T/ref.pem"
	expect_err "Successful ECDSA verification" \
		"yubico-piv-tool: key 9E signs, and the certificate's key verifies it"
	expect_exit 1 "yubico-piv-tool: slot 9A is empty (the card holds only 9E)" \
		timeout 60 yubico-piv-tool -r "$R1" -a read-certificate -s 9a
	expect_err "Failed fetching certificate" "yubico-piv-tool says so"
	# The emulator's PIV PIN is the factory 123456 (docs/card-pcsc.md).
	expect_exit 0 "yubico-piv-tool -a verify-pin" \
		timeout 60 yubico-piv-tool -r "$R1" -a verify-pin -P 123456
	expect_err "Successfully verified PIN" "yubico-piv-tool: the PIN verifies"
	expect_exit 1 "yubico-piv-tool: a wrong PIN is refused" \
		timeout 60 yubico-piv-tool -r "$R1" -a verify-pin -P 654321
else
	skip "yubico-piv-tool" "yubico-piv-tool is not installed (scripts/install-deps)"
fi

# OpenSC: its PIV driver (piv-tool, pkcs15-tool) and its PKCS#11 module.
expect_exit 0 "piv-tool -n" timeout 60 piv-tool -r 1 -n
expect_out 'Personal Identity Verification Card' "piv-tool: a PIV card"
expect_exit 0 "piv-tool --serial" timeout 60 piv-tool -r 1 --serial
check "piv-tool: the serial (the CHUID's GUID) is the registry's chip uid" test \
	"$(head -n 1 "$T/out" | cut -c 1-47 | tr -d ' ' | tr 'A-F' 'a-f')" = "$UID_"
expect_exit 0 "pkcs15-tool --read-certificate 04" timeout 60 pkcs15-tool -r 1 --read-certificate 04
cp "$T/out" "$T/p15.pem"
if [ -f "$T/ref.pem" ]; then
	same_cert "pkcs15-tool reads the certificate yubico-piv-tool read" "$T/p15.pem"
else
	cp "$T/p15.pem" "$T/ref.pem"
	check_cert "pkcs15-tool" "$T/ref.pem"
fi
SERIAL=$(openssl x509 -in "$T/ref.pem" -noout -serial | sed 's/^serial=//')
expect_exit 0 "pkcs11-tool (opensc-pkcs11) -L" timeout 60 pkcs11-tool --module "$OP" -L
expect_out "token label +: talentcard card $C\$" "opensc-pkcs11: the token label names the card number"
expect_exit 0 "pkcs11-tool (opensc-pkcs11) -O" timeout 60 pkcs11-tool --module "$OP" -O
expect_out "label: +Certificate for Card Authentication" "opensc-pkcs11: the 9E certificate object"
expect_out "subject: +DN: CN=talentcard card $C\$" "opensc-pkcs11: its subject names the card number"
expect_out "serial: +$SERIAL\$" "opensc-pkcs11: its serial is the certificate's"
expect_out "EC_POINT: +0441$POINT\$" "opensc-pkcs11: the public key is the registry's"
expect_out "label: +CARD AUTH key" "opensc-pkcs11: the 9E private key object"
echo "signed by the card" >"$T/data"
openssl x509 -in "$T/ref.pem" -noout -pubkey >"$T/pub.pem"
expect_exit 0 "pkcs11-tool (opensc-pkcs11) --sign with key 04 (9E)" \
	timeout 60 pkcs11-tool --module "$OP" --login --pin 123456 --sign --id 04 \
	-m ECDSA-SHA256 --signature-format openssl -i "$T/data" -o "$T/sig"
expect_exit 0 "opensc-pkcs11: the certificate's key verifies the signature" \
	openssl dgst -sha256 -verify "$T/pub.pem" -signature "$T/sig" "$T/data"

# GnuTLS's p11tool over opensc-pkcs11.
if command -v p11tool >/dev/null; then
	expect_exit 0 "p11tool --list-all-certs (opensc-pkcs11)" \
		timeout 60 p11tool --provider "$OP" --list-all-certs
	expect_out "Label: Certificate for Card Authentication" "p11tool: the 9E certificate"
	URL=$(sed -n 's/^[[:space:]]*URL: //p' "$T/out" | head -n 1)
	expect_exit 0 "p11tool --export" timeout 60 p11tool --provider "$OP" --export "$URL"
	cp "$T/out" "$T/p11tool.pem"
	same_cert "p11tool exports the same certificate" "$T/p11tool.pem"
else
	skip "p11tool" "gnutls-bin is not installed (scripts/install-deps)"
fi

# ykcs11 only takes readers whose name starts with "Yubico"
# (is_yubico_reader() in yubico-piv-tool 2.2.0's ykcs11): it lists no slot
# for this card's reader. The same card in a reader named "Yubico ..."
# below shows that the card itself is not the obstacle.
if [ -f "$YK" ]; then
	expect_exit 1 "pkcs11-tool (ykcs11) -L on '$R1'" timeout 60 pkcs11-tool --module "$YK" -L
	limited "ykcs11 on reader '$R1'" "ykcs11 takes only readers whose name starts with 'Yubico'" \
		grep -q "No slots" "$T/err"
else
	skip "ykcs11" "ykcs11 is not installed (scripts/install-deps)"
fi

# CACKey (a CAC/PIV PKCS#11 module): it finds the PIV application but
# reads only the certificates of the keys 9A, 9C and 9D, so a card that
# holds only 9E (card authentication) shows as a token without objects.
if [ -f "$CACKEY" ]; then
	expect_exit 0 "pkcs11-tool (CACKey) -O" timeout 60 pkcs11-tool --module "$CACKEY" -O
	limited "CACKey lists the card's certificate" \
		"CACKey reads only the certificates of 9A, 9C and 9D, and the card holds only 9E" \
		lacks "Certificate Object" "$T/out"
fi

# CoolKey: it recognises CoolKey and CAC applets, not PIV, so it shows the
# reader as empty.
if [ -f "$COOLKEY" ]; then
	expect_exit 0 "pkcs11-tool (CoolKey) -L" timeout 60 pkcs11-tool --module "$COOLKEY" -L
	limited "CoolKey reads the card" "CoolKey supports CoolKey and CAC applets, not PIV" \
		lacks "token label" "$T/out"
fi

# yubikey-manager (ykman, yubikit): its PIV session starts with Yubico's
# GET VERSION (INS FD), which a card that is not a YubiKey refuses (6D00),
# so ykman reads nothing from any other PIV card.
if command -v ykman >/dev/null; then
	expect_exit 1 "ykman piv info" timeout 60 ykman --reader "$R1" piv info
	limited "ykman reads the card" \
		"ykman's PIV session needs Yubico's GET VERSION (INS FD), which only YubiKeys answer" \
		grep -q "SW=0x6d00" "$T/err"
fi
expect_exit 0 "tcard-verify after every client: VALID" tap "$R1"

# The same card in readers named "Yubico Virtual PCD" (pcscd restarted):
# ykcs11 now takes the reader and reads the card's PIV objects.
if [ -f "$YK" ]; then
	pcsc_stop
	PCSC_NAME="Yubico Virtual PCD"
	pcsc_start
	R1=$PCSC_READER1
	vcard_start 1 "$T/p.json" || not_ok "the card in '$R1'"
	expect_exit 0 "pkcs11-tool (ykcs11) -L" timeout 60 pkcs11-tool --module "$YK" -L
	expect_out "Slot 1 \(0x1\): $R1" "ykcs11: the reader named Yubico is a slot"
	expect_out "token label +: YubiKey PIV" "ykcs11: it holds a token"
	expect_exit 0 "pkcs11-tool (ykcs11) -O" timeout 60 pkcs11-tool --module "$YK" -O
	expect_out "label: +X.509 Certificate for Card Authentication" "ykcs11: the 9E certificate"
	expect_out "subject: +DN: CN=talentcard card $C\$" "ykcs11: its subject names the card number"
	expect_out "serial: +$SERIAL\$" "ykcs11: its serial is the certificate's"
	expect_out "EC_POINT: +0441$POINT\$" "ykcs11: the public key is the registry's"
	if command -v p11tool >/dev/null; then
		expect_exit 0 "p11tool --list-all-certs (ykcs11)" \
			timeout 60 p11tool --provider "$YK" --list-all-certs
		URL=$(sed -n 's/^[[:space:]]*URL: //p' "$T/out" | head -n 1)
		expect_exit 0 "p11tool --export (ykcs11)" timeout 60 p11tool --provider "$YK" --export "$URL"
		cp "$T/out" "$T/yk-p11tool.pem"
		same_cert "p11tool over ykcs11 exports the same certificate" "$T/yk-p11tool.pem"
	fi
	expect_exit 0 "tcard-verify in the renamed reader: VALID" tap "$R1"
fi
done_testing
