#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A verifier reading a bundle directory never goes back to an older one
# after a restart: with the newer bundle accepted once, an older revocation
# list (or the whole older bundle) copied over it stops the daemon at start
# (exit 3, saying why) instead of answering VALID for a card revoked since;
# an older lookup snapshot is refused and lookups answer 503 rather than
# "valid", on start and on SIGHUP. --reset-rollback-floor (the authority was
# reset on purpose) accepts the older bundle and says so in the log; a
# damaged floor file or an unusable state-dir stops the daemon with a clear
# message. Made-up people only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/verifierd-lib.sh"
vd_env
vd_demo "demo authority and a first bundle" "$T/first"
ST=$T/vstate
FLOOR=$ST/rollback-floor-${PIN:0:32}
C=$(card_field 6 1) N=$(card_field 6 4) ID=$(card_field 6 6)
lookup_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 \
	"$1/v1/lookup?card=$C&name=$(urlenc "$N")&id=$ID"; }
lookup_result() { lookup_result_of "$1" "$C" "$N" "$ID"; }
verdict() { verdict_of "$1" "$QR"; }
# run_vd ARGS...: the daemon in the foreground (exit status checked by the
# caller; a daemon that starts is stopped by timeout, status 124).
run_vd() { timeout 20 "$VD" --bundle "$B" --listen 127.0.0.1:0 --log off "$@"; }

rollback_bundles "$B"
cp -a "$B" "$T/new"

check "the daemon on the newer bundle" start_vd v --bundle "$B" --pepper "$PEPPER" --state-dir "$ST"
S2=$(seq_of "$URL_v")
S1=$((S2 - 1))
check "holds list $S2" test -n "$S2"
check "verdict: INVALID revoked" test "$(verdict "$URL_v")" = "INVALID revoked"
check "lookup: revoked" test "$(lookup_result "$URL_v")" = revoked
check "the floor file in state-dir says list $S2" grep -qx "revocations $S2" "$FLOOR"
check "and snapshot $S2" grep -qx "lookup $S2" "$FLOOR"
check "and names the CA" grep -qx "ca $PIN" "$FLOOR"
check "state-dir is private (700)" test "$(stat -c %a "$ST")" = 700
stop_vd v

# The older revocation list (no delta up from it) copied over the newer one.
rm -f "$B"/revocations-since-*.cose
cp "$T/old/revocations.cose" "$B/revocations.cose"
expect_exit 3 "an older revocation list: the daemon does not start" run_vd --pepper "$PEPPER" --state-dir "$ST"
expect_err "revocation list refused \\(stale\\): sequence number $S1 is older than $S2, the newest this verifier accepted \\(rollback floor $FLOOR\\)" "the log says why"
expect_err "no usable revocation list in $B" "and so does the exit message"
expect_exit 3 "--check refuses it too" timeout 20 "$VD" --bundle "$B" --state-dir "$ST" --check

# The whole older bundle copied over the newer one.
rm -rf "$B"
cp -a "$T/old" "$B"
expect_exit 3 "the whole older bundle: the daemon does not start" run_vd --pepper "$PEPPER" --state-dir "$ST"
expect_err "trust list refused \\(stale\\): issued at [0-9]+ is older than [0-9]+, the newest this verifier accepted" "(its older trust list first)"
check "the floor file is untouched" grep -qx "revocations $S2" "$FLOOR"

