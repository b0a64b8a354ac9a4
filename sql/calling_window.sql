--
-- Calling windows by jurisdiction: calling_rules, calling_holidays,
-- calling_blackouts, calling_window, next_calling_time, reset_calling_rules.
--
-- Instants are written in UTC and shown in UTC; the comments give the
-- callee's local time.  2026-03-08 and 2026-11-01 are the US DST changes.
--
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

-- Compact views of an answer.
CREATE FUNCTION cw(callee text, at timestamptz, kinds text[] DEFAULT '{sales}', region text DEFAULT NULL)
RETURNS text LANGUAGE sql AS $$
SELECT coalesce(w->>'allowed', 'null') || ', next ' || coalesce(w->>'next_allowed_at', '-')
FROM custom_dialing.calling_window(callee, at, kinds, region) w
$$;
CREATE FUNCTION why(callee text, at timestamptz, kinds text[] DEFAULT '{sales}', region text DEFAULT NULL)
RETURNS SETOF text LANGUAGE sql AS $$
SELECT pg_catalog.jsonb_array_elements_text(custom_dialing.calling_window(callee, at, kinds, region)->'reasons')
$$;

------------------------------------------------------------------------
-- The shipped rows
------------------------------------------------------------------------
SELECT count(*) AS rules, count(*) FILTER (WHERE shipped) AS shipped,
       count(DISTINCT region) AS regions
FROM custom_dialing.calling_rules;
SELECT holiday_set, count(*), min(day), max(day)
FROM custom_dialing.calling_holidays GROUP BY holiday_set ORDER BY 1;
SELECT region, kinds, days, window_start, window_end, holiday_set, strength
FROM custom_dialing.calling_rules ORDER BY region, kinds, days;
-- quoted fields with commas and quotes came through whole
SELECT citation FROM custom_dialing.calling_rules WHERE region = 'FL';
SELECT left(note, 60) FROM custom_dialing.calling_rules WHERE region = 'AL' AND days = 'Mon-Sat';
SELECT name FROM custom_dialing.calling_holidays WHERE holiday_set = 'AL-state' AND day = '2026-01-19';
-- the functions that hold them agree with the tables
SELECT count(*) FROM custom_dialing.shipped_calling_rules() s
  JOIN custom_dialing.calling_rules r USING (region, kinds, days)
  WHERE r.window_start IS NOT DISTINCT FROM s.window_start AND r.note IS NOT DISTINCT FROM s.note;

------------------------------------------------------------------------
-- The federal window's edges (212 New York, Monday 2026-01-05, EST)
------------------------------------------------------------------------
SELECT cw('+12125550100', '2026-01-05 12:59:59+00');  -- 07:59:59
SELECT cw('+12125550100', '2026-01-05 13:00:00+00');  -- 08:00:00
SELECT cw('+12125550100', '2026-01-06 01:59:59+00');  -- 20:59:59
SELECT cw('+12125550100', '2026-01-06 01:59:59.999999+00');
SELECT cw('+12125550100', '2026-01-06 02:00:00+00');  -- 21:00:00
SELECT * FROM why('+12125550100', '2026-01-06 02:00:00+00');
-- an allowed instant is its own next, to the microsecond
SELECT custom_dialing.next_calling_time('+12125550100', '2026-01-05 15:00:00.123456+00');

-- A whole answer: Florida ends sales calls at 20:00 (Monday 2026-06-01 20:30 EDT)
SELECT jsonb_pretty(custom_dialing.calling_window('+13055550100', '2026-06-02 00:30:00+00'));

------------------------------------------------------------------------
-- DST: spring forward and fall back (212 New York)
------------------------------------------------------------------------
-- Saturday 21:30 EST before the change: the next call is Sunday 08:00 EDT
SELECT n, n AT TIME ZONE 'America/New_York' AS local
FROM custom_dialing.next_calling_time('+12125550100', '2026-03-08 02:30:00+00') n;
-- fall-back day: 08:00 EST is 13:00 UTC; the day before, 08:00 EDT is 12:00 UTC
SELECT n, n AT TIME ZONE 'America/New_York' AS local
FROM custom_dialing.next_calling_time('+12125550100', '2026-11-01 05:30:00+00') n;
SELECT n, n AT TIME ZONE 'America/New_York' AS local
FROM custom_dialing.next_calling_time('+12125550100', '2026-10-31 05:30:00+00') n;
-- The gap and the repeat, with rules of one's own for Ontario (no federal
-- window there): a window from 02:30 opens at 03:00 EDT when 02:30 does not
-- exist; a window 01:30-01:45 opens twice on fall-back night.
BEGIN;
INSERT INTO custom_dialing.calling_rules (region, kinds, days, window_start, window_end, citation, strength)
VALUES ('ON', '{night_gap}', 'Mon-Sun', '02:30', '05:00', 'test', 'test'),
       ('ON', '{night_repeat}', 'Mon-Sun', '01:30', '01:45', 'test', 'test');
