-- The pool API: envelopes, every documented error, nothing written on failure.
SET search_path = custom_dialing, public;

-- Hides the generated id and timestamps after checking their form: ids are
-- canonical lower-case version 7 UUIDs, timestamps UTC RFC 3339 with "Z".
CREATE FUNCTION pg_temp.masked(r jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  p jsonb;
  out jsonb := '[]';
  one boolean := jsonb_typeof(r->'data') = 'object';
BEGIN
  IF r->>'status' <> 'success' THEN RETURN r; END IF;
  FOR p IN SELECT * FROM jsonb_array_elements(CASE WHEN one THEN jsonb_build_array(r->'data') ELSE r->'data' END) LOOP
    IF p->>'id' !~ '^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' THEN
      RAISE EXCEPTION 'bad id %', p->>'id';
    END IF;
    IF p->>'created_at' !~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$' OR p->>'updated_at' !~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$' THEN
      RAISE EXCEPTION 'bad timestamp % %', p->>'created_at', p->>'updated_at';
    END IF;
    -- the text is the stored instant in UTC, whatever the session TimeZone
    IF (p->>'created_at')::timestamptz <> date_trunc('second', (SELECT created_at FROM custom_dialing.dialing_pools WHERE id = (p->>'id')::uuid)) THEN
      RAISE EXCEPTION 'created_at % is not the stored instant', p->>'created_at';
    END IF;
    out := out || jsonb_build_array(p || '{"id": "<id>", "created_at": "<ts>", "updated_at": "<ts>"}');
  END LOOP;
  RETURN jsonb_set(r, '{data}', CASE WHEN one THEN out->0 ELSE out END);
END $$;

-- two organizations, each with credentials
INSERT INTO twilio_credentials (id, owner_id, label) VALUES
  ('11111111-1111-4111-8111-111111111111', 'aaaaaaaa-0000-4000-8000-000000000001', 'org A main'),
  ('22222222-2222-4222-8222-222222222222', 'bbbbbbbb-0000-4000-8000-000000000002', 'org B main');

-- the documented example: three numbers and an encrypted_key
SELECT pg_temp.masked(create_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001',
  ARRAY['+15551234567', '+19876543210', '+12125550123'],
  '11111111-1111-4111-8111-111111111111')) AS created;

-- the documented errors
SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001',
  ARRAY['5551234567', '+15551234567'], '11111111-1111-4111-8111-111111111111') AS invalid_numbers;
SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001',
  ARRAY['+15551234567'], '33333333-3333-4333-8333-333333333333') AS unknown_credentials;
SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001',
  ARRAY['+15551234567'], '22222222-2222-4222-8222-222222222222') AS other_owners_credentials;

-- "not found" and "someone else's" are indistinguishable
SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', ARRAY['+15551234567'], '33333333-3333-4333-8333-333333333333')
     = create_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', ARRAY['+15551234567'], '22222222-2222-4222-8222-222222222222')
  AS same_answer;

-- phone number problems, several reported at once
SELECT e->>'error' AS error, e->>'message' AS message
FROM jsonb_array_elements(create_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001',
  ARRAY['+1212555012', '+121255501234', ' +12125550123', '+12125550123 ', '+1 2125550123',
        '+1212555O123', '+442071234567', '+44207123456', '+1２１２5550123', NULL,
        '+13105550123', '+13105550123', '', 'x'],
  'not-a-uuid')->'errors') AS e;

SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', NULL) AS null_array;
SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', '{}') AS empty_array;
SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', ARRAY[NULL]::text[]) AS null_element;
SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', '{{+12125550123},{+13105550123}}') AS two_dimensions;
SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001',
  ARRAY['+12125550123', '+13105550123', '+12125550123', '+12125550123']) AS duplicates;
-- more than ten bad values: the message names ten and counts the rest
SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001',
  (SELECT array_agg('bad' || g) FROM generate_series(1, 13) g)) AS many_bad;

