-- within_calling_hours: local time in every zone of the callee's area code,
-- across daylight-saving changes and for areas spanning two zones.
SET search_path = custom_dialing, public;
SET TimeZone = 'UTC';   -- only for displaying the instants

-- New York around the 2026 spring-forward (8 March, 02:00 local -> 03:00)
-- and fall-back (1 November, 02:00 local -> 01:00); the window is [08:00, 21:00)
SELECT at, within_calling_hours('+12125550199', at) AS new_york
FROM unnest(ARRAY['2026-03-07 12:59:59Z', '2026-03-07 13:00:00Z',   -- 07:59:59 / 08:00 EST
                  '2026-03-08 11:59:59Z', '2026-03-08 12:00:00Z',   -- 07:59:59 / 08:00 EDT
                  '2026-03-09 00:59:59Z', '2026-03-09 01:00:00Z',   -- 20:59:59 / 21:00 EDT
                  '2026-11-01 11:59:59Z', '2026-11-01 13:00:00Z',   -- 06:59:59 / 08:00 EST
                  '2026-11-02 01:59:59.999999Z', '2026-11-02 02:00:00Z'  -- 20:59:59.999999 / 21:00 EST
                 ]::timestamptz[]) AS at;

-- 850 spans Central (Pensacola) and Eastern (Tallahassee): both must be in the window
SELECT at, within_calling_hours('+18505550199', at) AS florida_panhandle
FROM unnest(ARRAY['2026-07-01 12:30Z',   -- 08:30 EDT, 07:30 CDT
                  '2026-07-01 13:00Z',   -- 09:00 EDT, 08:00 CDT
                  '2026-07-02 00:59Z',   -- 20:59 EDT, 19:59 CDT
                  '2026-07-02 01:00Z'    -- 21:00 EDT
                 ]::timestamptz[]) AS at;

-- 208 spans Mountain (Boise) and Pacific (northern Idaho)
SELECT at, within_calling_hours('+12085550199', at) AS idaho
FROM unnest(ARRAY['2026-07-01 14:00Z', '2026-07-01 15:00Z', '2026-07-02 02:59Z', '2026-07-02 03:00Z']::timestamptz[]) AS at;

-- 928: Arizona keeps UTC-7 all year (America/Phoenix), the Navajo Nation
-- observes daylight time (America/Denver): in summer they differ by an hour
SELECT at, within_calling_hours('+19285550199', at) AS northern_arizona
FROM unnest(ARRAY['2026-07-01 14:59Z', '2026-07-01 15:00Z',   -- Phoenix 07:59 / 08:00 (Denver 08:59 / 09:00)
                  '2026-07-02 02:59Z', '2026-07-02 03:00Z',   -- Denver 20:59 / 21:00 (Phoenix 19:59 / 20:00)
                  '2026-01-15 15:00Z', '2026-01-16 03:59Z'    -- winter: both 08:00 / 20:59
                 ]::timestamptz[]) AS at;
-- 602 (Phoenix only) follows America/Phoenix alone
SELECT within_calling_hours('+16025550199', '2026-07-02 03:30Z') AS phoenix_2030;

-- Hawaii (UTC-10), Puerto Rico (UTC-4), Guam (UTC+10, a day ahead), American Samoa (UTC-11), Alaska
SELECT c, within_calling_hours(c, '2026-07-01 18:00Z') AS at_1800z, within_calling_hours(c, '2026-07-01 22:00Z') AS at_2200z
FROM unnest(ARRAY['+18085550199', '+17875550199', '+16715550199', '+16845550199', '+19075550199']::us_e164[]) AS c;

-- Zones added by the 1.1 data: 907 also observes America/Adak (an hour behind
-- Anchorage), and 273/367/581 share 418's Magdalen Islands (America/Halifax,
-- an hour ahead of Toronto)
SELECT c, at, within_calling_hours(c, at) AS allowed
FROM unnest(ARRAY['+19075550199', '+15815550199', '+13675550199', '+14185550199']::us_e164[]) AS c,
     unnest(ARRAY['2026-07-01 16:30Z',   -- Anchorage 08:30, Adak 07:30; Toronto 12:30, Halifax 13:30
                  '2026-07-01 17:00Z',   -- Adak 08:00
                  '2026-07-02 00:30Z',   -- Toronto 20:30, Halifax 21:30; Anchorage 16:30
                  '2026-07-02 04:59Z'    -- Anchorage 20:59, Adak 19:59
                 ]::timestamptz[]) AS at
ORDER BY c, at;

-- a custom window
SELECT within_calling_hours('+12125550199', '2026-07-01 13:00Z', '09:00', '17:00') AS nine_to_five_at_9,
       within_calling_hours('+12125550199', '2026-07-01 12:59Z', '09:00', '17:00') AS nine_to_five_at_859,
       within_calling_hours('+12125550199', '2026-07-02 03:59Z', '00:00', '24:00') AS whole_day;

-- no location: toll-free, not an area code, unassigned, invalid
SELECT c, within_calling_hours(c, '2026-07-01 18:00Z') AS answer
FROM unnest(ARRAY['+18005550199', '+15555550199', '+12995550199', '+10125550199']::us_e164[]) AS c;

-- the session TimeZone does not matter
SET TimeZone = 'Asia/Tokyo';
SELECT within_calling_hours('+18505550199', '2026-07-01 12:30Z') AS panhandle_0830_edt,
       within_calling_hours('+18505550199', '2026-07-01 13:00Z') AS panhandle_0800_cdt;
SET TimeZone = 'UTC';

-- Every geographic area code at four instants of a summer and a winter day,
-- against the rule restated in SQL over the time_zones column
SELECT count(*) AS checked,
       count(*) FILTER (WHERE within_calling_hours(('+1' || a.npa || '5550199')::us_e164, t) IS DISTINCT FROM
         (SELECT bool_and((t AT TIME ZONE z)::time >= '08:00' AND (t AT TIME ZONE z)::time < '21:00')
          FROM unnest(a.time_zones) z)) AS disagree
FROM area_codes a,
     unnest(ARRAY['2026-07-01 12:30Z', '2026-07-01 15:00Z', '2026-07-02 01:30Z', '2026-07-02 04:00Z',
                  '2026-01-15 12:30Z', '2026-01-15 15:00Z', '2026-01-16 01:30Z', '2026-01-16 04:00Z']::timestamptz[]) t
WHERE a.kind = 'geographic';

-- bad input
SELECT within_calling_hours('+12125550199', '2026-07-01 18:00Z', '21:00', '08:00');
SELECT within_calling_hours('+12125550199', '2026-07-01 18:00Z', '09:00', '09:00');
SELECT within_calling_hours('+12125550199', 'infinity');
SELECT within_calling_hours('+12125550199', '-infinity');
SELECT within_calling_hours(NULL) IS NULL AS null_callee,
       within_calling_hours('+12125550199', NULL) IS NULL AS null_at,
       within_calling_hours('+12125550199', now(), NULL, '21:00') IS NULL AS null_start;
SELECT within_calling_hours('+1212555019', now());
-- now() is the default
SELECT within_calling_hours('+12125550199') = within_calling_hours('+12125550199', now()) AS default_is_now;
