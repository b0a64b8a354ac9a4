------------------------------------------------------------------------
-- Calling windows by jurisdiction (new in 1.1)
------------------------------------------------------------------------

/*
 * Three tables administrators edit with plain SQL: the rules, the holiday
 * sets they name, and blackouts.  The rows this version ships (data/
 * calling_rules.csv, data/calling_holidays.csv) are loaded below with
 * shipped = true.
 *
 * pg_dump: each table is an extension configuration table, so its rows are
 * dumped, except the shipped rows, which CREATE EXTENSION loads again on
 * restore (dumping them too would load them twice).  A shipped row an
 * administrator changes stops being shipped (a trigger clears the flag), so
 * its new content is dumped; a shipped row changed or deleted leaves its key
 * in calling_rules_removed or calling_holidays_removed, which are dumped too,
 * and whose insert (also on restore) deletes the shipped row again.  So a
 * restore gives back exactly the rows the dumped database had.
 */

CREATE TABLE @extschema@.calling_rules (
	region pg_catalog.text NOT NULL
		CONSTRAINT calling_rules_region_format
		CHECK (region OPERATOR(pg_catalog.~) '^([A-Z]{2}|CA-ALL)$'),
	kinds pg_catalog.text[] NOT NULL
		CONSTRAINT calling_rules_kinds_format
		CHECK (pg_catalog.array_ndims(kinds) OPERATOR(pg_catalog.=) 1
			AND pg_catalog.array_position(kinds, NULL) IS NULL
			AND pg_catalog.array_to_string(kinds, ',') OPERATOR(pg_catalog.~) '^[a-z_]+(,[a-z_]+)*$'),
	days pg_catalog.text NOT NULL
		CONSTRAINT calling_rules_days_format
		CHECK (days OPERATOR(pg_catalog.~) '^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)(-(Mon|Tue|Wed|Thu|Fri|Sat|Sun))?$'),
	window_start pg_catalog.time,
	window_end pg_catalog.time,
	holiday_set pg_catalog.text,
	citation pg_catalog.text NOT NULL,
	strength pg_catalog.text NOT NULL,
	note pg_catalog.text,
	shipped pg_catalog.bool NOT NULL DEFAULT false,
	CONSTRAINT calling_rules_window_check CHECK (
		(window_start IS NULL) OPERATOR(pg_catalog.=) (window_end IS NULL)
		AND (window_start OPERATOR(pg_catalog.<) window_end OR window_start IS NULL))
);

CREATE UNIQUE INDEX calling_rules_shipped_key
	ON @extschema@.calling_rules (region, kinds, days) WHERE shipped;

COMMENT ON TABLE @extschema@.calling_rules IS
'Calling-hour rules stricter than the US federal 08:00-21:00 window, by region and kind of call, read by calling_window and next_calling_time; not legal advice (see README)';
COMMENT ON COLUMN @extschema@.calling_rules.region IS 'Two-letter US state or Canadian province code (as area_codes.region), or CA-ALL for every Canadian number';
COMMENT ON COLUMN @extschema@.calling_rules.kinds IS 'Kinds of call the rule covers (sales, prerecorded, autodialed, securities, charitable, or an administrator''s own); it applies when one is among the call''s kinds';
COMMENT ON COLUMN @extschema@.calling_rules.days IS 'Weekdays it covers: Mon-Sun, Mon-Fri, Sat, Sun, any Ddd or Ddd-Ddd';
COMMENT ON COLUMN @extschema@.calling_rules.window_start IS 'Start of the allowed window, local time of the called party, inclusive; NULL with window_end: no calls on these days';
COMMENT ON COLUMN @extschema@.calling_rules.window_end IS 'End of the allowed window, exclusive';
COMMENT ON COLUMN @extschema@.calling_rules.holiday_set IS 'calling_holidays set on whose dates no calls of these kinds are allowed, or NULL';
COMMENT ON COLUMN @extschema@.calling_rules.citation IS 'Statute or regulation the rule rests on';
COMMENT ON COLUMN @extschema@.calling_rules.strength IS 'Evidence behind the row: statute, official, secondary-2, secondary-1 (data/README.md)';
COMMENT ON COLUMN @extschema@.calling_rules.note IS 'Scope, exemptions and doubts';
COMMENT ON COLUMN @extschema@.calling_rules.shipped IS 'True on a row as this version ships it (not dumped, loaded by CREATE EXTENSION); cleared when the row is changed';
COMMENT ON CONSTRAINT calling_rules_region_format ON @extschema@.calling_rules IS 'A two-letter region code or CA-ALL';
COMMENT ON CONSTRAINT calling_rules_kinds_format ON @extschema@.calling_rules IS 'A one-dimensional array of lower-case kind names without NULLs';
COMMENT ON CONSTRAINT calling_rules_days_format ON @extschema@.calling_rules IS 'One weekday or a range of them, as Mon-Fri';
COMMENT ON CONSTRAINT calling_rules_window_check ON @extschema@.calling_rules IS
'Both window ends or neither; the start before the end (a window cannot span midnight)';
COMMENT ON INDEX @extschema@.calling_rules_shipped_key IS 'The key of a shipped rule, as calling_rules_removed records it';

