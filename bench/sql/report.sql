-- bench/sql/report.sql - the Markdown report from bench.results and the checks.
-- psql variables: peer_size, peer_sample, callees, pgbench_pool, create_size, clients.
\set ON_ERROR_STOP 1
\pset footer off

CREATE TEMP VIEW med AS
SELECT test, size, variant,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY value) AS v,
       count(*) AS n
FROM bench.results
WHERE test IN ('scan', 'fallback', 'exnear', 'peer', 'pgbench', 'create')
GROUP BY 1, 2, 3;

CREATE TEMP VIEW scan AS
SELECT l.size, l.v AS len_ms, p.v AS pick_ms,
       (p.v - l.v) * 1e6 / :callees AS net_ns,
       p.v * 1e6 / :callees AS gross_ns
FROM med l JOIN med p ON p.test = 'scan' AND p.size = l.size AND p.variant = 'pick'
WHERE l.test = 'scan' AND l.variant = 'len';

CREATE TEMP VIEW peer AS
SELECT x.variant, (x.v - l.v) * 1e3 / :peer_sample AS net_us, x.v * 1e3 / :peer_sample AS gross_us
FROM med x JOIN med l ON l.test = 'peer' AND l.variant = 'len'
WHERE x.test = 'peer' AND x.variant <> 'len';

CREATE TEMP VIEW mem AS
SELECT size,
       max(value) FILTER (WHERE variant = 'custom_dialing pool total') AS pool_total,
       max(value) FILTER (WHERE variant = 'custom_dialing pool used') AS pool_used,
       max(value) FILTER (WHERE variant = 'custom_dialing geography total') AS geo_total
FROM bench.results WHERE test = 'memory' GROUP BY size;

CREATE TEMP VIEW mem_fit AS        -- bytes = per_pool + per_number * n, from the smallest and largest pool
SELECT (b.pool_total - a.pool_total) / (b.size - a.size) AS per_number,
       a.pool_total - a.size * (b.pool_total - a.pool_total) / (b.size - a.size) AS per_pool
FROM (SELECT * FROM mem ORDER BY size LIMIT 1) a, (SELECT * FROM mem ORDER BY size DESC LIMIT 1) b;

CREATE FUNCTION pg_temp.yn(ok boolean) RETURNS text LANGUAGE sql AS $$ SELECT CASE WHEN ok THEN 'yes' ELSE '**no**' END $$;
CREATE FUNCTION pg_temp.n0(x float8) RETURNS text LANGUAGE sql AS $$ SELECT to_char(round(x), 'FM999,999,999,990') $$;

\echo '| row | target | ours | peers | baseline | ratio | met |'
\echo '|---|---|---|---|---|---|---|'

-- in-server scan against length()
SELECT format('| in-server, `count(pick_pool_number(p, callee))` over %s callees, pool of %s | ≤ 3× the `length(callee)` query | %s ms (%s ns/callee) | — | %s ms | %s× | %s |',
              pg_temp.n0(:callees), pg_temp.n0(size), round(pick_ms::numeric, 1), round(gross_ns::numeric), round(len_ms::numeric, 1),
              round((pick_ms / len_ms)::numeric, 2), pg_temp.yn(pick_ms <= 3 * len_ms))
FROM scan ORDER BY size;

-- against the peers
SELECT format('| same, vs the %s, pool of %s | ≥ 300× faster per pick | %s ns/pick net (%s ns gross) | %s µs/pick net (%s µs gross; %s callees) | — | %s× net (%s× gross) | %s |',
              CASE p.variant WHEN 'sql' THEN 'plain-SQL way (index lookups, haversine ORDER BY … LIMIT 1)'
                             ELSE 'PostGIS way (geography, GiST KNN `<->` … LIMIT 1)' END,
              :peer_size, round(s.net_ns::numeric, 1), round(s.gross_ns::numeric, 1),
              round(p.net_us::numeric, 1), round(p.gross_us::numeric, 1), pg_temp.n0(:peer_sample),
              pg_temp.n0(p.net_us * 1000 / s.net_ns), pg_temp.n0(p.gross_us * 1000 / s.gross_ns),
              pg_temp.yn(p.net_us * 1000 / s.net_ns >= 300))
FROM peer p JOIN scan s ON s.size = :peer_size
WHERE p.variant IN ('sql', 'gis') ORDER BY p.variant DESC;

-- growth with pool size
SELECT format('| growth: pick time, pool of %s vs %s%s | %s | %s ns vs %s ns net; %s ns vs %s ns gross | — | — | %s× net (%s× gross) | %s |',
              pg_temp.n0(b.size), pg_temp.n0(a.size),
              CASE WHEN a.size = (SELECT min(size) FROM scan) THEN '' ELSE ' (information: see the rule mix below)' END,
              CASE WHEN a.size = (SELECT min(size) FROM scan) THEN '≤ 1.5×' ELSE '(information)' END,
              round(b.net_ns::numeric, 1), round(a.net_ns::numeric, 1), round(b.gross_ns::numeric, 1), round(a.gross_ns::numeric, 1),
              round((b.net_ns / a.net_ns)::numeric, 2), round((b.gross_ns / a.gross_ns)::numeric, 2),
              CASE WHEN a.size = (SELECT min(size) FROM scan) THEN pg_temp.yn(b.net_ns <= 1.5 * a.net_ns) ELSE '—' END)
