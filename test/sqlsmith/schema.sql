-- test/sqlsmith/schema.sql - the database test/sqlsmith.sh lets sqlsmith loose on.
--
-- Run as a superuser in an empty database, with psql variables
--   role      the non-superuser role sqlsmith connects as
--   password  its password
--
-- Everything the role can see is built so that random queries land in the
-- extension: most columns are of type custom_dialing.us_e164 or
-- us_e164[] or are pool/owner uuids that exist, and every view calls the
-- extension's functions in its WHERE clause and select list, so even a
-- query that only reads a view runs our C code once per row it looks at.
-- The data is deterministic (setseed) apart from the pool ids, which the
-- extension generates.

\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION custom_dialing;
SELECT setseed(0.4242) \gset

-- ---------------------------------------------------------------- helpers
-- (owned by the superuser, dropped at the end: the role never sees them)

-- a random valid-looking number in area code npa (exchange 200-999)
CREATE FUNCTION pg_temp.num(npa text) RETURNS text LANGUAGE sql VOLATILE AS $$
	SELECT '+1' || npa || (200 + floor(random() * 800))::int
	       || lpad(floor(random() * 10000)::int::text, 4, '0')
$$;

-- a random area code of a given kind from the shipped geography
CREATE FUNCTION pg_temp.npa_of(k text) RETURNS text LANGUAGE sql VOLATILE AS $$
	SELECT npa FROM custom_dialing.area_codes WHERE kind = k
	ORDER BY random() LIMIT 1
$$;

-- ------------------------------------------------------------- owners
CREATE TABLE owners (
	owner uuid PRIMARY KEY,
	name text NOT NULL,
	credentials uuid,
	spare_credentials uuid,
	main_number custom_dialing.us_e164,
	created timestamptz NOT NULL
);
INSERT INTO owners VALUES
 ('0b5e9f3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b', 'acme',    '5f0c6d1e-8a4b-4c2d-9e7f-1a2b3c4d5e6f', 'aa0c6d1e-8a4b-4c2d-9e7f-1a2b3c4d5e60', '+12125550123', '2024-01-15 10:30:00Z'),
 ('1c6fa04b-2d3e-4f60-9bac-1d2e3f4a5b6c', 'globex',  '6a1d7e2f-9b5c-4d3e-8f80-2b3c4d5e6f70', NULL,                                   '+14155550100', '2024-03-01 08:00:00Z'),
 ('2d70b15c-3e4f-4071-8cbd-2e3f4a5b6c7d', 'initech', NULL,                                   NULL,                                   '+18005550199', '2024-06-30 23:59:59Z'),
 ('3e81c26d-4f50-4182-9dce-3f4a5b6c7d8e', 'umbrella','7b2e8f30-ac6d-4e4f-9091-3c4d5e6f7081', 'bb2e8f30-ac6d-4e4f-9091-3c4d5e6f7082', NULL,           '2025-02-28 12:00:00Z'),
 ('4f92d37e-5061-4293-8edf-4a5b6c7d8e9f', 'nobody',  NULL,                                   NULL,                                   '+15555550100', '2025-12-31 00:00:00Z');

INSERT INTO custom_dialing.twilio_credentials (id, owner_id, label)
SELECT credentials, owner, name || ' main' FROM owners WHERE credentials IS NOT NULL
UNION ALL
SELECT spare_credentials, owner, name || ' spare' FROM owners WHERE spare_credentials IS NOT NULL;

-- -------------------------------------------------------------- pools
-- Created through the API; pool_directory mirrors them for the role, which
-- cannot read custom_dialing.dialing_pools.
CREATE TABLE pool_directory (
	pool uuid PRIMARY KEY,
	owner uuid NOT NULL REFERENCES owners,
	name text NOT NULL,
	size int NOT NULL,
	numbers custom_dialing.us_e164[] NOT NULL,
	first_number custom_dialing.us_e164,
	last_number custom_dialing.us_e164,
	credentials uuid,
	scratch boolean NOT NULL,
	created timestamptz NOT NULL
);

