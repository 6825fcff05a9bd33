#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""An attacker with a copy of a registry but not its keys.

Usage: pii-recover.py HOME TRUTH TODAY [BIRTHDATES]

HOME holds registry.db (and maybe -wal, -shm, -journal): everything is
read without the data key and without the pepper, as a stolen backup
would be. TRUTH has one "TYPE<TAB>NUMBER<TAB>NAME" line per person (the
made-up numbers the demo printed); the truth is used only to ask "how
many numbers fit what the files give away about this person", never to
read the files. TODAY is YYYY-MM-DD (no birth date after it). BIRTHDATES
(optional) has "NAME<TAB>YYYY-MM-DD" lines: birth dates of people whose
number does not carry one (passports, permits).

What the attacker gets from the files, per person:
- every masked form of the same length that agrees with the number
  (from any table, audit details, or any readable string of any file),
  merged: each position shown anywhere is known;
- the birth date, when it appears in any usual spelling anywhere (table
  values, JSON inside them, strings of the files);
- the sex, when a row that names the person (by name or masked form)
  also holds male/female/男/女 or a retirement group (60 men, 50/55
  women).

For each resident number it counts the 18-character numbers consistent
with all of that: a province code, a region that is not a whole
province, a real date from 1900 to TODAY, the sex digit, and the MOD 11-2
check character. The count stops at LIMIT. A person with fewer than
LIMIT candidates fails the test: the number can be recovered by trying
them at the lookup service or against anything else that holds it.
For other types it counts the values of the hidden characters (digits
only: a lower bound). Prints one TAP-like line per person and exits 1 if
any person is below LIMIT or a birth date (BIRTHDATES) is in the files.
"""
import datetime
import json
import os
import re
import shutil
import sqlite3
import sys
import tempfile

LIMIT = 1000
PROVINCES = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37,
             41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65}
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
REGIONS = {}  # region candidates by the known characters 1-6


def check_char(first17):
    s = sum(int(c) * w for c, w in zip(first17, WEIGHTS))
    return "10X98765432"[s % 11]


def spellings(y, m, d):
    """The usual ways to write a date."""
    return {f"{y:04d}{m:02d}{d:02d}", f"{y:04d}-{m:02d}-{d:02d}",
            f"{y:04d}/{m:02d}/{d:02d}", f"{y:04d}.{m:02d}.{d:02d}",
            f"{d:02d}.{m:02d}.{y:04d}", f"{d:02d}/{m:02d}/{y:04d}",
            f"{y:04d}年{m:02d}月{d:02d}日", f"{y:04d}年{m}月{d}日",
            f"{y:04d}-{m}-{d}"}


def file_texts(home):
    """Readable text of every registry file: ASCII/UTF-8 runs, UTF-16."""
    out = []
    for suffix in ("", "-wal", "-shm", "-journal"):
        p = os.path.join(home, "registry.db" + suffix)
        if not os.path.exists(p):
            continue
        data = open(p, "rb").read()
        out.append(data.decode("utf-8", errors="replace"))
        out.extend(m.decode("ascii") for m in re.findall(rb"[\x20-\x7e]{4,}", data))
        for enc in ("utf-16-le", "utf-16-be"):
            for shift in (0, 1):
                out.append(data[shift:].decode(enc, errors="replace"))
    return out


def walk_json(v, acc):
    if isinstance(v, dict):
        for k, x in v.items():
            acc.append(str(k))
            walk_json(x, acc)
    elif isinstance(v, list):
        for x in v:
            walk_json(x, acc)
    elif v is not None:
        acc.append(str(v))


def db_rows(home):
    """Every row of every table as a list of (column, value) strings."""
    tmp = tempfile.mkdtemp()
    try:
        for suffix in ("", "-wal", "-shm"):
            p = os.path.join(home, "registry.db" + suffix)
            if os.path.exists(p):
                shutil.copy(p, os.path.join(tmp, "registry.db" + suffix))
        db = sqlite3.connect(os.path.join(tmp, "registry.db"))
        rows = []
        tables = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table'")]
        for t in tables:
            cur = db.execute(f'SELECT * FROM "{t}"')
            cols = [c[0] for c in cur.description]
            for r in cur:
                vals = []
                for c, v in zip(cols, r):
                    if isinstance(v, bytes):
                        v = v.decode("utf-8", errors="replace")
                    if v is None:
                        continue
                    vals.append((c, str(v)))
                    if isinstance(v, str) and v[:1] in "{[":
                        try:
                            acc = []
                            walk_json(json.loads(v), acc)
                            vals.extend((c, a) for a in acc)
                        except ValueError:
                            pass
                rows.append(vals)
        db.close()
        return rows
    finally:
        shutil.rmtree(tmp)


def masks_for(number, texts):
    """Masked forms in texts that agree with number: known positions."""
    n = len(number)
    known = {}
    pat = re.compile(r"(?<![0-9A-Z*])[0-9A-Z*]{%d}(?![0-9A-Z*])" % n)
    for t in texts:
        for m in pat.findall(t):
            if "*" not in m or m == "*" * n:
                continue
            if all(c == "*" or c == number[i] for i, c in enumerate(m)):
                for i, c in enumerate(m):
                    if c != "*":
                        known[i] = c
    return known


def count_resident(known, birth, sex, today, limit):
    """Numbers fitting the knowledge, counted up to limit."""
    if birth is not None:
        dates = [birth]
    else:
        dates = []
        d = datetime.date(1900, 1, 1)
        while d <= today:
            dates.append(d.strftime("%Y%m%d"))
            d += datetime.timedelta(days=1)

    def fits(s, lo):
        return all(known.get(lo + i, c) == c for i, c in enumerate(s))

    dates = [d for d in dates if fits(d, 6)]
    key = tuple(known.get(i) for i in range(6))
    if key not in REGIONS:
        REGIONS[key] = [f"{p:02d}{rest:04d}" for p in sorted(PROVINCES)
                        for rest in range(1, 10000)
                        if fits(f"{p:02d}{rest:04d}", 0)]
    regions = REGIONS[key]
    n = 0
    for seq in range(1000):
        sq = f"{seq:03d}"
        if not fits(sq, 14):
            continue
        if sex is not None and (seq % 2 == 1) != (sex == "male"):
            continue
        for d in dates:
            for r in regions:
                first = r + d + sq
                if 17 in known and check_char(first) != known[17]:
                    continue
                n += 1
                if n >= limit:
                    return n
    return n


def main():
    home, truth_file, today = sys.argv[1], sys.argv[2], sys.argv[3]
    today = datetime.date.fromisoformat(today)
    people = [l.rstrip("\n").split("\t")
              for l in open(truth_file, encoding="utf-8") if l.strip()]
    other_births = {}
    if len(sys.argv) > 4:
        for l in open(sys.argv[4], encoding="utf-8"):
            if l.strip():
                name, bd = l.rstrip("\n").split("\t")
                other_births[name] = bd
    texts = file_texts(home)
    rows = db_rows(home)
    texts.extend(v for r in rows for _, v in r)
    blob = "\n".join(texts)
    bad = 0
    for id_type, number, name in people:
        known = masks_for(number, texts)
        # Rows naming the person: by name or by an agreeing masked form.
        mine = [r for r in rows if any(
            v == name or (len(v) == len(number) and "*" in v and v != "*" * len(v)
                          and all(c == "*" or c == number[i] for i, c in enumerate(v)))
            for _, v in r)]
        sex = None
        for r in mine:
            for c, v in r:
                if v in ("male", "男") or (c == "retire_base" and v == "60"):
                    sex = "male"
                elif v in ("female", "女") or (c == "retire_base" and v in ("50", "55")):
                    sex = "female"
        if id_type == "resident":
            y, m, d = int(number[6:10]), int(number[10:12]), int(number[12:14])
            birth = number[6:14] if any(s in blob for s in spellings(y, m, d)) else None
            if sex is None and 16 in known:
                sex = "male" if int(known[16]) % 2 else "female"
            # The truth must be among the candidates (else the count lies).
            assert all(number[i] == c for i, c in known.items()), (name, known)
            n = count_resident(known, birth, sex, today, LIMIT)
            what = (f"{len(known)} characters shown, birth date "
                    f"{'READABLE' if birth else 'not readable'}, sex "
                    f"{sex or 'not readable'}")
        else:
            hidden = len(number) - len(known)
            n = min(10 ** hidden, LIMIT)
            what = f"{len(known)} of {len(number)} characters shown"
        ok = n >= LIMIT
        bad += not ok
        print(f"{'ok' if ok else 'not ok'} - {id_type} {name}: "
              f"{n}{'+' if ok else ''} candidates ({what})")
    for name, bd in sorted(other_births.items()):
        y, m, d = (int(x) for x in bd.split("-"))
        hit = [s for s in spellings(y, m, d) if s in blob]
        bad += bool(hit)
        print(f"{'not ok' if hit else 'ok'} - birth date of {name} "
              f"{'found as ' + ', '.join(sorted(hit)) if hit else 'not in the files'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
