#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The per-card bound of the public lookup is a hard bound
# (include/tcard/cardguard.h): guesses on one card of the snapshot,
# interleaved with a flood of lookups on many other card numbers (more
# than the throttle table holds, each drained), still stop at the card's
# burst; two daemons sharing a lookup-guard file share the bound, and a
# restarted daemon keeps it; the file is made mode 0600. Made-up people
# only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/verifierd-lib.sh"
vd_env
vd_demo
C5=$(card_field 5 1) N5=$(card_field 5 4)
C6=$(card_field 6 1) N6=$(card_field 6 4)
# guess BASE CARD NAME N: the status of a lookup with a made-up ID number.
guess() {
	http GET "$(lookup_url "$1" "$2" "$3" "11010519900307$(printf %04d "$4")")"
	echo "$HTTP_STATUS"
}
# The client bound is raised: what is tested is the card's.
COMMON=(--bundle "$B" --pepper "$PEPPER" --lookup-client-rate 100000/min
	--lookup-client-burst 100000 --lookup-card-rate 1/h --lookup-card-burst 5
	--throttle-slots 64)

# --- one daemon, the card table flooded ---
check "the daemon starts" start_vd a "${COMMON[@]}"
A=$URL_a
s=""
for i in 1 2 3 4 5; do s="$s$(guess "$A" "$C5" "$N5" "$i") "; done
check "five guesses on a card are answered" test "$s" = "200 200 200 200 200 "
check "the sixth is refused" test "$(guess "$A" "$C5" "$N5" 6)" = 429
header_has '^Retry-After: [0-9]+' "with Retry-After"
# 300 other card numbers (good Luhn digits, not issued), six lookups each:
# far more drained buckets than the 64 entries of the table.
python3 - "${A##*:}" >"$T/flood.out" 2>&1 <<'PY'
import http.client, sys, urllib.parse
def luhn(d):
    s = sum((lambda v: v - 9 if v > 9 else v)(int(c) * (2 if i % 2 == 0 else 1))
            for i, c in enumerate(reversed(d)))
    return d + str((10 - s % 10) % 10)
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=20)
seen = {}
for k in range(300):
    card = luhn("440100%09d" % (900000000 + k))
    q = urllib.parse.urlencode({"card": card, "name": "某某", "id": "110105199003071237"})
    for _ in range(6):
        c.request("GET", "/v1/lookup?" + q)
        r = c.getresponse(); r.read()
        seen[r.status] = seen.get(r.status, 0) + 1
print(seen)
PY
sed 's/^/# flood: /' "$T/flood.out"
check "the flood ran (each of its cards throttled too)" grep -q '429' "$T/flood.out"
check "after the flood, the card is still refused" test "$(guess "$A" "$C5" "$N5" 7)" = 429
check "and again" test "$(guess "$A" "$C5" "$N5" 8)" = 429
http GET "$A/metrics"
check "refusals counted by card in /metrics" \
	grep -qE '^tcard_throttled_total\{by="card"\} [1-9]' "$T/body"

# --- two daemons sharing a guard file ---
G=$T/guard.db
check "daemon b with a lookup-guard file" start_vd b "${COMMON[@]}" --lookup-guard "$G"
check "daemon c on the same file" start_vd c "${COMMON[@]}" --lookup-guard "$G"
s=""
for i in 1 2 3; do s="$s$(guess "$URL_b" "$C6" "$N6" "$i") "; done
for i in 4 5; do s="$s$(guess "$URL_c" "$C6" "$N6" "$i") "; done
check "five guesses across the two daemons are answered" test "$s" = "200 200 200 200 200 "
check "the sixth on b is refused" test "$(guess "$URL_b" "$C6" "$N6" 6)" = 429
check "the sixth on c is refused" test "$(guess "$URL_c" "$C6" "$N6" 7)" = 429
check "the guard file is mode 600" test "$(stat -c %a "$G")" = 600
stop_vd b
check "daemon b restarts on the file" start_vd b "${COMMON[@]}" --lookup-guard "$G"
check "the restarted daemon still refuses the card" test "$(guess "$URL_b" "$C6" "$N6" 8)" = 429
check "another card is answered" test "$(guess "$URL_b" "$C5" "$N5" 9)" = 200
check "a guard file open to others is warned about" chmod 644 "$G"
stop_vd c
check "daemon c restarts" start_vd c "${COMMON[@]}" --lookup-guard "$G"
check "the warning names the file and its mode" \
	grep -qE '"level":"warning".*guard\.db.*644' "$T/c.log"
expect_exit 3 "a lookup-guard that is not a guard stops the start" \
	"$VD" --bundle "$B" --pepper "$PEPPER" --lookup-guard "$PEPPER" --check
expect_err 'lookup-guard: .*not' "the error names lookup-guard"
done_testing
