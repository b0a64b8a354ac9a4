-- bench/sql/setup.sql - the data the benchmark runs on.
-- psql variables: callees (rows), sizes (comma-separated pool sizes),
-- peer_size (the pool the peers are timed on), peer_tenants (other pools in
-- the peers' tables), fallback_sample (callees
-- without a located area code), seed (0..1 for setseed).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION custom_dialing;
CREATE EXTENSION postgis;
CREATE EXTENSION btree_gist;
CREATE SCHEMA bench;
SET custom_dialing.max_pool_size = 1000000;
SELECT setseed(:seed);
SET bench.sizes = :'sizes';
SET bench.peer_size = :'peer_size';

-- US geographic area codes in a fixed shuffled order (k = 0..K-1), so that a
-- small pool is spread over the country rather than over 201, 202, ...
CREATE TABLE bench.us_npa AS
SELECT (row_number() OVER (ORDER BY md5(npa)) - 1)::int AS k, npa
FROM custom_dialing.area_codes
WHERE kind = 'geographic' AND country = 'US';
CREATE UNIQUE INDEX ON bench.us_npa (k);

-- 1M callees: uniform over US geographic area codes, exchange 200-999, random line.
CREATE TABLE bench.callees (id int PRIMARY KEY, callee custom_dialing.us_e164 NOT NULL);
INSERT INTO bench.callees
SELECT r.i, ('+1' || a.npa || r.exch || lpad(r.line::text, 4, '0'))::custom_dialing.us_e164
FROM (SELECT i, floor(random() * (SELECT count(*) FROM bench.us_npa))::int AS k,
             200 + floor(random() * 800)::int AS exch, floor(random() * 10000)::int AS line
      FROM generate_series(1, :callees) i OFFSET 0) r
JOIN bench.us_npa a ON a.k = r.k;

-- Callees whose area code has no location (toll-free, 5XX): the fallback
-- rung, where every pool number is a candidate.
CREATE TABLE bench.callees_fallback (id int PRIMARY KEY, callee custom_dialing.us_e164 NOT NULL);
INSERT INTO bench.callees_fallback
SELECT r.i, ('+1' || a.npa || r.exch || lpad(r.line::text, 4, '0'))::custom_dialing.us_e164
FROM (SELECT i, floor(random() * (SELECT count(*) FROM custom_dialing.area_codes
                                  WHERE kind IN ('toll_free', 'non_geographic')))::int AS k,
             200 + floor(random() * 800)::int AS exch, floor(random() * 10000)::int AS line
      FROM generate_series(1, :fallback_sample) i OFFSET 0) r
JOIN (SELECT (row_number() OVER (ORDER BY npa) - 1)::int AS k, npa FROM custom_dialing.area_codes
      WHERE kind IN ('toll_free', 'non_geographic')) a ON a.k = r.k;

-- Pools: number i is in area code k = i mod K (round-robin), random
-- exchange and line; duplicates dropped, first N kept.
CREATE TABLE bench.pool_src (size int, i int, num text);
CREATE TABLE bench.pools (size int PRIMARY KEY, id uuid NOT NULL);
CREATE FUNCTION bench.pool_numbers_of(n int) RETURNS text[] LANGUAGE sql AS $$
  SELECT array_agg(num ORDER BY i) FROM (
    SELECT i, num FROM (
      SELECT DISTINCT ON (num) i, num FROM (
        SELECT g.i, '+1' || a.npa || (200 + floor(random() * 800))::int
                    || lpad(floor(random() * 10000)::int::text, 4, '0') AS num
        FROM generate_series(0, n + n / 20 + 10) g(i)
        JOIN bench.us_npa a ON a.k = g.i % (SELECT count(*) FROM bench.us_npa)::int
      ) s ORDER BY num, i
    ) d ORDER BY i LIMIT n
  ) t
$$;

DO $$
DECLARE
  n int;
  nums text[];
  res jsonb;
BEGIN
  FOREACH n IN ARRAY string_to_array(current_setting('bench.sizes'), ',')::int[] || current_setting('bench.peer_size')::int
  LOOP
    CONTINUE WHEN EXISTS (SELECT 1 FROM bench.pools WHERE size = n);
    nums := bench.pool_numbers_of(n);
    IF cardinality(nums) <> n THEN
      RAISE EXCEPTION 'pool of % got % numbers', n, cardinality(nums);
    END IF;
    res := custom_dialing.create_dialing_pool('b0000000-0000-4000-8000-00000000000a', nums);
    IF res->>'status' <> 'success' THEN
      RAISE EXCEPTION 'create_dialing_pool failed: %', left(res::text, 500);
    END IF;
    INSERT INTO bench.pools VALUES (n, (res->'data'->>'id')::uuid);
  END LOOP;
