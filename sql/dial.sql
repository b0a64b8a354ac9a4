-- dial_pool_number against pick_pool_number: the same answer for every
-- callee while nothing is capped or resting (with and without caps set);
-- explain_pool_dial agrees with dial_pool_number; NULL when nothing is
-- available; and a long simulated run (20 days of dials at a steady rate,
-- explicit times) in which no window ever exceeds its cap and the history
-- table stays bounded.
SET search_path = custom_dialing, public;

-- A pool of 300 numbers: 3 in each of 90 geographic area codes, plus toll-free
-- and 5XX numbers, which have no location.
INSERT INTO dialing_pools (id, owner_id, phone_numbers)
SELECT '01900000-0000-7000-8000-0000000000d1', 'cccccccc-0000-4000-8000-000000000002',
       array_agg(n ORDER BY n)::us_e164[]
  FROM (SELECT '+1' || npa || '555' || lpad((i * 37)::text, 4, '0') AS n
          FROM (SELECT npa FROM area_codes WHERE kind = 'geographic' ORDER BY md5(npa) LIMIT 90) AS a,
               generate_series(1, 3) AS i
        UNION ALL
        SELECT '+1' || npa || '555' || lpad(i::text, 4, '0')
          FROM unnest('{800,888,500,555}'::text[]) AS npa, generate_series(1, 7) AS i
        UNION ALL SELECT '+18445550000' UNION ALL SELECT '+18335550000') AS x;
\set big '''01900000-0000-7000-8000-0000000000d1'''
SELECT cardinality(phone_numbers) AS numbers FROM dialing_pools WHERE id = :big;

-- callees: 20 in every area code of the table, and some that are not area codes
CREATE TEMP TABLE callees AS
SELECT ('+1' || npa || lpad((i * 7919 % 10000000)::text, 7, '2'))::us_e164 AS c
  FROM area_codes, generate_series(1, 20) AS i
UNION ALL
SELECT ('+1' || npa || '5550100')::us_e164 FROM unnest('{555,911,299,800,500}'::text[]) AS npa;
SELECT count(*) AS callees FROM callees;

-- nothing capped or resting, no caps at all: the dial is the pick
SELECT count(*) AS dials, count(*) FILTER (WHERE d IS DISTINCT FROM p) AS differ
  FROM (SELECT dial_pool_number(:big, c, '2026-04-01 12:00+00') AS d, pick_pool_number(:big, c) AS p
          FROM callees) AS x;
-- caps set, none reached (each number has at most a few calls): still the pick
SELECT set_pool_pacing('cccccccc-0000-4000-8000-000000000002', :big, 1000, 100000)->>'status' AS capped;
SELECT count(*) AS dials, count(*) FILTER (WHERE d IS DISTINCT FROM p) AS differ
  FROM (SELECT dial_pool_number(:big, c, '2026-04-02 12:00+00') AS d, pick_pool_number(:big, c) AS p
          FROM callees) AS x;
-- explain says what the dial does, and the rule and candidates of explain_pool_pick
SELECT count(*) AS explained,
       count(*) FILTER (WHERE e->>'number' IS DISTINCT FROM d) AS number_differs,
       count(*) FILTER (WHERE e->>'rule' IS DISTINCT FROM pe->>'rule' OR e->'candidates' IS DISTINCT FROM pe->'candidates') AS rule_differs
  FROM (SELECT explain_pool_dial(:big, c, '2026-04-03 12:00+00') AS e,
               explain_pool_pick(:big, c) AS pe,
               dial_pool_number(:big, c, '2026-04-03 12:00+00') AS d
          FROM (SELECT c FROM callees ORDER BY c LIMIT 2000) AS s) AS x;
-- and its tier_distance_km is the distance of explain_pool_pick, at the same
-- precision (exchange points where known)
SELECT count(*) AS explained, count(*) FILTER (WHERE e->>'rule' = 'nearest') AS nearest,
       count(*) FILTER (WHERE e->'tier_distance_km' IS DISTINCT FROM pe->'distance_km') AS distance_differs
  FROM (SELECT explain_pool_dial(:big, c, '2026-04-03 12:00+00') AS e, explain_pool_pick(:big, c) AS pe
          FROM (SELECT c FROM callees ORDER BY c LIMIT 2000) AS s) AS x;
-- every call was recorded once
SELECT count(*) AS recorded FROM pool_calls WHERE pool_id = :big;

-- The pool's numbers 'resting' in one area code: its callees go to the overlay
-- or the nearest other area code, never to a resting number.
SELECT substr(phone_numbers[1], 3, 3) AS npa FROM dialing_pools WHERE id = :big \gset
SELECT count(set_number_status('cccccccc-0000-4000-8000-000000000002', :big, n, 'resting'))
  FROM unnest((SELECT phone_numbers FROM dialing_pools WHERE id = :big)) AS n
 WHERE substr(n, 3, 3) = :'npa';
SELECT count(*) AS callees, count(*) FILTER (WHERE substr(d, 3, 3) = :'npa') AS got_resting,
       count(*) FILTER (WHERE d IS NULL) AS got_none
  FROM (SELECT dial_pool_number(:big, c, '2026-04-04 12:00+00') AS d
          FROM callees WHERE substr(c, 3, 3) = :'npa') AS x;