-- malformed and injected encrypted_key values
SELECT k AS encrypted_key, create_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', ARRAY['+12125550123'], k)->'errors'->0->>'error' AS error
FROM (VALUES (''), ('11111111111141118111111111111111'), ('{11111111-1111-4111-8111-111111111111}'),
             ('11111111-1111-4111-8111-11111111111'), ('11111111-1111-4111-8111-1111111111111'),
             (' 11111111-1111-4111-8111-111111111111'), ('11111111-1111-4111-8111-11111111111g'),
             ('1111111-11111-4111-8111-111111111111'),
             ($$' OR '1'='1$$), ($$11111111-1111-4111-8111-111111111111'; DROP TABLE custom_dialing.dialing_pools; --$$),
             ('11111111-1111-4111-8111-111111111111 OR 1=1')) AS t(k);
SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', ARRAY['+12125550123'],
  $$' OR 1=1 --$$)->'errors' AS injected;
-- upper-case hex is a canonical UUID too, and names the same credentials
SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', ARRAY['+13125550123'],
  '11111111-1111-4111-8111-111111111111')->>'status' AS lower_case,
       create_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', ARRAY['+13125550124'],
  upper('11111111-1111-4111-8111-111111111111'))->>'status' AS upper_case;

-- without credentials
SELECT pg_temp.masked(create_dialing_pool('bbbbbbbb-0000-4000-8000-000000000002', ARRAY['+13105550123'])) AS no_key;

-- nothing was written by any failed call: A has 3 pools, B 1
SELECT owner_id, count(*) FROM dialing_pools GROUP BY owner_id ORDER BY owner_id;

-- NULL owner is a programming error
SELECT create_dialing_pool(NULL, ARRAY['+12125550123']);
SELECT list_dialing_pools(NULL);
SELECT get_dialing_pool(NULL, '00000000-0000-4000-8000-000000000000');
SELECT update_dialing_pool(NULL, '00000000-0000-4000-8000-000000000000', ARRAY['+12125550123'], NULL);
SELECT delete_dialing_pool(NULL, '00000000-0000-4000-8000-000000000000');

-- list: oldest first, only the owner's
SELECT pg_temp.masked(list_dialing_pools('aaaaaaaa-0000-4000-8000-000000000001')) AS list_a;
SELECT list_dialing_pools('cccccccc-0000-4000-8000-000000000003') AS list_nobody;

-- get, and the same answer for missing and someone else's pool
SELECT id AS pool_a FROM dialing_pools WHERE owner_id = 'aaaaaaaa-0000-4000-8000-000000000001'
  ORDER BY created_at, id LIMIT 1 \gset
SELECT id AS pool_b FROM dialing_pools WHERE owner_id = 'bbbbbbbb-0000-4000-8000-000000000002' \gset
SELECT pg_temp.masked(get_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', :'pool_a')) AS get_own;
SELECT replace(get_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', :'pool_b')::text, :'pool_b', '<pool_b>') AS get_other;
SELECT get_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000000') AS get_missing;
SELECT get_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', :'pool_b')->'errors'->0->>'error'
     = get_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000000')->'errors'->0->>'error'
  AS same_code;
-- malformed pool ids
SELECT v AS pool_id, get_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', v) AS answer
FROM (VALUES (''), ('abc'), ('00000000-0000-4000-8000-00000000000'), ($$x' OR '1'='1$$)) AS t(v);
SELECT get_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', NULL) AS null_pool_id;

-- update replaces numbers and credentials; created_at stays, updated_at moves
SELECT created_at AS before_created FROM dialing_pools WHERE id = :'pool_a' \gset
SELECT pg_temp.masked(update_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', :'pool_a',
  ARRAY['+17185550100', '+16465550100'], NULL)) AS updated_no_key;
SELECT created_at = :'before_created' AS created_kept, updated_at >= created_at AS updated_later
FROM dialing_pools WHERE id = :'pool_a';
SELECT pg_temp.masked(update_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', :'pool_a',
  ARRAY['+17185550100'], '11111111-1111-4111-8111-111111111111')) AS updated_with_key;
-- a failed update changes nothing
SELECT update_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', :'pool_a',
  ARRAY['+17185550100', 'oops'], '22222222-2222-4222-8222-222222222222') AS failed_update;
SELECT phone_numbers, encrypted_key FROM dialing_pools WHERE id = :'pool_a';
-- someone else's pool, a missing pool, a malformed id
SELECT replace(update_dialing_pool('bbbbbbbb-0000-4000-8000-000000000002', :'pool_a',
  ARRAY['+13105550123'], NULL)::text, :'pool_a', '<pool_a>') AS update_other;
SELECT update_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', 'nope', NULL, 'nope') AS all_wrong;
SELECT phone_numbers FROM dialing_pools WHERE id = :'pool_a';