CREATE TABLE @extschema@.calling_holidays (
	holiday_set pg_catalog.text NOT NULL,
	day pg_catalog.date NOT NULL,
	name pg_catalog.text NOT NULL,
	shipped pg_catalog.bool NOT NULL DEFAULT false
);

CREATE INDEX calling_holidays_set_day_idx ON @extschema@.calling_holidays (holiday_set, day);
CREATE UNIQUE INDEX calling_holidays_shipped_key
	ON @extschema@.calling_holidays (holiday_set, day) WHERE shipped;

COMMENT ON TABLE @extschema@.calling_holidays IS
'Dates on which rules naming the set forbid calls (the called party''s local date)';
COMMENT ON COLUMN @extschema@.calling_holidays.holiday_set IS 'Set name, as calling_rules.holiday_set';
COMMENT ON COLUMN @extschema@.calling_holidays.day IS 'The actual date of the holiday (not an observed Friday or Monday)';
COMMENT ON COLUMN @extschema@.calling_holidays.name IS 'The holiday''s name';
COMMENT ON COLUMN @extschema@.calling_holidays.shipped IS 'True on a row as this version ships it (not dumped, loaded by CREATE EXTENSION); cleared when the row is changed';
COMMENT ON INDEX @extschema@.calling_holidays_set_day_idx IS 'A set''s dates in order';
COMMENT ON INDEX @extschema@.calling_holidays_shipped_key IS 'The key of a shipped holiday, as calling_holidays_removed records it';

CREATE TABLE @extschema@.calling_blackouts (
	region pg_catalog.text
		CONSTRAINT calling_blackouts_region_format
		CHECK (region OPERATOR(pg_catalog.~) '^([A-Z]{2}|CA-ALL)$'),
	starts_at pg_catalog.timestamptz NOT NULL,
	ends_at pg_catalog.timestamptz NOT NULL,
	reason pg_catalog.text NOT NULL,
	CONSTRAINT calling_blackouts_period_check CHECK (starts_at OPERATOR(pg_catalog.<) ends_at)
);

COMMENT ON TABLE @extschema@.calling_blackouts IS
'Periods with no calls into a region: declared emergencies, proclaimed days, company rules; empty when shipped';
COMMENT ON COLUMN @extschema@.calling_blackouts.region IS 'Region code (as calling_rules.region; CA-ALL: every Canadian number), or NULL for every callee';
COMMENT ON COLUMN @extschema@.calling_blackouts.starts_at IS 'First instant with no calls';
COMMENT ON COLUMN @extschema@.calling_blackouts.ends_at IS 'First instant calls are allowed again';
COMMENT ON COLUMN @extschema@.calling_blackouts.reason IS 'Why, in words (shown in calling_window''s reasons)';
COMMENT ON CONSTRAINT calling_blackouts_region_format ON @extschema@.calling_blackouts IS 'A two-letter region code or CA-ALL';
COMMENT ON CONSTRAINT calling_blackouts_period_check ON @extschema@.calling_blackouts IS 'starts_at before ends_at';

CREATE TABLE @extschema@.calling_rules_removed (
	region pg_catalog.text NOT NULL,
	kinds pg_catalog.text[] NOT NULL,
	days pg_catalog.text NOT NULL,
	PRIMARY KEY (region, kinds, days)
);

