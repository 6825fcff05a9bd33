#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tcard-issuerd stops on SIGTERM while requests are in flight: the monitor
# shuts the RPC channel before it waits for the web worker, so a worker
# thread waiting for an answer gets end of file instead of blocking
# libmicrohttpd's stop for ever (found by make bench: after a load, SIGTERM
# left the monitor in waitpid and the worker on a futex). Many sessions'
# queue requests run in the background when the signal comes; the monitor
# must end, with status 0, within 15 seconds, and leave no worker behind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/issuerd-lib.sh"
id_env
echo "1..6"

check "demo authority" id_demo
check "tcard-issuerd starts" start_id
WPID=$(worker_pid)
check "its web worker runs" test -n "$WPID"
n=0
for op in demo-hr-reviewer-1 demo-clerk demo-approver-1 demo-auditor; do
	login "$op" && status_is 200 && n=$((n + 1))
done
check "four operators signed in" test "$n" = 4
# Load: 4 sessions x 8 clients asking for the queue and the application
# page in a loop, until the server goes away.
for op in demo-hr-reviewer-1 demo-clerk demo-approver-1 demo-auditor; do
	for _ in 1 2 3 4 5 6 7 8; do
		(for _ in $(seq 400); do
			curl -s -o /dev/null --max-time 5 -b "$T/$op.jar" "$URL/v1/queue" || exit 0
			curl -s -o /dev/null --max-time 5 -b "$T/$op.jar" "$URL/v1/applications/13" || exit 0
		done) &
		tc_daemon $!
	done
done
sleep 2
kill -TERM "$ID_PID"
st=timeout
for _ in $(seq 150); do
	if ! kill -0 "$ID_PID" 2>/dev/null; then wait "$ID_PID"; st=$?; break; fi
	sleep 0.1
done
check "SIGTERM under load stops the monitor with status 0 within 15 s (got $st)" test "$st" = 0
check "and the web worker is gone" bash -c "! kill -0 $WPID 2>/dev/null"
exit $((_failed > 0))
