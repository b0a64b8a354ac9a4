#!/usr/bin/env bash
# test/sqlsmith.sh - random SQL against custom_dialing with sqlsmith.
#
# Creates a throwaway cluster (initdb into a mktemp folder, a free loopback
# port, its unix socket inside that folder, password authentication for TCP on
# 127.0.0.1 only, track_functions = 'all', server log in a file), loads
# test/sqlsmith/schema.sql (the extension, credentials, pools of 1 to 5000
# numbers made with create_dialing_pool, tables whose columns are
# custom_dialing.us_e164 / us_e164[] / pool uuids, and views that call the
# extension's functions), and runs sqlsmith as a non-superuser role with a
# password and statement_timeout = 1s that may only read those tables and
# execute the pool and routing functions.  sqlsmith's statements only read,
# so views whose rows call the writing functions (create, update, delete a
# pool; dial, record an outcome, set caps and statuses) bring them within
# its reach.  Then it counts backend crashes in
# the part of the server log written during the run and the calls into
# schema custom_dialing from pg_stat_user_functions, prints
#
#   sqlsmith: queries=N calls_into_extension=N crashes=N ...
#
# stops and removes the cluster, and exits 0 only if nothing crashed, the run
# executed all its queries (some of them successfully), it reached the
# extension, and it called every function of REQUIRED_FUNCS at least once.  On a failure the server log is kept in $SQLSMITH_LOG_DIR
# (default test/log); a crash report there carries the whole query the
# backend was running.
#
# sqlsmith's statements are not wrapped in a transaction: they commit.  The
# role can write nothing but what the pool functions write, and only the
# scratch pools' ids are visible as text (see schema.sql).  A crash resets
# the statistics, so after one the calls figure is a lower bound.
#
# Usage (as root, or as the postgres user when sqlsmith is installed):
#   bash test/sqlsmith.sh                            # 6000 queries, ~40 s here
#   SQLSMITH_QUERIES=20000 SQLSMITH_MIN_CALLS=500 bash test/sqlsmith.sh
#                                                    # the longer run, ~2 min
# Environment:
#   SQLSMITH_QUERIES    queries to generate (default 6000)
#   SQLSMITH_SEED       random seed (default 1; same seed, same query stream
#                       up to timing)
#   SQLSMITH_MIN_CALLS  fail below this many calls into the extension
#                       (default 1)
#   SQLSMITH_TIMEOUT    seconds before a hung run is killed and failed
#                       (default 300 + queries / 10)
#   SQLSMITH_KEEP=1     keep the work folder (stopped cluster, logs, the
#                       generated queries in queries.sql) for inspection
set -u
cd "$(dirname "$0")/.." || exit 1
TOP=$(pwd)
# connection settings from the caller's environment must not leak in
for v in $(env | grep -o '^PG[A-Z_]*='); do unset "${v%=}"; done
QUERIES=${SQLSMITH_QUERIES:-6000}
SEED=${SQLSMITH_SEED:-1}
MIN_CALLS=${SQLSMITH_MIN_CALLS:-1}
LIMIT=${SQLSMITH_TIMEOUT:-$((300 + QUERIES / 10))}
LOGDIR=${SQLSMITH_LOG_DIR:-$TOP/test/log}
PGBIN=$(pg_config --bindir 2>/dev/null || true)
[ -x "$PGBIN/initdb" ] || PGBIN=/usr/lib/postgresql/15/bin
DB=smith
ROLE=smith_fuzzer
# each must be called at least once in a run (through the views of schema.sql)
REQUIRED_FUNCS="create_dialing_pool update_dialing_pool delete_dialing_pool get_dialing_pool
	list_dialing_pools pick_pool_number explain_pool_pick pool_coverage area_codes_from_csv
	dial_pool_number explain_pool_dial record_call_outcome set_pool_pacing set_number_status
	pool_number_health calling_window next_calling_time"

say() { printf 'sqlsmith.sh: %s\n' "$*"; }
die() { say "$*"; echo "sqlsmith: queries=0 calls_into_extension=0 crashes=0 (setup failed)"; exit 1; }

