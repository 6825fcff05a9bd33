#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Crash test of the usage ledger behind a real tcard-verifierd.

Sends N redeems (each with its own request id) from several client threads
while the daemon is killed with SIGKILL at random moments and started again
on the same ledger file. A request whose answer was lost (connection reset,
refused while the daemon is down) is sent again with the same request id,
as a window would. When every request has an answer, the daemon is
stopped and the ledger is checked:
  - every use acknowledged as allowed is in the ledger, exactly once;
  - the ledger holds no use that was never acknowledged (every row's
    request id got an "allowed" answer);
  - counted services never exceed their quota (the gym: 2 a month);
  - PRAGMA integrity_check is ok.
Prints TAP lines (numbered from --first) and a summary as comments.

Usage: crash-redeem.py --daemon BIN --bundle DIR --ledger FILE --tokens FILE
       --token TOKEN --work DIR --plan FILE [--n N] [--clients C]
       [--kills K] [--seed S] [--first N]
The plan file has lines "SERVICE QRFILE WEIGHT LIMIT" (LIMIT 0: unlimited).
"""
import argparse
import http.client
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--daemon", required=True)
    ap.add_argument("--bundle", required=True)
    ap.add_argument("--ledger", required=True)
    ap.add_argument("--tokens", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--plan", required=True)
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--kills", type=int, default=10)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--first", type=int, default=1)
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    print("# seed %d" % seed)

    plan = []
    for line in open(a.plan):
        if not line.strip() or line.startswith("#"):
            continue
        svc, qrfile, weight, limit = line.split()
        qr = open(qrfile).read().strip()
        plan.append((svc, qr, int(weight), int(limit), os.path.basename(qrfile)))
    weights = [p[2] for p in plan]
    # request id -> (plan index, body)
    reqs = {}
    for i in range(a.n):
        k = rng.choices(range(len(plan)), weights)[0]
        rid = "crash-%05d" % i
        body = json.dumps({"qr": plan[k][1], "request_id": rid}).encode()
        reqs[rid] = (k, body)

    lock = threading.Lock()
    pending = list(reqs)
    rng.shuffle(pending)
    answers = {}  # rid -> parsed answer
    sends = {"n": 0, "lost": 0, "replay": 0}
    state = {"port": None, "gen": 0, "done": False}
    up = threading.Condition(lock)

    def client():
        conn, gen = None, -1
        while True:
            with lock:
                if not pending:
                    return
                rid = pending.pop()
                while state["port"] is None and not state["done"]:
                    up.wait(1)
                port, g = state["port"], state["gen"]
            k, body = reqs[rid]
            try:
                if conn is None or gen != g:
                    if conn is not None:
                        conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
                    gen = g
                conn.request("POST", "/v1/services/%s/redeem" % plan[k][0], body,
                             {"Content-Type": "application/json",
                              "Authorization": "Bearer " + a.token})
                r = conn.getresponse()
                data = r.read()
                if r.status == 503:
                    raise OSError("busy")
                if r.status != 200:
                    raise RuntimeError("HTTP %d for %s: %s" % (r.status, rid, data[:200]))
                o = json.loads(data)
                with lock:
                    sends["n"] += 1
                    if o.get("replay"):
                        sends["replay"] += 1
                    answers[rid] = o
            except (OSError, http.client.HTTPException):
                # The answer was lost: send the same request id again.
                with lock:
                    sends["lost"] += 1
                    pending.append(rid)
                if conn is not None:
                    conn.close()
                conn = None
                time.sleep(0.01)

    def start():
        pf = os.path.join(a.work, "crash.port")
        if os.path.exists(pf):
            os.unlink(pf)
        log = open(os.path.join(a.work, "crash.err"), "ab")
        p = subprocess.Popen([a.daemon, "--bundle", a.bundle, "--ledger", a.ledger,
                              "--staff-tokens", a.tokens, "--listen", "127.0.0.1:0",
                              "--port-file", pf, "--log", "off", "--timeout", "5",
                              "--state-dir", os.path.join(a.work, "crash.state")],
                             stdout=subprocess.DEVNULL, stderr=log)
        end = time.time() + 30
        while time.time() < end:
            if p.poll() is not None:
                raise SystemExit("Bail out! the daemon exited with %d" % p.returncode)
            try:
                port = int(open(pf).read())
                break
            except (OSError, ValueError):
                time.sleep(0.01)
        else:
            p.kill()
            raise SystemExit("Bail out! the daemon did not come up")
        with lock:
            state["port"] = port
            state["gen"] += 1
            up.notify_all()
        return p

    threads = [threading.Thread(target=client) for _ in range(a.clients)]
    proc = start()
    for t in threads:
        t.start()
    # The kills come at random points of the run: after random numbers of
    # answers, then a random few milliseconds more, so some land between
    # requests and some in the middle of one (a commit, an answer).
    marks = sorted(rng.sample(range(a.n // 20, a.n * 9 // 10), a.kills))
    kills = 0
    t0 = time.time()
    while kills < a.kills:
        with lock:
            got = len(answers)
            finished = not pending and all(not t.is_alive() for t in threads)
        if finished:
            break
        if got < marks[kills]:
            time.sleep(0.002)
            continue
        time.sleep(rng.uniform(0, 0.02))
        with lock:
            state["port"] = None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills += 1
        proc = start()
    for t in threads:
        t.join()
    state["done"] = True
    elapsed = time.time() - t0
    proc.send_signal(signal.SIGTERM)
    rc = proc.wait()

    n = a.first
    def tap(ok, desc):
        nonlocal n
        print("%s %d - %s" % ("ok" if ok else "not ok", n, desc))
        n += 1

    print("# %d requests, %d answers received, %d lost and sent again, %d replays, "
          "%d kills, %.1f s" % (a.n, sends["n"], sends["lost"], sends["replay"], kills, elapsed))
    tap(len(answers) == a.n, "every one of the %d redeems got an answer" % a.n)
    tap(kills == a.kills, "the daemon was killed with SIGKILL %d times during the run" % kills)
    tap(rc == 0, "the last daemon stopped cleanly on SIGTERM")
    db = sqlite3.connect(a.ledger)
    rows = {r[0]: r for r in db.execute(
        "SELECT request_id, card_no, service, option FROM uses WHERE request_id LIKE 'crash-%'")}
    allowed = {rid for rid, o in answers.items() if o.get("allowed")}
    missing = sorted(allowed - set(rows))
    tap(not missing, "no acknowledged use is missing from the ledger (%d acknowledged, %d missing%s)"
        % (len(allowed), len(missing), ": " + ", ".join(missing[:5]) if missing else ""))
    extra = sorted(set(rows) - allowed)
    tap(not extra, "no use in the ledger without an acknowledgement (%d rows, %d extra%s)"
        % (len(rows), len(extra), ": " + ", ".join(extra[:5]) if extra else ""))
    dup = db.execute("SELECT count(*) - count(DISTINCT request_id) FROM uses").fetchone()[0]
    tap(dup == 0, "no use is counted twice (request ids are unique in the ledger)")
    refused = [o.get("reason") for o in answers.values() if not o.get("allowed")]
    ok_limits = True
    for k, (svc, qr, w, limit, name) in enumerate(plan):
        if limit == 0:
            continue
        got = sum(1 for rid in rows if reqs[rid][0] == k)
        asked = sum(1 for rid in reqs if reqs[rid][0] == k)
        if got != min(limit, asked):
            ok_limits = False
            print("# %s with %s: %d uses recorded, quota %d, %d asked" % (svc, name, got, limit, asked))
    tap(ok_limits, "counted services reached their quota exactly and never passed it")
    tap(all(r == "quota-exhausted" for r in refused),
        "every refusal is quota-exhausted (%d refusals)" % len(refused))
    ic = db.execute("PRAGMA integrity_check").fetchone()[0]
    tap(ic == "ok", "PRAGMA integrity_check: %s" % ic)
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
