-- t/geography_moved.sql - the current geography as area-code CSV, with 406
-- (Montana) removed and 907 moved from Anchorage to Portland, Maine, where it
-- becomes the nearest pool area code for Maine's 207.  Used by the standby
-- and dump/restore tests as a refreshed geography that differs from the
-- shipped one.
COPY (
  SELECT npa, country,
         CASE npa WHEN '907' THEN 'ME' ELSE region END AS region,
         CASE npa WHEN '907' THEN 'Portland' ELSE place END AS place,
         CASE npa WHEN '907' THEN 43.6591 ELSE lat END AS lat,
         CASE npa WHEN '907' THEN -70.2568 ELSE lon END AS lon,
         CASE npa WHEN '907' THEN 'America/New_York' ELSE time_zone END AS time_zone,
         CASE npa WHEN '907' THEN 'America/New_York'
              ELSE pg_catalog.array_to_string(time_zones, ' ') END AS time_zones,
         pg_catalog.array_to_string(overlays, ' ') AS overlays, kind,
         CASE WHEN in_service THEN 'true' ELSE 'false' END AS in_service, note
  FROM custom_dialing.area_codes WHERE npa <> '406' ORDER BY npa)
TO STDOUT WITH (FORMAT csv, HEADER)
