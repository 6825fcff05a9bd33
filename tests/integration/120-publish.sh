#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tcard-issuer publish on a demo authority: the bundle's files exist (the
# snapshot data file hard-linked as lookup.bin, the programmes the cards
# use, listed with their SHA-256 in lookup.cose); the snapshot answers a lookup of a demo card (valid, with typing
# variants), a wrong name (no-match) and a bad check digit (refused); after
# a revocation a second publish increments the sequence number, writes a
# delta from the first list that applies to give the second, and the card
# answers "revoked"; `tcard-issuer revocations` shares the sequence; --keep
# prunes old lists, deltas and data files; a home without ca.key needs
# --trust; a directory holding a newer list than HOME/revocations.seq is
# not rolled back; no file of the bundle holds a demo holder's ID number
# or name (as printed, or normalised to lower case). Made-up people only.
. "$(dirname "$0")/lib.sh"
I=$TC_BIN/tcard-issuer
K=$TC_BIN/tcard-keys
MB=${TC_BUILD:-$TC_TOP/build}/tests/bench/make-bundle
export TCARD_NOW=2026-11-21T04:00:00Z TCARD_SCRYPT_LN=10
unset TCARD_PASSPHRASE TCARD_HOME

need_prog "$I"
I=$(demo_cli) # demo operators sign in with their TOTP code (lib.sh)
need_prog "$MB"

H=$T/demo
O=$T/bundle
"$I" demo --home "$H" >"$T/lines" 2>/dev/null || { echo "1..0 # SKIP demo failed"; exit 77; }
pass() { awk -F'\t' -v n="$1" '$1 == n { print $4 }' "$H/demo-operators.txt"; }
# field N of the first demo line of programme P
field() { awk -F'\t' -v p="$1" -v f="$2" '$2 == p { print $f; exit }' "$T/lines"; }
now=$(date -u -d "$TCARD_NOW" +%s)
q() { "$MB" query --dir "$O" --home "$H" --now "$now" "$@"; }

expect_exit 2 "publish without --out is a usage error" "$I" publish --home "$H"
expect_exit 2 "--keep 0 is a usage error" "$I" publish --home "$H" --out "$O" --keep 0
check "refused runs wrote nothing" test ! -e "$O"

expect_exit 0 "publish writes a bundle" "$I" publish --home "$H" --out "$O"
ncards=$(wc -l <"$T/lines")
expect_out "^published bundle 1 to .*: $ncards cards, 0 revoked, 0 deltas$" "publish prints a one-line summary"
for f in trust.cose revocations.cose revocations-1.cose lookup.cose lookup-1.bin lookup.bin; do
	check "the bundle holds $f" test -s "$O/$f"
done
check "lookup.bin is a hard link to lookup-1.bin" test "$O/lookup.bin" -ef "$O/lookup-1.bin"
check "the data file is 16 + 32 bytes per card" test "$(stat -c %s "$O/lookup-1.bin")" -eq $((16 + 32 * ncards))
for p in $(cut -f 2 "$T/lines" | sort -u); do
	check "the bundle carries programme $p" test -s "$O/programmes/$p.json"
done
nprog=$(cut -f 2 "$T/lines" | sort -u | wc -l)
expect_exit 0 "the programme files match the SHA-256 lookup.cose signs" "$MB" files --dir "$O" --home "$H" --now "$now"
check "lookup.cose lists the $nprog programmes" test "$(grep -c ' ok$' "$T/out")" -eq "$nprog"
echo ' ' >>"$O/programmes/$(cut -f 2 "$T/lines" | head -n 1).json"
expect_exit 1 "a changed programme file is caught" "$MB" files --dir "$O" --home "$H" --now "$now"
expect_out "bad-signature" "by its hash"
check "HOME/revocations.seq says 1" test "$(cat "$H/revocations.seq")" = 1
check "no temporary file is left" sh -c '! ls -A "$1" | grep -q "^\."' - "$O"

# Lookups against the published snapshot.
C=$(field guangzhou-green 1); N=$(field guangzhou-green 4); D=$(field guangzhou-green 6)
Tier=$(field guangzhou-green 3)
expect_exit 0 "lookup of a demo card" q "$C" "$N" "$D"
expect_out "^valid guangzhou-green $Tier [0-9]+$" "the card is valid, with programme and tier"
lower=$(printf '%s' "$N" | tr 'A-Z' 'a-z')
expect_exit 0 "lookup with the name in lower case, the ID spaced" q "$(echo "$C" | tr -d ' ')" "  $lower " "$(echo "$D" | sed 's/./& /g')"
expect_out "^valid " "typing variants still match"
expect_exit 0 "lookup with a wrong name" q "$C" "Somebody Else" "$D"
expect_out "^no-match$" "a wrong name gives no-match"
cp "$T/out" "$T/nomatch1"
expect_exit 0 "lookup of an unknown card" q "4401 1109 9999 9992" "$N" "$D"
check "an unknown card and a wrong name answer alike" cmp -s "$T/out" "$T/nomatch1"
bad=$(echo "$C" | tr -d ' ' | sed 's/.$//')$(( ($(echo "$C" | tr -d ' ' | tail -c 2) + 1) % 10 ))
expect_exit 1 "a bad check digit is refused before the lookup" q "$bad" "$N" "$D"
expect_out "card: bad check digit" "the refusal names the card number"

