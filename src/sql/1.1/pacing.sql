/* src/sql/1.1/pacing.sql - pacing and number health (new in 1.1) */

/*
 * Per-number caps, statuses, call history and outcomes.  Four user-data
 * tables, dumped by pg_dump.  None has a foreign key to dialing_pools: a
 * dial must not lock the pool row (a KEY SHARE lock from every dial would
 * write multixacts into it); a row trigger on dialing_pools removes a
 * deleted pool's rows instead.  History is keyed by pool and number, not
 * by position in the pool, so removing a number and adding it back keeps
 * its counts.
 */
CREATE TABLE @extschema@.pool_pacing (
	pool_id uuid PRIMARY KEY,
	max_calls_per_hour pg_catalog.int4
		CONSTRAINT pool_pacing_hour_range CHECK (max_calls_per_hour BETWEEN 1 AND 1000000),
	max_calls_per_day pg_catalog.int4
		CONSTRAINT pool_pacing_day_range CHECK (max_calls_per_day BETWEEN 1 AND 1000000),
	updated_at pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE @extschema@.pool_pacing IS
'Per-number call caps of a dialing pool (set_pool_pacing); a pool without a row has no caps';
COMMENT ON COLUMN @extschema@.pool_pacing.pool_id IS 'The pool (dialing_pools.id)';
COMMENT ON COLUMN @extschema@.pool_pacing.max_calls_per_hour IS 'Most calls one number may place in any rolling hour; NULL: no cap';
COMMENT ON COLUMN @extschema@.pool_pacing.max_calls_per_day IS 'Most calls one number may place in any rolling 24 hours; NULL: no cap';
COMMENT ON COLUMN @extschema@.pool_pacing.updated_at IS 'When the caps were last set';
COMMENT ON INDEX @extschema@.pool_pacing_pkey IS 'One row of caps per pool';
COMMENT ON CONSTRAINT pool_pacing_hour_range ON @extschema@.pool_pacing IS 'A cap is 1 to 1,000,000 calls';
COMMENT ON CONSTRAINT pool_pacing_day_range ON @extschema@.pool_pacing IS 'A cap is 1 to 1,000,000 calls';

CREATE TABLE @extschema@.pool_number_status (
	pool_id uuid NOT NULL,
	phone_number @extschema@.us_e164 COLLATE pg_catalog."C" NOT NULL,
	status pg_catalog.text NOT NULL
		CONSTRAINT pool_number_status_status_check
		CHECK (status OPERATOR(pg_catalog.=) ANY ('{active,resting}'::pg_catalog.text[])),
	resting_until pg_catalog.timestamptz,
	reason pg_catalog.text,
	updated_at pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT pool_number_status_pkey PRIMARY KEY (pool_id, phone_number)
);
COMMENT ON TABLE @extschema@.pool_number_status IS
'Status of a pool''s number (set_number_status, flagged outcomes); a number without a row is active';
COMMENT ON COLUMN @extschema@.pool_number_status.pool_id IS 'The pool (dialing_pools.id)';
COMMENT ON COLUMN @extschema@.pool_number_status.phone_number IS 'The number; kept when the number leaves the pool and comes back';
COMMENT ON COLUMN @extschema@.pool_number_status.status IS 'active, or resting (not dialed until resting_until)';
COMMENT ON COLUMN @extschema@.pool_number_status.resting_until IS 'End of the rest; NULL: until set active again';
COMMENT ON COLUMN @extschema@.pool_number_status.reason IS 'Why the status was set (free text; "flagged" for a flagged outcome)';
COMMENT ON COLUMN @extschema@.pool_number_status.updated_at IS 'When the status was last set';
COMMENT ON CONSTRAINT pool_number_status_status_check ON @extschema@.pool_number_status IS 'active or resting';
COMMENT ON INDEX @extschema@.pool_number_status_pkey IS 'One status per number of a pool';

CREATE TABLE @extschema@.pool_calls (
	pool_id uuid NOT NULL,
	phone_number @extschema@.us_e164 COLLATE pg_catalog."C" NOT NULL,
	callee @extschema@.us_e164 NOT NULL,
	at pg_catalog.timestamptz NOT NULL
);
CREATE INDEX pool_calls_number_at_idx
	ON @extschema@.pool_calls (pool_id, phone_number, at);
CREATE INDEX pool_calls_at_idx
	ON @extschema@.pool_calls (at);
COMMENT ON TABLE @extschema@.pool_calls IS
'One row per call dial_pool_number placed: what the caps count; rows older than 8 days are removed by later calls';
COMMENT ON COLUMN @extschema@.pool_calls.pool_id IS 'The pool dialed from';
COMMENT ON COLUMN @extschema@.pool_calls.phone_number IS 'The number presented as caller ID';
COMMENT ON COLUMN @extschema@.pool_calls.callee IS 'The number called';
COMMENT ON COLUMN @extschema@.pool_calls.at IS 'When the call was placed (dial_pool_number''s "at")';
COMMENT ON INDEX @extschema@.pool_calls_number_at_idx IS 'Serves the cap counts of one number (a range of at)';
COMMENT ON INDEX @extschema@.pool_calls_at_idx IS 'Serves the removal of calls older than 8 days';

CREATE TABLE @extschema@.pool_call_outcomes (
	pool_id uuid NOT NULL,
	phone_number @extschema@.us_e164 COLLATE pg_catalog."C" NOT NULL,
	callee @extschema@.us_e164 NOT NULL,
	outcome pg_catalog.text NOT NULL
		CONSTRAINT pool_call_outcomes_outcome_check
		CHECK (outcome OPERATOR(pg_catalog.=) ANY ('{answered,no_answer,busy,voicemail,failed,flagged}'::pg_catalog.text[])),
	at pg_catalog.timestamptz NOT NULL
);
CREATE INDEX pool_call_outcomes_number_at_idx
	ON @extschema@.pool_call_outcomes (pool_id, phone_number, at);
CREATE INDEX pool_call_outcomes_at_idx
	ON @extschema@.pool_call_outcomes (at);
COMMENT ON TABLE @extschema@.pool_call_outcomes IS
'Outcomes of calls (record_call_outcome), for pool_number_health; rows older than 8 days are removed by later outcomes';
COMMENT ON COLUMN @extschema@.pool_call_outcomes.pool_id IS 'The pool dialed from';
COMMENT ON COLUMN @extschema@.pool_call_outcomes.phone_number IS 'The number presented as caller ID';
COMMENT ON COLUMN @extschema@.pool_call_outcomes.callee IS 'The number called';
COMMENT ON COLUMN @extschema@.pool_call_outcomes.outcome IS 'answered, no_answer, busy, voicemail, failed or flagged (reported as labelled spam)';
COMMENT ON COLUMN @extschema@.pool_call_outcomes.at IS 'When the outcome was recorded';
COMMENT ON CONSTRAINT pool_call_outcomes_outcome_check ON @extschema@.pool_call_outcomes IS 'One of the six outcomes';
COMMENT ON INDEX @extschema@.pool_call_outcomes_number_at_idx IS 'Serves the health report of one pool';
COMMENT ON INDEX @extschema@.pool_call_outcomes_at_idx IS 'Serves the removal of outcomes older than 8 days';

SELECT pg_catalog.pg_extension_config_dump('@extschema@.pool_pacing', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.pool_number_status', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.pool_calls', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.pool_call_outcomes', '');

/*
 * Caps and statuses change routing: like pool changes, they reach every
 * session's cache through a relcache invalidation.  Call history does not:
 * a dial invalidates nothing.
 */
CREATE TRIGGER pool_pacing_invalidate_cache
	AFTER INSERT OR UPDATE OR DELETE ON @extschema@.pool_pacing
	FOR EACH ROW EXECUTE FUNCTION @extschema@.invalidate_routing_cache();
CREATE TRIGGER pool_pacing_invalidate_cache_truncate
	AFTER TRUNCATE ON @extschema@.pool_pacing
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.invalidate_routing_cache();
CREATE TRIGGER pool_number_status_invalidate_cache
	AFTER INSERT OR UPDATE OR DELETE ON @extschema@.pool_number_status
	FOR EACH ROW EXECUTE FUNCTION @extschema@.invalidate_routing_cache();
CREATE TRIGGER pool_number_status_invalidate_cache_truncate
	AFTER TRUNCATE ON @extschema@.pool_number_status
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.invalidate_routing_cache();
ALTER TABLE @extschema@.pool_pacing ENABLE ALWAYS TRIGGER pool_pacing_invalidate_cache;
ALTER TABLE @extschema@.pool_pacing ENABLE ALWAYS TRIGGER pool_pacing_invalidate_cache_truncate;
ALTER TABLE @extschema@.pool_number_status ENABLE ALWAYS TRIGGER pool_number_status_invalidate_cache;
ALTER TABLE @extschema@.pool_number_status ENABLE ALWAYS TRIGGER pool_number_status_invalidate_cache_truncate;
COMMENT ON TRIGGER pool_pacing_invalidate_cache ON @extschema@.pool_pacing IS
'Tells every session''s dialing cache that caps changed';
COMMENT ON TRIGGER pool_pacing_invalidate_cache_truncate ON @extschema@.pool_pacing IS
'Tells every session''s dialing cache that caps changed';
COMMENT ON TRIGGER pool_number_status_invalidate_cache ON @extschema@.pool_number_status IS
'Tells every session''s dialing cache that a number''s status changed';
COMMENT ON TRIGGER pool_number_status_invalidate_cache_truncate ON @extschema@.pool_number_status IS
'Tells every session''s dialing cache that a number''s status changed';

CREATE FUNCTION @extschema@.pool_forget()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
	DELETE FROM @extschema@.pool_pacing WHERE pool_id OPERATOR(pg_catalog.=) OLD.id;
	DELETE FROM @extschema@.pool_number_status WHERE pool_id OPERATOR(pg_catalog.=) OLD.id;
	DELETE FROM @extschema@.pool_calls WHERE pool_id OPERATOR(pg_catalog.=) OLD.id;
	DELETE FROM @extschema@.pool_call_outcomes WHERE pool_id OPERATOR(pg_catalog.=) OLD.id;
	RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION @extschema@.pool_forget() IS
'Trigger: a deleted pool''s caps, statuses, calls and outcomes go with it';
CREATE TRIGGER dialing_pools_forget
	AFTER DELETE ON @extschema@.dialing_pools
	FOR EACH ROW EXECUTE FUNCTION @extschema@.pool_forget();
COMMENT ON TRIGGER dialing_pools_forget ON @extschema@.dialing_pools IS
'Removes a deleted pool''s caps, statuses, calls and outcomes';

CREATE FUNCTION @extschema@.pool_pacing_json(pool_id uuid)
RETURNS pg_catalog.jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
SELECT pg_catalog.jsonb_build_object('max_calls_per_hour', pp.max_calls_per_hour,
                                     'max_calls_per_day', pp.max_calls_per_day)
  FROM (SELECT) AS one
  LEFT JOIN @extschema@.pool_pacing AS pp ON pp.pool_id OPERATOR(pg_catalog.=) $1
$fn$;
COMMENT ON FUNCTION @extschema@.pool_pacing_json(uuid) IS
'The "pacing" object of a pool: {"max_calls_per_hour", "max_calls_per_day"}, nulls for no cap';

------------------------------------------------------------------------
-- Dialing
------------------------------------------------------------------------

/*
 * SECURITY INVOKER, like pick_pool_number: owner_roles is checked for the
 * calling role, and the C code reads and writes the tables as the
 * extension's owner.  No SET clause: hot path, every name is qualified.
 */
CREATE FUNCTION @extschema@.dial_pool_number(pool_id uuid, callee @extschema@.us_e164,
	at pg_catalog.timestamptz DEFAULT pg_catalog.now())
RETURNS @extschema@.us_e164
AS 'MODULE_PATHNAME', 'dial_pool_number'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.dial_pool_number(uuid, @extschema@.us_e164, pg_catalog.timestamptz) IS
'The pool number to present when calling callee at "at", among the numbers neither resting nor at a cap (tiers of pick_pool_number''s ladder), and records the call in the caller''s transaction; NULL when none is available';

CREATE FUNCTION @extschema@.explain_pool_dial(pool_id uuid, callee @extschema@.us_e164,
	at pg_catalog.timestamptz DEFAULT pg_catalog.now())
RETURNS pg_catalog.jsonb
AS 'MODULE_PATHNAME', 'explain_pool_dial'
LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION @extschema@.explain_pool_dial(uuid, @extschema@.us_e164, pg_catalog.timestamptz) IS
'The decision dial_pool_number would make, without recording anything: number, rule, tier_distance_km, candidates, and the better numbers skipped (resting, hourly_cap, daily_cap) with until when';

------------------------------------------------------------------------
-- Settings, outcomes and health
------------------------------------------------------------------------

/*
 * The health of every number of a pool at "at", and per area code: the data
 * of pool_number_health and, for one number, of set_number_status.  Counts
 * are of committed calls; "available" means neither resting nor at a cap.
 */
CREATE FUNCTION @extschema@.pool_number_health_data(pool_id uuid, at pg_catalog.timestamptz)
RETURNS pg_catalog.jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
WITH pool AS (
	SELECT p.id, p.phone_numbers,
	       pp.max_calls_per_hour AS cap_h, pp.max_calls_per_day AS cap_d
	  FROM @extschema@.dialing_pools AS p
	  LEFT JOIN @extschema@.pool_pacing AS pp ON pp.pool_id OPERATOR(pg_catalog.=) p.id
	 WHERE p.id OPERATOR(pg_catalog.=) $1
), nums AS (
	SELECT u.n::pg_catalog.text COLLATE pg_catalog."C" AS phone_number, u.ord
	  FROM pool, pg_catalog.unnest(pool.phone_numbers) WITH ORDINALITY AS u(n, ord)
), calls AS (
	SELECT c.phone_number::pg_catalog.text COLLATE pg_catalog."C" AS phone_number,
	       pg_catalog.count(*) FILTER (WHERE c.at OPERATOR(pg_catalog.>) ($2 OPERATOR(pg_catalog.-) interval '1 hour')) AS h,
	       pg_catalog.count(*) FILTER (WHERE c.at OPERATOR(pg_catalog.>) ($2 OPERATOR(pg_catalog.-) interval '24 hours')) AS d,
	       pg_catalog.count(*) FILTER (WHERE c.at OPERATOR(pg_catalog.>) ($2 OPERATOR(pg_catalog.-) interval '7 days')) AS w,
	       pg_catalog.max(c.at) AS last_at
	  FROM @extschema@.pool_calls AS c
	 WHERE c.pool_id OPERATOR(pg_catalog.=) $1 AND c.at OPERATOR(pg_catalog.<=) $2
	 GROUP BY 1
), outs AS (
	SELECT o.phone_number::pg_catalog.text COLLATE pg_catalog."C" AS phone_number,
	       pg_catalog.count(*) AS n,
	       pg_catalog.count(*) FILTER (WHERE o.outcome OPERATOR(pg_catalog.=) 'answered') AS answered,
	       pg_catalog.count(*) FILTER (WHERE o.outcome OPERATOR(pg_catalog.=) 'flagged') AS flagged
	  FROM @extschema@.pool_call_outcomes AS o
	 WHERE o.pool_id OPERATOR(pg_catalog.=) $1
	   AND o.at OPERATOR(pg_catalog.>) ($2 OPERATOR(pg_catalog.-) interval '7 days')
	   AND o.at OPERATOR(pg_catalog.<=) $2
	 GROUP BY 1
), per AS (
	SELECT nums.ord, nums.phone_number,
	       pg_catalog.substr(nums.phone_number, 3, 3) AS area_code,
	       COALESCE(s.status OPERATOR(pg_catalog.=) 'resting'
	                AND (s.resting_until IS NULL OR s.resting_until OPERATOR(pg_catalog.>) $2), false) AS resting,
	       s.resting_until, s.reason,
	       COALESCE(calls.h, 0) AS h, COALESCE(calls.d, 0) AS d, COALESCE(calls.w, 0) AS w,
	       calls.last_at,
	       COALESCE(outs.n, 0) AS o_n, COALESCE(outs.answered, 0) AS o_a,
	       COALESCE(outs.flagged, 0) AS o_f,
	       pool.cap_h, pool.cap_d
	  FROM nums CROSS JOIN pool
	  LEFT JOIN @extschema@.pool_number_status AS s
	         ON s.pool_id OPERATOR(pg_catalog.=) $1
	        AND s.phone_number::pg_catalog.text OPERATOR(pg_catalog.=) nums.phone_number
	  LEFT JOIN calls ON calls.phone_number OPERATOR(pg_catalog.=) nums.phone_number
	  LEFT JOIN outs ON outs.phone_number OPERATOR(pg_catalog.=) nums.phone_number
), rated AS (
	SELECT per.*,
	       NOT per.resting
	       AND (per.cap_h IS NULL OR per.h OPERATOR(pg_catalog.<) per.cap_h)
	       AND (per.cap_d IS NULL OR per.d OPERATOR(pg_catalog.<) per.cap_d) AS available,
	       -- the answer rate of the rest of the pool
	       (pg_catalog.sum(per.o_a) OVER () OPERATOR(pg_catalog.-) per.o_a)::pg_catalog.float8
	         OPERATOR(pg_catalog./)
	       NULLIF(pg_catalog.sum(per.o_n) OVER () OPERATOR(pg_catalog.-) per.o_n, 0)::pg_catalog.float8 AS rest_rate
	  FROM per
)
SELECT pg_catalog.jsonb_build_object(
	'pacing', (SELECT pg_catalog.jsonb_build_object('max_calls_per_hour', cap_h, 'max_calls_per_day', cap_d) FROM pool),
	'numbers', COALESCE((
		SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
			'phone_number', r.phone_number,
			'area_code', r.area_code,
			'status', CASE WHEN r.resting THEN 'resting' ELSE 'active' END,
			'resting_until', CASE WHEN r.resting THEN pg_catalog.to_char(pg_catalog.timezone('UTC', r.resting_until), 'YYYY-MM-DD"T"HH24:MI:SS"Z"') END,
			'reason', r.reason,
			'calls_last_hour', r.h,
			'calls_last_24h', r.d,
			'calls_7d', r.w,
			'outcomes_7d', r.o_n,
			'answered_7d', r.o_a,
			'answer_rate_7d', CASE WHEN r.o_n OPERATOR(pg_catalog.>) 0
				THEN pg_catalog.round(r.o_a::pg_catalog.numeric OPERATOR(pg_catalog./) r.o_n, 4) END,
			'flagged_7d', r.o_f,
			'last_call_at', pg_catalog.to_char(pg_catalog.timezone('UTC', r.last_at), 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
			'warning', CASE WHEN r.o_n OPERATOR(pg_catalog.>=) 50 AND r.rest_rate IS NOT NULL
				AND (r.o_a::pg_catalog.float8 OPERATOR(pg_catalog./) r.o_n) OPERATOR(pg_catalog.<) (r.rest_rate OPERATOR(pg_catalog./) 2)
				THEN pg_catalog.format('%s answered %s%% of its %s calls with an outcome in 7 days, less than half the %s%% of the rest of the pool: it may be labelled as spam; consider resting it',
					r.phone_number,
					pg_catalog.round((100 OPERATOR(pg_catalog.*) r.o_a::pg_catalog.numeric) OPERATOR(pg_catalog./) r.o_n, 1),
					r.o_n,
					pg_catalog.round((100 OPERATOR(pg_catalog.*) r.rest_rate)::pg_catalog.numeric, 1)) END)
			ORDER BY r.ord)
		  FROM rated AS r), '[]'),
	'area_codes', COALESCE((
		SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
			'area_code', a.area_code, 'numbers', a.numbers, 'available', a.available,
			'calls_left_24h', a.left_24h) ORDER BY a.area_code)
		  FROM (SELECT r.area_code, pg_catalog.count(*) AS numbers,
		               pg_catalog.count(*) FILTER (WHERE r.available) AS available,
		               CASE WHEN pg_catalog.max(r.cap_d) IS NOT NULL THEN
		                 COALESCE(pg_catalog.sum(GREATEST(r.cap_d OPERATOR(pg_catalog.-) r.d, 0))
		                          FILTER (WHERE NOT r.resting), 0) END AS left_24h
		          FROM rated AS r GROUP BY r.area_code) AS a), '[]'))
