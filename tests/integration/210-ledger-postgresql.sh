#!/bin/bash
# SPDX-License-Identifier: MIT
# The usage ledger on a real PostgreSQL server (issue 18): initdb into a
# folder of its own, the server as nobody on a free loopback port. The
# ledger's unit tests (test-ledger: every quota kind at its limit, month
# and year rollover, the exclusive pair, idempotent retries, request ids
# per window, eight racers on two connections giving exactly one last
# use, reopen and reports) run on the PostgreSQL backend; the tables and
# schema version are created once. Then two tcard-verifierd share one
# database: the gym's "2 a month" is 2 across both daemons; 16 redeems of
# one card's last airport use sent at once, half to each daemon, allow
# exactly one; with the server stopped a redeem is 503 with Retry-After
# and counts nothing, and once it is back the same request is counted
# (the daemon reconnects by itself). Made-up people only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/verifierd-lib.sh"
. "$(dirname "$0")/pg-lib.sh"
vd_env
need_cmd python3 setpriv
if ! start_pg; then echo "1..0 # SKIP the PostgreSQL server did not start"; exit 77; fi
echo "1..24"
ok "PostgreSQL runs as $PGUSER_OS on 127.0.0.1:$PGPORT"
check "the server is not root" test "$(ps -o user= -p "$PGPID" | tr -d ' ')" != root
check "a database for the ledger" pg_createdb ledger
check "the ledger's unit tests pass on PostgreSQL" bash -c \
	"TC_TEST_LEDGER_PG='$(pg_url ledger)' '$TC_BUILD/tests/unit/test-ledger' >'$T/unit.log' 2>&1 ||
	{ grep -E 'FAIL|ERROR|error' '$T/unit.log' | head -n 10 | sed 's/^/# /'; exit 1; }"
check "... of which the three of the SQLite file skipped, none failed" bash -c \
	"grep -q 'PASSED.*10 test' '$T/unit.log' && grep -q 'SKIPPED.*3 test' '$T/unit.log'"
check "one schema version row, tables made once" \
	test "$(pg_sql ledger "SELECT count(*)::text || '/' || max(version) FROM tc_ledger_schema")" = 1/1
check "the racers recorded exactly one use of the last health check" \
	test "$(pg_sql ledger "SELECT count(*) FROM tc_uses WHERE service = 'health-check' AND request_id LIKE 'race-%'")" = 1

# Two daemons, one database.
vd_demo
C_GOLD=$(card_field 2 1)  # Baiyun gold
C_DIA=$(card_field 1 1)   # Baiyun diamond
for c in "$C_GOLD" "$C_DIA"; do
	as_role card-producer qr "$c" --out - >"$T/qr-$c" 2>/dev/null
done
check "e-cards for two Baiyun cards" test -s "$T/qr-$C_DIA"
TOK_A=gym-a-token-0123456789abcdefghijklmnopqrst
TOK_B=gym-b-token-0123456789abcdefghijklmnopqrst
printf 'gym-a %s\ngym-b %s\n' "$TOK_A" "$TOK_B" >"$T/tokens"
chmod 600 "$T/tokens"
check "a database for the district" pg_createdb district
check "daemon A starts on it" start_vd a --bundle "$B" --ledger "$(pg_url district)" --staff-tokens "$T/tokens"
check "daemon B starts on it" start_vd b --bundle "$B" --ledger "$(pg_url district)" --staff-tokens "$T/tokens"