COMMENT ON TABLE @extschema@.calling_rules_removed IS
'Keys of shipped calling_rules rows an administrator changed or deleted; inserting one (as pg_restore does) deletes the shipped row';
COMMENT ON COLUMN @extschema@.calling_rules_removed.region IS 'region of the shipped row';
COMMENT ON COLUMN @extschema@.calling_rules_removed.kinds IS 'kinds of the shipped row';
COMMENT ON COLUMN @extschema@.calling_rules_removed.days IS 'days of the shipped row';

CREATE TABLE @extschema@.calling_holidays_removed (
	holiday_set pg_catalog.text NOT NULL,
	day pg_catalog.date NOT NULL,
	PRIMARY KEY (holiday_set, day)
);

COMMENT ON TABLE @extschema@.calling_holidays_removed IS
'Keys of shipped calling_holidays rows an administrator changed or deleted; inserting one (as pg_restore does) deletes the shipped row';
COMMENT ON COLUMN @extschema@.calling_holidays_removed.holiday_set IS 'holiday_set of the shipped row';
COMMENT ON COLUMN @extschema@.calling_holidays_removed.day IS 'day of the shipped row';

-- User data survives pg_dump; shipped rows come from CREATE EXTENSION.
SELECT pg_catalog.pg_extension_config_dump('@extschema@.calling_rules', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.calling_holidays', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.calling_blackouts', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.calling_rules_removed', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.calling_holidays_removed', '');

------------------------------------------------------------------------
-- The shipped rows
------------------------------------------------------------------------

/*
 * The shipped CSVs, parsed: one line per row (the files have no line breaks
 * inside fields), RFC 4180 fields ("..." with "" for a quote).  Used to load
 * them at install and update and by reset_calling_rules().
 */
CREATE FUNCTION @extschema@.shipped_calling_rules(
	OUT region pg_catalog.text, OUT kinds pg_catalog.text[], OUT days pg_catalog.text,
	OUT window_start pg_catalog.time, OUT window_end pg_catalog.time,
	OUT holiday_set pg_catalog.text, OUT citation pg_catalog.text,
	OUT strength pg_catalog.text, OUT note pg_catalog.text)
RETURNS SETOF record
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
SELECT f[1], pg_catalog.string_to_array(f[2], ' '), f[3],
       NULLIF(f[4], '')::pg_catalog.time, NULLIF(f[5], '')::pg_catalog.time,
       NULLIF(f[6], ''), f[7], f[8], NULLIF(f[9], '')
FROM (
	SELECT n, ARRAY(
		SELECT coalesce(pg_catalog.replace(m[1], '""', '"'), m[2])
		FROM pg_catalog.regexp_matches(line, '(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))', 'g')
			WITH ORDINALITY AS x(m, i)
		ORDER BY i) AS f
	FROM pg_catalog.regexp_split_to_table(
@CSV data/calling_rules.csv rules@, E'\n') WITH ORDINALITY AS l(line, n)
	WHERE n OPERATOR(pg_catalog.>) 1 AND line OPERATOR(pg_catalog.<>) ''
) s
ORDER BY n
$fn$;

COMMENT ON FUNCTION @extschema@.shipped_calling_rules() IS
'The calling rules this version ships (data/calling_rules.csv), in file order';

CREATE FUNCTION @extschema@.shipped_calling_holidays(
	OUT holiday_set pg_catalog.text, OUT day pg_catalog.date, OUT name pg_catalog.text)
RETURNS SETOF record
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
SELECT f[1], f[2]::pg_catalog.date, f[3]
FROM (
	SELECT n, ARRAY(
		SELECT coalesce(pg_catalog.replace(m[1], '""', '"'), m[2])
		FROM pg_catalog.regexp_matches(line, '(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))', 'g')
			WITH ORDINALITY AS x(m, i)
		ORDER BY i) AS f
	FROM pg_catalog.regexp_split_to_table(
@CSV data/calling_holidays.csv holidays@, E'\n') WITH ORDINALITY AS l(line, n)
	WHERE n OPERATOR(pg_catalog.>) 1 AND line OPERATOR(pg_catalog.<>) ''
) s
ORDER BY n
$fn$;

COMMENT ON FUNCTION @extschema@.shipped_calling_holidays() IS
'The holiday dates this version ships (data/calling_holidays.csv), in file order';