# Privacy: no ID number, no name, in any file of the bundle.
leaks=0
while IFS=$'\t' read -r _ _ _ name _ id; do
	if grep -rqaF -- "$id" "$O"; then echo "# ID number of $name found"; leaks=$((leaks + 1)); fi
	if grep -rqaiF -- "$name" "$O"; then echo "# name $name found"; leaks=$((leaks + 1)); fi
done <"$T/lines"
check "no demo ID number or name in any published file ($ncards holders)" test "$leaks" -eq 0

# A revocation, then a second publish: a delta from list 1.
export TCARD_PASSPHRASE=$(pass demo-approver-1)
expect_exit 0 "revoke a card" "$I" revoke "$C" --home "$H" --reason contract-ended --as demo-approver-1
unset TCARD_PASSPHRASE
expect_exit 0 "a second publish" "$I" publish --home "$H" --out "$O"
expect_out "^published bundle 2 to .*: $ncards cards, [0-9]+ revoked, 1 deltas$" "it has sequence number 2 and one delta"
check "the delta from list 1 exists" test -s "$O/revocations-since-1.cose"
expect_exit 0 "the delta applies to list 1 and gives list 2" "$MB" deltas --dir "$O" --home "$H" --now "$now"
expect_out "^delta 1 -> 2 ok$" "delta 1 -> 2 checked"
expect_exit 0 "lookup of the revoked card" q "$C" "$N" "$D"
expect_out "^revoked guangzhou-green " "the card is revoked"

# tcard-issuer revocations shares the sequence number.
expect_exit 0 "tcard-issuer revocations" "$I" revocations --home "$H" --out "$T/rev.cose"
expect_out "^revocation list 3:" "it takes number 3"
expect_exit 0 "a third publish" "$I" publish --home "$H" --out "$O"
expect_out "^published bundle 4 to .*, 2 deltas$" "publish continues at 4, with deltas from 1 and 2"
expect_exit 0 "both deltas apply" "$MB" deltas --dir "$O" --home "$H" --now "$now"
expect_out "^delta 1 -> 4 ok$" "delta 1 -> 4"
expect_out "^delta 2 -> 4 ok$" "delta 2 -> 4"
check "data files of snapshots 1 and 2 are pruned, 3 never existed" test ! -e "$O/lookup-1.bin" -a ! -e "$O/lookup-2.bin"
check "the data file of snapshot 4 is there" test -e "$O/lookup-4.bin"

# --keep 1: no deltas; older lists and deltas removed.
expect_exit 0 "publish --keep 1" "$I" publish --home "$H" --out "$O" --keep 1
expect_out "^published bundle 5 .*, 0 deltas$" "no delta with --keep 1"
check "old lists and deltas are pruned" sh -c '! ls "$1" | grep -E "^revocations-(since-)?[1-4]\.cose$"' - "$O"
check "the new list is archived" test -s "$O/revocations-5.cose"

# A directory ahead of HOME/revocations.seq is not rolled back.
echo 0 >"$H/revocations.seq"
expect_exit 0 "publish with a reset sequence file" "$I" publish --home "$H" --out "$O"
expect_out "^published bundle 6 " "the sequence continues from the directory"

# Without ca.key the trust list must be given.
expect_exit 0 "export the trust list" "$K" export-trust --home "$H" --out "$T/trust.cose"
mv "$H/keys/ca.key" "$T/ca.key"
expect_exit 3 "publish without ca.key and without --trust" "$I" publish --home "$H" --out "$O"
expect_err "give --trust" "the failure says what to do"
expect_exit 0 "publish --trust FILE" "$I" publish --home "$H" --out "$O" --trust "$T/trust.cose"
expect_out "^published bundle 7 " "published with the given trust list (failed runs took no number)"
check "the published trust list is the given one" cmp -s "$O/trust.cose" "$T/trust.cose"
echo garbage >"$T/bad-trust.cose"
expect_exit 3 "a trust list that does not verify is refused" "$I" publish --home "$H" --out "$O" --trust "$T/bad-trust.cose"
mv "$T/ca.key" "$H/keys/ca.key"

expect_exit 0 "the newest bundle still answers" q "$C" "$N" "$D"
expect_out "^revoked " "the revoked card stays revoked"
done_testing
