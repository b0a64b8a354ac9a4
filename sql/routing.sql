-- Routing: pick_pool_number and explain_pool_pick on real geography, checked
-- against an independent SQL statement of the ladder, plus the properties
-- of the sticky choice (stickiness, evenness, minimal movement).
SET search_path = custom_dialing, public;

-- Pools written directly with fixed ids, so the output is reproducible.
INSERT INTO dialing_pools (id, owner_id, phone_numbers) VALUES
 -- one number in each of eight metro areas
 ('01900000-0000-7000-8000-0000000000a1', 'aaaaaaaa-0000-4000-8000-000000000001',
  '{+12125550100,+13125550100,+14155550100,+12065550100,+13055550100,+17135550100,+18085550100,+16175550100}'),
 -- toll-free numbers only
 ('01900000-0000-7000-8000-0000000000a2', 'aaaaaaaa-0000-4000-8000-000000000001',
  '{+18005550100,+18885550100,+18445550100}'),
 -- a toll-free and a New York number
 ('01900000-0000-7000-8000-0000000000a3', 'aaaaaaaa-0000-4000-8000-000000000001',
  '{+18005550100,+12125550100}'),
 -- Manhattan overlays only (646 and 917 share 212's territory; 917 also 718's)
 ('01900000-0000-7000-8000-0000000000a4', 'aaaaaaaa-0000-4000-8000-000000000001',
  '{+16465550100,+16465550101,+19175550100}');

-- Scenarios, each justified by data/nanp_area_codes.csv:
--  212 in the pool -> area_code; 646 overlays 212 -> overlay;
--  718 (Brooklyn) is not an overlay of 212 and no pool number is in 718/347/929/917 -> nearest, Manhattan 9 km;
--  907 Alaska -> Seattle (206) 2309 km, nearer than San Francisco 3226 km;
--  787 and 939 Puerto Rico, 340 Virgin Islands, 876 Jamaica -> Miami (305);
--  671 Guam, 670 Northern Marianas, 684 American Samoa -> Honolulu (808);
--  416 Toronto -> New York 555 km (Boston 694 km); 604 Vancouver -> Seattle 192 km; 204 Winnipeg -> Chicago;
--  800 toll-free, 555 and 911 not area codes, 299 unassigned, 012 invalid -> fallback.
SELECT c AS callee, pick_pool_number('01900000-0000-7000-8000-0000000000a1', c) AS picked,
       e->>'rule' AS rule, round((e->>'distance_km')::numeric, 1) AS km, e->'candidates' AS candidates,
       e->'callee'->>'place' AS callee_place, e->'chosen'->>'place' AS chosen_place
FROM unnest(ARRAY['+12125550199', '+16465550199', '+17185550199', '+19075550199', '+17875550199',
                  '+19395550199', '+13405550199', '+18765550199', '+16715550199', '+16705550199',
                  '+16845550199', '+14165550199', '+16045550199', '+12045550199',
                  '+18005550199', '+15555550199', '+19115550199', '+12995550199', '+10125550199']::us_e164[]) AS c,
     LATERAL explain_pool_pick('01900000-0000-7000-8000-0000000000a1', c) AS e;

-- the full explanation of two of them
SELECT jsonb_pretty(explain_pool_pick('01900000-0000-7000-8000-0000000000a1', '+19075550199')) AS alaska;
SELECT jsonb_pretty(explain_pool_pick('01900000-0000-7000-8000-0000000000a1', '+18005550199')) AS toll_free_callee;

-- a pool of toll-free numbers only still answers, by fallback, for every callee
SELECT e->>'rule' AS rule, e->'candidates' AS candidates, count(*)
FROM area_codes a, LATERAL explain_pool_pick('01900000-0000-7000-8000-0000000000a2',
       ('+1' || a.npa || '5550199')::us_e164) AS e
