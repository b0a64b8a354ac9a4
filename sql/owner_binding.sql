-- owner_roles (1.1): a bound role acts only for its owners, in every
-- function that takes an owner or a pool id; two tenants try everything on
-- each other's pools, directly, through SET ROLE and SET SESSION
-- AUTHORIZATION, through SECURITY DEFINER wrappers of their own, and
-- through views.  Another owner's pool answers exactly as a missing one.
SET search_path = custom_dialing, public;

CREATE ROLE regress_tenant_a;
CREATE ROLE regress_tenant_b;
CREATE ROLE regress_tenant_a_app IN ROLE regress_tenant_a;	-- bound through membership
CREATE ROLE regress_unbound;								-- an application vouching for owner_id
CREATE ROLE regress_both;
DO $$
DECLARE f regprocedure;
BEGIN
	FOR f IN SELECT p.oid FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
	         WHERE n.nspname = 'custom_dialing'
	           AND p.proname IN ('create_dialing_pool', 'list_dialing_pools', 'get_dialing_pool',
	                             'update_dialing_pool', 'delete_dialing_pool', 'pick_pool_number',
	                             'explain_pool_pick', 'pool_coverage', 'create_twilio_credentials',
	                             'list_twilio_credentials', 'delete_twilio_credentials',
	                             'set_pool_pacing', 'set_number_status', 'pool_number_health',
	                             'dial_pool_number', 'explain_pool_dial', 'record_call_outcome')
	LOOP
		EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO regress_tenant_a, regress_tenant_b, regress_unbound, regress_both', f);
	END LOOP;
END $$;
-- each tenant may create its own objects in a schema of its own
CREATE SCHEMA regress_a AUTHORIZATION regress_tenant_a;
CREATE SCHEMA regress_b AUTHORIZATION regress_tenant_b;
INSERT INTO owner_roles VALUES
  ('aaaaaaaa-0000-4000-8000-00000000000a', 'regress_tenant_a'),
  ('bbbbbbbb-0000-4000-8000-00000000000b', 'regress_tenant_b'),
  ('aaaaaaaa-0000-4000-8000-00000000000a', 'regress_both'),
  ('bbbbbbbb-0000-4000-8000-00000000000b', 'regress_both');

-- A runs a statement and returns its SQLSTATE and message, with the given
-- ids replaced so answers about different pools can be compared.
CREATE FUNCTION pg_temp.try(q text, VARIADIC ids text[] DEFAULT '{}') RETURNS text
LANGUAGE plpgsql AS $$
DECLARE r text; i text;
BEGIN
	EXECUTE q INTO r;
	r := 'ok ' || coalesce(r, 'NULL');
	FOREACH i IN ARRAY ids LOOP r := replace(r, i, 'ID'); END LOOP;
	RETURN r;
EXCEPTION WHEN OTHERS THEN
	r := SQLSTATE || ' ' || SQLERRM;
	FOREACH i IN ARRAY ids LOOP r := replace(r, i, 'ID'); END LOOP;
	RETURN r;
END $$;
GRANT EXECUTE ON FUNCTION pg_temp.try(text, text[]) TO PUBLIC;

-- each tenant sets itself up through the API alone
SET ROLE regress_tenant_a;
SELECT create_twilio_credentials('aaaaaaaa-0000-4000-8000-00000000000a', 'a')->'data'->>'id' AS ka \gset
SELECT create_dialing_pool('aaaaaaaa-0000-4000-8000-00000000000a', ARRAY['+12125550100', '+13105550100'], :'ka')->'data'->>'id' AS pa \gset
SET ROLE regress_tenant_b;
SELECT create_twilio_credentials('bbbbbbbb-0000-4000-8000-00000000000b', 'b')->'data'->>'id' AS kb \gset
SELECT create_dialing_pool('bbbbbbbb-0000-4000-8000-00000000000b', ARRAY['+14155550100'], :'kb')->'data'->>'id' AS pb \gset
-- the binding table is the administrators'
SELECT count(*) FROM owner_roles;
INSERT INTO owner_roles VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'regress_tenant_b');
RESET ROLE;
\set missing '00000000-0000-4000-8000-000000000000'
\set A 'aaaaaaaa-0000-4000-8000-00000000000a'
\set B 'bbbbbbbb-0000-4000-8000-00000000000b'

