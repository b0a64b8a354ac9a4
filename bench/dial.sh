#!/usr/bin/env bash
# bench/dial.sh - benchmark of dial_pool_number against its baselines.
#
# Run as root: bash bench/dial.sh
# Same manner as bench/run.sh: a throwaway cluster in a mktemp folder on a
# free loopback port, the installed custom_dialing, candidate and baseline
# alternating in every round, medians of the per-round ratios; prints a
# Markdown section (also written to bench/dial_results.md) and removes the
# cluster.  See bench/README.md.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)

CALLEES=${BENCH_DIAL_CALLEES:-20000}
POOL_SIZE=${BENCH_DIAL_POOL:-1000}
PLAIN_SAMPLE=${BENCH_DIAL_PLAIN_SAMPLE:-200}
ROUNDS=${BENCH_DIAL_ROUNDS:-5}
PGBENCH_ROUNDS=${BENCH_DIAL_PGBENCH_ROUNDS:-5}
PGBENCH_SECONDS=${BENCH_DIAL_PGBENCH_SECONDS:-8}
PGBENCH_CLIENTS=${BENCH_DIAL_PGBENCH_CLIENTS:-2}
SEED=${BENCH_SEED:-0.42}
RESULTS=${BENCH_DIAL_RESULTS:-$BENCH_DIR/dial_results.md}
KEEP=${BENCH_KEEP:-0}

