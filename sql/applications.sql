-- For applications (1.1): typed ids, credentials functions, forgiving
-- normalization and tel: URIs, all checks of a request reported together.
SET search_path = custom_dialing, public;

-- ---------- credentials without table grants ----------
SELECT create_twilio_credentials('aaaaaaaa-0000-4000-8000-00000000000a', 'main account') AS c \gset
SELECT :'c'::jsonb->>'status' AS status, :'c'::jsonb->'errors' AS errors,
       jsonb_object_keys(:'c'::jsonb->'data') AS key ORDER BY 3;
SELECT :'c'::jsonb->'data'->>'id' AS key_a \gset
SELECT :'c'::jsonb->'data'->>'label' AS label, :'c'::jsonb->'data'->>'owner_id' AS owner,
       (:'c'::jsonb->'data'->>'created_at') ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$' AS rfc3339,
       (:'c'::jsonb->'data'->>'id') ~ '^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' AS uuid7;
SELECT create_twilio_credentials('aaaaaaaa-0000-4000-8000-00000000000a')->'data'->>'id' AS key_a2 \gset
SELECT create_twilio_credentials('bbbbbbbb-0000-4000-8000-00000000000b', 'b')->'data'->>'id' AS key_b \gset
-- the registry has them, and list shows an owner's own, oldest first
SELECT count(*) FROM twilio_credentials;
SELECT jsonb_array_length(list_twilio_credentials('aaaaaaaa-0000-4000-8000-00000000000a')->'data') AS a_has,
       list_twilio_credentials('aaaaaaaa-0000-4000-8000-00000000000a')->'data'->0->>'id' = :'key_a' AS oldest_first,
       list_twilio_credentials('aaaaaaaa-0000-4000-8000-00000000000a')->'data'->1->'label' AS null_label;
SELECT list_twilio_credentials('cccccccc-0000-4000-8000-00000000000c') AS none;
SELECT create_twilio_credentials(NULL, 'x');
SELECT list_twilio_credentials(NULL);
SELECT delete_twilio_credentials(NULL, :'key_a');

-- ---------- typed ids: the uuid overloads give the same results ----------
-- create with a uuid key, and with a text key, and with none
SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', ARRAY['+12125550101', '+13105550101'],
  :'key_a'::uuid)->'data' AS pool_u \gset
SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', ARRAY['+12125550101', '+13105550101'],
  :'key_a')->'data' AS pool_t \gset
SELECT (:'pool_u'::jsonb - 'id' - 'created_at' - 'updated_at') = (:'pool_t'::jsonb - 'id' - 'created_at' - 'updated_at') AS same_result,
       :'pool_u'::jsonb->>'encrypted_key' = :'key_a' AS key_kept;
SELECT :'pool_u'::jsonb->>'id' AS pu, :'pool_t'::jsonb->>'id' AS pt \gset
-- get by uuid and by text
SELECT get_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', :'pu'::uuid)
     = get_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', :'pu') AS get_same;