-- Scratch pools are the only ones whose ids also appear as text (in
-- number_lists.pool_id_text, next to their owner): sqlsmith may well get,
-- update or delete them through the API, and its statements commit.  The
-- other pools appear only as uuid, so the views that route through them
-- keep working for the whole run.
CREATE TEMP TABLE wanted (name text, owner text, credentials uuid, numbers text[], scratch boolean DEFAULT false);
INSERT INTO wanted (name, owner, credentials, numbers, scratch)
SELECT 'single', 'acme', NULL::uuid, ARRAY['+12125550123'], false
UNION ALL
SELECT 'nyc_overlay', 'acme', NULL, ARRAY['+12125550111', '+16465550122', '+13325550133', '+19175550144'], false
UNION ALL
SELECT 'west', 'acme', NULL, ARRAY['+14155550100', '+12065550100'], false
UNION ALL
SELECT 'regional', 'globex', NULL,
       (SELECT array_agg(pg_temp.num(npa)) FROM (SELECT npa FROM custom_dialing.area_codes
        WHERE kind = 'geographic' AND region IN ('CA', 'TX', 'FL', 'NY', 'IL', 'WA', 'GA', 'ON') ORDER BY npa LIMIT 40) s), false
UNION ALL
SELECT 'national', 'globex', NULL,
       (SELECT array_agg(pg_temp.num(npa) ORDER BY npa) FROM custom_dialing.area_codes WHERE kind = 'geographic'), false
UNION ALL
SELECT 'big', 'umbrella', NULL,
       (SELECT array_agg(n) FROM (SELECT DISTINCT pg_temp.num(npa) AS n
         FROM custom_dialing.area_codes, generate_series(1, 11)
         WHERE kind = 'geographic' LIMIT 5000) s), false
UNION ALL
SELECT 'toll_free', 'initech', NULL, ARRAY['+18005550100', '+18885550100', '+18775550100'], false
UNION ALL
SELECT 'mixed', 'umbrella', NULL, ARRAY['+18005550101', '+15005550101', '+19005550101', '+13035550101', '+19075550101'], false
UNION ALL
SELECT 'alaska_hawaii', 'nobody', NULL, ARRAY['+19075550102', '+18085550102', '+16715550102'], false
UNION ALL
SELECT 'scratch_a', 'acme', NULL, ARRAY['+12125550199', '+13125550199', '+14155550199'], true
UNION ALL
SELECT 'scratch_b', 'globex', NULL, ARRAY['+17135550199'], true
UNION ALL
SELECT 'scratch_c', 'umbrella', NULL, ARRAY['+18005550199', '+18885550199'], true;
UPDATE wanted w SET credentials = o.credentials FROM owners o WHERE o.name = w.owner AND w.name <> 'west';

DO $$
DECLARE
	w record;
	r jsonb;
BEGIN
	FOR w IN SELECT wanted.*, o.owner AS owner_id FROM wanted JOIN owners o ON o.name = wanted.owner ORDER BY wanted.name LOOP
		r := custom_dialing.create_dialing_pool(w.owner_id, w.numbers, w.credentials::text);
		IF r->>'status' <> 'success' THEN
			RAISE EXCEPTION 'create_dialing_pool(%) failed: %', w.name, r;
		END IF;
		INSERT INTO pool_directory
		VALUES ((r->'data'->>'id')::uuid, w.owner_id, w.name, cardinality(w.numbers),
		        w.numbers::custom_dialing.us_e164[], w.numbers[1], w.numbers[cardinality(w.numbers)],
		        w.credentials, w.scratch, (r->'data'->>'created_at')::timestamptz);
	END LOOP;
END $$;

