-- Exchange-level geography: the shipped exchanges, exchanges_from_csv and
-- refresh_exchanges (whole file validated first, one error listing every
-- bad line, nothing changed), us_e164_locate, calling hours in the
-- exchange's zone, and the nearest step between exchange points.
SET search_path = custom_dialing, public;
\set SHOW_CONTEXT never

-- the shipped data: data/nanp_exchanges.csv, row for row
SELECT count(*) AS exchanges, count(e.lat) AS with_point, count(e.time_zone) AS with_zone,
       count(DISTINCT npa) AS area_codes,
       count(*) FILTER (WHERE a.kind IS DISTINCT FROM 'geographic') AS outside_geographic
FROM exchanges e LEFT JOIN area_codes a USING (npa);
SELECT * FROM exchanges WHERE (npa, nxx) IN (('850', '222'), ('850', '215'), ('406', '365'), ('406', '239'), ('310', '200'), ('850', '227'))
ORDER BY npa, nxx;
SELECT obj_description('custom_dialing.exchanges'::regclass) LIKE '%GeoNames (www.geonames.org), CC BY 4.0%' AS attribution;
-- the installed copy of the CSV parses back to the same rows
SELECT count(*) AS rows_differing FROM (
  SELECT * FROM exchanges_from_csv(pg_read_file(
    (SELECT setting FROM pg_config WHERE name = 'SHAREDIR') || '/extension/custom_dialing_nanp_exchanges.csv'))
  EXCEPT SELECT * FROM exchanges) d;

