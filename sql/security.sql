-- Security model: what PUBLIC may do, what a granted application role may
-- do, and that no look-alike object on a hostile search_path captures ours.
SET search_path = custom_dialing, public;

-- PUBLIC: the type and its helpers, calling hours, reading area_codes;
-- no pool function, no routing function, no pool or credentials table
SELECT p.oid::regprocedure AS function, has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute,
       p.prosecdef AS security_definer, p.proconfig AS settings
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'custom_dialing'
ORDER BY p.proname, p.oid::regprocedure::text COLLATE "C";
SELECT c.relname,
       has_table_privilege('public', c.oid, 'SELECT') AS public_select,
       has_table_privilege('public', c.oid, 'INSERT,UPDATE,DELETE,TRUNCATE') AS public_write
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'custom_dialing' AND c.relkind = 'r' ORDER BY 1;
SELECT has_schema_privilege('public', 'custom_dialing', 'USAGE') AS public_usage,
       has_schema_privilege('public', 'custom_dialing', 'CREATE') AS public_create;

-- an application role granted the API, and an ordinary user granted nothing
CREATE ROLE regress_cd_app;
CREATE ROLE regress_cd_nobody;
GRANT EXECUTE ON FUNCTION create_dialing_pool(uuid, text[], text), list_dialing_pools(uuid),
  get_dialing_pool(uuid, text), update_dialing_pool(uuid, text, text[], text),
  delete_dialing_pool(uuid, text), pick_pool_number(uuid, us_e164),
  explain_pool_pick(uuid, us_e164), pool_coverage(uuid) TO regress_cd_app;
INSERT INTO twilio_credentials (id, owner_id) VALUES
  ('11111111-1111-4111-8111-111111111111', 'aaaaaaaa-0000-4000-8000-000000000001');

SET ROLE regress_cd_app;
SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001',
  ARRAY['+12125550123', '+13105550123'], '11111111-1111-4111-8111-111111111111')->'data'->>'id' AS pool \gset
SELECT pick_pool_number(:'pool', '+16465550100') AS app_picks;
-- the API is the only way in: the tables stay closed to it
SELECT count(*) FROM dialing_pools;
SELECT count(*) FROM twilio_credentials;
INSERT INTO dialing_pools (id, owner_id, phone_numbers) VALUES (gen_random_uuid(), gen_random_uuid(), '{+12125550123}');
-- area_codes is public geography
SELECT count(*) > 0 AS reads_area_codes FROM area_codes;
-- refreshing the geography is for administrators
SELECT refresh_area_codes('npa');
RESET ROLE;

SET ROLE regress_cd_nobody;
SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', ARRAY['+12125550123']);
SELECT list_dialing_pools('aaaaaaaa-0000-4000-8000-000000000001');
SELECT pick_pool_number(:'pool', '+16465550100');
SELECT explain_pool_pick(:'pool', '+16465550100');
SELECT * FROM pool_coverage(:'pool');
-- but the type and its helpers are everyone's
SELECT us_e164_normalize('(212) 555-0123'), us_e164_is_valid('+12125550123'),
       us_e164_area_code('+12125550123'), us_e164_kind('+12125550123'),
       within_calling_hours('+12125550123', '2026-07-01 16:00Z');
CREATE TEMP TABLE regress_cd_numbers (n us_e164);
INSERT INTO regress_cd_numbers VALUES ('+12125550123');
DROP TABLE regress_cd_numbers;
-- nobody but the owner creates objects in the extension's schema
CREATE TABLE custom_dialing.intruder (x int);
RESET ROLE;