-- -------------------------------------------------------------- leads
-- Callees of every kind: geographic, toll-free, 555/N11, non-geographic,
-- area codes not in the table, and area codes / exchanges starting 0 or 1.
CREATE TABLE leads (
	id int PRIMARY KEY,
	owner uuid REFERENCES owners,
	pool uuid,
	phone custom_dialing.us_e164 NOT NULL,
	alt_phone custom_dialing.us_e164,
	phones custom_dialing.us_e164[],
	name text,
	region text,
	last_called timestamptz,
	window_start time NOT NULL DEFAULT '08:00',
	window_end time NOT NULL DEFAULT '21:00',
	attempts int NOT NULL DEFAULT 0,
	CHECK (window_start < window_end)
);

INSERT INTO leads (id, phone)
SELECT g, pg_temp.num(CASE
	WHEN r < 0.70 THEN pg_temp.npa_of('geographic')
	WHEN r < 0.78 THEN pg_temp.npa_of('toll_free')
	WHEN r < 0.83 THEN pg_temp.npa_of('not_area_code')
	WHEN r < 0.88 THEN pg_temp.npa_of('non_geographic')
	WHEN r < 0.93 THEN (SELECT n::text FROM generate_series(200, 999) n
	                    WHERE n::text NOT IN (SELECT npa FROM custom_dialing.area_codes)
	                    ORDER BY random() LIMIT 1)
	ELSE '2' || lpad((floor(random() * 100))::int::text, 2, '0') END)
FROM (SELECT g, random() AS r FROM generate_series(1, 3000) g) s;
-- invalid NANP: area code or exchange starting with 0 or 1 (still valid us_e164)
UPDATE leads SET phone = '+1' || (floor(random() * 2))::int || substr(phone, 4)
WHERE id % 41 = 0;
UPDATE leads SET phone = substr(phone, 1, 5) || (floor(random() * 2))::int || substr(phone, 7)
WHERE id % 43 = 0;
UPDATE leads SET phone = v FROM (VALUES (1, '+10000000000'), (2, '+19999999999'), (3, '+12120000000'),
	(4, '+12125550123'), (5, '+16465550199'), (6, '+19075550199'), (7, '+18505550199'),
	(8, '+19285550199'), (9, '+18005550100'), (10, '+15551234567'), (11, '+19876543210')) x(i, v)
WHERE id = i;

UPDATE leads l SET
	pool = CASE WHEN l.id % 20 = 0 THEN NULL
	            WHEN l.id % 20 = 1 THEN md5(l.id::text)::uuid          -- no such pool
	            ELSE (SELECT pool FROM pool_directory WHERE NOT scratch ORDER BY pool OFFSET (l.id % 9) LIMIT 1) END,
	alt_phone = CASE WHEN l.id % 3 = 0 THEN NULL ELSE pg_temp.num(pg_temp.npa_of('geographic')) END,
	phones = CASE WHEN l.id % 7 = 0 THEN NULL
	              WHEN l.id % 7 = 1 THEN '{}'
	              WHEN l.id % 7 = 2 THEN ARRAY[l.phone, NULL]
	              ELSE ARRAY[l.phone, pg_temp.num('212'), pg_temp.num('907')] END,
	name = 'lead ' || l.id,
	last_called = CASE WHEN l.id % 5 = 0 THEN NULL
	                   ELSE timestamptz '2026-01-01 00:00Z' + random() * interval '365 days' END,
	window_start = time '06:00' + (l.id % 5) * interval '1 hour',
	window_end = time '18:00' + (l.id % 6) * interval '1 hour',
	attempts = l.id % 9;
UPDATE leads l SET owner = p.owner FROM pool_directory p WHERE p.pool = l.pool;
UPDATE leads l SET region = a.region FROM custom_dialing.area_codes a
WHERE a.npa = custom_dialing.us_e164_area_code(l.phone);
CREATE INDEX ON leads (pool);
CREATE INDEX ON leads (phone);