-- ---------- B tries every function on A ----------
SET ROLE regress_tenant_b;
SELECT t AS call, pg_temp.try(q) AS answer FROM (VALUES
  ('create_dialing_pool', format('SELECT create_dialing_pool(%L, ARRAY[''+12125550100''])', :'A')),
  ('create_dialing_pool uuid key', format('SELECT create_dialing_pool(%L, ARRAY[''+12125550100''], %L::uuid)', :'A', :'ka')),
  ('list_dialing_pools', format('SELECT list_dialing_pools(%L)', :'A')),
  ('get_dialing_pool', format('SELECT get_dialing_pool(%L, %L)', :'A', :'pa')),
  ('get_dialing_pool uuid', format('SELECT get_dialing_pool(%L, %L::uuid)', :'A', :'pa')),
  ('update_dialing_pool', format('SELECT update_dialing_pool(%L, %L, ARRAY[''+12125550100''], NULL)', :'A', :'pa')),
  ('update_dialing_pool uuid', format('SELECT update_dialing_pool(%L, %L::uuid, ARRAY[''+12125550100''], %L::uuid)', :'A', :'pa', :'ka')),
  ('delete_dialing_pool', format('SELECT delete_dialing_pool(%L, %L)', :'A', :'pa')),
  ('delete_dialing_pool uuid', format('SELECT delete_dialing_pool(%L, %L::uuid)', :'A', :'pa')),
  ('create_twilio_credentials', format('SELECT create_twilio_credentials(%L, ''x'')', :'A')),
  ('list_twilio_credentials', format('SELECT list_twilio_credentials(%L)', :'A')),
  ('delete_twilio_credentials', format('SELECT delete_twilio_credentials(%L, %L)', :'A', :'ka')),
  ('set_pool_pacing', format('SELECT set_pool_pacing(%L, %L, 5, 10)', :'A', :'pa')),
  ('set_number_status', format('SELECT set_number_status(%L, %L, ''+12125550100'', ''resting'')', :'A', :'pa')),
  ('pool_number_health', format('SELECT pool_number_health(%L, %L)', :'A', :'pa')),
  ('malformed arguments too', format('SELECT get_dialing_pool(%L, ''junk'')', :'A'))
) AS c(t, q);
-- 42501 comes before anything else, NULL owner_id aside
SELECT pg_temp.try('SELECT get_dialing_pool(NULL, ''junk'')') AS null_owner;
-- with its own owner_id, A's pool and credentials answer as missing ones
SELECT t AS call, pg_temp.try(q, :'pa', :'missing') AS foreign_pool, pg_temp.try(m, :'pa', :'missing') AS missing_pool,
       pg_temp.try(q, :'pa', :'missing') = pg_temp.try(m, :'pa', :'missing') AS same
FROM (VALUES
  ('get', format('SELECT get_dialing_pool(%L, %L)', :'B', :'pa'), format('SELECT get_dialing_pool(%L, %L)', :'B', :'missing')),
  ('get uuid', format('SELECT get_dialing_pool(%L, %L::uuid)', :'B', :'pa'), format('SELECT get_dialing_pool(%L, %L::uuid)', :'B', :'missing')),
  ('update', format('SELECT update_dialing_pool(%L, %L, ARRAY[''+1''], NULL)', :'B', :'pa'), format('SELECT update_dialing_pool(%L, %L, ARRAY[''+1''], NULL)', :'B', :'missing')),
  ('delete', format('SELECT delete_dialing_pool(%L, %L)', :'B', :'pa'), format('SELECT delete_dialing_pool(%L, %L)', :'B', :'missing')),
  ('pick', format('SELECT pick_pool_number(%L, ''+12125550199'')', :'pa'), format('SELECT pick_pool_number(%L, ''+12125550199'')', :'missing')),
  ('explain', format('SELECT explain_pool_pick(%L, ''+12125550199'')', :'pa'), format('SELECT explain_pool_pick(%L, ''+12125550199'')', :'missing')),
  ('coverage', format('SELECT count(*) FROM pool_coverage(%L)', :'pa'), format('SELECT count(*) FROM pool_coverage(%L)', :'missing')),
  ('pacing', format('SELECT set_pool_pacing(%L, %L, 5, 10)', :'B', :'pa'), format('SELECT set_pool_pacing(%L, %L, 5, 10)', :'B', :'missing')),
  ('status', format('SELECT set_number_status(%L, %L, ''+12125550100'', ''active'')', :'B', :'pa'), format('SELECT set_number_status(%L, %L, ''+12125550100'', ''active'')', :'B', :'missing')),
  ('health', format('SELECT pool_number_health(%L, %L)', :'B', :'pa'), format('SELECT pool_number_health(%L, %L)', :'B', :'missing')),
  ('dial', format('SELECT dial_pool_number(%L, ''+12125550199'')', :'pa'), format('SELECT dial_pool_number(%L, ''+12125550199'')', :'missing')),
  ('explain dial', format('SELECT explain_pool_dial(%L, ''+12125550199'')', :'pa'), format('SELECT explain_pool_dial(%L, ''+12125550199'')', :'missing')),
  ('outcome', format('SELECT record_call_outcome(%L, ''+12125550100'', ''+12125550199'', ''answered'')', :'pa'),
              format('SELECT record_call_outcome(%L, ''+12125550100'', ''+12125550199'', ''answered'')', :'missing'))
) AS c(t, q, m);
-- and nothing of A's pool changed: no pacing, no status, no call, no outcome
RESET ROLE;
SELECT (SELECT count(*) FROM pool_pacing WHERE pool_id = :'pa') AS a_pacing,
       (SELECT count(*) FROM pool_number_status WHERE pool_id = :'pa') AS a_statuses,
       (SELECT count(*) FROM pool_calls WHERE pool_id = :'pa') AS a_calls,
       (SELECT count(*) FROM pool_call_outcomes WHERE pool_id = :'pa') AS a_outcomes;