-- A hostile schema: look-alikes of everything our code calls, first on the
-- search_path (citext's create_index_acl test is the model).  Were any of them
-- captured, its call would raise.
CREATE SCHEMA regress_evil;
GRANT USAGE, CREATE ON SCHEMA regress_evil TO PUBLIC;
CREATE FUNCTION regress_evil.captured() RETURNS boolean LANGUAGE plpgsql AS
  $$BEGIN RAISE EXCEPTION 'a look-alike object was called'; END$$;
CREATE FUNCTION regress_evil.now() RETURNS timestamptz LANGUAGE sql AS 'SELECT NULL::timestamptz WHERE regress_evil.captured()';
CREATE FUNCTION regress_evil.jsonb_build_object(VARIADIC text[]) RETURNS jsonb LANGUAGE sql AS 'SELECT NULL::jsonb WHERE regress_evil.captured()';
CREATE FUNCTION regress_evil.to_char(timestamp, text) RETURNS text LANGUAGE sql AS 'SELECT NULL::text WHERE regress_evil.captured()';
CREATE FUNCTION regress_evil.timezone(text, timestamptz) RETURNS timestamp LANGUAGE sql AS 'SELECT NULL::timestamp WHERE regress_evil.captured()';
CREATE FUNCTION regress_evil.jsonb_agg(anyelement) RETURNS jsonb LANGUAGE sql AS 'SELECT NULL::jsonb WHERE regress_evil.captured()';
CREATE FUNCTION regress_evil.cardinality(anyarray) RETURNS int LANGUAGE sql AS 'SELECT NULL::int WHERE regress_evil.captured()';
CREATE FUNCTION regress_evil.array_position(anyarray, anyelement) RETURNS int LANGUAGE sql AS 'SELECT NULL::int WHERE regress_evil.captured()';
CREATE FUNCTION regress_evil.array_ndims(anyarray) RETURNS int LANGUAGE sql AS 'SELECT NULL::int WHERE regress_evil.captured()';
CREATE FUNCTION regress_evil.us_e164_check(text) RETURNS boolean LANGUAGE sql AS 'SELECT regress_evil.captured()';
CREATE FUNCTION regress_evil.uuid_eq(uuid, uuid) RETURNS boolean LANGUAGE sql AS 'SELECT regress_evil.captured()';
CREATE OPERATOR regress_evil.= (LEFTARG = uuid, RIGHTARG = uuid, FUNCTION = regress_evil.uuid_eq);
CREATE FUNCTION regress_evil.text_eq(text, text) RETURNS boolean LANGUAGE sql AS 'SELECT regress_evil.captured()';
CREATE OPERATOR regress_evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = regress_evil.text_eq);
CREATE TABLE regress_evil.dialing_pools (LIKE custom_dialing.dialing_pools);
CREATE TABLE regress_evil.twilio_credentials (LIKE custom_dialing.twilio_credentials);
CREATE TABLE regress_evil.area_codes (LIKE custom_dialing.area_codes);
GRANT ALL ON ALL TABLES IN SCHEMA regress_evil TO PUBLIC;
INSERT INTO regress_evil.twilio_credentials VALUES ('99999999-9999-4999-8999-999999999999', 'aaaaaaaa-0000-4000-8000-000000000001', 'fake', now());
-- temporary look-alikes too
CREATE TEMP TABLE dialing_pools (LIKE custom_dialing.dialing_pools);
CREATE TEMP TABLE twilio_credentials (LIKE custom_dialing.twilio_credentials);

SET search_path = regress_evil, pg_catalog, custom_dialing, public;
SET ROLE regress_cd_app;
SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001',
  ARRAY['+17185550100'], '99999999-9999-4999-8999-999999999999')->'errors'->0->>'error' AS fake_credentials_ignored;
SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001',
  ARRAY['+17185550100'], '11111111-1111-4111-8111-111111111111')->>'status' AS created_under_hostile_path;
SELECT jsonb_array_length(list_dialing_pools('aaaaaaaa-0000-4000-8000-000000000001')->'data') AS listed;
SELECT get_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', :'pool')->>'status' AS got;
SELECT update_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', :'pool',
  ARRAY['+12125550123', '+14155550123'], NULL)->>'status' AS updated;
SELECT pick_pool_number(:'pool', '+16505550100') AS picked,
       explain_pool_pick(:'pool', '+16505550100')->>'rule' AS rule;
SELECT count(*) AS coverage_rows FROM pool_coverage(:'pool');
RESET ROLE;
SELECT within_calling_hours('+12125550123', '2026-07-01 16:00Z') AS within,
       us_e164_kind('+18005550100') AS kind, '+12125550123'::custom_dialing.us_e164 AS cast_ok;