SELECT get_dialing_pool('bbbbbbbb-0000-4000-8000-00000000000b', :'pu'::uuid)->'errors'->0->>'error' AS other_owner_uuid;
SELECT get_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', NULL::uuid)->'errors' AS null_uuid;
-- every update shape: (uuid, uuid), (uuid, text), (text, uuid), (uuid, untyped NULL)
SELECT update_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', :'pu'::uuid, ARRAY['+16465550101'], :'key_a2'::uuid)->'data'->>'encrypted_key' = :'key_a2' AS uu;
SELECT update_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', :'pu'::uuid, ARRAY['+16465550101'], :'key_a'::text)->'data'->>'encrypted_key' = :'key_a' AS ut;
SELECT update_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', :'pu'::text, ARRAY['+16465550101'], :'key_a2'::uuid)->'data'->>'encrypted_key' = :'key_a2' AS tu;
SELECT update_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', :'pu'::uuid, ARRAY['+16465550101'], NULL)->'data'->'encrypted_key' AS u_null;
SELECT update_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', :'pu'::uuid, ARRAY['+16465550101'], 'not-a-key')->'errors' AS u_bad_text_key;
SELECT update_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', :'pu'::uuid, ARRAY['+16465550101'], :'key_b'::uuid)->'errors' AS u_other_key;
SELECT jsonb_path_query_array(update_dialing_pool('bbbbbbbb-0000-4000-8000-00000000000b', :'pu'::uuid, ARRAY['x'], :'key_b'::uuid), '$.errors[*].error') AS u_all_errors;
-- a quoted literal resolves to the text form: a malformed one is an error object, not 22P02
SELECT get_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', 'not-a-uuid')->'errors' AS literal_is_text;
SELECT update_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', 'nope', ARRAY['+16465550101'], 'nope')->'errors' AS literals_are_text;
SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', ARRAY['+16465550101'], 'nope')->'errors' AS create_literal;
SELECT delete_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', 'nope')->'errors' AS delete_literal;
-- which overload each call shape resolves to (the casts EXPLAIN shows)
EXPLAIN (VERBOSE, COSTS OFF) SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', ARRAY['+1'], NULL);
EXPLAIN (VERBOSE, COSTS OFF) SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', ARRAY['+1']);
EXPLAIN (VERBOSE, COSTS OFF) SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', ARRAY['+1'], '11111111-1111-4111-8111-111111111111');
EXPLAIN (VERBOSE, COSTS OFF) SELECT update_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', '11111111-1111-4111-8111-111111111111', ARRAY['+1'], NULL);
EXPLAIN (VERBOSE, COSTS OFF) SELECT update_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', '11111111-1111-4111-8111-111111111111'::uuid, ARRAY['+1'], NULL);
EXPLAIN (VERBOSE, COSTS OFF) SELECT get_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', '11111111-1111-4111-8111-111111111111');
-- every call shape that worked in 1.0 still works
SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', ARRAY['+17185550101'])->>'status' AS two_args;
SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', ARRAY['+17185550101'], NULL)->>'status' AS untyped_null;
SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', '{+17185550101}', :'key_a')->>'status' AS literal_key;
SELECT create_dialing_pool(owner_id => 'aaaaaaaa-0000-4000-8000-00000000000a', phone_numbers => ARRAY['+17185550101'])->>'status' AS named;
SELECT create_dialing_pool(owner_id => 'aaaaaaaa-0000-4000-8000-00000000000a', phone_numbers => ARRAY['+17185550101'], encrypted_key => NULL)->>'status' AS named_null;
SELECT create_dialing_pool(owner_id => 'aaaaaaaa-0000-4000-8000-00000000000a', phone_numbers => ARRAY['+17185550101'], encrypted_key => :'key_a')->>'status' AS named_key;
SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', ARRAY['+17185550101'], :'key_a'::varchar)->>'status' AS varchar_key;
SELECT update_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', :'pt', ARRAY['+17185550102'], NULL)->>'status' AS update_literals;
SELECT update_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', :'pt', '{+17185550102}', :'key_a')->>'status' AS update_literal_key;
SELECT update_dialing_pool(owner_id => 'aaaaaaaa-0000-4000-8000-00000000000a', pool_id => :'pt', phone_numbers => ARRAY['+17185550102'], encrypted_key => NULL)->>'status' AS update_named;
SELECT get_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', :'pt')->>'status' AS get_literal;
SELECT get_dialing_pool(owner_id => 'aaaaaaaa-0000-4000-8000-00000000000a', pool_id => :'pt')->>'status' AS get_named;
-- text-typed parameters (a driver sending text) and uuid-typed ones (a typed driver)
PREPARE text_params(uuid, text, text[], text) AS
  SELECT get_dialing_pool($1, $2)->>'status' AS get, update_dialing_pool($1, $2, $3, $4)->>'status' AS upd;
EXECUTE text_params('aaaaaaaa-0000-4000-8000-00000000000a', :'pt', '{+17185550103}', :'key_a');
EXECUTE text_params('aaaaaaaa-0000-4000-8000-00000000000a', :'pt', '{+17185550103}', NULL);
-- one uuid parameter serves a get and a pick (the routing functions take uuid)
PREPARE uuid_params(uuid, uuid, us_e164, uuid) AS
  SELECT get_dialing_pool($1, $2)->'data'->>'id' = $2::text AS got,
         pick_pool_number($2, $3) AS picked,
         update_dialing_pool($1, $2, ARRAY['+16465550101', '+13105550101'], $4)->>'status' AS updated;
EXECUTE uuid_params('aaaaaaaa-0000-4000-8000-00000000000a', :'pu', '+16465550199', :'key_a');
EXECUTE uuid_params('aaaaaaaa-0000-4000-8000-00000000000a', :'pu', '+13105550199', NULL);
DEALLOCATE text_params;
DEALLOCATE uuid_params;

-- ---------- deleting credentials ----------
-- in use: refused, naming the pools (oldest first)
SELECT update_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', :'pu'::uuid, ARRAY['+16465550101'], :'key_a'::uuid)->>'status' AS pu_uses_key_a;
SELECT delete_twilio_credentials('aaaaaaaa-0000-4000-8000-00000000000a', :'key_a') AS in_use \gset
SELECT :'in_use'::jsonb->>'status' AS status, :'in_use'::jsonb->'errors'->0->>'error' AS error,
       position(:'pu' IN :'in_use') > 0 AS names_pu, position(:'pt' IN :'in_use') > 0 AS names_pt_not_using_it;