-- ------------------------------------------------------- number lists
CREATE TABLE number_lists (
	id int PRIMARY KEY,
	owner uuid,
	pool uuid,
	label text,
	numbers custom_dialing.us_e164[],
	typed text[],
	credentials text,
	pool_id_text text
);
INSERT INTO number_lists (id, label, numbers)
SELECT g, 'list ' || g,
       CASE WHEN g % 11 = 0 THEN '{}' ELSE
       (SELECT array_agg(pg_temp.num(pg_temp.npa_of(CASE WHEN random() < 0.8 THEN 'geographic' ELSE 'toll_free' END)))
        FROM generate_series(1, 1 + (g * 7) % 25) WHERE g > 0) END
FROM generate_series(1, 400) g;
UPDATE number_lists n SET
	owner = (SELECT owner FROM owners ORDER BY owner OFFSET (n.id % 5) LIMIT 1),
	pool = (SELECT pool FROM pool_directory WHERE NOT scratch ORDER BY pool OFFSET (n.id % 9) LIMIT 1),
	typed = CASE WHEN n.id % 13 = 0 THEN ARRAY['+12125550123', '+12125550123']
	             WHEN n.id % 13 = 1 THEN ARRAY['(212) 555-0123', NULL, '123']
	             WHEN n.id % 13 = 2 THEN NULL
	             ELSE n.numbers::text[] END,
	credentials = CASE n.id % 4 WHEN 0 THEN NULL WHEN 1 THEN 'not-a-uuid'
	                            ELSE (SELECT credentials::text FROM owners ORDER BY owner OFFSET (n.id % 5) LIMIT 1) END;
-- pool ids as text for get/update/delete_dialing_pool: scratch pools only,
-- next to their owner or another one, and garbage now and then
UPDATE number_lists n SET (owner, pool_id_text) = (
	SELECT CASE WHEN n.id % 6 = 3 THEN n.owner ELSE s.owner END,
	       CASE n.id % 6 WHEN 0 THEN 'pool-' || n.id
	                     WHEN 1 THEN upper(s.pool::text)
	                     WHEN 4 THEN md5(n.id::text)::uuid::text
	                     WHEN 5 THEN NULL
	                     ELSE s.pool::text END
	FROM pool_directory s WHERE s.scratch ORDER BY s.pool OFFSET (n.id % 3) LIMIT 1);

-- ------------------------------------------------------- typed inputs
-- what people type: for us_e164_normalize / us_e164_is_valid / casts
CREATE TABLE typed_inputs (
	id int PRIMARY KEY,
	raw text,
	normalizable boolean NOT NULL,
	expected custom_dialing.us_e164
);
INSERT INTO typed_inputs (id, raw, normalizable, expected) VALUES
 (1, '(212) 555-0123', true, '+12125550123'),
 (2, '212.555.0123', true, '+12125550123'),
 (3, '1-212-555-0123', true, '+12125550123'),
 (4, '+1 212 555 0123', true, '+12125550123'),
 (5, '12125550123', true, '+12125550123'),
 (6, '+12125550123', true, '+12125550123'),
 (7, '2125550123', true, '+12125550123'),
 (8, '212-555-0123 x12', false, NULL),
 (9, '212 555 0123 ext. 4', false, NULL),
 (10, '555-0123', false, NULL),
 (11, '+44 20 7946 0958', false, NULL),
 (12, '', false, NULL),
 (13, '+', false, NULL),
 (14, '++12125550123', false, NULL),
 (15, '２１２５５５０１２３', false, NULL),
 (16, '212555012345', false, NULL),
 (17, '22125550123', false, NULL),
 (18, 'call me', false, NULL),
 (19, E'212\t555\n0123', false, NULL),
 (20, '1 (800) FLOWERS', false, NULL),
 (21, repeat('9', 200), false, NULL),
 (22, '+1-(212)-555-0123', true, '+12125550123'),
 (23, '212#5550123', false, NULL),
 (24, NULL, false, NULL),
 (25, '+1 (907) 555 0199', true, '+19075550199'),
 (26, E'\\x00', false, NULL),
 (27, '+15551234567', true, '+15551234567'),
 (28, '1.800.555.0100', true, '+18005550100');