$fn$;
COMMENT ON FUNCTION @extschema@.pool_number_health_data(uuid, pg_catalog.timestamptz) IS
'The data of pool_number_health for a pool at "at" (no ownership check: not for direct use)';

CREATE FUNCTION @extschema@.pool_number_health_as_owner(owner_id uuid, pool_id pg_catalog.text,
	at pg_catalog.timestamptz DEFAULT pg_catalog.now())
RETURNS pg_catalog.jsonb
LANGUAGE plpgsql STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
	pool jsonb;
BEGIN
	-- the pool checks and their error objects are get_dialing_pool's
	pool := @extschema@.get_dialing_pool(owner_id, pool_id);
	IF pool OPERATOR(pg_catalog.->>) 'status' OPERATOR(pg_catalog.<>) 'success' THEN
		RETURN pool;
	END IF;
	IF at IS NULL THEN
		RAISE EXCEPTION 'at must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	RETURN pg_catalog.jsonb_build_object('status', 'success',
		'data', @extschema@.pool_number_health_data(pool_id::uuid, at), 'errors', NULL);
END
$fn$;
COMMENT ON FUNCTION @extschema@.pool_number_health_as_owner(uuid, pg_catalog.text, pg_catalog.timestamptz) IS
'What pool_number_health does, without the owner_roles check: only pool_number_health, which checks it first, calls it';

