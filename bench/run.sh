#!/usr/bin/env bash
# bench/run.sh - benchmark of custom_dialing against its baselines and peers.
#
# Run as root: bash bench/run.sh
# Installs what it needs from Debian, creates a throwaway cluster in a mktemp
# folder on a free loopback port, measures, prints a Markdown table (also
# written to bench/results.md), and stops and removes the cluster.  Uses the
# custom_dialing already installed on the machine (make install).
# Sizes, rounds and durations: see bench/README.md.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)

CALLEES=${BENCH_CALLEES:-1000000}
SIZES=${BENCH_SIZES:-10,1000,10000,100000}
PEER_SIZE=${BENCH_PEER_SIZE:-100}
PEER_SAMPLE=${BENCH_PEER_SAMPLE:-5000}
PEER_TENANTS=${BENCH_PEER_TENANTS:-999}
FALLBACK_SAMPLE=${BENCH_FALLBACK_SAMPLE:-10000}
EXNEAR_SAMPLE=${BENCH_EXNEAR_SAMPLE:-10000}
ROUNDS=${BENCH_ROUNDS:-5}
AGREE_SAMPLE=${BENCH_AGREE_SAMPLE:-2000}
MIX_SAMPLE=${BENCH_MIX_SAMPLE:-20000}
PGBENCH_POOL=${BENCH_PGBENCH_POOL:-1000}
PGBENCH_ROUNDS=${BENCH_PGBENCH_ROUNDS:-7}
PGBENCH_SECONDS=${BENCH_PGBENCH_SECONDS:-10}
PGBENCH_CLIENTS=${BENCH_PGBENCH_CLIENTS:-2}
CREATE_SIZE=${BENCH_CREATE_SIZE:-10000}
CREATE_ROUNDS=${BENCH_CREATE_ROUNDS:-9}
SEED=${BENCH_SEED:-0.42}
RESULTS=${BENCH_RESULTS:-$BENCH_DIR/results.md}
KEEP=${BENCH_KEEP:-0}