INSERT INTO typed_inputs (id, raw, normalizable, expected)
SELECT 100 + g,
       CASE g % 5
	WHEN 0 THEN '(' || substr(n, 3, 3) || ') ' || substr(n, 6, 3) || '-' || substr(n, 9)
	WHEN 1 THEN substr(n, 3, 3) || '.' || substr(n, 6, 3) || '.' || substr(n, 9)
	WHEN 2 THEN '1-' || substr(n, 3, 3) || '-' || substr(n, 6, 3) || '-' || substr(n, 9)
	WHEN 3 THEN n
	ELSE substr(n, 2) END,
       true, n
FROM (SELECT g, pg_temp.num(pg_temp.npa_of('geographic')) AS n FROM generate_series(1, 500) g) s;

-- ------------------------------------------------------------ call log
CREATE TABLE call_log (
	id bigint PRIMARY KEY,
	lead_id int REFERENCES leads,
	pool uuid,
	callee custom_dialing.us_e164,
	caller_id custom_dialing.us_e164,
	called_at timestamptz,
	duration interval,
	answered boolean
);
INSERT INTO call_log
SELECT g, l.id, l.pool, l.phone,
       CASE WHEN g % 4 = 0 THEN NULL ELSE l.alt_phone END,
       timestamptz '2026-01-01 00:00Z' + random() * interval '365 days',
       random() * interval '20 minutes', random() < 0.3
FROM generate_series(1, 2000) g JOIN leads l ON l.id = 1 + (g * 37) % 3000;
UPDATE call_log c SET caller_id = custom_dialing.pick_pool_number(c.pool, c.callee)
WHERE c.pool IN (SELECT pool FROM pool_directory WHERE NOT scratch) AND c.id % 2 = 0;

-- --------------------------------------------------------------- views
-- Each calls the extension in its WHERE clause (run for every row scanned)
-- and in its select list.  Views over pools join pool_directory so they
-- never hit a missing pool (42704) and stay usable.

CREATE VIEW lead_routes AS
SELECT l.id, l.phone, l.pool, l.owner,
       custom_dialing.pick_pool_number(l.pool, l.phone) AS caller_id,
       custom_dialing.us_e164_area_code(l.phone) AS callee_npa,
       custom_dialing.us_e164_kind(l.phone) AS callee_kind,
       custom_dialing.pick_pool_number(l.pool, l.alt_phone) AS alt_caller_id
FROM leads l JOIN pool_directory p ON p.pool = l.pool AND NOT p.scratch
WHERE custom_dialing.us_e164_kind(l.phone) IS NOT NULL;

CREATE VIEW lead_explained AS
SELECT l.id, l.phone, l.pool,
       custom_dialing.explain_pool_pick(l.pool, l.phone) AS explanation,
       custom_dialing.explain_pool_pick(l.pool, l.phone) ->> 'rule' AS rule,
       (custom_dialing.explain_pool_pick(l.pool, l.phone) ->> 'distance_km')::float8 AS distance_km
FROM leads l JOIN pool_directory p ON p.pool = l.pool AND NOT p.scratch
WHERE custom_dialing.us_e164_area_code(l.phone) IS NOT NULL;

CREATE VIEW lead_calling_window AS
SELECT l.id, l.phone, l.last_called, l.window_start, l.window_end,
       custom_dialing.within_calling_hours(l.phone, l.last_called, l.window_start, l.window_end) AS callable_then,
       custom_dialing.within_calling_hours(l.phone, timestamptz '2026-07-04 16:00Z') AS callable_july_4th,
       custom_dialing.us_e164_kind(l.alt_phone) AS alt_kind
FROM leads l
WHERE custom_dialing.us_e164_is_valid(l.phone);

