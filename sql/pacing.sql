-- Pacing and number health: set_pool_pacing, set_number_status,
-- record_call_outcome, pool_number_health, the pool object's "pacing" key,
-- and the rolling windows, rests and history of dial_pool_number and
-- explain_pool_dial, with explicit times so every boundary is exact.
SET search_path = custom_dialing, public;
SET TimeZone = 'Pacific/Auckland';	-- output is UTC whatever the session's zone

-- 212 x2, 646 (overlays 212), 201 (Hackensack), 206 (Seattle), 800 (no location)
INSERT INTO dialing_pools (id, owner_id, phone_numbers) VALUES
 ('01900000-0000-7000-8000-0000000000c1', 'cccccccc-0000-4000-8000-000000000001',
  '{+12125550001,+12125550002,+16465550003,+12015550004,+12065550005,+18005550006}');
\set pool '''01900000-0000-7000-8000-0000000000c1'''
\set owner '''cccccccc-0000-4000-8000-000000000001'''
\set T '''2026-03-02 12:00:00+00'''::timestamptz

-- the pool object has "pacing"; new pools have no caps
SELECT get_dialing_pool(:owner, :pool)->'data'->'pacing' AS pacing;
SELECT p->'pacing' AS listed FROM jsonb_array_elements(list_dialing_pools(:owner)->'data') AS p;
SELECT create_dialing_pool(:owner, ARRAY['+13125550100'])->'data'->'pacing' AS created;

-- set_pool_pacing: returns the pool; NULL removes a cap
SELECT set_pool_pacing(:owner, :pool, 2, 3) - '{}'::text[] #- '{data,created_at}' #- '{data,updated_at}' AS set;
SELECT set_pool_pacing(:owner, :pool, NULL, 5)->'data'->'pacing' AS day_only;
-- bad input: error objects, all reported, nothing changed
SELECT set_pool_pacing(:owner, :pool, 0, 1000001);
SELECT set_pool_pacing(:owner, 'not-a-uuid', -1, NULL);
SELECT set_pool_pacing(:owner, '01900000-0000-7000-8000-0000000000ff', 1, 1);
SELECT set_pool_pacing('dddddddd-0000-4000-8000-000000000009', :pool, 1, 1) AS other_owner;
SELECT set_pool_pacing(NULL, :pool, 1, 1);
SELECT get_dialing_pool(:owner, :pool)->'data'->'pacing' AS unchanged;
SELECT set_pool_pacing(:owner, :pool, 2, 3)->'data'->'pacing' AS caps;

-- ---- rolling windows: a call counts in (at - 1 hour, at] and (at - 24 hours, at]
SELECT pick_pool_number(:pool, '+12125551234') AS pick, explain_pool_dial(:pool, '+12125551234', :T) AS before;
SELECT dial_pool_number(:pool, '+12125551234', :T) AS d1,
       dial_pool_number(:pool, '+12125551234', :T + interval '10 minutes') AS d2;
-- the preferred number has 2 calls in the hour: hourly_cap until T + 1 hour, the other 212 instead
SELECT explain_pool_dial(:pool, '+12125551234', :T + interval '20 minutes') AS capped;
SELECT dial_pool_number(:pool, '+12125551234', :T + interval '20 minutes') AS d3;
-- one microsecond before the hour the first call still counts; at the hour it does not
SELECT explain_pool_dial(:pool, '+12125551234', :T + interval '1 hour' - interval '1 microsecond')->'skipped' AS just_before,
       explain_pool_dial(:pool, '+12125551234', :T + interval '1 hour')->>'number' AS at_the_hour;
SELECT dial_pool_number(:pool, '+12125551234', :T + interval '1 hour') AS d4;
-- now 3 calls in 24 hours: daily_cap until T + 24 hours, when the first leaves the window
SELECT explain_pool_dial(:pool, '+12125551234', :T + interval '2 hours')->'skipped' AS daily;
SELECT explain_pool_dial(:pool, '+12125551234', :T + interval '24 hours' - interval '1 microsecond')->'skipped'->0->>'reason' AS day_just_before,
       explain_pool_dial(:pool, '+12125551234', :T + interval '24 hours')->>'number' AS day_after;