------------------------------------------------------------------------
-- Shipped rows an administrator changes stay changed through pg_dump
------------------------------------------------------------------------

CREATE FUNCTION @extschema@.calling_rules_track_shipped()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
	IF TG_OP OPERATOR(pg_catalog.=) 'TRUNCATE' THEN
		IF TG_TABLE_NAME OPERATOR(pg_catalog.=) 'calling_rules' THEN
			INSERT INTO @extschema@.calling_rules_removed (region, kinds, days)
			SELECT s.region, s.kinds, s.days FROM @extschema@.shipped_calling_rules() s
			ON CONFLICT DO NOTHING;
		ELSE
			INSERT INTO @extschema@.calling_holidays_removed (holiday_set, day)
			SELECT s.holiday_set, s.day FROM @extschema@.shipped_calling_holidays() s
			ON CONFLICT DO NOTHING;
		END IF;
		RETURN NULL;
	END IF;
	IF OLD.shipped THEN
		IF TG_TABLE_NAME OPERATOR(pg_catalog.=) 'calling_rules' THEN
			INSERT INTO @extschema@.calling_rules_removed (region, kinds, days)
			VALUES (OLD.region, OLD.kinds, OLD.days) ON CONFLICT DO NOTHING;
		ELSE
			INSERT INTO @extschema@.calling_holidays_removed (holiday_set, day)
			VALUES (OLD.holiday_set, OLD.day) ON CONFLICT DO NOTHING;
		END IF;
	END IF;
	IF TG_OP OPERATOR(pg_catalog.=) 'UPDATE' THEN
		NEW.shipped := false;
		RETURN NEW;
	END IF;
	RETURN OLD;
END
$fn$;

COMMENT ON FUNCTION @extschema@.calling_rules_track_shipped() IS
'Trigger: a shipped calling_rules or calling_holidays row that is changed or deleted leaves its key in the matching *_removed table, and a changed one is no longer shipped';

CREATE TRIGGER calling_rules_track_shipped
	BEFORE UPDATE OR DELETE ON @extschema@.calling_rules
	FOR EACH ROW EXECUTE FUNCTION @extschema@.calling_rules_track_shipped();
CREATE TRIGGER calling_rules_track_shipped_truncate
	AFTER TRUNCATE ON @extschema@.calling_rules
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.calling_rules_track_shipped();
CREATE TRIGGER calling_holidays_track_shipped
	BEFORE UPDATE OR DELETE ON @extschema@.calling_holidays
	FOR EACH ROW EXECUTE FUNCTION @extschema@.calling_rules_track_shipped();
CREATE TRIGGER calling_holidays_track_shipped_truncate
	AFTER TRUNCATE ON @extschema@.calling_holidays
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.calling_rules_track_shipped();

CREATE FUNCTION @extschema@.calling_rules_apply_removed()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
	-- Inserted by calling_rules_track_shipped, whose row is being changed or
	-- deleted right now: nothing to do (and it must not be deleted under it).
	IF pg_catalog.pg_trigger_depth() OPERATOR(pg_catalog.>) 1 THEN
		RETURN NULL;
	END IF;
	IF TG_TABLE_NAME OPERATOR(pg_catalog.=) 'calling_rules_removed' THEN
		DELETE FROM @extschema@.calling_rules r
		 WHERE r.shipped AND r.region OPERATOR(pg_catalog.=) NEW.region
		   AND r.kinds OPERATOR(pg_catalog.=) NEW.kinds AND r.days OPERATOR(pg_catalog.=) NEW.days;
	ELSE
		DELETE FROM @extschema@.calling_holidays h
		 WHERE h.shipped AND h.holiday_set OPERATOR(pg_catalog.=) NEW.holiday_set
		   AND h.day OPERATOR(pg_catalog.=) NEW.day;
	END IF;
	RETURN NULL;
END
$fn$;

COMMENT ON FUNCTION @extschema@.calling_rules_apply_removed() IS
'Trigger: the shipped row whose key was just recorded as removed is deleted (also when pg_restore reloads the key)';

CREATE TRIGGER calling_rules_removed_apply
	AFTER INSERT ON @extschema@.calling_rules_removed
	FOR EACH ROW EXECUTE FUNCTION @extschema@.calling_rules_apply_removed();