-- even in pg_restore's empty search_path the domain check works
SET search_path = '';
SELECT '+12125550123'::custom_dialing.us_e164 AS empty_path_cast;
SELECT '+1212'::custom_dialing.us_e164;
SET search_path = regress_evil, pg_catalog, custom_dialing, public;
SET ROLE regress_cd_app;
SELECT delete_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', :'pool')->>'status' AS deleted;
RESET ROLE;
SELECT count(*) AS evil_rows FROM regress_evil.dialing_pools;
SELECT count(*) AS temp_rows FROM pg_temp.dialing_pools;

-- Nobody in: for every pool function, owner B asking about owner A's pool
-- or credentials gets exactly the answer for something that does not exist,
-- and A's data is untouched.  (Tables are qualified: the temporary
-- look-alikes above still exist.)
SET search_path = custom_dialing, public;
INSERT INTO custom_dialing.twilio_credentials (id, owner_id) VALUES
  ('22222222-2222-4222-8222-222222222222', 'bbbbbbbb-0000-4000-8000-000000000002');
SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', ARRAY['+12125550123'],
  '11111111-1111-4111-8111-111111111111')->'data'->>'id' AS a_pool \gset
SELECT phone_numbers AS a_numbers_before FROM custom_dialing.dialing_pools WHERE id = :'a_pool' \gset
SELECT f AS function,
       replace(theirs::text, :'a_pool', '<id>') = replace(missing::text, '01900000-0000-7000-8000-00000000ffff', '<id>') AS same_as_missing,
       theirs->'errors'->0->>'error' AS answer
FROM (VALUES
  ('get_dialing_pool',
   get_dialing_pool('bbbbbbbb-0000-4000-8000-000000000002', :'a_pool'),
   get_dialing_pool('bbbbbbbb-0000-4000-8000-000000000002', '01900000-0000-7000-8000-00000000ffff')),
  ('update_dialing_pool',
   update_dialing_pool('bbbbbbbb-0000-4000-8000-000000000002', :'a_pool', ARRAY['+13105550123'], NULL),
   update_dialing_pool('bbbbbbbb-0000-4000-8000-000000000002', '01900000-0000-7000-8000-00000000ffff', ARRAY['+13105550123'], NULL)),
  ('delete_dialing_pool',
   delete_dialing_pool('bbbbbbbb-0000-4000-8000-000000000002', :'a_pool'),
   delete_dialing_pool('bbbbbbbb-0000-4000-8000-000000000002', '01900000-0000-7000-8000-00000000ffff')),
  ('create_dialing_pool with A''s credentials',
   create_dialing_pool('bbbbbbbb-0000-4000-8000-000000000002', ARRAY['+13105550123'], '11111111-1111-4111-8111-111111111111'),
   create_dialing_pool('bbbbbbbb-0000-4000-8000-000000000002', ARRAY['+13105550123'], '33333333-3333-4333-8333-333333333333')),
  ('update_dialing_pool of own pool with A''s credentials',
   update_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', :'a_pool', ARRAY['+13105550123'], '22222222-2222-4222-8222-222222222222'),
   update_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', :'a_pool', ARRAY['+13105550123'], '33333333-3333-4333-8333-333333333333'))
) AS t(f, theirs, missing);
SELECT jsonb_array_length(list_dialing_pools('bbbbbbbb-0000-4000-8000-000000000002')->'data') AS b_sees_pools;
SELECT phone_numbers = :'a_numbers_before' AS a_numbers_unchanged, encrypted_key FROM custom_dialing.dialing_pools WHERE id = :'a_pool';
SELECT count(*) AS b_pools FROM custom_dialing.dialing_pools WHERE owner_id = 'bbbbbbbb-0000-4000-8000-000000000002';

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA regress_evil CASCADE;
RESET client_min_messages;
DROP TABLE pg_temp.dialing_pools, pg_temp.twilio_credentials;
DELETE FROM custom_dialing.dialing_pools;
DELETE FROM custom_dialing.twilio_credentials;
DROP OWNED BY regress_cd_app, regress_cd_nobody;
DROP ROLE regress_cd_app;
DROP ROLE regress_cd_nobody;