SELECT n, n AT TIME ZONE 'America/Toronto' AS local
FROM custom_dialing.next_calling_time('+14165550100', '2026-03-08 06:00:00+00', '{night_gap}') n;
SELECT n, n AT TIME ZONE 'America/Toronto' AS local
FROM custom_dialing.next_calling_time('+14165550100', '2026-11-01 05:00:00+00', '{night_repeat}') n;
SELECT n, n AT TIME ZONE 'America/Toronto' AS local
FROM custom_dialing.next_calling_time('+14165550100', '2026-11-01 05:45:00+00', '{night_repeat}') n;
SELECT n, n AT TIME ZONE 'America/Toronto' AS local
FROM custom_dialing.next_calling_time('+14165550100', '2026-11-01 06:45:00+00', '{night_repeat}') n;
SELECT cw('+14165550100', '2026-11-01 06:40:00+00', '{night_repeat}');  -- 01:40 EST, the second time
ROLLBACK;
-- the rolled-back rules are gone from this session's cache too: their kind
-- of call is unknown again
SELECT cw('+14165550100', '2026-11-01 06:40:00+00', '{night_repeat}');

------------------------------------------------------------------------
-- 928: Arizona (America/Phoenix, no DST) and the Navajo Nation (America/Denver)
------------------------------------------------------------------------
-- July, 14:30 UTC: 07:30 in Phoenix, 08:30 in Denver
SELECT jsonb_pretty(custom_dialing.calling_window('+19285550100', '2026-07-01 14:30:00+00'));
-- July evening: 20:30 in Phoenix is 21:30 in Denver
SELECT * FROM why('+19285550100', '2026-07-02 03:30:00+00');
SELECT cw('+19285550100', '2026-07-02 02:59:59+00');
-- January: both zones on MST
SELECT cw('+19285550100', '2026-01-05 14:59:59+00'), cw('+19285550100', '2026-01-05 15:00:00+00');

------------------------------------------------------------------------
-- Holidays by the callee's local date
------------------------------------------------------------------------
-- 334 Alabama spans Central and Eastern time.  00:30 on Rosa Parks Day
-- (2026-12-01) in New York is still 23:30 on Nov 30 in Chicago: the holiday
-- is named for the Eastern zone only (the federal window refuses both).
SELECT * FROM why('+13345550100', '2026-12-01 05:30:00+00', '{prerecorded}');
-- the next call is when the holiday is over in Chicago too: Dec 2, 08:00 CST
SELECT custom_dialing.next_calling_time('+13345550100', '2026-12-01 05:30:00+00', '{prerecorded}');
-- Pennsylvania: Thanksgiving
SELECT * FROM why('+12155550100', '2026-11-26 16:00:00+00');
SELECT custom_dialing.next_calling_time('+12155550100', '2026-11-26 16:00:00+00');
-- A holiday weekend: Utah, Friday 2026-07-03 21:00 MDT; Saturday is
-- Independence Day, Sunday is barred: the next call is Monday 08:00 MDT
SELECT n, n AT TIME ZONE 'America/Denver' AS local
FROM custom_dialing.next_calling_time('+18015550100', '2026-07-04 03:00:00+00') n;
-- Rhode Island: Saturday 2026-09-05 after 17:00, Sunday barred, Monday is
-- Labor Day: Tuesday 09:00 EDT
SELECT n, n AT TIME ZONE 'America/New_York' AS local
FROM custom_dialing.next_calling_time('+14015550100', '2026-09-05 21:00:00+00') n;
SELECT cw('+14015550100', '2026-09-05 20:59:59+00'), cw('+14015550100', '2026-09-05 21:00:00+00');

