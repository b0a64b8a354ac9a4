-- t/exchanges_moved.sql - the current exchanges as exchange CSV, without
-- 406 (Montana, which t/geography_moved.sql removes from area_codes) and
-- with 850-222 moved from Tallahassee (Eastern) to Pensacola (Central).
-- Used by the standby and dump/restore tests as refreshed exchanges that
-- differ from the shipped ones.
COPY (
  SELECT npa, nxx, region,
         CASE WHEN npa = '850' AND nxx = '222' THEN 'Pensacola' ELSE place END AS place,
         CASE WHEN npa = '850' AND nxx = '222' THEN 30.4213 ELSE lat END AS lat,
         CASE WHEN npa = '850' AND nxx = '222' THEN -87.2169 ELSE lon END AS lon,
         CASE WHEN npa = '850' AND nxx = '222' THEN 'America/Chicago' ELSE time_zone END AS time_zone,
         'test' AS source
  FROM custom_dialing.exchanges WHERE npa <> '406' ORDER BY npa, nxx)
TO STDOUT WITH (FORMAT csv, HEADER)