SET ROLE regress_tenant_b;
SELECT t AS call, pg_temp.try(q, :'ka', :'missing') AS foreign_key, pg_temp.try(m, :'ka', :'missing') AS missing_key
FROM (VALUES
  ('create with A''s key', format('SELECT create_dialing_pool(%L, ARRAY[''+14155550101''], %L)', :'B', :'ka'),
                           format('SELECT create_dialing_pool(%L, ARRAY[''+14155550101''], %L)', :'B', :'missing')),
  ('delete A''s key', format('SELECT delete_twilio_credentials(%L, %L)', :'B', :'ka'),
                      format('SELECT delete_twilio_credentials(%L, %L)', :'B', :'missing'))
) AS c(t, q, m);
-- B's own work goes on
SELECT pick_pool_number(:'pb', '+12125550199') AS b_picks_own,
       list_dialing_pools(:'B')->'data' @> jsonb_build_array(jsonb_build_object('id', :'pb')) AS b_lists_own;
RESET ROLE;

-- ---------- A, and a member of A's role, act for A alone ----------
-- A runs the pacing functions on its own pool without any table privilege
SET ROLE regress_tenant_a;
SELECT set_pool_pacing(:'A', :'pa', 1, 10)->'data'->'pacing' AS a_sets_pacing;
SELECT dial_pool_number(:'pa', '+12125550199', '2026-07-01 14:00+00') AS a_dials;
SELECT dial_pool_number(:'pa', '+12125550198', '2026-07-01 14:01+00') AS a_dials_again;
SELECT e->>'number' AS a_explains, jsonb_array_length(e->'skipped') AS skipped_capped
FROM explain_pool_dial(:'pa', '+12125550197', '2026-07-01 14:02+00') AS e;
SELECT pg_typeof(record_call_outcome(:'pa', '+12125550100', '+12125550199', 'answered', '2026-07-01 14:03+00')) AS a_records;
SELECT n->>'phone_number' AS number, n->>'calls_last_hour' AS calls, n->>'outcomes_7d' AS outcomes
FROM jsonb_array_elements(pool_number_health(:'A', :'pa', '2026-07-01 14:05+00')->'data'->'numbers') AS n;
SELECT set_number_status(:'A', :'pa', '+13105550100', 'resting')->>'status' AS a_rests;
SELECT set_pool_pacing(:'A', :'pa', NULL, NULL)->>'status' AS a_uncaps,
       set_number_status(:'A', :'pa', '+13105550100', 'active')->>'status' AS a_activates;
RESET ROLE;
SET ROLE regress_tenant_a_app;
SELECT pick_pool_number(:'pa', '+16465550199') AS app_of_a_picks,
       get_dialing_pool(:'A', :'pa')->>'status' AS app_of_a_gets;
SELECT pg_temp.try(format('SELECT pick_pool_number(%L, ''+14155550199'')', :'pb'), :'pb') AS app_of_a_on_b;
SELECT pg_temp.try(format('SELECT list_dialing_pools(%L)', :'B')) AS app_of_a_lists_b;
RESET ROLE;
-- a role bound to both owners acts for both; an unbound role for any (as in 1.0); superusers always
SET ROLE regress_both;
SELECT pick_pool_number(:'pa', '+12125550199') AS both_a, pick_pool_number(:'pb', '+12125550199') AS both_b;
SET ROLE regress_unbound;
SELECT pick_pool_number(:'pa', '+12125550199') AS unbound_a, pick_pool_number(:'pb', '+12125550199') AS unbound_b,
       list_dialing_pools('cccccccc-0000-4000-8000-00000000000c')->>'status' AS unbound_any_owner;
