# SPDX-License-Identifier: MIT
# A real PostgreSQL server for the tests that need one (the shared usage
# ledger, issue 18): Debian's postgresql, a cluster made by initdb in a
# folder of its own outside $T (an unprivileged server could not reach
# $T), run as nobody when the tests run as root, listening on a free
# loopback port and on a socket in that folder, stopped by pid at the end.
# Source after lib.sh.
#   start_pg   sets PG (its folder), PGPORT, PGPID, PGUSER_OS; 1 when the
#              server did not start (its log is shown)
#   pg_url DB  the libpq URI of database DB (made by pg_createdb)
#   pg_createdb DB, pg_sql DB SQL, pg_stop, pg_start_again

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

start_pg() {
	[ -x "$PGBIN/initdb" ] || { echo "1..0 # SKIP postgresql is not installed"; exit 77; }
	PG=$(mktemp -d "${TMPDIR:-/tmp}/tcard-pg.XXXXXX")
	trap 'tc_cleanup; rm -rf "$PG"' EXIT
	chmod 755 "$PG"
	if [ "$(id -u)" -eq 0 ]; then
		need_cmd setpriv
		PGUSER_OS=nobody
		PGAS=(setpriv --reuid=nobody --regid="$(id -gn nobody)" --clear-groups)
		chown nobody "$PG"
	else
		PGUSER_OS=$(id -un) PGAS=()
	fi
	(cd "$PG" && "${PGAS[@]}" "$PGBIN/initdb" -D "$PG/data" -U tcard -A trust \
		--no-sync -E UTF8 --locale=C.UTF-8 >"$PG/initdb.log" 2>&1) ||
		{ sed 's/^/# /' "$PG/initdb.log" | tail -n 20; return 1; }
	pg_start_again
}

# pg_start_again: starts the server of $PG (again, after pg_stop or a
# kill), on $PGPORT when it is set, else on a free port.
pg_start_again() {
	local try
	for try in 1 2 3; do
		[ -n "${PGPORT:-}" ] && [ "$try" -eq 1 ] ||
			PGPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		(cd "$PG" && exec "${PGAS[@]}" "$PGBIN/postgres" -D "$PG/data" \
			-h 127.0.0.1 -p "$PGPORT" -k "$PG" -c fsync=on \
			-c synchronous_commit=on -c max_connections=60 \
			>>"$PG/server.log" 2>&1) &
		PGPID=$!
		for _ in $(seq 100); do
			if "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT"; then
				tc_daemon "$PGPID"; return 0
			fi
			kill -0 "$PGPID" 2>/dev/null || break
			sleep 0.1
		done
		kill "$PGPID" 2>/dev/null; wait "$PGPID" 2>/dev/null
	done
	sed 's/^/# /' "$PG/server.log" | tail -n 20
	return 1
}

# pg_stop: a fast shutdown (SIGINT) by pid, waited for.
pg_stop() { kill -INT "$PGPID" 2>/dev/null; wait "$PGPID" 2>/dev/null; }

pg_url() { echo "postgresql://tcard@127.0.0.1:$PGPORT/$1"; }
pg_createdb() { "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U tcard "$1"; }
pg_sql() { "$PGBIN/psql" -X -q -A -t -h 127.0.0.1 -p "$PGPORT" -U tcard -d "$1" -c "$2"; }
