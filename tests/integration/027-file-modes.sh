#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# File modes: a secret of the key store (master.key, pepper.key, ca.key,
# ...) that group or others can read makes every command that opens the
# key store refuse, naming the file, whether or not it uses that secret;
# registry.db and its -wal and -shm files are 0600 even under umask 000,
# and a registry file group or others can read is warned about.
. "$(dirname "$0")/lib.sh"
I=$TC_BIN/tcard-issuer
K=$TC_BIN/tcard-keys
H=$T/home
export TCARD_NOW=2026-03-01T08:00:00Z
unset TCARD_HOME TCARD_PASSPHRASE

for p in "$I" "$K"; do
	if [ ! -x "$p" ]; then echo "1..0 # SKIP $p not built"; exit 77; fi
done
if ! command -v python3 >/dev/null; then echo "1..0 # SKIP no python3"; exit 77; fi

(umask 000 && "$K" init --home "$H" >/dev/null && "$I" init --home "$H" >/dev/null) ||
	{ echo "1..0 # SKIP init failed"; exit 77; }
check "under umask 000 registry.db is 0600" test "$(stat -c %a "$H/registry.db")" = 600
# While a reader holds the file open, -wal and -shm exist: their modes.
modes=$(cd "$H" && umask 000 && python3 - "$I" <<'PY'
import os, sqlite3, subprocess, sys
c = sqlite3.connect('registry.db', isolation_level=None)
c.execute('BEGIN'); c.execute('SELECT count(*) FROM audit').fetchall()
subprocess.run([sys.argv[1], 'audit', 'verify', '--home', '.'], stdout=subprocess.DEVNULL)
print(' '.join('%s=%o' % (f, os.stat(f).st_mode & 0o777) for f in ('registry.db-wal', 'registry.db-shm')))
PY
)
check "under umask 000 -wal and -shm are 0600 ($modes)" test "$modes" = "registry.db-wal=600 registry.db-shm=600"
expect_exit 0 "audit verify on a 0600 registry" "$I" audit verify --home "$H"
expect_no "warning" "no warning about modes" "$T/err"
chmod 644 "$H/registry.db"
expect_exit 0 "audit verify on a 0644 registry works" "$I" audit verify --home "$H"
expect_err "warning: .*registry.db is mode 0644: group or others can read it" "... with a warning naming the file and mode"
chmod 600 "$H/registry.db"

# Every command that opens the key store, with each secret readable.
for f in master.key pepper.key data.key ca.key; do
	chmod 644 "$H/keys/$f"
	expect_exit 3 "$f 0644: tcard-issuer audit verify refuses" "$I" audit verify --home "$H"
	expect_err "keys/$f is mode 0644: readable by group or others; chmod 600 it" "... naming $f"
	expect_exit 3 "$f 0644: tcard-issuer cards refuses" "$I" cards --home "$H"
	expect_exit 3 "$f 0644: tcard-keys list refuses" "$K" list --home "$H"
	expect_err "keys/$f is mode 0644" "... naming $f"
	expect_exit 3 "$f 0644: tcard-keys export-trust refuses" "$K" export-trust --home "$H" --out "$T/trust.cose"
	chmod 600 "$H/keys/$f"
done
s=$(ls "$H/keys" | grep '^signer-.*\.key$' | head -n 1)
chmod 640 "$H/keys/$s"
expect_exit 3 "a signer key 0640: tcard-issuer cards refuses" "$I" cards --home "$H"
expect_err "keys/$s is mode 0640: readable" "... naming it"
chmod 600 "$H/keys/$s"
expect_exit 0 "all 0600 again: tcard-keys list" "$K" list --home "$H"
expect_exit 0 "all 0600 again: tcard-issuer cards" "$I" cards --home "$H"
done_testing
