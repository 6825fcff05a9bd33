#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A make over a slow line (docs/station.md, "Batches and round trips"):
# the station reaches tcard-issuerd through a TCP proxy on loopback that
# delays every chunk by 25 ms each way (tests/integration/delay-proxy.py,
# 50 ms round-trip time). The make still completes, in at most 4 round
# trips for tcard, and no faster than those round trips allow (the proxy
# is really in the path); the wall time from make to done is recorded in
# the log. The line cut and restored on the way: the station retries and
# comes back.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/issuerd-lib.sh"
. "$(dirname "$0")/pcsc-env.sh"
. "$(dirname "$0")/station-lib.sh"
st_env
S1=DEMO-01
DELAY=${DELAY:-25}

bail "the office: 1 approved card, a station certificate, TLS" st_office 1 $S1
python3 "$TC_TOP/tests/integration/delay-proxy.py" "$(cat "$T/id.port")" "$DELAY" "$T/proxy.port" \
	2>"$T/proxy.err" &
PROXY_PID=$!
tc_daemon $PROXY_PID
for _ in $(seq 50); do [ -s "$T/proxy.port" ] && break; sleep 0.1; done
bail "the delaying proxy listens ($DELAY ms each way)" test -s "$T/proxy.port"
PROXY=https://127.0.0.1:$(cat "$T/proxy.port")
t0=$(date +%s%N)
curl -s -o /dev/null --max-time 10 "$PROXY/healthz"
t1=$(date +%s%N)
check "a request through the proxy takes at least one delayed round trip" \
	test $(((t1 - t0) / 1000000)) -ge $((2 * DELAY))

vcard_start 0 "$T/c1.json" --profile tcard || not_ok "a blank tcard inserted"
check "tcard-station starts, its office behind the proxy" st_start $S1 "$PROXY"

# The line down: the station retries with a growing back-off, and comes
# back when the line does.
kill "$PROXY_PID"; wait "$PROXY_PID" 2>/dev/null
down=1
for _ in $(seq 150); do
	grep -q 'office: .*again in 1000 ms' "$T/st-$S1/log" && { down=0; break; }
	sleep 0.1
done
check "the line down: the station says so and retries" test $down = 0
sleep 2
rm -f "$T/proxy.port"
python3 "$TC_TOP/tests/integration/delay-proxy.py" "$(cat "$T/id.port")" "$DELAY" "$T/proxy.port" \
	"${PROXY##*:}" 2>>"$T/proxy.err" &
PROXY_PID=$!
tc_daemon $PROXY_PID
back=1
for _ in $(seq 200); do
	grep -q 'office: connected again' "$T/st-$S1/log" && { back=0; break; }
	sleep 0.1
done
check "the line back: the station is connected again within its back-off" test $back = 0
T0=$(date +%s%N)
check "the producer makes the card on the station" make_card "${SERIALS[1]}" $S1
J=$JOB
check "the job is done" job_wait "$J" done 120
T1=$(date +%s%N)
RT=$(jobf round_trips)
MS=$(((T1 - T0) / 1000000))
echo "# latency: ${DELAY} ms each way: $RT round trips, ${MS} ms from make to done (test's polling of 200 ms included)"
check "tcard: at most 4 round trips ($RT)" test "${RT:-99}" -le 4
check "no faster than its round trips over the line (${MS} ms >= $RT x $((2 * DELAY)) ms)" \
	test -n "$RT" -a "$MS" -ge $((${RT:-0} * 2 * DELAY))
check "the station ran its batches" grep -q "job $J: batch" "$T/st-$S1/log"
st_stop $S1
check "the station stops with status 0" test "$ST_STATUS" = 0
c=$("$I" chip show "${CARDS[1]}" --home "$H" --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])' 2>/dev/null)
check "the registry says done" test "$c" = done
st_logs
done_testing