GROUP BY 1, 2;
-- toll-free pool numbers take part only in the fallback
SELECT e->>'rule' AS rule, e->>'number' AS number, count(*)
FROM area_codes a, LATERAL explain_pool_pick('01900000-0000-7000-8000-0000000000a3',
       ('+1' || a.npa || '5550199')::us_e164) AS e
WHERE a.kind = 'geographic' GROUP BY 1, 2 ORDER BY 1, 2;
SELECT bool_and(e->>'rule' = 'fallback' AND (e->'candidates')::int = 2) AS non_geographic_callees_fall_back
FROM area_codes a, LATERAL explain_pool_pick('01900000-0000-7000-8000-0000000000a3',
       ('+1' || a.npa || '5550199')::us_e164) AS e
WHERE a.kind <> 'geographic';

-- overlays: 212 callees choose among 646 and 917; 718 callees get 917 only
SELECT c AS callee, e->>'rule' AS rule, e->'candidates' AS candidates
FROM unnest(ARRAY['+12125550199', '+17185550199', '+13475550199', '+13325550199']::us_e164[]) AS c,
     LATERAL explain_pool_pick('01900000-0000-7000-8000-0000000000a4', c) AS e;
SELECT pick_pool_number('01900000-0000-7000-8000-0000000000a4', '+17185550199') AS brooklyn_gets_917;

-- The ladder restated in SQL, independently of the C code, for every area
-- code in the table and a few that are not: the rule, the set of equally
-- good area codes and the distance must agree with explain_pool_pick.
CREATE FUNCTION pg_temp.km(a custom_dialing.area_codes, b custom_dialing.area_codes) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN a.lat IS NOT NULL AND b.lat IS NOT NULL THEN
         2 * 6371.0088 * asin(least(1, sqrt(sin(radians(b.lat - a.lat) / 2) ^ 2
         + cos(radians(a.lat)) * cos(radians(b.lat)) * sin(radians(b.lon - a.lon) / 2) ^ 2))) END
$$;
-- Distance between two numbers' points: an exchange's point where the
-- exchanges table has one, else the area code's (the nearest step measures
-- between those; the other steps report area-code distances).
CREATE FUNCTION pg_temp.point_km(a text, b text, aa custom_dialing.area_codes,
                                 ba custom_dialing.area_codes) RETURNS float8
LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN aa.lat IS NOT NULL AND ba.lat IS NOT NULL THEN
         2 * 6371.0088 * asin(least(1, sqrt(sin(radians(lat2 - lat1) / 2) ^ 2
         + cos(radians(lat1)) * cos(radians(lat2)) * sin(radians(lon2 - lon1) / 2) ^ 2))) END
  FROM (SELECT coalesce(xa.lat, aa.lat) AS lat1, coalesce(xa.lon, aa.lon) AS lon1,
               coalesce(xb.lat, ba.lat) AS lat2, coalesce(xb.lon, ba.lon) AS lon2
        FROM (SELECT) d
        LEFT JOIN custom_dialing.exchanges xa ON xa.npa = substr(a, 3, 3) AND xa.nxx = substr(a, 6, 3)
        LEFT JOIN custom_dialing.exchanges xb ON xb.npa = substr(b, 3, 3) AND xb.nxx = substr(b, 6, 3)) p
$$;
CREATE FUNCTION pg_temp.reference(pool uuid, callee text, OUT rule text, OUT npas text[])
LANGUAGE plpgsql AS $$
DECLARE
  c custom_dialing.area_codes;
  pool_npas text[];