# ---- 1. sqlsmith itself ----
if ! command -v sqlsmith >/dev/null 2>&1; then
	[ "$(id -u)" = 0 ] || die "sqlsmith is not installed and installing it needs root"
	say "installing sqlsmith"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y sqlsmith >/dev/null 2>&1 ||
		{ apt-get update >/dev/null 2>&1 && apt-get install -y sqlsmith >/dev/null 2>&1; } ||
		die "apt-get install sqlsmith failed"
fi

# ---- 2. a throwaway cluster, as postgres ----
if [ "$(id -u)" = 0 ]; then
	as_pg() { runuser -u postgres -- "$@"; }
	id postgres >/dev/null 2>&1 || die "no postgres user"
else
	as_pg() { "$@"; }
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/custom_dialing_sqlsmith.XXXXXX") || die "mktemp failed"
[ "$(id -u)" = 0 ] && chown postgres: "$W"
chmod 700 "$W"
SLOG=$W/server.log
RUNNING=0
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
	if [ "$RUNNING" = 1 ]; then
		as_pg "$PGBIN/pg_ctl" -D "$W/data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
			as_pg "$PGBIN/pg_ctl" -D "$W/data" -m immediate -w stop >/dev/null 2>&1
		RUNNING=0
	fi
	if [ "${SQLSMITH_KEEP:-0}" = 1 ]; then
		say "kept $W (cluster stopped)"
	else
		rm -rf "$W"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

as_pg "$PGBIN/initdb" -D "$W/data" -A peer --auth-host=scram-sha-256 -E UTF8 --locale=C -N \
	>"$W/initdb.log" 2>&1 || { cat "$W/initdb.log"; die "initdb failed"; }
# local connections: only the cluster's owner, by peer authentication (the
# socket is in a 0700 folder anyway); TCP: 127.0.0.1 only, with a password
cat >"$W/data/pg_hba.conf" <<EOF
local all all peer
host all all 127.0.0.1/32 scram-sha-256
EOF
cat >>"$W/data/postgresql.conf" <<EOF
# test/sqlsmith.sh
listen_addresses = '127.0.0.1'
unix_socket_directories = '$W'
unix_socket_permissions = 0700
track_functions = 'all'
track_activity_query_size = 102400
log_line_prefix = '%m [%p] %e %q%u@%d '
log_min_error_statement = panic
log_connections = off
restart_after_crash = on
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 20
EOF

port_in_use() {
	if command -v ss >/dev/null 2>&1; then
		ss -Htln "sport = :$1" 2>/dev/null | grep -q .
	else
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
	fi
}
PORT=
for _ in 1 2 3 4 5 6 7 8; do
	p=$((20000 + (RANDOM * 7 + $$) % 40000))
	port_in_use "$p" && continue
	if as_pg "$PGBIN/pg_ctl" -D "$W/data" -l "$SLOG" -o "-p $p" -w -t 60 start >/dev/null 2>&1; then
		PORT=$p
		RUNNING=1
		break
	fi
done
[ -n "$PORT" ] || { tail -20 "$SLOG" 2>/dev/null; die "could not start a server on a free port"; }
say "cluster in $W, port $PORT"

psql_su() { as_pg psql -X -q -v ON_ERROR_STOP=1 -h "$W" -p "$PORT" "$@"; }

# ---- 3./4. database, data, role ----
PASSWORD=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
psql_su -d postgres -c "CREATE DATABASE $DB" || die "CREATE DATABASE failed"
psql_su -d "$DB" -v role="$ROLE" -v password="$PASSWORD" -P pager=off \
	<"$TOP/test/sqlsmith/schema.sql" >"$W/schema.log" 2>&1 ||
	{ tail -30 "$W/schema.log"; die "loading test/sqlsmith/schema.sql failed"; }
grep -E '^ *[0-9]+ *\| *[0-9]+' "$W/schema.log" | sed 's/^/   setup: /'