CREATE FUNCTION @extschema@.set_pool_pacing_as_owner(owner_id uuid, pool_id pg_catalog.text,
	max_calls_per_hour pg_catalog.int4, max_calls_per_day pg_catalog.int4)
RETURNS pg_catalog.jsonb
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
	pool jsonb;
	errs jsonb := '[]';
	cap record;
BEGIN
	IF owner_id IS NULL THEN
		RAISE EXCEPTION 'owner_id must not be NULL'
			USING ERRCODE = 'null_value_not_allowed',
			      DETAIL = 'owner_id identifies the calling organization and comes from the application''s authenticated context.';
	END IF;
	IF pg_is_in_recovery() THEN
		RAISE EXCEPTION 'set_pool_pacing cannot run on a hot standby'
			USING ERRCODE = 'read_only_sql_transaction',
			      DETAIL = 'Dialing pools are changed on the primary server; a standby only routes.',
			      HINT = 'Call set_pool_pacing on the primary.';
	END IF;
	pool := @extschema@.get_dialing_pool(owner_id, pool_id);
	IF pool OPERATOR(pg_catalog.->>) 'status' OPERATOR(pg_catalog.<>) 'success' THEN
		errs := pool OPERATOR(pg_catalog.->) 'errors';
	END IF;
	FOR cap IN SELECT * FROM (VALUES ('max_calls_per_hour', max_calls_per_hour),
	                                 ('max_calls_per_day', max_calls_per_day)) AS v(name, value)
	LOOP
		IF cap.value IS NOT NULL AND (cap.value OPERATOR(pg_catalog.<) 1 OR cap.value OPERATOR(pg_catalog.>) 1000000) THEN
			errs := errs OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
				'error', 'INVALID_PACING',
				'message', pg_catalog.format('%s must be NULL (no cap) or from 1 to 1,000,000 calls; it is %s', cap.name, cap.value)));
		END IF;
	END LOOP;
	IF pg_catalog.jsonb_array_length(errs) OPERATOR(pg_catalog.>) 0 THEN
		RETURN pg_catalog.jsonb_build_object('status', 'error', 'data', NULL, 'errors', errs);
	END IF;
	-- the pool must still be there when the caps are written
	PERFORM FROM @extschema@.dialing_pools AS p
	  WHERE p.id OPERATOR(pg_catalog.=) pool_id::uuid AND p.owner_id OPERATOR(pg_catalog.=) set_pool_pacing_as_owner.owner_id
	  FOR KEY SHARE;
	IF NOT FOUND THEN
		RETURN @extschema@.get_dialing_pool(owner_id, pool_id);
	END IF;
	INSERT INTO @extschema@.pool_pacing AS pp (pool_id, max_calls_per_hour, max_calls_per_day)
	VALUES (pool_id::uuid, max_calls_per_hour, max_calls_per_day)
	ON CONFLICT ON CONSTRAINT pool_pacing_pkey DO UPDATE
	   SET max_calls_per_hour = EXCLUDED.max_calls_per_hour,
	       max_calls_per_day = EXCLUDED.max_calls_per_day,
	       updated_at = pg_catalog.now();
	RETURN @extschema@.get_dialing_pool(owner_id, pool_id);