CREATE VIEW pool_coverage_all AS
SELECT p.pool, p.name, c.area_code, c.region, c.place, c.number, c.rule, c.distance_km,
       custom_dialing.us_e164_area_code(c.number) = c.area_code AS is_local
FROM pool_directory p CROSS JOIN LATERAL custom_dialing.pool_coverage(p.pool) c
WHERE NOT p.scratch AND custom_dialing.us_e164_kind(p.first_number) IS NOT NULL;

CREATE VIEW pool_members AS
SELECT p.pool, p.owner, p.name, m.number, m.position,
       custom_dialing.us_e164_area_code(m.number) AS npa,
       custom_dialing.us_e164_kind(m.number) AS kind
FROM pool_directory p CROSS JOIN LATERAL unnest(p.numbers) WITH ORDINALITY AS m(number, position)
WHERE custom_dialing.us_e164_is_valid(m.number);

CREATE VIEW owner_pools AS
SELECT o.owner, o.name, o.main_number,
       custom_dialing.list_dialing_pools(o.owner) AS pools,
       jsonb_array_length(custom_dialing.list_dialing_pools(o.owner) -> 'data') AS pool_count
FROM owners o
WHERE custom_dialing.list_dialing_pools(o.owner) ->> 'status' = 'success';

CREATE VIEW pool_details AS
SELECT n.id, n.owner, n.pool_id_text,
       custom_dialing.get_dialing_pool(n.owner, n.pool_id_text) AS response,
       custom_dialing.get_dialing_pool(n.owner, n.pool_id_text) ->> 'status' AS status
FROM number_lists n
WHERE custom_dialing.us_e164_is_valid(n.pool_id_text) IS NOT NULL;

CREATE VIEW normalized_inputs AS
SELECT t.id, t.raw, t.expected,
       CASE WHEN t.normalizable THEN custom_dialing.us_e164_normalize(t.raw) END AS normalized,
       CASE WHEN custom_dialing.us_e164_is_valid(t.raw) THEN t.raw::custom_dialing.us_e164 END AS as_typed,
       custom_dialing.us_e164_is_valid(t.raw) AS valid_as_typed
FROM typed_inputs t
WHERE custom_dialing.us_e164_is_valid(coalesce(t.raw, '')) IS NOT NULL;

CREATE VIEW call_log_checked AS
SELECT c.id, c.lead_id, c.pool, c.callee, c.caller_id, c.called_at, c.answered,
       custom_dialing.pick_pool_number(c.pool, c.callee) AS would_pick,
       custom_dialing.pick_pool_number(c.pool, c.callee) IS NOT DISTINCT FROM c.caller_id AS sticky,
       custom_dialing.within_calling_hours(c.callee, c.called_at) AS was_callable
FROM call_log c JOIN pool_directory p ON p.pool = c.pool AND NOT p.scratch
WHERE custom_dialing.us_e164_area_code(c.callee) IS NOT NULL;

CREATE VIEW area_code_directory AS
SELECT a.npa, a.region, a.place, a.kind, a.time_zones, a.overlays,
       ('+1' || a.npa || '5550100')::custom_dialing.us_e164 AS sample_number,
       custom_dialing.us_e164_kind(('+1' || a.npa || '5550100')::custom_dialing.us_e164) AS sample_kind,
       custom_dialing.within_calling_hours(('+1' || a.npa || '5550100')::custom_dialing.us_e164,
                                           timestamptz '2026-03-08 14:30Z') AS callable_at_dst_change
FROM custom_dialing.area_codes a
WHERE custom_dialing.us_e164_is_valid('+1' || a.npa || '5550100');