------------------------------------------------------------------------
-- Sunday in the callee's zone, whatever it is elsewhere
------------------------------------------------------------------------
-- 2026-03-01 02:30 UTC is a Sunday in UTC, Saturday 19:30 in Utah (MST):
-- Utah's Sunday ban does not apply yet
SELECT cw('+18015550100', '2026-03-01 02:30:00+00');
-- Sunday 08:30 MST it does; the next call is Monday 08:00 MST
SELECT * FROM why('+18015550100', '2026-03-01 15:30:00+00');
SELECT cw('+18015550100', '2026-03-01 15:30:00+00');
-- seen from a session in Tokyo (Sunday afternoon there) the answer is the same
SET timezone = 'Asia/Tokyo';
SELECT cw('+18015550100', '2026-03-01 11:30:00+09');
SET timezone = 'UTC';
-- Saturday 23:00 UTC (18:00 in Chicago) is already Sunday 09:00 in Guam
-- (671, a US territory, UTC+10): a Sunday rule of one's own for GU applies
-- there, by Guam's date
BEGIN;
INSERT INTO custom_dialing.calling_rules (region, kinds, days, window_start, window_end, citation, strength)
VALUES ('GU', '{sales}', 'Sun', NULL, NULL, 'company policy', 'policy');
SELECT * FROM why('+16715550100', '2026-03-07 23:00:00+00');
SELECT cw('+16715550100', '2026-03-07 23:00:00+00'), cw('+13125550100', '2026-03-07 23:00:00+00');
ROLLBACK;

------------------------------------------------------------------------
-- Canada: the CRTC hours, no US baseline
------------------------------------------------------------------------
-- Ontario, Monday 2026-06-01 21:15 EDT: allowed (until 21:30)
SELECT cw('+14165550100', '2026-06-02 01:15:00+00');
-- Saturday 2026-06-06 18:30 EDT: refused (weekends 10:00-18:00)
SELECT * FROM why('+14165550100', '2026-06-06 22:30:00+00');
-- Canada Day 2026-07-01 (Wednesday) 12:00: a BC statutory holiday, not in Ontario
SELECT cw('+16045550100', '2026-07-01 19:00:00+00'), cw('+14165550100', '2026-07-01 16:00:00+00');
SELECT * FROM why('+16045550100', '2026-07-01 19:00:00+00');
SELECT custom_dialing.calling_window('+16045550100', '2026-07-01 19:00:00+00')->'rules' @> '[{"region": "CA-ALL"}, {"region": "BC"}]' AS both_regimes;

------------------------------------------------------------------------
-- US territories, other NANP countries, numbers with no location
------------------------------------------------------------------------
-- Puerto Rico (AST, no DST): the federal window
SELECT cw('+17875550100', '2026-06-02 00:30:00+00'), cw('+17875550100', '2026-06-02 01:30:00+00');
-- Jamaica: no rules known
SELECT custom_dialing.calling_window('+18765550100', '2026-06-01 16:00:00+00');
SELECT custom_dialing.next_calling_time('+18765550100', '2026-06-01 16:00:00+00');
-- Montserrat's region code is MS too, but Mississippi's rules are not its
SELECT custom_dialing.calling_window('+16645550100', '2026-03-01 16:00:00+00')->'rules';
-- toll-free and 5XX: no location
SELECT custom_dialing.calling_window('+18005550100', '2026-06-01 16:00:00+00');
SELECT custom_dialing.next_calling_time('+15005550100', '2026-06-01 16:00:00+00');

------------------------------------------------------------------------
-- The lead's address overrides the number's place
------------------------------------------------------------------------
-- a 212 number whose lead lives in Florida: Florida's 20:00 end
SELECT cw('+12125550100', '2026-06-02 00:30:00+00'),
       cw('+12125550100', '2026-06-02 00:30:00+00', region => 'FL');
-- Mississippi, not Montserrat: one zone, Central
SELECT custom_dialing.calling_window('+12125550100', '2026-06-01 16:00:00+00', region => 'MS')->'time_zones';
-- the number's own region keeps the number's zones (928: two)
SELECT custom_dialing.calling_window('+19285550100', '2026-06-01 16:00:00+00', region => 'AZ')->'time_zones';
-- a toll-free number with an address gets an answer
SELECT cw('+18005550100', '2026-06-01 16:00:00+00', region => 'TX');
SELECT custom_dialing.next_calling_time('+18005550100', '2026-06-01 04:00:00+00', region => 'TX');

