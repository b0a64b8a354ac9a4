-- pool_coverage: one row per geographic area code, what a callee there gets.
SET search_path = custom_dialing, public;

-- a 20-number pool over the continental US, two numbers in 212
INSERT INTO dialing_pools (id, owner_id, phone_numbers) VALUES
 ('01900000-0000-7000-8000-0000000000d1', 'aaaaaaaa-0000-4000-8000-000000000001',
  '{+12125550100,+12125550101,+16175550100,+12155550100,+12025550100,+14045550100,+13055550100,
    +13125550100,+13135550100,+16125550100,+12145550100,+17135550100,+13035550100,+16025550100,
    +17025550100,+14155550100,+12135550100,+12065550100,+15035550100,+18015550100}');

SELECT count(*) AS rows, count(DISTINCT area_code) AS area_codes,
       (SELECT count(*) FROM area_codes WHERE kind = 'geographic') AS geographic_codes
FROM pool_coverage('01900000-0000-7000-8000-0000000000d1');

-- how each area code is served
SELECT rule, count(*) AS area_codes, round(max(distance_km)) AS max_km
FROM pool_coverage('01900000-0000-7000-8000-0000000000d1') GROUP BY rule ORDER BY min(distance_km), rule;

-- "where are my callers not local?": the farthest ones
SELECT area_code, region, place, number, rule, round(distance_km) AS km
FROM pool_coverage('01900000-0000-7000-8000-0000000000d1')
ORDER BY distance_km DESC, area_code LIMIT 8;

-- a few rows by name
SELECT area_code, region, place, number, rule, round(distance_km::numeric, 1) AS km
FROM pool_coverage('01900000-0000-7000-8000-0000000000d1')
WHERE area_code IN ('212', '646', '718', '907', '808', '787', '416', '850') ORDER BY area_code;

-- every row is explain_pool_pick's answer for the callee NPA-555-0100
-- (whose region and place are its exchange's where exchanges knows NPA-555)
SELECT count(*) AS rows_disagreeing
FROM pool_coverage('01900000-0000-7000-8000-0000000000d1') c
     LEFT JOIN exchanges x ON x.npa = c.area_code AND x.nxx = '555',
     LATERAL explain_pool_pick('01900000-0000-7000-8000-0000000000d1', ('+1' || c.area_code || '5550100')::us_e164) e
WHERE e->>'number' <> c.number OR e->>'rule' <> c.rule
   OR (e->>'distance_km')::float8 IS DISTINCT FROM c.distance_km
   OR e->'callee'->>'region' <> coalesce(x.region, c.region)
   OR e->'callee'->>'place' <> coalesce(x.place, c.place);

-- a toll-free-only pool covers every area code by fallback
INSERT INTO dialing_pools (id, owner_id, phone_numbers) VALUES
 ('01900000-0000-7000-8000-0000000000d2', 'aaaaaaaa-0000-4000-8000-000000000001', '{+18005550100}');
SELECT rule, count(*), count(distance_km) AS with_distance
FROM pool_coverage('01900000-0000-7000-8000-0000000000d2') GROUP BY rule;

-- bad input
SELECT * FROM pool_coverage('00000000-0000-4000-8000-000000000000');
SELECT count(*) AS null_pool_rows FROM pool_coverage(NULL);

DELETE FROM dialing_pools;