PGBIN=/usr/lib/postgresql/15/bin
T_START=$(date +%s)

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2 || true; }
die() { log "error: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (it runs the server as postgres)"
bash "$ROOT/tools/ensure_packages.sh" postgresql-15 postgresql-client-15
SHAREDIR=/usr/share/postgresql/15/extension
LIBDIR=/usr/lib/postgresql/15/lib
[ -f "$SHAREDIR/custom_dialing.control" ] && [ -f "$LIBDIR/custom_dialing.so" ] ||
	die "custom_dialing is not installed: run 'make && make install' in $ROOT first"
SO="$LIBDIR/custom_dialing.so"
BUILD_NOTE="installed custom_dialing.so md5 $(md5sum "$SO" | cut -c1-12)"
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
	BUILD_NOTE="$BUILD_NOTE; tree at $(git -C "$ROOT" rev-parse --short HEAD)"
fi

# ---------- throwaway cluster ----------
WORK=$(mktemp -d /tmp/custom_dialing_bench.XXXXXX)
chmod 755 "$WORK"
chown postgres:postgres "$WORK"
DATA="$WORK/data"
cleanup() {
	local rc=$?
	set +e
	trap '' PIPE INT TERM HUP	# finish the clean-up even if the terminal or pipe went away
	if [ -f "$DATA/postmaster.pid" ]; then
		log "stopping the benchmark cluster (pid $(head -1 "$DATA/postmaster.pid"))"
		runuser -u postgres -- "$PGBIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true
	fi
	if [ "$KEEP" = 1 ]; then
		log "kept $WORK"
	else
		rm -rf "$WORK"
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
trap 'exit 141' PIPE

log "initdb in $WORK"
runuser -u postgres -- "$PGBIN/initdb" -D "$DATA" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync >"$WORK/initdb.log" 2>&1 ||
	{ cat "$WORK/initdb.log" >&2; die "initdb failed"; }
cat >>"$DATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WORK'
shared_buffers = 512MB
max_parallel_workers_per_gather = 0
jit = off
max_wal_size = 4GB
EOF

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT=""
for try in $(seq 1 20); do
	cand=$((54320 + RANDOM % 2000))
	port_busy "$cand" && continue
	if runuser -u postgres -- "$PGBIN/pg_ctl" -D "$DATA" -l "$WORK/server.log" -o "-p $cand" -w -t 60 start >/dev/null 2>&1; then
		PORT=$cand
		break
	fi
done
[ -n "$PORT" ] || { tail -20 "$WORK/server.log" >&2; die "could not start the cluster"; }
log "cluster up on 127.0.0.1:$PORT (pid $(head -1 "$DATA/postmaster.pid"))"

export PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=postgres PGDATABASE=bench
unset PGOPTIONS PGSERVICE PGPASSWORD
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
"${PSQL[@]}" -d postgres -c "CREATE DATABASE bench"

# ---------- data ----------
log "setup: $CALLEES callees, pools of $POOL_SIZE numbers (uncapped, capped), plain-SQL peer"
"${PSQL[@]}" -v callees="$CALLEES" -v pool_size="$POOL_SIZE" -v seed="$SEED" \
	-f "$BENCH_DIR/sql/dial_setup.sql" >/dev/null
q() { psql -X -At -v ON_ERROR_STOP=1 -c "$1"; }
UNCAPPED=$(q "SELECT id FROM bench.pools WHERE name = 'uncapped'")
CAPPED=$(q "SELECT id FROM bench.pools WHERE name = 'capped'")

# ---------- in-server (one session, cache warm; tables emptied between runs) ----------
T="$WORK/timing.sql"
{
	echo "\\set ON_ERROR_STOP 1"
	echo "SET max_parallel_workers_per_gather = 0;"
	echo "SET jit = off;"
	echo "SELECT count(custom_dialing.pick_pool_number('$UNCAPPED', callee)) FROM bench.callees;"
	echo "SELECT count(custom_dialing.dial_pool_number('$CAPPED', callee)) FROM bench.callees WHERE id <= 100;"
	echo "TRUNCATE custom_dialing.pool_calls;"
	for r in $(seq 1 "$ROUNDS"); do
		echo "CALL bench.time_query('inserver', 'insert', $r, 'INSERT INTO bench.call_log SELECT ''$UNCAPPED'', callee, now() FROM bench.callees');"
		echo "TRUNCATE bench.call_log; CHECKPOINT;"
		echo "CALL bench.time_query('inserver', 'dial', $r, 'SELECT count(custom_dialing.dial_pool_number(''$UNCAPPED'', callee)) FROM bench.callees');"
		echo "TRUNCATE custom_dialing.pool_calls; CHECKPOINT;"
		echo "CALL bench.time_query('inserver', 'dial_capped', $r, 'SELECT count(custom_dialing.dial_pool_number(''$CAPPED'', callee)) FROM bench.callees');"
		echo "TRUNCATE custom_dialing.pool_calls; CHECKPOINT;"
		echo "CALL bench.time_query('plain', 'plain', $r, 'SELECT count(bench.plain_dial(''$CAPPED'', callee)) FROM bench.callees WHERE id <= $PLAIN_SAMPLE');"
		echo "CALL bench.time_query('plain', 'ours', $r, 'SELECT count(custom_dialing.dial_pool_number(''$CAPPED'', callee)) FROM bench.callees WHERE id <= $PLAIN_SAMPLE');"
		echo "TRUNCATE bench.plain_calls; TRUNCATE custom_dialing.pool_calls;"
		echo "CALL bench.time_query('pick', 'len', $r, 'SELECT count(length(callee)) FROM bench.callees');"
		echo "CALL bench.time_query('pick', 'pick', $r, 'SELECT count(custom_dialing.pick_pool_number(''$UNCAPPED'', callee)) FROM bench.callees');"
	done
} >"$T"
log "in-server timings: $ROUNDS rounds"
"${PSQL[@]}" -f "$T" >/dev/null

# ---------- over the wire: pgbench ----------
printf '%s\n%s\n' "\\set c random(2012000000, 9899999999)" \
	"INSERT INTO bench.call_log VALUES (:pool::uuid, '+1' || :c::text, now());" >"$WORK/insert.sql"
printf '%s\n%s\n' "\\set c random(2012000000, 9899999999)" \
	"SELECT custom_dialing.dial_pool_number(:pool::uuid, ('+1' || :c::text)::custom_dialing.us_e164);" >"$WORK/dial.sql"
run_pgbench() { # variant round
	local out tps
	out=$(pgbench -n -M prepared -c "$PGBENCH_CLIENTS" -j "$PGBENCH_CLIENTS" -T "$PGBENCH_SECONDS" \
		-D pool="$UNCAPPED" -f "$WORK/$1.sql" bench 2>&1) || { echo "$out" >&2; die "pgbench failed"; }
	tps=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p')
	[ -n "$tps" ] || { echo "$out" >&2; die "no tps line from pgbench"; }
	q "INSERT INTO bench.results VALUES ('pgbench', '$1', $2, $tps)" >/dev/null
	log "  pgbench $1 round $2: $tps tps"
}
log "pgbench -M prepared -c $PGBENCH_CLIENTS -j $PGBENCH_CLIENTS -T $PGBENCH_SECONDS, $PGBENCH_ROUNDS x (insert, dial)"
for r in $(seq 1 "$PGBENCH_ROUNDS"); do
	run_pgbench insert "$r"
	run_pgbench dial "$r"
done

# ---------- report ----------
T_END=$(date +%s)
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
{
	"${PSQL[@]}" -At -v callees="$CALLEES" -v plain_sample="$PLAIN_SAMPLE" -v pool_size="$POOL_SIZE" \
		-v clients="$PGBENCH_CLIENTS" -f "$BENCH_DIR/sql/dial_report.sql"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) CPUs, $CPU; $(q "SELECT version()" | cut -d, -f1)"
	echo "- $BUILD_NOTE"
	echo "- settings: $ROUNDS in-server rounds, plain-SQL sample $PLAIN_SAMPLE callees, pgbench $PGBENCH_ROUNDS x ${PGBENCH_SECONDS}s per side; max_parallel_workers_per_gather = 0, jit = off"
	echo "- command: \`bash bench/dial.sh\` (total $((T_END - T_START)) s)"
} >"$WORK/results.md"
cp "$WORK/results.md" "$RESULTS"
cat "$WORK/results.md"
log "done in $((T_END - T_START)) s; written to $RESULTS"
