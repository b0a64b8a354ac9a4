-- refresh_area_codes: the whole file validated first, one error listing
-- every bad line, nothing changed on failure; otherwise an atomic swap that
-- reports what changed and that routing sees at once.
SET search_path = custom_dialing, public;

-- Renders rows in the CSV format (RFC 4180 quoting where needed).
CREATE FUNCTION pg_temp.q(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN t ~ '[",\r\n]' THEN '"' || replace(t, '"', '""') || '"' ELSE coalesce(t, '') END
$$;
CREATE FUNCTION pg_temp.csv_line(a custom_dialing.area_codes) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT concat_ws(',', a.npa, pg_temp.q(a.country), pg_temp.q(a.region), pg_temp.q(a.place),
                   coalesce(a.lat::text, ''), coalesce(a.lon::text, ''), coalesce(a.time_zone, ''),
                   array_to_string(a.time_zones, ' '), array_to_string(a.overlays, ' '), a.kind,
                   a.in_service::text, pg_temp.q(a.note))
$$;
CREATE TEMP TABLE shipped AS SELECT * FROM area_codes;
CREATE TEMP TABLE geo AS SELECT * FROM area_codes;
CREATE FUNCTION pg_temp.csv_of(extra text DEFAULT '') RETURNS text LANGUAGE sql AS $$
  SELECT 'npa,country,region,place,lat,lon,time_zone,time_zones,overlays,kind,in_service,note' || E'\n'
         || string_agg(pg_temp.csv_line(ROW(g.*)::custom_dialing.area_codes), E'\n' ORDER BY g.npa) || E'\n' || extra
  FROM geo g
$$;
\set SHOW_CONTEXT never

-- the rendering of the shipped rows parses back to the same rows
SELECT count(*) AS rows_differing
FROM (SELECT * FROM area_codes_from_csv(pg_temp.csv_of()) EXCEPT SELECT * FROM area_codes) d;

-- refreshing with the same contents changes nothing
SELECT * FROM refresh_area_codes(pg_temp.csv_of());

-- Every kind of problem at once: one error, every bad line listed, nothing changed.
SELECT * FROM refresh_area_codes(
'npa,country,region,place,lat,lon,time_zone,time_zones,overlays,kind,in_service,note
212,US,NY,New York City,40.7143,-74.0060,America/New_York,America/New_York,646,geographic,true,
12a,US,NY,Nowhere,40,-74,America/New_York,America/New_York,,geographic,true,
212,US,NY,Twice,40,-74,America/New_York,America/New_York,,geographic,true,
646,US,NY,New York City,40.7143,-74.0060,America/New_York,America/New_York,,geographic,true,
301,US,MD,North of the pole,91.5,-77,America/New_York,America/New_York,,geographic,true,
302,US,DE,Off the map,39,-181,America/New_York,America/New_York,,geographic,true,
303,US,CO,Denver,39.7,-104.9,America/Atlantis,America/Atlantis,,geographic,true,
304,US,WV,Charleston,38.3,-81.6,America/New_York,America/New_York,999,geographic,true,
305,US,FL,Miami,25.7,-80.1,America/New_York,America/Chicago,,geographic,true,
306,CA,SK,Regina,x50.4,-104.6,America/Regina,America/Regina,,geographic,true,
307,US,WY,Casper,42.8,-106.3,America/Denver,America/Denver,,geographic,maybe,
308,US,NE,Kearney,40.7,-99.1,America/Chicago,America/Chicago,,suburban,true,
800,,,,,,,,,toll_free,true,
833,,,,40,-74,America/New_York,America/New_York,,toll_free,true,
309,US,IL,Peoria,,,,,,geographic,true,
310,US,CA,Los Angeles,34,-118,America/Los_Angeles,America/Los_Angeles,,geographic,true
311,too,few,fields
');
SELECT count(*) = (SELECT count(*) FROM shipped) AS unchanged,
       NOT EXISTS (SELECT * FROM area_codes EXCEPT SELECT * FROM shipped) AS same_rows,
       (SELECT count(*) FROM area_codes_refresh) AS refresh_rows
FROM area_codes;

-- the file as a whole
SELECT * FROM refresh_area_codes('');
SELECT * FROM refresh_area_codes('npa,country,region,place,lat,lon,time_zone,time_zones,overlays,kind,in_service,note
');
SELECT * FROM refresh_area_codes('npa;country;region
212;US;NY
');
SELECT * FROM refresh_area_codes(E'\xEF\xBB\xBF' || pg_temp.csv_of());
SELECT * FROM refresh_area_codes(pg_temp.csv_of('299,US,NY,"Unterminated,40,-74,America/New_York,America/New_York,,geographic,true,'));
SELECT * FROM refresh_area_codes(NULL);
-- more than fifty problems: fifty are listed, the rest counted
SELECT * FROM refresh_area_codes(pg_temp.csv_of(
  (SELECT string_agg('9' || lpad(g::text, 2, '0') || ',US,NY,Nowhere,40,-74,America/Nowhere,America/Nowhere,,geographic,true,', E'\n')
   FROM generate_series(10, 79) g)));

-- A real refresh: 907 removed, 206 moved onto Miami, 299 added (geographic).
DELETE FROM geo WHERE npa = '907';
UPDATE geo SET lat = 25.7743, lon = -80.1937 WHERE npa = '206';
INSERT INTO geo (npa, country, region, place, lat, lon, time_zone, time_zones, overlays, kind, in_service, note)
VALUES ('299', 'US', 'KS', 'Test Town', 38.5, -98.0, 'America/Chicago', '{America/Chicago}', '{}', 'geographic', false,
        'a test code, "quoted", with commas');

INSERT INTO dialing_pools (id, owner_id, phone_numbers) VALUES
 ('01900000-0000-7000-8000-0000000000c1', 'aaaaaaaa-0000-4000-8000-000000000001',
  '{+12065550100,+13125550100,+14155550100}');
-- before: Alaska calls get Seattle, Miami calls Chicago (nearer than San Francisco or Seattle)
SELECT c, pick_pool_number('01900000-0000-7000-8000-0000000000c1', c) AS picked,
       explain_pool_pick('01900000-0000-7000-8000-0000000000c1', c)->>'rule' AS rule
FROM unnest('{+19075550199,+13055550199,+12995550199}'::us_e164[]) c;

SELECT * FROM refresh_area_codes(pg_temp.csv_of());

-- after, in this same session: 907 is unassigned (fallback), Miami gets the
-- 206 number at distance 0, 299 routes by distance
SELECT c, pick_pool_number('01900000-0000-7000-8000-0000000000c1', c) AS picked,
       explain_pool_pick('01900000-0000-7000-8000-0000000000c1', c)->>'rule' AS rule,
       round((explain_pool_pick('01900000-0000-7000-8000-0000000000c1', c)->>'distance_km')::numeric) AS km
FROM unnest('{+19075550199,+13055550199,+12995550199}'::us_e164[]) c;
SELECT us_e164_kind('+19075550199') AS kind_907, us_e164_kind('+12995550199') AS kind_299,
       within_calling_hours('+19075550199', '2026-07-01 20:00Z') AS hours_907;
SELECT place, note FROM area_codes WHERE npa = '299';
-- the refresh is recorded for pg_dump
SELECT length(csv) > 100000 AS stored, refreshed_by = current_user AS by_me FROM area_codes_refresh;

-- a refresh that fails later leaves the earlier one in place
SELECT * FROM refresh_area_codes(pg_temp.csv_of('9x9'));
SELECT count(*) AS codes, bool_or(npa = '299') AS has_299 FROM area_codes;

-- a refresh inside a transaction that rolls back leaves nothing behind
BEGIN;
DELETE FROM geo WHERE npa = '299';
SELECT * FROM refresh_area_codes(pg_temp.csv_of());
SELECT bool_or(npa = '299') AS has_299_inside FROM area_codes;
ROLLBACK;
SELECT bool_or(npa = '299') AS has_299_after_rollback FROM area_codes;

-- back to the geography this version ships, from the installed copy of the CSV
SELECT * FROM refresh_area_codes(pg_read_file(
  (SELECT setting FROM pg_config WHERE name = 'SHAREDIR') || '/extension/custom_dialing_nanp_area_codes.csv'));
SELECT count(*) AS rows_differing_from_shipped
FROM (SELECT * FROM area_codes EXCEPT SELECT * FROM shipped) d;
SELECT pick_pool_number('01900000-0000-7000-8000-0000000000c1', '+19075550199') AS alaska_again;

DELETE FROM area_codes_refresh;
DELETE FROM dialing_pools;