-- With them resting, every callee gets what the pool without them picks: the
-- next tier of the same order (overlays, then distances at the precision of
-- the pick), at the pick's distance (explain_pool_dial records nothing).
INSERT INTO dialing_pools (id, owner_id, phone_numbers)
SELECT '01900000-0000-7000-8000-0000000000d3', owner_id,
       ARRAY(SELECT n FROM unnest(phone_numbers) AS n WHERE substr(n, 3, 3) <> :'npa' ORDER BY n)
  FROM dialing_pools WHERE id = :big;
SELECT count(*) AS callees, count(*) FILTER (WHERE jsonb_array_length(e->'skipped') > 0) AS moved,
       count(*) FILTER (WHERE e->>'number' IS DISTINCT FROM pe->>'number') AS number_differs,
       count(*) FILTER (WHERE e->>'rule' IS DISTINCT FROM pe->>'rule'
                           OR e->'tier_distance_km' IS DISTINCT FROM pe->'distance_km') AS rule_or_distance_differs
  FROM (SELECT explain_pool_dial(:big, c, '2026-04-04 12:00+00') AS e,
               explain_pool_pick('01900000-0000-7000-8000-0000000000d3', c) AS pe
          FROM callees) AS x;

-- Every number resting: NULL, nothing recorded; explain lists at most 20 of them.
SELECT count(*) AS before FROM pool_calls WHERE pool_id = :big \gset
SELECT count(set_number_status('cccccccc-0000-4000-8000-000000000002', :big, n, 'resting'))
  FROM unnest((SELECT phone_numbers FROM dialing_pools WHERE id = :big)) AS n;
SELECT dial_pool_number(:big, '+12125551234', '2026-04-05 12:00+00') AS none;
SELECT e->'number' AS number, jsonb_array_length(e->'skipped') AS skipped_listed, e->'candidates' AS candidates
  FROM explain_pool_dial(:big, '+12125551234', '2026-04-05 12:00+00') AS e;
SELECT count(*) = :before AS nothing_recorded FROM pool_calls WHERE pool_id = :big;

-- ---- A long simulated run: 5 numbers, at most 2 calls an hour and 30 a day
-- each (150 a day in all), a dial every 5 minutes (288 a day) for 20 days.
-- Each day's row count stays under 9 days of calls: the 8 days kept, plus
-- what was placed since the last cleanup (every 64th dial of a session).
INSERT INTO dialing_pools (id, owner_id, phone_numbers) VALUES
 ('01900000-0000-7000-8000-0000000000d2', 'cccccccc-0000-4000-8000-000000000002',
  '{+13125550001,+13125550002,+13125550003,+17735550004,+16305550005}');
\set sim '''01900000-0000-7000-8000-0000000000d2'''
SELECT set_pool_pacing('cccccccc-0000-4000-8000-000000000002', :sim, 2, 30)->'data'->'pacing' AS pacing;
CREATE TEMP TABLE sim_days (day int, placed bigint, refused bigint, rows_after bigint);
DO $$
DECLARE
	t0 timestamptz := '2026-01-01 00:00+00';
	d int;
	placed bigint;
	refused bigint;
BEGIN
	FOR d IN 1..20 LOOP
		SELECT count(x), count(*) FILTER (WHERE x IS NULL) INTO placed, refused
		  FROM (SELECT custom_dialing.dial_pool_number('01900000-0000-7000-8000-0000000000d2',
		                 ('+1312' || lpad((k * 7919 % 10000000)::text, 7, '2'))::custom_dialing.us_e164,
		                 t0 + (d - 1) * interval '1 day' + k * interval '5 minutes') AS x
		          FROM generate_series(0, 287) AS k) AS s;
		INSERT INTO sim_days
		SELECT d, placed, refused, count(*)
		  FROM custom_dialing.pool_calls WHERE pool_id = '01900000-0000-7000-8000-0000000000d2';
	END LOOP;
END
$$;
SELECT day, placed, refused, rows_after, rows_after <= 9 * 150 AS bounded FROM sim_days ORDER BY day;
-- no number ever had more than 2 calls in an hour or 30 in 24 hours (in what remains)
SELECT max(h) AS max_per_hour, max(d) AS max_per_day
  FROM (SELECT (SELECT count(*) FROM pool_calls AS o WHERE o.pool_id = c.pool_id AND o.phone_number = c.phone_number
                  AND o.at > c.at - interval '1 hour' AND o.at <= c.at) AS h,
               (SELECT count(*) FROM pool_calls AS o WHERE o.pool_id = c.pool_id AND o.phone_number = c.phone_number
                  AND o.at > c.at - interval '24 hours' AND o.at <= c.at) AS d
          FROM pool_calls AS c WHERE c.pool_id = :sim) AS w;
-- and the capacity was used exactly: every full day of the run placed 150 calls
SELECT count(*) AS full_days FROM sim_days WHERE placed = 150;
SELECT min(at) >= '2026-01-20 00:00+00'::timestamptz - interval '8 days' - interval '1 day' AS oldest_recent
  FROM pool_calls WHERE pool_id = :sim;