export PGCONNECT_TIMEOUT=10
TARGET="host=127.0.0.1 port=$PORT dbname=$DB user=$ROLE"
# The password works over TCP, a wrong one does not, and the role is no superuser.
if ! PGPASSWORD=$PASSWORD psql -X -At -d "$TARGET" -c "SELECT rolsuper FROM pg_roles WHERE rolname = current_user" \
	>"$W/check.out" 2>&1 || [ "$(cat "$W/check.out")" != f ]; then
	cat "$W/check.out"
	die "the fuzzing role cannot log in over TCP, or is a superuser"
fi
PGPASSWORD=wrong psql -X -At -d "$TARGET" -c "SELECT 1" >/dev/null 2>&1 &&
	die "a wrong password was accepted"

# Start counting from zero: the setup itself called the functions.  Its
# session has ended, so its statistics are flushed; wait for that, then reset.
reset_ok=0
for _ in 1 2 3 4 5 6 7 8 9 10; do
	sleep 0.5
	psql_su -d "$DB" -c "SELECT pg_stat_reset()" >/dev/null || die "pg_stat_reset failed"
	sleep 0.3
	n=$(psql_su -At -d "$DB" -c "SELECT coalesce(sum(calls), 0) FROM pg_stat_user_functions WHERE schemaname = 'custom_dialing'")
	[ "$n" = 0 ] && { reset_ok=1; break; }
done
[ "$reset_ok" = 1 ] || die "could not reset function statistics"
POOLS_BEFORE=$(psql_su -At -d "$DB" -c "SELECT count(*) FROM custom_dialing.dialing_pools")

# ---- 5. the run ----
tee_queries() { if [ "${SQLSMITH_KEEP:-0}" = 1 ]; then tee "$W/queries.sql"; else cat; fi; }
LOG_OFFSET=$(stat -c %s "$SLOG")
say "sqlsmith --seed=$SEED --max-queries=$QUERIES as $ROLE (time limit ${LIMIT}s)"
t0=$(date +%s)
PGPASSWORD=$PASSWORD timeout -k 10 "$LIMIT" sqlsmith --target="$TARGET" --seed="$SEED" \
	--max-queries="$QUERIES" --exclude-catalog --verbose --dump-all-queries \
	2>"$W/sqlsmith.err" | tee_queries | awk '
		# queries end with ";" on their own line end; count those that call
		# one of our functions themselves (a name followed by "(")
		/custom_dialing\.[a-z0-9_]+\(/ { hit = 1 }
		/;$/ { q++; direct += hit; hit = 0 }
		END { printf "%d %d\n", q, direct }' >"$W/dump.count"
rc=${PIPESTATUS[0]}
t1=$(date +%s)
SECONDS_RUN=$((t1 - t0))

# ---- 6. crashes and calls ----
tail -c +"$((LOG_OFFSET + 1))" "$SLOG" >"$W/run.log"
# A PANIC or a failed assertion (TRAP) aborts the process, which the
# postmaster then reports as terminated by signal 6: count each event once.
signals=$(grep -c 'was terminated by signal' "$W/run.log")
panics=$(grep -Ec '(^|[] ])PANIC:  ' "$W/run.log")
traps=$(grep -c '^TRAP: ' "$W/run.log")
crashes=$signals
[ $((panics + traps)) -gt "$crashes" ] && crashes=$((panics + traps))

# sqlsmith's backends report their function statistics when they end; poll
# until the sum is stable
calls=0
prev=-1
for _ in $(seq 1 20); do
	sleep 0.5
	calls=$(psql_su -At -d "$DB" -c "SELECT pg_stat_clear_snapshot(); SELECT coalesce(sum(calls), 0) FROM pg_stat_user_functions WHERE schemaname = 'custom_dialing'" | tail -1)
	[ "$calls" = "$prev" ] && [ "$calls" != 0 ] && break
	prev=$calls
done
psql_su -d "$DB" -P pager=off -c "SELECT funcname, calls, round(total_time::numeric, 1) AS total_ms
	FROM pg_stat_user_functions WHERE schemaname = 'custom_dialing' ORDER BY calls DESC" >"$W/functions.txt"
funcs_reached=$(psql_su -At -d "$DB" -c "SELECT count(*) FROM pg_stat_user_functions WHERE schemaname = 'custom_dialing' AND calls > 0")
POOLS_AFTER=$(psql_su -At -d "$DB" -c "SELECT count(*) FROM custom_dialing.dialing_pools")

# queries: sqlsmith's own final report ("queries: N ..."), else the dump
queries=$(grep -Eo '^queries: [0-9]+' "$W/sqlsmith.err" | tail -1 | grep -Eo '[0-9]+')
read -r dumped direct <"$W/dump.count"
[ -n "$queries" ] || queries=${dumped:-0}
# queries that ran without error: the final report's error counts are cumulative
failed=$(awk '/^queries: / { n = 0 } /^[0-9]+\t/ { n += $1 } END { print n + 0 }' "$W/sqlsmith.err")
ok_queries=$((${queries:-0} - failed))
[ "$ok_queries" -lt 0 ] && ok_queries=0

echo "---- sqlsmith's final report: the most frequent errors"
awk '/^queries: / { buf = "" } { buf = buf $0 "\n" } END { printf "%s", buf }' "$W/sqlsmith.err" |
	grep -Ev '^[.etCSs]+$|bad/ok|^impedance' | head -14 | cut -c1-120
echo "---- calls per function"
cat "$W/functions.txt"
echo "---- pools: $POOLS_BEFORE before the run, $POOLS_AFTER after (sqlsmith's statements commit)"

status=0
if [ "$crashes" -gt 0 ]; then
	echo "---- crashes: $signals terminated by a signal, $panics PANIC, $traps TRAP (server log during the run)"
	# each report with its continuation lines (the DETAIL line carries the
	# query the backend was running, over as many lines as the query has)
	awk '/was terminated by signal|[] ]PANIC:  |^TRAP: / { show = 1; print; next }
		show && /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] / && !/DETAIL:  / { show = 0 }
		show { print }' "$W/run.log" | head -300
	status=1