CREATE TRIGGER calling_holidays_removed_apply
	AFTER INSERT ON @extschema@.calling_holidays_removed
	FOR EACH ROW EXECUTE FUNCTION @extschema@.calling_rules_apply_removed();

------------------------------------------------------------------------
-- Every session's cache of the rules follows every committed change
------------------------------------------------------------------------

CREATE FUNCTION @extschema@.invalidate_calling_rules_cache()
RETURNS trigger
AS 'MODULE_PATHNAME', 'invalidate_calling_rules_cache'
LANGUAGE C;

COMMENT ON FUNCTION @extschema@.invalidate_calling_rules_cache() IS
'Trigger: after a change to calling_rules, calling_holidays or calling_blackouts commits, every session''s cache of them is reread';

-- Row triggers and ENABLE ALWAYS, as for the routing cache (see there).
CREATE TRIGGER calling_rules_invalidate_cache
	AFTER INSERT OR UPDATE OR DELETE ON @extschema@.calling_rules
	FOR EACH ROW EXECUTE FUNCTION @extschema@.invalidate_calling_rules_cache();
CREATE TRIGGER calling_rules_invalidate_cache_truncate
	AFTER TRUNCATE ON @extschema@.calling_rules
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.invalidate_calling_rules_cache();
CREATE TRIGGER calling_holidays_invalidate_cache
	AFTER INSERT OR UPDATE OR DELETE ON @extschema@.calling_holidays
	FOR EACH ROW EXECUTE FUNCTION @extschema@.invalidate_calling_rules_cache();
CREATE TRIGGER calling_holidays_invalidate_cache_truncate
	AFTER TRUNCATE ON @extschema@.calling_holidays
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.invalidate_calling_rules_cache();
CREATE TRIGGER calling_blackouts_invalidate_cache
	AFTER INSERT OR UPDATE OR DELETE ON @extschema@.calling_blackouts
	FOR EACH ROW EXECUTE FUNCTION @extschema@.invalidate_calling_rules_cache();
CREATE TRIGGER calling_blackouts_invalidate_cache_truncate
	AFTER TRUNCATE ON @extschema@.calling_blackouts
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.invalidate_calling_rules_cache();
ALTER TABLE @extschema@.calling_rules ENABLE ALWAYS TRIGGER calling_rules_invalidate_cache;
ALTER TABLE @extschema@.calling_rules ENABLE ALWAYS TRIGGER calling_rules_invalidate_cache_truncate;
ALTER TABLE @extschema@.calling_holidays ENABLE ALWAYS TRIGGER calling_holidays_invalidate_cache;
ALTER TABLE @extschema@.calling_holidays ENABLE ALWAYS TRIGGER calling_holidays_invalidate_cache_truncate;
ALTER TABLE @extschema@.calling_blackouts ENABLE ALWAYS TRIGGER calling_blackouts_invalidate_cache;
ALTER TABLE @extschema@.calling_blackouts ENABLE ALWAYS TRIGGER calling_blackouts_invalidate_cache_truncate;

COMMENT ON TRIGGER calling_rules_track_shipped ON @extschema@.calling_rules IS
'Records a changed or deleted shipped rule in calling_rules_removed';
COMMENT ON TRIGGER calling_rules_track_shipped_truncate ON @extschema@.calling_rules IS
'Records every shipped rule in calling_rules_removed';
COMMENT ON TRIGGER calling_holidays_track_shipped ON @extschema@.calling_holidays IS
'Records a changed or deleted shipped holiday in calling_holidays_removed';
COMMENT ON TRIGGER calling_holidays_track_shipped_truncate ON @extschema@.calling_holidays IS
'Records every shipped holiday in calling_holidays_removed';
COMMENT ON TRIGGER calling_rules_removed_apply ON @extschema@.calling_rules_removed IS
'Deletes the shipped rule whose key was recorded';
COMMENT ON TRIGGER calling_holidays_removed_apply ON @extschema@.calling_holidays_removed IS
'Deletes the shipped holiday whose key was recorded';
COMMENT ON TRIGGER calling_rules_invalidate_cache ON @extschema@.calling_rules IS
'Tells every session''s calling-rules cache that the rules changed';
COMMENT ON TRIGGER calling_rules_invalidate_cache_truncate ON @extschema@.calling_rules IS
'Tells every session''s calling-rules cache that the rules changed';
COMMENT ON TRIGGER calling_holidays_invalidate_cache ON @extschema@.calling_holidays IS
'Tells every session''s calling-rules cache that the holidays changed';
COMMENT ON TRIGGER calling_holidays_invalidate_cache_truncate ON @extschema@.calling_holidays IS
'Tells every session''s calling-rules cache that the holidays changed';
COMMENT ON TRIGGER calling_blackouts_invalidate_cache ON @extschema@.calling_blackouts IS
'Tells every session''s calling-rules cache that the blackouts changed';
COMMENT ON TRIGGER calling_blackouts_invalidate_cache_truncate ON @extschema@.calling_blackouts IS
'Tells every session''s calling-rules cache that the blackouts changed';

