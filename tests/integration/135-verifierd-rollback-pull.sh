#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A verifier that pulls its bundle never goes back to an older one, not even
# after a restart: a server that goes back to an older, validly signed bundle
# (where a card is not yet revoked) is refused while the daemon runs, and
# after a restart the daemon still answers REVOKED for the card, says why in
# its log, and keeps the newer files of its cache (the rollback floor in
# cache-dir remembers the newest revocation list, lookup snapshot and trust
# list it accepted). A damaged floor file stops the daemon with a clear
# message (exit 3) rather than being read as "no floor". Made-up people only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/verifierd-lib.sh"
vd_env
vd_demo "demo authority" "$T/first"
SRV=$T/srv
FLOOR=$T/cache/rollback-floor-${PIN:0:32}
C=$(card_field 6 1) N=$(card_field 6 4) ID=$(card_field 6 6)
lookup_result() { lookup_result_of "$1" "$C" "$N" "$ID"; }
verdict() { verdict_of "$1" "$QR"; }
# pulls_from_a NAME DESC: starts verifier NAME pulling from A's bundle into
# the cache (a check named DESC); U is its URL.
pulls_from_a() {
	local url=URL_$1
	check "$2" start_vd "$1" --bundle "$A/bundle/" \
		--cache-dir "$T/cache" --ca-pin "$PIN" --pepper "$PEPPER" --pull-interval 1
	U=${!url}
}
# holds_newer WHO: the verifier at $U holds list $S2 (not $S1): the card
# is revoked, by verdict and by lookup.
holds_newer() {
	check "$1 holds list $S2, not $S1" test "$(seq_of "$U")" = "$S2"
	check "$1: verdict INVALID revoked (not VALID)" test "$(verdict "$U")" = "INVALID revoked"
	check "$1: lookup revoked (not valid)" test "$(lookup_result "$U")" = revoked
}

rollback_bundles "$SRV"

check "server A serves the newer bundle" start_vd a --bundle "$SRV"
A=$URL_a
S2=$(seq_of "$A")
S1=$((S2 - 1))
pulls_from_a u "U pulls from A's /bundle/"
holds_newer U
check "U remembers list $S2 in cache-dir" grep -qx "revocations $S2" "$FLOOR"
check "and snapshot $S2" grep -qx "lookup $S2" "$FLOOR"

# The server goes back to the older bundle.
rm -rf "$SRV"
cp -a "$T/old" "$SRV"
check "A now serves list $S1" sh -c 'curl -s --max-time 10 "$1/bundle/revocations.cose" | cmp -s - "$2"' - "$A" "$T/old/revocations.cose"
check "U refuses it while running" wait_for 20 grep -q "revocations.cose: sequence number $S1 is older than $S2" "$T/u.log"
check "U keeps list $S2" test "$(seq_of "$U")" = "$S2"
cp "$T/cache/revocations.cose" "$T/cache-rev.cose"
cp "$T/cache/lookup.cose" "$T/cache-lookup.cose"

# Restart: nothing in memory says what was accepted before.
stop_vd u
check "U stopped cleanly" test "$VD_STATUS" -eq 0
pulls_from_a u2 "U restarts"
holds_newer "U after the restart"
check "the log says the list was a rollback" grep -q "revocations.cose: sequence number $S1 is older than $S2, the newest this verifier accepted (rollback floor $FLOOR)" "$T/u2.log"
check "and the snapshot" grep -q "lookup.cose: sequence number $S1 is older than $S2" "$T/u2.log"
check "and the older trust list" grep -q "trust.cose: issued at [0-9]* is older than" "$T/u2.log"
check "the cached list is not overwritten" cmp -s "$T/cache/revocations.cose" "$T/cache-rev.cose"
check "the cached snapshot is not overwritten" cmp -s "$T/cache/lookup.cose" "$T/cache-lookup.cose"
check "a pull a second later still keeps it" wait_for 10 sh -c 'test "$(grep -c "sequence number '"$S1"' is older" "$1")" -ge 2' - "$T/u2.log"
check "still revoked" test "$(verdict "$U")" = "INVALID revoked"
stop_vd u2

# A damaged floor file: no start rather than no floor.
cp "$FLOOR" "$T/floor.good"
printf 'format 1\n\001\002garbage\n' >"$FLOOR"
expect_exit 3 "a damaged rollback floor stops the daemon" timeout 20 "$VD" \
	--bundle "$A/bundle/" --cache-dir "$T/cache" --ca-pin "$PIN" \
	--listen 127.0.0.1:0 --log off
expect_err "rollback floor $FLOOR: line 2: byte 1 is not printable ASCII" "naming the file and the fault"
expect_err 'restore the file, or start once with --reset-rollback-floor' "and what to do"
expect_exit 3 "--check says so too" timeout 20 "$VD" --bundle "$A/bundle/" \
	--cache-dir "$T/cache" --ca-pin "$PIN" --check
: >"$FLOOR"
expect_exit 3 "an empty floor file too" timeout 20 "$VD" --bundle "$A/bundle/" \
	--cache-dir "$T/cache" --ca-pin "$PIN" --check
expect_err 'empty file' "(said)"
cp "$T/floor.good" "$FLOOR"
expect_exit 0 "the restored file: --check passes" timeout 20 "$VD" --bundle "$A/bundle/" \
	--cache-dir "$T/cache" --ca-pin "$PIN" --check
expect_out "^revocation list: $S2 " "with list $S2"
expect_out "^rollback floor: revocation list $S2, lookup snapshot $S2" "and the floor"
done_testing