-- calls recorded after "at" count too: a call at T - 1 second would be the
-- fourth in the 24 hours ending at T + 1 hour, over the daily cap of 3 (and
-- "until" is null: the window ending at "at" is not what is full); at
-- T - 50 minutes it would be the third in the hour ending at T + 10 minutes
SELECT explain_pool_dial(:pool, '+12125551234', :T - interval '1 second')->'skipped' AS before_later_calls,
       explain_pool_dial(:pool, '+12125551234', :T - interval '50 minutes')->>'number' AS an_hour_before;

-- ---- both 212 numbers capped: the overlay, then the nearest, then farther, then no location
SELECT dial_pool_number(:pool, '+12125551234', :T + interval '21 minutes') AS d5,
       dial_pool_number(:pool, '+12125551234', :T + interval '22 minutes') AS d6;
SELECT e->>'number' AS number, e->>'rule' AS rule, round((e->>'tier_distance_km')::numeric, 1) AS km,
       e->'candidates' AS candidates, jsonb_array_length(e->'skipped') AS skipped
  FROM explain_pool_dial(:pool, '+12125551234', :T + interval '23 minutes') AS e;
SELECT dial_pool_number(:pool, '+12125551234', :T + interval '23 minutes' + n * interval '1 second') AS ladder
  FROM generate_series(1, 9) AS n;
-- nothing left: NULL, and explain says why for every number
SELECT explain_pool_dial(:pool, '+12125551234', :T + interval '30 minutes') AS nothing_left;

-- counts after all that
SELECT phone_number, count(*) FROM pool_calls WHERE pool_id = :pool GROUP BY 1 ORDER BY 1;

-- ---- removing a number and adding it back keeps its counts
SELECT update_dialing_pool(:owner, :pool, '{+12125550002,+16465550003,+12015550004,+12065550005,+18005550006}', NULL)->>'status' AS removed,
       update_dialing_pool(:owner, :pool, '{+12125550001,+12125550002,+16465550003,+12015550004,+12065550005,+18005550006}', NULL)->>'status' AS added_back;
SELECT explain_pool_dial(:pool, '+12125551234', :T + interval '30 minutes')->>'number' AS still_none;

-- ---- a rolled-back dial is not counted
SELECT set_pool_pacing(:owner, :pool, NULL, NULL)->'data'->'pacing' AS uncapped;
BEGIN;
SELECT dial_pool_number(:pool, '+13055550100', :T + interval '3 days') AS rolled_back;
SELECT count(*) AS in_transaction FROM pool_calls WHERE at = :T + interval '3 days';
ROLLBACK;
SELECT count(*) AS after_rollback FROM pool_calls WHERE at = :T + interval '3 days';

-- ---- a dial writes its call's row and nothing else: no other table, not the pool's row
SELECT xmin AS pool_xmin, xmax AS pool_xmax, ctid AS pool_ctid FROM dialing_pools WHERE id = :pool \gset
BEGIN;
SELECT dial_pool_number(:pool, '+13055550100', :T + interval '3 days') IS NOT NULL AS dialed;
SELECT t, count(*) FROM (
  SELECT 'dialing_pools' AS t, xmin FROM dialing_pools UNION ALL
  SELECT 'pool_pacing', xmin FROM pool_pacing UNION ALL
  SELECT 'pool_number_status', xmin FROM pool_number_status UNION ALL
  SELECT 'pool_calls', xmin FROM pool_calls UNION ALL
  SELECT 'pool_call_outcomes', xmin FROM pool_call_outcomes UNION ALL
  SELECT 'area_codes', xmin FROM area_codes) AS rows
 WHERE xmin::text = pg_current_xact_id()::text GROUP BY t;
SELECT xmin = :'pool_xmin' AND xmax = :'pool_xmax' AND ctid = :'pool_ctid' AS pool_row_untouched
  FROM dialing_pools WHERE id = :pool;