END
$fn$;
COMMENT ON FUNCTION @extschema@.set_pool_pacing_as_owner(uuid, pg_catalog.text, pg_catalog.int4, pg_catalog.int4) IS
'What set_pool_pacing does, without the owner_roles check: only set_pool_pacing, which checks it first, calls it';

CREATE FUNCTION @extschema@.set_number_status_as_owner(owner_id uuid, pool_id pg_catalog.text,
	phone_number pg_catalog.text, status pg_catalog.text,
	resting_until pg_catalog.timestamptz DEFAULT NULL, reason pg_catalog.text DEFAULT NULL)
RETURNS pg_catalog.jsonb
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
	pool jsonb;
	errs jsonb := '[]';
	pool_ok boolean;
	number_ok boolean;
BEGIN
	IF owner_id IS NULL THEN
		RAISE EXCEPTION 'owner_id must not be NULL'
			USING ERRCODE = 'null_value_not_allowed',
			      DETAIL = 'owner_id identifies the calling organization and comes from the application''s authenticated context.';
	END IF;
	IF pg_is_in_recovery() THEN
		RAISE EXCEPTION 'set_number_status cannot run on a hot standby'
			USING ERRCODE = 'read_only_sql_transaction',
			      DETAIL = 'Dialing pools are changed on the primary server; a standby only routes.',
			      HINT = 'Call set_number_status on the primary.';
	END IF;
	pool := @extschema@.get_dialing_pool(owner_id, pool_id);
	pool_ok := pool OPERATOR(pg_catalog.->>) 'status' OPERATOR(pg_catalog.=) 'success';
	IF NOT pool_ok THEN
		errs := pool OPERATOR(pg_catalog.->) 'errors';
	END IF;
	number_ok := phone_number IS NOT NULL AND @extschema@.us_e164_is_valid(phone_number);
	IF NOT number_ok THEN
		errs := errs OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
			'error', 'INVALID_PHONE_NUMBERS',
			'message', 'All phone numbers must be valid US numbers with +1 prefix' OPERATOR(pg_catalog.||)
				CASE WHEN phone_number IS NULL THEN '; phone_number is missing'
				ELSE pg_catalog.format(': "%s"', pg_catalog.left(phone_number, 48)) END));
	ELSIF pool_ok AND NOT (pool OPERATOR(pg_catalog.->) 'data' OPERATOR(pg_catalog.->) 'phone_numbers'
	                       OPERATOR(pg_catalog.?) phone_number) THEN
		errs := errs OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
			'error', 'NUMBER_NOT_IN_POOL',
			'message', pg_catalog.format('Phone number "%s" is not in dialing pool "%s"', phone_number, pool_id)));
	END IF;
	IF status IS NULL OR status OPERATOR(pg_catalog.<>) ALL ('{active,resting}'::text[]) THEN
		errs := errs OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
			'error', 'INVALID_STATUS',
			'message', 'status must be "active" or "resting"' OPERATOR(pg_catalog.||)
				CASE WHEN status IS NULL THEN '; it is missing'
				ELSE pg_catalog.format(': "%s"', pg_catalog.left(status, 48)) END));
	ELSIF status OPERATOR(pg_catalog.=) 'active' AND resting_until IS NOT NULL THEN
		errs := errs OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
			'error', 'INVALID_STATUS',
			'message', 'resting_until may be given only with status "resting"'));
	END IF;
	IF pg_catalog.jsonb_array_length(errs) OPERATOR(pg_catalog.>) 0 THEN
		RETURN pg_catalog.jsonb_build_object('status', 'error', 'data', NULL, 'errors', errs);
	END IF;
	PERFORM FROM @extschema@.dialing_pools AS p
	  WHERE p.id OPERATOR(pg_catalog.=) pool_id::uuid AND p.owner_id OPERATOR(pg_catalog.=) set_number_status_as_owner.owner_id
	  FOR KEY SHARE;
	IF NOT FOUND THEN
		RETURN @extschema@.get_dialing_pool(owner_id, pool_id);
	END IF;
	INSERT INTO @extschema@.pool_number_status AS s (pool_id, phone_number, status, resting_until, reason)
	VALUES (pool_id::uuid, phone_number, status, resting_until, reason)
	ON CONFLICT ON CONSTRAINT pool_number_status_pkey DO UPDATE
	   SET status = EXCLUDED.status, resting_until = EXCLUDED.resting_until,
	       reason = EXCLUDED.reason, updated_at = pg_catalog.now();
	RETURN pg_catalog.jsonb_build_object('status', 'success',
		'data', (SELECT n FROM pg_catalog.jsonb_array_elements(
		             @extschema@.pool_number_health_data(pool_id::uuid, pg_catalog.now()) OPERATOR(pg_catalog.->) 'numbers') AS n
		          WHERE n OPERATOR(pg_catalog.->>) 'phone_number' OPERATOR(pg_catalog.=) phone_number),
		'errors', NULL);
