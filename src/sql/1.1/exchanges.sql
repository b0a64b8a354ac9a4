------------------------------------------------------------------------
-- Exchange-level geography (new in 1.1): where each known exchange
-- (NPA-NXX) is, for calling hours and the nearest step of the routing.
-- Included, unchanged, by the fresh 1.1 script and the 1.0--1.1 update.
------------------------------------------------------------------------

/*
 * One row per exchange.  The rule "its area code is a geographic row of
 * area_codes" is checked by refresh_exchanges() when rows come in; a later
 * refresh_area_codes() that drops or changes an area code leaves its
 * exchanges here, dormant: the routing and the calling hours use an
 * exchange only while its area code is a located geographic row, and use it
 * again when the area code comes back.
 */
CREATE TABLE @extschema@.exchanges (
	npa pg_catalog.text NOT NULL
		CONSTRAINT exchanges_npa_format CHECK (npa OPERATOR(pg_catalog.~) '^[2-9][0-9][0-9]$'),
	nxx pg_catalog.text NOT NULL
		CONSTRAINT exchanges_nxx_format CHECK (nxx OPERATOR(pg_catalog.~) '^[2-9][0-9][0-9]$'),
	region pg_catalog.text,
	place pg_catalog.text,
	lat pg_catalog.float8
		CONSTRAINT exchanges_lat_range CHECK (lat BETWEEN -90 AND 90),
	lon pg_catalog.float8
		CONSTRAINT exchanges_lon_range CHECK (lon BETWEEN -180 AND 180),
	time_zone pg_catalog.text,
	CONSTRAINT exchanges_pkey PRIMARY KEY (npa, nxx),
	CONSTRAINT exchanges_location_check CHECK ((lat IS NULL) OPERATOR(pg_catalog.=) (lon IS NULL))
);

COMMENT ON TABLE @extschema@.exchanges IS
'North American exchanges (NPA-NXX) with their locality, point and time zone, for calling hours and the nearest step of pick_pool_number; replace with refresh_exchanges(). Contains data from GeoNames (www.geonames.org), CC BY 4.0';
COMMENT ON COLUMN @extschema@.exchanges.npa IS 'Area code, three digits starting with 2-9';
COMMENT ON COLUMN @extschema@.exchanges.nxx IS 'Exchange (central office) code, three digits starting with 2-9';
COMMENT ON COLUMN @extschema@.exchanges.region IS 'State, province, territory or country code';
COMMENT ON COLUMN @extschema@.exchanges.place IS 'Locality the exchange serves';
COMMENT ON COLUMN @extschema@.exchanges.lat IS 'Latitude of the locality, degrees (WGS84); NULL when unknown';
COMMENT ON COLUMN @extschema@.exchanges.lon IS 'Longitude of the locality, degrees (WGS84); NULL when unknown';
COMMENT ON COLUMN @extschema@.exchanges.time_zone IS 'IANA time zone of the exchange; NULL means every zone of the area code applies';
COMMENT ON CONSTRAINT exchanges_npa_format ON @extschema@.exchanges IS 'Three digits, the first 2-9';
COMMENT ON CONSTRAINT exchanges_nxx_format ON @extschema@.exchanges IS 'Three digits, the first 2-9';
COMMENT ON CONSTRAINT exchanges_lat_range ON @extschema@.exchanges IS 'Latitude in degrees';
COMMENT ON CONSTRAINT exchanges_lon_range ON @extschema@.exchanges IS 'Longitude in degrees';
COMMENT ON CONSTRAINT exchanges_location_check ON @extschema@.exchanges IS 'Both coordinates or neither';
COMMENT ON INDEX @extschema@.exchanges_pkey IS 'One row per exchange';

/*
 * The CSV of the last refresh_exchanges(): the dumped form of a refreshed
 * exchanges table, as area_codes_refresh is for area_codes.
 */
CREATE TABLE @extschema@.exchanges_refresh (
	singleton pg_catalog.bool PRIMARY KEY DEFAULT true
		CONSTRAINT exchanges_refresh_singleton CHECK (singleton),
	csv pg_catalog.text NOT NULL,
	refreshed_at pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
	refreshed_by pg_catalog.name NOT NULL DEFAULT CURRENT_USER
);