BEGIN
  SELECT array_agg(DISTINCT substr(n, 3, 3)) INTO pool_npas
  FROM custom_dialing.dialing_pools, unnest(phone_numbers) n WHERE id = pool;
  SELECT * INTO c FROM custom_dialing.area_codes WHERE npa = substr(callee, 3, 3);
  IF c.kind = 'geographic' THEN
    IF c.npa = ANY (pool_npas) THEN rule := 'area_code'; npas := ARRAY[c.npa]; RETURN; END IF;
    SELECT array_agg(o ORDER BY o) INTO npas FROM unnest(c.overlays) o WHERE o = ANY (pool_npas);
    IF npas IS NOT NULL THEN rule := 'overlay'; RETURN; END IF;
    SELECT array_agg(p.npa ORDER BY p.npa) INTO npas
    FROM custom_dialing.area_codes p
    WHERE p.npa = ANY (pool_npas) AND p.kind = 'geographic'
      AND pg_temp.km(c, p) = (SELECT min(pg_temp.km(c, q)) FROM custom_dialing.area_codes q
                              WHERE q.npa = ANY (pool_npas) AND q.kind = 'geographic');
    IF npas IS NOT NULL THEN rule := 'nearest'; RETURN; END IF;
  END IF;
  rule := 'fallback';
  SELECT array_agg(x ORDER BY x) INTO npas FROM unnest(pool_npas) x;
END $$;
SELECT pool, count(*) AS callees_checked,
       count(*) FILTER (WHERE e->>'rule' <> (r).rule) AS rule_differs,
       count(*) FILTER (WHERE NOT (e->'chosen'->>'area_code' = ANY ((r).npas))) AS chosen_outside_set,
       count(*) FILTER (WHERE (e->>'candidates')::int <>
           (SELECT count(*) FROM dialing_pools p, unnest(p.phone_numbers) n
            WHERE p.id = pool AND substr(n, 3, 3) = ANY ((r).npas))) AS candidates_differ,
       count(*) FILTER (WHERE abs(coalesce((e->>'distance_km')::float8, -1)
                                  - coalesce(CASE WHEN e->>'rule' = 'nearest'
                                                  THEN pg_temp.point_km(x.c, e->>'number', ca, ch)
                                                  ELSE pg_temp.km(ca, ch) END, -1)) > 1e-6) AS distance_differs,
       count(*) FILTER (WHERE e->>'number' <> pick_pool_number(pool, c)) AS explain_disagrees
FROM (SELECT p.id AS pool, cs.c, explain_pool_pick(p.id, cs.c) AS e, pg_temp.reference(p.id, cs.c) AS r
      FROM dialing_pools p,
           (SELECT ('+1' || npa || '5550' || lpad(i::text, 3, '0'))::us_e164 AS c
            FROM (SELECT npa FROM area_codes UNION ALL VALUES ('299'), ('012'), ('999')) s(npa),
                 generate_series(1, 3) i) cs) x
     LEFT JOIN area_codes ca ON ca.npa = substr(x.c, 3, 3)
     LEFT JOIN area_codes ch ON ch.npa = x.e->'chosen'->>'area_code'
GROUP BY pool ORDER BY pool;

-- Properties of the sticky choice, in a pool of five 212 numbers.
INSERT INTO dialing_pools (id, owner_id, phone_numbers) VALUES
 ('01900000-0000-7000-8000-0000000000b1', 'aaaaaaaa-0000-4000-8000-000000000001',
  '{+12125550101,+12125550102,+12125550103,+12125550104,+12125550105}'),
 -- the same numbers in another order
 ('01900000-0000-7000-8000-0000000000b2', 'aaaaaaaa-0000-4000-8000-000000000001',
  '{+12125550105,+12125550103,+12125550101,+12125550104,+12125550102}');
CREATE TEMP TABLE callees AS
  SELECT ('+1212' || lpad((7000000 + g * 389)::text, 7, '0'))::us_e164 AS c FROM generate_series(1, 5000) g;
CREATE TEMP TABLE before AS
  SELECT c, pick_pool_number('01900000-0000-7000-8000-0000000000b1', c) AS n FROM callees;

-- evenness: every number within 25% of its fair share (1000 of 5000)
SELECT n, count(*) BETWEEN 750 AND 1250 AS within_25_percent FROM before GROUP BY n ORDER BY n;
-- stickiness: the same answer again, and from the same numbers in another order
SELECT count(*) FILTER (WHERE pick_pool_number('01900000-0000-7000-8000-0000000000b1', c) <> n) AS changed_on_repeat,
       count(*) FILTER (WHERE pick_pool_number('01900000-0000-7000-8000-0000000000b2', c) <> n) AS changed_by_order