END $$;

-- The plain-SQL peer: one row per pool number with its area code's point.
-- Like a real multi-tenant table it holds many pools: the timed one (the same
-- numbers as ours) and peer_tenants others of the same size, so that the
-- planner's estimate of rows per pool is right and the indexes are used.
CREATE TABLE bench.pool_numbers (
  pool_id uuid NOT NULL, number text NOT NULL, npa text NOT NULL,
  lat float8, lon float8, PRIMARY KEY (pool_id, number));
CREATE INDEX ON bench.pool_numbers (pool_id, npa, number);
INSERT INTO bench.pool_numbers
SELECT p.id, u.num, substr(u.num, 3, 3), a.lat, a.lon
FROM bench.pools p
JOIN custom_dialing.dialing_pools d ON d.id = p.id
CROSS JOIN LATERAL unnest(d.phone_numbers::text[]) u(num)
LEFT JOIN custom_dialing.area_codes a ON a.npa = substr(u.num, 3, 3) AND a.kind = 'geographic'
WHERE p.size = :peer_size;
INSERT INTO bench.pool_numbers
SELECT r.pool_id, '+1' || a.npa || r.exch || lpad(r.line::text, 4, '0'), a.npa, c.lat, c.lon
FROM (SELECT t.pool_id, floor(random() * (SELECT count(*) FROM bench.us_npa))::int AS k,
             200 + floor(random() * 800)::int AS exch, floor(random() * 10000)::int AS line
      FROM (SELECT gen_random_uuid() AS pool_id FROM generate_series(1, :peer_tenants)) t,
           generate_series(1, :peer_size) OFFSET 0) r
JOIN bench.us_npa a ON a.k = r.k
JOIN custom_dialing.area_codes c ON c.npa = a.npa
ON CONFLICT DO NOTHING;

-- Haversine written as the extension documents it (R = 6371.0088 km), in
-- the same operation order, so exact ties stay ties.  Inlinable SQL.
CREATE FUNCTION bench.haversine_km(lat1 float8, lon1 float8, lat2 float8, lon2 float8)
RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT 2.0 * 6371.0088 * asin(sqrt(
           sin(radians(lat2 - lat1) / 2.0) * sin(radians(lat2 - lat1) / 2.0)
         + cos(radians(lat1)) * cos(radians(lat2)) * sin(radians(lon2 - lon1) / 2.0) * sin(radians(lon2 - lon1) / 2.0)))
$$;

