-- A tour of custom_dialing: an organization registers Twilio credentials,
-- creates a dialing pool as in the public API's example, and the database
-- picks the nearest caller ID for each call; then a capped pool rotates its
-- numbers, a flagged number rests, and the health report shows it all.
\pset pager off
CREATE EXTENSION custom_dialing;
SET search_path = custom_dialing, public;

-- The organization's credentials handle (administrators register these).
INSERT INTO twilio_credentials (id, owner_id, label)
VALUES ('5f0c6d1e-8a4b-4c2d-9e7f-1a2b3c4d5e6f', '0b5e9f3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b', 'main account');

-- Create a pool: three numbers and the credentials, as in the API's example.
SELECT jsonb_pretty(create_dialing_pool('0b5e9f3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
    ARRAY['+12125550123', '+13125550123', '+14155550123'],
    '5f0c6d1e-8a4b-4c2d-9e7f-1a2b3c4d5e6f')) AS created;

-- The errors the API documents come back in the same envelope:
SELECT jsonb_pretty(create_dialing_pool('0b5e9f3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
    ARRAY['2125550123', '+1 415 555 0123'])) AS invalid_phone_numbers;
SELECT jsonb_pretty(create_dialing_pool('0b5e9f3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
    ARRAY['+12125550123'], '00000000-0000-4000-8000-000000000000')) AS invalid_credentials;
-- ... and the others this implementation adds:
SELECT jsonb_pretty(create_dialing_pool('0b5e9f3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
    ARRAY['+12125550123', '+12125550123'], 'not-a-key')) AS duplicate_and_bad_key;
SELECT jsonb_pretty(get_dialing_pool('0b5e9f3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b', 'pool-42')) AS invalid_pool_id;
SELECT jsonb_pretty(get_dialing_pool('0b5e9f3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
    '018f0000-0000-7000-8000-000000000000')) AS pool_not_found;

-- Routing: the pool number nearest each callee, and why.
SELECT id AS pool FROM dialing_pools LIMIT 1 \gset
SELECT callee, pick_pool_number(:'pool', callee) AS caller_id,
       explain_pool_pick(:'pool', callee)->>'rule' AS rule,
       round((explain_pool_pick(:'pool', callee)->>'distance_km')::numeric) AS km
FROM unnest(ARRAY['+12125550199', '+16465550199', '+17185550199', '+16175550199',
                  '+13105550199', '+19075550199', '+18005550199']::us_e164[]) AS callee;
SELECT jsonb_pretty(explain_pool_pick(:'pool', '+19075550199')) AS why_alaska_gets_san_francisco;

-- Is it a good time to call? (8 a.m. to 9 p.m. local, in every zone of the area code)
SELECT callee, within_calling_hours(callee, '2026-07-01 13:30:00+00') AS at_1330_utc
FROM unnest(ARRAY['+12125550199', '+14155550199', '+18505550199']::us_e164[]) AS callee;

-- Typed numbers become canonical ones.
SELECT us_e164_normalize('(212) 555-0123') AS normalized, us_e164_kind('+18005550199') AS kind;

-- ---- Pacing (1.1): caps, rotation, resting, health ----
-- A pool of three New York numbers (two 212, one 646) and a Chicago one,
-- each allowed 2 calls an hour and 5 a day.
SELECT create_dialing_pool('0b5e9f3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
    ARRAY['+12125550100', '+12125550101', '+16465550102', '+13125550103'])->'data'->>'id' AS paced \gset
SELECT set_pool_pacing('0b5e9f3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b', :'paced', 2, 5)->'data'->'pacing' AS pacing;

-- Eight calls to Manhattan callees in ten minutes: each 212 number takes two,
-- then the 646 overlay, then the nearest other area code (Chicago), then none.
SELECT n, c AS callee, dial_pool_number(:'paced', c, '2026-07-01 14:00+00'::timestamptz + n * interval '1 minute') AS caller_id
FROM generate_series(1, 8) AS n, LATERAL (SELECT ('+1212555' || (1000 + n))::us_e164 AS c) AS x;
SELECT jsonb_pretty(explain_pool_dial(:'paced', '+12125559999', '2026-07-01 14:10+00')) AS why_none_now;
-- An hour later the hourly caps have rolled over: the first choice is back.
SELECT dial_pool_number(:'paced', '+12125551001', '2026-07-01 15:05+00') AS an_hour_later,
       pick_pool_number(:'paced', '+12125551001') AS pick;