-- --------------------------------------------------------------- writes
-- sqlsmith's generated statements only read, and the role may write no
-- table; reading these views runs the writing functions once per row
-- returned (their statements commit).  pool_churn creates a pool from each
-- typed list and deletes it again, so the number of pools stays as it was;
-- pool_updates replaces the numbers of the scratch pools (or fails with an
-- error object for the garbage lists).
CREATE VIEW pool_churn AS
SELECT n.id, n.owner, n.typed, n.credentials,
       custom_dialing.delete_dialing_pool(n.owner,
           custom_dialing.create_dialing_pool(n.owner, n.typed, n.credentials) -> 'data' ->> 'id') AS response
FROM number_lists n
WHERE n.id % 20 = 0 AND custom_dialing.us_e164_is_valid(n.label) IS NOT NULL;

CREATE VIEW pool_updates AS
SELECT n.id, n.owner, n.pool_id_text,
       custom_dialing.update_dialing_pool(n.owner, n.pool_id_text, n.typed, n.credentials) AS response
FROM number_lists n
WHERE n.id % 10 = 0 AND custom_dialing.us_e164_is_valid(n.label) IS NOT NULL;

-- The CSV parser on small valid files: area codes of each kind from the
-- shipped geography, in the shipped format.
CREATE TABLE csv_samples (id int PRIMARY KEY, csv text NOT NULL);
INSERT INTO csv_samples
SELECT k, (SELECT string_agg(line, E'\n') || E'\n'
           FROM (SELECT 'npa,country,region,place,lat,lon,time_zone,time_zones,overlays,kind,in_service,note' AS line, 0 AS o
                 UNION ALL
                 SELECT array_to_string(ARRAY[npa, country, region, place, lat::text, lon::text, time_zone,
                                  array_to_string(time_zones, ' '), '', kind, in_service::text,
                                  '"sample, ' || k || '"'], ',', ''), 1
                 FROM custom_dialing.area_codes WHERE (npa::int % 7) = k ORDER BY 2, 1 LIMIT 12) l)
FROM generate_series(0, 6) k;
CREATE VIEW parsed_samples AS
SELECT s.id, a.npa, a.region, a.kind, a.time_zones,
       custom_dialing.us_e164_kind(('+1' || a.npa || '5550100')::custom_dialing.us_e164) AS live_kind
FROM csv_samples s CROSS JOIN LATERAL custom_dialing.area_codes_from_csv(s.csv) a
WHERE custom_dialing.us_e164_is_valid('+1' || a.npa || '5550100');

-- Pacing (1.1): dials and outcomes on a sample of leads (they write call
-- history, which is what they are for), explanations, caps and statuses on
-- the scratch pools, health reports; and the calling windows.
CREATE VIEW lead_dials AS
SELECT l.id, l.phone, l.pool, l.last_called,
       custom_dialing.dial_pool_number(l.pool, l.phone, coalesce(l.last_called, timestamptz '2026-06-01 12:00Z')) AS caller_id
FROM leads l JOIN pool_directory p ON p.pool = l.pool AND NOT p.scratch
WHERE l.id % 50 = 0 AND custom_dialing.us_e164_is_valid(l.phone);

CREATE VIEW lead_dials_explained AS
SELECT l.id, l.phone, l.pool,
       custom_dialing.explain_pool_dial(l.pool, l.phone, coalesce(l.last_called, timestamptz '2026-06-01 12:00Z')) AS explanation
FROM leads l JOIN pool_directory p ON p.pool = l.pool AND NOT p.scratch
WHERE custom_dialing.us_e164_area_code(l.phone) IS NOT NULL;

CREATE VIEW call_outcomes AS
SELECT c.id, c.pool, c.callee, o.outcome,
       custom_dialing.record_call_outcome(c.pool, p.first_number, c.callee, o.outcome,
                                          coalesce(c.called_at, timestamptz '2026-06-01 12:00Z'))::text AS recorded
FROM call_log c JOIN pool_directory p ON p.pool = c.pool AND NOT p.scratch
CROSS JOIN LATERAL (SELECT (ARRAY['answered', 'no_answer', 'busy', 'voicemail', 'failed', 'flagged'])[1 + c.id % 6] AS outcome) o
WHERE c.id % 40 = 3 AND custom_dialing.us_e164_is_valid(c.callee);