END
$fn$;
COMMENT ON FUNCTION @extschema@.set_number_status_as_owner(uuid, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.timestamptz, pg_catalog.text) IS
'What set_number_status does, without the owner_roles check: only set_number_status, which checks it first, calls it';

CREATE FUNCTION @extschema@.record_call_outcome_as_owner(pool_id uuid, phone_number @extschema@.us_e164,
	callee @extschema@.us_e164, outcome pg_catalog.text,
	at pg_catalog.timestamptz DEFAULT pg_catalog.now())
RETURNS void
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
	numbers pg_catalog.text[];
	rest pg_catalog.text;
	rest_for interval;
	old record;
BEGIN
	IF pool_id IS NULL OR phone_number IS NULL OR callee IS NULL OR outcome IS NULL OR at IS NULL THEN
		RAISE EXCEPTION 'record_call_outcome: no argument may be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF pg_is_in_recovery() THEN
		RAISE EXCEPTION 'record_call_outcome cannot run on a hot standby'
			USING ERRCODE = 'read_only_sql_transaction',
			      DETAIL = 'Call outcomes are recorded on the primary server.',
			      HINT = 'Call record_call_outcome on the primary.';
	END IF;
	SELECT p.phone_numbers::pg_catalog.text[] INTO numbers
	  FROM @extschema@.dialing_pools AS p WHERE p.id OPERATOR(pg_catalog.=) pool_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'dialing pool "%" does not exist', pool_id
			USING ERRCODE = 'undefined_object';
	END IF;
	IF outcome OPERATOR(pg_catalog.<>) ALL ('{answered,no_answer,busy,voicemail,failed,flagged}'::pg_catalog.text[]) THEN
		RAISE EXCEPTION 'invalid call outcome: "%"', outcome
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = 'An outcome is one of answered, no_answer, busy, voicemail, failed or flagged.';
	END IF;
	IF NOT (phone_number::pg_catalog.text OPERATOR(pg_catalog.=) ANY (numbers)) THEN
		RAISE EXCEPTION 'phone number "%" is not in dialing pool "%"', phone_number, pool_id
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	INSERT INTO @extschema@.pool_call_outcomes (pool_id, phone_number, callee, outcome, at)
	VALUES (pool_id, phone_number, callee, outcome, at);
	IF outcome OPERATOR(pg_catalog.=) 'flagged' THEN
		-- the server's setting once the module is loaded, else its default
		rest := pg_catalog.current_setting('custom_dialing.rest_after_flag', true);
		rest_for := COALESCE(NULLIF(rest, '')::interval, interval '30 days');
		INSERT INTO @extschema@.pool_number_status AS s (pool_id, phone_number, status, resting_until, reason)
		VALUES (pool_id, phone_number, 'resting', at OPERATOR(pg_catalog.+) rest_for, 'flagged')
		ON CONFLICT ON CONSTRAINT pool_number_status_pkey DO UPDATE
		   -- a longer rest already set (or one without end) is kept
		   SET status = 'resting',
		       resting_until = CASE WHEN s.status OPERATOR(pg_catalog.=) 'resting' AND s.resting_until IS NULL THEN NULL
		                            ELSE GREATEST(s.resting_until, EXCLUDED.resting_until) END,
		       reason = 'flagged', updated_at = pg_catalog.now();
	END IF;
	-- history older than 8 days goes, a few rows per call, oldest first;
	-- rows another session is deleting are skipped, not waited for
	FOR old IN
		SELECT x.ctid AS t FROM @extschema@.pool_call_outcomes AS x
		 WHERE x.at OPERATOR(pg_catalog.<) (LEAST(record_call_outcome_as_owner.at, pg_catalog.now()) OPERATOR(pg_catalog.-) interval '8 days')
		 ORDER BY x.at LIMIT 4 FOR UPDATE SKIP LOCKED
	LOOP
		DELETE FROM @extschema@.pool_call_outcomes AS o WHERE o.ctid OPERATOR(pg_catalog.=) old.t;
	END LOOP;