FROM before;

-- removal: only the callees that had the removed number move
UPDATE dialing_pools SET phone_numbers = '{+12125550101,+12125550102,+12125550104,+12125550105}'
WHERE id = '01900000-0000-7000-8000-0000000000b1';
SELECT count(*) FILTER (WHERE n = '+12125550103') AS had_removed,
       count(*) FILTER (WHERE n <> pick_pool_number('01900000-0000-7000-8000-0000000000b1', c)) AS moved,
       count(*) FILTER (WHERE n <> '+12125550103' AND n <> pick_pool_number('01900000-0000-7000-8000-0000000000b1', c)) AS moved_without_cause
FROM before \gset
SELECT :had_removed = :moved AS only_those_moved, :moved_without_cause AS moved_without_cause;

-- addition: only callees that now get the new number move, about 1/6 of them
UPDATE dialing_pools SET phone_numbers = '{+12125550101,+12125550102,+12125550103,+12125550104,+12125550105,+12125550106}'
WHERE id = '01900000-0000-7000-8000-0000000000b1';
SELECT count(*) FILTER (WHERE n <> p AND p <> '+12125550106') AS moved_elsewhere,
       count(*) FILTER (WHERE n <> p) BETWEEN 5000 / 6 * 0.75 AND 5000 / 6 * 1.25 AS fair_share_moved
FROM (SELECT c, n, pick_pool_number('01900000-0000-7000-8000-0000000000b1', c) AS p FROM before) x;

-- the same callee in the same statement, many times, gets one number
SELECT count(DISTINCT pick_pool_number('01900000-0000-7000-8000-0000000000b1', '+12125557777')) AS distinct_answers
FROM generate_series(1, 100);

-- A change made by update_dialing_pool in this session is seen by the very next pick
INSERT INTO twilio_credentials (id, owner_id) VALUES ('11111111-1111-4111-8111-111111111111', 'aaaaaaaa-0000-4000-8000-000000000001');
SELECT pick_pool_number('01900000-0000-7000-8000-0000000000a1', '+16505550100') AS before_update;
SELECT update_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', '01900000-0000-7000-8000-0000000000a1',
  ARRAY['+12125550100', '+16505550123'], NULL)->>'status' AS updated;
SELECT pick_pool_number('01900000-0000-7000-8000-0000000000a1', '+16505550100') AS after_update;
SELECT delete_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', '01900000-0000-7000-8000-0000000000a1')->>'status' AS deleted;

-- bad input
SELECT pick_pool_number('01900000-0000-7000-8000-0000000000a1', '+12125550100');
SELECT explain_pool_pick('01900000-0000-7000-8000-0000000000a1', '+12125550100');
DO $$
BEGIN
  PERFORM custom_dialing.pick_pool_number('00000000-0000-4000-8000-000000000000', '+12125550100');
EXCEPTION WHEN undefined_object THEN
  RAISE NOTICE 'SQLSTATE %: %', SQLSTATE, SQLERRM;
END $$;
SELECT pick_pool_number(NULL, '+12125550100') IS NULL AS null_pool,
       pick_pool_number('01900000-0000-7000-8000-0000000000a2', NULL) IS NULL AS null_callee,
       explain_pool_pick(NULL, NULL) IS NULL AS null_explain;
SELECT pick_pool_number('01900000-0000-7000-8000-0000000000a2', '+1212');
SELECT pick_pool_number('not a uuid', '+12125550100');

-- the markings
SELECT proname, provolatile, proparallel, proisstrict, prosecdef
FROM pg_proc WHERE pronamespace = 'custom_dialing'::regnamespace
  AND proname IN ('pick_pool_number', 'explain_pool_pick', 'pool_coverage', 'within_calling_hours')
ORDER BY 1;

DELETE FROM dialing_pools;
DELETE FROM twilio_credentials;
