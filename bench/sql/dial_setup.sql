-- bench/sql/dial_setup.sql - data and timing procedures of bench/dial.sh.
-- psql variables: callees, pool_size, seed, plain_sample.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION custom_dialing;
CREATE SCHEMA bench;
SELECT setseed(:seed);

CREATE TABLE bench.us_npa AS
SELECT (row_number() OVER (ORDER BY md5(npa)) - 1)::int AS k, npa, lat, lon
FROM custom_dialing.area_codes
WHERE kind = 'geographic' AND country = 'US';

-- callees: uniform over US geographic area codes, exchange 200-999, random line
CREATE TABLE bench.callees (id int PRIMARY KEY, callee custom_dialing.us_e164 NOT NULL);
INSERT INTO bench.callees
SELECT r.i, ('+1' || a.npa || r.exch || lpad(r.line::text, 4, '0'))::custom_dialing.us_e164
FROM (SELECT i, floor(random() * (SELECT count(*) FROM bench.us_npa))::int AS k,
             200 + floor(random() * 800)::int AS exch, floor(random() * 10000)::int AS line
      FROM generate_series(1, :callees) i OFFSET 0) r
JOIN bench.us_npa a ON a.k = r.k;

-- pool: number i in area code k = i mod K, random exchange and line, distinct
CREATE TABLE bench.pool_numbers AS
SELECT DISTINCT ON (num) num FROM (
  SELECT '+1' || a.npa || (200 + floor(random() * 800)::int) || lpad(floor(random() * 10000)::text, 4, '0') AS num
  FROM generate_series(0, :pool_size * 2) i
  JOIN bench.us_npa a ON a.k = i % (SELECT count(*) FROM bench.us_npa)) s;
CREATE TABLE bench.pools (name text PRIMARY KEY, id uuid NOT NULL);
INSERT INTO bench.pools
SELECT 'uncapped', (custom_dialing.create_dialing_pool('b0000000-0000-4000-8000-000000000001',
	(SELECT array_agg(num) FROM (SELECT num FROM bench.pool_numbers ORDER BY md5(num) LIMIT :pool_size) s))->'data'->>'id')::uuid;
-- the same numbers, capped (caps never reached in the runs): the counting path
INSERT INTO bench.pools
SELECT 'capped', (custom_dialing.create_dialing_pool('b0000000-0000-4000-8000-000000000001',
	(SELECT array_agg(num) FROM (SELECT num FROM bench.pool_numbers ORDER BY md5(num) LIMIT :pool_size) s))->'data'->>'id')::uuid;
SELECT custom_dialing.set_pool_pacing('b0000000-0000-4000-8000-000000000001', id::text, 100000, 1000000)
  FROM bench.pools WHERE name = 'capped';

-- the baseline: one row per call into a log indexed like pool_calls
CREATE TABLE bench.call_log (pool_id uuid NOT NULL, callee text NOT NULL, at timestamptz NOT NULL);
CREATE INDEX ON bench.call_log (pool_id, callee, at);
CREATE INDEX ON bench.call_log (at);

-- the plain-SQL way: a numbers table and a call log; caps by counting recent
-- calls, same area code first then haversine distance, LIMIT 1 FOR UPDATE
-- SKIP LOCKED, then INSERT
CREATE TABLE bench.plain_numbers (pool_id uuid, number text, npa text, lat float8, lon float8,
	PRIMARY KEY (pool_id, number));
INSERT INTO bench.plain_numbers
SELECT p.id, n, substr(n, 3, 3), a.lat, a.lon
  FROM bench.pools p, unnest((SELECT phone_numbers::text[] FROM custom_dialing.dialing_pools d WHERE d.id = p.id)) n
  JOIN bench.us_npa a ON a.npa = substr(n, 3, 3)
 WHERE p.name = 'capped';
CREATE TABLE bench.plain_calls (pool_id uuid NOT NULL, number text NOT NULL, callee text NOT NULL, at timestamptz NOT NULL);
CREATE INDEX ON bench.plain_calls (pool_id, number, at);
CREATE INDEX ON bench.plain_calls (at);
CREATE TABLE bench.plain_caps (pool_id uuid PRIMARY KEY, per_hour int, per_day int);
INSERT INTO bench.plain_caps SELECT id, 100000, 1000000 FROM bench.pools WHERE name = 'capped';
CREATE FUNCTION bench.plain_dial(p uuid, callee text, at_ timestamptz DEFAULT now()) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	c record;
	chosen text;
BEGIN
	SELECT a.lat, a.lon, a.npa INTO c FROM bench.us_npa a WHERE a.npa = substr(callee, 3, 3);
	SELECT n.number INTO chosen
	  FROM bench.plain_numbers n, bench.plain_caps k
	 WHERE n.pool_id = p AND k.pool_id = p
	   AND (SELECT count(*) FROM bench.plain_calls x WHERE x.pool_id = p AND x.number = n.number
	          AND x.at > at_ - interval '1 hour' AND x.at <= at_) < k.per_hour
	   AND (SELECT count(*) FROM bench.plain_calls x WHERE x.pool_id = p AND x.number = n.number
	          AND x.at > at_ - interval '24 hours' AND x.at <= at_) < k.per_day
	 ORDER BY n.npa = c.npa DESC,
	          2 * 6371.0088 * asin(sqrt(sin(radians(n.lat - c.lat) / 2) ^ 2
	            + cos(radians(c.lat)) * cos(radians(n.lat)) * sin(radians(n.lon - c.lon) / 2) ^ 2))
	 LIMIT 1 FOR UPDATE OF n SKIP LOCKED;
	IF chosen IS NOT NULL THEN
		INSERT INTO bench.plain_calls VALUES (p, chosen, callee, at_);
	END IF;
	RETURN chosen;
END
$$;

CREATE TABLE bench.results (kind text, variant text, round int, value float8);
-- times one statement (commit excluded), in ms
CREATE PROCEDURE bench.time_query(kind text, variant text, round int, sql text)
LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
BEGIN
	t0 := clock_timestamp();
	EXECUTE sql;
	INSERT INTO bench.results VALUES (kind, variant, round,
		extract(epoch FROM clock_timestamp() - t0) * 1000);
END
$$;
