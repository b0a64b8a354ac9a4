-- The tables: ownership enforced by the database itself, constraints,
-- comments on every object, and user data registered for pg_dump.
SET search_path = custom_dialing, public;

INSERT INTO twilio_credentials (id, owner_id) VALUES
  ('11111111-1111-4111-8111-111111111111', 'aaaaaaaa-0000-4000-8000-000000000001'),
  ('22222222-2222-4222-8222-222222222222', 'bbbbbbbb-0000-4000-8000-000000000002');

-- written directly, a pool still cannot name another owner's credentials
INSERT INTO dialing_pools (id, owner_id, phone_numbers, encrypted_key)
VALUES ('01900000-0000-7000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000001',
        '{+12125550123}', '22222222-2222-4222-8222-222222222222');
INSERT INTO dialing_pools (id, owner_id, phone_numbers, encrypted_key)
VALUES ('01900000-0000-7000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000001',
        '{+12125550123}', '11111111-1111-4111-8111-111111111111');
-- nor be moved to another owner while keeping them
UPDATE dialing_pools SET owner_id = 'bbbbbbbb-0000-4000-8000-000000000002'
WHERE id = '01900000-0000-7000-8000-000000000001';
-- nor can the credentials change hands, or vanish, under it
UPDATE twilio_credentials SET owner_id = 'bbbbbbbb-0000-4000-8000-000000000002'
WHERE id = '11111111-1111-4111-8111-111111111111';
DELETE FROM twilio_credentials WHERE id = '11111111-1111-4111-8111-111111111111';

-- the number list: not empty, no NULL, one dimension, every element valid
\set VERBOSITY terse
INSERT INTO dialing_pools (id, owner_id, phone_numbers) VALUES (gen_random_uuid(), gen_random_uuid(), '{}');
INSERT INTO dialing_pools (id, owner_id, phone_numbers) VALUES (gen_random_uuid(), gen_random_uuid(), '{+12125550123,NULL}');
INSERT INTO dialing_pools (id, owner_id, phone_numbers) VALUES (gen_random_uuid(), gen_random_uuid(), '{{+12125550123},{+12125550124}}');
INSERT INTO dialing_pools (id, owner_id, phone_numbers) VALUES (gen_random_uuid(), gen_random_uuid(), '{+12125550123,2125550124}');
INSERT INTO dialing_pools (id, owner_id, phone_numbers) VALUES (gen_random_uuid(), NULL, '{+12125550123}');

\set VERBOSITY default
-- area_codes refuses malformed rows
INSERT INTO area_codes (npa, time_zones, overlays, kind, in_service) VALUES ('123', '{}', '{}', 'toll_free', true);
INSERT INTO area_codes (npa, time_zones, overlays, kind, in_service) VALUES ('299', '{}', '{}', 'geographic', true);
INSERT INTO area_codes (npa, time_zones, overlays, kind, in_service) VALUES ('299', '{}', '{}', 'mystery', true);
INSERT INTO area_codes (npa, lat, lon, time_zone, time_zones, overlays, kind, in_service)
VALUES ('299', 91, 0, 'UTC', '{UTC}', '{}', 'geographic', true);

-- the shipped geography
SELECT count(*) AS area_codes, count(*) FILTER (WHERE kind = 'geographic') AS geographic
FROM area_codes;
SELECT npa, country, region, place, lat, lon, time_zone, time_zones, overlays, kind, in_service
FROM area_codes WHERE npa IN ('212', '907', '808', '787', '671', '850', '928', '800', '555', '911')
ORDER BY npa;

-- us_e164_kind reads it
SELECT v, us_e164_kind(v::us_e164)
FROM (VALUES ('+12125550123'), ('+18005550123'), ('+15005550123'), ('+15555550123'),
             ('+19115550123'), ('+12995550123'), ('+10125550123'), ('+12120550123'),
             ('+12121550123'), ('+14165550123'), ('+12645550123')) AS t(v);

-- user data is kept by pg_dump; area_codes is rebuilt from its refresh CSV
SELECT c.relname, e.extcondition IS NOT NULL AS has_condition
FROM pg_extension e, unnest(e.extconfig) AS cfg(oid) JOIN pg_class c ON c.oid = cfg.oid
WHERE e.extname = 'custom_dialing' ORDER BY 1;

-- every object of the extension has a comment
SELECT classid::regclass AS catalog, pg_describe_object(classid, objid, objsubid) AS object
FROM pg_depend d
WHERE refclassid = 'pg_extension'::regclass
  AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'custom_dialing')
  AND deptype = 'e'
  AND obj_description(objid, classid::regclass::text) IS NULL
  AND classid <> 'pg_type'::regclass   -- row types and array types of tables
ORDER BY 2;
SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = 'custom_dialing' AND t.typtype = 'd' AND obj_description(t.oid, 'pg_type') IS NULL;
SELECT c.relname, a.attname
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE n.nspname = 'custom_dialing' AND c.relkind = 'r' AND col_description(c.oid, a.attnum) IS NULL;
-- indexes other than primary keys, constraints other than NOT NULL and
-- primary keys, triggers
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'custom_dialing' AND c.relkind = 'i' AND obj_description(c.oid, 'pg_class') IS NULL
  AND c.relname NOT LIKE '%_pkey' AND c.relname NOT LIKE '%_key';
SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
WHERE n.nspname = 'custom_dialing' AND contype <> 'p' AND obj_description(c.oid, 'pg_constraint') IS NULL;
SELECT tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'custom_dialing' AND NOT tgisinternal AND obj_description(t.oid, 'pg_trigger') IS NULL;

DELETE FROM dialing_pools;
DELETE FROM twilio_credentials;