COMMENT ON TABLE @extschema@.exchanges_refresh IS
'The CSV last given to refresh_exchanges(); inserting a row (as pg_restore does) rebuilds exchanges from it';
COMMENT ON COLUMN @extschema@.exchanges_refresh.singleton IS 'Always true: the table holds at most one row';
COMMENT ON COLUMN @extschema@.exchanges_refresh.csv IS 'The CSV text, in the format of the shipped data/nanp_exchanges.csv';
COMMENT ON COLUMN @extschema@.exchanges_refresh.refreshed_at IS 'When the refresh ran';
COMMENT ON COLUMN @extschema@.exchanges_refresh.refreshed_by IS 'Who ran it';
COMMENT ON CONSTRAINT exchanges_refresh_singleton ON @extschema@.exchanges_refresh IS 'At most one row';

SELECT pg_catalog.pg_extension_config_dump('@extschema@.exchanges_refresh', '');

CREATE FUNCTION @extschema@.exchanges_from_csv(csv pg_catalog.text,
	area_codes pg_catalog.text[] DEFAULT NULL)
RETURNS SETOF @extschema@.exchanges
AS 'MODULE_PATHNAME', 'exchanges_from_csv'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.exchanges_from_csv(pg_catalog.text, pg_catalog.text[]) IS
'Parses and validates exchange CSV (the format of data/nanp_exchanges.csv) into exchanges rows; area_codes, when not NULL, are the area codes a row may name; on any problem raises one 22P02 error whose detail lists every bad line; NULL csv gives no rows';

CREATE FUNCTION @extschema@.exchanges_refresh_apply()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
	-- The area-code rule was checked when the CSV was stored; a restore
	-- reloads it whatever area_codes holds (dormant rows stay unused).
	DELETE FROM @extschema@.exchanges;
	INSERT INTO @extschema@.exchanges
		SELECT * FROM @extschema@.exchanges_from_csv(NEW.csv);
	RETURN NULL;
END
$fn$;

COMMENT ON FUNCTION @extschema@.exchanges_refresh_apply() IS
'Trigger: replaces exchanges with the contents of the CSV just stored in exchanges_refresh';

CREATE TRIGGER exchanges_refresh_apply
	AFTER INSERT OR UPDATE ON @extschema@.exchanges_refresh
	FOR EACH ROW EXECUTE FUNCTION @extschema@.exchanges_refresh_apply();
-- ENABLE ALWAYS, like area_codes_refresh_apply: a logical-replication apply
-- worker (replica mode) must rebuild exchanges from a replicated refresh.
ALTER TABLE @extschema@.exchanges_refresh ENABLE ALWAYS TRIGGER exchanges_refresh_apply;

COMMENT ON TRIGGER exchanges_refresh_apply ON @extschema@.exchanges_refresh IS
'Rebuilds exchanges from the stored CSV (also when pg_restore reloads the row)';

CREATE FUNCTION @extschema@.refresh_exchanges(csv pg_catalog.text,
	OUT added pg_catalog.text[], OUT removed pg_catalog.text[], OUT changed pg_catalog.text[])