-- Peer (a): plain SQL, each step an index lookup, ties broken by number.
CREATE FUNCTION bench.sql_pick(p uuid, callee text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(
    -- 1. same area code
    (SELECT pn.number FROM bench.pool_numbers pn
      WHERE pn.pool_id = p AND pn.npa = substr(callee, 3, 3) AND pn.lat IS NOT NULL
      ORDER BY pn.number LIMIT 1),
    -- 2. an overlay of the callee's area code
    (SELECT pn.number FROM bench.pool_numbers pn
      WHERE pn.pool_id = p AND pn.lat IS NOT NULL
        AND pn.npa = ANY ((SELECT a.overlays FROM custom_dialing.area_codes a
                            WHERE a.npa = substr(callee, 3, 3) AND a.lat IS NOT NULL)::text[])
      ORDER BY pn.number LIMIT 1),
    -- 3. nearest by haversine
    (SELECT pn.number FROM custom_dialing.area_codes a
       JOIN bench.pool_numbers pn ON pn.pool_id = p
      WHERE a.npa = substr(callee, 3, 3) AND a.lat IS NOT NULL AND pn.lat IS NOT NULL
      ORDER BY bench.haversine_km(a.lat, a.lon, pn.lat, pn.lon), pn.number LIMIT 1),
    -- 4. anything
    (SELECT pn.number FROM bench.pool_numbers pn WHERE pn.pool_id = p ORDER BY pn.number LIMIT 1))
$$;

-- Peer (b): PostGIS, geography points with a GiST index, KNN for the nearest step.
CREATE TABLE bench.area_geo (npa text PRIMARY KEY, overlays text[] NOT NULL, geog geography(Point, 4326) NOT NULL);
INSERT INTO bench.area_geo
SELECT npa, overlays, ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography
FROM custom_dialing.area_codes WHERE kind = 'geographic' AND lat IS NOT NULL;
CREATE TABLE bench.pool_numbers_geo (
  pool_id uuid NOT NULL, number text NOT NULL, npa text NOT NULL,
  geog geography(Point, 4326), PRIMARY KEY (pool_id, number));
CREATE INDEX ON bench.pool_numbers_geo (pool_id, npa, number);
CREATE INDEX ON bench.pool_numbers_geo USING gist (pool_id, geog);
INSERT INTO bench.pool_numbers_geo
SELECT pn.pool_id, pn.number, pn.npa, g.geog
FROM bench.pool_numbers pn LEFT JOIN bench.area_geo g ON g.npa = pn.npa;

CREATE FUNCTION bench.gis_pick(p uuid, callee text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(
    (SELECT g.number FROM bench.pool_numbers_geo g
      WHERE g.pool_id = p AND g.npa = substr(callee, 3, 3) AND g.geog IS NOT NULL
      ORDER BY g.number LIMIT 1),
    (SELECT g.number FROM bench.pool_numbers_geo g
      WHERE g.pool_id = p AND g.geog IS NOT NULL
        AND g.npa = ANY ((SELECT a.overlays FROM bench.area_geo a WHERE a.npa = substr(callee, 3, 3))::text[])
      ORDER BY g.number LIMIT 1),
    -- nearest: the KNN scan finds the nearest number's area code, the
    -- smallest number of that area code breaks the tie among its numbers
    (SELECT min(g.number) FROM bench.pool_numbers_geo g
      WHERE g.pool_id = p AND g.npa =
        (SELECT k.npa FROM bench.pool_numbers_geo k
          WHERE k.pool_id = p AND k.geog IS NOT NULL
          ORDER BY k.geog <-> (SELECT a.geog FROM bench.area_geo a WHERE a.npa = substr(callee, 3, 3))
          LIMIT 1)),
    (SELECT g.number FROM bench.pool_numbers_geo g WHERE g.pool_id = p ORDER BY g.number LIMIT 1))
$$;

-- The baseline of the create_dialing_pool row: the same array into a plain table.
CREATE TABLE bench.plain_pools (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  phone_numbers custom_dialing.us_e164[] NOT NULL);

-- Every measurement: ms for timings, tps for pgbench, bytes for memory.
CREATE TABLE bench.results (test text, size int, variant text, round int, value float8);

-- Times one query (planning included, well under 0.1% of the queries timed).
CREATE PROCEDURE bench.time_query(test text, size int, variant text, round int, q text)
LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz;
  t1 timestamptz;
  x bigint;
BEGIN
  t0 := clock_timestamp();
  EXECUTE q INTO x;
  t1 := clock_timestamp();
  INSERT INTO bench.results VALUES (test, size, variant, round, extract(epoch FROM t1 - t0) * 1000);
END $$;

-- create_dialing_pool(n numbers) against INSERT of the same text[] into a
-- us_e164[] column, alternating; each timed statement is followed by a
-- COMMIT outside the timed region.
CREATE PROCEDURE bench.time_create(n int, rounds int)
LANGUAGE plpgsql AS $$
DECLARE
  nums text[];
  res jsonb;
  t0 timestamptz;
  t1 timestamptz;
  r int;
BEGIN
  SET custom_dialing.max_pool_size = 1000000;
  nums := bench.pool_numbers_of(n);
  -- warm-up: plans, catalog caches
  res := custom_dialing.create_dialing_pool('b0000000-0000-4000-8000-00000000000b', nums);
  INSERT INTO bench.plain_pools (phone_numbers) VALUES (nums::custom_dialing.us_e164[]);
  COMMIT;
  FOR r IN 1..rounds LOOP
    t0 := clock_timestamp();
    INSERT INTO bench.plain_pools (phone_numbers) VALUES (nums::custom_dialing.us_e164[]);
    t1 := clock_timestamp();
    INSERT INTO bench.results VALUES ('create', n, 'insert', r, extract(epoch FROM t1 - t0) * 1000);
    COMMIT;
    t0 := clock_timestamp();
    res := custom_dialing.create_dialing_pool('b0000000-0000-4000-8000-00000000000b', nums);
    t1 := clock_timestamp();
    INSERT INTO bench.results VALUES ('create', n, 'create', r, extract(epoch FROM t1 - t0) * 1000);
    IF res->>'status' <> 'success' THEN
      RAISE EXCEPTION 'create_dialing_pool failed: %', left(res::text, 500);
    END IF;
    COMMIT;
  END LOOP;
END $$;

VACUUM ANALYZE bench.callees;
VACUUM ANALYZE bench.callees_fallback;
VACUUM ANALYZE bench.pool_numbers;
VACUUM ANALYZE bench.pool_numbers_geo;
VACUUM ANALYZE bench.area_geo;
VACUUM ANALYZE custom_dialing.dialing_pools;
