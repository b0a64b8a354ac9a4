-- t/callees.sql - 1,000 callees, generated deterministically: area codes
-- 200-999 visited in a fixed order (geographic, overlays, toll-free, N11,
-- 555, unassigned), one in a hundred with an area code starting 0 or 1
-- (invalid NANP).  Columns n and callee.  Used by the standby and
-- dump/restore tests.
SELECT n, ('+1'
    || CASE WHEN n % 100 = 0 THEN pg_catalog.lpad(((n / 100) * 37 % 200)::text, 3, '0')
            ELSE (200 + (n * 37) % 800)::text END
    || pg_catalog.lpad(((n * 7919 + 12345) % 10000000)::text, 7, '0'))::custom_dialing.us_e164 AS callee
FROM pg_catalog.generate_series(1, 1000) AS n