END
$fn$;
COMMENT ON FUNCTION @extschema@.record_call_outcome_as_owner(uuid, @extschema@.us_e164, @extschema@.us_e164, pg_catalog.text, pg_catalog.timestamptz) IS
'What record_call_outcome does, without the owner_roles check: only record_call_outcome, which checks it first, calls it';

/*
 * The public forms of the four functions above: SECURITY INVOKER C
 * functions that check owner_roles for the calling role (a role bound to
 * other owners: 42501 for an owner_id, 42704 for a pool_id, as the pool and
 * routing functions answer) and then call NAME_as_owner (see pacing.c).
 */
CREATE FUNCTION @extschema@.pool_number_health(owner_id uuid, pool_id pg_catalog.text,
	at pg_catalog.timestamptz DEFAULT pg_catalog.now())
RETURNS pg_catalog.jsonb
AS 'MODULE_PATHNAME', 'pacing_owner_call'
LANGUAGE C STABLE;

CREATE FUNCTION @extschema@.set_pool_pacing(owner_id uuid, pool_id pg_catalog.text,
	max_calls_per_hour pg_catalog.int4, max_calls_per_day pg_catalog.int4)
RETURNS pg_catalog.jsonb
AS 'MODULE_PATHNAME', 'pacing_owner_call'
LANGUAGE C VOLATILE;