-- delete: someone else's pool is "not found" and stays
SELECT replace(delete_dialing_pool('bbbbbbbb-0000-4000-8000-000000000002', :'pool_a')::text, :'pool_a', '<pool_a>') AS delete_other;
SELECT count(*) AS still_there FROM dialing_pools WHERE id = :'pool_a';
SELECT pg_temp.masked(delete_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', :'pool_a')) AS deleted;
SELECT replace(delete_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', :'pool_a')::text, :'pool_a', '<pool_a>') AS deleted_twice;
SELECT delete_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', 'zzz') AS malformed;

-- timestamps are UTC whatever the session's TimeZone
SET TimeZone = 'Pacific/Kiritimati';   -- UTC+14
SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', ARRAY['+19175550100'])->'data'->>'id' AS tz_pool \gset
SELECT (get_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', :'tz_pool')->'data'->>'created_at')
     = to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS utc_text,
       pg_temp.masked(get_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', :'tz_pool')) IS NOT NULL AS checked
FROM dialing_pools WHERE id = :'tz_pool';
SET TimeZone = 'Pacific/Pago_Pago';    -- UTC-11
SELECT (get_dialing_pool('aaaaaaaa-0000-4000-8000-000000000001', :'tz_pool')->'data'->>'created_at')
     = to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS utc_text
FROM dialing_pools WHERE id = :'tz_pool';
RESET TimeZone;

-- pool ids are time-ordered
SELECT bool_and(a < b) AS ids_increase
FROM (SELECT (create_dialing_pool('cccccccc-0000-4000-8000-000000000003', ARRAY['+12125550100'])->'data'->>'id')::uuid AS a,
             pg_sleep(0.002) AS s1) x,
     LATERAL (SELECT (create_dialing_pool('cccccccc-0000-4000-8000-000000000003', ARRAY['+12125550101'])->'data'->>'id')::uuid AS b) y;

-- size limits: 10,000 numbers pass, 10,001 fail, the GUC raises the limit
SELECT create_dialing_pool('cccccccc-0000-4000-8000-000000000003',
  (SELECT array_agg('+1212' || lpad(g::text, 7, '0')) FROM generate_series(1, 10000) g))->>'status' AS ten_thousand;
SELECT create_dialing_pool('cccccccc-0000-4000-8000-000000000003',
  (SELECT array_agg('+1212' || lpad(g::text, 7, '0')) FROM generate_series(1, 10001) g))->'errors' AS ten_thousand_one;
SHOW custom_dialing.max_pool_size;
SET custom_dialing.max_pool_size = 100000;
SELECT create_dialing_pool('cccccccc-0000-4000-8000-000000000003',
  (SELECT array_agg('+1' || (2000000000 + g * 79)::text) FROM generate_series(1, 100000) g))->>'status' AS hundred_thousand;
SET custom_dialing.max_pool_size = 0;
SET custom_dialing.max_pool_size = 1000001;
RESET custom_dialing.max_pool_size;
SELECT count(*) AS pools_of_c, max(cardinality(phone_numbers)) AS largest FROM dialing_pools
WHERE owner_id = 'cccccccc-0000-4000-8000-000000000003';
-- an oversized request is answered by its size alone, whatever its elements
SET custom_dialing.max_pool_size = 2;
SELECT create_dialing_pool('cccccccc-0000-4000-8000-000000000003',
  ARRAY['bad', NULL, '+12125550100', '+12125550100'], 'not-a-key')->'errors' AS oversized;
RESET custom_dialing.max_pool_size;

-- in a read-only transaction a request that fails anyway still gets its
-- envelope (nothing is locked or written for it); one that would write
-- fails as any write does there
INSERT INTO twilio_credentials (id, owner_id) VALUES
  ('44444444-4444-4444-8444-444444444444', 'cccccccc-0000-4000-8000-000000000003');
BEGIN TRANSACTION READ ONLY;
SELECT create_dialing_pool('cccccccc-0000-4000-8000-000000000003', ARRAY['oops'],
  '44444444-4444-4444-8444-444444444444')->'errors'->0->>'error' AS read_only_failed_call;
SELECT jsonb_path_query_array(update_dialing_pool('cccccccc-0000-4000-8000-000000000003',
  '01900000-0000-7000-8000-00000000ffff', ARRAY['oops'], '44444444-4444-4444-8444-444444444444'),
  '$.errors[*].error') AS read_only_failed_update;
SELECT create_dialing_pool('cccccccc-0000-4000-8000-000000000003', ARRAY['+12125550100'],
  '44444444-4444-4444-8444-444444444444');
ROLLBACK;

-- leave nothing behind for the next test
DELETE FROM dialing_pools;
DELETE FROM twilio_credentials;