-- ---------- the parser ----------
SELECT * FROM exchanges_from_csv(
'npa,nxx,region,place,lat,lon,time_zone,source
201,200,NJ,Jersey City,40.7282,-74.0776,America/New_York,geonames
850,215,FL,"Panama City, ""PC""",30.1595,-85.6598,America/Chicago,geonames
907,200,AK,,,,,none
');
SELECT count(*) AS rows_for_null FROM exchanges_from_csv(NULL);
-- with the area-code rule
SELECT * FROM exchanges_from_csv(E'npa,nxx,region,place,lat,lon,time_zone,source\n800,200,,,,,,\n', '{201,850}');
SELECT count(*) AS rows_without_rule FROM exchanges_from_csv(E'npa,nxx,region,place,lat,lon,time_zone,source\n800,200,,,,,,\n');

-- ---------- refresh_exchanges ----------
CREATE TEMP TABLE shipped AS SELECT * FROM exchanges;
CREATE FUNCTION pg_temp.q(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN t ~ '[",\r\n]' THEN '"' || replace(t, '"', '""') || '"' ELSE coalesce(t, '') END
$$;
CREATE FUNCTION pg_temp.csv_of(extra text DEFAULT '', skip text DEFAULT '') RETURNS text LANGUAGE sql AS $$
  SELECT 'npa,nxx,region,place,lat,lon,time_zone,source' || E'\n'
         || string_agg(concat_ws(',', e.npa, e.nxx, pg_temp.q(e.region), pg_temp.q(e.place),
                                 coalesce(e.lat::text, ''), coalesce(e.lon::text, ''),
                                 coalesce(e.time_zone, ''), 'test'), E'\n' ORDER BY e.npa, e.nxx)
         || E'\n' || extra
  FROM shipped e WHERE e.npa <> skip
$$;

-- the same contents change nothing
SELECT * FROM refresh_exchanges(pg_temp.csv_of());

-- Every kind of problem at once: one error, every bad line listed, nothing changed.
SELECT * FROM refresh_exchanges(
'npa,nxx,region,place,lat,lon,time_zone,source
201,200,NJ,Jersey City,40.7282,-74.0776,America/New_York,geonames
2a1,200,NJ,Bad npa,,,,none
201,100,NJ,Bad nxx,,,,none
800,200,,Toll free,,,,none
555,200,,Not an area code,,,,none
299,200,,Unassigned,,,,none
201,200,NJ,Twice,,,,none
201,201,NJ,North of the pole,91.5,-74,,none
201,202,NJ,Off the map,40,-181,,none
201,203,NJ,No lon,40,,,none
201,204,NJ,Not a number,4O.1,-74,,none
201,205,NJ,Atlantis,,,America/Atlantis,none
201,206,NJ,Too few fields
201,207,NJ,"unterminated,,,,none
');
SELECT NOT EXISTS (SELECT * FROM exchanges EXCEPT SELECT * FROM shipped)
       AND NOT EXISTS (SELECT * FROM shipped EXCEPT SELECT * FROM exchanges) AS unchanged,
       (SELECT count(*) FROM exchanges_refresh) AS refresh_rows;

-- the file as a whole
SELECT * FROM refresh_exchanges('');
SELECT * FROM refresh_exchanges(E'npa,nxx,region,place,lat,lon,time_zone,source\n');
SELECT * FROM refresh_exchanges(E'npa,nxx,region,place,lat,lon,time_zone\n201,200,,,,,\n');
SELECT * FROM refresh_exchanges(NULL);
-- more than 50 problems: the first 50 by line, then a count
SELECT * FROM refresh_exchanges('npa,nxx,region,place,lat,lon,time_zone,source' || E'\n'
  || (SELECT string_agg('201,' || n || ',,,,,,', E'\n') FROM generate_series(100, 160) n) || E'\n');

-- a row of an area code that is not geographic is refused
SELECT * FROM refresh_exchanges(pg_temp.csv_of(E'999,200,XX,Nowhere,,,,test\n'));
-- a real change (without 406): reported, and seen at once
SELECT us_e164_locate('+14063651234') ->> 'place' AS glendive_before;
SELECT * FROM refresh_exchanges(pg_temp.csv_of(skip => '406')) \gset r_
SELECT array_length(:'r_removed'::text[], 1) AS removed_406_rows,
       (SELECT count(*) FROM shipped WHERE npa = '406') AS shipped_406_rows,
       :'r_added' AS added, :'r_changed' AS changed;
SELECT us_e164_locate('+14063651234') ->> 'precision' AS glendive_after,
       (SELECT count(*) FROM exchanges_refresh) AS refresh_rows,
       (SELECT refreshed_by = current_user FROM exchanges_refresh) AS by_me;
-- back to the shipped file
SELECT array_length(added, 1) AS added_back, removed, changed[1:3] AS changed_source_only
FROM refresh_exchanges(pg_read_file(
  (SELECT setting FROM pg_config WHERE name = 'SHAREDIR') || '/extension/custom_dialing_nanp_exchanges.csv'));
SELECT NOT EXISTS (SELECT * FROM exchanges EXCEPT SELECT * FROM shipped)
       AND NOT EXISTS (SELECT * FROM shipped EXCEPT SELECT * FROM exchanges) AS shipped_again;

-- An area code removed from area_codes leaves its exchanges dormant: kept,
-- unused; refresh_exchanges then refuses rows of that area code.
BEGIN;
DELETE FROM area_codes WHERE npa = '406';
SELECT us_e164_locate('+14063651234') AS dormant;
SELECT count(*) AS kept_406_rows FROM exchanges WHERE npa = '406';
SELECT * FROM refresh_exchanges(pg_temp.csv_of());
ROLLBACK;
SELECT us_e164_locate('+14063651234') ->> 'precision' AS back_with_406;

-- not on a standby, not for PUBLIC
SELECT has_function_privilege('public', 'custom_dialing.refresh_exchanges(text)', 'EXECUTE') AS public_may_refresh,
       has_table_privilege('public', 'custom_dialing.exchanges', 'SELECT') AS public_may_read;

-- ---------- us_e164_locate ----------
SELECT n, us_e164_locate(n::us_e164) AS location
FROM (VALUES ('+18502221234'),	-- Tallahassee: exchange point and zone
             ('+18502151234'),	-- Panama City: the Central part of 850
             ('+13102001234'),	-- 310-200 "California": a zone, no point
             ('+18502271234'),	-- Port St. Joe: a point, no zone (every zone of 850)
             ('+18505551234'),	-- an exchange not in the table
             ('+18005551234'),	-- toll-free
             ('+15555551234'),	-- not an area code
             ('+12995551234')) v(n);	-- unassigned
SELECT us_e164_locate('+1850222123');
SELECT us_e164_locate(NULL) IS NULL AS strict;

-- ---------- calling hours in the exchange's zone ----------
-- For each split area code: its most common zone's exchange, the exchange
-- of the zone that differs most from it (fewest exchanges among those whose
-- UTC offsets differ, else the fewest), and an exchange the table does not
-- know.  Each is checked at local 07:59, 08:00, 20:59 and 21:00 in its own
-- zone (the area code's primary zone for the unknown one), on a winter and
-- a summer day; "every_zone" is the answer the area code as a whole gives at
-- the same instants (1.0's rule, and the rule for unknown exchanges).
CREATE FUNCTION pg_temp.pattern(callee text, zone text, day date, every_zone bool) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT string_agg(CASE WHEN custom_dialing.within_calling_hours(
                           CASE WHEN every_zone THEN substr(callee, 1, 5) || '1001234' ELSE callee END::custom_dialing.us_e164,
                           (day + t) AT TIME ZONE zone) THEN 't' ELSE 'f' END, '' ORDER BY t)
  FROM unnest('{07:59,08:00,20:59,21:00}'::time[]) t
$$;
CREATE TEMP TABLE split AS
WITH npas(npa) AS (VALUES ('850'), ('208'), ('605'), ('701'), ('785'), ('812'), ('907'),
                          ('270'), ('423'), ('541'), ('306'), ('250'), ('709'), ('807')),
zones AS (
  SELECT e.npa, e.time_zone, count(*) AS n, min(e.nxx) AS nxx
  FROM exchanges e JOIN npas USING (npa) WHERE e.time_zone IS NOT NULL
  GROUP BY 1, 2),
major AS (
  SELECT DISTINCT ON (npa) npa, time_zone, nxx FROM zones ORDER BY npa, n DESC, time_zone),
minor AS (
  SELECT DISTINCT ON (z.npa) z.npa, z.time_zone, z.nxx
  FROM zones z JOIN major m USING (npa)
  WHERE z.time_zone <> m.time_zone
  ORDER BY z.npa,
           (('2026-01-15 12:00Z'::timestamptz AT TIME ZONE z.time_zone) = ('2026-01-15 12:00Z'::timestamptz AT TIME ZONE m.time_zone)
            AND ('2026-07-15 12:00Z'::timestamptz AT TIME ZONE z.time_zone) = ('2026-07-15 12:00Z'::timestamptz AT TIME ZONE m.time_zone)),
           z.n, z.time_zone),
unknown AS (
  SELECT npa, (SELECT min(x)::text FROM generate_series(200, 999) x
               WHERE NOT EXISTS (SELECT FROM exchanges e WHERE e.npa = npas.npa AND e.nxx = x::text)) AS nxx
  FROM npas)
SELECT npa, 'majority' AS kind, nxx, time_zone AS zone FROM major
UNION ALL SELECT npa, 'minority', nxx, time_zone FROM minor
UNION ALL SELECT u.npa, 'unknown', u.nxx, a.time_zone FROM unknown u JOIN area_codes a USING (npa);
SELECT s.npa, s.kind, s.nxx, e.place, s.zone,
       pg_temp.pattern('+1' || s.npa || s.nxx || '1234', s.zone, '2026-01-15', false) AS winter,
       pg_temp.pattern('+1' || s.npa || s.nxx || '1234', s.zone, '2026-01-15', true) AS winter_every_zone,
       pg_temp.pattern('+1' || s.npa || s.nxx || '1234', s.zone, '2026-07-15', false) AS summer,
       pg_temp.pattern('+1' || s.npa || s.nxx || '1234', s.zone, '2026-07-15', true) AS summer_every_zone
FROM split s LEFT JOIN exchanges e ON e.npa = s.npa AND e.nxx = s.nxx
ORDER BY s.npa, s.kind;
-- the property behind the table, for every exchange of every split area
-- code: a known zone decides alone (window exactly [08:00, 21:00) local
-- there), an unknown one gives the every-zone answer
SELECT count(*) AS exchanges_checked,
       count(*) FILTER (WHERE e.time_zone IS NOT NULL AND
                        pg_temp.pattern('+1' || e.npa || e.nxx || '1234', e.time_zone, d, false) <> 'fttf') AS known_zone_wrong,
       count(*) FILTER (WHERE e.time_zone IS NULL AND
                        pg_temp.pattern('+1' || e.npa || e.nxx || '1234', a.time_zone, d, false)
                        <> pg_temp.pattern('+1' || e.npa || e.nxx || '1234', a.time_zone, d, true)) AS unknown_zone_wrong
FROM exchanges e JOIN area_codes a USING (npa),
     (VALUES ('2026-01-15'::date), ('2026-07-15')) dd(d)
WHERE cardinality(a.time_zones) > 1 OR e.time_zone IS DISTINCT FROM a.time_zone;

-- ---------- nearest between exchange points ----------
-- Glendive and Missoula are both 406 but 660 km apart: they now get
-- different numbers (at area-code precision both were measured from 406's
-- point, East Helena).
INSERT INTO dialing_pools (id, owner_id, phone_numbers) VALUES
 ('01900000-0000-7000-8000-0000000000f1', 'aaaaaaaa-0000-4000-8000-000000000001',
  '{+17015720001,+12087650002,+13076720003}');
SELECT n AS callee, e->>'rule' AS rule, e->>'number' AS number, e->'callee'->>'place' AS callee_place,
       e->'chosen'->>'place' AS chosen_area, round((e->>'distance_km')::numeric) AS km, e->>'precision' AS precision,
       e->>'candidates' AS candidates
FROM (VALUES ('+14063651234'), ('+14062391234'), ('+14065551234'), ('+17015721234'), ('+18005551234')) v(n),
     LATERAL explain_pool_pick('01900000-0000-7000-8000-0000000000f1', n::us_e164) e;
SELECT pick_pool_number('01900000-0000-7000-8000-0000000000f1', '+14063651234') AS glendive,
       pick_pool_number('01900000-0000-7000-8000-0000000000f1', '+14062391234') AS missoula;
-- pool_coverage keeps its one row per area code (callee NPA-555-0100)
SELECT count(*) AS coverage_rows, count(*) FILTER (WHERE rule = 'nearest') AS nearest_rows
FROM pool_coverage('01900000-0000-7000-8000-0000000000f1');

-- A brute-force restatement in SQL for every known exchange of 20 area
-- codes without pool numbers: the distance explain_pool_pick reports is the
-- smallest distance from the callee's point to a pool number's point
-- (exchange points where known, else area-code points), and the chosen
-- number lies at it.
CREATE FUNCTION pg_temp.point(n text, OUT lat float8, OUT lon float8) LANGUAGE sql STABLE AS $$
  SELECT coalesce(x.lat, a.lat), coalesce(x.lon, a.lon)
  FROM custom_dialing.area_codes a
  LEFT JOIN custom_dialing.exchanges x ON x.npa = a.npa AND x.nxx = substr(n, 6, 3)
  WHERE a.npa = substr(n, 3, 3) AND a.kind = 'geographic'
$$;
CREATE FUNCTION pg_temp.km(a text, b text) RETURNS float8 LANGUAGE sql STABLE AS $$
  SELECT 2 * 6371.0088 * asin(least(1, sqrt(sin(radians(q.lat - p.lat) / 2) ^ 2
         + cos(radians(p.lat)) * cos(radians(q.lat)) * sin(radians(q.lon - p.lon) / 2) ^ 2)))
  FROM pg_temp.point(a) p, pg_temp.point(b) q
$$;
INSERT INTO dialing_pools (id, owner_id, phone_numbers)
SELECT '01900000-0000-7000-8000-0000000000f2', 'aaaaaaaa-0000-4000-8000-000000000001',
       array_agg('+1' || npa || nxx || '0042' ORDER BY npa, nxx)
FROM (SELECT DISTINCT ON (npa) npa, nxx FROM exchanges
      WHERE npa IN ('212', '303', '312', '404', '406', '503', '602', '701', '713', '907')
        AND lat IS NOT NULL ORDER BY npa, nxx DESC) s;
SELECT count(*) AS callees, count(*) FILTER (WHERE e->>'rule' = 'nearest') AS nearest,
       count(*) FILTER (WHERE e->>'precision' = 'exchange') AS at_exchange_precision,
       count(*) FILTER (WHERE abs((e->>'distance_km')::float8 - best) > 1e-6) AS distance_not_smallest,
       count(*) FILTER (WHERE abs(pg_temp.km(c, e->>'number') - best) > 1e-6) AS chosen_not_nearest,
       count(*) FILTER (WHERE e->>'number' <> pick_pool_number('01900000-0000-7000-8000-0000000000f2', c::us_e164)) AS explain_disagrees
FROM (SELECT c, e, (SELECT min(pg_temp.km(c, n)) FROM dialing_pools p, unnest(p.phone_numbers) n
                    WHERE p.id = '01900000-0000-7000-8000-0000000000f2') AS best
      FROM (SELECT '+1' || npa || nxx || '7777' AS c FROM exchanges
            WHERE npa IN ('208', '307', '308', '385', '405', '505', '541', '605', '620', '719',
                          '785', '806', '815', '850', '865', '916', '928', '970', '509', '575')) cs,
           LATERAL explain_pool_pick('01900000-0000-7000-8000-0000000000f2', cs.c::us_e164) e) x;

DELETE FROM dialing_pools;