# The older lookup snapshot with the newer lists: refused; lookups answer
# 503, never "valid"; verification still says revoked.
rm -rf "$B"
cp -a "$T/new" "$B"
cp "$T/old/lookup.cose" "$B/lookup.cose"
cp "$T/old/lookup-$S1.bin" "$B/lookup-$S1.bin"
check "the daemon with an older snapshot" start_vd v2 --bundle "$B" --pepper "$PEPPER" --state-dir "$ST"
check "the snapshot is refused" grep -q "lookup snapshot refused (stale): sequence number $S1 is older than $S2, the newest this verifier accepted" "$T/v2.log"
check "lookups answer 503 (no snapshot), not valid" test "$(lookup_status "$URL_v2")" = 503
check "verdict: INVALID revoked" test "$(verdict "$URL_v2")" = "INVALID revoked"
# SIGHUP with another older snapshot: the floor holds on a reload too.
cp "$T/first/lookup.cose" "$B/lookup.cose"
cp "$T/first"/lookup-*.bin "$B/"
R=$(grep -c 'lookup snapshot refused' "$T/v2.log")
kill -HUP "$PID_v2"
check "SIGHUP: the first snapshot is refused too" wait_for 10 sh -c \
	'test "$(grep -c "lookup snapshot refused (stale): sequence number [0-9]* is older than '"$S2"'" "$1")" -gt "$2"' - "$T/v2.log" "$R"
check "lookups still answer 503" test "$(lookup_status "$URL_v2")" = 503
cp "$T/new/lookup.cose" "$B/lookup.cose"
kill -HUP "$PID_v2"
check "SIGHUP with the newer snapshot back: it loads" wait_for 10 grep -q "\"lookup snapshot $S2:" "$T/v2.log"
check "lookup: revoked" test "$(lookup_result "$URL_v2")" = revoked
stop_vd v2

# A damaged floor file, an unusable state-dir.
cp "$FLOOR" "$T/floor.good"
head -c 200 /dev/urandom >"$FLOOR"
expect_exit 3 "a damaged floor file: the daemon does not start" run_vd --state-dir "$ST"
expect_err "rollback floor $FLOOR: .*restore the file, or start once with --reset-rollback-floor" "naming the file and what to do"
expect_exit 3 "with ca-pin, the same at once" run_vd --state-dir "$ST" --ca-pin "$PIN"
expect_err "^tcard-verifierd: rollback floor $FLOOR: " "(said)"
printf 'format 1\nca %s\nrevocations 1\nlookup 1\n' "$PIN" >"$FLOOR"
expect_exit 3 "a floor file cut short too" run_vd --state-dir "$ST" --ca-pin "$PIN"
expect_err "'trust-issued-at' is missing" "(said)"
sed "s/^ca .*/ca $(printf '%064d' 0)/" "$T/floor.good" >"$FLOOR"
expect_exit 3 "a floor file of another CA" run_vd --state-dir "$ST" --ca-pin "$PIN"
expect_err "it names another CA than its file name" "(said)"
cp "$T/floor.good" "$FLOOR"
: >"$T/afile"
expect_exit 3 "a state-dir that is a file" run_vd --state-dir "$T/afile"
expect_err "state-dir $T/afile: not a directory the daemon may write" "(said)"

# The authority was reset on purpose: the operator starts once with
# --reset-rollback-floor; the older bundle is accepted and the reset logged.
rm -rf "$B"
cp -a "$T/old" "$B"
check "--reset-rollback-floor on the older bundle" start_vd r --bundle "$B" --pepper "$PEPPER" \
	--state-dir "$ST" --reset-rollback-floor
check "it holds list $S1" test "$(seq_of "$URL_r")" = "$S1"
check "the reset is logged as a warning, with the floor forgotten" grep -q "\"event\":\"rollback-floor-reset\",\"level\":\"warning\",\"message\":\"--reset-rollback-floor: the rollback floor $FLOOR (revocation list $S2, lookup snapshot $S2" "$T/r.log"
check "the floor is list $S1 now" grep -qx "revocations $S1" "$FLOOR"
check "verdict on the older list: VALID (as the operator chose)" test "$(verdict "$URL_r")" = "VALID -"
stop_vd r
check "a later start without the option keeps list $S1" start_vd r2 --bundle "$B" --state-dir "$ST"
check "(list $S1)" test "$(seq_of "$URL_r2")" = "$S1"
check "and refuses nothing" test "$(grep -c 'refused' "$T/r2.log")" = 0
done_testing