RETURNS record
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
	IF pg_is_in_recovery() THEN
		RAISE EXCEPTION 'refresh_exchanges cannot run on a hot standby'
			USING ERRCODE = 'read_only_sql_transaction',
			      DETAIL = 'The geography is changed on the primary server; standbys follow by replication.';
	END IF;
	IF csv IS NULL THEN
		RAISE EXCEPTION 'exchange CSV must not be NULL'
			USING ERRCODE = 'null_value_not_allowed',
			      HINT = 'Pass the text of a file in the format of data/nanp_exchanges.csv.';
	END IF;
	-- One writer at a time; readers go on reading the old rows until
	-- commit; area_codes cannot change under the area-code rule.
	LOCK TABLE @extschema@.exchanges_refresh IN SHARE ROW EXCLUSIVE MODE;
	LOCK TABLE @extschema@.exchanges IN SHARE ROW EXCLUSIVE MODE;
	LOCK TABLE @extschema@.area_codes IN SHARE MODE;

	-- Validates the whole file (raising before anything is changed) and
	-- compares it with the current rows; exchanges are named NPA-NXX.
	SELECT coalesce(array_agg(n.npa || '-' || n.nxx ORDER BY n.npa, n.nxx)
	                FILTER (WHERE o.npa IS NULL), '{}'),
	       coalesce(array_agg(o.npa || '-' || o.nxx ORDER BY o.npa, o.nxx)
	                FILTER (WHERE n.npa IS NULL), '{}'),
	       coalesce(array_agg(n.npa || '-' || n.nxx ORDER BY n.npa, n.nxx)
	                FILTER (WHERE n.npa IS NOT NULL AND o.npa IS NOT NULL
	                        AND (n.*) IS DISTINCT FROM (o.*)), '{}')
	  INTO added, removed, changed
	  FROM @extschema@.exchanges_from_csv(csv,
	           ARRAY(SELECT a.npa FROM @extschema@.area_codes a
	                 WHERE a.kind OPERATOR(pg_catalog.=) 'geographic')) AS n
	  FULL JOIN @extschema@.exchanges AS o
	    ON o.npa OPERATOR(pg_catalog.=) n.npa AND o.nxx OPERATOR(pg_catalog.=) n.nxx;

	DELETE FROM @extschema@.exchanges_refresh;
	INSERT INTO @extschema@.exchanges_refresh (csv) VALUES (csv);
END
$fn$;

COMMENT ON FUNCTION @extschema@.refresh_exchanges(pg_catalog.text) IS
'Replaces exchanges atomically from CSV text (validated whole first, each row''s area code a geographic row of area_codes; any problem raises one error listing every bad line and changes nothing); returns the exchanges (NPA-NXX) added, removed and changed';

-- Changes reach every session's routing cache and every standby's.
CREATE TRIGGER exchanges_invalidate_cache
	AFTER INSERT OR UPDATE OR DELETE ON @extschema@.exchanges
	FOR EACH ROW EXECUTE FUNCTION @extschema@.invalidate_routing_cache();
CREATE TRIGGER exchanges_invalidate_cache_truncate
	AFTER TRUNCATE ON @extschema@.exchanges
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.invalidate_routing_cache();
ALTER TABLE @extschema@.exchanges ENABLE ALWAYS TRIGGER exchanges_invalidate_cache;
ALTER TABLE @extschema@.exchanges ENABLE ALWAYS TRIGGER exchanges_invalidate_cache_truncate;
COMMENT ON TRIGGER exchanges_invalidate_cache ON @extschema@.exchanges IS
'Tells every session''s routing cache that the geography changed';
COMMENT ON TRIGGER exchanges_invalidate_cache_truncate ON @extschema@.exchanges IS
'Tells every session''s routing cache that the geography changed';

CREATE FUNCTION @extschema@.us_e164_locate(number @extschema@.us_e164)
RETURNS pg_catalog.jsonb
AS 'MODULE_PATHNAME', 'us_e164_locate'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.us_e164_locate(@extschema@.us_e164) IS
'The best known location of a number: {"area_code", "exchange", "region", "place", "lat", "lon", "time_zones", "precision"}, precision "exchange" when lat/lon are its exchange''s point, "area_code" when its area code''s, null when it has no location';

GRANT SELECT ON @extschema@.exchanges TO PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.refresh_exchanges(pg_catalog.text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.exchanges_refresh_apply() FROM PUBLIC;

/*
 * The exchanges this version ships (data/nanp_exchanges.csv), in a fresh
 * install and in an update from 1.0 alike.  They are loaded whatever
 * area_codes holds: in a database whose administrator refreshed area_codes
 * without some area code, that code's exchanges are dormant until it comes
 * back (see the table's comment above), so the update never fails on them.
 */
INSERT INTO @extschema@.exchanges
SELECT * FROM @extschema@.exchanges_from_csv(
@CSV data/nanp_exchanges.csv exch@);