------------------------------------------------------------------------
-- Kinds of call
------------------------------------------------------------------------
-- California: prerecorded (including AI-generated voices) from 09:00;
-- live sales calls from the federal 08:00 (Monday 2026-06-01 08:30 PDT)
SELECT cw('+14155550100', '2026-06-01 15:30:00+00'),
       cw('+14155550100', '2026-06-01 15:30:00+00', '{sales,prerecorded}');
SELECT * FROM why('+14155550100', '2026-06-01 15:30:00+00', '{sales,prerecorded}');
-- Oklahoma: sales 08-20, prerecorded 09-21; a prerecorded sales call, 09-20
SELECT cw('+14055550100', '2026-06-01 13:30:00+00', '{sales}'),
       cw('+14055550100', '2026-06-01 13:30:00+00', '{prerecorded}'),
       cw('+14055550100', '2026-06-02 01:30:00+00', '{sales,prerecorded}');
-- Illinois securities: Sunday from noon
SELECT cw('+13125550100', '2026-06-07 16:30:00+00', '{securities}'),
       cw('+13125550100', '2026-06-07 16:30:00+00', '{sales}');
-- the rules shown are those that apply to the kinds asked
SELECT jsonb_array_length(custom_dialing.calling_window('+14055550100', '2026-06-01 16:00:00+00', '{sales}')->'rules') AS sales,
       jsonb_array_length(custom_dialing.calling_window('+14055550100', '2026-06-01 16:00:00+00', '{sales,prerecorded}')->'rules') AS both;

------------------------------------------------------------------------
-- Blackouts
------------------------------------------------------------------------
INSERT INTO custom_dialing.calling_blackouts (region, starts_at, ends_at, reason) VALUES
	('LA', '2026-08-27 00:00+00', '2026-08-29 17:00+00', 'declared state of emergency (La. R.S. 45:844.31)'),
	('CA-ALL', '2026-12-24 00:00+00', '2026-12-27 00:00+00', 'company rule: no calls into Canada at Christmas'),
	(NULL, '2026-12-31 00:00+00', '2027-01-01 00:00+00', 'company rule: no calls on New Year''s Eve');
SELECT cw('+15045550100', '2026-08-28 16:00:00+00');
SELECT * FROM why('+15045550100', '2026-08-28 16:00:00+00');
SELECT cw('+15045550100', '2026-08-29 17:00:00+00');  -- the end is allowed
SELECT cw('+12125550100', '2026-08-28 16:00:00+00');  -- another region
SELECT cw('+14165550100', '2026-12-24 16:00:00+00'), cw('+12125550100', '2026-12-24 16:00:00+00');
SELECT cw('+12125550100', '2026-12-31 16:00:00+00'), cw('+14165550100', '2026-12-31 16:00:00+00');
DELETE FROM custom_dialing.calling_blackouts;
SELECT cw('+15045550100', '2026-08-28 16:00:00+00');
-- a blackout's period must be a period
INSERT INTO custom_dialing.calling_blackouts (region, starts_at, ends_at, reason)
VALUES ('LA', '2026-08-29 00:00+00', '2026-08-28 00:00+00', 'backwards');
INSERT INTO custom_dialing.calling_blackouts (region, starts_at, ends_at, reason)
VALUES ('Louisiana', '2026-08-28 00:00+00', '2026-08-29 00:00+00', 'name');

------------------------------------------------------------------------
-- Exchange precision: the callee's place is its exchange's when known
-- (region, and its time zone alone), else its area code's (every zone)
------------------------------------------------------------------------
-- 850 spans Central and Eastern: 850-210 Tallahassee (Eastern), 850-215
-- Panama City (Central), 850-555 unknown (both).  Monday 2026-06-01.
SELECT c, w->>'region' AS region, w->'time_zones' AS zones, w->>'allowed' AS allowed
FROM (VALUES ('+18502100100'), ('+18502150100'), ('+18505550100')) v(c),
     LATERAL custom_dialing.calling_window(c, '2026-06-01 12:30:00+00') w;  -- 08:30 EDT, 07:30 CDT
-- one statement, one call site: callees of different exchanges of one area
-- code get their own answers, in any order
SELECT c, custom_dialing.calling_window(c, '2026-06-01 12:30:00+00')->>'allowed' AS at_0830_edt,
       custom_dialing.calling_window(c, '2026-06-02 00:30:00+00')->>'allowed' AS at_2030_edt
FROM (VALUES (1, '+18502100100'), (2, '+18502150100'), (3, '+18505550100'), (4, '+18502100199'),
             (5, '+18502150199'), (6, '+18505550199')) v(i, c) ORDER BY i;
