#!/usr/bin/env bash
# bench/binding.sh - does the owner_roles check slow a pick?  Picks by a role
# bound to the pool's owner (owner_roles) against picks by an unbound role,
# on the same pool and callees, in the same run: in-server (1M picks in one
# statement, one session) and over the wire (pgbench -M prepared).  Rounds
# alternate bound and unbound; the report gives medians and the median of the
# paired ratios.  The target: bound >= 0.95 x unbound, both ways.
#
# Run as root after make && make install: bash bench/binding.sh
# Throwaway cluster in a mktemp folder on a free loopback port, removed at the
# end.  Writes bench/binding_results.md.  About 2 minutes with the defaults.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
CALLEES=${BENCH_CALLEES:-1000000}
POOL_SIZE=${BENCH_POOL_SIZE:-1000}
OTHER_BINDINGS=${BENCH_OTHER_BINDINGS:-1000}
ROUNDS=${BENCH_ROUNDS:-7}
PGBENCH_ROUNDS=${BENCH_PGBENCH_ROUNDS:-5}
PGBENCH_SECONDS=${BENCH_PGBENCH_SECONDS:-5}
PGBENCH_CLIENTS=${BENCH_PGBENCH_CLIENTS:-2}
RESULTS=${BENCH_RESULTS:-$BENCH_DIR/binding_results.md}
PGBIN=/usr/lib/postgresql/15/bin
T_START=$(date +%s)

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2 || true; }
die() { log "error: $*"; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (it runs the server as postgres)"
bash "$ROOT/tools/ensure_packages.sh" postgresql-15 postgresql-client-15
[ -f /usr/lib/postgresql/15/lib/custom_dialing.so ] || die "run 'make && make install' first"
SO=/usr/lib/postgresql/15/lib/custom_dialing.so
BUILD_NOTE="custom_dialing.so md5 $(md5sum "$SO" | cut -c1-12)"
git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1 && BUILD_NOTE="$BUILD_NOTE; tree at $(git -C "$ROOT" rev-parse --short HEAD)"

WORK=$(mktemp -d /tmp/custom_dialing_binding.XXXXXX)
chmod 755 "$WORK"
chown postgres:postgres "$WORK"
DATA="$WORK/data"
cleanup() {
	local rc=$?
	set +e
	if [ -f "$DATA/postmaster.pid" ]; then
		runuser -u postgres -- "$PGBIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1
	fi
	rm -rf "$WORK"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

runuser -u postgres -- "$PGBIN/initdb" -D "$DATA" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync >"$WORK/initdb.log" 2>&1 ||
	{ cat "$WORK/initdb.log" >&2; die "initdb failed"; }
cat >>"$DATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WORK'
shared_buffers = 256MB
max_parallel_workers_per_gather = 0
jit = off
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
export PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=postgres PGDATABASE=bench
unset PGOPTIONS PGSERVICE PGPASSWORD
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
"${PSQL[@]}" -d postgres -c "CREATE DATABASE bench"
q() { psql -X -At -v ON_ERROR_STOP=1 -c "$1"; }

log "setup: $CALLEES callees, a pool of $POOL_SIZE, $OTHER_BINDINGS other bindings"
"${PSQL[@]}" -v callees="$CALLEES" -v pool_size="$POOL_SIZE" -v other_bindings="$OTHER_BINDINGS" <<'EOF' >/dev/null
CREATE EXTENSION custom_dialing;
SELECT setseed(0.42);
CREATE TABLE npa AS SELECT row_number() OVER (ORDER BY npa) - 1 AS k, npa
  FROM custom_dialing.area_codes WHERE kind = 'geographic' AND country = 'US';
CREATE TABLE callees AS
  SELECT ('+1' || a[1 + floor(random() * cardinality(a))::int]
          || (2000000 + floor(random() * 7999999))::int)::custom_dialing.us_e164 AS callee
  FROM (SELECT array_agg(npa ORDER BY k) AS a FROM npa) s, generate_series(1, :callees);
CREATE TABLE results (kind text, variant text, round int, value float8);
CREATE ROLE bench_unbound LOGIN;
CREATE ROLE bench_bound LOGIN;
CREATE ROLE bench_denied LOGIN;
GRANT SELECT ON callees TO bench_unbound, bench_bound;
GRANT EXECUTE ON FUNCTION custom_dialing.pick_pool_number(uuid, custom_dialing.us_e164) TO bench_unbound, bench_bound, bench_denied;
SELECT custom_dialing.create_dialing_pool('0190c0de-0000-7000-8000-00000000a001',
  (SELECT array_agg('+1' || a[1 + i % cardinality(a)] || '555' || lpad(i::text, 4, '0'))
     FROM (SELECT array_agg(npa ORDER BY k) AS a FROM npa) s, generate_series(0, :pool_size - 1) i))->'data'->>'id' AS pool \gset
CREATE TABLE pool AS SELECT :'pool'::uuid AS id;
-- the bound role's own binding among many others
INSERT INTO custom_dialing.owner_roles VALUES ('0190c0de-0000-7000-8000-00000000a001', 'bench_bound'),
  ('0190c0de-0000-7000-8000-00000000b002', 'bench_denied');
INSERT INTO custom_dialing.owner_roles
  SELECT gen_random_uuid(), 'bench_other_' || g FROM generate_series(1, :other_bindings) g;
EOF
POOL=$(q "SELECT id FROM pool")
log "pool $POOL ($(q "SELECT cardinality(phone_numbers) FROM custom_dialing.dialing_pools WHERE id = '$POOL'") numbers)"

# ---------- in-server: one session, roles alternate ----------
T="$WORK/timing.sql"
{
	echo "\\set ON_ERROR_STOP 1"
	for role in bench_unbound bench_bound; do	# warm-up: cache and binding built
		echo "SET ROLE $role; SELECT count(custom_dialing.pick_pool_number('$POOL', callee)) FROM callees; RESET ROLE;"
	done
	for r in $(seq 1 "$ROUNDS"); do
		for role in bench_unbound bench_bound; do
			echo "SET ROLE $role;"
			echo "SELECT clock_timestamp() AS t0 \\gset"
			echo "SELECT count(custom_dialing.pick_pool_number('$POOL', callee)) FROM callees;"
			echo "SELECT extract(epoch FROM clock_timestamp() - :'t0') AS secs \\gset"
			echo "RESET ROLE;"
			echo "INSERT INTO results VALUES ('in-server', '$role', $r, :secs);"
		done
	done
} >"$T"
log "in-server: $ROUNDS rounds x $CALLEES picks per role"
"${PSQL[@]}" -f "$T" >/dev/null
# the check is on: a role bound to another owner gets "does not exist"
DENIED=$(psql -X -At -U bench_denied -c "SELECT custom_dialing.pick_pool_number('$POOL', '+12125550123')" 2>&1 | head -1 || true)

# ---------- over the wire: pgbench, one role per run, alternating ----------
K=$(q "SELECT count(*) FROM npa")
CASES=$(q "SELECT string_agg(format('when :k = %s then %s', k, npa), ' ' ORDER BY k) FROM npa")
printf '%s\n' "\\set k random(0, $((K - 1)))" "\\set npa case $CASES else 0 end" \
	"\\set num :npa * 10000000 + random(2000000, 9999999)" \
	"SELECT custom_dialing.pick_pool_number(:pool::uuid, ('+1' || :num::text)::custom_dialing.us_e164);" >"$WORK/pick.sql"
run_pgbench() { # role round
	local out tps
	out=$(pgbench -n -M prepared -U "$1" -c "$PGBENCH_CLIENTS" -j "$PGBENCH_CLIENTS" -T "$PGBENCH_SECONDS" \
		-D pool="$POOL" -f "$WORK/pick.sql" bench 2>&1) || { echo "$out" >&2; die "pgbench failed"; }
	tps=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p')
	[ -n "$tps" ] || { echo "$out" >&2; die "no tps line from pgbench"; }
	q "INSERT INTO results VALUES ('pgbench', '$1', $2, $tps)" >/dev/null
	log "  pgbench as $1, round $2: $tps tps"
}
log "pgbench -M prepared -c $PGBENCH_CLIENTS -T $PGBENCH_SECONDS, $PGBENCH_ROUNDS x (unbound, bound)"
for r in $(seq 1 "$PGBENCH_ROUNDS"); do
	run_pgbench bench_unbound "$r"
	run_pgbench bench_bound "$r"
done

# ---------- report ----------
T_END=$(date +%s)
{
	echo "# owner_roles check: bound vs unbound picks"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
	echo "- $(q "SELECT version()")"
	echo "- $BUILD_NOTE"
	echo "- pool of $(q "SELECT cardinality(phone_numbers) FROM custom_dialing.dialing_pools WHERE id = '$POOL'") numbers; owner_roles holds $(q "SELECT count(*) FROM custom_dialing.owner_roles") rows; $CALLEES callees; $ROUNDS in-server rounds; pgbench $PGBENCH_ROUNDS x ${PGBENCH_SECONDS}s per role, $PGBENCH_CLIENTS clients, -M prepared"
	echo "- a role bound to another owner, on this pool: \`$DENIED\`"
	echo "- command: \`bash bench/binding.sh\` (total $((T_END - T_START)) s)"
	echo
	psql -X -At <<'EOF'
WITH r AS (
  SELECT kind, round,
         max(value) FILTER (WHERE variant = 'bench_unbound') AS unbound,
         max(value) FILTER (WHERE variant = 'bench_bound') AS bound
  FROM results GROUP BY kind, round
), s AS (
  SELECT kind,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY unbound) AS unbound,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY bound) AS bound,
         -- throughput of bound relative to unbound, per round
         percentile_cont(0.5) WITHIN GROUP (ORDER BY CASE kind WHEN 'pgbench' THEN bound / unbound ELSE unbound / bound END) AS ratio,
         min(CASE kind WHEN 'pgbench' THEN bound / unbound ELSE unbound / bound END) AS worst
  FROM r GROUP BY kind
)
SELECT '| measure | unbound (median) | bound (median) | bound / unbound throughput, median of rounds (worst) | target ≥ 0.95 |' UNION ALL
SELECT '|---|---|---|---|---|' UNION ALL
SELECT format('| %s | %s | %s | %s (%s) | %s |',
  CASE kind WHEN 'pgbench' THEN 'over the wire, pgbench tps' ELSE 'in-server, ns per pick (1M picks in one statement)' END,
  CASE kind WHEN 'pgbench' THEN round(unbound)::text ELSE round((unbound * 1e9 / (SELECT count(*) FROM callees))::numeric, 1)::text END,
  CASE kind WHEN 'pgbench' THEN round(bound)::text ELSE round((bound * 1e9 / (SELECT count(*) FROM callees))::numeric, 1)::text END,
  round(ratio::numeric, 3), round(worst::numeric, 3), CASE WHEN ratio >= 0.95 THEN 'met' ELSE 'missed' END)
FROM s;
EOF
} >"$WORK/results.md"
cp "$WORK/results.md" "$RESULTS"
cat "$WORK/results.md"
