#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tcard-keys, run as a security officer would: init for both algorithms,
# modes of the files, list --json, refusing to overwrite and --force,
# refusing a badly protected key, rotate-signer (per algorithm: init makes a
# current signer of each), add-signer, both export-trust forms
# (the PEM checked with openssl), every --help and the usage errors.
. "$(dirname "$0")/lib.sh"
K=$TC_BIN/tcard-keys
export TCARD_NOW=2026-01-01
unset TCARD_HOME

if [ ! -x "$K" ]; then
	echo "# $K not built"
	echo "1..0 # SKIP tcard-keys not built"
	exit 77
fi

# json FILE PYTHON-EXPR: passes when the expression over d (the JSON) holds.
json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2"; }
mode() { stat -c %a "$1"; }
quiet() { "$@" >/dev/null 2>&1; }

for alg in es256 sm2; do
	H=$T/$alg
	A=$(echo "$alg" | tr a-z A-Z)
	if [ "$alg" = es256 ]; then o=sm2; else o=es256; fi
	O=$(echo "$o" | tr a-z A-Z)
	expect_exit 0 "$alg: init" "$K" init --home "$H" --alg "$alg"
	expect_out "key store made in $H/keys \\($A\\)" "$alg: init says what it made"
	check "$alg: keys directory is mode 700" test "$(mode "$H/keys")" = 700
	bad=0
	for f in "$H"/keys/*; do
		[ "$(mode "$f")" = 600 ] || { echo "# $f is mode $(mode "$f")"; bad=1; }
	done
	check "$alg: every file is mode 600" test $bad = 0
	check "$alg: three secrets, CA, two signer pairs, manifest" test \
	    "$(ls "$H/keys" | tr '\n' ' ')" = \
	    "$(cd "$H/keys" && ls ca.crt ca.key data.key keys.json master.key pepper.key signer-*.crt signer-*.key | sort | tr '\n' ' ')"
	check "$alg: secrets are hex of the right size" test \
	    "$(wc -c <"$H/keys/master.key") $(wc -c <"$H/keys/pepper.key") $(wc -c <"$H/keys/data.key")" = "33 65 65"
	pepper=$(cat "$H/keys/pepper.key")
	expect_no "$pepper" "$alg: init does not print the pepper" "$T/out" "$T/err"

	expect_exit 0 "$alg: list --json" "$K" list --home "$H" --json
	cp "$T/out" "$T/list1.json"
	check "$alg: list --json parses and says $A" json "$T/list1.json" \
	    "d['alg'] == '$A' and len(d['signers']) == 2 and d['signers'][0]['alg'] == '$A' and d['signers'][1]['alg'] == '$O' and all(s['status'] == 'current' for s in d['signers']) and d['ca']['key_present']"
	check "$alg: secrets by name and size only" json "$T/list1.json" \
	    "sorted((s['name'], s['bytes']) for s in d['secrets']) == [('data-key', 32), ('master-key', 16), ('pepper', 32)] and all(set(s) == {'name', 'file', 'bytes', 'present'} for s in d['secrets'])"
	expect_no "$pepper" "$alg: list does not print the pepper" "$T/out" "$T/err"
	expect_exit 0 "$alg: list (text)" "$K" list --home "$H"
	expect_out '^  current  kid [0-9a-f]{16}  '"$A" "$alg: list shows the current signer"

	expect_exit 1 "$alg: init refuses to overwrite" "$K" init --home "$H" --alg "$alg"
	expect_err 'already holds keys' "$alg: and says why"
	check "$alg: the store is unchanged" cmp -s "$T/list1.json" <("$K" list --home "$H" --json)

	expect_exit 0 "$alg: init --force replaces the store" "$K" init --home "$H" --alg "$alg" --force
	"$K" list --home "$H" --json >"$T/list2.json"
	check "$alg: new CA after --force" python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); sys.exit(a["ca"]["sha256"] == b["ca"]["sha256"])' "$T/list1.json" "$T/list2.json"
	check "$alg: two signer pairs (one per algorithm) after --force" test "$(ls "$H"/keys/signer-* | wc -l)" = 4

	chmod 644 "$H/keys/ca.key"
	expect_exit 3 "$alg: a mode 644 ca.key is refused" "$K" export-trust --home "$H" --out "$T/x"
	expect_err 'keys/ca.key is mode 0644: readable by group or others; chmod 600 it' "$alg: the message names the file and mode"
	check "$alg: nothing written" test ! -e "$T/x"
	chmod 640 "$H/keys/ca.key"
	expect_exit 3 "$alg: rotate-signer refuses a mode 640 ca.key" env TCARD_HOME="$H" "$K" rotate-signer
	expect_err 'keys/ca.key is mode 0640' "$alg: naming it"
	chmod 600 "$H/keys/ca.key"
	check "$alg: and rotates nothing" test "$(ls "$H"/keys/signer-* | wc -l)" = 4

	TCARD_NOW=2026-03-01 expect_exit 0 "$alg: rotate-signer" "$K" rotate-signer --home "$H" --json
	cp "$T/out" "$T/rot.json"
	"$K" list --home "$H" --json >"$T/list3.json"
	check "$alg: two signers, old retired, new current" python3 -c '
import json, sys
r = json.load(open(sys.argv[1])); d = json.load(open(sys.argv[2]))
s = d["signers"]
assert [x["status"] for x in s] == ["retired", "current", "current"], s
assert s[0]["alg"] == s[2]["alg"] != s[1]["alg"], s
assert s[2]["kid"] == r["kid"] and s[0]["kid"] == r["retired"]
assert s[2]["created"] == "2026-03-01T00:00:00Z"' "$T/rot.json" "$T/list3.json"
	expect_exit 1 "$alg: add-signer refuses an algorithm that has a current signer" "$K" add-signer --home "$H" --alg "$alg"
	expect_err "already has a current $A signer" "$alg: and says to rotate it"
	TCARD_NOW=2026-03-01 expect_exit 0 "$alg: rotate-signer --alg $o" "$K" rotate-signer --home "$H" --alg "$o" --json
	check "$alg: rotates the $O signer only" python3 -c '
import json, sys
r = json.load(open(sys.argv[1])); d = json.load(open(sys.argv[2]))
s = d["signers"]
assert [x["status"] for x in s] == ["retired", "retired", "current", "current"], s
assert s[1]["kid"] == r["retired"] and s[3]["kid"] == r["kid"] and s[3]["alg"] == sys.argv[3]' "$T/out" <("$K" list --home "$H" --json) "$O"

	export TCARD_NOW=2026-03-01
	expect_exit 0 "$alg: export-trust" "$K" export-trust --home "$H" --out "$T/$alg.cose"
	check "$alg: the trust list is a tagged COSE_Sign1" test "$(head -c 1 "$T/$alg.cose" | od -An -tx1 | tr -d ' ')" = d2
	check "$alg: the trust list file is mode 644" test "$(mode "$T/$alg.cose")" = 644
	expect_exit 0 "$alg: export-trust --pem" "$K" export-trust --home "$H" --pem --out "$T/$alg.pem"
	check "$alg: four certificates in the PEM" test "$(grep -c 'BEGIN CERTIFICATE' "$T/$alg.pem")" = 4
	check "$alg: each preceded by a kid/status comment" test "$(grep -cE '^# talentcard credential signer kid [0-9a-f]{16} alg (ES256|SM2) status (current|retired) not-after ' "$T/$alg.pem")" = 4
	check "$alg: openssl x509 parses the PEM" quiet openssl x509 -in "$T/$alg.pem" -noout -subject
	opts=
	[ "$alg" = sm2 ] && opts="-vfyopt distid:1234567812345678"
	csplit -s -z -f "$T/cert-$alg-" "$T/$alg.pem" '/^# talentcard/' '{*}'
	for c in "$T"/cert-"$alg"-*; do
		check "$alg: openssl verify $(basename "$c") against ca.crt" \
		    quiet openssl verify $opts -CAfile "$H/keys/ca.crt" "$c"
	done
	expect_exit 0 "$alg: export-trust --pem --out - writes to stdout" "$K" export-trust --home "$H" --pem --out -
	check "$alg: the same PEM" cmp -s "$T/out" "$T/$alg.pem"
	TCARD_NOW=2033-01-01 expect_exit 1 "$alg: export-trust refuses once the current signer expired" "$K" export-trust --home "$H" --out "$T/late.cose"
	expect_err 'current signer [0-9a-f]{16} expired' "$alg: and says which"
	export TCARD_NOW=2026-01-01
done

if cmp -s "$T/es256.cose" "$T/sm2.cose"; then not_ok "the two algorithms make different lists"
else ok "the two algorithms make different lists"; fi

# A branch station's certificate, under the station CA (docs/station.md).
mkdir -p "$T/station"
expect_exit 0 "station-cert issues a station's key and certificate" "$K" station-cert --home "$T/es256" --name CHUXIONG-01 --out "$T/station"
check "the station's key is private" test "$(stat -c %a "$T/station/station.key")" = 600
check "the station CA's key is private" test "$(stat -c %a "$T/es256/keys/station-ca.key")" = 600
check "openssl verify station.crt against station-ca.crt" \
    quiet openssl verify -CAfile "$T/es256/keys/station-ca.crt" "$T/station/station.crt"
if openssl verify -CAfile "$T/es256/keys/ca.crt" "$T/station/station.crt" >/dev/null 2>&1; then
	not_ok "station.crt does not chain to the authority's ca.crt"
else ok "station.crt does not chain to the authority's ca.crt"; fi
expect_exit 1 "station-cert refuses to overwrite" "$K" station-cert --home "$T/es256" --name CHUXIONG-01 --out "$T/station"
expect_exit 2 "station-cert refuses a bad name" "$K" station-cert --home "$T/es256" --name "a b" --out "$T/station2"

for c in init list rotate-signer add-signer export-trust station-cert; do
	expect_exit 0 "$c --help" "$K" "$c" --help
	expect_out '^SYNOPSIS' "$c --help is a man-style page"
	expect_out '^EXIT STATUS' "$c --help lists the exit statuses"
done
expect_exit 0 "help export-trust" "$K" help export-trust
expect_exit 0 "--help" "$K" --help
expect_exit 2 "unknown option" "$K" list --home "$T/es256" --bogus
expect_err "unknown option '--bogus'" "the unknown option is named"
expect_exit 2 "unknown algorithm" "$K" init --home "$T/new" --alg rsa
expect_exit 2 "export-trust without --out" "$K" export-trust --home "$T/es256"
expect_exit 2 "no --home and no TCARD_HOME" "$K" list
expect_exit 2 "unexpected argument" "$K" list --home "$T/es256" extra
expect_exit 3 "list without a key store" "$K" list --home "$T/none"
expect_err 'does not exist' "and says so"
expect_exit 0 "TCARD_HOME is the default home" env TCARD_HOME="$T/es256" "$K" list
done_testing