COMMIT;

-- ---- statuses
SELECT set_pool_pacing(:owner, :pool, 100, 200)->'data'->'pacing' AS caps;
-- the number's health comes back, its status as of now
SELECT set_number_status(:owner, :pool, '+12125550002', 'resting', '2100-01-01 00:00:00+00', 'carrier complaint')
       #- '{data,calls_7d}' #- '{data,last_call_at}' #- '{data,calls_last_hour}' #- '{data,calls_last_24h}' AS resting;
SELECT set_number_status(:owner, :pool, '+12125550002', 'resting', :T + interval '5 days', 'carrier complaint')->'data'->>'status' AS rest_over_by_now;
-- resting until T+5d: skipped before, dialed again from then on
SELECT explain_pool_dial(:pool, '+12125551234', :T + interval '4 days')->'skipped' AS rest_skipped,
       explain_pool_dial(:pool, '+12125551234', :T + interval '5 days')->>'number' AS rest_over;
-- resting without an end, then active again
SELECT set_number_status(:owner, :pool, '+12125550002', 'resting')->'data'->>'status' AS indefinite,
       explain_pool_dial(:pool, '+12125551234', :T + interval '100 days')->'skipped' AS still;
SELECT set_number_status(:owner, :pool, '+12125550002', 'active')->'data'->>'status' AS active,
       explain_pool_dial(:pool, '+12125551234', :T + interval '4 days')->'skipped' AS none_skipped;
-- bad input
SELECT set_number_status(:owner, :pool, '212-555-0001', 'sleeping');
SELECT set_number_status(:owner, :pool, '+13125550100', 'resting');
SELECT set_number_status(:owner, :pool, NULL, NULL);
SELECT set_number_status(:owner, :pool, '+12125550001', 'active', :T);
SELECT set_number_status(:owner, 'nope', '+12125550001', 'resting');
SELECT set_number_status('dddddddd-0000-4000-8000-000000000009', :pool, '+12125550001', 'resting') AS other_owner;
SELECT set_number_status(NULL, :pool, '+12125550001', 'resting');
SELECT count(*) AS statuses FROM pool_number_status WHERE pool_id = :pool AND status = 'resting';

-- ---- outcomes; flagged rests the number for custom_dialing.rest_after_flag
SHOW custom_dialing.rest_after_flag;
SELECT record_call_outcome(:pool, '+12065550005', '+12065551111', o, :T + interval '6 days')
  FROM unnest('{answered,no_answer,busy,voicemail,failed}'::text[]) AS o;
SET custom_dialing.rest_after_flag = '2h';
SELECT record_call_outcome(:pool, '+12065550005', '+12065551111', 'flagged', :T + interval '6 days');
SELECT status, resting_until, reason FROM pool_number_status WHERE pool_id = :pool AND phone_number = '+12065550005';
RESET custom_dialing.rest_after_flag;
SELECT explain_pool_dial(:pool, '+12065551111', :T + interval '6 days 1 hour')->'skipped' AS flagged_rest,
       explain_pool_dial(:pool, '+12065551111', :T + interval '6 days 2 hours')->>'number' AS rested;
-- a flag does not shorten a longer rest already set
SELECT set_number_status(:owner, :pool, '+12065550005', 'resting', NULL, 'manual')->'data'->>'status' AS manual;
SELECT record_call_outcome(:pool, '+12065550005', '+12065551111', 'flagged', :T + interval '6 days');
SELECT status, resting_until IS NULL AS no_end, reason FROM pool_number_status WHERE pool_id = :pool AND phone_number = '+12065550005';
SELECT set_number_status(:owner, :pool, '+12065550005', 'active')->'data'->>'status' AS active;
-- bad input raises and records nothing
SELECT count(*) AS outcomes_before FROM pool_call_outcomes \gset
SELECT record_call_outcome(:pool, '+12065550005', '+12065551111', 'hung_up');
SELECT record_call_outcome(:pool, '+13125550100', '+12065551111', 'answered');
SELECT record_call_outcome('01900000-0000-7000-8000-0000000000ff', '+12065550005', '+12065551111', 'answered');
SELECT record_call_outcome(:pool, '+12065550005', '+12065551111', NULL);
SELECT record_call_outcome(:pool, '+12065550005', 'garbage', 'answered');
SELECT count(*) = :outcomes_before AS nothing_recorded FROM pool_call_outcomes;