# redeem URL TOKEN CARD SERVICE REQID: the answer in $T/body.
redeem() {
	python3 -c '
import json, sys
print(json.dumps({"qr": open(sys.argv[1]).read().strip(), "request_id": sys.argv[2]}))' \
		"$T/qr-$3" "$5" >"$T/req.json"
	http POST "$1/v1/services/$4/redeem" -H "Authorization: Bearer $2" \
		-H 'Content-Type: application/json' --data-binary "@$T/req.json"
}
allowed() { [ "$HTTP_STATUS" = 200 ] && body_json "$1" "$2"; }
redeem "$URL_a" "$TOK_A" "$C_GOLD" culture-sports.gym g1
allowed "daemon A: the month's first gym visit" 'assert o["allowed"] and o["quota"]["remaining"] == 1, o'
redeem "$URL_b" "$TOK_B" "$C_GOLD" culture-sports.gym g2
allowed "daemon B: the second, counted with A's" 'assert o["allowed"] and o["quota"]["used"] == 2 and o["quota"]["remaining"] == 0, o'
redeem "$URL_a" "$TOK_A" "$C_GOLD" culture-sports.gym g3
allowed "daemon A: a third is refused" 'assert not o["allowed"] and o["reason"] == "quota-exhausted", o'
redeem "$URL_b" "$TOK_B" "$C_GOLD" culture-sports.gym g1
allowed "daemon B, window B's own id g1: refused too (not A's replay)" \
	'assert not o["allowed"] and o["reason"] == "quota-exhausted", o'

# The airport's last use, raced: 16 redeems at once, 8 to each daemon.
SVC=airport-vip
redeem "$URL_a" "$TOK_A" "$C_DIA" $SVC first
check "the diamond card's first airport use of the year" \
	bash -c "test '$HTTP_STATUS' = 200 && grep -q '\"allowed\": *true' '$T/body'"
python3 - "$URL_a" "$URL_b" "$TOK_A" "$TOK_B" "$T/qr-$C_DIA" $SVC >"$T/race.json" <<'PY'
import json, sys, threading, urllib.request
a, b, ta, tb, qrf, svc = sys.argv[1:7]
qr = open(qrf).read().strip()
out = []
def go(i):
    url, tok = (a, ta) if i % 2 else (b, tb)
    body = json.dumps({"qr": qr, "request_id": "race-%d" % i}).encode()
    rq = urllib.request.Request(url + "/v1/services/%s/redeem" % svc, body,
        {"Authorization": "Bearer " + tok, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(rq, timeout=30) as r:
            out.append(json.load(r))
    except Exception as e:
        out.append({"error": str(e)})
ts = [threading.Thread(target=go, args=(i,)) for i in range(16)]
for t in ts: t.start()
for t in ts: t.join()
print(json.dumps(out))
PY
check "the 16 racers all got an answer" python3 -c '
import json, sys; o = json.load(open(sys.argv[1])); sys.exit(not (len(o) == 16 and all("allowed" in x for x in o)))' "$T/race.json"
check "exactly one of them was allowed the last use" python3 -c '
import json, sys; o = json.load(open(sys.argv[1])); sys.exit(sum(x["allowed"] for x in o) != 1)' "$T/race.json"
check "the database holds two airport uses of the card" \
	test "$(pg_sql district "SELECT count(*) FROM tc_uses WHERE card_no = '$C_DIA' AND service = '$SVC'")" = 2

# The server stopped: 503, nothing counted; back: the same request counts.
pg_stop
redeem "$URL_b" "$TOK_B" "$C_DIA" culture-sports.gym down-1
cp "$T/hdr" "$T/down.hdr"; cp "$T/body" "$T/down.body"
check "with the server down a redeem is 503 with Retry-After" \
	bash -c "test '$HTTP_STATUS' = 503 && grep -qi '^retry-after: 5' '$T/down.hdr' && grep -q 'ledger-down' '$T/down.body' ||
	{ sed 's/^/# /' '$T/down.hdr' '$T/down.body'; exit 1; }"
check "pg_start_again" pg_start_again
redeem "$URL_b" "$TOK_B" "$C_DIA" culture-sports.gym down-1
allowed "back up: the same request is counted, once" 'assert o["allowed"] and not o["replay"] and o["quota"]["used"] == 1, o'
check "daemon B logged the lost connection without a password or an ID" \
	bash -c "grep -q 'cannot be reached\|ledger' '$T/b.log' && ! grep -qi 'password' '$T/b.log'"
stop_vd a
stop_vd b