-- A call is reported as spam: the number rests for custom_dialing.rest_after_flag
-- (30 days by default) and its callees go to the other 212 number.
SHOW custom_dialing.rest_after_flag;
SELECT record_call_outcome(:'paced', '+12125550101', '+12125551001', 'flagged', '2026-07-01 15:06+00');
SELECT explain_pool_dial(:'paced', '+12125551001', '2026-07-02 12:00+00')->'skipped' AS resting,
       dial_pool_number(:'paced', '+12125551001', '2026-07-02 12:00+00') AS caller_id;

-- The health report: per number and per area code.
SELECT n->>'phone_number' AS number, n->>'status' AS status, n->>'resting_until' AS until,
       n->'calls_last_24h' AS calls_24h, n->'flagged_7d' AS flagged
FROM jsonb_array_elements(pool_number_health('0b5e9f3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b', :'paced',
                                             '2026-07-02 12:00+00')->'data'->'numbers') AS n;
SELECT jsonb_pretty(pool_number_health('0b5e9f3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b', :'paced',
                                       '2026-07-02 12:00+00')->'data'->'area_codes') AS area_codes;

-- For applications (1.1): lead lists hold junk; us_e164_try_normalize turns
-- it into NULL instead of aborting the statement, and reads tel: URIs.
SELECT v AS typed, us_e164_try_normalize(v) AS callee,
       pick_pool_number(:'pool', us_e164_try_normalize(v)) AS caller_id
FROM unnest(ARRAY['tel:+1-646-555-0100', '(415) 555-0100', 'call me', '212-555-0123 x45']) AS v;

-- Credentials through the API, typed ids (uuid) accepted too.
SELECT jsonb_pretty(create_twilio_credentials('0b5e9f3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b', 'backup account')) AS credentials;
SELECT get_dialing_pool('0b5e9f3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b', :'pool'::uuid)->>'status' AS get_by_uuid;

-- Owner binding: a tenant's role bound to its own owner cannot see this pool.
CREATE ROLE demo_other_tenant;
GRANT EXECUTE ON FUNCTION pick_pool_number(uuid, us_e164), list_dialing_pools(uuid) TO demo_other_tenant;
INSERT INTO owner_roles (owner_id, role_name) VALUES ('0190c0de-0000-7000-8000-00000000b002', 'demo_other_tenant');
SET ROLE demo_other_tenant;
\set ON_ERROR_STOP 0
SELECT pick_pool_number(:'pool', '+12125550199');                        -- as if it did not exist
SELECT list_dialing_pools('0b5e9f3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b');        -- not its owner
\set ON_ERROR_STOP 1
SELECT list_dialing_pools('0190c0de-0000-7000-8000-00000000b002') AS its_own;
RESET ROLE;

-- ---- Exchange-level geography (1.1) ----
-- Where a number is, and how precisely: the exchange (first six digits)
-- when it is known, else the area code.  850 spans two time zones.
SELECT n AS number, l->>'place' AS place, l->>'time_zones' AS time_zones, l->>'precision' AS precision
FROM unnest(ARRAY['+18502221234', '+18502151234', '+18505550199']) AS n,
     LATERAL us_e164_locate(n) AS l;
-- So calling hours follow the callee's own zone: 12:30 UTC is 08:30 in
-- Tallahassee (Eastern) but 07:30 in Panama City (Central).
SELECT within_calling_hours('+18502221234', '2026-07-01 12:30+00') AS tallahassee,
       within_calling_hours('+18502151234', '2026-07-01 12:30+00') AS panama_city;

-- ---- Calling windows by jurisdiction (1.1) ----
-- Not legal advice: the shipped rules are a starting point for counsel.
-- A sales call to Rhode Island on Independence Day, and when it may be placed.
SELECT jsonb_pretty(calling_window('+14015550199', '2026-07-04 15:00+00', '{sales}')) AS rhode_island;
SELECT next_calling_time('+14015550199', '2026-07-04 15:00+00', '{sales}') AS next_allowed;