-- ---- health
-- +12015550004 answers 5 of 60, the rest of the pool 30 of 40: a warning for it alone
SELECT count(record_call_outcome(:pool, '+12015550004', '+12015551111',
                                 CASE WHEN n <= 5 THEN 'answered' ELSE 'no_answer' END,
                                 :T + interval '6 days' + n * interval '1 minute'))
  FROM generate_series(1, 60) AS n;
SELECT count(record_call_outcome(:pool, '+16465550003', '+16465551111',
                                 CASE WHEN n <= 30 THEN 'answered' ELSE 'busy' END,
                                 :T + interval '6 days' + n * interval '1 minute'))
  FROM generate_series(1, 40) AS n;
SELECT jsonb_pretty(pool_number_health(:owner, :pool, :T + interval '6 days 3 hours')) AS health;
-- 7-day window: a week later the outcomes are gone from the report
SELECT n->>'phone_number' AS phone_number, n->'outcomes_7d' AS outcomes, n->'warning' AS warning
  FROM jsonb_array_elements(pool_number_health(:owner, :pool, :T + interval '13 days 3 hours')->'data'->'numbers') AS n;
-- area codes: numbers, available, calls left in 24 hours (null without a daily cap)
SELECT set_pool_pacing(:owner, :pool, 1, NULL)->'data'->'pacing' AS hourly_only;
SELECT pool_number_health(:owner, :pool, :T + interval '20 minutes')->'data'->'area_codes' AS area_codes;
SELECT pool_number_health(:owner, 'nope');
SELECT pool_number_health('dddddddd-0000-4000-8000-000000000009', :pool) AS other_owner;
SELECT pool_number_health(NULL, :pool);

-- ---- dial: bad input
SELECT dial_pool_number(:pool, '+1212555', :T);
SELECT dial_pool_number('01900000-0000-7000-8000-0000000000ff', '+12125551234', :T);
SELECT dial_pool_number(:pool, '+12125551234', 'infinity');
SELECT dial_pool_number(:pool, NULL, :T) IS NULL AS strict;
SELECT explain_pool_dial('01900000-0000-7000-8000-0000000000ff', '+12125551234', :T);

-- ---- history older than 8 days goes as later calls are placed (every 64th
-- dial of a session removes up to 256 of them, oldest first)
SELECT count(*) AS old_calls FROM pool_calls WHERE pool_id = :pool AND at < :T + interval '20 days' - interval '8 days';
SELECT set_pool_pacing(:owner, :pool, NULL, NULL)->>'status' AS uncapped;
SELECT count(dial_pool_number(:pool, '+13055550100', :T + interval '20 days')) FROM generate_series(1, 64);
SELECT count(*) AS old_calls_left FROM pool_calls WHERE pool_id = :pool AND at < :T + interval '20 days' - interval '8 days';

-- ---- deleting the pool deletes its caps, statuses, calls and outcomes; the result keeps its pacing
SELECT set_pool_pacing(:owner, :pool, 7, 70)->>'status' AS capped,
       set_number_status(:owner, :pool, '+12125550001', 'resting')->>'status' AS resting;
SELECT delete_dialing_pool(:owner, :pool)->'data'->'pacing' AS deleted_pacing;
SELECT (SELECT count(*) FROM pool_pacing WHERE pool_id = :pool) AS pacing,
       (SELECT count(*) FROM pool_number_status WHERE pool_id = :pool) AS statuses,
       (SELECT count(*) FROM pool_calls WHERE pool_id = :pool) AS calls,
       (SELECT count(*) FROM pool_call_outcomes WHERE pool_id = :pool) AS outcomes;