------------------------------------------------------------------------
-- Loading and resetting the shipped rows
------------------------------------------------------------------------

INSERT INTO @extschema@.calling_rules
	(region, kinds, days, window_start, window_end, holiday_set, citation, strength, note, shipped)
SELECT s.*, true FROM @extschema@.shipped_calling_rules() s;
INSERT INTO @extschema@.calling_holidays (holiday_set, day, name, shipped)
SELECT s.*, true FROM @extschema@.shipped_calling_holidays() s;

CREATE FUNCTION @extschema@.reset_calling_rules()
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
	DELETE FROM @extschema@.calling_rules;
	DELETE FROM @extschema@.calling_holidays;
	DELETE FROM @extschema@.calling_rules_removed;
	DELETE FROM @extschema@.calling_holidays_removed;
	INSERT INTO @extschema@.calling_rules
		(region, kinds, days, window_start, window_end, holiday_set, citation, strength, note, shipped)
	SELECT s.*, true FROM @extschema@.shipped_calling_rules() s;
	INSERT INTO @extschema@.calling_holidays (holiday_set, day, name, shipped)
	SELECT s.*, true FROM @extschema@.shipped_calling_holidays() s;
END
$fn$;

COMMENT ON FUNCTION @extschema@.reset_calling_rules() IS
'Replaces calling_rules and calling_holidays with exactly the rows this version ships; calling_blackouts is left as it is';

------------------------------------------------------------------------
-- The questions: may I call now, and if not, when
------------------------------------------------------------------------

CREATE FUNCTION @extschema@.calling_window(callee @extschema@.us_e164,
	at pg_catalog.timestamptz DEFAULT pg_catalog.now(),
	kinds pg_catalog.text[] DEFAULT '{sales}',
	region pg_catalog.text DEFAULT NULL)
RETURNS pg_catalog.jsonb
AS 'MODULE_PATHNAME', 'calling_window'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.calling_window(@extschema@.us_e164, pg_catalog.timestamptz, pg_catalog.text[], pg_catalog.text) IS
'Whether a call of these kinds to callee is allowed at "at" in every time zone the callee may be in, under the federal or CRTC baseline, the region''s rules, holidays and blackouts: {"allowed","region","time_zones","local_times","reasons","rules","next_allowed_at"}; region overrides the number''s place';

CREATE FUNCTION @extschema@.next_calling_time(callee @extschema@.us_e164,
	after pg_catalog.timestamptz DEFAULT pg_catalog.now(),
	kinds pg_catalog.text[] DEFAULT '{sales}',
	region pg_catalog.text DEFAULT NULL)
RETURNS pg_catalog.timestamptz
AS 'MODULE_PATHNAME', 'next_calling_time'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.next_calling_time(@extschema@.us_e164, pg_catalog.timestamptz, pg_catalog.text[], pg_catalog.text) IS
'The earliest instant >= after at which calling_window says allowed, searching 14 days ahead; NULL if none or the callee has no location or no known rules';

GRANT SELECT ON @extschema@.calling_rules TO PUBLIC;
GRANT SELECT ON @extschema@.calling_holidays TO PUBLIC;
GRANT SELECT ON @extschema@.calling_blackouts TO PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.reset_calling_rules() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.calling_rules_track_shipped() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.calling_rules_apply_removed() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.invalidate_calling_rules_cache() FROM PUBLIC;