CREATE FUNCTION @extschema@.set_number_status(owner_id uuid, pool_id pg_catalog.text,
	phone_number pg_catalog.text, status pg_catalog.text,
	resting_until pg_catalog.timestamptz DEFAULT NULL, reason pg_catalog.text DEFAULT NULL)
RETURNS pg_catalog.jsonb
AS 'MODULE_PATHNAME', 'pacing_owner_call'
LANGUAGE C VOLATILE;

CREATE FUNCTION @extschema@.record_call_outcome(pool_id uuid, phone_number @extschema@.us_e164,
	callee @extschema@.us_e164, outcome pg_catalog.text,
	at pg_catalog.timestamptz DEFAULT pg_catalog.now())
RETURNS void
AS 'MODULE_PATHNAME', 'pacing_pool_call'
LANGUAGE C VOLATILE;

COMMENT ON FUNCTION @extschema@.pool_number_health(uuid, pg_catalog.text, pg_catalog.timestamptz) IS
'Per number (calls in the last hour, 24 hours and 7 days, outcomes, answer rate, status, warning) and per area code (numbers, available, calls left today) of one of the owner''s pools, in the API envelope';
COMMENT ON FUNCTION @extschema@.set_pool_pacing(uuid, pg_catalog.text, pg_catalog.int4, pg_catalog.int4) IS
'Sets the most calls per rolling hour and per rolling 24 hours each number of the owner''s pool may place (NULL: no cap); returns the pool in the API envelope; INVALID_PACING unless NULL or 1 to 1,000,000';
COMMENT ON FUNCTION @extschema@.set_number_status(uuid, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.timestamptz, pg_catalog.text) IS
'Sets a number of the owner''s pool active, or resting until resting_until (NULL: until set active again); returns the number''s health in the API envelope';
COMMENT ON FUNCTION @extschema@.record_call_outcome(uuid, @extschema@.us_e164, @extschema@.us_e164, pg_catalog.text, pg_catalog.timestamptz) IS
'Records how a call from a pool number went: answered, no_answer, busy, voicemail, failed, or flagged (labelled spam: rests the number for custom_dialing.rest_after_flag)';

REVOKE ALL ON FUNCTION @extschema@.pool_forget() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.pool_pacing_json(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.dial_pool_number(uuid, @extschema@.us_e164, pg_catalog.timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.explain_pool_dial(uuid, @extschema@.us_e164, pg_catalog.timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.pool_number_health_data(uuid, pg_catalog.timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.pool_number_health_as_owner(uuid, pg_catalog.text, pg_catalog.timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.set_pool_pacing_as_owner(uuid, pg_catalog.text, pg_catalog.int4, pg_catalog.int4) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.set_number_status_as_owner(uuid, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.timestamptz, pg_catalog.text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.record_call_outcome_as_owner(uuid, @extschema@.us_e164, @extschema@.us_e164, pg_catalog.text, pg_catalog.timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.pool_number_health(uuid, pg_catalog.text, pg_catalog.timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.set_pool_pacing(uuid, pg_catalog.text, pg_catalog.int4, pg_catalog.int4) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.set_number_status(uuid, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.timestamptz, pg_catalog.text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.record_call_outcome(uuid, @extschema@.us_e164, @extschema@.us_e164, pg_catalog.text, pg_catalog.timestamptz) FROM PUBLIC;