FROM scan a, scan b
WHERE b.size = (SELECT max(size) FROM scan)
  AND a.size IN ((SELECT min(size) FROM scan), (SELECT min(size) FROM scan WHERE size >= 1000))
  AND a.size < b.size
ORDER BY a.size;

-- fallback picks (information)
SELECT format('| in-server, fallback picks: %s callees whose area code has no location (toll-free, 5XX), every pool number a candidate | (information) | %s | — | %s ms (`length()`) | — | — |',
              pg_temp.n0(:fallback_sample),
              string_agg(format('pool of %s: %s ns/pick net', pg_temp.n0(p.size), round(((p.v - l.v) * 1e6 / :fallback_sample)::numeric)), '; ' ORDER BY p.size),
              round(avg(l.v)::numeric, 1))
FROM med p JOIN med l ON l.test = 'fallback' AND l.variant = 'len' AND l.size = p.size
WHERE p.test = 'fallback' AND p.variant = 'pick';

-- exchange-nearest picks
SELECT format('| in-server, exchange-nearest picks: callees in exchanges with a point, of area codes without a pool number (rule nearest, precision exchange) | (information) | %s | — | `length()` over the same callees | — | — |',
              string_agg(format('pool of %s: %s', pg_temp.n0(p.size),
                                CASE WHEN c.value > 0 THEN round(((p.v - l.v) * 1e6 / c.value)::numeric) || ' ns/pick net, '
                                                          || round((p.v * 1e6 / c.value)::numeric) || ' gross (' || pg_temp.n0(c.value) || ' callees)'
                                     ELSE 'no callee is routed so' END), '; ' ORDER BY p.size))
FROM med p JOIN med l ON l.test = 'exnear' AND l.variant = 'len' AND l.size = p.size
     JOIN bench.results c ON c.test = 'exnear_count' AND c.size = p.size
WHERE p.test = 'exnear' AND p.variant = 'pick';

-- over the wire
WITH pair AS (
  SELECT p.value / b.value AS r
  FROM bench.results p JOIN bench.results b ON b.test = 'pgbench' AND b.variant = 'base' AND b.round = p.round
  WHERE p.test = 'pgbench' AND p.variant = 'pick')
SELECT format('| over the wire, `pgbench -M prepared -c %s -j %s` `SELECT custom_dialing.pick_pool_number($1,$2)`, pool of %s | ≥ 0.90× the baseline''s TPS | %s tps | — | %s tps (`SELECT $1::uuid, $2`) | %s× (median of %s paired runs) | %s |',
              :clients, :clients, pg_temp.n0(:pgbench_pool), pg_temp.n0(p.v), pg_temp.n0(b.v),
              round(m.r::numeric, 3), p.n, pg_temp.yn(m.r >= 0.90))
FROM med p, med b, (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY r) AS r FROM pair) m
WHERE p.test = 'pgbench' AND p.variant = 'pick' AND b.test = 'pgbench' AND b.variant = 'base';

-- create_dialing_pool against INSERT
SELECT format('| `create_dialing_pool` with %s numbers | ≤ 2× `INSERT` of the same array into a `us_e164[]` column | %s ms | — | %s ms | %s× | %s |',
              pg_temp.n0(:create_size), round(c.v::numeric, 1), round(i.v::numeric, 1),
              round((c.v / i.v)::numeric, 2), pg_temp.yn(c.v <= 2 * i.v))
FROM med c, med i
WHERE c.test = 'create' AND c.variant = 'create' AND i.test = 'create' AND i.variant = 'insert';

-- memory; 1.0's figures from its release benchmark (2026-11-27)
SELECT format('| memory, pool of %s (context "custom_dialing pool") | ≤ 2× 1.0''s | %s bytes (%s bytes/number) | — | %s | %s | %s |',
              pg_temp.n0(m.size), pg_temp.n0(m.pool_total), round((m.pool_total / m.size)::numeric, 1),
              coalesce(pg_temp.n0(o.bytes) || ' bytes (1.0)', '—'),
              coalesce(round((m.pool_total / o.bytes)::numeric, 2) || '×', '—'),
              CASE WHEN o.bytes IS NULL THEN '—' ELSE pg_temp.yn(m.pool_total <= 2 * o.bytes) END)
FROM mem m LEFT JOIN (VALUES (10, 20304), (100, 20304), (1000, 53040), (10000, 290736), (100000, 2667648)) o(size, bytes)
  ON o.size = m.size
ORDER BY m.size;
SELECT format('| memory, geography per session (context "custom_dialing geography": area codes and exchanges) | ≤ 8 MB | %s bytes | — | 628,352 bytes (1.0, area codes only) | — | %s |',
              pg_temp.n0(max(geo_total)), pg_temp.yn(max(geo_total) <= 8 * 1024 * 1024))