CREATE VIEW pool_pacing_changes AS
SELECT n.id, n.owner, n.pool_id_text,
       custom_dialing.set_pool_pacing(n.owner, n.pool_id_text,
           CASE WHEN n.id % 3 = 0 THEN NULL ELSE n.id % 7 - 1 END,
           CASE WHEN n.id % 5 = 0 THEN NULL ELSE n.id * 3 END) AS pacing,
       custom_dialing.set_number_status(n.owner, n.pool_id_text, n.typed[1],
           CASE n.id % 4 WHEN 0 THEN 'resting' WHEN 1 THEN 'active' WHEN 2 THEN 'asleep' ELSE NULL END,
           CASE WHEN n.id % 2 = 0 THEN timestamptz '2026-07-01 00:00Z' END, 'sqlsmith') AS status,
       custom_dialing.pool_number_health(n.owner, n.pool_id_text, timestamptz '2026-06-01 12:00Z') AS health
FROM number_lists n
WHERE n.id % 10 = 5 AND custom_dialing.us_e164_is_valid(n.label) IS NOT NULL;

CREATE VIEW lead_calling_windows AS
SELECT l.id, l.phone, l.region, l.last_called,
       custom_dialing.calling_window(l.phone, coalesce(l.last_called, timestamptz '2026-07-04 16:00Z'),
           CASE l.id % 4 WHEN 0 THEN '{sales}' WHEN 1 THEN '{prerecorded}' WHEN 2 THEN '{sales,autodialed}' ELSE '{charitable}' END::text[],
           CASE WHEN l.id % 9 = 0 THEN l.region END) AS calling_window,
       custom_dialing.next_calling_time(l.phone, coalesce(l.last_called, timestamptz '2026-07-04 16:00Z')) AS next_allowed
FROM leads l
WHERE l.id % 10 = 0 AND custom_dialing.us_e164_is_valid(l.phone);

ANALYZE;

-- ---------------------------------------------------------------- role
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'role', :'password') \gexec
SELECT format('ALTER ROLE %I SET statement_timeout = %L', :'role', '1s') \gexec
SELECT format('GRANT SELECT ON ALL TABLES IN SCHEMA public TO %I', :'role') \gexec
SELECT format('GRANT EXECUTE ON FUNCTION
	custom_dialing.create_dialing_pool(uuid, text[], text),
	custom_dialing.list_dialing_pools(uuid),
	custom_dialing.get_dialing_pool(uuid, text),
	custom_dialing.update_dialing_pool(uuid, text, text[], text),
	custom_dialing.delete_dialing_pool(uuid, text),
	custom_dialing.pick_pool_number(uuid, custom_dialing.us_e164),
	custom_dialing.explain_pool_pick(uuid, custom_dialing.us_e164),
	custom_dialing.pool_coverage(uuid),
	custom_dialing.dial_pool_number(uuid, custom_dialing.us_e164, timestamptz),
	custom_dialing.explain_pool_dial(uuid, custom_dialing.us_e164, timestamptz),
	custom_dialing.record_call_outcome(uuid, custom_dialing.us_e164, custom_dialing.us_e164, text, timestamptz),
	custom_dialing.set_pool_pacing(uuid, text, integer, integer),
	custom_dialing.set_number_status(uuid, text, text, text, timestamptz, text),
	custom_dialing.pool_number_health(uuid, text, timestamptz)
	TO %I', :'role') \gexec

-- what the role ended up with, for the log
SELECT count(*) AS pools, sum(size) AS pool_numbers FROM pool_directory;
SELECT (SELECT count(*) FROM leads) AS leads, (SELECT count(*) FROM number_lists) AS number_lists,
       (SELECT count(*) FROM typed_inputs) AS typed_inputs, (SELECT count(*) FROM call_log) AS calls;