RESET ROLE;
INSERT INTO owner_roles VALUES ('cccccccc-0000-4000-8000-00000000000c', current_user);
SELECT pick_pool_number(:'pa', '+12125550199') AS superuser_a, pick_pool_number(:'pb', '+12125550199') AS superuser_b;
DELETE FROM owner_roles WHERE role_name = current_user;

-- ---------- switching roles in one session: the memo follows the role ----------
SET ROLE regress_tenant_a;
SELECT pick_pool_number(:'pa', '+12125550199') AS as_a;
SET ROLE regress_tenant_b;
SELECT pg_temp.try(format('SELECT pick_pool_number(%L, ''+12125550199'')', :'pa'), :'pa') AS as_b;
SET ROLE regress_tenant_a;
SELECT pick_pool_number(:'pa', '+12125550199') AS as_a_again;
RESET ROLE;
SET SESSION AUTHORIZATION regress_tenant_b;
SELECT current_user, pg_temp.try(format('SELECT pick_pool_number(%L, ''+12125550199'')', :'pa'), :'pa') AS session_b;
RESET SESSION AUTHORIZATION;
-- the same prepared statement, run by each role
PREPARE pick_a AS SELECT pick_pool_number(:'pa', '+12125550199');
SET ROLE regress_tenant_a;
EXECUTE pick_a;
SET ROLE regress_tenant_b;
\set VERBOSITY sqlstate
EXECUTE pick_a;
\set VERBOSITY default
RESET ROLE;
EXECUTE pick_a;
DEALLOCATE pick_a;

-- ---------- SECURITY DEFINER wrappers run as their owner ----------
SET ROLE regress_tenant_b;
CREATE FUNCTION regress_b.pick(p uuid) RETURNS text LANGUAGE sql SECURITY DEFINER
  AS 'SELECT custom_dialing.pick_pool_number(p, ''+12125550199'')';
CREATE FUNCTION regress_b.get(o uuid, p uuid) RETURNS jsonb LANGUAGE sql SECURITY DEFINER
  AS 'SELECT custom_dialing.get_dialing_pool(o, p)';
GRANT EXECUTE ON FUNCTION regress_b.pick(uuid), regress_b.get(uuid, uuid) TO PUBLIC;
GRANT USAGE ON SCHEMA regress_b TO PUBLIC;
-- B's own wrapper gains B nothing
SELECT pg_temp.try(format('SELECT regress_b.pick(%L)', :'pa'), :'pa') AS b_wrapper_on_a;
SELECT pg_temp.try(format('SELECT regress_b.get(%L, %L)', :'A', :'pa')) AS b_wrapper_get_a;
RESET ROLE;
-- nor does anyone calling it: it runs as B, even for a superuser or for A
SELECT pg_temp.try(format('SELECT regress_b.pick(%L)', :'pa'), :'pa') AS superuser_via_b;
SET ROLE regress_tenant_a;
SELECT pg_temp.try(format('SELECT regress_b.pick(%L)', :'pa'), :'pa') AS a_via_b;
-- A's wrapper, granted to B, acts for A: the role calling our function decides
CREATE FUNCTION regress_a.pick(p uuid) RETURNS text LANGUAGE sql SECURITY DEFINER
  AS 'SELECT custom_dialing.pick_pool_number(p, ''+12125550199'')';
GRANT USAGE ON SCHEMA regress_a TO regress_tenant_b;
GRANT EXECUTE ON FUNCTION regress_a.pick(uuid) TO regress_tenant_b;
SET ROLE regress_tenant_b;
SELECT regress_a.pick(:'pa') AS b_via_a_wrapper_on_a;
SELECT pg_temp.try(format('SELECT regress_a.pick(%L)', :'pb'), :'pb') AS b_via_a_wrapper_on_b;
RESET ROLE;

-- ---------- views: the function runs as whoever queries ----------
SET ROLE regress_tenant_b;
CREATE VIEW regress_b.peek AS
  SELECT pick_pool_number(p, '+12125550199') AS number FROM (VALUES (:'pa'::uuid)) v(p);
