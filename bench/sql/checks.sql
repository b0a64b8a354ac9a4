-- bench/sql/checks.sql - not timed: do the peers decide as we do, and what
-- does a pick have to do for each pool size?
-- psql variables: peer_size, agree_sample, mix_sample.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

-- Area code chosen by us and by each peer, for the first agree_sample callees.
CREATE TABLE bench.agreement AS
SELECT c.id, c.callee::text AS callee,
       e->>'rule' AS rule, (e->>'candidates')::int AS candidates,
       e->'chosen'->>'area_code' AS ours,
       (e->>'distance_km')::float8 AS ours_km,
       substr(bench.sql_pick(p.id, c.callee), 3, 3) AS sql_npa,
       substr(bench.gis_pick(p.id, c.callee), 3, 3) AS gis_npa
FROM bench.pools p
JOIN bench.callees c ON c.id <= :agree_sample
CROSS JOIN LATERAL custom_dialing.explain_pool_pick(p.id, c.callee) e
WHERE p.size = :peer_size;

-- Which rung of the ladder answers, and among how many numbers, per pool.
CREATE TABLE bench.rule_mix AS
SELECT p.size, e->>'rule' AS rule, count(*) AS callees,
       count(*) FILTER (WHERE (e->>'candidates')::int > 1) AS hashed,
       avg((e->>'candidates')::int) AS avg_candidates
FROM bench.pools p
JOIN bench.callees c ON c.id <= :mix_sample
CROSS JOIN LATERAL custom_dialing.explain_pool_pick(p.id, c.callee) e
GROUP BY 1, 2;