fi
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	say "sqlsmith did not finish within ${LIMIT}s (a statement not honouring statement_timeout?)"
	psql_su -d "$DB" -P pager=off -c "SELECT pid, state, now() - query_start AS running, left(query, 500) AS query
		FROM pg_stat_activity WHERE usename = '$ROLE'" 2>&1
	status=1
elif [ "$rc" != 0 ]; then
	say "sqlsmith exited with status $rc"
	tail -5 "$W/sqlsmith.err"
	status=1
fi
if [ "${queries:-0}" -lt "$QUERIES" ]; then
	say "only ${queries:-0} of $QUERIES queries ran"
	status=1
fi
if [ "$ok_queries" -eq 0 ]; then
	say "no query ran without an error"
	status=1
fi
# the writing functions (and the CSV parser) must each have been reached
for f in $REQUIRED_FUNCS; do
	c=$(psql_su -At -d "$DB" -c "SELECT coalesce(sum(calls), 0) FROM pg_stat_user_functions WHERE schemaname = 'custom_dialing' AND funcname = '$f'")
	if [ "${c:-0}" -eq 0 ]; then
		say "the run never called custom_dialing.$f"
		status=1
	fi
done
if [ "${calls:-0}" -lt "$MIN_CALLS" ]; then
	say "the run reached the extension ${calls:-0} times (at least $MIN_CALLS wanted): it proves nothing"
	status=1
fi
if [ "$status" != 0 ]; then
	mkdir -p "$LOGDIR" && cp "$SLOG" "$LOGDIR/sqlsmith-server.log" && cp "$W/sqlsmith.err" "$LOGDIR/sqlsmith-report.log" &&
		say "server log kept in $LOGDIR/sqlsmith-server.log"
fi

echo "sqlsmith: queries=${queries:-0} calls_into_extension=${calls:-0} crashes=$crashes" \
	"ok_queries=$ok_queries functions_reached=${funcs_reached:-0}" \
	"queries_naming_extension=${direct:-0} seed=$SEED seconds=$SECONDS_RUN"
exit "$status"