CREATE VIEW regress_b.coverage AS SELECT * FROM pool_coverage(:'pa'::uuid);
GRANT SELECT ON regress_b.peek, regress_b.coverage TO PUBLIC;
SELECT pg_temp.try('SELECT number FROM regress_b.peek', :'pa') AS b_view;
SELECT pg_temp.try('SELECT count(*) FROM regress_b.coverage', :'pa') AS b_coverage_view;
SET ROLE regress_tenant_a;
SELECT number AS a_through_b_view FROM regress_b.peek;
RESET ROLE;

-- ---------- parallel workers check the leader's current user ----------
CREATE TABLE regress_callees AS SELECT '+12125550199'::us_e164 AS callee FROM generate_series(1, 100);
GRANT SELECT ON regress_callees TO PUBLIC;
SET force_parallel_mode = on;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET ROLE regress_tenant_a;
EXPLAIN (COSTS OFF) SELECT count(pick_pool_number(:'pa', callee)) FROM regress_callees;
SELECT count(pick_pool_number(:'pa', callee)) AS a_in_workers FROM regress_callees;
SET ROLE regress_tenant_b;
\set VERBOSITY sqlstate
SELECT count(pick_pool_number(:'pa', callee)) AS b_in_workers FROM regress_callees;
\set VERBOSITY default
RESET ROLE;
RESET force_parallel_mode;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
DROP TABLE regress_callees;

-- ---------- changes to bindings and roles take effect at once ----------
SET ROLE regress_tenant_b;
SELECT pg_temp.try(format('SELECT pick_pool_number(%L, ''+12125550199'')', :'pa'), :'pa') AS bound;
RESET ROLE;
DELETE FROM owner_roles WHERE role_name = 'regress_tenant_b';
SET ROLE regress_tenant_b;
SELECT pg_temp.try(format('SELECT pick_pool_number(%L, ''+12125550199'')', :'pa'), :'pa') AS unbound_again;
RESET ROLE;
INSERT INTO owner_roles VALUES ('bbbbbbbb-0000-4000-8000-00000000000b', 'regress_tenant_b');
SET ROLE regress_tenant_b;
SELECT pg_temp.try(format('SELECT pick_pool_number(%L, ''+12125550199'')', :'pa'), :'pa') AS bound_again;
RESET ROLE;
-- membership: granting a bound role binds; revoking unbinds
GRANT regress_tenant_b TO regress_unbound;
SET ROLE regress_unbound;
SELECT pg_temp.try(format('SELECT pick_pool_number(%L, ''+12125550199'')', :'pa'), :'pa') AS member_of_b;
RESET ROLE;
REVOKE regress_tenant_b FROM regress_unbound;
SET ROLE regress_unbound;
SELECT pg_temp.try(format('SELECT pick_pool_number(%L, ''+12125550199'')', :'pa'), :'pa') AS no_longer;
RESET ROLE;
-- the binding follows the role's name
ALTER ROLE regress_tenant_b RENAME TO regress_tenant_b2;
SET ROLE regress_tenant_b2;
SELECT pg_temp.try(format('SELECT pick_pool_number(%L, ''+12125550199'')', :'pa'), :'pa') AS renamed_unbound;
RESET ROLE;
ALTER ROLE regress_tenant_b2 RENAME TO regress_tenant_b;
SET ROLE regress_tenant_b;
SELECT pg_temp.try(format('SELECT pick_pool_number(%L, ''+12125550199'')', :'pa'), :'pa') AS renamed_back;
RESET ROLE;
-- TRUNCATE unbinds everyone
BEGIN;
TRUNCATE owner_roles;
SET LOCAL ROLE regress_tenant_b;
SELECT pg_temp.try(format('SELECT pick_pool_number(%L, ''+12125550199'')', :'pa'), :'pa') AS truncated;
ROLLBACK;

-- clean up
DROP SCHEMA regress_a CASCADE;
DROP SCHEMA regress_b CASCADE;
SELECT delete_dialing_pool(:'A', :'pa')->>'status', delete_dialing_pool(:'B', :'pb')->>'status';
DELETE FROM dialing_pools;
DELETE FROM twilio_credentials;
DELETE FROM owner_roles;
DO $$
DECLARE f regprocedure;
BEGIN
	FOR f IN SELECT p.oid FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
	         WHERE n.nspname = 'custom_dialing'
	LOOP
		EXECUTE format('REVOKE ALL ON FUNCTION %s FROM regress_tenant_a, regress_tenant_b, regress_unbound, regress_both', f);
	END LOOP;
END $$;
DROP ROLE regress_tenant_a_app, regress_tenant_a, regress_tenant_b, regress_unbound, regress_both;