PGBIN=/usr/lib/postgresql/15/bin
T_START=$(date +%s)

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2 || true; }
die() { log "error: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (it installs packages and runs the server as postgres)"

# ---------- packages ----------
bash "$ROOT/tools/ensure_packages.sh" postgresql-15 postgresql-client-15 postgresql-15-postgis-3
SHAREDIR=/usr/share/postgresql/15/extension
LIBDIR=/usr/lib/postgresql/15/lib
[ -f "$SHAREDIR/custom_dialing.control" ] && [ -f "$LIBDIR/custom_dialing.so" ] ||
	die "custom_dialing is not installed: run 'make && make install' in $ROOT first"
for p in psql pgbench; do command -v $p >/dev/null || die "$p not found"; done

# What is measured: the installed library, whatever the tree holds now.
SO="$LIBDIR/custom_dialing.so"
BUILD_NOTE="installed custom_dialing.so md5 $(md5sum "$SO" | cut -c1-12), built $(date -u -r "$SO" '+%Y-%m-%d %H:%M UTC')"
if [ -f "$ROOT/custom_dialing.so" ]; then
	if cmp -s "$ROOT/custom_dialing.so" "$SO"; then
		BUILD_NOTE="$BUILD_NOTE, same as this tree's build"
	else
		BUILD_NOTE="$BUILD_NOTE, differs from this tree's build (make install to measure it)"
	fi
fi
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
	BUILD_NOTE="$BUILD_NOTE; tree at $(git -C "$ROOT" rev-parse --short HEAD)"
	[ -z "$(git -C "$ROOT" status --porcelain -- src Makefile)" ] || BUILD_NOTE="$BUILD_NOTE with uncommitted changes in src/ or Makefile"
fi
newer=$(find "$ROOT/src" -newer "$SO" \( -name '*.c' -o -name '*.h' -o -name '*.in' \) 2>/dev/null | sed "s#^$ROOT/##" | tr '\n' ' ')
[ -z "$newer" ] || BUILD_NOTE="$BUILD_NOTE; changed after the library was built: $newer"

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
log "setup: $CALLEES callees, pools of $SIZES and $PEER_SIZE, peer tables"
"${PSQL[@]}" -v callees="$CALLEES" -v sizes="$SIZES" -v peer_size="$PEER_SIZE" -v seed="$SEED" -v fallback_sample="$FALLBACK_SAMPLE" -v peer_tenants="$PEER_TENANTS" \
	-f "$BENCH_DIR/sql/setup.sql" >/dev/null
q() { psql -X -At -v ON_ERROR_STOP=1 -c "$1"; }
declare -A POOL_IDS
while IFS='|' read -r size id; do POOL_IDS[$size]=$id; done < <(q "SELECT size, id FROM bench.pools")
pool_id() { echo "${POOL_IDS[$1]:-}"; }

# Callees routed by the nearest step at exchange precision, per pool: in
# exchanges the table places, of area codes without a pool number.
log "exchange-nearest callees: up to $EXNEAR_SAMPLE per pool"
"${PSQL[@]}" -v exnear_sample="$EXNEAR_SAMPLE" -v seed="$SEED" >/dev/null <<'EOF'
SELECT setseed(:seed);
CREATE TABLE bench.exch_sample AS
SELECT row_number() OVER () AS id, ('+1' || npa || nxx || lpad(floor(random() * 10000)::int::text, 4, '0'))::custom_dialing.us_e164 AS callee
FROM (SELECT npa, nxx FROM custom_dialing.exchanges e JOIN bench.us_npa USING (npa)
      WHERE e.lat IS NOT NULL ORDER BY random()) s;
CREATE TABLE bench.callees_exnear AS
SELECT p.size, row_number() OVER (PARTITION BY p.size ORDER BY x.id) AS id, x.callee
FROM bench.pools p CROSS JOIN LATERAL (
  SELECT s.id, s.callee FROM bench.exch_sample s
  WHERE custom_dialing.explain_pool_pick(p.id, s.callee) @> '{"rule": "nearest", "precision": "exchange"}'
  ORDER BY s.id LIMIT :exnear_sample) x;
CREATE INDEX ON bench.callees_exnear (size);
VACUUM ANALYZE bench.callees_exnear;
INSERT INTO bench.results SELECT 'exnear_count', size, 'callees', NULL, count(*) FROM bench.callees_exnear GROUP BY size;
EOF

# ---------- in-server timings (one session: the cache stays warm) ----------
ALL_SIZES=$(q "SELECT string_agg(size::text, ' ' ORDER BY size) FROM bench.pools")
T="$WORK/timing.sql"
{
	echo "\\set ON_ERROR_STOP 1"
	echo "SET max_parallel_workers_per_gather = 0;"
	echo "SET jit = off;"
	echo "SELECT count(length(callee)) FROM bench.callees;"
	for n in $ALL_SIZES; do
		echo "SELECT count(custom_dialing.pick_pool_number('$(pool_id "$n")', callee)) FROM bench.callees;"
		echo "SELECT count(custom_dialing.pick_pool_number('$(pool_id "$n")', callee)) FROM bench.callees_fallback;"
		echo "SELECT count(custom_dialing.pick_pool_number('$(pool_id "$n")', callee)) FROM bench.callees_exnear WHERE size = $n;"
	done
	pp=$(pool_id "$PEER_SIZE")
	echo "SELECT count(bench.sql_pick('$pp', callee)), count(bench.gis_pick('$pp', callee)) FROM bench.callees WHERE id <= 200;"
	for r in $(seq 1 "$ROUNDS"); do
		for n in $ALL_SIZES; do
			echo "CALL bench.time_query('scan', $n, 'len', $r, 'SELECT count(length(callee)) FROM bench.callees');"
			echo "CALL bench.time_query('scan', $n, 'pick', $r, 'SELECT count(custom_dialing.pick_pool_number(''$(pool_id "$n")'', callee)) FROM bench.callees');"
		done
		for n in $ALL_SIZES; do
			w="FROM bench.callees_exnear WHERE size = $n"
			echo "CALL bench.time_query('exnear', $n, 'len', $r, 'SELECT count(length(callee)) $w');"
			echo "CALL bench.time_query('exnear', $n, 'pick', $r, 'SELECT count(custom_dialing.pick_pool_number(''$(pool_id "$n")'', callee)) $w');"
		done
		for n in $ALL_SIZES; do
			echo "CALL bench.time_query('fallback', $n, 'len', $r, 'SELECT count(length(callee)) FROM bench.callees_fallback');"
			echo "CALL bench.time_query('fallback', $n, 'pick', $r, 'SELECT count(custom_dialing.pick_pool_number(''$(pool_id "$n")'', callee)) FROM bench.callees_fallback');"
		done
		w="FROM bench.callees WHERE id <= $PEER_SAMPLE"
		echo "CALL bench.time_query('peer', $PEER_SIZE, 'len', $r, 'SELECT count(length(callee)) $w');"
		echo "CALL bench.time_query('peer', $PEER_SIZE, 'sql', $r, 'SELECT count(bench.sql_pick(''$pp'', callee)) $w');"
		echo "CALL bench.time_query('peer', $PEER_SIZE, 'len', $r, 'SELECT count(length(callee)) $w');"
		echo "CALL bench.time_query('peer', $PEER_SIZE, 'gis', $r, 'SELECT count(bench.gis_pick(''$pp'', callee)) $w');"
		echo "CALL bench.time_query('peer', $PEER_SIZE, 'len', $r, 'SELECT count(length(callee)) $w');"
		echo "CALL bench.time_query('peer', $PEER_SIZE, 'ours', $r, 'SELECT count(custom_dialing.pick_pool_number(''$pp'', callee)) $w');"
	done
	# the timings are only valid if no pool was evicted or rebuilt meanwhile
	echo "INSERT INTO bench.results SELECT 'cache', NULL, 'pool_contexts', NULL, count(*) FROM pg_backend_memory_contexts WHERE name = 'custom_dialing pool';"
} >"$T"
log "in-server timings: $ROUNDS rounds over pools of $(echo "$ALL_SIZES" | tr ' ' ,)"
"${PSQL[@]}" -f "$T" >/dev/null

# ---------- memory: one fresh session per pool ----------
log "memory of the cache"
for n in $ALL_SIZES; do
	"${PSQL[@]}" >/dev/null <<EOF
SELECT count(custom_dialing.pick_pool_number('$(pool_id "$n")', callee)) FROM bench.callees WHERE id <= 1000;
INSERT INTO bench.results
SELECT 'memory', $n, name || CASE k WHEN 1 THEN ' total' ELSE ' used' END, NULL,
       CASE k WHEN 1 THEN total_bytes ELSE used_bytes END
FROM pg_backend_memory_contexts, generate_series(1, 2) k
WHERE name IN ('custom_dialing pool', 'custom_dialing geography');
EOF
done

# ---------- create_dialing_pool vs INSERT ----------
log "create_dialing_pool($CREATE_SIZE numbers) vs INSERT, $CREATE_ROUNDS rounds"
"${PSQL[@]}" -c "CALL bench.time_create($CREATE_SIZE, $CREATE_ROUNDS)"

# ---------- agreement with the peers, rule mix ----------
log "agreement with the peers ($AGREE_SAMPLE callees), rule mix ($MIX_SAMPLE callees)"
"${PSQL[@]}" -v peer_size="$PEER_SIZE" -v agree_sample="$AGREE_SAMPLE" -v mix_sample="$MIX_SAMPLE" \
	-f "$BENCH_DIR/sql/checks.sql" >/dev/null

# ---------- over the wire: pgbench ----------
K=$(q "SELECT count(*) FROM bench.us_npa")
CASES=$(q "SELECT string_agg(format('when :k = %s then %s', k, npa), ' ' ORDER BY k) FROM bench.us_npa")
head_lines=$(printf '%s\n' \
	"\\set k random(0, $((K - 1)))" \
	"\\set npa case $CASES else 0 end" \
	"\\set num :npa * 10000000 + random(2000000, 9999999)")
printf '%s\n%s\n' "$head_lines" "SELECT :pool::uuid, ('+1' || :num::text)::custom_dialing.us_e164;" >"$WORK/base.sql"
printf '%s\n%s\n' "$head_lines" "SELECT custom_dialing.pick_pool_number(:pool::uuid, ('+1' || :num::text)::custom_dialing.us_e164);" >"$WORK/pick.sql"
PB_POOL=$(pool_id "$PGBENCH_POOL")
[ -n "$PB_POOL" ] || die "BENCH_PGBENCH_POOL=$PGBENCH_POOL is not one of the pool sizes"
run_pgbench() { # variant round
	local out tps
	out=$(pgbench -n -M prepared -c "$PGBENCH_CLIENTS" -j "$PGBENCH_CLIENTS" -T "$PGBENCH_SECONDS" \
		-D pool="$PB_POOL" -f "$WORK/$1.sql" bench 2>&1) || { echo "$out" >&2; die "pgbench failed"; }
	tps=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p')
	[ -n "$tps" ] || { echo "$out" >&2; die "no tps line from pgbench"; }
	q "INSERT INTO bench.results VALUES ('pgbench', $PGBENCH_POOL, '$1', $2, $tps)" >/dev/null
	log "  pgbench $1 round $2: $tps tps"
}
log "pgbench -M prepared -c $PGBENCH_CLIENTS -j $PGBENCH_CLIENTS -T $PGBENCH_SECONDS, $PGBENCH_ROUNDS x (baseline, pick)"
for r in $(seq 1 "$PGBENCH_ROUNDS"); do
	run_pgbench base "$r"
	run_pgbench pick "$r"
done

# ---------- report ----------
T_END=$(date +%s)
MEM=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
{
	echo "# custom_dialing benchmark"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- machine: $(nproc) CPUs, $CPU, $MEM RAM, $(uname -sr)"
	echo "- $(q "SELECT version()")"
	echo "- PostGIS $(q "SELECT extversion FROM pg_extension WHERE extname = 'postgis'"), custom_dialing $(q "SELECT extversion FROM pg_extension WHERE extname = 'custom_dialing'"): $BUILD_NOTE"
	echo "- settings: $CALLEES callees, $ROUNDS rounds (medians), peer sample $PEER_SAMPLE callees, pgbench $PGBENCH_ROUNDS x ${PGBENCH_SECONDS}s per side, create $CREATE_ROUNDS rounds; max_parallel_workers_per_gather = 0, jit = off, shared_buffers = 512MB"
	echo "- command: \`bash bench/run.sh\` (total $((T_END - T_START)) s)"
	echo
	"${PSQL[@]}" -At -v peer_size="$PEER_SIZE" -v peer_sample="$PEER_SAMPLE" -v callees="$CALLEES" \
		-v pgbench_pool="$PGBENCH_POOL" -v create_size="$CREATE_SIZE" -v clients="$PGBENCH_CLIENTS" -v fallback_sample="$FALLBACK_SAMPLE" \
		-f "$BENCH_DIR/sql/report.sql"
} >"$WORK/results.md"
cp "$WORK/results.md" "$RESULTS"
cat "$WORK/results.md"
log "done in $((T_END - T_START)) s; written to $RESULTS"