SELECT * FROM why('+18502150100', '2026-06-01 12:30:00+00');
SELECT * FROM why('+18502100100', '2026-06-02 00:30:00+00');  -- Florida's 20:00
SELECT * FROM why('+18505550100', '2026-06-02 00:30:00+00');
-- next_calling_time: Tallahassee's 08:00 EDT is an hour before Panama City's
-- 08:00 CDT; the unknown exchange waits for both
SELECT c, custom_dialing.next_calling_time(c, '2026-06-01 11:00:00+00') AS from_0700_edt,
       custom_dialing.next_calling_time(c, '2026-06-02 00:30:00+00') AS from_2030_edt
FROM (VALUES (1, '+18502100100'), (2, '+18502150100'), (3, '+18505550100')) v(i, c) ORDER BY i;
-- 208: Boise exchanges (Mountain) against the panhandle's (Pacific)
SELECT c, w->'time_zones' AS zones, w->>'allowed' AS allowed, w->>'next_allowed_at' AS next
FROM (VALUES (1, '+12082260100'), (2, '+12082450100'), (3, '+12085550100')) v(i, c),
     LATERAL custom_dialing.calling_window(c, '2026-06-01 14:30:00+00') w ORDER BY i;  -- 08:30 MDT, 07:30 PDT
SELECT c, w->'time_zones' AS zones, w->>'allowed' AS allowed
FROM (VALUES (1, '+12082260100'), (2, '+12082450100'), (3, '+12085550100')) v(i, c),
     LATERAL custom_dialing.calling_window(c, '2026-06-02 03:30:00+00') w ORDER BY i;  -- 21:30 MDT, 20:30 PDT
-- 605: autodialed calls into South Dakota, Central against Mountain exchanges
SELECT c, w->'time_zones' AS zones, w->>'allowed' AS allowed
FROM (VALUES (1, '+16052170100'), (2, '+16052230100'), (3, '+16055550100')) v(i, c),
     LATERAL custom_dialing.calling_window(c, '2026-06-01 14:30:00+00', '{autodialed}') w ORDER BY i;  -- 09:30 CDT, 08:30 MDT
-- 907: a Juneau exchange is in America/Juneau alone, a zone the area code
-- does not list; the unknown exchange keeps Anchorage and Adak
SELECT c, w->'time_zones' AS zones, w->>'allowed' AS allowed, w->>'next_allowed_at' AS next
FROM (VALUES (1, '+19074630100'), (2, '+19075550100')) v(i, c),
     LATERAL custom_dialing.calling_window(c, '2026-06-01 16:30:00+00') w ORDER BY i;  -- 08:30 AKDT, 07:30 HDT