SELECT count(*) FROM twilio_credentials WHERE id = :'key_a';
-- missing, another owner's, malformed, NULL
SELECT delete_twilio_credentials('aaaaaaaa-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-000000000000')->'errors' AS missing;
SELECT delete_twilio_credentials('aaaaaaaa-0000-4000-8000-00000000000a', :'key_b')->'errors' AS other_owner;
SELECT delete_twilio_credentials('aaaaaaaa-0000-4000-8000-00000000000a', 'not-a-key')->'errors' AS malformed;
SELECT delete_twilio_credentials('aaaaaaaa-0000-4000-8000-00000000000a', NULL::text)->'errors' AS null_id;
SELECT delete_twilio_credentials('aaaaaaaa-0000-4000-8000-00000000000a', NULL::uuid)->'errors' AS null_uuid;
-- unused: deleted (uuid form), returning it; then it is gone
SELECT delete_twilio_credentials('aaaaaaaa-0000-4000-8000-00000000000a', :'key_a2'::uuid)->'data'->>'id' = :'key_a2' AS deleted;
SELECT delete_twilio_credentials('aaaaaaaa-0000-4000-8000-00000000000a', :'key_a2')->'errors' AS again;
-- many pools: ten named, then counted
SELECT count(create_dialing_pool('bbbbbbbb-0000-4000-8000-00000000000b', ARRAY['+12125550111'], :'key_b'::uuid)) FROM generate_series(1, 12);
SELECT regexp_replace(delete_twilio_credentials('bbbbbbbb-0000-4000-8000-00000000000b', :'key_b')->'errors'->0->>'message',
       '[0-9a-f-]{36}', 'ID', 'g') AS many;
-- a failed call changed nothing
SELECT count(*) FROM twilio_credentials;

-- ---------- us_e164_try_normalize and tel: URIs ----------
SELECT v AS typed, us_e164_try_normalize(v) AS try, us_e164_is_valid(coalesce(us_e164_try_normalize(v), '')) AS valid
FROM (VALUES ('(212) 555-0123'), ('+1 212 555 0123'), ('12125550123'), ('tel:+1-212-555-0123'),
             ('TEL:+1.212.555.0123'), (' tel:+1(212)555-0123 '), ('tel:+1-212-555-0123;ext=45'),
             ('tel:212-555-0123'), ('tel:+1-212-555-0123;isub=1'), ('tel:+44-20-7946-0958'),
             ('212-555-0123 x45'), ('555-0123'), ('1-800-FLOWERS'), (''), ('２１２５５５０１２３')) AS t(v);
SELECT pg_typeof(us_e164_try_normalize('2125550123')), us_e164_try_normalize(NULL) AS strict_null;
SELECT us_e164_normalize('tel:+1-212-555-0123') AS uri;
SELECT us_e164_normalize('tel:+1-212-555-0123;ext=45');
SELECT us_e164_normalize('tel:212-555-0123;phone-context=+1');
SELECT us_e164_normalize('tel:+1-212-555-0123;isub=1');
-- bulk assignment of caller IDs to a lead table: one bad number does not abort it
CREATE TEMP TABLE leads (id int, phone text, callee us_e164, caller_id us_e164);
INSERT INTO leads (id, phone) VALUES (1, '(646) 555-0100'), (2, 'tel:+1-310-555-0100'), (3, 'call me'),
  (4, '212.555.0100 ext 9'), (5, '+1 907 555 0100'), (6, NULL);
UPDATE leads SET callee = us_e164_try_normalize(phone);
UPDATE leads SET caller_id = pick_pool_number(:'pu', callee) WHERE callee IS NOT NULL;
SELECT id, phone, callee, caller_id FROM leads ORDER BY id;

-- ---------- all checks together, TOO_MANY_PHONE_NUMBERS included ----------
SET custom_dialing.max_pool_size = 3;
SELECT jsonb_path_query_array(create_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a',
  ARRAY['+12125550101', 'bad', '+12125550101', '+13105550101'], 'nope'), '$.errors[*].error') AS codes;
SELECT jsonb_path_query_array(update_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', 'nope',
  ARRAY['+12125550101', 'bad', '+12125550101', '+13105550101'], 'nope'), '$.errors[*].error') AS codes;
RESET custom_dialing.max_pool_size;
-- a million numbers: every check still runs, and answers (the time is in the client test's log)
SELECT jsonb_path_query_array(e, '$.errors[*].error') AS codes,
       e->'errors'->0->>'message' AS invalid, e->'errors'->1->>'message' AS duplicates,
       e->'errors'->2->>'message' AS too_many
FROM (SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a',
        array_agg(CASE WHEN n % 100000 = 0 THEN 'bad' || n
                       ELSE '+1' || (2000000000 + n % 999990)::text END)) AS e
      FROM generate_series(1, 1000000) n) s;
