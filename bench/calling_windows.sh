#!/usr/bin/env bash
# bench/calling_windows.sh - benchmark of calling_window and next_calling_time.
#
# Run as root, after make install: bash bench/calling_windows.sh
# Creates a throwaway cluster in a mktemp folder on a free loopback port,
# loads callees, times in one session (medians over rounds, the baseline in
# every round), replaces the section "Calling windows" of bench/results.md
# with its report (the rest of that file is bench/run.sh's), and removes the
# cluster.  Measures the installed custom_dialing.so.
#
# What: the length() floor, SELECT count(length(callee)) over CALLEES
# callees (random exchanges: some known to the exchanges table, with a
# place of their own, most not), against
#   - calling_window(callee, at) with one instant for the whole statement
#     (the way a dialer asks about a list), target <= 10x the floor;
#   - next_calling_time(callee, after) with one instant at which most
#     callees are outside their window (so the search runs), and with a
#     different instant for every callee (nothing can be shared between
#     calls), target <= 20 us per callee on average;
#   - calling_window with a different instant for every callee (information).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
CALLEES=${BENCH_CALLEES:-1000000}
DISTINCT=${BENCH_DISTINCT:-100000}
ROUNDS=${BENCH_ROUNDS:-5}
RESULTS=${BENCH_RESULTS:-$BENCH_DIR/results.md}
PGBIN=/usr/lib/postgresql/15/bin
T_START=$(date +%s)

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2 || true; }
die() { log "error: $*"; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (the server runs as postgres)"
SO=/usr/lib/postgresql/15/lib/custom_dialing.so
[ -f "$SO" ] || die "custom_dialing is not installed: make install first"
BUILD_NOTE="installed custom_dialing.so md5 $(md5sum "$SO" | cut -c1-12)"
if [ -f "$ROOT/custom_dialing.so" ] && cmp -s "$ROOT/custom_dialing.so" "$SO"; then
	BUILD_NOTE="$BUILD_NOTE, same as this tree's build"
else
	BUILD_NOTE="$BUILD_NOTE, NOT this tree's build"
fi
BUILD_NOTE="$BUILD_NOTE; tree at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"

WORK=$(mktemp -d /tmp/custom_dialing_cwbench.XXXXXX)
chmod 755 "$WORK"
chown postgres:postgres "$WORK"
DATA="$WORK/data"
cleanup() {
	local rc=$?
	set +e
	trap '' PIPE INT TERM HUP
	[ -f "$DATA/postmaster.pid" ] &&
		runuser -u postgres -- "$PGBIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1
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
shared_buffers = 512MB
max_parallel_workers_per_gather = 0
jit = off
EOF
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT=""
for try in $(seq 1 20); do
	cand=$((56320 + RANDOM % 2000))
	port_busy "$cand" && continue
	if runuser -u postgres -- "$PGBIN/pg_ctl" -D "$DATA" -l "$WORK/server.log" -o "-p $cand" -w -t 60 start >/dev/null 2>&1; then
		PORT=$cand
		break
	fi
done
[ -n "$PORT" ] || die "could not start the cluster"
export PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=postgres PGDATABASE=postgres
unset PGOPTIONS PGSERVICE PGPASSWORD
PSQL=(psql -X -q -v ON_ERROR_STOP=1)

log "setup: $CALLEES callees over the US and Canadian geographic area codes"
"${PSQL[@]}" <<EOF
SET client_min_messages = warning;
CREATE EXTENSION custom_dialing;
CREATE SCHEMA cwb;
SELECT setseed(0.42);
CREATE TABLE cwb.npa AS
SELECT (row_number() OVER (ORDER BY md5(npa)) - 1)::int AS k, npa
FROM custom_dialing.area_codes WHERE kind = 'geographic' AND country IN ('US', 'CA');
CREATE UNIQUE INDEX ON cwb.npa (k);
CREATE TABLE cwb.callees (id int PRIMARY KEY, callee custom_dialing.us_e164 NOT NULL);
INSERT INTO cwb.callees
SELECT r.i, ('+1' || a.npa || r.exch || lpad(r.line::text, 4, '0'))::custom_dialing.us_e164
FROM (SELECT i, floor(random() * (SELECT count(*) FROM cwb.npa))::int AS k,
             200 + floor(random() * 800)::int AS exch, floor(random() * 10000)::int AS line
      FROM generate_series(1, $CALLEES) i OFFSET 0) r
JOIN cwb.npa a ON a.k = r.k;
VACUUM ANALYZE cwb.callees;
CREATE TABLE cwb.results (what text, round int, ms float8);
CREATE PROCEDURE cwb.time_query(what text, round int, q text) LANGUAGE plpgsql AS \$\$
DECLARE t0 timestamptz;
BEGIN
	t0 := clock_timestamp();
	EXECUTE q;
	INSERT INTO cwb.results VALUES (what, round, extract(epoch FROM clock_timestamp() - t0) * 1000);
END
\$\$;
EOF

# Sunday 2026-06-07 01:30 UTC: Saturday evening in the US, past 21:00 in the
# East, so most callees need a search; 16:00 UTC is a weekday afternoon.
AT="'2026-06-01 16:00:00+00'"
AFTER="'2026-06-07 01:30:00+00'"
T="$WORK/timing.sql"
{
	echo "SET max_parallel_workers_per_gather = 0; SET jit = off;"
	# warm-up: the caches and the table in shared buffers
	echo "SELECT count(length(callee)), count(custom_dialing.calling_window(callee, $AT)) FROM cwb.callees;"
	for r in $(seq 1 "$ROUNDS"); do
		echo "CALL cwb.time_query('len', $r, 'SELECT count(length(callee)) FROM cwb.callees');"
		echo "CALL cwb.time_query('window', $r, 'SELECT count(custom_dialing.calling_window(callee, ${AT//\'/\'\'})) FROM cwb.callees');"
		echo "CALL cwb.time_query('len', $r, 'SELECT count(length(callee)) FROM cwb.callees');"
		echo "CALL cwb.time_query('next', $r, 'SELECT count(custom_dialing.next_calling_time(callee, ${AFTER//\'/\'\'})) FROM cwb.callees');"
		echo "CALL cwb.time_query('len_d', $r, 'SELECT count(length(callee)) FROM cwb.callees WHERE id <= $DISTINCT');"
		echo "CALL cwb.time_query('next_d', $r, 'SELECT count(custom_dialing.next_calling_time(callee, ${AFTER//\'/\'\'}::timestamptz + id * interval ''7 seconds'')) FROM cwb.callees WHERE id <= $DISTINCT');"
		echo "CALL cwb.time_query('len_d', $r, 'SELECT count(length(callee)) FROM cwb.callees WHERE id <= $DISTINCT');"
		echo "CALL cwb.time_query('window_d', $r, 'SELECT count(custom_dialing.calling_window(callee, ${AFTER//\'/\'\'}::timestamptz + id * interval ''7 seconds'')) FROM cwb.callees WHERE id <= $DISTINCT');"
	done
} >"$T"
log "timings: $ROUNDS rounds"
"${PSQL[@]}" -f "$T" >/dev/null

q() { psql -X -At -v ON_ERROR_STOP=1 -c "$1"; }
med() { # what
	q "SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1) FROM cwb.results WHERE what = '$1'"
}
# ratio per round (each query against the floor measured next to it), then the median
ratio() { # what floor
	q "SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY a.ms / f.ms)::numeric, 2)
	   FROM cwb.results a JOIN (SELECT round, avg(ms) AS ms FROM cwb.results WHERE what = '$2' GROUP BY round) f USING (round)
	   WHERE a.what = '$1'"
}
per_callee_us() { # what floor n
	q "SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY a.ms)::numeric * 1000 / $3, 2),
	          round(percentile_cont(0.5) WITHIN GROUP (ORDER BY a.ms - f.ms)::numeric * 1000 / $3, 2)
	   FROM cwb.results a JOIN (SELECT round, avg(ms) AS ms FROM cwb.results WHERE what = '$2' GROUP BY round) f USING (round)
	   WHERE a.what = '$1'" | tr '|' ' '
}
searching=$(q "SELECT round(100.0 * count(*) FILTER (WHERE NOT (custom_dialing.calling_window(callee, $AFTER)->>'allowed')::bool) / count(*), 1)
               FROM cwb.callees WHERE id <= 20000")
w_ratio=$(ratio window len)
read -r n_gross n_net <<<"$(per_callee_us next len "$CALLEES")"
read -r nd_gross nd_net <<<"$(per_callee_us next_d len_d "$DISTINCT")"
read -r wd_gross wd_net <<<"$(per_callee_us window_d len_d "$DISTINCT")"
met() { awk -v a="$1" -v b="$2" 'BEGIN { print (a + 0 <= b + 0) ? "yes" : "**no**" }'; }
rounds_of() { q "SELECT string_agg(round(ms::numeric, 1)::text, ', ' ORDER BY round) FROM cwb.results WHERE what = '$1'"; }
T_END=$(date +%s)

SECTION="$WORK/section.md"
{
	echo "## Calling windows"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs; $(q "SELECT split_part(version(), ' on ', 1)")"
	echo "- $BUILD_NOTE"
	echo "- $CALLEES callees uniform over the US and Canadian geographic area codes; $ROUNDS rounds, medians; each query's ratio is taken against the \`length()\` query of the same round; serial, jit off"
	echo "- command: \`bash bench/calling_windows.sh\` (total $((T_END - T_START)) s)"
	echo
	echo "| row | target | ours | baseline | ratio | met |"
	echo "|---|---|---|---|---|---|"
	echo "| \`count(calling_window(callee, at))\` over $CALLEES callees, one \`at\` (weekday 16:00 UTC) | ≤ 10× the \`length(callee)\` query | $(med window) ms | $(med len) ms | ${w_ratio}× | $(met "$w_ratio" 10) |"
	echo "| \`count(next_calling_time(callee, after))\`, one \`after\` (Sunday 01:30 UTC: ${searching}% of callees outside their window) | ≤ 20 µs per callee | $n_gross µs per callee gross, $n_net net | $(med len) ms | — | $(met "$n_gross" 20) |"
	echo "| \`next_calling_time\`, a different \`after\` for each of $DISTINCT callees (nothing shared between calls) | ≤ 20 µs per callee | $nd_gross µs per callee gross, $nd_net net | $(med len_d) ms | — | $(met "$nd_gross" 20) |"
	echo "| \`calling_window\`, a different \`at\` for each of $DISTINCT callees (information: the whole answer is built every call) | (information) | $wd_gross µs per callee gross, $wd_net net | $(med len_d) ms | — | — |"
	echo
	echo "Within one statement, calls with the same instant, kinds and region for callees in the same place share"
	echo "one answer (each call site keeps them): a place is an area code, or the region and zone of the exchanges"
	echo "that differ from their area code's (exchange precision). So a statement over a list costs about one answer"
	echo "per place plus a copy per callee. Every round, ms: length $(rounds_of len); calling_window $(rounds_of window);"
	echo "next_calling_time $(rounds_of next); length ($DISTINCT) $(rounds_of len_d); next_calling_time distinct $(rounds_of next_d);"
	echo "calling_window distinct $(rounds_of window_d)."
} >"$SECTION"

# replace (or append) the section in results.md
if [ -f "$RESULTS" ]; then
	awk -v sec="$SECTION" '
		/^## Calling windows$/ { skip = 1; while ((getline l < sec) > 0) print l; next }
		skip && /^## / { skip = 0 }
		!skip { print }
		END { }
	' "$RESULTS" >"$WORK/results.new"
	grep -q '^## Calling windows$' "$RESULTS" || { echo; cat "$SECTION"; } >>"$WORK/results.new"
	cp "$WORK/results.new" "$RESULTS"
else
	cp "$SECTION" "$RESULTS"
fi
cat "$SECTION"
log "done in $((T_END - T_START)) s; written to $RESULTS"