-- The exchange's region, when it differs from the area code's: 867 is
-- Yukon, Northwest Territories and Nunavut; a 902 exchange in Prince Edward
-- Island (no zone of its own: the area code's); a 201 exchange in New York
SELECT c, w->>'region' AS region, w->'time_zones' AS zones, w->>'allowed' AS allowed
FROM (VALUES (1, '+18673930100'), (2, '+18679790100'), (3, '+18675550100'), (4, '+19023670100'),
             (5, '+19025550100'), (6, '+12016310100'), (7, '+12015550100')) v(i, c),
     LATERAL custom_dialing.calling_window(c, '2026-06-01 17:00:00+00') w ORDER BY i;
-- Canadian exchanges get the CRTC's hours in their own zone: Whitehorse is
-- UTC-7, Iqaluit UTC-4 (Monday 2026-06-01 13:30 UTC: 06:30 and 09:30)
SELECT cw('+18673930100', '2026-06-01 13:30:00+00'), cw('+18679790100', '2026-06-01 13:30:00+00');
-- a blackout of a region reaches the exchanges in it, not their neighbours
INSERT INTO custom_dialing.calling_blackouts (region, starts_at, ends_at, reason) VALUES
	('YT', '2026-06-01 00:00+00', '2026-06-02 00:00+00', 'company rule: not into Yukon today'),
	('NY', '2026-06-01 00:00+00', '2026-06-02 00:00+00', 'company rule: not into New York today');
SELECT cw('+18673930100', '2026-06-01 19:00:00+00') AS yt, cw('+18679790100', '2026-06-01 19:00:00+00') AS nu,
       cw('+12016310100', '2026-06-01 19:00:00+00') AS ny, cw('+12015550100', '2026-06-01 19:00:00+00') AS nj;
SELECT * FROM why('+12016310100', '2026-06-01 19:00:00+00');
-- region, when it names the exchange's own region, keeps the exchange's
-- place; another region is that region's place (every zone of it)
SELECT c, r, w->>'region' AS region, w->'time_zones' AS zones, w->>'allowed' AS allowed
FROM (VALUES (1, '+12016310100', 'NY'), (2, '+12016310100', 'NJ'), (3, '+18502150100', 'FL'),
             (4, '+18502150100', NULL)) v(i, c, r),
     LATERAL custom_dialing.calling_window(c, '2026-06-01 19:00:00+00', region => r) w ORDER BY i;
-- a region only exchanges name (no area code's) may be given too: every
-- zone of its exchanges (Yukon's blackout above still holds)
SELECT c, r, w->>'region' AS region, w->'time_zones' AS zones, w->>'allowed' AS allowed
FROM (VALUES (1, '+18675550100', 'YT'), (2, '+18005550100', 'NU'), (3, '+18005550100', 'PE')) v(i, c, r),
     LATERAL custom_dialing.calling_window(c, '2026-06-01 19:00:00+00', region => r) w ORDER BY i;
SELECT custom_dialing.next_calling_time('+18675550100', '2026-06-01 19:00:00+00', region => 'YT');
DELETE FROM custom_dialing.calling_blackouts;
-- a change of the exchanges is seen at once: Panama City's exchange moved
-- to Eastern time, then back
UPDATE custom_dialing.exchanges SET time_zone = 'America/New_York' WHERE npa = '850' AND nxx = '215';
SELECT cw('+18502150100', '2026-06-01 12:30:00+00');
UPDATE custom_dialing.exchanges SET time_zone = NULL WHERE npa = '850' AND nxx = '215';
SELECT cw('+18502150100', '2026-06-01 12:30:00+00');  -- no zone: the area code's (both)
UPDATE custom_dialing.exchanges SET time_zone = 'America/Chicago' WHERE npa = '850' AND nxx = '215';
SELECT cw('+18502150100', '2026-06-01 12:30:00+00');

------------------------------------------------------------------------
-- Property: next_calling_time(c, t) >= t, allowed there, and no minute
-- between t and it is allowed (shipped rules' edges are whole minutes)
------------------------------------------------------------------------
WITH callees(c) AS (VALUES ('+12125550100'), ('+19285550100'), ('+13345550100'), ('+14015550100'),
	('+18015550100'), ('+14165550100'), ('+16045550100'), ('+17875550100'), ('+13055550100'),
	('+18505550100'), ('+12155550100'), ('+15045550100'), ('+18502100100'), ('+18502150100'),
	('+12082450100'), ('+18673930100')),
starts(t) AS (VALUES ('2026-03-06 17:00:00+00'::timestamptz), ('2026-03-07 23:17:00+00'),
	('2026-10-31 20:00:00+00'), ('2026-11-25 22:41:00+00'), ('2026-07-03 19:00:00+00'),
	('2026-12-31 12:00:00+00')),
k(kinds) AS (VALUES ('{sales}'::text[]), ('{prerecorded,autodialed}')),
n AS (SELECT c, t, kinds, custom_dialing.next_calling_time(c, t, kinds) AS nx FROM callees, starts, k)
SELECT count(*) AS cases,
       count(*) FILTER (WHERE nx IS NULL) AS without_next,
       count(*) FILTER (WHERE nx < t) AS before_t,
       count(*) FILTER (WHERE (custom_dialing.calling_window(c, nx, kinds)->>'allowed')::bool IS NOT TRUE) AS not_allowed_at_next,
       count(*) FILTER (WHERE nx > t AND (custom_dialing.calling_window(c, nx - interval '1 microsecond', kinds)->>'allowed')::bool) AS allowed_just_before,
       (SELECT count(*) FROM n n2, LATERAL generate_series(n2.t, least(n2.nx, n2.t + interval '7 days') - interval '1 minute', interval '1 minute') s
         WHERE (custom_dialing.calling_window(n2.c, s, n2.kinds)->>'allowed')::bool) AS allowed_minutes_between
FROM n;

-- Every minute of two weeks (the DST changes of 2026) for a sample of
-- callees: next_calling_time from each minute is exactly the first minute
-- from there on that calling_window allows (every edge and DST change here
-- falls on a whole minute), which is also allowed and not before it.
WITH callees(c, kinds) AS (VALUES ('+12125550100', '{sales}'::text[]), ('+19285550100', '{sales}'),
	('+13345550100', '{prerecorded}'), ('+14015550100', '{sales}'), ('+18015550100', '{sales}'),
	('+14165550100', '{sales}'), ('+16045550100', '{sales}'), ('+15045550100', '{sales}'),
	('+18502100100', '{sales}'), ('+18502150100', '{sales}'), ('+18673930100', '{sales}')),
weeks(w0) AS (VALUES ('2026-03-04 00:00+00'::timestamptz), ('2026-10-28 00:00+00')),
minutes AS (
	SELECT c, kinds, w0, m,
	       (custom_dialing.calling_window(c, m, kinds)->>'allowed')::bool AS ok,
	       custom_dialing.next_calling_time(c, m, kinds) AS nx
	FROM callees, weeks,
	     LATERAL generate_series(w0, w0 + interval '7 days' - interval '1 minute', interval '1 minute') m),
firsts AS (
	SELECT *, min(m) FILTER (WHERE ok) OVER (PARTITION BY c, kinds, w0 ORDER BY m DESC) AS first_ok
	FROM minutes)
SELECT count(*) AS minutes, count(*) FILTER (WHERE ok) AS allowed,
       count(*) FILTER (WHERE nx < m) AS next_before_t,
       count(*) FILTER (WHERE first_ok IS NOT NULL AND nx IS DISTINCT FROM first_ok) AS next_not_first_allowed,
       count(*) FILTER (WHERE first_ok IS NULL AND nx < w0 + interval '7 days') AS next_inside_but_none_seen
FROM firsts;

------------------------------------------------------------------------
-- Bad inputs
------------------------------------------------------------------------
SELECT custom_dialing.calling_window('+1234', '2026-06-01 16:00+00');
SELECT custom_dialing.calling_window(NULL, '2026-06-01 16:00+00');
SELECT custom_dialing.calling_window('+12125550100', NULL);
SELECT custom_dialing.next_calling_time('+12125550100', NULL);
SELECT custom_dialing.calling_window('+12125550100', 'infinity');
SELECT custom_dialing.next_calling_time('+12125550100', '-infinity');
SELECT custom_dialing.calling_window('+12125550100', '2026-06-01 16:00+00', NULL);
SELECT custom_dialing.calling_window('+12125550100', '2026-06-01 16:00+00', '{}');
SELECT custom_dialing.calling_window('+12125550100', '2026-06-01 16:00+00', '{sales,NULL}');
SELECT custom_dialing.calling_window('+12125550100', '2026-06-01 16:00+00', '{robocall}');
SELECT custom_dialing.next_calling_time('+12125550100', '2026-06-01 16:00+00', '{{sales}}');
SELECT custom_dialing.calling_window('+12125550100', '2026-06-01 16:00+00', region => 'Florida');
SELECT custom_dialing.next_calling_time('+12125550100', '2026-06-01 16:00+00', region => '');
-- a search near the end of time
SELECT custom_dialing.next_calling_time('+12125550100', '294276-12-31 00:00+00');
-- rows the tables refuse
INSERT INTO custom_dialing.calling_rules (region, kinds, days, window_start, window_end, citation, strength)
VALUES ('FL', '{sales}', 'Mon-Sun', '20:00', '08:00', 'x', 'x');
INSERT INTO custom_dialing.calling_rules (region, kinds, days, window_start, window_end, citation, strength)
VALUES ('FL', '{sales}', 'Monday', '08:00', '20:00', 'x', 'x');
INSERT INTO custom_dialing.calling_rules (region, kinds, days, window_start, window_end, citation, strength)
VALUES ('FL', '{Sales}', 'Mon', '08:00', '20:00', 'x', 'x');
INSERT INTO custom_dialing.calling_rules (region, kinds, days, window_start, window_end, citation, strength)
VALUES ('FL', '{sales}', 'Mon', '08:00', NULL, 'x', 'x');

-- the SQLSTATE of each refusal
CREATE FUNCTION sqlstate_of(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE;
END
$$;
SELECT sqlstate_of(q), q FROM (VALUES
	($q$SELECT custom_dialing.calling_window('+1234')$q$),
	($q$SELECT custom_dialing.calling_window('+12125550100', NULL)$q$),
	($q$SELECT custom_dialing.next_calling_time('+12125550100', 'infinity')$q$),
	($q$SELECT custom_dialing.calling_window('+12125550100', now(), NULL)$q$),
	($q$SELECT custom_dialing.calling_window('+12125550100', now(), '{}')$q$),
	($q$SELECT custom_dialing.calling_window('+12125550100', now(), '{sales,NULL}')$q$),
	($q$SELECT custom_dialing.calling_window('+12125550100', now(), '{robocall}')$q$),
	($q$SELECT custom_dialing.calling_window('+12125550100', now(), '{{sales}}')$q$),
	($q$SELECT custom_dialing.next_calling_time('+12125550100', now(), region => 'Florida')$q$),
	($q$INSERT INTO custom_dialing.calling_rules (region, kinds, days, citation, strength) VALUES ('FL', '{sales}', 'Monday', 'x', 'x')$q$),
	($q$SELECT custom_dialing.calling_window('+12125550100')$q$)
) v(q);
DROP FUNCTION sqlstate_of(text);

------------------------------------------------------------------------
-- Administrators' changes, and reset_calling_rules()
------------------------------------------------------------------------
-- Florida's rule edited: no longer shipped, and its shipped key recorded
UPDATE custom_dialing.calling_rules SET window_end = '19:00' WHERE region = 'FL';
SELECT region, window_end, shipped FROM custom_dialing.calling_rules WHERE region = 'FL';
SELECT * FROM custom_dialing.calling_rules_removed;
SELECT cw('+13055550100', '2026-06-01 23:30:00+00');  -- 19:30 EDT, now refused
-- Connecticut's deleted, a rule of one's own added, a holiday added and one deleted
DELETE FROM custom_dialing.calling_rules WHERE region = 'CT';
INSERT INTO custom_dialing.calling_rules (region, kinds, days, window_start, window_end, citation, strength)
VALUES ('NY', '{sales}', 'Mon-Sun', '09:00', '20:00', 'company policy', 'policy');
DELETE FROM custom_dialing.calling_holidays WHERE holiday_set = 'PA-legal' AND day = '2026-11-26';
INSERT INTO custom_dialing.calling_holidays VALUES ('PA-legal', '2026-11-27', 'day after Thanksgiving (company)');
SELECT cw('+12155550100', '2026-11-26 16:00:00+00'), cw('+12155550100', '2026-11-27 16:00:00+00');
SELECT * FROM custom_dialing.calling_rules_removed ORDER BY region;
SELECT * FROM custom_dialing.calling_holidays_removed;
SELECT count(*) FILTER (WHERE shipped) AS shipped, count(*) FILTER (WHERE NOT shipped) AS own
FROM custom_dialing.calling_rules;
-- only an administrator may reset
CREATE ROLE cw_dialer;
SET ROLE cw_dialer;
SELECT custom_dialing.reset_calling_rules();
SELECT cw('+12125550100', '2026-06-01 13:30:00+00');  -- any role may ask: 09:30 EDT
UPDATE custom_dialing.calling_rules SET window_end = '23:00' WHERE region = 'FL';
RESET ROLE;
DROP ROLE cw_dialer;
SELECT custom_dialing.reset_calling_rules();
SELECT count(*) AS rules, count(*) FILTER (WHERE shipped) AS shipped FROM custom_dialing.calling_rules;
SELECT count(*) AS holidays, count(*) FILTER (WHERE shipped) AS shipped FROM custom_dialing.calling_holidays;
SELECT (SELECT count(*) FROM custom_dialing.calling_rules_removed) AS rules_removed,
       (SELECT count(*) FROM custom_dialing.calling_holidays_removed) AS holidays_removed;
SELECT cw('+13055550100', '2026-06-01 23:30:00+00');  -- 19:30 EDT, allowed again
-- TRUNCATE records every shipped key too; reset brings them back
TRUNCATE custom_dialing.calling_rules;
SELECT count(*) FROM custom_dialing.calling_rules_removed;
SELECT cw('+13055550100', '2026-06-02 00:30:00+00');  -- 20:30 EDT: federal only now
SELECT custom_dialing.reset_calling_rules();
SELECT cw('+13055550100', '2026-06-02 00:30:00+00');

-- a database at 1.0 never has these objects, and within_calling_hours is unchanged
SELECT custom_dialing.within_calling_hours('+19285550100', '2026-07-01 14:30:00+00');

DROP FUNCTION cw(text, timestamptz, text[], text);
DROP FUNCTION why(text, timestamptz, text[], text);