FROM mem;
SELECT format('| memory, fitted | report | %s bytes per cached number + %s bytes per pool; geography %s bytes per session (context "custom_dialing geography") | — | — | — | — |',
              round(per_number::numeric, 1), pg_temp.n0(per_pool), pg_temp.n0((SELECT max(geo_total) FROM mem)))
FROM mem_fit;

\echo
\echo 'Per-pick time: net = (pick query − length query) / callees; gross = pick query / callees. The peers'' per-pick time is measured the same way on the first callees of the table (their own `length()` query subtracted for net); ours is taken from the full-table query.'
\echo
SELECT format('### Agreement with the peers (pool of %s, first %s callees)', :peer_size, pg_temp.n0(count(*))) FROM bench.agreement;
\echo
\echo 'Compared: the area code of the chosen number, where ours had a single candidate (`explain_pool_pick(...)->>''candidates'' = ''1''`). Where ours has several equally good candidates it picks among them by its sticky hash and the peers by smallest number, so those are not compared.'
\echo
\echo '| rule (ours) | callees | single candidate | plain SQL agrees | PostGIS agrees |'
\echo '|---|---|---|---|---|'
SELECT format('| %s | %s | %s | %s | %s |', coalesce(rule, 'all'), count(*), count(*) FILTER (WHERE candidates = 1),
              count(*) FILTER (WHERE candidates = 1 AND sql_npa = ours), count(*) FILTER (WHERE candidates = 1 AND gis_npa = ours))
FROM bench.agreement GROUP BY ROLLUP (rule) ORDER BY rule NULLS LAST;
\echo
\echo 'The peers measure the nearest step between area-code points, as 1.0 did; ours measures between exchange points where the exchange is known (1.1), so nearest picks differ where the callee''s or a pool number''s exchange is placed away from its area code''s point.'
SELECT CASE WHEN count(*) = 0 THEN E'\nNo disagreement.' ELSE E'\nDisagreements (single candidate):\n' END FROM bench.agreement
WHERE candidates = 1 AND (sql_npa <> ours OR gis_npa <> ours);
SELECT format('- callee %s: ours %s (%s, %s km), plain SQL %s, PostGIS %s', callee, ours, rule, round(ours_km::numeric, 1), sql_npa, gis_npa)
FROM bench.agreement WHERE candidates = 1 AND (sql_npa <> ours OR gis_npa <> ours) ORDER BY id LIMIT 20;
\echo
SELECT format('### What a pick does, by pool size (first %s callees, from `explain_pool_pick`)', pg_temp.n0(sum(callees) / count(DISTINCT size))) FROM bench.rule_mix;
\echo
\echo 'A pick with a single candidate returns it at once; with several, the sticky hash choice among them is computed, which is where the time of a pick goes.'
\echo
\echo '| pool | area_code | overlay | nearest | picks that hash (≥ 2 candidates) | mean candidates |'
\echo '|---|---|---|---|---|---|'
SELECT format('| %s | %s%% | %s%% | %s%% | %s%% | %s |', pg_temp.n0(size),
              round(100.0 * sum(callees) FILTER (WHERE rule = 'area_code') / sum(callees), 1),
              round(100.0 * coalesce(sum(callees) FILTER (WHERE rule = 'overlay'), 0) / sum(callees), 1),
              round(100.0 * coalesce(sum(callees) FILTER (WHERE rule = 'nearest'), 0) / sum(callees), 1),
              round(100.0 * sum(hashed) / sum(callees), 1),
              round(sum(avg_candidates * callees) / sum(callees), 1))
FROM bench.rule_mix GROUP BY size ORDER BY size;
\echo
\echo '### Every round'
\echo
\echo '| measurement | unit | rounds, in order | median |'
\echo '|---|---|---|---|'
SELECT format('| %s %s%s | %s | %s | %s |', test,
              CASE WHEN test = 'peer' THEN 'sample ' ELSE '' END || CASE WHEN size IS NULL THEN '' ELSE pg_temp.n0(size) || ' ' END, variant,
              CASE test WHEN 'pgbench' THEN 'tps' ELSE 'ms' END,
              string_agg(round(value::numeric, 1)::text, ', ' ORDER BY round),
              round((percentile_cont(0.5) WITHIN GROUP (ORDER BY value))::numeric, 1))
FROM bench.results WHERE test IN ('scan', 'fallback', 'exnear', 'peer', 'pgbench', 'create')
GROUP BY test, size, variant
ORDER BY array_position(ARRAY['scan', 'fallback', 'exnear', 'peer', 'create', 'pgbench'], test), size, variant;
SELECT format(E'\nPool contexts in the timing session at the end: %s (one per pool: no pool was evicted).', value::int)
FROM bench.results WHERE test = 'cache' AND value = (SELECT count(*) FROM bench.pools);
SELECT format(E'\n**Pool contexts in the timing session at the end: %s for %s pools: a pool was evicted and rebuilt during the timings.**', value::int, (SELECT count(*) FROM bench.pools))
FROM bench.results WHERE test = 'cache' AND value <> (SELECT count(*) FROM bench.pools);
