-- bench/sql/dial_report.sql - the Markdown report of bench/dial.sh.
-- psql variables: callees, plain_sample, pool_size, clients.
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only on
CREATE FUNCTION pg_temp.median(float8[]) RETURNS float8 LANGUAGE sql AS
$$ SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest($1) x $$;
CREATE TEMP VIEW r AS SELECT * FROM bench.results;
-- per-round ratios of a candidate to its baseline
CREATE FUNCTION pg_temp.ratios(k text, num text, den text) RETURNS float8[] LANGUAGE sql AS $$
  SELECT array_agg(a.value / b.value ORDER BY a.round)
    FROM bench.results a JOIN bench.results b USING (kind, round)
   WHERE a.kind = k AND a.variant = num AND b.variant = den $$;

SELECT '## Dialing (`bench/dial.sh`)' || E'\n\n' ||
       'Medians of per-round ratios; candidate and baseline alternate in every round.' || E'\n\n' ||
       '| measure | target | result |' || E'\n' || '|---|---|---|';
SELECT format('| in-server: `count(dial_pool_number(pool, callee))` over %s callees, pool of %s uncapped numbers, vs `INSERT INTO log SELECT pool, callee, now() FROM callees` (log indexed like `pool_calls`) | ≤ 5× | **%s×** (%s ms vs %s ms) |',
              :'callees', :'pool_size',
              round(pg_temp.median(pg_temp.ratios('inserver', 'dial', 'insert'))::numeric, 2),
              round(pg_temp.median(array_agg(value) FILTER (WHERE variant = 'dial'))::numeric, 1),
              round(pg_temp.median(array_agg(value) FILTER (WHERE variant = 'insert'))::numeric, 1))
  FROM r WHERE kind = 'inserver';
SELECT format('| same, the pool capped (caps not reached: every dial counts its number''s windows) | — | %s× (%s ms) |',
              round(pg_temp.median(pg_temp.ratios('inserver', 'dial_capped', 'insert'))::numeric, 2),
              round(pg_temp.median(array_agg(value) FILTER (WHERE variant = 'dial_capped'))::numeric, 1))
  FROM r WHERE kind = 'inserver';
SELECT format('| per call vs the plain-SQL way (numbers table, call log, caps by counting, same area code then haversine, `LIMIT 1 FOR UPDATE SKIP LOCKED`, INSERT), capped pool, %s callees | ≥ 50× faster | **%s× faster** (%s µs vs %s µs per call) |',
              :'plain_sample',
              round((1 / pg_temp.median(pg_temp.ratios('plain', 'ours', 'plain')))::numeric, 0),
              round((1000 * pg_temp.median(array_agg(value) FILTER (WHERE variant = 'ours')) / :plain_sample)::numeric, 1),
              round((1000 * pg_temp.median(array_agg(value) FILTER (WHERE variant = 'plain')) / :plain_sample)::numeric, 0))
  FROM r WHERE kind = 'plain';
SELECT format('| over the wire: `pgbench -M prepared -c %s`, one dial per transaction vs a one-row INSERT transaction | ≥ 0.6× TPS | **%s×** (%s vs %s TPS) |',
              :'clients',
              round(pg_temp.median(pg_temp.ratios('pgbench', 'dial', 'insert'))::numeric, 2),
              round(pg_temp.median(array_agg(value) FILTER (WHERE variant = 'dial'))::numeric, 0),
              round(pg_temp.median(array_agg(value) FILTER (WHERE variant = 'insert'))::numeric, 0))
  FROM r WHERE kind = 'pgbench';
SELECT format('| `pick_pool_number` in the same run, net per pick (`count(pick)` − `count(length)`) over %s callees, same pool | unchanged code path | %s µs |',
              :'callees',
              round((1000 * (pg_temp.median(array_agg(value) FILTER (WHERE variant = 'pick'))
                           - pg_temp.median(array_agg(value) FILTER (WHERE variant = 'len'))) / :callees)::numeric, 3))
  FROM r WHERE kind = 'pick';
SELECT E'\nEvery round (ms, or TPS for pgbench):\n\n| kind | variant | rounds |\n|---|---|---|';
SELECT format('| %s | %s | %s |', kind, variant, string_agg(round(value::numeric, 1)::text, ', ' ORDER BY round))
  FROM r GROUP BY kind, variant ORDER BY kind, variant;
