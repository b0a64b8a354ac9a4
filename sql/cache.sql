-- The per-session routing cache: bounded by custom_dialing.cache_size,
-- least recently used pools dropped, answers unchanged by eviction.
SET search_path = custom_dialing, public;

-- six pools of 1,000 numbers each over the US area codes
INSERT INTO dialing_pools (id, owner_id, phone_numbers)
SELECT ('01900000-0000-7000-8000-0000000000e' || p)::uuid, 'aaaaaaaa-0000-4000-8000-000000000001',
       (SELECT array_agg(('+1' || n.a[1 + i % n.c] || lpad((i * 7919 + p)::text, 7, '0'))::us_e164)
        FROM (SELECT array_agg(npa ORDER BY npa) a, count(*) c FROM area_codes
              WHERE kind = 'geographic' AND country = 'US') n, generate_series(1, 1000) i)
FROM generate_series(1, 6) p;
CREATE TEMP TABLE callees AS
  SELECT ('+1' || npa || '5550' || lpad(i::text, 3, '0'))::us_e164 AS c
  FROM area_codes, generate_series(1, 3) i WHERE kind = 'geographic';

-- answers with a cache large enough for every pool
SHOW custom_dialing.cache_size;
CREATE TEMP TABLE roomy AS
  SELECT p.id, c.c, pick_pool_number(p.id, c.c) AS n
  FROM dialing_pools p, callees c;
SELECT count(*) AS cached_pools FROM pg_backend_memory_contexts WHERE name = 'custom_dialing pool';

-- the smallest cache: each pick of another pool evicts the previous one
SET custom_dialing.cache_size = '64kB';
-- pool after pool: each one built once, dropping the one before
SELECT count(*) AS answers_changed
FROM (SELECT r.id, r.c, pick_pool_number(r.id, r.c) AS n
      FROM (SELECT * FROM roomy ORDER BY id, c OFFSET 0) r) tight
JOIN roomy USING (id, c) WHERE tight.n <> roomy.n;
-- alternating between pools row by row: every row another eviction and rebuild
SELECT count(*) AS answers_changed
FROM (SELECT r.id, r.c, pick_pool_number(r.id, r.c) AS n
      FROM (SELECT * FROM roomy ORDER BY c, id LIMIT 120) r) tight
JOIN roomy USING (id, c) WHERE tight.n <> roomy.n;
-- bounded: what is cached now fits in 64kB, or is the one pool last used
SELECT count(*) <= 1 AS at_most_one_pool, sum(total_bytes) < 128 * 1024 AS small
FROM pg_backend_memory_contexts WHERE name = 'custom_dialing pool';

-- room again: pools stay cached
RESET custom_dialing.cache_size;
SELECT count(DISTINCT pick_pool_number(id, '+12125550100')) > 0 AS picked FROM dialing_pools;
SELECT count(*) AS cached_pools FROM pg_backend_memory_contexts WHERE name = 'custom_dialing pool';

-- the geography has its own context, and a deleted pool leaves the cache
SELECT count(*) AS geography_contexts FROM pg_backend_memory_contexts WHERE name = 'custom_dialing geography';
DELETE FROM dialing_pools WHERE id = '01900000-0000-7000-8000-0000000000e1';
SELECT pick_pool_number('01900000-0000-7000-8000-0000000000e1', '+12125550100');
SELECT count(*) AS cached_pools FROM pg_backend_memory_contexts WHERE name = 'custom_dialing pool';

-- changes made with session_replication_role = replica (replication apply
-- workers, bulk loads) invalidate too
SELECT pick_pool_number('01900000-0000-7000-8000-0000000000e2', '+12125550100') <> '+13055550100' AS before;
SET session_replication_role = replica;
UPDATE dialing_pools SET phone_numbers = '{+13055550100}' WHERE id = '01900000-0000-7000-8000-0000000000e2';
RESET session_replication_role;
SELECT pick_pool_number('01900000-0000-7000-8000-0000000000e2', '+12125550100') AS after_replica_update;

-- the bound is the superuser's to set
SET custom_dialing.cache_size = '32kB';
CREATE ROLE regress_cd_cache_user;
SET ROLE regress_cd_cache_user;
SET custom_dialing.cache_size = '1GB';
RESET ROLE;
DROP ROLE regress_cd_cache_user;

DELETE FROM dialing_pools;
